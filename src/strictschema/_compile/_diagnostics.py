"""Diagnostics: every change and every loss the compiler makes, with a JSON path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .._paths import Location, json_path

__all__ = ["Diagnostic", "Severity"]

Severity = Literal["info", "lossy", "error"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One change the compiler made.

    ``severity`` is ``info`` (exact: the codec undoes it), ``lossy`` (a constraint the wire
    schema cannot carry: moved to the description or dropped, and still enforced by
    strictschema's own validator) or ``error`` (no strict schema can be produced).
    ``path`` is a JSONPath into the *source* schema.
    """

    path: str
    code: str
    severity: Severity
    message: str
    location: Location = field(default=(), repr=False, compare=False)

    @classmethod
    def at(cls, location: Location, code: str, severity: Severity, message: str) -> Diagnostic:
        return cls(json_path(location), code, severity, message, tuple(location))

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "severity": self.severity,
                "message": self.message}
