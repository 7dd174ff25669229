"""``strictschema.Validator``: exact semantics, errors, bytes in, and every route of the one
judge (Python values, JSON text with and without the value, push mode) agreeing."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import strictschema
from strictschema import DecodeError, ErrorDetail, SchemaError, ValidationError, Validator
from strictschema._validate._validator import best_match


def _all_routes(v: Validator, raw: bytes | str) -> tuple[object, bool]:
    """``(value, valid)`` as every route of ``v`` gives it, after checking they agree: the
    value route (``is_valid``/``iter_errors`` on the parsed value), the text routes
    (``check_json``, ``check_json_errors``, ``is_valid_json``, ``errors_json``,
    ``validate_json``) and push mode fed one byte at a time, then ``finish()``."""
    value, valid = v.check_json(raw)
    parsed, errors = v.check_json_errors(raw)
    assert parsed == value and (errors is None) is valid
    assert v.is_valid(value) is valid
    assert v.is_valid_json(raw) is valid
    assert v.errors_json(raw) == (errors or [])
    assert list(v.iter_errors(value)) == (errors or [])
    data = raw.encode() if isinstance(raw, str) else bytes(raw)
    p = v.push()
    try:
        for i in range(len(data)):
            p.feed(data[i:i + 1])
        assert p.finish() == value
        pushed = True
    except ValidationError:
        pushed = False
    assert pushed is valid
    if valid:
        assert v.validate_json(raw) == value
    else:
        with pytest.raises(ValidationError) as info:
            v.validate_json(raw)
        assert list(info.value.errors) == errors
    return value, valid


def _where(errors: object) -> list[tuple[object, str, object]]:
    return [(e.location, e.keyword, e.schema_location) for e in errors]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("schema", "text"), [
    ({"type": "object"}, "1.5"), ({"type": "object"}, "0.1"),
    ({"exclusiveMaximum": 2.5}, "2.5"), ({"enum": ["a", 1]}, "1.5"),
])
def test_float_messages_agree_across_routes(schema: dict, text: str) -> None:
    v = Validator(schema)
    assert list(v.iter_errors(json.loads(text))) == v.errors_json(text)

# -- the semantics that must be exact --------------------------------------------------------


def test_one_point_zero_is_an_integer() -> None:
    v = Validator({"type": "integer"})
    assert v.is_valid(1.0)
    assert v.is_valid(10**30)
    assert not v.is_valid(1.5)
    assert not v.is_valid(True)
    assert v.validate_json(b"1.0") == 1.0


def test_draft4_integer_excludes_floats() -> None:
    v = Validator({"$schema": "http://json-schema.org/draft-04/schema#", "type": "integer"})
    assert not v.is_valid(1.0)
    assert v.is_valid(1)


def test_booleans_are_not_numbers() -> None:
    v = Validator({"type": "number"})
    assert not v.is_valid(True)
    assert not v.is_valid(False)
    assert v.is_valid(0)
    assert not Validator({"minimum": 0, "type": ["number", "boolean"]}).is_valid(-1)
    assert Validator({"minimum": 0, "type": ["number", "boolean"]}).is_valid(False)


@pytest.mark.parametrize(("schema", "ok", "bad"), [
    ({"enum": [1]}, [1, 1.0], [True, "1", [1]]),
    ({"enum": [True]}, [True], [1, 1.0]),
    ({"enum": [0]}, [0, 0.0, -0.0], [False, None]),
    ({"const": [1, {"a": 1.0}]}, [[1.0, {"a": 1}]], [[True, {"a": 1}], [1, {"a": True}]]),
    ({"const": None}, [None], [0, False, ""]),
    ({"enum": [{"a": [1]}]}, [{"a": [1.0]}], [{"a": [True]}, {"a": [1], "b": 1}]),
])
def test_enum_and_const_use_json_equality(schema, ok, bad) -> None:
    v = Validator(schema)
    for x in ok:
        assert v.is_valid(x), x
    for x in bad:
        assert not v.is_valid(x), x


def test_unique_items_use_json_equality() -> None:
    v = Validator({"uniqueItems": True})
    assert not v.is_valid([1, 1.0])
    assert v.is_valid([1, True])
    assert v.is_valid([0, False])
    assert not v.is_valid([{"a": 1}, {"a": 1.0}])
    assert v.is_valid([[1], [True]])
    assert not v.is_valid(["a", "a"])


def test_lengths_count_code_points() -> None:
    v = Validator({"type": "string", "minLength": 2, "maxLength": 2})
    assert not v.is_valid("\U0001F600")  # one code point (two UTF-16 units)
    assert v.is_valid("\U0001F600\U0001F600")
    assert v.is_valid("é!")


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**20, 10**20),
                 st.decimals(-1000, 1000, places=3).map(float)),
       st.sampled_from([0.01, 0.1, 0.5, 0.25, 1e-8, 1.5, 3, 7, 2.5e-5, 1e20]))
def test_multiple_of_agrees_with_exact_decimal_arithmetic(x: float, m: float) -> None:
    """``multipleOf`` divides the decimal values (a float's ``repr``, the number as written
    in the JSON text): the same answer as exact decimal arithmetic, on every route."""
    from decimal import Decimal
    from fractions import Fraction

    exact = (Fraction(Decimal(repr(x))) / Fraction(Decimal(repr(m)))).denominator == 1
    v = Validator({"multipleOf": m})
    assert v.is_valid(x) is exact
    assert v.is_valid_json(json.dumps(x)) is exact


def test_multiple_of_uses_decimal_values() -> None:
    v = Validator({"multipleOf": 0.01})
    assert v.is_valid(19.99)
    assert v.is_valid(0.07)
    assert not v.is_valid(0.005)
    assert Validator({"multipleOf": 3}).is_valid(10**40 * 3)
    assert not Validator({"multipleOf": 0.1}).is_valid(0.15)


@pytest.mark.parametrize(("text", "ok"), [
    ("0.1", True), ("0.10000000000000000001", True), ("0.09999999999999999999", False),
    ("0.09999999999999999", False), ("0.2", True), ("0.3", False),
    ("0.29999999999999999999", True), ("0.30000000000000000001", False), ("1e-1", True),
    ("3e-1", False), ("2.9999999999999999999e-1", True),
])
def test_bounds_compare_the_decimals_as_written(text: str, ok: bool) -> None:
    """A number and a bound that round to the same double are told apart by their decimals
    (0.1 and 0.10000000000000000001 are one double); doubles that differ order them."""
    v = Validator({"type": "number", "minimum": 0.1, "exclusiveMaximum": 0.3})
    assert v.is_valid_json(text) is ok
    assert (not v.errors_json(text)) is ok
    assert Validator({"type": "array", "items": v.schema}).is_valid_json(f"[{text}, 0.2]") is ok


def test_big_integers_compare_exactly() -> None:
    v = Validator({"maximum": 18446744073709551615})
    assert v.validate_json(b"18446744073709551615") == 18446744073709551615
    with pytest.raises(ValidationError):
        v.validate_json(b"18446744073709551616")
    assert Validator({"const": 2**64 + 1}).is_valid(2**64 + 1)
    assert not Validator({"const": 2**64 + 1}).is_valid(float(2**64 + 1))


def test_pattern_is_ecma() -> None:
    v = Validator({"patternProperties": {r"^\d+$": {"type": "integer"}},
                   "additionalProperties": False})
    assert v.is_valid({"12": 1})
    assert not v.is_valid({"١٢": 1})
    assert not v.is_valid({"12": "x"})


def test_formats_are_asserted() -> None:
    v = Validator({"type": "string", "format": "date-time"})
    assert v.is_valid("2024-02-29T10:00:00Z")
    assert not v.is_valid("2023-02-29T10:00:00Z")


# -- errors ---------------------------------------------------------------------------------

SCHEMA = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": {
            "type": "object",
            "properties": {"sku": {"type": "string", "pattern": "^[A-Z]{3}$"},
                           "qty": {"type": "integer", "minimum": 1}},
            "required": ["sku", "qty"], "additionalProperties": False}},
        "kind": {"oneOf": [{"const": "a"}, {"const": "b"}]},
    },
    "required": ["items", "kind"],
}


def test_every_error_with_paths() -> None:
    v = Validator(SCHEMA)
    instance = {"items": [{"sku": "ABC", "qty": 1}, {"sku": "abc", "qty": 0, "x": 1},
                          {"sku": "ABC"}], "kind": "c"}
    errors = list(v.iter_errors(instance))
    got = {(e.json_path, e.keyword) for e in errors}
    assert got == {("$.items[1].sku", "pattern"), ("$.items[1].qty", "minimum"),
                   ("$.items[1]", "additionalProperties"), ("$.items[2]", "required"),
                   ("$.kind", "oneOf")}
    for e in errors:
        assert isinstance(e, ErrorDetail)
        assert "\n" not in e.message
        assert e.schema_path.startswith("$")
    sku = next(e for e in errors if e.keyword == "pattern")
    assert sku.schema_location == ("properties", "items", "items", "properties", "sku",
                                   "pattern")
    with pytest.raises(ValidationError) as exc:
        v.validate(instance)
    assert len(exc.value.errors) == 5
    assert str(exc.value).endswith("(and 4 more errors)")
    assert " - at $" in str(exc.value)


def test_best_match_prefers_shallow_specific_errors() -> None:
    v = Validator(SCHEMA)
    errors = list(v.iter_errors({"items": [{"sku": "abc", "qty": 1}], "kind": "c"}))
    best = best_match(errors)
    assert best is not None and best.keyword == "oneOf" and best.json_path == "$.kind"
    errors = list(v.iter_errors({"items": [{"sku": "abc", "qty": 1}]}))
    assert best_match(errors).keyword == "required"
    assert best_match([]) is None


def test_validation_error_shows_the_best_match_first() -> None:
    """At the same depth a specific error comes before an ``anyOf``/``oneOf`` summary,
    though "anyOf" sorts before "required": the message is the specific one."""
    v = Validator({"type": "object", "properties": {"a": {"type": "string"}},
                   "required": ["a"], "anyOf": [{"required": ["b"]}, {"required": ["c"]}]})
    with pytest.raises(ValidationError) as info:
        v.validate({"x": 1})
    keywords = [e.keyword for e in info.value.errors]
    assert keywords == ["required", "anyOf"]
    assert info.value.keyword == "required" and '"a" is a required property' in str(info.value)
    assert best_match(info.value.errors) is info.value.errors[0]


def test_any_of_error_says_which_branch_was_closest() -> None:
    v = Validator({"anyOf": [{"type": "object", "required": ["a"]}, {"type": "string"}]})
    [error] = list(v.iter_errors({"b": 1}))
    assert error.keyword == "anyOf"
    assert error.message == ('{"b": 1} is not valid under any of the given schemas (closest: '
                             'branch 0: "a" is a required property - at $)')


def test_validation_error_from_validate_json() -> None:
    v = Validator(SCHEMA)
    with pytest.raises(ValidationError) as exc:
        v.validate_json(b'{"items": [{"sku": "AB", "qty": 2}], "kind": "a"}')
    assert exc.value.json_path == "$.items[0].sku"
    assert exc.value.keyword == "pattern"


# -- bytes in -------------------------------------------------------------------------------


def test_validate_json_returns_exact_data() -> None:
    v = Validator({"type": "object", "additionalProperties": {"type": "integer"}})
    assert v.validate_json(b'{"a": 123456789012345678901234567890}') == {
        "a": 123456789012345678901234567890}
    assert v.validate_json('{"a": 1}') == {"a": 1}
    assert v.validate_json(bytearray(b'{"a": 1}')) == {"a": 1}


@pytest.mark.parametrize("raw", [
    b'{"a": 1, "a": 2}', b'{"b": {"a": 1, "a": "x"}}', b'{"a": 1, "b": 2, "a": 1}',
    b'{"a\\"": 1, "a\\"": 1}', b'{"s": "\\"", "s": "x"}',
])
def test_duplicate_keys_are_refused_on_the_fused_path(raw: bytes) -> None:
    for schema in ({}, {"type": "object"},
                   {"type": "object", "properties": {"a": {}, "b": {}, "s": {}}},
                   {"type": "object", "additionalProperties": True}):
        v = Validator(schema)
        with pytest.raises(DecodeError, match="duplicate"):
            v.validate_json(raw)
        with pytest.raises(DecodeError, match="duplicate"):
            v.check_json(raw)


def test_closed_object_with_a_duplicate_is_refused() -> None:
    v = Validator({"type": "object", "properties": {"a": {"type": "integer"},
                                                    "b": {"type": "string"}},
                   "required": ["a", "b"], "additionalProperties": False})
    assert v.validate_json(b'{"a": 1, "b": "x"}') == {"a": 1, "b": "x"}
    with pytest.raises(DecodeError, match="duplicate"):
        v.validate_json(b'{"a": 1, "b": "x", "a": 2}')
    with pytest.raises(DecodeError, match="duplicate"):
        v.validate_json(b'{"a": 1, "b": "x", "b": "y"}')
    assert v.validate_json(b'{"a": 1, "b": "say \\"hi\\": ok"}')["b"] == 'say "hi": ok'


@pytest.mark.parametrize("raw", [b"NaN", b'{"a": Infinity}', b'"\\ud800"', b"[1e999]",
                                 b'{"a": 1', b""])
def test_not_json_is_a_decode_error(raw: bytes) -> None:
    with pytest.raises(DecodeError):
        Validator({}).validate_json(raw)


def test_deep_instances_fail_cleanly() -> None:
    tree = {"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"}}},
            "$ref": "#/$defs/n"}
    v = Validator(tree)
    deep: list = []
    cur = deep
    for _ in range(50_000):
        nxt: list = []
        cur.append(nxt)
        cur = nxt
    assert v.is_valid(deep) is False
    [error] = list(v.iter_errors(deep))
    assert error.keyword == "depth"
    assert "deeper than 512" in error.message
    # deeper than MAX_DEPTH is refused on every route, whatever the schema (the text
    # routes say so with a DecodeError)
    assert Validator({}).is_valid(deep) is False
    with pytest.raises(DecodeError, match="nested deeper than 512"):
        v.validate_json("[" * 100_000 + "]" * 100_000)
    text = "[" * 400 + "]" * 400
    assert v.validate_json(text) == json.loads(text)
    assert _all_routes(v, text) == (json.loads(text), True)


@pytest.mark.slow
def test_a_100_mb_output_passes_or_fails_cleanly() -> None:
    """A 100 MB output (1,120,000 invoice lines) through both bytes -> value routes: the
    typed path when it is valid; every error, with its path, when two lines deep inside are
    not."""
    line = {"sku": "AKZ-1490", "description": "Stainless steel widget", "quantity": 24,
            "unit_price": 4.82}
    item = {"type": "object", "properties": {
        "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
        "description": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1},
        "unit_price": {"type": "number", "minimum": 0}},
        "required": list(line), "additionalProperties": False}
    schema = {"type": "object", "properties": {"lines": {"type": "array", "items": item}},
              "required": ["lines"], "additionalProperties": False}
    n = 1_120_000
    raw = json.dumps({"lines": [line] * n}, separators=(",", ":")).encode()
    assert len(raw) > 100_000_000
    v = Validator(schema)
    assert len(v.validate_json(raw)["lines"]) == n
    assert len(strictschema.compile(schema).validate_json(raw)["lines"]) == n
    at = raw.index(b'"quantity":24', len(raw) // 2)
    bad = raw[:at] + b'"quantity":0' + raw[at + len(b'"quantity":24'):]
    bad = bad.replace(b'"AKZ-1490"', b'"AKZ-149"', 1)
    with pytest.raises(ValidationError) as caught:
        v.validate_json(bad)
    assert sorted(e.json_path for e in caught.value.errors) == [
        "$.lines[0].sku", f"$.lines[{raw.count(b'{', 0, at) - 2}].quantity"]


# -- structure ------------------------------------------------------------------------------


def test_recursive_refs() -> None:
    v = Validator({"$defs": {"node": {"type": "object", "properties": {
        "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}},
        "v": {"type": "integer"}}, "additionalProperties": False}},
        "$ref": "#/$defs/node"})
    assert v.is_valid({"v": 1, "kids": [{"v": 2, "kids": [{"v": 3}]}]})
    assert not v.is_valid({"v": 1, "kids": [{"v": 2, "kids": [{"v": "3"}]}]})
    [error] = list(v.iter_errors({"kids": [{"kids": [{"v": "3"}]}]}))
    assert error.json_path == "$.kids[0].kids[0].v"


def test_is_valid_at_resolves_against_the_root() -> None:
    schema = {"$defs": {"s": {"type": "string"}},
              "properties": {"a": {"anyOf": [{"$ref": "#/$defs/s"}, {"type": "null"}]}}}
    v = Validator(schema)
    branch = v.schema["properties"]["a"]["anyOf"][0]
    assert v.is_valid_at(branch, "x")
    assert not v.is_valid_at(branch, 1)
    assert v.is_valid_at({"$ref": "#/$defs/s"}, "y")


def test_unevaluated_properties_run_on_the_core() -> None:
    v = Validator({"properties": {"a": {}}, "unevaluatedProperties": False})
    assert v.compiled
    assert v.is_valid({"a": 1})
    assert not v.is_valid({"a": 1, "b": 2})
    assert [e.keyword for e in v.iter_errors({"b": 1})] == ["unevaluatedProperties"]
    assert v.validate_json(b'{"a": 1}') == {"a": 1}
    with pytest.raises(DecodeError):
        v.validate_json(b'{"a": 1, "a": 1}')


def test_dangling_ref_is_a_typed_error_on_load() -> None:
    from strictschema import RefResolutionError

    with pytest.raises(RefResolutionError, match="cannot be resolved") as info:
        Validator({"anyOf": [{"type": "null"}, {"$ref": "#/$defs/missing"}]})
    assert isinstance(info.value, SchemaError)
    assert info.value.json_path == "$.anyOf[1]['$ref']"


def test_python_data_of_other_types() -> None:
    from collections import OrderedDict, defaultdict

    v = Validator({"type": "object", "properties": {"a": {"type": "integer"}},
                   "required": ["a"], "additionalProperties": False})
    assert v.is_valid(OrderedDict(a=1))
    dd: defaultdict = defaultdict(int)
    assert not v.is_valid(dd)
    assert dict(dd) == {}
    assert not v.is_valid((1, 2))
    assert not Validator({"type": "array"}).is_valid((1, 2))


def test_compiled_validate_json_checks_dropped_constraints() -> None:
    schema = {"type": "object", "properties": {
        "name": {"type": "string", "minLength": 3},
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True}},
        "required": ["name", "tags"], "additionalProperties": False}
    c = strictschema.compile(schema)
    assert c.validate_json(b'{"name": "abc", "tags": ["x", "y"]}') == {"name": "abc",
                                                                      "tags": ["x", "y"]}
    with pytest.raises(ValidationError) as exc:
        c.validate_json(b'{"name": "ab", "tags": ["x", "x"]}')
    assert {e.keyword for e in exc.value.errors} == {"minLength", "uniqueItems"}
    with pytest.raises(DecodeError):
        c.validate_json(b'{"name": "abc", "tags": [], "name": "abd"}')


def test_compiled_validate_json_with_a_codec() -> None:
    c = strictschema.compile({"type": "object", "properties": {
        "a": {"type": "integer"}, "b": {"type": "string", "default": "z"}},
        "required": ["a"]})
    assert c.validate_json(b'{"a": 1, "b": null}') in ({"a": 1}, {"a": 1, "b": "z"})
    with pytest.raises(ValidationError):
        c.validate_json(b'{"a": "x", "b": null}')


# -- strict-subset schemas: every route gives the same verdicts --------------------------------

_STRICT = {
    "type": "object",
    "properties": {
        "i": {"type": "integer", "minimum": 0, "maximum": 150},
        "n": {"type": "number", "exclusiveMaximum": 2.5},
        "s": {"type": "string", "pattern": "^[A-Z]{2}-\\d$", "maxLength": 4},
        "e": {"type": "string", "enum": ["a", "b", "é"]},
        "f": {"type": "string", "format": "date"},
        "o": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "t": {"type": ["integer", "null"], "multipleOf": 3},
        "l": {"type": "array", "items": {"$ref": "#/$defs/kv"}, "maxItems": 2},
        "b": {"type": "boolean"},
    },
    "required": ["i", "n", "s", "e", "f", "o", "t", "l", "b"],
    "additionalProperties": False,
    "$defs": {"kv": {"type": "object", "properties": {"k": {"type": "string"}},
                     "required": ["k"], "additionalProperties": False}},
}
_OK = {"i": 1, "n": 2, "s": "AB-1", "e": "é", "f": "2024-02-29", "o": None, "t": 9,
       "l": [{"k": "x"}], "b": True}


def test_strict_subset_values_are_exact() -> None:
    v = Validator(_STRICT)
    raw = json.dumps(_OK).encode()
    assert v.check_json(raw) == (_OK, True)
    assert _all_routes(v, raw) == (_OK, True)
    value = v.validate_json(raw)
    assert value == _OK and type(value["n"]) is int  # the value the untyped decoder gives
    assert v.validate_json(json.dumps(_OK)) == _OK
    assert type(v.validate_json(raw.replace(b'"n": 2', b'"n": 2.0'))["n"]) is float


@pytest.mark.parametrize(("change", "valid"), [
    ({"i": 1.0}, True),  # an integer
    ({"i": 151}, False), ({"i": True}, False), ({"i": 10**30}, False),
    ({"n": 2.5}, False), ({"n": -(10**30)}, True), ({"n": "1"}, False),
    ({"s": "AB-12"}, False), ({"s": "ab-1"}, False), ({"s": "AB-1\n"}, False),
    ({"e": "c"}, False), ({"e": "E"}, False), ({"f": "2023-02-29"}, False),
    ({"o": "x"}, True), ({"o": 1}, False), ({"t": None}, True), ({"t": 4}, False),
    ({"t": 6.0}, True), ({"l": []}, True), ({"l": [{"k": "a"}] * 3}, False),
    ({"l": [{"k": "a", "z": 1}]}, False), ({"l": [{}]}, False), ({"b": 0}, False),
])
def test_strict_subset_verdicts_on_every_route(change: dict, valid: bool) -> None:
    v = Validator(_STRICT)
    instance = {**_OK, **change}
    raw = json.dumps(instance).encode()
    assert v.check_json(raw) == (instance, valid)
    assert _all_routes(v, raw) == (instance, valid)
    assert v.is_valid(instance) is valid
    if not valid:
        with pytest.raises(ValidationError):
            v.validate_json(raw)


@pytest.mark.parametrize("raw", [
    (b'{"i": 1, "i": 2, "n": 2, "s": "AB-1", "e": "a", "f": "2024-01-01", "o": null, '
    b'"t": 3, "l": [], "b": true}'),
    (b'{"i": 1, "n": 2, "s": "AB-1", "e": "a", "f": "2024-01-01", "o": null, "t": 3, '
    b'"l": [{"k": "x", "k": "y"}], "b": true}'),
])
def test_strict_subset_refuses_duplicates(raw: bytes) -> None:
    v = Validator(_STRICT)
    for route in (v.validate_json, v.check_json, v.check_json_errors, v.is_valid_json,
                  v.errors_json):
        with pytest.raises(DecodeError, match="duplicate"):
            route(raw)
    with pytest.raises(DecodeError, match="duplicate"):
        p = v.push()
        p.feed(raw)


def test_strict_subset_sees_extra_keys() -> None:
    v = Validator(_STRICT)
    extra = json.dumps({**_OK, "zz": 1}).encode()
    assert v.check_json(extra) == ({**_OK, "zz": 1}, False)
    with pytest.raises(ValidationError):
        v.validate_json(extra)
    quoted = json.dumps({**_OK, "o": 'say "hi"'}).encode()  # escaped quotes
    assert v.validate_json(quoted)["o"] == 'say "hi"'


@pytest.mark.parametrize("schema", [
    {"$defs": {"n": {"type": "object", "properties": {"k": {"$ref": "#/$defs/n"}},
                     "required": ["k"], "additionalProperties": False}},
     "$ref": "#/$defs/n"},  # recursive
    {"type": "object", "properties": {"a": {"type": "string"}}, "required": [],
     "additionalProperties": False},  # optional property
    {"anyOf": [{"type": "integer"}, {"type": "number"}]},  # overlapping branches
    {"type": "string", "enum": ["a", 1]},
])
def test_outside_the_strict_subset_every_route_agrees(schema: dict) -> None:
    v = Validator(schema)
    for raw in (b"null", b"1", b"1.5", b'"a"', b'{"k": null}', b'{"a": "x"}', b'{"a": 1}',
                b'{"k": {"k": null}}'):
        _all_routes(v, raw)


_LINES = {"type": "array", "items": {
    "type": "object",
    "properties": {"sku": {"type": "string", "pattern": "^[A-Z]{2}-\\d{3}$"},
                   "who": {"type": "string", "format": "email"},
                   "tag": {"type": "string", "pattern": "^t+$"}},
    "required": ["sku", "who", "tag"], "additionalProperties": False}}


@pytest.mark.parametrize(("skus", "who", "tags", "valid"), [
    (["AB-123", "CD-456"], "a@b.co", ["t", "tt"], True),
    (["AB-123", "CD-45"], "a@b.co", ["t", "t"], False),
    (["AB-123", "CD-4567"], "a@b.co", ["t", "t"], False),
    (["AB-1234", "CD-45"], "a@b.co", ["t", "t"], False),  # lengths that sum right
    (["AB-123", "cd-456"], "a@b.co", ["t", "t"], False),
    (["AB-123", "CD-45\u0663"], "a@b.co", ["t", "t"], False),  # \d is ASCII only
    (["AB-123", "CD-456"], "a@@b.co", ["t", "t"], False),
    (["AB-123", "CD-456"], "a@b.co", ["t", "tx"], False),
    (["AB-123", "CD-456\n"], "a@b.co", ["t", "t"], False),
])
@pytest.mark.parametrize("pad", [0, 14])
def test_array_columns_on_every_route(skus: list, who: str, tags: list, valid: bool,
                                         pad: int) -> None:
    """Short and long arrays of rows: the same verdicts on every route."""
    v = Validator(_LINES)
    instance = [{"sku": "ZZ-000", "who": "x@y.zz", "tag": "t"}] * pad + [
        {"sku": s, "who": who, "tag": t} for s, t in zip(skus, tags, strict=True)]
    raw = json.dumps(instance).encode()
    assert v.check_json(raw) == (instance, valid)
    assert _all_routes(v, raw) == (instance, valid)


def test_text_routes_take_any_bytes_like_and_refuse_other_types() -> None:
    v = Validator(_STRICT)
    raw = json.dumps(_OK).encode()
    assert v.check_json(bytearray(raw)) == (_OK, True)
    assert v.check_json(memoryview(raw)) == (_OK, True)
    assert v.validate_json(bytearray(raw)) == _OK
    assert v.check_json(raw.decode()) == (_OK, True)
    with pytest.raises(TypeError):
        v.check_json(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        v.validate_json([raw])  # type: ignore[arg-type]
    for route in (v.is_valid_json, v.errors_json, v.check_json_errors):
        assert route(memoryview(raw)) == route(raw)
        with pytest.raises(TypeError):
            route(5)  # type: ignore[arg-type]


_EMAIL_SCHEMA = {"type": "object", "properties": {"who": {"type": "string", "format": "email"}},
                 "required": ["who"], "additionalProperties": False}
_EMAIL_ALPHABET = list("abAZ19") * 6 + list(".-_+@[]\"1:é ~!") + ["\n", "\u0663"]


@pytest.mark.parametrize("who", [
    "ada@example.com", "billing1@company1.example.com", "first.last+tag@sub-domain.co.uk",
    "a@b", "a--b@c", "a@b--c", "a@-b", "a@b-", "a@b.", "a@.b", ".a@b", "a.@b", "a..b@c",
    "a@b..c", "\"a b\"@c", "a@[1.2.3.4]", "a@b@c", "@b", "a@", "é@b", "a@é", "a@b\n",
    "a" * 60 + "@bcd", "a" * 60 + "@bcde", "a" * 64 + "@" + "b" * 63, "a" * 65 + "@b",
    "a@" + "b" * 64, "a@" + "b" * 63 + ".c",
])
def test_email_verdicts_on_every_route(who: str) -> None:
    from strictschema._validate._formats import FORMAT_CHECKS

    v = Validator(_EMAIL_SCHEMA)
    raw = json.dumps({"who": who}).encode()
    valid = FORMAT_CHECKS["email"](who)
    assert v.check_json(raw) == ({"who": who}, valid)
    assert _all_routes(v, raw) == ({"who": who}, valid)


_EMAIL_PART = st.lists(st.tuples(
    st.text("aZ9", min_size=1, max_size=12) | st.text(st.sampled_from(_EMAIL_ALPHABET),
                                                       max_size=3),
    st.sampled_from(["", ".", "-", "@", "--", "..", "_"])), min_size=1, max_size=4).map(
    lambda parts: "".join(a + b for a, b in parts))
_EMAIL_LIKE = st.builds(lambda a, b: f"{a}@{b}", _EMAIL_PART, _EMAIL_PART)


@settings(max_examples=1000, deadline=None)
@given(_EMAIL_LIKE)
def test_an_accepted_email_has_a_valid_local_part_and_hostname(text: str) -> None:
    from strictschema._validate._formats import FORMAT_CHECKS

    if FORMAT_CHECKS["email"](text) and not text.startswith('"') and "[" not in text:
        local, _, domain = text.rpartition("@")
        assert 0 < len(local) <= 64 and ".." not in local
        assert not local.startswith(".") and not local.endswith(".")
        assert FORMAT_CHECKS["hostname"](domain)


# -- tagged unions ------------------------------------------------------------

_TREE = {
    "type": "object", "properties": {"root": {"$ref": "#/$defs/node"}}, "required": ["root"],
    "additionalProperties": False,
    "$defs": {
        "attr": {"type": "object", "properties": {"k": {"type": "string"}},
                 "required": ["k"], "additionalProperties": False},
        "box": {"type": "object", "properties": {
            "type": {"type": "string", "enum": ["div", "list"]}, "id": {"type": "string"},
            "attrs": {"type": "array", "items": {"$ref": "#/$defs/attr"}},
            "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
            "required": ["type", "id", "attrs", "kids"], "additionalProperties": False},
        "text": {"type": "object", "properties": {
            "type": {"const": "text"}, "id": {"type": "string"},
            "body": {"type": "string", "pattern": "^[a-z ]*$"}},
            "required": ["type", "id", "body"], "additionalProperties": False},
        "field": {"type": "object", "properties": {
            "type": {"type": "string", "enum": ["input"]}, "id": {"type": "string"},
            "label": {"type": "string", "format": "email"},
            "attrs": {"type": "array", "items": {"$ref": "#/$defs/attr"}}},
            "required": ["type", "id", "label", "attrs"], "additionalProperties": False},
        "node": {"anyOf": [{"$ref": "#/$defs/box"}, {"$ref": "#/$defs/text"},
                           {"$ref": "#/$defs/field"}]},
    },
}
_TEXT = {"type": "text", "id": "t", "body": "hi there"}
_FIELD = {"type": "input", "id": "f", "label": "a@b.co", "attrs": [{"k": "x"}]}
_TREE_OK = {"root": {"type": "div", "id": "r", "attrs": [{"k": "a"}, {"k": "b"}],
                     "kids": [_TEXT, {"type": "list", "id": "l", "attrs": [],
                                      "kids": [_FIELD, _TEXT]}, _FIELD]}}


def _with_kid(kid: object) -> dict:
    return {"root": {**_TREE_OK["root"], "kids": [*_TREE_OK["root"]["kids"], kid]}}


@pytest.mark.parametrize(("instance", "valid"), [
    (_TREE_OK, True),
    ({"root": _TEXT}, True),
    ({"root": {"id": "t", "body": "x", "type": "text"}}, True),  # another key order
    (_with_kid({**_TEXT, "type": "div"}), False),  # a box tag on a text's keys
    (_with_kid({**_TEXT, "type": "span"}), False),  # an unknown tag
    (_with_kid({**_TEXT, "type": 1}), False),
    (_with_kid({"type": "text", "id": "t"}), False),  # a missing key
    (_with_kid({**_TEXT, "label": "a@b.co"}), False),  # a key of another branch
    # keys of another branch with no strings in their values: only the key's own quotes
    # tell the count (the walker does not test a node's size)
    (_with_kid({**_TEXT, "attrs": []}), False),
    (_with_kid({**_TEXT, "kids": []}), False),
    ({"root": {**_TREE_OK["root"], "body": "x"}}, False),
    (_with_kid({**_TEXT, "zz": 1}), False),  # an unknown key (msgspec drops it)
    (_with_kid({**_TEXT, "body": "Hi"}), False),  # the pattern (residual, in the walker)
    (_with_kid({**_FIELD, "label": "a@@b"}), False),  # the format
    (_with_kid({**_FIELD, "attrs": [{"k": 1}]}), False),
    (_with_kid({**_FIELD, "type": "text"}), False),
    (_with_kid(None), False), (_with_kid([]), False),
    (_with_kid({"type": "list", "id": "x", "attrs": [], "kids": [{"type": "div"}]}), False),
    (_with_kid({"type": "list", "id": "x", "attrs": [], "kids": [_TEXT] * 3}), True),
])
def test_tagged_union_verdicts_on_every_route(instance: dict, valid: bool) -> None:
    v = Validator(_TREE)
    raw = json.dumps(instance).encode()
    assert v.check_json(raw) == (instance, valid)
    assert repr(v.check_json(raw)[0]) == repr(instance)
    assert _all_routes(v, raw) == (instance, valid)
    assert v.is_valid(instance) is valid
    assert v.check_json(raw.decode()) == (instance, valid)


def _plain_union(recursive: bool) -> dict:
    """Branches whose own keys hold plain strings: nothing reads them, so a test of their
    presence is all that stands between a missing key and the count. Recursive, the union
    is checked by a walker; else, with a ``null`` branch, inline."""
    def branch(tag: str, own: str) -> dict:
        props = {"t": {"const": tag}, own: {"type": "string"}}
        if recursive:
            props["kids"] = {"type": "array", "items": {"$ref": "#/$defs/node"}}
        return {"type": "object", "properties": props, "required": list(props),
                "additionalProperties": False}

    return {"type": "object", "properties": {"root": {"type": "array", "items": {
        "$ref": "#/$defs/node"}}}, "required": ["root"], "additionalProperties": False,
        "$defs": {"node": {"anyOf": [branch("a", "x"), branch("b", "y"),
                                     *([] if recursive else [{"type": "null"}])]}}}


@pytest.mark.parametrize("recursive", [True, False])
def test_tagged_union_a_missing_key_cannot_balance_a_key_too_many(recursive: bool) -> None:
    """One node short of its key and another with a key too many hold as many strings as
    two valid nodes: the quote count balances, the key test must refuse."""
    v = Validator(_plain_union(recursive))
    kids = {"kids": []} if recursive else {}
    ok = [{"t": "a", "x": "1", **kids}, {"t": "b", "y": "2", **kids}, *([] if recursive
                                                                     else [None])]
    bad = [{"t": "a", **kids}, {"t": "b", "y": "2", "x": "1", **kids}]
    for nodes, valid in ((ok, True), (bad, False), (bad[::-1], False)):
        instance = {"root": nodes}
        raw = json.dumps(instance).encode()
        assert v.check_json(raw) == (instance, valid)
        assert _all_routes(v, raw) == (instance, valid)


@pytest.mark.parametrize(("schema", "cases"), [
    ({"type": ["string", "null"], "enum": ["a", "b", None]},
     {'"a"': True, "null": True, '"c"': False, "1": False}),
    ({"type": "integer", "enum": [1, 2.0, True]},  # true is not an integer; 2.0 is 2
     {"1": True, "2": True, "2.0": True, "true": False, "3": False}),
    ({"enum": [None, 0, "x", False]},  # 0.0 == 0 (the general path says so), false != 0
     {"null": True, "0": True, "0.0": True, "false": True, '"x"': True, '"y"': False,
      "1": False}),
    ({"type": ["boolean", "null"], "enum": [True, None], "const": True},
     {"true": True, "null": False, "false": False}),
    ({"type": "number", "enum": [-1, 2**63 - 1]}, {"-1": True, str(2**63 - 1): True,
                                                  "-1.0": True, "1": False}),
])
def test_enums_of_any_type(schema: dict, cases: dict) -> None:
    """Nullable enums (what compiling an optional enum gives) and enums of numbers, booleans
    or mixed types: JSON equality, the values as written, on every route."""
    v = Validator(schema)
    for text, valid in cases.items():
        assert v.check_json(text) == (json.loads(text), valid), text
        assert repr(v.check_json(text)[0]) == repr(json.loads(text))
        assert _all_routes(v, text)[1] is valid
    closed = Validator({"type": "object", "properties": {"a": schema, "b": schema},
                        "required": ["a", "b"], "additionalProperties": False})
    for text, valid in cases.items():
        doc = f'{{"a": {text}, "b": {text}}}'
        assert closed.check_json(doc) == (json.loads(doc), valid), doc


@pytest.mark.parametrize("schema", [
    {"type": "object", "properties": {"\\": {"type": "boolean"}, "s": {"type": "string"}},
     "required": ["\\", "s"], "additionalProperties": False},
    {"type": "object"},
])
def test_escaped_quotes_never_hide_a_duplicate(schema: dict) -> None:
    """An escaped backslash before a closing quote (``"\\\\"``) is not taken for an escaped
    quote: two of them would hide a duplicate key's two quotes."""
    v = Validator(schema)
    ok = '{"\\\\": true, "s": "say \\"hi\\" C:\\\\x\\\\\\"y\\\\"}'
    assert v.validate_json(ok) == {"\\": True, "s": 'say "hi" C:\\x\\"y\\'}
    for text in (ok, ok.encode()):
        assert _all_routes(v, text)[1]
    for dup in ('{"\\\\": 1, "\\\\": true, "s": ""}', '{"s": "\\\\", "s": "", "\\\\": true}',
                '{"s": "\\\\\\\\", "s": "\\\\\\\\", "\\\\": true}'):
        for text in (dup, dup.encode()):
            with pytest.raises(DecodeError, match="duplicate"):
                v.validate_json(text)


def test_recursive_objects() -> None:
    """A recursive object (a menu, a tree) 400 levels deep: the same verdicts on every
    route."""
    v = Validator({"type": "object", "properties": {"root": {"$ref": "#/$defs/item"}},
                   "required": ["root"], "additionalProperties": False, "$defs": {"item": {
                       "type": "object", "properties": {
                           "label": {"type": "string", "pattern": "^[a-z ]+$"},
                           "children": {"type": "array", "items": {"$ref": "#/$defs/item"}}},
                       "required": ["label", "children"], "additionalProperties": False}}})
    deep: dict = {"label": "leaf", "children": []}
    for _ in range(254):  # 2 levels each: 511 with the root object and the leaf's array
        deep = {"label": "node", "children": [{"label": "x", "children": []}, deep]}
    cases = [({"root": deep}, True),
             ({"root": {"label": "a", "children": [{"label": "B", "children": []}]}}, False),
             ({"root": {"label": "a", "children": [{"label": "b"}]}}, False),
             ({"root": {"label": "a", "children": [{"label": "b", "children": [], "x": 1}]}},
              False),
             ({"root": {"label": "a", "children": [None]}}, False)]
    for instance, valid in cases:
        raw = json.dumps(instance).encode()
        assert v.check_json(raw) == (instance, valid)
        assert _all_routes(v, raw) == (instance, valid)


def test_tagged_union_refuses_nested_duplicates() -> None:
    v = Validator(_TREE)
    raw = json.dumps(_TREE_OK).encode().replace(b'"body": "hi there"',
                                                 b'"body": "hi", "body": "hi there"', 1)
    with pytest.raises(DecodeError, match="duplicate"):
        v.validate_json(raw)
    quoted = json.dumps(_with_kid({**_TEXT, "id": 'say "hi"'})).encode()
    assert v.validate_json(quoted)["root"]["kids"][-1]["id"] == 'say "hi"'


@pytest.mark.parametrize(("schema", "loose"), [
    ({**_TREE, "$defs": {**_TREE["$defs"], "text": {**_TREE["$defs"]["text"], "properties": {
        **_TREE["$defs"]["text"]["properties"], "type": {"enum": ["text", "div"]}}}}}, False),
    ({**_TREE, "$defs": {**_TREE["$defs"], "text": {**_TREE["$defs"]["text"], "properties": {
        **_TREE["$defs"]["text"]["properties"], "id": {"type": "string", "minLength": 1}}}}},
     True),
    ({**_TREE, "$defs": {**_TREE["$defs"], "node": {"anyOf": [
        *_TREE["$defs"]["node"]["anyOf"], {"type": "null"}]}}}, True),
])
def test_tagged_unions_it_cannot_tell_apart_by_tag(schema: dict, loose: bool) -> None:
    """Overlapping tags (told apart by key sets); a shared property typed differently;
    recursion through a union with a non-object branch: verdicts, duplicates and deep
    values the same on every route."""
    v = Validator(schema)
    raw = json.dumps(_TREE_OK).encode()
    assert v.check_json(raw) == (_TREE_OK, True)
    assert _all_routes(v, raw) == (_TREE_OK, True)
    bad = _with_kid({**_TEXT, "body": 5})
    for instance in (bad, _with_kid({**_TEXT, "extra": "x"}), {"root": None, "x": 1}):
        text = json.dumps(instance).encode()
        assert v.check_json(text) == _all_routes(v, text) == (instance, False)
    dup = raw.replace(b'"body": "hi there"', b'"body": "hi", "body": "hi there"', 1)
    with pytest.raises(DecodeError, match="duplicate"):
        v.validate_json(dup)
    deep: dict = _TEXT
    for _ in range(254):  # 2 levels each: 510 with the root object and the text node
        deep = {"type": "list", "id": "l", "attrs": [], "kids": [deep]}
    text = json.dumps({"root": deep}).encode()
    assert v.check_json(text) == _all_routes(v, text) == ({"root": deep}, True)
    deeper = {"type": "list", "id": "l", "attrs": [], "kids": [{"type": "list", "id": "l",
                                                                "attrs": [], "kids": [deep]}]}
    with pytest.raises(DecodeError, match="nested deeper than 512"):
        v.check_json(json.dumps({"root": deeper}))


def test_tagged_union_recursion_through_a_json_pointer() -> None:
    def branch(tag: str, extra: dict) -> dict:
        return {"type": "object", "properties": {"k": {"const": tag}, **extra},
                "required": ["k", *extra], "additionalProperties": False}

    v = Validator({"type": "object", "properties": {"root": {"anyOf": [
        branch("a", {"kids": {"type": "array", "items": {"$ref": "#/properties/root"}}}),
        branch("b", {})]}}, "required": ["root"], "additionalProperties": False})
    deep: dict = {"k": "b"}
    for _ in range(200):
        deep = {"k": "a", "kids": [{"k": "b"}, deep]}
    for instance, valid in (({"root": deep}, True), ({"root": {"k": "a", "kids": [{}]}}, False),
                            ({"root": {"k": "b", "kids": []}}, False)):
        raw = json.dumps(instance).encode()
        assert v.check_json(raw) == (instance, valid)
        assert _all_routes(v, raw) == (instance, valid)


_DEEP_GROUPS = "(" * 200 + "x" + ")" * 200


@pytest.mark.parametrize(("schema", "where"), [
    ({"type": "object", "properties": {"a": {"type": "string", "pattern": "[z-a]"}}},
     "$.properties.a.pattern"),
    ({"type": "object", "properties": {"a": {"type": "string", "pattern": _DEEP_GROUPS}}},
     "$.properties.a.pattern"),
    ({"type": "object", "patternProperties": {"[z-a]": {}}}, "$.patternProperties['[z-a]']"),
    ({"type": "object", "patternProperties": {_DEEP_GROUPS: {}}},
     f"$.patternProperties['{_DEEP_GROUPS}']"),
])
def test_unusable_pattern_is_a_schema_error_at_its_keyword(schema: dict, where: str) -> None:
    with pytest.raises(SchemaError) as info:
        Validator(schema)
    assert info.value.json_path == where


def test_a_pattern_past_its_backtracking_limit_is_a_schema_error_at_its_keyword() -> None:
    from strictschema import UnsafePatternError

    v = Validator({"type": "object", "properties": {"a": {"type": "string",
                                                          "pattern": "^(a|a)*\\1$"}}})
    assert v.validate_json(b'{"a": "aa"}') == {"a": "aa"}
    for check in (lambda: v.validate_json(b'{"a": "' + b"a" * 40 + b'!"}'),
                  lambda: list(v.iter_errors({"a": "a" * 40 + "!"}))):
        with pytest.raises(UnsafePatternError) as info:
            check()
        assert info.value.json_path == "$.properties.a.pattern"


def test_tagged_union_branches_with_different_enums() -> None:
    """A property whose ``enum`` differs from branch to branch: each branch tests its own
    (by type too: ``true`` is not ``1``)."""
    def branch(tag: str, values: list) -> dict:
        return {"type": "object", "properties": {"kind": {"const": tag}, "e": {"enum": values}},
                "required": ["kind", "e"], "additionalProperties": False}

    v = Validator({"type": "object", "properties": {"root": {"anyOf": [
        branch("p", ["a", None, True]), branch("q", [1, "b"])]}}, "required": ["root"],
        "additionalProperties": False})
    cases = [("p", "a", True), ("p", None, True), ("p", True, True), ("p", 1, False),
             ("p", "b", False), ("q", 1, True), ("q", "b", True), ("q", True, False),
             ("q", 1.0, True), ("q", "a", False), ("q", None, False)]
    for tag, e, valid in cases:
        raw = json.dumps({"root": {"kind": tag, "e": e}})
        assert v.check_json(raw)[1] is valid, (tag, e)
        assert _all_routes(v, raw)[1] is valid, (tag, e)
