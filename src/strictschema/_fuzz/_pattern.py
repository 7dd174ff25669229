"""Strings for a pattern, fast: a Hypothesis strategy for the common shape of schema
patterns (character classes with bounded repeats), over the Python translation of the ECMA
pattern (``strictschema._compile._pyregex``). Anything else returns None and the caller
uses Hypothesis's ``from_regex``.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["fast_strategy"]

# -- a faster strategy for common patterns ---------------------------------------------------
# Hypothesis's from_regex draws one character at a time. Most schema patterns are sequences of
# character classes with bounded repeats (``^[A-Z]{3}-\d{3}$``), which ``st.text`` over an
# alphabet draws as one choice: several times faster, and shrinks as well. Anything else
# (backreferences, lookaround, huge negated classes) returns None and from_regex is used.

_MAX_ALPHABET = 4096
_UNBOUNDED_EXTRA = 8


class _Unsupported(Exception):
    pass


def _class_alphabet(items: list, sre: Any) -> Any:
    """Characters of a class: a string (positive) or ``("not", excluded)``."""
    negate = False
    chars: list[str] = []
    size = 0
    for op, arg in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            chars.append(chr(arg))
            size += 1
        elif op is sre.RANGE:
            lo, hi = arg
            size += hi - lo + 1
            if size > _MAX_ALPHABET:
                raise _Unsupported
            chars.extend(chr(c) for c in range(lo, hi + 1))
        elif op is sre.CATEGORY:
            table = {sre.CATEGORY_DIGIT: "0123456789",
                     sre.CATEGORY_WORD: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_",
                     sre.CATEGORY_SPACE: " \t\n\r\f\v"}
            if arg not in table:
                raise _Unsupported
            chars.extend(table[arg])
        else:
            raise _Unsupported
    text = "".join(dict.fromkeys(c for c in chars if not 0xD800 <= ord(c) <= 0xDFFF))
    return ("not", text) if negate else text


def fast_strategy(regex: re.Pattern[str], fullmatch: bool) -> Any:
    """A strategy for strings ``regex`` matches (fullmatch, or search with short padding), or
    None when the pattern needs Hypothesis's general ``from_regex``."""
    try:
        import re._parser as sre  # Python >= 3.11
    except ImportError:  # pragma: no cover
        return None
    from hypothesis import strategies as st

    chars = st.characters(codec="utf-8")

    def alphabet_strategy(spec: Any) -> Any:
        if isinstance(spec, tuple):
            return st.characters(codec="utf-8", exclude_characters=spec[1])
        if not spec:
            raise _Unsupported
        return spec  # a string: text() samples from it

    def single(op: Any, arg: Any) -> Any:
        """The alphabet of a one-character item, or None."""
        if op is sre.LITERAL:
            return chr(arg)
        if op is sre.NOT_LITERAL:
            return ("not", chr(arg))
        if op is sre.IN:
            return _class_alphabet(arg, sre)
        if op is sre.ANY:
            return ("not", "\n")
        return None

    def seq(items: Any) -> Any:
        # literal runs are folded into the final join instead of being drawn
        pieces: list[Any] = [""]
        for op, arg in items:
            if op is sre.LITERAL and not 0xD800 <= arg <= 0xDFFF:
                if isinstance(pieces[-1], str):
                    pieces[-1] += chr(arg)
                else:
                    pieces.append(chr(arg))
                continue
            pieces.append(item(op, arg))
        pieces = [p for p in pieces if not (isinstance(p, str) and not p)]
        strategies = [p for p in pieces if not isinstance(p, str)]
        if not strategies:
            return st.just("".join(pieces))
        if len(pieces) == 1:
            return pieces[0]
        layout = [p if isinstance(p, str) else None for p in pieces]

        def join(drawn: Any) -> str:
            it = iter(drawn if isinstance(drawn, tuple) else (drawn,))
            return "".join(p if p is not None else next(it) for p in layout)

        if len(strategies) == 1:
            return strategies[0].map(join)
        return st.tuples(*strategies).map(join)

    def item(op: Any, arg: Any) -> Any:
        one = single(op, arg)
        if one is not None:
            if isinstance(one, str) and len(one) == 1:
                return st.just(one)
            return st.text(alphabet_strategy(one), min_size=1, max_size=1)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = arg
            hi = lo + _UNBOUNDED_EXTRA if hi is sre.MAXREPEAT else hi
            if len(sub) == 1:
                one = single(*sub[0])
                if one is not None:
                    return st.text(alphabet_strategy(one), min_size=lo, max_size=hi)
            return st.lists(seq(sub), min_size=lo, max_size=hi).map("".join)
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, sub = arg
            if add_flags or del_flags:
                raise _Unsupported
            return seq(sub)
        if op is sre.BRANCH:
            return st.one_of([seq(alt) for alt in arg[1]])
        raise _Unsupported

    try:
        parsed = list(sre.parse(regex.pattern, regex.flags))
        start = end = False
        if parsed and parsed[0][0] is sre.AT and parsed[0][1] in (sre.AT_BEGINNING,
                                                                  sre.AT_BEGINNING_STRING):
            start = True
            parsed = parsed[1:]
        if parsed and parsed[-1][0] is sre.AT and parsed[-1][1] in (sre.AT_END_STRING,):
            end = True
            parsed = parsed[:-1]
        core = seq(parsed)
    except (_Unsupported, re.error, RecursionError, TypeError, ValueError):
        return None
    # What is generated here matches exactly (the callers filter with the ECMA engine).
    if fullmatch or (start and end):
        return core
    pad = st.text(chars, max_size=4)
    if start:
        return st.tuples(core, pad).map("".join)
    if end:
        return st.tuples(pad, core).map("".join)
    return st.tuples(pad, core, pad).map("".join)
