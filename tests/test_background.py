"""The client helpers, driven through the real ``openai`` client against strictschema's own
Responses API double (``strictschema serve``, in process): JSON and server-sent events,
background state, ``starting_after`` resumes, cancel. Nothing is mocked."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

import strictschema
from strictschema import responses
from strictschema.responses import (
    IncompleteOutput,
    Refusal,
    ResponseFailed,
    Stream,
    StreamGap,
)

openai = pytest.importorskip("openai")
pytest.importorskip("starlette")
from strictschema._serve import Double as ResponsesServer
from strictschema._serve import Script
from strictschema._serve._shapes import events

SCHEMA = {
    "title": "Ticket", "type": "object",
    "properties": {
        "summary": {"type": "string"},
        "priority": {"enum": ["low", "medium", "high"]},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 50},
    },
    "required": ["summary", "priority", "tags"], "additionalProperties": False,
}
VALUE = {"summary": "Printer on fire", "priority": "high",
         "tags": [f"tag-{i}" for i in range(12)]}
TEXT = json.dumps(VALUE)
MODEL = "gpt-4o-2024-08-06"


@pytest.fixture(scope="module")
def compiled() -> strictschema.Compiled:
    return strictschema.compile(SCHEMA)


@pytest.fixture
def server() -> Iterator[ResponsesServer]:
    s = ResponsesServer()
    yield s
    s.close()


@pytest.fixture
def client(server: ResponsesServer) -> Any:
    return server.client()


# -- build_request ---------------------------------------------------------------------------
def test_build_request_takes_the_format_from_compiled(compiled: Any) -> None:
    req = responses.build_request(compiled, model=MODEL, input="File a ticket.",
                                  background=True, stream=True, name="ticket")
    assert req == {"model": MODEL, "input": "File a ticket.",
                   "text": {"format": compiled.text_format("ticket")},
                   "background": True, "store": True, "stream": True}
    assert req["text"]["format"]["strict"] is True
    plain = responses.build_request(compiled, model=MODEL, input="x", store=False)
    assert plain["store"] is False and "background" not in plain and "stream" not in plain


@pytest.mark.parametrize(("options", "message"), [
    ({"background": True, "store": False}, "background=True needs store=True"),
    ({"stream_options": {"include_obfuscation": False}}, "only valid with stream=True"),
    ({"background_options": {"completion_window": "2h"}}, "only valid with background=True"),
    ({"text": {"format": {"type": "text"}}}, "text.format comes from the compiled schema"),
    ({"model": ""}, "model must be a non-empty string"),
])
def test_build_request_refuses_inconsistent_flags(compiled: Any, options: dict,
                                                  message: str) -> None:
    kwargs = {"model": MODEL, "input": "x", **options}
    with pytest.raises(ValueError, match=message) as info:
        responses.build_request(compiled, **kwargs)
    assert "\n" not in str(info.value)


def test_build_request_keeps_verbosity_and_extras(compiled: Any) -> None:
    req = responses.build_request(compiled, model=MODEL, input="x", text={"verbosity": "low"},
                                  max_output_tokens=100, stream=True,
                                  stream_options={"include_obfuscation": False})
    assert req["text"]["verbosity"] == "low" and req["max_output_tokens"] == 100
    assert req["stream_options"] == {"include_obfuscation": False}


# -- synchronous responses through the client ----------------------------------------------
def test_completed(server: ResponsesServer, client: Any, compiled: Any) -> None:
    server.script.append(Script(text=TEXT))
    r = responses.create(client, compiled, model=MODEL, input="File a ticket.")
    assert type(r).__name__ == "Response"  # the SDK's own type
    assert responses.parse_response(r, compiled) == VALUE
    method, path, body = server.requests[0]
    assert (method, path) == ("POST", "/v1/responses")
    assert body["text"]["format"] == json.loads(json.dumps(compiled.text_format()))


def test_refusal(server: ResponsesServer, client: Any, compiled: Any) -> None:
    server.script.append(Script(refusal="I can't help with that."))
    r = responses.create(client, compiled, model=MODEL, input="x")
    with pytest.raises(Refusal) as info:
        responses.parse_response(r, compiled)
    assert info.value.refusal == "I can't help with that."


def test_incomplete_max_output_tokens(server: ResponsesServer, client: Any,
                                      compiled: Any) -> None:
    cut = TEXT[:TEXT.index('"high"') + 2]  # ends inside the enum value: ..."priority": "h
    server.script.append(Script(text=cut, status="incomplete", reason="max_output_tokens"))
    r = responses.create(client, compiled, model=MODEL, input="x", max_output_tokens=16)
    assert r.status == "incomplete"
    with pytest.raises(IncompleteOutput) as info:
        responses.parse_response(r, compiled)
    assert info.value.reason == "max_output_tokens"
    assert info.value.text == cut
    assert info.value.partial == {"summary": "Printer on fire", "priority": "h"}


def test_failed(server: ResponsesServer, client: Any, compiled: Any) -> None:
    server.script.append(Script(status="failed", error={"code": "server_error",
                                                        "message": "The server had an error."}))
    r = responses.create(client, compiled, model=MODEL, input="x")
    with pytest.raises(ResponseFailed) as info:
        responses.parse_response(r, compiled)
    assert info.value.code == "server_error"


# -- background: poll, cancel ----------------------------------------------------------------
def test_background_poll_with_backoff(server: ResponsesServer, client: Any,
                                      compiled: Any) -> None:
    server.script.append(Script(text=TEXT, polls=4))
    r = responses.create(client, compiled, model=MODEL, input="x", background=True)
    assert r.status == "queued"
    sleeps: list[float] = []
    final = responses.poll(client, r.id, interval=0.5, factor=2.0, max_interval=1.5,
                           sleep=sleeps.append)
    assert final.status == "completed"
    assert sleeps == [0.5, 1.0, 1.5]  # grows, then capped
    assert sum(1 for m, p, _ in server.requests if m == "GET") == 4
    assert responses.parse_response(final, compiled) == VALUE


def test_poll_times_out(server: ResponsesServer, client: Any, compiled: Any) -> None:
    server.script.append(Script(text=TEXT, polls=100))
    r = responses.create(client, compiled, model=MODEL, input="x", background=True)
    now = [0.0]

    def sleep(s: float) -> None:
        now[0] += s

    with pytest.raises(TimeoutError, match=r.id):
        responses.poll(client, r.id, timeout=5.0, sleep=sleep, clock=lambda: now[0])
    assert now[0] <= 5.0


def test_background_without_store_is_refused_before_sending(server: ResponsesServer,
                                                            client: Any,
                                                            compiled: Any) -> None:
    with pytest.raises(ValueError, match="store=True"):
        responses.create(client, compiled, model=MODEL, input="x", background=True,
                         store=False)
    assert server.requests == []


def test_cancel_twice_is_fine(server: ResponsesServer, client: Any, compiled: Any) -> None:
    server.script.append(Script(text=TEXT, polls=100))
    r = responses.create(client, compiled, model=MODEL, input="x", background=True)
    first = responses.cancel(client, r.id)
    second = responses.cancel(client, r.id)
    assert first.status == second.status == "cancelled"
    assert server.records[r.id].cancel_calls == 2
    with pytest.raises(ResponseFailed) as info:
        responses.parse_response(responses.poll(client, r.id, sleep=lambda s: None), compiled)
    assert info.value.status == "cancelled"


def test_cancel_of_a_finished_response_returns_it(server: ResponsesServer, client: Any,
                                                  compiled: Any) -> None:
    server.script.append(Script(text=TEXT))
    r = responses.create(client, compiled, model=MODEL, input="x")  # not background: 400
    got = responses.cancel(client, r.id)
    assert got.status == "completed"


# -- streams ---------------------------------------------------------------------------------
def test_stream_through_the_sdk(server: ResponsesServer, client: Any, compiled: Any) -> None:
    server.script.append(Script(text=TEXT, chunk=3))
    s = responses.stream_response(client, compiled, model=MODEL, input="x", background=False)
    assert s.done and s.replayed == 0
    assert s.result() == VALUE


def test_stream_cut_and_resumed_with_replayed_events(server: ResponsesServer, client: Any,
                                                     compiled: Any) -> None:
    server.script.append(Script(text=TEXT, chunk=4, cut_after=12, replay=3))
    s = responses.stream_response(client, compiled, model=MODEL, input="x")
    assert s.done
    assert s.result() == VALUE
    assert s.replayed == 3  # the server resent 3 events at or before the cursor
    resumes = [urlparse(p) for m, p, _ in server.requests if m == "GET"]
    assert len(resumes) == 1
    assert resumes[0].path == f"/v1/responses/{s.response_id}"
    assert parse_qs(resumes[0].query) == {"stream": ["true"], "starting_after": ["11"]}


def test_manual_resume_after_a_dropped_connection(server: ResponsesServer, client: Any,
                                                  compiled: Any) -> None:
    server.script.append(Script(text=TEXT, chunk=4, cut_after=20))
    s = Stream(compiled)
    req = responses.build_request(compiled, model=MODEL, input="x", background=True,
                                  stream=True)
    with pytest.raises(openai.APIConnectionError):
        for event in client.responses.create(**req):
            s.feed(event)
    assert s.cursor == 19 and not s.done
    partial = s.partial()
    assert isinstance(partial, dict) and partial["summary"] == "Printer on fire"
    responses.resume(client, s)
    assert s.result() == VALUE


def test_a_gap_on_resume_raises_stream_gap(server: ResponsesServer, client: Any,
                                           compiled: Any) -> None:
    server.script.append(Script(text=TEXT, chunk=4, cut_after=10, skip_on_resume=11))
    with pytest.raises(StreamGap) as info:
        responses.stream_response(client, compiled, model=MODEL, input="x")
    assert (info.value.expected, info.value.got) == (11, 12)


def test_invalid_enum_is_caught_before_the_terminal_event_and_cancelled(
        server: ResponsesServer, client: Any, compiled: Any) -> None:
    bad = TEXT.replace('"high"', '"urgent"')
    evs = events(bad, chunk=4, background=True)
    probe = Stream(compiled)
    with pytest.raises(strictschema.ValidationError):
        for ev in evs:
            probe.feed(ev)
    failing = probe.cursor
    assert failing is not None and failing < len(evs) - 5
    # the server holds the stream right after the failing delta until it is cancelled
    server.script.append(Script(text=bad, chunk=4, hold_after=failing + 1))
    with pytest.raises(strictschema.ValidationError) as info:
        responses.stream_response(client, compiled, model=MODEL, input="x")
    assert info.value.json_path == "$.priority" and info.value.keyword == "enum"
    (rec,) = server.records.values()
    assert rec.cancel_calls == 1 and rec.status == "cancelled"
    assert max(rec.sent) == failing  # nothing after the failing delta was generated
    # cancelling again is fine
    assert responses.cancel(client, rec.id).status == "cancelled"


def test_invalid_output_with_on_invalid_keep(server: ResponsesServer, client: Any,
                                             compiled: Any) -> None:
    server.script.append(Script(text=TEXT.replace('"high"', '"urgent"')))
    with pytest.raises(strictschema.ValidationError):
        responses.stream_response(client, compiled, model=MODEL, input="x", on_invalid="keep")
    (rec,) = server.records.values()
    assert rec.cancel_calls == 0


@pytest.mark.parametrize("nested", [False, True])
def test_error_events_through_the_sdk(server: ResponsesServer, client: Any, compiled: Any,
                                      nested: bool) -> None:
    server.script.append(Script(status="failed", nested_error=nested, error={
        "code": "insufficient_quota", "message": "You exceeded your current quota."}))
    with pytest.raises(ResponseFailed) as info:
        s = responses.stream_response(client, compiled, model=MODEL, input="x",
                                      background=False)
        s.result()
    assert info.value.code == "insufficient_quota"


def test_one_megabyte_output_streamed_in_small_deltas(server: ResponsesServer, client: Any,
                                                      compiled: Any) -> None:
    big = {"summary": "x" * 200_000, "priority": "low",
           "tags": ["t" * 16_000 for _ in range(50)]}
    text = json.dumps(big)
    assert len(text) > 1_000_000
    server.script.append(Script(text=text, chunk=64))
    s = responses.stream_response(client, compiled, model=MODEL, input="x", background=False)
    assert s.cursor is not None and s.cursor > 1_000_000 // 64
    assert s.result() == big


def test_helpers_without_openai_say_which_extra(compiled: Any) -> None:
    code = ("import sys; sys.modules['openai'] = None\n"
            "import strictschema\n"
            "from strictschema import responses\n"
            "c = strictschema.compile({'type': 'object'})\n"
            "responses.build_request(c, model='m', input='x')\n"
            "try:\n"
            "    responses.poll(object(), 'resp_1')\n"
            "except ImportError as e:\n"
            "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "pip install 'strictschema[openai]'" in out
