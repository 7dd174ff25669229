"""Issue 13: no constraint is lost silently. A node sent as JSON text keeps its constraints
(residual check, ``lossy``); provably empty schemas are ``unsatisfiable`` at compile."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import strictschema
from strictschema import UnsupportedSchemaError, ValidationError


def _obj(sub: dict) -> dict:
    return {"type": "object", "properties": {"a": sub}, "required": ["a"]}


@pytest.mark.parametrize(("sub", "keyword", "refused", "accepted"), [
    ({"not": {"type": "string"}}, "not", '"x"', "1"),
    ({"if": {"type": "integer"}, "then": {"minimum": 3}}, "if", "1", "5"),
    ({"if": {"type": "string"}, "else": {"type": "boolean"}}, "else", "1", "true"),
])
def test_json_text_node_keeps_its_constraints_and_is_lossy(
        sub: dict, keyword: str, refused: str, accepted: str) -> None:
    c = strictschema.compile(_obj(sub))
    assert not c.exact
    lossy = [d for d in c.diagnostics if d.severity == "lossy"]
    assert any(d.path.endswith(f".a.{keyword}") for d in lossy), lossy
    # the wire admits the JSON text; the residual refuses what the source refuses
    with pytest.raises(ValidationError):
        c.validate_json(json.dumps({"a": refused}))
    assert c.validate_json(json.dumps({"a": accepted})) == {"a": json.loads(accepted)}
    with pytest.raises(UnsupportedSchemaError):
        strictschema.compile(_obj(sub), on_unsupported="error")


def test_dynamic_ref_on_json_text_is_lossy() -> None:
    schema = {"$defs": {"n": {"$dynamicAnchor": "n", "type": "integer"}},
              **_obj({"$dynamicRef": "#n"})}
    c = strictschema.compile(schema)
    assert any(d.severity == "lossy" and "$dynamicRef" in d.path for d in c.diagnostics)


def test_an_if_alone_constrains_nothing() -> None:
    c = strictschema.compile(_obj({"if": {"type": "string"}}))
    assert c.exact


@pytest.mark.parametrize("sub", [
    {"not": {}},
    {"not": True},
    {"type": "string", "not": {"description": "anything"}},
    {"type": "string", "pattern": "^a{1,3}$", "minLength": 5},
    {"type": "string", "pattern": "^$", "minLength": 1},
    {"type": "string", "pattern": "abcdef", "maxLength": 3},
    {"type": "string", "minLength": 4, "maxLength": 2},
    {"type": "integer", "multipleOf": 7, "minimum": 1, "maximum": 6},
    {"type": "number", "multipleOf": 0.5, "exclusiveMinimum": 1, "exclusiveMaximum": 1.5},
    {"type": "integer", "minimum": 1.2, "maximum": 1.8},
    {"type": "number", "minimum": 3, "maximum": 2},
])
def test_provably_empty_schemas_are_unsatisfiable(sub: dict) -> None:
    with pytest.raises(UnsupportedSchemaError) as info:
        strictschema.compile(_obj(sub))
    found = [d for d in info.value.diagnostics if d.code == "unsatisfiable"]
    assert found and all(d.severity == "error" for d in found)
    assert found[0].path.startswith("$.properties.a")


def test_the_whole_schema_not_empty_is_unsatisfiable() -> None:
    with pytest.raises(UnsupportedSchemaError, match="no value is valid"):
        strictschema.compile({"not": {}})


@pytest.mark.parametrize("sub", [
    {"type": "string", "pattern": "^a{1,3}$", "minLength": 3},
    {"type": "string", "pattern": "^a+$", "minLength": 50},
    {"type": "string", "pattern": "a{1,3}", "minLength": 5},  # unanchored: longer strings match
    {"type": "string", "pattern": "^a$|^bbbbbb$", "minLength": 5},
    {"type": "integer", "multipleOf": 7, "minimum": 1, "maximum": 7},
    {"type": "number", "multipleOf": 0.5, "minimum": 1.2, "maximum": 1.5},
    {"not": {"type": "string"}},
])
def test_satisfiable_schemas_are_not_reported(sub: dict) -> None:
    c = strictschema.compile(_obj(sub))
    assert not any(d.code == "unsatisfiable" for d in c.diagnostics)


def test_an_unsatisfiable_optional_property_drops_out() -> None:
    c = strictschema.compile({"type": "object", "properties": {
        "a": {"type": "integer", "multipleOf": 7, "minimum": 1, "maximum": 6}}})
    assert c.schema["properties"] == {}
    assert any(d.code == "property_never_allowed" for d in c.diagnostics)


def test_check_reports_unsatisfiable_and_json_text_losses(tmp_path: Path) -> None:
    pytest.importorskip("click")
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps(_obj({"type": "string", "pattern": "^$", "minLength": 1})))
    loose = tmp_path / "loose.json"
    loose.write_text(json.dumps(_obj({"not": {"type": "string"}})))
    result = subprocess.run([sys.executable, "-m", "strictschema", "check", str(empty),
                             str(loose)], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "error: no string meets this schema" in result.stdout
    assert "[unsatisfiable]" in result.stdout
    assert "lossy: 'not' cannot be sent on a value sent as JSON text" in result.stdout
