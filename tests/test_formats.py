"""The nine profile formats, checked for real (the official suite's optional/format files run
in test_suite_official.py; these are the extra edges and the fast paths' soundness)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strictschema import Validator
from strictschema import _formats as F
from strictschema._formats import FORMAT_CHECKS


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
    ("date", "2000-02-29", True),
    ("date", "1900-02-29", False),
    ("date", "2024-04-31", False),
    ("time", "23:59:59+00:00", True),
    ("time", "24:00:00Z", False),
    ("time", "12:00:00", False),
    ("duration", "P1Y2M3DT4H5M6S", True),
    ("duration", "PT0S", True),
    ("duration", "P1W", True),
    ("duration", "P", False),
    ("duration", "PT", False),
    ("duration", "P1.5D", False),
    ("email", "a.b+c@example.co.uk", True),
    ("email", "a..b@example.com", False),
    ("email", "a@b", True),
    ("email", "a@-b.com", False),
    ("email", "@example.com", False),
    ("email", "x" * 65 + "@example.com", False),
    ("email", '"quoted local"@example.com', True),
    ("email", "a@[192.168.0.1]", True),
    ("hostname", "example.com", True),
    ("hostname", "a" * 64 + ".com", False),
    ("hostname", "exa_mple.com", False),
    ("hostname", "-a.com", False),
    ("ipv4", "192.168.0.1", True),
    ("ipv4", "192.168.0.01", False),
    ("ipv4", "256.0.0.1", False),
    ("ipv4", "1.2.3.٤", False),
    ("ipv6", "::1", True),
    ("ipv6", "2001:db8::8a2e:370:7334", True),
    ("ipv6", "::ffff:192.168.0.1", True),
    ("ipv6", "fe80::1%eth0", False),
    ("ipv6", "12345::", False),
    ("uuid", "123e4567-e89b-12d3-a456-426614174000", True),
    ("uuid", "123e4567e89b12d3a456426614174000", False),
    ("uuid", "123e4567-e89b-12d3-a456-42661417400g", False),
])
def test_format(fmt: str, value: str, ok: bool) -> None:
    assert FORMAT_CHECKS[fmt](value) is ok
    v = Validator({"type": "string", "format": fmt})
    assert v.is_valid(value) is ok
    assert (not list(v.iter_errors(value))) is ok


@pytest.mark.parametrize("fmt", sorted(FORMAT_CHECKS))
def test_formats_only_constrain_strings(fmt: str) -> None:
    for value in (1, 1.5, None, True, [], {}):
        assert FORMAT_CHECKS[fmt](value)


def test_other_formats_are_annotations() -> None:
    v = Validator({"format": "uri"})
    assert v.is_valid("not a uri at all")


DIGITS = st.text("0123456789", min_size=1, max_size=2)
DT_PARTS = st.tuples(st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32),
                     st.sampled_from("Tt "), st.integers(0, 25), st.integers(0, 61),
                     st.integers(0, 61), st.sampled_from(["", ".5", ".123456"]),
                     st.sampled_from(["Z", "z", "+00:00", "-05:30", "+24:00", "+23:60", ""]))


@settings(max_examples=500, deadline=None)
@given(DT_PARTS)
def test_date_time_fast_path_is_sound(p) -> None:
    y, mo, d, t, h, mi, s, frac, off = p
    text = f"{y:04d}-{mo:02d}-{d:02d}{t}{h:02d}:{mi:02d}:{s:02d}{frac}{off}"
    slow = len(text) >= 11 and text[10] in "Tt" and F.is_date(text[:10]) and F.is_time(text[11:])
    assert F.is_date_time(text) is slow


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list("ab.-_+@[]\"1:")), max_size=20))
def test_email_fast_path_is_sound(text: str) -> None:
    if F._EMAIL_FAST(text) and len(text) <= 254 and text.find("@") <= 64:
        local, _, domain = text.rpartition("@")
        assert F._EMAIL_LOCAL.match(local) and F.is_hostname(domain)


_SLOW = {  # each check without a fast path in front of it
    "date": F.is_date, "time": F.is_time, "hostname": F.is_hostname, "ipv4": F.is_ipv4,
    "date-time": lambda s: len(s) >= 11 and s[10] in "Tt" and F.is_date(s[:10])
    and F.is_time(s[11:]),
    "email": F.is_email,
}
_NEAR = {
    "date": st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13),
                      st.integers(0, 32)),
    "time": st.builds("{:02d}:{:02d}:{:02d}{}{}".format, st.integers(0, 25),
                      st.integers(0, 61), st.integers(0, 61),
                      st.sampled_from(["", ".5", ".123"]),
                      st.sampled_from(["Z", "z", "+00:00", "-05:30", "+24:00", "+23:60", ""])),
    "hostname": st.text(st.sampled_from(list("ab9.-_é")), max_size=70)
    | st.builds(lambda n, m: "a" * n + "." + "b" * m, st.integers(0, 66), st.integers(0, 3)),
    "email": st.text(st.sampled_from(list("ab.-_+@\n1")), max_size=70)
    | st.builds("{}@{}".format, st.text(st.sampled_from("a.-\n"), min_size=1, max_size=66),
                st.text(st.sampled_from("b.-\n"), min_size=1, max_size=4)),
    "ipv4": st.builds("{}.{}.{}.{}".format, *[st.sampled_from(
        ["0", "1", "9", "10", "01", "99", "100", "199", "249", "255", "256", "300", ""])] * 4),
}
_NEAR["date-time"] = st.builds("{}{}{}".format, _NEAR["date"], st.sampled_from("Tt "),
                               _NEAR["time"])


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(_NEAR)), st.data())
def test_fast_accepts_only_what_the_exact_check_accepts(fmt: str, data) -> None:
    text = data.draw(_NEAR[fmt])
    if F.FAST_ACCEPT[fmt](text):
        assert _SLOW[fmt](text), (fmt, text)
    assert FORMAT_CHECKS[fmt](text) is _SLOW[fmt](text)


@pytest.mark.parametrize(("fmt", "common"), [
    ("date", ["2024-01-31", "2023-04-30", "1999-12-29"]),
    ("time", ["23:59:59Z", "08:30:00.5+02:00"]),
    ("date-time", ["2024-03-31T10:00:00Z", "2023-11-30t00:00:00-05:00"]),
    ("hostname", ["example.com", "api-v2.eu-west-1.example.org", "localhost"]),
    ("ipv4", ["192.168.0.1", "8.8.8.8", "255.255.255.0"]),
    ("email", ["ada@example.com", "first.last+tag@mail.example.co.uk"]),
])
def test_fast_accepts_cover_common_values(fmt: str, common: list[str]) -> None:
    """The fast paths are worth having: everyday values need no Python frame."""
    for text in common:
        assert F.FAST_ACCEPT[fmt](text), text
