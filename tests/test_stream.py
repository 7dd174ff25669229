"""``responses.Stream``: events as dicts and as the ``openai`` SDK's own event objects, in any
mix; sequence numbers, replays after a resume, gaps, both error-event shapes, partial values
and early failure on invalid output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import strictschema
from strictschema import responses
from strictschema._serve._shapes import events, response
from strictschema.responses import (
    IncompleteOutput,
    Refusal,
    ResponseFailed,
    ResponseNotFinished,
    Stream,
    StreamGap,
)

openai_types = pytest.importorskip("openai.types.responses")
pydantic = pytest.importorskip("pydantic")

DATA = Path(__file__).resolve().parent / "data" / "cli"

SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "items": {"type": "array", "maxItems": 3, "items": {
            "type": "object",
            "properties": {"sku": {"type": "string"},
                           "color": {"enum": ["red", "green", "blue"]},
                           "qty": {"type": "integer"}},
            "required": ["sku", "color", "qty"], "additionalProperties": False}},
        "note": {"type": "string"},
    },
    "required": ["title", "items"],
    "additionalProperties": False,
}
VALUE = {"title": "Order 7", "items": [{"sku": "A-1", "color": "green", "qty": 2},
                                       {"sku": "B-2", "color": "blue", "qty": 1}]}
TEXT = json.dumps({**VALUE, "note": None})

_ADAPTER = pydantic.TypeAdapter(openai_types.ResponseStreamEvent)


def sdk_event(d: dict) -> Any:
    return _ADAPTER.validate_python(d)


@pytest.fixture(scope="module")
def compiled() -> strictschema.Compiled:
    return strictschema.compile(SCHEMA)


def test_event_builders_are_real_sdk_shapes() -> None:
    for ev in events(TEXT, reasoning_first=True, background=True) + events(refusal="no"):
        obj = sdk_event(ev)
        assert type(obj).__name__ != "dict"
        assert obj.type == ev["type"]


@pytest.mark.parametrize("mix", ["dicts", "sdk", "alternating"])
def test_completed_stream(compiled: Any, mix: str) -> None:
    evs = events(TEXT, chunk=5, reasoning_first=True)
    s = Stream(compiled)
    for n, ev in enumerate(evs):
        use_sdk = mix == "sdk" or (mix == "alternating" and n % 2)
        assert s.feed(sdk_event(ev) if use_sdk else ev) is True
    assert s.done and s.cursor == len(evs) - 1 and s.response_id == "resp_1"
    assert s.status == "completed"
    assert s.text == TEXT
    assert s.result() == VALUE


def test_partial_grows_with_the_text(compiled: Any) -> None:
    s = Stream(compiled)
    seen = []
    for ev in events(TEXT, chunk=1):
        s.feed(ev)
        if ev["type"] == "response.output_text.delta":
            seen.append(s.partial())
    assert seen[0] == {}
    assert {"title": "Ord"} in seen
    assert {"title": "Order 7", "items": [{"sku": "A-1", "color": "gr"}]} in seen
    assert seen[-1] == VALUE
    # never goes backwards in the number of items
    counts = [len(p.get("items", [])) for p in seen if isinstance(p, dict)]
    assert counts == sorted(counts)


def test_replayed_events_are_ignored(compiled: Any) -> None:
    evs = events(TEXT, chunk=4)
    cut = len(evs) // 2
    s = Stream(compiled)
    for ev in evs[:cut]:
        s.feed(ev)
    assert s.cursor == cut - 1 and not s.done
    with pytest.raises(ResponseNotFinished):
        s.result()
    # a resume with starting_after=cursor that still repeats three earlier events
    for ev in evs[cut - 3:]:
        s.feed(sdk_event(ev))
    assert s.replayed == 3
    assert s.text == TEXT  # no delta applied twice
    assert s.result() == VALUE


def test_a_gap_raises_stream_gap(compiled: Any) -> None:
    evs = events(TEXT, chunk=4)
    s = Stream(compiled)
    for ev in evs[:6]:
        s.feed(ev)
    with pytest.raises(StreamGap) as info:
        s.feed(evs[7])
    assert (info.value.expected, info.value.got, info.value.cursor) == (6, 7, 5)
    # the stream is still usable: the missing event, then the rest
    for ev in evs[6:]:
        s.feed(ev)
    assert s.result() == VALUE


def test_cursor_given_up_front(compiled: Any) -> None:
    s = Stream(compiled, cursor=41)
    assert s.feed({"type": "response.in_progress", "sequence_number": 41}) is False
    with pytest.raises(StreamGap):
        s.feed({"type": "response.in_progress", "sequence_number": 43})


def test_invalid_enum_raises_before_the_terminal_event(compiled: Any) -> None:
    bad = TEXT.replace('"blue"', '"purple"')
    evs = events(bad, chunk=3)
    s = Stream(compiled)
    with pytest.raises(strictschema.ValidationError) as info:
        for ev in evs:
            s.feed(ev)
    assert info.value.json_path == "$.items[1].color"
    assert info.value.keyword == "enum"
    assert not s.done
    # raised on the delta that made "purple" impossible: the first character no enum member
    # starts with ("pu": the enum has no member starting so); before it the text could
    # still be valid, with it no continuation can be
    failing = s.cursor
    delta = evs[failing]
    assert delta["type"] == "response.output_text.delta"
    so_far = "".join(e["delta"] for e in evs[:failing + 1]
                     if e["type"] == "response.output_text.delta")
    assert so_far.endswith(delta["delta"])
    start = bad.index('"purple"') + 1
    assert len(so_far) - len(delta["delta"]) < start + 2 <= len(so_far)
    assert failing < len(evs) - 5  # well before the terminal events
    # later events do not raise again; the final response raises the full error
    for ev in evs[failing + 1:]:
        s.feed(ev)
    with pytest.raises(strictschema.ValidationError) as final:
        s.result()
    assert final.value.json_path == "$.items[1].color"


@pytest.mark.parametrize(("bad", "path", "keyword"), [
    ('{"title": "x", "colour"', "$", "additionalProperties"),
    ('{"title": 7', "$.title", "type"),
    ('{"title": "x", "items": [{"sku": "a", "color": "red", "qty": 1.5', "$.items[0].qty",
     "type"),
    ('{"title": "x", "items": [' + ", ".join(['{"sku": "a", "color": "red", "qty": 1}'] * 3)
     + ", {", "$.items", "maxItems"),
    ('{"title": "x", "items": [{"sku": "a", "qty": 1}', "$.items[0]", "required"),
])
def test_early_failures(compiled: Any, bad: str, path: str, keyword: str) -> None:
    s = Stream(compiled)
    evs = events(bad + " " * 20, chunk=2)
    with pytest.raises(strictschema.ValidationError) as info:
        for ev in evs:
            s.feed(ev)
    assert (info.value.json_path, info.value.keyword) == (path, keyword)
    assert not s.done


def test_early_checks_can_be_turned_off(compiled: Any) -> None:
    s = Stream(compiled, early=False)
    for ev in events('{"title": 7}', chunk=2):
        s.feed(ev)
    with pytest.raises(strictschema.ValidationError):
        s.result()


def test_stream_refusal(compiled: Any) -> None:
    s = Stream(compiled)
    for ev in events(refusal="I can't help with that.", chunk=4):
        s.feed(sdk_event(ev))
    assert s.refusal == "I can't help with that."
    assert s.partial() is None
    with pytest.raises(Refusal) as info:
        s.result()
    assert info.value.refusal == "I can't help with that."


def test_stream_incomplete_with_truncated_json(compiled: Any) -> None:
    text = TEXT[:40]
    s = Stream(compiled)
    for ev in events(text, status="incomplete", reason="max_output_tokens"):
        s.feed(ev)
    with pytest.raises(IncompleteOutput) as info:
        s.result()
    assert info.value.reason == "max_output_tokens"
    assert info.value.text == text
    assert text.endswith('"sku": "')
    assert info.value.partial == {"title": "Order 7", "items": [{"sku": ""}]}


def test_terminal_event_without_output_is_rebuilt_from_items(compiled: Any) -> None:
    s = Stream(compiled)
    for ev in events(TEXT, terminal_output=False, reasoning_first=True):
        s.feed(ev)
    assert s.result() == VALUE


@pytest.mark.parametrize("shape", ["flat", "nested"])
def test_both_error_event_shapes(compiled: Any, shape: str) -> None:
    err = {"code": "insufficient_quota", "message": "You exceeded your current quota.",
           "param": None}
    ev = ({"type": "error", "sequence_number": 2, **err} if shape == "flat" else
          {"type": "error", "sequence_number": 2, "error": {"type": "insufficient_quota", **err}})
    if shape == "flat":
        ev = sdk_event(ev)  # the SDK's ResponseErrorEvent
    s = Stream(compiled)
    s.feed(events(TEXT)[0])
    s.feed(events(TEXT)[1])
    s.feed(ev)
    assert s.error == ("insufficient_quota", "You exceeded your current quota.", None)
    with pytest.raises(ResponseFailed) as info:
        s.result()
    assert info.value.code == "insufficient_quota"
    # an error event followed by response.failed (E4)
    s.feed({"type": "response.failed", "sequence_number": 3,
            "response": response([], status="failed", error=None)})
    with pytest.raises(ResponseFailed) as again:
        s.result()
    assert again.value.code == "insufficient_quota"


def test_failed_stream(compiled: Any) -> None:
    s = Stream(compiled)
    for ev in events(None, status="failed",
                     error={"code": "server_error", "message": "The server had an error."}):
        s.feed(ev)
    with pytest.raises(ResponseFailed) as info:
        s.result()
    assert info.value.code == "server_error"


def test_commentary_messages_are_not_checked(compiled: Any) -> None:
    s = Stream(compiled)
    s.feed({"type": "response.created", "sequence_number": 0,
            "response": response([], status="in_progress")})
    s.feed({"type": "response.output_item.added", "sequence_number": 1, "output_index": 0,
            "item": {"type": "message", "id": "m0", "role": "assistant", "status": "in_progress",
                     "content": [], "phase": "commentary"}})
    s.feed({"type": "response.output_text.delta", "sequence_number": 2, "item_id": "m0",
            "output_index": 0, "content_index": 0, "delta": "Let me think. ", "logprobs": []})
    assert s.text == ""


def test_tool_argument_deltas_are_checked_early(compiled: Any) -> None:
    args = strictschema.compile({"type": "object", "properties": {"unit": {"enum": ["c", "f"]}},
                                 "required": ["unit"]})
    s = Stream(compiled, tools={"convert": args})
    s.feed({"type": "response.output_item.added", "sequence_number": 0, "output_index": 0,
            "item": {"type": "function_call", "id": "fc_1", "call_id": "call_1",
                     "name": "convert", "arguments": "", "status": "in_progress"}})
    s.feed({"type": "response.function_call_arguments.delta", "sequence_number": 1,
            "item_id": "fc_1", "output_index": 0, "delta": '{"unit": "'})
    with pytest.raises(strictschema.ValidationError) as info:
        s.feed({"type": "response.function_call_arguments.delta", "sequence_number": 2,
                "item_id": "fc_1", "output_index": 0, "delta": 'k"}'})
    assert info.value.json_path == "$.unit"


def test_response_id_change_mid_stream_is_an_error(compiled: Any) -> None:
    s = Stream(compiled)
    s.feed(events(TEXT, id="resp_a")[0])
    with pytest.raises(ValueError, match="response id changed"):
        s.feed(events(TEXT, id="resp_b")[1])


def test_saved_cli_streams(compiled: Any) -> None:
    weather = strictschema.compile(json.loads((DATA / "strict_clean.json").read_text()))
    lines = [json.loads(x) for x in (DATA / "stream_events.jsonl").read_text().splitlines()
             if x.strip()]
    first = lines[:12]
    s = Stream(weather)
    for ev in first:
        s.feed(ev)
    assert s.result() == {"city": "Oslo", "celsius": -3.5, "conditions": "snow"}
    s = Stream(weather)
    with pytest.raises(strictschema.ValidationError) as info:
        for ev in lines[12:]:
            s.feed(ev)
    assert info.value.keyword == "required" and "celsius" in str(info.value)


def test_responses_module_all_is_complete() -> None:
    assert len(set(responses.__all__)) == len(responses.__all__)
    for name in responses.__all__:
        assert hasattr(responses, name)
