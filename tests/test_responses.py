"""``responses.parse_response`` and ``parse_tool_calls`` on real Responses API shapes: plain
dicts and the ``openai`` SDK's own ``Response`` objects, built from the same JSON."""

from __future__ import annotations

import json
from typing import Any, Literal

import pytest

import strictschema
from strictschema import responses
from strictschema._serve._shapes import function_call, message, reasoning, response
from strictschema.responses import (
    IncompleteOutput,
    NoStructuredOutput,
    Refusal,
    ResponseFailed,
    ResponseNotFinished,
    UnknownTool,
)

openai_types = pytest.importorskip("openai.types.responses")
pydantic = pytest.importorskip("pydantic")

WEATHER = {
    "title": "Weather", "type": "object",
    "properties": {
        "city": {"type": "string"},
        "celsius": {"type": "number"},
        "conditions": {"type": "string", "enum": ["sunny", "cloudy", "rain", "snow"]},
        "wind": {"type": "integer"},
    },
    "required": ["city", "celsius", "conditions"],
}
GOOD = {"city": "Oslo", "celsius": -3.5, "conditions": "snow", "wind": None}
GOOD_TEXT = json.dumps(GOOD)


class Weather(pydantic.BaseModel):
    city: str
    celsius: float
    conditions: Literal["sunny", "cloudy", "rain", "snow"]


@pytest.fixture(scope="module")
def compiled() -> strictschema.Compiled:
    return strictschema.compile(WEATHER)


def sdk(d: dict) -> Any:
    """The SDK's own object for a wire dict (fails if the dict is not a real shape)."""
    return openai_types.Response.model_validate(d)


BOTH = pytest.mark.parametrize("kind", ["dict", "sdk"])


def as_kind(d: dict, kind: str) -> Any:
    return d if kind == "dict" else sdk(d)


@BOTH
def test_completed_response_decodes_to_the_original_shape(compiled: Any, kind: str) -> None:
    r = response([message(GOOD_TEXT)], schema=compiled.schema)
    # the optional "wind" was sent as null on the wire; decoded it is absent again
    assert responses.parse_response(as_kind(r, kind), compiled) == {
        "city": "Oslo", "celsius": -3.5, "conditions": "snow"}


@BOTH
def test_compiled_parse_accepts_a_response_and_returns_the_model(kind: str) -> None:
    c = strictschema.compile(Weather)
    r = response([reasoning(), message(GOOD_TEXT.replace(', "wind": null', ""))],
                 schema=c.schema)
    got = c.parse(as_kind(r, kind))
    assert isinstance(got, Weather)
    assert got == Weather(city="Oslo", celsius=-3.5, conditions="snow")


def test_reasoning_items_and_commentary_are_skipped(compiled: Any) -> None:
    r = response([reasoning(), message("Let me check the weather.", phase="commentary",
                                       id="msg_0"),
                  message(GOOD_TEXT, phase="final_answer", id="msg_1")])
    sdk(r)
    assert responses.parse_response(r, compiled)["city"] == "Oslo"


def test_with_several_messages_the_last_one_with_text_answers(compiled: Any) -> None:
    first = json.dumps({**GOOD, "city": "Bergen"})
    r = response([message(first, id="msg_a"), reasoning(), message(GOOD_TEXT, id="msg_b")])
    assert responses.parse_response(r, compiled)["city"] == "Oslo"


def test_parts_of_one_message_concatenate(compiled: Any) -> None:
    msg = message(GOOD_TEXT[:10])
    msg["content"].append({"type": "output_text", "text": GOOD_TEXT[10:], "annotations": []})
    r = response([msg])
    assert responses.parse_response(sdk(r), compiled)["conditions"] == "snow"


@BOTH
def test_refusal(compiled: Any, kind: str) -> None:
    r = response([message(refusal="I'm sorry, I can't help with that.\nReally.")], id="resp_r")
    with pytest.raises(Refusal) as info:
        responses.parse_response(as_kind(r, kind), compiled)
    assert info.value.refusal == "I'm sorry, I can't help with that.\nReally."
    assert info.value.response_id == "resp_r"
    assert "\n" not in str(info.value)
    assert isinstance(info.value, strictschema.StrictSchemaError)
    assert isinstance(info.value, ValueError)


@BOTH
def test_incomplete_max_output_tokens_with_truncated_json(compiled: Any, kind: str) -> None:
    text = '{"city": "Oslo", "celsius": -3.5, "conditions": "sn'
    r = response([message(text, status="incomplete")], status="incomplete",
                 reason="max_output_tokens")
    with pytest.raises(IncompleteOutput) as info:
        responses.parse_response(as_kind(r, kind), compiled)
    exc = info.value
    assert exc.reason == "max_output_tokens"
    assert exc.text == text
    # best effort: the open string is closed, so the UI can show what came
    assert exc.partial == {"city": "Oslo", "celsius": -3.5, "conditions": "sn"}
    assert "max_output_tokens" in str(exc)


def test_incomplete_before_any_text(compiled: Any) -> None:
    r = response([reasoning()], status="incomplete", reason="max_output_tokens")
    sdk(r)
    with pytest.raises(IncompleteOutput) as info:
        responses.parse_response(r, compiled)
    assert info.value.text == "" and info.value.partial is None


@BOTH
def test_failed(compiled: Any, kind: str) -> None:
    r = response([], status="failed",
                 error={"code": "server_error", "message": "The server had an error."})
    with pytest.raises(ResponseFailed) as info:
        responses.parse_response(as_kind(r, kind), compiled)
    assert (info.value.code, info.value.message) == ("server_error", "The server had an error.")
    assert info.value.status == "failed"
    assert isinstance(info.value, RuntimeError)


def test_cancelled_and_pending(compiled: Any) -> None:
    with pytest.raises(ResponseFailed) as info:
        responses.parse_response(response([], status="cancelled"), compiled)
    assert info.value.status == "cancelled"
    for status in ("queued", "in_progress"):
        with pytest.raises(ResponseNotFinished) as pending:
            responses.parse_response(sdk(response([], status=status)), compiled)
        assert pending.value.status == status


@BOTH
def test_invalid_output_raises_validation_error_with_a_path(compiled: Any, kind: str) -> None:
    bad = json.dumps({**GOOD, "conditions": "foggy"})
    with pytest.raises(strictschema.ValidationError) as info:
        responses.parse_response(as_kind(response([message(bad)]), kind), compiled)
    assert info.value.json_path == "$.conditions"
    assert info.value.keyword == "enum"


def test_not_json_raises_decode_error(compiled: Any) -> None:
    with pytest.raises(strictschema.DecodeError):
        responses.parse_response(response([message('{"city": "Oslo",')]), compiled)


def test_no_message_says_what_there_is(compiled: Any) -> None:
    r = response([reasoning(), function_call("get_weather", '{"city": "Oslo"}')])
    sdk(r)
    with pytest.raises(NoStructuredOutput) as info:
        responses.parse_response(r, compiled)
    assert info.value.item_types == ("reasoning", "function_call")
    assert "parse_tool_calls" in str(info.value)


ARGS = strictschema.compile({"type": "object", "properties": {
    "city": {"type": "string"}, "unit": {"enum": ["c", "f"]}}, "required": ["city"]})


@BOTH
def test_strict_function_call_arguments_checked_against_the_tool(kind: str) -> None:
    r = response([reasoning(), function_call("get_weather", '{"city": "Oslo", "unit": null}',
                                             call_id="call_9")])
    calls = responses.parse_tool_calls(as_kind(r, kind), {"get_weather": ARGS})
    assert len(calls) == 1
    call = calls[0]
    assert (call.name, call.call_id, call.arguments) == ("get_weather", "call_9",
                                                         {"city": "Oslo"})
    assert call.output_item("12 C") == {"type": "function_call_output", "call_id": "call_9",
                                        "output": "12 C"}


def test_function_call_with_invalid_arguments() -> None:
    r = response([function_call("get_weather", '{"city": "Oslo", "unit": "k"}')])
    with pytest.raises(strictschema.ValidationError) as info:
        responses.parse_tool_calls(sdk(r), {"get_weather": ARGS})
    assert info.value.json_path == "$.unit"


def test_function_call_to_an_unknown_tool() -> None:
    r = response([function_call("launch", "{}")])
    with pytest.raises(UnknownTool) as info:
        responses.parse_tool_calls(r, {"get_weather": ARGS})
    assert info.value.name == "launch"


def test_partial_json_closes_what_is_open(compiled: Any) -> None:
    p = responses.partial_json
    assert p('{"a": [1, 2, {"b": "x') == {"a": [1, 2, {"b": "x"}]}
    assert p('{"a": 1, "b":') == {"a": 1}
    assert p('{"a": 1, "bc') == {"a": 1}
    assert p('{"a": tr') == {}
    assert p('{"a": -') == {}
    assert p('{"a": 12') == {"a": 12}
    assert p('{"a": "x\\u00') == {"a": "x"}
    assert p('{"a": "\\ud83d') == {"a": ""}
    assert p("") is None
    assert p("nonsense") is None
    # decoded to the original shape when it can be
    assert p('{"city": "Oslo", "celsius": 1, "conditions": "rain", "wind": null}',
             compiled) == {"city": "Oslo", "celsius": 1, "conditions": "rain"}


def test_exceptions_are_one_line_and_carry_data() -> None:
    excs = [Refusal("no\nway"), IncompleteOutput("max_output_tokens", "{"),
            ResponseFailed("server_error", "boom\nagain"), ResponseNotFinished("queued"),
            responses.StreamGap(4, 6, 3), NoStructuredOutput(["reasoning"]),
            UnknownTool("x", ["y"])]
    for exc in excs:
        assert "\n" not in str(exc)
        assert isinstance(exc, strictschema.StrictSchemaError)
    gap = excs[4]
    assert isinstance(gap, responses.StreamGap)
    assert (gap.expected, gap.got, gap.cursor) == (4, 6, 3)
    assert "starting_after=3" in str(gap)


def test_importing_responses_does_not_import_openai() -> None:
    import subprocess
    import sys

    code = ("import sys, strictschema.responses; "
            "print('openai' in sys.modules, 'pydantic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == "False"
