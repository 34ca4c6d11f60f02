"""The fetcher's one exception, and the outcomes it names.

Every fetch ends in exactly one outcome, counted in ``claimwire_fetch_total{outcome}``:

- success: ``fetched``, ``not-modified`` (a conditional GET answered 304);
- refused before any request: ``bad-url``, ``ssrf-blocked``, ``robots-denied``, ``host-down``;
- failed: ``dns-error``, ``connect-error``, ``tls-error``, ``timeout``, ``protocol-error``,
  ``too-many-redirects``, ``bad-redirect``, ``http-4xx``, ``http-5xx`` (``http-3xx`` for an odd
  3xx that is no redirect), ``bad-content-type``, ``bad-encoding``, ``too-large``.

The stage adds ``duplicate-url`` (a counted skip: already fetched, no re-fetch asked).
"""

from __future__ import annotations

# Transient failures worth another attempt (with back-off); everything else is final.
RETRYABLE = frozenset({"timeout", "connect-error", "protocol-error"})
# Failures that say the host itself is unwell: enough of them in a row mark it down.
HOST_FAILURES = frozenset({"timeout", "connect-error", "dns-error", "http-5xx", "tls-error"})


class FetchError(Exception):
    """A URL that could not be fetched; ``reason`` is the counted outcome (see the module docstring).

    ``status`` is the HTTP status when there was one, ``retry_after`` the server's Retry-After in
    seconds when it sent one; ``retryable`` says whether another attempt may succeed.
    """

    def __init__(
        self,
        reason: str,
        detail: str = "",
        *,
        status: int | None = None,
        retry_after: float | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.status = status
        self.retry_after = retry_after
        self.retryable = reason in RETRYABLE if retryable is None else retryable
