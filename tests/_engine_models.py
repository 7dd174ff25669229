"""Twenty realistic Pydantic models (and a few hand-written schemas) for the engine checks."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Annotated, Literal, Optional, Union

from pydantic import AnyUrl, BaseModel, Field


class Address(BaseModel):
    street: str
    city: str
    postcode: Annotated[str, Field(pattern=r"^[0-9]{5}$")]
    country: Literal["DE", "FR", "US", "GB"] = "DE"


class Person(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    age: Annotated[int, Field(ge=0, le=150)]
    email: Optional[str] = None
    address: Address


class Priority(str, enum.Enum):
    low = "low"
    high = "high"


class Ticket(BaseModel):
    id: uuid.UUID
    title: str
    priority: Priority
    tags: list[str] = []
    opened: dt.datetime


class LineItem(BaseModel):
    sku: Annotated[str, Field(pattern=r"^[A-Z]{3}-[0-9]{4}$")]
    quantity: Annotated[int, Field(ge=1)]
    unit_price: Annotated[float, Field(ge=0)]


class Invoice(BaseModel):
    number: str
    issued: dt.date
    items: Annotated[list[LineItem], Field(min_length=1, max_length=20)]
    notes: Optional[str] = None


class Event(BaseModel):
    name: str
    start: dt.datetime
    end: Optional[dt.datetime] = None
    all_day: bool = False
    location: Optional[Address] = None


class Review(BaseModel):
    rating: Annotated[int, Field(ge=1, le=5)]
    text: Annotated[str, Field(max_length=500)]
    pros: list[str]
    cons: list[str]


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


class Pet(BaseModel):
    animal: Annotated[Union[Cat, Dog], Field(discriminator="kind")]
    name: str


class Node(BaseModel):
    label: str
    children: list[Node] = []


class Settings(BaseModel):
    flags: dict[str, bool]
    limits: dict[str, int] = {}
    mode: Literal["fast", "safe"]


class Coordinates(BaseModel):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]


class Place(BaseModel):
    name: str
    where: Coordinates
    website: Optional[AnyUrl] = None


class SearchQuery(BaseModel):
    query: str
    page: Annotated[int, Field(ge=1)] = 1
    filters: list[Literal["new", "used", "refurbished"]] = []
    sort: Optional[Literal["price", "date"]] = None


class Step(BaseModel):
    explanation: str
    output: str


class MathAnswer(BaseModel):
    steps: list[Step]
    final_answer: str


class Entity(BaseModel):
    text: str
    type: Literal["PERSON", "ORG", "LOCATION", "DATE"]
    start: int
    end: int


class Extraction(BaseModel):
    entities: list[Entity]
    language: Annotated[str, Field(min_length=2, max_length=2)]


class Weather(BaseModel):
    city: str
    temperature_c: float
    conditions: Literal["sunny", "cloudy", "rain", "snow"]
    humidity: Annotated[int, Field(ge=0, le=100)]


class Recipe(BaseModel):
    title: str
    servings: Annotated[int, Field(gt=0)]
    ingredients: list[str]
    minutes: Optional[int] = None


class Contact(BaseModel):
    phone: Annotated[str, Field(pattern=r"^\+?[0-9 ]{6,20}$")]
    kind: Literal["home", "work", "mobile"] = "mobile"


class Customer(BaseModel):
    id: int
    person: Person
    contacts: list[Contact]
    vip: bool = False


class ToolCall(BaseModel):
    tool: Literal["search", "calculator", "weather"]
    arguments: dict[str, str]


class Classification(BaseModel):
    label: Literal["spam", "ham"]
    confidence: Annotated[float, Field(ge=0, le=1)]


class Meeting(BaseModel):
    title: str
    day: dt.date
    at: dt.time
    attendees: Annotated[list[str], Field(max_length=10)]


MODELS = [Person, Ticket, Invoice, Event, Review, Pet, Node, Settings, Place, SearchQuery,
          MathAnswer, Extraction, Weather, Recipe, Customer, ToolCall, Classification,
          Meeting, Address, LineItem]

SCHEMAS = {
    "order": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "placed": {"type": "string", "format": "date-time"},
            "status": {"enum": ["new", "paid", "shipped"]},
            "lines": {"type": "array", "minItems": 1, "maxItems": 4, "items": {
                "type": "object",
                "properties": {"sku": {"type": "string", "pattern": "^[A-Z]{3}[0-9]{2}$"},
                               "qty": {"type": "integer", "minimum": 1, "maximum": 99}},
                "required": ["sku", "qty"], "additionalProperties": False}},
            "meta": {"type": "object", "additionalProperties": {"type": "string"}},
            "note": {"type": ["string", "null"], "maxLength": 40},
        },
        "required": ["id", "status", "lines"],
        "additionalProperties": False,
    },
    "union_root": {"anyOf": [{"type": "string", "minLength": 1},
                             {"type": "array", "items": {"type": "integer"}, "maxItems": 3}]},
    "formats": {
        "type": "object",
        "properties": {f: {"type": "string", "format": f}
                       for f in ("date", "time", "email", "hostname", "ipv4", "ipv6",
                                 "duration", "uri")},
        "additionalProperties": False,
    },
}
