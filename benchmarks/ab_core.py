"""Two builds of the native core timed against each other in one process.

    python benchmarks/ab_core.py OLD.so NEW.so [--files Github_hard,Kubernetes --per-file 60]

``bench_validate.py`` and ``bench_validate_corpus.py`` time one build; their runs move by a
few percent with the machine's load, more than most single changes to the core. This script
loads both builds of ``strictschema._core`` side by side (each copy of the shared library
is its own module), compiles the same schema model with each, and times both on the same
bytes, interleaved and in both orders within every round, so that load and order hit them
alike; each build is loaded twice (where a copy sits in memory moves its times by a few
percent) and each ratio is the geometric mean over the two pairs. It prints the geometric
mean of NEW / OLD for the value route (``validate_json``) and the verdict route
(``is_valid_json``), by output size, and the cases that moved most. Run a build against
itself to see how far the machine's noise reaches.

Without ``--files`` the cases are the five schemas of ``bench_validate.py``; with it, the
first ``--per-file`` schemas of each named JSONSchemaBench file with a valid labelled output
(``STRICTSCHEMA_CORPUS``, as for ``bench_validate_corpus.py``), in their wire shape.

A build of another commit, for OLD::

    git worktree add /tmp/old <commit>
    cargo build --release --manifest-path /tmp/old/rust/Cargo.toml
    # OLD.so: /tmp/old/rust/target/release/lib_core.so
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import orjson

import strictschema


def _load(path: str, tag: str, tmp: Path):
    """The core built at ``path`` as a module of its own (a copy: one file, one module)."""
    copy = tmp / f"_core_{tag}.so"
    shutil.copy(path, copy)
    spec = importlib.util.spec_from_file_location("_core", copy)
    if spec is None or spec.loader is None:
        raise SystemExit(f"not a Python extension: {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cases(files: str | None, per_file: int):
    """(name, schema model JSON, output bytes) for each case."""
    if not files:
        from schemas_validate import CASES

        for name, schema, raw in CASES:
            yield name, strictschema.Validator(schema)._model.to_json(), raw
        return
    import bench_validate_corpus

    if not bench_validate_corpus.CORPUS.is_dir():
        raise SystemExit("set STRICTSCHEMA_CORPUS to a copy of JSONSchemaBench (see README.md)")
    for f in files.split(","):
        for sid, _compiled, wire, _rs, raw in bench_validate_corpus._cases(f, per_file):
            yield f"{f}/{sid}", wire._model.to_json(), raw


def _per_call(fn, raw: bytes, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn(raw)
    return (time.perf_counter() - t0) / n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--files", help="JSONSchemaBench files (default: the five schemas)")
    ap.add_argument("--per-file", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    # each build loaded twice, in the order old, new, new, old: where a copy sits in memory
    # moves its time by a few percent, and the pairs cancel that
    with tempfile.TemporaryDirectory() as d:
        builds = [("old", _load(args.old, "old0", Path(d))), ("new", _load(args.new, "new0", Path(d))),
                  ("new", _load(args.new, "new1", Path(d))), ("old", _load(args.old, "old1", Path(d)))]
    rows = []
    for name, model, raw in _cases(args.files, args.per_file):
        try:
            routes = {(k, b, r): getattr(m.Program(model), r) for k, (b, m) in enumerate(builds)
                      for r in ("validate_json", "is_valid_json")}
            for fn in routes.values():
                fn(raw)
        except Exception as exc:  # noqa: BLE001 - a build that refuses the case: say so, go on
            print(f"  {name}: skipped ({type(exc).__name__}: {exc})")
            continue
        n = max(1, int(0.002 / max(_per_call(orjson.loads, raw, 3), 1e-7)))
        best = dict.fromkeys(routes, math.inf)
        gc.disable()
        for k in range(args.rounds):
            order = list(routes) if k % 2 == 0 else list(reversed(routes))
            for key in order:
                best[key] = min(best[key], _per_call(routes[key], raw, n))
        gc.enable()

        def ratio(route: str) -> float:
            """NEW / OLD: the geometric mean over the two pairs of copies."""
            return math.sqrt(best[(1, "new", route)] / best[(0, "old", route)]
                             * best[(2, "new", route)] / best[(3, "old", route)])

        rows.append((name, len(raw), ratio("validate_json"), ratio("is_valid_json")))
    if not rows:
        print("no cases")
        return 1

    def geo(xs: list[float]) -> float:
        return math.exp(sum(map(math.log, xs)) / len(xs))

    print(f"{len(rows)} cases, NEW / OLD (below 1: NEW is faster), geometric means:")
    print(f"  {'all':>16}  values {geo([r[2] for r in rows]):.3f}  verdict {geo([r[3] for r in rows]):.3f}")
    for lo, hi, label in ((0, 200, "under 200 B"), (200, 1000, "200 B - 1 KB"), (1000, 1 << 62, "1 KB and over")):
        sel = [r for r in rows if lo <= r[1] < hi]
        if sel:
            print(f"  {label:>16}  values {geo([r[2] for r in sel]):.3f}  verdict "
                  f"{geo([r[3] for r in sel]):.3f}  ({len(sel)} cases)")
    moved = sorted(rows, key=lambda r: abs(math.log(r[2])) + abs(math.log(r[3])), reverse=True)
    print("moved most:")
    for name, size, v, iv in moved[:8]:
        print(f"  {name}: {size:,} B, values {v:.2f}, verdict {iv:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
