"""The nine profile formats, checked for real by the native core (the official suite's
optional/format files run in test_suite_official.py; these are the extra edges, every route,
and agreement with a plain reference definition of each format written here)."""

from __future__ import annotations

import ipaddress
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strictschema import ValidationError, Validator
from strictschema._validate._formats import FORMAT_CHECKS, FORMATS


@pytest.mark.parametrize(("fmt", "value", "ok"), [
    ("date-time", "2024-02-29T12:00:00Z", True),
    ("date-time", "2023-02-29T12:00:00Z", False),
    ("date-time", "2024-01-31T23:59:60Z", True),  # leap seconds: checked as time of day only
    ("date-time", "2024-01-31T23:58:60Z", False),
    ("date-time", "2016-12-31T23:59:60Z", True),
    ("date-time", "2016-12-31T18:59:60-05:00", True),
    ("date-time", "2024-01-01T00:00:00.123456789+14:00", True),
    ("date-time", "2024-01-01 00:00:00Z", False),
    ("date-time", "2024-01-01T00:00:00", False),
    ("date-time", "2024-13-01T00:00:00Z", False),
    ("date-time", "２０２４-01-01T00:00:00Z", False),
    ("date-time", "2024-01-01t00:00:00z", True),
    ("date", "2000-02-29", True),
    ("date", "1900-02-29", False),
    ("date", "2024-04-31", False),
    ("date", "2024-1-01", False),
    ("time", "23:59:59+00:00", True),
    ("time", "24:00:00Z", False),
    ("time", "12:00:00", False),
    ("time", "12:00:00.Z", False),
    ("duration", "P1Y2M3DT4H5M6S", True),
    ("duration", "PT0S", True),
    ("duration", "P1W", True),
    ("duration", "P", False),
    ("duration", "PT", False),
    ("duration", "P1.5D", False),
    ("duration", "P1W2D", False),
    ("email", "a.b+c@example.co.uk", True),
    ("email", "a..b@example.com", False),
    ("email", "a@b", True),
    ("email", "a@-b.com", False),
    ("email", "@example.com", False),
    ("email", "x" * 65 + "@example.com", False),
    ("email", '"quoted local"@example.com', True),
    ("email", "a@[192.168.0.1]", True),
    ("email", "a@[IPv6:::1]", True),
    ("email", "a@[ipv6:::1]", True),
    ("email", "a@[\u00e9\u00e9\u00e9]", False),  # not cut inside a character
    ("email", "\u00e9@example.com", False),
    ("email", "a@b..c", False),
    ("email", "a-b@exa-mple.com", True),
    ("hostname", "example.com", True),
    ("hostname", "a" * 64 + ".com", False),
    ("hostname", "exa_mple.com", False),
    ("hostname", "-a.com", False),
    ("hostname", "example.com.", False),
    ("hostname", "a-.com", False),
    ("hostname", "a..com", False),
    ("hostname", "example.co-", False),
    ("hostname", ".a", False),
    ("hostname", "a-b.c-d", True),
    ("hostname", ("a" * 63 + ".") * 3 + "a" * 61, True),   # 253 characters
    ("hostname", ("a" * 63 + ".") * 3 + "a" * 62, False),  # 254
    ("ipv4", "192.168.0.1", True),
    ("ipv4", "192.168.0.01", False),
    ("ipv4", "256.0.0.1", False),
    ("ipv4", "1.2.3.٤", False),
    ("ipv4", "1.2.3", False),
    ("ipv4", "1.2.3.4.5", False),
    ("ipv6", "::1", True),
    ("ipv6", "2001:db8::8a2e:370:7334", True),
    ("ipv6", "::ffff:192.168.0.1", True),
    ("ipv6", "fe80::1%eth0", False),
    ("ipv6", "12345::", False),
    ("ipv6", "::/64", False),
    ("uuid", "123e4567-e89b-12d3-a456-426614174000", True),
    ("uuid", "123e4567e89b12d3a456426614174000", False),
    ("uuid", "123e4567-e89b-12d3-a456-42661417400g", False),
])
def test_format(fmt: str, value: str, ok: bool) -> None:
    assert FORMAT_CHECKS[fmt](value) is ok
    v = Validator({"type": "string", "format": fmt})
    assert v.is_valid(value) is ok
    assert (not list(v.iter_errors(value))) is ok
    raw = json.dumps(value)
    assert v.check_json(raw)[1] is ok
    assert v.is_valid_json(raw) is ok
    p = v.push()
    try:
        p.feed(raw)
        assert p.finish() == value
    except ValidationError:
        assert not ok
    else:
        assert ok


def test_format_error_names_the_format_and_path() -> None:
    v = Validator({"type": "object", "properties": {"d": {"format": "date"}}})
    with pytest.raises(ValidationError, match=r'"2023-02-29" is not a valid "date" - at \$\.d') \
            as info:
        v.validate_json('{"d": "2023-02-29"}')
    [error] = info.value.errors
    assert (error.keyword, error.schema_location) == ("format", ("properties", "d", "format"))


@pytest.mark.parametrize("fmt", sorted(FORMAT_CHECKS))
def test_formats_only_constrain_strings(fmt: str) -> None:
    assert sorted(FORMATS) == sorted(FORMAT_CHECKS)
    v = Validator({"format": fmt})
    for value in (1, 1.5, None, True, [], {}):
        assert FORMAT_CHECKS[fmt](value)
        assert v.is_valid(value)
        assert v.validate_json(json.dumps(value)) == value


def test_lone_surrogates_fail_every_format() -> None:
    for fmt in FORMATS:
        assert FORMAT_CHECKS[fmt]("\ud800") is False


def test_other_formats_are_annotations() -> None:
    v = Validator({"format": "uri"})
    assert v.is_valid("not a uri at all")
    assert v.validate_json('"not a uri at all"') == "not a uri at all"


# -- the core against a plain reference definition of each format ------------------------

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z", re.ASCII)
_TIME = re.compile(r"(\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))\Z", re.ASCII)
_DURATION = re.compile(  # RFC 3339 appendix A: each unit at most once, in order; or weeks
    r"P(?:(?:\d+Y(?:\d+M(?:\d+D)?)?|\d+M(?:\d+D)?|\d+D)"
    r"(?:T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S))?"
    r"|T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S)|\d+W)\Z", re.ASCII)
_UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\Z", re.ASCII)
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z", re.ASCII)
_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\Z",
                   re.ASCII)


def _days(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def ref_date(s: str) -> bool:
    m = _DATE.match(s)
    if not m:
        return False
    y, mo, d = (int(g) for g in m.groups())
    return 1 <= mo <= 12 and 1 <= d <= _days(y, mo)


def ref_time(s: str) -> bool:
    m = _TIME.match(s)
    if not m:
        return False
    hh, mm, ss = int(m[1]), int(m[2]), int(m[3])
    if hh > 23 or mm > 59 or ss > 60:
        return False
    offset = 0
    if m[6]:
        oh, om = int(m[7]), int(m[8])
        if oh > 23 or om > 59:
            return False
        offset = (oh * 60 + om) * (1 if m[6] == "+" else -1)
    if ss == 60:  # a leap second: only at 23:59 UTC
        return (hh * 60 + mm - offset) % 1440 == 23 * 60 + 59
    return True


def ref_hostname(s: str) -> bool:
    return 0 < len(s) <= 253 and all(_LABEL.match(label) for label in s.split("."))


def ref_ipv4(s: str) -> bool:
    parts = s.split(".")
    return len(parts) == 4 and all(
        p.isascii() and p.isdigit() and (p == "0" or p[0] != "0") and int(p) <= 255
        for p in parts)


def ref_ipv6(s: str) -> bool:
    if not s.isascii() or "%" in s or "/" in s:
        return False
    try:
        ipaddress.IPv6Address(s)
    except ValueError:
        return False
    return True


def ref_email(s: str) -> bool:
    local, at, domain = s.rpartition("@")
    if not at or not local or not domain or len(local) > 64:
        return False
    if len(local) >= 2 and local[0] == local[-1] == '"':
        ok = all(c.isascii() and c.isprintable() for c in local)
    else:
        ok = bool(_ATOM.match(local))
    if not ok:
        return False
    if domain[0] == "[" and domain[-1] == "]":
        inner = domain[1:-1]
        return ref_ipv6(inner[5:]) if inner.lower().startswith("ipv6:") else ref_ipv4(inner)
    return ref_hostname(domain)


REFERENCE = {
    "date": ref_date, "time": ref_time,
    "date-time": lambda s: len(s) >= 11 and s[10] in "Tt" and ref_date(s[:10])
    and ref_time(s[11:]),
    "duration": lambda s: bool(_DURATION.match(s)), "uuid": lambda s: bool(_UUID.match(s)),
    "hostname": ref_hostname, "ipv4": ref_ipv4, "ipv6": ref_ipv6, "email": ref_email,
}

_NEAR = {
    "date": st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13),
                      st.integers(0, 32)),
    "time": st.builds("{:02d}:{:02d}:{:02d}{}{}".format, st.integers(0, 25),
                      st.integers(0, 61), st.integers(0, 61),
                      st.sampled_from(["", ".5", ".123", "."]),
                      st.sampled_from(["Z", "z", "+00:00", "-05:30", "+24:00", "+23:60", "",
                                       "+23:59", "-00:01", "+01:01"])),
    "hostname": st.text(st.sampled_from(list("ab9.-_é")), max_size=70)
    | st.builds(lambda n, m: "a" * n + "." + "b" * m, st.integers(0, 66), st.integers(0, 3))
    | st.builds(lambda n: ("a" * 63 + ".") * 3 + "a" * n, st.integers(58, 66)),
    "email": st.text(st.sampled_from(list("ab.-_+@\n1\"[] ")), max_size=70)
    | st.builds("{}@{}".format, st.text(st.sampled_from("a.-\n"), min_size=1, max_size=66),
                st.text(st.sampled_from("b.-\n"), min_size=1, max_size=4))
    | st.builds("a@[{}]".format, st.sampled_from(["1.2.3.4", "01.2.3.4", "IPv6:::1",
                                                   "ipv6:fe80::1", "IPv6:1.2.3.4", "::1"])),
    "ipv4": st.builds("{}.{}.{}.{}".format, *[st.sampled_from(
        ["0", "1", "9", "10", "01", "99", "100", "199", "249", "255", "256", "300", "", "٤",
         " 1"])] * 4),
    "ipv6": st.lists(st.sampled_from(["", "0", "1", "ffff", "12345", "g", "1.2.3.4", "::"]),
                     max_size=9).map(":".join),
    "uuid": st.lists(st.text("0aFg", min_size=0, max_size=13), min_size=1, max_size=6)
    .map("-".join) | st.just("123e4567-e89b-12d3-a456-426614174000"),
    "duration": st.lists(st.sampled_from(["P", "T", "1Y", "2M", "3D", "4H", "5M", "6S", "1W",
                                          "1.5S", "M"]), max_size=6).map("".join),
}
_NEAR["date-time"] = st.builds("{}{}{}".format, _NEAR["date"], st.sampled_from("Tt "),
                               _NEAR["time"])


@settings(max_examples=2000, deadline=None)
@given(st.sampled_from(sorted(_NEAR)), st.data())
def test_core_agrees_with_the_reference(fmt: str, data) -> None:
    assert sorted(_NEAR) == sorted(FORMATS)
    text = data.draw(_NEAR[fmt])
    assert FORMAT_CHECKS[fmt](text) is REFERENCE[fmt](text), (fmt, text)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(_NEAR)), st.data())
def test_every_route_gives_the_reference_verdict(fmt: str, data) -> None:
    texts = data.draw(st.lists(_NEAR[fmt], min_size=1, max_size=4))
    v = Validator({"type": "array", "items": {"type": "string", "format": fmt}})
    ok = all(REFERENCE[fmt](t) for t in texts)
    raw = json.dumps(texts)
    assert v.is_valid(texts) is ok
    assert v.check_json(raw)[1] is ok
    errors = v.errors_json(raw)
    assert sorted(e.location for e in errors) == sorted(
        (i,) for i, t in enumerate(texts) if not REFERENCE[fmt](t))
    assert all(e.keyword == "format" for e in errors)
