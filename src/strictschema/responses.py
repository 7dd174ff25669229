"""Structured outputs out of OpenAI Responses API objects and streams.

    >>> from strictschema import responses
    >>> data = responses.parse_response(response, compiled)       # dict or SDK ``Response``
    >>> stream = responses.Stream(compiled)
    >>> for event in events:                                        # dicts or SDK events
    ...     stream.feed(event)                                      # raises early when invalid
    >>> data = stream.result()

``parse_response`` follows the extraction order of the rules (D11): a failed or cancelled
response raises ``ResponseFailed``, a queued or running one ``ResponseNotFinished``; then the
assistant message that carries the output is found among the output items (reasoning, tool
and ``commentary`` items are skipped; with several messages the last one holding text or a
refusal is the answer), a refusal raises ``Refusal``, an incomplete response raises
``IncompleteOutput`` (with the partial text), and the text is validated and decoded
(``ValidationError`` / ``DecodeError``). Function calls are read by ``parse_tool_calls``.

``Stream`` applies events in ``sequence_number`` order: replayed events (a resume with
``starting_after`` may repeat some) are ignored, a missing number raises ``StreamGap``, and
every ``response.output_text.delta`` is checked by an incremental validator that raises
``ValidationError`` as soon as the output can no longer become valid, so the caller can
cancel a background response and stop paying for tokens.

Exceptions (all ``StrictSchemaError``)::

    Refusal (ValueError)               the model refused; ``refusal`` is its text
    IncompleteOutput (ValueError)      ``reason`` (incomplete_details.reason), ``text``, ``partial``
    ResponseFailed (RuntimeError)      ``status`` failed/cancelled, ``code``, ``message``
    ResponseNotFinished (RuntimeError) still queued / in_progress, or a stream without its end
    StreamGap (RuntimeError)           ``expected`` and ``got`` sequence numbers, ``cursor``
    NoStructuredOutput (LookupError)   no assistant message in the output
    UnknownTool (LookupError)          a function call to a tool not given to parse_tool_calls

The ``openai`` package is never needed to read dicts; SDK objects are read through their
attributes. The background helpers (``build_request``, ``create``, ``poll``, ``resume``,
``cancel``, ``stream_response``) drive an ``openai.OpenAI`` client and need the ``openai``
extra.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import _core
from ._errors import DecodeError, StrictSchemaError, ValidationError
from ._json import loads
from ._provider_responses import parse_provider_response, provider_of
from ._validator import PushValidator, Validator, _failed

if TYPE_CHECKING:
    from ._compiled import Compiled

__all__ = [
    "TERMINAL_EVENTS",
    "IncompleteOutput",
    "NoStructuredOutput",
    "Refusal",
    "ResponseFailed",
    "ResponseNotFinished",
    "Stream",
    "StreamGap",
    "ToolCall",
    "UnknownTool",
    "build_request",
    "cancel",
    "create",
    "parse_function_call",
    "parse_response",
    "parse_tool_calls",
    "partial_json",
    "poll",
    "resume",
    "stream_response",
]

TERMINAL_EVENTS = frozenset({"response.completed", "response.failed", "response.incomplete"})
_LIFECYCLE = frozenset({"response.queued", "response.created", "response.in_progress"})
_PENDING = frozenset({"queued", "in_progress"})


def _one_line(text: Any, limit: int = 200) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[:limit - 3] + "..."


# -- exceptions ------------------------------------------------------------------------
class Refusal(StrictSchemaError, ValueError):
    """The model refused (a ``refusal`` content part instead of ``output_text``)."""

    def __init__(self, refusal: str, response_id: str | None = None) -> None:
        self.refusal = refusal
        self.response_id = response_id
        super().__init__(f"the model refused: {_one_line(refusal)}")


class IncompleteOutput(StrictSchemaError, ValueError):
    """The response stopped early (``status: "incomplete"``); ``text`` is what was produced,
    ``partial`` its best-effort decoded value (None when nothing usable)."""

    def __init__(self, reason: str | None, text: str, partial: Any = None,
                 response_id: str | None = None) -> None:
        self.reason = reason
        self.text = text
        self.partial = partial
        self.response_id = response_id
        super().__init__(f"the response is incomplete ({reason or 'unknown reason'}) after "
                         f"{len(text)} characters of output")


class ResponseFailed(StrictSchemaError, RuntimeError):
    """The response failed (``status: "failed"`` or an ``error`` event) or was cancelled."""

    def __init__(self, code: str | None, message: str, *, status: str = "failed",
                 param: str | None = None, response_id: str | None = None) -> None:
        self.code = code
        self.message = message
        self.status = status
        self.param = param
        self.response_id = response_id
        head = "the response was cancelled" if status == "cancelled" else "the response failed"
        detail = _one_line(f"{code}: {message}" if code and code != status else message)
        # a message that already says what happened is not prefixed a second time
        super().__init__(detail if detail.startswith(head) else f"{head}: {detail}")


class ResponseNotFinished(StrictSchemaError, RuntimeError):
    """The response is still ``queued``/``in_progress`` (poll it, or keep streaming)."""

    def __init__(self, status: str | None, response_id: str | None = None,
                 message: str | None = None) -> None:
        self.status = status
        self.response_id = response_id
        super().__init__(message or f"the response is still {status}: poll it or keep streaming")


class StreamGap(StrictSchemaError, RuntimeError):
    """An event is missing: ``got`` arrived while ``expected`` was due."""

    def __init__(self, expected: int, got: int, cursor: int) -> None:
        self.expected = expected
        self.got = got
        self.cursor = cursor
        super().__init__(f"stream gap: expected sequence_number {expected}, got {got} "
                         f"(resume with starting_after={cursor})")


class NoStructuredOutput(StrictSchemaError, LookupError):
    """The output holds no assistant message (only reasoning, tool calls, ...)."""

    def __init__(self, item_types: Iterable[str], response_id: str | None = None) -> None:
        self.item_types = tuple(item_types)
        self.response_id = response_id
        kinds = ", ".join(dict.fromkeys(self.item_types)) or "none"
        hint = "; read function calls with parse_tool_calls" if "function_call" in kinds else ""
        super().__init__(f"the response has no assistant message (output items: {kinds}){hint}")


class UnknownTool(StrictSchemaError, LookupError):
    """A function call names a tool that was not given."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = tuple(known)
        super().__init__(f"function call to unknown tool {name!r} (known: "
                         f"{', '.join(self.known) or 'none'})")


# -- reading dicts and SDK objects alike ----------------------------------------------------
def _get(obj: Any, name: str, default: Any = None) -> Any:
    if type(obj) is dict or isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _as_dict(obj: Any) -> Any:
    """A plain dict for an SDK model (wire names, as sent), the object itself otherwise."""
    if obj is None or isinstance(obj, (Mapping, list, str, int, float, bool)):
        return obj
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return dump(mode="json", by_alias=True, exclude_unset=True)
    raise TypeError(f"expected a Responses API object (dict or openai SDK model), "
                    f"got {type(obj).__name__}")


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


_ANY: list[Validator] = []


def partial_json(text: str, compiled: Compiled | None = None) -> Any:
    """The best-effort value of a truncated JSON text: open strings closed, an unfinished
    member dropped, open containers closed; decoded to the original shape when ``compiled``
    can decode it. None when nothing usable was read (or the text is not JSON)."""
    if not _ANY:
        _ANY.append(Validator._trusted(True))
    v = _ANY[0].push()
    try:
        v.feed(text)
    except DecodeError:
        return None
    return _close_and_decode(v, text, compiled)


def _close_and_decode(v: PushValidator, text: str, compiled: Compiled | None) -> Any:
    plan = v.closing()
    if plan is None:
        return None
    cut, suffix = plan
    try:
        value = loads(text[:cut] + suffix)
    except (DecodeError, ValueError):
        return None
    if compiled is not None:
        try:
            return compiled.decode(value)
        except Exception:  # noqa: BLE001 - a partial value may not decode: keep the wire shape
            return value
    return value


def parse_response(response: Any, compiled: Compiled) -> Any:
    """The structured output of a Responses API ``Response`` (dict or SDK object): decoded
    data in the original shape, or the Pydantic instance when compiled from a model. An
    Anthropic ``Message``, a Gemini ``GenerateContentResponse`` or a chat completion (Mistral)
    is read the same way (``_provider_responses``).

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


# -- background helpers (need the openai extra) ----------------------------------------------
def build_request(compiled: Compiled, *, model: str, input: Any,
                  **options: Any) -> dict[str, Any]:
    """Keyword arguments for ``client.responses.create``; see ``_background.build_request``."""
    from ._background import build_request as _build

    return _build(compiled, model=model, input=input, **options)


def create(client: Any, compiled: Compiled, *, model: str, input: Any, **options: Any) -> Any:
    """Send a request whose ``text.format`` is ``compiled``'s schema and return what the SDK
    returns: a ``Response``, or the SDK's event stream with ``stream=True``.

    ``client`` is an ``openai.OpenAI`` client (needs the ``openai`` extra). ``options`` are
    ``build_request``'s (``background``, ``store``, ``stream``, ``name``, ``description``)
    and any other ``client.responses.create`` argument. Inconsistent flags raise
    ``ValueError`` before anything is sent (``background=True`` needs ``store=True``, rule
    F3). Read the result with ``parse_response(response, compiled)``, or ``poll`` it first
    when it runs in the background.
    """
    from ._background import create as _create

    return _create(client, compiled, model=model, input=input, **options)


def poll(client: Any, response_id: str, **options: Any) -> Any:
    """Retrieve a background response until it is no longer ``queued`` or ``in_progress``
    and return the final SDK ``Response`` (read it with ``parse_response``).

    Options: ``interval`` (first wait, 0.5 s), ``factor`` (each wait that many times longer,
    1.5), ``max_interval`` (8 s), ``timeout`` (600 s; ``None`` waits forever), and
    ``sleep``/``clock`` to replace ``time.sleep``/``time.monotonic`` in tests. Raises
    ``TimeoutError`` when the response is still running after ``timeout`` seconds, and
    ``ValueError`` for intervals that make no sense.
    """
    from ._background import poll as _poll

    return _poll(client, response_id, **options)


def resume(client: Any, stream: Stream, response_id: str | None = None, **options: Any) -> Stream:
    """Read the rest of a background response's event stream into ``stream`` and return it.

    Asks for the events after ``stream.cursor`` (``starting_after``), so nothing is applied
    twice; a dropped connection is opened again from the new cursor, up to
    ``max_attempts`` connections in all (default 3). ``response_id`` defaults to the id the
    stream has already seen (``ValueError`` when it has seen none). Call
    ``stream.result()`` afterwards for the checked output.
    """
    from ._background import resume as _resume

    return _resume(client, stream, response_id, **options)


def cancel(client: Any, response_id: str) -> Any:
    """Cancel a background response and return it as the SDK reports it.

    Safe to repeat: cancelling a response again, or one that has already finished, returns
    the response as it is instead of raising. ``parse_response`` on a cancelled response
    raises ``ResponseFailed`` with ``status == "cancelled"``.
    """
    from ._background import cancel as _cancel

    return _cancel(client, response_id)


def stream_response(client: Any, compiled: Compiled, *, model: str, input: Any,
                    **options: Any) -> Stream:
    """Create a streamed response, feed its events into a ``Stream`` and return the stream
    (call ``.result()`` for the checked output).

    Options beyond ``build_request``'s: ``background`` (default ``True``: a dropped
    connection is resumed from the cursor), ``on_invalid`` (``"cancel"``, the default,
    cancels the response as soon as the incremental check proves the output can no longer
    be valid, then re-raises the ``ValidationError``/``DecodeError``; ``"keep"`` lets it
    run), ``max_attempts`` (connections in all, default 3) and ``stream`` (a ``Stream`` of
    your own to feed, e.g. to watch ``partial()`` from another thread).
    """
    from ._background import stream_response as _stream_response

    return _stream_response(client, compiled, model=model, input=input, **options)
