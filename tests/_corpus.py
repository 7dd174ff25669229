"""Where the corpus tests find JSONSchemaBench.

By default they read the sample in ``tests/data/jsonschemabench`` (a few hundred schemas, in
the repository). Under ``--run-slow`` they read the full benchmark when the environment
variable ``STRICTSCHEMA_CORPUS`` names a copy of it (a directory with ``schemas/`` and
``instances/``), and the sample otherwise; tests that only make sense on the full benchmark
ask for ``full_corpus_dir`` and are skipped, with the reason, when it is not set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parent / "data" / "jsonschemabench"
ENV = "STRICTSCHEMA_CORPUS"
SUBSETS = ["Github_trivial", "Github_easy", "Github_medium", "Github_hard", "Github_ultra",
           "Glaiveai2K", "JsonSchemaStore", "Kubernetes", "Snowplow", "WashingtonPost"]


def full_corpus() -> Path | None:
    """The full benchmark named by ``STRICTSCHEMA_CORPUS``, or None."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    return path if (path / "schemas").is_dir() else None


def is_sample(corpus: Path) -> bool:
    return corpus.resolve() == SAMPLE


def stride(corpus: Path, full_every: int, sample_every: int = 1) -> int:
    """Every ``sample_every``-th record of the sample, every ``full_every``-th of the full
    benchmark."""
    return sample_every if is_sample(corpus) else full_every


def schemas_by_id(corpus: Path, subset: str) -> dict[str, Any]:
    """A subset's schemas by their record id."""
    out = {}
    with (corpus / "schemas" / f"{subset}.jsonl").open() as fh:
        for line in fh:
            rec = json.loads(line)
            out[rec["id"]] = rec["schema"]
    return out
