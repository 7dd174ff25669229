"""Fuzzing over the real-world JSONSchemaBench schemas (see ``_corpus.py``).

For every schema of a sample that compiles (the others are counted and skipped):

- ``from_schema(schema)``: instances valid for our validator and the ``jsonschema`` oracle;
- ``from_schema(compiled)``: wire outputs valid per the oracle on the wire schema, accepted by
  ``validate_wire``, and decoding to data the oracle accepts under the original schema;
- ``mutants(compiled)``: rejected by the oracle and by our validator at the mutated path
  (``truncated`` ones are not JSON);
- ``from_schema(compiled, shape="original")``: ``decode(encode(x)) == x``.

The oracle checks ``format`` with the draft's ``FORMAT_CHECKER`` (``date-time`` and ``time``
need the optional ``rfc3339-validator``). Two documented exceptions are counted, not failed:

- *regex dialect*: the oracle reads ``pattern`` / ``patternProperties`` / ``format: regex``
  with Python's ``re``, not ECMA-262 (``\\s`` matches ``\\x1c-\\x1f`` and ``\\x85`` in
  ``re`` but not in ECMA, ``\\d`` matches non-ASCII digits in ``re``, ...). An instance the
  oracle rejects counts as ``dialect`` only if the same oracle with those keywords run on a
  real ECMA engine (``regress``) accepts it.
- *missing format checker* (counted as ``dialect`` too): a profile format the oracle has
  no checker for (``hostname`` without ``fqdn``, draft-04's ``date``, ...) accepts any
  string, which can make a ``oneOf`` of ``hostname``/``ipv4``/``ipv6`` match twice; the
  corrected oracle checks those formats with strictschema's checkers.
- *float multipleOf* (counted as ``dialect`` too): ``jsonschema`` divides binary floats, so
  ``4.93`` is "not a multiple of 0.01" for it; the corrected oracle compares decimals.
- *format annotation*: an instance the oracle rejects only for a format strictschema does
  not assert (anything but the profile's nine, e.g. ``regex`` in meta-schemas, ``uri`` with
  ``rfc3987`` installed): 2020-12 makes ``format`` an annotation unless asserted, and the
  wire generator draws such strings freely. Counted when the oracle checking only the
  profile's formats (and ECMA patterns) accepts the instance.
- *format strictness*: a ``bad_format`` mutant the oracle accepts because it has no checker
  for that format (its optional dependency is missing) or because its checker is known to be
  wider than the format's RFC (``_ORACLE_LENIENT``).

Failures caused by open compiler/codec bugs pinned in ``test_testing.py`` are counted under
their id (``_known``, ``_diff_kind``; none is open now, B1-B5 are fixed); anything else fails
the test. Default runs take every 10th schema of the sample in ``tests/data`` (two offsets),
leaving out schemas over 8,000 characters, with 8 examples per property; ``--run-slow`` takes every 10th schema of the full benchmark
(``STRICTSCHEMA_CORPUS``) with 25, or every schema of the sample. For the full report run
``STRICTSCHEMA_CORPUS=DIR python tests/test_fuzz_corpus.py --every 1 --examples 25``.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("hypothesis")

import jsonschema
import regress
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import HypothesisException

import strictschema
from _corpus import ENV, SUBSETS, full_corpus, is_sample
from strictschema import Validator
from strictschema._compile._merge import json_equal
from strictschema._fuzz._mutants import _BAD_FORMATS, error_at
from strictschema._validate._formats import FORMAT_CHECKS
from strictschema._validate._regex import compile_pattern
from strictschema.strategies import from_schema, mutants


def sample(corpus: Path, every: int, offset: int = 0) -> list[tuple[str, Any]]:
    out = []
    for subset in SUBSETS:
        with open(corpus / "schemas" / f"{subset}.jsonl") as f:
            for i, line in enumerate(f):
                if (i + offset) % every == 0:
                    record = json.loads(line)
                    out.append((f"{subset}/{record['id']}", record["schema"]))
    return out


# Formats whose oracle checker accepts values the format's RFC does not (format strictness).
_ORACLE_LENIENT = {
    "duration": "isoduration parses ISO 8601 durations, wider than RFC 3339 appendix A "
                "(e.g. 'P1Y2D' skips the month)",
}


# any repeat, bounded or not: a bounded one nested in another (``(\w+\s?){1,50}``,
# ``(a?){20}``) backtracks exponentially in ``regress`` as an unbounded one does
_REPEAT = re.compile(r"[*+?]|\{\d+(?:,\d*)?\}")


@lru_cache(maxsize=4096)
def _risky(pattern: str) -> bool:
    """Whether a backtracking engine may take exponential time on ``pattern``: a group with
    a repeat or an alternation inside, itself repeated (such as ``([^/]+\\.?)+$`` or
    ``(\\w+\\s?){1,50}``); or polynomial time of a high degree: three repeats with no
    upper bound (``^\\s*\\w+\\s*=\\s*\\w+$`` on a long text). Python's ``re`` or
    ``regress`` could then hang the run. A structural scan, cruder than an analysis (it
    may call a harmless pattern risky, which only changes the engine the oracle runs it
    on)."""
    stack = [[False, False]]  # per open group: (holds a repeat, holds a '|')
    unbounded = 0  # repeats with no upper bound: three in a row backtrack polynomially
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a class: skip to its closing bracket
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
            i += 1
            continue
        if c == "(":
            stack.append([False, False])
        elif c == ")" and len(stack) > 1:
            inner = stack.pop()
            repeated = _REPEAT.match(pattern, i + 1) is not None
            if repeated and (inner[0] or inner[1]):
                return True
            stack[-1][0] = stack[-1][0] or inner[0] or repeated
        elif c == "|":
            stack[-1][1] = True
        elif _REPEAT.match(pattern, i):
            stack[-1][0] = True
        if c in "*+" or (c == "{" and re.match(r"\{\d+,\}", pattern[i:])):
            unbounded += 1
            if unbounded >= 3:
                return True
        i += 1
    return False


def _guarded_pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Any:
    if _risky(patrn):  # the oracle cannot run it: ECMA, in linear time (counted)
        STATS["oracle patterns run on the linear ECMA engine (re would backtrack)"] += 1
        yield from _ecma_pattern(validator, patrn, instance, schema)
    else:
        yield from _STOCK_PATTERN(validator, patrn, instance, schema)


_STOCK_PATTERN = jsonschema.Draft202012Validator.VALIDATORS["pattern"]
STATS: Counter[str] = Counter()  # oracle-side counts, added to the run's stats


@cache
def _oracle_cls(cls: Any) -> Any:
    return jsonschema.validators.extend(cls, {"pattern": _guarded_pattern})


def _oracle(schema: Any) -> Any:
    """The ``jsonschema`` validator for ``schema``'s draft, with its format checker."""
    cls = jsonschema.validators.validator_for(schema)
    return _oracle_cls(cls)(schema, format_checker=cls.FORMAT_CHECKER)


def _wire_oracle(schema: Any) -> Any:
    cls = jsonschema.Draft202012Validator
    return _oracle_cls(cls)(schema, format_checker=cls.FORMAT_CHECKER)


_ECMA: dict[str, Any] = {}


def _ecma_search(pattern: str, text: str) -> bool:
    """``pattern`` searched in ``text`` with ECMA-262 semantics: ``regress``, or for a risky
    pattern strictschema's linear engine (RE2 on the ECMA pattern translated exactly)."""
    find = _ECMA.get(pattern)
    if find is None:
        if _risky(pattern):
            find = compile_pattern(pattern).search
        else:
            try:
                rx = regress.Regex(pattern, "u")
            except regress.RegressError:
                rx = regress.Regex(pattern)
            find = rx.find
        _ECMA[pattern] = find
    return find(text) not in (None, False)


def _ecma_pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Any:
    if validator.is_type(instance, "string") and not _ecma_search(patrn, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {patrn!r} (ECMA-262)")


def _ecma_pattern_properties(validator: Any, pp: Any, instance: Any, schema: Any) -> Any:
    if validator.is_type(instance, "object"):
        for patrn, subschema in pp.items():
            for k, v in instance.items():
                if _ecma_search(patrn, k):
                    yield from validator.descend(v, subschema, path=k, schema_path=patrn)


def _ecma_additional_properties(validator: Any, ap: Any, instance: Any, schema: Any) -> Any:
    if not validator.is_type(instance, "object"):
        return
    props = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extras = [k for k in instance
              if k not in props and not any(_ecma_search(p, k) for p in patterns)]
    if validator.is_type(ap, "object"):
        for k in extras:
            yield from validator.descend(instance[k], ap, path=k)
    elif ap is False and extras:
        yield jsonschema.ValidationError(f"additional properties {sorted(extras)!r}")


def _exact_multiple_of(validator: Any, d: Any, instance: Any, schema: Any) -> Any:
    # jsonschema divides binary floats (4.93 / 0.01 = 492.99999999999994: "not a multiple");
    # JSON numbers are decimals, and strictschema checks them exactly
    if (validator.is_type(instance, "number") and not isinstance(instance, bool)
            and Decimal(repr(instance)) % Decimal(repr(d)) != 0):
        yield jsonschema.ValidationError(f"{instance!r} is not a multiple of {d!r}")


@cache
def _ecma_cls(cls: Any) -> Any:
    return jsonschema.validators.extend(cls, {
        "pattern": _ecma_pattern, "patternProperties": _ecma_pattern_properties,
        "additionalProperties": _ecma_additional_properties,
        "multipleOf": _exact_multiple_of})


def _ecma_oracle(oracle: Any, *, asserted_formats_only: bool = False) -> Any:
    """``oracle`` with ``pattern``, ``patternProperties``, ``additionalProperties`` (which reads
    patternProperties) and ``format: regex`` run on ECMA-262 (``regress``) instead of ``re``;
    with ``asserted_formats_only``, checking only the formats strictschema asserts (the
    profile's nine), the others being annotations as in 2020-12's format-annotation."""
    ecma = _ecma_cls(type(oracle))
    checker = jsonschema.FormatChecker(())
    checker.checkers = dict(oracle.format_checker.checkers) if oracle.format_checker else {}
    for fmt, check in FORMAT_CHECKS.items():  # a profile format the oracle cannot check
        if fmt not in checker.checkers:           # (fqdn, rfc3339-validator missing, ...)
            checker.checkers[fmt] = (check, ())
    if asserted_formats_only:
        checker.checkers = {k: v for k, v in checker.checkers.items() if k in FORMAT_CHECKS}

    def is_regex(text: Any) -> bool:
        if isinstance(text, str):
            _ecma_search(text, "")
        return True

    if "regex" in checker.checkers:
        checker.checks("regex", raises=regress.RegressError)(is_regex)
    return ecma(oracle.schema, format_checker=checker)


def _oracle_verdict(oracle: Any, instance: Any) -> str:
    """``valid``; ``dialect`` (rejected only because the oracle reads patterns with Python's
    ``re``: the same oracle on an ECMA-262 engine accepts it); ``format annotation``
    (rejected only for a format strictschema does not assert, e.g. ``regex``, ``uri``
    with rfc3987 installed: the oracle asserting only the profile's formats accepts it);
    or ``invalid``."""
    try:
        if oracle.is_valid(instance):
            return "valid"
    except Exception:  # noqa: BLE001, S110 - e.g. re.error on an ECMA-only pattern
        pass
    try:
        if _ecma_oracle(oracle).is_valid(instance):
            return "dialect"
        if _ecma_oracle(oracle, asserted_formats_only=True).is_valid(instance):
            return "format annotation"
    except Exception:  # noqa: BLE001, S110 - a pattern neither engine compiles
        pass
    return "invalid"


def _oracle_accepts(oracle: Any, instance: Any) -> bool:
    try:
        return bool(oracle.is_valid(instance))
    except Exception:  # noqa: BLE001 - e.g. re.error on an ECMA-only pattern
        return True  # undecided: the ECMA oracle decides


def _format_strictness(oracle: Any, mutant: Any) -> str | None:
    """Why the oracle cannot tell this ``bad_format`` mutant is invalid, if it cannot."""
    fmt = next((f for f in _BAD_FORMATS if mutant.detail.endswith(f"(not a valid {f})")), None)
    if fmt is None:
        return None
    checkers = oracle.format_checker.checkers if oracle.format_checker else {}
    if fmt not in checkers:
        return f"oracle has no {fmt} checker"
    return f"oracle's {fmt} checker is lenient" if fmt in _ORACLE_LENIENT else None


def _diff_kind(original: Any, back: Any) -> str | None:
    """Which known bug explains ``decode(encode(x)) != x``, if any (``other``: none does).

    No open bug does: B3 (explicit null lost through a nullable $ref) and B5 ({} decoded as
    []) are fixed. Return an open bug's id here to count its differences instead of failing."""
    if isinstance(original, dict) and isinstance(back, dict):
        kinds = set()
        for k, v in original.items():
            if k not in back:
                kinds.add("other")
            else:
                kinds.add(_diff_kind(v, back[k]) or "same")
        for k, v in back.items():
            if k not in original:
                kinds.add("same" if v is None else "other")  # absent -> null: documented
        kinds.discard("same")
        return None if not kinds else ("other" if "other" in kinds else min(kinds))
    if isinstance(original, list) and isinstance(back, list) and len(original) == len(back):
        kinds = {_diff_kind(a, b) for a, b in zip(original, back, strict=True)} - {None}
        return None if not kinds else ("other" if "other" in kinds else min(kinds))
    return None if json_equal(original, back) else "other"


def _known(exc: BaseException) -> str | None:
    """The open bug an exception is known to come from, if any. None is open: B1 (orjson
    refusing integers beyond 64 bits) is fixed."""
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
    oracle_wire = _wire_oracle(c.schema)
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
        verdict = _oracle_verdict(oracle_wire, w)
        if verdict == "invalid":
            problems.append(f"{sid} wire output invalid per the oracle: {w!r}"[:400])
            return
        if verdict != "valid":
            stats[f"wire outputs: oracle {verdict}"] += 1
        try:
            data = c.validate_wire(w)
        except strictschema.ValidationError as exc:
            # B2 (exact compile, 'additionalProperties' refusals) and B4 ('contentMediaType':
            # the model not told a string is JSON text) are fixed: no refusal is excused
            problems.append(f"{sid} wire output refused: {exc}"[:400])
            return
        except Exception as exc:
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
        elif not _oracle_accepts(oracle_wire, m.instance):
            stats["mutants rejected"] += 1
        elif not _ecma_oracle(oracle_wire).is_valid(m.instance):
            stats["mutants rejected"] += 1  # e.g. '\u0663' is a \\d for re, not for ECMA
            stats["mutants rejected: oracle dialect"] += 1
        else:
            why = _format_strictness(oracle_wire, m) if m.kind == "bad_format" else None
            if why:
                stats[f"mutants: format strictness ({why})"] += 1
            else:
                problems.append(f"{sid} {m!r} valid per the oracle"[:400])

    def roundtrip(x: Any) -> None:
        stats["round trips"] += 1
        try:
            back = c.decode(c.encode(x))
        except strictschema.ValidationError:
            stats["round trips: unrepresentable"] += 1
            return
        except Exception as exc:
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
    stats.update(STATS)
    STATS.clear()


@pytest.fixture(scope="module")
def budget(request: pytest.FixtureRequest, corpus_dir: Path) -> tuple[int, int, int | None]:
    """(every, examples, largest schema in characters): the default run skips the sample's
    few large schemas (minutes each: their features are covered by the smaller ones)."""
    if not request.config.getoption("--run-slow", default=False):
        return 10, 8, 8000
    return (1, 25, None) if is_sample(corpus_dir) else (10, 25, None)


@pytest.mark.parametrize("offset", [0, 5])
def test_corpus_fuzz(corpus_dir: Path, budget: tuple[int, int, int | None], offset: int) -> None:
    every, examples, largest = budget
    if offset and every == 1:
        pytest.skip("every schema is taken at offset 0")
    stats: Counter[str] = Counter()
    problems: list[str] = []
    for sid, schema in sample(corpus_dir, every, offset):
        if largest is not None and len(json.dumps(schema)) > largest:
            stats["schemas left to --run-slow (large)"] += 1
            continue
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
    parser.add_argument("--start", type=int, default=0,
                        help="first index in the sample (to split a long run)")
    parser.add_argument("--stop", type=int, default=None, help="index after the last one")
    parser.add_argument("--checkpoint", type=Path, default=None,
                        help="write the counts so far (JSON) here after every schema")
    args = parser.parse_args(argv)
    corpus = full_corpus()
    if corpus is None:
        print(f"set {ENV} to a copy of JSONSchemaBench (schemas/, instances/)", file=sys.stderr)
        return 2
    stats: Counter[str] = Counter()
    problems: list[str] = []
    start = time.perf_counter()
    schemas = sample(corpus, args.every, args.offset)[args.start:args.stop]
    for i, (sid, schema) in enumerate(schemas, 1):
        fuzz_schema(schema, args.examples, stats, problems, sid)
        if args.checkpoint is not None:
            args.checkpoint.write_text(json.dumps(
                {"done": i, "of": len(schemas), "last": sid, "stats": dict(stats),
                 "problems": problems, "seconds": time.perf_counter() - start}, indent=1))
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
