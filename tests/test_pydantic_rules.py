# ruff: noqa: UP007, UP045 - Optional[...] and Union[...] as users write them
"""Issue 13, rule by rule: for a Pydantic source the model is the judge (docs/pydantic.md)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Annotated, Literal, Optional, Union

import pytest

pydantic = pytest.importorskip("pydantic")
from pydantic import (  # noqa: E402
    AfterValidator,
    AliasChoices,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    NaiveDatetime,
    computed_field,
    condecimal,
)
from typing_extensions import NotRequired, TypedDict  # noqa: E402, UP035 - pydantic needs it on 3.11

import strictschema  # noqa: E402
from strictschema import ValidationError  # noqa: E402


class Noop(BaseModel):
    kind: Literal["noop"] = "noop"


class Say(BaseModel):
    kind: Literal["say"] = "say"
    text: str


class Plan(BaseModel):
    first: Annotated[Union[Noop, Say], Field(discriminator="kind")]
    rest: list[Annotated[Union[Noop, Say], Field(discriminator="kind")]] = []


def _codes(c: strictschema.Compiled) -> set[tuple[str, str]]:
    return {(d.path, d.code) for d in c.diagnostics}


def test_defaulted_tags_stay_required_constants_and_the_union_is_exact() -> None:
    c = strictschema.compile(Plan)
    assert c.exact
    defs = c.schema["$defs"]
    assert defs["Noop"]["properties"]["kind"] == {"type": "string", "const": "noop"}
    assert defs["Noop"]["required"] == ["kind"]
    assert ("$.properties.first.oneOf", "one_of_to_any_of") in _codes(c)
    # a null tag is not a wire value any more (it parsed to "Unable to extract tag")
    with pytest.raises(ValidationError):
        c.validate_json('{"first": {"kind": null}, "rest": []}')
    plan = c.parse('{"first": {"kind": "say", "text": "hi"}, "rest": [{"kind": "noop"}]}')
    assert plan == Plan(first=Say(text="hi"), rest=[Noop()])


class Event(BaseModel):
    title: str
    all_day: bool = False
    color: Literal["red", "blue"] = "blue"
    note: Optional[str] = None
    legacy: int = None  # type: ignore[assignment]  # a default the field's type refuses


def test_defaults_are_required_with_their_own_type() -> None:
    c = strictschema.compile(Event)
    props = c.schema["properties"]
    assert props["all_day"] == {"type": "boolean", "title": "All Day"}
    assert props["color"]["enum"] == ["red", "blue"]
    assert props["note"]["anyOf"] == [{"type": "string"}, {"type": "null"}]  # the model takes None
    # a default outside the field's type keeps the nullable form: null decodes to absent
    assert props["legacy"]["type"] == ["integer", "null"]
    assert ("$.properties.legacy", "optional_to_nullable") in _codes(c)
    assert ("$.properties.all_day", "default_required") in _codes(c)
    assert set(c.schema["required"]) == set(props)
    with pytest.raises(ValidationError):
        c.validate_json('{"title": "t", "all_day": null, "color": "red", "note": null, '
                        '"legacy": null}')
    # encode fills in the defaults of data that leaves them out
    assert c.encode({"title": "t"}) == {"title": "t", "all_day": False, "color": "blue",
                                        "note": None, "legacy": None}
    assert c.parse(json.dumps(c.encode({"title": "t"}))) == Event(title="t")


class Meeting(BaseModel):
    local: NaiveDatetime
    utc: AwareDatetime
    either: dt.datetime
    at: dt.time
    length: dt.timedelta = dt.timedelta(hours=1)


def test_datetimes_follow_the_model() -> None:
    c = strictschema.compile(Meeting)
    assert c.exact
    assert ("$.properties.either", "model_rule") in _codes(c)
    assert "format" not in c.schema["properties"]["either"]
    wire = {"local": "2025-03-14T09:30:00", "utc": "2025-03-14T09:30Z",
            "either": "2025-03-14T09:30", "at": "09:30", "length": "-PT5S"}
    m = c.parse(json.dumps(wire))
    assert m.local == dt.datetime(2025, 3, 14, 9, 30) and m.local.tzinfo is None
    assert m.utc.utcoffset() == dt.timedelta(0)
    assert m.length == dt.timedelta(seconds=-5)
    # what the model dumps encodes (a naive datetime included) and parses back equal
    assert c.parse(json.dumps(c.encode(m))) == m
    for bad in ({**wire, "local": "2025-03-14T09:30Z"},       # naive only
                {**wire, "utc": "2025-03-14T09:30:00"},       # aware only
                {**wire, "either": "2025-02-29T09:30"},       # not a leap year
                {**wire, "either": "2025-03-14T24:00"}):
        with pytest.raises(ValidationError):
            c.validate_json(json.dumps(bad))
    assert c.parse(json.dumps({**wire, "either": "2024-02-29T23:59:59.123456+05:30"}))
    # format date would admit year 0000, which the model refuses
    class Day(BaseModel):
        d: dt.date

    day = strictschema.compile(Day)
    with pytest.raises(ValidationError, match="is not a date the model accepts"):
        day.parse('{"d": "0000-01-01"}')
    assert day.parse('{"d": "2024-02-29"}') == Day(d=dt.date(2024, 2, 29))
    # the error says why: what the text is not, not the pattern
    with pytest.raises(ValidationError, match="is not a date-time the model accepts") as info:
        c.parse(json.dumps({**wire, "either": "2025-03-14T09:30:61"}))
    assert info.value.json_path == "$.either" and "(?:" not in str(info.value)


class Money(BaseModel):
    amount: Decimal
    price: condecimal(max_digits=6, decimal_places=2, ge=0)


def test_decimal_as_number_or_text() -> None:
    c = strictschema.compile(Money)
    assert c.exact
    ok = c.parse('{"amount": "1e5", "price": 12.5}')
    assert ok == Money(amount=Decimal("1e5"), price=Decimal("12.5"))
    assert c.parse('{"amount": 0.1, "price": "9999.99"}').amount == Decimal("0.1")
    assert c.schema["properties"]["amount"]["anyOf"][0]["maximum"] == 1.7976931348623157e308
    with pytest.raises((ValidationError, strictschema.DecodeError)):  # infinite as a float
        c.validate_json('{"amount": 1e400, "price": 1}')
    for bad in ('{"amount": "abc", "price": 1}', '{"amount": 1, "price": "10000"}',
                '{"amount": 1, "price": 1.234}', '{"amount": 1, "price": "-1"}'):
        with pytest.raises(ValidationError):
            c.validate_json(bad)
    m = Money(amount=Decimal("-0.5"), price=Decimal("1.50"))
    assert c.parse(json.dumps(c.encode(m))) == m


class Tags(BaseModel):
    tags: set[str]


def test_sets_accept_repeated_items_as_the_model_does() -> None:
    c = strictschema.compile(Tags)
    assert "uniqueItems" not in c.schema["properties"]["tags"]
    assert c.exact
    assert c.parse('{"tags": ["a", "a"]}') == Tags(tags={"a"})


class Account(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    user_id: uuid.UUID = Field(alias="userId")
    display_name: str = Field(validation_alias=AliasChoices("displayName", "name"))
    active: bool = Field(True, alias="isActive")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        return self.display_name.upper()


def test_encode_takes_an_instance_or_a_dump_by_alias_or_by_name() -> None:
    c = strictschema.compile(Account)
    a = Account(userId=uuid.UUID(int=7), displayName="Ada")
    expected = {"userId": str(uuid.UUID(int=7)), "displayName": "Ada", "isActive": True}
    assert c.encode(a) == expected
    assert c.encode(a.model_dump(mode="json", by_alias=True)) == expected
    assert c.encode(a.model_dump(mode="json")) == expected
    assert c.encode(a.model_dump()) == expected  # Python values: UUID
    assert c.parse(json.dumps(c.encode(a))) == a
    with pytest.raises(ValidationError, match="the model refuses") as info:
        c.encode({"userId": "not-a-uuid", "displayName": "x"})
    assert info.value.errors[0].json_path == "$.userId"


class Nameless(BaseModel):
    n: int


def test_names_come_from_the_type() -> None:
    assert strictschema.compile(list[Nameless]).name == "NamelessList"
    union = Annotated[Union[Noop, Say], Field(discriminator="kind")]
    assert strictschema.compile(union).name == "NoopOrSay"
    assert strictschema.compile(dict[str, Nameless]).name == "NamelessMap"
    assert strictschema.compile(Nameless).name == "Nameless"


def _lower(v: str) -> str:
    return v.lower()


class Contact(BaseModel):
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")]
    slug: Annotated[str, AfterValidator(_lower), Field(pattern=r"^[a-z0-9-]+$")]


def test_patterns_follow_the_models_regex_engine() -> None:
    c = strictschema.compile(Contact)
    assert c.exact
    # U+0085 is white space for Pydantic's engine, not for ECMA-262: the wire refuses it
    with pytest.raises(ValidationError):
        c.validate_json(json.dumps({"email": "a@\x85.aa", "slug": "a"}))
    # a constraint written after a validator is sent too (Pydantic's schema leaves it out)
    assert c.schema["properties"]["slug"]["pattern"] == "^[a-z0-9-]+$"
    messages = " ".join(d.message for d in c.diagnostics if d.code == "model_rule")
    assert "_lower" in messages and "white space" in messages
    assert c.parse('{"email": "a@b.cd", "slug": "x-1"}').slug == "x-1"


class Word(BaseModel):
    w: Annotated[str, Field(pattern=r"^\W+$")]


def test_patterns_the_model_reads_otherwise_are_lossy() -> None:
    c = strictschema.compile(Word)
    assert not c.exact
    assert any(d.code == "model_rule" and d.severity == "lossy" for d in c.diagnostics)
    with pytest.raises(strictschema.UnsupportedSchemaError):
        strictschema.compile(Word, on_unsupported="error")


class Reading(BaseModel):
    value: int

    @pydantic.field_validator("value")
    @classmethod
    def not_negative(cls, v: int) -> int:
        if v < 0:
            raise ValueError("must not be negative")
        return v


def test_a_validators_refusal_says_it_is_the_models() -> None:
    c = strictschema.compile(Reading)
    assert any(d.code == "model_rule" and "not_negative" in d.message for d in c.diagnostics)
    with pytest.raises(ValidationError, match="the model refuses this value: Value error, "
                                              "must not be negative") as info:
        c.parse('{"value": -1}')
    assert info.value.errors[0].json_path == "$.value"


class Args(TypedDict):
    city: str
    nights: NotRequired[int]


def test_a_typed_dict_key_that_may_be_absent_stays_absent() -> None:
    c = strictschema.compile(Args)
    assert c.schema["properties"]["nights"]["type"] == ["integer", "null"]
    assert c.parse('{"city": "Oslo", "nights": null}') == {"city": "Oslo"}
    assert c.encode({"city": "Oslo"}) == {"city": "Oslo", "nights": None}
    assert c.parse('{"city": "Oslo", "nights": 2}') == {"city": "Oslo", "nights": 2}


class Upload(BaseModel):
    data: bytes
    counts: pydantic.Json[list[int]]


def test_formats_that_are_no_constraint_and_json_strings() -> None:
    c = strictschema.compile(Upload)
    assert c.schema["properties"]["data"] == {"type": "string", "title": "Data"}
    # a Json[...] string: the model parses it, the wire cannot say so (lossy)
    assert [d.path for d in c.diagnostics if d.severity == "lossy"] == ["$.properties.counts"]
    u = c.parse('{"data": "h\u00e9", "counts": "[1, 2]"}')
    assert u.data == "hé".encode() and u.counts == [1, 2]
    assert c.encode(u) == {"data": "hé", "counts": "[1,2]"}  # Json dumps as its text
    with pytest.raises(ValidationError, match="the model refuses"):
        c.parse('{"data": "x", "counts": "not json"}')


class StrictCount(BaseModel):
    model_config = ConfigDict(strict=True)

    n: int
    x: float = 0.0


def test_a_strict_int_is_lossy_since_integer_admits_one_point_zero() -> None:
    c = strictschema.compile(StrictCount)
    assert [d.path for d in c.diagnostics if d.severity == "lossy"] == ["$.properties.n"]
    assert c.parse('{"n": 1, "x": 1}') == StrictCount(n=1, x=1.0)
    with pytest.raises(ValidationError, match="the model refuses"):
        c.parse('{"n": 1.0, "x": 1}')


@pytest.mark.parametrize(("kind", "pattern"), [
    (dt.timedelta, None), (dt.datetime, "datetime"), (dt.time, "time"), (dt.date, "date"),
    (Decimal, "decimal"), (pydantic.HttpUrl, "url")])
def test_every_text_of_a_pattern_reads_and_writes_back_within_it(kind: type,
                                                                 pattern: str | None) -> None:
    """Each pattern written for the model: Pydantic reads every text it matches, and writes
    the value back as a text it matches (so encode(parse(x)) stays on the wire)."""
    import re

    from hypothesis import HealthCheck, given, settings

    from strictschema._schema import _pydantic as P
    from strictschema.strategies import from_schema

    text = {None: P.DURATION, "datetime": f"^{P.DATE}T{P.TIME}{P.OFFSET}?$",
            "time": f"^{P.TIME}{P.OFFSET}?$", "date": f"^{P.DATE}$",
            "decimal": strictschema.compile(Decimal).schema["properties"]["value"]["anyOf"][1][
                "pattern"], "url": P.HTTP_URL}[pattern]
    adapter = pydantic.TypeAdapter(kind)
    ascii_pattern = re.compile(text.replace(r"\d", "[0-9]"))

    @settings(max_examples=200, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(from_schema({"type": "string", "pattern": text}))
    def prop(s: str) -> None:
        value = adapter.validate_json(json.dumps(s))
        written = json.loads(adapter.dump_json(value))
        assert ascii_pattern.fullmatch(written), (s, written)

    prop()


class Name(BaseModel):
    first: pydantic.constr(strip_whitespace=True, min_length=2)


def test_stripping_before_min_length_is_lossy() -> None:
    c = strictschema.compile(Name)
    assert [d.path for d in c.diagnostics if d.severity == "lossy"] == ["$.properties.first"]
    with pytest.raises(ValidationError, match="the model refuses"):
        c.parse('{"first": " a "}')


class Counts(BaseModel):
    by_word: dict[str, int] = {}


def test_a_repeated_map_key_keeps_the_last_value_as_the_model_does() -> None:
    c = strictschema.compile(Counts)
    wire = '{"by_word": [{"key": "a", "value": 1}, {"key": "a", "value": 2}]}'
    assert c.parse(wire) == Counts.model_validate_json('{"by_word": {"a": 1, "a": 2}}')
    assert c.parse(wire) == Counts(by_word={"a": 2})
    assert any(d.code == "map_last_key_wins" for d in c.diagnostics)


@pytest.mark.parametrize("profile", ["openai", "gemini", "mistral"])
def test_defaulted_tags_are_required_on_every_profile(profile: str) -> None:
    # a profile that keeps optional properties still sends the tag: the model needs it
    c = strictschema.compile(Plan, profile=profile)
    assert not [d for d in c.diagnostics if d.path.endswith(".oneOf") and d.severity == "lossy"]
    assert "kind" in c.schema["$defs"]["Say"]["required"]
