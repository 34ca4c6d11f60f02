"""Deterministic identifiers: the same input always yields the same id, so sinks can upsert.

- article id: the submitter's ``id`` when given, else a hash of the canonical URL, else of the
  content;
- claim id: a hash of the article id, the claim's text and which occurrence of that text in the
  article it is (not its position: a boilerplate line removed or not must not change claim ids);
- cluster id: a hash of the founding claim's id (see the dedup stage).
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that identify a campaign or a click, never the article.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "_hs")
_TRACKING_NAMES = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "igshid", "ref", "ref_src", "cmpid", "yclid", "_ga", "_gl",
        "mkt_tok", "ocid", "wt.mc_id", "at_medium", "at_campaign", "ns_mchannel", "ns_source",
        "ns_campaign", "ns_linkname", "ns_fee", "smid", "sr_share",
    }
)  # fmt: skip


def digest(*parts: str, size: int = 16) -> str:
    """A short hex digest of the parts (joined unambiguously)."""
    h = hashlib.blake2b(digest_size=size)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, sorted query."""
    parts = urlsplit(url.strip())
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES) and k.lower() not in _TRACKING_NAMES
    )
    netloc = parts.netloc.lower()
    if netloc.endswith(":80") and parts.scheme.lower() == "http":
        netloc = netloc[:-3]
    if netloc.endswith(":443") and parts.scheme.lower() == "https":
        netloc = netloc[:-4]
    if netloc.endswith("."):  # "example.org." is the same host as "example.org"
        netloc = netloc[:-1]
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(query), ""))


def article_id(given: str | None, url: str | None, content: str | None) -> str:
    """The article's id: given, else from its canonical URL, else from its content."""
    if given:
        return given
    if url:
        return "u" + digest(canonical_url(url))
    return "c" + digest(content or "")


def claim_id(article: str, text: str, occurrence: int = 0) -> str:
    return "k" + digest(article, text, str(occurrence))


def cluster_id(founding_claim: str) -> str:
    return "g" + digest(founding_claim, size=10)
