"""Structured outputs out of Anthropic, Gemini and Mistral (or any Chat Completions) response
objects: the same verdicts as ``responses.parse_response`` gives for the Responses API.

``parse_provider_response(response, compiled)`` takes a dict or an SDK object and finds the
answer where that provider puts it; it raises ``Refusal`` for a refusal or a safety stop,
``IncompleteOutput`` (with the partial value) for an output cut short by a token limit,
``ResponseFailed`` for an error stop and ``NoStructuredOutput`` when no answer is there.

Where the answer and the stop reason are read:

- anthropic (``Message``): the text blocks (JSON outputs), else the last ``tool_use`` input
  (strict tools); ``stop_reason`` refusal / max_tokens / model_context_window_exceeded /
  pause_turn;
- gemini (``GenerateContentResponse``): the first candidate's text parts (thoughts skipped),
  else its last function call's ``args``; ``finish_reason`` and ``prompt_feedback``;
- chat (Mistral, or any Chat Completions shape): ``choices[0].message.content`` (a string or
  Mistral's text chunks), else its last tool call's arguments; ``finish_reason`` and
  ``message.refusal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._json import loads
from ._common import (
    IncompleteOutput,
    NoStructuredOutput,
    Refusal,
    ResponseFailed,
    ResponseNotFinished,
    _as_dict,
    partial_json,
)

if TYPE_CHECKING:
    from .._compile._compiled import Compiled

__all__ = ["parse_provider_response", "provider_of"]

_ANTHROPIC_CUT = frozenset({"max_tokens", "model_context_window_exceeded"})
_GEMINI_REFUSED = frozenset({"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
                             "IMAGE_SAFETY", "LANGUAGE"})
_GEMINI_FAILED = frozenset({"MALFORMED_FUNCTION_CALL", "OTHER", "UNEXPECTED_TOOL_CALL",
                            "FINISH_REASON_UNSPECIFIED"})


def _g(obj: Any, name: str, default: Any = None) -> Any:
    """``obj[name]`` for snake_case or camelCase keys (SDK dumps use either)."""
    if not isinstance(obj, Mapping):
        return default
    if name in obj:
        return obj[name]
    head, *rest = name.split("_")
    camel = head + "".join(w.title() for w in rest)
    return obj.get(camel, default)


def provider_of(r: Any) -> str | None:
    """``anthropic``, ``gemini`` or ``chat`` for a response dict of that shape, else None."""
    if not isinstance(r, Mapping):
        return None
    if r.get("type") == "message" and "stop_reason" in r and isinstance(r.get("content"), list):
        return "anthropic"
    if "candidates" in r or "prompt_feedback" in r or "promptFeedback" in r:
        return "gemini"
    if isinstance(r.get("choices"), list):
        return "chat"
    return None


def parse_provider_response(response: Any, compiled: Compiled) -> Any:
    r = _as_dict(response)
    kind = provider_of(r)
    if kind == "anthropic":
        return _anthropic(r, compiled)
    if kind == "gemini":
        return _gemini(r, compiled)
    if kind == "chat":
        return _chat(r, compiled)
    raise TypeError("expected an Anthropic Message, a Gemini GenerateContentResponse or a "
                    f"chat completion, got {type(response).__name__}")


def _cut(reason: str | None, text: str, compiled: Compiled, rid: Any) -> Exception:
    return IncompleteOutput(reason, text, partial_json(text, compiled) if text else None, rid)


def _anthropic(r: Mapping[str, Any], compiled: Compiled) -> Any:
    rid, stop = r.get("id"), r.get("stop_reason")
    blocks = [b for b in r.get("content") or () if isinstance(b, Mapping)]
    text = "".join(b.get("text") or "" for b in blocks if b.get("type") == "text")
    tools = [b for b in blocks if b.get("type") == "tool_use"]
    if stop == "refusal":
        raise Refusal(text or "the model refused (stop_reason: refusal)", rid)
    if stop in _ANTHROPIC_CUT:
        raise _cut(stop, text, compiled, rid)
    if stop == "pause_turn":
        raise ResponseNotFinished("pause_turn", rid)
    if tools and not text.strip():
        # strict tool use: the arguments arrive parsed; check them as wire data
        return compiled.to_model(compiled.validate_wire(tools[-1].get("input")))
    if not text:
        raise NoStructuredOutput([str(b.get("type")) for b in blocks], rid)
    return compiled.parse(text)


def _gemini(r: Mapping[str, Any], compiled: Compiled) -> Any:
    rid = _g(r, "response_id")
    feedback = _g(r, "prompt_feedback") or {}
    blocked = _g(feedback, "block_reason")
    candidates = _g(r, "candidates") or []
    if blocked and not candidates:
        raise Refusal(_g(feedback, "block_reason_message") or f"prompt blocked: {blocked}", rid)
    if not candidates:
        raise NoStructuredOutput((), rid)
    cand = candidates[0]
    parts = _g(_g(cand, "content") or {}, "parts") or []
    text = "".join(_g(p, "text") or "" for p in parts
                   if isinstance(p, Mapping) and not _g(p, "thought"))
    calls = [_g(p, "function_call") for p in parts if isinstance(p, Mapping)
             and _g(p, "function_call")]
    reason = _g(cand, "finish_reason")
    if reason in _GEMINI_REFUSED:
        raise Refusal(_g(cand, "finish_message") or f"finish_reason: {reason}", rid)
    if reason == "MAX_TOKENS":
        raise _cut("max_tokens", text, compiled, rid)
    if reason in _GEMINI_FAILED and not text:
        raise ResponseFailed(reason, _g(cand, "finish_message") or "no output", response_id=rid)
    if calls and not text.strip():
        return compiled.to_model(compiled.validate_wire(_g(calls[-1], "args")))
    if not text:
        raise NoStructuredOutput([next(iter(p), "?") for p in parts if isinstance(p, Mapping)],
                                 rid)
    return compiled.parse(text)


def _chat(r: Mapping[str, Any], compiled: Compiled) -> Any:
    rid = r.get("id")
    choice = r["choices"][0] if r["choices"] else None
    if not isinstance(choice, Mapping):
        raise NoStructuredOutput((), rid)
    msg = choice.get("message") or {}
    reason = choice.get("finish_reason")
    content = msg.get("content")
    if isinstance(content, list):  # Mistral content chunks
        content = "".join(c.get("text") or "" for c in content
                          if isinstance(c, Mapping) and c.get("type") == "text")
    text = content or ""
    if msg.get("refusal"):
        raise Refusal(msg["refusal"], rid)
    if reason == "content_filter":
        raise Refusal("finish_reason: content_filter", rid)
    if reason in ("length", "model_length"):
        raise _cut(reason, text, compiled, rid)
    if reason == "error":
        raise ResponseFailed("error", "the model stopped with an error", response_id=rid)
    calls = msg.get("tool_calls") or []
    if calls and not text.strip():
        args = (calls[-1].get("function") or {}).get("arguments")
        return compiled.to_model(compiled.validate_wire(
            loads(args) if isinstance(args, str) else args))
    if not text:
        raise NoStructuredOutput(["message"], rid)
    return compiled.parse(text)
