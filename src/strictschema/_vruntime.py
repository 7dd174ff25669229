"""Runtime helpers shared by the generated validator code and the error interpreter:
JSON type tests, JSON equality, enum sets, exact ``multipleOf``, and the compile context."""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction
from numbers import Number
from typing import Any

from ._formats import FORMAT_CHECKS
from ._json import _BIG_INTS_EXACT, _fast_decode, _has_bigint_float
from ._load import Source, referencing_spec
from ._paths import Location

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
    # JSON-equal hashable values are equal in Python too (Python only adds true == 1 and
    # false == 0), so items Python tells apart are unique; anything else is settled exactly
    try:
        if len(set(x)) == len(x):
            return True
    except TypeError:  # objects or arrays among the items
        pass
    try:
        return len({_freeze(v) for v in x}) == len(x)
    except TypeError:  # unhashable exotic values: quadratic but exact
        return not any(_json_eq(a, b) for a, b in itertools.combinations(x, 2))


def _decimal(x: Any) -> Fraction:
    if isinstance(x, float):
        return Fraction(Decimal(repr(x)))
    return Fraction(x)


def _ratio(x: Any) -> tuple[int, int]:
    """``x`` as ``(numerator, denominator)``, a float read as the decimal its ``repr``
    writes (the JSON text it came from). Raises for NaN and infinities."""
    if type(x) is int:
        return x, 1
    if type(x) is float:
        text = repr(x)
        if "e" not in text and "n" not in text:  # "-12.375": digits over a power of ten
            whole, _, frac = text.partition(".")
            return int(whole + frac), 10 ** len(frac)
    return _decimal(x).as_integer_ratio()


_DIVISORS: dict[float, tuple[int, int]] = {}
"""``multipleOf`` values (from schemas: a bounded set) already read by ``_ratio``."""


def _multiple(x: Any, m: Any) -> bool:
    if type(x) is int and type(m) is int:
        return x % m == 0
    try:
        if x != x or x in (float("inf"), float("-inf")):  # noqa: PLR0124 - NaN
            return False
        xn, xd = _ratio(x)
        if type(m) is float:
            mr = _DIVISORS.get(m)
            if mr is None:
                mr = _DIVISORS[m] = _ratio(m)
            mn, md = mr
        else:
            mn, md = _ratio(m)
        return (xn * md) % (xd * mn) == 0  # (xn / xd) / (mn / md) is an integer
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


def _delimiters_are(raw: Any, quotes: int, expected: int) -> bool:
    """Whether the JSON text ``raw`` (one the decoder accepted, so backslashes only occur
    as escapes inside strings), holding ``quotes`` quote characters, has exactly
    ``expected`` string delimiters: for when ``quotes`` is not that, the difference may be
    escaped quotes.

    A quote after a run of backslashes is escaped when the run is odd (escapes pair left to
    right). When every backslash is followed by a quote (JSON text inside a string), or no
    quote follows two backslashes (a Windows path), every run before a quote is one
    backslash and the escaped quotes are the ``\\"`` pairs: two or three scans. Otherwise,
    with every escaped backslash (``\\\\``) set aside, each remaining backslash escapes the
    next character."""
    t = type(raw)
    if t is bytes:
        backslash, escaped, deep, pair, quote, none = (
            b"\\", b'\\"', b'\\\\"', b"\\\\", b'"', b"")
    elif t is str:
        backslash, escaped, deep, pair, quote, none = "\\", '\\"', '\\\\"', "\\\\", '"', ""
    else:
        return False
    escapes = raw.count(escaped)
    if escapes and escapes != raw.count(backslash) and deep in raw:
        raw = raw.replace(pair, none)
        quotes, escapes = raw.count(quote), raw.count(escaped)
    return quotes - escapes == expected


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


_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "default",
                          "deprecated", "readOnly", "writeOnly"})


_BASIC = frozenset({str, int, float, bool, type(None), list, dict})
