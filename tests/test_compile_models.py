"""Pydantic models a real user writes: compiled, checked strict, and parsed back exactly."""

from __future__ import annotations

import datetime as dt
import enum
import json
from typing import Annotated, Generic, Literal, TypeVar

import pytest
from pydantic import BaseModel, Field

import strictschema
from strictschema._compile._check import check_strict


class Color(str, enum.Enum):
    red = "red"
    green = "green"


class Address(BaseModel):
    """A postal address."""

    street: str = Field(description="Street and number")
    city: str
    zip: Annotated[str, Field(pattern=r"^\d{5}$")]


class Person(BaseModel):
    """Someone we ship to."""

    name: Annotated[str, Field(min_length=1, max_length=50)]
    age: Annotated[int, Field(ge=0, le=150)]
    nickname: str | None = None
    email: str | None = Field(default=None, description="optional email")
    favourite: Color = Color.red
    tier: Literal["free", "pro"] = "free"
    born: dt.date
    last_seen: dt.datetime | None = None
    address: Address = Field(description="Where to ship")
    tags: list[str] = []
    scores: dict[str, int] = {}


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


class Owner(BaseModel):
    pet: Annotated[Cat | Dog, Field(discriminator="kind")]


class Tree(BaseModel):
    value: int
    children: list[Tree] = []


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def _strict_ok(c: strictschema.Compiled) -> None:
    assert check_strict(c.schema, c.profile) == []


def test_person_wire_schema_and_diagnostics() -> None:
    c = strictschema.compile(Person)
    _strict_ok(c)
    s = c.schema
    assert s["required"] == list(s["properties"])
    # a default: required with its own type, never nullable (the model never takes null)
    assert s["properties"]["tags"]["type"] == "array"
    assert s["properties"]["favourite"] == {"$ref": "#/$defs/Color"}
    codes = {(d.path, d.code) for d in c.diagnostics}
    assert ("$.properties.tags", "default_required") in codes
    assert not any(code == "optional_to_nullable" for _, code in codes)
    assert ("$.properties.scores", "map_as_entries") in codes
    # Optional[str] = None: nullable because the model takes null, required on the wire
    assert s["properties"]["nickname"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    assert ("$.properties.nickname", "default_required") in codes
    # a datetime follows the model: with or without offset (a pattern, not format date-time)
    last_seen = s["properties"]["last_seen"]["anyOf"][0]
    assert "format" not in last_seen and last_seen["pattern"].startswith("^")
    # $ref with a description: inlined, description kept, no $ref siblings (A24)
    addr = s["properties"]["address"]
    assert addr["description"] == "Where to ship" and "$ref" not in addr
    assert addr["properties"]["zip"]["pattern"] == r"^\d{5}$"
    # a date follows the model too: format date would admit year 0000
    born = s["properties"]["born"]
    assert born["type"] == "string" and "format" not in born and born["pattern"].startswith("^")
    assert c.exact  # nothing lost for the current profile
    assert c.name == "Person"


def test_person_parse_roundtrip_gives_model_with_defaults() -> None:
    c = strictschema.compile(Person)
    wire = {
        "name": "Ada", "age": 36, "nickname": None, "email": None, "favourite": "red",
        "tier": "pro", "born": "1815-12-10", "last_seen": "2024-01-01T10:00:00Z",
        "address": {"street": "1 Main St", "city": "London", "zip": "12345"},
        "tags": [], "scores": [{"key": "chess", "value": 3}],
    }
    person = c.parse(json.dumps(wire))
    assert isinstance(person, Person)
    assert person.favourite is Color.red
    assert person.tags == []
    assert person.scores == {"chess": 3}
    assert person.last_seen == dt.datetime(2024, 1, 1, 10, tzinfo=dt.UTC)
    data = c.validate_json(json.dumps(wire))
    assert data["favourite"] == "red" and data["nickname"] is None
    # the model's dump (defaults filled in, the instance itself, or data missing defaults)
    # encodes to the same wire value, up to the datetime's own JSON form
    expected = {**wire, "last_seen": "2024-01-01T10:00:00Z"}
    assert c.encode(person) == c.encode(data) == expected
    assert c.parse(json.dumps(c.encode(person))) == person
    minimal = {k: v for k, v in data.items() if k not in ("favourite", "tags", "nickname")}
    assert c.encode(minimal)["favourite"] == "red"


def test_constraints_still_enforced_client_side() -> None:
    c = strictschema.compile(Person)
    wire = {
        "name": "", "age": 200, "nickname": None, "email": None, "favourite": "blue",
        "tier": "pro", "born": "1815-13-10", "last_seen": None,
        "address": {"street": "x", "city": "y", "zip": "1234"},
        "tags": [], "scores": [],
    }
    with pytest.raises(strictschema.ValidationError) as info:
        c.validate_json(json.dumps(wire))
    paths = {e.json_path for e in info.value.errors}
    assert {"$.name", "$.age", "$.favourite", "$.born", "$.address.zip"} <= paths


def test_discriminated_union_is_exact_any_of() -> None:
    c = strictschema.compile(Owner)
    _strict_ok(c)
    codes = {d.code for d in c.diagnostics}
    assert "one_of_to_any_of" in codes and c.exact
    pet = c.schema["properties"]["pet"]
    assert [b["$ref"] for b in pet["anyOf"]] == ["#/$defs/Cat", "#/$defs/Dog"]
    owner = c.parse('{"pet": {"kind": "dog", "good": true}}')
    assert isinstance(owner.pet, Dog)


def test_recursive_tree_keeps_recursion() -> None:
    c = strictschema.compile(Tree)
    _strict_ok(c)
    children = c.schema["properties"]["children"]
    assert children["type"] == "array"
    assert children["items"] == {"$ref": "#"}
    tree = c.parse('{"value": 1, "children": [{"value": 2, "children": []}]}')
    assert tree == Tree(value=1, children=[Tree(value=2)])


def test_generic_model_name_is_sanitised() -> None:
    c = strictschema.compile(Page[int])
    assert c.name == "Page_int"
    fmt = c.text_format()
    assert fmt["name"] == "Page_int"
    assert fmt["strict"] is True and fmt["type"] == "json_schema"


def test_docstring_becomes_description() -> None:
    c = strictschema.compile(Person)
    tool = c.function_tool()
    assert tool["description"] == "Someone we ship to."
    assert tool == {"type": "function", "name": "Person", "description": "Someone we ship to.",
                    "parameters": c.schema, "strict": True}
    chat = c.function_tool("lookup", api="chat", description="Find a person")
    assert chat == {"type": "function", "function": {
        "name": "lookup", "description": "Find a person", "parameters": c.schema,
        "strict": True}}


def test_type_adapter_types_compile() -> None:
    c = strictschema.compile(list[int])
    assert c.schema["properties"]["value"] == {"type": "array", "items": {"type": "integer"}}
    assert c.parse('{"value": [1, 2]}') == [1, 2]
    c2 = strictschema.compile(dict[str, float])
    assert c2.parse('{"value": [{"key": "a", "value": 1.5}]}') == {"a": 1.5}


def test_not_a_pydantic_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="Pydantic-compatible"):
        strictschema.compile(object())
