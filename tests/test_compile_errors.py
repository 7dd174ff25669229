"""Bad input gets a typed, one-line error with a JSON path: never a deep traceback or a hang."""

from __future__ import annotations

import socket

import pytest
import referencing
import referencing.jsonschema

import strictschema
from strictschema import RefResolutionError, SchemaError, UnsupportedSchemaError, ValidationError
from strictschema._validate._regex import UnsafePatternError


@pytest.mark.parametrize("bad", ["{}", ["type"], 3, None, b"{}"])
def test_not_a_schema(bad: object) -> None:
    with pytest.raises(SchemaError, match="must be a JSON object or boolean"):
        strictschema.compile(bad)


def test_invalid_against_metaschema_has_path() -> None:
    with pytest.raises(SchemaError) as info:
        strictschema.compile({"type": "object", "properties": {"a": {"type": "strin"}}})
    assert info.value.json_path == "$.properties.a.type"
    assert "\n" not in str(info.value) and str(info.value).endswith("- at $.properties.a.type")
    assert isinstance(info.value, ValueError)


def test_unresolvable_local_ref() -> None:
    with pytest.raises(RefResolutionError) as info:
        strictschema.compile({"type": "object", "properties": {"a": {"$ref": "#/$defs/Nope"}}})
    assert info.value.json_path == "$.properties.a['$ref']"  # RFC 9535: '$' needs brackets
    assert info.value.ref == "#/$defs/Nope"
    assert isinstance(info.value, LookupError) and isinstance(info.value, SchemaError)


def test_remote_ref_is_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("strictschema tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    schema = {"type": "object",
              "properties": {"a": {"$ref": "https://example.com/other.json#/$defs/A"}}}
    with pytest.raises(RefResolutionError, match="nothing is fetched; pass registry="):
        strictschema.compile(schema)


def test_remote_ref_through_user_registry() -> None:
    other = referencing.jsonschema.DRAFT202012.create_resource(
        {"$defs": {"A": {"type": "integer", "minimum": 1}}})
    registry = referencing.Registry().with_resource("https://example.com/other.json", other)
    schema = {"type": "object",
              "properties": {"a": {"$ref": "https://example.com/other.json#/$defs/A"}},
              "required": ["a"]}
    c = strictschema.compile(schema, registry=registry)
    assert c.schema["properties"]["a"] == {"$ref": "#/$defs/A"}
    assert c.schema["$defs"]["A"] == {"type": "integer", "minimum": 1}


def test_ref_cycle_with_no_finite_value() -> None:
    pure_loop = {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}},
                 "type": "object", "properties": {"x": {"$ref": "#/$defs/a"}},
                 "required": ["x"]}
    with pytest.raises(SchemaError, match="never end"):  # a pure $ref loop: refused on load
        strictschema.compile(pure_loop)
    required_recursion = {"type": "object", "properties": {"next": {"$ref": "#"}},
                          "required": ["next"]}
    with pytest.raises(UnsupportedSchemaError, match="no finite value"):
        strictschema.compile(required_recursion)
    # the same recursion made optional is fine: null ends it
    ok = strictschema.compile({"type": "object", "properties": {"next": {"$ref": "#"}}})
    assert ok.schema["properties"]["next"] == {"anyOf": [{"$ref": "#"}, {"type": "null"}]}


def test_deep_nesting_is_a_clean_error() -> None:
    schema: dict = {"type": "string"}
    for _ in range(3000):
        schema = {"type": "object", "properties": {"a": schema}, "required": ["a"]}
    with pytest.raises(SchemaError, match="nested"):
        strictschema.compile(schema)


def test_invalid_ecma_pattern() -> None:
    with pytest.raises(SchemaError, match="invalid ECMA-262 pattern") as info:
        strictschema.compile({"type": "object", "properties": {"a": {"type": "string",
                                                                     "pattern": "(?<x"}}})
    assert info.value.json_path == "$.properties.a.pattern"
    # lookarounds run on the backtracking engine with a step limit: a schema, and verdicts
    lookaround = "^(?=.*a)(?=.*b)(a|b)*(?<=b)$"
    c = strictschema.compile({"type": "object", "properties": {"a": {"type": "string",
                                                                     "pattern": lookaround}}})
    assert c.validate_json('{"a": "' + "ab" * 500 + '"}') == {"a": "ab" * 500}
    with pytest.raises(ValidationError, match="does not match"):
        c.validate_json('{"a": "' + "ab" * 500 + 'a"}')
    # a pattern that cannot run in bounded time is refused on load, placed once at it
    for unsafe, why in (("(" * 200 + "a" + ")" * 200, "nested more than 128 groups"),
                        ("^" + "(a{0,1000})" * 300 + "$", "too large to run")):
        with pytest.raises(UnsafePatternError, match=why) as err:
            strictschema.compile({"type": "object", "properties": {"a": {"type": "string",
                                                                         "pattern": unsafe}}})
        assert str(err.value).count(" - at ") == 1
        assert str(err.value).endswith(" - at $.properties.a.pattern")
        assert err.value.json_path == "$.properties.a.pattern"


def test_unknown_profile_and_policy() -> None:
    with pytest.raises(ValueError, match="known profiles: anthropic, gemini, .*openai, openai-2024"):
        strictschema.compile({"type": "object"}, profile="gemini-0")
    with pytest.raises(ValueError, match="on_unsupported"):
        strictschema.compile({"type": "object"}, on_unsupported="ignore")  # type: ignore[arg-type]


def test_policy_error_lists_every_problem_at_once() -> None:
    schema = {"type": "object", "properties": {
        "a": {"type": "string", "format": "uri"},
        "b": {"type": "array", "items": {"type": "integer"}, "uniqueItems": True},
        "c": {"not": {"type": "null"}, "type": "integer"},
    }, "required": ["a", "b", "c"]}
    with pytest.raises(UnsupportedSchemaError) as info:
        strictschema.compile(schema, on_unsupported="error")
    paths = [d.path for d in info.value.diagnostics]
    assert paths == ["$.properties.a.format", "$.properties.b.uniqueItems",
                     "$.properties.c.not"]
    assert "(and 2 more problems)" in str(info.value)
    # the same schema compiles under the other policies, reporting the same losses
    for policy in ("describe", "drop"):
        c = strictschema.compile(schema, on_unsupported=policy)
        assert [d.path for d in c.diagnostics if d.severity == "lossy"] == paths
        assert not c.exact
    described = strictschema.compile(schema).schema["properties"]["b"]["description"]
    assert described == "Constraints: uniqueItems: true."
    dropped = strictschema.compile(schema, on_unsupported="drop").schema["properties"]["b"]
    assert "description" not in dropped and "uniqueItems" not in dropped


def test_input_is_never_mutated() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string", "default": "x"}},
              "$defs": {"U": {"type": "integer"}}}
    snapshot = repr(schema)
    c = strictschema.compile(schema)
    assert repr(schema) == snapshot
    c.schema["properties"].clear()  # the accessor hands out copies
    assert c.schema["properties"]
    with pytest.raises(AttributeError):
        c._wire = {}  # type: ignore[misc]


def test_false_root_is_unsatisfiable() -> None:
    with pytest.raises(UnsupportedSchemaError, match="accepts no value"):
        strictschema.compile(False)


def test_enum_with_big_integers_compiles_and_validates() -> None:
    c = strictschema.compile({"type": "object", "properties": {"n": {"enum": [2**70, 1]}},
                              "required": ["n"]})
    assert c.validate_json(b'{"n": 1180591620717411303424}') == {"n": 2**70}
    with pytest.raises(strictschema.ValidationError):
        c.validate_json(b'{"n": 2}')


@pytest.mark.parametrize(("schema", "where"), [
    ({"anyOf": [{"anyOf": [{"$ref": "#"}, {"const": True}]}, {"type": "string"}]},
     "$.anyOf[0].anyOf[0]"),
    ({"$defs": {"a": {"allOf": [{"$ref": "#/$defs/b"}]}, "b": {"oneOf": [{"$ref": "#/$defs/a"}]}},
      "$ref": "#/$defs/a"}, "$['$defs'].b.oneOf[0]"),
])
def test_ref_loop_without_progress_is_refused(schema: dict, where: str) -> None:
    for build in (strictschema.compile, strictschema.Validator):
        with pytest.raises(SchemaError, match="never end") as info:
            build(schema)
        assert info.value.json_path == where


def test_recursion_through_the_instance_is_fine() -> None:
    tree = {"$defs": {"t": {"anyOf": [{"type": "string"},
                                      {"type": "array", "items": {"$ref": "#/$defs/t"}}]}},
            "$ref": "#/$defs/t"}
    assert strictschema.Validator(tree).is_valid(["a", ["b", []]])
