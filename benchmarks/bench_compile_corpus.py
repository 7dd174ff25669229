"""Compile the JSONSchemaBench corpus with strictschema and with the SDK strictifiers.

    STRICTSCHEMA_CORPUS=/path/to/jsonschemabench \\
        python benchmarks/bench_compile_corpus.py [--every N] [--no-peers]

For every schema in $STRICTSCHEMA_CORPUS/schemas/*.jsonl (or every Nth):
- strictschema.compile (default policy "describe"): strict-clean exact / strict-clean lossy /
  refused with a typed error / crashed; each result judged by strictschema's profile checker.
- openai SDK ``_ensure_strict_json_schema`` (what ``to_strict_json_schema`` runs) and
  openai-agents ``ensure_strict_json_schema``, judged by the same checker.
- "valid outputs kept": of the corpus's labelled valid LLM outputs (jsonschema agreeing), how
  many the produced strict schema can still express (SDKs: the output itself validates against
  their schema; strictschema: ``encode`` succeeds and the wire schema accepts it).

Targets (issue 2): >= 90 % strict-clean with the default policy, zero crashes, strictschema's
total compile time under 60 s on one core for the full corpus. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("STRICTSCHEMA_CORPUS", "") or "/nonexistent")
sys.path.insert(0, str(REPO / "src"))

import jsonschema

import strictschema
from strictschema._compile._check import check_strict


def _openai_sdk(schema: dict) -> dict:
    from openai.lib._pydantic import _ensure_strict_json_schema

    s = copy.deepcopy(schema)
    return _ensure_strict_json_schema(s, path=(), root=s)


def _agents_sdk(schema: dict) -> dict:
    from agents.strict_schema import ensure_strict_json_schema

    return ensure_strict_json_schema(copy.deepcopy(schema))


def load(every: int) -> tuple[dict[str, list[tuple[str, object]]], dict[str, list]]:
    subsets: dict[str, list[tuple[str, object]]] = {}
    for path in sorted((CORPUS / "schemas").glob("*.jsonl")):
        rows = []
        with open(path) as f:
            for i, line in enumerate(f):
                if i % every == 0:
                    rec = json.loads(line)
                    rows.append((rec["id"], rec["schema"]))
        subsets[path.stem] = rows
    valid: dict[str, list] = defaultdict(list)
    for path in sorted((CORPUS / "instances").glob("*.jsonl")):
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                valid[rec["id"]].extend(t["data"] for t in rec["tests"] if t["valid"])
    return subsets, valid


def _kept(schema_ok: bool, accept, outputs: list) -> tuple[int, int]:
    if not schema_ok:
        return 0, len(outputs)
    kept = 0
    for x in outputs:
        try:
            kept += bool(accept(x))
        except Exception:  # noqa: BLE001, S110 - a peer's schema jsonschema cannot use
            pass
    return kept, len(outputs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--every", type=int, default=1, help="take every Nth schema")
    ap.add_argument("--no-peers", action="store_true", help="skip the SDK strictifiers")
    args = ap.parse_args()
    if not (CORPUS / "schemas").is_dir():
        print("set STRICTSCHEMA_CORPUS to a JSONSchemaBench copy (schemas/, instances/)",
              file=sys.stderr)
        return 2
    subsets, valid_outputs = load(args.every)
    tools = {"strictschema": None}
    if not args.no_peers:
        tools.update({"openai-sdk": _openai_sdk, "openai-agents": _agents_sdk})
    per_subset: dict[str, dict[str, Counter]] = {t: defaultdict(Counter) for t in tools}
    seconds: Counter[str] = Counter()
    kept: dict[str, list[int]] = {t: [0, 0] for t in tools}
    oracle_ok: dict[str, list] = {}
    for subset, rows in subsets.items():
        for sid, schema in rows:
            outputs = valid_outputs.get(sid, [])
            if outputs and sid not in oracle_ok:
                try:
                    ov = jsonschema.validators.validator_for(schema)(schema)
                    oracle_ok[sid] = [x for x in outputs if ov.is_valid(x)]
                except Exception:  # noqa: BLE001
                    oracle_ok[sid] = []
            outputs = oracle_ok.get(sid, [])
            for tool, fn in tools.items():
                counts = per_subset[tool][subset]
                t0 = time.process_time()
                try:
                    if fn is None:
                        c = strictschema.compile(schema)
                        wire = c.schema
                    else:
                        wire = fn(schema)
                except strictschema.StrictSchemaError:
                    seconds[tool] += time.process_time() - t0
                    counts["refused"] += 1
                    k, n = _kept(False, None, outputs)
                    kept[tool][0] += k
                    kept[tool][1] += n
                    continue
                except Exception:  # noqa: BLE001 - peers raise plain exceptions to refuse
                    seconds[tool] += time.process_time() - t0
                    counts["refused" if fn is not None else "crash"] += 1
                    kept[tool][1] += len(outputs)
                    continue
                seconds[tool] += time.process_time() - t0
                ok = not check_strict(wire)
                if fn is None:
                    counts["exact" if (ok and c.exact) else "lossy" if ok else "rejected"] += 1

                    def accept(x, c=c, wire=wire):
                        return jsonschema.Draft202012Validator(wire).is_valid(c.encode(x))
                else:
                    counts["strict" if ok else "rejected"] += 1

                    def accept(x, wire=wire):
                        return jsonschema.Draft202012Validator(wire).is_valid(x)
                k, n = _kept(ok, accept, outputs)
                kept[tool][0] += k
                kept[tool][1] += n
    failed = False
    for tool in tools:
        print(f"\n== {tool}: process time {seconds[tool]:.1f} s")
        cols = ["exact", "lossy", "refused", "rejected", "crash"] if tool == "strictschema" \
            else ["strict", "refused", "rejected"]
        print(f"{'subset':16}" + "".join(f"{c:>10}" for c in cols) + f"{'strict %':>10}")
        total: Counter[str] = Counter()
        for subset, counts in per_subset[tool].items():
            total.update(counts)
            n = sum(counts.values())
            good = counts["exact"] + counts["lossy"] + counts["strict"]
            print(f"{subset:16}" + "".join(f"{counts[c]:>10}" for c in cols)
                  + f"{100 * good / n:>9.1f}%")
        n = sum(total.values())
        good = total["exact"] + total["lossy"] + total["strict"]
        print(f"{'TOTAL':16}" + "".join(f"{total[c]:>10}" for c in cols)
              + f"{100 * good / n:>9.1f}%")
        k, m = kept[tool]
        print(f"valid labelled outputs the strict schema can still express: {k}/{m}"
              f" ({100 * k / max(m, 1):.1f}%)")
        if tool == "strictschema":
            if good / n < 0.90:
                print("TARGET MISSED: < 90 % strict-clean")
                failed = True
            if total["crash"] or total["rejected"]:
                print("TARGET MISSED: crashes or checker rejections")
                failed = True
            if args.every == 1 and seconds[tool] > 60:
                print("TARGET MISSED: full corpus took more than 60 s")
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
