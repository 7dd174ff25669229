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
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import HypothesisException

import strictschema
from _corpus import stride
from strictschema import ValidationError
from strictschema._compile._codec import IDENTITY
from strictschema._compile._residual import residual_model
from strictschema._validate._validator import Validator
from strictschema.strategies import _target

REPO = Path(__file__).resolve().parent.parent
INVOICE = json.loads((REPO / "schemas" / "invoice.json").read_text())

_ONE = ("ref", "items", "contains", "additionalProperties", "propertyNames", "not", "if",
        "then", "else", "unevaluatedItems", "unevaluatedProperties")
_MANY = ("prefixItems", "allOf", "anyOf", "oneOf")
_PAIRS = ("properties", "patternProperties", "dependentSchemas")


def shown(model: Any, i: int | None = None, seen: tuple[int, ...] = ()) -> Any:
    """A residual model written out as a schema, to read in assertions: nodes nested in
    place (``{"$node": i}`` where one recurs), a lone ``ref`` replaced by its target."""
    if not hasattr(model, "nodes"):
        return model  # True / None
    i = model.root if i is None else i
    n = model.nodes[i]
    if "bool" in n:
        return n["bool"]
    if i in seen:
        return {"$node": i}
    seen = (*seen, i)
    if set(n) - {"path", "res"} == {"ref"}:
        return shown(model, n["ref"], seen)
    out: dict[str, Any] = {}
    for k, v in n.items():
        if k in ("path", "res"):
            continue
        out[k] = ({a: shown(model, b, seen) for a, b in v} if k in _PAIRS
                  else shown(model, v, seen) if k in _ONE
                  else [shown(model, b, seen) for b in v] if k in _MANY else v)
    return out


def _model(schema: Any) -> Any:
    return Validator._trusted(schema)._model


def residual(schema: Any) -> Any:
    c = strictschema.compile(schema)
    return shown(residual_model(c._validators()[1]._model, c._validators()[0]._model,
                                c._codec))


# -- what is left out, what is kept ---------------------------------------------------------

def test_invoice_keeps_only_what_the_wire_cannot_carry() -> None:
    # patterns, formats, enums, bounds, required keys, the closed Line, the map's values,
    # the oneOf of discounts (disjoint closed objects, sent as anyOf): all proven by the wire
    assert residual(INVOICE) == {"properties": {"tags": {"uniqueItems": True}}}


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
    assert shown(residual_model(_model(source), _model(wire), IDENTITY)) == {
        "properties": {"a": True, "b": {"minLength": 2}},
        "additionalProperties": {"type": "integer"}}
    # closed, with no key beyond 'properties': proven
    wire["additionalProperties"] = False
    assert shown(residual_model(_model(source), _model(wire), IDENTITY)) == {
        "properties": {"b": {"minLength": 2}}}


def test_a_schema_of_annotations_only_is_proven() -> None:
    schema = {"type": "object", "properties": {"any": {"description": "anything"}}}
    assert residual(schema) is True


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


SHAPES = {"type": "object", "required": ["dimensions"], "additionalProperties": False,
          "properties": {"dimensions": {"type": "object", "oneOf": [
              {"required": ["radius"], "properties": {"radius": {"type": "number"}}},
              {"required": ["length", "width"], "properties": {
                  "length": {"type": "number"}, "width": {"type": "number"}}},
              {"required": ["base", "height"], "properties": {
                  "base": {"type": "number"}, "height": {"type": "number"}}}]}}}


def test_one_of_each_wire_branch_meets_once_is_proven() -> None:
    """Open branches that may overlap in the source, compiled to closed wire branches:
    each wire branch implies one source branch and, lacking a key each other one
    requires, refutes the rest, so exactly one holds: nothing is left to check."""
    assert residual(SHAPES) is True  # (type: object holds in every wire branch)
    c = strictschema.compile(SHAPES)
    assert c.validate_json('{"dimensions": {"radius": 5.0}}') == {"dimensions": {"radius": 5.0}}
    assert _agree(c, 100) > 20
    # a wire branch that meets two source branches (the second's keys include the
    # first's): the oneOf stays, and refuses what meets both
    nested = {"type": "object", "required": ["d"], "additionalProperties": False,
              "properties": {"d": {"type": "object", "oneOf": [
                  {"required": ["a"], "properties": {"a": {"type": "number"}}},
                  {"required": ["a", "b"], "properties": {"a": {"type": "number"},
                                                          "b": {"type": "string"}}}]}}}
    assert "oneOf" in json.dumps(residual(nested))
    c = strictschema.compile(nested)
    with pytest.raises(ValidationError):
        c.validate_json('{"d": {"a": 1, "b": "x"}}')
    assert _agree(c, 100) > 20


def test_one_of_told_apart_by_a_required_members_value_is_proven() -> None:
    """GeoJSON's shape: open branches told apart by the value of a member only the parent
    requires. Each closed wire branch requires that member with its one value, which
    refutes every other branch's; the parent's required names hold in every wire branch."""
    geo = {"type": "object", "required": ["g"], "additionalProperties": False, "properties": {
        "g": {"type": "object", "required": ["type", "at"], "oneOf": [
            {"properties": {"type": {"enum": ["Point"]}, "at": {"type": "number"}}},
            {"properties": {"type": {"enum": ["Line"]}, "at": {"type": "array",
                                                             "items": {"type": "number"}}}},
        ]}}}
    assert residual(geo) is True
    c = strictschema.compile(geo)
    assert c.validate_json('{"g": {"type": "Line", "at": [1, 2]}}') == {
        "g": {"type": "Line", "at": [1, 2]}}
    assert _agree(c, 100) > 20


def test_a_union_decoded_branch_by_branch_is_proven_through_each_branch() -> None:
    """A union of objects with optional members (each branch decoded by its own codec: a
    wire null to absent) whose types the wire splits into a union of its own: each wire
    branch, decoded by its codec, meets its source branch, and a keyword holds where it
    holds in every branch of the wire's split, so nothing is left to check."""
    union = {"type": "object", "required": ["xs"], "additionalProperties": False,
             "properties": {"xs": {"type": "array", "items": {"anyOf": [
                 {"type": "object", "required": ["k"], "additionalProperties": False,
                  "properties": {"k": {"enum": ["a"]}, "n": {"type": "number", "enum": [1, 2]}}},
                 {"type": "object", "required": ["k"], "additionalProperties": False,
                  "properties": {"k": {"enum": ["b"]},
                                 "m": {"type": ["string", "number"], "enum": ["x", 3]}}}]}}}}
    c = strictschema.compile(union)
    assert "AnyOfCodec" in repr(c._codec)
    assert residual(union) is True
    assert c.validate_json('{"xs": [{"k": "a", "n": null}, {"k": "b", "m": 3}]}') == {
        "xs": [{"k": "a"}, {"k": "b", "m": 3}]}
    assert _agree(c, 100) > 20


def test_one_of_constants_told_apart_is_proven() -> None:
    """Branches that list their values (``const``, ``enum``) with none in common meet no
    value together: the oneOf is the wire's anyOf. Values in common keep it."""
    def schema(*branches: Any) -> Any:
        return {"type": "object", "required": ["m"], "additionalProperties": False,
                "properties": {"m": {"type": "string", "oneOf": list(branches)}}}

    apart = schema({"const": "exists"}, {"enum": ["invalid", 1]})
    assert "oneOf" not in json.dumps(residual(apart))
    c = strictschema.compile(apart)
    assert c.validate_json('{"m": "invalid"}') == {"m": "invalid"}
    assert _agree(c, 60) >= 2  # (the two strings the wire allows)
    shared = schema({"const": "a"}, {"enum": ["a", "b"]})
    assert "oneOf" in json.dumps(residual(shared))
    c = strictschema.compile(shared)
    with pytest.raises(ValidationError):
        c.validate_json('{"m": "a"}')
    assert c.validate_json('{"m": "b"}') == {"m": "b"}


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


def test_a_map_whose_one_pattern_the_wire_key_has_is_proven() -> None:
    """``patternProperties`` of one pattern beside ``additionalProperties: false`` sent as
    entries whose key has that pattern: every key matches it, so the values' schema is
    all that is left (here proven by the wire too), and no key falls to
    ``additionalProperties``; a second pattern, or a key the wire does not constrain, stays."""
    def of(props: Any, extra: Any = False) -> Any:
        return {"type": "object", "properties": {"m": {
            "type": "object", "patternProperties": props, "additionalProperties": extra}},
            "required": ["m"], "additionalProperties": False}

    one = of({"^[0-9]+$": {"type": "number"}})
    c = strictschema.compile(one)
    assert "MapCodec" in repr(c._codec)
    assert residual(one) is True
    assert c.validate_json('{"m":[{"key":"1","value":2}]}') == {"m": {"1": 2}}
    with pytest.raises(ValidationError):
        c.validate_json('{"m":[{"key":"x","value":2}]}')
    kept = residual(of({"^[0-9]+$": {"type": "number", "not": {"const": 13}}}))
    assert kept == {"properties": {"m": {"additionalProperties": {"not": {"const": 13}}}}}, kept
    assert _agree(strictschema.compile(of({"^[0-9]+$": {"type": "number",
                                                         "not": {"const": 13}}})), 60) > 10
    two = of({"^a": {"type": "number"}, "^b": {"type": "number"}})
    c2 = strictschema.compile(two)
    if "MapCodec" in repr(c2._codec):
        assert residual(two) is not True


def test_pattern_properties_that_assert_nothing_leave_no_residual() -> None:
    """``patternProperties`` whose schemas assert nothing, with no ``additionalProperties``
    beside them (which would read which keys they match), say nothing of any value: no
    residual, so a compile that only had those left gets a one-pass judge."""
    schema = {"type": "object", "properties": {"a": {"type": "string", "minLength": 1},
                                               "n": {"type": "integer"}},
              "patternProperties": {"^_": {}, "^x-": {"description": "extension"}}}
    r = residual(schema)
    assert r is True or "patternProperties" not in json.dumps(r), r
    c = strictschema.compile(schema)
    assert c._judge_validator() is not None
    assert c.validate_json('{"a":"s","n":null}') == {"a": "s"}
    kept = residual({**schema, "additionalProperties": {"type": "integer"}})
    assert kept is not True and "patternProperties" in json.dumps(kept), kept


DRAFT4 = "http://json-schema.org/draft-04/schema#"


def test_draft_04_keeps_integer_and_reads_exclusive_bounds_normalized() -> None:
    """Draft-04: ``1.0`` is no integer, which the wire (2020-12) cannot prove, so the
    residual keeps ``type: integer`` (the model's ``int4``); a boolean ``exclusiveMaximum``
    makes ``maximum`` exclusive, which the model writes ``exclusiveMaximum: 5``: the wire's
    own ``exclusiveMaximum: 5`` proves it."""
    schema = {"$schema": DRAFT4, "type": "object", "properties": {
        "a": {"type": "integer"}, "n": {"type": "number"},
        "p": {"type": "number", "maximum": 5, "exclusiveMaximum": True},
        "q": {"type": "number", "minimum": 1}},
        "required": ["a", "n", "p", "q"], "additionalProperties": False}
    assert residual(schema) == {"properties": {"a": {"type": "integer", "int4": True}}}
    c = strictschema.compile(schema)
    assert c.validate_json(b'{"a": 1, "n": 1.0, "p": 4.5, "q": 1}') == {
        "a": 1, "n": 1.0, "p": 4.5, "q": 1}
    for bad in (b'{"a": 1.0, "n": 1, "p": 1, "q": 1}', b'{"a": 1, "n": 1, "p": 5, "q": 1}'):
        with pytest.raises(ValidationError):
            c.validate_json(bad)
        assert c._acceptor()(bad) is not True


def test_keywords_beside_a_legacy_ref_are_not_residual() -> None:
    """Draft-07: a ``$ref`` is read alone (the model marks it ``refAlone``, no keyword), so
    the ``maxLength`` beside it is no constraint to carry, and the wire proves the rest."""
    schema = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
              "properties": {"a": {"$ref": "#/definitions/S", "maxLength": 3}},
              "definitions": {"S": {"type": "string"}},
              "required": ["a"], "additionalProperties": False}
    assert residual(schema) is True
    assert strictschema.compile(schema).validate_json(b'{"a": "long text"}') == {"a": "long text"}


UNIQUE = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
RESOLVED = {  # schemas whose references the old residual document could not be trusted with
    "draft-04-id": {"$schema": DRAFT4, "type": "object", "id": "https://example.com/s",
                    "properties": {"a": {"type": "integer"}, "b": {"$ref": "#/definitions/u"}},
                    "definitions": {"u": UNIQUE}, "required": ["a", "b"]},
    "$id-and-anchors": {"$id": "https://example.com/s", "type": "object", "properties": {
        "tags": {"$ref": "#tagset"}, "more": {"$ref": "https://example.com/s#tagset"},
        "name": {"$anchor": "name", "type": "string", "maxLength": 8}},
        "required": ["tags", "name"], "$defs": {"T": {"$anchor": "tagset", **UNIQUE}}},
    "ref-into-the-root-body": {"type": "object", "properties": {
        "a": UNIQUE, "b": {"$ref": "#/properties/a"}, "c": {"$ref": "#/properties/a/items"}},
        "required": ["a", "b", "c"]},
    "$dynamicRef": {"$id": "https://example.com/tree", "$dynamicAnchor": "node",
                    "type": "object", "properties": {
                        "tags": UNIQUE, "kids": {"type": "array", "items": {"$dynamicRef": "#node"}}},
                    "required": ["tags", "kids"]},
    "unevaluatedProperties": {"type": "object", "properties": {
        "o": {"type": "object", "properties": {"a": UNIQUE}, "unevaluatedProperties": False},
        "s": {"type": "string", "minLength": 1}}, "required": ["o"]},
}


@pytest.mark.parametrize("name", list(RESOLVED))
def test_references_resolved_by_the_model_leave_a_residual(name: str) -> None:
    """``$id``, anchors, references into the root body, dynamic references: the model has
    resolved them, so a residual is built (the source is no longer checked whole), and its
    verdict on drawn wire outputs is the whole source's."""
    schema = RESOLVED[name]
    c = strictschema.compile(schema)
    res = c._residual_validator()
    assert res is not None and res is not c._validators()[1]
    assert residual(schema) not in (None, True)
    assert _agree(c, 60) >= 2  # (the two strings the wire allows)  # (JSON text that is not JSON does not decode: not counted)


def test_a_ref_into_the_root_body_gets_the_same_verdicts_as_the_whole_source() -> None:
    c = strictschema.compile(RESOLVED["ref-into-the-root-body"])
    assert residual(RESOLVED["ref-into-the-root-body"]) == {"properties": {
        "a": {"uniqueItems": True}, "b": {"uniqueItems": True}}}
    source_v = c._validators()[1]
    for text, ok in ((b'{"a": ["x", "y"], "b": ["x"], "c": "x"}', True),
                     (b'{"a": ["x", "y"], "b": ["x", "x"], "c": "x"}', False),
                     (b'{"a": ["x", "x"], "b": [], "c": "x"}', False)):
        assert source_v.is_valid_json(text) is ok
        assert (c._acceptor()(text) is True) is ok
        if ok:
            assert c.validate_json(text) == json.loads(text)
        else:
            with pytest.raises(ValidationError) as exc:
                c.validate_json(text)
            assert {e.keyword for e in exc.value.errors} == {"uniqueItems"}


def test_an_id_and_anchors_get_the_same_verdicts_as_the_whole_source() -> None:
    schema = RESOLVED["$id-and-anchors"]
    c = strictschema.compile(schema)
    source_v = c._validators()[1]
    for text, ok in ((b'{"tags": ["x"], "more": null, "name": "n"}', True),
                     (b'{"tags": ["x"], "more": ["y", "y"], "name": "n"}', False),
                     (b'{"tags": ["x", "x"], "more": null, "name": "n"}', False)):
        data = c._codec.decode(json.loads(text))
        assert source_v.is_valid(data) is ok
        assert c._residual_validator().is_valid(data) is ok
        assert (c._acceptor()(text) is True) is ok


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


class _OutOfTime(Exception):
    pass


def _agree(c: Any, examples: int, seconds: int = 30) -> int:
    """Draw wire outputs from the wire schema alone; the residual's verdict, the whole
    schema's and the acceptor's agree, and the generated decoder matches the codec's."""
    source_v = c._validators()[1]
    res = c._residual_validator()
    accepts = c._acceptor()
    checked = [0]

    stop_at = time.monotonic() + seconds

    def check(w: Any) -> None:
        if time.monotonic() > stop_at:
            raise _OutOfTime
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

    # the time is checked between examples (each draw is bounded by the strategies' size
    # budget): an alarm raised inside a draw can land in Hypothesis's own bookkeeping
    try:
        run()
    except (_OutOfTime, HypothesisException):
        pass  # slow or ungeneratable: what was checked stands
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
