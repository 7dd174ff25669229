"""Responses API wire shapes for tests, and a local server that speaks them.

Builders (``response``, ``message``, ``events``, ...) produce the JSON the API sends, in the
shapes of the ``openai`` SDK's own types (tests validate them against those types).

``ResponsesServer`` is a stdlib ``ThreadingHTTPServer`` on 127.0.0.1 (port 0, in a thread)
implementing the endpoints the background helpers use, so the real ``openai`` client can be
pointed at it through ``base_url``:

- ``POST /v1/responses``: JSON, or server-sent events with ``stream: true``; with
  ``background: true`` the response starts ``queued`` and advances one step per poll;
  ``background`` without ``store`` is refused (400) like the API.
- ``GET /v1/responses/{id}``: the current state; ``?stream=true&starting_after=N`` replays the
  events after N (only for background + stream responses).
- ``POST /v1/responses/{id}/cancel``: background only; idempotent.

What the "model" answers comes from ``server.script``: a queue of ``Script`` values (text or
refusal, final status, chunk size, where to cut the stream, ...).
"""

from __future__ import annotations

import itertools
import json
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlparse

_ids = itertools.count(1)
CREATED_AT = 1764050000
MODEL = "gpt-4o-2024-08-06"


# -- builders ------------------------------------------------------------------------------
def message(text: str | None = None, *, refusal: str | None = None, id: str = "msg_1",
            status: str = "completed", phase: str | None = None) -> dict:
    content: list[dict] = []
    if text is not None:
        content.append({"type": "output_text", "text": text, "annotations": []})
    if refusal is not None:
        content.append({"type": "refusal", "refusal": refusal})
    item = {"type": "message", "id": id, "status": status, "role": "assistant",
            "content": content}
    if phase is not None:
        item["phase"] = phase
    return item


def reasoning(id: str = "rs_1") -> dict:
    return {"type": "reasoning", "id": id, "summary": [
        {"type": "summary_text", "text": "Thinking about the answer."}]}


def function_call(name: str, arguments: str, *, call_id: str = "call_1",
                  id: str = "fc_1") -> dict:
    return {"type": "function_call", "id": id, "call_id": call_id, "name": name,
            "arguments": arguments, "status": "completed"}


def response(output: list[dict], *, id: str = "resp_1", status: str = "completed",
             error: dict | None = None, reason: str | None = None,
             schema: dict | None = None, background: bool | None = None) -> dict:
    r: dict[str, Any] = {
        "id": id, "object": "response", "created_at": CREATED_AT, "status": status,
        "model": MODEL, "output": output, "parallel_tool_calls": True, "tool_choice": "auto",
        "tools": [], "error": error,
        "incomplete_details": {"reason": reason} if reason is not None else None,
        "text": {"format": {"type": "json_schema", "name": "Out", "strict": True,
                            "schema": schema or {"type": "object"}}},
    }
    if background is not None:
        r["background"] = background
    return r


def chunks(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def events(text: str | None = None, *, refusal: str | None = None, id: str = "resp_1",
           chunk: int = 8, status: str = "completed", reason: str | None = None,
           error: dict | None = None, background: bool = False,
           reasoning_first: bool = False, terminal_output: bool = True,
           nested_error: bool = False) -> list[dict]:
    """The event sequence of one response (sequence numbers from 0), as the API sends it."""
    out: list[dict] = []

    def add(event: dict) -> None:
        event["sequence_number"] = len(out)
        out.append(event)

    def snapshot(st: str, items: list[dict]) -> dict:
        return response(items, id=id, status=st, background=background or None)

    if background:
        add({"type": "response.queued", "response": snapshot("queued", [])})
    add({"type": "response.created", "response": snapshot("in_progress", [])})
    add({"type": "response.in_progress", "response": snapshot("in_progress", [])})
    items: list[dict] = []
    index = 0
    if reasoning_first:
        r = reasoning()
        add({"type": "response.output_item.added", "output_index": 0, "item": r})
        add({"type": "response.output_item.done", "output_index": 0, "item": r})
        items.append(r)
        index = 1
    if text is not None or refusal is not None:
        msg_id = f"msg_{id}"
        add({"type": "response.output_item.added", "output_index": index,
             "item": message(id=msg_id, status="in_progress")})
        where = {"item_id": msg_id, "output_index": index, "content_index": 0}
        if refusal is not None:
            add({"type": "response.content_part.added", **where,
                 "part": {"type": "refusal", "refusal": ""}})
            for piece in chunks(refusal, chunk):
                add({"type": "response.refusal.delta", **where, "delta": piece})
            add({"type": "response.refusal.done", **where, "refusal": refusal})
            part = {"type": "refusal", "refusal": refusal}
            final = message(refusal=refusal, id=msg_id)
        else:
            assert text is not None
            add({"type": "response.content_part.added", **where,
                 "part": {"type": "output_text", "text": "", "annotations": []}})
            for piece in chunks(text, chunk):
                add({"type": "response.output_text.delta", **where, "delta": piece,
                     "logprobs": []})
            add({"type": "response.output_text.done", **where, "text": text, "logprobs": []})
            part = {"type": "output_text", "text": text, "annotations": []}
            final = message(text, id=msg_id,
                            status="incomplete" if status == "incomplete" else "completed")
        add({"type": "response.content_part.done", **where, "part": part})
        add({"type": "response.output_item.done", "output_index": index, "item": final})
        items.append(final)
    if error is not None:  # both shapes seen on the wire (E6)
        add({"type": "error", "error": {"type": "server_error", **error}} if nested_error
            else {"type": "error", "param": None, **error})
    terminal = {"completed": "response.completed", "incomplete": "response.incomplete",
                "failed": "response.failed"}[status]
    last = response(items if terminal_output else [], id=id, status=status, error=error,
                    reason=reason, background=background or None)
    add({"type": terminal, "response": last})
    return out


# -- the server ----------------------------------------------------------------------------
@dataclass
class Script:
    """What the next response "generates"."""

    text: str | None = None
    refusal: str | None = None
    status: str = "completed"
    reason: str | None = None
    error: dict | None = None
    chunk: int = 8
    cut_after: int | None = None
    """Stream: drop the connection after sending this many events (first request only)."""
    replay: int = 0
    """Resume: also resend this many events at or before ``starting_after``."""
    skip_on_resume: int | None = None
    """Resume: leave out the event with this sequence number (a gap)."""
    hold_after: int | None = None
    """Stream: after this many events, wait until the response is cancelled (or 10 s)."""
    polls: int = 2
    """Background: polls answered queued / in_progress before the final state."""
    nested_error: bool = False
    """Stream: send the ``error`` event in the nested shape."""


@dataclass
class Record:
    id: str
    script: Script
    events: list[dict]
    background: bool
    stream: bool
    polls: int = 0
    status: str = "queued"
    cancelled: threading.Event = field(default_factory=threading.Event)
    cancel_calls: int = 0
    sent: list[int] = field(default_factory=list)

    def snapshot(self) -> dict:
        if self.status == "cancelled":
            return response([], id=self.id, status="cancelled", background=self.background)
        if self.status in ("queued", "in_progress"):
            return response([], id=self.id, status=self.status, background=self.background)
        return self.events[-1]["response"]


class _Quiet(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return  # a client that hung up on purpose
        super().handle_error(request, client_address)


class ResponsesServer:
    """Start with ``with ResponsesServer() as server``; ``server.base_url`` for the client."""

    def __init__(self) -> None:
        self.script: deque[Script] = deque()
        self.records: dict[str, Record] = {}
        self.requests: list[tuple[str, str, Any]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                server._post(self)

            def do_GET(self) -> None:
                server._get(self)

        self._httpd = _Quiet(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,),
                                        daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for rec in self.records.values():
            rec.cancelled.set()  # release held streams
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)

    def client(self, **options: Any) -> Any:
        import openai

        return openai.OpenAI(base_url=self.base_url, api_key="sk-test", max_retries=0,
                             **options)

    # -- endpoints ---------------------------------------------------------------------
    def _body(self, h: BaseHTTPRequestHandler) -> Any:
        n = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(n) if n else b""
        return json.loads(raw) if raw else None

    def _json(self, h: BaseHTTPRequestHandler, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def _error(self, h: BaseHTTPRequestHandler, status: int, message: str,
               param: str | None = None) -> None:
        self._json(h, status, {"error": {"message": message, "type": "invalid_request_error",
                                         "param": param, "code": None}})

    def _post(self, h: BaseHTTPRequestHandler) -> None:
        path = urlparse(h.path).path
        body = self._body(h)
        self.requests.append(("POST", path, body))
        if path == "/v1/responses":
            self._create(h, body or {})
            return
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["v1", "responses"] and parts[3] == "cancel":
            self._cancel(h, parts[2])
            return
        self._error(h, 404, f"no route {path}")

    def _get(self, h: BaseHTTPRequestHandler) -> None:
        url = urlparse(h.path)
        self.requests.append(("GET", h.path, None))
        parts = url.path.strip("/").split("/")
        if len(parts) != 3 or parts[:2] != ["v1", "responses"]:
            self._error(h, 404, f"no route {url.path}")
            return
        rec = self.records.get(parts[2])
        if rec is None:
            self._error(h, 404, f"No response found with id '{parts[2]}'.")
            return
        q = parse_qs(url.query)
        if q.get("stream", ["false"])[0] == "true":
            if not (rec.background and rec.stream):
                self._error(h, 400, "Only responses created with background=true and "
                                    "stream=true can be streamed again.", "stream")
                return
            after = int(q.get("starting_after", ["-1"])[0])
            start = max(0, after + 1 - rec.script.replay)
            todo = [e for e in rec.events[start:]
                    if e["sequence_number"] != rec.script.skip_on_resume]
            self._sse(h, rec, todo, None)
            return
        if rec.background and rec.status in ("queued", "in_progress"):
            rec.polls += 1
            if rec.polls >= rec.script.polls:
                rec.status = rec.events[-1]["response"]["status"]
            elif rec.polls >= 1:
                rec.status = "in_progress"
        self._json(h, 200, rec.snapshot())

    def _create(self, h: BaseHTTPRequestHandler, body: dict) -> None:
        if body.get("background") and body.get("store") is False:
            self._error(h, 400, "Background mode requires store=true.", "store")
            return
        fmt = ((body.get("text") or {}).get("format") or {})
        if fmt.get("type") != "json_schema" or fmt.get("strict") is not True:
            self._error(h, 400, "this test server only serves strict json_schema formats",
                        "text.format")
            return
        script = self.script.popleft() if self.script else Script(text="{}")
        rid = f"resp_{next(_ids)}"
        background = bool(body.get("background"))
        stream = bool(body.get("stream"))
        evs = events(script.text, refusal=script.refusal, id=rid, chunk=script.chunk,
                     status=script.status, reason=script.reason, error=script.error,
                     background=background, nested_error=script.nested_error)
        for e in evs:  # what the API echoes: the schema that was sent
            if "response" in e:
                e["response"]["text"] = {"format": fmt}
        rec = Record(rid, script, evs, background, stream,
                     status="queued" if background else evs[-1]["response"]["status"])
        with self._lock:
            self.records[rid] = rec
        if stream:
            if not background:
                rec.status = evs[-1]["response"]["status"]
            self._sse(h, rec, evs, script.cut_after)
        elif background:
            self._json(h, 200, rec.snapshot())
        else:
            self._json(h, 200, evs[-1]["response"])

    def _cancel(self, h: BaseHTTPRequestHandler, rid: str) -> None:
        rec = self.records.get(rid)
        if rec is None:
            self._error(h, 404, f"No response found with id '{rid}'.")
            return
        if not rec.background:
            self._error(h, 400, "Only responses created with background=true can be "
                                "cancelled.")
            return
        rec.cancel_calls += 1
        if rec.status in ("queued", "in_progress"):
            rec.status = "cancelled"
        rec.cancelled.set()
        self._json(h, 200, rec.snapshot())

    def _sse(self, h: BaseHTTPRequestHandler, rec: Record, evs: list[dict],
             cut_after: int | None) -> None:
        try:
            self._send_events(h, rec, evs, cut_after)
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True  # the client hung up (e.g. after an early failure)

    def _send_events(self, h: BaseHTTPRequestHandler, rec: Record, evs: list[dict],
                     cut_after: int | None) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for n, e in enumerate(evs):
            if cut_after is not None and n == cut_after:
                h.wfile.flush()
                h.close_connection = True
                return  # no terminating chunk: the client sees a broken stream
            if rec.script.hold_after is not None and n == rec.script.hold_after:
                rec.cancelled.wait(10)
            if rec.cancelled.is_set():
                break
            payload = f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode()
            h.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
            h.wfile.flush()
            rec.sent.append(e["sequence_number"])
            if rec.background and e["type"] in ("response.completed", "response.failed",
                                                 "response.incomplete"):
                rec.status = e["response"]["status"]
        h.wfile.write(b"0\r\n\r\n")
        h.wfile.flush()
