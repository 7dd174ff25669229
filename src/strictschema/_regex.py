"""ECMA-262 regular expressions for ``pattern`` / ``patternProperties``, safe against
catastrophic backtracking.

Two engines, one semantics:

- ``regress`` (a real ECMA-262 engine, backtracking) runs patterns that cannot blow up
  exponentially (no quantifier nested in a repeated group, no alternation under a
  repetition) on short strings, where it is fastest.
- Every other pattern, and long strings, run on RE2 (``google-re2``, linear time) after an
  exact translation of the ECMA-262 syntax: ``.`` excludes the four ECMA line terminators,
  ``^``/``$`` are input anchors (no ``m`` flag), ``\\s`` is ECMA white space (Unicode),
  ``\\d``/``\\w``/``\\b`` are ASCII.
- Legacy (non-``u``) patterns are translated too, matching code points (JSON Schema strings
  are code points; only astral characters can tell the difference).
- Lookarounds right after a leading ``^`` and a lookahead ending the pattern are split into
  several RE2 searches (exact). Any other pattern RE2 cannot express (lookaround inside,
  backreferences, repeat counts over 1000) runs on ``regress`` only when it is safe;
  otherwise ``compile_pattern`` raises
  ``UnsafePatternError`` (a ``SchemaError``), and a safe one given a string longer than
  ``BACKTRACK_LIMIT`` raises it at search time: never a hang.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import regress

from ._errors import UnsafePatternError

__all__ = ["BACKTRACK_LIMIT", "Pattern", "UnsafePatternError", "class_run", "compile_pattern",
           "fixed_width", "translate_re2"]

BACKTRACK_LIMIT = 2000
"""Longest string (code points) a backtracking engine is given when no linear-time engine
can run the pattern (polynomial worst cases stay in the milliseconds)."""
_SHORT = 256  # below this, a safe pattern runs on regress even when RE2 could (it is faster)


class Untranslatable(Exception):
    pass


# -- a small ECMA-262 (u-mode) parser -------------------------------------------------------
# Nodes: ("seq", [n]), ("alt", [n]), ("char", cp), ("any",), ("class", neg, items),
# ("group", n), ("look", kind, n), ("assert", c), ("rep", n, lo, hi|None), ("backref",),
# items: (lo, hi) ranges or ("esc", letter) or ("prop", text, neg).

_SYNTAX = set("^$\\.*+?()[]{}|/")
_CONTROL = {"t": 9, "n": 10, "v": 11, "f": 12, "r": 13}


class _Parser:
    def __init__(self, src: str, *, legacy: bool = False) -> None:
        self.s = src
        self.i = 0
        self.legacy = legacy  # Annex B leniency: only used to judge backtracking risk

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def take(self) -> str:
        c = self.s[self.i]
        self.i += 1
        return c

    def parse(self) -> tuple:
        node = self.disjunction()
        if self.i != len(self.s):
            raise Untranslatable("unexpected ')'")
        return node

    def disjunction(self) -> tuple:
        alts = [self.alternative()]
        while self.peek() == "|":
            self.i += 1
            alts.append(self.alternative())
        return alts[0] if len(alts) == 1 else ("alt", alts)

    def alternative(self) -> tuple:
        items: list[tuple] = []
        while self.i < len(self.s) and self.peek() not in "|)":
            items.append(self.term())
        return ("seq", items)

    def term(self) -> tuple:
        c = self.peek()
        if c == "^" or c == "$":
            self.i += 1
            return ("assert", c)
        if c == "\\" and self.peek(1) in ("b", "B"):
            self.i += 2
            return ("assert", self.s[self.i - 1])
        if c == "(" and self.peek(1) == "?":
            kind = None
            for k in ("?=", "?!", "?<=", "?<!"):
                if self.s.startswith(k, self.i + 1):
                    kind = k
                    break
            if kind is not None:
                self.i += 1 + len(kind)
                inner = self.disjunction()
                self.expect(")")
                node: tuple = ("look", kind, inner)
                return self.quantified(node) if kind in ("?=", "?!") else node
        atom = self.atom()
        return self.quantified(atom)

    def expect(self, c: str) -> None:
        if self.peek() != c:
            raise Untranslatable(f"expected {c!r}")
        self.i += 1

    def quantified(self, atom: tuple) -> tuple:
        c = self.peek()
        lo: int
        hi: int | None
        if c == "*":
            lo, hi = 0, None
        elif c == "+":
            lo, hi = 1, None
        elif c == "?":
            lo, hi = 0, 1
        elif c == "{":
            j = self.s.find("}", self.i)
            body = self.s[self.i + 1:j] if j > 0 else ""
            parts = body.split(",")
            if j < 0 or len(parts) > 2 or not parts[0].isdigit() or not parts[0].isascii() or (
                    len(parts) == 2 and parts[1] and not (parts[1].isdigit()
                                                          and parts[1].isascii())):
                if self.legacy:
                    return atom
                raise Untranslatable("bad quantifier")
            lo = int(parts[0])
            hi = lo if len(parts) == 1 else (int(parts[1]) if parts[1] else None)
            self.i = j
        else:
            return atom
        self.i += 1
        if self.peek() == "?":
            self.i += 1
        return ("rep", atom, lo, hi)

    def atom(self) -> tuple:
        c = self.take()
        if c == ".":
            return ("any",)
        if c == "(":
            if self.peek() == "?":
                if self.peek(1) == ":":
                    self.i += 2
                elif self.peek(1) == "<":
                    j = self.s.index(">", self.i)
                    self.i = j + 1
                else:
                    raise Untranslatable("group modifier")
            inner = self.disjunction()
            self.expect(")")
            return ("group", inner)
        if c == "[":
            return self.char_class()
        if c == "\\":
            return self.atom_escape()
        if c in "*+?{}])|" and not (self.legacy and c in "{}]"):
            raise Untranslatable(f"unexpected {c!r}")
        return ("char", ord(c))

    def atom_escape(self) -> tuple:
        c = self.peek()
        if c.isdigit() and c != "0":
            if self.legacy:
                self.i += 1
                return ("backref",)
            raise Untranslatable("backreference")
        if c == "k":
            raise Untranslatable("named backreference")
        item = self.class_escape(in_class=False)
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], int):
            return ("char", item[0])
        return ("class", False, [item])

    def class_escape(self, *, in_class: bool) -> tuple:
        c = self.take()
        if c in "dDsSwW":
            return ("esc", c)
        if c in "pP":
            if self.peek() != "{":
                raise Untranslatable("bad property escape")
            j = self.s.index("}", self.i)
            text = self.s[self.i + 1:j]
            self.i = j + 1
            return ("prop", text, c == "P")
        if c == "b" and in_class:
            return (8, 8)
        if c == "-" and in_class:
            return (45, 45)
        if c in _CONTROL:
            return (_CONTROL[c], _CONTROL[c])
        if c == "c":
            letter = self.take()
            if not letter.isascii() or not letter.isalpha():
                raise Untranslatable("bad control escape")
            v = ord(letter) % 32
            return (v, v)
        if c == "0":
            if self.peek().isdigit():
                raise Untranslatable("octal escape")
            return (0, 0)
        if c == "x":
            h = self.s[self.i:self.i + 2]
            self.i += 2
            v = int(h, 16)
            return (v, v)
        if c == "u":
            v = self.unicode_escape()
            return (v, v)
        if c in _SYNTAX or self.legacy:
            v = ord(c)
            return (v, v)
        raise Untranslatable(f"identity escape \\{c}")

    def unicode_escape(self) -> int:
        if self.peek() == "{":
            j = self.s.index("}", self.i)
            v = int(self.s[self.i + 1:j], 16)
            self.i = j + 1
            return v
        v = int(self.s[self.i:self.i + 4], 16)
        self.i += 4
        if 0xD800 <= v <= 0xDBFF and self.s.startswith("\\u", self.i):
            w = int(self.s[self.i + 2:self.i + 6], 16)
            if 0xDC00 <= w <= 0xDFFF:
                self.i += 6
                return 0x10000 + ((v - 0xD800) << 10) + (w - 0xDC00)
        if 0xD800 <= v <= 0xDFFF:
            raise Untranslatable("lone surrogate")
        return v

    def char_class(self) -> tuple:
        neg = False
        if self.peek() == "^":
            neg = True
            self.i += 1
        items: list[tuple] = []
        while True:
            if self.i >= len(self.s):
                raise Untranslatable("unterminated class")
            if self.peek() == "]":
                self.i += 1
                return ("class", neg, items)
            a = self.class_atom()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.i += 1
                b = self.class_atom()
                if len(a) != 2 or len(b) != 2 or not isinstance(a[0], int) or not isinstance(
                        b[0], int):
                    raise Untranslatable("class range with a class escape")
                items.append((a[0], b[0]))
            else:
                items.append(a)

    def class_atom(self) -> tuple:
        c = self.take()
        if c == "\\":
            return self.class_escape(in_class=True)
        v = ord(c)
        return (v, v)


_WS = [(9, 13), (32, 32), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029),
       (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF)]
_DIGIT = [(48, 57)]
_WORD = [(48, 57), (65, 90), (95, 95), (97, 122)]
_LINE_TERMINATORS = [(10, 10), (13, 13), (0x2028, 0x2029)]
_GC_LONG = {
    "Letter": "L", "Cased_Letter": "LC", "Uppercase_Letter": "Lu", "Lowercase_Letter": "Ll",
    "Titlecase_Letter": "Lt", "Modifier_Letter": "Lm", "Other_Letter": "Lo", "Mark": "M",
    "Nonspacing_Mark": "Mn", "Spacing_Mark": "Mc", "Enclosing_Mark": "Me", "Number": "N",
    "Decimal_Number": "Nd", "digit": "Nd", "Letter_Number": "Nl", "Other_Number": "No",
    "Punctuation": "P", "punct": "P", "Connector_Punctuation": "Pc", "Dash_Punctuation": "Pd",
    "Open_Punctuation": "Ps", "Close_Punctuation": "Pe", "Initial_Punctuation": "Pi",
    "Final_Punctuation": "Pf", "Other_Punctuation": "Po", "Symbol": "S", "Math_Symbol": "Sm",
    "Currency_Symbol": "Sc", "Modifier_Symbol": "Sk", "Other_Symbol": "So",
    "Separator": "Z", "Space_Separator": "Zs", "Line_Separator": "Zl",
    "Paragraph_Separator": "Zp", "Other": "C", "Control": "Cc", "cntrl": "Cc", "Format": "Cf",
    "Private_Use": "Co", "Unassigned": "Cn",
}
_GC_SHORT = set(_GC_LONG.values()) - {"LC"}


def _complement(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    lo = 0
    for a, b in sorted(ranges):
        if a > lo:
            out.append((lo, a - 1))
        lo = max(lo, b + 1)
    if lo <= 0x10FFFF:
        out.append((lo, 0x10FFFF))
    # RE2 works on UTF-8: surrogates cannot occur in text; keep them out of ranges
    fixed = []
    for a, b in out:
        if a <= 0xDFFF and b >= 0xD800:
            if a < 0xD800:
                fixed.append((a, 0xD7FF))
            if b > 0xDFFF:
                fixed.append((0xE000, b))
        else:
            fixed.append((a, b))
    return fixed


def _cp(v: int) -> str:
    c = chr(v)
    if c.isascii() and c.isalnum():
        return c
    return f"\\x{{{v:x}}}"


def _ranges(rs: list[tuple[int, int]]) -> str:
    return "".join(_cp(a) if a == b else f"{_cp(a)}-{_cp(b)}" for a, b in rs)


def _prop(text: str, neg: bool) -> str:
    name = text
    if "=" in text:
        key, _, name = text.partition("=")
        if key in ("General_Category", "gc"):
            name = _GC_LONG.get(name, name)
        elif key not in ("Script", "sc"):
            raise Untranslatable(f"property {text}")
    else:
        name = _GC_LONG.get(name, name)
        if name not in _GC_SHORT and name != "Any":
            raise Untranslatable(f"property {text}")
    if name == "Any":
        return "\\x{0}-\\x{d7ff}\\x{e000}-\\x{10ffff}" if not neg else ""
    if not name.replace("_", "").isalnum():
        raise Untranslatable(f"property {text}")
    return f"\\{'P' if neg else 'p'}{{{name}}}"


def _class_body(items: list[tuple]) -> str:
    out = []
    for it in items:
        if it[0] == "esc":
            letter = it[1]
            base = {"d": _DIGIT, "s": _WS, "w": _WORD}[letter.lower()]
            out.append(_ranges(base if letter.islower() else _complement(base)))
        elif it[0] == "prop":
            out.append(_prop(it[1], it[2]))
        else:
            a, b = it
            if 0xD800 <= a <= 0xDFFF or 0xD800 <= b <= 0xDFFF:
                raise Untranslatable("surrogate in class")
            out.append(_cp(a) if a == b else f"{_cp(a)}-{_cp(b)}")
    return "".join(out)


def _to_re2(node: tuple) -> str:
    kind = node[0]
    if kind == "seq":
        return "".join(_to_re2(n) for n in node[1])
    if kind == "alt":
        return "(?:" + "|".join(_to_re2(n) for n in node[1]) + ")"
    if kind == "char":
        if 0xD800 <= node[1] <= 0xDFFF:
            raise Untranslatable("surrogate")
        return _cp(node[1])
    if kind == "any":
        return "[^" + _ranges(_LINE_TERMINATORS) + "]"
    if kind == "class":
        body = _class_body(node[2])
        if not body:
            return "[^\\x{0}-\\x{10ffff}]" if not node[1] else "(?s:.)"
        return "[" + ("^" if node[1] else "") + body + "]"
    if kind == "group":
        return "(?:" + _to_re2(node[1]) + ")"
    if kind == "assert":
        return {"^": "\\A", "$": "\\z", "b": "\\b", "B": "\\B"}[node[1]]
    if kind == "rep":
        lo, hi = node[2], node[3]
        if lo > 1000 or (hi is not None and hi > 1000):
            raise Untranslatable("repeat count over 1000")
        if hi is not None and lo > hi:
            raise Untranslatable("bad repeat")
        q = f"{{{lo},{'' if hi is None else hi}}}"
        return "(?:" + _to_re2(node[1]) + ")" + q
    raise Untranslatable(kind)


def _risky(node: tuple, under_repeat: bool = False) -> bool:
    """Whether a backtracking engine could take super-linear time on this node."""
    kind = node[0]
    if kind in ("seq", "alt"):
        if kind == "alt" and under_repeat and len(node[1]) > 1:
            return True
        return any(_risky(n, under_repeat) for n in node[1])
    if kind in ("group", "look"):
        return _risky(node[-1], under_repeat)
    if kind == "rep":
        many = node[3] is None or node[3] > 1
        if under_repeat and node[2] != node[3]:  # a choice in every iteration: (a?a)*
            return True
        if many and _one_way_loop(node):
            return False
        return _risky(node[1], under_repeat or many)
    return False


def _unwrap(node: tuple) -> tuple:
    while node[0] == "group":
        node = node[-1]
    return node


def _one_way_loop(rep: tuple) -> bool:
    """Whether a repetition whose body is a sequence of one-character atoms, each maybe
    repeated (``(\\.[\\w-]+)*``, ``(\\d+\\.)+``), matches a span in only one way, so it cannot
    backtrack exponentially although it nests a quantifier: the body consumes a character,
    and every repeated atom's class is disjoint from what can follow it (the next atoms up
    to the first required one, and the next iteration's first characters after the last).
    Then each character has one place in the match. ``(\\.a*a*)*`` (a separator, but two
    ways to split the a's in every iteration) is refused."""
    body = _unwrap(rep[1])
    items = body[1] if body[0] == "seq" else [body]
    first = _first(items)
    if first is None or first[1]:
        return False  # unknown, or an empty iteration
    for i, item in enumerate(items):
        item = _unwrap(item)
        if item[0] == "rep":
            cs, lo, hi = _charset(_unwrap(item[1])), item[2], item[3]
        else:
            cs, lo, hi = _charset(item), 1, 1
        if cs is None:
            return False
        if lo == hi:
            continue  # no choice in how much it takes
        rest = _first(items[i + 1:])
        if rest is None:
            return False
        follow = rest[0] + first[0] if rest[1] else rest[0]  # then the next iteration
        if not _disjoint(cs, follow):
            return False
    return True


_UNBOUNDED = 16
"""A repetition allowing more than this many iterations counts as unbounded."""


def _unbounded_rep(node: tuple) -> bool:
    return node[0] == "rep" and (node[3] is None or node[3] > _UNBOUNDED)


def _charset(node: tuple) -> tuple[tuple[int, int], ...] | None:
    """The code points a one-character atom matches (negated classes complemented), or
    None for anything else."""
    atom = _fixed_atom(node)
    if atom is None:
        return None
    negated, ranges = atom
    return tuple(_complement(list(ranges))) if negated else ranges


def _disjoint(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> bool:
    return all(hi1 < lo2 or hi2 < lo1 for lo1, hi1 in a for lo2, hi2 in b)


def _degree(node: tuple) -> int:
    """The number of unbounded repetitions whose end a later failure can move, in a pattern
    ``_risky`` passes. Each multiplies the times what follows it is tried by up to n (the
    string's length). A repetition is *fenced* when no character it can match can start
    what follows it (up to the first required item, or the end ``$``): it can only end
    right before such a character, so what follows is tried once per try of the
    repetition. A one-way loop (``_one_way_loop``) counts once, like a repetition of one
    atom: each character has one place inside it."""
    kind = node[0]
    if kind == "seq":
        items = node[1]
        total = 0
        for i, item in enumerate(items):
            if _unbounded_rep(item):
                body, after = _alphabet(item[1]), _first(items[i + 1:])
                if (body is not None and after is not None and not after[1]
                        and _disjoint(body, after[0])):
                    total += 0 if _one_way_loop(item) else _degree(item[1])
                    continue
            total += _degree(item)
        return total
    if kind == "alt":
        return max((_degree(n) for n in node[1]), default=0)
    if kind in ("group", "look"):
        return _degree(node[-1])
    if kind == "rep":
        inner = 0 if (node[3] is None or node[3] > 1) and _one_way_loop(node) else _degree(
            node[1])
        return _unbounded_rep(node) + inner
    return 0


_Ranges = tuple[tuple[int, int], ...]


def _alphabet(node: tuple) -> _Ranges | None:
    """Every character ``node`` can match, when it is built of one-character atoms
    (sequences, alternatives, groups and repetitions of them); else None."""
    node = _unwrap(node)
    cs = _charset(node)
    if cs is not None:
        return cs
    if node[0] == "rep":
        return _alphabet(node[1])
    if node[0] in ("seq", "alt"):
        out: list[tuple[int, int]] = []
        for n in node[1]:
            a = _alphabet(n)
            if a is None:
                return None
            out.extend(a)
        return tuple(out)
    return None


def _first(items: list) -> tuple[_Ranges, bool] | None:
    """``(the characters the sequence items can start with, whether it can match the empty
    string)``; ``$`` counts as a required item that starts with no character (the string
    ends there). None when unknown (a lookaround, ``.``, an anchor, a backreference)."""
    out: list[tuple[int, int]] = []
    for item in items:
        item = _unwrap(item)
        if item == ("assert", "$"):
            return tuple(out), False
        cs = _charset(item)
        if cs is not None:
            out.extend(cs)
            return tuple(out), False
        if item[0] == "rep":
            sub = _first([item[1]])
            nullable = item[2] == 0
        elif item[0] == "seq":
            sub = _first(item[1])
            nullable = False
        elif item[0] == "alt":
            subs = [_first([a]) for a in item[1]]
            if any(f is None for f in subs):
                return None
            sub = (tuple(r for f in subs for r in f[0]), any(f[1] for f in subs))
            nullable = False
        else:
            return None
        if sub is None:
            return None
        out.extend(sub[0])
        if not (nullable or sub[1]):
            return tuple(out), False
    return tuple(out), True


_MAX_PATHS = 4096


def _paths(node: tuple) -> int:
    """How many ways the alternations outside repetitions can be combined (a sequence of
    overlapping alternatives is exponential in the pattern's size on a backtracking engine,
    whatever the string); repeated alternations are ``_risky``'s."""
    kind = node[0]
    if kind == "seq":
        total = 1
        for n in node[1]:
            total = min(total * _paths(n), _MAX_PATHS + 1)
        return total
    if kind == "alt":
        return min(sum(_paths(n) for n in node[1]), _MAX_PATHS + 1)
    if kind in ("group", "look"):
        return _paths(node[-1])
    if kind == "rep" and node[3] == 1:
        return min(_paths(node[1]) + 1, _MAX_PATHS + 1)
    return 1


def _unbounded(node: tuple) -> bool:
    """Whether ``node`` holds an unbounded repetition anywhere."""
    if _unbounded_rep(node):
        return True
    if node[0] in ("seq", "alt"):
        return any(_unbounded(n) for n in node[1])
    return node[0] in ("group", "look") and _unbounded(node[-1])


def _backtrack_limit(tree: tuple) -> int:
    """The longest string a backtracking engine may be given for this pattern, from the
    exponent of its worst case, O(n ** degree): ``_degree``, plus one for the work of the
    last repetition tried (if any), plus one when the search is unanchored (it restarts at
    every position). ``BACKTRACK_LIMIT`` up to degree 2, then about 4 * 10**6 steps."""
    items = tree[1] if tree[0] == "seq" else [tree]
    degree = (_degree(tree) + _unbounded(tree)
              + (not items or items[0] != ("assert", "^")))
    return {0: BACKTRACK_LIMIT, 1: BACKTRACK_LIMIT, 2: BACKTRACK_LIMIT, 3: 256,
            4: 64, 5: 32}.get(degree, 16)


def translate_re2(source: str) -> str:
    """The RE2 pattern equivalent to the ECMA-262 (u-mode) ``source``; raises
    ``Untranslatable`` for what RE2 cannot do (lookaround, backreferences, ...)."""
    return _to_re2(_Parser(source).parse())


_RE2: Any = None


def _re2_compile(text: str) -> Any:
    global _RE2
    if _RE2 is None:
        try:
            import re2
        except ImportError:  # pragma: no cover - depends on the environment
            _RE2 = False
        else:
            _RE2 = re2
    if _RE2 is False:
        raise Untranslatable("google-re2 is not installed")
    opts = _RE2.Options()
    opts.log_errors = False
    opts.max_mem = 64 << 20
    try:
        return _Re2(_RE2.compile(text, opts))
    except Exception as exc:  # noqa: BLE001 - re2.error and friends
        raise Untranslatable(str(exc)) from None


class _Re2:
    """A compiled RE2 pattern's yes/no unanchored search. ``google-re2``'s ``search`` maps
    every span back to code-point offsets in Python (about 2.7 µs a call on a 30-character
    string); a verdict needs none of that, so this calls the compiled pattern's ``Match``
    on the UTF-8 bytes (about 0.4 µs), falling back to ``search`` if a later release
    renames it. Raises ``UnicodeEncodeError`` for lone surrogates."""

    __slots__ = ("test",)

    def __init__(self, rx: Any) -> None:
        try:
            match, anchor = rx._regexp.Match, _RE2._Anchor.UNANCHORED
            match(anchor, b"", 0, 0)
        except Exception:  # noqa: BLE001 - not the layout this was written against
            self.test = lambda text: rx.search(text) is not None
            return

        def test(text: str) -> bool:
            data = text.encode("utf-8")
            return match(anchor, data, 0, len(data))[0][0] >= 0

        self.test = test


class _Composite:
    """Lookarounds RE2 cannot run, rewritten where that is exact: assertions right after a
    leading ``^`` (``^(?=A)(?!B)R`` matches iff ``^A`` matches, ``^B`` does not and ``^R``
    does) and a positive lookahead ending the pattern (for a yes/no search, ``R(?=A)`` matches
    iff ``RA`` does)."""

    def __init__(self, tree: tuple) -> None:
        items = list(tree[1]) if tree[0] == "seq" else [tree]
        if items and items[-1][0] == "look" and items[-1][1] == "?=":
            items[-1] = ("group", items[-1][2])
        self.must: list[Any] = []
        self.must_not: list[Any] = []
        if items and items[0] == ("assert", "^"):
            i = 1
            while i < len(items) and items[i][0] == "look" and items[i][1] in ("?=", "?!"):
                anchored = ("seq", [("assert", "^"), items[i][2]])
                rx = _re2_compile(_to_re2(anchored))
                (self.must if items[i][1] == "?=" else self.must_not).append(rx)
                i += 1
            items = [items[0], *items[i:]]
        self.main = _re2_compile(_to_re2(("seq", items)))

    def test(self, text: str) -> bool:
        for rx in self.must_not:
            if rx.test(text):
                return False
        for rx in self.must:
            if not rx.test(text):
                return False
        return self.main.test(text)


class Pattern:
    """A compiled ECMA-262 pattern; ``search`` is unanchored, as JSON Schema requires."""

    __slots__ = ("_find", "_linear", "_regex", "ascii", "limit", "risky", "search", "short",
                 "source")

    def __init__(self, source: str, regex: Any, linear: Any, risky: bool,
                 legacy: bool = False, limit: int = BACKTRACK_LIMIT) -> None:
        self.source = source
        self._regex = regex
        self._linear = linear
        self.risky = risky
        self.limit = limit if linear is None else min(limit, _SHORT)
        """The longest string regress is given (longer ones go to RE2, or raise
        ``UnsafePatternError`` when there is no RE2 equivalent)."""
        self._find = regex.find if regex is not None else None
        self.short: tuple[Any, int] | None = None
        """``(find, limit)``: for a string of at most ``limit`` code points, ``search(s)`` is
        ``find(s) is not None`` (lets generated code skip a Python call); else None."""
        self.ascii = False
        """Whether ``short`` holds only for ASCII strings (a legacy pattern: regress matches
        UTF-16 units there, RE2 code points; the two agree on ASCII)."""
        if regex is not None and not risky and linear is None:
            self.search = self._search_bounded
            self.short = (self._find, self.limit)
        elif regex is not None and not risky and legacy:
            # legacy regress matches UTF-16 units, RE2 code points: the same on ASCII
            self.search = self._search_ascii
            self.short, self.ascii = (self._find, self.limit), True
        elif regex is not None and not risky:
            self.search = self._search_both
            self.short = (self._find, self.limit)
        else:
            self.search = self._linear_search

    def _search_both(self, text: str) -> bool:
        if len(text) <= self.limit:
            return self._find(text) is not None
        return self._linear_search(text)

    def _search_ascii(self, text: str) -> bool:
        if len(text) <= self.limit and text.isascii():
            return self._find(text) is not None
        return self._linear_search(text)

    def _linear_search(self, text: str) -> bool:
        try:
            return self._linear.test(text)
        except UnicodeEncodeError:  # lone surrogates (only from Python data, never JSON)
            if self._regex is not None and not self.risky:
                return self._find(text) is not None
            raise UnsafePatternError(
                f"cannot run pattern {self.source!r} on a string with lone surrogates") from None

    def _search_bounded(self, text: str) -> bool:
        if len(text) > self.limit:
            raise UnsafePatternError(
                f"pattern {self.source!r} needs a backtracking engine (lookaround, "
                f"backreference) and the string has {len(text)} characters, over the "
                f"{self.limit} such a pattern may be run on")
        return self._find(text) is not None

    def __repr__(self) -> str:
        return f"Pattern({self.source!r})"


def _fixed_atom(node: tuple) -> tuple[bool, tuple[tuple[int, int], ...]] | None:
    """``(negated, ranges)`` of code points the one-character ECMA atom ``node`` matches,
    or None."""
    if node[0] == "char":
        return False, ((node[1], node[1]),)
    if node[0] != "class":
        return None
    ranges: list[tuple[int, int]] = []
    for item in node[2]:
        if len(item) == 2 and isinstance(item[0], int):
            ranges.append((item[0], item[1]))
        elif item == ("esc", "d"):
            ranges.extend(_DIGIT)
        elif item == ("esc", "w"):
            ranges.extend(_WORD)
        else:
            return None
    if not ranges:
        return None
    return node[1], tuple(sorted(set(ranges)))


def _anchored(source: str) -> list[tuple] | None:
    """The parsed items between a leading ``^`` and a trailing ``$`` of a ``u``-mode
    pattern, or None."""
    try:
        regress.Regex(source, "u")
        tree = _Parser(source).parse()
    except (regress.RegressError, Untranslatable, ValueError, IndexError):
        return None
    items = list(tree[1]) if tree[0] == "seq" else []
    if len(items) < 3 or items[0] != ("assert", "^") or items[-1] != ("assert", "$"):
        return None
    return items[1:-1]


@lru_cache(maxsize=1024)
def fixed_width(source: str) -> tuple[bytes, bytes] | None:
    """For a pattern ``^A$`` where ``A`` is a sequence of ASCII one-character atoms
    (literal characters, classes of ranges, ``\\d``, ``\\w``; distinct classes disjoint)
    repeated a fixed number of times: ``(table, signature)``, where ``table`` (a
    ``bytes.translate`` table) maps each byte of a class to that class's first character and
    leaves every other byte alone. A list of strings all match the pattern iff
    ``(SEP.join(strings) + SEP).encode("utf-8", "surrogatepass").translate(table) ==
    (signature + b"\\x00") * len`` with ``SEP = "\\x00"``: no class holds the separator, so
    separators cannot shift (each string has exactly ``len(signature)`` characters, each in
    its offset's class), and every byte of a non-ASCII character is >= 128, in no class.
    None for any other pattern."""
    items = _anchored(source)
    if items is None:
        return None
    sig: list[str] = []
    table: dict[int, int] = {}
    classes: dict[tuple, str] = {}
    for node in items:
        count = 1
        if node[0] == "rep":
            if node[2] != node[3] or node[2] > 256:
                return None
            node, count = node[1], node[2]
        atom = _fixed_atom(node)
        if atom is None or atom[0]:
            return None
        ranges = atom[1]
        if any(lo < 1 or hi > 127 for lo, hi in ranges):
            return None
        code = classes.get(ranges)
        if code is None:
            members = {c for lo, hi in ranges for c in range(lo, hi + 1)}
            if members & table.keys():
                return None  # overlapping classes
            code = chr(min(members))
            classes[ranges] = code
            table.update(dict.fromkeys(members, ord(code)))
        sig.append(code * count)
    signature = "".join(sig)
    if not signature or len(signature) > 1024:
        return None
    return bytes(table.get(i, i) for i in range(256)), signature.encode()


@lru_cache(maxsize=1024)
def class_run(source: str) -> tuple[bytes, int, int | None] | None:
    """For a pattern ``^[X]{lo,hi}$`` (``+``, ``*``, ``?`` too) where ``X`` is one ASCII
    one-character atom without NUL: ``(members, lo, hi)``, ``members`` the bytes of ``X``
    and ``hi`` None when unbounded. A list of strings all match the pattern iff every length
    is within ``[lo, hi]`` and ``SEP.join(strings).encode("utf-8", "surrogatepass")
    .translate(None, members) == SEP_BYTE * (len - 1)`` with ``SEP = "\\x00"``: deleting the
    members leaves the separators and whatever is not in ``X`` (a NUL inside a string adds
    one byte too many; every byte of a non-ASCII character is >= 128, in no member). None
    for any other pattern."""
    items = _anchored(source)
    if items is None or len(items) != 1 or items[0][0] != "rep":
        return None
    node = items[0]
    atom = _fixed_atom(node[1])
    if atom is None or atom[0] or any(lo < 1 or hi > 127 for lo, hi in atom[1]):
        return None
    members = bytes(sorted({c for lo, hi in atom[1] for c in range(lo, hi + 1)}))
    return members, node[2], node[3]


@lru_cache(maxsize=4096)
def _uncaptured(source: str) -> str:
    """``source`` with every capturing group made non-capturing (``(`` and ``(?<name>``
    become ``(?:``): the same matches, and regress runs about three times faster without
    the captures (a verdict needs none). Unchanged when a backreference needs them."""
    out: list[str] = []
    i, n, in_class = 0, len(source), False
    while i < n:
        c = source[i]
        if c == "\\":
            nxt = source[i + 1:i + 2]
            if not in_class and (nxt in tuple("123456789") or nxt == "k"):
                return source  # a backreference (or, in legacy syntax, maybe an octal)
            out.append(source[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"  # in ECMA-262 the first ] closes, even right after [ or [^
        elif c == "[":
            in_class = True
        elif c == "(":
            if source.startswith("(?<", i) and source[i + 3:i + 4] not in ("=", "!"):
                end = source.find(">", i)
                if end < 0:
                    return source
                out.append("(?:")
                i = end + 1
                continue
            if not source.startswith("(?", i):
                out.append("(?:")
                i += 1
                continue
        out.append(c)
        i += 1
    return "".join(out)


def compile_pattern(source: str) -> Pattern:
    """Compile with the ``u`` flag (code points, as JSON Schema strings are), falling back to
    legacy (non-``u``) syntax for patterns only valid there, like ``\\_``.

    Raises ``ValueError`` for a pattern that is not ECMA-262, and ``UnsafePatternError`` (a
    ``SchemaError``, so also a ``ValueError``) for one that cannot be run in bounded time.
    """
    if not isinstance(source, str):
        raise ValueError("pattern must be a string")  # noqa: TRY004 - callers map ValueError
    unicode = True
    try:
        regex = regress.Regex(source, "u")
    except regress.RegressError:
        unicode = False
        try:
            regex = regress.Regex(source)
        except regress.RegressError as exc:
            raise ValueError(str(exc)) from None
    bare = _uncaptured(source)
    if bare != source:
        try:
            regex = regress.Regex(bare, "u") if unicode else regress.Regex(bare)
        except regress.RegressError:  # pragma: no cover - the same syntax, minus captures
            pass
    tree = None
    try:
        tree = _Parser(source, legacy=not unicode).parse()
    except (Untranslatable, ValueError, IndexError):
        try:
            tree = _Parser(source, legacy=True).parse()
        except (Untranslatable, ValueError, IndexError):
            tree = None
    risky = tree is None or _risky(tree) or _paths(tree) > _MAX_PATHS
    linear = None
    if tree is not None:
        try:
            linear = _re2_compile(_to_re2(tree))
        except (Untranslatable, ValueError):
            try:
                linear = _Composite(tree)
            except (Untranslatable, ValueError):
                linear = None
    if risky and linear is None and tree is None:
        raise UnsafePatternError(
            f"pattern {source!r} uses syntax strictschema cannot analyse for a safe run (a "
            "class of lone surrogates, for instance) and has no linear-time equivalent; "
            "rewrite it")
    if risky and linear is None:
        raise UnsafePatternError(
            f"pattern {source!r} can backtrack exponentially (a quantifier or alternation "
            "inside a repeated group) and has no linear-time equivalent (lookaround inside "
            "the pattern, or a backreference); rewrite it")
    # a legacy pattern matches code points on RE2 but UTF-16 units on regress: regress only
    # where the two cannot differ (ASCII), RE2 for the rest
    limit = _backtrack_limit(tree) if tree is not None else BACKTRACK_LIMIT
    return Pattern(source, regex, linear, risky, legacy=not unicode and linear is not None,
                   limit=limit)
