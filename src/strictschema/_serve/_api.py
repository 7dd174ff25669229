"""The double's public face: ``Double`` with its app, transports and clients; ``running``
serves an app with uvicorn in a thread."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

try:
    import starlette  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("strictschema serve needs the 'serve' extra: "
                      "pip install 'strictschema[serve]'") from exc

from ._app import create_app
from ._double import FAULTS, ApiError, Record, Script, parse_faults
from ._double import Double as _Double

__all__ = ["FAULTS", "ApiError", "Double", "Record", "Script", "create_app", "free_port",
           "parse_faults", "running"]

IN_PROCESS_URL = "http://strictschema.invalid/v1"


class Double(_Double):
    __doc__ = _Double.__doc__

    def __init__(self, *, seed: int = 0, faults: str | None = None) -> None:
        super().__init__(seed=seed, faults=faults)
        self.app = create_app(self)
        self.base_url = IN_PROCESS_URL
        self._transport: Any = None

    def transport(self) -> Any:
        """A sync ``httpx2`` transport into the app (one per double)."""
        if self._transport is None:
            from ._transport import Transport

            self._transport = Transport(self.app)
        return self._transport

    def async_transport(self) -> Any:
        """An async (asyncio) ``httpx2`` transport into the app."""
        from ._transport import AsyncTransport

        return AsyncTransport(self.app)

    def client(self, **options: Any) -> Any:
        """An ``openai.OpenAI`` bound to the double in process (``max_retries=0`` unless
        given)."""
        import openai

        options.setdefault("max_retries", 0)
        options.setdefault("api_key", "sk-test")
        return openai.OpenAI(base_url=self.base_url,
                             http_client=openai.DefaultHttpxClient(transport=self.transport()),
                             **options)

    def async_client(self, **options: Any) -> Any:
        """An ``openai.AsyncOpenAI`` bound to the double in process."""
        import openai

        options.setdefault("max_retries", 0)
        options.setdefault("api_key", "sk-test")
        return openai.AsyncOpenAI(
            base_url=self.base_url,
            http_client=openai.DefaultAsyncHttpxClient(transport=self.async_transport()),
            **options)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Any:
        """Context manager: this double on a real socket (uvicorn in a thread); yields its
        base URL, e.g. for code that reads ``OPENAI_BASE_URL``."""
        return running(self.app, host, port)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _quiet_drops() -> None:
    """Deliberate drops (``Dropped``) are not server errors: keep them out of the log."""
    import logging

    from ._app import Dropped

    class Filter(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            exc = record.exc_info[1] if record.exc_info else None
            while exc is not None:
                if isinstance(exc, Dropped):
                    return False
                exc = exc.__cause__ or exc.__context__ or (
                    exc.exceptions[0] if isinstance(exc, BaseExceptionGroup) else None)
            return True

    log = logging.getLogger("uvicorn.error")
    if not any(type(f).__name__ == "Filter" and f.__module__ == __name__
               for f in log.filters):
        log.addFilter(Filter())


@contextlib.contextmanager
def running(app: Any, host: str = "127.0.0.1", port: int = 0,
            **options: Any) -> Iterator[str]:
    """Serve ``app`` (or a ``Double``) with uvicorn in a thread; yields the base URL
    (``http://host:port/v1``) and stops the server on exit."""
    import uvicorn

    _quiet_drops()
    if isinstance(app, _Double):
        app = getattr(app, "app", None) or create_app(app)
    port = port or free_port(host)
    options.setdefault("log_level", "warning")
    config = uvicorn.Config(app, host=host, port=port, lifespan="off", **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True, name="strictschema-uvicorn")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"strictschema serve did not start on {host}:{port}")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(10)

