"""The exception tree.

    StrictSchemaError                 (Exception)   root of everything raised on purpose
    ├── SchemaError                   (ValueError)  the input is not a usable schema
    │   ├── RefResolutionError        (LookupError) a $ref that cannot be resolved locally
    │   ├── UnsafePatternError                      a pattern no engine can run safely
    │   └── UnsupportedSchemaError                  on_unsupported="error" and the profile
    │                                               cannot express the schema exactly
    ├── ValidationError               (ValueError)  an instance does not match its schema
    └── DecodeError                   (ValueError)  output text that is not (acceptable) JSON

Every message is one line and ends with a JSON path (``- at $.a.b``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._paths import Location, json_path

if TYPE_CHECKING:
    from ._compile._diagnostics import Diagnostic

__all__ = [
    "DecodeError",
    "ErrorDetail",
    "RefResolutionError",
    "SchemaError",
    "StrictSchemaError",
    "UnsafePatternError",
    "UnsupportedSchemaError",
    "ValidationError",
]


class StrictSchemaError(Exception):
    """Root of every exception strictschema raises on purpose."""


class SchemaError(StrictSchemaError, ValueError):
    """The input is not a usable JSON Schema (or model)."""

    def __init__(self, message: str, location: Location = ()) -> None:
        self.message = message
        self.location = tuple(location)
        super().__init__(f"{message} - at {self.json_path}")

    @property
    def json_path(self) -> str:
        """Where in the schema the problem is, as a JSONPath (``$.properties.a``)."""
        return json_path(self.location)


class RefResolutionError(SchemaError, LookupError):
    """A ``$ref`` points nowhere, or somewhere strictschema will not fetch."""

    def __init__(self, message: str, location: Location = (), ref: str = "") -> None:
        self.ref = ref
        super().__init__(message, location)


class UnsafePatternError(SchemaError):
    """A ``pattern`` that cannot be run in bounded time: too large to compile within the
    size limit or nested too deeply (raised when the schema is loaded), or a backtracking
    search (lookaround, backreference) that exceeded its step limit on a string (raised
    while validating, with the string's path in the message)."""


class UnsupportedSchemaError(SchemaError):
    """The profile cannot express the schema exactly and ``on_unsupported="error"``.

    ``diagnostics`` lists every problem at once, not just the first.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        first = self.diagnostics[0] if self.diagnostics else None
        more = len(self.diagnostics) - 1
        message = first.message if first else "schema is not supported"
        if more > 0:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        super().__init__(message, first.location if first else ())


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One reason an instance is invalid."""

    location: Location
    """Where in the instance, as parts."""
    keyword: str
    """The JSON Schema keyword that failed (``required``, ``enum``, ...)."""
    message: str
    """One line, without the path."""
    schema_location: Location = field(default=())
    """Where in the schema the failing keyword is."""

    @property
    def json_path(self) -> str:
        return json_path(self.location)

    @property
    def schema_path(self) -> str:
        return json_path(self.schema_location)

    def __str__(self) -> str:
        return f"{self.message} - at {self.json_path}"


_SUMMARIES = frozenset({"anyOf", "oneOf"})


def _shown_first(e: ErrorDetail) -> tuple[int, bool, str]:
    """Sort key putting the error to show first first: the shallowest, a specific keyword
    before an ``anyOf``/``oneOf`` summary at the same depth (like
    ``jsonschema.exceptions.best_match``), then by keyword."""
    return (len(e.location), e.keyword in _SUMMARIES, e.keyword)


class ValidationError(StrictSchemaError, ValueError):
    """An instance does not match its schema. ``errors`` holds every error found, the one to
    show first (the shallowest, specific before an ``anyOf``/``oneOf`` summary) first: the
    message and the properties below are its."""

    def __init__(self, errors: Iterable[ErrorDetail]) -> None:
        self.errors = tuple(errors)
        if not self.errors:
            raise ValueError("ValidationError needs at least one error")
        first = self.errors[0]
        more = len(self.errors) - 1
        text = str(first)
        if more:
            text += f" (and {more} more error{'s' if more > 1 else ''})"
        super().__init__(text)

    # The first error's fields, for the common single-error case.
    @property
    def message(self) -> str:
        return self.errors[0].message

    @property
    def json_path(self) -> str:
        return self.errors[0].json_path

    @property
    def keyword(self) -> str:
        return self.errors[0].keyword


class DecodeError(StrictSchemaError, ValueError):
    """Output text that is not JSON, or JSON strictschema refuses (NaN, duplicate keys, ...).

    ``position`` is the character offset, ``location`` the path of the value being read.
    """

    def __init__(self, message: str, position: int | None = None, location: Location = ()) -> None:
        self.message = message
        self.position = position
        self.location = tuple(location)
        where = f" (char {position})" if position is not None else ""
        super().__init__(f"{message}{where} - at {json_path(self.location)}")

    @property
    def json_path(self) -> str:
        return json_path(self.location)
