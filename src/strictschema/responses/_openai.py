"""Reading OpenAI Responses API objects and streams: ``parse_response``, the function calls
(``parse_tool_calls``) and ``Stream``, the event stream checked as it arrives (the module
docstring of ``strictschema.responses`` says how).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import _core
from .._errors import DecodeError, ValidationError
from .._validate._validator import PushValidator, _failed
from ._common import (
    IncompleteOutput,
    NoStructuredOutput,
    Refusal,
    ResponseFailed,
    ResponseNotFinished,
    StreamGap,
    UnknownTool,
    _as_dict,
    _close_and_decode,
    _get,
    _one_line,
    partial_json,
)
from ._providers import parse_provider_response, provider_of

if TYPE_CHECKING:
    from .._compile._compiled import Compiled

__all__ = [
    "TERMINAL_EVENTS",
    "Stream",
    "ToolCall",
    "parse_function_call",
    "parse_response",
    "parse_tool_calls",
]

TERMINAL_EVENTS = frozenset({"response.completed", "response.failed", "response.incomplete"})
_LIFECYCLE = frozenset({"response.queued", "response.created", "response.in_progress"})
_PENDING = frozenset({"queued", "in_progress"})


# -- one response ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Answer:
    text: str | None
    refusal: str | None
    item_types: tuple[str, ...]


def _is_answer_message(item: Mapping[str, Any]) -> bool:
    return (item.get("type") == "message" and item.get("role", "assistant") == "assistant"
            and item.get("phase") in (None, "final_answer"))


def _message_text(item: Mapping[str, Any]) -> tuple[str | None, str | None]:
    texts: list[str] = []
    refusal = None
    for part in item.get("content") or ():
        kind = part.get("type")
        if kind == "output_text":
            texts.append(part.get("text") or "")
        elif kind == "refusal" and refusal is None:
            refusal = part.get("refusal") or ""
    return ("".join(texts) if texts else None), refusal


def _answer(output: Iterable[Mapping[str, Any]]) -> _Answer:
    types = []
    chosen: tuple[str | None, str | None] = (None, None)
    for item in output:
        types.append(str(item.get("type")))
        if _is_answer_message(item):
            text, refusal = _message_text(item)
            if text is not None or refusal is not None:
                chosen = (text, refusal)
    return _Answer(chosen[0], chosen[1], tuple(types))


def _error_fields(error: Any) -> tuple[str | None, str, str | None]:
    if not isinstance(error, Mapping):
        return None, _one_line(error) if error else "no error details", None
    return error.get("code"), str(error.get("message") or "no error message"), error.get("param")


def parse_response(response: Any, compiled: Compiled) -> Any:
    """The structured output of a Responses API ``Response`` (dict or SDK object): decoded
    data in the original shape, or the Pydantic instance when compiled from a model. An
    Anthropic ``Message``, a Gemini ``GenerateContentResponse`` or a chat completion (Mistral)
    is read the same way (``_providers``).

    Raises ``ResponseFailed``, ``ResponseNotFinished``, ``Refusal``, ``IncompleteOutput``,
    ``NoStructuredOutput``, ``ValidationError`` or ``DecodeError``."""
    r = _as_dict(response)
    if provider_of(r) is not None:  # Anthropic, Gemini, Mistral/Chat Completions objects
        return parse_provider_response(r, compiled)
    if not isinstance(r, Mapping):
        raise TypeError(f"expected a Response object, got {type(response).__name__}")
    rid = r.get("id")
    status = r.get("status")
    if status == "failed":
        code, message, param = _error_fields(r.get("error"))
        raise ResponseFailed(code, message, param=param, response_id=rid)
    if status in _PENDING:
        raise ResponseNotFinished(status, rid)
    if status == "cancelled":
        raise ResponseFailed("cancelled", "the response was cancelled before it finished",
                             status="cancelled", response_id=rid)
    answer = _answer(r.get("output") or ())
    if answer.refusal is not None:
        raise Refusal(answer.refusal, rid)
    if status == "incomplete":
        reason = _get(r.get("incomplete_details") or {}, "reason")
        text = answer.text or ""
        raise IncompleteOutput(reason, text, partial_json(text, compiled) if text else None, rid)
    if answer.text is None:
        raise NoStructuredOutput(answer.item_types, rid)
    return compiled.parse(answer.text)


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A function call whose ``arguments`` were validated against its tool's schema."""

    name: str
    call_id: str
    arguments: Any
    id: str | None = None

    def output_item(self, output: str) -> dict[str, Any]:
        """The reply item for the next request's ``input``."""
        return {"type": "function_call_output", "call_id": self.call_id, "output": output}


def parse_function_call(item: Any, compiled: Compiled) -> ToolCall:
    """One ``function_call`` item (dict or SDK object): its ``arguments`` JSON text validated
    against ``compiled`` (the tool's parameters) and decoded."""
    d = _as_dict(item)
    if not isinstance(d, Mapping) or d.get("type") != "function_call":
        raise TypeError("expected a function_call output item")
    args = compiled.parse(d.get("arguments") or "")
    return ToolCall(str(d.get("name")), str(d.get("call_id")), args, d.get("id"))


def parse_tool_calls(response: Any, tools: Mapping[str, Compiled]) -> tuple[ToolCall, ...]:
    """Every ``function_call`` of a response, in order, each checked against
    ``tools[name]``; a call to a tool not in ``tools`` raises ``UnknownTool``."""
    r = _as_dict(response)
    status = r.get("status")
    if status == "failed":
        code, message, param = _error_fields(r.get("error"))
        raise ResponseFailed(code, message, param=param, response_id=r.get("id"))
    if status in _PENDING:
        raise ResponseNotFinished(status, r.get("id"))
    out = []
    for item in r.get("output") or ():
        if item.get("type") != "function_call":
            continue
        name = item.get("name")
        if name not in tools:
            raise UnknownTool(str(name), tools)
        out.append(parse_function_call(item, tools[name]))
    return tuple(out)


# -- streams ---------------------------------------------------------------------------
class _Text:
    """The text of one message (its output_text parts in order), checked as it grows."""

    __slots__ = ("chunks", "error", "feed", "refusal", "validator")

    def __init__(self, validator: PushValidator | None) -> None:
        self.chunks: list[str] = []
        self.validator = validator
        self.refusal: list[str] | None = None
        self.error: BaseException | None = None
        # the core's own feed, called once per delta (None: not checked, or failed already)
        self.feed: Any = validator._push.feed if validator is not None else None

    def failed(self, exc: BaseException) -> Exception:
        """The strictschema exception for what the core raised on a delta; a verdict on the
        text ends its checking."""
        err = _failed(exc)
        if isinstance(err, (ValidationError, DecodeError)):
            self.error = err
            self.feed = None
        return err

    def text(self) -> str:
        if len(self.chunks) > 1:
            self.chunks[:] = ["".join(self.chunks)]
        return self.chunks[0] if self.chunks else ""


class Stream:
    """Reads a Responses API event stream (dicts or SDK event objects, in any mix).

    ``feed(event)`` applies one event: events at or below ``cursor`` (the last
    ``sequence_number`` applied) are replays and are ignored, a skipped number raises
    ``StreamGap``; output text deltas are validated as they come (``early=False`` turns that
    off) and raise ``ValidationError``/``DecodeError`` as soon as the output can no longer be
    valid. ``partial()`` is the best-effort value so far; ``result()`` the final one.

    ``tools`` maps tool names to their compiled parameters: function-call argument deltas of
    those tools are validated early too.
    """

    def __init__(self, compiled: Compiled, *, cursor: int | None = None, early: bool = True,
                 tools: Mapping[str, Compiled] | None = None) -> None:
        self.compiled = compiled
        self.cursor = cursor
        self.early = early
        self.tools = dict(tools or {})
        self.response_id: str | None = None
        self.status: str | None = None
        self.replayed = 0
        """Events ignored because their sequence number was already applied."""
        self._joined_late = cursor is not None
        self._first = True
        self._items: dict[int, dict[str, Any]] = {}
        self._done_items: dict[int, dict[str, Any]] = {}
        self._texts: dict[int, _Text] = {}
        self._final: dict[str, Any] | None = None
        self._error: tuple[str | None, str, str | None] | None = None
        self._schema_cache: dict[int, Any] = {}

    # -- state -------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        """True after a terminal event (``response.completed/failed/incomplete``)."""
        return self._final is not None

    @property
    def error(self) -> tuple[str | None, str, str | None] | None:
        """``(code, message, param)`` of an ``error`` event, if one arrived."""
        return self._error

    @property
    def text(self) -> str:
        """The output text so far (of the message that answers, see ``parse_response``)."""
        t = self._answer_text()
        return t.text() if t is not None else ""

    @property
    def refusal(self) -> str | None:
        t = self._answer_text()
        return "".join(t.refusal) if t is not None and t.refusal is not None else None

    # -- feeding -----------------------------------------------------------------------
    def feed(self, event: Any) -> bool:
        """Apply one event; False when it was a replay (ignored)."""
        if type(event) is dict:
            # the common case in few steps: the next text delta of a message already seen
            try:
                seq = event["sequence_number"]
                t = (self._texts[event["output_index"]]
                     if event["type"] == "response.output_text.delta" and seq.__class__ is int
                     and seq == self.cursor + 1 and self._final is None else None)  # type: ignore[operator]
                delta = event["delta"]
            except (KeyError, TypeError):  # something missing, or no cursor yet
                t = None
            if t is not None and delta.__class__ is str:
                self.cursor = seq
                t.chunks.append(delta)
                check = t.feed
                if check is not None:
                    try:
                        check(delta)
                    except _core.Failure as exc:
                        raise t.failed(exc) from None
                return True
        etype = _get(event, "type")
        seq = _get(event, "sequence_number")
        if isinstance(seq, int) and not isinstance(seq, bool):
            if self.cursor is not None:
                if seq <= self.cursor:
                    self.replayed += 1
                    return False
                if seq != self.cursor + 1:
                    raise StreamGap(self.cursor + 1, seq, self.cursor)
            elif self._first and seq > 0 and etype not in _LIFECYCLE:
                self._joined_late = True
            self.cursor = seq
        self._first = False
        if self._final is not None:
            return True  # nothing can change a finished response
        if etype == "response.output_text.delta":
            self._delta(event, refusal=False)
        elif etype == "response.refusal.delta":
            self._delta(event, refusal=True)
        elif etype == "response.function_call_arguments.delta":
            self._args_delta(event)
        elif etype == "response.output_item.added":
            self._item_added(event)
        elif etype == "response.output_item.done":
            idx = _get(event, "output_index")
            item = _as_dict(_get(event, "item"))
            if isinstance(idx, int) and isinstance(item, Mapping):
                self._done_items[idx] = dict(item)
        elif etype in _LIFECYCLE:
            self._lifecycle(_get(event, "response"))
        elif etype in TERMINAL_EVENTS:
            self._terminal(_get(event, "response"))
        elif etype == "error":
            self._error_event(event)
        return True

    def feed_all(self, events: Iterable[Any]) -> Stream:
        for event in events:
            self.feed(event)
        return self

    def _lifecycle(self, response: Any) -> None:
        if response is None:
            return
        rid = _get(response, "id")
        if rid is not None:
            if self.response_id is not None and rid != self.response_id:
                raise ValueError(f"the response id changed mid-stream: {self.response_id!r} "
                                 f"then {rid!r}")
            self.response_id = rid
        self.status = _get(response, "status") or self.status

    def _terminal(self, response: Any) -> None:
        self._lifecycle(response)
        final = dict(_as_dict(response) or {})
        if not final.get("output"):
            final["output"] = self._rebuilt_output()
        self._final = final

    def _rebuilt_output(self) -> list[dict[str, Any]]:
        """E7: a terminal event without ``output``: the items from the events."""
        out = []
        for idx in sorted(set(self._items) | set(self._done_items) | set(self._texts)):
            item = self._done_items.get(idx)
            if item is None:
                item = dict(self._items.get(idx) or {"type": "message", "role": "assistant"})
                t = self._texts.get(idx)
                content: list[dict[str, Any]] = []
                if t is not None and t.refusal is not None:
                    content.append({"type": "refusal", "refusal": "".join(t.refusal)})
                elif t is not None:
                    content.append({"type": "output_text", "text": t.text(), "annotations": []})
                if item.get("type") == "message":
                    item["content"] = content
            out.append(item)
        return out

    def _error_event(self, event: Any) -> None:
        nested = _get(event, "error")
        src = nested if nested is not None else event
        code = _get(src, "code")
        message = _get(src, "message") or "error event without a message"
        self._error = (code, str(message), _get(src, "param"))

    def _item_added(self, event: Any) -> None:
        idx = _get(event, "output_index")
        item = _as_dict(_get(event, "item"))
        if not isinstance(idx, int) or not isinstance(item, Mapping):
            return
        self._items[idx] = dict(item)
        kind = item.get("type")
        if kind == "message" and _is_answer_message(item):
            self._texts[idx] = _Text(self._validator(self.compiled) if self.early else None)
        elif kind == "function_call" and self.early and item.get("name") in self.tools:
            self._texts[idx] = _Text(self._validator(self.tools[item["name"]]))

    def _validator(self, compiled: Compiled) -> PushValidator:
        push: PushValidator = compiled._validators()[0].push()
        return push

    def _text_for(self, idx: Any) -> _Text | None:
        if not isinstance(idx, int):
            return None
        t = self._texts.get(idx)
        if t is None:
            item = self._items.get(idx)
            if item is not None and not (item.get("type") == "message"
                                         and _is_answer_message(item)):
                return None  # commentary, reasoning, ...
            # a delta for an item never announced: check it only if we saw the stream start
            late = self._joined_late
            t = _Text(None if late or not self.early else self._validator(self.compiled))
            self._texts[idx] = t
        return t

    def _delta(self, event: Any, *, refusal: bool) -> None:
        t = self._text_for(_get(event, "output_index"))
        if t is None:
            return
        delta = _get(event, "delta") or ""
        if refusal:
            if t.refusal is None:
                t.refusal = []
            t.refusal.append(delta)
            return
        t.chunks.append(delta)
        self._check(t, delta)

    def _args_delta(self, event: Any) -> None:
        idx = _get(event, "output_index")
        t = self._texts.get(idx) if isinstance(idx, int) else None
        if t is None:
            return
        delta = _get(event, "delta") or ""
        t.chunks.append(delta)
        self._check(t, delta)

    def _check(self, t: _Text, delta: str) -> None:
        if t.feed is None:
            return
        try:
            t.feed(delta)
        except _core.Failure as exc:
            raise t.failed(exc) from None

    # -- reading -----------------------------------------------------------------------
    def _answer_text(self) -> _Text | None:
        chosen = None
        for idx in sorted(self._texts):
            item = self._items.get(idx)
            if item is not None and item.get("type") != "message":
                continue
            t = self._texts[idx]
            if t.chunks or t.refusal is not None:
                chosen = t
        return chosen

    def partial(self) -> Any:
        """The best-effort value of the output so far (for UIs), in the original shape when it
        decodes, else wire-shaped; None before any usable text or after a refusal. Costs
        O(len(text)): call it when you redraw, not on every delta."""
        t = self._answer_text()
        if t is None or t.refusal is not None:
            return None
        text = t.text()
        v = t.validator
        if v is None or t.error is not None or v.pos != len(text):
            return partial_json(text, self.compiled)
        return _close_and_decode(v, text, self.compiled)

    def result(self) -> Any:
        """The final value, after the terminal event: like ``parse_response`` on the final
        response (its output rebuilt from the events when the event carried none)."""
        if self._final is None:
            if self._error is not None:
                code, message, param = self._error
                raise ResponseFailed(code, message, param=param, response_id=self.response_id)
            raise ResponseNotFinished(
                self.status, self.response_id,
                "the stream has not ended: no response.completed, .failed or .incomplete event "
                f"after sequence_number {self.cursor}")
        final = self._final
        if final.get("status") == "failed" and not final.get("error") and self._error:
            code, message, param = self._error
            raise ResponseFailed(code, message, param=param, response_id=self.response_id)
        return parse_response(final, self.compiled)

    def tool_calls(self) -> tuple[ToolCall, ...]:
        """The function calls of the finished response, checked against ``tools``."""
        if self._final is None:
            raise ResponseNotFinished(self.status, self.response_id,
                                      "the stream has not ended yet")
        return parse_tool_calls(self._final, self.tools)

    def __repr__(self) -> str:
        return (f"<Stream response_id={self.response_id!r} cursor={self.cursor} "
                f"status={self.status!r} done={self.done}>")
