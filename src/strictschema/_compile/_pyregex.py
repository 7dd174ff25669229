"""ECMA-262 ``pattern`` -> an equivalent Python ``re`` pattern, for Hypothesis's ``from_regex``.

Hypothesis generates from Python regular expressions, whose meaning differs from ECMA-262 in
ways that matter for JSON Schema: ``\\d`` matches any Unicode digit in Python and only ``0-9``
in ECMA, ``$`` also matches before a final newline in Python, ``.`` excludes only ``\\n``,
``\\s`` is a different set, ``{,3}`` is a quantifier only in Python, ``(?<name>`` and
``\\k<name>`` are spelled differently, ``[^]`` and ``\\cX`` do not exist in Python, and so on.

``translate`` rewrites a pattern so that the Python regex matches the same strings, or a
*subset* of them where an exact translation is impossible (Unicode property escapes are
approximated by a few representative characters). Callers still filter every generated string
with the real ECMA engine (``strictschema._validate._regex``), so a subset is always safe: it can only
make generation less varied, never wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["ECMA_SPACE", "Untranslatable", "class_members", "python_regex", "translate"]

# ECMA-262 \s: WhiteSpace (TAB, VT, FF, ZWNBSP U+FEFF, and every Zs code point) and
# LineTerminator (LF, CR, U+2028, U+2029). Rust's \s (llguidance, outlines-core) is Unicode
# White_Space, which adds U+0085 and lacks U+FEFF; Python's adds U+001C-U+001F and U+0085.
ECMA_SPACE = (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, *range(0x2000, 0x200B),
              0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF)


def class_members(cps: Iterable[int]) -> str:
    """Code points written as class members, ``\\uXXXX`` each, runs as ranges (a class body
    read alike by ECMA-262, Python's ``re`` and Rust's ``regex``)."""
    out: list[str] = []
    run: list[int] = []
    for cp in sorted(cps):
        if run and cp == run[-1] + 1:
            run.append(cp)
            continue
        if run:
            out.append(_run(run))
        run = [cp]
    if run:
        out.append(_run(run))
    return "".join(out)


def _run(run: list[int]) -> str:
    first, last = f"\\u{run[0]:04X}", f"\\u{run[-1]:04X}"
    return first if len(run) == 1 else first + ("" if len(run) == 2 else "-") + last


_ECMA_SPACE = class_members(ECMA_SPACE)
_DIGIT = "0-9"
_WORD = "A-Za-z0-9_"
_DOT = "[^\\n\\r\\u2028\\u2029]"
_ANY = "[\\s\\S]"

# Representative subsets for Unicode property escapes (\p{...}); generation only.
_PROPERTIES = {
    "L": "A-Za-z\\xc0-\\xd6\\xd8-\\xf6\\xf8-\\xff\\u0391-\\u03a9\\u0430-\\u044f",
    "Lu": "A-Z\\xc0-\\xd6\\u0391-\\u03a9",
    "Ll": "a-z\\xdf-\\xf6\\u03b1-\\u03c9",
    "Lt": "\\u01c5\\u01c8",
    "Lm": "\\u02b0-\\u02b8",
    "Lo": "\\u05d0-\\u05ea\\u4e00-\\u4e20",
    "M": "\\u0300-\\u0310",
    "Mn": "\\u0300-\\u0310",
    "N": "0-9\\u0660-\\u0669\\xb2\\xb3",
    "Nd": "0-9\\u0660-\\u0669",
    "P": "!-#%-*,-/:;?@\\[-\\]_{}",
    "S": "$+<->^`|~",
    "Z": " \\xa0",
    "Zs": " \\xa0",
    "Latin": "A-Za-z\\xc0-\\xd6",
    "Greek": "\\u0391-\\u03a9\\u03b1-\\u03c9",
    "Cyrillic": "\\u0410-\\u044f",
    "Han": "\\u4e00-\\u4e20",
    "Hiragana": "\\u3041-\\u3096",
    "Katakana": "\\u30a1-\\u30fa",
    "Arabic": "\\u0627-\\u064a",
    "Hebrew": "\\u05d0-\\u05ea",
    "ASCII": "\\x00-\\x7f",
    "Any": "\\x00-\\U0010ffff",
}
_ALIASES = {
    "Letter": "L", "Uppercase_Letter": "Lu", "Lowercase_Letter": "Ll", "Alphabetic": "L",
    "Alpha": "L", "Uppercase": "Lu", "Lowercase": "Ll", "Upper": "Lu", "Lower": "Ll",
    "Mark": "M", "Nonspacing_Mark": "Mn", "Number": "N", "Decimal_Number": "Nd",
    "digit": "Nd", "Punctuation": "P", "punct": "P", "Symbol": "S", "Separator": "Z",
    "Space_Separator": "Zs", "White_Space": "Zs", "space": "Zs", "Titlecase_Letter": "Lt",
    "Modifier_Letter": "Lm", "Other_Letter": "Lo", "Latn": "Latin", "Grek": "Greek",
    "Cyrl": "Cyrillic", "Hani": "Han", "Arab": "Arabic", "Hebr": "Hebrew",
}
_NEGATED_DEFAULT = "0-9 !-/"  # characters in few properties: used for \P{...}


class Untranslatable(ValueError):
    """The pattern uses ECMA syntax with no Python counterpart."""


def _property(body: str) -> str:
    name = body.split("=", 1)[-1]
    name = _ALIASES.get(name, name)
    if name in _PROPERTIES:
        return _PROPERTIES[name]
    if name[:1] in _PROPERTIES and len(name) == 2:  # e.g. Pd, Sm: use the major category
        return _PROPERTIES[name[:1]]
    return "a-z"  # unknown: a guess the ECMA filter will correct


def _char(cp: int) -> str:
    """A code point as a Python regex escape, safe inside and outside classes."""
    if cp < 0x80 and (chr(cp).isalnum() or chr(cp) == "_"):
        return chr(cp)
    if cp <= 0xFF:
        return f"\\x{cp:02x}"
    if cp <= 0xFFFF:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


class _Translator:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.out: list[str] = []
        self.n_groups, self.names = _scan_groups(pattern)

    # -- helpers -----------------------------------------------------------------------
    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.p[j] if j < len(self.p) else ""

    def take(self) -> str:
        ch = self.p[self.i]
        self.i += 1
        return ch

    def run(self) -> str:
        p = self.p
        while self.i < len(p):
            ch = self.take()
            if ch == "\\":
                self.out.append(self.escape(in_class=False)[1])
            elif ch == "[":
                self.out.append(self.char_class())
            elif ch == "(":
                self.out.append(self.group_open())
            elif ch in ")|*+?":
                self.out.append(ch)
            elif ch == ".":
                self.out.append(_DOT)
            elif ch == "$":
                self.out.append("\\Z")
            elif ch == "^":
                self.out.append("^")
            elif ch == "{":
                m = re.compile(r"(\d+)(,(\d*))?\}").match(p, self.i)
                prev_ok = self.out and self.out[-1] not in ("(", "|", "^", "(?:")
                if m and prev_ok:
                    lo, comma, hi = m.group(1), m.group(2), m.group(3)
                    if hi and int(hi) < int(lo):
                        raise Untranslatable("quantifier range out of order")
                    self.out.append("{" + lo + ("," + hi if comma else "") + "}")
                    self.i = m.end()
                else:
                    self.out.append("\\{")
            elif ch == "}":
                self.out.append("\\}")
            elif ch == "]":
                self.out.append("\\]")
            else:
                self.out.append(_char(ord(ch)))
        return "".join(self.out)

    def group_open(self) -> str:
        p = self.p
        if p.startswith("?<=", self.i) or p.startswith("?<!", self.i):
            self.i += 3
            return "(" + p[self.i - 3:self.i]
        if p.startswith("?<", self.i):
            end = p.find(">", self.i)
            if end < 0:
                raise Untranslatable("unterminated group name")
            name = p[self.i + 2:end]
            self.i = end + 1
            if not name.isidentifier():
                raise Untranslatable(f"group name {name!r}")
            return f"(?P<{name}>"
        if p.startswith("?:", self.i) or p.startswith("?=", self.i) or p.startswith("?!", self.i):
            self.i += 2
            return "(" + p[self.i - 2:self.i]
        if p.startswith("?", self.i):
            raise Untranslatable("group modifiers")
        return "("

    def code_point_escape(self) -> int | None:
        """After ``\\u``: ``XXXX`` (a surrogate pair counts as one), or ``{X...}``."""
        p = self.p
        if p.startswith("{", self.i):
            end = p.find("}", self.i)
            body = p[self.i + 1:end] if end > 0 else ""
            if body and all(c in "0123456789abcdefABCDEF" for c in body) and int(body, 16) <= 0x10FFFF:
                self.i = end + 1
                return int(body, 16)
            return None
        hexits = p[self.i:self.i + 4]
        if len(hexits) == 4 and all(c in "0123456789abcdefABCDEF" for c in hexits):
            self.i += 4
            cp = int(hexits, 16)
            if 0xD800 <= cp <= 0xDBFF and p.startswith("\\u", self.i):
                low = p[self.i + 2:self.i + 6]
                if len(low) == 4 and all(c in "0123456789abcdefABCDEF" for c in low) \
                        and 0xDC00 <= int(low, 16) <= 0xDFFF:
                    self.i += 6
                    return 0x10000 + ((cp - 0xD800) << 10) + (int(low, 16) - 0xDC00)
            return cp
        return None

    def escape(self, in_class: bool) -> tuple[str, str]:
        """After a backslash. Returns (kind, text): kind is ``char`` (text is one code point
        escape, usable in a range), ``set`` (class body text), ``negset`` (class body text of
        the complement) or ``atom`` (outside classes only)."""
        if self.i >= len(self.p):
            raise Untranslatable("trailing backslash")
        ch = self.take()
        sets = {"d": _DIGIT, "w": _WORD, "s": _ECMA_SPACE}
        if ch in sets:
            return ("set", sets[ch]) if in_class else ("atom", f"[{sets[ch]}]")
        if ch.lower() in sets:
            body = sets[ch.lower()]
            return ("negset", body) if in_class else ("atom", f"[^{body}]")
        if ch in "pP" and self.peek() == "{":
            end = self.p.find("}", self.i)
            if end < 0:
                raise Untranslatable("unterminated property escape")
            body = _property(self.p[self.i + 1:end])
            self.i = end + 1
            if ch == "P":
                body = _NEGATED_DEFAULT
            return ("set", body) if in_class else ("atom", f"[{body}]")
        simple = {"t": 9, "n": 10, "v": 11, "f": 12, "r": 13}
        if ch in simple:
            return "char", _char(simple[ch])
        if ch == "b":
            return ("char", _char(8)) if in_class else ("atom", "\\b")
        if ch == "B" and not in_class:
            return "atom", "\\B"
        if ch == "c":
            nxt = self.peek()
            if nxt.isascii() and nxt.isalpha():
                self.i += 1
                return "char", _char(ord(nxt) % 32)
            if in_class and (nxt.isdigit() or nxt == "_"):  # legacy Annex B
                self.i += 1
                return "char", _char(ord(nxt) % 32)
            return ("set", "\\x5cc") if in_class else ("atom", "\\x5cc")
        if ch == "x":
            hexits = self.p[self.i:self.i + 2]
            if len(hexits) == 2 and all(c in "0123456789abcdefABCDEF" for c in hexits):
                self.i += 2
                return "char", _char(int(hexits, 16))
            return "char", "x"
        if ch == "u":
            cp = self.code_point_escape()
            return "char", _char(cp) if cp is not None else "u"
        if ch == "0" and not self.peek().isdigit():
            return "char", _char(0)
        if ch.isdigit():
            j = self.i
            while j < len(self.p) and self.p[j].isdigit():
                j += 1
            num = int(self.p[self.i - 1:j])
            if not in_class and 0 < num <= self.n_groups:
                self.i = j
                return "atom", f"(?:\\{num})"
            # legacy octal escape (Annex B)
            digits = ch
            while len(digits) < 3 and self.peek() in "01234567" and self.peek():
                if int(digits + self.peek(), 8) > 0o377:
                    break
                digits += self.take()
            if all(c in "01234567" for c in digits):
                return "char", _char(int(digits, 8))
            return "char", _char(ord(ch))
        if ch == "k" and not in_class and self.peek() == "<" and self.names:
            end = self.p.find(">", self.i)
            name = self.p[self.i + 1:end]
            if end < 0 or name not in self.names:
                raise Untranslatable("bad named backreference")
            self.i = end + 1
            return "atom", f"(?P={name})"
        if ch == "-" and in_class:
            return "char", "\\-"
        return "char", _char(ord(ch))  # identity escape

    def class_atom(self) -> tuple[str, str]:
        ch = self.take()
        if ch == "\\":
            return self.escape(in_class=True)
        return "char", _char(ord(ch))

    def char_class(self) -> str:
        p = self.p
        negated = False
        if self.peek() == "^":
            negated = True
            self.i += 1
        if self.peek() == "]":
            self.i += 1
            return _ANY if negated else "(?!)"
        items: list[str] = []
        negatives: list[str] = []
        while True:
            if self.i >= len(p):
                raise Untranslatable("unterminated character class")
            if self.peek() == "]":
                self.i += 1
                break
            kind, text = self.class_atom()
            if kind == "char" and self.peek() == "-" and self.peek(1) not in ("]", ""):
                save = self.i
                self.i += 1
                kind2, text2 = self.class_atom()
                if kind2 == "char":
                    if _cp(text2) < _cp(text):
                        raise Untranslatable("class range out of order")
                    items.append(f"{text}-{text2}")
                    continue
                # a class escape after '-': the '-' is literal (Annex B)
                self.i = save + 1
                items.append(text)
                items.append("\\-")
                if kind2 == "negset":
                    negatives.append(text2)
                else:
                    items.append(text2)
                continue
            if kind == "negset":
                negatives.append(text)
            else:
                items.append(text)
        body = "".join(items)
        if not negatives:
            if not body:
                return _ANY if negated else "(?!)"
            return f"[{'^' if negated else ''}{body}]"
        alts = ([f"[{body}]"] if body else []) + [f"[^{n}]" for n in negatives]
        union = "(?:" + "|".join(alts) + ")"
        return f"(?:(?!{union}){_ANY})" if negated else union


def _cp(text: str) -> int:
    """The code point of one escape produced by ``_char``."""
    if text.startswith(("\\x", "\\u", "\\U")):
        return int(text[2:], base=16)  # noqa: FURB166 - text[:2] is \x, \u or \U
    if text == "\\-":
        return ord("-")
    if len(text) == 1:
        return ord(text)
    raise Untranslatable("range end")


def _scan_groups(pattern: str) -> tuple[int, set[str]]:
    """Count capturing groups and collect group names (outside classes, unescaped)."""
    n = 0
    names: set[str] = set()
    i = 0
    in_class = False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
        elif c == "(":
            if not pattern.startswith("?", i + 1):
                n += 1
            elif pattern.startswith("?<", i + 1) and not pattern.startswith(("?<=", "?<!"), i + 1):
                n += 1
                end = pattern.find(">", i)
                if end > 0:
                    names.add(pattern[i + 3:end])
        i += 1
    return n, names


@lru_cache(maxsize=2048)
def translate(pattern: str) -> str:
    """The Python regex (to compile with ``re.ASCII``) matching what the ECMA pattern matches,
    or a subset of it. Raises ``Untranslatable``."""
    return _Translator(pattern).run()


@lru_cache(maxsize=2048)
def python_regex(pattern: str) -> re.Pattern[str] | None:
    """A compiled Python regex for generating strings matching the ECMA ``pattern``: the
    translation, else the pattern read as Python (often the same), else None."""
    import warnings

    candidates = []
    try:
        candidates.append(translate(pattern))
    except Untranslatable:
        pass
    candidates.append(pattern)
    for text in candidates:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return re.compile(text, re.ASCII)
        except (re.error, OverflowError, RecursionError):
            continue
    return None
