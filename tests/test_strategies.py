"""``strictschema.strategies.from_schema``: instances are valid (for our validator and the
``jsonschema`` oracle), recursion is bounded, ECMA-262 pattern semantics and the profile's
formats hold, ``Compiled`` shapes, readable reprs, shrinking, and ``InvalidArgument`` for
schemas nothing satisfies."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import strictschema
from strictschema import Validator
from strictschema._validate._formats import FORMAT_CHECKS
from strictschema._validate._regex import compile_pattern
from strictschema.strategies import from_schema

REPO = Path(__file__).resolve().parent.parent
FEW = settings(max_examples=30, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def load(name: str) -> Any:
    return json.loads((REPO / "schemas" / name).read_text())


def draw_once(strategy: Any) -> None:
    @settings(max_examples=1, database=None)
    @given(strategy)
    def run(_: Any) -> None:
        pass

    run()


def oracle(schema: Any) -> Any:
    """``jsonschema`` with its draft's format checker (``date-time``/``time`` are checked when
    ``rfc3339-validator`` is installed, ``date``/``ipv4``/``ipv6``/``uuid``/``email`` always)."""
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


SCHEMAS: dict[str, Any] = {
    "integer-bounds": {"type": "integer", "minimum": -3, "exclusiveMaximum": 10,
                       "multipleOf": 3},
    "number-bounds": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
    "number-multiple": {"type": "number", "multipleOf": 0.25, "minimum": -2, "maximum": 2},
    "string-lengths": {"type": "string", "minLength": 2, "maxLength": 4},
    "string-pattern": {"type": "string", "pattern": "^[A-Z]{3}-\\d{3}$"},
    "string-pattern-unanchored": {"type": "string", "pattern": "ab+c"},
    "pattern-and-lengths": {"type": "string", "pattern": "^[a-z]+$", "minLength": 3,
                            "maxLength": 5},
    "enum-mixed": {"enum": [1, "a", None, [1], {"k": 2}, True]},
    "enum-and-type": {"type": "string", "enum": ["a", 1, "b"]},
    "const": {"const": {"a": [1, 2]}},
    "type-list": {"type": ["string", "integer", "null"]},
    "object-closed": {"type": "object", "properties": {"a": {"type": "integer"},
                                                        "b": {"type": "string"}},
                      "required": ["a"], "additionalProperties": False},
    "object-open": {"type": "object", "properties": {"a": {"type": "integer"}}},
    "object-map": {"type": "object", "additionalProperties": {"type": "boolean"},
                   "minProperties": 1, "maxProperties": 3},
    "pattern-properties": {"type": "object",
                           "patternProperties": {"^x-": {"type": "integer"},
                                                 "^y": {"type": "string"}},
                           "additionalProperties": False},
    "property-names": {"type": "object", "propertyNames": {"pattern": "^[a-c]+$"},
                       "minProperties": 1},
    "dependent-required": {"type": "object", "properties": {"a": {}, "b": {}},
                           "dependentRequired": {"a": ["b"]}},
    "dependent-schemas": {"type": "object", "properties": {"a": {"type": "integer"}},
                          "dependentSchemas": {"a": {"required": ["b"]}}},
    "tuple": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}],
              "items": False, "minItems": 1},
    "unique-items": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 5},
                     "uniqueItems": True, "minItems": 3},
    "contains": {"type": "array", "items": {"type": "integer"}, "contains": {"minimum": 10},
                 "minContains": 2, "maxContains": 3},
    "allOf-objects": {"allOf": [
        {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
        {"properties": {"b": {"type": "string"}}, "required": ["b"]}]},
    "allOf-closed-members": {"allOf": [
        {"type": "object", "properties": {"a": {"type": "integer"}},
         "additionalProperties": False},
        {"properties": {"a": {"minimum": 5}}}]},
    "allOf-two-patterns": {"type": "string", "maxLength": 10,
                           "allOf": [{"pattern": "^a"}, {"pattern": "b$"}]},
    "anyOf": {"anyOf": [{"type": "string", "maxLength": 2}, {"type": "integer", "minimum": 100}]},
    "oneOf-overlapping": {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 0}]},
    "not": {"type": "integer", "not": {"enum": [0, 1, 2]}},
    "if-then-else": {"type": "object", "properties": {"kind": {"enum": ["a", "b"]}, "x": {}},
                     "required": ["kind", "x"],
                     "if": {"properties": {"kind": {"const": "a"}}},
                     "then": {"properties": {"x": {"type": "string"}}},
                     "else": {"properties": {"x": {"type": "integer"}}}},
    "formats": {"type": "object", "properties": {f: {"type": "string", "format": f}
                                                 for f in FORMAT_CHECKS},
                "required": list(FORMAT_CHECKS), "additionalProperties": False},
    "format-with-pattern": {"type": "string", "format": "date", "pattern": "^20"},
    "draft4-exclusive": {"$schema": "http://json-schema.org/draft-04/schema#",
                         "type": "number", "minimum": 0, "exclusiveMinimum": True,
                         "maximum": 1, "exclusiveMaximum": True},
    "draft7-items-array": {"$schema": "http://json-schema.org/draft-07/schema#",
                           "type": "array", "items": [{"type": "string"}, {"type": "boolean"}],
                           "additionalItems": False},
    "draft7-dependencies": {"$schema": "http://json-schema.org/draft-07/schema#",
                            "type": "object", "properties": {"a": {"type": "integer"}},
                            "dependencies": {"a": ["b"]}},
    "draft7-ref-siblings-ignored": {"$schema": "http://json-schema.org/draft-07/schema#",
                                    "definitions": {"s": {"type": "string"}},
                                    "properties": {"a": {"$ref": "#/definitions/s",
                                                         "type": "integer"}},
                                    "required": ["a"], "type": "object"},
    "ref-with-siblings-2020": {"$defs": {"n": {"type": "number"}},
                               "$ref": "#/$defs/n", "minimum": 5, "maximum": 6},
    "unevaluated": {"type": "object", "properties": {"a": {"type": "integer"}},
                    "unevaluatedProperties": False},
    "true": True,
    "empty": {},
    "invoice": load("invoice.json"),
    "event-draft07": load("event_draft07.json"),
    "ui-tree": load("ui_tree.json"),
}


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_generated_instances_are_valid(name: str) -> None:
    schema = SCHEMAS[name]
    ours = Validator(schema)
    theirs = oracle(schema)

    @FEW
    @given(from_schema(schema))
    def check(instance: Any) -> None:
        json.dumps(instance)  # plain JSON data
        assert ours.is_valid(instance), [str(e) for e in ours.iter_errors(instance)]
        assert theirs.is_valid(instance), instance

    check()


def test_examples_vary() -> None:
    seen = set()

    @FEW
    @given(from_schema(SCHEMAS["object-closed"]))
    def collect(instance: Any) -> None:
        seen.add(json.dumps(instance, sort_keys=True))

    collect()
    assert len(seen) > 10


# -- ECMA-262 patterns -----------------------------------------------------------------------
@pytest.mark.parametrize(("pattern", "extra"), [
    ("^\\d+$", lambda s: re.fullmatch("[0-9]+", s)),          # \d is ASCII only
    ("^\\w+$", lambda s: re.fullmatch("[A-Za-z0-9_]+", s)),   # \w is ASCII only
    ("^a$", lambda s: s == "a"),                                # $ is the very end
    ("^[^]$", lambda s: len(s) == 1),                           # [^] is any character
    ("^\\cJ$", lambda s: s == "\n"),
    ("^.$", lambda s: s not in "\n\r\u2028\u2029"),             # . excludes all terminators
    ("^\\p{Lu}+$", lambda s: s.isupper()),
    ("^\\u{1F600}x{0,2}$", lambda s: s in ("\U0001F600", "\U0001F600x", "\U0001F600xx")),
    # {,2} is no quantifier in ECMA-262: valid only as a legacy (non-u) pattern, where
    # \u{1F600} is "u" then a literal "{1F600}" (node and the core agree)
    pytest.param("^\\u{1F600}x{,2}$", lambda s: s == "u{1F600}x{,2}", marks=pytest.mark.xfail(
        strict=True, reason="strategies: _compile._pyregex reads \\u{...} as a code point in "
        "a legacy (non-u) pattern, so every string it draws is filtered out (Unsatisfiable)")),
    ("^[\\w-]+$", lambda s: re.fullmatch("[A-Za-z0-9_-]+", s)),
])
def test_patterns_follow_ecma(pattern: str, extra: Any) -> None:
    ecma = compile_pattern(pattern)

    @FEW
    @given(from_schema({"type": "string", "pattern": pattern}))
    def check(s: str) -> None:
        assert ecma.search(s)
        assert extra(s), s

    check()


@pytest.mark.parametrize("fmt", sorted(FORMAT_CHECKS))
def test_formats_are_valid(fmt: str) -> None:
    @FEW
    @given(from_schema({"type": "string", "format": fmt}))
    def check(s: str) -> None:
        assert FORMAT_CHECKS[fmt](s), s

    check()


def test_format_regex_gives_patterns_both_dialects_compile() -> None:
    # meta-schemas say ``"pattern": {"type": "string", "format": "regex"}``: the oracle's
    # format checker compiles the string with ``re``; strictschema needs ECMA-262
    @FEW
    @given(from_schema({"type": "string", "format": "regex"}))
    def check(s: str) -> None:
        re.compile(s)
        compile_pattern(s)
        assert oracle({"format": "regex"}).is_valid(s)

    check()


# -- recursion -------------------------------------------------------------------------------
TREE = {"type": "object", "properties": {"name": {"type": "string", "maxLength": 3},
                                         "children": {"type": "array", "items": {"$ref": "#"}}},
        "required": ["name", "children"], "additionalProperties": False}
LINKED = {"$defs": {"node": {"type": "object", "properties": {
    "v": {"type": "integer"}, "next": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/node"}]}},
    "required": ["v", "next"], "additionalProperties": False}}, "$ref": "#/$defs/node"}
MUTUAL = {"$defs": {
    "A": {"type": "object", "properties": {"b": {"type": "array", "items": {"$ref": "#/$defs/B"}}},
          "required": ["b"], "additionalProperties": False},
    "B": {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}},
          "additionalProperties": False}},
    "$ref": "#/$defs/A"}


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return max((_depth(v) for v in value), default=0)
    return 0


@pytest.mark.parametrize("schema", [TREE, LINKED, MUTUAL], ids=["tree", "linked", "mutual"])
@pytest.mark.parametrize("max_depth", [0, 2])
def test_recursion_is_bounded(schema: dict, max_depth: int) -> None:
    validator = Validator(schema)
    depths = []

    @FEW
    @given(from_schema(schema, max_depth=max_depth))
    def check(instance: Any) -> None:
        assert validator.is_valid(instance)
        depths.append(_depth(instance))

    check()
    # each recursion level adds at most two object levels here (MUTUAL: A -> B -> A)
    assert max(depths) <= 2 * (max_depth + 1)


def test_recursion_reaches_the_bound() -> None:
    deep = find(from_schema(TREE, max_depth=3), lambda t: _depth(t) >= 4,
                settings=settings(max_examples=2000, database=None))
    assert _depth(deep) == 4


def test_recursive_compiled_schema() -> None:
    c = strictschema.compile(load("ui_tree.json"))

    @FEW
    @given(from_schema(c))
    def check(wire: Any) -> None:
        c.validate_wire(wire)

    check()


# -- unsatisfiable schemas -------------------------------------------------------------------
@pytest.mark.parametrize(("schema", "message"), [
    (False, "'false'"),
    ({"type": "object", "properties": {"self": {"$ref": "#"}}, "required": ["self"]},
     "max_depth=3"),
    ({"type": "integer", "minimum": 5, "maximum": 4}, "no number in the range"),
    ({"type": "integer", "minimum": 0.2, "maximum": 0.8}, "no integer"),
    ({"type": "string", "enum": [1, 2]}, "enum"),
    ({"type": "string", "minLength": 3, "maxLength": 2}, "minLength 3 > maxLength 2"),
    ({"type": "object", "properties": {"a": {}}, "required": ["b"],
      "additionalProperties": False}, "required property 'b' is not allowed"),
    ({"type": "array", "items": False, "minItems": 1}, "minItems"),
    ({"allOf": [{"type": "string"}, {"type": "integer"}]}, "no type"),
])
def test_unsatisfiable_schemas_raise_invalid_argument_on_draw(schema: Any, message: str) -> None:
    strategy = from_schema(schema)  # no error yet: Hypothesis raises on first use
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        draw_once(strategy)


def test_bad_arguments_raise_on_draw() -> None:
    for strategy in (from_schema({}, shape="json"), from_schema({}, max_depth=-1),
                     from_schema({}, max_items="3"), from_schema([1])):
        with pytest.raises(InvalidArgument):
            draw_once(strategy)


# -- Compiled: wire and original shapes ----------------------------------------------------
@pytest.mark.parametrize("name", ["invoice.json", "event_draft07.json", "fuzz/invoice20.json"])
def test_wire_shape(name: str) -> None:
    c = strictschema.compile(load(name))
    wire_validator = Validator(c.schema)

    @FEW
    @given(from_schema(c))
    def check(wire: Any) -> None:
        assert wire_validator.is_valid(wire)
        c.validate_wire(wire)  # accepted: decodes to data the original schema accepts

    check()


@pytest.mark.parametrize("name", ["invoice.json", "event_draft07.json", "ui_tree.json"])
def test_original_shape(name: str) -> None:
    c = strictschema.compile(load(name))

    @FEW
    @given(from_schema(c, shape="original"))
    def check(data: Any) -> None:
        c.validate(data)
        c.encode(data)  # representable on the wire

    check()


def test_shape_on_a_plain_schema_compiles_it() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    c = strictschema.compile(schema)

    @FEW
    @given(from_schema(schema, shape="wire"), from_schema(schema, shape="original"))
    def check(wire: Any, data: Any) -> None:
        assert set(wire) == {"a"}  # required and nullable on the wire
        c.validate_wire(wire)
        c.validate(data)

    check()


def test_pydantic_model() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Item(pydantic.BaseModel):
        sku: str = pydantic.Field(pattern=r"^[A-Z]{2}\d$")
        qty: int = pydantic.Field(ge=1)
        tags: list[str] = []  # noqa: RUF012 - pydantic copies defaults
        note: str | None = None

    c = strictschema.compile(Item)

    @FEW
    @given(from_schema(Item), from_schema(c))
    def check(data: Any, wire: Any) -> None:
        Item.model_validate(data)
        assert isinstance(c.to_model(c.validate_wire(wire)), Item)

    check()


# -- reprs and shrinking ----------------------------------------------------------------------
def test_readable_repr() -> None:
    c = strictschema.compile(load("invoice.json"))
    assert repr(from_schema(c)) == "from_schema(<compiled 'Invoice' profile='openai'>, shape='wire')"
    assert repr(from_schema(load("invoice.json"))) == "from_schema(<schema 'Invoice'>)"
    assert repr(from_schema(load("invoice.json"), shape="original")) == (
        "from_schema(<schema 'Invoice'>, shape='original')")
    assert repr(from_schema({"type": "integer"}, max_depth=1)) == (
        "from_schema(<schema {\"type\": \"integer\"} max_depth=1>)")


def test_shrinks_to_a_minimal_example() -> None:
    c = strictschema.compile(load("invoice.json"))
    smallest = find(from_schema(c), lambda w: len(w["lines"]) >= 2,
                    settings=settings(database=None, max_examples=200))
    assert len(smallest["lines"]) == 2
    assert smallest["lines"][0]["sku"] == "AAA-000"
    assert smallest["invoice_number"] == "INV-0000"
    assert smallest["customer"]["email"] is None  # the null branch comes first


def test_strategies_compose() -> None:
    pair = st.tuples(from_schema({"type": "integer", "minimum": 0}),
                     from_schema({"type": "string", "maxLength": 1}))

    @FEW
    @given(pair)
    def check(value: tuple) -> None:
        assert value[0] >= 0 and len(value[1]) <= 1

    check()
