"""Strict JSON text -> Python data.

RFC 8259 plus the rules model outputs need: integers stay exact at any width, ``NaN`` and
``Infinity`` (and numbers too large for a double) are refused, duplicate object keys are an
error, lone surrogates are an error, deep nesting fails with a message (never a
RecursionError).

Fast path: a C decoder (``msgspec``, which keeps big integers exact; ``orjson`` when msgspec
is missing) followed by cheap whole-text checks that prove the result exact; anything the
checks cannot prove goes through the exact pure-stdlib path, which also produces every
error message. Duplicate keys are the one thing C decoders hide (last one wins): a duplicate
removes at least one ``:`` (and one key string) from the decoded value, so comparing counts
over the text with counts over the value detects it exactly.
"""

from __future__ import annotations

import json
import math
from typing import Any

from orjson import dumps as _orjson_dumps

from ._errors import DecodeError

__all__ = ["MAX_DEPTH", "count_strings", "dumps", "loads", "loads_exact"]

MAX_DEPTH = 512
"""Nesting depth always accepted; deeper documents may fail with ``DecodeError``."""

try:  # pragma: no branch - depends on the environment
    import msgspec as _msgspec

    _fast_decode = _msgspec.json.Decoder().decode
    _fast_encode = _msgspec.json.Encoder().encode
    _BIG_INTS_EXACT = True
except ImportError:  # pragma: no cover - depends on the environment
    import orjson as _orjson

    _fast_decode = _orjson.loads
    _fast_encode = _orjson.dumps
    _BIG_INTS_EXACT = False


def _reject_constant(name: str) -> Any:
    raise DecodeError(f"{name} is not valid JSON")


def _parse_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise DecodeError(f"number {text[:40]} is out of range for a double")
    return value


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise DecodeError(f"duplicate object key {k!r}")
            seen.add(k)
    return out


def _check_surrogates(value: Any) -> None:
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
    # Nesting of brackets outside strings, without a per-character Python loop.
    import re

    stripped = re.sub(r'"(?:[^"\\]|\\.)*"', "", text)
    depth = 0
    for ch in re.sub(r"[^\[\]{}]+", "", stripped):
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        else:
            depth -= 1
    return True


_decoder = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_reject_constant,
                            parse_float=_parse_float)


def _text(data: Any) -> str:
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            return bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid UTF-8: {exc.reason}", exc.start) from None
    if isinstance(data, str):
        return data
    raise TypeError(f"expected bytes or str, got {type(data).__name__}")


def loads_exact(data: bytes | bytearray | memoryview | str) -> Any:
    """The exact (slow) path: stdlib ``json`` with every strict rule checked."""
    text = _text(data)
    if text.count("[") + text.count("{") > MAX_DEPTH and not _depth_ok(text):
        raise DecodeError(f"nesting deeper than {MAX_DEPTH} levels")
    try:
        value, end = _decoder.raw_decode(text, len(text) - len(text.lstrip(" \t\n\r")))
    except json.JSONDecodeError as exc:
        if text.startswith("\ufeff"):  # RFC 8259 8.1: senders must not add one
            raise DecodeError("a byte order mark (U+FEFF) before the JSON value", 0) from None
        if not text.strip(" \t\n\r"):
            raise DecodeError("empty text: no JSON value", 0) from None
        raise DecodeError(exc.msg, exc.pos) from None
    except RecursionError:
        raise DecodeError(f"nesting deeper than {MAX_DEPTH} levels") from None
    except DecodeError:  # from the strict hooks (NaN, duplicate keys, ...)
        raise
    except ValueError as exc:  # e.g. an integer over Python's digit limit
        raise DecodeError(str(exc).splitlines()[0]) from None
    rest = text[end:]
    if rest.strip(" \t\n\r"):
        raise DecodeError("extra data after the JSON value", end)
    _check_surrogates(value)
    return value


def _fast(data: Any) -> Any:
    """The C decoder's value, or ``None`` plus a flag when it refused the text."""
    if type(data) is not bytes and type(data) is not str:
        if isinstance(data, (bytearray, memoryview)):
            data = bytes(data)
        elif not isinstance(data, (bytes, str)):
            raise TypeError(f"expected bytes or str, got {type(data).__name__}")
    return _fast_decode(data)


_BIG = 2.0**63


def _has_bigint_float(raw: Any) -> bool:
    # Only for the orjson fallback (it turns integers beyond 64 bits into floats): any run of
    # 19 digits might be such an integer.
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    return raw.translate(_DIGITS).find(b"0" * 19) >= 0


_DIGITS = bytes(48 if 48 <= i <= 57 else 32 for i in range(256))


def _colons_match(raw: Any, value: Any) -> bool:
    """True when the decoded value kept every object member of the text (no duplicates)."""
    if isinstance(raw, str):
        c = raw.count(":")
        if c == 0:
            return True
        if "\\u003" in raw:
            return False
    else:
        c = raw.count(b":")
        if c == 0:
            return True
        if b"\\u003" in raw:
            return False
    try:
        return _fast_encode(value).count(b":") == c
    except Exception:  # noqa: BLE001 - e.g. orjson on integers beyond 64 bits
        return False


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    """Parse JSON text strictly; raise ``DecodeError`` with a position on anything else."""
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    try:
        value = _fast(data)
    except TypeError:
        raise
    except Exception:  # noqa: BLE001 - the exact path says what is wrong
        return loads_exact(data)
    if not _BIG_INTS_EXACT and _has_bigint_float(data):
        return loads_exact(data)
    if _colons_match(data, value):
        return value
    return loads_exact(data)


def count_strings(value: Any) -> int:
    """Strings in a decoded value, keys included (the exact reference for the fused count)."""
    n = 0
    stack = [value]
    pop = stack.pop
    push = stack.extend
    while stack:
        v = pop()
        t = type(v)
        if t is str:
            n += 1
        elif t is dict:
            n += len(v)
            push(v.values())
        elif t is list:
            push(v)
    return n


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
