"""What every reader of a provider's response shares: the exceptions, reading dicts and SDK
objects alike, and the best-effort value of a truncated output (``partial_json``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._errors import DecodeError, StrictSchemaError
from .._json import loads
from .._validate._validator import PushValidator, Validator

if TYPE_CHECKING:
    from .._compile._compiled import Compiled

__all__ = [
    "IncompleteOutput",
    "NoStructuredOutput",
    "Refusal",
    "ResponseFailed",
    "ResponseNotFinished",
    "StreamGap",
    "UnknownTool",
    "partial_json",
]


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
