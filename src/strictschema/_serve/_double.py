"""The double's state and behaviour, without HTTP: what a request answers, which faults it
suffers, what a retrieve, resume, cancel or delete returns. ``_app`` puts it on the wire."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from . import _shapes
from ._draw import Drawer, dump, request_key, split_text

__all__ = ["FAULTS", "ApiError", "Double", "Record", "Script", "parse_faults"]

FAULTS = ("refusal", "incomplete", "failed", "invalid", "drop_after", "duplicate", "reorder",
          "slow", "expire")
REFUSAL = "I'm sorry, but I can't assist with that request."
SERVER_ERROR = {"code": "server_error",
                "message": "The server had an error while processing your request. Sorry "
                           "about that!"}
MAX_RECORDS = 100_000
TOO_OLD = "This response can no longer be streamed because it is more than 5 minutes old"
_WORDS = ("the", "model", "answer", "is", "ready", "and", "it", "looks", "fine", "today",
          "with", "a", "short", "note", "about", "your", "request", "café", "naïve", "✓")


class ApiError(Exception):
    """An error answer: HTTP status and the API's error document."""

    def __init__(self, status: int, message: str, *, param: str | None = None,
                 code: str | None = None, type: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status = status
        self.body = _shapes.error_body(message, type=type, param=param, code=code)


@dataclass
class Script:
    """What one response "generates", and how its stream misbehaves. Queue these on
    ``Double.script`` to answer exact text; otherwise each request gets one drawn from its
    schema, shaped by its faults."""

    text: str | None = None
    refusal: str | None = None
    status: str = "completed"
    reason: str | None = None
    error: dict | None = None
    chunk: int | None = None
    """Delta size in characters; None: token-like seeded sizes (1 to 7 characters)."""
    function: tuple[str, str] | None = None
    """``(name, arguments)``: a function call instead of a message."""
    cut_after: int | None = None
    """Stream: drop the connection after sending this many events (first connection only)."""
    replay: int = 0
    """Resume: also resend this many events at or before ``starting_after``."""
    skip_on_resume: int | None = None
    """Resume: leave out the event with this sequence number (a gap)."""
    hold_after: int | None = None
    """Stream: after this many events, wait until the response is cancelled (or 10 s)."""
    polls: int = 2
    """Background: retrieves answered queued / in_progress before the final state."""
    nested_error: bool = False
    """Stream: send the ``error`` event in the nested shape."""
    duplicate: int | None = None
    """Stream: send the event with this sequence number twice (first connection only; -1:
    the first delta)."""
    reorder: int | None = None
    """Stream: send this event after the next one (first connection only; -1: the first
    delta)."""
    slow: float = 0.0
    """Stream: seconds to wait before each delta."""
    expire: bool = False
    """Resume: refused, the response being too old to stream again."""
    split_utf8: bool = True
    """Stream: write an event holding a multi-byte character in two pieces cut inside it."""


def parse_faults(spec: str | None) -> dict[str, Any]:
    """``"drop_after:5,slow:0.01"`` -> ``{"drop_after": 5, "slow": 0.01}``; ValueError
    naming the bad part."""
    out: dict[str, Any] = {}
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        name, _, arg = part.partition(":")
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")
        try:
            if name in ("drop_after", "duplicate", "reorder"):
                value: Any = int(arg) if arg else None
                if name == "drop_after" and value is None:
                    raise ValueError
            elif name == "slow":
                value = float(arg) if arg else 0.05
            elif name == "invalid":
                value = arg or None
            else:
                if arg:
                    raise ValueError
                value = True
        except ValueError:
            raise ValueError(f"bad fault {part!r}: drop_after:N, duplicate[:N], reorder[:N], "
                             f"slow[:seconds], invalid[:kind]; the others take no "
                             f"argument") from None
        out[name] = value
    return out


@dataclass
class Record:
    """A response the double created: its final state, its events (built when first
    streamed) and what happened to it since."""

    def __init__(self, id: str, script: Script, final: dict, background: bool, stream: bool,
                 store: bool, status: str, make_events: Callable[[], list[dict]]) -> None:
        self.id = id
        self.script = script
        self.final = final
        self.background = background
        self.stream = stream
        self.store = store
        self.status = status
        self.polls = 0
        self.cancelled = False
        self.cancel_calls = 0
        self.deleted = False
        self.connections = 0
        self.sent: list[int] = []
        self._make = make_events
        self._events: list[dict] | None = None

    @property
    def events(self) -> list[dict]:
        if self._events is None:
            self._events = self._make()
        return self._events

    def snapshot(self) -> dict:
        if self.status in ("queued", "in_progress", "cancelled"):
            r = dict(self.final)
            r.update(status=self.status, output=[], error=None, incomplete_details=None,
                     usage=None)
            return r
        return self.final


def _as_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, f"Invalid type for '{name}': expected an integer, but got "
                            f"{type(value).__name__} instead.", param=name,
                       code="invalid_type")
    return value


class Double:
    """The Responses API (and Chat Completions) as a test double.

    ``seed``: outputs are drawn from each request's schema, the same for the same seed and
    request. ``faults``: a fault spec applied to every request that names none in
    ``metadata["fault"]``. ``script``: queued ``Script`` values answer the next requests
    exactly. ``requests`` logs ``(method, path_with_query, body)``; ``records`` holds every
    response created, by id."""

    def __init__(self, *, seed: int = 0, faults: str | None = None) -> None:
        self.seed = seed
        self.faults = parse_faults(faults)
        self.drawer = Drawer(seed)
        self.script: deque[Script] = deque()
        self.records: dict[str, Record] = {}
        self.requests: list[tuple[str, str, Any]] = []
        self._seen: dict[int, itertools.count] = {}
        self._checked: dict[bytes, list[Any]] = {}
        self._lock = threading.Lock()

    # -- ids ------------------------------------------------------------------------------
    def _key(self, body: Any) -> tuple[int, int]:
        """(a key for the body, how many times this body came before)."""
        key = request_key(self.seed, body)
        with self._lock:
            n = next(self._seen.setdefault(key, itertools.count()))
        return key, n

    def _new_id(self, prefix: str, key: int, n: int, width: int = 48) -> str:
        digest = hashlib.blake2b(f"{self.seed}:{key}:{n}".encode(), digest_size=32)
        return prefix + digest.hexdigest()[:width]

    # -- requests ---------------------------------------------------------------------------
    def _faults_of(self, body: dict) -> dict[str, Any]:
        meta = body.get("metadata")
        if meta is not None and not isinstance(meta, dict):
            raise ApiError(400, "Invalid type for 'metadata': expected an object.",
                           param="metadata", code="invalid_type")
        spec = (meta or {}).get("fault")
        if spec is None:
            return dict(self.faults)
        try:
            return parse_faults(str(spec))
        except ValueError as exc:
            raise ApiError(400, f"strictschema serve: {exc}", param="metadata.fault",
                           code="invalid_value") from None

    def _schema_of(self, fmt: Any, where: str, *, name_key: str = "name",
                   schema_key: str = "schema") -> Any:
        if not isinstance(fmt, dict) or not isinstance(fmt.get(name_key), str):
            raise ApiError(400, f"Missing required parameter: '{where}.{name_key}'.",
                           param=f"{where}.{name_key}", code="missing_required_parameter")
        schema = fmt.get(schema_key)
        if not isinstance(schema, dict):
            raise ApiError(400, f"Missing required parameter: '{where}.{schema_key}'.",
                           param=f"{where}.{schema_key}", code="missing_required_parameter")
        if fmt.get("strict") is True:
            findings = self._findings(schema)
            if findings:
                d = findings[0]
                kind = "response_format" if schema_key == "schema" else "function"
                raise ApiError(400, f"Invalid schema for {kind} '{fmt[name_key]}': "
                                    f"{d.message}", param=f"{where}.{schema_key}",
                               code="invalid_json_schema")
        return schema

    def _findings(self, schema: Any) -> list[Any]:
        """What the profile's checker says about a strict schema (cached per schema)."""
        from ._draw import _canonical

        key = _canonical(schema)
        found = self._checked.get(key)
        if found is None:
            from .._compile._check import check_strict

            found = self._checked[key] = list(check_strict(schema))
        return found

    def _output(self, body: dict, key: int, faults: dict, fmt_schema: Any,
                tool: tuple[str, Any] | None, chat: bool) -> Script:
        """What the model "says" for this request, faults applied."""
        if "refusal" in faults:
            return Script(refusal=REFUSAL)
        if "failed" in faults:
            return Script(status="failed", error=dict(SERVER_ERROR))
        schema = tool[1] if tool is not None else fmt_schema
        if schema is not None:
            from hypothesis.errors import InvalidArgument

            try:
                if "invalid" in faults:
                    kind, instance = self.drawer.mutant(schema, key, faults["invalid"])
                    text = instance if kind == "truncated" else dump(instance)
                else:
                    text = dump(self.drawer.value(schema, key))
            except InvalidArgument as exc:
                raise ApiError(400, f"strictschema serve cannot answer this schema: {exc}",
                               param="text.format.schema" if tool is None else "tools",
                               code="invalid_json_schema") from None
        else:
            rnd = random.Random(key)
            text = " ".join(rnd.choice(_WORDS) for _ in range(rnd.randint(4, 14))) + "."
        script = Script(text=text)
        limit = body.get("max_output_tokens" if not chat else "max_completion_tokens")
        if chat and limit is None:
            limit = body.get("max_tokens")
        if limit is not None:
            limit = _as_int(limit, "max_output_tokens" if not chat else "max_tokens")
        if "incomplete" in faults:
            script = Script(text=text[:max(1, len(text) // 2)], status="incomplete",
                            reason="max_output_tokens")
        elif limit is not None and _tokens(text) > limit:
            script = Script(text=text[:limit * 4], status="incomplete",
                            reason="max_output_tokens")
        if tool is not None:
            script = replace(script, function=(tool[0], script.text or ""), text=None)
        return script

    def _stream_faults(self, script: Script, faults: dict) -> Script:
        changes: dict[str, Any] = {}
        if "drop_after" in faults:
            changes["cut_after"] = faults["drop_after"]
        if "duplicate" in faults:
            changes["duplicate"] = (faults["duplicate"] if faults["duplicate"] is not None
                                    else -1)
        if "reorder" in faults:
            changes["reorder"] = (faults["reorder"] if faults["reorder"] is not None
                                  else -1)
        if "slow" in faults:
            changes["slow"] = faults["slow"]
        if "expire" in faults:
            changes["expire"] = True
        return replace(script, **changes) if changes else script

    def create_response(self, body: Any) -> Record:
        """``POST /v1/responses``: the new record (its events are all decided now)."""
        if not isinstance(body, dict):
            raise ApiError(400, "We could not parse the JSON body of your request.")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise ApiError(400, "Missing required parameter: 'model'.", param="model",
                           code="missing_required_parameter")
        background = bool(body.get("background"))
        stream = bool(body.get("stream"))
        store = body.get("store", True) is not False
        if background and not store:
            raise ApiError(400, "Background mode requires store=true.", param="store")
        if body.get("stream_options") is not None and not stream:
            raise ApiError(400, "stream_options is only allowed when stream is true.",
                           param="stream_options")
        text_opts = body.get("text") or {}
        fmt = text_opts.get("format") if isinstance(text_opts, dict) else None
        fmt_schema = None
        if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
            fmt_schema = self._schema_of(fmt, "text.format")
        elif fmt is not None and (not isinstance(fmt, dict)
                                  or fmt.get("type") not in ("text", "json_object")):
            raise ApiError(400, "Invalid value for 'text.format.type'.",
                           param="text.format.type", code="invalid_value")
        tool = self._tool(body, fmt_schema, chat=False)
        faults = self._faults_of(body)
        key, n = self._key(body)
        rid = self._new_id("resp_", key, n)
        if self.script:
            with self._lock:
                script = self.script.popleft() if self.script else None
        else:
            script = None
        if script is None:
            script = self._output(body, key, faults, fmt_schema, tool, chat=False)
        payload = script.refusal if script.refusal is not None else (
            script.function[1] if script.function else script.text)
        echo = {k: body[k] for k in ("instructions", "previous_response_id", "temperature",
                                     "top_p", "user", "max_output_tokens", "tool_choice")
                if k in body}
        echo.update(text=dict(text_opts) if fmt is not None else {"format": {"type": "text"}},
                    tools=list(body.get("tools") or []), metadata=dict(body.get("metadata")
                                                                        or {}),
                    store=store)
        function = None
        if script.function is not None:
            function = (script.function[0], script.function[1],
                        self._new_id("call_", key, n, 24))
        created = int(time.time())
        out_tokens = _tokens(payload or "")
        in_tokens = _tokens(json.dumps(body.get("input", ""), default=str))
        usage = {"input_tokens": in_tokens,
                 "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                 "output_tokens": out_tokens,
                 "output_tokens_details": {"reasoning_tokens": 0},
                 "total_tokens": in_tokens + out_tokens}
        items = _shapes.final_items(script.text, refusal=script.refusal, id=rid,
                                    status=script.status, function=function)
        final = _shapes.response(
            items, id=rid, status=script.status, error=script.error, reason=script.reason,
            background=background or None, model=model, created_at=created,
            extra={**echo, "usage": usage})
        s = script

        def make_events() -> list[dict]:
            deltas: int | list[str] = s.chunk if s.chunk is not None else split_text(
                payload or "", key)
            return _shapes.events(s.text, refusal=s.refusal, id=rid, chunk=deltas,
                                  status=s.status, reason=s.reason, error=s.error,
                                  background=background, nested_error=s.nested_error,
                                  function=function, model=model, created_at=created,
                                  extra=echo, final=final)

        script = self._stream_faults(script, faults)
        rec = Record(rid, script, final, background, stream, store,
                     "queued" if background else script.status, make_events)
        if store:
            with self._lock:
                self.records[rid] = rec
                if len(self.records) > MAX_RECORDS:  # a long-running server forgets the oldest
                    del self.records[next(iter(self.records))]
        return rec

    def _tool(self, body: dict, fmt_schema: Any, *, chat: bool) -> tuple[str, Any] | None:
        """The function the model calls, if it calls one: ``tool_choice`` "required" or a
        named function, or "auto" when there is no json_schema format to answer in."""
        tools = body.get("tools") or []
        if not isinstance(tools, list):
            raise ApiError(400, "Invalid type for 'tools': expected an array.", param="tools",
                           code="invalid_type")
        functions: list[tuple[str, Any]] = []
        for i, t in enumerate(tools):
            if not isinstance(t, dict) or t.get("type") != "function":
                continue
            fn: Any = t.get("function") if chat else t
            where = f"tools[{i}].function" if chat else f"tools[{i}]"
            params = self._schema_of(fn, where, schema_key="parameters")
            functions.append((fn["name"], params))
        choice = body.get("tool_choice", "auto")
        if not functions or choice == "none":
            return None
        if isinstance(choice, dict):
            name = choice.get("name") or (choice.get("function") or {}).get("name")
            for f in functions:
                if f[0] == name:
                    return f
            raise ApiError(400, f"Tool choice '{name}' not found in 'tools' parameter.",
                           param="tool_choice")
        if choice == "required" or fmt_schema is None:
            return functions[0]
        return None

    # -- the other endpoints ---------------------------------------------------------------
    def get(self, rid: str) -> Record:
        rec = self.records.get(rid)
        if rec is None or rec.deleted:
            raise ApiError(404, f"Response with id '{rid}' not found.", param="response_id")
        return rec

    def retrieve(self, rid: str) -> dict:
        """``GET /v1/responses/{id}``: a background response moves one step per retrieve
        (queued, in_progress, then its final state after ``script.polls`` retrieves)."""
        rec = self.get(rid)
        with self._lock:
            if rec.background and rec.status in ("queued", "in_progress"):
                rec.polls += 1
                if rec.polls >= rec.script.polls:
                    rec.status = rec.final["status"]
                elif rec.polls >= 1:
                    rec.status = "in_progress"
        return rec.snapshot()

    def resume_events(self, rid: str, starting_after: int | None) -> tuple[Record, list[dict]]:
        """``GET /v1/responses/{id}?stream=true``: the events after ``starting_after``."""
        rec = self.get(rid)
        if not rec.background:
            raise ApiError(400, "This response cannot be streamed because it was not created "
                                "with background=true.", param="stream")
        if not rec.stream:
            raise ApiError(400, "This response cannot be streamed because it was not created "
                                "with stream=true.", param="stream")
        if rec.script.expire:
            raise ApiError(400, TOO_OLD, param="stream")
        after = -1 if starting_after is None else starting_after
        start = max(0, after + 1 - rec.script.replay)
        todo = [e for e in rec.events[start:]
                if e["sequence_number"] != rec.script.skip_on_resume]
        return rec, todo

    def cancel(self, rid: str) -> dict:
        """``POST /v1/responses/{id}/cancel``: idempotent; a finished response comes back
        as it is."""
        rec = self.get(rid)
        if not rec.background:
            raise ApiError(400, "Only responses created with background=true can be "
                                "cancelled.", param="response_id")
        with self._lock:
            rec.cancel_calls += 1
            if rec.status in ("queued", "in_progress"):
                rec.status = "cancelled"
            rec.cancelled = True
        return rec.snapshot()

    def delete(self, rid: str) -> dict:
        rec = self.get(rid)
        rec.deleted = True
        return {"id": rid, "object": "response.deleted", "deleted": True}

    # -- chat completions ---------------------------------------------------------------
    def chat(self, body: Any) -> tuple[dict, Script, list[dict]]:
        """``POST /v1/chat/completions``: the completion, its script, and its stream
        chunks."""
        if not isinstance(body, dict):
            raise ApiError(400, "We could not parse the JSON body of your request.")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise ApiError(400, "Missing required parameter: 'model'.", param="model",
                           code="missing_required_parameter")
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            raise ApiError(400, "Missing required parameter: 'messages'.", param="messages",
                           code="missing_required_parameter")
        rf = body.get("response_format")
        fmt_schema = None
        if isinstance(rf, dict) and rf.get("type") == "json_schema":
            fmt_schema = self._schema_of(rf.get("json_schema"), "response_format.json_schema")
        tool = self._tool(body, fmt_schema, chat=True)
        faults = self._faults_of(body)
        key, n = self._key(body)
        cid = self._new_id("chatcmpl-", key, n, 29)
        if self.script:
            with self._lock:
                script = self.script.popleft() if self.script else None
        else:
            script = None
        if script is None:
            script = self._output(body, key, faults, fmt_schema, tool, chat=True)
        script = self._stream_faults(script, faults)
        if script.status == "failed":
            raise ApiError(500, SERVER_ERROR["message"], type="server_error",
                           code="server_error")
        created = int(time.time())
        finish = "length" if script.status == "incomplete" else "stop"
        tool_calls = None
        payload = script.refusal if script.refusal is not None else script.text
        if script.function is not None:
            call_id = self._new_id("call_", key, n, 24)
            tool_calls = [{"id": call_id, "type": "function",
                           "function": {"name": script.function[0],
                                        "arguments": script.function[1]}}]
            payload = script.function[1]
            finish = "length" if script.status == "incomplete" else "tool_calls"
        out_tokens = _tokens(payload or "")
        in_tokens = _tokens(json.dumps(body["messages"], default=str))
        usage = {"prompt_tokens": in_tokens, "completion_tokens": out_tokens,
                 "total_tokens": in_tokens + out_tokens}
        completion = _shapes.chat_completion(
            id=cid, model=model, created=created,
            content=None if (script.refusal is not None or tool_calls) else script.text,
            refusal=script.refusal, tool_calls=tool_calls, finish_reason=finish, usage=usage)
        pieces = (_shapes.chunks(payload or "", script.chunk) if script.chunk
                  else split_text(payload or "", key))
        base = {"id": cid, "object": "chat.completion.chunk", "created": created,
                "model": model}

        def chunk(delta: dict, finish_reason: str | None = None) -> dict:
            return {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                         "finish_reason": finish_reason}]}

        chunks = [chunk({"role": "assistant", "content": "" if not tool_calls and
                         script.refusal is None else None, "refusal": None})]
        for i, piece in enumerate(pieces):
            if tool_calls:
                call: dict[str, Any] = {"index": 0, "function": {"arguments": piece}}
                if i == 0:
                    call.update(id=tool_calls[0]["id"], type="function")
                    call["function"]["name"] = script.function[0]  # type: ignore[index]
                chunks.append(chunk({"tool_calls": [call]}))
            elif script.refusal is not None:
                chunks.append(chunk({"refusal": piece}))
            else:
                chunks.append(chunk({"content": piece}))
        chunks.append(chunk({}, finish))
        if (body.get("stream_options") or {}).get("include_usage"):
            for c in chunks:
                c["usage"] = None
            chunks.append({**base, "choices": [], "usage": usage})
        return completion, script, chunks


def _tokens(text: str) -> int:
    """A token estimate: four characters a token."""
    return math.ceil(len(text) / 4)
