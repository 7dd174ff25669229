"""ECMA-262 ``pattern`` -> Python regex translation used for generation, and the fast
string strategy for simple patterns: generated strings always match under ECMA semantics."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strictschema._compile._pyregex import Untranslatable, python_regex, translate
from strictschema._fuzz._pattern import fast_strategy
from strictschema._validate._regex import compile_pattern

FEW = settings(max_examples=40, deadline=None, database=None,
               suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


@pytest.mark.parametrize(("ecma", "python"), [
    ("\\d", "[0-9]"),
    ("\\W", "[^A-Za-z0-9_]"),
    ("a$", "a\\Z"),
    ("a.b", "a[^\\n\\r\\u2028\\u2029]b"),
    ("[^]", "[\\s\\S]"),
    ("[]", "(?!)"),
    ("\\cJ", "\\x0a"),
    ("\\u{1F600}", "\\U0001f600"),
    ("\\uD83D\\uDE00", "\\U0001f600"),    # a surrogate pair is one code point
    ("(?<year>\\d{4})\\k<year>", "(?P<year>[0-9]{4})(?P=year)"),
    ("a{,3}", "a\\{\\x2c3\\}"),           # not a quantifier in ECMA
    ("x{2,3}", "x{2,3}"),
    ("\\/", "\\x2f"),
    ("\\_", "_"),                          # legacy identity escape
    ("[\\d_]", "[0-9_]"),
    ("[^\\D5]", "(?:(?!(?:[5]|[^0-9]))[\\s\\S])"),
])
def test_translate(ecma: str, python: str) -> None:
    assert translate(ecma) == python


@pytest.mark.parametrize("bad", ["(?i)a", "[b-a]", "x{3,2}", "(?<1a>x)"])
def test_untranslatable(bad: str) -> None:
    with pytest.raises(Untranslatable):
        translate(bad)


PATTERNS = [
    "^INV-[0-9]{4,8}$", "^[A-Z]{3}-\\d{3}$", "\\d+", "^\\w+$", "^\\s*$", "a.b", "^[^]$",
    "^\\cJ$", "^\\u{1F600}$", "^a{,3}$", "^[^\\D5]$", "^\\p{L}+$", "^[\\p{Lu}\\d]+$", "\\P{L}",
    "^[\\w.+-]+@[\\w-]+\\.[\\w.]+$", "^\\$\\d+(\\.\\d{2})?$", "^[a-z](?=x)", "(?<!a)b",
    "^(\\([0-9]{3}\\))?[0-9]{3}-[0-9]{4}$", "^(?:[01]\\d|2[0-3]):[0-5]\\d$", "\\bfoo\\b",
    "^#[0-9a-fA-F]{6}$", "^[\\S]+$", "^.{2,5}$", "ab(c|de)+f", "^x", "y$",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_generated_strings_match_under_ecma(pattern: str) -> None:
    rx = python_regex(pattern)
    assert rx is not None
    ecma = compile_pattern(pattern)
    fast = fast_strategy(rx, fullmatch=False)
    strategy = st.from_regex(rx, alphabet=st.characters(codec="utf-8")) if fast is None else fast

    @FEW
    @given(strategy.filter(ecma.search))
    def check(s: str) -> None:
        assert ecma.search(s)
        assert rx.search(s)

    check()


@pytest.mark.parametrize("pattern", ["^[A-Z]{3}-\\d{3}$", "^(ab|c)+$", "^x[0-9]*y?$"])
def test_fast_strategy_is_exact(pattern: str) -> None:
    """The fast path needs no filter: every string it draws fullmatches."""
    rx = python_regex(pattern)
    strategy = fast_strategy(rx, fullmatch=True)
    assert strategy is not None

    @FEW
    @given(strategy)
    def check(s: str) -> None:
        assert rx.fullmatch(s)
        assert compile_pattern(pattern).search(s)

    check()


def test_fast_strategy_declines_backreferences() -> None:
    rx = python_regex("^(a|b)\\1$")
    assert rx is not None and fast_strategy(rx, fullmatch=True) is None
    assert re.fullmatch(rx, "aa")
