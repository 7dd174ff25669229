"""Streaming: the cost of ``responses.Stream.feed`` per ``response.output_text.delta``.

    python benchmarks/bench_stream.py [--quick] [--delta 64]

A realistic strict schema (an order: nested objects, enums, integers, free text, a map as
entry array) and outputs of 256 KB, 1 MB and 4 MB (``--quick``: 64 KB, 256 KB, 1 MB), fed as
event dicts of ``--delta`` characters each, with early (incremental) validation on. For each
size it prints the total time, microseconds per delta (wall clock, and the CPU time of the
feeding thread, which other processes on a busy machine do not inflate) and microseconds per
KB; the incremental check must stay linear, so the per-KB CPU cost of the largest output
divided by that of the smallest must stay under 2 (exit 1 otherwise). For contrast, the naive approach
(re-reading the whole text on every delta, what a "parse the partial JSON so far" UI does)
is timed on the two smallest sizes only: it grows quadratically.

Each time is the minimum over ``--rounds`` rounds; each round feeds fresh copies of the
delta strings, as a live stream does (a str caches its UTF-8 form once asked for it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import strictschema
from strictschema import responses

SCHEMA = {
    "title": "Order", "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "customer": {"type": "object", "properties": {
            "name": {"type": "string"}, "tier": {"enum": ["free", "pro", "enterprise"]}},
            "required": ["name", "tier"], "additionalProperties": False},
        "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}},
        "attributes": {"type": "object", "additionalProperties": {"type": "string"}},
        "note": {"type": ["string", "null"]},
    },
    "required": ["id", "customer", "lines", "attributes", "note"],
    "additionalProperties": False,
    "$defs": {"Line": {"type": "object", "properties": {
        "sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 1},
        "price": {"type": "number", "minimum": 0},
        "color": {"enum": ["red", "green", "blue", "black", "white"]},
        "text": {"type": "string"}},
        "required": ["sku", "qty", "price", "color", "text"], "additionalProperties": False}},
}
COLORS = ["red", "green", "blue", "black", "white"]


def output(compiled: strictschema.Compiled, size: int) -> str:
    """A valid wire output of about ``size`` characters."""
    lines = []
    data = {"id": 7, "customer": {"name": "Ada", "tier": "pro"}, "lines": lines,
            "attributes": {f"k{i}": "v" * 20 for i in range(20)}, "note": None}
    n = 0
    while len(json.dumps(data, ensure_ascii=False).encode()) < size:
        for _ in range(20):
            lines.append({"sku": f"SKU-{n:06d}", "qty": n % 9 + 1, "price": n * 0.25,
                          "color": COLORS[n % 5], "text": "lorem ipsum \u00e9 " * (n % 7)})
            n += 1
    wire = compiled.encode(data)
    text = json.dumps(wire, ensure_ascii=False)
    compiled.validate_json(text)
    return text


def events(text: str, delta: int) -> list[dict]:
    where = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    evs: list[dict] = [
        {"type": "response.created", "response": {"id": "resp_1", "status": "in_progress"}},
        {"type": "response.output_item.added", "output_index": 0, "item": {
            "type": "message", "id": "msg_1", "role": "assistant", "status": "in_progress",
            "content": []}},
    ]
    evs += [{"type": "response.output_text.delta", **where, "delta": text[i:i + delta],
             "logprobs": []} for i in range(0, len(text), delta)]
    for n, e in enumerate(evs):
        e["sequence_number"] = n
    return evs


def time_feed(compiled: strictschema.Compiled, evs: list[dict], rounds: int) -> tuple[float, float]:
    """(wall, CPU) seconds, each the minimum over the rounds."""
    wall = cpu = float("inf")
    for _ in range(rounds):
        fresh = [dict(e, delta="".join(list(e["delta"]))) if "delta" in e else e for e in evs]
        s = responses.Stream(compiled)
        feed = s.feed
        c0, t0 = time.thread_time(), time.perf_counter()
        for e in fresh:
            feed(e)
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.thread_time() - c0)
    return wall, cpu


def time_naive(compiled: strictschema.Compiled, text: str, delta: int) -> float:
    t0 = time.perf_counter()
    for i in range(delta, len(text) + delta, delta):
        responses.partial_json(text[:i])
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--delta", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    compiled = strictschema.compile(SCHEMA)
    sizes = [64 << 10, 256 << 10, 1 << 20] if args.quick else [256 << 10, 1 << 20, 4 << 20]
    print(f"Stream.feed, early validation on, {args.delta}-character deltas "
          f"(min of {args.rounds} rounds)")
    print(f"{'output':>10} {'deltas':>8} {'total s':>9} {'us/delta':>9} {'cpu us/delta':>13} "
          f"{'cpu us/KB':>10}")
    per_kb = []
    for size in sizes:
        text = output(compiled, size)
        evs = events(text, args.delta)
        t, cpu = time_feed(compiled, evs, args.rounds)
        ndelta = len(evs) - 2
        kb = len(text.encode()) / 1024
        per_kb.append(cpu * 1e6 / kb)
        print(f"{kb:>8.0f}KB {ndelta:>8} {t:>9.3f} {t * 1e6 / ndelta:>9.2f} "
              f"{cpu * 1e6 / ndelta:>13.2f} {per_kb[-1]:>10.1f}")
    ratio = per_kb[-1] / per_kb[0]
    print(f"cpu us/KB ratio {sizes[-1] >> 10} KB / {sizes[0] >> 10} KB: {ratio:.2f} (limit 2.0)")
    naive_sizes = [4 << 10, 8 << 10] if args.quick else [8 << 10, 16 << 10]
    print("naive (re-read the whole text on every delta), for contrast:")
    for size in naive_sizes:
        text = output(compiled, size)
        t = time_naive(compiled, text, args.delta)
        print(f"{len(text.encode()) / 1024:>8.0f}KB {t:>9.3f} s "
              f"{t * 1e6 / (len(text.encode()) / 1024):>8.1f} us/KB")
    if ratio > 2.0:
        print("FAIL: the cost per KB grows with the output size (not linear)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
