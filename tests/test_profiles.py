"""Profiles beyond OpenAI: the same compiler, codec and diagnostics, reading what each
profile allows (optional fields, dict fields, const, enums, caps, patterns, roots)."""

from __future__ import annotations

import pytest

import strictschema
from strictschema import PROFILES, UnsupportedSchemaError
from strictschema._check import check_strict, pattern_features

NEW = ("anthropic", "gemini", "mistral", "llguidance", "xgrammar", "outlines", "llama.cpp")

ORDER = {
    "title": "Order",
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "placed": {"type": "string", "format": "date-time"},
        "status": {"enum": ["new", "paid", "shipped"]},
        "lines": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "properties": {"sku": {"type": "string", "pattern": "^[A-Z]{3}[0-9]{4}$"},
                           "qty": {"type": "integer", "minimum": 1, "maximum": 999},
                           "price": {"type": "number", "exclusiveMinimum": 0}},
            "required": ["sku", "qty"]}},
        "attributes": {"type": "object", "additionalProperties": {"type": "string"}},
        "note": {"type": ["string", "null"], "maxLength": 200},
        "kind": {"const": "order"},
        "parent": {"$ref": "#/$defs/Ref"},
    },
    "required": ["id", "status", "lines"],
    "$defs": {"Ref": {"type": "object", "properties": {"id": {"type": "string"}},
                      "required": ["id"]}},
}
GOOD = {"id": "6f1c1f9e-2f7a-4c55-9d0e-1a2b3c4d5e6f", "status": "paid",
        "lines": [{"sku": "ABC1234", "qty": 2}], "attributes": {"gift": "yes"}}


@pytest.mark.parametrize("name", NEW)
def test_every_new_profile_compiles_to_what_its_checker_accepts(name: str) -> None:
    c = strictschema.compile(ORDER, profile=name)
    assert check_strict(c.schema, name) == []
    assert c.profile is PROFILES[name]
    # every constraint still holds on validation, whatever the wire carries
    assert c.validate_wire(c.encode(GOOD)) == GOOD
    bad = {**GOOD, "lines": [{"sku": "abc", "qty": 0}]}
    with pytest.raises(strictschema.ValidationError):
        c.validate_wire(c.encode(bad)) if c.profile.closed_objects else c.validate(bad)


@pytest.mark.parametrize("name", ["anthropic", "gemini", "llguidance", "mistral"])
def test_optional_properties_stay_optional(name: str) -> None:
    c = strictschema.compile(ORDER, profile=name)
    assert c.schema["required"] == ["id", "status", "lines"]
    assert "null" not in str(c.schema["properties"]["placed"])  # not made nullable
    wire = c.encode({"id": GOOD["id"], "status": "new", "lines": GOOD["lines"]})
    assert "placed" not in wire
    assert c.decode(wire) == {"id": GOOD["id"], "status": "new", "lines": GOOD["lines"]}


def test_openai_still_makes_every_property_required() -> None:
    c = strictschema.compile(ORDER)
    assert set(c.schema["required"]) == set(ORDER["properties"])


@pytest.mark.parametrize(("name", "as_map"), [("gemini", True), ("llguidance", True),
                                               ("anthropic", False), ("mistral", False)])
def test_dict_fields_are_objects_where_the_profile_takes_additional_properties(
        name: str, as_map: bool) -> None:
    c = strictschema.compile(ORDER, profile=name)
    attrs = c.schema["properties"]["attributes"]
    if as_map:
        assert attrs["additionalProperties"] == {"type": "string"}
        assert c.encode(GOOD)["attributes"] == {"gift": "yes"}
    else:
        assert attrs["type"] == "array"  # [{key, value}] entries, decoded back
        assert c.encode(GOOD)["attributes"] == [{"key": "gift", "value": "yes"}]
    assert c.validate_json(strictschema._json.dumps(c.encode(GOOD))) == GOOD


def test_gemini_has_no_const_and_no_boolean_or_null_enums() -> None:
    c = strictschema.compile({"type": "object", "properties": {
        "kind": {"const": "order"}, "flag": {"enum": [True, False, None]},
        "mixed": {"enum": ["a", 2, None]}}}, profile="gemini")
    props = c.schema["properties"]
    assert props["kind"] == {"type": "string", "enum": ["order"]}
    assert props["flag"] == {"anyOf": [{"type": "boolean"}, {"type": "null"}]}
    assert props["mixed"]["anyOf"] == [{"type": "string", "enum": ["a"]},
                                       {"type": "integer", "enum": [2]}, {"type": "null"}]
    assert c.exact
    assert c.validate_json('{"mixed": null, "flag": false}') == {"mixed": None, "flag": False}


def test_gemini_single_boolean_enum_is_a_reported_loss() -> None:
    c = strictschema.compile({"type": "object", "properties": {"ok": {"enum": [True]}}},
                             profile="gemini")
    assert not c.exact
    with pytest.raises(strictschema.ValidationError):
        c.validate_json('{"ok": false}')


def test_anthropic_min_items_above_one_is_lossy_and_enforced() -> None:
    c = strictschema.compile(ORDER, profile="anthropic")
    assert c.schema["properties"]["lines"]["minItems"] == 1
    c2 = strictschema.compile({"type": "object", "properties": {
        "xs": {"type": "array", "items": {"type": "integer"}, "minItems": 2}}},
        profile="anthropic")
    assert "minItems" not in c2.schema["properties"]["xs"]
    assert [d.code for d in c2.diagnostics if d.severity == "lossy"] == ["unsupported_keyword"]
    with pytest.raises(strictschema.ValidationError):
        c2.validate_json('{"xs": [1]}')


def test_anthropic_optional_cap_sends_the_rest_as_required() -> None:
    props = {f"p{i}": {"type": "string"} for i in range(30)}
    c = strictschema.compile({"type": "object", "properties": props}, profile="anthropic")
    assert len(c.schema["required"]) == 6
    assert sum(d.code == "optional_made_required" for d in c.diagnostics) == 6
    assert check_strict(c.schema, "anthropic") == []
    assert c.validate_json('{"p24": "a", "p25": "b", "p26": "c", "p27": "d", "p28": "e", '
                           '"p29": "f"}')["p29"] == "f"


def test_anthropic_sends_recursion_as_json_text_and_refuses_an_endless_one() -> None:
    tree = {"type": "object", "properties": {"children": {"type": "array",
                                                          "items": {"$ref": "#"}}}}
    c = strictschema.compile(tree, profile="anthropic")
    assert c.schema["properties"]["children"]["items"]["type"] == "string"
    assert [d.code for d in c.diagnostics if d.severity == "lossy"] == ["recursion_as_json_text"]
    assert strictschema.compile(tree, profile="gemini").schema["properties"]["children"] == {
        "type": "array", "items": {"$ref": "#"}}
    endless = {"type": "object", "properties": {"next": {"$ref": "#"}}, "required": ["next"]}
    with pytest.raises(UnsupportedSchemaError, match="no finite value"):
        strictschema.compile(endless, profile="anthropic")


def test_roots_other_than_objects() -> None:
    root = {"type": "array", "items": {"type": "integer"}}
    assert strictschema.compile(root, profile="llguidance").schema == root
    wrapped = strictschema.compile(root, profile="anthropic")
    assert wrapped.schema["properties"]["value"]["type"] == "array"
    assert wrapped.validate_json('{"value": [1, 2]}') == [1, 2]


def test_unanchored_patterns_are_written_anchored_where_the_engine_matches_whole() -> None:
    s = {"type": "object", "properties": {"code": {"type": "string", "pattern": "ab+c"}},
         "required": ["code"]}
    c = strictschema.compile(s, profile="xgrammar")
    pattern = c.schema["properties"]["code"]["pattern"]
    assert pattern.startswith("^") and pattern.endswith("$")
    same = strictschema.Validator({"type": "string", "pattern": pattern})
    orig = strictschema.Validator({"type": "string", "pattern": "ab+c"})
    for text in ["abc", "xxabbbcyy", "ac", "", "a\nabc\n", "ABC"]:
        assert same.is_valid(text) == orig.is_valid(text), text
    assert c.exact
    # where the engine pastes the pattern into its string grammar (outlines, llama.cpp), the
    # open ends hold only what a JSON string holds unescaped: a narrowing
    raw = strictschema.compile(s, profile="llama.cpp").schema["properties"]["code"]["pattern"]
    narrow = strictschema.Validator({"type": "string", "pattern": raw})
    assert narrow.is_valid("xxabbbcyy") and not narrow.is_valid('"abc')


def test_refused_pattern_features_are_lossy_and_enforced() -> None:
    s = {"type": "object", "properties": {"w": {"type": "string", "pattern": "^(?!no)\\w+$"}},
         "required": ["w"]}
    c = strictschema.compile(s, profile="anthropic")
    assert "pattern" not in c.schema["properties"]["w"]
    assert not c.exact
    with pytest.raises(strictschema.ValidationError):
        c.validate_json('{"w": "nope"}')
    assert pattern_features("^(a)\\1$") >= {"backreference"}
    assert pattern_features("\\bword") >= {"word_boundary", "unanchored"}
    assert pattern_features("^x$") == frozenset()


def test_checker_reads_the_profile_fields() -> None:
    open_obj = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert [d.code for d in check_strict(open_obj, "openai")] == ["open_object",
                                                                 "not_all_required"]
    assert [d.code for d in check_strict(open_obj, "anthropic")] == ["open_object"]
    assert check_strict(open_obj, "gemini") == []
    assert [d.code for d in check_strict({**open_obj, "additionalProperties": {
        "type": "string"}}, "anthropic")] == ["open_object"]
    assert [d.code for d in check_strict({"type": "string"}, "mistral")] == ["root_not_object"]
    assert check_strict({"type": "string"}, "llguidance") == []


def test_profiles_are_documented_with_sources() -> None:
    from pathlib import Path

    docs = Path(__file__).resolve().parent.parent / "docs" / "profiles"
    for name in NEW:
        text = (docs / f"{name}.md").read_text()
        assert f"`{name}`" in text or name in text.splitlines()[0]
        assert PROFILES[name].sources, name
