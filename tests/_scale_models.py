"""A Pydantic model importable by name (pickled by reference in test_scale.py)."""

from __future__ import annotations

from pydantic import BaseModel


class Reading(BaseModel):
    station: str
    value: float
    note: str | None = None
