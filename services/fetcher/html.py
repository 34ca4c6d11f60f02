"""Article extraction from HTML: main text and metadata, via trafilatura."""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura


@dataclass(frozen=True, slots=True)
class Extracted:
    """What an HTML page says about its article; fields are None when the page does not say."""

    text: str
    title: str | None
    site_name: str | None
    canonical_url: str | None
    language: str | None
    authors: str | None


def extract_html(html: str, url: str | None = None) -> Extracted | None:
    """Main text and metadata of an article page, or None when no article text is found."""
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # A page without a date must not get one guessed from the clock.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None or isinstance(doc, dict) or not doc.text:
        return None
    return Extracted(
        text=doc.text,
        title=doc.title or None,
        site_name=doc.sitename or None,
        canonical_url=doc.url or None,
        language=doc.language or None,
        authors=doc.author or None,
    )
