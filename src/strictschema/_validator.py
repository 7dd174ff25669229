"""Validation of instances against any JSON Schema (draft 2020-12 semantics by default;
2019-09, draft-07, -06 and -04 when ``$schema`` says so).

The schema is compiled once into Python source (one function per ``$ref`` target and per
applicator branch, everything else inlined) and ``exec``-ed: the fast path answers "valid or
not" and returns on the first failure. Errors are collected only for invalid instances, by a
slower interpreter that walks the same semantics and records paths. Schemas using keywords
the compiler does not specialise (``$dynamicRef``, ``$recursiveRef``, ``unevaluated*``) are
validated by ``jsonschema``, extended with ECMA-262 patterns and the profile's formats.

Exact semantics: ``1.0`` is an integer (draft-06 on), booleans are not numbers, enum/const
compare JSON values (``1 == 1.0``, ``true != 1``), lengths count code points, ``pattern`` is
ECMA-262 (``strictschema._regex``), ``multipleOf`` divides the decimal values written in the
JSON text (``19.99`` is a multiple of ``0.01``).

``validate_json`` fuses parsing and validation: the counting variant of the compiled code
(specialised for decoder output: exact builtin types only) returns how many strings (keys
included) the value holds, which, compared with the quote count of the text, proves no
duplicate key was dropped by the C decoder. For the strict subset (closed objects with every
property required, typed leaves, arrays, ``anyOf`` over distinct JSON types, acyclic
``$ref``) a typed ``msgspec`` decoder checks most keywords while it parses, and generated
residual code checks the rest (ECMA patterns, a column of an array of objects at a time where
it can; formats; inexact bounds) and counts the strings; anything it refuses goes through the
general path, which decides.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from decimal import Decimal
from fractions import Fraction
from numbers import Number
from typing import Any

from ._errors import ErrorDetail, RefResolutionError, ValidationError
from ._formats import FAST_ACCEPT, FORMAT_CHECKS
from ._json import _BIG_INTS_EXACT, _fast_decode, _has_bigint_float, count_strings, loads
from ._load import Source, jsonschema_class, load_source, referencing_spec
from ._paths import Location

__all__ = ["Validator", "best_match"]

MAX_INLINE_DEPTH = 6
"""Nested blocks inlined in one generated function before a child gets its own."""

# -- runtime helpers shared by the generated code and the error interpreter ---------------

_M = object()
_decode = _fast_decode
_INEXACT_INTS = not _BIG_INTS_EXACT
_inexact = _has_bigint_float


def _isnum(x: Any) -> bool:
    return isinstance(x, Number) and not isinstance(x, bool)


def _isint(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    if isinstance(x, int):
        return True
    return isinstance(x, float) and x.is_integer()


def _isint4(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_type(x: Any, name: str, draft4: bool) -> bool:
    if name == "string":
        return isinstance(x, str)
    if name == "object":
        return isinstance(x, dict)
    if name == "array":
        return isinstance(x, list)
    if name == "null":
        return x is None
    if name == "boolean":
        return isinstance(x, bool)
    if name == "number":
        return _isnum(x)
    if name == "integer":
        return _isint4(x) if draft4 else _isint(x)
    return False


def _json_eq(a: Any, b: Any) -> bool:
    """Equality of JSON values: ``1 == 1.0``, ``true != 1``, recursively."""
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if a is None or b is None:
        return a is b
    if isinstance(a, list) or isinstance(b, list):
        return (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
                and all(_json_eq(x, y) for x, y in zip(a, b, strict=True)))
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(_json_eq(v, b[k]) for k, v in a.items()))
    if _isnum(a) and _isnum(b):
        return a == b
    return False


def _freeze(v: Any) -> Any:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return ("\0b", v)
    if isinstance(v, dict):
        return ("\0d", frozenset((k, _freeze(x)) for k, x in v.items()))
    if isinstance(v, list):
        return ("\0l", tuple(_freeze(x) for x in v))
    return v


def _unique(x: list) -> bool:
    try:
        if all(type(v) is str for v in x):
            return len(set(x)) == len(x)
        return len({_freeze(v) for v in x}) == len(x)
    except TypeError:  # unhashable exotic values: quadratic but exact
        return not any(_json_eq(a, b) for a, b in itertools.combinations(x, 2))


def _decimal(x: Any) -> Fraction:
    if isinstance(x, float):
        return Fraction(Decimal(repr(x)))
    return Fraction(x)


def _multiple(x: Any, m: Any) -> bool:
    if type(x) is int and type(m) is int:
        return x % m == 0
    try:
        if x != x or x in (float("inf"), float("-inf")):  # noqa: PLR0124 - NaN
            return False
        return (_decimal(x) / _decimal(m)).denominator == 1
    except (TypeError, ValueError, ArithmeticError):
        return False


class _Enum:
    """Enum membership under JSON equality, with hashed fast paths for scalars."""

    __slots__ = ("bools", "complex", "has_null", "nums", "strs", "values")

    def __init__(self, values: list) -> None:
        self.values = values
        self.strs = frozenset(v for v in values if isinstance(v, str))
        self.nums = frozenset(v for v in values if _isnum(v))
        self.bools = frozenset(v for v in values if isinstance(v, bool))
        self.has_null = any(v is None for v in values)
        self.complex = [v for v in values if isinstance(v, (list, dict))]

    def __contains__(self, x: Any) -> bool:
        t = type(x)
        if t is str:
            return x in self.strs
        if t is int or t is float:
            return x in self.nums
        if t is bool:
            return x in self.bools
        if x is None:
            return self.has_null
        if t is list or t is dict:
            return any(_json_eq(x, v) for v in self.complex)
        return any(_json_eq(x, v) for v in self.values)


def _short(x: Any, limit: int = 60) -> str:
    try:
        text = repr(x)
    except Exception:  # noqa: BLE001
        text = f"<{type(x).__name__}>"
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 3] + "..."


_FORMATS = {name: fn for name, fn in FORMAT_CHECKS.items()}


class _Unsupported(Exception):
    pass


_UNSUPPORTED = ("$dynamicRef", "$recursiveRef", "unevaluatedProperties", "unevaluatedItems")
_DRAFT_KW: dict[str, frozenset[str]] = {}
_COMMON = {"type", "enum", "properties", "required", "additionalProperties",
           "patternProperties", "minProperties", "maxProperties", "items", "additionalItems",
           "minItems", "maxItems", "uniqueItems", "anyOf", "oneOf", "allOf", "not", "pattern",
           "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
           "exclusiveMaximum", "multipleOf", "format", "$ref"}
_DRAFT_KW["draft4"] = frozenset(_COMMON | {"dependencies"})
_DRAFT_KW["draft6"] = frozenset(_DRAFT_KW["draft4"] | {"const", "contains", "propertyNames"})
_DRAFT_KW["draft7"] = frozenset(_DRAFT_KW["draft6"] | {"if", "then", "else"})
_DRAFT_KW["draft2019-09"] = frozenset(  # "dependencies" kept for compatibility, as jsonschema
    _DRAFT_KW["draft7"]
    | {"dependentRequired", "dependentSchemas", "minContains", "maxContains"})
_DRAFT_KW["draft2020-12"] = frozenset(
    (_DRAFT_KW["draft2019-09"] - {"additionalItems"}) | {"prefixItems"})
_LEGACY = ("draft4", "draft6", "draft7")
_STRUCTURAL = frozenset({"type", "enum", "const", "properties", "patternProperties",
                         "additionalProperties", "items", "prefixItems", "additionalItems",
                         "required", "minLength", "maxLength", "pattern", "format", "minimum",
                         "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
                         "minItems", "maxItems", "uniqueItems", "contains", "minProperties",
                         "maxProperties", "propertyNames", "dependentRequired",
                         "dependentSchemas", "dependencies", "if", "not"})


def _base(res: Any) -> str:
    return getattr(res, "_base_uri", "")


class _Ctx:
    """Draft-dependent facts shared by the compiler and the interpreter."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.draft = source.draft
        self.legacy = source.draft in _LEGACY
        self.draft4 = source.draft == "draft4"
        self.keywords = _DRAFT_KW[source.draft]
        self.id_key = "id" if self.draft4 else "$id"
        self.tuple_items = source.draft != "draft2020-12"
        self.spec = referencing_spec(source.draft)

    def enter(self, s: dict, res: Any) -> Any:
        sid = s.get(self.id_key)
        if isinstance(sid, str) and sid and not (self.legacy and "$ref" in s) and not (
                sid.startswith("#")):
            return res.in_subresource(self.spec.create_resource(s))
        return res

    def lookup(self, ref: str, res: Any, loc: Location) -> tuple[Any, Any]:
        resolved = self.source.lookup(ref, res, loc)
        return resolved.contents, resolved.resolver

    def exclusive(self, s: dict) -> tuple[Any, Any, Any, Any]:
        """(minimum, exclusiveMinimum, maximum, exclusiveMaximum) as numbers or None."""
        mn, mx = s.get("minimum"), s.get("maximum")
        emn, emx = s.get("exclusiveMinimum"), s.get("exclusiveMaximum")
        if self.draft4:
            if emn is True:
                mn, emn = None, mn
            else:
                emn = None
            if emx is True:
                mx, emx = None, mx
            else:
                emx = None
        return mn, emn, mx, emx

    def check(self, s: dict) -> None:
        if self.legacy:
            return
        for k in _UNSUPPORTED:
            if k in s and (k != "$dynamicRef" or self.draft == "draft2020-12") and (
                    k != "$recursiveRef" or self.draft == "draft2019-09"):
                raise _Unsupported(k)


# -- the compiler: schema -> Python source --------------------------------------------------

class _Fn:
    __slots__ = ("count", "lines", "nvar")

    def __init__(self, count: bool) -> None:
        self.lines: list[str] = []
        self.nvar = 0
        self.count = count

    def var(self, prefix: str = "v") -> str:
        self.nvar += 1
        return f"{prefix}{self.nvar}"

    def add(self, ind: int, line: str) -> None:
        self.lines.append("    " * ind + line)


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
            fn = _Fn(count)
            if count:
                fn.add(1, "n = 0")
            self.node(fn, s, "x", res, sloc, 1, count, 0, entered)
            fn.add(1, "return n" if count else "return 0")
            out.append(f"def {name}(x):")
            out.extend(fn.lines)
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
    def child(self, fn: _Fn, s: Any, x: str, res: Any, sloc: Location, ind: int, count: bool,
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

    def call(self, fn: _Fn, s: Any, x: str, res: Any, sloc: Location, count: bool) -> str:
        """A function call expression evaluating ``s`` on ``x``."""
        return f"{self.function(s, res, count, sloc)}({x})"

    def node(self, fn: _Fn, s: Any, x: str, res: Any, sloc: Location, ind: int, count: bool,
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

    def ref(self, fn: _Fn, ref: Any, x: str, res: Any, sloc: Location, ind: int,
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

    def any_of(self, fn: _Fn, subs: list, x: str, res: Any, sloc: Location, ind: int,
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

    def dispatch(self, fn: _Fn, subs: list, x: str, res: Any, sloc: Location, ind: int,
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

    def guard(self, s: Any, res: Any, x: str, fn: _Fn) -> str | None:
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

    def one_of(self, fn: _Fn, subs: list, x: str, res: Any, sloc: Location, ind: int,
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
    def typed(self, fn: _Fn, s: dict, x: str, res: Any, sloc: Location, ind: int,
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
                    self.string(fn, s, x, ind, count)
                else:
                    cond = f"{t} is str" if t else f"type({x}) is str"
                    fn.add(ind, f"if {cond}:" if self.json else
                           f"if {cond} or isinstance({x}, str):")
                    self.string(fn, s, x, ind + 1, count)
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
            elif sec == "object":
                if only("object"):
                    self.obj(fn, s, x, res, sloc, ind, count, depth)
                else:
                    cond = f"{t} is dict" if t else f"type({x}) is dict"
                    if self.json:
                        fn.add(ind, f"if {cond}:")
                    else:
                        fn.add(ind, f"if {cond} or isinstance({x}, dict):")
                        fn.add(ind + 1, f"if type({x}) is not dict: {x} = dict({x})")
                    self.obj(fn, s, x, res, sloc, ind + 1, count, depth + 1)
                    fn.add(ind + 1, "pass")
            elif sec == "array":
                if only("array"):
                    self.arr(fn, s, x, res, sloc, ind, count, depth)
                else:
                    cond = f"{t} is list" if t else f"type({x}) is list"
                    if self.json:
                        fn.add(ind, f"if {cond}:")
                    else:
                        fn.add(ind, f"if {cond} or isinstance({x}, list):")
                        fn.add(ind + 1, f"if type({x}) is not list: {x} = list({x})")
                    self.arr(fn, s, x, res, sloc, ind + 1, count, depth + 1)
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

    def string(self, fn: _Fn, s: dict, x: str, ind: int, count: bool) -> None:
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
                fn.add(ind, f"raise {self.const(_pattern_error(s['pattern'], exc), 'err')}")
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
        return (f"({self.const(find, 'rf')}({v}) if len({v}) <= {limit} "
                f"else {self.const(rx.search, 'rx')}({v}))")

    def number(self, fn: _Fn, s: dict, x: str, ind: int) -> None:
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

    def obj(self, fn: _Fn, s: dict, x: str, res: Any, sloc: Location, ind: int, count: bool,
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

    def closed(self, fn: _Fn, props: dict, x: str, res: Any, sloc: Location, ind: int,
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

    def bulk(self, fn: _Fn, kind: tuple, sub: Any, g: str, size: int, ind: int,
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

    def extra_keys(self, fn: _Fn, s: dict, props: dict, pats: dict, addl: Any, x: str,
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
                    fn.add(inner, f"raise {self.const(_pattern_error(p, exc), 'err')}")
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

    def arr(self, fn: _Fn, s: dict, x: str, res: Any, sloc: Location, ind: int, count: bool,
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


# -- the typed fast path: msgspec checks the strict subset in C ----------------------------

class _NotTyped(Exception):
    pass


_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "default",
                          "deprecated", "readOnly", "writeOnly"})
_ROOT_ONLY = frozenset({"$schema", "$defs", "definitions", "$id", "id"})
_EXACT_BOUND = 2**53
_NUM_KW = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                     "multipleOf"})
_TYPE_KW = {
    "string": frozenset({"minLength", "maxLength", "pattern", "format"}),
    "number": _NUM_KW, "integer": _NUM_KW,
    "object": frozenset({"properties", "required", "additionalProperties",
                         "patternProperties", "minProperties", "maxProperties",
                         "propertyNames", "dependentRequired", "dependentSchemas",
                         "dependencies"}),
    "array": frozenset({"items", "prefixItems", "additionalItems", "minItems", "maxItems",
                        "uniqueItems", "contains", "minContains", "maxContains"}),
}
_TYPE_SPECIFIC = frozenset().union(*_TYPE_KW.values())
"""Keywords that only constrain instances of one type (a ``type`` list splits on them)."""


class _Typed:
    """For the strict subset (closed objects with every property required, typed leaves,
    arrays, ``anyOf`` over distinct JSON types, acyclic ``$ref``): a ``msgspec`` type whose
    decoder accepts only instances valid for every keyword it encodes, plus generated
    residual code for the rest (ECMA patterns, formats, inexact bounds, ``multipleOf``) that
    also returns the value's string count (keys included). Decoding with it gives the same
    Python value as the untyped decoder (key order, ``int`` vs ``float``); ``msgspec``
    drops unknown keys and keeps the last duplicate, both of which the quote count exposes.
    Whatever the decoder refuses goes through the general path, which decides (``1.0`` is
    an integer there, for instance)."""

    def __init__(self, ctx: _Ctx, res: Any) -> None:
        self.ctx = ctx
        self.comp = _Compiler(ctx)
        self.fn = _Fn(True)
        self.active: set[int] = set()
        self.skip: dict[int, set[str]] = {}
        self.names = 0
        self.root = ctx.source.schema
        self.res = res

    def build(self, general: Any, validate_general: Any) -> tuple[Any, Any]:
        """``(check_json, validate_json)``: decode with the typed decoder, run the residual
        checks and the quote count inline; anything else goes to ``general`` (returns
        ``(value, ok)``) or ``validate_general`` (returns the value or raises)."""
        import msgspec

        fn = self.fn
        tp, static = self.conv(self.root, self.res, "x", 1, True)
        ns = self.comp.ns
        ns["_dec"] = msgspec.json.Decoder(tp).decode
        ns["_general"] = general
        ns["_vgeneral"] = validate_general
        body = "\n".join(fn.lines)
        out = []
        for name, fallback, ok in (("check_json", "_general", "x, True"),
                                   ("validate_json", "_vgeneral", "x")):
            out.append(f"""def {name}(raw):
    t = type(raw)
    if t is not bytes and t is not str:
        return {fallback}(raw)
    try:
        x = _dec(raw)
    except Exception:
        return {fallback}(raw)
    n = {static}
{body.replace(_FAIL, f"return {fallback}(raw)")}
    if raw.count(b'"' if t is bytes else '"') != n + n:
        return {fallback}(raw)
    return {ok}
""")
        text = "\n".join(out)
        self.comp.source_lines.append(text)
        exec(compile(text, "<strictschema typed>", "exec"), ns)  # noqa: S102
        return ns["check_json"], ns["validate_json"]

    def conv(self, s: Any, res: Any, x: str, ind: int, root: bool = False) -> tuple[Any, int]:
        """The msgspec type for ``s``; residual lines for ``x`` go to ``self.fn`` at ``ind``.
        Returns ``(type, static string count)``; dynamic counts are added to ``n``."""
        if not isinstance(s, dict):
            raise _NotTyped
        kw = self.ctx.keywords
        keys = set(s) - _ANNOTATIONS
        if root:
            keys -= _ROOT_ONLY
        elif keys & {"$id", "id", "$anchor", "$dynamicAnchor"}:
            raise _NotTyped
        if any(k not in kw for k in keys):
            raise _NotTyped
        if "$ref" in keys:
            if keys != {"$ref"}:
                raise _NotTyped
            try:
                target, tres = self.ctx.lookup(s["$ref"], res, ())
            except RefResolutionError:
                raise _NotTyped from None
            if target is self.root or id(target) in self.active:
                raise _NotTyped  # recursive: msgspec types cannot express it here
            self.active.add(id(target))
            try:
                return self.conv(target, tres, x, ind)
            finally:
                self.active.discard(id(target))
        if "anyOf" in keys:
            if keys != {"anyOf"}:
                raise _NotTyped
            return self.union(list(s["anyOf"]), res, x, ind)
        t = s.get("type")
        if isinstance(t, list):
            if keys & {"enum", "const"} or len(set(t)) != len(t):
                raise _NotTyped
            return self.union([{**{k: v for k, v in s.items() if k not in _TYPE_SPECIFIC
                                    or k in _TYPE_KW.get(one, ())}, "type": one}
                               for one in t], res, x, ind)
        if t == "object":
            return self.obj(s, keys, res, x, ind)
        if t == "array":
            return self.arr(s, keys, res, x, ind)
        if t == "string":
            return self.string(s, keys, x, ind)
        if t in ("integer", "number"):
            return self.number(s, keys, t, x, ind)
        if t == "boolean" and keys == {"type"}:
            return bool, 0
        if t == "null" and keys == {"type"}:
            return type(None), 0
        raise _NotTyped

    def kind(self, s: Any, res: Any) -> str:
        """The one JSON type a branch accepts (``number`` covers ``integer``)."""
        while isinstance(s, dict) and "$ref" in s:
            try:
                s, res = self.ctx.lookup(s["$ref"], res, ())
            except RefResolutionError:
                raise _NotTyped from None
        t = s.get("type") if isinstance(s, dict) else None
        if not isinstance(t, str):
            raise _NotTyped
        return "number" if t == "integer" else t

    def union(self, subs: list, res: Any, x: str, ind: int) -> tuple[Any, int]:
        from typing import Union

        kinds = [self.kind(b, res) for b in subs]
        if not subs or len(set(kinds)) != len(kinds):
            raise _NotTyped
        py = {"string": "str", "number": None, "boolean": "bool", "null": None,
              "object": "dict", "array": "list"}
        fn = self.fn
        types = []
        for b, k in zip(subs, kinds, strict=True):
            mark = len(fn.lines)
            if k == "null":
                cond = f"{x} is None"
            elif k == "number":
                cond = f"type({x}) is int or type({x}) is float"
            else:
                cond = f"type({x}) is {py[k]}"
            fn.add(ind, f"if {cond}:")
            tp, static = self.conv(b, res, x, ind + 1)
            if static:
                fn.add(ind + 1, f"n += {static}")
            if len(fn.lines) == mark + 1:
                del fn.lines[mark:]
            types.append(tp)
        return Union[tuple(types)], 0  # noqa: UP007 - a runtime union of msgspec types

    def obj(self, s: dict, keys: set, res: Any, x: str, ind: int) -> tuple[Any, int]:
        from typing import TypedDict

        props = s.get("properties")
        req = s.get("required")
        if (keys != {"type", "properties", "required", "additionalProperties"}
                or s["additionalProperties"] is not False or not isinstance(props, dict)
                or not props or not isinstance(req, list) or len(req) != len(props)
                or set(req) != set(props)):
            raise _NotTyped
        fields = {}
        static = len(props)
        fn = self.fn
        skip = self.skip.pop(id(s), ())
        for k, sub in props.items():
            v = fn.var()
            mark = len(fn.lines)
            fn.add(ind, f"{v} = {x}[{_py(k)}]")
            fields[k], st = self.conv(sub, res, v, ind)
            static += st
            if len(fn.lines) == mark + 1 or k in skip:  # no checks, or checked by column
                del fn.lines[mark:]
        self.names += 1
        return TypedDict(f"_Obj{self.names}", fields), static  # type: ignore[operator]

    def arr(self, s: dict, keys: set, res: Any, x: str, ind: int) -> tuple[Any, int]:
        from typing import Annotated

        import msgspec

        if not keys <= {"type", "items", "minItems", "maxItems"} or "items" not in keys:
            raise _NotTyped
        mn, mx = s.get("minItems"), s.get("maxItems")
        for b in (mn, mx):
            if b is not None and (type(b) is not int or b < 0):
                raise _NotTyped
        fn = self.fn
        v = fn.var()
        mark = len(fn.lines)
        target, cols = self.columns(s["items"], res)
        if cols:
            self.skip[id(target)] = set(cols)
        fn.add(ind, f"for {v} in {x}:")
        item, static = self.conv(s["items"], res, v, ind + 1)
        self.skip.pop(id(target), None)
        if len(fn.lines) == mark + 1:
            del fn.lines[mark:]
        if static:
            fn.add(ind, f"n += {static} * len({x})")
        if cols:
            self.column_checks(cols, x, ind)
        tp: Any = list[item]  # type: ignore[valid-type]
        if mn or mx is not None:
            tp = Annotated[tp, msgspec.Meta(min_length=mn or None, max_length=mx)]
        return tp, 0

    def columns(self, items: Any, res: Any) -> tuple[Any, dict[str, dict]]:
        """For an array of objects: ``(item schema, {property: string schema})`` for the
        properties whose only residual checks are a ``pattern`` and/or a ``format``; they
        are checked a column at a time (``map`` over C callables, no loop in Python)."""
        target, tres, _ = self.comp.follow(items, res)
        if not (isinstance(target, dict) and target.get("type") == "object"
                and isinstance(target.get("properties"), dict)):
            return target, {}
        cols = {}
        for k, sub in target["properties"].items():
            ss, _, _ = self.comp.follow(sub, tres)
            if (isinstance(ss, dict) and ss.get("type") == "string"
                    and not set(ss) - _ANNOTATIONS - {"type", "pattern", "format", "minLength",
                                                      "maxLength"}
                    and ("pattern" in ss or ss.get("format") in _FORMATS)):
                cols[k] = ss
        return target, cols

    def column_checks(self, cols: dict[str, dict], x: str, ind: int) -> None:
        import operator

        from ._regex import compile_pattern, fixed_width

        fn, comp = self.fn, self.comp
        fn.add(ind, f"if {x}:")
        for k, ss in cols.items():
            c = fn.var("c")
            fn.add(ind + 1, f"{c} = list(map({comp.const(operator.itemgetter(k), 'ig')}, {x}))")
            fixed = fixed_width(ss["pattern"]) if "pattern" in ss else None
            if fixed is not None:  # the whole column in three C calls (see fixed_width)
                table, signature = fixed
                fn.add(ind + 1, f"if ('\\x00'.join({c}) + '\\x00').translate("
                                f"{comp.const(table, 'tt')}) != {_py(signature + chr(0))} * "
                                f"len({c}): {_FAIL}")
            elif "pattern" in ss:
                rx = compile_pattern(ss["pattern"])  # compiled by string() already
                if rx.short is None:
                    fn.add(ind + 1, f"if not all(map({comp.const(rx.search, 'rx')}, {c})): "
                                    f"{_FAIL}")
                else:
                    find, limit = rx.short
                    fn.add(ind + 1, f"if max(map(len, {c})) <= {limit}:")
                    fn.add(ind + 2, f"if not all(map({comp.const(find, 'rf')}, {c})): {_FAIL}")
                    fn.add(ind + 1, f"elif not all(map({comp.const(rx.search, 'rx')}, {c})): "
                                    f"{_FAIL}")
            f = ss.get("format")
            if f in _FORMATS:
                check = f"not all(map({comp.const(_FORMATS[f], 'fmt')}, {c}))"
                fast = FAST_ACCEPT.get(f)
                if fast is not None:
                    check = f"not all(map({comp.const(fast, 'ff')}, {c})) and {check}"
                fn.add(ind + 1, f"if {check}: {_FAIL}")

    def string(self, s: dict, keys: set, x: str, ind: int) -> tuple[Any, int]:
        from typing import Annotated, Literal

        import msgspec

        if not keys <= {"type", "minLength", "maxLength", "pattern", "format", "enum",
                        "const"}:
            raise _NotTyped
        mn, mx = s.get("minLength"), s.get("maxLength")
        for b in (mn, mx):
            if b is not None and (type(b) is not int or b < 0):
                raise _NotTyped
        fmt = s.get("format")
        check = _FORMATS.get(fmt) if "format" in keys else None
        if "pattern" in keys:
            try:
                test = self.comp.pattern_test(s["pattern"], "__S__")
            except ValueError:
                raise _NotTyped from None
        else:
            test = None
        if "enum" in keys or "const" in keys:
            values = None
            if "enum" in keys:
                values = list(s["enum"])
            if "const" in keys:
                values = [v for v in (values if values is not None else [s["const"]])
                          if _json_eq(v, s["const"])]
            if not values or not all(type(v) is str for v in values):
                raise _NotTyped
            from ._regex import compile_pattern

            allowed = [v for v in dict.fromkeys(values)
                       if (mn is None or len(v) >= mn) and (mx is None or len(v) <= mx)
                       and (check is None or check(v))
                       and ("pattern" not in keys or compile_pattern(s["pattern"]).search(v))]
            if not allowed:
                raise _NotTyped
            return Literal[tuple(allowed)], 1  # type: ignore[valid-type]
        if test is not None:
            self.fn.add(ind, f"if not {test.replace('__S__', x)}: {_FAIL}")
        if check is not None:
            self.fn.add(ind, f"if not {self.comp.format_test(fmt, x)}: {_FAIL}")
        if mn or mx is not None:
            return Annotated[str, msgspec.Meta(min_length=mn or None, max_length=mx)], 1
        return str, 1

    def number(self, s: dict, keys: set, t: str, x: str, ind: int) -> tuple[Any, int]:
        from typing import Annotated, Union

        import msgspec

        if not keys <= {"type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                        "multipleOf"}:
            raise _NotTyped
        mn, emn, mx, emx = self.ctx.exclusive(s)
        meta: dict[str, Any] = {}
        conds = []
        for bound, name, op in ((mn, "ge", "<"), (emn, "gt", "<="), (mx, "le", ">"),
                                (emx, "lt", ">=")):
            if bound is None:
                continue
            if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                raise _NotTyped
            lower = name in ("ge", "gt")
            taken = any(k in meta for k in (("ge", "gt") if lower else ("le", "lt")))
            if type(bound) is int and abs(bound) <= _EXACT_BOUND and not taken:
                meta[name] = bound
            else:
                conds.append(f"{x} {op} {_py(bound)}")
        if conds:
            self.fn.add(ind, f"if {' or '.join(conds)}: {_FAIL}")
        if "multipleOf" in keys:
            m = s["multipleOf"]
            if isinstance(m, bool) or not isinstance(m, (int, float)) or m <= 0:
                raise _NotTyped
            if type(m) is int:
                self.fn.add(ind, f"if not ({x} % {m} == 0 if type({x}) is int else "
                                 f"_multiple({x}, {m})): {_FAIL}")
            else:
                self.fn.add(ind, f"if not _multiple({x}, {self.comp.const(m, 'm')}): {_FAIL}")
        it: Any = Annotated[int, msgspec.Meta(**meta)] if meta else int
        if t == "integer":
            return it, 0
        ft: Any = Annotated[float, msgspec.Meta(**meta)] if meta else float
        return Union[it, ft], 0  # noqa: UP007 - a runtime union of msgspec types


_BASIC = frozenset({str, int, float, bool, type(None), list, dict})


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


def _pattern_error(pattern: Any, exc: Exception) -> Exception:
    from ._errors import SchemaError

    if isinstance(exc, SchemaError):
        return exc
    return SchemaError(f"invalid ECMA-262 pattern {pattern!r}: {exc}")


# -- the error interpreter ----------------------------------------------------------------

_WEAK = frozenset({"anyOf", "oneOf"})


class _Errors:
    """Collects every error (with instance and schema paths) for an invalid instance."""

    def __init__(self, ctx: _Ctx) -> None:
        self.ctx = ctx

    def valid(self, s: Any, x: Any, res: Any) -> bool:
        return next(self.iter(s, x, res, (), ()), None) is None

    def iter(self, s: Any, x: Any, res: Any, loc: Location, sloc: Location,
             entered: bool = False) -> Iterator[ErrorDetail]:
        ctx = self.ctx
        if s is True:
            return
        if s is False:
            yield ErrorDetail(loc, "false", "False schema does not allow " + _short(x), sloc)
            return
        if not isinstance(s, dict):
            return
        if not entered:
            res = ctx.enter(s, res)
        kw = ctx.keywords
        if ctx.legacy and "$ref" in s:
            yield from self.ref(s["$ref"], x, res, loc, (*sloc, "$ref"))
            return
        types = s.get("type")
        if types is not None:
            names = [types] if isinstance(types, str) else list(types)
            if not any(_is_type(x, n, ctx.draft4) for n in names):
                shown = repr(names[0]) if isinstance(types, str) else repr(names)
                yield ErrorDetail(loc, "type", f"{_short(x)} is not of type {shown}",
                                  (*sloc, "type"))
        if "enum" in s and x not in _Enum(list(s["enum"])):
            yield ErrorDetail(loc, "enum", f"{_short(x)} is not one of {_short(s['enum'], 80)}",
                              (*sloc, "enum"))
        if "const" in s and "const" in kw and not _json_eq(x, s["const"]):
            yield ErrorDetail(loc, "const", f"{_short(s['const'])} was expected",
                              (*sloc, "const"))
        if isinstance(x, str):
            yield from self.string(s, x, loc, sloc)
        elif _isnum(x):
            yield from self.number(s, x, loc, sloc)
        elif isinstance(x, dict):
            yield from self.obj(s, x, res, loc, sloc)
        elif isinstance(x, list):
            yield from self.arr(s, x, res, loc, sloc)
        if "$ref" in s:
            yield from self.ref(s["$ref"], x, res, loc, (*sloc, "$ref"))
        for i, sub in enumerate(s.get("allOf") or ()):
            yield from self.iter(sub, x, res, loc, (*sloc, "allOf", i))
        if "anyOf" in s:
            subs = s["anyOf"]
            if not any(self.valid(sub, x, res) for sub in subs):
                yield ErrorDetail(loc, "anyOf",
                                  f"{_short(x)} is not valid under any of the given schemas"
                                  + self.hint(subs, x, res), (*sloc, "anyOf"))
        if "oneOf" in s:
            subs = s["oneOf"]
            ok = [i for i, sub in enumerate(subs) if self.valid(sub, x, res)]
            if not ok:
                yield ErrorDetail(loc, "oneOf",
                                  f"{_short(x)} is not valid under any of the given schemas"
                                  + self.hint(subs, x, res), (*sloc, "oneOf"))
            elif len(ok) > 1:
                yield ErrorDetail(loc, "oneOf", f"{_short(x)} is valid under more than one of "
                                  f"the given schemas (#{ok[0]} and #{ok[1]})", (*sloc, "oneOf"))
        if "not" in s and self.valid(s["not"], x, res):
            yield ErrorDetail(loc, "not", f"{_short(x)} should not be valid under "
                              f"{_short(s['not'])}", (*sloc, "not"))
        if "if" in s and "if" in kw:
            if self.valid(s["if"], x, res):
                if "then" in s:
                    yield from self.iter(s["then"], x, res, loc, (*sloc, "then"))
            elif "else" in s:
                yield from self.iter(s["else"], x, res, loc, (*sloc, "else"))

    def hint(self, subs: list, x: Any, res: Any) -> str:
        best = best_match(e for i, sub in enumerate(subs)
                          for e in itertools.islice(self.iter(sub, x, res, (), (i,)), 20))
        if best is None or best.keyword in ("type", "false"):
            return ""
        where = f" at {best.json_path}" if best.location else ""
        return f" (closest: {best.message}{where})"

    def ref(self, ref: Any, x: Any, res: Any, loc: Location,
            sloc: Location) -> Iterator[ErrorDetail]:
        target, tres = self.ctx.lookup(ref, res, sloc)
        yield from self.iter(target, x, tres, loc, sloc, True)

    def string(self, s: dict, x: str, loc: Location, sloc: Location) -> Iterator[ErrorDetail]:
        n = len(x)
        if "minLength" in s and n < s["minLength"]:
            yield ErrorDetail(loc, "minLength", f"{_short(x)} is too short (minimum "
                              f"{s['minLength']} characters)", (*sloc, "minLength"))
        if "maxLength" in s and n > s["maxLength"]:
            yield ErrorDetail(loc, "maxLength", f"{_short(x)} is too long (maximum "
                              f"{s['maxLength']} characters)", (*sloc, "maxLength"))
        if "pattern" in s:
            from ._regex import compile_pattern

            try:
                rx = compile_pattern(s["pattern"])
            except ValueError as exc:
                raise _pattern_error(s["pattern"], exc) from None
            if not rx.search(x):
                yield ErrorDetail(loc, "pattern", f"{_short(x)} does not match "
                                  f"{_short(s['pattern'])}", (*sloc, "pattern"))
        f = s.get("format")
        if f in _FORMATS and not _FORMATS[f](x):
            yield ErrorDetail(loc, "format", f"{_short(x)} is not a valid {f!r}",
                              (*sloc, "format"))

    def number(self, s: dict, x: Any, loc: Location, sloc: Location) -> Iterator[ErrorDetail]:
        mn, emn, mx, emx = self.ctx.exclusive(s)
        d4 = self.ctx.draft4
        if _isnum(mn) and x < mn:
            yield ErrorDetail(loc, "minimum", f"{_short(x)} is less than the minimum of {mn}",
                              (*sloc, "minimum"))
        if _isnum(emn) and x <= emn:
            k = "minimum" if d4 else "exclusiveMinimum"
            yield ErrorDetail(loc, k, f"{_short(x)} is less than or equal to the minimum of "
                              f"{emn}", (*sloc, k))
        if _isnum(mx) and x > mx:
            yield ErrorDetail(loc, "maximum", f"{_short(x)} is greater than the maximum of "
                              f"{mx}", (*sloc, "maximum"))
        if _isnum(emx) and x >= emx:
            k = "maximum" if d4 else "exclusiveMaximum"
            yield ErrorDetail(loc, k, f"{_short(x)} is greater than or equal to the maximum "
                              f"of {emx}", (*sloc, k))
        if "multipleOf" in s and not _multiple(x, s["multipleOf"]):
            yield ErrorDetail(loc, "multipleOf", f"{_short(x)} is not a multiple of "
                              f"{s['multipleOf']}", (*sloc, "multipleOf"))

    def obj(self, s: dict, x: dict, res: Any, loc: Location,
            sloc: Location) -> Iterator[ErrorDetail]:
        kw = self.ctx.keywords
        props = s.get("properties") or {}
        for k in dict.fromkeys(s.get("required") or ()):
            if k not in x:
                yield ErrorDetail(loc, "required", f"{k!r} is a required property",
                                  (*sloc, "required"))
        for k, sub in props.items():
            if k in x:
                yield from self.iter(sub, x[k], res, (*loc, k), (*sloc, "properties", k))
        pats = s.get("patternProperties") or {}
        addl = s.get("additionalProperties", True)
        if pats or addl is not True:
            from ._regex import compile_pattern

            compiled = []
            for p in pats:
                try:
                    compiled.append((p, compile_pattern(p)))
                except ValueError as exc:
                    raise _pattern_error(p, exc) from None
            extras = []
            for k, v in x.items():
                matched = k in props
                for p, rx in compiled:
                    if rx.search(k):
                        matched = True
                        yield from self.iter(pats[p], v, res, (*loc, k),
                                             (*sloc, "patternProperties", p))
                if not matched:
                    extras.append(k)
            if addl is False and extras:
                shown = ", ".join(repr(k) for k in extras[:5]) + (
                    ", ..." if len(extras) > 5 else "")
                verb = "was" if len(extras) == 1 else "were"
                yield ErrorDetail(loc, "additionalProperties", "Additional properties are "
                                  f"not allowed ({shown} {verb} unexpected)",
                                  (*sloc, "additionalProperties"))
            elif addl is not True:
                for k in extras:
                    yield from self.iter(addl, x[k], res, (*loc, k),
                                         (*sloc, "additionalProperties"))
        if "minProperties" in s and len(x) < s["minProperties"]:
            yield ErrorDetail(loc, "minProperties", f"object has {len(x)} properties, fewer "
                              f"than the minimum of {s['minProperties']}",
                              (*sloc, "minProperties"))
        if "maxProperties" in s and len(x) > s["maxProperties"]:
            yield ErrorDetail(loc, "maxProperties", f"object has {len(x)} properties, more "
                              f"than the maximum of {s['maxProperties']}",
                              (*sloc, "maxProperties"))
        if "propertyNames" in s and "propertyNames" in kw:
            for k in x:
                for e in self.iter(s["propertyNames"], k, res, loc, (*sloc, "propertyNames")):
                    yield ErrorDetail(loc, "propertyNames", f"property name {_short(k)}: "
                                      f"{e.message}", e.schema_location)
        deps: list[tuple[str, str, Any]] = []
        if "dependentRequired" in kw:
            deps += [("dependentRequired", k, d) for k, d in
                     (s.get("dependentRequired") or {}).items()]
        if "dependentSchemas" in kw:
            deps += [("dependentSchemas", k, d) for k, d in
                     (s.get("dependentSchemas") or {}).items()]
        if "dependencies" in kw:
            deps += [("dependencies", k, d) for k, d in (s.get("dependencies") or {}).items()]
        for key, k, d in deps:
            if k not in x:
                continue
            if isinstance(d, list):
                for name in d:
                    if name not in x:
                        yield ErrorDetail(loc, key, f"{name!r} is a dependency of {k!r}",
                                          (*sloc, key, k))
            else:
                yield from self.iter(d, x, res, loc, (*sloc, key, k))

    def arr(self, s: dict, x: list, res: Any, loc: Location,
            sloc: Location) -> Iterator[ErrorDetail]:
        kw = self.ctx.keywords
        if "minItems" in s and len(x) < s["minItems"]:
            yield ErrorDetail(loc, "minItems", f"array has {len(x)} items, fewer than the "
                              f"minimum of {s['minItems']}", (*sloc, "minItems"))
        if "maxItems" in s and len(x) > s["maxItems"]:
            yield ErrorDetail(loc, "maxItems", f"array has {len(x)} items, more than the "
                              f"maximum of {s['maxItems']}", (*sloc, "maxItems"))
        if self.ctx.tuple_items:
            items = s.get("items", True)
            if isinstance(items, list):
                prefix, rest = items, (s.get("additionalItems", True)
                                       if "additionalItems" in kw else True)
                pk, rk = "items", "additionalItems"
            else:
                prefix, rest, pk, rk = [], items, "items", "items"
        else:
            prefix, rest = s.get("prefixItems") or [], s.get("items", True)
            pk, rk = "prefixItems", "items"
        for i, sub in enumerate(prefix[:len(x)]):
            yield from self.iter(sub, x[i], res, (*loc, i), (*sloc, pk, i))
        if rest is False and len(x) > len(prefix):
            yield ErrorDetail(loc, rk, f"array has {len(x)} items, only {len(prefix)} are "
                              "allowed", (*sloc, rk))
        elif rest is not True:
            for i in range(len(prefix), len(x)):
                yield from self.iter(rest, x[i], res, (*loc, i), (*sloc, rk))
        if s.get("uniqueItems") is True and not _unique(x):
            yield ErrorDetail(loc, "uniqueItems", "array has non-unique elements",
                              (*sloc, "uniqueItems"))
        if "contains" in s and "contains" in kw:
            mnc = s.get("minContains", 1) if "minContains" in kw else 1
            mxc = s.get("maxContains") if "maxContains" in kw else None
            m = sum(1 for v in x if self.valid(s["contains"], v, res))
            if m < mnc:
                key = "contains" if m == 0 or "minContains" not in s else "minContains"
                yield ErrorDetail(loc, key, f"array has {m} items matching the 'contains' "
                                  f"schema, fewer than {mnc}", (*sloc, key))
            if mxc is not None and m > mxc:
                yield ErrorDetail(loc, "maxContains", f"array has {m} items matching the "
                                  f"'contains' schema, more than {mxc}", (*sloc, "maxContains"))


# -- the jsonschema-based path (keywords the compiler does not specialise) ---------------

def _pattern_keyword(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError as JError

    from ._regex import compile_pattern

    if isinstance(instance, str) and not compile_pattern(pattern).search(instance):
        yield JError(f"{_short(instance)} does not match {_short(pattern)}")


def _pattern_properties(validator: Any, patterns: dict, instance: Any, schema: Any):
    from ._regex import compile_pattern

    if not isinstance(instance, dict):
        return
    for pattern, subschema in patterns.items():
        rx = compile_pattern(pattern)
        for k, v in instance.items():
            if rx.search(k):
                yield from validator.descend(v, subschema, path=k, schema_path=pattern)


def _format_checker() -> Any:
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    for name, fn in FORMAT_CHECKS.items():
        checker.checks(name)(fn)
    return checker


_CLASSES: dict[str, Any] = {}


def _validator_class(draft: str) -> Any:
    if draft not in _CLASSES:
        from jsonschema import validators

        _CLASSES[draft] = validators.extend(
            jsonschema_class(draft), {"pattern": _pattern_keyword, "patternProperties": _pattern_properties})
    return _CLASSES[draft]


def _jdetail(err: Any) -> ErrorDetail:
    message = err.message.splitlines()[0] if err.message else err.validator
    if len(message) > 300:
        message = message[:297] + "..."
    return ErrorDetail(tuple(err.absolute_path), str(err.validator), message,
                       tuple(err.absolute_schema_path))


class _JsonschemaImpl:
    def __init__(self, source: Source) -> None:
        cls = _validator_class(source.draft)
        self.impl = cls(source.schema, registry=source.registry,
                        format_checker=_format_checker())

    def is_valid(self, x: Any) -> bool:
        return self.impl.is_valid(x)

    def is_valid_at(self, s: Any, x: Any) -> bool:
        return self.impl.evolve(schema=s).is_valid(x)

    def iter_errors(self, x: Any) -> Iterator[ErrorDetail]:
        for err in self.impl.iter_errors(x):
            yield _jdetail(err)


# -- public ------------------------------------------------------------------------------

_DEPTH = ErrorDetail((), "depth", "instance is nested too deeply to validate")


def best_match(errors: Iterable[ErrorDetail]) -> ErrorDetail | None:
    """The error to show first: the shallowest, preferring a specific keyword over an
    ``anyOf``/``oneOf`` summary (like ``jsonschema.exceptions.best_match``)."""
    best = None
    best_key = None
    for e in errors:
        key = (len(e.location), e.keyword in _WEAK)
        if best_key is None or key < best_key:
            best, best_key = e, key
    return best


class Validator:
    """Validate instances against a JSON Schema (never fetches remote ``$ref``)."""

    def __init__(self, schema: Any, *, registry: Any = None) -> None:
        self._source = load_source(schema, registry)
        self._ctx = _Ctx(self._source)
        self._root_res = self._source.resolver()
        self._jimpl: _JsonschemaImpl | None = None
        self._fast: Any = None
        self._counted: Any = None
        self._typed = False  # whether validate_json runs on a typed msgspec decoder
        self._comp: _Compiler | None = None
        self._ccomp: _Compiler | None = None
        self._at: dict[int, tuple[Any, Any]] = {}
        try:
            self._comp = _Compiler(self._ctx)
            name = self._comp.function(self._source.schema, self._root_res, False, (), True)
            self._comp.flush()
            self._fast = self._comp.ns[name]
        except _Unsupported:
            self._comp = None
            self._jimpl = _JsonschemaImpl(self._source)
        except RecursionError:
            self._comp = None
            self._jimpl = _JsonschemaImpl(self._source)

    @property
    def schema(self) -> Any:
        return self._source.schema

    @property
    def compiled(self) -> bool:
        """True when the schema runs on the generated fast path (not on ``jsonschema``)."""
        return self._jimpl is None

    def is_valid(self, instance: Any) -> bool:
        try:
            if self._jimpl is not None:
                return self._jimpl.is_valid(instance)
            return self._fast(instance) >= 0
        except RecursionError:
            return False

    def iter_errors(self, instance: Any) -> Iterator[ErrorDetail]:
        try:
            if self._jimpl is not None:
                yield from self._jimpl.iter_errors(instance)
                return
            if self._fast(instance) >= 0:
                return
            found = False
            for e in _Errors(self._ctx).iter(self._source.schema, instance, self._root_res,
                                             (), (), True):
                found = True
                yield e
            if not found:  # pragma: no cover - the two paths agree (tested)
                yield ErrorDetail((), "schema", "instance is invalid")
        except RecursionError:
            yield _DEPTH

    def validate(self, instance: Any) -> None:
        if self.is_valid(instance):
            return
        errors = sorted(self.iter_errors(instance), key=lambda e: (len(e.location), e.keyword))
        if errors:
            raise ValidationError(errors)

    def validate_json(self, raw: bytes | str) -> Any:
        """JSON text -> the value, or ``ValidationError`` / ``DecodeError``."""
        self._install_json()
        return self.validate_json(raw)

    def check_json(self, raw: bytes | bytearray | memoryview | str) -> tuple[Any, bool]:
        """Parse strictly and validate in one pass: ``(value, is_valid)``. Raises
        ``DecodeError`` for text that is not (acceptable) JSON.

        Duplicate keys are the one thing the C decoders hide (the last one wins): the
        compiled code returns the number of strings (keys included) in the value, and the
        text holds ``2 * strings + escaped quotes`` quote characters; a dropped member only
        adds to the text's side, so equality proves nothing was lost. Anything else goes
        through ``loads``. For the strict subset a typed ``msgspec`` decoder checks most
        keywords while parsing (see ``_Typed``)."""
        self._install_json()
        return self.check_json(raw)

    def _install_json(self) -> None:
        """Build the bytes -> verdict code on first use and bind ``check_json`` and
        ``validate_json`` on the instance to it (no per-call dispatch)."""
        general = self._check_general
        validate = self.validate

        def validate_general(raw: Any) -> Any:
            value, ok = general(raw)
            if not ok:
                validate(value)
            return value

        check, check_validate = general, validate_general
        if self._jimpl is None:
            self._counter()
            if not _INEXACT_INTS:
                try:
                    check, check_validate = _Typed(self._ctx, self._root_res).build(
                        general, validate_general)
                    self._typed = True
                except (_NotTyped, RecursionError):
                    pass
        self.check_json = check  # type: ignore[method-assign]
        self.validate_json = check_validate  # type: ignore[method-assign]

    def _check_general(self, raw: Any) -> tuple[Any, bool]:
        """``check_json`` without the typed decoder."""
        if self._jimpl is not None:
            value = loads(raw)
            return value, self.is_valid(value)
        counted = self._counter()
        t = type(raw)
        if t is not bytes and t is not str:
            if not isinstance(raw, (bytes, bytearray, memoryview, str)):
                raise TypeError(f"expected bytes or str, got {t.__name__}")
            raw = bytes(raw) if not isinstance(raw, str) else str(raw)
        try:
            value = _decode(raw)
        except Exception:  # noqa: BLE001 - the exact path says what is wrong
            value = loads(raw)
            return value, self.is_valid(value)
        if _INEXACT_INTS and _inexact(raw):
            value = loads(raw)
            return value, self.is_valid(value)
        try:
            q = counted(value)
        except RecursionError:
            return loads(raw), False
        if q >= 0:
            if raw.count('"' if t is str else b'"') == q + q:
                return value, True
            return loads(raw), True  # proves no duplicate key (or raises DecodeError)
        return loads(raw), False

    def _counter(self) -> Any:
        if self._counted is None:
            comp = self._ccomp = _Compiler(self._ctx, json_only=True)
            name = comp.function(self._source.schema, self._root_res, True, (), True)
            comp.flush()
            self._counted = comp.ns[name]
        return self._counted

    def is_valid_at(self, subschema: Any, instance: Any) -> bool:
        """Whether ``instance`` matches ``subschema`` with refs resolved against this root."""
        try:
            if self._jimpl is not None:
                return self._jimpl.is_valid_at(subschema, instance)
            entry = self._at.get(id(subschema))
            if entry is None or entry[0] is not subschema:
                try:
                    assert self._comp is not None
                    name = self._comp.function(subschema, self._root_res, False, ())
                    self._comp.flush()
                    fn = self._comp.ns[name]
                except _Unsupported:
                    j = _JsonschemaImpl(self._source)
                    fn = lambda x: 0 if j.is_valid_at(subschema, x) else -1
                entry = self._at[id(subschema)] = (subschema, fn)
            return entry[1](instance) >= 0
        except RecursionError:
            return False

    def source_code(self) -> str:
        """The generated Python source (for debugging and tests)."""
        return "\n".join(self._comp.source_lines) if self._comp else ""

    def __repr__(self) -> str:
        return f"Validator({self._source.schema!r})"[:200]
