"""Property: for random source schemas built from every shape-changing construct,

1. the compiled wire schema passes the profile's checker and is valid JSON Schema;
2. any wire output decodes to data valid under the ORIGINAL schema (for a lossy compile:
   or is rejected by ``validate_wire``, which enforces what the wire could not carry);
3. that data encodes to a value the wire schema accepts, and decodes back to itself.

Wire outputs are drawn by a deliberately tiny generator for the strict subset (closed objects,
all keys required, anyOf, type [T, null], enum/const, arrays, $ref), independent of
``strictschema.strategies`` so that the compiler is checked by code that does not share it.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import strictschema
from _helpers import only_nulls_added
from strictschema._compile._check import check_strict
from strictschema._compile._merge import json_equal

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["a", "b", "c"]))
NAMES = st.sampled_from(["a", "b", "c", "d", "e"])

LEAVES = st.one_of(
    st.just({"type": "string"}),
    st.just({"type": "integer", "minimum": 0}),
    st.just({"type": "number"}),
    st.just({"type": "boolean"}),
    st.just({"type": ["string", "null"]}),
    st.just({"type": ["integer", "string"]}),
    st.just({}),
    st.lists(SCALARS, min_size=1, max_size=4, unique_by=lambda v: json.dumps(v)).map(
        lambda vs: {"enum": vs}),
    SCALARS.map(lambda v: {"const": v}),
    st.just({"enum": [{"k": 1}, [1, 2], "s"]}),
    st.just({"$ref": "#"}),  # root recursion (A23)
)


def _object(children: st.SearchStrategy) -> st.SearchStrategy:
    @st.composite
    def build(draw: st.DrawFn) -> dict:
        props = draw(st.dictionaries(NAMES, children, min_size=1, max_size=3))
        required = [n for n in props if draw(st.booleans())]
        return {"type": "object", "properties": props, "required": required}
    return build()


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        _object(children),
        children.map(lambda c: {"type": "object", "additionalProperties": c}),
        children.map(lambda c: {"type": "array", "items": c}),
        st.lists(children, min_size=2, max_size=3).map(
            lambda cs: {"type": "array", "prefixItems": cs, "items": False}),
        st.lists(children, min_size=2, max_size=3).map(lambda cs: {"anyOf": cs}),
        st.tuples(_object(children), _object(children)).map(
            lambda ab: {"allOf": [ab[0], {"properties": ab[1]["properties"]}]}),
        st.just({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
        st.tuples(NAMES, st.sampled_from(["x", "y"]), children).map(
            lambda t: {"oneOf": [
                {"type": "object", "properties": {"kind": {"const": t[1]}, t[0] + "1": t[2]},
                 "required": ["kind"]},
                {"type": "object", "properties": {"kind": {"const": t[1] + "z"}},
                 "required": ["kind"]}]}),
    )


SCHEMAS = st.recursive(LEAVES, _extend, max_leaves=8)


def wire_values(node: Any, root: dict, depth: int = 0,
                cache: dict | None = None) -> st.SearchStrategy:
    """Values valid under a strict wire schema (no pattern/format/length keywords).

    Strategies are memoised per (node, depth bucket) so recursion through ``$ref`` builds a
    finite graph; from depth 5 on, the generator takes the way out: null where allowed, the
    non-recursive anyOf branch, empty arrays.
    """
    cache = {} if cache is None else cache
    deep = depth >= 5
    key = (id(node), min(depth, 5))
    if key in cache:
        return cache[key]
    cache[key] = st.deferred(lambda: built)
    built = _build(node, root, depth, cache, deep)
    cache[key] = built
    return built


def _build(node: Any, root: dict, depth: int, cache: dict, deep: bool) -> st.SearchStrategy:
    if "$ref" in node:
        ref = node["$ref"]
        target = root if ref == "#" else root["$defs"][ref.removeprefix("#/$defs/")]
        return wire_values(target, root, depth + 1, cache)
    if "anyOf" in node:
        branches = node["anyOf"]
        if deep:
            branches = [b for b in branches if "$ref" not in b] or branches
        return st.one_of([wire_values(b, root, depth + 1, cache) for b in branches])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if "const" in node:
        return st.just(node["const"])
    types = node["type"] if isinstance(node["type"], list) else [node["type"]]
    if deep and "null" in types:
        return st.none()
    options = []
    for t in types:
        if t == "null":
            options.append(st.none())
        elif t == "boolean":
            options.append(st.booleans())
        elif t == "integer":
            options.append(st.integers(node.get("minimum", -10), node.get("maximum", 10)))
        elif t == "number":
            options.append(st.floats(-10, 10, allow_nan=False) | st.integers(-10, 10))
        elif t == "string":
            if node.get("description", "").endswith("JSON text of the value."):
                options.append(st.recursive(SCALARS, lambda c: st.lists(c, max_size=2),
                                            max_leaves=3).map(json.dumps))
            else:
                options.append(st.text(alphabet="abc", max_size=3))
        elif t == "array":
            items = wire_values(node["items"], root, depth + 1, cache)
            lo = node.get("minItems", 0)
            hi = node.get("maxItems", lo if deep else 3)
            if node["items"].get("properties", {}).keys() == {"key", "value"}:  # map entries
                options.append(st.lists(items, min_size=lo, max_size=hi,
                                        unique_by=lambda e: e["key"]))
            else:
                options.append(st.lists(items, min_size=lo, max_size=hi))
        elif t == "object":
            options.append(st.fixed_dictionaries(
                {k: wire_values(v, root, depth + 1, cache)
                 for k, v in node["properties"].items()}))
    return st.one_of(options)


@settings(max_examples=int(__import__("os").environ.get("SS_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(schema=SCHEMAS, data=st.data())
def test_compile_decode_encode_roundtrip(schema: dict, data: st.DataObject) -> None:
    try:
        c = strictschema.compile(schema)
    except strictschema.UnsupportedSchemaError as exc:
        # only unsatisfiable schemas may be refused (e.g. allOf of conflicting consts)
        assert {d.code for d in exc.diagnostics} <= {"unsatisfiable", "no_finite_value"}, exc
        event("refused: unsatisfiable")
        return
    except strictschema.SchemaError as exc:
        # a $ref that loops back without consuming the instance is undefined in JSON Schema
        assert "never end" in str(exc), exc
        event("refused: $ref loop")
        return
    wire_schema = c.schema
    for code in sorted({d.code for d in c.diagnostics}):
        event(code)
    event("identity codec" if c._codec.identity else "codec changes shape")
    assert check_strict(wire_schema) == []
    jsonschema.Draft202012Validator.check_schema(wire_schema)
    wire_validator = jsonschema.Draft202012Validator(wire_schema)
    w = data.draw(wire_values(wire_schema, wire_schema), label="wire output")
    assert wire_validator.is_valid(w)
    if c.exact:
        x = c.validate_wire(w)  # decodes and checks against the ORIGINAL schema
    else:  # a lossy compile: the validator enforces what the wire schema could not carry
        try:
            x = c.validate_wire(w)
        except strictschema.ValidationError:
            event("lossy: output rejected client-side")
            return
    jsonschema.Draft202012Validator(c.source).validate(x)  # the oracle agrees
    again = c.encode(x)
    assert wire_validator.is_valid(again)
    back = c.decode(again)
    if not json_equal(back, x):  # only the documented absent -> null of optional+nullable
        assert any(d.code == "optional_nullable_merged" for d in c.diagnostics)
        assert only_nulls_added(x, back)
        event("optional+nullable: absent came back as null")
    assert json_equal(c.validate_json(json.dumps(w)), x)
