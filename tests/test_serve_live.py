"""``strictschema serve`` on real sockets (loopback only): the command line, record and replay
against a second double as the upstream, and 200 concurrent streaming clients."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import strictschema

openai = pytest.importorskip("openai")
pytest.importorskip("uvicorn")
import httpx2

from strictschema._serve import Double, running
from strictschema._serve._record import RecordApp, ReplayApp, _chunk_in
from strictschema._serve._transport import Transport

SCHEMA = {"title": "Note", "type": "object",
          "properties": {"text": {"type": "string"}, "stars": {"type": "integer"},
                         "mood": {"type": "string", "enum": ["good", "bad"]}},
          "required": ["text", "stars", "mood"], "additionalProperties": False}
MODEL = "gpt-4o-2024-08-06"


@pytest.fixture(scope="module")
def compiled() -> strictschema.Compiled:
    return strictschema.compile(SCHEMA)


def body(compiled: Any, **extra: Any) -> dict:
    return {"model": MODEL, "input": "Write a note.", "text": {"format": compiled.text_format()},
            **extra}


def parse_sse(raw: bytes) -> list[tuple[str, dict]]:
    out = []
    for block in raw.decode("utf-8").split("\n\n"):
        if block:
            lines = dict(line.split(": ", 1) for line in block.split("\n"))
            out.append((lines["event"], json.loads(lines["data"])))
    return out


# -- over uvicorn ----------------------------------------------------------------------------
def test_the_sdk_over_a_real_socket(compiled: Any) -> None:
    double = Double(seed=4)
    with double.serve() as url:
        assert url.startswith("http://127.0.0.1:")
        client = openai.OpenAI(base_url=url, api_key="sk-test", max_retries=0)
        r = client.responses.create(**body(compiled))
        compiled.validate_json(r.output_text)
        with httpx2.Client() as http:
            with http.stream("POST", url + "/responses", json=body(compiled, stream=True)) as s:
                assert s.headers["content-type"].startswith("text/event-stream")
                assert s.headers.get("transfer-encoding") == "chunked"
                evs = parse_sse(s.read())
            missing = http.get(url + "/responses/resp_missing")
            assert missing.status_code == 404
            assert set(missing.json()["error"]) == {"message", "type", "param", "code"}
        assert [e["sequence_number"] for _, e in evs] == list(range(len(evs)))
        with pytest.raises(openai.APIConnectionError):
            list(client.responses.create(**body(compiled, stream=True,
                                                metadata={"fault": "drop_after:3"})))


def test_200_concurrent_streaming_clients_lose_and_repeat_nothing(compiled: Any) -> None:
    n_clients = 200
    double = Double(seed=5)

    async def one(http: httpx2.AsyncClient, url: str, i: int) -> tuple[list[int], str, str]:
        req = body(compiled, stream=True, input=f"Note {i}")
        async with http.stream("POST", url + "/responses", json=req) as s:
            raw = await s.aread()
        evs = parse_sse(raw)
        text = "".join(e["delta"] for n, e in evs if n == "response.output_text.delta")
        return [e["sequence_number"] for _, e in evs], text, evs[-1][1]["response"][
            "output"][0]["content"][0]["text"]

    async def main(url: str) -> list[Any]:
        limits = httpx2.Limits(max_connections=n_clients + 10)
        async with httpx2.AsyncClient(limits=limits, timeout=60) as http:
            return await asyncio.gather(*(one(http, url, i) for i in range(n_clients)))

    with running(double.app, backlog=1024, limit_concurrency=1000) as url:
        results = asyncio.run(asyncio.wait_for(main(url), 120))
    assert len(results) == n_clients
    for seqs, text, final in results:
        assert seqs == list(range(len(seqs)))  # none lost, none repeated, in order
        assert text == final
        compiled.validate_json(text)
    created = [r for r in double.records.values() if r.stream]
    assert len(created) == n_clients and all(r.connections == 1 for r in created)


# -- the command line ------------------------------------------------------------------------
def test_the_serve_command(compiled: Any) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "strictschema", "serve", "--port", "0",
                             "--seed", "9", "--fault", "slow:0.001"],
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        m = re.search(r"http://127\.0\.0\.1:\d+/v1", line)
        assert m, line
        client = openai.OpenAI(base_url=m.group(0), api_key="sk-test", max_retries=0)
        first = client.responses.create(**body(compiled)).output_text
        compiled.validate_json(first)
        again = Double(seed=9).client().responses.create(**body(compiled)).output_text
        assert first == again  # the same seed answers the same request the same way
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)


@pytest.mark.parametrize(("args", "message"), [
    (["--record", "a", "--replay", "b"], "not both"),
    (["--upstream", "http://127.0.0.1:1/v1"], "--upstream only makes sense"),
    (["--fault", "gremlins"], "unknown fault 'gremlins'"),
    (["--replay", "/nonexistent-dir-for-strictschema"], "no recordings"),
])
def test_serve_usage_errors(args: list[str], message: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "strictschema", "serve", "--port", "0",
                           *args], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr


# -- record and replay -----------------------------------------------------------------------
def test_record_then_replay_byte_for_byte(tmp_path: Path, compiled: Any) -> None:
    upstream = Double(seed=11)
    recorded: list[tuple[dict, bytes]] = []
    requests = [body(compiled), body(compiled, stream=True),
                body(compiled, stream=True, input="Another note."),
                body(compiled, stream=True, metadata={"fault": "drop_after:4"})]
    with upstream.serve() as up_url, running(RecordApp(tmp_path, up_url)) as rec_url:
        with httpx2.Client(timeout=30) as http:
            for req in requests:
                with http.stream("POST", rec_url + "/responses", json=req,
                                 headers={"authorization": "Bearer sk-secret"}) as s:
                    try:
                        raw = b"".join(s.iter_raw())
                    except httpx2.RemoteProtocolError:
                        raw = None  # the upstream dropped this one
                recorded.append((req, raw))
        sdk = openai.OpenAI(base_url=rec_url, api_key="sk-secret", max_retries=0)
        via_sdk = sdk.responses.create(**body(compiled, input="Through the SDK."))
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 5
    assert all("sk-secret" not in f.read_text() for f in files)  # no key on disk
    assert [json.loads(f.read_text())["response"]["dropped"] for f in files] == [
        False, False, False, True, False]

    replay = ReplayApp(tmp_path)
    with httpx2.Client(transport=Transport(replay)) as http:
        for (req, raw), f in zip(recorded, files[:4], strict=True):
            stored = json.loads(f.read_text())["response"]["chunks"]
            with http.stream("POST", "http://replay/v1/responses", json=req) as s:
                got: list[bytes] = []
                try:
                    got.extend(s.iter_raw())
                except httpx2.RemoteProtocolError:
                    assert raw is None
                    continue
            assert b"".join(got) == raw  # byte for byte
            assert got == [_chunk_in(c) for c in stored]  # chunk for chunk
        miss = http.post("http://replay/v1/responses", json=body(compiled, input="new"))
        assert miss.status_code == 404 and miss.json()["error"]["code"] == "not_recorded"
    # the SDK against the replay gets what it got from the upstream
    client = openai.OpenAI(base_url="http://replay/v1", api_key="x", max_retries=0,
                           http_client=openai.DefaultHttpxClient(transport=Transport(replay)))
    again = client.responses.create(**body(compiled, input="Through the SDK."))
    assert again.output_text == via_sdk.output_text and again.id == via_sdk.id
