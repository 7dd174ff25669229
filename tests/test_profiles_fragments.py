"""Request fragments sent by the real SDKs (anthropic, google-genai, mistralai) to a recorder
on 127.0.0.1, and their response objects read back by ``parse`` (refusals, truncation)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import strictschema
from strictschema import responses

SCHEMA = {
    "title": "Ticket",
    "description": "A support ticket.",
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "priority": {"enum": ["low", "high"]},
        "tags": {"type": "object", "additionalProperties": {"type": "integer"}},
        "note": {"type": "string"},
    },
    "required": ["id", "priority"],
}
ANSWER = {"id": "6f1c1f9e-2f7a-4c55-9d0e-1a2b3c4d5e6f", "priority": "high"}


class _Recorder:
    """A tiny HTTP server that records each request body and answers a canned JSON body."""

    def __init__(self, answer: dict) -> None:
        self.answer = answer
        self.requests: list[tuple[str, dict]] = []
        rec = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                n = int(self.headers.get("content-length") or 0)
                rec.requests.append((self.path, json.loads(self.rfile.read(n) or b"{}")))
                body = json.dumps(rec.answer).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Recorder:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def _message(text: str, stop: str = "end_turn", content: list | None = None) -> dict:
    return {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
            "content": content if content is not None else [{"type": "text", "text": text}],
            "stop_reason": stop, "stop_sequence": None,
            "usage": {"input_tokens": 1, "output_tokens": 1}}


def test_anthropic_output_config_is_sent_and_parsed() -> None:
    anthropic = pytest.importorskip("anthropic")
    c = strictschema.compile(SCHEMA, profile="anthropic")
    frag = c.request_fragment("anthropic-output")
    with _Recorder(_message(json.dumps({**ANSWER, "tags": []}))) as rec:
        client = anthropic.Anthropic(api_key="test", base_url=rec.url, max_retries=0)
        msg = client.messages.create(model="claude-test", max_tokens=64, output_config=frag,
                                     messages=[{"role": "user", "content": "a ticket"}])
    path, body = rec.requests[0]
    assert path == "/v1/messages"
    assert body["output_config"] == {"format": {"type": "json_schema", "schema": c.schema}}
    assert body["output_config"]["format"]["schema"]["required"] == ["id", "priority"]
    assert c.parse(msg) == {**ANSWER, "tags": {}}  # the SDK object, read like a dict


def test_anthropic_strict_tool_is_sent_and_its_input_parsed() -> None:
    anthropic = pytest.importorskip("anthropic")
    c = strictschema.compile(SCHEMA, profile="anthropic")
    tool = c.request_fragment("anthropic-tool", name="file_ticket")
    answer = _message("", "tool_use", [{"type": "tool_use", "id": "t1", "name": "file_ticket",
                                        "input": {**ANSWER, "tags": [{"key": "a",
                                                                     "value": 1}]}}])
    with _Recorder(answer) as rec:
        client = anthropic.Anthropic(api_key="test", base_url=rec.url, max_retries=0)
        msg = client.messages.create(model="claude-test", max_tokens=64, tools=[tool],
                                     messages=[{"role": "user", "content": "a ticket"}])
    body = rec.requests[0][1]
    assert body["tools"] == [{"name": "file_ticket", "description": "A support ticket.",
                              "input_schema": c.schema, "strict": True}]
    assert c.parse(msg) == {**ANSWER, "tags": {"a": 1}}


def test_gemini_config_is_sent_and_parsed() -> None:
    genai = pytest.importorskip("google.genai")
    from google.genai import types

    c = strictschema.compile(SCHEMA, profile="gemini")
    frag = c.request_fragment("gemini")
    assert set(frag) == {"response_mime_type", "response_json_schema"}
    out = {**ANSWER, "tags": {"a": 1}}
    answer = {"candidates": [{"content": {"role": "model", "parts": [{"text": json.dumps(out)}]},
                              "finishReason": "STOP"}], "responseId": "r1"}
    with _Recorder(answer) as rec:
        client = genai.Client(api_key="test",
                              http_options=types.HttpOptions(base_url=rec.url, api_version="v1beta"))
        resp = client.models.generate_content(model="gemini-test", contents="a ticket",
                                              config=types.GenerateContentConfig(**frag))
    path, body = rec.requests[0]
    assert path == "/v1beta/models/gemini-test:generateContent"
    gen = body["generationConfig"]
    assert gen["responseMimeType"] == "application/json"
    assert gen["responseJsonSchema"] == c.schema
    assert gen["responseJsonSchema"]["properties"]["tags"]["additionalProperties"] == {
        "type": "integer"}  # a dict field stays a dict for gemini
    assert c.parse(resp) == out


def test_mistral_response_format_is_sent_and_parsed() -> None:
    mistral_client = pytest.importorskip("mistralai.client")  # mistralai >= 2: Mistral lives here
    c = strictschema.compile(SCHEMA, profile="mistral")
    frag = c.request_fragment("mistral")
    answer = {"id": "c1", "object": "chat.completion", "model": "m", "created": 1,
              "choices": [{"index": 0, "finish_reason": "stop",
                           "message": {"role": "assistant", "content": json.dumps(ANSWER)}}],
              "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
    with _Recorder(answer) as rec:
        client = mistral_client.Mistral(api_key="test", server_url=rec.url)
        resp = client.chat.complete(model="mistral-test", response_format=frag,
                                    messages=[{"role": "user", "content": "a ticket"}])
    path, body = rec.requests[0]
    assert path == "/v1/chat/completions"
    assert body["response_format"] == {"type": "json_schema", "json_schema": {
        "name": "Ticket", "description": "A support ticket.", "schema": c.schema,
        "strict": True}}
    assert c.parse(resp) == ANSWER


def test_fragment_must_carry_the_profile() -> None:
    c = strictschema.compile(SCHEMA, profile="openai")
    with pytest.raises(ValueError, match="does not carry profile 'openai'"):
        c.request_fragment("gemini")
    with pytest.raises(ValueError, match="sdk must be one of"):
        c.request_fragment("bedrock")
    assert c.request_fragment("openai-chat") == c.response_format()


def test_engine_fragments() -> None:
    c = strictschema.compile(SCHEMA, profile="llguidance")
    g = c.request_fragment("llguidance")
    assert g["grammars"][0]["json_schema"]["x-guidance"] == {"whitespace_flexible": False}
    x = strictschema.compile(SCHEMA, profile="xgrammar").request_fragment("xgrammar")
    assert json.loads(x["schema"]) == strictschema.compile(SCHEMA, profile="xgrammar").schema
    o = strictschema.compile(SCHEMA, profile="outlines").request_fragment("outlines")
    assert json.loads(o["json_schema"])["required"] == ["id", "priority"]


@pytest.mark.parametrize(("response", "error"), [
    (_message('{"id": "x', "max_tokens"), responses.IncompleteOutput),
    (_message("I can't help with that.", "refusal"), responses.Refusal),
    (_message("", "end_turn", []), responses.NoStructuredOutput),
    ({"candidates": [{"content": {"parts": [{"text": '{"id"'}]},
                      "finish_reason": "MAX_TOKENS"}]}, responses.IncompleteOutput),
    ({"candidates": [{"finishReason": "SAFETY"}]}, responses.Refusal),
    ({"promptFeedback": {"blockReason": "SAFETY"}}, responses.Refusal),
    ({"choices": [{"finish_reason": "length", "message": {"content": '{"id": "a"'}}]},
     responses.IncompleteOutput),
    ({"choices": [{"finish_reason": "stop", "message": {"content": None,
                                                        "refusal": "no"}}]}, responses.Refusal),
    ({"choices": [{"finish_reason": "error", "message": {"content": ""}}]},
     responses.ResponseFailed),
])
def test_provider_stop_reasons(response: dict, error: type[Exception]) -> None:
    c = strictschema.compile(SCHEMA, profile="anthropic")
    with pytest.raises(error):
        c.parse(response)


def test_truncated_output_keeps_the_partial_value() -> None:
    c = strictschema.compile(SCHEMA, profile="gemini")
    cut = {"candidates": [{"content": {"parts": [{"text": '{"id": "a", "priority": "lo'}]},
                           "finishReason": "MAX_TOKENS"}]}
    with pytest.raises(responses.IncompleteOutput) as err:
        c.parse(cut)
    assert err.value.reason == "max_tokens"
    assert err.value.partial["id"] == "a"


def test_invalid_tool_input_is_a_validation_error() -> None:
    c = strictschema.compile(SCHEMA, profile="anthropic")
    bad = _message("", "tool_use", [{"type": "tool_use", "id": "t", "name": "Ticket",
                                     "input": {"id": "not-a-uuid", "priority": "high"}}])
    with pytest.raises(strictschema.ValidationError, match="uuid"):
        c.parse(bad)
