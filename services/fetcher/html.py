"""Article extraction from HTML: main text and metadata, via trafilatura.

Contract: every metadata field is None unless the page states it. In particular the publication
date comes only from the page's markup or URL, never from the clock, and the canonical URL only
from a ``<link rel="canonical">`` that resolves to an http(s) URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html


@dataclass(frozen=True, slots=True)
class Extracted:
    """What an HTML page says about its article; fields are None when the page does not say."""

    text: str
    title: str | None
    site_name: str | None
    canonical_url: str | None
    language: str | None
    authors: str | None
    published_at: str | None = None  # ISO 8601 date


@dataclass(frozen=True, slots=True)
class HtmlLimits:
    """How big and deep a parsed page may be before extraction (its cost grows with both)."""

    max_elements: int
    max_depth: int


class HtmlTooComplex(ValueError):
    """The page exceeds ``HtmlLimits``; ``reason`` is ``html-too-large`` or ``html-too-deep``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def check_limits(tree: HtmlElement, limits: HtmlLimits) -> None:
    """Raise ``HtmlTooComplex`` when the tree has too many elements or nests too deep.

    One pass over the parsed tree (lxml, in C: ~0.1 s per MB), stopping at the first excess.
    """
    elements = depth = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        elements += 1
        depth += 1
        if elements > limits.max_elements:
            raise HtmlTooComplex("html-too-large", f"more than {limits.max_elements} HTML elements")
        if depth > limits.max_depth:
            raise HtmlTooComplex("html-too-deep", f"HTML nested more than {limits.max_depth} deep")


def extract_html(html: str, url: str | None = None, limits: HtmlLimits | None = None) -> Extracted | None:
    """Main text and metadata of an article page, or None when no article text is found.

    ``url`` is where the page came from: relative canonical links resolve against it. With
    ``limits``, raises ``HtmlTooComplex`` for a page beyond them, before the costly extraction.
    """
    tree = load_html(html)
    if tree is None:
        return None
    if limits is not None:
        check_limits(tree, limits)
    # Read before extraction: trafilatura prunes the tree.
    canonical, declared_language = canonical_link(tree, url), page_language(tree)
    doc = trafilatura.bare_extraction(
        tree,
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
        canonical_url=canonical,
        language=declared_language or doc.language or None,
        authors=doc.author or None,
        published_at=doc.date or None,
    )


def canonical_link(tree: HtmlElement, base: str | None) -> str | None:
    """The page's ``<link rel="canonical">`` as an absolute http(s) URL, or None."""
    for link in tree.iterfind(".//link[@rel][@href]"):
        if "canonical" not in str(link.get("rel", "")).lower().split():
            continue
        href = urljoin(base or "", str(link.get("href", "")).strip())
        parts = urlsplit(href)
        if parts.scheme in ("http", "https") and parts.hostname:
            return href
        return None
    return None


def page_language(tree: HtmlElement) -> str | None:
    """The primary language subtag the page declares (``<html lang>``, Content-Language), lower case."""
    declared = tree.get("lang") or tree.get("xml:lang")
    if not declared:
        meta = tree.find(".//meta[@http-equiv='content-language']")
        declared = meta.get("content") if meta is not None else None
    primary = str(declared or "").strip().split(",")[0].replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None
