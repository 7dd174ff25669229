"""Strict JSON text <-> Python data.

``loads`` is the native core's parser (the judge's, without a schema): RFC 8259 plus the
rules model outputs need. Integers stay exact at any width, ``NaN`` and ``Infinity`` (and
numbers too large for a double) are refused, duplicate object keys are an error, lone
surrogates are an error, a document nested deeper than ``MAX_DEPTH`` is an error. Every
error is a ``DecodeError`` with the character offset and the path of the value being read.
"""

from __future__ import annotations

import json
from typing import Any

from orjson import dumps as _orjson_dumps

from . import _core
from ._errors import DecodeError

__all__ = ["MAX_DEPTH", "dumps", "loads"]

MAX_DEPTH: int = _core.MAX_DEPTH
"""Nesting depth accepted; deeper documents fail with ``DecodeError``."""


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    """Parse JSON text strictly; raise ``DecodeError`` with a position on anything else."""
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    try:
        return _core.loads(data)
    except _core.DecodeFailure as exc:
        message, position, location = exc.args
        raise DecodeError(message, position, location) from None


def dumps(value: Any) -> str:
    """Compact JSON text of ``value``; integers of any width stay exact.

    ``orjson`` first (fast); it refuses integers beyond 64 bits, and only then the stdlib
    encoder writes the value (same compact separators, non-ASCII kept as is)."""
    try:
        return _orjson_dumps(value).decode()
    except TypeError as exc:
        if "64-bit" not in str(exc):
            raise
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
