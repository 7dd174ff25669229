"""Incremental validation of a growing JSON text against a (wire) schema.

``PrefixValidator(schema).feed(chunk)`` raises ``ValidationError`` as soon as the text read so
far can no longer be the prefix of a valid instance (unknown key of a closed object, string
that no enum member starts with, wrong type, too many items, missing required key at ``}``,
...) and ``DecodeError`` as soon as it can no longer be the prefix of JSON text.

How it works: a streaming tokenizer (a state machine over characters that jumps over string
bodies and whitespace with regular expressions) drives a stack of frames, one per open
container. A frame holds the schema *candidates* the container may still match: ``anyOf``
branches and ``$ref`` targets are expanded into leaves, and each candidate remembers which
candidates of the enclosing frame it came from, so a branch that dies deep inside a value
kills its ancestors when the value closes. Work per character is bounded by the schema, not
by the text, so a delta costs O(len(delta)) amortised. Strings are buffered only while some
candidate needs their text (object keys, enum/const members), never beyond the longest such
member; numbers are buffered up to ``_NUM_CAP`` characters.

The checker is conservative: what it cannot decide on a prefix (``pattern``, ``format``,
``allOf``, ``not``, ``$ref`` siblings, ...) is left to the final validation of the complete
text, so it never rejects a prefix of a valid instance.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from ._errors import DecodeError, ErrorDetail, ValidationError
from ._paths import Location, pointer_parts

__all__ = ["PrefixValidator"]

MAX_DEPTH = 512
_NUM_CAP = 64

_WS = re.compile(r"[ \t\n\r]*")
_STR_RUN = re.compile(r'[^"\\\x00-\x1f]*')
_HEX = frozenset("0123456789abcdefABCDEF")
_ESC = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_LITERALS = {"t": ("true", True), "f": ("false", False), "n": ("null", None)}
_NUM_START = frozenset("-0123456789")
_NUM_CHARS = frozenset("-+0123456789.eE")

# tokenizer states
_VALUE, _ARR_FIRST, _OBJ_FIRST, _OBJ_KEY, _COLON, _AFTER, _STR, _ESCAPE, _UNI, _NUM, _LIT, _END = (
    range(12))

# number grammar (RFC 8259) states; the accepting ones end a number
_N_START, _N_SIGN, _N_ZERO, _N_INT, _N_DOT, _N_FRAC, _N_E, _N_ESIGN, _N_EXP = range(9)
_N_ACCEPT = frozenset({_N_ZERO, _N_INT, _N_FRAC, _N_EXP})
_DIGIT = frozenset("0123456789")

_KINDS = ("object", "array", "string", "number", "integer", "boolean", "null")


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "?"


def _dec(x: Any) -> Decimal | None:
    try:
        return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)
    except (InvalidOperation, TypeError, ValueError):
        return None


class _Leaf:
    """What a schema node (without ``anyOf``/``$ref`` at its top) says about one value."""

    __slots__ = ("additional", "closed", "enum", "enum_strs", "items", "kinds", "max_items",
                 "max_len", "max_props", "min_items", "min_len", "min_props", "multiple_of",
                 "node", "num_bounds", "prefix_items", "props", "required", "why")

    def __init__(self, node: dict) -> None:
        self.node = node
        kinds: set[str] | None = None
        why = "type"
        t = node.get("type")
        if isinstance(t, str):
            kinds = {t}
        elif isinstance(t, list) and all(isinstance(x, str) for x in t):
            kinds = set(t)
        self.enum: list | None = None
        if "const" in node:
            self.enum = [node["const"]]
        elif isinstance(node.get("enum"), list):
            self.enum = list(node["enum"])
        self.enum_strs: tuple[str, ...] | None = None
        if self.enum is not None:
            ekinds = set()
            for v in self.enum:
                k = _kind_of(v)
                ekinds.add(k)
                if k == "number":
                    ekinds.add("integer")
            if kinds is None:
                kinds = ekinds
                why = "enum"
            else:
                kinds = {k for k in kinds if k in ekinds or (k == "number" and "integer" in ekinds)}
            self.enum_strs = tuple(v for v in self.enum if isinstance(v, str))
        self.kinds = frozenset(kinds) if kinds is not None else None
        self.why = why
        # objects
        props = node.get("properties")
        self.props: dict = props if isinstance(props, dict) else {}
        ap = node.get("additionalProperties", True)
        self.closed = ap is False and "patternProperties" not in node
        self.additional: Any = ap if isinstance(ap, dict) else True
        req = node.get("required")
        self.required = tuple(r for r in req if isinstance(r, str)) if isinstance(req, list) else ()
        self.max_props = _int_or_none(node.get("maxProperties"))
        self.min_props = _int_or_none(node.get("minProperties"))
        # arrays
        items = node.get("items", True)
        self.items: Any = items if isinstance(items, (dict, bool)) else True
        pi = node.get("prefixItems")
        self.prefix_items: list = pi if isinstance(pi, list) else []
        self.max_items = _int_or_none(node.get("maxItems"))
        self.min_items = _int_or_none(node.get("minItems"))
        # strings
        self.max_len = _int_or_none(node.get("maxLength"))
        self.min_len = _int_or_none(node.get("minLength"))
        # numbers
        bounds = []
        for kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            v = node.get(kw)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                d = _dec(v)
                if d is not None and d.is_finite():
                    bounds.append((kw, d))
        self.num_bounds = tuple(bounds)
        m = node.get("multipleOf")
        self.multiple_of = _dec(m) if isinstance(m, (int, float)) and not isinstance(m, bool) \
            and m > 0 else None

    def allows(self, kind: str) -> bool:
        if self.kinds is None:
            return True
        if kind == "number":  # decided at the end between integer and number
            return "number" in self.kinds or "integer" in self.kinds
        return kind in self.kinds


def _int_or_none(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return None


_ANY = _Leaf({})


class _Schema:
    """The wire schema, with ``$ref`` resolution and cached expansion into leaves."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self._leaves: dict[int, tuple[_Leaf, ...]] = {}
        self._keep: list[Any] = []  # keeps expanded nodes alive so their ids stay unique
        self._leaf_cache: dict[int, _Leaf] = {}
        self.key_cap = 1
        self._scan_keys(root, set())

    def _scan_keys(self, node: Any, seen: set[int]) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, list):
                stack.extend(n)
                continue
            if not isinstance(n, dict) or id(n) in seen:
                continue
            seen.add(id(n))
            for k in (n.get("properties") or {}) if isinstance(n.get("properties"), dict) else {}:
                self.key_cap = max(self.key_cap, len(k) + 1)
            for k in n.get("required") or () if isinstance(n.get("required"), list) else ():
                if isinstance(k, str):
                    self.key_cap = max(self.key_cap, len(k) + 1)
            stack.extend(v for v in n.values() if isinstance(v, (dict, list)))

    def resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            return None
        node = self.root
        try:
            for part in pointer_parts(ref):
                if isinstance(node, list):
                    node = node[int(part)]
                elif isinstance(node, dict):
                    node = node[part]
                else:
                    return None
        except (KeyError, IndexError, ValueError):
            return None
        return node

    def leaves(self, node: Any) -> tuple[_Leaf, ...]:
        key = id(node)
        got = self._leaves.get(key)
        if got is None:
            got = tuple(self._expand(node, frozenset()))
            self._leaves[key] = got
            self._keep.append(node)
        return got

    def _expand(self, node: Any, active: frozenset[int]) -> list[_Leaf]:
        if node is True or node is None:
            return [_ANY]
        if node is False:
            return []
        if not isinstance(node, dict):
            return [_ANY]
        if id(node) in active:  # a $ref cycle with no container in between: do not guess
            return [_ANY]
        active = active | {id(node)}
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = self.resolve(ref)
            return self._expand(target, active) if target is not None else [_ANY]
        branches = node.get("anyOf")
        if branches is None:
            branches = node.get("oneOf")
        if isinstance(branches, list):
            out: list[_Leaf] = []
            for b in branches:
                for leaf in self._expand(b, active):
                    if leaf not in out:
                        out.append(leaf)
            return out
        leaf = self._leaf_cache.get(id(node))
        if leaf is None:
            leaf = _Leaf(node)
            self._leaf_cache[id(node)] = leaf
            self._keep.append(node)
        return [leaf]


class _Cand:
    """One schema leaf a container (or a scalar) may still match."""

    __slots__ = ("alive", "leaf", "parents")

    def __init__(self, leaf: _Leaf, parents: set[int]) -> None:
        self.leaf = leaf
        self.parents = parents
        self.alive: list[str] | None = None  # enum strings still possible (string scalars)


class _Frame:
    __slots__ = ("cands", "child", "count", "is_obj", "key", "loc", "safe", "seen")

    def __init__(self, is_obj: bool, cands: list[_Cand], loc: Location, safe: int) -> None:
        self.is_obj = is_obj
        self.cands = cands
        self.loc = loc
        self.safe = safe          # text offset where the container's content is complete
        self.count = 0            # members / items started
        self.key: str | int | None = None
        self.seen: set[str] = set()
        self.child: list[tuple[Any, int]] = []


def _fail(loc: Location, keyword: str, message: str) -> ValidationError:
    return ValidationError([ErrorDetail(tuple(loc), keyword, message)])


class PrefixValidator:
    """Feed a JSON text in pieces; raises as soon as no continuation can be valid."""

    def __init__(self, schema: Any) -> None:
        self._schema = schema if isinstance(schema, _Schema) else _Schema(schema)
        self._stack: list[_Frame] = []
        self._state = _VALUE
        self.pos = 0
        self._root_alive = True
        # string state
        self._is_key = False
        self._acc: list[str] | None = None
        self._acc_len = 0
        self._acc_cap = 0
        self._overflow = False
        self._str_len = 0
        self._str_start = 0
        self._esc_start = 0
        self._uni = ""
        self._high: int | None = None
        self._high_start = 0
        # scalar candidates (string / number / literal being read)
        self._scal: list[_Cand] = []
        self._num: list[str] = []
        self._num_len = 0
        self._num_state = _N_START
        self._scal_loc: Location = ()
        self._key_alive: list[str] | None = None
        self._lit = ""
        self._lit_i = 0
        self._lit_value: Any = None
        self._value_start = 0

    # -- public ------------------------------------------------------------------------
    @property
    def complete(self) -> bool:
        """True once the top-level value has been read in full."""
        return self._state == _END

    @property
    def depth(self) -> int:
        return len(self._stack)

    def feed(self, chunk: str) -> None:
        """Read the next piece of text."""
        i = 0
        n = len(chunk)
        base = self.pos
        while i < n:
            st = self._state
            if st == _STR:
                m = _STR_RUN.match(chunk, i)
                j = m.end()
                if j > i:
                    self._str_text(chunk, i, j)
                    i = j
                    if i >= n:
                        break
                c = chunk[i]
                if c == '"':
                    i += 1
                    self.pos = base + i
                    self._end_string()
                elif c == "\\":
                    self._esc_start = base + i
                    self._state = _ESCAPE
                    i += 1
                else:
                    raise DecodeError("control character in a string", base + i,
                                      self._here())
                continue
            c = chunk[i]
            if st == _ESCAPE:
                if c == "u":
                    self._uni = ""
                    self._state = _UNI
                elif c in _ESC:
                    self._str_char(_ESC[c])
                    self._state = _STR
                else:
                    raise DecodeError(f"invalid escape '\\{c}' in a string", base + i, self._here())
                i += 1
                continue
            if st == _UNI:
                if c not in _HEX:
                    raise DecodeError("invalid \\u escape in a string", base + i, self._here())
                self._uni += c
                i += 1
                if len(self._uni) == 4:
                    self.pos = base + i
                    self._unicode(int(self._uni, 16))
                continue
            if st == _NUM:
                if c in _NUM_CHARS:
                    self._num_char(c, base + i)
                    i += 1
                    continue
                self.pos = base + i
                self._end_number()
                continue  # re-read c in the state after the value
            if st == _LIT:
                if c != self._lit[self._lit_i]:
                    raise DecodeError(f"invalid literal, expected {self._lit!r}", base + i,
                                      self._here())
                self._lit_i += 1
                i += 1
                if self._lit_i == len(self._lit):
                    self.pos = base + i
                    self._end_literal()
                continue
            if c in " \t\n\r":
                i = _WS.match(chunk, i).end()
                continue
            self.pos = base + i
            if st == _VALUE or st == _ARR_FIRST:
                if st == _ARR_FIRST and c == "]":
                    i += 1
                    self.pos = base + i
                    self._close(False)
                    continue
                self._start_value(c, base + i)
                i += 1
            elif st == _OBJ_FIRST or st == _OBJ_KEY:
                if c == '"':
                    self._start_key(base + i)
                elif c == "}" and st == _OBJ_FIRST:
                    self.pos = base + i + 1
                    self._close(True)
                else:
                    raise DecodeError("expected a property name in double quotes", base + i,
                                      self._here())
                i += 1
            elif st == _COLON:
                if c != ":":
                    raise DecodeError("expected ':' after a property name", base + i,
                                      self._here())
                self._state = _VALUE
                i += 1
            elif st == _AFTER:
                top = self._stack[-1]
                if c == ",":
                    self._state = _OBJ_KEY if top.is_obj else _VALUE
                elif c == ("}" if top.is_obj else "]"):
                    self.pos = base + i + 1
                    self._close(top.is_obj)
                else:
                    raise DecodeError(
                        f"expected ',' or '{'}' if top.is_obj else ']'}'", base + i, self._here())
                i += 1
            elif st == _END:
                raise DecodeError("extra data after the JSON value", base + i)
            else:  # pragma: no cover - every state is handled above
                raise AssertionError(st)
        self.pos = base + n

    def finish(self) -> None:
        """The text has ended: raise ``DecodeError`` unless one whole value was read."""
        if self._state == _NUM and self._num_state in _N_ACCEPT and not self._stack:
            self._end_number()
        if self._state != _END:
            raise DecodeError("the JSON text is truncated", self.pos, self._here())

    def closing(self) -> tuple[int, str] | None:
        """How to turn the text read so far into complete JSON: ``text[:cut] + suffix``, or
        None when nothing usable was read yet."""
        st = self._state
        if st == _END:
            return self.pos, ""
        if not self._stack:
            if st in (_STR, _ESCAPE, _UNI) and not self._is_key:
                return self._string_cut(), '"'
            if st == _NUM and self._num_state in _N_ACCEPT:
                return self.pos, ""
            return None
        closers = "".join("}" if f.is_obj else "]" for f in reversed(self._stack))
        top = self._stack[-1]
        if st in (_AFTER, _OBJ_FIRST, _ARR_FIRST):
            return self.pos, closers
        if st in (_STR, _ESCAPE, _UNI) and not self._is_key:
            return self._string_cut(), '"' + closers
        if st == _NUM and self._num_state in _N_ACCEPT:
            return self.pos, closers
        return top.safe, closers

    # -- strings -----------------------------------------------------------------------
    def _string_cut(self) -> int:
        if self._state in (_ESCAPE, _UNI):
            return self._high_start if self._high is not None else self._esc_start
        return self._high_start if self._high is not None else self.pos

    def _start_key(self, pos: int) -> None:
        self._state = _STR
        self._is_key = True
        self._acc = []
        self._acc_len = 0
        self._acc_cap = self._schema.key_cap
        self._overflow = False
        self._str_len = 0
        self._high = None
        self._str_start = pos
        top = self._stack[-1]
        if all(c.leaf.closed for c in top.cands):
            names: dict[str, None] = {}
            for c in top.cands:
                names.update(dict.fromkeys(c.leaf.props))
            self._key_alive: list[str] | None = list(names)
        else:
            self._key_alive = None

    def _str_text(self, chunk: str, i: int, j: int) -> None:
        if self._high is not None:
            self._lone_high()
        self._str_len += j - i
        acc = self._acc
        if acc is not None:
            room = self._acc_cap - self._acc_len
            if room <= 0:
                self._overflow = True
                return
            piece = chunk[i:min(j, i + room)]
            if j - i > room:
                self._overflow = True
            self._add(piece)

    def _str_char(self, ch: str) -> None:
        if self._high is not None:
            self._lone_high()
        self._str_len += 1
        if self._acc is not None:
            if self._acc_len >= self._acc_cap:
                self._overflow = True
            else:
                self._add(ch)

    def _unicode(self, code: int) -> None:
        self._state = _STR
        if self._high is not None:
            high = self._high
            self._high = None
            if 0xDC00 <= code <= 0xDFFF:
                self._str_char(chr(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)))
                return
            raise DecodeError("lone surrogate in a string", self.pos, self._here())
        if 0xD800 <= code <= 0xDBFF:
            self._high = code
            self._high_start = self._esc_start
            return
        if 0xDC00 <= code <= 0xDFFF:
            raise DecodeError("lone surrogate in a string", self.pos, self._here())
        self._str_char(chr(code))

    def _lone_high(self) -> None:
        raise DecodeError("lone surrogate in a string", self.pos, self._here())

    def _add(self, piece: str) -> None:
        """Append to the buffered string; for values, drop enum members it no longer starts."""
        assert self._acc is not None
        offset = self._acc_len
        self._acc.append(piece)
        self._acc_len += len(piece)
        if self._is_key:
            alive = self._key_alive
            if alive is not None:
                alive = self._key_alive = [k for k in alive if k.startswith(piece, offset)]
                if not alive:
                    top = self._stack[-1]
                    raise _fail(top.loc, "additionalProperties",
                                "Additional properties are not allowed (no property name "
                                f"starts with {self._acc_value()!r})")
            return
        dead = False
        for c in self._scal:
            if c.alive is not None:
                c.alive = [m for m in c.alive if m.startswith(piece, offset)]
                if not c.alive:
                    dead = True
        if dead:
            self._prune_scalars(self._acc_value(), prefix=True)

    def _acc_value(self) -> str:
        assert self._acc is not None
        if len(self._acc) > 1:
            self._acc[:] = ["".join(self._acc)]
        return self._acc[0] if self._acc else ""

    def _end_string(self) -> None:
        if self._high is not None:
            self._lone_high()
        if self._is_key:
            key = self._acc_value()
            self._acc = None
            self._key(key, self._overflow)
            self._state = _COLON
            return
        text = self._acc_value() if self._acc is not None and not self._overflow else None
        self._acc = None
        survivors = []
        err: tuple[str, str] | None = None
        for c in self._scal:
            problem = self._check_string(c, text)
            if problem is None:
                survivors.append(c)
            elif err is None:
                err = problem
        self._scalar_done(survivors, err)

    def _check_string(self, c: _Cand, text: str | None) -> tuple[str, str] | None:
        leaf = c.leaf
        n = self._str_len
        if c.alive is not None:
            if text is None:
                return "enum", "string is not one of the enum values"
            if not any(m == text for m in c.alive):
                return "enum", f"{text!r} is not one of {_short(leaf.enum)}"
        if leaf.max_len is not None and n > leaf.max_len:
            return "maxLength", f"string of {n} characters is longer than {leaf.max_len}"
        if leaf.min_len is not None and n < leaf.min_len:
            return "minLength", f"string of {n} characters is shorter than {leaf.min_len}"
        return None

    # -- numbers and literals -------------------------------------------------------------
    def _num_char(self, c: str, pos: int) -> None:
        s = self._num_state
        d = c in _DIGIT
        if s == _N_START:
            ns = _N_SIGN if c == "-" else _N_ZERO if c == "0" else _N_INT if d else -1
        elif s == _N_SIGN:
            ns = _N_ZERO if c == "0" else _N_INT if d else -1
        elif s == _N_ZERO:
            ns = _N_DOT if c == "." else _N_E if c in "eE" else -1
        elif s == _N_INT:
            ns = _N_INT if d else _N_DOT if c == "." else _N_E if c in "eE" else -1
        elif s == _N_DOT or s == _N_FRAC:
            ns = _N_FRAC if d else (_N_E if c in "eE" and s == _N_FRAC else -1)
        elif s == _N_E:
            ns = _N_EXP if d else _N_ESIGN if c in "+-" else -1
        else:  # _N_ESIGN, _N_EXP
            ns = _N_EXP if d else -1
        if ns < 0:
            raise DecodeError(f"invalid number character {c!r}", pos, self._here())
        self._num_state = ns
        if self._num_len < _NUM_CAP:
            self._num.append(c)
        self._num_len += 1

    def _end_number(self) -> None:
        if self._num_state not in _N_ACCEPT:
            raise DecodeError("incomplete number", self.pos, self._here())
        text = "".join(self._num) if self._num_len <= _NUM_CAP else None
        survivors = []
        err: tuple[str, str] | None = None
        value = None
        if text is not None:
            try:
                value = Decimal(text)
            except InvalidOperation:  # pragma: no cover - the grammar was checked
                value = None
        for c in self._scal:
            problem = _check_number(c.leaf, value, text)
            if problem is None:
                survivors.append(c)
            elif err is None:
                err = problem
        self._scalar_done(survivors, err)

    def _end_literal(self) -> None:
        v = self._lit_value
        survivors = []
        err: tuple[str, str] | None = None
        for c in self._scal:
            leaf = c.leaf
            if leaf.enum is not None and not any(
                    e is v for e in leaf.enum if e is None or isinstance(e, bool)):
                if err is None:
                    err = ("enum", f"{self._lit} is not one of {_short(leaf.enum)}")
                continue
            survivors.append(c)
        self._scalar_done(survivors, err)

    # -- values ------------------------------------------------------------------------
    def _slot(self) -> tuple[Location, list[tuple[Any, int]]]:
        """Where the next value goes and the schemas it must match (with their owners)."""
        if not self._stack:
            return (), [(self._schema.root, 0)]
        top = self._stack[-1]
        if top.is_obj:
            assert isinstance(top.key, str)
            return top.loc + (top.key,), top.child
        index = top.count
        top.count += 1
        top.key = index
        out = []
        for i, c in enumerate(top.cands):
            leaf = c.leaf
            if leaf.max_items is not None and index >= leaf.max_items:
                continue
            sub = leaf.prefix_items[index] if index < len(leaf.prefix_items) else leaf.items
            out.append((sub, i))
        if not out:
            leaf = top.cands[0].leaf
            raise _fail(top.loc, "maxItems",
                        f"array has more than the maximum of {leaf.max_items} items")
        return top.loc + (index,), out

    def _start_value(self, c: str, pos: int) -> None:
        if c == "{":
            kind = "object"
        elif c == "[":
            kind = "array"
        elif c == '"':
            kind = "string"
        elif c in _NUM_START:
            kind = "number"
        elif c in _LITERALS:
            kind = "boolean" if c != "n" else "null"
        else:
            raise DecodeError(f"expected a JSON value, got {c!r}", pos, self._here())
        loc, slot = self._slot()
        merged: dict[int, _Cand] = {}
        err_leaf: _Leaf | None = None
        for schema, owner in slot:
            for leaf in self._schema.leaves(schema):
                if not leaf.allows(kind):
                    if err_leaf is None:
                        err_leaf = leaf
                    continue
                got = merged.get(id(leaf))
                if got is None:
                    merged[id(leaf)] = _Cand(leaf, {owner})
                else:
                    got.parents.add(owner)
        cands = list(merged.values())
        if not cands:
            if err_leaf is None:
                raise _fail(loc, "false", "no value is allowed here")
            expected = sorted(err_leaf.kinds or ())
            if err_leaf.why == "enum":
                raise _fail(loc, "enum", f"a {kind} is not one of {_short(err_leaf.enum)}")
            want = expected[0] if len(expected) == 1 else expected
            raise _fail(loc, "type", f"a {kind} is not of type {want!r}")
        self._value_start = pos
        if kind == "object" or kind == "array":
            if len(self._stack) >= MAX_DEPTH:
                raise DecodeError(f"nesting deeper than {MAX_DEPTH} levels", pos, loc)
            self._stack.append(_Frame(kind == "object", cands, loc, pos + 1))
            self._state = _OBJ_FIRST if kind == "object" else _ARR_FIRST
            return
        self._scal = cands
        self._scal_loc = loc
        if kind == "string":
            cap = 0
            for cand in cands:
                if cand.leaf.enum_strs is not None:
                    cand.alive = list(cand.leaf.enum_strs)
                    cap = max(cap, max((len(m) for m in cand.alive), default=0) + 1)
            self._state = _STR
            self._is_key = False
            self._acc = [] if cap else None
            self._acc_len = 0
            self._acc_cap = cap
            self._overflow = False
            self._str_len = 0
            self._high = None
            self._str_start = pos
        elif kind == "number":
            self._state = _NUM
            self._num = []
            self._num_len = 0
            self._num_state = _N_START
            self._num_char(c, pos)
        else:
            self._state = _LIT
            self._lit, self._lit_value = _LITERALS[c]
            self._lit_i = 1

    def _prune_scalars(self, text: str, *, prefix: bool) -> None:
        survivors = [c for c in self._scal if c.alive is None or c.alive]
        if survivors:
            self._scal = survivors
            return
        leaf = self._scal[0].leaf
        raise _fail(self._scal_loc, "enum",
                    f"{text!r}... cannot become one of {_short(leaf.enum)}")

    def _scalar_done(self, survivors: list[_Cand], err: tuple[str, str] | None) -> None:
        if not survivors:
            kw, msg = err or ("type", "value does not match")
            raise _fail(self._scal_loc, kw, msg)
        self._scal = []
        self._value_done(survivors)

    def _value_done(self, survivors: list[_Cand]) -> None:
        """A value was read in full; keep the owners of the candidates it still matches."""
        if not self._stack:
            self._state = _END
            return
        top = self._stack[-1]
        owners: set[int] = set()
        for c in survivors:
            owners |= c.parents
        if len(owners) != len(top.cands):
            top.cands = [c for i, c in enumerate(top.cands) if i in owners]
        top.safe = self.pos
        self._state = _AFTER

    def _key(self, key: str, overflow: bool) -> None:
        top = self._stack[-1]
        top.count += 1
        if not overflow:
            if key in top.seen:
                raise DecodeError(f"duplicate object key {key!r}", self.pos, top.loc)
            top.seen.add(key)
        top.key = key
        kept: list[_Cand] = []
        child: list[tuple[Any, int]] = []
        for c in top.cands:
            leaf = c.leaf
            if leaf.max_props is not None and top.count > leaf.max_props:
                continue
            if not overflow and key in leaf.props:
                sub = leaf.props[key]
            elif leaf.closed:
                continue
            else:
                sub = leaf.additional
            child.append((sub, len(kept)))
            kept.append(c)
        if not kept:
            leaf = top.cands[0].leaf
            if leaf.max_props is not None and top.count > leaf.max_props:
                raise _fail(top.loc, "maxProperties",
                            f"object has more than the maximum of {leaf.max_props} properties")
            shown = key if not overflow else key + "..."
            raise _fail(top.loc, "additionalProperties",
                        f"Additional properties are not allowed ({shown!r} was unexpected)")
        top.cands = kept
        top.child = child

    def _close(self, is_obj: bool) -> None:
        top = self._stack[-1]
        survivors = []
        err: tuple[str, str] | None = None
        for c in top.cands:
            leaf = c.leaf
            problem: tuple[str, str] | None = None
            if is_obj:
                missing = [r for r in leaf.required if r not in top.seen]
                if missing:
                    problem = ("required", f"{missing[0]!r} is a required property")
                elif leaf.min_props is not None and top.count < leaf.min_props:
                    problem = ("minProperties",
                               f"object has fewer than the minimum of {leaf.min_props} properties")
            elif leaf.min_items is not None and top.count < leaf.min_items:
                problem = ("minItems",
                           f"array has {top.count} items, fewer than the minimum of {leaf.min_items}")
            if problem is None:
                survivors.append(c)
            elif err is None:
                err = problem
        if not survivors:
            assert err is not None
            raise _fail(top.loc, *err)
        self._stack.pop()
        self._value_done(survivors)

    def _here(self) -> Location:
        if not self._stack:
            return ()
        top = self._stack[-1]
        if top.key is not None and self._state not in (_OBJ_KEY, _OBJ_FIRST, _ARR_FIRST):
            return top.loc + (top.key,)
        return top.loc


def _check_number(leaf: _Leaf, value: Decimal | None, text: str | None) -> tuple[str, str] | None:
    if value is None:  # longer than the buffer: left to the final validation
        return None
    kinds = leaf.kinds
    if kinds is not None and "number" not in kinds:
        try:
            integral = value == value.to_integral_value()
        except InvalidOperation:
            integral = True  # huge exponents: leave it to the final validation
        if not integral:
            return "type", f"{text} is not of type 'integer'"
    if leaf.enum is not None:
        ok = False
        for e in leaf.enum:
            if isinstance(e, (int, float)) and not isinstance(e, bool):
                d = _dec(e)
                if d is not None and d == value:
                    ok = True
                    break
        if not ok:
            return "enum", f"{text} is not one of {_short(leaf.enum)}"
    for kw, bound in leaf.num_bounds:
        if ((kw == "minimum" and value < bound) or (kw == "maximum" and value > bound)
                or (kw == "exclusiveMinimum" and value <= bound)
                or (kw == "exclusiveMaximum" and value >= bound)):
            rel = {"minimum": "less than the minimum of",
                   "maximum": "greater than the maximum of",
                   "exclusiveMinimum": "less than or equal to the minimum of",
                   "exclusiveMaximum": "greater than or equal to the maximum of"}[kw]
            return kw, f"{text} is {rel} {bound}"
    m = leaf.multiple_of
    if m is not None and abs(value.adjusted()) < 400:
        try:
            if (Fraction(value) / Fraction(m)).denominator != 1:
                return "multipleOf", f"{text} is not a multiple of {m}"
        except (ArithmeticError, ValueError):
            pass
    return None


def _short(x: Any, limit: int = 60) -> str:
    text = repr(x)
    return text if len(text) <= limit else text[:limit - 3] + "..."
