"""Rebuild this sample from a full JSONSchemaBench copy (the layout described in README.md).

    STRICTSCHEMA_CORPUS=/path/to/jsonschemabench python tests/data/jsonschemabench/make_sample.py

Per subset: ``PER_SUBSET`` schemas that have labelled instances, evenly spaced over the subset
(in its id order) among those whose schema and instance record are each at most ``MAX_CHARS``
characters (``LARGER`` for subsets of large schemas), plus ``NO_TESTS`` schemas without instances; lines are copied byte for byte.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUBSETS = {  # subset -> schemas with instances taken
    "Github_trivial": 30, "Github_easy": 60, "Github_medium": 35, "Github_hard": 25,
    "Github_ultra": 12, "Glaiveai2K": 70, "JsonSchemaStore": 20, "Kubernetes": 25,
    "Snowplow": 25, "WashingtonPost": 12,
}
NO_TESTS = 3
MAX_CHARS = 8000
LARGER = {"Github_ultra": 40000}  # every schema of this subset is large


def _spread(items: list, n: int) -> list:
    if len(items) <= n:
        return items
    return [items[i * len(items) // n] for i in range(n)]


def main() -> int:
    corpus = Path(os.environ.get("STRICTSCHEMA_CORPUS", ""))
    if not (corpus / "schemas").is_dir():
        print("set STRICTSCHEMA_CORPUS to a JSONSchemaBench copy (with schemas/, instances/)",
              file=sys.stderr)
        return 2
    for sub in ("schemas", "instances"):
        (HERE / sub).mkdir(exist_ok=True)
    for subset, n in SUBSETS.items():
        schema_lines = (corpus / "schemas" / f"{subset}.jsonl").read_bytes().split(b"\n")
        schema_lines = [x for x in schema_lines if x.strip()]
        inst_lines = (corpus / "instances" / f"{subset}.jsonl").read_bytes().split(b"\n")
        inst = {json.loads(x)["id"]: x for x in inst_lines if x.strip()}
        small, untested = [], []
        limit = LARGER.get(subset, MAX_CHARS)
        for line in schema_lines:
            sid = json.loads(line)["id"]
            if len(line) > limit:
                continue
            if sid in inst:
                if len(inst[sid]) <= limit:
                    small.append(sid)
            else:
                untested.append(sid)
        keep = set(_spread(small, n)) | set(_spread(untested, NO_TESTS))
        with open(HERE / "schemas" / f"{subset}.jsonl", "wb") as f:
            for line in schema_lines:
                if json.loads(line)["id"] in keep:
                    f.write(line + b"\n")
        with open(HERE / "instances" / f"{subset}.jsonl", "wb") as f:
            for line in inst_lines:
                if line.strip() and json.loads(line)["id"] in keep:
                    f.write(line + b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
