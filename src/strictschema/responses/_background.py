"""Helpers over the official ``openai`` client for background (and streamed) responses.

``openai`` is imported only when a helper runs; without it they raise ``ImportError`` naming
the ``openai`` extra. Every helper takes the client as its first argument, so any
``openai.OpenAI`` (``base_url``, retries, timeouts, ...) works.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._errors import DecodeError, ValidationError
from ._common import ResponseFailed
from ._openai import Stream

if TYPE_CHECKING:
    from .._compile._compiled import Compiled

__all__ = ["build_request", "cancel", "create", "poll", "resume", "stream_response"]

_TERMINAL_STATUS = frozenset({"completed", "failed", "incomplete", "cancelled"})


def _openai() -> Any:
    try:
        import openai
    except ImportError:
        raise ImportError("strictschema's Responses API client helpers need the openai "
                          "package: pip install 'strictschema[openai]'") from None
    return openai


def build_request(compiled: Compiled, *, model: str, input: Any, background: bool = False,
                  store: bool | None = None, stream: bool = False, name: str | None = None,
                  description: str | None = None, **extra: Any) -> dict[str, Any]:
    """Keyword arguments for ``client.responses.create``: ``model``, ``input``,
    ``text.format`` from ``compiled``, and ``background``/``store``/``stream`` made
    consistent. Inconsistent flags raise ``ValueError`` saying what to change:

    - ``background=True`` with ``store=False``: background responses must be stored (F3);
    - ``stream_options`` without ``stream=True``;
    - ``background_options`` without ``background=True``;
    - a ``text`` with its own ``format`` (the format is the compiled schema's).
    """
    if not isinstance(model, str) or not model:
        raise ValueError("model must be a non-empty string, e.g. 'gpt-4o-2024-08-06'")
    if background and store is False:
        raise ValueError("background=True needs store=True: background responses are stored "
                         "so they can be polled, resumed and cancelled (F3); drop store=False "
                         "or background=True")
    if extra.get("stream_options") is not None and not stream:
        raise ValueError("stream_options is only valid with stream=True")
    if extra.get("background_options") is not None and not background:
        raise ValueError("background_options is only valid with background=True")
    text = dict(extra.pop("text", None) or {})
    if "format" in text:
        raise ValueError("text.format comes from the compiled schema: pass name= or "
                         "description= instead of text={'format': ...}")
    text["format"] = compiled.text_format(name, description)
    request: dict[str, Any] = {"model": model, "input": input, "text": text}
    if background:
        request["background"] = True
        request["store"] = True
    elif store is not None:
        request["store"] = store
    if stream:
        request["stream"] = True
    request.update(extra)
    return request


def create(client: Any, compiled: Compiled, *, model: str, input: Any, **options: Any) -> Any:
    """``client.responses.create(**build_request(...))``: a ``Response`` (or an SDK stream
    with ``stream=True``)."""
    _openai()
    return client.responses.create(**build_request(compiled, model=model, input=input,
                                                   **options))


def poll(client: Any, response_id: str, *, interval: float = 0.5, factor: float = 1.5,
         max_interval: float = 8.0, timeout: float | None = 600.0,
         sleep: Callable[[float], Any] = time.sleep,
         clock: Callable[[], float] = time.monotonic) -> Any:
    """Retrieve ``response_id`` until its status is terminal (anything but ``queued`` /
    ``in_progress``, F2), sleeping ``interval`` seconds, then ``factor`` times longer each
    time up to ``max_interval``. Returns the final SDK ``Response``; read it with
    ``parse_response``. ``TimeoutError`` after ``timeout`` seconds (None: no limit)."""
    _openai()
    if interval <= 0 or factor < 1 or max_interval < interval:
        raise ValueError("poll needs interval > 0, factor >= 1 and max_interval >= interval")
    start = clock()
    wait = interval
    while True:
        r = client.responses.retrieve(response_id)
        status = getattr(r, "status", None)
        if status not in ("queued", "in_progress"):
            return r
        if timeout is not None and clock() - start + wait > timeout:
            raise TimeoutError(f"response {response_id} still {status} after {timeout:g} s")
        sleep(wait)
        wait = min(wait * factor, max_interval)


def cancel(client: Any, response_id: str) -> Any:
    """Cancel a background response (F4) and return it. Cancelling again, or cancelling a
    response that already finished, returns the response as it is."""
    openai = _openai()
    try:
        return client.responses.cancel(response_id)
    except openai.APIStatusError as exc:
        if exc.status_code not in (400, 409):
            raise
        r = client.responses.retrieve(response_id)
        if getattr(r, "status", None) in _TERMINAL_STATUS:
            return r
        raise


def _feed(stream: Stream, events: Any) -> None:
    """Apply SDK stream events until the terminal one; the connection is closed either way.

    The SDK raises ``APIError`` itself for an ``error`` event in the nested shape
    (``{"type": "error", "error": {...}}``); that becomes ``ResponseFailed``."""
    openai = _openai()
    with events:
        try:
            for event in events:
                stream.feed(event)
                if stream.done:
                    return
        except openai.APIError as exc:
            if isinstance(exc, (openai.APIStatusError, openai.APIConnectionError)):
                raise
            body = exc.body if isinstance(exc.body, dict) else {}
            raise ResponseFailed(body.get("code") or getattr(exc, "code", None),
                                 str(body.get("message") or exc.message),
                                 param=body.get("param"),
                                 response_id=stream.response_id) from exc


def resume(client: Any, stream: Stream, response_id: str | None = None, *,
           max_attempts: int = 3) -> Stream:
    """Stream the rest of a background response into ``stream`` (E9): ``GET
    /responses/{id}?stream=true&starting_after=<stream.cursor>``; events already applied are
    ignored by ``stream``, a dropped connection resumes again from the new cursor (up to
    ``max_attempts`` connections). Returns ``stream``; ``stream.result()`` reads the output.
    """
    openai = _openai()
    rid = response_id or stream.response_id
    if rid is None:
        raise ValueError("resume needs a response id: none was given and the stream has "
                         "not seen one")
    attempts = 0
    while not stream.done:
        attempts += 1
        options: dict[str, Any] = {"stream": True}
        if stream.cursor is not None:
            options["starting_after"] = stream.cursor
        try:
            _feed(stream, client.responses.retrieve(rid, **options))
        except (openai.APIConnectionError, openai.APITimeoutError):
            if attempts >= max_attempts:
                raise
            continue
        if not stream.done and attempts >= max_attempts:
            break
    return stream


def stream_response(client: Any, compiled: Compiled, *, model: str, input: Any,
                    background: bool = True, on_invalid: str = "cancel",
                    max_attempts: int = 3, stream: Stream | None = None,
                    **options: Any) -> Stream:
    """Create a streamed response and read it into a ``Stream`` (returned; call
    ``.result()``). With ``background=True`` (the default) a dropped connection is resumed
    from the cursor, and when the output turns invalid mid-stream (``ValidationError`` /
    ``DecodeError`` from the incremental check) the response is cancelled at once
    (``on_invalid="cancel"``, or ``"keep"`` to let it run) before the error is re-raised."""
    openai = _openai()
    if on_invalid not in ("cancel", "keep"):
        raise ValueError("on_invalid must be 'cancel' or 'keep'")
    s = stream if stream is not None else Stream(compiled)
    request = build_request(compiled, model=model, input=input, background=background,
                            stream=True, **options)
    try:
        try:
            _feed(s, client.responses.create(**request))
        except (openai.APIConnectionError, openai.APITimeoutError):
            if not background or s.response_id is None or max_attempts <= 1:
                raise
            resume(client, s, max_attempts=max_attempts - 1)
        else:
            if background and not s.done and s.response_id is not None:
                resume(client, s, max_attempts=max_attempts - 1 or 1)
    except (ValidationError, DecodeError):
        if background and on_invalid == "cancel" and s.response_id is not None:
            cancel(client, s.response_id)
        raise
    return s
