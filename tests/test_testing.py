"""``strictschema.testing.check_roundtrip``: passes on good schemas and models, fails with a
readable minimal example; the compiler/codec bugs it found (B1-B5) stay here as regression
tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, settings

import strictschema
from strictschema.testing import CHECKS, CheckReport, check_roundtrip

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = sorted(p.relative_to(REPO / "schemas").as_posix()
                 for p in (REPO / "schemas").rglob("*.json"))


def load(name: str) -> Any:
    return json.loads((REPO / "schemas" / name).read_text())


@pytest.mark.parametrize("name", SCHEMAS)
def test_shipped_schemas_pass(name: str) -> None:
    report = check_roundtrip(load(name), max_examples=25)
    assert isinstance(report, CheckReport)
    assert report.checks == CHECKS
    assert report.outputs >= 25
    assert sum(report.mutants.values()) + report.mutants_accepted >= 25
    assert report.roundtrips >= 1
    assert not report.skipped
    assert report.name in str(report)


def test_pydantic_model_passes() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Line(pydantic.BaseModel):
        sku: str = pydantic.Field(pattern=r"^[A-Z]{3}-\d{3}$")
        quantity: int = pydantic.Field(ge=1, le=10**6)
        note: str | None = None

    class Order(pydantic.BaseModel):
        lines: list[Line]
        priority: int = pydantic.Field(0, ge=0, le=9)

    report = check_roundtrip(Order, max_examples=25)
    assert report.outputs >= 25 and report.exact


def test_failure_is_readable_and_minimal() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Reading(pydantic.BaseModel):
        value: int

        @pydantic.field_validator("value")
        @classmethod
        def not_negative(cls, v: int) -> int:  # a rule the JSON Schema does not carry
            if v < 0:
                raise ValueError("must not be negative")
            return v

    with pytest.raises(AssertionError) as info:
        check_roundtrip(Reading, checks=["outputs"], max_examples=200)
    text = str(info.value)
    assert text.startswith("strictschema check 'outputs' failed for <compiled 'Reading'")
    assert "the model Reading rejects data its own JSON Schema accepts" in text
    assert 'wire output: {"value": -1}' in text  # shrunk to the smallest example


def test_lossy_refusals_are_counted_not_failures() -> None:
    schema = {"type": "object", "properties": {
        "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "uniqueItems": True}},
        "required": ["tags"]}
    report = check_roundtrip(schema, checks=["outputs"], max_examples=100)
    assert not report.exact
    assert report.outputs_refused > 0  # duplicates the wire schema cannot rule out


def test_options() -> None:
    with pytest.raises(ValueError, match="unknown checks"):
        check_roundtrip({"type": "object"}, checks=["strict", "speed"])
    custom = settings(max_examples=5, database=None, deadline=None,
                      suppress_health_check=list(HealthCheck))
    report = check_roundtrip(strictschema.compile(load("ui_tree.json")), settings=custom,
                             checks=["strict", "mutants"], mutant_kinds=["missing_required"])
    assert set(report.mutants) == {"missing_required"}
    assert report.outputs == 0


# -- bugs found by fuzzing (minimal reproductions) ---------------------------------------------
def test_bug_big_integer_in_any_value_encodes() -> None:
    """B1 (fixed): JsonTextCodec.encode used ``orjson.dumps``, which refuses integers beyond
    64 bits (TypeError); it now uses ``_json.dumps`` (exact at any width)."""
    c = strictschema.compile({"type": "object", "properties": {"a": {}}, "required": ["a"]})
    assert c.decode(c.encode({"a": 2**70})) == {"a": 2**70}


def test_bug_big_integer_model_output_parses() -> None:
    """B1 (fixed): Compiled.parse/to_model crashed (TypeError) on an output with an integer
    beyond 64 bits."""
    pydantic = pytest.importorskip("pydantic")

    class M(pydantic.BaseModel):
        n: int

    assert strictschema.compile(M).parse('{"n": 1180591620717411303424}').n == 2**70


def test_bug_required_key_forbidden_by_additional_properties() -> None:
    """B2 (fixed): a required key missing from 'properties' under additionalProperties: false
    was added to the wire schema; the compile said exact, yet every output was refused. The
    node is unsatisfiable: an error at the required entry, and an anyOf branch drops out."""
    with pytest.raises(strictschema.UnsupportedSchemaError) as info:
        strictschema.compile({"type": "object", "properties": {"a": {"type": "integer"}},
                              "required": ["a", "b"], "additionalProperties": False})
    assert [(d.path, d.code) for d in info.value.diagnostics] == [
        ("$.required[1]", "unsatisfiable")]
    c = strictschema.compile({"anyOf": [
        {"type": "object", "required": ["b"], "additionalProperties": False},
        {"type": "integer"}]})
    assert c.exact and c.decode(c.encode(3)) == 3
    assert "branch_dropped" in {d.code for d in c.diagnostics}


def test_bug_null_through_ref_survives_roundtrip() -> None:
    """B3 (fixed): an optional property whose $ref target is nullable was treated as
    non-nullable: an explicit null was lost on the round trip. Nullability now follows refs,
    so the documented merge (``optional_nullable_merged``) applies as for inline nullability."""
    c = strictschema.compile({"type": "object", "properties": {"a": {"$ref": "#/$defs/n"}},
                              "$defs": {"n": {"anyOf": [{"type": "string"}, {"type": "null"}]}}})
    assert c.decode(c.encode({"a": None})) == {"a": None}
    assert c.decode(c.encode({})) == {"a": None}  # absent -> null, as documented
    assert "optional_nullable_merged" in {d.code for d in c.diagnostics}


def test_bug_null_through_recursive_ref_survives_roundtrip() -> None:
    """B3 (fixed) through a definition still being compiled when the property is reached."""
    c = strictschema.compile({"$ref": "#/$defs/N", "$defs": {"N": {"anyOf": [
        {"type": "null"},
        {"type": "object", "required": ["v"],
         "properties": {"v": {"type": "integer"}, "next": {"$ref": "#/$defs/N"}}}]}}})
    for value in (None, {"v": 1, "next": None}, {"v": 1, "next": {"v": 2, "next": None}}):
        assert c.decode(c.encode(value)) == value


def test_bug_ref_description_keeps_wire_hints() -> None:
    """B4 (fixed): a $ref with a sibling description replaced the compiler's wire hints ('JSON
    text of the value.', map entries), so the model was not told the string must be JSON text.
    The outer description now replaces only the target's own description."""
    c = strictschema.compile({"type": "object", "required": ["a"],
                              "properties": {"a": {"$ref": "#/$defs/A", "description": "Outer."}},
                              "$defs": {"A": {"description": "inner"}}})
    assert c.schema["properties"]["a"]["description"].endswith("JSON text of the value.")


def test_bug_empty_object_vs_empty_array() -> None:
    """B5 (fixed): a type list with 'array' and a free-form 'object' compiled to two anyOf
    array branches; {} encoded to [] and decoded as []. The map branch is now wrapped in a
    one-key object (``any_of_branch_wrapped``), so the wire tells the two apart."""
    c = strictschema.compile({"type": "object", "required": ["a"],
                              "properties": {"a": {"type": ["array", "object"]}}})
    for value in ({}, [], {"k": [1]}, [{"k": 1}]):
        assert c.decode(c.encode({"a": value})) == {"a": value}
    assert "any_of_branch_wrapped" in {d.code for d in c.diagnostics}


def test_bug_empty_object_vs_empty_array_at_the_depth_limit() -> None:
    """Where the wrapper would exceed the profile's depth limit, the compile falls back to the
    unwrapped branches and says the result is lossy (``any_of_ambiguous``)."""
    def nest(n: int, inner: dict) -> dict:
        for _ in range(n):
            inner = {"type": "object", "required": ["x"], "properties": {"x": inner}}
        return inner

    leaf = {"type": ["array", "object"], "items": {"type": "integer"},
            "additionalProperties": {"type": "integer"}}
    c = strictschema.compile(nest(6, leaf))
    assert c.exact and "any_of_branch_wrapped" in {d.code for d in c.diagnostics}
    c = strictschema.compile(nest(7, leaf))
    assert not c.exact
    assert [d.code for d in c.diagnostics if d.severity == "lossy"] == ["any_of_ambiguous"]


def test_bug_json_text_branch_vs_string_branch() -> None:
    """The same ambiguity with a JSON-text branch: the string '{"a":1}' decoded as {"a": 1}."""
    c = strictschema.compile({"anyOf": [{"enum": [{"a": 1}]}, {"type": "string"}]})
    for value in ({"a": 1}, '{"a":1}', "x"):
        assert c.decode(c.encode(value)) == value
    # disjoint branches are not wrapped
    c = strictschema.compile({"anyOf": [{"enum": [{"a": 1}]}, {"enum": ["x", "y"]}]})
    assert "any_of_branch_wrapped" not in {d.code for d in c.diagnostics}
