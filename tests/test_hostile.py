"""Hostile inputs (issue 12): every class gives a correct verdict or a typed error, on every
route, and quickly (sizes are kept small so the file stays fast; no timing is asserted).

- patterns: bounded repeats written several times, 50,000 alternatives, hundreds of
  ``a{0,1000}`` groups, deeply grouped patterns, legacy syntax whose verdict must not
  depend on the string's length;
- wide schemas: 30,000 optional properties, an enum of 3,000 objects;
- nesting up to ``MAX_DEPTH`` (512) through ``$ref`` recursion with ``anyOf``, ``oneOf``,
  ``not``, ``unevaluatedItems`` and ``$dynamicRef``, and 513 refused; unions whose
  branches overlap and fail only at the innermost leaf (each level would double the work
  of a judge that tried every path);
- typed errors: an unresolvable ``$dynamicRef``, ``maxLength: 2**63``;
- metaschema references resolved offline.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

import strictschema
from strictschema import (
    DecodeError,
    RefResolutionError,
    SchemaError,
    UnsafePatternError,
    UnsupportedSchemaError,
    ValidationError,
    Validator,
)
from strictschema._serve._shapes import events
from strictschema._validate._regex import compile_pattern
from strictschema._validate._validator import MAX_DEPTH
from strictschema.responses import Stream


def _verdicts(v: Validator, value: Any) -> set[bool]:
    """The verdicts of every route on ``value`` (one element when they agree)."""
    raw = json.dumps(value)
    out = {v.is_valid(value), v.is_valid_json(raw), v.check_json(raw)[1],
           not v.errors_json(raw)}
    p = v.push()
    try:
        p.feed(raw)
        p.finish()
        out.add(True)
    except ValidationError:
        out.add(False)
    return out


def _string(pattern: str) -> Validator:
    return Validator({"type": "string", "pattern": pattern})


# -- patterns ----------------------------------------------------------------------------


@pytest.mark.parametrize(("pattern", "cases"), [
    ("^(a{0,16}){8}$", {"a" * 100: True, "a" * 128: True, "a" * 129: False,
                        "a" * 99 + "b": False, "": True}),
    ("^(a{0,16}){8}(a{0,16}){8}(a{0,16}){8}$", {"a" * 300: True, "a" * 100 + "b": False,
                                                 "a" * 385: False}),
    ("(a{0,16}){8}b", {"a" * 100 + "b": True, "a" * 100: False}),
    ("^(?:a{0,16}b?){8}c$", {"a" * 100 + "c": True, "ab" * 8 + "c": True,
                             "a" * 100 + "!": False}),
    ("^(a{2,16}|aa{1,15}){8}$", {"a" * 100: True, "a" * 101: True, "a" * 129: False,
                                 "a" * 15: False}),
])
def test_bounded_repeats_written_several_times(pattern: str, cases: dict[str, bool]) -> None:
    """Exponential on a backtracking engine at about 100 characters; linear here."""
    rx = compile_pattern(pattern)
    assert not rx.backtracking
    v = _string(pattern)
    for text, ok in cases.items():
        assert rx.search(text) is ok, len(text)
        assert _verdicts(v, text) == {ok}, len(text)


def test_fifty_thousand_alternatives() -> None:
    pattern = "^(" + "|".join(f"w{i}" for i in range(50_000)) + ")$"
    v = _string(pattern)
    for text, ok in (("w0", True), ("w49999", True), ("w50000", False), ("w123", True),
                     ("w", False), ("xw1", False)):
        assert _verdicts(v, text) == {ok}, text
    unanchored = compile_pattern("|".join(f"k{i}x" for i in range(50_000)))
    assert unanchored.search("...k42x...") and not unanchored.search("k42y" * 1000)


def test_hundreds_of_large_counted_groups_are_a_typed_error() -> None:
    pattern = "^" + "(a{0,1000})" * 300 + "$"
    with pytest.raises(UnsafePatternError, match="too large to run") as info:
        Validator({"type": "object", "properties": {"s": {"type": "string",
                                                          "pattern": pattern}}})
    assert isinstance(info.value, SchemaError)
    assert info.value.json_path == "$.properties.s.pattern"
    with pytest.raises(UnsafePatternError):
        strictschema.compile({"type": "object", "properties": {"s": {
            "type": "string", "pattern": pattern}}, "required": ["s"],
            "additionalProperties": False})


def test_tens_of_large_counted_groups_are_refused_or_judged() -> None:
    """A search costs about (automaton states) x (string length): 30 groups of a{0,1000}
    (about 30,000 states) are refused when the schema is loaded, with the pattern's path;
    ten such groups (about 10,000) run, and judge long strings right."""
    with pytest.raises(UnsafePatternError) as info:
        _string("^" + "(a{0,1000})" * 30 + "$")
    assert "automaton states" in str(info.value)
    assert info.value.json_path == "$.pattern"
    v = _string("^" + "(a{0,1000})" * 10 + "$")
    for n, ok in ((0, True), (1, True), (120, True), (10_000, True), (10_001, False)):
        assert _verdicts(v, "a" * n) == {ok}, n
    for text in ("b", "a" * 50 + "b"):
        assert _verdicts(v, text) == {False}, len(text)


@pytest.mark.parametrize("opening", ["(", "(?:", "(?<g>", "(?=", "(?!x)("])
def test_deeply_grouped_patterns_are_a_typed_error(opening: str) -> None:
    depth = 200
    close = ")" * depth
    pattern = opening * depth + "a" + close
    if opening == "(?<g>":
        pattern = "".join(f"(?<g{i}>" for i in range(depth)) + "a" + close
    with pytest.raises(UnsafePatternError, match="nested more than 128 groups"):
        compile_pattern(pattern)
    with pytest.raises(UnsafePatternError) as info:
        Validator({"type": "object", "patternProperties": {pattern: {"type": "integer"}}})
    assert info.value.json_path.startswith("$.patternProperties[")


@pytest.mark.parametrize(("pattern", "yes", "no"), [
    ("(" * 100 + "a" + ")" * 100, ["a", "xay"], ["", "b"]),
    ("^" + "(?:" * 100 + "ab|c" + ")" * 100 + "$", ["ab", "c"], ["abc", "a", ""]),
    ("^" + "(" * 100 + "a" + ")+" * 100 + "$", ["a", "a" * 500], ["", "a" * 500 + "b"]),
    ("^" + "(?:x" * 100 + ")?" * 100 + "$", ["", "x", "x" * 100], ["x" * 101, "y"]),
])
def test_a_hundred_nested_groups_judge_correctly(pattern: str, yes: list[str],
                                                 no: list[str]) -> None:
    rx = compile_pattern(pattern)
    v = _string(pattern)
    for text in yes:
        assert rx.search(text) and _verdicts(v, text) == {True}, text
    for text in no:
        assert not rx.search(text) and _verdicts(v, text) == {False}, text


@pytest.mark.parametrize(("pattern", "unit", "head", "tail", "ok"), [
    (r"^\-[a-z]{2}$", "", "-ab", "", True),
    (r"^\-[a-z]+$", "a", "-", "", True),
    (r"^\-[a-z]+$", "a", "-", "B", False),
    (r"^[\w-]+$", "a-", "", "", True),
    (r"^[\w-]+$", "a-", "", "é", False),
    (r"^\a[\w-]*$", "-", "a", "", True),
    (r"^\a[\w-]*$", "-", "\x07", "", False),
    (r"^\_.+\_$", "\U0001F600", "_", "_", True),
])
def test_a_legacy_pattern_judges_the_same_at_every_length(pattern: str, unit: str, head: str,
                                                          tail: str, ok: bool) -> None:
    """Syntax valid only without the ``u`` flag (``\\-``, ``[\\w-]``, ``\\a``): one engine,
    one meaning, whatever the string's length."""
    v = _string(pattern)
    for n in (1, 2, 15, 16, 17, 64, 255, 256, 257, 4096, 20_000):
        text = head + unit * n + tail
        assert _verdicts(v, text) == {ok}, n
        if not unit:
            break


# -- wide schemas --------------------------------------------------------------------------

WIDE = {"type": "object", "properties": {f"p{i}": {"type": "integer", "minimum": 0}
                                         for i in range(30_000)},
        "additionalProperties": False}


@pytest.fixture(scope="module")
def wide() -> Validator:
    return Validator(WIDE)


@pytest.mark.parametrize(("value", "ok"), [
    ({}, True), ({"p0": 1, "p29999": 2, "p15000": 0}, True), ({"p1": "x"}, False),
    ({"p29999": -1}, False), ({"q": 1}, False), ({f"p{i}": i for i in range(0, 30_000, 7)}, True),
])
def test_thirty_thousand_optional_properties(wide: Validator, value: dict, ok: bool) -> None:
    assert _verdicts(wide, value) == {ok}
    if ok:
        assert wide.validate_json(json.dumps(value)) == value
    else:
        with pytest.raises(ValidationError):
            wide.validate_json(json.dumps(value))


def test_thirty_thousand_optional_properties_compile() -> None:
    """OpenAI's profile refuses it by its limits (a typed error, not a stall); a profile
    without a property limit compiles it and judges outputs."""
    with pytest.raises(UnsupportedSchemaError, match="30000 object properties exceed"):
        strictschema.compile(WIDE)
    c = strictschema.compile(WIDE, profile="llguidance")
    assert c.validate_json('{"p7": 1, "p29998": 3}') == {"p7": 1, "p29998": 3}
    with pytest.raises(ValidationError):
        c.validate_json('{"p7": -1}')


def test_thirty_thousand_properties_with_a_pattern_the_profile_does_not_send() -> None:
    """A pattern's bounds over 30,000 listed names (mistral sends no patternProperties):
    the judge says them of the names the pattern matches, one pass over the names (it
    compared every name with every name before: minutes)."""
    schema = {**WIDE, "patternProperties": {"^p1": {"maximum": 100}}}
    c = strictschema.compile(schema, profile="mistral")
    assert c.validate_json('{"p1": 100, "p29998": 3}') == {"p1": 100, "p29998": 3}
    assert c.validate_json('{"p2": 101}') == {"p2": 101}
    for text in ('{"p1": 101}', '{"p19999": 101}', '{"p2": -1}'):
        with pytest.raises(ValidationError):
            c.validate_json(text)
    assert c._judge_validator() is not None  # one pass, the pattern said per member


ENUM = [{"id": i, "name": f"n{i}", "tags": [i % 7, "x"], "w": i / 4} for i in range(3000)]


@pytest.fixture(scope="module")
def objects() -> Validator:
    return Validator({"type": "object", "properties": {"e": {"enum": ENUM}}, "required": ["e"]})


@pytest.mark.parametrize(("e", "ok"), [
    (ENUM[0], True), (ENUM[2999], True), (ENUM[1500], True),
    ({**ENUM[2999], "tags": [0, "x"]}, False), ({**ENUM[10], "extra": 1}, False),
    ({k: v for k, v in ENUM[10].items() if k != "w"}, False),
    ({**ENUM[8], "w": 2}, True),  # 8 / 4 == 2: JSON equality (2.0 == 2)
    ("n1", False), (None, False),
])
def test_an_enum_of_three_thousand_objects(objects: Validator, e: Any, ok: bool) -> None:
    assert _verdicts(objects, {"e": e}) == {ok}


# -- nesting -------------------------------------------------------------------------------

NESTING = {
    "anyOf": {"$defs": {"n": {"anyOf": [{"type": "array", "items": {"$ref": "#/$defs/n"}},
                                        {"type": "integer"}]}}, "$ref": "#/$defs/n"},
    "oneOf": {"$defs": {"n": {"oneOf": [{"type": "array", "items": {"$ref": "#/$defs/n"}},
                                        {"type": "integer"}]}}, "$ref": "#/$defs/n"},
    "not": {"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"},
                            "not": {"minItems": 2}}}, "$ref": "#/$defs/n"},
    "not not": {"$defs": {"n": {"not": {"not": {"type": "array",
                                                "items": {"$ref": "#/$defs/n"}}}}},
                "$ref": "#/$defs/n"},
    "unevaluatedItems": {"$defs": {"n": {"type": "array", "prefixItems": [{"$ref": "#/$defs/n"}],
                                         "unevaluatedItems": False}}, "$ref": "#/$defs/n"},
    "$dynamicRef": {"$dynamicAnchor": "node", "type": "array",
                    "items": {"$dynamicRef": "#node"}},
    # two array branches either of which fits every level: a leaf that fails is tried
    # through 2 ** depth paths unless verdicts are shared
    "overlapping anyOf": {"$defs": {"n": {"anyOf": [
        {"type": "array", "items": {"$ref": "#/$defs/n"}},
        {"type": "array", "items": {"$ref": "#/$defs/n"}, "maxItems": 5},
        {"type": "integer", "maximum": 7}]}}, "$ref": "#/$defs/n"},
}


def _nested(depth: int, leaf: str) -> str:
    """``depth`` nested arrays around ``leaf`` (empty: the innermost array is empty)."""
    return "[" * depth + leaf + "]" * depth


def _leaf(name: str) -> str:
    return "7" if name in ("anyOf", "oneOf", "overlapping anyOf") else ""


@pytest.mark.parametrize("name", sorted(NESTING))
@pytest.mark.parametrize("depth", [1, 505, MAX_DEPTH - 1, MAX_DEPTH])
def test_nesting_up_to_the_limit_is_accepted_on_every_route(name: str, depth: int) -> None:
    v = Validator(NESTING[name])
    text = _nested(depth, _leaf(name))
    value = json.loads(text)
    assert v.validate_json(text) == value
    assert v.validate_json(text.encode()) == value
    assert v.check_json_errors(text) == (value, None)
    assert v.errors_json(text) == []
    assert v.is_valid_json(text)
    assert v.is_valid(value)
    assert list(v.iter_errors(value)) == []
    p = v.push()
    for i in range(0, len(text), 64):
        p.feed(text[i:i + 64])
    assert p.complete and p.finish() == value


@pytest.mark.parametrize("name", sorted(NESTING))
def test_an_invalid_leaf_at_the_limit_is_found_on_every_route(name: str) -> None:
    v = Validator(NESTING[name])
    text = _nested(MAX_DEPTH - 1, '"x"')
    value = json.loads(text)
    assert _verdicts(v, value) == {False}
    with pytest.raises(ValidationError):
        v.validate_json(text)


@pytest.mark.parametrize("depth", [30, MAX_DEPTH - 1])
def test_overlapping_unions_failing_at_the_leaf_are_judged_once(depth: int) -> None:
    """8 fails only the innermost ``maximum``: every level's two array branches fit, so
    a judge trying each path would take 2 ** depth steps (30 levels: a billion)."""
    v = Validator(NESTING["overlapping anyOf"])
    text = _nested(depth, "8")
    value = json.loads(text)
    assert _verdicts(v, value) == {False}
    [error] = v.errors_json(text)
    assert list(v.iter_errors(value)) == [error]
    assert (error.keyword, error.location) == ("anyOf", ())
    assert v.is_valid_json(_nested(depth, "7"))


@pytest.mark.parametrize("name", sorted(NESTING))
def test_nesting_past_the_limit_is_a_decode_error(name: str) -> None:
    v = Validator(NESTING[name])
    text = _nested(MAX_DEPTH + 1, _leaf(name))
    for route in (v.validate_json, v.check_json, v.is_valid_json, v.errors_json):
        with pytest.raises(DecodeError, match="nested deeper than 512"):
            route(text)
    with pytest.raises(DecodeError, match="nested deeper than 512"):
        v.push().feed(text)
    deeper = json.loads(_nested(MAX_DEPTH + 2, _leaf(name)))
    assert v.is_valid(deeper) is False
    [error] = v.iter_errors(deeper)
    assert error.keyword == "depth"


@pytest.mark.parametrize("schema", [{}, NESTING["$dynamicRef"]])
def test_the_value_route_refuses_513_levels_too(schema: dict) -> None:
    value = json.loads(_nested(MAX_DEPTH + 1, ""))
    assert Validator(schema).is_valid(value) is False


@pytest.mark.parametrize("name", ["anyOf", "oneOf", "not", "overlapping anyOf"])
def test_nesting_up_to_the_limit_through_a_stream(name: str) -> None:
    """The schemas whose wire form keeps the nesting (the others travel as JSON text)."""
    c = strictschema.compile(NESTING[name], profile="llguidance")
    text = _nested(MAX_DEPTH, _leaf(name))
    s = Stream(c)
    for ev in events(text, chunk=37):
        s.feed(ev)
    assert s.result() == json.loads(text)
    s = Stream(c)
    with pytest.raises(DecodeError, match="nested deeper than 512"):
        for ev in events(_nested(MAX_DEPTH + 1, _leaf(name)), chunk=37):
            s.feed(ev)


# -- typed errors --------------------------------------------------------------------------


@pytest.mark.parametrize(("schema", "where"), [
    ({"type": "object", "properties": {"a": {"$dynamicRef": "#nope"}}},
     "$.properties.a['$dynamicRef']"),
    ({"$dynamicRef": "https://example.com/elsewhere#x"}, "$['$dynamicRef']"),
    ({"$defs": {"n": {"$dynamicAnchor": "other"}}, "items": {"$dynamicRef": "#node"}},
     "$.items['$dynamicRef']"),
])
def test_an_unresolvable_dynamic_ref_is_a_typed_error_on_load(schema: dict, where: str) -> None:
    with pytest.raises(RefResolutionError) as info:
        Validator(schema)
    assert isinstance(info.value, SchemaError)
    assert info.value.json_path == where
    with pytest.raises(RefResolutionError):
        strictschema.compile({"type": "object", "properties": {"x": schema}})


@pytest.mark.parametrize("n", [2**63, 2**64 - 1, 2**64, 2**70])
def test_huge_length_limits(n: int) -> None:
    v = Validator({"type": "string", "maxLength": n, "minLength": 1})
    assert _verdicts(v, "abc") == {True} and _verdicts(v, "") == {False}
    assert _verdicts(Validator({"type": "string", "minLength": n}), "abc") == {False}
    assert _verdicts(Validator({"type": "array", "maxItems": n}), [1, 2]) == {True}
    assert _verdicts(Validator({"type": "object", "minProperties": n}), {"a": 1}) == {False}
    c = strictschema.compile({"type": "object", "properties": {"s": {
        "type": "string", "maxLength": n}}, "required": ["s"], "additionalProperties": False})
    assert c.validate_json('{"s": "abc"}') == {"s": "abc"}


# -- metaschemas, offline ------------------------------------------------------------------

METASCHEMAS = ["http://json-schema.org/draft-04/schema#",
               "https://json-schema.org/draft/2020-12/schema",
               "http://json-schema.org/draft-07/schema#"]


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("ref", METASCHEMAS)
def test_a_ref_to_a_metaschema_resolves_offline(offline: None, ref: str) -> None:
    v = Validator({"type": "object", "properties": {"schema": {"$ref": ref}},
                   "required": ["schema"]})
    for value, ok in (({"schema": {"type": "string", "minLength": 2}}, True),
                      ({"schema": {"properties": {"a": {"items": {"type": "integer"}}}}}, True),
                      ({"schema": {"type": 12}}, False), ({"schema": {"minLength": -1}}, False),
                      ({"schema": {"properties": {"a": {"required": 5}}}}, False),
                      ({"schema": []}, False)):
        assert _verdicts(v, value) == {ok}, value


def test_a_ref_to_the_draft_04_metaschema_compiles_offline(offline: None) -> None:
    c = strictschema.compile({"type": "object", "properties": {"schema": {
        "$ref": METASCHEMAS[0]}}, "required": ["schema"], "additionalProperties": False})
    for value in ({"schema": {"type": "string"}}, {"schema": {"items": {"minimum": 1}}}):
        wire = json.dumps(c.encode(value))
        assert c.validate_json(wire) == value
    with pytest.raises(ValidationError):
        c.validate_json(json.dumps(c.encode({"schema": {"type": "string"}})).replace(
            '"string"', "12"))


def test_a_ref_to_the_2020_12_metaschema_compiles_offline(offline: None) -> None:
    """The metaschema's vocabularies each are their own resource: a reference inside one
    (``#/$defs/uriReferenceString``) resolves in that vocabulary, merged or not."""
    c = strictschema.compile({"type": "object", "properties": {"schema": {
        "$ref": METASCHEMAS[1]}}, "required": ["schema"], "additionalProperties": False})
    for value in ({"schema": {"type": "string"}}, {"schema": {"items": {"minimum": 1}}},
                  {"schema": {"$id": "urn:x", "$defs": {"a": {"type": "integer"}},
                              "properties": {"x": {"$ref": "#/$defs/a"}}}}):
        wire = json.dumps(c.encode(value))
        assert c.validate_json(wire) == value
    with pytest.raises(ValidationError):
        c.validate_json(json.dumps(c.encode({"schema": {"type": "string"}})).replace(
            '"string"', "12"))


def test_in_place_references_that_expand_exponentially_are_refused() -> None:
    """allOf of two references to the next level, sixty levels deep: 2**60 paths for one
    value. The schema is refused when loaded, with a typed error naming where; twelve
    levels (4,096 paths) are judged."""
    def levels(n: int) -> dict:
        defs: dict = {f"a{i}": {"allOf": [{"$ref": f"#/$defs/a{i + 1}"}] * 2} for i in range(n)}
        defs[f"a{n}"] = {"type": "integer"}
        return {"$ref": "#/$defs/a0", "$defs": defs}

    with pytest.raises(strictschema.SchemaError, match="expand to more than"):
        strictschema.Validator(levels(60))
    with pytest.raises(strictschema.SchemaError, match="expand to more than"):
        strictschema.compile(levels(60))  # when compiled, not at the first validation
    v = strictschema.Validator(levels(12))
    assert v.validate_json("5") == 5 and not v.is_valid_json('"x"')
