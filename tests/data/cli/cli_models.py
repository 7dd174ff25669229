"""Pydantic models for the CLI tests (``--model cli_models:Person``, run from this folder)."""

from __future__ import annotations

from pydantic import AnyUrl, BaseModel, Field


class Address(BaseModel):
    city: str
    postcode: str | None = None


class Person(BaseModel):
    """A person, as extracted from a document."""

    name: str = Field(min_length=1)
    age: int = Field(ge=0)
    tags: set[str] = set()  # exact: the model accepts repeated items (docs/pydantic.md)
    address: Address | None = None
    homepage: AnyUrl | None = None  # format uri: not in the openai profile, so lossy


class Broken:
    """Not a type Pydantic can build a schema for."""

    def __init__(self, handle: object) -> None:
        self.handle = handle


NOT_A_MODEL = 42
