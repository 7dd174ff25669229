"""``strictschema serve``: run the double (or a recorder / replayer) with uvicorn."""

from __future__ import annotations

import socket
import sys
from typing import Any

__all__ = ["build_app", "run_serve"]


def build_app(*, seed: int = 0, faults: str | None = None, record: str | None = None,
              replay: str | None = None, upstream: str | None = None) -> Any:
    """The ASGI app the options describe. ValueError for options that do not fit."""
    if record and replay:
        raise ValueError("give --record DIR or --replay DIR, not both")
    if upstream and not record:
        raise ValueError("--upstream only makes sense with --record DIR")
    if record:
        from ._record import RecordApp

        return RecordApp(record, upstream)
    if replay:
        from ._record import ReplayApp

        return ReplayApp(replay)
    from ._api import Double

    return Double(seed=seed, faults=faults).app


def run_serve(*, host: str, port: int, seed: int, faults: str | None, record: str | None,
              replay: str | None, upstream: str | None) -> int:
    """Serve until interrupted; prints the base URL on stderr once listening."""
    import uvicorn

    from ._api import _quiet_drops

    app = build_app(seed=seed, faults=faults, record=record, replay=replay,
                    upstream=upstream)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # connections wait in the backlog until uvicorn accepts them
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    mode = (f"recording to {record} from {app.upstream}" if record else
            f"replaying {replay}" if replay else f"seed {seed}" +
            (f", faults {faults}" if faults else ""))
    print(f"strictschema serve: http://{shown}:{bound}/v1 ({mode}); Ctrl-C stops",
          file=sys.stderr, flush=True)
    _quiet_drops()
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
    return 0
