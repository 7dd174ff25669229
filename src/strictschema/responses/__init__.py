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

from typing import TYPE_CHECKING, Any

from . import _background
from ._common import (
    IncompleteOutput,
    NoStructuredOutput,
    Refusal,
    ResponseFailed,
    ResponseNotFinished,
    StreamGap,
    UnknownTool,
    partial_json,
)
from ._openai import (
    TERMINAL_EVENTS,
    Stream,
    ToolCall,
    parse_function_call,
    parse_response,
    parse_tool_calls,
)

if TYPE_CHECKING:
    from .._compile._compiled import Compiled

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


# -- background helpers (need the openai extra) ----------------------------------------------
def build_request(compiled: Compiled, *, model: str, input: Any,
                  **options: Any) -> dict[str, Any]:
    """Keyword arguments for ``client.responses.create``; see ``_background.build_request``."""
    return _background.build_request(compiled, model=model, input=input, **options)


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
    return _background.create(client, compiled, model=model, input=input, **options)


def poll(client: Any, response_id: str, **options: Any) -> Any:
    """Retrieve a background response until it is no longer ``queued`` or ``in_progress``
    and return the final SDK ``Response`` (read it with ``parse_response``).

    Options: ``interval`` (first wait, 0.5 s), ``factor`` (each wait that many times longer,
    1.5), ``max_interval`` (8 s), ``timeout`` (600 s; ``None`` waits forever), and
    ``sleep``/``clock`` to replace ``time.sleep``/``time.monotonic`` in tests. Raises
    ``TimeoutError`` when the response is still running after ``timeout`` seconds, and
    ``ValueError`` for intervals that make no sense.
    """
    return _background.poll(client, response_id, **options)


def resume(client: Any, stream: Stream, response_id: str | None = None, **options: Any) -> Stream:
    """Read the rest of a background response's event stream into ``stream`` and return it.

    Asks for the events after ``stream.cursor`` (``starting_after``), so nothing is applied
    twice; a dropped connection is opened again from the new cursor, up to
    ``max_attempts`` connections in all (default 3). ``response_id`` defaults to the id the
    stream has already seen (``ValueError`` when it has seen none). Call
    ``stream.result()`` afterwards for the checked output.
    """
    return _background.resume(client, stream, response_id, **options)


def cancel(client: Any, response_id: str) -> Any:
    """Cancel a background response and return it as the SDK reports it.

    Safe to repeat: cancelling a response again, or one that has already finished, returns
    the response as it is instead of raising. ``parse_response`` on a cancelled response
    raises ``ResponseFailed`` with ``status == "cancelled"``.
    """
    return _background.cancel(client, response_id)


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
    return _background.stream_response(client, compiled, model=model, input=input, **options)
