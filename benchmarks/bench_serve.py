"""``strictschema serve``: non-streaming ``POST /v1/responses`` requests per second on one core.

    python benchmarks/bench_serve.py [--seconds 5] [--connections 32]

Three numbers, each for the same request (a strict ``text.format`` schema; the double draws
its answer from the schema, from a pool drawn once per schema and seed):

- ``app``: the ASGI app called directly, no HTTP (the double's own cost);
- ``uvicorn``: ``strictschema serve`` in a subprocess pinned to CPU 0 (``taskset``-like
  ``os.sched_setaffinity``), driven over loopback by a minimal keep-alive HTTP/1.1 client on
  asyncio pinned to CPU 1 (``--connections`` connections, each sending one request after
  another); this is the figure the target (1,000 requests/s on one core) is about;
- ``sdk``: the ``openai`` SDK in process (``Double.client()``), sequential: what a test
  suite sees per call, client included.

Reports only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import strictschema
from strictschema._serve import Double

SCHEMA = {
    "title": "Ticket", "type": "object",
    "properties": {
        "summary": {"type": "string"},
        "priority": {"type": "string", "enum": ["low", "medium", "high"]},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
        "customer": {"type": "object", "properties": {
            "name": {"type": "string"}, "tier": {"type": "string", "enum": ["free", "pro"]}},
            "required": ["name", "tier"], "additionalProperties": False},
    },
    "required": ["summary", "priority", "tags", "customer"], "additionalProperties": False,
}
BODY = {"model": "gpt-4o-2024-08-06", "input": "File a ticket: the printer is on fire.",
        "text": {"format": strictschema.compile(SCHEMA).text_format()}}


def bench_app(seconds: float) -> float:
    app = Double(seed=1).app
    payload = json.dumps(BODY).encode()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/v1/responses", "raw_path":
             b"/v1/responses", "query_string": b"", "root_path": "",
             "headers": [(b"content-type", b"application/json"),
                         (b"content-length", str(len(payload)).encode())],
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1)}

    async def one() -> None:
        sent = False

        async def receive() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": payload, "more_body": False}
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                assert message["status"] == 200, message

        await app(dict(scope), receive, send)

    async def run() -> float:
        await one()  # draws the pool
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for _ in range(100):
                await one()
            n += 100
        return n / (time.perf_counter() - start)

    return asyncio.run(run())


async def _load(host: str, port: int, seconds: float, connections: int) -> float:
    payload = json.dumps(BODY).encode()
    request = (f"POST /v1/responses HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: "
               f"application/json\r\ncontent-length: {len(payload)}\r\n\r\n").encode() + payload
    done = 0
    stop = time.perf_counter() + seconds

    async def conn() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection(host, port)
        while time.perf_counter() < stop:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200"), head[:200]
            length = int(re.search(rb"content-length: (\d+)", head, re.IGNORECASE).group(1))
            await reader.readexactly(length)
            done += 1
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(conn() for _ in range(connections)))
    return done / (time.perf_counter() - start)


def bench_uvicorn(seconds: float, connections: int) -> float:
    cpus = sorted(os.sched_getaffinity(0))
    server_cpu, client_cpu = cpus[0], cpus[-1]
    proc = subprocess.Popen(
        [sys.executable, "-c", (f"import os; os.sched_setaffinity(0, {{{server_cpu}}}); "
         "from strictschema._cli import main; raise SystemExit(main(['serve', '--port', '0', "
         "'--seed', '1']))")],
        stderr=subprocess.PIPE, text=True, env={**os.environ,
                                                "PYTHONPATH": str(HERE.parent / "src")})
    try:
        line = proc.stderr.readline()
        m = re.search(r"http://([\d.]+):(\d+)/v1", line)
        if not m:
            raise SystemExit(f"serve did not start: {line}")
        os.sched_setaffinity(0, {client_cpu})
        host, port = m.group(1), int(m.group(2))
        asyncio.run(_load(host, port, 1.0, 2))  # warm up: draws the pool
        return asyncio.run(_load(host, port, seconds, connections))
    finally:
        os.sched_setaffinity(0, set(cpus))
        proc.send_signal(signal.SIGINT)
        proc.wait(10)


def bench_sdk(seconds: float) -> float:
    double = Double(seed=1)
    client = double.client()
    client.responses.create(**BODY)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        client.responses.create(**BODY)
        n += 1
    return n / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    print(f"app (ASGI, no HTTP):        {bench_app(args.seconds):8.0f} requests/s")
    print(f"uvicorn, 1 core, loopback:  {bench_uvicorn(args.seconds, args.connections):8.0f}"
          f" requests/s ({args.connections} keep-alive connections)")
    print(f"openai SDK in process:      {bench_sdk(args.seconds):8.0f} requests/s "
          "(sequential, client included)")


if __name__ == "__main__":
    main()
