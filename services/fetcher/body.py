"""Reading a response body within a size cap, Content-Encoding included.

The cap applies to the decoded bytes, and decompression is bounded chunk by chunk, so neither a
huge body nor a small compressed bomb ever sits whole in memory: past the cap the read stops
with FetchError("too-large").
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

from services.fetcher.errors import FetchError


class _Inflater:
    """Incremental gzip/deflate decoding that never produces more than it is allowed to."""

    def __init__(self, encoding: str) -> None:
        # "deflate" is meant to be zlib-wrapped but some servers send it raw: detect on first bytes.
        self.encoding = encoding
        self.obj: zlib._Decompress | None = None

    def feed(self, data: bytes, room: int) -> bytes:
        if self.obj is None:
            self.obj = zlib.decompressobj(self._wbits(data))
        try:
            return self.obj.decompress(data, room)
        except zlib.error as exc:
            raise FetchError("bad-encoding", f"corrupt {self.encoding} body: {exc}") from None

    def _wbits(self, first: bytes) -> int:
        if self.encoding in ("gzip", "x-gzip"):
            return 16 + zlib.MAX_WBITS
        zlib_header = len(first) >= 2 and (first[0] & 0x0F) == 8 and (first[0] << 8 | first[1]) % 31 == 0
        return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS


async def read_capped(
    raw: AsyncIterator[bytes], content_encoding: str, cap: int, *, truncate: bool = False
) -> bytes:
    """The decoded body of ``raw`` (the undecoded stream), at most ``cap`` bytes.

    Past the cap: the first ``cap`` bytes when ``truncate``, else FetchError("too-large").
    Raises FetchError("bad-encoding") for an unknown or corrupt Content-Encoding.
    """
    encoding = content_encoding.strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise FetchError("bad-encoding", f"unsupported content-encoding {encoding[:40]!r}")
    inflater = _Inflater(encoding) if encoding not in ("", "identity") else None
    chunks: list[bytes] = []
    size = 0
    async for data in raw:
        # Asking for one byte more than the room left tells "exactly at the cap" from "past it".
        out = inflater.feed(data, cap - size + 1) if inflater else data
        size += len(out)
        if size > cap:
            if truncate:
                chunks.append(out)
                return b"".join(chunks)[:cap]
            raise FetchError("too-large", f"body exceeds {cap} bytes")
        chunks.append(out)
    return b"".join(chunks)
