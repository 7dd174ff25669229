"""Fuzzing over the real-world JSONSchemaBench schemas (../shared/corpora/jsonschemabench).

For every schema of a sample that compiles (the others are counted and skipped):

- ``from_schema(schema)``: instances valid for our validator and the ``jsonschema`` oracle
  (the oracle reads ``pattern`` with Python's ``re``, not ECMA-262: where only a pattern
  keyword disagrees, that is counted as the oracle's dialect, not as a failure);
- ``from_schema(compiled)``: wire outputs valid per the oracle on the wire schema, accepted by
  ``validate_wire``, and decoding to data the oracle accepts under the original schema;
- ``mutants(compiled)``: rejected by the oracle and by our validator at the mutated path
  (``truncated`` ones are not JSON);
- ``from_schema(compiled, shape="original")``: ``decode(encode(x)) == x``.

Failures caused by the compiler/codec bugs pinned in ``test_testing.py`` (B1-B5) are counted
under their id; anything else fails the test. Default runs take every 150th schema with 8
examples per property; ``--run-slow`` takes every 10th with 25. For the full report run
``python tests/test_fuzz_corpus.py --every 1 --examples 25``.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("hypothesis")

import jsonschema  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.errors import HypothesisException  # noqa: E402

import strictschema  # noqa: E402
from strictschema import Validator  # noqa: E402
from strictschema._merge import json_equal  # noqa: E402
from strictschema._strategies_mutants import error_at  # noqa: E402
from strictschema.strategies import from_schema, mutants  # noqa: E402

SUBSETS = ["Github_trivial", "Github_easy", "Github_medium", "Github_hard", "Github_ultra",
           "Glaiveai2K", "JsonSchemaStore", "Kubernetes", "Snowplow", "WashingtonPost"]
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "jsonschemabench"
PATTERN_KEYWORDS = {"pattern", "patternProperties"}


def sample(corpus: Path, every: int, offset: int = 0) -> list[tuple[str, Any]]:
    out = []
    for subset in SUBSETS:
        with open(corpus / "schemas" / f"{subset}.jsonl") as f:
            for i, line in enumerate(f):
                if (i + offset) % every == 0:
                    record = json.loads(line)
                    out.append((f"{subset}/{record['id']}", record["schema"]))
    return out


def _oracle(schema: Any) -> Any:
    return jsonschema.validators.validator_for(schema)(schema)


def _oracle_verdict(oracle: Any, instance: Any) -> str:
    """``valid``, ``dialect`` (only pattern keywords disagree) or ``invalid``."""
    try:
        errors = list(oracle.iter_errors(instance))
    except Exception:  # noqa: BLE001 - e.g. re.error on an ECMA-only pattern
        return "dialect"
    if not errors:
        return "valid"

    def keywords(e: Any) -> set[str]:
        found = {e.validator}
        for sub in e.context or ():
            found |= keywords(sub)
        return found

    if all(keywords(e) & PATTERN_KEYWORDS for e in errors):
        return "dialect"
    return "invalid"


def _diff_kind(original: Any, back: Any) -> str | None:
    """Which known bug explains ``decode(encode(x)) != x``, if any."""
    if isinstance(original, dict) and isinstance(back, dict):
        kinds = set()
        for k, v in original.items():
            if k not in back:
                kinds.add("B3" if v is None else "other")
            else:
                kinds.add(_diff_kind(v, back[k]) or "same")
        for k, v in back.items():
            if k not in original:
                kinds.add("same" if v is None else "other")  # absent -> null: documented
        kinds.discard("same")
        return None if not kinds else ("other" if "other" in kinds else sorted(kinds)[0])
    if isinstance(original, list) and isinstance(back, list) and len(original) == len(back):
        kinds = {_diff_kind(a, b) for a, b in zip(original, back, strict=True)} - {None}
        return None if not kinds else ("other" if "other" in kinds else sorted(kinds)[0])
    if original == {} and back == []:
        return "B5"
    return None if json_equal(original, back) else "other"


def _known(exc: BaseException) -> str | None:
    if isinstance(exc, TypeError) and "64-bit" in str(exc):
        return "B1"
    return None


def fuzz_schema(schema: Any, examples: int, stats: Counter, problems: list[str],
                sid: str) -> None:
    """Fuzz one schema; add counts to ``stats`` and unexplained failures to ``problems``."""
    try:
        c = strictschema.compile(schema)
    except strictschema.SchemaError:  # includes UnsupportedSchemaError: a typed refusal
        stats["schemas refused by compile"] += 1
        return
    stats["schemas compiled"] += 1
    run_settings = settings(max_examples=examples, database=None, derandomize=True,
                            deadline=None, phases=[Phase.explicit, Phase.generate],
                            suppress_health_check=list(HealthCheck))

    def run(label: str, strategy: Any, body: Any) -> None:
        try:
            settings(run_settings)(given(strategy)(body))()
        except HypothesisException as exc:  # InvalidArgument, Unsatisfiable, ...
            stats[f"{label}: not generated ({type(exc).__name__})"] += 1
        except Exception as exc:  # noqa: BLE001
            bug = _known(exc)
            if bug:
                stats[f"{label}: known bug {bug}"] += 1
            else:
                problems.append(f"{sid} {label}: {type(exc).__name__}: {exc}"[:400])

    ours_source = c._validators()[1]
    oracle_source = _oracle(c.source)
    oracle_wire = jsonschema.Draft202012Validator(c.schema)
    ours_wire = Validator(c.schema)

    def raw(x: Any) -> None:
        stats["source instances"] += 1
        if not ours_source.is_valid(x):
            problems.append(f"{sid} source instance invalid for our validator: {x!r}"[:400])
            return
        verdict = _oracle_verdict(oracle_source, x)
        stats[f"source instances: oracle {verdict}"] += 1
        if verdict == "invalid":
            problems.append(f"{sid} source instance invalid per the oracle: {x!r}"[:400])

    def wire(w: Any) -> None:
        stats["wire outputs"] += 1
        if not oracle_wire.is_valid(w):
            problems.append(f"{sid} wire output invalid per the oracle: {w!r}"[:400])
            return
        try:
            data = c.validate_wire(w)
        except strictschema.ValidationError as exc:
            keyword = exc.errors[0].keyword
            if c.exact and keyword == "additionalProperties":
                stats["wire outputs: known bug B2"] += 1
            elif c.exact and keyword == "contentMediaType":
                stats["wire outputs: known bug B4"] += 1
            else:
                problems.append(f"{sid} wire output refused: {exc}"[:400])
            return
        except Exception as exc:  # noqa: BLE001
            if not _known(exc):
                raise
            stats[f"wire outputs: known bug {_known(exc)}"] += 1
            return
        verdict = _oracle_verdict(oracle_source, data)
        stats[f"wire outputs: decoded, oracle {verdict}"] += 1
        if verdict == "invalid":
            problems.append(f"{sid} decoded output invalid per the oracle: {data!r}"[:400])

    def mutant(m: Any) -> None:
        stats["mutants"] += 1
        if m.kind == "truncated":
            try:
                json.loads(m.instance)
            except ValueError:
                stats["mutants rejected"] += 1
                return
            problems.append(f"{sid} truncated mutant is JSON: {m.instance!r}"[:400])
            return
        errors = list(ours_wire.iter_errors(m.instance))
        if not errors or not error_at(errors, m.path):
            problems.append(f"{sid} {m!r} not rejected at its path"[:400])
        elif oracle_wire.is_valid(m.instance):
            problems.append(f"{sid} {m!r} valid per the oracle"[:400])
        else:
            stats["mutants rejected"] += 1

    def roundtrip(x: Any) -> None:
        stats["round trips"] += 1
        try:
            back = c.decode(c.encode(x))
        except strictschema.ValidationError:
            stats["round trips: unrepresentable"] += 1
            return
        except Exception as exc:  # noqa: BLE001
            if not _known(exc):
                raise
            stats[f"round trips: known bug {_known(exc)}"] += 1
            return
        kind = _diff_kind(x, back)
        if kind is None:
            stats["round trips held"] += 1
        elif kind == "other":
            problems.append(f"{sid} decode(encode(x)) != x for {x!r} -> {back!r}"[:400])
        else:
            stats[f"round trips: known bug {kind}"] += 1

    run("source instances", from_schema(schema), raw)
    run("wire outputs", from_schema(c), wire)
    run("mutants", mutants(c), mutant)
    run("round trips", from_schema(c, shape="original"), roundtrip)


@pytest.fixture(scope="module")
def budget(request: pytest.FixtureRequest) -> tuple[int, int]:
    return (10, 25) if request.config.getoption("--run-slow", default=False) else (150, 8)


@pytest.mark.parametrize("offset", [0, 75])
def test_corpus_fuzz(corpus_dir: Path, budget: tuple[int, int], offset: int) -> None:
    every, examples = budget
    stats: Counter[str] = Counter()
    problems: list[str] = []
    for sid, schema in sample(corpus_dir, every, offset):
        fuzz_schema(schema, examples, stats, problems, sid)
    summary = "\n".join(f"  {k}: {v}" for k, v in sorted(stats.items()))
    print(f"\ncorpus fuzz (every {every}th schema from {offset}, {examples} examples):\n"
          f"{summary}")
    assert not problems, "\n".join(problems[:20]) + f"\n{summary}"
    assert stats["schemas compiled"] > 0
    assert stats["mutants rejected"] > 0 and stats["round trips held"] > 0


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--examples", type=int, default=25)
    parser.add_argument("--offset", type=int, default=0)
    args = parser.parse_args(argv)
    if not (CORPUS / "schemas").is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    stats: Counter[str] = Counter()
    problems: list[str] = []
    start = time.perf_counter()
    schemas = sample(CORPUS, args.every, args.offset)
    for i, (sid, schema) in enumerate(schemas, 1):
        fuzz_schema(schema, args.examples, stats, problems, sid)
        if i % 100 == 0:
            print(f"{i}/{len(schemas)} schemas, {time.perf_counter() - start:.0f} s",
                  file=sys.stderr)
    for k, v in sorted(stats.items()):
        print(f"{k}: {v}")
    print(f"unexplained problems: {len(problems)}")
    for p in problems:
        print("  " + p)
    print(f"{time.perf_counter() - start:.1f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
