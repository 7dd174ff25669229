"""Issue 13: for a Pydantic source the model is the judge. On every model of ``_models``:

- every wire output Hypothesis draws from the compiled schema parses into an instance;
- that instance encodes (the instance itself, its JSON dump by alias and by field name),
  and what was encoded parses back to an equal instance;
- no wire property accepts null unless the model's field takes None (or, for a TypedDict
  key that may be absent, null stands for absent).

The default run draws 25 outputs per model; ``--run-slow`` runs 500 per model."""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest

pytest.importorskip("hypothesis")
pydantic = pytest.importorskip("pydantic")

from hypothesis import HealthCheck, given, settings  # noqa: E402

import strictschema  # noqa: E402
from _models import MODELS, ChannelStats  # noqa: E402
from strictschema.strategies import from_schema  # noqa: E402


def _id(model: Any) -> str:
    return strictschema.compile(model).name


def _compiled(model: Any) -> strictschema.Compiled:
    return strictschema.compile(model)


def _dumps_of(c: strictschema.Compiled, instance: Any) -> list[Any]:
    """What a user may hand ``encode``: the instance, and its JSON dumps by alias and by
    field name (the model has the last word on which it accepts)."""
    adapter = pydantic.TypeAdapter(c.model)
    return [instance, adapter.dump_python(instance, mode="json", by_alias=True),
            adapter.dump_python(instance, mode="json")]


def _roundtrip(c: strictschema.Compiled, wire: Any) -> None:
    text = json.dumps(wire, ensure_ascii=False)
    instance = c.parse(text)  # every wire-valid output parses into an instance
    for given_data in _dumps_of(c, instance):
        encoded = c.encode(given_data)
        back = c.parse(json.dumps(encoded, ensure_ascii=False))
        assert back == instance, (given_data, encoded)


def _property(c: strictschema.Compiled, examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(from_schema(c, max_depth=3, max_items=3))
    def prop(wire: Any) -> None:
        _roundtrip(c, wire)

    prop()


@pytest.mark.parametrize("model", MODELS, ids=_id)
def test_wire_outputs_parse_and_round_trip(model: Any) -> None:
    c = _compiled(model)
    assert c.exact, [str(d) for d in c.diagnostics if d.severity != "info"]
    _property(c, 25)


@pytest.mark.parametrize("model", MODELS, ids=_id)
def test_check_roundtrip_passes(model: Any) -> None:
    # the library's own four checks (strict, outputs, mutants, roundtrip) on the same models
    from strictschema.testing import check_roundtrip

    report = check_roundtrip(model, max_examples=5)
    assert report.exact and report.outputs >= 5


def test_a_map_entry_key_of_another_type_is_an_error_not_a_crash() -> None:
    c = _compiled(ChannelStats)  # dict[Channel, int]: keys are enum members on the wire
    with pytest.raises(strictschema.ValidationError) as info:
        c.validate_json('{"messages_by_channel": [{"key": 7, "value": 0}], "labels": []}')
    assert info.value.json_path.startswith("$.messages_by_channel[0]")


@pytest.mark.slow
@pytest.mark.parametrize("model", MODELS, ids=_id)
def test_wire_outputs_parse_and_round_trip_500(model: Any) -> None:
    _property(_compiled(model), 500)


# -- no wire field nullable where the model never takes null ------------------------------
def _models_in(tp: Any, seen: dict[str, type]) -> None:
    """Every BaseModel class reachable from ``tp``, by its JSON Schema title."""
    if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
        title = tp.model_config.get("title") or tp.__name__
        if title in seen:
            return
        if not issubclass(tp, pydantic.RootModel):
            seen[title] = tp
        for f in tp.model_fields.values():
            _models_in(f.annotation, seen)
        return
    for arg in typing.get_args(tp):
        _models_in(arg, seen)


def _wire_objects(node: Any, out: dict[str, list[dict]]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "object" and isinstance(node.get("title"), str):
            out.setdefault(node["title"], []).append(node)
        for v in node.values():
            _wire_objects(v, out)
    elif isinstance(node, list):
        for v in node:
            _wire_objects(v, out)


def _accepts_null(node: Any, defs: dict, root: dict, seen: frozenset = frozenset()) -> bool:
    if not isinstance(node, dict):
        return False
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in seen:
            return False
        target = root if ref == "#" else defs.get(ref.removeprefix("#/$defs/"), {})
        return _accepts_null(target, defs, root, seen | {ref})
    t = node.get("type")
    if t == "null" or (isinstance(t, list) and "null" in t):
        return True
    return any(_accepts_null(b, defs, root, seen) for b in node.get("anyOf", ()))


def _takes_none(cls: type, name: str) -> bool:
    """Whether the model accepts None for field ``name`` (validated as an assignment)."""
    try:
        cls.__pydantic_validator__.validate_assignment(cls.model_construct(), name, None)
    except pydantic.ValidationError:
        return False
    return True


@pytest.mark.parametrize("model", MODELS, ids=_id)
def test_no_wire_null_the_model_refuses(model: Any) -> None:
    c = _compiled(model)
    wire = c.schema
    defs = wire.get("$defs", {})
    objects: dict[str, list[dict]] = {}
    _wire_objects(wire, objects)
    models: dict[str, type] = {}
    _models_in(model, models)
    checked = 0
    for title, cls in models.items():
        for node in objects.get(title, ()):
            props = node["properties"]
            for name, f in cls.model_fields.items():
                key = f.alias or name
                if isinstance(f.validation_alias, str):
                    key = f.validation_alias
                elif f.validation_alias is not None:
                    key = next(k for k in props if k in str(f.validation_alias))
                assert key in props, (title, key)
                checked += 1
                if _accepts_null(props[key], defs, wire):
                    assert _takes_none(cls, name), f"{title}.{name} is nullable on the wire"
    assert checked or not models, "no model field found on the wire"
    # null is sent only where the model takes it, or for a TypedDict key that may be
    # absent (null stands for absent: the model has no default to fill in)
    absent_ok = {d.path for d in c.diagnostics
                 if d.code == "model_rule" and "lets be absent" in d.message}
    assert all(d.path in absent_ok for d in c.diagnostics if d.code == "optional_to_nullable")
