"""The residual of the original schema (``_residual``): what a wire-valid output still has to
be checked for after decoding, and the verdict-only path (``Compiled._acceptor``) built on it.

Soundness is the point: for every wire-valid output, the residual accepts the decoded data
exactly when the whole original schema does. Hand-written cases pin what is left out and
what is kept; a property test compares the two verdicts on wire outputs drawn from the wire
schema alone (so they break what the wire could not carry), over tricky schemas and a
sample of the real-world corpus.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import HypothesisException

import strictschema
from _corpus import stride
from strictschema import ValidationError
from strictschema._codec import IDENTITY
from strictschema._residual import residual_schema
from strictschema.strategies import _target

REPO = Path(__file__).resolve().parent.parent
INVOICE = json.loads((REPO / "schemas" / "invoice.json").read_text())


def residual(schema: Any) -> Any:
    c = strictschema.compile(schema)
    return residual_schema(c._source.schema, c._source.draft, c._wire, c._codec)


def body(doc: Any) -> Any:
    """The residual without its carried ``$schema`` / ``$defs``, and the residual
    definitions that check something."""
    if not isinstance(doc, dict):
        return doc, {}
    defs = {k: v for k, v in doc.get("$defs", {}).items()
            if k.startswith("_residual") and v is not True}
    return {k: v for k, v in doc.items() if k not in ("$schema", "$defs")}, defs


# -- what is left out, what is kept ---------------------------------------------------------

def test_invoice_keeps_only_what_the_wire_cannot_carry() -> None:
    # patterns, formats, enums, bounds, required keys, the closed Line, the map's values,
    # the oneOf of discounts (disjoint closed objects, sent as anyOf): all proven by the wire
    assert body(residual(INVOICE)) == ({"properties": {"tags": {"uniqueItems": True}}}, {})


def test_an_exact_compile_needs_no_residual() -> None:
    schema = {"type": "object", "properties": {
        "name": {"type": "string", "pattern": "^[a-z]+$"},
        "n": {"type": "integer", "minimum": 1},
        "kind": {"enum": ["a", "b"]},
        "opt": {"type": "string", "format": "email"}},
        "required": ["name", "n", "kind"], "additionalProperties": False}
    assert residual(schema) is True


def test_optional_keys_stay_required_only_if_the_decoder_keeps_them() -> None:
    # 'a' is optional in the source: no 'required' for it; 'b' is required: proven
    schema = {"type": "object", "properties": {"a": {"type": "string"},
                                               "b": {"type": "string"}},
              "required": ["b"]}
    assert residual(schema) is True


def test_additional_properties_kept_lists_every_property_name() -> None:
    # an open wire object (hand-made: the compiler closes every object) cannot prove
    # additionalProperties; kept, it needs 'properties' to name every key, proven ones `true`
    source = {"type": "object", "properties": {"a": {"type": "string"},
                                               "b": {"type": "string", "minLength": 2}},
              "additionalProperties": {"type": "integer"}}
    wire = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "additionalProperties": {"type": "integer", "minimum": 0}}
    assert residual_schema(source, "draft2020-12", wire, IDENTITY) == {
        "properties": {"a": True, "b": {"minLength": 2}},
        "additionalProperties": {"type": "integer"}}
    # closed, with no key beyond 'properties': proven
    wire["additionalProperties"] = False
    assert residual_schema(source, "draft2020-12", wire, IDENTITY) == {
        "properties": {"b": {"minLength": 2}}}


def test_a_schema_of_annotations_only_is_proven() -> None:
    schema = {"type": "object", "properties": {"any": {"description": "anything"}}}
    assert body(residual(schema)) == (True, {})


def test_one_of_that_may_match_twice_is_kept() -> None:
    schema = {"type": "object", "properties": {
        "v": {"oneOf": [{"type": "number"}, {"type": "integer"}]}},
        "required": ["v"], "additionalProperties": False}
    c = strictschema.compile(schema)
    with pytest.raises(ValidationError) as exc:
        c.validate_json(b'{"v": 1}')
    assert {e.keyword for e in exc.value.errors} == {"oneOf"}
    assert c.validate_json(b'{"v": 1.5}') == {"v": 1.5}
    assert c._acceptor()(b'{"v": 1}') is not True


def test_recursive_residual_follows_the_recursion() -> None:
    schema = {"$defs": {"Node": {"type": "object", "properties": {
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
        "required": ["tags", "children"], "additionalProperties": False}},
        "$ref": "#/$defs/Node"}
    c = strictschema.compile(schema)
    ok = b'{"tags": ["a"], "children": [{"tags": ["b", "c"], "children": []}]}'
    deep_dup = b'{"tags": ["a"], "children": [{"tags": ["b", "b"], "children": []}]}'
    assert c.validate_json(ok)["children"][0]["tags"] == ["b", "c"]
    with pytest.raises(ValidationError) as exc:
        c.validate_json(deep_dup)
    assert [e.json_path for e in exc.value.errors] == ["$.children[0].tags"]
    assert c._acceptor()(ok) is True
    assert c._acceptor()(deep_dup) is not True


def test_recursive_any_of_of_closed_objects_is_proven() -> None:
    # proving 'node' needs 'node' (through children): assumed while it is being built, and
    # the assumption holds, so nothing is left to check after the wire schema
    schema = {"$defs": {
        "node": {"anyOf": [{"$ref": "#/$defs/box"}, {"$ref": "#/$defs/text"}]},
        "box": {"type": "object", "properties": {
            "kind": {"const": "box"},
            "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
            "required": ["kind", "children"], "additionalProperties": False},
        "text": {"type": "object", "properties": {
            "kind": {"const": "text"}, "body": {"type": "string", "maxLength": 20}},
            "required": ["kind", "body"], "additionalProperties": False}},
        "type": "object", "properties": {"root": {"$ref": "#/$defs/node"}},
        "required": ["root"], "additionalProperties": False}
    assert residual(schema) is True
    # texts with tags the wire cannot keep unique: the assumption fails, 'node' is rebuilt
    # and checked wherever it recurs
    schema["$defs"]["text"]["properties"]["tags"] = {
        "type": "array", "items": {"type": "string"}, "uniqueItems": True}
    schema["$defs"]["text"]["required"].append("tags")
    c = strictschema.compile(schema)
    deep = (b'{"root": {"kind": "box", "children": [{"kind": "box", "children": ['
            b'{"kind": "text", "body": "hi", "tags": ["a", "a"]}]}]}}')
    with pytest.raises(ValidationError) as exc:
        c.validate_json(deep)
    assert exc.value.errors[0].json_path == "$.root"  # anyOf: no branch holds
    assert c._acceptor()(deep) is not True
    assert c._acceptor()(deep.replace(b'"a", "a"', b'"a", "b"')) is True


def test_map_values_keep_what_the_wire_drops() -> None:
    schema = {"type": "object", "properties": {"m": {
        "type": "object", "additionalProperties": {"type": "string", "minLength": 2},
        "maxProperties": 2}}, "required": ["m"]}
    c = strictschema.compile(schema)
    good = b'{"m": [{"key": "a", "value": "xy"}]}'
    assert c.validate_json(good) == {"m": {"a": "xy"}}
    for bad in (b'{"m": [{"key": "a", "value": "x"}]}',
                (b'{"m": [{"key": "a", "value": "xy"}, {"key": "b", "value": "xy"},'
                 b' {"key": "c", "value": "xy"}]}'),
                b'{"m": [{"key": "a", "value": "xy"}, {"key": "a", "value": "zz"}]}'):
        with pytest.raises(ValidationError):
            c.validate_json(bad)
        assert c._acceptor()(bad) is not True
    assert c._acceptor()(good) is True


DRAFT4 = "http://json-schema.org/draft-04/schema#"


def test_draft_04_keeps_integer_and_exclusive_bounds() -> None:
    """Draft-04: ``1.0`` is no integer and a boolean ``exclusiveMaximum`` makes
    ``maximum`` exclusive; the wire (2020-12) proves neither, so the residual keeps both."""
    schema = {"$schema": DRAFT4, "type": "object", "properties": {
        "a": {"type": "integer"}, "n": {"type": "number"},
        "p": {"type": "number", "maximum": 5, "exclusiveMaximum": True},
        "q": {"type": "number", "minimum": 1}},
        "required": ["a", "n", "p", "q"], "additionalProperties": False}
    r = residual(schema)
    assert r is not None and r is not True
    assert r["properties"]["a"] == {"type": "integer"}
    assert r["properties"]["p"] == {"maximum": 5, "exclusiveMaximum": True}
    assert set(r["properties"]) == {"a", "p"}
    c = strictschema.compile(schema)
    assert c.validate_json(b'{"a": 1, "n": 1.0, "p": 4.5, "q": 1}') == {
        "a": 1, "n": 1.0, "p": 4.5, "q": 1}
    for bad in (b'{"a": 1.0, "n": 1, "p": 1, "q": 1}', b'{"a": 1, "n": 1, "p": 5, "q": 1}'):
        with pytest.raises(ValidationError):
            c.validate_json(bad)
        assert c._acceptor()(bad) is not True


@pytest.mark.parametrize("schema", [
    {"$schema": DRAFT4, "type": "object", "id": "https://example.com/s",
     "properties": {"a": {"type": "integer"}}},
    {"type": "object", "$id": "https://example.com/s",
     "properties": {"a": {"type": "string"}}},
    {"type": "object", "properties": {"a": {"$anchor": "x", "type": "string"}}},
    {"type": "object", "properties": {"a": {"type": "string"},
                                      "b": {"$ref": "#/properties/a"}}},
], ids=["draft-04-id", "$id", "$anchor", "ref-into-the-root-body"])
def test_no_residual_where_references_could_resolve_differently(schema: Any) -> None:
    assert residual(schema) is None
    c = strictschema.compile(schema)  # the whole original schema is checked instead
    assert c._residual_validator() is c._validators()[1]


def test_errors_of_a_wire_invalid_output_name_every_broken_constraint() -> None:
    schema = {"type": "object", "properties": {
        "name": {"type": "string", "minLength": 3},
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True}},
        "required": ["name", "tags"], "additionalProperties": False}
    c = strictschema.compile(schema)
    with pytest.raises(ValidationError) as exc:
        c.validate_json(b'{"name": "ab", "tags": ["x", "x"], "extra": 1}')
    assert {(e.json_path, e.keyword) for e in exc.value.errors} == {
        ("$", "additionalProperties"), ("$.name", "minLength"), ("$.tags", "uniqueItems")}


# -- the verdicts agree: residual vs the whole original schema ----------------------------

TRICKY = [
    INVOICE,
    {"$schema": DRAFT4, "type": "object", "properties": {
        "i": {"type": "integer", "maximum": 10, "exclusiveMaximum": True},
        "j": {"type": ["integer", "null"], "minimum": 0, "exclusiveMinimum": True},
        "s": {"type": "array", "items": {"type": "integer"}},
        "e": {"$ref": "#/definitions/E", "description": "ignored beside $ref"}},
     "definitions": {"E": {"enum": [1, 2.5, "x"]}},
     "required": ["i"]},
    {"type": "object", "properties": {
        "v": {"oneOf": [{"type": "string", "maxLength": 3}, {"type": "string", "minLength": 2}]},
        "w": {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]},
        "s": {"type": "array", "items": {"type": "integer"}, "uniqueItems": True,
              "minItems": 1}},
     "required": ["v"]},
    {"type": "object", "properties": {
        "m": {"type": "object", "additionalProperties": {"type": "integer", "multipleOf": 3}},
        "t": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}],
              "items": False},
        "any": {}},
     "required": ["m"]},
    {"$defs": {"N": {"type": "object", "properties": {
        "k": {"enum": ["a", "b", 1]},
        "kids": {"type": "array", "items": {"$ref": "#/$defs/N"}, "maxItems": 2}},
        "required": ["k"], "minProperties": 1}},
     "type": "object", "properties": {"root": {"$ref": "#/$defs/N"},
                                      "d": {"type": "string", "format": "date",
                                            "not": {"const": "2020-01-01"}}}},
]


def _agree(c: Any, examples: int, seconds: int = 30) -> int:
    """Draw wire outputs from the wire schema alone; the residual's verdict, the whole
    schema's and the acceptor's agree, and the generated decoder matches the codec's."""
    source_v = c._validators()[1]
    res = c._residual_validator()
    accepts = c._acceptor()
    checked = [0]

    def check(w: Any) -> None:
        try:
            data = c._codec.decode(w)
        except ValidationError:
            return
        assert c._fast_decode(w) == data
        full = source_v.is_valid(data)
        assert (res is None or res.is_valid(data)) == full, (w, data)
        raw = json.dumps(w).encode()
        assert (accepts(raw) is True) == full, (w, data)
        checked[0] += 1

    strategy = _target(c, "openai", 3, 4).wire_outputs(checked=False)
    run = given(strategy)(settings(max_examples=examples, deadline=None, database=None,
                                   phases=[Phase.generate],
                                   suppress_health_check=list(HealthCheck))(check))

    def timeout(*_: Any) -> None:
        raise TimeoutError

    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(seconds)
    try:
        run()
    except (TimeoutError, HypothesisException):
        pass  # slow or ungeneratable: what was checked stands
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return checked[0]


@pytest.mark.parametrize("schema", TRICKY, ids=["invoice", "draft-04", "alternatives", "maps-tuples",
                                                "recursive-enum-not"])
def test_residual_verdict_is_the_whole_schemas(schema: Any) -> None:
    c = strictschema.compile(schema)
    assert _agree(c, 150) > 20


def _corpus_sample(corpus: Path, every: int) -> list[tuple[str, Any]]:
    out = []
    for path in sorted((corpus / "schemas").glob("*.jsonl")):
        with open(path) as f:
            for i, line in enumerate(f):
                if i % every == 0:
                    record = json.loads(line)
                    out.append((f"{path.stem}/{record['id']}", record["schema"]))
    return out


@pytest.mark.parametrize("every,sample_every,examples", [
    pytest.param(120, 4, 15, id="sample"),
    pytest.param(3, 1, 30, id="wide", marks=pytest.mark.slow),
])
def test_residual_verdicts_agree_over_the_corpus(corpus_dir: Path, every: int, sample_every: int,
                                                 examples: int) -> None:
    with_residual = checked = 0
    for sid, schema in _corpus_sample(corpus_dir, stride(corpus_dir, every, sample_every)):
        try:
            c = strictschema.compile(schema)
        except (strictschema.StrictSchemaError, RecursionError):
            continue
        if c._residual_validator() is c._validators()[1]:
            continue  # no residual: the whole schema is checked, nothing to compare
        with_residual += 1
        try:
            checked += _agree(c, examples, seconds=10)
        except AssertionError as exc:
            raise AssertionError(f"{sid}: {exc}") from None
    assert with_residual > 10 and checked > 100
