"""Messages a user reads: what they say must match what happened (issue 16's defects)."""

from __future__ import annotations

import json

import pytest

import strictschema
from strictschema import SchemaError, UnsafePatternError, ValidationError, Validator
from strictschema.responses import ResponseFailed, parse_response

TAGGED = {"oneOf": [
    {"type": "object", "additionalProperties": False, "required": ["kind", "n"],
     "properties": {"kind": {"const": "a"}, "n": {"type": "integer", "maximum": 10}}},
    {"type": "object", "additionalProperties": False, "required": ["kind", "s"],
     "properties": {"kind": {"const": "b"}, "s": {"type": "string"}}},
]}


def test_one_of_summary_names_a_failing_branch() -> None:
    with pytest.raises(ValidationError) as info:
        Validator(TAGGED).validate_json(json.dumps({"kind": "a", "n": 50}))
    assert info.value.keyword == "oneOf"
    assert info.value.json_path == "$"


def test_one_of_value_out_of_range_is_explained_as_out_of_range() -> None:
    """The branch whose tag matches explains the failure, not the branch that would need
    other keys ("Additional properties are not allowed" was shown before the native core)."""
    with pytest.raises(ValidationError) as info:
        Validator(TAGGED).validate_json(json.dumps({"kind": "a", "n": 50}))
    message = str(info.value)
    assert "Additional properties" not in message
    assert "greater than the maximum of 10" in message and "$.n" in message


def test_cancelled_response_says_so_once() -> None:
    response = {"id": "resp_1", "object": "response", "status": "cancelled", "output": []}
    with pytest.raises(ResponseFailed) as info:
        parse_response(response, strictschema.compile({"type": "string"}))
    assert info.value.status == "cancelled" and info.value.code == "cancelled"
    assert str(info.value) == "the response was cancelled before it finished"


def test_failed_response_message_keeps_code_and_message() -> None:
    assert str(ResponseFailed("server_error", "boom")) == "the response failed: server_error: boom"
    assert str(ResponseFailed(None, "stopped by the user", status="cancelled")) == (
        "the response was cancelled: stopped by the user")


def test_unsafe_pattern_error_is_public_and_a_schema_error() -> None:
    assert "UnsafePatternError" in strictschema.__all__
    assert issubclass(UnsafePatternError, SchemaError)
    assert issubclass(UnsafePatternError, ValueError)
    # a lookaround inside a nested repetition: no linear-time engine, exponential backtracking
    with pytest.raises(UnsafePatternError):
        Validator({"type": "string", "pattern": "^((?=a)a+)+$"}).is_valid("a" * 30 + "!")
