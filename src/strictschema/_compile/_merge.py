"""Schema algebra on working schemas: exact ``allOf`` merges and ``oneOf`` disjointness proofs.

A working schema (``_nodes``) is a node of the schema model in keyword form, its subschemas
node numbers (``Sub``), so a merge never resolves a reference, and a merged subschema keeps
the resource it came from. ``merge(a, b)`` returns a schema accepting exactly the instances
both accept, plus the list of ``(keyword, value)`` constraints of ``b`` it could not fold in
(those remain enforced by the validator, which always judges against the original schema).
"""

from __future__ import annotations

import math
from typing import Any

from ._nodes import Sub, json_equal, json_type, look

__all__ = [
    "ARRAY_KW", "NUMBER_KW", "OBJECT_KW", "STRING_KW",
    "json_equal", "json_type", "merge", "provably_disjoint", "schema_types",
]

STRING_KW = frozenset({"pattern", "format", "minLength", "maxLength", "contentEncoding",
                       "contentMediaType", "contentSchema"})
NUMBER_KW = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                       "multipleOf"})
OBJECT_KW = frozenset({"properties", "required", "additionalProperties", "patternProperties",
                       "propertyNames", "minProperties", "maxProperties", "dependentRequired",
                       "dependentSchemas", "unevaluatedProperties", "dependencies"})
ARRAY_KW = frozenset({"items", "prefixItems", "additionalItems", "contains", "minContains",
                      "maxContains", "minItems", "maxItems", "uniqueItems", "unevaluatedItems"})
_FAMILY = {"string": STRING_KW, "number": NUMBER_KW, "integer": NUMBER_KW,
           "object": OBJECT_KW, "array": ARRAY_KW}
ALL_TYPES = ("object", "array", "string", "number", "integer", "boolean", "null")


def scalar_ok(schema: dict, value: Any) -> bool:
    """Whether a scalar ``value`` meets ``schema``'s own string/number keywords (used to drop
    enum/const members that can never be valid)."""
    from .._validate._formats import FORMAT_CHECKS
    from .._validate._regex import compile_pattern

    t = json_type(value)
    if t in ("integer", "number"):
        if "minimum" in schema and value < schema["minimum"]:
            return False
        if "maximum" in schema and value > schema["maximum"]:
            return False
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            return False
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            return False
        m = schema.get("multipleOf")
        if isinstance(m, (int, float)) and m > 0:
            q = value / m
            if math.isfinite(q) and q != int(q):
                return False
    elif t == "string":
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get(
                "maxLength", math.inf):
            return False
        if "pattern" in schema:
            try:
                if not compile_pattern(schema["pattern"]).search(value):
                    return False
            except ValueError:
                return True
        check = FORMAT_CHECKS.get(schema.get("format", ""))
        if check is not None and not check(value):
            return False
    return True


def _types(schema: dict) -> set[str] | None:
    t = schema.get("type")
    if t is None:
        return None
    ts = {t} if isinstance(t, str) else set(t)
    if "number" in ts:
        ts.add("integer")
    return ts


def schema_types(schema: Any) -> set[str]:
    """Over-approximation of the JSON types a (dereferenced) schema accepts."""
    if schema is True or not isinstance(schema, dict):
        return set() if schema is False else set(ALL_TYPES)
    result = set(ALL_TYPES)
    declared = _types(schema)
    if declared is not None:
        result &= declared
    if "const" in schema:
        result &= {json_type(schema["const"])} | (
            {"number"} if json_type(schema["const"]) == "integer" else set())
    if isinstance(schema.get("enum"), list):
        vt = {json_type(v) for v in schema["enum"]}
        if "integer" in vt:
            vt.add("number")
        result &= vt
    return result


def _values(schema: dict) -> list | None:
    if "const" in schema:
        return [schema["const"]]
    if isinstance(schema.get("enum"), list):
        return schema["enum"]
    return None


def provably_disjoint(a: Any, b: Any) -> bool:
    """True when no instance can match both (dereferenced) schemas. False means 'unknown'."""
    a, b = look(a), look(b)
    if a is False or b is False:
        return True
    if not isinstance(a, dict) or not isinstance(b, dict):
        return False
    ta, tb = schema_types(a), schema_types(b)
    if not (ta & tb):
        return True
    va, vb = _values(a), _values(b)
    if va is not None and vb is not None and not any(json_equal(x, y) for x in va for y in vb):
        return True
    if ta & tb <= {"object"} or (ta & tb == {"object"}):
        pa, pb = a.get("properties", {}), b.get("properties", {})
        ra, rb = set(a.get("required", [])), set(b.get("required", []))
        for name in ra & rb:
            sa, sb = look(pa.get(name)), look(pb.get(name))
            if isinstance(sa, dict) and isinstance(sb, dict) and provably_disjoint(sa, sb):
                return True
        # a closed object cannot carry a key the other requires
        for x, y, rx in ((a, b, ra), (b, a, rb)):
            if x.get("additionalProperties") is False and not x.get("patternProperties"):
                allowed = set(x.get("properties", {}))
                if set(y.get("required", [])) - allowed and schema_types(x) <= {"object"} \
                        and schema_types(y) <= {"object"}:
                    return True
    return False


def _lcm_multiple(x: Any, y: Any) -> Any | None:
    if isinstance(x, int) and isinstance(y, int):
        return x * y // math.gcd(x, y)
    if x == y:
        return x
    big, small = (x, y) if x >= y else (y, x)
    ratio = big / small
    return big if ratio == int(ratio) else None


_TIGHTER_MAX = {"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties",
                "minContains"}
_TIGHTER_MIN = {"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties",
                "maxContains"}
_ANNOTATIONS = {"title", "description", "default", "examples", "$comment", "readOnly",
                "writeOnly", "deprecated", "$id", "$schema", "$anchor", "discriminator"}


def merge(a: dict, b: dict) -> tuple[dict, list[tuple[str, Any]]]:
    """Merge two dereferenced source schemas (no ``$ref`` at top level) as ``allOf``."""
    out = dict(a)
    lost: list[tuple[str, Any]] = []
    tuples = "prefixItems" in a or "prefixItems" in b
    for kw, vb in b.items():
        if kw in ("properties", "additionalProperties", "patternProperties"):
            continue  # merged together below: each key gets what both sides apply to it
        if tuples and kw in ("prefixItems", "items"):
            continue  # merged together below: each position gets what both sides apply
        if kw not in out:
            out[kw] = vb
            continue
        va = out[kw]
        if kw in _ANNOTATIONS:
            continue  # first wins
        if kw == "type":
            ta = {va} if isinstance(va, str) else set(va)
            tb = {vb} if isinstance(vb, str) else set(vb)
            both = set()
            for t in ta:
                for u in tb:
                    if t == u:
                        both.add(t)
                    elif {t, u} == {"integer", "number"}:
                        both.add("integer")
            out[kw] = sorted(both, key=ALL_TYPES.index) if len(both) != 1 else both.pop()
            if out[kw] == []:
                out[kw] = []  # empty: unsatisfiable, reported by the compiler
        elif kw == "required":
            out[kw] = list(dict.fromkeys([*va, *vb]))
        elif kw == "dependentSchemas":
            merged = dict(va)
            for name, sb in vb.items():
                merged[name] = {"allOf": [merged[name], sb]} if name in merged else sb
            out[kw] = merged
        elif kw in ("items", "contains", "propertyNames", "additionalItems"):
            out[kw] = va if json_equal(va, vb) else {"allOf": [va, vb]}
        elif kw in ("anyOf", "oneOf"):
            if json_equal(va, vb):
                continue
            if len(va) * len(vb) <= 64:
                out["anyOf" if kw == "anyOf" else kw] = [
                    {"allOf": [x, y]} for x in va for y in vb]
            else:
                lost.append((kw, vb))
        elif kw == "enum":
            out[kw] = [x for x in va if any(json_equal(x, y) for y in vb)]
        elif kw == "const":
            if not json_equal(va, vb):
                out["enum"] = []  # unsatisfiable
                del out["const"]
        elif kw in _TIGHTER_MAX:
            out[kw] = max(va, vb)
        elif kw in _TIGHTER_MIN:
            out[kw] = min(va, vb)
        elif kw == "multipleOf":
            m = _lcm_multiple(va, vb)
            if m is None:
                lost.append((kw, vb))
            else:
                out[kw] = m
        elif kw == "uniqueItems":
            out[kw] = bool(va or vb)
        elif kw == "dependentRequired":
            merged = dict(va)
            for k, v in vb.items():
                merged[k] = list(dict.fromkeys([*merged.get(k, []), *v]))
            out[kw] = merged
        elif json_equal(va, vb):
            continue
        else:
            lost.append((kw, vb))
    if "enum" in out and "const" in out:
        c = out.pop("const")
        out["enum"] = [x for x in out["enum"] if json_equal(x, c)]
    if any(k in side for side in (a, b) for k in
           ("properties", "additionalProperties", "patternProperties")):
        _merge_object_members(a, b, out, lost)
    if tuples:
        _merge_array_members(a, b, out)
    return out, lost


def _merge_array_members(a: dict, b: dict, out: dict) -> None:
    """prefixItems / items of ``allOf[a, b]``: position ``i`` must satisfy each side's
    ``prefixItems[i]``, or else that side's ``items``; later positions both ``items``. A
    position no value satisfies (``false``) caps the length there."""
    pa, pb = a.get("prefixItems") or [], b.get("prefixItems") or []
    ia, ib = a.get("items", True), b.get("items", True)
    def meet(x: Any, y: Any) -> Any:
        if isinstance(x, (dict, Sub)) and isinstance(y, (dict, Sub)) and \
                provably_disjoint(x, y):
            return False
        return _both(x, y)

    prefix = [meet(pa[i] if i < len(pa) else ia, pb[i] if i < len(pb) else ib)
              for i in range(max(len(pa), len(pb)))]
    rest = meet(ia, ib)
    if False in prefix:
        cut = prefix.index(False)
        prefix, rest = prefix[:cut], False
    if rest is False:
        out["maxItems"] = min(out.get("maxItems", len(prefix)), len(prefix))
    out.pop("items", None)
    out.pop("prefixItems", None)
    if prefix:
        out["prefixItems"] = prefix
    if rest is not True and rest != {}:
        out["items"] = rest


def _both(x: Any, y: Any) -> Any:
    """The schema for a value that must satisfy x and y (booleans folded)."""
    if x is True or x == {}:
        return y
    if y is True or y == {}:
        return x
    if x is False or y is False:
        return False
    return x if json_equal(x, y) else {"allOf": [x, y]}


def _merge_object_members(a: dict, b: dict, out: dict, lost: list) -> None:
    """properties / patternProperties / additionalProperties of ``allOf[a, b]``.

    A key named by either side's ``properties`` must satisfy what *each* side applies to it:
    that side's property schema, or else its ``additionalProperties``. Keys named by neither
    must satisfy both ``additionalProperties``.
    """
    pa, pb = a.get("properties") or {}, b.get("properties") or {}
    xa, xb = a.get("additionalProperties", True), b.get("additionalProperties", True)
    pat_a, pat_b = a.get("patternProperties") or {}, b.get("patternProperties") or {}
    out.pop("patternProperties", None)
    if pat_a or pat_b:
        # Pattern keys interact with the other side's additionalProperties in ways one
        # object cannot carry unless the other side leaves additional keys unconstrained.
        if (pat_a and pat_b) or xa is not True or xb is not True:
            out["properties"] = {**pa, **{k: _both(pa.get(k, True), v) for k, v in pb.items()}}
            if pat_a:
                out["patternProperties"] = pat_a
            if xa is not True:
                out["additionalProperties"] = xa
            lost.append(("patternProperties", pat_b or pat_a))
            return
        out["patternProperties"] = pat_a or pat_b
    props: dict[str, Any] = {}
    for name in dict.fromkeys([*pa, *pb]):
        props[name] = _both(pa.get(name, xa if not pat_a else True),
                            pb.get(name, xb if not pat_b else True))
    out["properties"] = props
    extra = _both(xa, xb)
    if extra is True:
        out.pop("additionalProperties", None)
    else:
        out["additionalProperties"] = extra


def applicable(kw: str, t: str) -> bool:
    """Whether a type-specific keyword constrains instances of JSON type ``t``."""
    for family_type, family in _FAMILY.items():
        if kw in family:
            return t == family_type or (family_type in ("number", "integer")
                                        and t in ("number", "integer"))
    return True
