"""The open profiles checked against the real engines (llguidance, xgrammar, outlines-core;
llama.cpp's own grammar sampler when llama-cpp-python is installed): every drawn output is
accepted, every mutant refused (or its loss reported by the compiler)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import strictschema
from _engine_models import MODELS, SCHEMAS
from strictschema._compile._profiles import PROFILES, Grammar
from strictschema._fuzz._engines import Unproducible, check_engine, engine_matcher, engine_text

pytest.importorskip("hypothesis")

_MODULE = {"llguidance": "llguidance", "xgrammar": "xgrammar", "outlines": "outlines_core",
           "llama.cpp": "llama_cpp"}
SAMPLE = Path(__file__).parent / "data" / "jsonschemabench" / "schemas"


def _engine(profile: str) -> None:
    pytest.importorskip(_MODULE[profile])
    if profile == "outlines":  # its regex is run by llguidance's regex engine
        pytest.importorskip("llguidance")


def _clean(report: object) -> None:
    assert report.refused is None, report.refused
    assert not report.disagreements, report.disagreements[:3]
    assert not report.laxities, report.laxities[:3]
    assert report.drawn > 0


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_llguidance_agrees_on_pydantic_models(model: type) -> None:
    _engine("llguidance")
    c = strictschema.compile(model, profile="llguidance")
    _clean(check_engine(c, examples=15, mutants=15, budget=30))


@pytest.mark.parametrize("profile", ["llguidance", "xgrammar", "outlines", "llama.cpp"])
@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_engines_agree_on_realistic_schemas(profile: str, name: str) -> None:
    _engine(profile)
    c = strictschema.compile(SCHEMAS[name], profile=profile)
    _clean(check_engine(c, examples=25, mutants=25, budget=30))


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["xgrammar", "outlines", "llama.cpp"])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_other_engines_agree_on_pydantic_models(profile: str, model: type) -> None:
    _engine(profile)
    c = strictschema.compile(model, profile=profile)
    _clean(check_engine(c, examples=30, mutants=30, budget=60))


def _sample(every: int) -> list:
    rows = []
    for f in sorted(SAMPLE.glob("*.jsonl")):
        for i, line in enumerate(f.read_text().splitlines()):
            if i % every == 0:
                rec = json.loads(line)
                rows.append(pytest.param(rec["schema"], id=f"{f.stem}/{rec['id']}"))
    return rows


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["llguidance", "xgrammar", "outlines", "llama.cpp"])
@pytest.mark.parametrize("schema", _sample(5))
def test_engines_agree_on_the_corpus_sample(profile: str, schema: object) -> None:
    _engine(profile)
    try:
        c = strictschema.compile(schema, profile=profile)
    except strictschema.SchemaError:
        pytest.skip("no strict schema for this profile (a typed refusal)")
    report = check_engine(c, examples=30, mutants=30, budget=30)
    if report.refused:  # the engine's own limit (grammar size, a regex it cannot read)
        pytest.skip(report.refused)
    assert not report.disagreements, report.disagreements[:2]
    assert not report.laxities, report.laxities[:2]


def test_engine_text_follows_the_grammar() -> None:
    wire = {"type": "object", "properties": {"b": {"type": "number", "minimum": 0},
                                             "a": {"type": "string"}}}
    g = Grammar(key_order="schema", u_escapes="control", raw_forbidden=((0x7F, 0x7F),),
                exponent="unbounded")
    assert engine_text({"a": "x\u0001é", "b": 6.103515625e-05}, wire, g) == (
        '{"b":0.00006103515625,"a":"x\\u0001é"}')
    assert engine_text({"a": "\n"}, wire, Grammar(separators=(", ", ": "))) == '{"a": "\\n"}'
    with pytest.raises(Unproducible, match="U\\+007F"):
        engine_text({"a": "\x7f"}, wire, g)
    with pytest.raises(Unproducible, match="U\\+0001"):
        engine_text({"a": "\x01"}, wire, Grammar(u_escapes="none"))
    plain = Grammar(plain_constrained_strings=True)
    with pytest.raises(Unproducible, match="no escape"):
        engine_text('a"b', {"type": "string", "maxLength": 5}, plain)
    assert engine_text('a"b', {"type": "string"}, plain) == '"a\\"b"'


def test_llguidance_matcher_sees_key_order_and_number_forms() -> None:
    _engine("llguidance")
    wire = {"type": "object", "properties": {"a": {"type": "integer"},
                                             "b": {"type": "number", "maximum": 1}},
            "required": ["a", "b"], "additionalProperties": False}
    accepts = engine_matcher(PROFILES["llguidance"], wire)
    assert accepts(b'{"a":1,"b":0.5}')
    assert not accepts(b'{"b":0.5,"a":1}')  # key order is the schema's
    assert not accepts(b'{"a":1,"b":5e-1}')  # no exponent on a bounded number
    assert not accepts(b'{"a":1,"b":2}')


def test_an_engine_laxity_is_found_and_a_reported_one_is_not_counted() -> None:
    _engine("xgrammar")
    import dataclasses

    schema = {"type": "object", "properties": {"d": {"type": "string", "format": "date"}},
              "required": ["d"], "additionalProperties": False}
    # xgrammar checks a date's shape only (2024-02-30 passes): claimed exact, it is a laxity
    claimed = dataclasses.replace(PROFILES["xgrammar"], loose_formats=frozenset())
    report = check_engine(strictschema.compile(schema, profile=claimed),
                          examples=10, mutants=30)
    assert ("bad_format", "$.d") in {(k, p) for k, p, _ in report.laxities}
    # the real profile keeps the format on the wire and reports the loss
    c = strictschema.compile(schema, profile="xgrammar")
    assert [d.code for d in c.diagnostics if d.severity == "lossy"] == ["loose_format"]
    report = check_engine(c, examples=10, mutants=30)
    assert not report.laxities and report.reported
    with pytest.raises(strictschema.ValidationError):
        c.validate_json('{"d": "2024-02-30"}')


def test_llama_cpp_grammar_as_the_converter_writes_it() -> None:
    """llama.cpp's own sampler (byte vocabulary, no weights) on the converter's GBNF: what
    the profile records about it."""
    _engine("llama.cpp")
    from strictschema._compile._fragments import gbnf

    llama = PROFILES["llama.cpp"]
    wire = {"type": "object", "properties": {"a": {"type": "string"},
                                             "b": {"type": "integer"}}, "required": ["b"]}
    accepts = engine_matcher(llama, strictschema.compile(wire, profile=llama).schema)
    assert accepts(b'{"b":1,"a":"x"}')  # required keys first
    assert not accepts(b'{"a":"x","b":1}')
    assert not accepts(b'{"b":1,"a":"x","c":2}')  # an object with properties is closed
    # why: left open, the converter's grammar refuses a plain optional key (no comma rule)
    open_wire = {**wire, "additionalProperties": True}
    from strictschema._fuzz._engines import _llama

    assert not _llama(gbnf(open_wire))(b'{"b":1,"a":"x"}')
    # a recursive root goes through a definition, with names GBNF reads
    tree = {"title": "Node", "type": "object", "properties": {
        "kids": {"type": "array", "items": {"$ref": "#"}}}, "required": ["kids"]}
    c = strictschema.compile(tree, profile=llama)
    assert "#" not in {v for k, v in _walk(c.schema) if k == "$ref"}
    assert engine_matcher(llama, c.schema)(b'{"kids":[{"kids":[]}]}')
    # a nullable string keeps its maxLength as an anyOf; \d is spelled out
    c = strictschema.compile({"type": "object", "properties": {
        "n": {"type": ["string", "null"], "maxLength": 2},
        "z": {"type": "string", "pattern": "^\\d+\\.\\d$"}}, "required": ["n", "z"]},
        profile=llama)
    accepts = engine_matcher(llama, c.schema)
    assert accepts(b'{"n":"ab","z":"12.5"}') and accepts(b'{"n":null,"z":"1.0"}')
    assert not accepts(b'{"n":"abc","z":"1.0"}') and not accepts(b'{"n":null,"z":"1x0"}')


def _walk(node: object) -> list:
    out: list = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append((k, v if isinstance(v, str) else None))
            out.extend(_walk(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(_walk(v))
    return out


def test_engine_refusal_is_reported_not_raised() -> None:
    _engine("outlines")
    c = strictschema.compile({"type": "object", "properties": {"x": {"type": "string"}}},
                             profile="outlines")
    assert check_engine(c, examples=5, mutants=5).refused is None


def test_cli_check_engine(tmp_path: Path) -> None:
    _engine("llguidance")
    schema = tmp_path / "order.json"
    schema.write_text(json.dumps(SCHEMAS["order"]))
    r = subprocess.run([sys.executable, "-m", "strictschema", "check", "--profile",
                        "llguidance", "--engine", "-n", "20", "-v", str(schema)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "[engine_agrees]" in r.stdout + r.stderr
    r = subprocess.run([sys.executable, "-m", "strictschema", "check", "--profile", "openai",
                        "--engine", str(schema)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "--engine needs" in r.stderr


def test_cli_compile_formats(tmp_path: Path) -> None:
    schema = tmp_path / "order.json"
    schema.write_text(json.dumps(SCHEMAS["order"]))
    for profile, fmt, key in [("gemini", "gemini", "response_json_schema"),
                              ("anthropic", "anthropic-tool", "input_schema"),
                              ("mistral", "mistral", "json_schema"),
                              ("llguidance", "llguidance", "grammars")]:
        r = subprocess.run([sys.executable, "-m", "strictschema", "compile", "--profile",
                            profile, "--format", fmt, str(schema)],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert key in json.loads(r.stdout)


def test_llguidance_writes_zero_of_a_bounded_number_without_its_sign() -> None:
    """llguidance's range grammar for a bounded number has no ``-0.0``: drawn ``-0.0`` is
    written ``0.0`` (the same JSON number), which the engine accepts; an unbounded number
    keeps its sign."""
    _engine("llguidance")
    from strictschema._compile._profiles import get_profile
    from strictschema._fuzz._engines import engine_matcher

    g = get_profile("llguidance").grammar
    assert g.negative_zero == "unbounded"
    wire = {"type": "object", "properties": {"x": {"type": "number", "minimum": -90}},
            "required": ["x"], "additionalProperties": False}
    accepts = engine_matcher(get_profile("llguidance"), wire)
    assert not accepts(b'{"x":-0.0}') and accepts(b'{"x":0.0}')
    text = engine_text({"x": -0.0}, wire, g)
    assert text == '{"x":0.0}' and accepts(text.encode())
    free = {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"],
            "additionalProperties": False}
    assert engine_text({"x": -0.0}, free, g) == '{"x":-0.0}'
    assert engine_matcher(get_profile("llguidance"), free)(b'{"x":-0.0}')
