"""Record and replay: ``--record DIR`` proxies every request to a real upstream and stores
each exchange with the chunk boundaries it arrived in; ``--replay DIR`` answers the same
requests from those files, chunk for chunk and byte for byte.

One file per exchange, ``DIR/000001.json`` and on, in the order they happened::

    {"request": {"method": "POST", "path": "/v1/responses", "query": "", "body": {...}},
     "response": {"status": 200, "headers": [["content-type", "text/event-stream"]],
                  "chunks": ["event: response.created\\ndata: {...}", {"b64": "..."}],
                  "dropped": false}}

A chunk is a string when it is UTF-8 by itself, else ``{"b64": ...}`` (a chunk may end inside
a character). Request headers are not stored (the API key travels in one); only the
response's ``content-type`` and ``openai-*``/``x-request-id`` headers are.
Replay matches a request by method, path, query and body (JSON compared as values); a
request recorded several times gets its answers in order, the last one repeating.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections import deque
from pathlib import Path
from typing import Any

from ._shapes import error_body

__all__ = ["DEFAULT_UPSTREAM", "RecordApp", "ReplayApp"]

DEFAULT_UPSTREAM = "https://api.openai.com/v1"
_FORWARD = ("authorization", "content-type", "accept", "openai-organization",
            "openai-project", "openai-beta", "user-agent", "idempotency-key")


def _kept(name: str) -> bool:
    return name in ("content-type", "x-request-id") or name.startswith("openai-")


def _chunk_out(data: bytes) -> Any:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return {"b64": base64.b64encode(data).decode("ascii")}


def _chunk_in(item: Any) -> bytes:
    return base64.b64decode(item["b64"]) if isinstance(item, dict) else item.encode("utf-8")


def _body_value(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return {"raw": _chunk_out(raw)}


def _key(method: str, path: str, query: str, body: Any) -> str:
    return json.dumps([method.upper(), path, query, body], sort_keys=True,
                      separators=(",", ":"))


async def _read_body(receive: Any) -> bytes:
    parts = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(parts)


async def _send_json(send: Any, status: int, payload: Any) -> None:
    data = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


class RecordApp:
    """An ASGI app that proxies to ``upstream`` (a base URL ending in ``/v1``; the
    ``STRICTSCHEMA_UPSTREAM`` environment variable, else the OpenAI API) and records each
    exchange into ``directory``."""

    def __init__(self, directory: str | os.PathLike, upstream: str | None = None) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        base = upstream or os.environ.get("STRICTSCHEMA_UPSTREAM") or DEFAULT_UPSTREAM
        self.upstream = base.rstrip("/")
        self._n = len(list(self.dir.glob("*.json")))
        self._lock = threading.Lock()
        self._client: Any = None

    def _next_path(self) -> Path:
        with self._lock:
            self._n += 1
            return self.dir / f"{self._n:06d}.json"

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        import httpx2

        if self._client is None:
            self._client = httpx2.AsyncClient(timeout=httpx2.Timeout(600, connect=30))
        body = await _read_body(receive)
        path = scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        tail = path[3:] if path.startswith("/v1/") or path == "/v1" else path
        url = self.upstream + tail + (f"?{query}" if query else "")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]
                   if k.decode("latin-1").lower() in _FORWARD]
        headers.append(("accept-encoding", "identity"))
        file = self._next_path()
        request = {"method": scope["method"], "path": path, "query": query,
                   "body": _body_value(body)}
        chunks: list[Any] = []
        record: dict[str, Any] = {"request": request}
        try:
            upstream = self._client.build_request(scope["method"], url, headers=headers,
                                                  content=body)
            resp = await self._client.send(upstream, stream=True)
        except httpx2.HTTPError as exc:
            record["response"] = {"status": 502, "headers": [], "chunks": [],
                                  "error": str(exc)}
            _write(file, record)
            await _send_json(send, 502, error_body(f"strictschema serve --record: upstream "
                                                   f"{self.upstream} failed: {exc}",
                                                   type="server_error"))
            return
        kept = [(k, v) for k, v in resp.headers.items() if _kept(k.lower())]
        record["response"] = {"status": resp.status_code, "headers": kept, "chunks": chunks,
                              "dropped": False}
        await send({"type": "http.response.start", "status": resp.status_code,
                    "headers": [(k.encode("latin-1"), v.encode("latin-1"))
                                for k, v in kept]})
        try:
            async for data in resp.aiter_raw():
                chunks.append(_chunk_out(data))
                await send({"type": "http.response.body", "body": data, "more_body": True})
        except httpx2.HTTPError:
            record["response"]["dropped"] = True
            _write(file, record)
            from ._app import Dropped

            raise Dropped("strictschema serve --record: the upstream dropped the "
                          "connection") from None
        finally:
            await resp.aclose()
        _write(file, record)
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def _write(file: Path, record: dict) -> None:
    tmp = file.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(file)


class ReplayApp:
    """An ASGI app that answers from the recordings in ``directory``."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.dir = Path(directory)
        files = sorted(self.dir.glob("*.json"))
        if not files:
            raise FileNotFoundError(f"no recordings (*.json) in {self.dir}")
        self._answers: dict[str, deque[dict]] = {}
        for f in files:
            rec = json.loads(f.read_text(encoding="utf-8"))
            q = rec["request"]
            key = _key(q["method"], q["path"], q.get("query", ""), q.get("body"))
            self._answers.setdefault(key, deque()).append(rec["response"])
        self._lock = threading.Lock()

    def _answer(self, key: str) -> dict | None:
        with self._lock:
            answers = self._answers.get(key)
            if not answers:
                return None
            return answers.popleft() if len(answers) > 1 else answers[0]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        query = scope.get("query_string", b"").decode("latin-1")
        answer = self._answer(_key(scope["method"], scope["path"], query, _body_value(body)))
        if answer is None:
            await _send_json(send, 404, error_body(
                f"strictschema serve --replay: nothing recorded for {scope['method']} "
                f"{scope['path']}{'?' + query if query else ''} with this body",
                code="not_recorded"))
            return
        await send({"type": "http.response.start", "status": answer["status"],
                    "headers": [(k.encode("latin-1"), v.encode("latin-1"))
                                for k, v in answer["headers"]]})
        for item in answer["chunks"]:
            await send({"type": "http.response.body", "body": _chunk_in(item),
                        "more_body": True})
        if answer.get("dropped"):
            from ._app import Dropped

            raise Dropped("strictschema serve --replay: the recorded connection dropped here")
        await send({"type": "http.response.body", "body": b"", "more_body": False})
