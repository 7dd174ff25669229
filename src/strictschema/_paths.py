"""JSON paths (``$.a.b[3]``) and JSON pointers, one representation for both.

A location is a tuple of ``str`` (object key) and ``int`` (array index) parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["Location", "json_path", "json_pointer", "pointer_parts"]

Location = tuple[str | int, ...]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def json_path(parts: Iterable[str | int]) -> str:
    """Render parts as a JSONPath: ``$.items[3].sku``, ``$['a b']``."""
    return _json_path(tuple(parts))


@lru_cache(maxsize=1 << 16)
def _json_path(parts: tuple[str | int, ...]) -> str:
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENT.match(part):
            out.append(f".{part}")
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            out.append(f"['{escaped}']")
    return "".join(out)


def json_pointer(parts: Iterable[str | int]) -> str:
    """Render parts as an RFC 6901 JSON pointer fragment (``#/a/0``)."""
    return "#" + "".join(
        "/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts
    )


def pointer_parts(pointer: str) -> tuple[str, ...]:
    """Split an RFC 6901 pointer (with or without a leading ``#``) into unescaped parts."""
    pointer = pointer.removeprefix("#")
    if not pointer:
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    from urllib.parse import unquote

    return tuple(
        unquote(p).replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")
    )
