"""``strictschema serve``, the Responses API double, driven in process through the real
``openai`` SDK (sync and async) and strictschema's own client helpers: shapes checked against
the SDK's types, seeded outputs valid for the request's schema, faults, background, resume,
cancel, delete, Chat Completions."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Literal

import pytest

import strictschema
from strictschema import responses
from strictschema.responses import IncompleteOutput, Refusal, ResponseFailed, Stream

openai = pytest.importorskip("openai")
pydantic = pytest.importorskip("pydantic")
pytest.importorskip("starlette")
from strictschema._serve import Double, Script, parse_faults
from strictschema._serve._draw import split_text

TICKET = {
    "title": "Ticket", "type": "object",
    "properties": {
        "summary": {"type": "string"},
        "priority": {"enum": ["low", "medium", "high"]},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
    },
    "required": ["summary", "priority", "tags"], "additionalProperties": False,
}
MODEL = "gpt-4o-2024-08-06"


class Ticket(pydantic.BaseModel):
    summary: str
    priority: Literal["low", "medium", "high"]
    tags: list[str]


@pytest.fixture(scope="module")
def compiled() -> strictschema.Compiled:
    return strictschema.compile(TICKET)


@pytest.fixture
def double() -> Any:
    d = Double(seed=7)
    yield d
    d.close()


@pytest.fixture
def client(double: Any) -> Any:
    return double.client()


def fmt(c: Any) -> dict:
    return {"format": c.text_format()}


def raw_sse(double: Any, body: dict, path: str = "/v1/responses", method: str = "POST",
            ) -> tuple[list[bytes], list[tuple[str, dict]]]:
    """The raw chunks of a streamed answer, and its (event name, data) pairs."""
    import httpx2

    with httpx2.Client(transport=double.transport()) as http:
        req = http.build_request(method, "http://double" + path,
                                 json=body if method == "POST" else None)
        resp = http.send(req, stream=True)
        assert resp.status_code == 200, resp.read()
        pieces = list(resp.iter_raw())
        resp.close()
    text = b"".join(pieces).decode("utf-8")
    out = []
    for block in text.split("\n\n"):
        if not block:
            continue
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        out.append((lines.get("event", ""), json.loads(lines["data"])
                    if lines["data"] != "[DONE]" else None))
    return pieces, out


# -- shapes ----------------------------------------------------------------------------------
def test_events_and_responses_are_the_sdks_own_shapes(double: Any, compiled: Any) -> None:
    import typing

    from openai.types.responses import Response, ResponseStreamEvent

    union = typing.get_args(ResponseStreamEvent)[0]  # Annotated[Union[...], discriminator]
    by_type = {typing.get_args(m.model_fields["type"].annotation)[0]: m
               for m in typing.get_args(union)}
    body = {"model": MODEL, "input": "File a ticket.", "text": fmt(compiled), "stream": True,
            "background": True, "store": True}
    _, evs = raw_sse(double, body)
    names = [name for name, _ in evs]
    assert names[:5] == ["response.created", "response.queued", "response.in_progress",
                         "response.output_item.added", "response.content_part.added"]
    assert names[-4:] == ["response.output_text.done", "response.content_part.done",
                          "response.output_item.done", "response.completed"]
    assert [e["sequence_number"] for _, e in evs] == list(range(len(evs)))
    for name, data in evs:
        assert data["type"] == name
        by_type[name].model_validate(data)  # the SDK's model, not its loose construct
    final = Response.model_validate(evs[-1][1]["response"])
    assert final.status == "completed" and final.usage is not None
    text = "".join(d["delta"] for n, d in evs if n == "response.output_text.delta")
    assert text == final.output_text
    compiled.validate_json(text)


def test_a_plain_response_is_valid_for_the_schema_and_seeded(compiled: Any) -> None:
    body = {"model": MODEL, "input": "File a ticket.", "text": fmt(compiled)}
    texts = []
    for seed in (7, 7, 8):
        d = Double(seed=seed)
        texts.append(d.client().responses.create(**body).output_text)
        d.close()
    assert texts[0] == texts[1]  # same seed, same request: same answer
    for t in texts:
        assert set(compiled.validate_json(t)) == {"summary", "priority", "tags"}
    d = Double(seed=7)
    other = {d.client().responses.create(**{**body, "input": f"Ticket {i}"}).output_text
             for i in range(6)}
    assert len(other) > 1  # different requests draw different values


def test_deltas_split_inside_escapes_and_the_bytes_inside_characters(double: Any) -> None:
    schema = {"type": "object", "properties": {"note": {"type": "string",
                                                 "enum": ['say "café ✓"\n']}},
              "required": ["note"], "additionalProperties": False}
    body = {"model": MODEL, "input": "x", "stream": True,
            "text": {"format": {"type": "json_schema", "name": "N", "schema": schema,
                                "strict": True}}}
    pieces, evs = raw_sse(double, body)
    deltas = [d["delta"] for n, d in evs if n == "response.output_text.delta"]
    assert "".join(deltas) == '{"note":"say \\"café ✓\\"\\n"}'
    assert any(d.endswith("\\") for d in deltas)  # a cut right after a backslash
    undecodable = 0
    for p in pieces:
        try:
            p.decode("utf-8")
        except UnicodeDecodeError:
            undecodable += 1
    assert undecodable > 0  # some chunks end inside a character
    assert split_text("abc", 1) == split_text("abc", 1)


# -- the SDK, sync ---------------------------------------------------------------------------
def test_parse_with_a_pydantic_model(client: Any) -> None:
    r = client.responses.parse(model=MODEL, input="File a ticket.", text_format=Ticket)
    assert isinstance(r.output_parsed, Ticket)
    assert r.output_parsed.priority in ("low", "medium", "high")


def test_the_sdks_stream_helper(client: Any) -> None:
    with client.responses.stream(model=MODEL, input="File a ticket.",
                                 text_format=Ticket) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_response()
    assert "response.output_text.delta" in kinds and kinds[-1] == "response.completed"
    assert isinstance(final.output_parsed, Ticket)


def test_stream_through_the_sdk(client: Any, compiled: Any) -> None:
    evs = list(client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                       stream=True))
    assert [e.sequence_number for e in evs] == list(range(len(evs)))
    s = Stream(compiled)
    for e in evs:
        s.feed(e)
    assert s.done and compiled.validate_json(evs[-1].response.output_text) == s.result()


def test_background_poll_retrieve_and_delete(client: Any, compiled: Any) -> None:
    r = client.responses.create(model=MODEL, input="x", text=fmt(compiled), background=True)
    assert r.status == "queued" and r.background is True
    assert client.responses.retrieve(r.id).status == "in_progress"
    final = responses.poll(client, r.id, sleep=lambda s: None)
    assert final.status == "completed"
    assert responses.parse_response(final, compiled)["priority"] in ("low", "medium", "high")
    client.responses.delete(r.id)
    with pytest.raises(openai.NotFoundError) as info:
        client.responses.retrieve(r.id)
    assert info.value.body["message"] == f"Response with id '{r.id}' not found."


def test_background_stream_dropped_then_resumed_with_the_sdk(client: Any,
                                                            compiled: Any) -> None:
    seen: list[Any] = []
    with pytest.raises(openai.APIConnectionError):
        for e in client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                         stream=True, background=True, store=True,
                                         metadata={"fault": "drop_after:6"}):
            seen.append(e)  # noqa: PERF402 - keeps what arrived before the drop
    assert [e.sequence_number for e in seen] == list(range(6))
    rid = seen[0].response.id
    rest = list(client.responses.retrieve(rid, stream=True,
                                          starting_after=seen[-1].sequence_number))
    assert [e.sequence_number for e in rest] == list(range(6, 6 + len(rest)))
    text = "".join(e.delta for e in seen + rest if e.type == "response.output_text.delta")
    assert text == rest[-1].response.output_text
    with client.responses.stream(response_id=rid) as again:  # the SDK's resume helper
        assert again.get_final_response().output_text == text


def test_strictschema_helpers_resume_a_dropped_stream(client: Any, double: Any,
                                                      compiled: Any) -> None:
    s = responses.stream_response(client, compiled, model=MODEL, input="x",
                                  metadata={"fault": "drop_after:9"})
    assert s.done and set(s.result()) == {"summary", "priority", "tags"}
    from urllib.parse import parse_qs, urlparse

    gets = [urlparse(p) for m, p, _ in double.requests if m == "GET"]
    assert [g.path for g in gets] == [f"/v1/responses/{s.response_id}"]
    assert parse_qs(gets[0].query) == {"stream": ["true"], "starting_after": ["8"]}


def test_cancel_is_idempotent(client: Any, compiled: Any, double: Any) -> None:
    r = client.responses.create(model=MODEL, input="x", text=fmt(compiled), background=True)
    assert client.responses.cancel(r.id).status == "cancelled"
    assert client.responses.cancel(r.id).status == "cancelled"
    assert responses.cancel(client, r.id).status == "cancelled"
    assert double.records[r.id].cancel_calls == 3
    assert client.responses.retrieve(r.id).status == "cancelled"


def test_cancel_stops_a_held_stream(client: Any, compiled: Any, double: Any) -> None:
    double.script.append(Script(text='{"summary":"a","priority":"low","tags":[]}', chunk=3,
                                hold_after=8))
    s = Stream(compiled)
    req = responses.build_request(compiled, model=MODEL, input="x", background=True,
                                  stream=True)
    events = client.responses.create(**req)
    for e in events:
        s.feed(e)
        if e.sequence_number == 7:
            break
    rec = double.records[s.response_id]
    responses.cancel(client, s.response_id)
    events.close()
    assert rec.status == "cancelled" and max(rec.sent) <= 8


def test_resume_of_a_response_too_old_is_refused(client: Any, compiled: Any) -> None:
    seen = []
    with pytest.raises(openai.APIConnectionError):
        for e in client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                         stream=True, background=True,
                                         metadata={"fault": "drop_after:4,expire"}):
            seen.append(e)  # noqa: PERF402 - keeps what arrived before the drop
    with pytest.raises(openai.BadRequestError, match="more than 5 minutes old"):
        list(client.responses.retrieve(seen[0].response.id, stream=True, starting_after=3))
    # retrieving (not streaming) still works
    assert client.responses.retrieve(seen[0].response.id).status in ("queued", "in_progress",
                                                                     "completed")


# -- faults ------------------------------------------------------------------------------------
def test_refusal(client: Any, compiled: Any) -> None:
    r = client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                metadata={"fault": "refusal"})
    with pytest.raises(Refusal):
        responses.parse_response(r, compiled)
    evs = list(client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                       stream=True, metadata={"fault": "refusal"}))
    kinds = {e.type for e in evs}
    assert {"response.refusal.delta", "response.refusal.done"} <= kinds


def test_incomplete_by_fault_and_by_max_output_tokens(client: Any, compiled: Any) -> None:
    r = client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                metadata={"fault": "incomplete"})
    assert r.status == "incomplete" and r.incomplete_details.reason == "max_output_tokens"
    with pytest.raises(IncompleteOutput) as info:
        responses.parse_response(r, compiled)
    assert info.value.reason == "max_output_tokens"
    r = client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                max_output_tokens=2)
    assert r.status == "incomplete" and len(r.output_text) == 8  # 2 tokens of 4 characters
    last = list(client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                        stream=True, max_output_tokens=2))[-1]
    assert last.type == "response.incomplete"


def test_failed(client: Any, compiled: Any) -> None:
    r = client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                metadata={"fault": "failed"})
    assert r.status == "failed" and r.error.code == "server_error"
    with pytest.raises(ResponseFailed):
        responses.parse_response(r, compiled)
    with pytest.raises(ResponseFailed):
        responses.stream_response(client, compiled, model=MODEL, input="x", background=False,
                                  metadata={"fault": "failed"}).result()


def test_invalid_outputs_are_mutants(client: Any, compiled: Any) -> None:
    kinds = set()
    for i in range(8):
        r = client.responses.create(model=MODEL, input=f"x{i}", text=fmt(compiled),
                                    metadata={"fault": "invalid"})
        with pytest.raises((strictschema.ValidationError, strictschema.DecodeError)):
            compiled.validate_json(r.output_text)
        kinds.add(r.output_text[:1])
    r = client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                metadata={"fault": "invalid:bad_enum"})
    with pytest.raises(strictschema.ValidationError) as info:
        compiled.validate_json(r.output_text)
    assert info.value.json_path == "$.priority"


def test_duplicate_and_reorder(client: Any, compiled: Any) -> None:
    evs = list(client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                       stream=True, metadata={"fault": "duplicate"}))
    seqs = [e.sequence_number for e in evs]
    assert len(seqs) == len(set(seqs)) + 1
    s = Stream(compiled)
    for e in evs:
        s.feed(e)
    assert s.done and s.replayed == 1  # strictschema's Stream ignores the repeat
    evs = list(client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                       stream=True, metadata={"fault": "reorder:5"}))
    seqs = [e.sequence_number for e in evs]
    assert seqs[4:7] == [4, 6, 5] and sorted(seqs) == list(range(len(seqs)))


def test_slow_and_server_wide_faults(compiled: Any) -> None:
    d = Double(faults="slow:0.001,refusal")
    r = d.client().responses.create(model=MODEL, input="x", text=fmt(compiled))
    assert r.output[0].content[0].type == "refusal"
    evs = list(d.client().responses.create(model=MODEL, input="x", text=fmt(compiled),
                                           stream=True))
    assert evs[-1].type == "response.completed"
    # a request's own fault wins over the server's
    r = d.client().responses.create(model=MODEL, input="x", text=fmt(compiled),
                                    metadata={"fault": ""})
    compiled.validate_json(r.output_text)
    assert parse_faults("drop_after:3,slow") == {"drop_after": 3, "slow": 0.05}
    with pytest.raises(ValueError, match="unknown fault 'nope'"):
        parse_faults("nope")


# -- errors --------------------------------------------------------------------------------
def test_errors_in_the_apis_shape(client: Any, compiled: Any) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(model=MODEL, input="x", text=fmt(compiled), background=True,
                                store=False)
    assert info.value.body == {"message": "Background mode requires store=true.",
                               "type": "invalid_request_error", "param": "store", "code": None}
    with pytest.raises(openai.NotFoundError):
        client.responses.cancel("resp_unknown")
    with pytest.raises(openai.NotFoundError):
        client.responses.delete("resp_unknown")
    loose = {"type": "json_schema", "name": "Loose", "strict": True,
             "schema": {"type": "object", "properties": {"a": {"type": "string"}}}}
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(model=MODEL, input="x", text={"format": loose})
    assert info.value.code == "invalid_json_schema"
    assert info.value.body["message"].startswith("Invalid schema for response_format 'Loose'")
    with pytest.raises(openai.BadRequestError, match="unknown fault"):
        client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                metadata={"fault": "gremlins"})
    with pytest.raises(openai.BadRequestError, match="unknown mutant kinds"):
        client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                metadata={"fault": "invalid:gremlins"})
    plain = client.responses.create(model=MODEL, input="x", text=fmt(compiled))
    with pytest.raises(openai.BadRequestError, match="not created with background"):
        list(client.responses.retrieve(plain.id, stream=True))


def test_unstored_responses_cannot_be_retrieved(client: Any, compiled: Any) -> None:
    r = client.responses.create(model=MODEL, input="x", text=fmt(compiled), store=False)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(r.id)


# -- tools and chat completions -----------------------------------------------------------
def test_function_call_arguments_follow_the_tool_schema(client: Any, compiled: Any) -> None:
    tool = compiled.function_tool("file_ticket")
    r = client.responses.create(model=MODEL, input="x", tools=[tool], tool_choice="required")
    (call,) = [o for o in r.output if o.type == "function_call"]
    assert call.name == "file_ticket"
    compiled.validate_json(call.arguments)
    (parsed,) = responses.parse_tool_calls(r, {"file_ticket": compiled})
    assert set(parsed.arguments) == {"summary", "priority", "tags"}
    evs = list(client.responses.create(model=MODEL, input="x", tools=[tool], stream=True))
    args = "".join(e.delta for e in evs if e.type == "response.function_call_arguments.delta")
    compiled.validate_json(args)


def test_chat_completions(client: Any, compiled: Any) -> None:
    messages = [{"role": "user", "content": "File a ticket."}]
    c = client.chat.completions.create(model=MODEL, messages=messages,
                                       response_format=compiled.response_format())
    compiled.validate_json(c.choices[0].message.content)
    p = client.chat.completions.parse(model=MODEL, messages=messages, response_format=Ticket)
    assert isinstance(p.choices[0].message.parsed, Ticket)
    t = client.chat.completions.create(model=MODEL, messages=messages,
                                       tools=[compiled.function_tool("file", api="chat")],
                                       tool_choice="required")
    assert t.choices[0].finish_reason == "tool_calls"
    compiled.validate_json(t.choices[0].message.tool_calls[0].function.arguments)
    chunks = list(client.chat.completions.create(
        model=MODEL, messages=messages, response_format=compiled.response_format(),
        stream=True))
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks)
    compiled.validate_json(text)
    assert chunks[-1].choices[0].finish_reason == "stop"
    with_usage = list(client.chat.completions.create(
        model=MODEL, messages=messages, response_format=compiled.response_format(),
        stream=True, stream_options={"include_usage": True}))
    assert with_usage[-1].choices == [] and with_usage[-1].usage.completion_tokens > 0
    r = client.chat.completions.create(model=MODEL, messages=messages,
                                       response_format=compiled.response_format(),
                                       metadata={"fault": "refusal"}, store=True)
    assert r.choices[0].message.refusal and r.choices[0].message.content is None
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model=MODEL, messages=messages,
                                       metadata={"fault": "failed"}, store=True)


# -- async -------------------------------------------------------------------------------
def test_async_sdk(double: Any, compiled: Any) -> None:
    async def main() -> None:
        client = double.async_client()
        r = await client.responses.create(model=MODEL, input="x", text=fmt(compiled))
        compiled.validate_json(r.output_text)
        seqs = [e.sequence_number async for e in await client.responses.create(
            model=MODEL, input="x", text=fmt(compiled), stream=True)]
        assert seqs == list(range(len(seqs)))
        b = await client.responses.create(model=MODEL, input="x", text=fmt(compiled),
                                          background=True)
        while b.status in ("queued", "in_progress"):
            b = await client.responses.retrieve(b.id)
        assert b.status == "completed"
        parsed = await client.responses.parse(model=MODEL, input="x", text_format=Ticket)
        assert isinstance(parsed.output_parsed, Ticket)
        seen = []
        with pytest.raises(openai.APIConnectionError):
            async for e in await client.responses.create(
                    model=MODEL, input="x", text=fmt(compiled), stream=True,
                    background=True, metadata={"fault": "drop_after:5"}):
                seen.append(e)
        rest = [e async for e in await client.responses.retrieve(
            seen[0].response.id, stream=True, starting_after=4)]
        assert rest[0].sequence_number == 5 and rest[-1].type == "response.completed"
        assert (await client.responses.cancel(b.id)).status == "completed"
        await client.close()

    asyncio.run(main())


# -- the pytest plugin's fixtures -----------------------------------------------------------
@pytest.mark.strictschema_serve(seed=3)
def test_fixtures(strictschema_server: Any, strictschema_client: Any, compiled: Any) -> None:
    assert strictschema_server.seed == 3
    r = strictschema_client.responses.parse(model=MODEL, input="x", text_format=Ticket)
    assert isinstance(r.output_parsed, Ticket)
    assert strictschema_server.requests[0][:2] == ("POST", "/v1/responses")


# -- the README's example ------------------------------------------------------------------
def test_the_readme_example_runs() -> None:
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    section = readme.split("## Testing an LLM app offline", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    ns: dict[str, Any] = {"Ticket": Ticket, "pytest": pytest}
    exec(code, ns)  # noqa: S102 - the README's own example
    ns["test_triage"](Double(seed=1).client())
    marker = ns["test_triage_refused"].pytestmark[0]
    ns["test_triage_refused"](Double(**marker.kwargs).client())
