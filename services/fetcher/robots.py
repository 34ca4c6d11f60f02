"""robots.txt rules (RFC 9309), parsed and matched without network access.

Groups start with one or more ``User-agent`` lines; the groups naming our product token
(case-insensitively) apply, merged, else the ``*`` groups. Among matching ``Allow``/``Disallow``
rules the longest pattern wins, ``Allow`` on a tie; ``*`` matches any run of characters and a
final ``$`` anchors the end. ``Crawl-delay`` (not in the RFC, widely used) is kept. Fetching and
caching the file is ``fetch.py``'s job: per RFC 9309 a 4xx means "no rules" and a 5xx or an
unreachable server means "disallow everything" for a while.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

# RFC 9309: parse at least 500 KiB; what lies beyond may be ignored.
MAX_ROBOTS_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class Rule:
    allow: bool
    pattern: str
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """The rules that apply to one crawler on one host."""

    rules: tuple[Rule, ...] = ()
    crawl_delay: float | None = None
    disallow_all: bool = False

    def allows(self, url: str) -> bool:
        """Whether the crawler may fetch ``url`` (path and query matched; robots.txt always)."""
        if self.disallow_all:
            return False
        parts = urlsplit(url)
        path = unquote(parts.path or "/") + (f"?{unquote(parts.query)}" if parts.query else "")
        if path == "/robots.txt":
            return True
        best: Rule | None = None
        for rule in self.rules:
            if rule.regex.match(path) and (
                best is None
                or len(rule.pattern) > len(best.pattern)
                or (len(rule.pattern) == len(best.pattern) and rule.allow)
            ):
                best = rule
        return best is None or best.allow


ALLOW_ALL = RobotsRules()
DISALLOW_ALL = RobotsRules(disallow_all=True)


@dataclass
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    crawl_delay: float | None = None


def product_token(user_agent: str) -> str:
    """The crawler's name in robots.txt terms: "claimwire/0.1 (+url)" → "claimwire"."""
    token = re.match(r"[A-Za-z_-]+", user_agent.strip())
    return token.group(0).lower() if token else "*"


def parse_robots(text: str, agent: str) -> RobotsRules:
    """The rules of ``text`` for the crawler whose product token is ``agent``."""
    groups = _groups(text[:MAX_ROBOTS_BYTES])
    mine = [g for g in groups if agent.lower() in g.agents]
    if not mine:
        mine = [g for g in groups if "*" in g.agents]
    delays = [g.crawl_delay for g in mine if g.crawl_delay is not None]
    return RobotsRules(
        rules=tuple(rule for g in mine for rule in g.rules),
        crawl_delay=max(delays) if delays else None,
    )


def _groups(text: str) -> list[_Group]:
    groups: list[_Group] = []
    current: _Group | None = None
    in_agents = False
    for line in text.splitlines():
        key, _, value = line.split("#", 1)[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if current is None or not in_agents:
                current = _Group()
                groups.append(current)
            current.agents.append(value.lower())
            in_agents = True
        elif current is not None and key in ("allow", "disallow"):
            in_agents = False
            if value:  # "Disallow:" with no path means no rule at all
                current.rules.append(Rule(key == "allow", value, _compile(value)))
        elif current is not None and key == "crawl-delay":
            in_agents = False
            current.crawl_delay = _float(value)
    return groups


def _compile(pattern: str) -> re.Pattern[str]:
    anchored = pattern.endswith("$")
    body = unquote(pattern[:-1] if anchored else pattern)
    regex = ".*".join(re.escape(piece) for piece in body.split("*"))
    return re.compile(regex + (r"\Z" if anchored else ""), re.DOTALL)


def _float(value: str) -> float | None:
    try:
        delay = float(value)
    except ValueError:
        return None
    return delay if delay >= 0 else None
