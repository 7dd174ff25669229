"""Responses API and Chat Completions wire shapes: the JSON the API sends, in the shapes of the
``openai`` SDK's own types (the tests validate them against those types)."""

from __future__ import annotations

from typing import Any

__all__ = ["chat_completion", "chunks", "error_body", "events", "final_items", "function_call",
           "message", "reasoning", "response"]

CREATED_AT = 1764050000
MODEL = "gpt-4o-2024-08-06"
TERMINAL = {"completed": "response.completed", "incomplete": "response.incomplete",
            "failed": "response.failed"}


def error_body(message: str, *, type: str = "invalid_request_error", param: str | None = None,
               code: str | None = None) -> dict:
    """The API's error document."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


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
                  id: str = "fc_1", status: str = "completed") -> dict:
    return {"type": "function_call", "id": id, "call_id": call_id, "name": name,
            "arguments": arguments, "status": status}


def response(output: list[dict], *, id: str = "resp_1", status: str = "completed",
             error: dict | None = None, reason: str | None = None,
             schema: dict | None = None, background: bool | None = None,
             model: str = MODEL, created_at: int = CREATED_AT,
             extra: dict | None = None) -> dict:
    """A ``Response`` object. ``extra`` adds or replaces fields (what the request echoes:
    ``text``, ``tools``, ``metadata``, ``usage``, ...)."""
    r: dict[str, Any] = {
        "id": id, "object": "response", "created_at": created_at, "status": status,
        "model": model, "output": output, "parallel_tool_calls": True, "tool_choice": "auto",
        "tools": [], "error": error,
        "incomplete_details": {"reason": reason} if reason is not None else None,
        "text": {"format": {"type": "json_schema", "name": "Out", "strict": True,
                            "schema": schema or {"type": "object"}}},
    }
    if background is not None:
        r["background"] = background
    if extra:
        r.update(extra)
    return r


def chunks(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def _msg_id(id: str) -> str:
    return f"msg_{id[5:]}" if id.startswith("resp_") else f"msg_{id}"


def final_items(text: str | None = None, *, refusal: str | None = None, id: str = "resp_1",
                status: str = "completed",
                function: tuple[str, str, str] | None = None) -> list[dict]:
    """The output items of a finished response."""
    item_status = "incomplete" if status == "incomplete" else "completed"
    if function is not None:
        name, arguments, call_id = function
        return [function_call(name, arguments, call_id=call_id, id=f"fc_{id[5:]}",
                              status=item_status)]
    if refusal is not None:
        return [message(refusal=refusal, id=_msg_id(id))]
    if text is not None:
        return [message(text, id=_msg_id(id), status=item_status)]
    return []


def events(text: str | None = None, *, refusal: str | None = None, id: str = "resp_1",
           chunk: int | list[str] = 8, status: str = "completed", reason: str | None = None,
           error: dict | None = None, background: bool = False,
           reasoning_first: bool = False, terminal_output: bool = True,
           nested_error: bool = False, function: tuple[str, str, str] | None = None,
           model: str = MODEL, created_at: int = CREATED_AT,
           extra: dict | None = None, final: dict | None = None) -> list[dict]:
    """The event sequence of one response (sequence numbers from 0), as the API sends it.

    ``chunk``: the delta size, or the deltas themselves (they must join to the text);
    ``function``: ``(name, arguments, call_id)`` for a function call instead of a message;
    ``final``: the finished response, when already built (the terminal event carries it)."""
    out: list[dict] = []

    def add(event: dict) -> None:
        event["sequence_number"] = len(out)
        out.append(event)

    def snapshot(st: str, items: list[dict], **kw: Any) -> dict:
        return response(items, id=id, status=st, background=background or None, model=model,
                        created_at=created_at, extra=extra, **kw)

    def pieces(s: str) -> list[str]:
        if isinstance(chunk, int):
            return chunks(s, chunk)
        assert "".join(chunk) == s, "deltas must join to the text"
        return list(chunk) or [""]

    # a background stream opens with response.created (status queued), then response.queued;
    # the SDK's stream helper refuses any other first event
    add({"type": "response.created",
         "response": snapshot("queued" if background else "in_progress", [])})
    if background:
        add({"type": "response.queued", "response": snapshot("queued", [])})
    add({"type": "response.in_progress", "response": snapshot("in_progress", [])})
    items: list[dict] = []
    index = 0
    if reasoning_first:
        r = reasoning(id=f"rs_{id[5:]}")
        add({"type": "response.output_item.added", "output_index": 0, "item": r})
        add({"type": "response.output_item.done", "output_index": 0, "item": r})
        items.append(r)
        index = 1
    done = final_items(text, refusal=refusal, id=id, status=status, function=function)
    if function is not None:
        name, arguments, call_id = function
        fc_id = done[0]["id"]
        add({"type": "response.output_item.added", "output_index": index,
             "item": function_call(name, "", call_id=call_id, id=fc_id,
                                   status="in_progress")})
        where = {"item_id": fc_id, "output_index": index}
        for piece in pieces(arguments):
            add({"type": "response.function_call_arguments.delta", **where, "delta": piece})
        add({"type": "response.function_call_arguments.done", **where, "name": name,
             "arguments": arguments})
    elif done:
        msg_id = done[0]["id"]
        add({"type": "response.output_item.added", "output_index": index,
             "item": message(id=msg_id, status="in_progress")})
        where = {"item_id": msg_id, "output_index": index, "content_index": 0}
        if refusal is not None:
            add({"type": "response.content_part.added", **where,
                 "part": {"type": "refusal", "refusal": ""}})
            for piece in pieces(refusal):
                add({"type": "response.refusal.delta", **where, "delta": piece})
            add({"type": "response.refusal.done", **where, "refusal": refusal})
        else:
            assert text is not None
            add({"type": "response.content_part.added", **where,
                 "part": {"type": "output_text", "text": "", "annotations": []}})
            for piece in pieces(text):
                add({"type": "response.output_text.delta", **where, "delta": piece,
                     "logprobs": []})
            add({"type": "response.output_text.done", **where, "text": text, "logprobs": []})
        add({"type": "response.content_part.done", **where,
             "part": done[0]["content"][0]})
    if done:
        add({"type": "response.output_item.done", "output_index": index, "item": done[0]})
        items.extend(done)
    if error is not None:  # both shapes seen on the wire (E6)
        add({"type": "error", "error": {"type": "server_error", **error}} if nested_error
            else {"type": "error", "param": None, **error})
    last = final if final is not None else snapshot(
        status, items if terminal_output else [], error=error, reason=reason)
    add({"type": TERMINAL[status], "response": last})
    return out


def chat_completion(*, id: str, model: str, created: int, content: str | None = None,
                    refusal: str | None = None, tool_calls: list[dict] | None = None,
                    finish_reason: str = "stop", usage: dict | None = None) -> dict:
    """A ``ChatCompletion`` with one choice."""
    msg: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal}
    if tool_calls:
        msg["tool_calls"] = tool_calls
    out: dict[str, Any] = {
        "id": id, "object": "chat.completion", "created": created, "model": model,
        "choices": [{"index": 0, "message": msg, "finish_reason": finish_reason,
                     "logprobs": None}]}
    if usage is not None:
        out["usage"] = usage
    return out
