"""``strictschema.strategies.mutants``: every mutant is invalid, for the reason its kind
names, with the validator's error at the mutated path; kinds can be chosen; truncated JSON
is not JSON; schemas without a possible mutant raise ``InvalidArgument``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, find, given, settings
from hypothesis.errors import InvalidArgument

import strictschema
from strictschema import DecodeError, Validator
from strictschema._fuzz._mutants import error_at
from strictschema.strategies import MUTANT_KINDS, Mutant, mutants

REPO = Path(__file__).resolve().parent.parent
FEW = settings(max_examples=40, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ONCE = settings(database=None, max_examples=100)
# (the same draws each run: "several kinds were drawn" is then a fact of the strategy, not
# of one run's luck; 40 random draws on ui_tree.json once gave three kinds)
FEW_FIXED = settings(FEW, derandomize=True)

ALL_KINDS = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z]{3}$"},
        "when": {"type": "string", "format": "date"},
        "status": {"enum": ["open", "closed"]},
        "count": {"type": "integer", "minimum": 1, "maximum": 9},
        "items": {"type": "array", "items": {"type": "string", "maxLength": 3},
                  "minItems": 1, "maxItems": 2},
        "note": {"type": ["string", "null"]},
    },
    "required": ["id", "when", "status", "count", "items", "note"],
    "additionalProperties": False,
}
EXPECTED_PATHS = {
    "missing_required": {()},
    "extra_key": {()},
    "truncated": {()},
    "bad_enum": {("status",)},
    "pattern_mismatch": {("id",)},
    "bad_format": {("when",)},
    "out_of_range": {("count",), ("items", 0), ("items", 1)},
    "too_few_items": {("items",)},
    "too_many_items": {("items",)},
    "wrong_type": None,  # anywhere
    "null_not_allowed": None,
}


def load(name: str) -> Any:
    return json.loads((REPO / "schemas" / name).read_text())


def assert_rejected_at(validator: Validator, m: Mutant) -> None:
    if m.kind == "truncated":
        assert isinstance(m.instance, str)
        with pytest.raises(DecodeError):
            validator.validate_json(m.instance)
        return
    errors = list(validator.iter_errors(m.instance))
    assert errors, m
    assert error_at(errors, m.path), (m, [str(e) for e in errors])


@pytest.mark.parametrize("kind", MUTANT_KINDS)
def test_every_kind(kind: str) -> None:
    validator = Validator(ALL_KINDS)
    m = find(mutants(ALL_KINDS, kinds=[kind]), lambda _: True, settings=ONCE)
    assert m.kind == kind
    assert_rejected_at(validator, m)
    if EXPECTED_PATHS[kind] is not None:
        assert m.path in EXPECTED_PATHS[kind], m
    assert m.detail


def test_minimal_mutants_are_readable() -> None:
    m = find(mutants(ALL_KINDS, kinds=["bad_enum"]), lambda _: True, settings=ONCE)
    assert m.instance["status"] == "open_x"
    assert m.json_path == "$.status"
    assert "not in enum" in m.detail
    m = find(mutants(ALL_KINDS, kinds=["missing_required"]), lambda _: True, settings=ONCE)
    assert set(m.instance) == set(ALL_KINDS["required"]) - {"id"}  # the first one removed
    assert m.detail == "removed required property 'id'"


def test_mutant_is_a_pair() -> None:
    m = find(mutants(ALL_KINDS, kinds=["too_few_items"]), lambda _: True, settings=ONCE)
    kind, instance = m
    assert kind == "too_few_items" and instance["items"] == []
    assert m.path == ("items",) and m.json_path == "$.items"
    assert repr(m).startswith("Mutant('too_few_items', {")
    with pytest.raises(AttributeError):
        m.kind = "other"  # type: ignore[misc]


@pytest.mark.parametrize("name", ["invoice.json", "ui_tree.json", "event_draft07.json",
                                  "fuzz/invoice20.json"])
def test_wire_mutants_are_rejected_at_their_path(name: str) -> None:
    c = strictschema.compile(load(name))
    validator = Validator(c.schema)
    kinds_seen = set()

    @FEW_FIXED
    @given(mutants(c))
    def check(m: Mutant) -> None:
        kinds_seen.add(m.kind)
        assert_rejected_at(validator, m)

    check()
    assert len(kinds_seen) >= 4


def test_original_mutants_are_rejected_by_the_original_schema() -> None:
    c = strictschema.compile(load("invoice.json"))
    validator = Validator(c.source)

    @FEW
    @given(mutants(c, shape="original"))
    def check(m: Mutant) -> None:
        assert_rejected_at(validator, m)
        if m.kind != "truncated":
            with pytest.raises(strictschema.ValidationError):
                c.validate(m.instance)

    check()


def test_raw_schema_mutants() -> None:
    schema = load("invoice.json")
    validator = Validator(schema)

    @FEW
    @given(mutants(schema))
    def check(m: Mutant) -> None:
        assert_rejected_at(validator, m)

    check()


def test_extra_key_only_where_the_object_is_closed() -> None:
    schema = {"type": "object", "properties": {
        "inner": {"type": "object", "properties": {"x": {"type": "integer"}}}},
        "required": ["inner"], "additionalProperties": False}

    @FEW
    @given(mutants(schema, kinds=["extra_key"]))
    def check(m: Mutant) -> None:
        assert m.path == ()  # never inside the open inner object

    check()


def test_mutation_inside_an_anyof_branch() -> None:
    schema = {"type": "object", "properties": {"v": {"anyOf": [
        {"type": "object", "properties": {"n": {"type": "integer", "maximum": 5}},
         "required": ["n"], "additionalProperties": False},
        {"type": "null"}]}}, "required": ["v"], "additionalProperties": False}
    validator = Validator(schema)

    @FEW
    @given(mutants(schema, kinds=["out_of_range", "missing_required"]))
    def check(m: Mutant) -> None:
        assert_rejected_at(validator, m)  # reported at $.v (anyOf) or at the path itself

    check()


def test_no_possible_mutant_raises_invalid_argument() -> None:
    open_object = {"type": "object", "properties": {"a": {}}}
    for strategy in (mutants(open_object, kinds=["extra_key", "bad_enum"]),
                     mutants({}, kinds=["too_many_items"]),
                     mutants(ALL_KINDS, kinds=["nonsense"]),
                     mutants(ALL_KINDS, kinds=[])):
        with pytest.raises(InvalidArgument):
            find(strategy, lambda _: True, settings=ONCE)


def test_repr() -> None:
    c = strictschema.compile(load("invoice.json"))
    assert repr(mutants(c)) == "mutants(<compiled 'Invoice' profile='openai'>, shape='wire')"
    assert repr(mutants(load("invoice.json"), kinds=["bad_enum"])) == (
        "mutants(<schema 'Invoice'>, kinds=('bad_enum',))")
