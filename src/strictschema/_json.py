"""Strict JSON text -> Python data.

RFC 8259 plus the rules model outputs need: integers stay exact at any width, ``NaN`` and
``Infinity`` are refused, duplicate object keys are an error, lone surrogates are an error,
deep nesting fails with a message (never a RecursionError).
"""

from __future__ import annotations

import json
from typing import Any

from ._errors import DecodeError

__all__ = ["MAX_DEPTH", "loads"]

MAX_DEPTH = 512


def _reject_constant(name: str) -> Any:
    raise DecodeError(f"{name} is not valid JSON")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise DecodeError(f"duplicate object key {k!r}")
        out[k] = v
    return out


def _check_surrogates(value: Any, depth: int = 0) -> None:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                raise DecodeError("string contains a lone surrogate") from None
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def _depth_ok(text: str) -> bool:
    # Cheap upper bound on nesting: brackets outside strings.
    depth = 0
    in_str = False
    esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


_decoder = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_reject_constant)


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    """Parse JSON text strictly; raise ``DecodeError`` with a position on anything else."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid UTF-8: {exc.reason}", exc.start) from None
    elif isinstance(data, str):
        text = data
    else:
        raise TypeError(f"expected bytes or str, got {type(data).__name__}")
    if text.count("[") + text.count("{") > MAX_DEPTH and not _depth_ok(text):
        raise DecodeError(f"nesting deeper than {MAX_DEPTH} levels")
    try:
        value, end = _decoder.raw_decode(text, len(text) - len(text.lstrip(" \t\n\r")))
    except json.JSONDecodeError as exc:
        raise DecodeError(exc.msg, exc.pos) from None
    except RecursionError:
        raise DecodeError(f"nesting deeper than {MAX_DEPTH} levels") from None
    rest = text[end:]
    if rest.strip(" \t\n\r"):
        raise DecodeError("extra data after the JSON value", end)
    _check_surrogates(value)
    return value
