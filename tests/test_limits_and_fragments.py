"""Size limits B1-B5 (counted as S4 does, J9), request fragments and names (B7, C2-C5)."""

from __future__ import annotations

import pytest

import strictschema
from strictschema._compile._check import check_strict, limit_usage


def _obj(props: dict) -> dict:
    return {"type": "object", "properties": props, "required": list(props)}


def _codes(schema: dict, profile: str = "openai") -> set[str]:
    try:
        strictschema.compile(schema, profile=profile)
    except strictschema.UnsupportedSchemaError as exc:
        return {d.code for d in exc.diagnostics}
    return set()


def test_b1_property_count() -> None:
    at_limit = _obj({f"p{i}": {"type": "integer"} for i in range(100)})
    assert _codes(at_limit, "openai-2024") == set()
    over = _obj({f"p{i}": {"type": "integer"} for i in range(101)})
    assert _codes(over, "openai-2024") == {"too_many_properties"}
    assert _codes(over) == set()


def test_b2_depth_counts_properties_items_and_anyof() -> None:
    leaf: dict = {"type": "string"}
    for _ in range(10):  # ten property levels below the root: depth 10, allowed
        leaf = _obj({"a": leaf})
    assert _codes(leaf) == set()
    assert limit_usage(strictschema.compile(leaf).schema)["depth"] == 10
    assert _codes(_obj({"a": leaf})) == {"too_deep"}
    assert _codes(leaf, "openai-2024") == {"too_deep"}


def test_b3_total_string_size() -> None:
    names = {("k" * 1000) + str(i): {"type": "integer"} for i in range(16)}
    assert _codes(_obj(names), "openai-2024") == {"strings_too_long"}
    assert _codes(_obj(names)) == set()


def test_b4_total_enum_values() -> None:
    schema = _obj({"a": {"enum": list(range(600))}, "b": {"enum": list(range(400))}})
    assert _codes(schema) == set()
    schema["properties"]["c"] = {"enum": [1]}
    schema["required"].append("c")
    assert _codes(schema) == {"too_many_enum_values"}


def test_b5_large_string_enum_length() -> None:
    long_values = [f"{i:03d}" + "x" * 57 for i in range(251)]  # 251 x 60 = 15060 > 15000
    assert _codes(_obj({"e": {"enum": long_values}})) == {"enum_too_long"}
    # 250 values of any length are not "large" (the rule applies above 250)
    assert _codes(_obj({"e": {"enum": long_values[:250]}})) == set()


def test_checker_judges_other_tools_output() -> None:
    # what the openai SDK forwards when additionalProperties is already true (A4 / S2)
    assert {d.code for d in check_strict({"type": "object", "properties": {},
                                          "required": [], "additionalProperties": True})} \
        == {"open_object"}
    assert {d.code for d in check_strict({"type": "object", "properties": {"a": {}},
                                          "required": [], "additionalProperties": False})} \
        == {"not_all_required", "untyped_schema"}
    assert {d.code for d in check_strict({"anyOf": [{"type": "object"}]})} \
        >= {"root_not_object", "root_any_of"}


def test_fragments_shapes() -> None:
    c = strictschema.compile({"title": "Invoice Record", "description": "An invoice",
                              **_obj({"total": {"type": "number"}})})
    assert c.name == "Invoice_Record"
    assert c.text_format() == {"type": "json_schema", "name": "Invoice_Record",
                               "description": "An invoice", "schema": c.schema, "strict": True}
    assert c.response_format("inv") == {"type": "json_schema", "json_schema": {
        "name": "inv", "description": "An invoice", "schema": c.schema, "strict": True}}
    assert c.text_format(description="")["type"] == "json_schema"
    assert "description" not in c.text_format(description="")


@pytest.mark.parametrize("bad", ["", "a b", "x" * 65, "naïve", "a.b", 3])
def test_names_checked(bad: object) -> None:
    c = strictschema.compile(_obj({"a": {"type": "string"}}))
    with pytest.raises(ValueError, match="1-64 characters"):
        c.text_format(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="1-64 characters"):
        c.function_tool(bad)  # type: ignore[arg-type]


def test_default_name_without_title() -> None:
    c = strictschema.compile(_obj({"a": {"type": "string"}}))
    assert c.text_format()["name"] == "response"
    with pytest.raises(ValueError, match="api must be"):
        c.function_tool("f", api="assistants")  # type: ignore[arg-type]
