"""The error interpreter: walks the same semantics as the generated code on an invalid
instance and records every error with its instance and schema paths."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from ._errors import ErrorDetail, _shown_first
from ._paths import Location, json_path
from ._vcodegen import _pattern_error
from ._vruntime import _FORMATS, _Ctx, _Enum, _is_type, _isnum, _json_eq, _multiple, _short, _unique

# -- the error interpreter ----------------------------------------------------------------


def _search(rx: Any, text: str, what: str, loc: Location, sloc: Location) -> bool:
    """``rx.search(text)``; a pattern that cannot be run on ``text`` raises
    ``UnsafePatternError`` at the pattern's place in the schema, naming where ``text`` is."""
    from ._regex import UnsafePatternError

    try:
        return rx.search(text)
    except UnsafePatternError as exc:
        if exc.location:
            raise
        raise UnsafePatternError(f"{exc.message}; {what} at {json_path(loc)}", sloc) from None


def _unlocated(exc: Exception) -> bool:
    """An ``UnsafePatternError`` raised by a search, not yet placed in the schema."""
    from ._regex import UnsafePatternError

    return isinstance(exc, UnsafePatternError) and not exc.location


class _Errors:
    """Collects every error (with instance and schema paths) for an invalid instance."""

    def __init__(self, ctx: _Ctx, fast: Any = None) -> None:
        self.ctx = ctx
        # fast(s, res, entered) -> (x -> int, negative when invalid): the generated check of
        # a subschema, used to skip every valid subtree (only invalid paths are interpreted)
        self.fast = fast

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
        if self.fast is not None:
            try:
                if self.fast(s, res, entered)(x) >= 0:
                    return
            except ValueError as exc:  # a pattern it cannot run: found and placed below
                if not _unlocated(exc):
                    raise
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
                raise _pattern_error(s["pattern"], exc, (*sloc, "pattern")) from None
            if not _search(rx, x, "the string", loc, (*sloc, "pattern")):
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
                    raise _pattern_error(p, exc, (*sloc, "patternProperties", p)) from None
            extras = []
            for k, v in x.items():
                matched = k in props
                for p, rx in compiled:
                    if _search(rx, k, "a property name of the object", loc,
                               (*sloc, "patternProperties", p)):
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


def best_match(errors: Iterable[ErrorDetail]) -> ErrorDetail | None:
    """The error to show first (see ``_shown_first``); what ``ValidationError.errors``
    starts with."""
    return min(errors, key=_shown_first, default=None)
