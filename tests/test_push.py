"""Push mode: the judge fed a JSON text chunk by chunk (``Validator(schema).push()``).

Two properties, over Hypothesis-drawn outputs of several wire schemas (nested objects, enums,
``anyOf`` with objects in both branches, recursion through ``$ref``, maps as entry arrays):

- it never rejects a valid output, however the text is split into chunks (bytes split
  inside a UTF-8 sequence included), and ``finish()`` returns what ``validate_json`` does;
- a mutant of a kind it can decide on a prefix (bad enum, wrong type, extra key, missing
  required key, too many items, out of range, null where not allowed) is rejected by the
  time its text ends, at the path the full validator reports, and ``finish()`` gives the
  full validator's error list.

Plus exact cases: where the error is raised (at the token that makes the prefix hopeless),
escapes and surrogate pairs, JSON syntax, depth, ``closing()``, long strings in chunks.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import pytest

import strictschema
from strictschema import DecodeError, ValidationError, Validator
from strictschema._validate._validator import MAX_DEPTH, PushValidator

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
JUDGES = {name: Validator(c.schema) for name, c in COMPILED.items()}


def push(schema: Any) -> PushValidator:
    return Validator(schema).push()


def feed_in(v: PushValidator, text: str | bytes, cuts: list[int]) -> None:
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
    raw: str | bytes = text.encode() if data.draw(st.booleans(), label="bytes") else text
    cuts = data.draw(st.lists(st.integers(0, len(raw)), max_size=20), label="cuts")
    v = JUDGES[name].push()
    feed_in(v, raw, cuts)
    assert v.complete and v.depth == 0
    assert v.finish() == JUDGES[name].validate_json(text) == value


DECIDABLE = ["bad_enum", "wrong_type", "extra_key", "missing_required", "too_many_items",
             "too_few_items", "out_of_range", "null_not_allowed"]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_decidable_mutants_are_caught_by_the_end_of_the_text(name: str, data: Any) -> None:
    c = COMPILED[name]
    m = data.draw(mutants(c, kinds=DECIDABLE), label="mutant")
    text = json.dumps(m.instance)
    with pytest.raises(ValidationError) as full:
        JUDGES[name].validate_json(text)
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=10), label="cuts")
    v = JUDGES[name].push()
    with pytest.raises(ValidationError) as early:
        feed_in(v, text, cuts)
    # same place as the full validator, or the anyOf that holds it
    where = early.value.errors[0].location
    assert where in {e.location for e in full.value.errors} | {
        tuple(m.path[:k]) for k in range(len(m.path) + 1)}


UNDECIDED = {  # what a prefix cannot decide (on containers): the verdict waits for finish()
    "type": "object",
    "properties": {"u": {"type": "array", "uniqueItems": True},
                   "n": {"not": {"type": "object", "maxProperties": 1}},
                   "c": {"type": "object", "if": {"required": ["a"]},
                         "then": {"required": ["b"]}}},
    "unevaluatedProperties": False,
}


@pytest.mark.parametrize("value", [
    {"u": [1, 2, 1]}, {"n": {}}, {"c": {"a": 1}}, {"zz": 1},
    {"u": [[1], [1]], "n": {"a": 1}, "c": {"a": 1}, "q": 1},
])
def test_finish_gives_the_judges_errors(value: Any) -> None:
    judge = Validator(UNDECIDED)
    text = json.dumps(value)
    with pytest.raises(ValidationError) as full:
        judge.validate_json(text)
    v = judge.push()
    for ch in text:
        v.feed(ch)
    assert v.complete
    with pytest.raises(ValidationError) as final:
        v.finish()
    assert final.value.errors == full.value.errors


def test_a_failed_text_takes_no_more_chunks() -> None:
    v = push({"type": "integer"})
    with pytest.raises(ValidationError):
        v.feed('"x"')
    with pytest.raises(ValueError, match="already failed"):
        v.feed("1")


def first_failure(schema: Any, text: str) -> tuple[int, ValidationError | DecodeError]:
    """Feed one character at a time: (index of the character that failed, the error)."""
    v = push(schema)
    for i, ch in enumerate(text):
        try:
            v.feed(ch)
        except (ValidationError, DecodeError) as exc:
            return i, exc
    raise AssertionError(f"no error for {text!r}")


ENUM = {"type": "object", "properties": {"c": {"enum": ["red", "green", "grey"]}},
        "required": ["c"], "additionalProperties": False}


@pytest.mark.parametrize(("text", "at", "path", "keyword"), [
    ('{"c": "gx"', 8, "$.c", "enum"),               # no member starts with "gx"
    ('{"c": "gre', None, None, None),               # "green" and "grey" still possible
    ('{"c": "gre"', 10, "$.c", "enum"),
    ('{"c": "greeny"', 12, "$.c", "enum"),
    ('{"c": 1,', 6, "$.c", "enum"),                 # no member is a number
    ('{"cx"', 3, "$", "additionalProperties"),      # no property name starts with "cx"
    ('{"c": "red", "c"', 15, "$.c", None),          # duplicate key: a DecodeError
    ('{}', 1, "$", "required"),
])
def test_where_errors_are_raised(text: str, at: int | None, path: str | None,
                                 keyword: str | None) -> None:
    if at is None:
        v = push(ENUM)
        v.feed(text)
        assert not v.complete
        return
    i, exc = first_failure(ENUM, text)
    assert i == at
    assert exc.json_path == path
    if keyword is None:
        assert isinstance(exc, DecodeError) and "duplicate" in str(exc)
    else:
        assert isinstance(exc, ValidationError) and exc.keyword == keyword


@pytest.mark.parametrize(("schema", "text", "at"), [
    (ENUM, '{"c": "gx', 8),
    (ENUM, '{"cx', 3),
    ({"type": "string", "maxLength": 3}, '"abcd', 4),
])
def test_strings_are_decided_at_the_first_impossible_character(schema: Any, text: str,
                                                               at: int) -> None:
    i, _ = first_failure(schema, text)
    assert i == at


@pytest.mark.parametrize("text", ['{"c": 1', '{"c": t', '{"c": [', '{"c": {'])
def test_enum_refuses_a_kind_it_has_no_member_of_at_once(text: str) -> None:
    i, exc = first_failure(ENUM, text)
    assert (i, exc.json_path) == (6, "$.c")


@pytest.mark.parametrize(("text", "at", "message"), [
    ('{"s": 1', 6, "a number is not of the type"),
    ('{"s": t', 6, "true is not of the type"),
    ('{"s": [', 6, "an array is not of the type"),
    ('{"n": "', 6, "a string is not of the type"),
    ('{"n": 7,', 7, "greater than the maximum of 5"),
    ('{"a": [1, 2', 8, "more than 1 items"),  # the comma: a second item must follow
    ('{"s": "a"}x', 10, "extra data"),
])
def test_typed_values_fail_at_their_first_byte(text: str, at: int, message: str) -> None:
    schema = {"type": "object", "properties": {
        "s": {"type": "string"}, "n": {"type": "integer", "maximum": 5},
        "a": {"type": "array", "maxItems": 1}}, "additionalProperties": False}
    i, exc = first_failure(schema, text)
    assert i == at and message in str(exc)


@pytest.mark.parametrize(("schema", "text", "path"), [
    ({"type": "array", "items": {"type": "object", "required": ["key"]}}, '[{"v": 0}]', "$[0]"),
    ({"properties": {"t": {"type": "object", "required": ["key"]}}}, '{"t": {"v": 0}}', "$.t"),
    ({"properties": {"t": {"type": "array", "minItems": 1}}}, '{"t": []}', "$.t"),
    ({"properties": {"t": {"type": "object", "minProperties": 2}}}, '{"t": {"a": 1}}', "$.t"),
])
def test_closing_error_path(schema: Any, text: str, path: str) -> None:
    with pytest.raises(ValidationError) as full:
        Validator(schema).validate_json(text)
    assert full.value.json_path == path
    with pytest.raises(ValidationError) as early:
        push(schema).feed(text)
    assert early.value.json_path == path


def test_anyof_branch_dies_with_its_descendant() -> None:
    schema = COMPILED["shapes"].schema
    # "w" exists only in the rect branch, so kind must then be "rect"
    _, exc = first_failure(schema, '{"shape": {"w": 3, "kind": "circle"')
    assert exc.json_path == "$.shape.kind"
    # and a rect with h over its maximum is decided when the number ends
    i, exc = first_failure(schema, '{"shape": {"kind": "rect", "w": 1, "h": 101,')
    assert i == len('{"shape": {"kind": "rect", "w": 1, "h": 101')
    assert exc.json_path == "$.shape.h" and exc.keyword == "maximum"


def test_recursion_through_ref() -> None:
    c = COMPILED["order"]
    deep: dict[str, Any] = {"id": 0, "items": [], "note": None, "tags": [], "child": None}
    for n in range(1, 30):
        deep = {"id": n, "items": [], "note": None, "tags": [], "child": deep}
    text = json.dumps(deep)
    v = push(c.schema)
    v.feed(text)
    assert v.finish() == deep
    bad = text.replace('"id": 3,', '"id": "3",')
    with pytest.raises(ValidationError) as info:
        push(c.schema).feed(bad)
    assert info.value.json_path == "$" + ".child" * 26 + ".id"


def test_escapes_and_surrogate_pairs_match_enum_members() -> None:
    schema = COMPILED["scalars"].schema
    ok = '{"n": null, "i": -3, "b": true, "s": "\\u00e9\\n\\"\\ud83d\\ude00!", '
    v = push(schema)
    for ch in ok + '"e": "\\ud83d\\ude00y"}':
        v.feed(ch)
    assert v.finish()["e"] == "\U0001f600y"
    v = push(schema)
    v.feed(ok + '"e": "quote\\"d"}')
    assert v.finish()["s"] == "\u00e9\n\"\U0001f600!"
    with pytest.raises(ValidationError):
        push(schema).feed(ok + '"e": "\\ud83d\\ude01y"')


def test_bytes_split_inside_utf8_sequences() -> None:
    schema = COMPILED["scalars"].schema
    value = {"n": 1.5, "i": 0, "b": False, "s": "é\U0001f600", "e": "\U0001f600y"}
    raw = json.dumps(value, ensure_ascii=False).encode()
    for cut in range(len(raw) + 1):
        v = push(schema)
        v.feed(raw[:cut])
        v.feed(raw[cut:])
        assert v.finish() == value
    bad = raw.replace("\U0001f600y".encode(), "\U0001f601y".encode())
    for cut in range(len(bad) + 1):
        with pytest.raises(ValidationError, match="is not one of"):
            v = push(schema)
            v.feed(bad[:cut])
            v.feed(bad[cut:])
    with pytest.raises(DecodeError, match="UTF-8") as info:
        push(True).feed(b'["\xff"]')
    assert (info.value.position, info.value.json_path) == (2, "$[0]")


def test_invalid_utf8_fails_at_the_byte() -> None:
    with pytest.raises(DecodeError, match="UTF-8"):
        push(True).feed(b'["\xff')
    # a sequence cut by the chunk's end waits for its next byte, and fails at a wrong one
    for good, bad in [(b"\xc3", b"("), (b"\xe2\x82", b"\xc3"), (b"\xf0\x9f", b"\x98\xc3"),
                      (b"\xed", b"\xa0\x80"), (b"\xf0", b"\x8f")]:
        v = push(True)
        v.feed(b'{"k": "ab' + good)
        with pytest.raises(DecodeError, match="UTF-8") as info:
            v.feed(bad)
        assert (info.value.position, info.value.json_path) == (9, "$.k")
    # a str chunk cannot finish a sequence a bytes chunk left open
    v = push(True)
    v.feed(b'["\xc3')
    with pytest.raises(DecodeError, match="UTF-8"):
        v.feed("\u00a9")
    # nor can the string end inside one (a key's included)
    with pytest.raises(DecodeError, match="UTF-8"):
        push(True).feed(b'{"\xe2\x82"')


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
    with pytest.raises(ValidationError) as info:
        push(schema).feed(text + ",")
    assert info.value.keyword == keyword


def test_integer_accepts_integral_decimals() -> None:
    schema = COMPILED["scalars"].schema
    v = push(schema)
    v.feed('{"n": 1.0e0, "i": 2.0, "b": false, "s": "", "e": "x\u00e9"}')
    assert v.finish()["i"] == 2.0


@pytest.mark.parametrize("text", ['{"a" 1}', '{"a": 01}', '{"a": tru3}', '[1,]', '{"a": 1,}',
                                  '{"a": "\\x"}', '{"a": "\x01"}', '{"a": -}', '{} x',
                                  '{"a": "\\udc00"}', '{"a": 1e}', "{'a': 1}", "NaN",
                                  '[1e400]', '{"a": 1, "a": 1}'])
def test_json_syntax_errors_are_decode_errors(text: str) -> None:
    with pytest.raises(DecodeError):
        Validator(True).validate_json(text)
    v = push(True)
    with pytest.raises(DecodeError):
        v.feed(text)
        v.finish()


def test_truncated_text_is_not_complete() -> None:
    v = push(True)
    v.feed('{"a": [1, 2')
    assert not v.complete and v.depth == 2 and v.pos == len('{"a": [1, 2')
    with pytest.raises(DecodeError, match="truncated"):
        v.finish()
    v = push(True)
    with pytest.raises(DecodeError, match="truncated"):
        v.finish()


@pytest.mark.parametrize(("text", "closing"), [
    ("", None),
    ("{", (1, "}")),
    ('{"a', (1, "}")),
    ('{"a": [1, 2', (11, "]}")),
    ('{"a": [1, 2,', (11, "]}")),
    ('{"s": "abc', (10, '"}')),
    ('{"s": "ab\\u00', (9, '"}')),
    ('{"a": [tr', (7, "]}")),
    ('{"a": [1, 2], "s": "x"}', (23, "")),
])
def test_closing_says_how_to_close_the_prefix(text: str, closing: Any) -> None:
    v = push({"type": "object", "properties": {"a": {"type": "array"},
                                               "s": {"type": "string"}}})
    v.feed(text)
    assert v.closing() == closing
    if closing is not None:
        cut, suffix = closing
        json.loads(text[:cut] + suffix)  # JSON


def test_long_strings_in_chunks() -> None:
    schema = COMPILED["order"].schema
    v = push(schema)
    v.feed('{"id": 1, "items": [{"sku": "')
    for _ in range(200):
        v.feed("x" * 5000)
    v.feed('", "qty": 1, "color": "')
    v.feed("r")
    with pytest.raises(ValidationError, match="is not one of"):
        v.feed('edd"')
    # a huge unknown key of a closed object fails when it closes...
    with pytest.raises(ValidationError, match="Additional properties are not allowed"):
        push(schema).feed('{"' + "k" * 100_000 + '"')
    # ...and of an open object is fine
    v = push({"type": "object", "properties": {"name": {"type": "string"}}})
    v.feed('{"')
    for _ in range(100):
        v.feed("k" * 1000)
    v.feed('": 1}')
    assert v.finish() == {"k" * 100_000: 1}


def test_depth_limit_is_a_clean_error() -> None:
    v = push(True)
    with pytest.raises(DecodeError, match="nested deeper than 512") as info:
        v.feed("[" * 10_000)
    assert info.value.position == MAX_DEPTH
    v = push(True)
    v.feed("[" * MAX_DEPTH)
    v.feed("]" * MAX_DEPTH)
    assert v.complete


def _corpus_soundness(corpus_dir: Any, subsets: list[str] | None, limit: int | None) -> dict:
    """Feed every labelled instance of the corpus (in 5 random pieces) against its source
    schema, and valid ones also as wire output against the compiled schema: a valid output
    is never refused, and ``finish()`` agrees with ``is_valid`` on every one."""
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
                full = Validator(schema)
                c = strictschema.compile(schema)
            except strictschema.StrictSchemaError:
                continue
            for t in d["tests"]:
                data = t["data"]
                ok = full.is_valid(data)
                text = json.dumps(data)
                cuts = rng.sample(range(len(text) + 1), min(5, len(text) + 1))
                v = full.push()
                try:
                    feed_in(v, text, cuts)
                    raised = None
                except (ValidationError, DecodeError) as exc:
                    raised = exc
                if raised is None:
                    try:
                        v.finish()
                        final = True
                    except ValidationError:
                        final = False
                    if final != ok:
                        wrong.append(f"{f.stem}/{d['id']}: finish() says {final}")
                if not ok:
                    stats["invalid"] += 1
                    stats["caught_early"] += raised is not None
                    continue
                stats["valid"] += 1
                if raised is not None:
                    wrong.append(f"{f.stem}/{d['id']}: {raised}")
                try:
                    wire = json.dumps(c.encode(data))
                except ValidationError:
                    continue
                v = Validator(c.schema).push()
                try:
                    feed_in(v, wire, rng.sample(range(len(wire) + 1), min(9, len(wire) + 1)))
                    v.finish()
                except (ValidationError, DecodeError) as exc:
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
    # full corpus: no valid instance rejected; most invalid ones caught before finish()
    stats = _corpus_soundness(full_corpus_dir, None, None)
    assert stats["valid"] > 10_000
    assert stats["caught_early"] >= stats["invalid"] * 3 // 4


@pytest.mark.parametrize("schema", [{"type": "array", "maxItems": 0}, {"maxItems": 0}])
def test_an_empty_array_under_max_items_0(schema: Any) -> None:
    assert Validator(schema).validate_json("[]") == []
    v = push(schema)
    v.feed("[]")
    assert v.finish() == []


@pytest.mark.parametrize("text", ['{"a": [], "c": {"id": "x"}}', '{"a": [], "c": 5}'])
def test_a_value_after_an_empty_array_is_checked_early(text: str) -> None:
    schema = {"type": "object", "properties": {"a": {"type": "array"}, "c": {
        "type": "object", "properties": {"id": {"type": "integer"}}}}}
    with pytest.raises(ValidationError):
        push(schema).feed(text)


def test_duplicate_keys_among_many_and_long_keys() -> None:
    # past 16 keys the object's keys are hashed; keys longer than 8 bytes share a head
    keys = [f"property_{i:03d}" for i in range(40)]
    text = "{" + ", ".join(f'"{k}": {i}' for i, k in enumerate(keys))
    v = push(True)
    v.feed(text)
    v.feed("}")
    assert v.finish() == {k: i for i, k in enumerate(keys)}
    for dup in (keys[0], keys[20], keys[39]):
        v = push(True)
        v.feed(text)
        with pytest.raises(DecodeError, match="duplicate key") as info:
            v.feed(f', "{dup}": 0')
        assert info.value.position == len(text) + 2
    with pytest.raises(DecodeError, match="duplicate key"):
        push(True).feed('{"abcdefgh": 1, "abcdefgh": 2')
    for dup in ('"ab"', '"\\u0061bcdefghi"'):  # escaped keys are compared decoded
        v = push(True)
        v.feed('{"abcdefgh": 1, "abcdefghi": 2, "abcdefgi": 3, "a\\u0062": 4')
        with pytest.raises(DecodeError, match="duplicate key"):
            v.feed(f", {dup}: 5")


BOUNDS = {"type": "object", "properties": {
    "i": {"type": "integer", "minimum": -3, "exclusiveMaximum": 1000},
    "x": {"type": "number", "minimum": 0.1, "maximum": 2.5},
    "y": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1e16},
    "z": {"anyOf": [{"type": "integer", "multipleOf": 3}, {"type": "null"}]}}}


@settings(max_examples=300, deadline=None)
@given(key=st.sampled_from(["i", "x", "y", "z"]),
       num=st.one_of(st.integers(-10, 2000), st.integers(-10**20, 10**20),
                     st.decimals(-10, 10, places=20, allow_nan=False, allow_infinity=False),
                     st.sampled_from(["0.1", "0.09999999999999999999", "0.1000000000000000001",
                                      "2.5", "2.50000000000000001", "0", "0.0", "-0.0", "999",
                                      "1000", "1000.0", "-3", "-3.0000000001", "1e16", "3",
                                      "9999999999999999.5", "6.0", "0.00000"])))
def test_scalars_judged_on_their_bytes_agree_with_the_judge(key: str, num: Any) -> None:
    text = f'{{"{key}": {num}}}'
    judge = Validator(BOUNDS)
    v = push(BOUNDS)
    try:
        v.feed(text)
        v.finish()
        pushed = True
    except ValidationError:
        pushed = False
    assert pushed == judge.is_valid_json(text), text


def test_str_chunks_of_every_width() -> None:
    value = {"a": "caf\u00e9 \u00ff", "b": "\u0100\u03a9\u4e2d", "c": "\U0001f600 x", "d": "plain"}
    text = json.dumps(value, ensure_ascii=False)
    for size in (1, 2, 3, 7, 64):
        v = push(True)
        for i in range(0, len(text), size):
            v.feed(text[i:i + size])
        assert v.finish() == value
        assert v.pos == len(text)

    class Text(str):
        pass

    v = push(True)
    v.feed(Text(text))
    assert v.finish() == value


def test_a_lone_surrogate_in_a_str_chunk_is_a_decode_error() -> None:
    v = push(True)
    v.feed('["ok", "a')
    with pytest.raises(DecodeError, match="lone surrogate") as info:
        v.feed("b\ud800c")
    assert (info.value.position, info.value.json_path) == (10, "$[1]")
    # what comes before it is read first
    with pytest.raises(DecodeError, match="expected a JSON value"):
        push(True).feed("[x\ud800]")
