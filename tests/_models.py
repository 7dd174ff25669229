# ruff: noqa: UP007, UP045 - Optional[...] and Union[...] as users write them
"""Realistic Pydantic models for structured outputs, written after the kinds of examples the
openai SDK and cookbook, instructor, pydantic-ai and LangChain show (event extraction, math
reasoning, UI trees, ticket triage, query plans, knowledge graphs, tool calls, citations,
tagging, ...). ``MODELS`` lists every model the property tests in
``test_pydantic_models.py`` run on; each one is written the way a user writes it, with the
idioms issue 13 is about (defaulted tags, defaults of every kind, aliases, naive datetimes,
Decimal, sets, recursion, generics, RootModel, ...)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, Optional, TypeVar, Union

from pydantic import (
    AfterValidator,
    AliasChoices,
    AnyHttpUrl,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    IPvAnyAddress,
    NaiveDatetime,
    RootModel,
    condecimal,
    confloat,
    conint,
    conlist,
    constr,
)
from pydantic.alias_generators import to_camel
from typing_extensions import NotRequired, TypedDict  # noqa: UP035 - pydantic needs it on 3.11

T = TypeVar("T")


# -- enums ---------------------------------------------------------------------------------
class Sentiment(str, enum.Enum):
    positive = "positive"
    neutral = "neutral"
    negative = "negative"


class Priority(enum.IntEnum):
    low = 1
    normal = 2
    high = 3
    urgent = 4


class Channel(str, enum.Enum):
    email = "email"
    chat = "chat"
    phone = "phone"


class Unit(enum.Enum):
    celsius = "C"
    fahrenheit = "F"


# 1. calendar event extraction (the openai structured-outputs quickstart kind)
class CalendarEvent(BaseModel):
    """An event found in a message."""

    name: str
    date: dt.date
    starts_at: dt.time | None = None
    participants: list[str]
    all_day: bool = False
    location: Optional[str] = None


# 2. step-by-step math reasoning
class Step(BaseModel):
    explanation: str
    output: str


class MathReasoning(BaseModel):
    steps: list[Step]
    final_answer: str


# 3. recursive UI description (direct recursion, a tag with a default)
class UIComponent(BaseModel):
    type: Literal["div", "button", "header", "section", "field", "form"]
    label: str = ""
    children: list[UIComponent] = Field(default_factory=list)
    attributes: dict[str, str] = {}


# 4. research paper extraction
class ResearchPaper(BaseModel):
    title: str
    authors: list[str]
    abstract: str
    keywords: set[str] = set()
    published: Optional[dt.date] = None
    doi: Annotated[str, Field(pattern=r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$")] | None = None


# 5. support ticket triage (instructor's classification example)
class TicketTriage(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    ticket_id: uuid.UUID = Field(alias="ticketId")
    category: Literal["billing", "technical", "account", "other"]
    priority: Priority = Priority.normal
    sentiment: Sentiment = Sentiment.neutral
    channel: Channel
    needs_human: bool = Field(False, alias="needsHuman")
    summary: constr(min_length=1, max_length=280)


# 6. query plan with dependencies (instructor's query planner)
class Query(BaseModel):
    id: conint(ge=1)
    question: str
    dependencies: list[int] = Field(default_factory=list)
    node_type: Literal["single", "merge"] = "single"


class QueryPlan(BaseModel):
    query_graph: list[Query]


# 7. knowledge graph
class Node(BaseModel):
    id: int
    label: str
    color: str = "blue"


class Edge(BaseModel):
    source: int
    target: int
    label: str
    weight: confloat(ge=0.0, le=1.0) = 1.0


class KnowledgeGraph(BaseModel):
    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)


# 8. tagged tool calls with defaulted tags, in a list (pydantic-ai style actions)
class SearchWeb(BaseModel):
    action: Literal["search"] = "search"
    query: str
    max_results: conint(ge=1, le=20) = 5


class SendEmail(BaseModel):
    action: Literal["email"] = "email"
    to: list[str]
    subject: str
    body: str = ""


class Noop(BaseModel):
    action: Literal["noop"] = "noop"
    reason: Optional[str] = None


ToolCall = Annotated[Union[SearchWeb, SendEmail, Noop], Field(discriminator="action")]


class AgentTurn(BaseModel):
    thought: str
    calls: list[ToolCall] = []


# 9. tagged union with required tags (no defaults) as a single field
class Cat(BaseModel):
    pet_type: Literal["cat"]
    meows: int


class Dog(BaseModel):
    pet_type: Literal["dog"]
    barks: float
    good_boy: bool = True


class Lizard(BaseModel):
    pet_type: Literal["reptile", "lizard"]
    scales: bool


class PetOwner(BaseModel):
    pet: Union[Cat, Dog, Lizard] = Field(discriminator="pet_type")
    name: str


# 10. nested discriminated unions (pydantic docs' cat/dog with a nested tag)
class BlackCat(BaseModel):
    pet_type: Literal["cat"] = "cat"
    color: Literal["black"] = "black"
    black_name: str


class WhiteCat(BaseModel):
    pet_type: Literal["cat"] = "cat"
    color: Literal["white"] = "white"
    white_name: str


AnyCat = Annotated[Union[BlackCat, WhiteCat], Field(discriminator="color")]


class Hamster(BaseModel):
    pet_type: Literal["hamster"] = "hamster"
    wheel: bool = True


class Household(BaseModel):
    pets: list[Annotated[Union[AnyCat, Hamster], Field(discriminator="pet_type")]]


# 11. weather tool arguments (the function-calling examples)
class WeatherQuery(BaseModel):
    location: str = Field(description="City and country, e.g. Paris, France")
    unit: Unit = Unit.celsius
    days: conint(ge=1, le=14) = 1
    include_hourly: bool = False


# 12. citations (LangChain's cited answer)
class Citation(BaseModel):
    source_id: int = Field(description="The index of the quoted source")
    quote: str


class CitedAnswer(BaseModel):
    answer: str
    citations: list[Citation] = []


# 13. tagging / classification (LangChain's tagging chain)
class Classification(BaseModel):
    sentiment: Sentiment
    aggressiveness: conint(ge=1, le=10) = 1
    language: Literal["en", "fr", "de", "es", "it"] = "en"


# 14. people extraction with Optional without default (required and nullable)
class Person(BaseModel):
    name: str
    height_in_meters: Optional[float]
    hair_color: Optional[str] = Field(default=None, description="Hair colour if known")


class People(BaseModel):
    people: list[Person]


# 15. aliases by generator, populate_by_name
class Invoice(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    invoice_number: constr(pattern=r"^INV-\d{4,8}$")
    issued_on: dt.date
    due_in: dt.timedelta = dt.timedelta(days=30)
    total_amount: Decimal
    currency: Literal["EUR", "USD", "GBP"] = "EUR"
    paid: bool = False


# 16. money with bounded Decimal
class LineItem(BaseModel):
    sku: Annotated[str, Field(pattern=r"^[A-Z]{3}-\d{3}$")]
    quantity: conint(ge=1) = 1
    unit_price: condecimal(max_digits=8, decimal_places=2, ge=0)
    discount: Annotated[Decimal, Field(max_digits=4, decimal_places=2)] = Decimal(0)


class Order(BaseModel):
    order_id: uuid.UUID
    lines: conlist(LineItem, min_length=1)
    placed_at: AwareDatetime
    note: str | None = None


# 17. naive and aware datetimes side by side
class Meeting(BaseModel):
    title: str
    local_start: NaiveDatetime
    utc_start: AwareDatetime
    any_start: dt.datetime
    duration: dt.timedelta = dt.timedelta(hours=1)
    reminder_at: Optional[dt.time] = None


# 18. generics
class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: Optional[str] = None
    total: conint(ge=0) = 0


class Product(BaseModel):
    name: str
    price: confloat(gt=0)
    tags: frozenset[str] = frozenset()


# 19. RootModel of a list
class Tag(BaseModel):
    name: constr(min_length=1, max_length=30)
    weight: float = 1.0


class TagList(RootModel[list[Tag]]):
    pass


# 20. mutual recursion (folders and files)
class File(BaseModel):
    name: str
    size_bytes: conint(ge=0) = 0
    parent: Optional[Folder] = None


class Folder(BaseModel):
    name: str
    files: list[File] = []
    subfolders: list[Folder] = []


# 21. a recursive expression tree as a discriminated union with defaulted tags
class Num(BaseModel):
    kind: Literal["num"] = "num"
    value: float


class BinOp(BaseModel):
    kind: Literal["binop"] = "binop"
    op: Literal["+", "-", "*", "/"]
    left: Expr
    right: Expr


Expr = Annotated[Union[Num, BinOp], Field(discriminator="kind")]


class Calculation(BaseModel):
    expression: Expr
    comment: str = ""


# 22. a Literal of mixed types
class Setting(BaseModel):
    key: str
    value: Literal["auto", 0, 1, 2.5, None] = "auto"  # noqa: PYI061 - a Literal of mixed types, None included
    enabled: Literal[True] = True


# 23. Annotated validators that normalise
def _lower(v: str) -> str:
    return v.lower()


def _split_commas(v: Any) -> Any:
    return [p.strip() for p in v.split(",")] if isinstance(v, str) else v


Slug = Annotated[str, AfterValidator(_lower), Field(pattern=r"^[A-Za-z0-9-]+$")]


class BlogPost(BaseModel):
    slug: Slug
    title: str
    tags: Annotated[list[str], BeforeValidator(_split_commas)] = []
    reading_minutes: Annotated[int, Field(ge=0)] = 0


# 24. dict[Enum, X] and dict[str, X]
class ChannelStats(BaseModel):
    messages_by_channel: dict[Channel, int] = {}
    labels: dict[str, list[str]] = {}


# 25. tuples
class Geometry(BaseModel):
    point: tuple[float, float]
    bbox: tuple[float, float, float, float] | None = None
    labelled: tuple[str, int] = ("origin", 0)
    path: tuple[int, ...] = ()


# 26. set, frozenset
class Permissions(BaseModel):
    roles: set[Literal["admin", "editor", "viewer"]] = {"viewer"}
    scopes: frozenset[str] = frozenset({"read"})


# 27. defaults of every kind in one place
class Preferences(BaseModel):
    theme: Literal["light", "dark"] = "light"
    font_size: int = 14
    ratio: float = 1.5
    nickname: str | None = None
    notify: bool = True
    channel: Channel = Channel.email
    quiet_hours: tuple[int, int] = (22, 7)
    favourites: list[str] = Field(default_factory=list)
    shortcuts: dict[str, str] = Field(default_factory=dict)
    started: dt.date = dt.date(2024, 1, 1)
    budget: Decimal = Decimal("10.00")
    id: uuid.UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")


class Profile(BaseModel):
    user: str
    prefs: Preferences = Preferences()


# 28. AliasChoices for validation, populate_by_name off
class Contact(BaseModel):
    full_name: str = Field(validation_alias=AliasChoices("fullName", "full_name"))
    email: Optional[constr(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")] = None
    phone: Optional[str] = Field(default=None, alias="phoneNumber")


# 29. entity extraction with confidence
class Entity(BaseModel):
    text: str
    kind: Literal["person", "org", "place", "date", "misc"]
    confidence: confloat(ge=0, le=1)
    start: conint(ge=0)
    end: conint(ge=0)


class EntityExtraction(BaseModel):
    entities: list[Entity] = []
    language: str = "en"


# 30. a product review
class Review(BaseModel):
    rating: Annotated[int, Field(ge=1, le=5)]
    pros: list[str] = []
    cons: list[str] = []
    would_recommend: Optional[bool] = None
    sentiment: Sentiment


# 31. a moderation result
class ModerationCategory(str, enum.Enum):
    hate = "hate"
    violence = "violence"
    self_harm = "self-harm"
    spam = "spam"


class Moderation(BaseModel):
    flagged: bool
    categories: list[ModerationCategory] = []
    scores: dict[ModerationCategory, confloat(ge=0, le=1)] = {}


# 32. SQL query generation
class SqlQuery(BaseModel):
    dialect: Literal["postgres", "sqlite", "mysql"] = "postgres"
    sql: str
    parameters: list[Union[str, int, float, bool, None]] = []
    explanation: Optional[str] = None


# 33. a recipe (nested models with defaults)
class Ingredient(BaseModel):
    name: str
    amount: confloat(gt=0)
    unit: Literal["g", "ml", "pcs", "tbsp", "tsp"] = "g"


class Recipe(BaseModel):
    title: str
    servings: conint(ge=1, le=50) = 2
    ingredients: list[Ingredient]
    steps: list[str]
    prep_time: dt.timedelta = dt.timedelta(minutes=15)


# 34. a chat routing decision with an untagged union (smart mode)
class HandOff(BaseModel):
    agent: Literal["billing", "support", "sales"]
    reason: str


class Answer(BaseModel):
    text: str
    confidence: float = 0.5


class RouterDecision(BaseModel):
    decision: Union[HandOff, Answer]


# 35. a flight booking with aware datetimes and IntEnum
class CabinClass(enum.IntEnum):
    economy = 0
    premium = 1
    business = 2
    first = 3


class FlightSegment(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    flight_number: constr(pattern=r"^[A-Z0-9]{2}\d{1,4}$")
    departs_at: AwareDatetime
    arrives_at: AwareDatetime
    cabin: CabinClass = CabinClass.economy


class Booking(BaseModel):
    booking_ref: constr(min_length=6, max_length=6)
    segments: list[FlightSegment]
    passengers: conint(ge=1, le=9) = 1


# 36. a generic page of models
ProductPage = Page[Product]


# 37. generic page of ints
IntPage = Page[int]


# 38. a RootModel of a mapping
class Scores(RootModel[dict[str, conint(ge=0, le=100)]]):
    pass


# 39. nested optional models
class Address(BaseModel):
    street: str
    city: str
    postcode: Optional[str] = None
    country: constr(min_length=2, max_length=2) = "FR"


class Customer(BaseModel):
    name: str
    billing: Address
    shipping: Optional[Address] = None
    since: Optional[dt.datetime] = None


# 40. a to-do list with a default model and timestamps
class TodoItem(BaseModel):
    id: uuid.UUID
    text: str
    done: bool = False
    due: Optional[dt.date] = None
    created_at: dt.datetime


class TodoList(BaseModel):
    owner: str
    items: list[TodoItem] = []
    archived: frozenset[uuid.UUID] = frozenset()


# 41. an org chart (recursive through a dict of lists)
class Employee(BaseModel):
    name: str
    title: str = "Engineer"
    reports: dict[str, list[Employee]] = {}


# 42. structured extraction of a table
class Cell(BaseModel):
    row: conint(ge=0)
    col: conint(ge=0)
    value: Union[str, float, None] = None


class Table(BaseModel):
    headers: list[str]
    cells: list[Cell] = []
    caption: Optional[str] = None


# 43. a plan with a nested tagged union inside a list inside a model with aliases
class Wait(BaseModel):
    step: Literal["wait"] = "wait"
    seconds: conint(ge=0, le=3600) = 60


class Click(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    step: Literal["click"] = "click"
    selector: str = Field(alias="cssSelector")


class TypeText(BaseModel):
    step: Literal["type"] = "type"
    selector: str
    text: str
    submit: bool = False


class BrowserPlan(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    goal: str
    steps: list[Annotated[Union[Wait, Click, TypeText], Field(discriminator="step")]] = Field(
        default_factory=list, alias="planSteps")


# 44. sensor readings with Decimal and time
class Reading(BaseModel):
    at: dt.time
    value: Decimal
    unit: Unit = Unit.celsius


class SensorLog(BaseModel):
    sensor_id: constr(pattern=r"^S-[0-9]{3}$")
    readings: list[Reading] = []
    calibrated_on: Optional[dt.date] = None


# 45. survey answers: Literal ints and enums in dicts
class SurveyAnswer(BaseModel):
    question_id: int
    score: Literal[1, 2, 3, 4, 5]
    comment: Optional[str] = None


class Survey(BaseModel):
    respondent: Optional[uuid.UUID] = None
    answers: list[SurveyAnswer]
    by_channel: dict[Channel, Priority] = {}


# 46. tool arguments as a TypedDict (pydantic-ai reads tool parameters from TypedDicts)
class BookingArgs(TypedDict):
    city: str
    nights: Annotated[int, Field(ge=1, le=30)]
    breakfast: NotRequired[bool]
    budget_eur: NotRequired[Decimal]


# 47. a network scan report (bytes, Path, IPvAnyAddress: formats that are no constraint)
class HostScan(BaseModel):
    address: IPvAnyAddress
    open_ports: list[conint(ge=1, le=65535)] = []
    banner: bytes = b""
    report_path: Optional[Path] = None


# 48. web research with sources (the cookbook's "answer with citations" shape, with URLs)
class WebSource(BaseModel):
    url: HttpUrl
    title: str
    retrieved_at: Optional[AwareDatetime] = None


class ResearchAnswer(BaseModel):
    answer: str
    sources: conlist(WebSource, max_length=5) = []
    homepage: Optional[AnyHttpUrl] = None


MODELS: list[Any] = [
    CalendarEvent, MathReasoning, UIComponent, ResearchPaper, TicketTriage, QueryPlan,
    KnowledgeGraph, AgentTurn, PetOwner, Household, WeatherQuery, CitedAnswer,
    Classification, People, Invoice, Order, Meeting, Page[int], TagList, Folder,
    Calculation, Setting, BlogPost, ChannelStats, Geometry, Permissions, Profile, Contact,
    EntityExtraction, Review, Moderation, SqlQuery, Recipe, RouterDecision, Booking,
    ProductPage, Scores, Customer, TodoList, Employee, Table, BrowserPlan, SensorLog, Survey,
    list[Product], Annotated[Union[SearchWeb, SendEmail, Noop], Field(discriminator="action")],
    File, BookingArgs, HostScan, ResearchAnswer,
]
