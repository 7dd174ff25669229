"""``strictschema validate`` over a large JSONL of model outputs, against the plain loop.

    python benchmarks/bench_cli_validate.py [--size-mb 20] [--jobs N] [--keep]
    python benchmarks/bench_cli_validate.py --size-mb 200      # the issue's figure

Generates (deterministically) a JSONL file of wire-shaped outputs for the nested invoice
schema (``schemas/invoice.json``: ``$defs``, ``$ref``, patterns, formats, ``oneOf``, a map):
about 1 % of the lines invalid and 0.1 % not JSON. Then runs, each as its own process:

- baseline: one process, ``for line in f: validator.is_valid(orjson.loads(line))`` with
  ``jsonschema_rs`` over the compiled wire schema (formats asserted);
- ``strictschema validate --schema schemas/invoice.json FILE -o json`` (the real command:
  line numbers, every error, the original schema's constraints, worker processes).

For each: wall time, start-up (the same command on a file of one line), throughput once
started (MB/s and outputs/s over wall minus start-up), peak RSS of the whole process tree
(sampled from /proc every 20 ms: the main process plus its workers) and of the largest
single process (``wait4``'s ``ru_maxrss``). Each route runs ``--repeat`` times (best wall
kept). Targets (issue 12): with ``--jobs 1`` (one core against one core) strictschema's
throughput once started at least 2x the baseline's; its tree's peak RSS under 200 MB.
Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Self

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "schemas" / "invoice.json"
if not SCHEMA.exists():  # the tests' copy
    SCHEMA = REPO / "tests" / "data" / "cli" / "invoice.json"
RSS_TARGET_MB = 200.0

BASELINE = r"""
import json, sys, time
import orjson, jsonschema_rs
path, schema_path = sys.argv[1], sys.argv[2]
validator = jsonschema_rs.validator_for(json.load(open(schema_path)), validate_formats=True)
valid = invalid = 0
with open(path, "rb") as f:
    for line in f:
        if not line.strip():
            continue
        try:
            ok = validator.is_valid(orjson.loads(line))
        except orjson.JSONDecodeError:
            ok = False
        if ok:
            valid += 1
        else:
            invalid += 1
print(json.dumps({"valid": valid, "invalid": invalid}))
"""

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _invoice(rng: random.Random) -> dict:
    lines = []
    for _ in range(rng.randint(1, 12)):
        d = rng.random()
        discount = (None if d < 0.5 else {"percent": round(rng.uniform(0, 100), 2)} if d < 0.75
                    else {"amount": round(rng.uniform(0, 50), 2)})
        lines.append({
            "sku": "".join(rng.choice(_UPPER) for _ in range(3)) + f"-{rng.randint(0, 999):03d}",
            "description": rng.choice([None, "Widget, blue", "Consulting hours (March)",
                                       "Shipping & handling", "Licence \u00e9t\u00e9 2026"]),
            "quantity": rng.randint(1, 20),
            "unit_price": round(rng.uniform(0.5, 500), 2),
            "discount": discount,
        })
    return {
        "invoice_number": f"INV-{rng.randint(0, 99_999_999):08d}",
        "issued_at": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
                     f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z",
        "currency": rng.choice(["EUR", "USD", "GBP"]),
        "customer": {"name": rng.choice(["ACME GmbH", "Globex Ltd", "Initech", "Umbrella plc"]),
                     "email": rng.choice([None, "billing@example.com", "ap@globex.example"]),
                     "vat_id": rng.choice([None, "DE123456789", "GB987654321"])},
        "notes": rng.choice([None, "Payable within 30 days.", "Thank you for your business!"]),
        "lines": lines,
        "tags": rng.choice([None, ["urgent"], ["q1", "export"], []]),
        "metadata": rng.choice([None, [{"key": "po", "value": "PO-1234"}],
                                [{"key": "dept", "value": "R&D"}, {"key": "cc", "value": "42"}]]),
        "total": round(rng.uniform(1, 10000), 2),
    }


def _spoil(rng: random.Random, inv: dict) -> None:
    how = rng.randrange(4)
    if how == 0:
        inv["currency"] = "JPY"
    elif how == 1:
        inv["total"] = -1
    elif how == 2:
        inv["lines"][0]["sku"] = "bad-sku"
    else:
        del inv["customer"]


def generate(path: Path, size_bytes: int, seed: int = 6) -> int:
    """Write JSONL outputs until ``size_bytes``; returns the number of lines."""
    import orjson

    rng = random.Random(seed)
    n = written = 0
    with open(path, "wb") as f:
        while written < size_bytes:
            n += 1
            r = rng.random()
            if r < 0.001:
                line = b'{"invoice_number": "INV-0001", "lines": [\n'
            else:
                inv = _invoice(rng)
                if r < 0.011:
                    _spoil(rng, inv)
                line = orjson.dumps(inv) + b"\n"
            f.write(line)
            written += len(line)
    return n


class TreeRss:
    """Peak of the summed RSS of a process and its descendants, sampled from /proc."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.available = Path("/proc/self/stat").exists()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(children.get(p, ()))
        return out

    def _run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.is_set():
            total = 0
            for p in self._tree():
                try:
                    with open(f"/proc/{p}/statm") as f:
                        total += int(f.read().split()[1]) * page
                except (OSError, ValueError, IndexError):
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)


def measure(cmd: list[str], stdout_path: Path) -> dict:
    with open(stdout_path, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        with TreeRss(proc.pid) as rss:
            # wait4 gives this child's own rusage (ru_maxrss: the largest process of its tree)
            stderr_chunks = []

            def drain() -> None:
                stderr_chunks.append(proc.stderr.read())

            t = threading.Thread(target=drain, daemon=True)
            t.start()
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            t.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    scale = 1024 if sys.platform != "darwin" else 1  # ru_maxrss: KiB on Linux, bytes on macOS
    return {"wall": wall, "rc": proc.returncode, "tree_rss": rss.peak if rss.available else None,
            "max_rss": usage.ru_maxrss * scale, "cpu": usage.ru_utime + usage.ru_stime,
            "stderr": b"".join(stderr_chunks).decode(errors="replace")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, default=20.0,
                    help="size of the generated JSONL (default 20; the issue's figure is 200)")
    ap.add_argument("--jobs", type=int, default=None, help="strictschema validate --jobs")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    ap.add_argument("--repeat", type=int, default=3, help="runs per route (best wall kept)")
    args = ap.parse_args()

    sys.path.insert(0, str(REPO / "src"))
    import strictschema

    compiled = strictschema.compile(json.loads(SCHEMA.read_text()))
    tmp = Path(tempfile.mkdtemp(prefix="bench_cli_validate_"))
    data = tmp / "outputs.jsonl"
    wire = tmp / "wire.json"
    wire.write_text(json.dumps(compiled.schema))
    t0 = time.perf_counter()
    n_lines = generate(data, int(args.size_mb * 1024 * 1024))
    size = data.stat().st_size
    print(f"generated {data} : {size / 2**20:.1f} MB, {n_lines:,} outputs "
          f"({time.perf_counter() - t0:.1f} s); schema {SCHEMA.relative_to(REPO)}; "
          f"{os.cpu_count()} CPUs", flush=True)

    # Both sides start from compiled bytecode, as any installed package does (pip compiles
    # site-packages; this machine sets PYTHONDONTWRITEBYTECODE, so an editable checkout
    # would otherwise recompile strictschema's source on every start).
    compileall.compile_dir(REPO / "src" / "strictschema", quiet=1)
    one = tmp / "one.jsonl"
    with open(data, "rb") as f:
        one.write_bytes(f.readline())

    def base_cmd(path: Path) -> list[str]:
        return [sys.executable, "-c", BASELINE, str(path), str(wire)]

    def our_cmd(path: Path) -> list[str]:
        cmd = [sys.executable, "-m", "strictschema", "validate", "--schema", str(SCHEMA),
               str(path), "-o", "json", "--no-progress"]
        return cmd + ["--jobs", str(args.jobs)] if args.jobs else cmd

    def best(cmd: list[str], out: Path, ok: tuple[int, ...]) -> dict | None:
        runs = []
        for _ in range(args.repeat):
            r = measure(cmd, out)
            if r["rc"] not in ok:
                print(r["stderr"], file=sys.stderr)
                return None
            runs.append(r)
        return min(runs, key=lambda r: r["wall"])

    base = best(base_cmd(data), tmp / "base.out", (0,))
    base_start = best(base_cmd(one), tmp / "base1.out", (0,))
    ours = best(our_cmd(data), tmp / "ours.out", (0, 1))
    ours_start = best(our_cmd(one), tmp / "ours1.out", (0, 1))
    if None in (base, base_start, ours, ours_start):
        return 2
    assert base and base_start and ours and ours_start
    counts = json.loads((tmp / "base.out").read_text())
    summary = json.loads((tmp / "ours.out").read_text())["summary"]

    mb = size / 2**20
    rows = [("orjson.loads + jsonschema_rs.is_valid (1 process)", base, base_start,
             counts["valid"]),
            ("strictschema validate" + (f" --jobs {args.jobs}" if args.jobs else ""), ours,
             ours_start, summary["valid"])]
    print()
    print("| route | wall s | start-up s | CPU s | MB/s once started | outputs/s once started | "
          "valid | peak RSS tree | peak RSS largest process |")
    print("|---|---|---|---|---|---|---|---|---|")
    rates = []
    for name, r, start, valid in rows:
        tree = f"{r['tree_rss'] / 2**20:.0f} MB" if r["tree_rss"] is not None else "n/a"
        run = max(r["wall"] - start["wall"], 1e-9)
        rates.append(mb / run)
        print(f"| {name} | {r['wall']:.2f} | {start['wall']:.2f} | {r['cpu']:.2f} | "
              f"{mb / run:.1f} | {n_lines / run:,.0f} | {valid:,} | {tree} | "
              f"{r['max_rss'] / 2**20:.0f} MB |")
    print()
    if summary["valid"] != counts["valid"]:
        print(f"note: verdicts differ: baseline {counts['valid']:,} valid, strictschema "
              f"{summary['valid']:,} (strictschema also checks the original schema's "
              "constraints and refuses duplicate keys, NaN, lone surrogates)")
    ratio = rates[1] / rates[0]
    peak = ours["tree_rss"] if ours["tree_rss"] is not None else ours["max_rss"]
    ok_speed = ratio >= 2.0
    ok_rss = peak / 2**20 < RSS_TARGET_MB
    print(f"throughput once started: strictschema at {ratio:.2f}x the baseline "
          f"(target >= 2.00x with --jobs 1): {'ok' if ok_speed else 'MISSED'}")
    print(f"start-up: strictschema {ours_start['wall']:.2f} s, baseline "
          f"{base_start['wall']:.2f} s (wall, one line)")
    print(f"peak RSS: {peak / 2**20:.0f} MB (target < {RSS_TARGET_MB:.0f} MB): "
          f"{'ok' if ok_rss else 'MISSED'}")
    if args.keep:
        print(f"kept {tmp}")
    else:
        for p in tmp.iterdir():
            p.unlink()
        tmp.rmdir()
    return 0 if ok_speed and ok_rss else 1


if __name__ == "__main__":
    sys.exit(main())
