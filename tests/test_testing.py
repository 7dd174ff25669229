"""``strictschema.testing.check_roundtrip``: passes on good schemas and models, fails with a
readable minimal example, and pins the compiler/codec bugs it found (``xfail(strict=True)``:
these tests start passing, and then fail as XPASS, when the bug is fixed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, settings  # noqa: E402

import strictschema  # noqa: E402
from strictschema.testing import CHECKS, CheckReport, check_roundtrip  # noqa: E402

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

    # ints are bounded: unbounded ones hit bug B1 below (big integers crash to_model)
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
@pytest.mark.xfail(strict=True, reason="B1: JsonTextCodec.encode and Compiled.to_model use "
                   "orjson.dumps, which refuses integers beyond 64 bits (TypeError)")
def test_bug_big_integer_in_any_value_encodes() -> None:
    c = strictschema.compile({"type": "object", "properties": {"a": {}}, "required": ["a"]})
    assert c.decode(c.encode({"a": 2**70})) == {"a": 2**70}


@pytest.mark.xfail(strict=True, reason="B1: Compiled.parse/to_model crash (TypeError) on an "
                   "output with an integer beyond 64 bits")
def test_bug_big_integer_model_output_parses() -> None:
    pydantic = pytest.importorskip("pydantic")

    class M(pydantic.BaseModel):
        n: int

    assert strictschema.compile(M).parse('{"n": 1180591620717411303424}').n == 2**70


@pytest.mark.xfail(strict=True, reason="B2: a required key missing from 'properties' under "
                   "additionalProperties: false is added to the wire schema; the compile says "
                   "exact, yet every output is refused (the schema is unsatisfiable)")
def test_bug_required_key_forbidden_by_additional_properties() -> None:
    with pytest.raises(strictschema.UnsupportedSchemaError):
        strictschema.compile({"type": "object", "properties": {"a": {"type": "integer"}},
                              "required": ["a", "b"], "additionalProperties": False})


@pytest.mark.xfail(strict=True, reason="B3: an optional property whose $ref target is nullable "
                   "is treated as non-nullable: an explicit null is lost on the round trip")
def test_bug_null_through_ref_survives_roundtrip() -> None:
    c = strictschema.compile({"type": "object", "properties": {"a": {"$ref": "#/$defs/n"}},
                              "$defs": {"n": {"anyOf": [{"type": "string"}, {"type": "null"}]}}})
    assert c.decode(c.encode({"a": None})) == {"a": None}


@pytest.mark.xfail(strict=True, reason="B4: a $ref with a sibling description replaces the "
                   "compiler's wire hints ('JSON text of the value.', map entries), so the model "
                   "is not told the string must be JSON text")
def test_bug_ref_description_keeps_wire_hints() -> None:
    c = strictschema.compile({"type": "object", "required": ["a"],
                              "properties": {"a": {"$ref": "#/$defs/A", "description": "Outer."}},
                              "$defs": {"A": {"description": "inner"}}})
    assert c.schema["properties"]["a"]["description"].endswith("JSON text of the value.")


@pytest.mark.xfail(strict=True, reason="B5: a type list with 'array' and a free-form 'object' "
                   "compiles to two anyOf array branches; {} encodes to [] and decodes as []")
def test_bug_empty_object_vs_empty_array() -> None:
    c = strictschema.compile({"type": "object", "required": ["a"],
                              "properties": {"a": {"type": ["array", "object"]}}})
    assert c.decode(c.encode({"a": {}})) == {"a": {}}
