"""The double on the wire: a Starlette ASGI app over a ``Double``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from ._double import ApiError, Double, Record
from ._shapes import TERMINAL, error_body

__all__ = ["Dropped", "create_app", "dumps", "loads"]

_TERMINAL_TYPES = frozenset(TERMINAL.values())
SSE_HEADERS = [(b"content-type", b"text/event-stream; charset=utf-8"),
               (b"cache-control", b"no-cache")]


class Dropped(ConnectionResetError):
    """Raised inside the app to cut a stream: the server closes the connection without
    ending the response, as a dropped connection looks to the client."""


try:
    import orjson

    def dumps(obj: Any) -> bytes:
        try:
            return orjson.dumps(obj)
        except TypeError:  # an integer beyond 64 bits
            return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()

    def loads(raw: bytes) -> Any:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return json.loads(raw)  # big integers; raises ValueError on bad JSON
except ImportError:  # pragma: no cover - orjson is a dependency
    def dumps(obj: Any) -> bytes:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()

    def loads(raw: bytes) -> Any:
        return json.loads(raw)


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


def _error(exc: ApiError) -> JSON:
    return JSON(exc.body, status_code=exc.status)


def frame(event: dict, *, split_utf8: bool = False) -> list[bytes]:
    """One SSE frame; with ``split_utf8``, in two pieces cut inside its first multi-byte
    character (a client must not decode pieces on their own)."""
    data = b"event: " + event["type"].encode() + b"\ndata: " + dumps(event) + b"\n\n"
    if split_utf8:
        for i, byte in enumerate(data):
            if byte >= 0xC0:
                return [data[:i + 1], data[i + 1:]]
    return [data]


class Stream:
    """A streamed body of byte pieces, each sent as it is (one ASGI message, one HTTP
    chunk). ``Dropped`` from the pieces ends the connection without ending the body."""

    def __init__(self, pieces: AsyncIterator[bytes], headers: list[tuple[bytes, bytes]],
                 status_code: int = 200) -> None:
        self.pieces = pieces
        self.status_code = status_code
        self.headers = headers

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status_code,
                    "headers": self.headers})
        async for piece in self.pieces:
            await send({"type": "http.response.body", "body": piece, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _events(rec: Record, evs: list[dict], *, first: bool) -> AsyncIterator[bytes]:
    script = rec.script
    order = list(evs)
    first_delta = next((e["sequence_number"] for e in order if e["type"].endswith(".delta")),
                       0)
    cut = script.cut_after if first else None
    if first and script.duplicate is not None:
        wanted = first_delta if script.duplicate == -1 else script.duplicate
        at = next((i for i, e in enumerate(order) if e["sequence_number"] == wanted), None)
        if at is not None:
            order.insert(at + 1, order[at])
    if first and script.reorder is not None:
        at = next((i for i, e in enumerate(order)
                   if e["sequence_number"] == (first_delta if script.reorder == -1
                                               else script.reorder)), None)
        if at is not None and at + 1 < len(order):
            order[at], order[at + 1] = order[at + 1], order[at]
    rec.connections += 1
    for n, e in enumerate(order):
        if cut is not None and n == cut:
            raise Dropped(f"strictschema serve: connection dropped after {n} events")
        if script.hold_after is not None and n == script.hold_after:
            with anyio.move_on_after(10):
                while not rec.cancelled:
                    await anyio.sleep(0.005)
        if rec.cancelled:
            break
        if script.slow and e["type"].endswith(".delta"):
            await anyio.sleep(script.slow)
        for piece in frame(e, split_utf8=script.split_utf8):
            yield piece
        rec.sent.append(e["sequence_number"])
        if rec.background:
            if e["type"] in _TERMINAL_TYPES:
                rec.status = e["response"]["status"]
            elif rec.status == "queued" and e["type"] != "response.queued":
                rec.status = "in_progress"


async def _chat_chunks(chunks: list[dict], script: Any) -> AsyncIterator[bytes]:
    for n, c in enumerate(chunks):
        if script.cut_after is not None and n == script.cut_after:
            raise Dropped(f"strictschema serve: connection dropped after {n} chunks")
        if script.slow and n:
            await anyio.sleep(script.slow)
        yield b"data: " + dumps(c) + b"\n\n"
    yield b"data: [DONE]\n\n"


def create_app(double: Double | None = None) -> Router:
    """The ASGI app serving ``double`` (a new ``Double()`` when None); ``app.double`` holds
    it."""
    d = double if double is not None else Double()

    async def body_of(request: Request) -> Any:
        raw = await request.body()
        try:
            body = loads(raw) if raw else None
        except ValueError:
            d.requests.append((request.method, _path(request), raw))
            raise ApiError(400, "We could not parse the JSON body of your request. (HINT: "
                                "This likely means you aren't using your HTTP library "
                                "correctly.)") from None
        d.requests.append((request.method, _path(request), body))
        return body

    async def create(request: Request) -> Response | Stream:
        try:
            rec = d.create_response(await body_of(request))
        except ApiError as exc:
            return _error(exc)
        if rec.stream:
            return Stream(_events(rec, rec.events, first=True), SSE_HEADERS)
        return JSON(rec.snapshot() if rec.background else rec.final)

    async def retrieve(request: Request) -> Response | Stream:
        d.requests.append(("GET", _path(request), None))
        rid = request.path_params["rid"]
        q = request.query_params
        try:
            if q.get("stream", "false") == "true":
                after = q.get("starting_after")
                try:
                    n = int(after) if after is not None else None
                except ValueError:
                    raise ApiError(400, "Invalid value for 'starting_after': expected an "
                                        "integer.", param="starting_after",
                                   code="invalid_type") from None
                rec, todo = d.resume_events(rid, n)
                return Stream(_events(rec, todo, first=False), SSE_HEADERS)
            return JSON(d.retrieve(rid))
        except ApiError as exc:
            return _error(exc)

    async def cancel(request: Request) -> Response:
        await body_of(request)
        try:
            return JSON(d.cancel(request.path_params["rid"]))
        except ApiError as exc:
            return _error(exc)

    async def delete(request: Request) -> Response:
        d.requests.append(("DELETE", _path(request), None))
        try:
            return JSON(d.delete(request.path_params["rid"]))
        except ApiError as exc:
            return _error(exc)

    async def chat(request: Request) -> Response | Stream:
        try:
            body = await body_of(request)
            completion, script, chunks = d.chat(body)
        except ApiError as exc:
            return _error(exc)
        if body.get("stream"):
            return Stream(_chat_chunks(chunks, script), SSE_HEADERS)
        return JSON(completion)

    async def not_found(request: Request) -> Response:
        return JSON(error_body(f"Invalid URL ({request.method} {request.url.path})"),
                    status_code=404)

    routes = [
        Route("/v1/responses", create, methods=["POST"]),
        Route("/v1/responses/{rid}", retrieve, methods=["GET"]),
        Route("/v1/responses/{rid}", delete, methods=["DELETE"]),
        Route("/v1/responses/{rid}/cancel", cancel, methods=["POST"]),
        Route("/v1/chat/completions", chat, methods=["POST"]),
        Route("/{path:path}", not_found, methods=["GET", "POST", "DELETE", "PUT", "PATCH"]),
    ]
    # a bare Router: Starlette's error middlewares cost more than the double itself, and an
    # unexpected exception is a 500 from the server either way
    app = Router(routes=routes)
    app.double = d  # type: ignore[attr-defined]
    return app


def _path(request: Request) -> str:
    q = request.url.query
    return request.url.path + (f"?{q}" if q else "")
