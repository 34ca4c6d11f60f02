"""Command-line functions of the fetcher, for ``shared/cli.py`` to wire as commands.

- ``claimwire feeds add URL`` → ``feeds_add``; ``claimwire feeds list`` → ``feeds_list``;
- ``claimwire replay`` → ``replay_pages``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from services.fetcher.feeds import add_feed, feeds_path, read_feeds
from services.fetcher.replay import replay
from shared.settings import Settings


def feeds_add(settings: Settings, url: str) -> bool:
    """Add a feed URL to ``<data_dir>/feeds.txt``; False if already listed.

    Raises ValueError for a URL that is not http(s) or has userinfo.
    """
    return add_feed(feeds_path(settings), url)


def feeds_list(settings: Settings) -> list[str]:
    """The feed URLs the fetcher polls."""
    return read_feeds(feeds_path(settings))


def replay_pages(settings: Settings, progress: Callable[[int], None] | None = None) -> int:
    """Send every kept page (``articles.raw``) through the pipeline again; returns how many."""
    return asyncio.run(replay(settings, progress))
