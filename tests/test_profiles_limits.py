"""Profile limits a wire schema must fit, each cause on a small schema: Anthropic's
recursion, union and optional caps; outlines-core's ref depth, recursion and regex size.
Where a constraint cannot be carried the loss is reported and the validator still holds it."""

from __future__ import annotations

import dataclasses
import json

import pytest

import strictschema
from strictschema import PROFILES, UnsupportedSchemaError
from strictschema._compile._check import check_strict, outlines_regex_size, ref_depth


def _lossy(c: strictschema.Compiled) -> list[str]:
    return [d.code for d in c.diagnostics if d.severity == "lossy"]


# -- anthropic -----------------------------------------------------------------------------
def test_anthropic_mutual_recursion_is_cut_once_and_checked_on_validation() -> None:
    s = {"$ref": "#/$defs/A", "$defs": {
        "A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}, "n": {"type": "integer"}},
              "required": ["n"]},
        "B": {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}},
              "required": ["a"]}}}
    c = strictschema.compile(s, profile="anthropic")
    assert check_strict(c.schema, "anthropic") == []
    assert _lossy(c) == ["recursion_as_json_text"]
    value = {"n": 1, "b": {"a": {"n": 2, "b": {"a": {"n": 3}}}}}
    wire = c.encode(value)
    assert isinstance(wire["b"]["a"], str)  # the A inside B is JSON text
    assert c.validate_json(json.dumps(wire)) == value
    wire["b"]["a"] = json.dumps({"n": "three"})
    with pytest.raises(strictschema.ValidationError, match=r"\$\.b\.a\.n"):
        c.validate_json(json.dumps(wire))


def test_anthropic_unions_past_the_cap_go_as_json_text() -> None:
    props = {f"u{i}": {"anyOf": [{"type": "string"}, {"type": "integer"}]} for i in range(20)}
    c = strictschema.compile({"type": "object", "properties": props, "required": list(props)},
                             profile="anthropic")
    assert check_strict(c.schema, "anthropic") == []
    as_text = [n for n, p in c.schema["properties"].items() if "anyOf" not in p]
    assert len(as_text) == 20 - PROFILES["anthropic"].max_unions == 4
    assert _lossy(c) == ["union_as_json_text"] * 4
    assert "JSON text of a value matching" in c.schema["properties"][as_text[0]]["description"]
    value = {f"u{i}": i if i % 2 else f"s{i}" for i in range(20)}
    assert c.validate_json(json.dumps(c.encode(value))) == value
    wire = c.encode(value)
    wire[as_text[0]] = "true"
    with pytest.raises(strictschema.ValidationError):
        c.validate_json(json.dumps(wire))


def test_anthropic_many_optional_nullable_fields_fit_both_caps() -> None:
    props = {f"p{i}": {"type": ["string", "null"]} for i in range(60)}
    c = strictschema.compile({"type": "object", "properties": props}, profile="anthropic")
    assert check_strict(c.schema, "anthropic") == []
    codes = {d.code for d in c.diagnostics}
    assert {"optional_made_required", "optional_null_dropped", "union_as_json_text"} <= codes
    value = {f"p{i}": f"v{i}" for i in range(60)}
    assert c.validate_json(json.dumps(c.encode(value))) == value


def test_anthropic_limits_that_no_step_fixes_still_refuse() -> None:
    endless = {"type": "object", "properties": {"next": {"$ref": "#"}}, "required": ["next"]}
    with pytest.raises(UnsupportedSchemaError, match="no finite value"):
        strictschema.compile(endless, profile="anthropic")
    props = {f"u{i}": {"anyOf": [{"type": "string"}, {"type": "integer"}]} for i in range(20)}
    with pytest.raises(UnsupportedSchemaError, match="anyOf or a type list exceed"):
        strictschema.compile({"type": "object", "properties": props, "required": list(props)},
                             profile="anthropic", on_unsupported="error")


# -- outlines ------------------------------------------------------------------------------
def _chain(levels: int) -> dict:
    defs = {f"D{i}": {"type": "object", "properties": {"x": {"$ref": f"#/$defs/D{i + 1}"},
                                                       "k": {"type": "integer"}},
                      "required": ["x", "k"]} for i in range(levels)}
    defs[f"D{levels}"] = {"type": "object", "properties": {"leaf": {"type": "boolean"}},
                          "required": ["leaf"]}
    return {"$ref": "#/$defs/D0", "$defs": defs}


def test_outlines_refs_are_written_out_in_full() -> None:
    s = _chain(6)
    assert ref_depth(s) == 7
    assert [d.code for d in check_strict(s, "outlines")] == ["ref_too_deep"]
    c = strictschema.compile(s, profile="outlines")
    assert "$ref" not in json.dumps(c.schema) and "$defs" not in c.schema
    assert "refs_inlined" in {d.code for d in c.diagnostics}
    assert check_strict(c.schema, "outlines") == []
    value = {"k": 0, "x": {"k": 1, "x": {"k": 2, "x": {"k": 3, "x": {"k": 4, "x": {
        "k": 5, "x": {"leaf": True}}}}}}}
    assert c.validate_json(json.dumps(value)) == value


def test_outlines_core_drops_what_lies_under_five_refs() -> None:
    """Why the rule exists: outlines-core's own regex leaves the deep required property out."""
    oc = pytest.importorskip("outlines_core.json_schema")
    deep = _chain(6)
    deep["$defs"]["D0"]["properties"]["k"] = {"type": "boolean"}
    rx = oc.build_regex_from_schema(json.dumps(deep), whitespace_pattern="")
    assert "leaf" not in rx
    c = strictschema.compile(_chain(6), profile="outlines")
    assert "leaf" in oc.build_regex_from_schema(json.dumps(c.schema), whitespace_pattern="")


def test_outlines_recursion_is_cut_as_json_text() -> None:
    tree = {"type": "object", "properties": {"name": {"type": "string"},
                                             "kids": {"type": "array", "items": {"$ref": "#"}}},
            "required": ["name", "kids"]}
    c = strictschema.compile(tree, profile="outlines")
    assert c.schema["properties"]["kids"]["items"]["type"] == "string"
    assert _lossy(c) == ["recursion_as_json_text"]
    value = {"name": "a", "kids": [{"name": "b", "kids": [{"name": "c", "kids": []}]}]}
    assert c.validate_json(json.dumps(c.encode(value))) == value


def _all_optional(width: int, levels: int) -> dict:
    node: dict = {"type": "string"}
    for _ in range(levels):
        node = {"type": "object", "properties": {f"f{i}": node for i in range(width)}}
    return node


def test_outlines_all_optional_objects_get_one_property_required_over_the_budget() -> None:
    s = _all_optional(8, 4)
    unpinned = dataclasses.replace(PROFILES["outlines"], regex_budget=None)
    assert outlines_regex_size(strictschema.compile(s, profile=unpinned).schema) > 1_000_000
    c = strictschema.compile(s, profile="outlines")
    assert check_strict(c.schema, "outlines") == []
    assert outlines_regex_size(c.schema) <= 1_000_000
    assert c.schema["required"] == ["f0"]
    assert "optional_made_required" in {d.code for d in c.diagnostics}
    assert not _lossy(c)  # a narrowing: every output is still valid
    small = strictschema.compile(_all_optional(3, 2), profile="outlines")
    assert small.schema["required"] == []  # under the budget nothing changes


def test_outlines_regex_size_estimate_follows_the_engine() -> None:
    oc = pytest.importorskip("outlines_core.json_schema")
    for s in (_all_optional(5, 2), _all_optional(3, 3), _chain(3),
              {"type": "object", "properties": {"a": {"type": "array", "items": {
                  "type": "object", "additionalProperties": {"type": "integer"}}},
                  "b": {"type": ["string", "null"], "format": "date-time"},
                  "c": {"enum": ["x", "y", 3]}}, "required": ["a"]}):
        real = len(oc.build_regex_from_schema(json.dumps(s), whitespace_pattern=""))
        assert 0.5 < outlines_regex_size(s) / real < 2, s


def test_the_checks_that_follow_references_read_the_loaded_model() -> None:
    """Recursion, nested references and the regex estimate follow references as the loader
    resolves them (a draft-07 ``definitions`` pointer, an ``$id`` base), not by spelling;
    a reference the loader cannot resolve is reported once, at the reference."""
    node = {"type": "object", "properties": {"next": {"$ref": "#/definitions/N"}},
            "required": ["next"], "additionalProperties": False}
    s = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
         "properties": {"n": {"$ref": "#/definitions/N"}}, "required": ["n"],
         "additionalProperties": False, "definitions": {"N": node}}
    codes = [d.code for d in check_strict(s, "anthropic")]
    assert "recursive_schema" in codes  # (and A22: the profile spells refs #/$defs/...)
    assert ref_depth(_chain(3)) == 4
    based = {**_chain(3), "$id": "https://example.com/chain"}
    assert ref_depth(based) == 4 and outlines_regex_size(based) == outlines_regex_size(_chain(3))
    # a definition named 'a/b' is spelled '#/$defs/a~1b': '#/$defs/a/b' points nowhere
    broken = {"type": "object", "properties": {"x": {"$ref": "#/$defs/a/b"}},
              "required": ["x"], "additionalProperties": False,
              "$defs": {"a/b": {"type": "string"}}}
    found = check_strict(broken, "anthropic")
    assert [(d.path, d.code) for d in found] == [("$.properties.x['$ref']", "unresolvable_ref")]
    assert ref_depth(broken) == 0 and outlines_regex_size(broken) == 0
    fixed = {**broken, "properties": {"x": {"$ref": "#/$defs/a~1b"}}}
    assert check_strict(fixed, "anthropic") == []
    assert ref_depth(fixed) == 1


def test_outlines_deep_values_go_as_json_text_when_pinning_is_not_enough() -> None:
    node: dict = {"type": "object", "properties": {f"s{i}": {"type": "string", "format": "email"}
                                                   for i in range(4)},
                  "required": ["s0"]}
    for _ in range(14):  # every level writes its item pattern twice
        node = {"type": "array", "items": node}
    s = {"type": "object", "properties": {"deep": node}, "required": ["deep"]}
    c = strictschema.compile(s, profile="outlines")
    assert check_strict(c.schema, "outlines") == []
    assert "subtree_as_json_text" in _lossy(c)
    value = {"deep": [[[[[[[[[[[[[[{"s0": "a@b.co"}]]]]]]]]]]]]]]}
    assert c.validate_json(json.dumps(c.encode(value))) == value
    bad = json.dumps(c.encode(value)).replace("a@b.co", "nope")
    with pytest.raises(strictschema.ValidationError):
        c.validate_json(bad)


# -- llama.cpp (what its converter and grammar parser take; the engine test runs them) ------
def test_llama_cpp_bounds_over_its_parser_limit_are_lossy() -> None:
    s = {"type": "object", "properties": {"t": {"type": "string", "maxLength": 4096},
                                          "xs": {"type": "array", "items": {"type": "integer"},
                                                 "maxItems": 1000}},
         "required": ["t", "xs"]}
    c = strictschema.compile(s, profile="llama.cpp")
    assert "maxLength" not in c.schema["properties"]["t"]
    assert c.schema["properties"]["xs"]["maxItems"] == 1000
    assert check_strict(c.schema, "llama.cpp") == []
    assert [d.code for d in check_strict(s, "llama.cpp")] == ["bound_too_large"]
    with pytest.raises(strictschema.ValidationError):
        c.validate_json(json.dumps({"t": "x" * 4097, "xs": []}))


def test_llama_cpp_definitions_and_root_refs_get_names_its_converter_reads() -> None:
    s = {"title": "Node", "type": "object", "properties": {
        "born": {"$ref": "#/$defs/date"}, "kids": {"type": "array", "items": {"$ref": "#"}},
        "alias": {"$ref": "#/$defs/my_name"}},
        "required": ["kids"],
        "$defs": {"date": {"type": "object", "properties": {"y": {"type": "integer"}},
                           "required": ["y"]},
                  "my_name": {"type": "string", "minLength": 1}}}
    c = strictschema.compile(s, profile="llama.cpp")
    text = json.dumps(c.schema)
    assert '"$ref": "#"' not in text
    assert set(c.schema["$defs"]) <= {"date-def", "my-name", "Node"}
    assert "date-def" in c.schema["$defs"]
    assert check_strict(c.schema, "llama.cpp") == []
    value = {"kids": [{"kids": [], "born": {"y": 1}}], "alias": "a"}
    assert c.validate_json(json.dumps(value)) == value


def test_llama_cpp_patterns_and_type_lists_in_what_the_converter_reads() -> None:
    from strictschema._compile._compiler import spell_classes

    assert spell_classes(r"^[\w\.-]+@[a-z\-]+\.com$") == r"^[A-Za-z0-9_.-]+@[a-z-]+[.]com$"
    assert spell_classes(r"^\d{3}\s") is None
    s = {"type": "object", "properties": {
        "z": {"type": "string", "pattern": r"^\d{5}$"},
        "w": {"type": "string", "pattern": r"^\s+$"},
        "n": {"type": ["string", "null"], "maxLength": 3}}, "required": ["z", "w", "n"]}
    c = strictschema.compile(s, profile="llama.cpp")
    assert c.schema["properties"]["z"]["pattern"] == "^[0-9]{5}$"
    assert "pattern" not in c.schema["properties"]["w"]  # \s has no short spelling: lossy
    assert c.schema["properties"]["n"] == {"anyOf": [{"type": "string", "maxLength": 3},
                                                     {"type": "null"}]}
    assert check_strict(c.schema, "llama.cpp") == []
    with pytest.raises(strictschema.ValidationError):
        c.validate_json('{"z": "12345", "w": "x", "n": null}')


def test_llama_cpp_a_property_named_ref_is_sent_under_another_name() -> None:
    s = {"type": "object", "properties": {"$ref": {"type": "string"}, "ref": {"type": "integer"}},
         "required": ["$ref"]}
    assert [d.code for d in check_strict(s, "llama.cpp")] == ["reserved_key"]
    c = strictschema.compile(s, profile="llama.cpp")
    assert list(c.schema["properties"]) == ["ref_2", "ref"] and c.schema["required"] == ["ref_2"]
    assert check_strict(c.schema, "llama.cpp") == []
    assert c.encode({"$ref": "a", "ref": 1}) == {"ref_2": "a", "ref": 1}
    assert c.validate_json('{"ref_2": "a"}') == {"$ref": "a"}


def test_an_optional_recursion_is_finite() -> None:
    """Only required properties must be inhabited: a recursion through an optional one ends."""
    s = {"type": "object", "properties": {"next": {"$ref": "#"}, "v": {"type": "integer"}},
         "required": ["v"]}
    for profile in ("gemini", "llguidance", "anthropic"):
        c = strictschema.compile(s, profile=profile)
        assert c.validate_json('{"v": 1}') == {"v": 1}


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["anthropic", "gemini", "mistral", "llguidance", "xgrammar",
                                     "outlines", "llama.cpp"])
def test_every_profile_covers_the_corpus_sample(profile: str) -> None:
    """The repository's JSONSchemaBench sample: at least 99 % strict-clean by the profile's
    own checker, typed refusals only (the benchmark judges independently on the full corpus)."""
    from pathlib import Path

    root = Path(__file__).parent / "data" / "jsonschemabench" / "schemas"
    clean = total = 0
    for f in sorted(root.glob("*.jsonl")):
        for line in f.read_text().splitlines():
            total += 1
            try:
                c = strictschema.compile(json.loads(line)["schema"], profile=profile)
            except strictschema.SchemaError:
                continue  # a typed refusal (UnsupportedSchemaError is one)
            clean += check_strict(c.schema, profile) == []
    assert clean >= 0.99 * total, (clean, total)
