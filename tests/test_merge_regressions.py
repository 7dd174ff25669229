"""Regressions found by the round-trip property test (tests/test_roundtrip_property.py)."""

from __future__ import annotations

import json

import jsonschema

import strictschema


def test_allof_tuple_positions_meet_the_other_sides_items() -> None:
    # position 1 must be a string (left items) and an integer (right prefixItems): impossible,
    # so arrays stop after position 0
    schema = {"allOf": [
        {"type": "array", "items": {"type": "string"}},
        {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}],
         "items": False}]}
    c = strictschema.compile({"type": "object", "properties": {"a": schema}, "required": ["a"]})
    oracle = jsonschema.Draft202012Validator(c.source)
    wire = jsonschema.Draft202012Validator(c.schema)
    assert wire.is_valid({"a": ["x"]})
    assert oracle.is_valid(c.decode({"a": ["x"]}))
    assert not wire.is_valid({"a": ["x", 1]})
    assert not wire.is_valid({"a": {"item_0": "x", "item_1": 1}})
    assert strictschema.Validator(schema).is_valid(["x"])
    assert not strictschema.Validator(schema).is_valid(["x", 1])


def test_object_enum_members_must_meet_the_nodes_keywords() -> None:
    schema = {"allOf": [
        {"type": "object", "properties": {"a": {"type": "object",
                                                "additionalProperties": {"type": "string"}}},
         "required": ["a"]},
        {"properties": {"a": {"enum": [{"k": 1}, {"k": "v"}, [1, 2], "s"]}}}]}
    c = strictschema.compile(schema)
    assert "enum_values_dropped" in {d.code for d in c.diagnostics}
    wire_enum = c.schema["properties"]["a"]["enum"]
    assert wire_enum == ['{"k":"v"}']
    assert c.decode({"a": '{"k":"v"}'}) == {"a": {"k": "v"}}


def test_keywords_merged_beside_a_ref_keep_their_own_resource() -> None:
    # `extra`'s "#/$defs/s" is the root's integer, although it is merged into a target
    # that lives in another resource (urn:inner), whose own "#/$defs/s" is a string
    schema = {"type": "object", "required": ["x"], "additionalProperties": False,
              "properties": {"x": {"$ref": "urn:inner", "required": ["extra"],
                                   "properties": {"extra": {"$ref": "#/$defs/s"}}}},
              "$defs": {"s": {"type": "integer"},
                        "inner": {"$id": "urn:inner", "type": "object", "required": ["name"],
                                  "additionalProperties": False,
                                  "properties": {"name": {"$ref": "#/$defs/s"}, "extra": {}},
                                  "$defs": {"s": {"type": "string", "maxLength": 3}}}}}
    c = strictschema.compile(schema)
    props = c.schema["properties"]["x"]["properties"]
    defs = c.schema["$defs"]
    assert defs[props["name"]["$ref"].removeprefix("#/$defs/")]["type"] == "string"
    assert defs[props["extra"]["$ref"].removeprefix("#/$defs/")] == {"type": "integer"}
    value = {"x": {"name": "abc", "extra": 5}}
    assert c.validate_json(json.dumps(c.encode(value))) == value
