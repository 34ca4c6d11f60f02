"""JSON encoding of records with orjson, and decoding that names what was wrong.

Contract: ``decode`` either returns a valid record or raises ``DecodeError`` whose ``reason`` is a
short stable code (``invalid-json``, ``invalid-utf8``, ``not-an-object``, ``schema``,
``too-large``, ``too-deep``) and whose message says what exactly failed. Size is checked before
parsing; nesting deeper than orjson's limit (1024 levels) is ``too-deep``, not a crash.
"""

from __future__ import annotations

from typing import TypeVar

import orjson
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class DecodeError(ValueError):
    """A message that cannot become a record; it belongs in the dead-letter topic."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def encode(record: BaseModel) -> bytes:
    """Serialize a record to compact JSON bytes."""
    return orjson.dumps(record.model_dump(mode="python"))


def decode(model: type[M], raw: bytes | None, *, max_bytes: int | None = None) -> M:
    """Parse and validate ``raw`` as ``model``; see the module docstring for failures."""
    if raw is None:
        raise DecodeError("not-an-object", "empty message (tombstone)")
    if max_bytes is not None and len(raw) > max_bytes:
        raise DecodeError("too-large", f"{len(raw)} bytes exceeds the limit of {max_bytes}")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        reason = _json_reason(str(exc))
        raise DecodeError(reason, str(exc)) from None
    if not isinstance(data, dict):
        raise DecodeError("not-an-object", f"expected a JSON object, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DecodeError("schema", _summarise(exc)) from None


def _json_reason(message: str) -> str:
    # orjson raises one error class for everything; its messages are the only distinction.
    lowered = message.lower()
    if "utf-8" in lowered:
        return "invalid-utf8"
    if "depth limit" in lowered or "recursion limit" in lowered:
        return "too-deep"
    return "invalid-json"


def _summarise(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "message"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)
