"""The profile formats, checked for real (A7): date-time, time, date, duration, email,
hostname, ipv4, ipv6, uuid. Each check returns True for valid strings; non-strings pass
(formats only constrain strings)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any

__all__ = ["FAST_ACCEPT", "FORMAT_CHECKS"]

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z", re.ASCII)
_TIME = re.compile(
    r"(\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))\Z", re.ASCII)
_DURATION = re.compile(
    r"P(?:(?:\d+Y(?:\d+M(?:\d+D)?)?|\d+M(?:\d+D)?|\d+D)(?:T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S))?"
    r"|T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S)|\d+W)\Z", re.ASCII)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z",
                   re.ASCII)
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z", re.ASCII)
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\Z",
                          re.ASCII)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def is_date(s: Any) -> bool:
    if not isinstance(s, str):
        return True
    m = _DATE.match(s)
    if not m:
        return False
    y, mo, d = (int(g) for g in m.groups())
    return 1 <= mo <= 12 and 1 <= d <= _days_in_month(y, mo)


def is_time(s: Any) -> bool:
    if not isinstance(s, str):
        return True
    m = _TIME.match(s)
    if not m:
        return False
    hh, mm, ss = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m.group(6) is not None:
        oh, om = int(m.group(6)), int(m.group(7))
        if oh > 23 or om > 59:
            return False
        sign = -1 if m.group(5)[0] == "+" else 1
        utc_minutes = (hh * 60 + mm + sign * (oh * 60 + om)) % (24 * 60)
    else:
        utc_minutes = hh * 60 + mm
    if hh > 23 or mm > 59:
        return False
    if ss == 60:  # leap second: only at 23:59 UTC
        return utc_minutes == 23 * 60 + 59
    return ss <= 59


# The common cases in one match each, no Python frame (the generated validators try them
# first): every month and day but February 29th (which needs the year), no leap second;
# anything else takes the exact path.
_MONTH_DAY = (r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
              r"|(?:0[13578]|1[02])-31)")
_TIME_OF_DAY = (r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?"
                r"(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)")
_DATE_TIME_FAST = re.compile(r"\d{4}-" + _MONTH_DAY + "[Tt]" + _TIME_OF_DAY + r"\Z",
                             re.ASCII).match
_DATE_FAST = re.compile(r"\d{4}-" + _MONTH_DAY + r"\Z", re.ASCII).match
_TIME_FAST = re.compile(_TIME_OF_DAY + r"\Z", re.ASCII).match
_HOSTNAME_FAST = re.compile(r"(?=.{1,63}\Z)[A-Za-z0-9]++(?:[.-][A-Za-z0-9]++)*+\Z",
                            re.ASCII).match
"""At most 63 characters (so every label is short enough) of alphanumeric runs joined by
single dots or hyphens (no empty label, none starting or ending with ``-``)."""
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4_FAST = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}\Z", re.ASCII).match


def is_date_time(s: Any) -> bool:
    if type(s) is str and _DATE_TIME_FAST(s):
        return True
    if not isinstance(s, str):
        return True
    if len(s) < 11 or s[10] not in "Tt":
        return False
    return is_date(s[:10]) and is_time(s[11:])


def is_duration(s: Any) -> bool:
    return not isinstance(s, str) or bool(_DURATION.match(s))


def is_uuid(s: Any) -> bool:
    return not isinstance(s, str) or bool(_UUID.match(s))


def is_hostname(s: Any) -> bool:
    if not isinstance(s, str):
        return True
    if not s or len(s) > 253 or s.endswith("."):
        return False
    labels = s.split(".")
    return all(_LABEL.match(label) for label in labels)


def is_ipv4(s: Any) -> bool:
    if not isinstance(s, str):
        return True
    parts = s.split(".")
    if len(parts) != 4:
        return False
    for p in parts:
        if not p.isascii() or not p.isdigit() or (len(p) > 1 and p[0] == "0") or int(p) > 255:
            return False
    return True


def is_ipv6(s: Any) -> bool:
    if not isinstance(s, str):
        return True
    if not s.isascii() or "%" in s or "/" in s:
        return False
    try:
        ipaddress.IPv6Address(s)
    except ValueError:
        return False
    return True


# Dot-atom local part (at most 64 characters) @ a plain hostname, at most 254 characters in
# all: the common case in one match.
_EMAIL_FAST = re.compile(
    r"(?=[^@]{1,64}@)(?=[ -~]{1,254}\Z)"
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\Z", re.ASCII).match


_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_EMAIL_SHORT = re.compile(
    r"(?=.{1,64}\Z)" + _ATEXT + r"++(?:\." + _ATEXT + r"++)*+"
    r"@[A-Za-z0-9]++(?:[.-][A-Za-z0-9]++)*+", re.ASCII | re.DOTALL).fullmatch
"""The commonest emails in fewer regex steps than ``_EMAIL_FAST`` (generated validators try
it first): at most 64 characters, so every length limit holds; a dot-atom local part; a
domain of alphanumeric runs joined by single dots or hyphens (so no label starts or ends
with ``-``). Possessive runs over disjoint classes never backtrack. ``DOTALL`` only makes
the length lookahead cheaper (a newline fails the classes that follow anyway)."""


def is_email(s: Any) -> bool:
    if type(s) is str and _EMAIL_FAST(s):
        return True
    if not isinstance(s, str):
        return True
    local, at, domain = s.rpartition("@")
    if not at or not local or not domain or len(local) > 64:
        return False
    if local.startswith('"') and local.endswith('"') and len(local) >= 2:
        ok_local = all(c.isascii() and c.isprintable() for c in local)
    else:
        ok_local = bool(_EMAIL_LOCAL.match(local))
    if not ok_local:
        return False
    if domain.startswith("[") and domain.endswith("]"):
        inner = domain[1:-1]
        return is_ipv6(inner[5:]) if inner.lower().startswith("ipv6:") else is_ipv4(inner)
    return is_hostname(domain)


FAST_ACCEPT: dict[str, Callable[[str], Any]] = {
    "date-time": _DATE_TIME_FAST,
    "date": _DATE_FAST,
    "time": _TIME_FAST,
    "hostname": _HOSTNAME_FAST,
    "ipv4": _IPV4_FAST,
    "email": _EMAIL_SHORT,
    "uuid": _UUID.match,
    "duration": _DURATION.match,
}
"""For some formats, a matcher (C code, no Python frame) truthy only for valid strings, and
for most of them: generated validators try it before the full check."""

FORMAT_CHECKS: dict[str, Callable[[Any], bool]] = {
    "date-time": is_date_time,
    "time": is_time,
    "date": is_date,
    "duration": is_duration,
    "email": is_email,
    "hostname": is_hostname,
    "ipv4": is_ipv4,
    "ipv6": is_ipv6,
    "uuid": is_uuid,
}
