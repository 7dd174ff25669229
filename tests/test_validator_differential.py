"""Differential property tests: ``strictschema.Validator`` against ``jsonschema`` (the oracle).

Random 2020-12 schemas (every keyword the compiler specialises, ``$ref`` recursion through
``$defs`` included) and random instances; the verdicts must agree. Documented exceptions,
kept out of the generated space on purpose:

- regex dialect: ``jsonschema`` runs ``pattern`` with Python ``re``; strictschema is ECMA-262.
  Patterns here only use syntax both read the same way on the generated alphabet.
- format strictness: ``jsonschema``'s own format checkers differ (some need optional
  packages); the oracle is given strictschema's nine checkers, so only the keyword plumbing
  is compared (the checkers themselves are tested against the official suite).
- ``multipleOf`` with a decimal divisor: strictschema divides the decimal values the JSON
  text wrote (``19.99`` is a multiple of ``0.01``), ``jsonschema`` divides binary floats.
  Divisors here are integers or powers of two, where both are exact.

Each example also checks the routes of the one judge against each other: ``is_valid`` iff
no errors, the text routes (``check_json``, ``is_valid_json``, ``errors_json``) and push mode
give the value route's verdict and errors.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strictschema import DecodeError, ValidationError, Validator
from strictschema._validate._formats import FORMAT_CHECKS

ALPHABET = st.sampled_from(list('abcxyz019 -_:@.AZ"\\') + ["é", "ж", "\U0001F600"])
KEYS = st.sampled_from(["a", "b", "c", "ab", "x1", "é", "n", 'q"', "\\"])
PATTERNS = st.sampled_from(["^a", "b", "^[a-c]+$", "x|y", "^[0-9]{2}", "z$", "^(ab)+$",
                            "[^a]", "é"])
SCALARS = (st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from([0.0, 1.0, 2.5, -0.5])
           | st.integers(2**63, 2**70) | st.text(ALPHABET, max_size=5))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12)
TYPES = st.sampled_from(["null", "boolean", "integer", "number", "string", "array", "object"])

LEAVES = st.one_of(
    st.just({}), st.just(True), st.just(False),
    TYPES.map(lambda t: {"type": t}),
    st.lists(TYPES, min_size=1, max_size=3, unique=True).map(lambda ts: {"type": ts}),
    st.lists(SCALARS | st.just([1]) | st.just({"a": 1}), min_size=1, max_size=4).map(
        lambda vs: {"enum": vs}),
    (SCALARS | st.just([1, True]) | st.just({"a": [1.0]})).map(lambda v: {"const": v}),
    st.fixed_dictionaries({"type": st.just("string")}, optional={
        "minLength": st.integers(0, 3), "maxLength": st.integers(0, 4), "pattern": PATTERNS,
        "format": st.sampled_from(sorted(FORMAT_CHECKS))}),
    st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["integer", "number"]), "minimum": st.integers(-3, 3),
        "maximum": st.sampled_from([0, 2, 2.5, 2**64]), "exclusiveMinimum": st.integers(-3, 3),
        "exclusiveMaximum": st.sampled_from([1, 3.5]),
        "multipleOf": st.sampled_from([1, 2, 3, 0.5, 0.25])}),
    st.just({"$ref": "#/$defs/tree"}), st.just({"$ref": "#/$defs/leaf"}),
)


def _extend(inner):
    obj = st.fixed_dictionaries({}, optional={
        "type": st.just("object"),
        "properties": st.dictionaries(KEYS, inner, max_size=3),
        "required": st.lists(KEYS, max_size=3, unique=True),
        "additionalProperties": inner,
        "patternProperties": st.dictionaries(PATTERNS, inner, max_size=2),
        "propertyNames": st.fixed_dictionaries({"maxLength": st.integers(1, 2)}),
        "minProperties": st.integers(0, 2), "maxProperties": st.integers(0, 3),
        "dependentRequired": st.dictionaries(KEYS, st.lists(KEYS, max_size=2, unique=True),
                                             max_size=2),
        "dependentSchemas": st.dictionaries(KEYS, inner, max_size=1),
    })
    arr = st.fixed_dictionaries({}, optional={
        "type": st.just("array"), "items": inner,
        "prefixItems": st.lists(inner, min_size=1, max_size=2), "contains": inner,
        "minContains": st.integers(0, 2), "maxContains": st.integers(1, 3),
        "minItems": st.integers(0, 2), "maxItems": st.integers(0, 4),
        "uniqueItems": st.booleans(),
    })
    comb = st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"anyOf": xs}),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"oneOf": xs}),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"allOf": xs}),
        inner.map(lambda x: {"not": x}),
        st.tuples(inner, inner, inner).map(lambda t: {"if": t[0], "then": t[1], "else": t[2]}),
        inner.map(lambda x: {"allOf": [x], "$ref": "#/$defs/leaf"}),
    )
    return obj | arr | comb


SCHEMAS = st.recursive(LEAVES, _extend, max_leaves=8).map(lambda s: {
    "$defs": {
        "tree": {"type": "object", "properties": {
            "v": {"type": ["integer", "string"]},
            "kids": {"type": "array", "items": {"$ref": "#/$defs/tree"}}},
            "required": ["v"], "additionalProperties": False},
        "leaf": {"anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}]},
    },
    **({"allOf": [s]} if not isinstance(s, dict) else s)})

_HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much]


def _quick_and_slow(quick: int, slow: int, *strategies):
    """Two tests of one property: ``quick`` examples by default, ``slow`` under
    ``--run-slow``."""
    def make(fn):
        def one(n: int):
            return settings(max_examples=n, deadline=None, suppress_health_check=_HEALTH)(
                given(*strategies)(fn))
        return one(quick), pytest.mark.slow(one(slow))
    return make


CHECKER = jsonschema.FormatChecker(formats=())
for _name, _fn in FORMAT_CHECKS.items():
    CHECKER.checks(_name)(_fn)


def _instances(schema: dict):
    tree = st.recursive(
        st.fixed_dictionaries({"v": st.integers(0, 3) | st.text(ALPHABET, max_size=2)}),
        lambda kids: st.fixed_dictionaries({"v": st.integers(0, 3),
                                            "kids": st.lists(kids, max_size=3)}),
        max_leaves=6)
    return VALUES | tree | st.fixed_dictionaries({"a": VALUES}, optional={"b": tree})


def _agrees_with_jsonschema(schema: dict, data) -> None:
    ours = Validator(schema)
    oracle = jsonschema.Draft202012Validator(schema, format_checker=CHECKER)
    for _ in range(4):
        instance = data.draw(_instances(schema))
        expected = oracle.is_valid(instance)
        got = ours.is_valid(instance)
        assert got == expected, (schema, instance, list(ours.iter_errors(instance)))
        errors = list(ours.iter_errors(instance))
        assert (not errors) == got
        for e in errors:
            assert e.keyword and e.message and "\n" not in e.message
            assert e.json_path.startswith("$")
        text = json.dumps(instance)
        value, fused = ours.check_json(text)
        assert fused == expected and value == instance
        assert ours.is_valid_json(text.encode()) == expected
        assert _where(ours.errors_json(text)) == _where(errors)
        assert _pushed(ours, text.encode(), data) == expected


test_agrees_with_jsonschema, test_agrees_with_jsonschema_more = _quick_and_slow(
    300, 1500, SCHEMAS, st.data())(_agrees_with_jsonschema)


def _where(errors) -> list:
    """Errors without their messages: a text route echoes a number as the text wrote it
    (``1e+300``), the value route writes its own form (``1e300``)."""
    return [(e.location, e.keyword, e.schema_location) for e in errors]


def _pushed(ours: Validator, raw: bytes, data) -> bool:
    """The push-mode verdict: ``raw`` fed in random chunks, then ``finish()``."""
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(raw)), max_size=6))))
    p = ours.push()
    try:
        last = 0
        for c in [*cuts, len(raw)]:
            p.feed(raw[last:c])
            last = c
        p.finish()
    except ValidationError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(SCHEMAS, st.data())
def test_is_valid_at_agrees_with_a_validator_of_the_subschema(schema: dict, data) -> None:
    ours = Validator(schema)
    sub = schema["$defs"]["tree"]
    instance = data.draw(_instances(schema))
    assert ours.is_valid_at(sub, instance) == jsonschema.Draft202012Validator(
        {**sub, "$defs": schema["$defs"]}).is_valid(instance)


# -- the strict subset: JSON text variants against the oracle and the stdlib parser ---------

ENUM_POOL = ["a", "b", "", None, True, False, 0, 1, 1.0, -1, 2**63, 0.5, [1], {"a": 1}]
ENUM_LEAVES = st.fixed_dictionaries(
    {"enum": st.lists(st.sampled_from(ENUM_POOL), min_size=1, max_size=4)}, optional={
        "type": st.sampled_from(["string", "null", "boolean", "integer", "number",
                                 ["string", "null"], ["integer", "null"],
                                 ["boolean", "null"], ["number", "string"]]),
        "const": st.sampled_from(ENUM_POOL)})
"""``enum`` (and ``const``) of mixed values under a type, a type list or none."""

STRICT_LEAVES = st.one_of(
    ENUM_LEAVES,
    st.sampled_from([{"type": "boolean"}, {"type": "null"}, {"type": "string"},
                     {"type": ["string", "null"]}, {"type": ["integer", "null"]}]),
    st.fixed_dictionaries({"type": st.just("string")}, optional={
        "minLength": st.integers(0, 3), "maxLength": st.integers(0, 4), "pattern": PATTERNS,
        "format": st.sampled_from(sorted(FORMAT_CHECKS))}),
    st.lists(st.text(ALPHABET, max_size=3), min_size=1, max_size=4).map(
        lambda vs: {"type": "string", "enum": vs}),
    st.fixed_dictionaries({"type": st.sampled_from(["integer", "number"])}, optional={
        "minimum": st.integers(-3, 3), "maximum": st.sampled_from([0, 2, 2.5, 2**64]),
        "exclusiveMinimum": st.sampled_from([-1, 0.5]),
        "exclusiveMaximum": st.sampled_from([1, 3.5]),
        "multipleOf": st.sampled_from([1, 2, 0.5])}),
    st.just({"$ref": "#/$defs/kv"}),
)
LOOSE_LEAVES = [
    {"anyOf": [{"type": "string", "maxLength": 2}, {"type": "string", "pattern": "^a"}]},
    {"oneOf": [{"type": "integer"}, {"minimum": 2}]},
    {"type": "object", "minProperties": 1},
    {"not": {"type": "string"}},
    {"type": "array", "items": {"type": "integer"}, "uniqueItems": True},
    {"anyOf": [{"$ref": "#/$defs/kv"}, {"type": "object", "properties": {
        "k": {"type": "integer"}}, "required": ["k"], "additionalProperties": False}]},
]
"""Unions, ``not``, ``uniqueItems``, ``minProperties`` inside strict objects."""
MERGED_LEAVES = [
    {"anyOf": [{"type": "string", "const": "x"}, {"const": "ab"}, {"enum": ["x", "c"]}]},
    {"anyOf": [{"type": "string", "description": "one"}, {"type": "string"}]},
    {"anyOf": [{"type": "array", "items": {"$ref": "#/$defs/kv"}, "title": "a"},
               {"type": "array", "items": {"$ref": "#/$defs/kv"}, "title": "b"}]},
    {"anyOf": [{"const": True}, {"const": 1}]},  # not one branch: true != 1
]
"""``anyOf`` branches that are one branch (alike but for annotations) or one ``enum`` of
strings."""
STRICT_LEAVES = STRICT_LEAVES | st.sampled_from(LOOSE_LEAVES + MERGED_LEAVES)


def _strict_extend(inner):
    obj = st.dictionaries(KEYS, inner, min_size=1, max_size=3).map(lambda p: {
        "type": "object", "properties": p, "required": list(p), "additionalProperties": False})
    arr = st.fixed_dictionaries({"type": st.just("array"), "items": inner}, optional={
        "minItems": st.integers(0, 2), "maxItems": st.integers(0, 3)})
    nullable = inner.map(lambda s: {"anyOf": [s, {"type": "null"}]})
    return obj | arr | nullable


STRICT_SCHEMAS = st.recursive(STRICT_LEAVES, _strict_extend, max_leaves=6).map(lambda s: {
    **s, "$defs": {"kv": {"type": "object", "properties": {"k": {"type": "string"}},
                          "required": ["k"], "additionalProperties": False}}})


def _near(schema: dict, defs: dict):
    """Instances shaped like ``schema`` (often valid, often just off)."""
    if "$ref" in schema:
        return _near(defs["kv"], defs)
    if "anyOf" in schema:
        return st.one_of([_near(b, defs) for b in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(ENUM_POOL) | st.sampled_from([1.5, "c", -0.0, 2**64])
    t = schema.get("type")
    if isinstance(t, list):
        return st.one_of([_near({**schema, "type": one}, defs) for one in t])
    if t == "object" and "properties" not in schema:
        return st.dictionaries(KEYS, SCALARS, max_size=3)
    if t == "object":
        props = schema["properties"]
        base = st.fixed_dictionaries({k: _near(v, defs) for k, v in props.items()})
        return base | st.tuples(base, KEYS, SCALARS).map(lambda t: {**t[0], t[1]: t[2]})
    if t == "array":  # short and long arrays
        return st.lists(_near(schema["items"], defs), max_size=4) | st.lists(
            _near(schema["items"], defs), min_size=16, max_size=17)
    if t == "string":
        vals = schema.get("enum", [])
        return st.sampled_from(vals) | st.text(ALPHABET, max_size=5) if vals else st.text(
            ALPHABET, max_size=5) | st.sampled_from(["2024-02-29", "a@b.co", "AZ", "ab"])
    if t in ("integer", "number"):
        return st.integers(-4, 4) | st.sampled_from([0.5, 1.0, 2.5, -0.0, 2**64, 1e300])
    return SCALARS


def _dumps_variants(instance, data) -> str:
    text = json.dumps(instance, ensure_ascii=data.draw(st.booleans()))
    if data.draw(st.booleans()) and text.startswith("{") and len(text) > 2:  # a duplicate
        key = data.draw(KEYS)
        text = "{" + json.dumps(key) + ": 1, " + text[1:]
    if "\\\\" not in text and data.draw(st.integers(0, 3)) == 3:
        text = text.replace('\\"', "\\u0022")  # the same text, no quote character in it
    return text


def _stdlib(text: str):
    """The value per the standard library, or ``DecodeError`` for a duplicate key."""
    def pairs(items: list) -> dict:
        keys = [k for k, _ in items]
        if len(set(keys)) != len(keys):
            raise DecodeError("duplicate key", None)
        return dict(items)

    return json.loads(text, object_pairs_hook=pairs)


def _agrees(ours: Validator, oracle, instance, data) -> None:
    """``instance`` as JSON text (variants: a duplicate key, ``\\u0022``, bytes or str): the
    value is the standard library's (int stays int, 1.0 stays float, the same key order), the
    verdict the oracle's, on every text route and in push mode; a duplicate key is a
    ``DecodeError`` on all of them."""
    text = _dumps_variants(instance, data)
    raw = text.encode() if data.draw(st.booleans()) else text
    try:
        expected = _stdlib(text)
    except DecodeError:
        for route in (ours.check_json, ours.validate_json, ours.is_valid_json,
                      ours.errors_json):
            with pytest.raises(DecodeError, match="duplicate"):
                route(raw)
        # push mode may fail sooner: at a value no continuation can make valid
        with pytest.raises((DecodeError, ValidationError)) as info:
            p = ours.push()
            p.feed(raw)
            p.finish()
        assert isinstance(info.value, ValidationError) or "duplicate" in str(info.value)
        return
    got = ours.check_json(raw)
    assert got[0] == expected
    assert repr(got[0]) == repr(expected)
    valid = oracle.is_valid(expected)
    assert got[1] == valid, (text, list(ours.iter_errors(expected)))
    assert ours.is_valid(expected) == valid
    assert ours.is_valid_json(raw) == valid
    errors = ours.errors_json(raw)
    assert (not errors) == valid
    assert _where(errors) == _where(ours.iter_errors(expected))
    assert _pushed(ours, text.encode(), data) == valid


def _strict_subset_agrees(schema: dict, data) -> None:
    ours = Validator(schema)
    oracle = jsonschema.Draft202012Validator(schema, format_checker=CHECKER)
    for _ in range(4):
        instance = data.draw(_near(schema, schema["$defs"]) | VALUES)
        _agrees(ours, oracle, instance, data)


_LEAF_INSTANCES = ["ab", "abc", "xyz", "a", "", 1, 2, 2.0, 1.5, {}, {"k": "x"}, {"k": 1},
                   {"k": "x", "z": 1}, [1, 2], [1, 1], None, True, "x", "c"]


test_strict_subset_agrees_with_the_oracle, test_strict_subset_agrees_more = _quick_and_slow(
    250, 1000, STRICT_SCHEMAS, st.data())(_strict_subset_agrees)


@pytest.mark.parametrize("leaf", LOOSE_LEAVES + MERGED_LEAVES)
def test_union_and_merged_leaves_in_strict_objects_agree_with_the_oracle(leaf: dict) -> None:
    schema = {"type": "object", "properties": {"a": leaf, "b": {"type": "string"}},
              "required": ["a", "b"], "additionalProperties": False,
              "$defs": {"kv": {"type": "object", "properties": {"k": {"type": "string"}},
                               "required": ["k"], "additionalProperties": False}}}
    ours = Validator(schema)
    oracle = jsonschema.Draft202012Validator(schema, format_checker=CHECKER)
    for a in _LEAF_INSTANCES:
        instance = {"a": a, "b": "s"}
        text = json.dumps(instance)
        valid = oracle.is_valid(instance)
        assert ours.check_json(text) == (instance, valid), instance
        assert ours.is_valid(instance) is valid
        assert _where(ours.errors_json(text)) == _where(ours.iter_errors(instance))


# -- tagged unions: anyOf over closed objects told apart by a discriminator --------------------

_TAGS = ["p", "q", "r", "s", "t"]
_NODE = {"$ref": "#/$defs/node"}
_BRANCH_PROPS = st.one_of(
    STRICT_LEAVES, st.just({"type": "array", "items": _NODE}), st.just(_NODE),
    st.just({"type": "array", "items": {"$ref": "#/$defs/kv"}}))


_LITERALS = ["a", "b", "", None, True, False, 0, 1, -1]


@st.composite
def _tagged_schemas(draw) -> dict:
    """A recursive tree through ``$defs/node``: ``anyOf`` over 2-3 closed objects with a
    ``kind`` discriminator (``enum`` or ``const``, sometimes overlapping), shared and own
    properties, sometimes a ``null`` branch or the discriminator missing from a branch."""
    n = draw(st.integers(1, 3))  # one branch: a recursive object
    shared = draw(st.dictionaries(st.sampled_from(["id", "a"]), STRICT_LEAVES, max_size=2))
    branches = []
    overlap = draw(st.integers(0, 4)) == 4
    for i in range(n):
        tags = (draw(st.lists(st.sampled_from(_TAGS), min_size=1, max_size=2, unique=True))
                if overlap else [_TAGS[i]] + draw(st.sampled_from([[], [f"w{i}"]])))
        kind = ({"type": "string", "const": tags[0]} if draw(st.booleans())
                else {"type": "string", "enum": tags})
        own = draw(st.dictionaries(st.sampled_from([f"o{i}", f"p{i}", "c", "kids"]),
                                   _BRANCH_PROPS, max_size=3))
        if draw(st.booleans()):  # enums that differ from branch to branch
            own["e"] = {"enum": draw(st.lists(st.sampled_from(_LITERALS), min_size=1,
                                              max_size=3))}
        props = {"kind": kind, **shared, **own}
        if draw(st.integers(0, 19)) == 19:
            del props["kind"]
        branches.append({"$ref": f"#/$defs/b{len(branches)}"})
        branches[-1] = {"type": "object", "properties": props, "required": list(props),
                        "additionalProperties": False} if draw(st.booleans()) else branches[-1]
        branches[-1]["_props"] = props
    defs: dict = {"kv": {"type": "object", "properties": {"k": {"type": "string"}},
                         "required": ["k"], "additionalProperties": False}}
    anyof = []
    for i, b in enumerate(branches):
        props = b.pop("_props")
        full = {"type": "object", "properties": props, "required": list(props),
                "additionalProperties": False}
        if "$ref" in b:
            defs[f"b{i}"] = full
            anyof.append(b)
        else:
            anyof.append(full)
    if draw(st.booleans()):
        anyof.append({"type": "null"})
    defs["node"] = {"anyOf": anyof}
    if len(anyof) == 1 and "$ref" not in anyof[0] and draw(st.integers(0, 3)):
        defs["node"] = anyof[0]  # a recursive object, no union
    return {"type": "object", "properties": {"root": _NODE}, "required": ["root"],
            "additionalProperties": False, "$defs": defs}


def _tagged_instance(schema: dict, data, depth: int = 0):
    defs = schema["$defs"]
    node = defs["node"]
    branches = [defs[b["$ref"].rsplit("/", 1)[1]] if "$ref" in b else b
                for b in node.get("anyOf", [node]) if b.get("type") != "null"]
    if depth > 2 or data.draw(st.integers(0, 9)) == 9:
        return data.draw(st.none() | SCALARS | st.just({}))
    b = data.draw(st.sampled_from(branches))
    other = data.draw(st.sampled_from(branches))
    out = {}
    for k, sub in b["properties"].items():
        if k == "kind":  # often the branch's own tag, else any
            own = sub.get("enum") or [sub.get("const")]
            out[k] = data.draw(st.sampled_from(own) | st.sampled_from(_TAGS + ["w0", "w1", 1]))
        elif k == "e":
            out[k] = data.draw(st.sampled_from(_LITERALS + [1.0, 2]))
        elif sub == _NODE:
            out[k] = _tagged_instance(schema, data, depth + 1)
        elif sub.get("items") == _NODE:
            out[k] = [_tagged_instance(schema, data, depth + 1)
                      for _ in range(data.draw(st.integers(0, 3)))]
        else:
            out[k] = data.draw(_near(sub, defs))
    mutate = data.draw(st.integers(0, 7))
    if mutate == 5:  # a key of another branch
        for k in other["properties"]:
            if k not in out and k != "kind":
                out[k] = data.draw(SCALARS)
                break
    elif mutate == 6 and out:  # a missing key
        out.pop(data.draw(st.sampled_from(sorted(out))))
    elif mutate == 7:  # an unknown key
        out["zz"] = data.draw(SCALARS)
    if data.draw(st.booleans()):  # another key order
        items = list(out.items())
        out = dict(data.draw(st.permutations(items)))
    return out


def _tagged_unions_agree(schema: dict, data) -> None:
    ours = Validator(schema)
    oracle = jsonschema.Draft202012Validator(schema, format_checker=CHECKER)
    for _ in range(4):
        _agrees(ours, oracle, {"root": _tagged_instance(schema, data)}, data)


test_tagged_unions_agree_with_the_oracle, test_tagged_unions_agree_more = _quick_and_slow(
    150, 600, _tagged_schemas(), st.data())(_tagged_unions_agree)


# -- objects with the same keys, differing only in which properties may be null -------------

_VARIANT_PROPS = st.sampled_from([
    {"type": "string"}, {"type": "integer", "minimum": 0}, {"type": "number"},
    {"type": "boolean"}, {"type": "string", "enum": ["x", "y"]},
    {"type": "string", "pattern": "^a"}, {"type": "array", "items": {"type": "string"}},
    {"$ref": "#/$defs/kv"}])


def _nullable(s: dict, style: int) -> dict:
    if style == 0 or "type" not in s or s["type"] == "array":
        return {"anyOf": [s, {"type": "null"}], "description": "may be null"}
    out = {**s, "type": [s["type"], "null"]}
    if "enum" in s:
        out["enum"] = [*s["enum"], None]
    return out


@st.composite
def _variant_schemas(draw) -> dict:
    props = draw(st.dictionaries(KEYS, _VARIANT_PROPS, min_size=1, max_size=4))
    branches = []
    for _ in range(draw(st.integers(2, 3))):
        nulls = draw(st.sets(st.sampled_from(sorted(props))))
        branches.append({"type": "object", "properties": {
            k: _nullable(v, draw(st.integers(0, 1))) if k in nulls else v
            for k, v in props.items()}, "required": list(props), "additionalProperties": False})
    return {"type": "object", "properties": {"v": {"anyOf": branches}}, "required": ["v"],
            "additionalProperties": False,
            "$defs": {"kv": {"type": "object", "properties": {"k": {"type": "string"}},
                             "required": ["k"], "additionalProperties": False}}}


def _nullable_variants_agree(schema: dict, data) -> None:
    """``anyOf`` over objects with the same keys that differ only in which properties may be
    null."""
    ours = Validator(schema)
    oracle = jsonschema.Draft202012Validator(schema, format_checker=CHECKER)
    branch = schema["properties"]["v"]["anyOf"][0]
    for _ in range(4):
        value = data.draw(st.fixed_dictionaries({
            k: st.none() | _near(s, schema["$defs"]) if "anyOf" not in s else st.none()
            | _near(s["anyOf"][0], schema["$defs"])
            for k, s in branch["properties"].items()}) | VALUES)
        _agrees(ours, oracle, {"v": value}, data)


test_nullable_variants_agree_with_the_oracle, test_nullable_variants_agree_more = (
    _quick_and_slow(100, 400, _variant_schemas(), st.data())(_nullable_variants_agree))
