"""ECMA-262 patterns: semantics, the RE2 translation agreeing with regress, and no hangs."""

from __future__ import annotations

import json

import pytest
import regress
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from strictschema import SchemaError, Validator
from strictschema._regex import (
    BACKTRACK_LIMIT,
    UnsafePatternError,
    _re2_compile,
    _uncaptured,
    class_run,
    compile_pattern,
    fixed_width,
    translate_re2,
)

try:
    import re2  # noqa: F401
except ImportError:  # pragma: no cover
    pytest.skip("google-re2 is not installed", allow_module_level=True)


@pytest.mark.parametrize(("pattern", "text", "expected"), [
    (r"^\d+$", "123", True),
    (r"^\d+$", "١٢٣", False),            # \d is ASCII only in ECMA-262
    (r"^\w+$", "héllo", False),          # so is \w
    (r"\s", "\u3000", True),             # \s is Unicode white space
    (r"\s", "\u0085", False),            # ... but not NEL
    (r"\s", "\ufeff", True),
    (r"^a$", "a\n", False),              # $ is the end of input (no m flag)
    (r"^.$", "\n", False),               # . excludes line terminators
    (r"^.$", "\u2028", False),
    (r"^.$", "\U0001F600", True),        # one code point (u flag)
    (r"^.{2}$", "\U0001F600", False),
    (r"^[^a]$", "\U0001F600", True),
    (r"\bfoo\b", "a foo b", True),
    (r"\bfoo\b", "éfooé", True),         # \b is ASCII-word based
    (r"^\p{L}+$", "Ωmega", True),
    (r"^\p{Lu}", "ω", False),
    (r"^[\u00e9]$", "é", True),
    (r"^\u{1F600}$", "\U0001F600", True),
    (r"a{2,3}", "aa", True),
    (r"^(?:a|b)*c$", "ababc", True),
    (r"^\x41$", "A", True),
    (r"^\cJ$", "\n", True),
    (r"[\b]", "\b", True),
    (r"^\/$", "/", True),
    (r"\_", "_", True),                  # legacy identity escape
    # a legacy pattern (only valid without the u flag) still matches code points: regress
    # runs it on ASCII text, RE2 on the rest
    (r"^\_.$", "_a", True),
    (r"^\_.$", "_\U0001F600", True),
    (r"^\_.{2}$", "_\U0001F600", False),
    (r"^\_[^a]$", "_é", True),
    (r"^[a-z-]+$", "a-b", True),
])
def test_ecma_semantics(pattern: str, text: str, expected: bool) -> None:
    assert compile_pattern(pattern).search(text) is expected


def test_pattern_keyword_uses_ecma_semantics() -> None:
    v = Validator({"type": "string", "pattern": r"^\d{3}$"})
    assert v.is_valid("123")
    assert not v.is_valid("١٢٣")


@pytest.mark.parametrize(("pattern", "fail", "match"), [
    (r"^(a+)+$", "a{n}!", "a{n}"),
    (r"^(a|a)*$", "a{n}!", "a{n}"),
    (r"^(a|aa)+$", "a{n}!", "a{n}"),
    (r"(x+x+)+y", "x{n}", "x{n}y"),
    (r"^(\w+\s?)*$", "a{n}!", "a{n} a"),
    (r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*$", "a{n}!", "a-{n}"),
    (r"^(a?a)*$", "a{n}!", "a{n}"),  # an optional in a loop: Fibonacci many ways
])
@pytest.mark.parametrize("size", [30, 5_000, 200_000])
def test_pathological_patterns_answer(pattern: str, fail: str, match: str, size: int) -> None:
    """Exponential on a backtracking engine (regress needs seconds at size 30); linear here."""
    rx = compile_pattern(pattern)

    def expand(t: str) -> str:
        unit = t[t.index("{") - 1]
        head = t[:t.index("{") - 1]
        tail = t[t.index("}") + 1:]
        if t.endswith("-{n}"):
            return "a" + "-a" * size
        return head + unit * size + tail

    assert rx.search(expand(fail)) is False
    assert rx.search(expand(match)) is True


@pytest.mark.parametrize(("pattern", "yes", "no"), [
    (r"^a*a*a*a*a*a*b$", "a" * 300 + "b", "a" * 300),  # O(n**7) on regress: hours at 256
    (r"^\w*\w*\w*\w*\w*\w*!$", "ab" * 100 + "!", "ab" * 100),
    (r"^.*a.*a.*a.*a$", "xa" * 200, "xa" * 200 + "x"),
    (r"a*a*a*a*b", "a" * 500 + "b", "a" * 500),  # unanchored: one more factor
])
def test_adjacent_quantifiers_answer(pattern: str, yes: str, no: str) -> None:
    """Polynomial worst cases of high degree (adjacent quantifiers over the same characters)
    run on RE2 beyond the length their degree allows on regress."""
    rx = compile_pattern(pattern)
    assert rx.limit <= 64
    for n in (rx.limit, rx.limit + 1, len(no)):
        assert rx.search(no[-n:]) is False
    assert rx.search(yes) is True


@pytest.mark.parametrize("pattern", [
    r"^[\w.-]+(?:/[\w.-]+)*$", r"^(\d+\.)+\d+$", r"^[\w-]+(\.[\w-]+)*$", r"^(ab?)*$",
    r"^(-?\d+,)*$", r"\w+@(\w+\.)+\w+",
])
def test_one_way_loops_run_on_regress(pattern: str) -> None:
    """A quantifier nested in a repetition whose body matches a span one way only (every
    repeated atom's class disjoint from what can follow it): no exponential backtracking,
    so regress (the fast engine) runs it; verdicts agree with RE2 on long near-misses."""
    rx = compile_pattern(pattern)
    assert not rx.risky
    linear = _re2_compile(translate_re2(pattern))
    for unit in ("a.", "1.", "a/", "ab", "-1,", "a", "1"):
        for text in (unit * 40, unit * 40 + "!", "a@" + unit * 40):
            assert rx.search(text) == linear.test(text), (pattern, text)


@pytest.mark.parametrize("pattern", [
    r"(\.a*a*)*", r"^(a+)+$", r"^([a-z]+[0-9]*)+$", r"^(a?a)*$", r"^(\.\w+\w+)*$",
    r"^(\d+\.?)+$", r"^([a-z\d.-]+\.)+[a-z]+$", r"^(\w+\s?)*$",
])
def test_ambiguous_loops_stay_risky(pattern: str) -> None:
    """Two ways to split some span in every iteration: exponential on a backtracking
    engine, so these run on RE2."""
    assert compile_pattern(pattern).risky


def test_many_overlapping_alternatives_run_on_re2() -> None:
    """``(?:a|a)`` forty times: 2**40 ways for a backtracking engine, on any string."""
    rx = compile_pattern("^" + "(?:a|a)" * 40 + "b$")
    assert rx.risky
    assert rx.search("a" * 40) is False and rx.search("a" * 40 + "b") is True
    assert not compile_pattern("^(?:a|b)(?:c|d)(?:e|f)$").risky


def test_polynomial_patterns_on_long_strings_answer() -> None:
    rx = compile_pattern(r"^\S+@\S+\.\S+$")
    assert rx.search("@" * 300_000) is False
    assert rx.search("a@b.c") is True


def test_unrunnable_pattern_is_a_typed_error() -> None:
    with pytest.raises(UnsafePatternError, match="backtrack"):
        compile_pattern(r"b(?<=(a+)+b)")
    with pytest.raises(UnsafePatternError, match="cannot analyse"):  # not "exponential"
        compile_pattern(r"^\_[\uD83D][\uDE00]$")
    assert compile_pattern(r"^(?=(a+)+b)a").search("a" * 40 + "b")  # split for RE2
    assert issubclass(UnsafePatternError, SchemaError)
    v = Validator({"type": "string", "pattern": r"(a+)+\1"})
    with pytest.raises(SchemaError):
        v.is_valid("aaaa")


def test_a_string_too_long_for_a_pattern_is_placed_in_schema_and_instance() -> None:
    """A pattern with no linear-time equivalent refuses a string over its limit at search
    time; every route says which pattern (the schema path the message ends with) and which
    string (its instance path)."""
    import strictschema

    long = "aa" + "b" * 2500
    items = {"type": "string", "pattern": r"^(a)\1b*$"}
    v = Validator({"type": "object", "properties": {"a": {"type": "array", "items": items}}})
    where = r"the string at \$\.a\[1\] - at \$\.properties\.a\.items\.pattern$"
    ok = {"a": ["aab", long]}
    for call in (lambda: v.is_valid(ok), lambda: v.validate(ok),
                 lambda: list(v.iter_errors({"a": ["x", long]})),
                 lambda: v.validate_json(json.dumps(ok)), lambda: v.check_json(json.dumps(ok))):
        with pytest.raises(UnsafePatternError, match=where):
            call()
    strict = {"type": "object", "properties": {"a": items}, "required": ["a"],
              "additionalProperties": False}
    typed = Validator(strict)
    assert typed.validate_json('{"a": "aab"}') == {"a": "aab"} and typed._typed
    c = strictschema.compile(strict)
    for call in (lambda: typed.validate_json(json.dumps({"a": long})),
                 lambda: c.validate_json(json.dumps({"a": long}))):
        with pytest.raises(UnsafePatternError, match=r"string at \$\.a - at \$\.properties"
                                                     r"\.a\.pattern$"):
            call()
    names = Validator({"type": "object", "patternProperties": {r"^(a)\1b*$": {}}})
    with pytest.raises(UnsafePatternError, match=r"a property name of the object at \$ - at "
                                                 r"\$\.patternProperties\['\^\(a\)"):
        names.validate_json(json.dumps({"x": 1, long: 2}))


def test_lookbehind_pattern_is_bounded() -> None:
    rx = compile_pattern(r"(?<=a)b")
    assert rx.search("ab") is True
    assert rx.search("b" * 100) is False
    with pytest.raises(UnsafePatternError, match="characters"):
        rx.search("b" * (BACKTRACK_LIMIT + 1))
    # no RE2 equivalent and a worst case of high degree: a shorter bound
    rx = compile_pattern(r"(?<=x)a*a*a*a*b")
    assert rx.limit == 32 and rx.search("x" + "a" * 30 + "b") is True
    with pytest.raises(UnsafePatternError, match="over the 32"):
        rx.search("x" + "a" * 40)


@pytest.mark.parametrize(("pattern", "yes", "no"), [
    (r"^(?!org\.bukkit\.)([a-zA-Z_$][a-zA-Z\d_$]*\.)*[a-zA-Z_$][a-zA-Z\d_$]*$",
     "com.example.Main", "org.bukkit.Main"),
    (r"^(?=.*[A-Z])(?=.*\d).{8,}$", "Passw0rdX", "password1"),
    (r"((?:[^/]*/)*)(?=\.(yaml|yml|json))", "a/b/.yaml", "a/b.txt"),
])
def test_lookarounds_split_for_re2(pattern: str, yes: str, no: str) -> None:
    rx = compile_pattern(pattern)
    for text in (yes, no, yes * 200):
        assert rx.search(text) is (regress.Regex(pattern, "u").find(text) is not None)
    assert rx._linear_search(yes) and not rx._linear_search(no) if rx._linear else True


def test_invalid_pattern_is_value_error() -> None:
    with pytest.raises(ValueError):
        compile_pattern("(")
    with pytest.raises(ValueError):
        compile_pattern("[z-a]")


# -- differential: RE2 translation vs regress on non-pathological patterns -------------------

PATTERNS = [
    r"^[A-Z]{3}-\d{4}$", r"^\d{5}(-\d{4})?$", r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$",
    r"^https?://", r"\s", r"\S+", r"^\w+$", r"\bcat\b", r"^.*$", r"^.+\.json$", r"[^\d\s]",
    r"^\p{L}[\p{L}\p{N}_]*$", r"^[\u0400-\u04FF]+$", r"^#[0-9a-fA-F]{6}$", r"^(\+|-)?\d+$",
    r"a|b|c", r"^$", r"^(?:[a-z]+:)?//", r"[\s\S]", r"^\D+$", r"^\W", r"x*", r"^[^\n]*$",
    r"^(\d{1,3}\.){3}\d{1,3}$", r"^[\x20-\x7e]*$", r"^[^\u2028]+$", r"\u00e9|e\u0301",
    r"^(?:\d+|[a-f]+)$", r"^v\d+(\.\d+){0,2}$", r"^[A-Za-z]{2}\d{2}[A-Za-z0-9]{1,30}$",
]
ALPHABET = st.sampled_from(list("aAzZ09_-.@:/ \t\n\r\u00a0\u2028\u3000\u0400ЖéΩ١\U0001F600#+x$")
                           + ["cat", "http://", "1.2.3", "SKU-1234", "ABC-1234"])
TEXTS = st.lists(ALPHABET, max_size=12).map("".join)


def _corpus_patterns() -> list[str]:
    from pathlib import Path

    path = (Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
            / "jsonschemabench" / "schemas" / "Github_easy.jsonl")
    if not path.exists():
        return []
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            p = node.get("pattern")
            if isinstance(p, str):
                found.append(p)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    with path.open() as fh:
        for line in fh:
            walk(json.loads(line)["schema"])
    return sorted(set(found))[:300]


ALL_PATTERNS = PATTERNS + _corpus_patterns()


def _pair(pattern: str):
    try:
        ecma = regress.Regex(pattern, "u")
    except regress.RegressError:
        return None
    try:
        linear = _re2_compile(translate_re2(pattern))
    except Exception:  # noqa: BLE001 - untranslatable: nothing to compare
        return None
    return ecma, linear


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(ALL_PATTERNS), TEXTS, TEXTS)
def test_re2_translation_agrees_with_regress(pattern: str, a: str, b: str) -> None:
    pair = _pair(pattern)
    assume(pair is not None)
    ecma, linear = pair
    for text in (a, b, a + b, a * 3):
        assert linear.test(text) == (ecma.find(text) is not None), (pattern, text)


def test_most_corpus_patterns_translate() -> None:
    pats = _corpus_patterns()
    if not pats:
        pytest.skip("corpus not found beside the repo (../shared/corpora)")
    ok = sum(_pair(p) is not None for p in pats)
    assert ok >= 0.9 * len(pats)


def _legacy(pattern: str) -> bool:
    """Only valid without the ``u`` flag (an identity escape like ``\\'``)."""
    try:
        regress.Regex(pattern, "u")
    except regress.RegressError:
        try:
            regress.Regex(pattern)
        except regress.RegressError:
            return False
        return True
    return False


LEGACY = sorted({r"^\_.$", r"^[\w\'\-]+\@\w+$", r"^\#[0-9a-f]{3}$", r"\:\d+",
                 *(p for p in ALL_PATTERNS if _legacy(p))})
ASCII = st.text(st.characters(max_codepoint=127), max_size=12)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(LEGACY), st.data())
def test_legacy_patterns_on_ascii_agree_with_regress(pattern: str, data) -> None:
    """A legacy pattern runs on regress (UTF-16 units) for short ASCII text and on RE2 (code
    points) for the rest: both must give regress's answer wherever the two cannot differ."""
    assert all(map(_legacy, LEGACY))
    rx = compile_pattern(pattern)
    ecma = regress.Regex(pattern)
    texts = [data.draw(ASCII), data.draw(ASCII) * 30]
    try:
        texts.append(data.draw(st.from_regex(pattern.replace("\\@", "@"), fullmatch=True)
                               .filter(str.isascii)))
    except Exception:  # noqa: BLE001,S110 - Python cannot read it: the random texts stand
        pass
    for text in texts:
        assert rx.search(text) == (ecma.find(text) is not None), (pattern, text)


def test_re2_yes_no_search_falls_back_to_the_public_api() -> None:
    """``_Re2`` calls google-re2's compiled ``Match`` directly; a release without it still
    works, through ``search``."""
    import re2

    from strictschema._regex import _Re2

    class Public:  # only the documented API
        def __init__(self, pattern: str) -> None:
            self.search = re2.compile(pattern).search

    for rx in (_re2_compile("^a+$"), _Re2(Public("^a+$"))):
        assert rx.test("aaa") and not rx.test("aab") and not rx.test("")
    with pytest.raises(UnicodeEncodeError):
        _re2_compile("a").test("\ud800")


FIXED = [r"^[A-Z]{3}-[0-9]{4}$", r"^INV-\d{6}$", r"^[a-f0-9]{2}:[a-f0-9]{2}$", r"^x$",
         r"^[A-Za-z][0-9]$", r"^\d\d$"]
FIXED_TEXTS = st.text(st.sampled_from(list("AZaf09-:xINV_\x00é") + ["\U0001F600", "\n"]),
                      max_size=9)


@pytest.mark.parametrize("pattern", [r"^a+$", r"^.$", r"[A-Z]", r"^[\s]$", r"^\w\d$",
                                     r"^[^a]$", r"^(ab)$", r"^[A-Z][A-F]$", r"^é$"])
def test_fixed_width_only_for_what_it_can_do_exactly(pattern: str) -> None:
    assert fixed_width(pattern) is None


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(FIXED), st.lists(FIXED_TEXTS | st.sampled_from(
    ["ABC-1234", "INV-000123", "0a:ff", "x", "q7", "42"]), min_size=1, max_size=5))
def test_fixed_width_column_check_agrees_with_search(pattern: str, texts: list[str]) -> None:
    fixed = fixed_width(pattern)
    assert fixed is not None
    table, signature = fixed
    column = ("\x00".join(texts) + "\x00").encode("utf-8", "surrogatepass").translate(
        table) == (signature + b"\x00") * len(texts)
    assert column == all(compile_pattern(pattern).search(t) for t in texts)


RUNS = [r"^[\w\/\.:-]+$", r"^[0-9a-zA-Z_-]{1,5}$", r"^[a-z]*$", r"^\d?$", r"^a+$",
        r"^[A-F\d]{2,3}$"]
RUN_TEXTS = st.text(st.sampled_from(list("az09AF_-/.:\x00 é") + ["\U0001F600", "\ud800"]),
                    max_size=7)


@pytest.mark.parametrize("pattern", [r"^[^a]+$", r"^[\x00-\x7f]+$", r"[a-z]+", r"^[é]+$",
                                     r"^[a-z]+$|x", r"^[a-z]+-$", r"^(?:[a-z])+$"])
def test_class_run_only_for_what_it_can_do_exactly(pattern: str) -> None:
    assert class_run(pattern) is None


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(RUNS), st.lists(RUN_TEXTS | st.sampled_from(
    ["abc", "a.b:c/d-e_f", "12", "", "AF0"]), min_size=1, max_size=5))
def test_class_run_column_check_agrees_with_search(pattern: str, texts: list[str]) -> None:
    """The formula the typed path runs on a column of strings, against the pattern run on
    each string."""
    run = class_run(pattern)
    assert run is not None
    members, lo, hi = run
    column = (min(map(len, texts)) >= lo and (hi is None or max(map(len, texts)) <= hi)
              and "\x00".join(texts).encode("utf-8", "surrogatepass").translate(None, members)
              == b"\x00" * (len(texts) - 1))
    rx = compile_pattern(pattern)
    try:
        expected = all(rx.search(t) for t in texts)
    except (UnsafePatternError, UnicodeEncodeError):  # a lone surrogate (never from JSON:
        return  # the decoder refuses them) that neither engine takes: nothing to compare
    assert column == expected


@pytest.mark.parametrize(("source", "bare"), [
    (r"^([\w])+\.([\w])+$", r"^(?:[\w])+\.(?:[\w])+$"),
    (r"\((a)\)[(](b)", r"\((?:a)\)[(](?:b)"),
    (r"[\]()](c)[^](d)", r"[\]()](?:c)[^](?:d)"),
    (r"(?<y>ab)(?=c)(?<!d)(?:e)(?<=f)", r"(?:ab)(?=c)(?<!d)(?:e)(?<=f)"),
    (r"(a)\1", r"(a)\1"),  # a backreference needs its group
    (r"(?<x>a)\k<x>", r"(?<x>a)\k<x>"),
    (r"[\1](a)", r"[\1](?:a)"),  # inside a class \1 is no backreference
])
def test_uncaptured_drops_only_captures(source: str, bare: str) -> None:
    assert _uncaptured(source) == bare


CAPTURING = [p for p in ALL_PATTERNS if _uncaptured(p) != p]


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(CAPTURING), TEXTS, TEXTS)
def test_uncaptured_patterns_match_the_same_strings(pattern: str, a: str, b: str) -> None:
    flags = "" if _legacy(pattern) else "u"
    try:
        original = regress.Regex(pattern, flags)
    except regress.RegressError:
        return  # not ECMA-262 at all: compile_pattern refuses it
    bare = regress.Regex(_uncaptured(pattern), flags)
    for text in (a, b, a + b, a * 3):
        assert (bare.find(text) is None) == (original.find(text) is None), (pattern, text)


@pytest.mark.parametrize(("pattern", "limit"), [
    (r"^[a-z]+[0-9]*x$", 256),  # [a-z]+ is fenced by what can follow it: [0-9] or x
    (r"^[\w.-]+(?:/[\w.-]+)*$", 256),  # fenced by "/" or the end; the loop is one-way
    (r"^(https?://)?[\w-]+(\.[\w-]+)*(:\d+)?/api/v\d+/graph\?.+$", 256),
])
def test_fenced_repetitions_keep_longer_strings_on_regress(pattern: str, limit: int) -> None:
    """What can follow a repetition is read past optional items (up to the first required
    one, or ``$``): a repetition none of whose characters can start it ends in one place,
    so it adds nothing to the pattern's degree and its length limit stays high."""
    rx = compile_pattern(pattern)
    assert not rx.risky and rx.limit == limit


@pytest.mark.parametrize("rows", [1, 16])
def test_legacy_patterns_run_on_regress_only_for_ascii(rows: int) -> None:
    """A legacy (non-``u``) pattern runs on regress only for ASCII strings (where UTF-16
    units and code points agree), in generated code too, row by row and by column; other
    strings (an astral character here) take the exact route, and the verdicts are the
    general path's."""
    schema = {"type": "object", "properties": {"a": {"type": "array", "items": {
        "type": "object", "properties": {"k": {"type": "string", "pattern": r"^\_.$"}},
        "required": ["k"], "additionalProperties": False}}, "s": {"type": "string",
                                                              "pattern": r"^\_.$"}},
        "required": ["a", "s"], "additionalProperties": False}
    v = Validator(schema)
    for k, ok in (("_\U0001F600", True), ("_x", True), ("_xy", False), ("x", False)):
        raw = json.dumps({"a": [{"k": "_z"}] * (rows - 1) + [{"k": k}], "s": k})
        assert v.check_json(raw)[1] is ok, k
        assert v._check_general(raw)[1] is ok, k
    assert v._typed and ".isascii()" in v.source_code()
