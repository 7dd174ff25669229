"""ECMA-262 patterns as the native core runs them: semantics, agreement with regress (the
ECMA-262 engine used here as the oracle), linear time on patterns that are exponential on a
backtracking engine, and typed errors (never a hang) where a pattern cannot run."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import strictschema
from strictschema import SchemaError, ValidationError, Validator
from strictschema._validate._regex import UnsafePatternError, compile_pattern

regress = pytest.importorskip("regress")


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
    # a legacy pattern (only valid without the u flag) matches code points too, at any
    # length of string
    (r"^\_.$", "_a", True),
    (r"^\_.$", "_\U0001F600", True),
    (r"^\_.{2}$", "_\U0001F600", False),
    (r"^\_[^a]$", "_é", True),
    (r"^\_[\uD83D][\uDE00]$", "_\U0001F600", False),  # surrogate escapes: no code point
    (r"^[a-z-]+$", "a-b", True),
    (r"^\u{1F600}x{,2}$", "u{1F600}x{,2}", True),  # legacy: {,2} and {1F600} are literal,
    (r"^\u{1F600}x{,2}$", "\U0001F600x{,2}", False),  # \u is "u" (as node reads it)
    (r"^\-[a-z]{2}$", "-ab", True),
    (r"^\-[a-z]{2}$", "-abc", False),
    (r"[\w-]", "-", True),
    (r"^[\w-]$", "é", False),
    (r"\a", "a", True),                  # legacy: \a is "a"
    (r"\a", "\x07", False),
    (r"^(?=.*a)(?=.*b)(a|b)*(?<=b)$", "ab" * 20, True),
    (r"^(?=.*a)(?=.*b)(a|b)*(?<=b)$", "ab" * 2000 + "a", False),
])
def test_ecma_semantics(pattern: str, text: str, expected: bool) -> None:
    assert compile_pattern(pattern).search(text) is expected


def test_pattern_keyword_uses_ecma_semantics() -> None:
    v = Validator({"type": "string", "pattern": r"^\d{3}$"})
    assert v.is_valid("123")
    assert not v.is_valid("١٢٣")
    assert v.validate_json('"123"') == "123"
    with pytest.raises(ValidationError, match=r"does not match"):
        v.validate_json('"١٢٣"')


@pytest.mark.parametrize(("pattern", "fail", "match"), [
    (r"^(a+)+$", "a{n}!", "a{n}"),
    (r"^(a|a)*$", "a{n}!", "a{n}"),
    (r"^(a|aa)+$", "a{n}!", "a{n}"),
    (r"(x+x+)+y", "x{n}", "x{n}y"),
    (r"^(\w+\s?)*$", "a{n}!", "a{n} a"),
    (r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*$", "a{n}!", "a-{n}"),
    (r"^(a?a)*$", "a{n}!", "a{n}"),  # an optional in a loop: Fibonacci many ways
    (r"^([a-z]+[0-9]*)+$", "a{n}!", "a{n}"),
    (r"^(\d+\.?)+$", "1{n}!", "1{n}"),
    (r"^([a-z\d.-]+\.)+[a-z]+$", "a{n}", "a.{n}"),
])
@pytest.mark.parametrize("size", [30, 5_000, 200_000])
def test_pathological_patterns_answer(pattern: str, fail: str, match: str, size: int) -> None:
    """Exponential on a backtracking engine (regress needs seconds at size 30); linear on
    the core's engine, at any length."""
    rx = compile_pattern(pattern)
    assert not rx.backtracking

    def expand(t: str) -> str:
        unit = t[t.index("{") - 1]
        head = t[:t.index("{") - 1]
        tail = t[t.index("}") + 1:]
        if t.endswith("-{n}"):
            return "a" + "-a" * size
        if t.endswith(".{n}"):
            return "a." * size + "b"
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
    answer at every length, the same answer at each."""
    rx = compile_pattern(pattern)
    for n in (1, 31, 32, 33, 64, 65, 256, 257, len(no)):
        assert rx.search(no[-n:]) is False
    assert rx.search(yes) is True
    assert rx.search(yes * 200) is pattern.startswith(("a*", "^.*"))


@pytest.mark.parametrize("pattern", [
    r"^[\w.-]+(?:/[\w.-]+)*$", r"^(\d+\.)+\d+$", r"^[\w-]+(\.[\w-]+)*$", r"^(ab?)*$",
    r"^(-?\d+,)*$", r"\w+@(\w+\.)+\w+",
])
def test_one_way_loops_agree_with_regress(pattern: str) -> None:
    """A quantifier nested in a repetition whose body matches a span one way only: regress
    answers quickly too, and the verdicts agree on long near-misses."""
    rx = compile_pattern(pattern)
    ecma = regress.Regex(pattern, "u")
    for unit in ("a.", "1.", "a/", "ab", "-1,", "a", "1"):
        for text in (unit * 40, unit * 40 + "!", "a@" + unit * 40):
            assert rx.search(text) == (ecma.find(text) is not None), (pattern, text)


def test_many_overlapping_alternatives_answer() -> None:
    """``(?:a|a)`` forty times: 2**40 ways for a backtracking engine, on any string."""
    rx = compile_pattern("^" + "(?:a|a)" * 40 + "b$")
    assert not rx.backtracking
    assert rx.search("a" * 40) is False and rx.search("a" * 40 + "b") is True
    assert compile_pattern("^(?:a|b)(?:c|d)(?:e|f)$").search("ade")


@pytest.mark.parametrize(("pattern", "yes", "no"), [
    (r"^\S+@\S+\.\S+$", "a@b.c", "@" * 300_000),
    (r"^[a-z]+[0-9]*x$", "a" * 100_000 + "1x", "a" * 100_000 + "1"),
    (r"^[\w.-]+(?:/[\w.-]+)*$", "a/" * 50_000 + "b", "a/" * 50_000),
    (r"^(https?://)?[\w-]+(\.[\w-]+)*(:\d+)?/api/v\d+/graph\?.+$",
     "https://a.b:80/api/v1/graph?" + "q" * 100_000, "https://" + "a." * 50_000),
])
def test_polynomial_patterns_on_long_strings_answer(pattern: str, yes: str, no: str) -> None:
    rx = compile_pattern(pattern)
    assert rx.search(no) is False
    assert rx.search(yes) is True


def test_backtracking_patterns_answer_or_give_a_typed_error() -> None:
    """Lookarounds and backreferences run on the backtracking engine with a step limit: a
    verdict, or ``UnsafePatternError`` (a ``SchemaError``) where the limit is passed."""
    assert issubclass(UnsafePatternError, SchemaError)
    rx = compile_pattern(r"b(?<=(a+)+b)")
    assert rx.backtracking
    assert rx.search("a" * 30 + "b") is True and rx.search("a" * 3000 + "c") is False
    assert compile_pattern(r"^(?=(a+)+b)a").search("a" * 40 + "b")
    assert not compile_pattern(r"^(?=(a+)+b)a").search("a" * 40)
    rx = compile_pattern(r"^(a|a)*\1$")
    assert rx.backtracking and rx.search("aa") is True and rx.search("ab") is False
    with pytest.raises(UnsafePatternError, match="backtracking limit"):
        rx.search("a" * 40 + "!")
    v = Validator({"type": "string", "pattern": r"^(a|a)*\1$"})
    with pytest.raises(SchemaError):
        v.is_valid("a" * 40 + "!")


UNSAFE = {"type": "string", "pattern": r"^(a|a)*\1$"}
GIVES_UP = "a" * 40 + "!"


def test_a_string_past_the_backtracking_limit_is_placed_in_schema_and_instance() -> None:
    """A backtracking search past its limit is an ``UnsafePatternError`` on every route, and
    says which pattern (the schema path the message ends with) and which string (its
    instance path)."""
    v = Validator({"type": "object", "properties": {"a": {"type": "array", "items": UNSAFE}}})
    where = r"the string at \$\.a\[1\] - at \$\.properties\.a\.items\.pattern$"
    value = {"a": ["aa", GIVES_UP]}
    raw = json.dumps(value)
    for call in (lambda: v.is_valid(value), lambda: v.validate(value),
                 lambda: list(v.iter_errors(value)), lambda: v.validate_json(raw),
                 lambda: v.check_json(raw), lambda: v.check_json_errors(raw),
                 lambda: v.is_valid_json(raw), lambda: v.errors_json(raw)):
        with pytest.raises(UnsafePatternError, match=where) as info:
            call()
        assert info.value.json_path == "$.properties.a.items.pattern"
    strict = {"type": "object", "properties": {"a": UNSAFE}, "required": ["a"],
              "additionalProperties": False}
    c = strictschema.compile(strict)
    assert c.validate_json('{"a": "aa"}') == {"a": "aa"}
    with pytest.raises(UnsafePatternError, match=r"string at \$\.a - at \$\.properties"
                                                 r"\.a\.pattern$"):
        c.validate_json(json.dumps({"a": GIVES_UP}))
    names = Validator({"type": "object", "patternProperties": {UNSAFE["pattern"]: {}}})
    for call in (lambda: names.validate_json(json.dumps({"x": 1, GIVES_UP: 2})),
                 lambda: names.is_valid({"x": 1, GIVES_UP: 2})):
        with pytest.raises(UnsafePatternError, match=r"a property name of the object at \$ "
                                                     r"- at \$\.patternProperties"):
            call()


def test_a_property_name_past_the_limit_names_its_pattern_key() -> None:
    names = Validator({"type": "object", "patternProperties": {UNSAFE["pattern"]: {}}})
    with pytest.raises(UnsafePatternError) as info:
        names.validate_json(json.dumps({GIVES_UP: 2}))
    assert info.value.json_path == "$.patternProperties['^(a|a)*\\\\1$']"


def test_push_mode_gives_the_same_typed_error() -> None:
    p = Validator(UNSAFE).push()
    with pytest.raises(UnsafePatternError, match=r"backtracking limit"):
        p.feed(json.dumps(GIVES_UP))
        p.finish()


def test_lookbehind_pattern_answers_at_any_length() -> None:
    rx = compile_pattern(r"(?<=a)b")
    assert rx.search("ab") is True
    assert rx.search("b" * 100) is False
    assert rx.search("b" * 100_000) is False
    assert rx.search("b" * 100_000 + "ab") is True
    rx = compile_pattern(r"(?<=x)a*a*a*a*b")
    assert rx.search("x" + "a" * 30 + "b") is True
    assert rx.search("x" + "a" * 40) is False
    assert rx.search("x" + "a" * 1000 + "b") is True


@pytest.mark.parametrize(("pattern", "yes", "no"), [
    (r"^(?!org\.bukkit\.)([a-zA-Z_$][a-zA-Z\d_$]*\.)*[a-zA-Z_$][a-zA-Z\d_$]*$",
     "com.example.Main", "org.bukkit.Main"),
    (r"^(?=.*[A-Z])(?=.*\d).{8,}$", "Passw0rdX", "password1"),
    (r"((?:[^/]*/)*)(?=\.(yaml|yml|json))", "a/b/.yaml", "a/b.txt"),
])
def test_lookarounds_agree_with_regress(pattern: str, yes: str, no: str) -> None:
    rx = compile_pattern(pattern)
    assert rx.search(yes) and not rx.search(no)
    for text in (yes, no, yes * 200):
        assert rx.search(text) is (regress.Regex(pattern, "u").find(text) is not None)


@pytest.mark.parametrize("pattern", ["(", "[z-a]", "(?<x", "a{2,1}", "a**"])
def test_invalid_pattern_is_value_error(pattern: str) -> None:
    with pytest.raises(ValueError, match="invalid ECMA-262 pattern"):
        compile_pattern(pattern)
    with pytest.raises(SchemaError):
        Validator({"type": "string", "pattern": pattern})


@pytest.mark.parametrize("depth", [127, 128, 129, 200])
def test_deep_groups(depth: int) -> None:
    for opening in ("(", "(?:"):
        source = opening * depth + "a" + ")" * depth
        if depth > 128:
            with pytest.raises(UnsafePatternError, match="nested more than 128"):
                compile_pattern(source)
        else:
            rx = compile_pattern(source)
            assert rx.search("xa") and not rx.search("b")


def test_128_nested_groups_are_accepted() -> None:
    assert compile_pattern("(" * 128 + "a" + ")" * 128).search("a")


# -- differential: the core vs regress ----------------------------------------------------

PATTERNS = [
    r"^[A-Z]{3}-\d{4}$", r"^\d{5}(-\d{4})?$", r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$",
    r"^https?://", r"\s", r"\S+", r"^\w+$", r"\bcat\b", r"^.*$", r"^.+\.json$", r"[^\d\s]",
    r"^\p{L}[\p{L}\p{N}_]*$", r"^[\u0400-\u04FF]+$", r"^#[0-9a-fA-F]{6}$", r"^(\+|-)?\d+$",
    r"a|b|c", r"^$", r"^(?:[a-z]+:)?//", r"[\s\S]", r"^\D+$", r"^\W", r"x*", r"^[^\n]*$",
    r"^(\d{1,3}\.){3}\d{1,3}$", r"^[\x20-\x7e]*$", r"^[^\u2028]+$", r"\u00e9|e\u0301",
    r"^(?:\d+|[a-f]+)$", r"^v\d+(\.\d+){0,2}$", r"^[A-Za-z]{2}\d{2}[A-Za-z0-9]{1,30}$",
    r"^(?!x)\w+$", r"(?<=@)\w+", r"^(\w)\w*\1$", r"(?<y>ab)(?=c)", r"^([\w])+\.([\w])+$",
    r"\B-", r"^(?:a|ab)(?:c|bcd)(?:d*)$",
]
ALPHABET = st.sampled_from(list("aAzZ09_-.@:/ \t\n\r\u00a0\u2028\u3000\u0400ЖéΩ١\U0001F600#+x$")
                           + ["cat", "http://", "1.2.3", "SKU-1234", "ABC-1234", "abc"])
TEXTS = st.lists(ALPHABET, max_size=12).map("".join)


def _corpus_patterns() -> list[str]:
    """The ``pattern`` values of the JSONSchemaBench sample in tests/data (every subset)."""
    from _corpus import SAMPLE

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

    for path in sorted((SAMPLE / "schemas").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                walk(json.loads(line)["schema"])
    return sorted(set(found))[:300]


ALL_PATTERNS = PATTERNS + _corpus_patterns()


def _oracle(pattern: str):
    """regress with the ``u`` flag, or without it for a legacy pattern; None when regress
    refuses the pattern either way."""
    for flags in ("u", ""):
        try:
            return regress.Regex(pattern, flags)
        except regress.RegressError:
            continue
    return None


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(ALL_PATTERNS), TEXTS, TEXTS)
def test_core_agrees_with_regress(pattern: str, a: str, b: str) -> None:
    ecma = _oracle(pattern)
    assume(ecma is not None)
    rx = compile_pattern(pattern)
    # (texts of at most 16 characters: the oracle backtracks without bound, and a corpus
    # pattern with nested quantifiers once ran it for minutes on a 36-character text)
    for text in (a, b, (a + b)[:16], (a * 3)[:16]):
        try:
            got = rx.search(text)
        except UnsafePatternError:
            continue  # a typed refusal, never a wrong verdict
        assert got == (ecma.find(text) is not None), (pattern, text)


def test_corpus_patterns_compile_where_regress_does() -> None:
    pats = _corpus_patterns()
    assert len(pats) > 50
    refused = []
    for p in pats:
        if _oracle(p) is None:
            continue
        try:
            compile_pattern(p)
        except SchemaError as exc:
            refused.append((p, str(exc)))
    assert not refused


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


LEGACY = sorted(p for p in {r"^\_.$", r"^[\w\'\-]+\@\w+$", r"^\#[0-9a-f]{3}$", r"\:\d+",
                            r"^\-[a-z]{2}$", r"^[\w-]+$", r"\a", r"^\-[a-z]+$", *ALL_PATTERNS}
                if _legacy(p))
ASCII = st.text(st.characters(max_codepoint=127), max_size=12)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(LEGACY), st.data())
def test_legacy_patterns_agree_with_regress(pattern: str, data) -> None:
    """A legacy pattern runs on the same engine at every length of string: the verdicts are
    regress's (code points) on short and long text, ASCII or not."""
    assert len(LEGACY) >= 5
    rx = compile_pattern(pattern)
    ecma = regress.Regex(pattern)
    texts = [data.draw(ASCII), data.draw(ASCII) * 30, data.draw(TEXTS), data.draw(TEXTS) * 30]
    try:
        texts.append(data.draw(st.from_regex(pattern.replace("\\@", "@"), fullmatch=True)
                               .filter(str.isascii)))
    except Exception:  # noqa: BLE001,S110 - Python cannot read it: the random texts stand
        pass
    for text in texts:
        assert rx.search(text) == (ecma.find(text) is not None), (pattern, text)


@pytest.mark.parametrize(("pattern", "unit", "head", "expected"), [
    (r"^\-[a-z]+$", "a", "-", True),
    (r"^\-[a-z]+$", "é", "-", False),
    (r"^[\w-]+$", "a-", "", True),
    (r"^[\w-]+$", "a\U0001F600", "", False),
    (r"^\_.+$", "\U0001F600", "_", True),
    (r"^\a+$", "a", "", True),
])
def test_legacy_verdict_does_not_depend_on_length(pattern: str, unit: str, head: str,
                                                  expected: bool) -> None:
    rx = compile_pattern(pattern)
    v = Validator({"type": "string", "pattern": pattern})
    for n in (1, 2, 15, 16, 17, 63, 64, 65, 255, 256, 257, 1000, 5000, 100_000):
        text = head + unit * n
        assert rx.search(text) is expected, n
        assert v.is_valid(text) is expected, n
        assert v.check_json(json.dumps(text))[1] is expected, n


@pytest.mark.parametrize("rows", [1, 16])
def test_legacy_patterns_in_objects_on_every_route(rows: int) -> None:
    """A legacy (non-``u``) pattern in a strict object schema, row by row: every route gives
    the code-point verdict (an astral character is one ``.``)."""
    schema = {"type": "object", "properties": {"a": {"type": "array", "items": {
        "type": "object", "properties": {"k": {"type": "string", "pattern": r"^\_.$"}},
        "required": ["k"], "additionalProperties": False}}, "s": {"type": "string",
                                                              "pattern": r"^\_.$"}},
        "required": ["a", "s"], "additionalProperties": False}
    v = Validator(schema)
    c = strictschema.compile(schema)
    for k, ok in (("_\U0001F600", True), ("_x", True), ("_xy", False), ("x", False)):
        value = {"a": [{"k": "_z"}] * (rows - 1) + [{"k": k}], "s": k}
        raw = json.dumps(value)
        assert v.check_json(raw)[1] is ok, k
        assert v.is_valid(value) is ok, k
        assert v.is_valid_json(raw.encode()) is ok, k
        assert (not v.errors_json(raw)) is ok, k
        try:
            c.validate_json(raw)
        except ValidationError:
            assert not ok, k
        else:
            assert ok, k
