"""The asserted formats (A7): date-time, time, date, duration, email, hostname, ipv4, ipv6,
uuid, checked by the native core (the judge's own checks, so strategies, compile-time
checks and validation agree). Each check returns True for valid strings; non-strings pass
(formats only constrain strings)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import _core

__all__ = ["FORMATS", "FORMAT_CHECKS"]

FORMATS = ("date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid")


def _check(name: str) -> Callable[[Any], bool]:
    core = _core.check_format

    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return True
        try:
            return bool(core(name, value))
        except UnicodeEncodeError:  # lone surrogates: never in JSON text
            return False

    check.__name__ = f"is_{name.replace('-', '_')}"
    return check


FORMAT_CHECKS: dict[str, Callable[[Any], bool]] = {name: _check(name) for name in FORMATS}
