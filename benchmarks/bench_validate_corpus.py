"""bytes -> verdict on real-world schemas: strictschema against orjson + jsonschema-rs, one
labelled output per schema, as ratios to ``orjson.loads``.

    python benchmarks/bench_validate_corpus.py [--files Glaiveai2K,Github_easy] [--per-file N]

``bench_validate.py`` times five hand-made strict schemas; this one takes the first
``--per-file`` schemas of each JSONSchemaBench file (the copy named by ``STRICTSCHEMA_CORPUS``)
that have a valid labelled output, compiles each (``strictschema.compile``), encodes the
output into the wire shape, and times on those bytes, in alternating rounds:

- ``orjson.loads``: the floor;
- ``wire``: ``Validator(compiled.schema).validate_json``: strict parse and the wire schema's
  every keyword, formats asserted; the like-for-like route;
- ``compiled``: ``compiled.validate_json``: the wire check, then what the wire schema had to
  drop, and the data mapped back into the original schema's shape (more work than the peer);
- ``rs``: ``orjson.loads`` + ``jsonschema_rs`` ``is_valid`` on the wire schema, formats on.

Prints the medians, how often ``wire`` and ``compiled`` beat ``rs``, the geometric mean of
``wire / rs`` overall and by output size and kind (escapes in the text or not),
and the cases furthest behind. Targets (issue 12): ``wire`` and ``compiled`` each faster
than ``rs`` on at least 95 % of the schemas, a geometric mean of ``wire / rs`` of at most
0.7, and a median of ``compiled`` of at most 1.5x ``orjson.loads``; exits 1 when one is
missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import jsonschema_rs
import orjson
from bench_validate import _time_all

import strictschema

CORPUS = Path(os.environ.get("STRICTSCHEMA_CORPUS", "") or "/nonexistent")
FILES = ("Glaiveai2K", "Github_easy", "Github_medium")


def _cases(name: str, per_file: int):
    """(id, compiled, wire validator, rs validator, raw) for the first ``per_file`` schemas
    of ``name`` whose first valid labelled output every route accepts."""
    schemas = {}
    with (CORPUS / "schemas" / f"{name}.jsonl").open() as fh:
        for line in fh:
            rec = json.loads(line)
            schemas[rec["id"]] = rec["schema"]
    found = 0
    with (CORPUS / "instances" / f"{name}.jsonl").open() as fh:
        for line in fh:
            if found >= per_file:
                return
            rec = json.loads(line)
            schema = schemas.get(rec["id"])
            valid = [t["data"] for t in rec["tests"] if t["valid"]]
            if schema is None or not valid:
                continue
            try:
                c = strictschema.compile(schema)
                raw = orjson.dumps(c.encode(valid[0]))
                wire = strictschema.Validator(c.schema)
                rs = jsonschema_rs.validator_for(c.schema, validate_formats=True)
                wire.validate_json(raw)
                c.validate_json(raw)
                if not rs.is_valid(orjson.loads(raw)):
                    continue  # the peers disagree on a format: not like for like
            except Exception:  # noqa: BLE001, S112 - refused or not encodable: not timed here
                continue
            found += 1
            yield rec["id"], c, wire, rs, raw


def _geo(values: list[float]) -> float:
    return statistics.geometric_mean(values) if values else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", default=",".join(FILES))
    ap.add_argument("--per-file", type=int, default=150)
    ap.add_argument("--budget", type=float, default=0.02, help="seconds per route and case")
    args = ap.parse_args()
    if not (CORPUS / "schemas").is_dir():
        print("skipped: set STRICTSCHEMA_CORPUS to a JSONSchemaBench copy (schemas/, instances/)")
        return 0
    warnings.simplefilter("ignore")  # corpus patterns Python's re warns about
    rows = []
    for name in args.files.split(","):
        for sid, c, wire, rs, raw in _cases(name, args.per_file):
            t = _time_all({
                "orjson": lambda raw=raw: orjson.loads(raw),
                "wire": lambda wire=wire, raw=raw: wire.validate_json(raw),
                "compiled": lambda c=c, raw=raw: c.validate_json(raw),
                "rs": lambda rs=rs, raw=raw: rs.is_valid(orjson.loads(raw)),
            }, dict.fromkeys(("orjson", "wire", "compiled", "rs"), args.budget), rounds=5)
            floor = t["orjson"]
            lossy = not (c._codec.identity and c._residual_validator() is None)
            rows.append({"file": name, "id": sid, "bytes": len(raw), "wire": t["wire"] / floor,
                         "compiled": t["compiled"] / floor, "rs": t["rs"] / floor,
                         "escapes": b"\\" in raw, "lossy": lossy,
                         "apart": lossy and c._judge_validator() is None})
    if not rows:
        print("no case")
        return 1
    med = {k: statistics.median(r[k] for r in rows) for k in ("wire", "compiled", "rs")}
    faster = sum(r["wire"] < r["rs"] for r in rows)
    faster_c = sum(r["compiled"] < r["rs"] for r in rows)
    geo = _geo([r["wire"] / r["rs"] for r in rows])
    print(f"{len(rows)} schemas ({args.files}), time as a multiple of orjson.loads, medians: "
          f"wire {med['wire']:.2f}x, compiled {med['compiled']:.2f}x, orjson+rs "
          f"{med['rs']:.2f}x; wire faster than rs on {faster}, compiled on {faster_c}; geometric "
          f"mean of wire / rs {geo:.2f}")
    groups = {
        "under 200 B": lambda r: r["bytes"] < 200,
        "200 B - 1 KB": lambda r: 200 <= r["bytes"] < 1000,
        "1 KB and over": lambda r: r["bytes"] >= 1000,
        "no escapes in the text": lambda r: not r["escapes"],
        "escapes in the text": lambda r: r["escapes"],
    }
    print(f"compiled: {sum(r['lossy'] for r in rows)} decoded or residual-checked, "
          f"{sum(r['apart'] for r in rows)} of them with a residual no wire position takes "
          f"(judged on the decoded value)")
    print(f"{'group':24} {'cases':>6} {'wire':>7} {'rs':>7} {'faster':>7} {'wire/rs':>8}")
    for label, keep in groups.items():
        g = [r for r in rows if keep(r)]
        if g:
            print(f"{label:24} {len(g):6d} {statistics.median(r['wire'] for r in g):6.2f}x "
                  f"{statistics.median(r['rs'] for r in g):6.2f}x "
                  f"{sum(r['wire'] < r['rs'] for r in g):7d} "
                  f"{_geo([r['wire'] / r['rs'] for r in g]):8.2f}")
    print("furthest behind:")
    for r in sorted(rows, key=lambda r: r["rs"] / r["wire"])[:5]:
        print(f"  {r['file']}/{r['id']}: {r['bytes']} B, wire {r['wire']:.2f}x, rs "
              f"{r['rs']:.2f}x"
              f"{', escapes' if r['escapes'] else ''}")
    checks = [
        (f"wire faster than rs on {faster / len(rows):.1%} of the schemas (target >= 95 %)",
         faster >= 0.95 * len(rows)),
        ((f"compiled (more work than rs: decoded, residual checked) faster than rs on "
          f"{faster_c / len(rows):.1%} of the schemas (target >= 95 %)"),
         faster_c >= 0.95 * len(rows)),
        (f"geometric mean of wire / rs {geo:.2f} (target <= 0.70)", geo <= 0.70),
        (f"median of compiled {med['compiled']:.2f}x orjson.loads (target <= 1.50x)",
         med["compiled"] <= 1.50),
    ]
    print()
    for text, ok in checks:
        print(f"{'Target met' if ok else 'Target MISSED'}: {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
