"""Past one machine: ``Compiled`` and ``Validator`` pickle by source and options, and the Dask
recipe of docs/scale.md (run from the doc's own code blocks) reports exactly what
``strictschema validate -o json`` reports on the same files."""

from __future__ import annotations

import itertools
import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import strictschema

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "scale.md"

SCHEMA = {
    "title": "Weather",
    "type": "object",
    "properties": {
        "city": {"type": "string", "minLength": 1},
        "celsius": {"type": "number", "minimum": -90, "maximum": 60},
        "conditions": {"enum": ["sunny", "cloudy", "rain", "snow"]},
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
    },
    "required": ["city", "celsius", "conditions"],
    "additionalProperties": False,
}


# -- pickling --------------------------------------------------------------------------------
def test_compiled_pickles_by_source_and_options() -> None:
    c = strictschema.compile(SCHEMA, profile="openai-2024", on_unsupported="drop")
    data = pickle.dumps(c)
    assert len(data) < 2 * len(json.dumps(SCHEMA)) + 300  # the schema, not the validators
    clone = pickle.loads(data)
    assert clone.schema == c.schema
    assert clone.diagnostics == c.diagnostics
    assert clone.profile is c.profile  # a built-in profile travels by name
    described = strictschema.compile(SCHEMA, profile="openai-2024")  # the default policy
    assert not clone.exact and clone.schema != described.schema  # "drop" came along
    good = b'{"city": "Oslo", "celsius": -3, "conditions": "snow", "tags": null}'
    assert clone.validate_json(good) == c.validate_json(good)
    with pytest.raises(strictschema.ValidationError) as info:
        clone.validate_json(b'{"city": "Oslo", "celsius": -3, "conditions": "snow", '
                            b'"tags": ["a", "a"]}')
    assert info.value.keyword == "uniqueItems"  # the dropped constraint is still enforced


def test_unpickling_the_same_compiled_twice_compiles_once() -> None:
    c = strictschema.compile(SCHEMA)
    data = pickle.dumps(c)
    assert pickle.loads(data) is pickle.loads(data)


def test_compiled_from_a_model_pickles_the_model_by_reference() -> None:
    pytest.importorskip("pydantic")
    from _scale_models import Reading

    c = strictschema.compile(Reading)
    data = pickle.dumps(c)
    assert b"_scale_models" in data and b"Reading" in data
    clone = pickle.loads(data)
    assert clone.model is Reading
    assert clone.parse('{"station": "x", "value": 1.5, "note": null}') == Reading(
        station="x", value=1.5)


def test_validator_pickles_by_source() -> None:
    v = strictschema.Validator(SCHEMA)
    data = pickle.dumps(v)
    assert len(data) < 2 * len(json.dumps(SCHEMA)) + 300
    clone = pickle.loads(data)
    assert clone.schema == v.schema
    bad = {"city": "", "celsius": 100, "conditions": "fog"}
    assert [(e.json_path, e.keyword) for e in clone.iter_errors(bad)] == [
        (e.json_path, e.keyword) for e in v.iter_errors(bad)]


# -- the Dask recipe -------------------------------------------------------------------------
def _recipe() -> dict[str, Any]:
    """The doc's Python blocks that define things (the recipe), run into one namespace."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    recipe = [b for b in blocks if "def validate_jsonl" in b]
    assert len(recipe) == 1, "docs/scale.md lost its recipe block"
    namespace: dict[str, Any] = {"__name__": "scale_recipe"}
    exec(compile(recipe[0], str(DOC), "exec"), namespace)  # noqa: S102 - the doc's own code
    return namespace


def test_the_doc_pickle_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    (example,) = [b for b in blocks if "pickle.loads" in b]
    exec(compile(example, str(DOC), "exec"), {"__name__": "scale_example"})  # noqa: S102


def _outputs(tmp_path: Path) -> list[str]:
    good = {"city": "Oslo", "celsius": -3.5, "conditions": "snow", "tags": ["a"]}
    lines_a = []
    for i in range(300):
        row: Any = dict(good, city=f"c{i}")
        if i % 37 == 5:
            row["celsius"] = 99 + i
        if i % 53 == 7:
            row["conditions"] = "fog"
        if i % 61 == 11:
            row["tags"] = ["x", "x"]  # uniqueItems: not on the wire, enforced anyway
        text = json.dumps(row)
        if i % 71 == 13:
            text = text[:-7]  # truncated: not JSON
        if i % 89 == 17:
            text = ""  # a blank line
        if i % 97 == 19:
            text += "\r"  # CRLF line ending
        lines_a.append(text)
    a = tmp_path / "part-000.jsonl"
    a.write_text("\n".join(lines_a) + "\n")
    b = tmp_path / "part-001.jsonl"
    b.write_text(json.dumps(good) + "\n" + "Sure! Here is the JSON.\n" + json.dumps(
        dict(good, extra=1)) + "\n")
    return [str(a), str(b)]


def test_dask_recipe_on_a_local_cluster_matches_the_cli(tmp_path: Path) -> None:
    pytest.importorskip("dask.bag")
    distributed = pytest.importorskip("distributed")
    schema_file = tmp_path / "weather.json"
    schema_file.write_text(json.dumps(SCHEMA))
    paths = _outputs(tmp_path)
    cli = subprocess.run([sys.executable, "-m", "strictschema", "validate", "--schema",
                          str(schema_file), "-o", "json", *paths], capture_output=True,
                         text=True, check=False, timeout=120,
                         env={**os.environ, "NO_COLOR": "1"})
    report = json.loads(cli.stdout)
    assert report["exit_code"] == 1 and report["summary"]["invalid"] > 10

    recipe = _recipe()
    compiled = strictschema.compile(SCHEMA)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        # small blocks: every file is cut into several tasks, line numbers carried across
        findings, summary = recipe["validate_jsonl"](compiled, paths, block_bytes=2048)
    assert findings == report["findings"]
    expected = {k: v for k, v in report["summary"].items() if k != "unreadable"}
    assert summary == expected


def test_recipe_block_ranges_end_at_line_boundaries(tmp_path: Path) -> None:
    pytest.importorskip("fsspec")
    recipe = _recipe()
    (path, _) = _outputs(tmp_path)
    data = Path(path).read_bytes()
    ranges = list(recipe["block_ranges"](path, 1000))
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data) and len(ranges) > 5
    for (_, end), (start, _) in itertools.pairwise(ranges):
        assert end == start and data[end - 1:end] == b"\n"
