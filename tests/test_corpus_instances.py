"""Agreement with the labelled LLM outputs of JSONSchemaBench (see ``_corpus.py``).

For every labelled instance where ``jsonschema`` (the oracle, with its format checker on)
agrees with the label, strictschema must give the label's verdict, except for the
documented differences:

- ``format`` values outside the profile's nine (``regex``, ``uri``, ...) are annotations in
  strictschema, assertions in ``jsonschema``'s checker;
- patterns strictschema refuses to run (``UnsafePatternError``: catastrophic backtracking
  with lookaround) and remote ``$ref`` (never fetched) are typed errors, counted and bounded
  here.

The default run takes every instance record of the sample in ``tests/data``; ``--run-slow``
with ``STRICTSCHEMA_CORPUS`` set runs every record of the full benchmark.
Each instance also goes through the fused bytes path (``check_json``), which must agree with
``is_valid``, and ``iter_errors``, which must agree with ``is_valid``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from _corpus import SUBSETS, schemas_by_id
from strictschema import SchemaError, UnsafePatternError, Validator

ASSERTED = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6",
            "uuid"}


def _formats(node: object, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        f = node.get("format")
        if isinstance(f, str):
            out.add(f)
        for v in node.values():
            _formats(v, out)
    elif isinstance(node, list):
        for v in node:
            _formats(v, out)
    return out


def _oracle(schema: object):
    import jsonschema
    from jsonschema import validators

    cls = validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _run(corpus: Path, subset: str, every: int) -> dict[str, int]:
    schemas = schemas_by_id(corpus, subset)
    counts = dict.fromkeys(["instances", "oracle_agrees", "agree", "format_only",
                            "unsafe_pattern", "schema_refused", "compiled", "fallback"], 0)
    wrong: list[str] = []
    with (corpus / "instances" / f"{subset}.jsonl").open() as fh:
        for i, line in enumerate(fh):
            if i % every:
                continue
            rec = json.loads(line)
            schema = schemas.get(rec["id"])
            if schema is None:
                continue
            try:
                v = Validator(schema)
            except SchemaError:
                counts["schema_refused"] += len(rec["tests"])
                continue
            counts["compiled" if v.compiled else "fallback"] += 1
            try:
                oracle = _oracle(schema)
            except Exception:  # noqa: BLE001 - the oracle cannot even build it
                oracle = None
            annotation_formats = _formats(schema, set()) - ASSERTED
            for test in rec["tests"]:
                counts["instances"] += 1
                data, label = test["data"], test["valid"]
                try:
                    ours = v.is_valid(data)
                    errors = list(v.iter_errors(data))
                    fused = v.check_json(json.dumps(data))[1]
                except UnsafePatternError:
                    counts["unsafe_pattern"] += 1
                    continue
                except SchemaError:  # a remote $ref: nothing is fetched
                    counts["schema_refused"] += 1
                    continue
                assert (not errors) == ours, (subset, rec["id"])
                assert fused == ours, (subset, rec["id"])
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        theirs = oracle.is_valid(data) if oracle is not None else None
                except Exception:  # noqa: BLE001
                    theirs = None
                if theirs != label:
                    continue
                counts["oracle_agrees"] += 1
                if ours == label:
                    counts["agree"] += 1
                elif annotation_formats and ours and not label:
                    counts["format_only"] += 1
                else:
                    wrong.append(f"{subset}/{rec['id']}: {test['description']} label={label}")
    assert not wrong, "\n".join(wrong[:20])
    return counts


@pytest.mark.parametrize("subset", SUBSETS)
def test_labelled_instances(subset: str, corpus_dir: Path) -> None:
    counts = _run(corpus_dir, subset, 1)
    assert counts["instances"] > 0
    assert counts["agree"] + counts["format_only"] == counts["oracle_agrees"]
    assert counts["unsafe_pattern"] + counts["schema_refused"] <= 0.02 * counts["instances"]
    assert counts["compiled"] >= 0.95 * (counts["compiled"] + counts["fallback"])
