"""One judge (issue 12): on a sample of the corpus schemas, with fuzzed valid outputs and
mutants, every route gives the same verdict and the same error list.

For each schema ``S`` (compiled for the default profile to ``c``; the outputs are wire
outputs of ``c``):

- the wire judge ``Validator(c.schema)``: ``validate_json``, ``check_json_errors``,
  ``errors_json``, ``is_valid_json``, ``is_valid``/``iter_errors`` on the parsed value, and
  ``push()`` fed in random chunks then ``finish()`` all agree (push may refuse earlier, at a
  prefix, but never a valid output, and a finished text gets the same errors);
- ``c.validate_json`` (the wire judge plus the source schema's residual, its errors placed
  in the source schema) refuses every output the wire judge refuses;
- ``strictschema validate --schema S`` on a JSONL file of the same outputs reports, line by
  line, exactly ``c.validate_json``'s errors (none for a valid line).
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import strictschema
from _corpus import SAMPLE
from strictschema import DecodeError, StrictSchemaError, ValidationError, Validator
from strictschema._cli import main as cli_main
from strictschema.strategies import from_schema, mutants

N_SCHEMAS = 40


def _sample(limit: int, max_wire: int | None = None) -> list[tuple[str, dict]]:
    """Up to ``limit`` schemas of the corpus sample, spread over its subsets, each one that
    compiles for the default profile (a deterministic choice); with ``max_wire``, only those
    whose wire schema is at most that many characters of JSON (generating outputs for the
    largest takes seconds per output)."""
    if not (SAMPLE / "schemas").is_dir():
        return []
    pools = []
    for f in sorted((SAMPLE / "schemas").glob("*.jsonl")):
        rows = [json.loads(x) for x in f.read_text(encoding="utf-8").split("\n") if x.strip()]
        pools.append([(f"{f.stem}/{r['id']}", r["schema"]) for r in rows])
    chosen: list[tuple[str, dict]] = []
    i = 0
    while len(chosen) < limit and any(i < len(p) for p in pools):
        for p in pools:
            if i < len(p) and len(chosen) < limit:
                key, schema = p[i]
                try:
                    wire = strictschema.compile(schema).schema
                except (StrictSchemaError, RecursionError):
                    continue
                if max_wire is not None and len(json.dumps(wire)) > max_wire:
                    continue
                chosen.append((key, schema))
        i += 3  # every third record of each subset
    return chosen


_CHOSEN = _sample(N_SCHEMAS, max_wire=4000)
_KEYS = [k for k, _ in _CHOSEN]
_BY_KEY = dict(_CHOSEN)
_CACHE: dict[str, tuple[Any, Validator, Path]] = {}
_TMP = Path(tempfile.mkdtemp(prefix="strictschema-one-judge-"))


def _judges(key: str) -> tuple[Any, Validator, Path]:
    """``(compiled, wire judge, schema file)`` for a sample key (built once)."""
    if key not in _CACHE:
        c = strictschema.compile(_BY_KEY[key])
        path = _TMP / f"schema{len(_CACHE)}.json"
        path.write_text(json.dumps(_BY_KEY[key]), encoding="utf-8")
        _CACHE[key] = (c, Validator(c.schema), path)
    return _CACHE[key]


def _where(errors: Any) -> list[tuple[Any, str, Any]]:
    """Errors without their messages: a text route echoes a number as the text wrote it
    (``1e+300``), the value route writes its own form (``1e300``)."""
    return [(e.location, e.keyword, e.schema_location) for e in errors]


def _full(errors: Any) -> list[tuple[str, str, str]]:
    return [(e.json_path, e.keyword, e.message) for e in errors]


def _wire_routes(w: Validator, text: str, rng: random.Random) -> list | None:
    """The wire judge's errors (None when valid), after checking that its routes agree."""
    try:
        value = w.validate_json(text)
        errors = None
    except ValidationError as exc:
        errors = list(exc.errors)
        value = json.loads(text)
    parsed, found = w.check_json_errors(text.encode())
    assert parsed == value
    assert found == errors
    assert w.errors_json(text) == (errors or [])
    assert w.is_valid_json(text) is (errors is None)
    assert w.check_json(text) == (value, errors is None)
    assert w.is_valid(value) is (errors is None)
    assert _where(w.iter_errors(value)) == _where(errors or [])
    raw = text.encode()
    cuts = sorted(rng.sample(range(len(raw) + 1), min(6, len(raw) + 1)))
    p = w.push()
    try:
        last = 0
        for cut in [*cuts, len(raw)]:
            p.feed(raw[last:cut])
            last = cut
    except ValidationError as early:
        assert errors is not None, f"push refused a valid output: {early}"
        return errors
    if errors is None:
        assert p.finish() == value
    else:
        with pytest.raises(ValidationError) as final:
            p.finish()
        assert list(final.value.errors) == errors
    return errors


def _compiled_errors(c: Any, text: str) -> list | None:
    """The compiled route's errors (None when valid); a value it returns is the one the
    two steps give (wire check, the codec's decode, the residual), key order included:
    the one call decodes in place and leaves out nulls that decode to absent as it builds."""
    try:
        value = c.validate_json(text)
    except ValidationError as exc:
        return list(exc.errors)
    expected = c._two_steps()(text)
    assert value == expected and json.dumps(value) == json.dumps(expected), text
    return None


def _cli_findings(schema_file: Path, texts: list[str]) -> dict[int, list[tuple[str, str, str]]]:
    """``strictschema validate --schema FILE OUTPUTS.jsonl -o json`` (in this process):
    the findings by line number."""
    outputs = schema_file.with_suffix(".outputs.jsonl")
    outputs.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli_main(["validate", "--schema", str(schema_file), str(outputs), "-o", "json",
                         "-j", "1", "--no-progress"])
    report = json.loads(out.getvalue())
    assert report["summary"]["outputs"] == len(texts)
    by_line: dict[int, list[tuple[str, str, str]]] = {}
    for f in report["findings"]:
        by_line.setdefault(f["line"], []).append((f["path"], f["code"], f["message"]))
    assert code == (1 if by_line else 0)
    assert report["summary"]["invalid"] == len(by_line)
    return by_line


def _render(value: Any, style: int) -> str:
    if style == 0:
        return json.dumps(value)
    if style == 1:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(value, ensure_ascii=False)


def _one_judge(key: str, data: Any) -> None:
    c, w, schema_file = _judges(key)
    values = data.draw(st.lists(from_schema(c), min_size=1, max_size=3), label="valid")
    values += [m.instance for m in data.draw(st.lists(mutants(c), max_size=4), label="mutants")]
    style = data.draw(st.integers(0, 2), label="style")
    texts = [_render(v, style) for v in values]
    rng = random.Random(data.draw(st.integers(0, 2**32), label="seed"))
    compiled: list[list | None] = []
    for text in texts:
        wire = _wire_routes(w, text, rng)
        errors = _compiled_errors(c, text)
        if wire is not None:  # wire-invalid: invalid through the compiled schema too
            assert errors, text
        compiled.append(errors)
    findings = _cli_findings(schema_file, texts)
    for line, errors in enumerate(compiled, start=1):
        assert findings.get(line, []) == _full(errors or []), (line, texts[line - 1])


pytestmark = pytest.mark.skipif(not _KEYS, reason="the corpus sample (tests/data/"
                                                  "jsonschemabench) is not in this checkout")


@pytest.mark.parametrize("key", _KEYS)
@settings(max_examples=8, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_every_route_gives_the_same_verdict_and_errors(key: str, data: Any) -> None:
    _one_judge(key, data)


_MORE: list[tuple[str, dict]] = []


@pytest.mark.slow
@pytest.mark.parametrize("index", range(200))
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_every_route_gives_the_same_verdict_and_errors_more(index: int, data: Any) -> None:
    """200 schemas (the whole sample's spread), 20 draws each."""
    if not _MORE:
        _MORE.extend(_sample(200))
        _BY_KEY.update(_MORE)
    if index >= len(_MORE):
        return
    _one_judge(_MORE[index][0], data)


def test_the_sample_is_wide_enough() -> None:
    assert len(_KEYS) >= 30
    assert len({k.split("/")[0] for k in _KEYS}) >= 8  # most subsets


@pytest.mark.parametrize("text", ['{"a": 1, "a": 2}', "nope", "", "[1,]", "NaN"])
def test_text_that_is_not_json_is_refused_alike(text: str) -> None:
    c, w, schema_file = _judges(_KEYS[0])
    for route in (w.validate_json, w.check_json_errors, w.errors_json, w.is_valid_json,
                  c.validate_json):
        with pytest.raises(DecodeError):
            route(text)
    findings = _cli_findings(schema_file, [text])
    [(_, code, message)] = findings[1]
    assert code == "json" and message.startswith("not JSON")
