"""ECMA-262 regular expressions for ``pattern`` / ``patternProperties``, via ``regress``."""

from __future__ import annotations

from functools import lru_cache

import regress

__all__ = ["Pattern", "compile_pattern"]


class Pattern:
    """A compiled ECMA-262 pattern; ``search`` is unanchored, as JSON Schema requires."""

    __slots__ = ("_regex", "source")

    def __init__(self, source: str, regex: regress.Regex) -> None:
        self.source = source
        self._regex = regex

    def search(self, text: str) -> bool:
        return self._regex.find(text) is not None

    def __repr__(self) -> str:
        return f"Pattern({self.source!r})"


@lru_cache(maxsize=4096)
def compile_pattern(source: str) -> Pattern:
    """Compile with the ``u`` flag (code points, as JSON Schema strings are), falling back to
    legacy (non-``u``) syntax for patterns only valid there, like ``\\_``.

    Raises ``ValueError`` for a pattern that is not ECMA-262.
    """
    if not isinstance(source, str):
        raise ValueError("pattern must be a string")  # noqa: TRY004 - callers map ValueError
    try:
        return Pattern(source, regress.Regex(source, "u"))
    except regress.RegressError:
        pass
    try:
        return Pattern(source, regress.Regex(source))
    except regress.RegressError as exc:
        raise ValueError(str(exc)) from None
