r"""Wire patterns for engines that read ``\s``, ``\S`` or ``.`` as other sets than ECMA-262
(``Profile.pattern_spelled``): written as explicit classes of the ECMA set, so the engine,
the wire schema and the source schema all accept the same strings."""

from __future__ import annotations

import json
import unicodedata

import pytest

import strictschema
from strictschema._compile._compiler import spell_ecma
from strictschema._compile._profiles import PROFILES
from strictschema._compile._pyregex import ECMA_SPACE
from strictschema._fuzz._engines import Unproducible, engine_matcher, engine_text
from strictschema._validate._regex import compile_pattern

BOTH = frozenset({"space", "dot"})
# every code point where ECMA's \s or '.' and Rust's (Unicode White_Space; any but LF)
# could part, and their neighbours
PROBE = sorted({*range(0x100), 0x180E, 0x1680, *range(0x1FFE, 0x2031), 0x205F, 0x2060,
                0x3000, 0x3001, 0xFEFE, 0xFEFF, 0xFF00, 0x1F600})
PATTERNS = [
    r"^[\S]+$",            # the corpus case (Github_medium/o1.json)
    r"^\s*$", r"^\S+$", r"a\sb", r"^[^\s]$", r"^[a-z\s]+$", r"^[^a\s]$", r"^[\s-x]$",
    r"^[^\S]$", r"^[^\S\n]$", r"^[\S\d]$", r"^[\S\u00a0]$", r"^[\d\S\t]+$",
    r"^[\s\S]$", r"^[^\s\S]?$", r"^.$", r"^a.+b$", r"^[.]$", r"^\\s$", r"^[\\s]$", r"^\\\s$",
    r"^\.\s$",
]


def _text(cp: int) -> str:
    return chr(cp) + "x" if cp in (0x5C, 0x22) else chr(cp)


def test_ecma_space_is_the_spec_set() -> None:
    # ECMA-262 WhiteSpace: TAB, VT, FF, ZWNBSP and every Zs; LineTerminator: LF, CR, LS, PS
    zs = {cp for cp in range(0x110000) if unicodedata.category(chr(cp)) == "Zs"}
    assert set(ECMA_SPACE) == zs | {0x09, 0x0B, 0x0C, 0xFEFF} | {0x0A, 0x0D, 0x2028, 0x2029}
    judge = compile_pattern(r"^\s$")
    bmp = [cp for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF]
    assert {cp for cp in bmp if judge.search(chr(cp))} == set(ECMA_SPACE)
    # the two code points where Rust's \s (Unicode White_Space) parts from it
    assert 0x85 not in ECMA_SPACE and 0xFEFF in ECMA_SPACE


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_spelled_pattern_matches_the_same_strings(pattern: str) -> None:
    spelled = spell_ecma(pattern, BOTH)
    assert "\\s" not in spelled.replace("\\\\", "") and "\\S" not in spelled.replace("\\\\", "")
    before, after = compile_pattern(pattern), compile_pattern(spelled)
    for cp in PROBE:
        assert before.search(_text(cp)) == after.search(_text(cp)), (hex(cp), spelled)


def test_the_rewrite_itself() -> None:
    space = "\\u0009-\\u000D\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F" \
            "\\u3000\\uFEFF"
    assert spell_ecma(r"^\s+$", BOTH) == f"^[{space}]+$"
    assert spell_ecma(r"^\S+$", BOTH) == f"^[^{space}]+$"
    assert spell_ecma(r"^[\S]+$", BOTH) == f"^[^{space}]+$"
    assert spell_ecma(r"[a-z\s]", BOTH) == f"[a-z{space}]"
    assert spell_ecma(r"[^a\s]", BOTH) == f"[^a{space}]"
    # a '-' beside \s is a plain '-' (Annex B): kept plain once \s is inlined
    assert spell_ecma(r"[\s-x]", BOTH) == f"[{space}\\-x]"
    # [^\S\n]: the spaces other than LF
    assert spell_ecma(r"[^\S\n]", BOTH).startswith("[\\u0009\\u000B-\\u000D\\u0020")
    assert spell_ecma(r"a.b[.]", BOTH) == "a[^\\u000A\\u000D\\u2028\\u2029]b[.]"
    # an escaped backslash before 's' is no \s
    for plain in (r"^\\s$", r"[\\s]", r"\\S+", r"^a$"):
        assert spell_ecma(plain, BOTH) == plain
    assert spell_ecma(r"\\\s", BOTH) == f"\\\\[{space}]"
    # only what the profile asks for
    assert spell_ecma(r"^.\s$", frozenset({"space"})) == f"^.[{space}]$"
    assert spell_ecma(r"^.\s$", frozenset({"dot"})) == "^[^\\u000A\\u000D\\u2028\\u2029]\\s$"


def test_the_diagnostic() -> None:
    schema = {"type": "object", "properties": {"s": {"type": "string", "pattern": r"^[\S]+$"}}}
    c = strictschema.compile(schema, profile="llguidance")
    wire = c.schema["properties"]["s"]["pattern"]
    assert wire == spell_ecma(r"^[\S]+$", BOTH)
    [d] = [d for d in c.diagnostics if d.code == "pattern_classes_spelled"]
    assert d.severity == "info" and "\\s/\\S" in d.message and "'.'" not in d.message
    assert c.exact
    # profiles whose engine reads \s as ECMA does keep the pattern as written
    for profile in ("openai", "xgrammar"):
        other = strictschema.compile(schema, profile=profile)
        assert other.schema["properties"]["s"]["pattern"] == r"^[\S]+$"
        assert not [d for d in other.diagnostics if d.code == "pattern_classes_spelled"]
    dot = strictschema.compile({"type": "string", "pattern": "^a.b$"}, profile="llguidance")
    assert next(d.message for d in dot.diagnostics if d.code == "pattern_classes_spelled") \
        .startswith("'.' written")


def _engine(profile: str) -> None:
    pytest.importorskip("llguidance", reason="the llguidance engine is not installed")
    if profile == "outlines":
        pytest.importorskip("outlines_core", reason="outlines-core is not installed")


@pytest.mark.parametrize("profile", ["llguidance", "outlines"])
@pytest.mark.parametrize("pattern", PATTERNS)
def test_engine_source_and_wire_agree(profile: str, pattern: str) -> None:
    """Every probed character: the engine accepts it exactly when the source schema does
    (``validate_json``), and the wire schema agrees: nothing is lost."""
    _engine(profile)
    schema = {"type": "string", "pattern": pattern}
    c = strictschema.compile(schema, profile=profile)
    if "pattern" not in c.schema:  # lossy for this profile (outlines: quote_class)
        assert not c.exact
        return
    p = PROFILES[profile]
    accepts = engine_matcher(p, c.schema)
    wire = strictschema.Validator(c.schema)
    for cp in PROBE:
        s = _text(cp)
        try:
            c.validate_json(json.dumps(s))
            valid = True
        except ValueError:
            valid = False
        assert wire.is_valid(s) == valid, (hex(cp), c.schema)
        try:
            text = engine_text(s, c.schema, p.grammar)
        except Unproducible:
            continue
        assert accepts(text.encode()) == valid, (hex(cp), c.schema["pattern"])


@pytest.mark.parametrize("pattern", [r"\bk", r"^a\Bb$", r"^[\b]$"])
def test_llguidance_word_boundaries_are_lossy(pattern: str) -> None:
    """llguidance refuses a whole schema whose pattern has \\b or \\B (or [\\b]): such a
    pattern is not sent, and the loss is reported."""
    c = strictschema.compile({"type": "string", "pattern": pattern}, profile="llguidance")
    assert "pattern" not in c.schema and not c.exact
    assert any(d.code == "unsupported_keyword" and d.severity == "lossy"
               for d in c.diagnostics), c.diagnostics
    _engine("llguidance")
    assert engine_matcher(PROFILES["llguidance"], c.schema)(b'"k"')
