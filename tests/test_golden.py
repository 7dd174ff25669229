"""Golden tests: input schema -> expected wire schema and diagnostic codes, one file per rule.

Each ``tests/golden/*.json`` names the rule of docs/profiles/openai.md it pins.
The expectations were reviewed by hand against the rule text; a change here is a behaviour
change and needs the same review.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import strictschema
from strictschema._compile._check import check_strict

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden(path: Path) -> None:
    case = _load(path)
    expected = case["expected"]
    before = json.dumps(case["input"], sort_keys=True)
    if "raises" in expected:
        with pytest.raises(strictschema.UnsupportedSchemaError) as info:
            strictschema.compile(case["input"], **case["options"])
        got = [[d.path, d.code] for d in info.value.diagnostics]
        assert got == expected["diagnostics"]
        return
    c = strictschema.compile(case["input"], **case["options"])
    assert json.dumps(case["input"], sort_keys=True) == before, "input was mutated"
    assert c.schema == expected["schema"]
    assert sorted({d.code for d in c.diagnostics}) == expected["codes"]
    assert sorted(d.path for d in c.diagnostics if d.severity == "lossy") == expected["lossy"]
    # whatever the case, the result is accepted by the profile and is valid JSON Schema
    assert check_strict(c.schema, c.profile) == []
    jsonschema.Draft202012Validator.check_schema(c.schema)


def test_every_rule_group_has_a_golden_case() -> None:
    rules = {_load(p)["rule"].split(".")[0] for p in GOLDEN}
    for rule in ("A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10", "A11", "A13", "A14", "A15",
                 "A16", "A17", "A18", "A20", "A21", "A23", "A24", "A26", "A27"):
        assert rule in rules, rule
