"""The incremental prefix validator (``strictschema._incremental``).

Two properties, over Hypothesis-drawn outputs of several wire schemas (nested objects, enums,
``anyOf`` with objects in both branches, recursion through ``$ref``, maps as entry arrays):

- it never rejects a valid output, however the text is split into deltas;
- a mutant of a kind it can decide on a prefix (bad enum, wrong type, extra key, missing
  required key, too many items, out of range, null where not allowed) is rejected by the
  time its text ends, at the path the full validator reports.

Plus exact cases: where the error is raised (on the first character that makes the prefix
hopeless), escapes and surrogate pairs, JSON syntax, and bounded buffering.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import pytest

import strictschema
from strictschema._incremental import PrefixValidator

hypothesis = pytest.importorskip("hypothesis")
pydantic = pytest.importorskip("pydantic")
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strictschema.strategies import from_schema, mutants


class Item(pydantic.BaseModel):
    sku: str
    qty: int
    color: Literal["red", "green", "blue"]


class Order(pydantic.BaseModel):
    id: int
    items: list[Item]
    note: str | None = None
    tags: dict[str, int]
    child: Order | None = None


SCHEMAS: dict[str, Any] = {
    "order": Order,
    "shapes": {
        "type": "object",
        "properties": {"shape": {"anyOf": [
            {"type": "object", "properties": {"kind": {"const": "circle"},
                                              "r": {"type": "number", "minimum": 0}},
             "required": ["kind", "r"], "additionalProperties": False},
            {"type": "object", "properties": {"kind": {"const": "rect"},
                                              "w": {"type": "integer"},
                                              "h": {"type": "integer", "maximum": 100}},
             "required": ["kind", "w", "h"], "additionalProperties": False},
        ]}, "labels": {"type": "array", "items": {"enum": ["a", "ab", "abc", 1, True, None]},
                       "maxItems": 4, "minItems": 1}},
        "required": ["shape", "labels"], "additionalProperties": False,
    },
    "scalars": {
        "type": "object",
        "properties": {
            "n": {"type": ["number", "null"], "exclusiveMaximum": 10, "multipleOf": 0.5},
            "i": {"type": "integer", "minimum": -3},
            "b": {"type": "boolean"},
            "s": {"type": "string", "maxLength": 5},
            "e": {"enum": ["x\u00e9", "\U0001f600y", "quote\"d"]},
        },
        "required": ["n", "i", "b", "s", "e"], "additionalProperties": False,
    },
}
COMPILED = {name: strictschema.compile(s) for name, s in SCHEMAS.items()}


def feed_in(v: PrefixValidator, text: str, cuts: list[int]) -> None:
    last = 0
    for c in sorted(set(cuts)):
        v.feed(text[last:c])
        last = c
    v.feed(text[last:])


def render(value: Any, style: int) -> str:
    if style == 0:
        return json.dumps(value)
    if style == 1:
        return json.dumps(value, ensure_ascii=False, indent=2)
    return json.dumps(value, separators=(",", ":"))


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_outputs_are_never_rejected(name: str, data: Any) -> None:
    c = COMPILED[name]
    value = data.draw(from_schema(c), label="wire output")
    text = render(value, data.draw(st.integers(0, 2), label="style"))
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=20), label="cuts")
    v = PrefixValidator(c.schema)
    feed_in(v, text, cuts)
    v.finish()
    assert v.complete


DECIDABLE = ["bad_enum", "wrong_type", "extra_key", "missing_required", "too_many_items",
             "too_few_items", "out_of_range", "null_not_allowed"]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_decidable_mutants_are_caught_by_the_end_of_the_text(name: str, data: Any) -> None:
    c = COMPILED[name]
    m = data.draw(mutants(c, kinds=DECIDABLE), label="mutant")
    text = json.dumps(m.instance)
    with pytest.raises(strictschema.ValidationError) as full:
        c.validate_json(text)
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=10), label="cuts")
    v = PrefixValidator(c.schema)
    with pytest.raises(strictschema.ValidationError) as early:
        feed_in(v, text, cuts)
    # same place as the full validator, or the anyOf that holds it
    assert early.value.json_path in {e.json_path for e in full.value.errors} | {
        strictschema.ErrorDetail(m.path[:k], "", "").json_path for k in range(len(m.path) + 1)}


def first_failure(schema: Any, text: str) -> tuple[int, strictschema.ValidationError]:
    """Feed one character at a time: (index of the character that failed, the error)."""
    v = PrefixValidator(schema)
    for i, ch in enumerate(text):
        try:
            v.feed(ch)
        except strictschema.ValidationError as exc:
            return i, exc
    raise AssertionError(f"no error for {text!r}")


ENUM = {"type": "object", "properties": {"c": {"enum": ["red", "green", "grey"]}},
        "required": ["c"], "additionalProperties": False}


@pytest.mark.parametrize(("text", "at", "path", "keyword"), [
    ('{"c": "gx', 8, "$.c", "enum"),               # no member starts with "gx"
    ('{"c": "gre', None, None, None),               # "green" and "grey" still possible
    ('{"c": "gre"', 10, "$.c", "enum"),             # the closing quote decides
    ('{"c": "greeny', 12, "$.c", "enum"),
    ('{"c": 1', 6, "$.c", "enum"),                  # enum of strings only: not a number
    ('{"cx', 3, "$", "additionalProperties"),       # no property name starts with "cx"
    ('{"c": "red", "c"', 15, "$", None),            # duplicate key: a DecodeError
    ('{}', 1, "$", "required"),
])
def test_where_errors_are_raised(text: str, at: int | None, path: str | None,
                                 keyword: str | None) -> None:
    if at is None:
        v = PrefixValidator(ENUM)
        v.feed(text)
        return
    if keyword is None:
        v = PrefixValidator(ENUM)
        with pytest.raises(strictschema.DecodeError, match="duplicate"):
            v.feed(text)
        return
    i, exc = first_failure(ENUM, text)
    assert i == at
    assert (exc.json_path, exc.keyword) == (path, keyword)


def test_anyof_branch_dies_with_its_descendant() -> None:
    schema = COMPILED["shapes"].schema
    # "w" exists only in the rect branch, so kind must then be "rect"
    _, exc = first_failure(schema, '{"shape": {"w": 3, "kind": "circle"')
    assert exc.json_path == "$.shape.kind"
    # and a rect with h over its maximum is decided when the number ends
    _, exc = first_failure(schema, '{"shape": {"kind": "rect", "w": 1, "h": 101,')
    assert exc.json_path == "$.shape.h" and exc.keyword == "maximum"


def test_recursion_through_ref() -> None:
    c = COMPILED["order"]
    deep: dict[str, Any] = {"id": 0, "items": [], "note": None, "tags": [], "child": None}
    for n in range(1, 30):
        deep = {"id": n, "items": [], "note": None, "tags": [], "child": deep}
    text = json.dumps(deep)
    v = PrefixValidator(c.schema)
    v.feed(text)
    v.finish()
    bad = text.replace('"id": 3,', '"id": "3",')
    with pytest.raises(strictschema.ValidationError) as info:
        PrefixValidator(c.schema).feed(bad)
    assert info.value.json_path == "$" + ".child" * 26 + ".id"


def test_escapes_and_surrogate_pairs_match_enum_members() -> None:
    schema = COMPILED["scalars"].schema
    ok = '{"n": null, "i": -3, "b": true, "s": "\\u00e9\\n\\"\\ud83d\\ude00!", '
    v = PrefixValidator(schema)
    for ch in ok + '"e": "\\ud83d\\ude00y"}':
        v.feed(ch)
    v.finish()
    v = PrefixValidator(schema)
    v.feed(ok + '"e": "quote\\"d"}')
    v.finish()
    with pytest.raises(strictschema.ValidationError):
        PrefixValidator(schema).feed(ok + '"e": "\\ud83d\\ude01')


@pytest.mark.parametrize(("text", "keyword"), [
    ('{"n": 10', "exclusiveMaximum"),
    ('{"n": 0.3', "multipleOf"),
    ('{"n": 1, "i": -4', "minimum"),
    ('{"n": 1, "i": 2.5', "type"),
    ('{"n": 1, "i": 2, "b": null', "type"),
    ('{"n": 1, "i": 2, "b": false, "s": "abcdef"', "maxLength"),
])
def test_scalar_constraints(text: str, keyword: str) -> None:
    schema = COMPILED["scalars"].schema
    with pytest.raises(strictschema.ValidationError) as info:
        PrefixValidator(schema).feed(text + ",")
    assert info.value.keyword == keyword


def test_integer_accepts_integral_decimals() -> None:
    schema = COMPILED["scalars"].schema
    v = PrefixValidator(schema)
    v.feed('{"n": 1.0e0, "i": 2.0, "b": false, "s": "", "e": "x\u00e9"}')
    v.finish()


@pytest.mark.parametrize("text", ['{"a" 1}', '{"a": 01}', '{"a": tru3}', '[1,]', '{"a": 1,}',
                                  '{"a": "\\x"}', '{"a": "\x01"}', '{"a": -}', '{} x',
                                  '{"a": "\\udc00"}', '{"a": 1e}', "{'a': 1}"])
def test_json_syntax_errors_are_decode_errors(text: str) -> None:
    v = PrefixValidator(True)
    with pytest.raises(strictschema.DecodeError):
        v.feed(text)
        v.finish()


def test_truncated_text_is_not_complete() -> None:
    v = PrefixValidator(True)
    v.feed('{"a": [1, 2')
    assert not v.complete
    with pytest.raises(strictschema.DecodeError, match="truncated"):
        v.finish()


def test_buffers_stay_bounded_on_huge_strings() -> None:
    schema = COMPILED["order"].schema
    v = PrefixValidator(schema)
    v.feed('{"id": 1, "items": [{"sku": "')
    for _ in range(200):
        v.feed("x" * 5000)
        assert v._acc is None  # a free-text string is not buffered at all
    v.feed('", "qty": 1, "color": "')
    v.feed("r")
    assert v._acc is not None and v._acc_len <= len("green") + 1
    with pytest.raises(strictschema.ValidationError):
        v.feed("edd")
    # a huge unknown key of a closed object fails at once...
    with pytest.raises(strictschema.ValidationError, match="no property name starts with"):
        PrefixValidator(schema).feed('{"' + "k" * 1000)
    # ...and of an open object is not buffered beyond the longest property name
    v = PrefixValidator({"type": "object", "properties": {"name": {"type": "string"}}})
    v.feed('{"')
    for _ in range(100):
        v.feed("k" * 1000)
    assert v._acc_len <= len("name") + 1
    v.feed('": 1}')
    v.finish()


def test_depth_limit_is_a_clean_error() -> None:
    v = PrefixValidator(True)
    with pytest.raises(strictschema.DecodeError, match="nesting"):
        v.feed("[" * 10_000)


def _corpus_soundness(corpus_dir: Any, subsets: list[str] | None, limit: int | None) -> dict:
    """Feed every labelled instance of the corpus (in 5 random pieces) against its source
    schema, and valid ones also as wire output against the compiled schema."""
    import random

    rng = random.Random(5)
    schemas = {}
    for f in sorted((corpus_dir / "schemas").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").split("\n"):  # not splitlines: U+2028
            if line.strip():
                d = json.loads(line)
                schemas[(f.stem, d["id"])] = d["schema"]
    stats = {"valid": 0, "invalid": 0, "caught_early": 0, "wire": 0}
    wrong: list[str] = []
    for f in sorted((corpus_dir / "instances").glob("*.jsonl")):
        if subsets is not None and f.stem not in subsets:
            continue
        lines = [x for x in f.read_text(encoding="utf-8").split("\n") if x.strip()]
        for n, line in enumerate(lines):
            if limit is not None and n >= limit:
                break
            d = json.loads(line)
            schema = schemas.get((f.stem, d["id"]))
            if schema is None:
                continue
            try:
                full = strictschema.Validator(schema)
                c = strictschema.compile(schema)
            except strictschema.StrictSchemaError:
                continue
            for t in d["tests"]:
                data = t["data"]
                ok = full.is_valid(data)
                text = json.dumps(data)
                cuts = rng.sample(range(len(text) + 1), min(5, len(text) + 1))
                try:
                    feed_in(PrefixValidator(schema), text, cuts)
                    raised = None
                except (strictschema.ValidationError, strictschema.DecodeError) as exc:
                    raised = exc
                if not ok:
                    stats["invalid"] += 1
                    stats["caught_early"] += raised is not None
                    continue
                stats["valid"] += 1
                if raised is not None:
                    wrong.append(f"{f.stem}/{d['id']}: {raised}")
                try:
                    wire = json.dumps(c.encode(data))
                except strictschema.ValidationError:
                    continue
                v = PrefixValidator(c.schema)
                try:
                    feed_in(v, wire, rng.sample(range(len(wire) + 1), min(9, len(wire) + 1)))
                    v.finish()
                except (strictschema.ValidationError, strictschema.DecodeError) as exc:
                    wrong.append(f"{f.stem}/{d['id']} (wire): {exc}")
                stats["wire"] += 1
    assert not wrong, "\n".join(wrong[:20])
    return stats


def test_corpus_sample_valid_outputs_never_rejected(corpus_dir: Any) -> None:
    stats = _corpus_soundness(corpus_dir, ["Glaiveai2K", "Github_easy"], 150)
    assert stats["valid"] > 100 and stats["wire"] > 100
    # most invalid outputs are already rejected before the text ends
    assert stats["caught_early"] >= stats["invalid"] // 2


@pytest.mark.slow
def test_corpus_valid_outputs_never_rejected(full_corpus_dir: Any) -> None:
    # full corpus (5-6 min): 12,760 valid instances, 0 rejected; 81 % of invalid caught
    stats = _corpus_soundness(full_corpus_dir, None, None)
    assert stats["valid"] > 10_000
    assert stats["caught_early"] >= stats["invalid"] * 3 // 4
