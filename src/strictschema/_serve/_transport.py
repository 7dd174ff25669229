"""In-process transports: the ASGI app behind an ``httpx2`` client (what the ``openai`` SDK
uses), with no socket. Unlike ``httpx2.ASGITransport``, the body is streamed: every ASGI body
message reaches the client as one chunk, when the app sends it, so server-sent events,
slow deltas and dropped connections behave as they do over HTTP.

``Transport`` (sync) runs the app on an event loop in one daemon thread per transport;
``AsyncTransport`` runs it as a task on the caller's asyncio loop."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx2

__all__ = ["AsyncTransport", "Transport"]

_DROPPED = ("peer closed connection without sending complete message body "
            "(incomplete chunked read)")
_END = object()


def _scope(request: httpx2.Request) -> dict:
    return {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1", "method": request.method,
        "headers": [(k.lower(), v) for k, v in request.headers.raw],
        "scheme": request.url.scheme, "path": request.url.path,
        "raw_path": request.url.raw_path.split(b"?")[0], "query_string": request.url.query,
        "server": (request.url.host, request.url.port or 80),
        "client": ("127.0.0.1", 50000), "root_path": "",
    }


async def _drive(app: Any, scope: dict, body: bytes, put: Callable[[Any], None],
                 gone: asyncio.Event) -> None:
    """Run the app for one request; ``put`` receives the ASGI messages it sends, then
    ``_END`` or the exception that ended it."""
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if gone.is_set():
            raise OSError("strictschema serve: the client closed the connection")
        put(message)

    try:
        await app(scope, receive, send)
    except asyncio.CancelledError:
        put(_END)
        raise
    except BaseException as exc:  # noqa: BLE001 - handed to the client side
        put(exc)
    else:
        put(_END)


def _start(message: Any) -> tuple[int, list]:
    if isinstance(message, BaseException):
        if isinstance(message, ConnectionError):
            raise httpx2.RemoteProtocolError("Server disconnected without sending a response.")
        raise message
    if message is _END or message.get("type") != "http.response.start":
        raise httpx2.RemoteProtocolError("Server disconnected without sending a response.")
    return message["status"], message.get("headers", [])


def _piece(message: Any) -> bytes | None:
    """The body bytes of a message; None at the end of the body."""
    if isinstance(message, BaseException):
        raise httpx2.RemoteProtocolError(_DROPPED)
    if message is _END:
        raise httpx2.RemoteProtocolError(_DROPPED)
    data = message.get("body", b"")
    if not message.get("more_body", False):
        return data if data else None
    return data


class _SyncBody(httpx2.SyncByteStream):
    def __init__(self, q: queue.Queue, close: Callable[[], None]) -> None:
        self._q = q
        self._close = close

    def __iter__(self) -> Iterator[bytes]:
        while True:
            message = self._q.get()
            last = not isinstance(message, BaseException) and message is not _END and \
                not message.get("more_body", False)
            data = _piece(message)
            if data:
                yield data
            if last or data is None:
                return

    def close(self) -> None:
        self._close()


class Transport(httpx2.BaseTransport):
    """A sync transport into ``app``: ``httpx2.Client(transport=Transport(app))``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def _loop_running(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, daemon=True,
                                 name="strictschema-serve").start()
                self._loop = loop
            return self._loop

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        loop = self._loop_running()
        q: queue.Queue = queue.Queue()
        gone_box: list[asyncio.Event] = []

        async def run() -> None:
            gone = asyncio.Event()
            gone_box.append(gone)
            await _drive(self.app, _scope(request), body, q.put, gone)

        future = asyncio.run_coroutine_threadsafe(run(), loop)

        def close() -> None:
            if gone_box:
                loop.call_soon_threadsafe(gone_box[0].set)
            if not future.done():
                future.cancel()

        status, headers = _start(q.get())
        return httpx2.Response(status, headers=headers, stream=_SyncBody(q, close),
                               request=request)

    def close(self) -> None:
        with self._lock:
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._loop = None


class _AsyncBody(httpx2.AsyncByteStream):
    def __init__(self, q: asyncio.Queue, task: asyncio.Task, gone: asyncio.Event) -> None:
        self._q = q
        self._task = task
        self._gone = gone

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            message = await self._q.get()
            last = not isinstance(message, BaseException) and message is not _END and \
                not message.get("more_body", False)
            data = _piece(message)
            if data:
                yield data
            if last or data is None:
                return

    async def aclose(self) -> None:
        self._gone.set()
        if not self._task.done():
            self._task.cancel()


class AsyncTransport(httpx2.AsyncBaseTransport):
    """An async transport into ``app`` (asyncio):
    ``httpx2.AsyncClient(transport=AsyncTransport(app))``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._tasks: set[asyncio.Task] = set()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = await request.aread()
        q: asyncio.Queue = asyncio.Queue()
        gone = asyncio.Event()
        task = asyncio.create_task(_drive(self.app, _scope(request), body, q.put_nowait, gone))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        status, headers = _start(await q.get())
        return httpx2.Response(status, headers=headers, stream=_AsyncBody(q, task, gone),
                               request=request)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
