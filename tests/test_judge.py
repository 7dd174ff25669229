"""The residual placed on the wire schema (``_judge``): one program for a lossy compile's
verdict, exact or absent."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

import strictschema
from _corpus import SUBSETS, schemas_by_id
from strictschema import StrictSchemaError, UnsafePatternError, ValidationError, Validator
from strictschema._compile._codec import (
    IDENTITY,
    AnyOfCodec,
    ObjectCodec,
    PropertySpec,
    RefCodec,
)
from strictschema._compile._judge import judge_model

HERE = Path(__file__).resolve().parent


def _model(schema: Any) -> Any:
    return Validator._trusted(schema)._model


WIRE = {"$defs": {"T": {"type": "object", "properties": {"x": {"type": "string"}},
                        "required": ["x"], "additionalProperties": False}},
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/T"}, "b": {"$ref": "#/$defs/T"}},
        "required": ["a", "b"], "additionalProperties": False}


def _codec() -> ObjectCodec:
    table: dict[str, Any] = {"T": ObjectCodec([PropertySpec("x", IDENTITY, mode="required")])}
    return ObjectCodec([PropertySpec("a", RefCodec(table, "T"), mode="required"),
                        PropertySpec("b", RefCodec(table, "T"), mode="required")])


def _judge(residual: Any) -> Validator | None:
    found = judge_model(_model(WIRE), _model(residual), _codec())
    if found is None:
        return None
    model = found[0]
    v = Validator.__new__(Validator)
    v._setup(Validator._trusted(WIRE)._source, (WIRE, None, True), model)
    return v


def test_a_shared_definition_with_one_context_walked_is_copied_for_the_other() -> None:
    """The residual constrains T's ``x`` under ``a`` only; placed in T it would check it
    under ``b`` too, so ``b``'s reference turns to a copy of T as the wire was loaded."""
    judge = _judge({"properties": {"a": {"properties": {"x": {"maxLength": 2}}}}})
    assert judge is not None
    assert judge.is_valid_json('{"a": {"x": "ab"}, "b": {"x": "cde"}}')
    assert not judge.is_valid_json('{"a": {"x": "abc"}, "b": {"x": "cd"}}')
    assert not judge.is_valid_json('{"a": {"x": "ab"}, "b": {"x": 1}}')


def test_a_shared_definition_reached_again_from_inside_gets_no_copy() -> None:
    """The root reached again from inside (a context the placement did not walk) is not
    copied: no judge."""
    wire = {"type": "object", "properties": {"x": {"type": "string"}, "c": {"anyOf": [
        {"$ref": "#"}, {"type": "null"}]}}, "required": ["x", "c"],
        "additionalProperties": False}
    codec = ObjectCodec([PropertySpec("x", IDENTITY, mode="required"),
                         PropertySpec("c", IDENTITY, mode="required")])
    assert judge_model(_model(wire), _model({"properties": {"x": {"maxLength": 2}}}),
                       codec) is None


def test_a_shared_definition_with_every_context_alike_is_judged() -> None:
    same = {"properties": {"x": {"maxLength": 2}}}
    judge = _judge({"properties": {"a": same, "b": same}})
    assert judge is not None
    assert judge.is_valid_json('{"a": {"x": "ab"}, "b": {"x": "cd"}}')
    assert not judge.is_valid_json('{"a": {"x": "ab"}, "b": {"x": "cde"}}')
    assert not judge.is_valid_json('{"a": {"x": "abc"}, "b": {"x": "cd"}}')


def test_a_position_under_its_own_reference_is_judged_there() -> None:
    """A residual beside ``a``'s reference goes on ``a``'s own (unshared) node."""
    judge = _judge({"properties": {"a": {"minProperties": 1}}})
    # T's decode always has x: "at least one member" holds, said on a's node; T, only
    # read, stays one node for both contexts
    assert judge is not None
    model = judge._model
    assert model.nodes[model.nodes[1]["ref"]] is model.nodes[model.nodes[2]["ref"]]
    assert judge.is_valid_json('{"a": {"x": "s"}, "b": {"x": "t"}}')
    assert not judge.is_valid_json('{"a": {"x": "s"}, "b": {}}')
    codec = ObjectCodec([PropertySpec("a", IDENTITY, mode="required"),
                         PropertySpec("b", IDENTITY, mode="required")])
    model = judge_model(_model(WIRE), _model({"properties": {"a": {"not": {"required": ["y"]}}}}),
                        codec)
    assert model is not None


OPTIONAL = {"type": "object", "properties": {
    "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
    "code": {"type": "string", "format": "uri-reference", "minLength": 3}},
    "required": []}


@pytest.mark.parametrize(("text", "ok"), [
    ('{"tags": null, "code": null}', True),
    ('{"tags": ["a", "b"], "code": "abc"}', True),
    ('{"tags": ["a", "a"], "code": null}', False),
    ('{"tags": null, "code": "ab"}', False),
])
def test_optional_properties_null_on_the_wire_skip_the_residual(text: str, ok: bool) -> None:
    c = strictschema.compile(OPTIONAL)
    assert c._judge_validator() is not c._validators()[0]  # a residual was placed
    assert (c._acceptor()(text) is True) is ok
    if ok:
        assert c.validate_json(text) == {k: v for k, v in json.loads(text).items()
                                         if v is not None}
    else:
        with pytest.raises(ValidationError) as info:
            c.validate_json(text)
        assert info.value.errors  # the two-step route explains


def _sample() -> list[Any]:
    path = HERE / "data" / "jsonschemabench" / "schemas"
    out = []
    for name in ("Github_easy", "Github_medium", "Glaiveai2K", "Kubernetes"):
        for line in (path / f"{name}.jsonl").read_text().splitlines()[:25]:
            rec = json.loads(line)
            if isinstance(rec, dict) and "schema" in rec:
                out.append(rec["schema"])
    return out


def _agreement(c: Any) -> Any:
    """A Hypothesis test: the judge's verdict is the two steps' on drawn wire texts."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from strictschema.strategies import from_schema, mutants

    one, res, wire_v = c._judge_validator(), c._residual_validator(), c._validators()[0]

    def encoded(m: Any) -> Any:
        try:
            return c.encode(m.instance)  # broken in the original shape, sent on the wire
        except Exception:  # noqa: BLE001 - not representable on the wire
            return None

    @settings(max_examples=15, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(from_schema(c), mutants(c, shape="original").map(encoded)))
    def check(value: Any) -> None:
        if value is None:
            return
        raw = json.dumps(value)
        two = wire_v.is_valid_json(raw)
        if two:
            try:
                data = c._codec.decode(json.loads(raw))
                two = res is None or res.is_valid(data)
            except ValidationError:
                two = False
        assert one.is_valid_json(raw) is two, raw
        assert (c._acceptor()(raw) is True) is two or not c._judged()[1], raw

    return check


def test_the_judge_agrees_with_the_two_steps_on_drawn_outputs() -> None:
    """Wire outputs drawn for sample schemas, and original-shaped mutants sent on the wire
    (wire-valid, broken where only the residual looks): the one-pass verdict is the
    two-step one's (wire check, decode, residual check)."""
    checked = 0
    for schema in _sample():
        try:
            c = strictschema.compile(schema)
        except Exception:  # noqa: BLE001, S112 - refused: nothing to judge
            continue
        if c._residual_validator() is None or c._judge_validator() is None:
            continue
        _agreement(c)()
        checked += 1
    assert checked >= 5


def test_map_entries_with_a_repeated_key_are_refused_in_one_pass() -> None:
    """A dict field goes as ``[{"key": ..., "value": ...}]``; two entries with one key do
    not decode. The judge marks the entries (``uniqueBy``), so the one-pass verdict and the
    CLI's block judge say so without decoding."""
    schema = {"type": "object", "properties": {
        "m": {"type": "object", "additionalProperties": {"type": "integer"}}},
        "required": ["m"]}
    c = strictschema.compile(schema)
    judge, total = c._judged()
    assert judge is not None and total
    good = '{"m": [{"key": "a", "value": 1}, {"key": "b", "value": 2}]}'
    bad = '{"m": [{"key": "a", "value": 1}, {"key": "a", "value": 2}]}'
    assert judge.is_valid_json(good) and not judge.is_valid_json(bad)
    assert c._acceptor()(good) is True and c._acceptor()(bad) is not True
    block = good.encode() + b"\n" + bad.encode() + b"\n\n{\n"
    assert [i for i, _, _ in c._batch()(block)[1]] == [1, 2, 3]
    assert c._batch()(block)[0] == 4
    assert c.validate_json(good) == {"m": {"a": 1, "b": 2}}
    with pytest.raises(ValidationError) as info:
        c.validate_json(bad)
    assert info.value.errors[0].keyword == "uniqueKeys"


def _same_decode(c: Any, strategy: Any) -> Any:
    """Drawn wire values (and wire mutants: the errors of a refused output read the decode
    of a wire-invalid value) decode alike, or both refuse."""
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=10, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def check(value: Any) -> None:
        if getattr(value, "kind", None) == "truncated":
            return
        wire = json.loads(json.dumps(getattr(value, "instance", value)))
        try:
            expected = json.dumps(c._codec.decode(wire))
        except Exception as exc:  # noqa: BLE001 - not decodable: the fast route refuses too
            with pytest.raises(type(exc)):
                c._fast_decode(wire)
            return
        assert json.dumps(c._fast_decode(wire)) == expected

    return check


def test_the_core_decoder_is_the_codecs_decode() -> None:
    """``fast_decoder`` runs the codec as a plan in the core: on drawn wire outputs it
    gives what the codec's own ``decode`` gives, key order included; where decoding refuses
    (a repeated map key) the generic decode raises with its location."""
    from hypothesis import strategies as st

    from strictschema.strategies import from_schema, mutants

    checked = 0
    for schema in _sample():
        try:
            c = strictschema.compile(schema)
        except Exception:  # noqa: BLE001, S112 - refused: nothing to decode
            continue
        if c._codec.identity:
            continue
        c._residual_validator()  # builds _fast_decode
        _same_decode(c, st.one_of(from_schema(c), mutants(c)))()
        checked += 1
    assert checked >= 5
    m = strictschema.compile({"type": "object", "properties": {
        "m": {"type": "object", "additionalProperties": {"type": "integer"}}}, "required": ["m"]})
    m._residual_validator()
    with pytest.raises(ValidationError) as info:
        m._fast_decode({"m": [{"key": "a", "value": 1}, {"key": "a", "value": 2}]})
    assert info.value.errors[0].location == ("m", 1, "key")


def test_the_one_call_decodes_what_it_built_in_place_and_nothing_else() -> None:
    """``compiled.validate_json`` decodes the value its own walk just built, in place where
    the wire keys are the original names: the result equals the codec's decode of the wire
    value, key order included, whatever order the members came in; and a caller's value
    given to ``decode`` is never changed."""
    schema = {"type": "object", "properties": {
        "a": {"type": "integer"},
        "b": {"type": "object", "properties": {"x": {"type": "string"},
                                               "y": {"type": "integer"}},
              "required": ["x"], "additionalProperties": False},
        "c": {"type": "array", "items": {"type": "object", "properties": {
            "z": {"type": "boolean"}}, "additionalProperties": False}}},
        "required": ["b"], "additionalProperties": False}
    c = strictschema.compile(schema)
    texts = [
        '{"a":null,"b":{"x":"s","y":null},"c":[{"z":null},{"z":true}]}',
        '{"a":1,"b":{"x":"s","y":2},"c":null}',
        # members out of the schema's order: the decode's order is the schema's
        '{"c":[{"z":false}],"b":{"y":null,"x":"s"},"a":3}',
    ]
    for text in texts:
        wire = json.loads(text)
        expected = c._codec.decode(json.loads(text))
        got = c.validate_json(text)
        assert got == expected and json.dumps(got) == json.dumps(expected), text
        assert c.validate_json(text) == got  # the program's shared strings are intact
        given = json.loads(text)
        assert c.decode(given) == expected and given == wire  # the caller's value as it was
    assert c.validate_json(texts[0]) == {"b": {"x": "s"}, "c": [{}, {"z": True}]}


def test_nulls_that_decode_to_absent_are_left_out_by_the_walk_only_where_they_decode() -> None:
    """A definition shared by several places, under an array, next to a property of any
    value: the walk leaves out only the nulls the decode would drop."""
    schema = {"$defs": {"P": {"type": "object", "properties": {"x": {"type": "integer"},
                                                                "y": {"type": "string"}},
                              "required": ["y"], "additionalProperties": False}},
              "type": "object",
              "properties": {"a": {"$ref": "#/$defs/P"},
                             "b": {"type": "array", "items": {"$ref": "#/$defs/P"}},
                             "free": {}},
              "required": ["a", "b", "free"], "additionalProperties": False}
    c = strictschema.compile(schema)
    cases = [
        {"a": {"y": "s"}, "b": [{"y": "t"}, {"x": 1, "y": "u"}], "free": {"x": None}},
        {"a": {"x": 2, "y": "s"}, "b": [], "free": None},
        {"a": {"y": "s"}, "b": [{"y": "t"}], "free": [{"x": None}]},
    ]
    for value in cases:
        text = json.dumps(c.encode(value))
        assert c.validate_json(text) == value, text
        assert json.dumps(c.validate_json(text)) == json.dumps(c._two_steps()(text))


_TRANSLATED = {
    # anyOf of requirements over optional properties (the wire sends them as nullable)
    "requirements": {"type": "object", "properties": {
        "shape": {"type": "string"},
        "dims": {"type": "object",
                 "properties": {"r": {"type": "number"}, "w": {"type": "number"},
                                "h": {"type": "number"}},
                 "anyOf": [{"required": ["r"]}, {"required": ["w", "h"]}]}},
        "required": ["shape", "dims"]},
    # a union the codec decodes by its first matching wire branch, with a residual below
    "union": {"type": "object", "properties": {
        "v": {"anyOf": [
            {"type": "object", "properties": {"a": {"type": "integer"}},
             "required": ["a"], "additionalProperties": False,
             "not": {"properties": {"a": {"const": 13}}}},
            {"type": "object", "properties": {"b": {"type": "string"},
                                              "c": {"type": "integer"}},
             "required": ["b"], "additionalProperties": False,
             "oneOf": [{"required": ["c"]}, {"properties": {"b": {"const": "none"}}}]}]}},
        "required": ["v"], "additionalProperties": False},
    # a map sent as entries: what the residual says of its members, keys and size
    "map": {"type": "object", "properties": {"m": {
        "type": "object", "additionalProperties": {"type": "integer", "not": {"const": 13}},
        "maxProperties": 3}},
        "required": ["m"]},
    # a union told apart by a tag (the source's oneOf, sent as anyOf of closed objects)
    "tagged": {"type": "object", "additionalProperties": False, "properties": {
        "kind": {"type": "string"}, "mode": {"type": "string"}, "n": {"type": "integer"}},
        "oneOf": [{"properties": {"kind": {"enum": ["a"]}, "mode": {"enum": ["x"]}},
                   "required": ["kind"]},
                  {"properties": {"kind": {"enum": ["b"]}, "mode": {"enum": ["y"]}},
                   "required": ["kind"]}]},
    # at least one member once decoded, every property optional (nulls decode to absent)
    "minprops": {"type": "object", "properties": {"o": {
        "type": "object", "properties": {"p": {"type": "string"}, "q": {"type": "integer"}},
        "minProperties": 1}}, "required": ["o"]},
    # a union whose second branch is told from the first by `not` (read as the wire has
    # it: nothing merges into the first branch or below it), a union nested in the first
    "negated": {"type": "object", "properties": {"v": {"anyOf": [
        {"type": "object", "properties": {
            "k": {"type": "string", "minLength": 2},
            "p": {"anyOf": [
                {"type": "object", "properties": {
                    "x": {"type": "integer", "minimum": 5, "multipleOf": 5}},
                 "required": ["x"]},
                {"type": "object", "properties": {"y": {"type": "string", "maxLength": 3}},
                 "required": ["y"]}]}},
         "required": ["k", "p"]},
        {"type": "object", "properties": {
            "k": {"type": "string", "pattern": "^a"},
            "p": {"type": "object", "properties": {"x": {"type": "integer"}}}},
         "required": ["k"]}]}},
        "required": ["v"]},
    # draft-04 `dependencies` of names: "a absent or b there", a null decoding to absent;
    # a name the decoded object never has leaves "c absent"
    "dependent": {"type": "object", "additionalProperties": False, "properties": {
        "a": {"type": "string"}, "b": {"type": "integer"}, "c": {"type": "boolean"}},
        "dependentRequired": {"a": ["b"], "c": ["zzz"]}},
    # draft-04 `dependencies` of a schema: "a absent, or the object meets it"
    "dependent-schema": {"type": "object", "additionalProperties": False, "properties": {
        "a": {"type": "string"}, "b": {"type": "integer"}},
        "dependentSchemas": {"a": {"properties": {"b": {"minimum": 3}}, "required": ["b"]}}},
    # at most so many members once decoded: none where those always there are too many,
    # the optional ones null where those fill it
    "maxprops": {"type": "object", "required": ["v", "o"], "properties": {
        "v": {"anyOf": [
            {"type": "object", "additionalProperties": False, "required": ["a", "b"],
             "properties": {"a": {"type": "string"}, "b": {"type": "integer"},
                            "c": {"type": "boolean"}}},
            {"type": "boolean"}], "not": {"maxProperties": 1}},
        "o": {"type": "object", "additionalProperties": False, "required": ["a"],
              "properties": {"a": {"type": "string"}, "c": {"type": "boolean"}},
              "maxProperties": 1}}},
    # unique items once decoded: unique on the wire, the items' codec one to one
    "unique": {"type": "object", "required": ["xs"], "properties": {"xs": {
        "type": "array", "uniqueItems": True, "maxItems": 4, "items": {
            "type": "object", "additionalProperties": False, "properties": {
                "k": {"type": "string", "enum": ["a", "b"]}, "n": {"type": "integer"}}}}}},
    # a pattern's schema said of the properties whose names it matches
    "patterns": {"type": "object", "additionalProperties": False, "properties": {
        "p_a": {"type": "integer"}, "p_b": {"type": "integer"}, "x": {"type": "string"}},
        "patternProperties": {"^p_": {"not": {"const": 13}}},
        "anyOf": [{"required": ["p_a"]}, {"required": ["x"]}]},
    # listed values beside an object codec (none an object: they decode to themselves)
    "listed": {"type": "object", "additionalProperties": False, "properties": {"v": {"anyOf": [
        {"type": "object", "properties": {"k": {"type": "integer"}}, "additionalProperties": False},
        {"type": "boolean", "enum": [False]}]}}, "required": ["v"]},
    # listed values beside a map (neither an object nor an array among them)
    "map-listed": {"type": "object", "additionalProperties": False, "properties": {"m": {
        "anyOf": [{"type": "object", "additionalProperties": {"type": "integer"}},
                  {"type": "boolean", "enum": [False]}]}}, "required": ["m"]},
    # a map beside an array in a union: sent wrapped ({"map_entries": [...]})
    "wrapped": {"type": "object", "properties": {"v": {"anyOf": [
        {"type": "array", "items": {"type": "integer"}},
        {"type": "object", "additionalProperties": {"type": "integer"}, "maxProperties": 2}]}},
        "required": ["v"]},
    # a map of JSON text values whose type the residual says: the text's first character
    "json-type": {"type": "object", "properties": {"m": {
        "type": "object", "patternProperties": {"^a": {}}, "additionalProperties": False,
        "allOf": [{"additionalProperties": {"type": "string"}}]}}, "required": ["m"]},
    "json-types": {"type": "object", "properties": {"m": {
        "type": "object", "additionalProperties": {},
        "anyOf": [{"additionalProperties": {"type": ["string", "boolean"]}},
                  {"maxProperties": 0}]}}, "required": ["m"]},
    # JSON text whose value the residual checks beyond its type: the core parses the
    # string and judges its value (`jsonText`)
    "json-value": {"type": "object", "required": ["v", "n"], "additionalProperties": False,
                   "properties": {"n": {"type": "integer"}, "v": {"not": {"anyOf": [
                       {"type": "array", "minItems": 4}, {"const": "y"},
                       {"type": "integer", "minimum": 10},
                       {"type": "object", "required": ["bad"]}]}}}},
    # a union of an object and null: its two branches, the null one among them
    "or-null": {"type": "object", "required": ["v"], "properties": {"v": {"oneOf": [
        {"type": "object", "additionalProperties": False, "properties": {
            "a": {"type": "string", "minLength": 2}}},
        {"type": "null"}]}}},
    # a union behind a reference, beside the null of an optional property
    "ref-union": {"type": "object", "additionalProperties": False, "properties": {
        "u": {"$ref": "#/$defs/u"}, "k": {"type": "string"}}, "required": ["k"],
        "$defs": {"u": {"oneOf": [
            {"type": "object", "additionalProperties": False, "properties": {
                "mode": {"enum": ["custom"]}, "name": {"type": "string"}}},
            {"type": "object", "additionalProperties": False, "required": ["mode", "id"],
             "properties": {"mode": {"enum": ["reference"]}, "id": {"type": "string"}}}]}}},
    # patterns over an object the wire closes on its names (the identity codec): each
    # pattern's schema said of the names it matches, merged into those members
    "closed-patterns": {"type": "object", "required": ["p_a", "x", "n"], "properties": {
        "p_a": {"type": "integer"}, "x": {"type": "string"}, "n": {"type": "integer"}},
        "patternProperties": {"^p_": {"minimum": 3}, "^n": {"maximum": 9}}},
    # a union under an optional property: the wire's null decodes to no property, which
    # the residual does not check (it is no branch's value)
    "optional-union": {"type": "object", "properties": {"e": {"anyOf": [
        {"type": "object", "properties": {"g": {"type": "string"}}},
        {"type": "object", "additionalProperties": {"type": "string"}}]}}},
    # a union translated under one branch of the residual's oneOf: what it says of the
    # union's branches holds under that branch only (nothing merges into the wire's own)
    "union-in-branch": {
        "type": "object", "required": ["A"], "additionalProperties": False, "properties": {
            "A": {"type": "object", "additionalProperties": False, "required": ["T", "F"],
                  "properties": {"T": {"enum": ["x", "y"]}, "F": {"anyOf": [
                      {"type": ["object", "null"], "properties": {"k": {"enum": ["a"]}},
                       "required": ["k"]},
                      {"type": ["object", "null"], "required": ["k"], "properties": {
                          "k": {"enum": ["b"]}, "n": {"type": "integer"}}}]}},
                  "oneOf": [{"properties": {"T": {"enum": ["x"]}}},
                            {"properties": {"T": {"enum": ["y"]}, "F": {"type": "object"}}}]}}},
    # an array whose items must be unique once decoded, beside its length
    "array": {"type": "object", "properties": {"xs": {
        "type": "array", "items": {"type": "object", "properties": {"k": {"type": "string"}}},
        "minItems": 1, "not": {"items": {"required": ["k"]}}}},
        "required": ["xs"]},
}


def _with_residual(schema: Any) -> Any:
    """``compile(schema)``, its residual the whole source schema where the prover left
    none (a wire union of closed branches can carry what the source's requirements say):
    the placement must place that all the same, and the judge's verdicts stay the two
    steps'."""
    c = strictschema.compile(schema)
    if c._residual_validator() is None:
        c._residual = c._validators()[1]
    return c


@pytest.mark.parametrize("name", sorted(_TRANSLATED))
def test_residual_keywords_beside_properties_are_translated_onto_the_wire(name: str) -> None:
    """A residual with ``required``, applicators over requirements, or below a union the
    codec decodes by value is said of the wire value (``_Placer.translate``): there is a
    one-pass judge, and it agrees with the two steps on drawn outputs and mutants."""
    c = _with_residual(_TRANSLATED[name])
    assert c._residual_validator() is not None
    assert c._judge_validator() is not None
    _agreement(c)()
    if name == "json-type":
        assert c.validate_json('{"m":[{"key":"a1","value":" \\"x\\""}]}') == {"m": {"a1": "x"}}
        for text in ('{"m":[{"key":"a1","value":"1"}]}', '{"m":[{"key":"a1","value":"[]"}]}'):
            with pytest.raises(ValidationError):
                c.validate_json(text)
    if name == "json-value":
        text = '{{"n":1,"v":{}}}'.format
        for raw, value in (('"[1, 2]"', [1, 2]), ('"\\"x\\""', "x"), ('"{\\"k\\": 1}"', {"k": 1})):
            assert c.validate_json(text(raw)) == {"n": 1, "v": value}
        one = c._judge_validator()
        for raw in ('"[1,2,3,4]"', '"\\"y\\""', '"12"', '"{\\"bad\\": 1}"', '"[1,"'):
            assert not one.is_valid_json(text(raw))
            with pytest.raises(ValidationError):
                c.validate_json(text(raw))
        assert len(list(one.iter_errors(json.loads(text('"12"'))))) == 1  # the text's value
        assert not list(one.iter_errors(json.loads(text('"[1, 2]"'))))
    if name == "unique":
        assert c.validate_json('{"xs":[{"k":"a","n":null},{"k":null,"n":null}]}') == {
            "xs": [{"k": "a"}, {}]}
        with pytest.raises(ValidationError):
            c.validate_json('{"xs":[{"k":"a","n":null},{"n":null,"k":"a"}]}')
    if name == "dependent":
        assert c.validate_json('{"a":"x","b":1,"c":null}') == {"a": "x", "b": 1}
        assert c.validate_json('{"a":null,"b":null,"c":null}') == {}
        for text in ('{"a":"x","b":null,"c":null}', '{"a":null,"b":null,"c":true}'):
            with pytest.raises(ValidationError):
                c.validate_json(text)
    if name == "map":
        ok, bad, big = ('{"m":[{"key":"a","value":1},{"key":"z","value":5}]}',
                        '{"m":[{"key":"a","value":1},{"key":"z","value":13}]}',
                        '{"m":[' + ",".join(f'{{"key":"k{i}","value":1}}' for i in range(4)) + "]}")
        assert type(c._codec.props[0].codec).__name__ == "MapCodec"
        assert c.validate_json(ok) == {"m": {"a": 1, "z": 5}}
        for text in (bad, big):
            with pytest.raises(ValidationError):
                c.validate_json(text)


def test_json_text_is_decoded_by_the_core_in_the_one_call() -> None:
    """An any-value property travels as JSON text; ``compiled.validate_json`` parses it in
    the core, strictly (a repeated key, broken text or a lone surrogate is refused with the
    codec's own error, at the property). The walk loads it from the output's bytes as it
    meets it (the value is tidy: no decode after), escapes and all, a required property's
    and an optional one's (whose wire null decodes to absent) alike."""
    c = strictschema.compile({"type": "object", "properties": {"free": {}, "opt": {}},
                              "required": ["free"], "additionalProperties": False})
    for value in ({"a": [1, {"b": None}], "c": "é"}, [1, 2.5, "x"], None, 10**30, "s",
                  {"q": "\"\\\u2028\U0001F600", "k\u00e9": [True, False, -0.5e-3]}):
        for opt in (None, json.dumps(value, ensure_ascii=False)):
            text = json.dumps({"free": json.dumps(value), "opt": opt})
            expected = {"free": value} if opt is None else {"free": value, "opt": value}
            assert c.validate_json(text) == expected == c._two_steps()(text)
            assert c._vj.__self__.tidy(text) is True, text
    for inner in ('{"a": 1, "a": 2}', "{", "[1,]", '"\\ud800"', "NaN", '{"a": 1} x', ""):
        with pytest.raises(ValidationError) as info:
            c.validate_json(json.dumps({"free": inner, "opt": None}))
        assert info.value.errors[0].location == ("free",)


def test_the_walk_takes_the_whole_decode_where_it_can() -> None:
    """JSON text, maps sent as entries, tuples and a wrapped root are decoded by the walk
    as it builds (``decode::Fused::posts``): the one call's value is the two steps' and the
    codec's, key order included, in shared definitions, arrays and nested maps; members
    out of order, or a broken text in one place, fall back to the two steps' answer."""
    schema = {"$defs": {"E": {"type": "object", "properties": {
        "free": {}, "pair": {"type": "array", "prefixItems": [{"type": "string"},
                                                             {"type": "integer"}],
                             "items": False, "minItems": 2},
        "tags": {"type": "object", "additionalProperties": {"type": "integer"}}},
        "required": ["free", "tags"], "additionalProperties": False}},
        "type": "object", "properties": {
            "one": {"$ref": "#/$defs/E"},
            "many": {"type": "array", "items": {"$ref": "#/$defs/E"}},
            "maps": {"type": "object", "additionalProperties": {
                "type": "object", "additionalProperties": {}}}},
        "required": ["one", "many", "maps"], "additionalProperties": False}
    c = strictschema.compile(schema)
    kinds = {type(step).__name__ for step in _codec_steps(c._codec)}
    assert {"JsonTextCodec", "MapCodec", "TupleCodec"} <= kinds, kinds
    values = [
        {"one": {"free": {"a": [1, None]}, "pair": ["x", 1], "tags": {"k": 1, "j": 2}},
         "many": [{"free": None, "tags": {}}, {"free": "s", "pair": ["y", 2], "tags": {"z": 3}}],
         "maps": {"m": {"p": [1, 2], "q": None}, "n": {}}},
        {"one": {"free": 10**30, "tags": {}}, "many": [], "maps": {}},
    ]
    for value in values:
        text = json.dumps(c.encode(value))
        got = c.validate_json(text)
        assert got == value, text
        assert json.dumps(got) == json.dumps(c._two_steps()(text)) == json.dumps(
            c._codec.decode(json.loads(text)))
        # the members in reverse order: not tidy, built again as the text has them
        shuffled = json.dumps(_reversed(json.loads(text)))
        assert c.validate_json(shuffled) == value
    bad = c.encode(values[0])
    bad["many"][1]["free"] = "{"
    with pytest.raises(ValidationError) as info:
        c.validate_json(json.dumps(bad))
    assert info.value.errors[0].location == ("many", 1, "free")
    bad = c.encode(values[0])
    bad["one"]["tags"].append({"key": "k", "value": 5})  # a key twice
    with pytest.raises(ValidationError):
        c.validate_json(json.dumps(bad))
    # a root that is not an object travels wrapped; its JSON text decoded by the walk too
    w = strictschema.compile({"type": "array", "items": {}})
    assert type(w._codec).__name__ == "WrapCodec"
    text = json.dumps(w.encode([{"a": 1}, None, "x"]))
    assert w.validate_json(text) == [{"a": 1}, None, "x"] == w._two_steps()(text)


def _codec_steps(codec: Any) -> list[Any]:
    from strictschema._compile._codec import resolved

    out, todo, seen = [], [codec], set()
    while todo:
        c = resolved(todo.pop()) or codec
        if id(c) in seen:
            continue
        seen.add(id(c))
        out.append(c)
        todo += [p.codec for p in getattr(c, "props", ())]
        todo += list(getattr(c, "items", ())) if isinstance(getattr(c, "items", None), list) \
            else [x for x in (getattr(c, "items", None),) if x is not None and hasattr(x, "decode")]
        todo += [x for x in (getattr(c, "value", None), getattr(c, "inner", None))
                 if x is not None and hasattr(x, "decode")]
    return out


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(x) for x in value]
    return value


def test_translated_residuals_use_keywords_the_walk_takes() -> None:
    """A property required once decoded (not null on the wire), a union's branch that no
    earlier one matched (branches apart in their types, or in a tag's strings) and a map's
    values are said by type lists, enums and members, not ``not``/``if`` (which send a
    value to the tape): the nodes the placement makes hold none of those, and the verdicts
    are the two steps'."""
    for name in ("requirements", "map", "tagged", "minprops"):
        c = _with_residual(_TRANSLATED[name])
        model = c._judge_validator()._model
        # the nodes the placement made (the residual's own keep their resource)
        made = [n for n in model.nodes[len(c._validators()[0]._model.nodes):] if "res" not in n]
        assert made and not [n for n in made if "not" in n or "if" in n], name
        # a oneOf whose branches no value meets two of is judged as the anyOf it is
        assert not [n for n in model.nodes if "oneOf" in n], name
        _agreement(c)()
    c = strictschema.compile(_TRANSLATED["minprops"])
    for text, ok in (('{"o":{"p":"s","q":null}}', True), ('{"o":{"p":null,"q":2}}', True),
                     ('{"o":{"p":null,"q":null}}', False)):
        assert c._judge_validator().is_valid_json(text) is ok, text
        assert (c._acceptor()(text) is True) is ok, text
    c = strictschema.compile(_TRANSLATED["tagged"])
    for text, ok in (('{"value":{"kind":"a","mode":"x","n":1}}', True),
                     ('{"value":{"kind":"b","mode":null,"n":null}}', True),
                     ('{"value":{"kind":"a","mode":"y","n":null}}', False),
                     ('{"value":{"kind":"c","mode":null,"n":null}}', False)):
        wire = json.loads(text)
        if not c._validators()[0].is_valid(wire):
            continue
        assert c._judge_validator().is_valid_json(text) is ok, text
        assert (c._acceptor()(text) is True) is ok, text
    # the decode picks each value's branch by its members' kinds and tags (no branch is
    # judged whole): the codec's own decode, branch by branch
    for name, values in (("tagged", [{"kind": "a", "mode": "x"}, {"kind": "b", "n": 2}]),
                         ("requirements", [{"shape": "s", "dims": {"r": 1.5}},
                                           {"shape": "s", "dims": {"w": 1, "h": 2}},
                                           {"shape": "s", "dims": {"r": 1, "w": 2, "h": 3}}])):
        c = strictschema.compile(_TRANSLATED[name])
        for value in values:
            text = json.dumps(c.encode(value))
            assert c.validate_json(text) == value == c._codec.decode(json.loads(text)), text


def test_the_judge_takes_a_null_where_the_two_steps_do() -> None:
    """A null the decode reads as an absent property, or that a union's branch takes where
    the residual asks more of that branch only under another tag: the judge's own verdict
    (not only the route's, which would ask the two steps after a refusal) is the two
    steps'."""
    c = strictschema.compile(_TRANSLATED["optional-union"])
    assert c._judge_validator().is_valid_json('{"e":null}')
    assert c.validate_json('{"e":null}') == {}
    c = strictschema.compile(_TRANSLATED["union-in-branch"])
    one = c._judge_validator()
    for text, ok in (('{"A":{"T":"x","F":null}}', True), ('{"A":{"T":"y","F":null}}', False),
                     ('{"A":{"T":"y","F":{"k":"a"}}}', True),
                     ('{"A":{"T":"x","F":{"k":"b","n":1}}}', True)):
        assert one.is_valid_json(text) is ok, text
        assert (c._acceptor()(text) is True) is ok, text


def test_patterns_over_a_closed_object_merge_into_its_members() -> None:
    """An object the wire closes on its names has no member a pattern could find but
    those: the residual's ``patternProperties`` become bounds on the members it names
    (merged there, so the walk meets one node per member and no value goes to the tape)."""
    c = strictschema.compile(_TRANSLATED["closed-patterns"])
    assert c._codec.identity and c._residual_validator() is not None
    model = c._judge_validator()._model
    root = model.nodes[model.root]
    assert "allOf" not in root and "patternProperties" not in root
    members = {k: model.nodes[i] for k, i in root["properties"]}
    assert members["p_a"].get("minimum") == 3 and members["n"].get("maximum") == 9
    assert set(members["x"]) - {"path", "res"} == {"type"}
    for text, ok in (('{"p_a":3,"x":"s","n":9}', True), ('{"p_a":2,"x":"s","n":9}', False),
                     ('{"p_a":3,"x":"s","n":10}', False)):
        assert c._judge_validator().is_valid_json(text) is ok, text
        assert (c._acceptor()(text) is True) is ok, text
    _agreement(c)()


def test_a_residual_with_no_placement_is_judged_on_the_decoded_value_in_the_core() -> None:
    """What no wire position can take (at least two members once decoded, each property's
    null decoding to absent): one core call still walks the text, decodes and judges the
    residual on the value; a value the residual refuses gets the two steps' errors."""
    c = strictschema.compile({"type": "object", "properties": {
        "o": {"type": "object", "additionalProperties": False, "minProperties": 2,
              "properties": {"a": {"type": "string"}, "b": {"type": "string"},
                             "c": {"type": "string"}}},
        "n": {"type": "integer"}}, "required": ["o", "n"], "additionalProperties": False})
    assert c._residual_validator() is not None and c._judge_validator() is None
    for o in ({"a": "x", "b": "y"}, {"a": "x", "b": "y", "c": "z"}):
        text = json.dumps(c.encode({"o": o, "n": 1}))
        assert c.validate_json(text) == {"o": o, "n": 1} == c._two_steps()(text)
    assert type(c._vj.__self__).__name__ == "Judge"  # the core's route, not the two steps
    _refused_alike(c, [json.dumps(c.encode({"o": o, "n": 1})) for o in ({"a": "x"}, {})])


@pytest.mark.parametrize("profile", ["anthropic", "gemini", "llguidance"])
def test_min_properties_over_properties_a_profile_keeps_optional(profile: str) -> None:
    """A profile that keeps optional properties optional on the wire (``maybe``): an object
    with none of them has no member once decoded, so ``minProperties: 1`` refuses it in the
    one pass as in the two steps (the placement read such a property as always there and
    passed it)."""
    c = strictschema.compile({"type": "object", "required": ["o"], "additionalProperties": False,
                              "properties": {"o": {
                                  "type": "object", "additionalProperties": False,
                                  "minProperties": 1, "properties": {
                                      "a": {"type": "string"},
                                      "b": {"not": {"type": "null"}}}}}}, profile=profile)
    assert {p.mode for p in c._codec.props[0].codec.props} == {"maybe"}
    assert c._judge_validator() is not None
    _refused_alike(c, ['{"o":{}}'])
    assert c.validate_json('{"o":{"a":"x"}}') == {"o": {"a": "x"}}
    assert c.validate_json('{"o":{"b":"[1]"}}') == {"o": {"b": [1]}}
    _agreement(c)()


def _refused_alike(c: Any, texts: list[str]) -> None:
    """Each text refused by the one pass with the two steps' errors (some)."""
    for text in texts:
        with pytest.raises(ValidationError) as one:
            c.validate_json(text)
        with pytest.raises(ValidationError) as two:
            c._two_steps()(text)
        assert one.value.errors == two.value.errors and one.value.errors


def test_json_text_values_are_judged_in_the_one_pass() -> None:
    """A constraint on the value of JSON text (`jsonText`): the core parses the string and
    judges its value in the same pass; the verdicts and errors are the two steps'."""
    c = strictschema.compile({"type": "object", "properties": {
        "free": {"not": {"type": "array"}}, "n": {"type": "integer"}},
        "required": ["free", "n"], "additionalProperties": False})
    assert c._residual_validator() is not None and c._judge_validator() is not None
    for free in ({"a": 1, "b": None}, "s", 3):
        text = json.dumps({"free": json.dumps(free), "n": 1})
        assert c.validate_json(text) == {"free": free, "n": 1} == c._two_steps()(text)
    texts = [json.dumps({"free": json.dumps(free), "n": 1}) for free in ([1, 2], [])]
    assert not any(c._judge_validator().is_valid_json(text) for text in texts)
    _refused_alike(c, texts)


def test_objects_beside_their_residual_keep_the_wire_nodes_order_and_decode_share() -> None:
    """A residual placed beside a wire object's properties (draft-04 integers here) makes
    the walk read each object against both nodes; the closed wire node leads: the nulls
    the decode makes absent are left out and the JSON text is parsed as the walk builds, so
    the value needs no decode; members out of order are built again as the text has them."""
    schema = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
              "properties": {"a": {"type": "integer"}, "b": {"type": "string"},
                             "free": {}, "n": {"type": "object", "properties": {
                                 "x": {"type": "integer"}, "y": {"type": "string"}}}},
              "required": ["b"]}
    c = strictschema.compile(schema)
    assert c._residual_validator() is not None and c._judge_validator() is not None
    values = [{"a": 1, "b": "s", "free": [1, {"k": None}], "n": {"x": 2}},
              {"b": "s"}, {"b": "t", "n": {"y": "z"}}, {"a": -3, "b": "", "free": None}]
    for value in values:
        text = json.dumps(c.encode(value))
        got = c.validate_json(text)
        assert got == value and json.dumps(got) == json.dumps(c._two_steps()(text)), text
        shuffled = json.dumps(_reversed(json.loads(text)))
        assert c.validate_json(shuffled) == value
    assert c._vj.__self__.share == (True, True)  # light, with decode steps in the walk
    for bad in ('{"a":1.0,"b":"s","free":null,"n":null}',
                '{"a":null,"b":"s","free":null,"n":{"x":2.0,"y":null}}'):
        with pytest.raises(ValidationError):
            c.validate_json(bad)


def test_unions_written_alike_in_two_places_take_their_decode_in_the_walk() -> None:
    """Two properties with the same union (their branches alike as text): each union's
    branches are found where the codec meets the wire, not by their text (which names two
    nodes), so the walk decodes both as it builds (light) and picks each value's branch."""
    u = {"anyOf": [{"type": "object", "properties": {"a": {"type": "string"},
                                                      "b": {"type": "integer"}}},
                   {"type": "array", "items": {"type": "string"}}]}
    c = strictschema.compile({"type": "object", "properties": {"x": u, "y": u},
                              "required": ["x", "y"]})
    for value in ({"x": {"a": "s"}, "y": ["q"]}, {"x": ["q"], "y": {"b": 3}},
                  {"x": {}, "y": {"a": "t", "b": 1}}):
        text = json.dumps(c.encode(value))
        assert c.validate_json(text) == value == c._two_steps()(text), text
    assert c._vj.__self__.share[0]


def test_a_residual_said_of_one_value_is_merged_into_the_wire_node() -> None:
    """Draft-04 integers (which refuse ``1.0``) at the root, under an optional property and
    in array items: the residual's keywords go into the wire nodes themselves (the walk
    meets one node per value, not a conjunction), and the verdicts stay the two steps'."""
    schema = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
              "properties": {
                  "n": {"type": "integer"}, "m": {"type": ["integer", "string"]},
                  "slots": {"type": "array", "items": {"type": "object", "properties": {
                      "start": {"type": "integer"}, "note": {"type": "string"}},
                      "required": ["start"]}}},
              "required": ["n", "slots"]}
    c = strictschema.compile(schema)
    assert c._residual_validator() is not None
    one = c._judge_validator()
    wire = c._validators()[0]._model
    # no wire node took the residual as an allOf: every wire node that holds an integer
    # says int4 itself
    assert not [n for n in one._model.nodes[:len(wire.nodes)] if "allOf" in n]
    assert len([n for n in one._model.nodes[:len(wire.nodes)] if n.get("int4")]) == 3
    for text, ok in (('{"n":1,"m":null,"slots":[{"start":2,"note":null}]}', True),
                     ('{"n":1,"m":"s","slots":[]}', True),
                     ('{"n":1.0,"m":null,"slots":[]}', False),
                     ('{"n":1,"m":2.0,"slots":[]}', False),
                     ('{"n":1,"m":2,"slots":[{"start":1.0,"note":"x"}]}', False),
                     ('{"n":1,"m":2,"slots":[{"start":1e2,"note":null}]}', False)):
        assert one.is_valid_json(text) is ok, text
        assert (c._acceptor()(text) is True) is ok, text
        if ok:
            assert c.validate_json(text) == c._two_steps()(text)
        else:
            with pytest.raises(ValidationError):
                c.validate_json(text)
    _agreement(c)()
    # the merged type is the intersection (a residual's null taken in where the property
    # is optional); nothing in common: no merge (the residual is joined whole)
    from strictschema._compile._judge import _merged_type
    assert _merged_type({"type": "string"}, {"type": "integer"}, False) is None
    assert _merged_type({"type": ["integer", "null"]}, {"type": "integer", "int4": True},
                        True) == {"type": ["integer", "null"], "int4": True}
    assert _merged_type({"type": "number"}, {"type": "integer", "int4": True},
                        False) == {"type": "integer", "int4": True}
    assert _merged_type({"type": "number"}, {"type": "integer", "int4": True},
                        True) == {"type": "integer", "int4": True}


def test_a_union_decoded_by_its_first_branch_is_one_union_of_wire_branches() -> None:
    """Requirements over optional properties (``oneOf`` of ``required``: the wire sends a
    union of closed objects, one per requirement, decoded by the first that matches): the
    translation stands for the wire's union, what each branch adds is merged into the wire
    branch itself, and the walk settles every value from the members' bits (no tape)."""
    schema = {"type": "object", "properties": {
        "shape": {"type": "string"},
        "dims": {"type": "object", "properties": {
            "r": {"type": "number"}, "w": {"type": "number"}, "h": {"type": "number"}},
            "oneOf": [{"required": ["r"]}, {"required": ["w", "h"]}]}},
        "required": ["shape", "dims"]}
    c = strictschema.compile(schema)
    one = c._judge_validator()
    count = len(c._validators()[0]._model.nodes)
    nodes = one._model.nodes
    unions = [n for n in nodes[:count] if len(n.get("anyOf", [])) >= 2
              and all(b < count for b in n["anyOf"])]
    assert unions, "the wire's union, its branches the wire's own"
    for value in ({"shape": "s", "dims": {"r": 1.5}}, {"shape": "s", "dims": {"w": 1, "h": 2}},
                  {"shape": "s", "dims": {"r": 1, "w": 2}}):
        text = json.dumps(c.encode(value))
        assert one._program.walk_tapes(text) == 0, text
        assert c.validate_json(text) == value == c._two_steps()(text)
    for bad in ('{"shape":"s","dims":{"r":1,"w":2,"h":3}}',
                '{"shape":"s","dims":{"r":null,"w":2,"h":null}}'):
        with pytest.raises(ValidationError):
            c.validate_json(bad)
    _agreement(c)()


_UNIONS = {
    # requirements over optional properties: a union of closed objects, nulls that decode
    # to absent in each branch its own way
    "requirements": {"type": "object", "properties": {"items": {"type": "array", "items": {
        "type": "object", "properties": {"r": {"type": "number"}, "w": {"type": "number"},
                                         "h": {"type": "number"}, "note": {"type": "string"}},
        "oneOf": [{"required": ["r"]}, {"required": ["w", "h"]}]}}},
        "required": ["items"]},
    # a union of objects, one branch holding a nullable property (its null stays) and a
    # union nested in another
    "mixed": {"type": "object", "properties": {"v": {"anyOf": [
        {"type": "object", "properties": {"kind": {"const": "a"},
                                          "n": {"type": ["integer", "null"]}},
         "required": ["kind", "n"], "additionalProperties": False},
        {"type": "object", "properties": {"kind": {"const": "b"}, "s": {"type": "string"},
                                          "inner": {"anyOf": [
                                              {"type": "object", "properties": {
                                                  "x": {"type": "integer"}},
                                               "required": ["x"],
                                               "additionalProperties": False},
                                              {"type": "string"}]}},
         "required": ["kind"], "additionalProperties": False}]}},
        "required": ["v"], "additionalProperties": False},
}


@pytest.mark.parametrize("name", sorted(_UNIONS))
def test_a_union_the_walk_took_is_decoded_as_it_was_built(name: str) -> None:
    """The decode of a union is its first matching wire branch's; the walk takes a union's
    branches in that order, so the branch it took is that one and it builds the value
    decoded (its nulls left out where that branch drops them): no decode runs after it.
    Members out of order are built again and decoded whole; the values are the two
    steps' either way."""
    c = strictschema.compile(_UNIONS[name])
    values = {
        "requirements": [{"items": [{"r": 1.5}, {"w": 1, "h": 2, "note": "x"}, {"r": 0}]},
                         {"items": []}],
        "mixed": [{"v": {"kind": "a", "n": None}}, {"v": {"kind": "a", "n": 3}},
                  {"v": {"kind": "b"}}, {"v": {"kind": "b", "s": "t", "inner": {"x": 1}}},
                  {"v": {"kind": "b", "inner": "text"}}],
    }[name]
    for value in values:
        text = json.dumps(c.encode(value))
        assert c.validate_json(text) == value == c._two_steps()(text), text
        shuffled = json.dumps(_reversed(json.loads(text)))
        assert c.validate_json(shuffled) == value, shuffled
    if name == "requirements":
        assert c._vj.__self__.share[0]  # light: a tidy value needs no decode
    _agreement(c)()


def test_a_definition_shared_by_optional_and_required_properties_is_judged() -> None:
    """A draft-04 definition used by a required property and by an optional one (sent as
    ``anyOf: [definition, null]``): the residual the two contexts place on the shared
    wire definition is alike (equal nodes of the residual, each context its own): one
    judge for both."""
    schema = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
              "definitions": {"f": {"type": "object", "properties": {
                  "n": {"type": "integer"}, "s": {"type": "string"}}, "required": ["n"]}},
              "properties": {"a": {"$ref": "#/definitions/f"}, "b": {"$ref": "#/definitions/f"}},
              "required": ["a"]}
    c = strictschema.compile(schema)
    assert c._residual_validator() is not None and c._judge_validator() is not None
    for value in ({"a": {"n": 1}}, {"a": {"n": 1, "s": "x"}, "b": {"n": -2}}):
        text = json.dumps(c.encode(value))
        assert c.validate_json(text) == value == c._two_steps()(text)
    for bad in ('{"a":{"n":1.0,"s":null},"b":null}', '{"a":{"n":1,"s":null},"b":{"n":2.0,"s":null}}'):
        assert not c._judge_validator().is_valid_json(bad)
        with pytest.raises(ValidationError):
            c.validate_json(bad)
    _agreement(c)()


@pytest.mark.parametrize("schema", [
    _UNIONS["requirements"],
    # a union at the root (sent wrapped), its branches with optional members
    {"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}, "n": {"type": "integer"}},
                "required": ["a"]},
               {"type": "object", "properties": {"b": {"type": "integer"}, "c": {"type": "string"}},
                "required": ["b"]}]},
], ids=["requirements", "root-union"])
def test_unions_are_decoded_in_one_call_in_order_or_not(schema: Any) -> None:
    """Values of a union, their members as the wire orders them and reversed: the core's
    one call decodes them all (the two steps, which explain refusals, never run), whether
    the walk took the union's decode or left it to the decode."""
    from strictschema._compile._codec import core_decoder
    from strictschema._core import Judge

    c = strictschema.compile(schema)
    one = c._judge_validator() or c._validators()[0]
    calls: list[Any] = []
    two_steps = c._two_steps()

    def explain(raw: Any) -> Any:
        calls.append(raw)
        return two_steps(raw)
    judge = Judge(one._program, core_decoder(c._codec, c._validators()[0]._model), explain,
                  None if c._judge_validator() is not None
                  else c._residual_validator()._program)
    from hypothesis import HealthCheck, given, settings

    from strictschema.strategies import from_schema

    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(from_schema(c))
    def check(value: Any) -> None:
        text = json.dumps(value)
        for t in (text, json.dumps(_reversed(value))):
            assert json.dumps(judge.validate_json(t)) == json.dumps(two_steps(t)), t
        assert not calls, calls
    check()


ORDERED = {"type": "object", "required": ["a", "m", "o"], "properties": {
    "a": {"type": "object", "properties": {"x": {"type": "integer"}, "y": {"type": "string"}},
          "required": ["x", "y"]},
    "m": {"type": "object", "additionalProperties": {"type": "integer"}},
    "o": {"type": "object", "properties": {"p": {"type": "integer"}, "q": {"type": "integer"}}}}}


def test_members_out_of_the_schemas_order_decode_as_the_two_steps_do() -> None:
    """The decode builds a renamed or trimmed object in its schema's order: the walk puts
    one whose members came in another order in that order as it builds it, so the value
    stays tidy (the decode runs in place, or not at all) and is the two steps' value, order
    included; an object the decode keeps as it is (``a``) keeps the text's order."""
    from itertools import permutations

    c = strictschema.compile(ORDERED)
    members = {"a": ['"x": 1, "y": "s"', '"y": "s", "x": 1'], "m": ['[{"key": "k", "value": 2}]'],
               "o": ['"p": 2, "q": null', '"q": null, "p": 2', '"q": 3, "p": null']}
    c.validate_json('{"a": {"x": 1, "y": "s"}, "m": [], "o": {"p": null, "q": null}}')
    judge = c._vj.__self__
    seen = 0
    for order in permutations("amo"):
        for a in members["a"]:
            for o in members["o"]:
                parts = {"a": "{" + a + "}", "m": members["m"][0], "o": "{" + o + "}"}
                text = "{" + ", ".join(f'"{k}": {parts[k]}' for k in order) + "}"
                got = c.validate_json(text)
                assert json.dumps(got) == json.dumps(c._two_steps()(text)), text
                assert list(got) == ["a", "m", "o"] and list(got["a"]) == (
                    ["x", "y"] if a.startswith('"x"') else ["y", "x"])
                assert judge.tidy(text) is True, text
                seen += 1
    assert seen == 36


MAPS = {"type": "object", "required": ["m", "n", "o"], "properties": {
    "m": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
    "n": {"type": "object", "additionalProperties": {
        "type": "object", "additionalProperties": {"type": "string"}}, "maxProperties": 3},
    "o": {"type": "array", "items": {"type": "object", "additionalProperties": {}}}}}


@pytest.mark.parametrize("text", [
    '{"m": [{"key": "a", "value": 1}, {"key": "b", "value": 2}], "n": [], "o": []}',
    ('{"m": [{"value": 1, "key": "a"}], "n": [{"key": "x", "value": [{"key": "y", "value": "z"}]}],'
     ' "o": [[{"key": "j", "value": "{\\"q\\": [1, {}]}"}], []]}'),
    ('{"m": [{"key": "\u00e9", "value": 0}, {"key": "b\\u00e9", "value": 3}],'
     ' "n": [{"key": "x", "value": []}], "o": [[{"key": "k", "value": "null"}]]}'),
    '{"m": [], "n": [{"key": "a", "value": []}, {"key": "b", "value": []}], "o": [[], [], []]}',
    '{"m": [{"key": "a", "value": 1}, {"key": "a", "value": 2}], "n": [], "o": []}',
    '{"m": [{"key": "a", "value": -1}], "n": [], "o": []}',
    '{"m": [{"key": "a"}], "n": [], "o": []}',
    '{"m": [{"key": "a", "value": 1, "value": 1}], "n": [], "o": []}',
    '{"m": [{"key": "a", "value": 1, "x": 1}], "n": [], "o": []}',
    '{"m": [{"key": 1, "value": 1}], "n": [], "o": []}',
    '{"m": [{"key": "\\u0061", "value": 1}, {"key": "a", "value": 1}], "n": [], "o": []}',
    '{"m": [], "n": [{"key": "x", "value": [{"key": "y", "value": 1}]}], "o": []}',
    '{"m": [], "n": [], "o": [[{"key": "j", "value": "{nope"}]]}',
    '{"m": [[]], "n": [], "o": []}',
])
def test_map_entries_are_built_into_their_object_as_the_two_steps_do(text: str) -> None:
    """Maps on the wire are lists of ``{key, value}`` entries: the walk builds the object
    they decode to as it meets them (each value with its own decode: a nested map, JSON
    text), and what it refuses (a key twice, even spelled with an escape, a member too many
    or missing, a value the source refuses) the two steps refuse with the same errors."""
    c = strictschema.compile(MAPS)
    try:
        expected: Any = c._two_steps()(text)
    except (ValidationError, strictschema.DecodeError) as exc:
        with pytest.raises(type(exc)) as info:
            c.validate_json(text)
        assert str(info.value) == str(exc)
        return
    got = c.validate_json(text)
    assert json.dumps(got) == json.dumps(expected)
    assert c._vj.__self__.tidy(text) is True


def test_branches_a_closed_object_tells_apart_need_no_not() -> None:
    """Wire branches that are closed objects, each requiring a name the other lacks, meet
    no value together: "not an earlier branch" says nothing there (no ``not``, which sends
    a value to the tape), and the verdicts stay the two steps'."""
    from strictschema._compile._judge import _apart

    nodes: list[dict[str, Any]] = [
        {"type": "object", "properties": [["a", 2]], "required": ["a"], "additionalProperties": 3},
        {"type": "object", "properties": [["b", 2]], "required": ["b"]},
        {"type": "string"}, {"bool": False}]
    assert _apart(nodes, 0, 1) and _apart(nodes, 1, 0)
    nodes[0] = {**nodes[0], "type": ["object", "string"]}  # a string meets both
    assert not _apart(nodes, 0, 1)
    schema = {"type": "object", "properties": {"v": {"type": "array", "items": {"anyOf": [
        {"type": "object", "properties": {"a": {"type": "string"}, "n": {"type": "integer"}},
         "required": ["a"], "not": {"required": ["zz"]}},
        {"type": "object", "properties": {"b": {"type": "integer"}, "c": {"type": "string"}},
         "required": ["b"]}]}}}, "required": ["v"]}
    c = strictschema.compile(schema)
    one = c._judge_validator()
    assert one is not None
    assert not [n for n in one._model.nodes if "not" in n and set(n) <= {"path", "not"}]
    for value in ({"v": [{"a": "x"}, {"b": 1}, {"b": 2, "c": "s"}, {"a": "y", "n": 3}]},):
        text = json.dumps(c.encode(value))
        assert c.validate_json(text) == value == c._two_steps()(text)
    _agreement(c)()


@pytest.mark.parametrize("subset", SUBSETS)
def test_the_judge_decides_labelled_outputs_as_the_two_steps_do(subset: str,
                                                                 corpus_dir: Path) -> None:
    """The corpus's labelled outputs (valid and not), sent on the wire: the judge's own
    verdict is the two steps' (wire check, decode, residual check) wherever there is a
    judge. The route asks the two steps after any refusal, so a judge that refuses too
    much only shows as time; this finds it."""
    schemas = schemas_by_id(corpus_dir, subset)
    judged = 0
    with (corpus_dir / "instances" / f"{subset}.jsonl").open() as fh:
        records = [json.loads(line) for line in fh]  # (every one: 40 s on the full corpus)
    for rec in records:
        if rec["id"] not in schemas:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                c = strictschema.compile(schemas[rec["id"]])
                one, res, wire_v = (c._judge_validator(), c._residual_validator(),
                                    c._validators()[0])
        except (StrictSchemaError, RecursionError):
            continue  # refused: test_corpus_compile says which and why
        if one is None or one is wire_v:
            continue
        for test in rec["tests"]:
            try:
                raw = json.dumps(c.encode(test["data"]))
            except Exception:  # noqa: BLE001, S112 - not representable on the wire
                continue
            try:
                two = wire_v.is_valid_json(raw)
                if two:
                    try:
                        two = res is None or res.is_valid(c._codec.decode(json.loads(raw)))
                    except ValidationError:
                        two = False
                assert one.is_valid_json(raw) is two, (subset, rec["id"], raw[:300])
            except UnsafePatternError:
                continue
            judged += 1
    assert judged or subset in ("Github_trivial",), subset


def test_the_first_output_chooses_the_residual_apart_where_the_judge_would_tape_it() -> None:
    """A residual ``not`` over the whole object: the judge's pass judges the whole output on
    a tape (parsed again, judged node by node), so ``compiled.validate_json`` takes the wire
    pass, the decode and the residual on the value instead; where the judge tapes nothing it
    stays. Either way the verdicts and values are the two steps'."""
    taped = strictschema.compile({
        "type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
        "required": ["a"], "not": {"properties": {"a": {"const": "x"}}, "required": ["a"]}})
    one = taped._judge_validator()
    assert one is not None
    assert one._program.taped_share('{"a":"y","b":1}') == 1.0
    assert one._program.taped_share('{"a":') is None  # not JSON: no sign either way
    assert taped.validate_json('{"a":"y","b":null}') == {"a": "y"}
    assert taped.validate_json.__self__.apart
    with pytest.raises(ValidationError):
        taped.validate_json('{"a":"x","b":null}')
    plain = strictschema.compile({
        "type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
        "required": ["a"], "minProperties": 1})
    assert plain._judge_validator()._program.taped_share('{"a":"y","b":null}') == 0.0
    assert plain.validate_json('{"a":"y","b":null}') == {"a": "y"}
    assert not plain.validate_json.__self__.apart
    # a refused first output gives no sign: the judge stays
    refused = strictschema.compile(taped._source.schema)
    with pytest.raises(ValidationError):
        refused.validate_json('{"a":"x","b":null}')
    assert not refused.validate_json.__self__.apart
    _agreement(taped)()


def test_a_map_the_wire_sends_as_entries_alone_gets_its_residual_on_the_entries() -> None:
    """Draft-04 integers as a map's values, the map always there: the wire sends only the
    entries' array at that place, so what the residual says of every value merges into the
    entry's ``value`` node (no union of "not an array, or entries that...": the walk meets
    one node per value and builds the dict as it goes)."""
    c = strictschema.compile({
        "$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
        "properties": {"m": {"type": "object", "additionalProperties": {"type": "integer"}},
                       "n": {"type": "integer"}},
        "required": ["m", "n"]})
    model = c._judge_validator()._model
    root = model.nodes[model.root]
    m = model.nodes[dict(root["properties"])["m"]]
    assert m.get("type") == "array" and "allOf" not in m and m.get("uniqueBy") == "key"
    entry = model.nodes[m["items"]]
    assert model.nodes[dict(entry["properties"])["value"]].get("int4")
    for text, ok in (('{"m":[{"key":"a","value":1}],"n":2}', True),
                     ('{"m":[{"key":"a","value":1.0}],"n":2}', False),
                     ('{"m":[{"key":"a","value":1},{"key":"a","value":2}],"n":2}', False),
                     ('{"m":[],"n":2.0}', False)):
        assert c._judge_validator().is_valid_json(text) is ok, text
        assert (c._acceptor()(text) is True) is ok, text
    assert c.validate_json('{"m":[{"key":"a","value":1}],"n":2}') == {"m": {"a": 1}, "n": 2}
    _agreement(c)()


def test_a_not_of_an_earlier_branch_reads_it_as_loaded() -> None:
    """Two overlapping wire branches; the residual bounds ``a`` under the first branch's
    decode only (the second decodes ``a`` as ``z``). ``{"a": 1}`` meets both, so the decode
    takes the first, whose residual refuses it. The second branch's "not the first" must
    read the first as the wire has it: read with the first's residual merged in, it would
    pass ``{"a": 1}`` (it did, between 83874c2 and db95faf)."""
    wire = {"type": "object", "required": ["v"], "properties": {"v": {"anyOf": [
        {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
        {"type": "object", "properties": {"a": {"type": "integer"}, "c": {"type": "string"}},
         "required": ["a"]}]}}}
    b0, b1 = (Validator(b) for b in wire["properties"]["v"]["anyOf"])
    union = AnyOfCodec([
        (b0.is_valid, lambda _: True, ObjectCodec([PropertySpec("a", IDENTITY)])),
        (b1.is_valid, lambda _: True, ObjectCodec([
            PropertySpec("z", IDENTITY, wire_name="a"), PropertySpec("c", IDENTITY, "maybe")]))])
    codec = ObjectCodec([PropertySpec("v", union)])
    residual = {"properties": {"v": {"properties": {"a": {"minimum": 5}}}}}
    found = judge_model(_model(wire), _model(residual), codec)
    assert found is not None
    judge = Validator.__new__(Validator)
    judge._setup(Validator._trusted(wire)._source, (wire, None, True), found[0])
    check = Validator(residual)
    for text in ('{"v": {"a": 1}}', '{"v": {"a": 7}}', '{"v": {"a": 1, "c": "s"}}',
                 '{"v": {"a": 9, "c": "s"}}'):
        two = check.is_valid(codec.decode(json.loads(text)))
        assert judge.is_valid_json(text) is two, text
