"""The validator compiler: a JSON Schema -> Python source (one function per ``$ref`` target
and per applicator branch, everything else inlined), ``exec``-ed once."""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

from ._errors import RefResolutionError
from ._formats import FAST_ACCEPT
from ._json import count_strings
from ._paths import Location
from ._vruntime import (
    _ANNOTATIONS,
    _BASIC,
    _FORMATS,
    _M,
    _STRUCTURAL,
    _base,
    _Ctx,
    _Enum,
    _isint,
    _isint4,
    _isnum,
    _json_eq,
    _multiple,
    _unique,
    _Unsupported,
)

# -- the compiler: schema -> Python source --------------------------------------------------

MAX_INLINE_DEPTH = 6
"""Nested blocks inlined in one generated function before a child gets its own."""


class _Line(NamedTuple):
    """One generated statement: ``text`` at indent ``ind``, and what it does where later
    passes rewrite code: ``count`` the term of ``n += term``; ``read`` the source of a plain
    read ``var = source``; ``push`` the value a walker puts on its stack; ``nullable`` the
    variable (a string or ``None``) whose string adds one to ``n``."""

    ind: int
    text: str
    count: str | None = None
    read: str | None = None
    push: str | None = None
    nullable: str | None = None
    counts: bool = False
    """Whether it changes ``n`` (every ``count`` and ``nullable`` line does)."""


class _Code:
    """The statements of one generated function, as ``_Line`` data until rendered (the
    typed path rewrites code by what its lines do, see ``_Line``)."""

    __slots__ = ("lines", "nvar")

    def __init__(self) -> None:
        self.lines: list[_Line] = []
        self.nvar = 0

    def var(self, prefix: str = "v") -> str:
        self.nvar += 1
        return f"{prefix}{self.nvar}"

    def add(self, ind: int, text: str) -> None:
        self.lines.append(_Line(ind, text))

    def count(self, ind: int, term: str) -> None:
        self.lines.append(_Line(ind, f"n += {term}", count=term, counts=True))

    def count_strings(self, ind: int, x: str, nullable: bool) -> None:
        """One string when ``x`` is a string (``nullable``: else it is ``None``)."""
        self.lines.append(_Line(ind, f"if type({x}) is str: n += 1",
                                nullable=x if nullable else None, counts=True))

    def read(self, ind: int, var: str, source: str) -> None:
        self.lines.append(_Line(ind, f"{var} = {source}", read=source))

    def push(self, ind: int, value: str) -> None:
        self.lines.append(_Line(ind, f"st.append({value})", push=value))

    def mark(self) -> int:
        return len(self.lines)

    def render(self, indent: int = 0) -> str:
        """The source, every line ``indent`` levels deeper than written."""
        return "\n".join("    " * (line.ind + indent) + line.text for line in self.lines)


_FAIL = "return -1"


def _py(value: Any) -> str:
    return repr(value)


class _Compiler:
    """Generates one module of functions ``f<N>(x) -> int`` (``-1`` invalid; in counting mode
    the number of strings in ``x``, keys included; else ``0``)."""

    def __init__(self, ctx: _Ctx, json_only: bool = False) -> None:
        self.ctx = ctx
        self.json = json_only
        """Instances are decoder output (exact ``dict``/``list``/``str``/``int``/``float``/
        ``bool``/``None``): no checks for subclasses or other number types."""
        self.ns: dict[str, Any] = {
            "_M": _M, "_isnum": _isnum, "_isint": _isint, "_isint4": _isint4,
            "_count": count_strings, "_unique": _unique, "_multiple": _multiple,
            "_json_eq": _json_eq, "_islice": itertools.islice, "_inf": float("inf"),
            "_is_str": lambda v: type(v) is str, "_neg": lambda v: -1,
        }
        self.consts: dict[Any, str] = {}
        self.funcs: dict[tuple, str] = {}
        self.pending: list[tuple[str, Any, Any, bool, Location, bool]] = []
        self.keep: list[Any] = []
        self.source_lines: list[str] = []
        self.lazy: list[tuple[str, str]] = []
        self.lazy_names: set[str] = set()
        self.tables: list[tuple[str, dict[str, str]]] = []
        """Dispatch tables (value -> function name) filled in once the functions exist."""

    # names ---------------------------------------------------------------------------
    def const(self, value: Any, prefix: str = "c") -> str:
        key = (prefix, id(value)) if not isinstance(value, (str, int, float)) else (
            prefix, type(value), value)
        name = self.consts.get(key)
        if name is None:
            name = f"_{prefix}{len(self.consts)}"
            self.consts[key] = name
            self.ns[name] = value
            self.keep.append(value)
        return name

    def function(self, s: Any, res: Any, count: bool, sloc: Location,
                 entered: bool = False) -> str:
        """The generated function for ``s``; ``entered`` when ``res`` already is the scope of
        ``s`` (a ``$ref`` target, whose lookup applied its ``$id``)."""
        key = (id(s), _base(res), count, entered)
        name = self.funcs.get(key)
        if name is None:
            name = f"f{len(self.funcs)}"
            self.funcs[key] = name
            self.keep.append(s)
            self.pending.append((name, s, res, count, sloc, entered))
        return name

    def flush(self) -> None:
        out: list[str] = []
        while self.pending:
            name, s, res, count, sloc, entered = self.pending.pop()
            fn = _Code()
            if count:
                fn.add(1, "n = 0")
            self.node(fn, s, "x", res, sloc, 1, count, 0, entered)
            fn.add(1, "return n" if count else "return 0")
            out.append(f"def {name}(x):")
            out.append(fn.render())
            out.append("")
        for wrapper, name in self.lazy:
            out.append(f"def {wrapper}(x):")
            out.append(f"    return {name}(x) >= 0")
            out.append("")
        self.lazy = []
        if out:
            text = "\n".join(out)
            self.source_lines.extend(out)
            exec(compile(text, "<strictschema validator>", "exec"), self.ns)  # noqa: S102
        for name, mapping in self.tables:
            self.ns[name].update({v: self.ns[f] for v, f in mapping.items()})
        self.tables = []

    # nodes ---------------------------------------------------------------------------
    def child(self, fn: _Code, s: Any, x: str, res: Any, sloc: Location, ind: int, count: bool,
              depth: int) -> None:
        """Inline ``s`` on ``x`` if shallow enough, else call a function for it."""
        if depth >= MAX_INLINE_DEPTH and isinstance(s, dict) and not _leaf(s):
            name = self.function(s, res, count, sloc)
            r = fn.var("r")
            fn.add(ind, f"{r} = {name}({x})")
            fn.add(ind, f"if {r} < 0: {_FAIL}")
            if count:
                fn.add(ind, f"n += {r}")
            return
        self.node(fn, s, x, res, sloc, ind, count, depth)

    def call(self, fn: _Code, s: Any, x: str, res: Any, sloc: Location, count: bool) -> str:
        """A function call expression evaluating ``s`` on ``x``."""
        return f"{self.function(s, res, count, sloc)}({x})"

    def node(self, fn: _Code, s: Any, x: str, res: Any, sloc: Location, ind: int, count: bool,
             depth: int, entered: bool = False) -> None:
        ctx = self.ctx
        if s is True or (isinstance(s, dict) and not s):
            if count:
                fn.add(ind, f"n += _count({x})")
            return
        if s is False:
            fn.add(ind, _FAIL)
            return
        if not isinstance(s, dict):
            raise _Unsupported("schema is not an object")
        ctx.check(s)
        if not entered:
            res = ctx.enter(s, res)
        kw = ctx.keywords
        if ctx.legacy and "$ref" in s:
            self.ref(fn, s["$ref"], x, res, (*sloc, "$ref"), ind, count, depth)
            return
        # who counts x: the node itself, or one applicator that covers it entirely
        own = count and (any(k in s and k in kw for k in _STRUCTURAL) or not any(
            k in s for k in ("$ref", "allOf", "anyOf", "oneOf")))
        delegate = None
        if count and not own:
            delegate = next(k for k in ("$ref", "allOf", "anyOf", "oneOf") if k in s)
        self.typed(fn, s, x, res, sloc, ind, own, depth)
        if "$ref" in s:
            self.ref(fn, s["$ref"], x, res, (*sloc, "$ref"), ind, delegate == "$ref", depth)
        if "allOf" in s:
            for i, sub in enumerate(s["allOf"]):
                self.child(fn, sub, x, res, (*sloc, "allOf", i), ind,
                           delegate == "allOf" and i == 0, depth + 1)
        if "anyOf" in s:
            self.any_of(fn, s["anyOf"], x, res, (*sloc, "anyOf"), ind, delegate == "anyOf")
        if "oneOf" in s:
            self.one_of(fn, s["oneOf"], x, res, (*sloc, "oneOf"), ind, delegate == "oneOf")
        if "not" in s:
            fn.add(ind, f"if {self.call(fn, s['not'], x, res, (*sloc, 'not'), False)} >= 0: "
                        f"{_FAIL}")
        if "if" in s and "if" in kw and ("then" in s or "else" in s):
            cond = self.call(fn, s["if"], x, res, (*sloc, "if"), False)
            fn.add(ind, f"if {cond} >= 0:")
            if "then" in s:
                self.child(fn, s["then"], x, res, (*sloc, "then"), ind + 1, False, depth + 1)
            fn.add(ind + 1, "pass")
            if "else" in s:
                fn.add(ind, "else:")
                self.child(fn, s["else"], x, res, (*sloc, "else"), ind + 1, False, depth + 1)
                fn.add(ind + 1, "pass")

    def ref(self, fn: _Code, ref: Any, x: str, res: Any, sloc: Location, ind: int,
            count: bool, depth: int = MAX_INLINE_DEPTH) -> None:
        try:
            target, tres = self.ctx.lookup(ref, res, sloc)
        except RefResolutionError as exc:
            fn.add(ind, f"raise {self.const(exc, 'err')}")
            return
        if self.json and depth < MAX_INLINE_DEPTH and _inlinable(target):
            self.node(fn, target, x, tres, sloc, ind, count, depth + 1, True)
            fn.add(ind, "pass")
            return
        r = fn.var("r")
        fn.add(ind, f"{r} = {self.function(target, tres, count, sloc, True)}({x})")
        fn.add(ind, f"if {r} < 0: {_FAIL}")
        if count:
            fn.add(ind, f"n += {r}")

    def leaf_expr(self, s: Any, v: str) -> str | None:
        """A boolean expression for a scalar-only schema (no applicators), or None."""
        if s is True or s == {}:
            return "True"
        if s is False:
            return "False"
        if not isinstance(s, dict):
            return None
        kw = self.ctx.keywords
        keys = {k for k in s if k in kw or k.startswith("$") and k not in (
            "$schema", "$comment", "$id", "$anchor", "$defs", "$dynamicAnchor")}
        if keys - {"type", "enum", "const", "minLength", "maxLength", "pattern", "format",
                   "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
            return None
        t = s.get("type")
        tset = {t} if isinstance(t, str) else (set(t) if isinstance(t, list) else None)
        if tset is not None and tset & {"object", "array"}:
            return None
        if tset is not None and "number" in tset:
            tset.add("integer")
        str_kw = keys & {"minLength", "maxLength", "pattern", "format"}
        num_kw = keys & {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
        if str_kw and tset != {"string"}:
            return None
        if num_kw and (tset is None or not tset <= {"number", "integer"}):
            return None
        parts = []
        if tset is not None:
            parts.append(f"({self.type_expr(v, tset)})")
        if "enum" in s:
            values = s["enum"]
            if any(isinstance(e, (list, dict)) for e in values):
                return None
            if values and all(type(e) is str for e in values):
                parts.append(f"{self.is_str(v)} and {v} in "
                             f"{self.const(frozenset(values), 'e')}")
            else:
                parts.append(f"{v} in {self.const(_Enum(list(values)), 'e')}")
        if "const" in s and "const" in kw:
            c = s["const"]
            if isinstance(c, (list, dict)):
                return None
            parts.append(f"_json_eq({v}, {self.const(c, 'k')})")
        mn, mx = s.get("minLength"), s.get("maxLength")
        if isinstance(mn, int) and mn > 0:
            parts.append(f"len({v}) >= {mn}")
        if isinstance(mx, int):
            parts.append(f"len({v}) <= {mx}")
        if "pattern" in s:
            try:
                parts.append(self.pattern_test(s["pattern"], v))
            except ValueError:
                return None
        f = s.get("format")
        if "format" in keys and f in _FORMATS:
            parts.append(self.format_test(f, v))
        lo, elo, hi, ehi = self.ctx.exclusive(s)
        for bound, op in ((lo, ">="), (elo, ">"), (hi, "<="), (ehi, "<")):
            if isinstance(bound, bool) or (bound is not None and not isinstance(
                    bound, (int, float))):
                return None
            if bound is not None:
                parts.append(f"{v} {op} {_py(bound)}")
        return " and ".join(parts) if parts else "True"

    def any_of(self, fn: _Code, subs: list, x: str, res: Any, sloc: Location, ind: int,
               count: bool) -> None:
        exprs = [self.leaf_expr(sub, x) for sub in subs]
        if all(e is not None for e in exprs):
            fn.add(ind, f"if not ({' or '.join(f'({e})' for e in exprs)}): {_FAIL}")
            if count:
                fn.add(ind, f"if type({x}) is str: n += 1" if all(_scalar_only(b) for b in subs)
                       else f"n += _count({x})")
            return
        if self.json and self.dispatch(fn, subs, x, res, sloc, ind, count):
            return
        r = fn.var("r")
        for i, sub in enumerate(subs):
            target, tres, entered = self.follow(sub, res)
            name = self.function(target, tres, count, (*sloc, i), entered)
            guard = self.guard(target, tres, x, fn) if self.json else None
            if i == 0:
                if guard is None:
                    fn.add(ind, f"{r} = {name}({x})")
                else:
                    fn.add(ind, f"{r} = {name}({x}) if {guard} else -1")
            elif guard is None:
                fn.add(ind, f"if {r} < 0: {r} = {name}({x})")
            else:
                fn.add(ind, f"if {r} < 0 and {guard}: {r} = {name}({x})")
        fn.add(ind, f"if {r} < 0: {_FAIL}")
        if count:
            fn.add(ind, f"n += {r}")

    def dispatch(self, fn: _Code, subs: list, x: str, res: Any, sloc: Location, ind: int,
                 count: bool) -> bool:
        """An ``anyOf`` of closed objects told apart by one property's string ``enum`` /
        ``const`` (disjoint between branches): look the branch up by that value. Emits
        the code and returns True, or returns False when the branches are not like that."""
        shapes = []
        for i, sub in enumerate(subs):
            target, tres, entered = self.follow(sub, res)
            tags = self.tags(target)
            if not tags:
                return False
            shapes.append((target, tres, entered, i, tags))
        common = set.intersection(*(set(t) for *_, t in shapes))
        for key in sorted(common):
            seen: set[str] = set()
            table: dict[str, tuple] = {}
            for target, tres, entered, i, tags in shapes:
                values = tags[key]
                if seen & values:
                    break
                seen |= values
                for v in values:
                    table[v] = (target, tres, entered, i)
            else:
                mapping = {v: self.function(t, tr, count, (*sloc, i), e)
                           for v, (t, tr, e, i) in table.items()}
                name = f"_d{len(self.consts)}"
                self.consts[(name,)] = name
                self.ns[name] = {}
                self.tables.append((name, mapping))
                r, w = fn.var("r"), fn.var("w")
                fn.add(ind, f"if type({x}) is dict and type({w} := {x}.get({_py(key)})) is str:")
                fn.add(ind + 1, f"{r} = {name}.get({w}, _neg)({x})")
                fn.add(ind, "else:")
                fn.add(ind + 1, f"{r} = -1")
                fn.add(ind, f"if {r} < 0: {_FAIL}")
                if count:
                    fn.add(ind, f"n += {r}")
                return True
        return False

    def tags(self, s: Any) -> dict[str, set[str]]:
        """For an object closed by ``additionalProperties: false`` with every property
        required: the properties whose value must be one of a set of strings."""
        if not isinstance(s, dict) or s.get("type") != "object" or (
                self.ctx.legacy and "$ref" in s):
            return {}
        props, req = s.get("properties"), s.get("required")
        if (s.get("additionalProperties") is not False or "patternProperties" in s
                or not isinstance(props, dict) or not props or not isinstance(req, list)
                or set(req) != set(props)):
            return {}
        out = {}
        for k, sub in props.items():
            if not isinstance(sub, dict):
                continue
            if "const" in sub and "const" in self.ctx.keywords:
                if type(sub["const"]) is str:
                    out[k] = {sub["const"]}
                continue
            values = sub.get("enum")
            if isinstance(values, list) and values and all(type(v) is str for v in values):
                out[k] = set(values)
        return out

    def follow(self, s: Any, res: Any) -> tuple[Any, Any, bool]:
        """``s`` with ``$ref``-only wrappers followed: ``(schema, scope, entered)``."""
        entered = False
        for _ in range(8):
            if not (isinstance(s, dict) and "$ref" in s and set(s) - _ANNOTATIONS == {"$ref"}):
                break
            try:
                s, res = self.ctx.lookup(s["$ref"], res, ())
            except RefResolutionError:
                break
            entered = True
        return s, res, entered

    def guard(self, s: Any, res: Any, x: str, fn: _Code) -> str | None:
        """A cheap condition every instance valid under ``s`` meets (so a branch of an
        ``anyOf`` whose guard fails need not be tried): for an object closed by
        ``additionalProperties: false`` with every property required, its key count, and
        the string ``enum``/``const`` of one property; None when there is none."""
        if not isinstance(s, dict) or s.get("type") != "object" or (
                self.ctx.legacy and "$ref" in s):
            return None
        props, req = s.get("properties"), s.get("required")
        if (s.get("additionalProperties") is not False or "patternProperties" in s
                or not isinstance(props, dict) or not props or not isinstance(req, list)
                or set(req) != set(props)):
            return None
        parts = [f"type({x}) is dict", f"len({x}) == {len(props)}"]
        for k, sub in props.items():
            if not isinstance(sub, dict):
                continue
            if "const" in sub and "const" in self.ctx.keywords and type(sub["const"]) is str:
                parts.append(f"{x}.get({_py(k)}) == {_py(sub['const'])}")
                break
            values = sub.get("enum")
            if isinstance(values, list) and values and all(type(v) is str for v in values):
                w = fn.var("w")
                parts.append(f"type({w} := {x}.get({_py(k)})) is str and {w} in "
                             f"{self.const(frozenset(values), 'e')}")
                break
        return " and ".join(parts)

    def one_of(self, fn: _Code, subs: list, x: str, res: Any, sloc: Location, ind: int,
               count: bool) -> None:
        exprs = [self.leaf_expr(sub, x) for sub in subs]
        if all(e is not None for e in exprs):
            fn.add(ind, f"if ({' + '.join(f'bool({e})' for e in exprs)}) != 1: {_FAIL}")
            if count:
                fn.add(ind, f"if type({x}) is str: n += 1" if all(_scalar_only(b) for b in subs)
                       else f"n += _count({x})")
            return
        names = [self.function(sub, res, count, (*sloc, i)) for i, sub in enumerate(subs)]
        r, m, g, keep = fn.var("r"), fn.var("m"), fn.var("g"), fn.var("k")
        fn.add(ind, f"{m} = 0")
        fn.add(ind, f"for {g} in ({', '.join(names)},):")
        fn.add(ind + 1, f"{r} = {g}({x})")
        fn.add(ind + 1, f"if {r} >= 0:")
        fn.add(ind + 2, f"if {m}: {_FAIL}")
        fn.add(ind + 2, f"{m} = 1")
        fn.add(ind + 2, f"{keep} = {r}")
        fn.add(ind, f"if not {m}: {_FAIL}")
        if count:
            fn.add(ind, f"n += {keep}")

    # type-specific keywords -------------------------------------------------------------
    def typed(self, fn: _Code, s: dict, x: str, res: Any, sloc: Location, ind: int,
              count: bool, depth: int) -> None:
        ctx = self.ctx
        kw = ctx.keywords
        types = s.get("type")
        if isinstance(types, str):
            types = [types]
        tset = set(types) if types is not None else None
        if tset is not None and "number" in tset:
            tset.add("integer")
        t = None
        if tset is not None:
            if tset == {"object"} and self.json:
                fn.add(ind, f"if type({x}) is not dict: {_FAIL}")
            elif tset == {"array"} and self.json:
                fn.add(ind, f"if type({x}) is not list: {_FAIL}")
            elif tset == {"object"}:
                fn.add(ind, f"if type({x}) is not dict:")
                fn.add(ind + 1, f"if not isinstance({x}, dict): {_FAIL}")
                fn.add(ind + 1, f"{x} = dict({x})")
            elif tset == {"array"}:
                fn.add(ind, f"if type({x}) is not list:")
                fn.add(ind + 1, f"if not isinstance({x}, list): {_FAIL}")
                fn.add(ind + 1, f"{x} = list({x})")
            elif not (tset == {"string"} and "enum" in s and s["enum"] and all(
                    type(v) is str for v in s["enum"])):
                fn.add(ind, f"if not ({self.type_expr(x, tset)}): {_FAIL}")
        if "enum" in s:
            values = s["enum"]
            if values and all(type(v) is str for v in values):
                e = self.const(frozenset(values), "e")
                fn.add(ind, f"if not ({self.is_str(x)} and {x} in {e}): {_FAIL}")
            else:
                e = self.const(_Enum(list(values)), "e")
                fn.add(ind, f"if {x} not in {e}: {_FAIL}")
        if "const" in s and "const" in kw:
            c = s["const"]
            if type(c) is str:
                fn.add(ind, f"if not ({x} == {_py(c)} and {self.is_str(x)}): {_FAIL}")
            elif c is None:
                fn.add(ind, f"if {x} is not None: {_FAIL}")
            elif type(c) is bool:
                fn.add(ind, f"if {x} is not {c}: {_FAIL}")
            else:
                fn.add(ind, f"if not _json_eq({x}, {self.const(c, 'k')}): {_FAIL}")

        def possible(name: str) -> bool:
            return tset is None or name in tset

        only = (lambda name: tset == {name} or (name == "number" and tset == {
            "number", "integer"}))
        need_t = sum(1 for n in ("string", "number", "object", "array") if possible(n)) > 1
        sections = []
        str_kw = [k for k in ("minLength", "maxLength", "pattern", "format") if k in s]
        if "format" in s and s["format"] not in _FORMATS:
            str_kw.remove("format")
        if possible("string") and (str_kw or count):
            sections.append("string")
        num_kw = [k for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                              "multipleOf") if k in s]
        if (possible("number") or possible("integer")) and num_kw:
            sections.append("number")
        obj_kw = [k for k in ("properties", "required", "additionalProperties",
                              "patternProperties", "minProperties", "maxProperties",
                              "propertyNames", "dependentRequired", "dependentSchemas",
                              "dependencies") if k in s and k in kw]
        if possible("object") and (obj_kw or count):
            sections.append("object")
        arr_kw = [k for k in ("items", "prefixItems", "additionalItems", "minItems",
                              "maxItems", "uniqueItems", "contains") if k in s and k in kw]
        if possible("array") and (arr_kw or count):
            sections.append("array")
        if need_t and len(sections) > 1:
            t = fn.var("t")
            fn.add(ind, f"{t} = type({x})")
        for sec in sections:
            if sec == "string":
                if only("string"):
                    self.string(fn, s, x, sloc, ind, count)
                else:
                    cond = f"{t} is str" if t else f"type({x}) is str"
                    fn.add(ind, f"if {cond}:" if self.json else
                           f"if {cond} or isinstance({x}, str):")
                    self.string(fn, s, x, sloc, ind + 1, count)
                    fn.add(ind + 1, "pass")
            elif sec == "number":
                if only("number") or only("integer"):
                    self.number(fn, s, x, ind)
                else:
                    tt = t or f"type({x})"
                    fn.add(ind, f"if {tt} is int or {tt} is float:" if self.json else
                           f"if {tt} is int or {tt} is float or _isnum({x}):")
                    self.number(fn, s, x, ind + 1)
                    fn.add(ind + 1, "pass")
            elif sec in ("object", "array"):
                walk, kind = (self.obj, "dict") if sec == "object" else (self.arr, "list")
                if only(sec):
                    walk(fn, s, x, res, sloc, ind, count, depth)
                else:
                    cond = f"{t} is {kind}" if t else f"type({x}) is {kind}"
                    if self.json:
                        fn.add(ind, f"if {cond}:")
                    else:
                        fn.add(ind, f"if {cond} or isinstance({x}, {kind}):")
                        fn.add(ind + 1, f"if type({x}) is not {kind}: {x} = {kind}({x})")
                    walk(fn, s, x, res, sloc, ind + 1, count, depth + 1)
                    fn.add(ind + 1, "pass")

    def type_expr(self, x: str, tset: set[str]) -> str:
        parts = []
        if "string" in tset:
            parts.append(f"type({x}) is str")
        if "integer" in tset and "number" not in tset:
            if self.ctx.draft4:
                parts.append(f"type({x}) is int")
            else:
                parts.append(f"type({x}) is int or (type({x}) is float and {x}.is_integer())")
        if "number" in tset:
            parts.append(f"type({x}) is float or type({x}) is int")
        if "boolean" in tset:
            parts.append(f"{x} is True or {x} is False")
        if "null" in tset:
            parts.append(f"{x} is None")
        if "object" in tset:
            parts.append(f"type({x}) is dict")
        if "array" in tset:
            parts.append(f"type({x}) is list")
        slow = []
        if "string" in tset:
            slow.append(f"isinstance({x}, str)")
        if "number" in tset:
            slow.append(f"_isnum({x})")
        elif "integer" in tset:
            slow.append(f"_isint4({x})" if self.ctx.draft4 else f"_isint({x})")
        if "object" in tset:
            slow.append(f"isinstance({x}, dict)")
        if "array" in tset:
            slow.append(f"isinstance({x}, list)")
        if slow and not self.json:
            parts.append(f"(type({x}) not in _BASIC and ({' or '.join(slow)}))")
            self.ns["_BASIC"] = _BASIC
        return " or ".join(parts) if parts else "False"

    def is_str(self, x: str) -> str:
        return f"type({x}) is str" if self.json else f"(type({x}) is str or isinstance({x}, str))"

    def string(self, fn: _Code, s: dict, x: str, sloc: Location, ind: int,
               count: bool) -> None:
        if count:
            fn.add(ind, "n += 1")
        mn, mx = s.get("minLength"), s.get("maxLength")
        if mn is not None or mx is not None:
            ln = fn.var("l")
            fn.add(ind, f"{ln} = len({x})")
            if mn is not None and mn > 0:
                fn.add(ind, f"if {ln} < {_py(mn)}: {_FAIL}")
            if mx is not None:
                fn.add(ind, f"if {ln} > {_py(mx)}: {_FAIL}")
        if "pattern" in s:
            try:
                test = self.pattern_test(s["pattern"], x)
            except ValueError as exc:
                err = _pattern_error(s["pattern"], exc, (*sloc, "pattern"))
                fn.add(ind, f"raise {self.const(err, 'err')}")
            else:
                fn.add(ind, f"if not {test}: {_FAIL}")
        f = s.get("format")
        if f in _FORMATS:
            fn.add(ind, f"if not {self.format_test(f, x)}: {_FAIL}")

    def format_test(self, name: str, v: str) -> str:
        """An expression truthy exactly when ``v`` (a string) is a valid ``name``."""
        check = self.const(_FORMATS[name], "fmt")
        fast = FAST_ACCEPT.get(name)
        if fast is None:
            return f"{check}({v})"
        return f"({self.const(fast, 'ff')}({v}) or {check}({v}))"

    def pattern_test(self, pattern: Any, v: str) -> str:
        """An expression truthy exactly when ``v`` (a string) matches ``pattern`` (a match
        object or a bool); ``ValueError`` for a pattern that cannot be compiled."""
        from ._regex import compile_pattern

        rx = compile_pattern(pattern)
        if rx.short is None:
            return f"{self.const(rx.search, 'rx')}({v})"
        find, limit = rx.short
        short = f"len({v}) <= {limit}" + (f" and {v}.isascii()" if rx.ascii else "")
        return (f"({self.const(find, 'rf')}({v}) if {short} "
                f"else {self.const(rx.search, 'rx')}({v}))")

    def number(self, fn: _Code, s: dict, x: str, ind: int) -> None:
        mn, emn, mx, emx = self.ctx.exclusive(s)
        conds = []
        if isinstance(mn, (int, float)) and not isinstance(mn, bool):
            conds.append(f"{x} < {_py(mn)}")
        if isinstance(emn, (int, float)) and not isinstance(emn, bool):
            conds.append(f"{x} <= {_py(emn)}")
        if isinstance(mx, (int, float)) and not isinstance(mx, bool):
            conds.append(f"{x} > {_py(mx)}")
        if isinstance(emx, (int, float)) and not isinstance(emx, bool):
            conds.append(f"{x} >= {_py(emx)}")
        if conds:
            fn.add(ind, f"if {' or '.join(conds)}: {_FAIL}")
        if "multipleOf" in s:
            m = s["multipleOf"]
            if type(m) is int:
                fn.add(ind, f"if not ({x} % {m} == 0 if type({x}) is int else "
                            f"_multiple({x}, {m})): {_FAIL}")
            else:
                fn.add(ind, f"if not _multiple({x}, {self.const(m, 'm')}): {_FAIL}")

    def obj(self, fn: _Code, s: dict, x: str, res: Any, sloc: Location, ind: int, count: bool,
            depth: int) -> None:
        kw = self.ctx.keywords
        props: dict = s.get("properties") or {} if "properties" in kw else {}
        required = [r for r in (s.get("required") or [])] if "required" in kw else []
        addl = s.get("additionalProperties", True)
        pats: dict = s.get("patternProperties") or {}
        structural = count and not pats and addl is not True and addl != {}
        own_count = count and structural
        if count and not structural:
            fn.add(ind, f"n += _count({x})")
        n_props = len(props)
        closed = (addl is False and not pats and props and set(required) == set(props)
                  and len(required) == len(set(required)))
        mnp, mxp = s.get("minProperties"), s.get("maxProperties")
        if closed:
            self.closed(fn, props, x, res, sloc, ind, own_count, depth)
        else:
            if own_count:
                fn.add(ind, f"n += len({x})")
            if required:
                req = list(dict.fromkeys(required))
                if len(req) == 1:
                    fn.add(ind, f"if {_py(req[0])} not in {x}: {_FAIL}")
                else:
                    fn.add(ind, f"if not {x}.keys() >= {self.const(frozenset(req), 'req')}: "
                                f"{_FAIL}")
            req_set = set(required)
            for k, sub in props.items():
                if sub is True or sub == {}:
                    if own_count:
                        fn.add(ind, f"if {_py(k)} in {x}: n += _count({x}[{_py(k)}])")
                    continue
                v = fn.var()
                if k in req_set:
                    fn.add(ind, f"{v} = {x}[{_py(k)}]")
                    self.child(fn, sub, v, res, (*sloc, "properties", k), ind, own_count,
                               depth + 1)
                else:
                    fn.add(ind, f"{v} = {x}.get({_py(k)}, _M)")
                    fn.add(ind, f"if {v} is not _M:")
                    self.child(fn, sub, v, res, (*sloc, "properties", k), ind + 1, own_count,
                               depth + 1)
                    fn.add(ind + 1, "pass")
            if addl is False and not pats:
                pset = self.const(frozenset(props), "p")
                fn.add(ind, f"if len({x}) > {n_props} or not {x}.keys() <= {pset}: {_FAIL}"
                       if props else f"if {x}: {_FAIL}")
            elif pats or (addl is not True and addl != {}):
                self.extra_keys(fn, s, props, pats, addl, x, res, sloc, ind, own_count, depth)
        if mnp is not None and mnp > 0:
            fn.add(ind, f"if len({x}) < {_py(mnp)}: {_FAIL}")
        if mxp is not None:
            fn.add(ind, f"if len({x}) > {_py(mxp)}: {_FAIL}")
        if "propertyNames" in s and "propertyNames" in kw:
            pn = s["propertyNames"]
            if pn is False:
                fn.add(ind, f"if {x}: {_FAIL}")
            elif pn is not True and pn != {}:
                k = fn.var("k")
                fn.add(ind, f"for {k} in {x}:")
                self.child(fn, pn, k, res, (*sloc, "propertyNames"), ind + 1, False,
                           depth + 2)
                fn.add(ind + 1, "pass")
        dep_req = dict(s.get("dependentRequired") or {}) if "dependentRequired" in kw else {}
        dep_sch = dict(s.get("dependentSchemas") or {}) if "dependentSchemas" in kw else {}
        if "dependencies" in kw:
            for k, d in (s.get("dependencies") or {}).items():
                if isinstance(d, list):
                    dep_req[k] = d
                else:
                    dep_sch[k] = d
        for k, names in dep_req.items():
            if names:
                fn.add(ind, f"if {_py(k)} in {x} and not {x}.keys() >= "
                            f"{self.const(frozenset(names), 'req')}: {_FAIL}")
        for k, sub in dep_sch.items():
            key = "dependentSchemas" if "dependentSchemas" in kw else "dependencies"
            fn.add(ind, f"if {_py(k)} in {x}:")
            self.child(fn, sub, x, res, (*sloc, key, k), ind + 1, False, depth + 1)
            fn.add(ind + 1, "pass")

    def closed(self, fn: _Code, props: dict, x: str, res: Any, sloc: Location, ind: int,
               count: bool, depth: int) -> None:
        """An object closed by ``additionalProperties: false`` with every property required:
        valid keys <=> ``len(x) == N`` and every property present."""
        n_props = len(props)
        fn.add(ind, f"if len({x}) != {n_props}: {_FAIL}")
        static = n_props if count else 0
        groups: dict[str, list[str]] = {}
        kinds: dict[str, tuple] = {}
        if n_props >= 12:
            for k, sub in props.items():
                kind = self.bulk_kind(sub)
                if kind is not None:
                    key = repr(kind)
                    groups.setdefault(key, []).append(k)
                    kinds[key] = kind
            groups = {g: ks for g, ks in groups.items() if len(ks) >= 3}
        in_group = {k for ks in groups.values() for k in ks}
        names = {k: fn.var() for k in props if k not in in_group}
        gnames = {g: fn.var("g") for g in groups}
        fn.add(ind, "try:")
        for k, v in names.items():
            fn.add(ind + 1, f"{v} = {x}[{_py(k)}]")
        for g, ks in groups.items():
            import operator

            fn.add(ind + 1, f"{gnames[g]} = {self.const(operator.itemgetter(*ks), 'ig')}({x})")
        fn.add(ind, f"except KeyError: {_FAIL}")
        for g, ks in groups.items():
            static += self.bulk(fn, kinds[g], props[ks[0]], gnames[g], len(ks), ind, count, res)
        for k, sub in props.items():
            if k in in_group:
                continue
            sub_count = count
            if count and isinstance(sub, dict) and sub.get("type") == "string" and not any(
                    a in sub for a in ("$ref", "allOf", "anyOf", "oneOf")):
                static += 1
                sub_count = False
            self.child(fn, sub, names[k], res, (*sloc, "properties", k), ind, sub_count,
                       depth + 1)
        if static:
            fn.add(ind, f"n += {static}")

    def bulk_kind(self, sub: Any) -> tuple | None:
        """Leaf schemas checked for many properties at once: (types, bounds)."""
        if not isinstance(sub, dict):
            return None
        kw = self.ctx.keywords
        keys = {k for k in sub if k in kw or k in ("$ref", "$dynamicRef", "$recursiveRef")}
        if keys - {"type", "anyOf", "minimum", "maximum", "exclusiveMinimum",
                   "exclusiveMaximum"}:
            return None
        t = sub.get("type")
        if "anyOf" in sub:
            if t is not None or len(keys) != 1:
                return None
            types: list[str] = []
            for b in sub["anyOf"]:
                if not (isinstance(b, dict) and set(b) == {"type"} and isinstance(
                        b["type"], str)):
                    return None
                types.append(b["type"])
        elif isinstance(t, str):
            types = [t]
        elif isinstance(t, list) and all(isinstance(v, str) for v in t):
            types = list(t)
        else:
            return None
        if not set(types) <= {"string", "boolean", "null", "number", "integer"}:
            return None
        bounds = tuple(self.ctx.exclusive(sub))
        if any(b is not None for b in bounds) and not set(types) <= {"number", "integer"}:
            return None
        if any(isinstance(b, bool) for b in bounds):
            return None
        return (tuple(sorted(set(types))), bounds)

    def bulk(self, fn: _Code, kind: tuple, sub: Any, g: str, size: int, ind: int,
             count: bool, res: Any) -> int:
        """Checks for a tuple ``g`` of values sharing one leaf schema; returns the static
        part of their string count."""
        types, (mn, emn, mx, emx) = kind
        py: set[type] = set()
        for t in types:
            py |= {"string": {str}, "boolean": {bool}, "null": {type(None)},
                   "number": {int, float}, "integer": {int}}[t]
        pred = self.leaf_fn(sub, res)
        fn.add(ind, f"if not {{*map(type, {g})}} <= {self.const(frozenset(py), 'ts')}:")
        fn.add(ind + 1, f"if not all(map({pred}, {g})): {_FAIL}")
        conds = []
        if mn is not None:
            conds.append(f"min({g}) < {_py(mn)}")
        if emn is not None:
            conds.append(f"min({g}) <= {_py(emn)}")
        if mx is not None:
            conds.append(f"max({g}) > {_py(mx)}")
        if emx is not None:
            conds.append(f"max({g}) >= {_py(emx)}")
        if conds:
            fn.add(ind, f"if {' or '.join(conds)}: {_FAIL}")
        if not count or "string" not in types:
            return 0
        if types == ("string",):
            return size
        fn.add(ind, f"n += sum(map(_is_str, {g}))")
        return 0

    def leaf_fn(self, sub: Any, res: Any) -> str:
        """A one-argument predicate for a leaf schema."""
        name = self.function(sub, res, False, ())
        wrapper = f"_pred_{name}"
        if wrapper not in self.lazy_names:
            self.lazy_names.add(wrapper)
            self.lazy.append((wrapper, name))
        return wrapper

    def extra_keys(self, fn: _Code, s: dict, props: dict, pats: dict, addl: Any, x: str,
                   res: Any, sloc: Location, ind: int, count: bool, depth: int) -> None:
        from ._regex import compile_pattern

        k, v = fn.var("k"), fn.var()
        fn.add(ind, f"for {k}, {v} in {x}.items():")
        inner = ind + 1
        if pats:
            matched = fn.var("mt")
            fn.add(inner, f"{matched} = {k} in {self.const(frozenset(props), 'p')}")
            for p, sub in pats.items():
                try:
                    rx = compile_pattern(p).search
                except ValueError as exc:
                    err = _pattern_error(p, exc, (*sloc, "patternProperties", p))
                    fn.add(inner, f"raise {self.const(err, 'err')}")
                    continue
                fn.add(inner, f"if {self.const(rx, 'rx')}({k}):")
                fn.add(inner + 1, f"{matched} = True")
                self.child(fn, sub, v, res, (*sloc, "patternProperties", p), inner + 1, False,
                           depth + 2)
            if addl is not True and addl != {}:
                fn.add(inner, f"if not {matched}:")
                self.child(fn, addl, v, res, (*sloc, "additionalProperties"), inner + 1, False,
                           depth + 2)
                fn.add(inner + 1, "pass")
        else:
            if props:
                fn.add(inner, f"if {k} in {self.const(frozenset(props), 'p')}: continue")
            self.child(fn, addl, v, res, (*sloc, "additionalProperties"), inner, count,
                       depth + 2)
            fn.add(inner, "pass")

    def arr(self, fn: _Code, s: dict, x: str, res: Any, sloc: Location, ind: int, count: bool,
            depth: int) -> None:
        kw = self.ctx.keywords
        mni, mxi = s.get("minItems"), s.get("maxItems")
        if mni is not None and mni > 0:
            fn.add(ind, f"if len({x}) < {_py(mni)}: {_FAIL}")
        if mxi is not None:
            fn.add(ind, f"if len({x}) > {_py(mxi)}: {_FAIL}")
        if self.ctx.tuple_items:
            items = s.get("items", True)
            if isinstance(items, list):
                prefix, rest = items, s.get("additionalItems", True)
                if "additionalItems" not in kw:
                    rest = True
            else:
                prefix, rest = [], items
            prefix_key, rest_key = "items", ("additionalItems" if isinstance(items, list)
                                             else "items")
        else:
            prefix = s.get("prefixItems") or []
            rest = s.get("items", True)
            prefix_key, rest_key = "prefixItems", "items"
        covered = rest is not True and rest != {}
        if count and not covered:
            fn.add(ind, f"n += _count({x})")
        sub_count = count and covered
        for i, sub in enumerate(prefix):
            if sub is True or sub == {}:
                if sub_count:
                    fn.add(ind, f"if len({x}) > {i}: n += _count({x}[{i}])")
                continue
            v = fn.var()
            fn.add(ind, f"if len({x}) > {i}:")
            fn.add(ind + 1, f"{v} = {x}[{i}]")
            self.child(fn, sub, v, res, (*sloc, prefix_key, i), ind + 1, sub_count, depth + 1)
        if rest is False:
            fn.add(ind, f"if len({x}) > {len(prefix)}: {_FAIL}")
        elif covered:
            v = fn.var()
            it = x if not prefix else f"_islice({x}, {len(prefix)}, None)"
            fn.add(ind, f"for {v} in {it}:")
            self.child(fn, rest, v, res, (*sloc, rest_key), ind + 1, sub_count, depth + 2)
            fn.add(ind + 1, "pass")
        if s.get("uniqueItems") is True:
            fn.add(ind, f"if len({x}) > 1 and not _unique({x}): {_FAIL}")
        if "contains" in s and "contains" in kw:
            c = s["contains"]
            mnc = s.get("minContains", 1) if "minContains" in kw else 1
            mxc = s.get("maxContains") if "maxContains" in kw else None
            call = self.call(fn, c, "__ITEM__", res, (*sloc, "contains"), False)
            v, m = fn.var(), fn.var("m")
            fn.add(ind, f"{m} = 0")
            fn.add(ind, f"for {v} in {x}:")
            fn.add(ind + 1, f"if {call.replace('__ITEM__', v)} >= 0:")
            fn.add(ind + 2, f"{m} += 1")
            if mxc is None:
                fn.add(ind + 2, f"if {m} >= {_py(mnc)}: break")
            if mxc is not None:
                fn.add(ind, f"if {m} > {_py(mxc)}: {_FAIL}")
            if mnc:
                fn.add(ind, f"if {m} < {_py(mnc)}: {_FAIL}")




def _scalar_only(s: Any) -> bool:
    """Whether every instance valid under ``s`` is a scalar (no object or array)."""
    if not isinstance(s, dict):
        return s is False
    t = s.get("type")
    if isinstance(t, str):
        return t not in ("object", "array")
    if isinstance(t, list):
        return not ({"object", "array"} & set(t))
    if "enum" in s:
        return not any(isinstance(v, (list, dict)) for v in s["enum"])
    if "const" in s:
        return not isinstance(s["const"], (list, dict))
    return False


def _inlinable(s: Any) -> bool:
    """A ``$ref`` target small enough to inline at the reference: an ``anyOf`` alone (its
    branches become calls), or a schema of at most 24 subschemas with no reference inside
    (so inlining always ends)."""
    if not isinstance(s, dict):
        return False
    if set(s) - _ANNOTATIONS == {"anyOf"}:
        return isinstance(s["anyOf"], list)
    stack, seen = [s], 0
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            seen += 1
            if seen > 24 or any(k in v for k in ("$ref", "$dynamicRef", "$recursiveRef",
                                                  "$id", "id", "$anchor", "$dynamicAnchor")):
                return False
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return True


def _leaf(s: dict) -> bool:
    """A schema whose checks need no nested block (cheap to inline anywhere)."""
    t = s.get("type")
    return (isinstance(t, str) and t not in ("object", "array")) and not any(
        k in s for k in ("allOf", "anyOf", "oneOf", "$ref", "not", "if"))


def _pattern_error(pattern: Any, exc: Exception, location: Location) -> Exception:
    """The typed error for a pattern that cannot be compiled, at its place in the schema."""
    from ._errors import SchemaError

    if isinstance(exc, SchemaError):  # UnsafePatternError: same type, now with its location
        return type(exc)(exc.message, location)
    return SchemaError(f"invalid ECMA-262 pattern {pattern!r}: {exc}", location)
