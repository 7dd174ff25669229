"""The open profiles checked against the real constrained-decoding engines, on the CPU.

Each engine compiles the wire schema itself and is fed bytes through its own matcher, with a
byte-level vocabulary (256 one-byte tokens and an end token), so no model is needed:

- ``llguidance``: ``LLMatcher`` over ``grammar_from_json_schema`` (compact JSON);
- ``xgrammar``: ``GrammarMatcher`` over ``GrammarCompiler.compile_json_schema``;
- ``outlines-core``: its ``build_regex_from_schema`` regex, run by llguidance's regex
  engine (same Rust syntax);
- ``llama.cpp``: llama-cpp-python's JSON-schema-to-GBNF converter (what
  ``LlamaGrammar.from_json_schema`` runs), parsed and run by llama.cpp's own grammar sampler
  (``llama_sampler_init_grammar``) over the vocabulary of a weightless GGUF file written
  here: 256 byte tokens and an end token, loaded ``vocab_only``.

``check_engine(compiled)`` draws outputs for the wire schema (``strategies.from_schema``),
written as the engine writes JSON (``Profile.grammar``: key order, separators, escapes,
number forms; values the engine cannot write at all are not drawn), and feeds each to the
engine: one it refuses is a *disagreement*. It then feeds wire mutants (``strategies.mutants``,
each refused by the wire schema): one the engine accepts is a *laxity*, a loss the engine
does not report.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._compile._profiles import Grammar, Profile

if TYPE_CHECKING:
    from .._compile._compiled import Compiled

__all__ = ["ENGINES", "EngineReport", "Unproducible", "check_engine", "engine_matcher",
           "engine_text"]

ENGINES = ("llguidance", "xgrammar", "outlines-core", "llama-cpp-python")
_MAX_REGEX = 1_000_000
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_NAMED = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class Unproducible(ValueError):
    """The engine's JSON grammar cannot write this value (see ``Profile.grammar``)."""


# -- writing JSON as the engine does ---------------------------------------------------------
class _Writer:
    def __init__(self, wire: dict, grammar: Grammar) -> None:
        from .._validate._validator import Validator

        self.root = wire
        self.g = grammar
        self.defs = wire.get("$defs", {})
        self._branch: dict[int, Any] = {}
        self._validator = Validator
        self._formats = [(f, _ecma(rx)) for f, rx in grammar.formats]

    def valid(self, schema: Any, value: Any) -> bool:
        key = id(schema)
        v = self._branch.get(key)
        if v is None:
            body = schema if isinstance(schema, dict) else {}
            v = self._branch[key] = self._validator({**body, "$defs": self.defs})
        return v.is_valid(value)

    def resolve(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 64:
            ref = schema["$ref"]
            schema = self.root if ref == "#" else self.defs.get(ref.removeprefix("#/$defs/"))
            seen += 1
        return schema

    def write(self, value: Any, schema: Any) -> str:
        schema = self.resolve(schema)
        if isinstance(schema, dict) and "anyOf" in schema:
            branch = next((b for b in schema["anyOf"] if self.valid(b, value)), None)
            return self.write(value, branch)
        comma, colon = self.g.separators
        if isinstance(value, dict):
            props = (schema or {}).get("properties", {}) if isinstance(schema, dict) else {}
            keys = list(value)
            if self.g.key_order == "schema":
                keys = [k for k in props if k in value] + [k for k in value if k not in props]
            elif self.g.key_order == "required_first":
                required = set(schema.get("required") or ()) if isinstance(schema, dict) else set()
                keys = ([k for k in props if k in value and k in required]
                        + [k for k in props if k in value and k not in required]
                        + [k for k in value if k not in props])
            addl = schema.get("additionalProperties") if isinstance(schema, dict) else None
            parts = [self.string(k, None) + colon +
                     self.write(value[k], props[k] if k in props else addl) for k in keys]
            return "{" + comma.join(parts) + "}"
        if isinstance(value, list):
            items = schema.get("items") if isinstance(schema, dict) else None
            prefix = schema.get("prefixItems", []) if isinstance(schema, dict) else []
            return "[" + comma.join(self.write(v, prefix[i] if i < len(prefix) else items)
                                    for i, v in enumerate(value)) + "]"
        if isinstance(value, str):
            schema = schema if isinstance(schema, dict) else {}
            plain = (self.g.plain_constrained_strings and any(
                k in schema for k in ("minLength", "maxLength", "pattern"))) or (
                self.g.plain_pattern_strings and "pattern" in schema)
            return self.string(value, schema.get("format"), plain)
        if value is None or isinstance(value, bool):
            return json.dumps(value)
        if isinstance(value, int):
            text = str(value)
            if self.g.number_digits and len(text.lstrip("-")) > self.g.number_digits[0]:
                raise Unproducible(f"the engine writes at most {self.g.number_digits[0]} "
                                   "integer digits")
            return text
        bounded = isinstance(schema, dict) and any(k in schema for k in _BOUNDS)
        return self.number(value, bounded)

    def string(self, s: str, fmt: str | None, plain: bool = False) -> str:
        for name, rx in self._formats:
            if name == fmt and not rx.fullmatch(s):
                raise Unproducible(f"the engine writes format {fmt} only as /{rx.pattern}/")
        if plain and any(ch in '"\\' or ord(ch) < 0x20 for ch in s):
            raise Unproducible("the engine writes no escape in a string with minLength, "
                               "maxLength or pattern")
        out = []
        g = self.g
        for ch in s:
            o = ord(ch)
            if ch in '"\\':
                out.append("\\" + ch)
            elif o < 0x20:
                if ch in _NAMED:
                    out.append(_NAMED[ch])
                elif g.u_escapes == "none":
                    raise Unproducible(f"the engine cannot write U+{o:04X}")
                else:
                    out.append(f"\\u{o:04x}")
            elif any(lo <= o <= hi for lo, hi in g.raw_forbidden):
                if g.u_escapes != "all":
                    raise Unproducible(f"the engine cannot write U+{o:04X}")
                out.append(f"\\u{o:04x}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'

    def number(self, x: float, bounded: bool) -> str:
        if not math.isfinite(x):
            raise Unproducible("not a JSON number")
        if x == 0 and bounded and self.g.negative_zero == "unbounded":
            x = 0.0  # -0.0 is the same JSON number; the engine writes it without the sign
        text = repr(x)
        if "e" in text:  # 1e-05 -> 1e-5: an exponent without leading zeros (llama.cpp's)
            mantissa, exp = text.split("e")
            text = f"{mantissa}e{exp[0]}{exp[1:].lstrip('0') or '0'}"
        if "e" in text and (self.g.exponent == "none" or
                            (self.g.exponent == "unbounded" and bounded)):
            from decimal import Decimal

            text = format(Decimal(text), "f")
        if self.g.number_digits:
            mantissa = text.split("e")[0].lstrip("-")
            whole, _, frac = mantissa.partition(".")
            if len(whole) > self.g.number_digits[0] or len(frac) > self.g.number_digits[1]:
                raise Unproducible(f"the engine writes at most {self.g.number_digits[0]}+"
                                   f"{self.g.number_digits[1]} digits in a number")
        digits = self.g.bounded_fraction_digits
        if bounded and digits is not None and "." in text and \
                len(text.split(".")[1].split("e")[0].rstrip("0")) > digits:
            raise Unproducible(f"the engine writes bounded numbers with at most {digits} "
                               "fraction digits")
        return text


def _ecma(pattern: str) -> Any:
    import re

    return re.compile(pattern)


def engine_text(value: Any, wire: dict, grammar: Grammar) -> str:
    """``value`` as JSON text the way an engine with ``grammar`` writes it (raises
    ``Unproducible`` when it cannot)."""
    return _Writer(wire, grammar).write(value, wire)


# -- the engines' matchers -----------------------------------------------------------------
class _EngineError(Exception):
    """The engine refused the schema itself (its message says why)."""


def _llguidance_tokenizer() -> Any:
    import llguidance

    class _Bytes:
        tokens = [bytes([i]) for i in range(256)] + [b"<|end|>"]
        eos_token_id = 256
        bos_token_id = None
        special_token_ids = [256]

        def __call__(self, s: Any) -> list[int]:
            return list(s.encode() if isinstance(s, str) else s)

    return llguidance.LLTokenizer(llguidance.TokenizerWrapper(_Bytes()))


_CACHE: dict[str, Any] = {}


def _llguidance(grammar: str) -> Callable[[bytes], bool]:
    import llguidance

    tok = _CACHE.get("llg") or _CACHE.setdefault("llg", _llguidance_tokenizer())
    m = llguidance.LLMatcher(tok, grammar, log_level=0)
    if m.is_error():
        raise _EngineError(m.get_error().splitlines()[0])

    def accepts(data: bytes) -> bool:
        fresh = m.deep_copy()  # an error state survives reset(): start from a copy
        fresh.consume_tokens(list(data))
        return not fresh.is_error() and fresh.is_accepting()
    return accepts


def engine_matcher(profile: Profile, wire: dict) -> Callable[[bytes], bool]:
    """``bytes -> bool``: does the profile's engine accept this output whole? Raises
    ``ImportError`` when the engine is not installed and ``ValueError`` when it refuses the
    schema."""
    engine = profile.engine
    try:
        if engine == "llguidance":
            import llguidance

            grammar = llguidance.LLMatcher.grammar_from_json_schema(
                wire, defaults={"whitespace_flexible": False})
            return _llguidance(grammar)
        if engine == "llama-cpp-python":
            from .._compile._fragments import gbnf

            try:
                text = gbnf(wire)
            except ValueError as exc:
                raise _EngineError(str(exc)) from None
            return _llama(text)
        if engine == "xgrammar":
            return _xgrammar(wire)
        if engine == "outlines-core":
            return _outlines(wire)
    except _EngineError as exc:
        raise ValueError(f"{engine} refused the schema: {exc}") from None
    raise ValueError(f"profile {profile.name} has no engine to check against")


def _gguf_vocab(path: str) -> None:
    """A GGUF file holding only a byte vocabulary (llama.cpp's SentencePiece kind: <unk>,
    <s>, </s>, then <0x00>..<0xFF> as byte tokens) and the few hyperparameters llama.cpp
    reads before it skips the tensors of a ``vocab_only`` load. No weights."""
    import struct

    def s(text: str) -> bytes:
        raw = text.encode()
        return struct.pack("<Q", len(raw)) + raw

    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    kv = [("general.architecture", 8, s("llama"))]
    for key, value in (("context_length", 4096), ("embedding_length", 64), ("block_count", 1),
                       ("feed_forward_length", 128), ("attention.head_count", 1),
                       ("attention.head_count_kv", 1), ("rope.dimension_count", 64)):
        kv.append((f"llama.{key}", 4, struct.pack("<I", value)))
    kv.append(("llama.attention.layer_norm_rms_epsilon", 6, struct.pack("<f", 1e-5)))
    kv.append(("tokenizer.ggml.model", 8, s("llama")))
    kv.append(("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, len(tokens))
               + b"".join(s(x) for x in tokens)))
    kv.append(("tokenizer.ggml.scores", 9, struct.pack("<IQ", 6, len(tokens))
               + struct.pack(f"<{len(tokens)}f", *[0.0] * len(tokens))))
    types = [2, 3, 3] + [6] * 256  # unknown, control, control, byte
    kv.append(("tokenizer.ggml.token_type", 9, struct.pack("<IQ", 5, len(types))
               + struct.pack(f"<{len(types)}i", *types)))
    for key, value in (("bos", 1), ("eos", 2), ("unknown", 0)):
        kv.append((f"tokenizer.ggml.{key}_token_id", 4, struct.pack("<I", value)))
    body = b"".join(s(k) + struct.pack("<I", kind) + v for k, kind, v in kv)
    data = b"GGUF" + struct.pack("<IQQ", 3, 0, len(kv)) + body
    with open(path, "wb") as f:
        f.write(data + b"\0" * (-len(data) % 32))


def _llama(text: str) -> Callable[[bytes], bool]:
    """llama.cpp's grammar sampler for GBNF ``text``: a byte is allowed when applying the
    sampler to that one token leaves its logit finite; the output is whole when the end
    token is then allowed."""
    import ctypes
    import os
    import shutil
    import tempfile

    import llama_cpp as ll
    from llama_cpp.llama_grammar import LlamaGrammar

    if "llama" not in _CACHE:
        quiet = ll.llama_log_callback(lambda level, msg, data: None)
        ll.llama_log_set(quiet, ctypes.c_void_p())
        ll.llama_backend_init()
        folder = tempfile.mkdtemp(prefix="strictschema-")
        path = os.path.join(folder, "bytes.gguf")
        _gguf_vocab(path)
        params = ll.llama_model_default_params()
        params.vocab_only = True
        model = ll.llama_model_load_from_file(path.encode(), params)
        shutil.rmtree(folder, ignore_errors=True)  # read whole: the file is not needed again
        if not model:
            raise _EngineError("llama.cpp could not load the byte vocabulary")
        _CACHE["llama"] = (quiet, model, ll.llama_model_get_vocab(model))
    vocab = _CACHE["llama"][2]
    depth = deepest = 0
    for ch in text:  # quoted parentheses only make this count higher: a safe side
        depth += (ch == "(") - (ch == ")")
        deepest = max(deepest, depth)
    if deepest > 1000:  # its recursive parser refuses past 1000 and overflows far deeper
        raise _EngineError(f"groups nested {deepest} deep, more than llama.cpp's parser takes")
    grammar = LlamaGrammar.from_string(text)
    sampler = ll.llama_sampler_init_grammar(vocab, grammar._grammar.encode(), b"root")
    if not sampler:
        raise _EngineError("llama.cpp's grammar parser refused the converter's GBNF")
    _CACHE.setdefault("llama_samplers", []).append(sampler)  # freed with the process

    def allowed(s: Any, token: int) -> bool:
        cell = (ll.llama_token_data * 1)(ll.llama_token_data(token, 0.0, 0.0))
        cur = ll.llama_token_data_array(cell, 1, -1, False)
        ll.llama_sampler_apply(s, ctypes.byref(cur))
        return bool(cell[0].logit != -math.inf)

    def accepts(data: bytes) -> bool:
        s = ll.llama_sampler_clone(sampler)
        try:
            for b in data:
                if not allowed(s, 3 + b):
                    return False
                ll.llama_sampler_accept(s, 3 + b)
            return allowed(s, 2)
        finally:
            ll.llama_sampler_free(s)
    return accepts


def _xgrammar(wire: dict) -> Callable[[bytes], bool]:
    import xgrammar as xgr

    if "xgr" not in _CACHE:
        info = xgr.TokenizerInfo([bytes([i]) for i in range(256)] + [b"</s>"],
                                 stop_token_ids=[256])
        _CACHE["xgr"] = xgr.GrammarCompiler(info, cache_enabled=False)
    try:
        compiled = _CACHE["xgr"].compile_json_schema(
            json.dumps(wire), any_whitespace=False, strict_mode=True)
    except Exception as exc:  # noqa: BLE001 - xgrammar raises RuntimeError/ValueError
        raise _EngineError(str(exc).splitlines()[0]) from None

    def accepts(data: bytes) -> bool:
        m = xgr.GrammarMatcher(compiled)
        try:
            text = data.decode()
        except UnicodeDecodeError:
            return False
        return bool(m.accept_string(text)) and bool(m.accept_token(256)) and m.is_terminated()
    return accepts


def _outlines(wire: dict) -> Callable[[bytes], bool]:
    """outlines-core's own regex for the schema, run by llguidance's regex engine (the same
    Rust regex syntax): outlines-core's ``Index`` over a one-byte vocabulary has no
    transitions on '.', 'e' or 'E' in our runs, so it cannot judge whole outputs."""
    import llguidance
    from outlines_core.json_schema import build_regex_from_schema

    try:
        rx = build_regex_from_schema(json.dumps(wire), whitespace_pattern="")
    except Exception as exc:  # noqa: BLE001 - outlines-core raises ValueError/Exception
        raise _EngineError(str(exc).splitlines()[0]) from None
    if len(rx) > _MAX_REGEX:  # optional properties multiply: 161 MB seen on one schema
        raise _EngineError(f"outlines-core's regex has {len(rx):,} characters, more than "
                           f"{_MAX_REGEX:,} (too large to run)")
    return _llguidance(llguidance.LLMatcher.grammar_from_regex(rx))


# -- the check -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EngineReport:
    """What one ``check_engine`` run found. ``refused`` is set when the engine would not
    compile the wire schema at all."""

    engine: str
    drawn: int = 0
    mutants: int = 0
    disagreements: tuple[tuple[str, str], ...] = ()
    """Outputs valid under the schema that the engine refuses: (text, note)."""
    laxities: tuple[tuple[str, str, str], ...] = ()
    """Mutants refused by the wire schema that the engine accepts, not reported by the
    compiler: (kind, json_path, text)."""
    reported: tuple[tuple[str, str, str], ...] = ()
    """Mutants the engine accepts where the compiler reported the loss (a loose format)."""
    refused: str | None = None
    skipped: dict[str, int] = field(default_factory=dict)
    """Drawn values the engine cannot write, by reason (not counted as disagreements)."""

    @property
    def clean(self) -> bool:
        return self.refused is None and not self.disagreements and not self.laxities


class _OutOfTime(Exception):
    pass


def check_engine(compiled: Compiled, *, examples: int = 100, mutants: int = 100,
                 seed: int | None = 0, budget: float | None = 60.0) -> EngineReport:
    """Feed ``examples`` drawn outputs and ``mutants`` mutants of ``compiled``'s wire schema
    to its profile's engine (see the module docstring). Needs Hypothesis and the engine.
    ``budget`` (seconds) stops drawing early on schemas whose values are slow to draw; the
    report's ``skipped`` says so."""
    import time

    from hypothesis import HealthCheck, Phase, given, settings

    from ..strategies import from_schema
    from ..strategies import mutants as mutant_strategy

    profile = compiled.profile
    wire = compiled.schema
    try:
        accepts = engine_matcher(profile, wire)
    except ValueError as exc:
        return EngineReport(str(profile.engine), refused=str(exc))
    writer = _Writer(wire, profile.grammar)
    drawn: list[str] = []
    skipped: dict[str, int] = {}
    disagreements: dict[str, str] = {}
    laxities: dict[tuple[str, str], str] = {}
    reported: dict[tuple[str, str], str] = {}
    loose = profile.loose_formats
    n_mutants = 0
    hs = settings(max_examples=max(examples, 1), deadline=None, database=None,
                  derandomize=seed is not None, suppress_health_check=list(HealthCheck),
                  phases=(Phase.explicit, Phase.generate))  # collect, never shrink
    stop_at = None if budget is None else time.monotonic() + budget

    def in_time() -> None:
        if stop_at is not None and time.monotonic() > stop_at:
            raise _OutOfTime

    def written(value: Any) -> str | None:
        try:
            return writer.write(value, wire)
        except Unproducible as exc:
            reason = str(exc)
            skipped[reason] = skipped.get(reason, 0) + 1
            return None

    @hs
    @given(from_schema(compiled, shape="wire"))
    def valid(value: Any) -> None:
        in_time()
        text = written(value)
        if text is None:
            return
        drawn.append(text)
        if not accepts(text.encode()):
            disagreements.setdefault(text, "valid output refused by the engine")

    def mutated(m: Any) -> None:
        nonlocal n_mutants
        in_time()
        if m.kind == "truncated":
            text = m.instance
        else:
            text = written(m.instance)
            if text is None:
                return
        n_mutants += 1
        if accepts(text.encode()):
            if m.kind == "bad_format" and any(f"valid {f})" in m.detail for f in loose):
                reported.setdefault((m.kind, m.json_path), text)  # a loose format: lossy
            else:
                laxities.setdefault((m.kind, m.json_path), text)

    for run in (valid if examples else None,
                settings(hs, max_examples=max(mutants, 1))(given(mutant_strategy(
                    compiled, shape="wire"))(mutated)) if mutants else None):
        if run is None:
            continue
        try:
            run()
        except _OutOfTime:
            skipped["out of time: drawing stopped early"] = 1
            break
        except Exception as exc:  # noqa: BLE001 - no example could be drawn, ...
            if not drawn and not n_mutants:
                skipped[f"nothing drawn: {_one_line(exc)}"] = 1
    return EngineReport(
        str(profile.engine), drawn=len(drawn), mutants=n_mutants,
        disagreements=tuple(disagreements.items()),
        laxities=tuple((k, p, t) for (k, p), t in laxities.items()),
        reported=tuple((k, p, t) for (k, p), t in reported.items()), skipped=skipped)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:200]
