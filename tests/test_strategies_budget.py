"""The size budget of a draw: on a wide schema of nested unions, each draw builds a bounded
number of nodes (objects, arrays, property values, array items: the generator's own count,
never a time), its values stay valid, and shrinking still works."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, find, given, settings

from strictschema import Validator
from strictschema._fuzz._build import NODE_BUDGET, Generator
from strictschema._validate._validator import load_source

LEVELS, VARIANTS, FIELDS = 6, 4, 5
MAX_ITEMS = 5  # from_schema's default


def wide_unions() -> dict:
    """``L5`` -> anyOf of 4 objects, each with 5 arrays of ``L4`` -> ... -> ``L0``; the odd
    variants require their first array, with at least one item. About 6 values per level
    on average, so an unbounded draw grows like 6**5."""
    defs: dict[str, Any] = {"L0": {"anyOf": [
        {"type": "string", "maxLength": 8}, {"type": "integer"},
        {"type": "object", "properties": {"v": {"type": "boolean"}}}]}}
    for k in range(1, LEVELS):
        variants = []
        for v in range(VARIANTS):
            props = {f"f{v}_{i}": {"type": "array", "items": {"$ref": f"#/$defs/L{k - 1}"}}
                     for i in range(FIELDS)}
            variant: dict[str, Any] = {"type": "object", "properties": props,
                                       "additionalProperties": False}
            if v % 2:
                props[f"f{v}_0"]["minItems"] = 1
                variant["required"] = [f"f{v}_0"]
            variants.append(variant)
        defs[f"L{k}"] = {"anyOf": variants}
    return {"$defs": defs, "$ref": f"#/$defs/L{LEVELS - 1}"}


def _generator(budget: int) -> tuple[Generator, Validator]:
    src = load_source(wide_unions())
    validator = Validator(src)
    return Generator(src, validator, node_budget=budget), validator


# once the budget is spent, each array still being drawn (one per level) may add up to
# MAX_ITEMS smallest items (an item and its empty object: 2 nodes), and each object still
# being drawn finishes its required arrays with their smallest values
SLACK = LEVELS * (MAX_ITEMS + 1) * 2 + LEVELS * 4


def test_a_wide_nested_union_schema_draws_within_the_node_budget() -> None:
    budget = 150
    gen, validator = _generator(budget)
    sizes: list[int] = []

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(gen.strategy())
    def draw(value: Any) -> None:
        assert validator.is_valid(value)
        sizes.append(len(json.dumps(value)))

    draw()
    assert sizes
    assert gen.most_built >= budget  # the schema is wide enough to spend it...
    assert gen.most_built <= budget + SLACK  # ...and no draw goes far past it


def test_a_spent_budget_falls_back_to_the_smallest_valid_value() -> None:
    gen, validator = _generator(0)  # spent from the start: only the smallest choices
    sizes: set[int] = set()

    @settings(max_examples=30, deadline=None, database=None)
    @given(gen.strategy())
    def draw(value: Any) -> None:
        assert validator.is_valid(value)
        sizes.add(len(json.dumps(value)))

    draw()
    # the shortest branch of L5 is its first object with no property: {}
    assert sizes == {2}
    assert gen.most_built == 1


def test_budgeted_draws_still_shrink() -> None:
    gen, _ = _generator(NODE_BUDGET)
    found = find(gen.strategy(), lambda v: isinstance(v, dict) and len(v) >= 2,
                 settings=settings(database=None, max_examples=500))
    # shrunk to the first variant with two of its arrays, both empty
    assert len(found) == 2
    assert all(k.startswith("f0_") and v == [] for k, v in found.items())


def test_the_default_budget_bounds_each_draw() -> None:
    gen, validator = _generator(NODE_BUDGET)

    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(gen.strategy())
    def draw(value: Any) -> None:
        assert validator.is_valid(value)

    draw()
    assert 0 < gen.most_built <= NODE_BUDGET + SLACK
