"""ECMA-262 regular expressions for ``pattern`` / ``patternProperties``, as the judge runs
them (every module that tests a pattern asks this one, so generation, compile-time checks
and validation agree).

The native core parses a pattern as ECMA-262 (the ``u`` flag when the pattern is valid so,
else the Annex B legacy syntax) and translates it exactly into the ``regex`` crate's
syntax, which runs in linear time: ``.`` excludes the four ECMA line terminators, ``^``/``$``
anchor the input, ``\\d``/``\\w``/``\\b`` are ASCII, ``\\s`` is ECMA white space. Lookarounds
and backreferences run on a backtracking engine with a step limit. A pattern that is too
large to compile within the size limit, or nested too deeply, is an ``UnsafePatternError``
when the schema is loaded; a backtracking search past its limit raises it at the string.
Never a hang.
"""

from __future__ import annotations

from functools import lru_cache

from .. import _core
from .._errors import SchemaError, UnsafePatternError

__all__ = ["Pattern", "UnsafePatternError", "compile_pattern"]


class Pattern:
    """A compiled ECMA-262 pattern; ``search`` is unanchored, as JSON Schema requires."""

    __slots__ = ("_core", "source")

    def __init__(self, source: str, core: _core.Pattern) -> None:
        self.source = source
        self._core = core

    @property
    def backtracking(self) -> bool:
        """True when the pattern needs the backtracking engine (lookaround, backreference)."""
        return bool(self._core.backtracking)

    def search(self, text: str) -> bool:
        try:
            return bool(self._core.search(text))
        except _core.GaveUp as exc:
            raise UnsafePatternError(exc.args[0]) from None

    def __repr__(self) -> str:
        return f"Pattern({self.source!r})"


@lru_cache(maxsize=4096)
def compile_pattern(source: str) -> Pattern:
    """The compiled pattern; ``SchemaError`` for a pattern that is not ECMA-262,
    ``UnsafePatternError`` for one that cannot run in bounded time."""
    try:
        return Pattern(source, _core.Pattern(source))
    except _core.ModelError as exc:
        message = exc.args[0]
        if "too large to run" in message or "nested more than" in message:
            raise UnsafePatternError(message) from None
        raise SchemaError(message) from None
