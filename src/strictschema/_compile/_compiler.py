"""The compiler: source schema -> wire schema (the profile's strict subset) + codec + diagnostics.

One pass over the source's schema model (``_schema._model``: references resolved, drafts
normalized), each node read as a working schema (``_nodes``: subschemas as node numbers, so
nothing here resolves a reference or knows a draft). Each node is normalised in a fixed
order: ``$ref`` (with siblings) followed, ``allOf`` merged, ``oneOf`` turned into ``anyOf``,
``anyOf`` compiled branch by branch, and finally the node compiled for its one type (type
lists are split into ``anyOf``). Every change produces a ``Diagnostic``; every shape change
produces a codec node (see ``_codec``). Diagnostics point at the source: the place of each
keyword as reached, a local reference's target at its own place.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, cast

from .._errors import SchemaError, UnsupportedSchemaError
from .._json import dumps as _json_dumps
from .._paths import Location
from .._schema._load import Source, local_location, sanitize_name
from . import _codec as C
from ._check import check_strict, pattern_features
from ._diagnostics import Diagnostic, Severity
from ._merge import (
    ARRAY_KW,
    NUMBER_KW,
    OBJECT_KW,
    STRING_KW,
    applicable,
    json_equal,
    json_type,
    merge,
    provably_disjoint,
    scalar_ok,
    schema_types,
)
from ._nodes import Nodes, Sub, look, plain
from ._profiles import Profile

__all__ = ["Compilation", "compile_source"]

POLICIES = ("describe", "drop", "error")
MAX_SCHEMA_DEPTH = 200

_KEEP_ANNOTATIONS = ("title", "description")
_DROP_ANNOTATIONS = frozenset({
    "examples", "$comment", "readOnly", "writeOnly", "deprecated", "discriminator",
    "$schema", "$id", "id", "$anchor", "$dynamicAnchor", "$vocabulary", "contentEncoding",
    "contentMediaType", "contentSchema", "example", "nullable", "x-order",
})
_STRUCTURAL = frozenset({"$defs", "definitions", "$ref", "allOf", "anyOf", "oneOf", "type",
                         "enum", "const", "default", "title", "description"})
_ANNOTATION_KEYS = frozenset({*_KEEP_ANNOTATIONS, *_DROP_ANNOTATIONS, "default"})
_GENERIC_LOSSY = frozenset({"not", "if", "then", "else", "$dynamicRef", "$recursiveRef",
                            "$recursiveAnchor"})
_KNOWN = STRING_KW | NUMBER_KW | OBJECT_KW | ARRAY_KW | _GENERIC_LOSSY
_WIRE_BY_TYPE = {
    "string": ("pattern", "format", "minLength", "maxLength"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    "integer": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    "boolean": (),
}
_NULL = {"type": "null"}
_ANY = "[\\s\\S]*"  # any string, newlines included
_ANY_UNQUOTED = '[^"\\\\\\x00-\\x1f]*'  # what sits in a JSON string unescaped
_ALL_TYPES = frozenset({"string", "number", "integer", "boolean", "null"})
# key of the one-key object wrapping an anyOf branch of each kind (see ``disambiguate``)
_WRAP_KEYS = {"map": "map_entries", "json": "json_text", "tuple": "tuple_items"}


def _dump(value: Any) -> str:
    return _json_dumps(plain(value))


def _is_nullable(wire: dict, defs: dict[str, dict | None] | None = None,
                 seen: frozenset[str] = frozenset()) -> bool | None:
    """Does ``wire`` accept null? ``$ref``s are followed through ``defs`` (B3: a nullable
    target makes the ref nullable); None when that depends on a definition still being
    compiled."""
    t = wire.get("type")
    if t == "null" or (isinstance(t, list) and "null" in t):
        return True
    ref = wire.get("$ref")
    if isinstance(ref, str) and defs is not None:
        name = ref.removeprefix("#/$defs/")
        if name in seen:
            return False
        body = defs.get(name)
        if body is None:
            return None
        return _is_nullable(body, defs, seen | {name})
    unknown = False
    for b in wire.get("anyOf", ()):
        if isinstance(b, dict):
            r = _is_nullable(b, defs, seen)
            if r:
                return True
            unknown = unknown or r is None
    return None if unknown else False


def make_nullable(wire: dict, defs: dict[str, dict | None] | None = None
                  ) -> tuple[dict, bool | None]:
    """Let ``wire`` also accept null, with the least nesting. Returns (schema, was_nullable);
    was_nullable is None when a definition still being compiled decides it."""
    known = _is_nullable(wire, defs)
    if known:
        return wire, True
    if "$ref" in wire:
        return {"anyOf": [wire, _NULL]}, known
    if "anyOf" in wire:
        out = dict(wire)
        out["anyOf"] = [*wire["anyOf"], _NULL]
        return out, known
    out = dict(wire)
    out["type"] = [wire["type"], "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    if "const" in out:
        out["enum"] = [out.pop("const"), None]
    return out, False


def _accepts_everything(s: Any) -> bool:
    """``true``, ``{}`` or a schema of annotations only."""
    s = look(s)
    return s is True or (isinstance(s, dict) and not (set(s) - _ANNOTATION_KEYS))


def _pattern_width(pattern: str) -> tuple[int, int | None] | None:
    """(least, most) length in code points of a string ``pattern`` can accept: the least
    length of any match, and the most when the pattern is anchored at both ends (None:
    unbounded or unknown). None when the pattern cannot be analysed."""
    import re

    from ._pyregex import python_regex

    try:
        regex = python_regex(pattern)
        if regex is None:
            return None
        parsed = list(re._parser.parse(regex.pattern, regex.flags))  # type: ignore[attr-defined]
        low, high = re._parser.parse(regex.pattern, regex.flags).getwidth()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - an unusual pattern: no conclusion
        return None
    at = re._constants.AT  # type: ignore[attr-defined]
    begins = bool(parsed) and parsed[0][0] == at and parsed[0][1] in (
        re._constants.AT_BEGINNING, re._constants.AT_BEGINNING_STRING)  # type: ignore[attr-defined]
    ends = bool(parsed) and parsed[-1][0] == at and parsed[-1][1] in (
        re._constants.AT_END_STRING,)  # type: ignore[attr-defined]
    bounded = begins and ends and high < re._constants.MAXREPEAT  # type: ignore[attr-defined]
    return low, (high if bounded else None)


def _contradiction(s: dict, t: str) -> str | None:
    """Why no ``t`` value meets ``s``'s keywords together, when that is provable from the
    keywords alone (a pattern's lengths against minLength/maxLength, a range holding no
    multiple of multipleOf, bounds that cross); None otherwise."""
    from fractions import Fraction

    if t == "string":
        lo, hi = s.get("minLength", 0), s.get("maxLength")
        if isinstance(hi, int) and isinstance(lo, int) and lo > hi:
            return f"minLength {lo} is above maxLength {hi}"
        pattern = s.get("pattern")
        width = _pattern_width(pattern) if isinstance(pattern, str) else None
        if width is None:
            return None
        least, most = width
        if isinstance(hi, int) and least > hi:
            return (f"pattern {pattern!r} matches only strings of at least {least} "
                    f"characters, and maxLength is {hi}")
        if most is not None and isinstance(lo, int) and most < lo:
            return (f"pattern {pattern!r} matches only strings of at most {most} "
                    f"characters, and minLength is {lo}")
        return None
    if t not in ("number", "integer"):
        return None

    def num(v: Any) -> Fraction | None:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return None
        try:
            return Fraction(str(v)) if isinstance(v, float) else Fraction(v)
        except (ValueError, OverflowError):
            return None

    lo, lo_x = num(s.get("minimum")), False
    ex = num(s.get("exclusiveMinimum"))
    if ex is not None and (lo is None or ex >= lo):
        lo, lo_x = ex, True
    hi, hi_x = num(s.get("maximum")), False
    ex = num(s.get("exclusiveMaximum"))
    if ex is not None and (hi is None or ex <= hi):
        hi, hi_x = ex, True
    if lo is None or hi is None:
        return None
    if lo > hi or (lo == hi and (lo_x or hi_x)):
        return "the lower bound is above the upper bound"
    step = num(s.get("multipleOf"))
    if t == "integer":
        step = step if step is None or step.denominator == 1 else None
        step = step or Fraction(1)
    if step is None or step <= 0:
        return None
    k = -((-lo) // step)  # the first multiple at or above lo
    first = k * step
    if first == lo and lo_x:
        first += step
    if first > hi or (first == hi and hi_x):
        what = f"multiple of {s['multipleOf']}" if "multipleOf" in s else "integer"
        return f"no {what} lies within the bounds"
    return None


# rule names llama-cpp-python's converter uses for itself (PRIMITIVE_RULES,
# STRING_FORMAT_RULES, RESERVED_NAMES in llama_cpp/llama_grammar.py)
_GBNF_RESERVED = frozenset({
    "root", "dot", "space", "boolean", "decimal-part", "integral-part", "number", "integer",
    "value", "object", "array", "uuid", "char", "string", "null", "date", "time", "date-time",
    "date-string", "time-string", "date-time-string"})


def spell_classes(pattern: str) -> str | None:
    r"""``pattern`` in the escapes llama.cpp's GBNF reads after llama-cpp-python's converter:
    ``\d`` and ``\w`` spelled as the ASCII classes they are in ECMA-262, an escaped
    punctuation character written as a one-character class (``\.`` -> ``[.]``) or, in a
    class, plainly (``[\w\-]`` -> ``[A-Za-z0-9_-]``). None when an escape has no such
    spelling (``\s``, ``\D``, ``\b``, ...): the pattern is then lossy."""
    out: list[str] = []
    i, in_class, dash = 0, False, False
    spell = {"d": ("[0-9]", "0-9"), "w": ("[A-Za-z0-9_]", "A-Za-z0-9_")}
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            i += 2
            if nxt in spell:
                out.append(spell[nxt][in_class])
            elif nxt in "xutrn\\\"[]" or (not in_class and nxt in "()|{}*+?"):
                out.append("\\" + nxt)  # read as they are
            elif nxt.isalnum() or nxt == "^":
                return None
            elif in_class and nxt == "-":
                dash = True  # a '-' just before ']' is literal
            elif in_class:
                out.append(nxt)
            else:
                out.append(f"[{nxt}]")
            continue
        if in_class and ch == "]":
            out.append("-" if dash else "")
            in_class = dash = False
        elif not in_class and ch == "[":
            in_class = True
        out.append(ch)
        i += 1
    return "".join(out)


# ECMA '.': all but the line terminators (written for the engine, every one as \uXXXX)
_ECMA_DOT = "[^\\u000A\\u000D\\u2028\\u2029]"
_EVERYTHING, _NOTHING = "[\\d\\D]", "[^\\d\\D]"  # the same sets in any regex dialect


def _class_items(body: str) -> list[tuple[str, str]]:
    """A class body's items as (kind, text): ``atom`` (one character, plain or escaped),
    ``escape`` (a class escape: ``\\d``, ``\\s``, ``\\p{..}``, ...) or ``dash``."""
    items: list[tuple[str, str]] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\" or i + 1 >= len(body):
            items.append(("dash" if ch == "-" else "atom", ch))
            i += 1
            continue
        nxt = body[i + 1]
        end = i + 2
        if nxt == "u" and body[i + 2:i + 3] == "{":
            end = body.find("}", i) + 1 or len(body)
        elif nxt == "u" and all(c in "0123456789abcdefABCDEF" for c in body[i + 2:i + 6]) \
                and len(body[i + 2:i + 6]) == 4:
            end = i + 6
        elif nxt == "x" and all(c in "0123456789abcdefABCDEF" for c in body[i + 2:i + 4]) \
                and len(body[i + 2:i + 4]) == 2:
            end = i + 4
        elif nxt == "c" and body[i + 2:i + 3].isalpha():
            end = i + 3
        elif nxt in "pP" and body[i + 2:i + 3] == "{":
            end = body.find("}", i) + 1 or len(body)
        kind = "escape" if nxt in "dDwWsSpP" else "atom"
        items.append((kind, body[i:end]))
        i = end
    return items


def _spell_space_class(negated: bool, body: str) -> str:
    """The class ``[body]`` (``[^body]``), which uses ``\\s`` or ``\\S``, written without
    them: the same set under ECMA-262 and under an engine whose ``\\s`` is another set."""
    from ._pyregex import ECMA_SPACE, class_members  # imported when used, as _pattern_width does

    items = _class_items(body)
    if any(text == "\\S" for _, text in items):
        # [..\S..] is every non-space plus the spaces the rest holds; [^..\S..] only spaces:
        # which spaces, ECMA's own engine says (the class as written, one character at a time)
        from .._validate._regex import compile_pattern

        rx = compile_pattern(f"^[{'^' if negated else ''}{body}]$")
        held = [cp for cp in ECMA_SPACE if rx.search(chr(cp))]
        if negated:
            return f"[{class_members(held)}]" if held else _NOTHING
        missing = [cp for cp in ECMA_SPACE if cp not in held]
        return f"[^{class_members(missing)}]" if missing else _EVERYTHING
    out: list[str] = []
    i = 0
    while i < len(items):
        kind, text = items[i]
        if kind == "atom" and i + 2 < len(items) and items[i + 1][0] == "dash" and \
                items[i + 2][0] == "atom":
            out.append(text + "-" + items[i + 2][1])  # a range
            i += 3
            continue
        # a '-' beside a class escape is a plain '-' (Annex B); inlined \s would make a range
        out.append(class_members(ECMA_SPACE) if text == "\\s" else
                   "\\-" if kind == "dash" else text)
        i += 1
    return f"[{'^' if negated else ''}{''.join(out)}]"


def spell_ecma(pattern: str, what: frozenset[str]) -> str:
    r"""``pattern`` with the escapes an engine reads as other sets than ECMA-262 written as
    explicit classes of the ECMA set (``Profile.pattern_spelled``): ``space`` spells ``\s``
    and ``\S``, in classes too, ``dot`` spells ``.``. The same strings match under ECMA-262
    and under the engine; the pattern comes back unchanged when it uses none of them."""
    from ._pyregex import ECMA_SPACE, class_members

    out: list[str] = []
    i, n = 0, len(pattern)
    space = "space" in what
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if space and nxt in "sS":
                out.append(("[" if nxt == "s" else "[^") + class_members(ECMA_SPACE) + "]")
            else:
                out.append(ch + nxt)
            i += 2
            continue
        if ch == "[":
            j = i + 1
            negated = pattern[j:j + 1] == "^"
            j += negated
            while j < n and pattern[j] != "]":  # ECMA: the first unescaped ']' ends it
                j += 2 if pattern[j] == "\\" else 1
            body = pattern[i + 1 + negated:j]
            uses_space = any(t in ("\\s", "\\S") for _, t in _class_items(body))
            if space and uses_space and j < n:
                out.append(_spell_space_class(negated, body))
            else:
                out.append(pattern[i:j + 1])
            i = j + 1
            continue
        out.append(_ECMA_DOT if ch == "." and "dot" in what else ch)
        i += 1
    return "".join(out)


def anchored(pattern: str, json_safe: bool = False, capture: bool = False) -> str:
    """``pattern`` (an ECMA search) written as a whole-string match of the same strings, for
    engines that match patterns whole: an anchor already at an end is kept, the other end
    matches anything."""
    depth, i, top_alt, in_class = 0, 0, False, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            top_alt = True
        i += 1
    start = pattern.startswith("^") and not top_alt
    end = False
    if pattern.endswith("$") and not top_alt and len(pattern) > int(start):
        slashes = len(pattern[:-1]) - len(pattern[:-1].rstrip("\\"))
        end = slashes % 2 == 0
    core = pattern[int(start):len(pattern) - int(end)]
    fill = _ANY_UNQUOTED if json_safe else _ANY
    group = "(" if capture else "(?:"  # capture: for engines without (?:, no backreferences
    return ("^" + ("" if start else fill) + f"{group}{core})" + ("" if end else fill) + "$")


def _null_pair(w: dict) -> bool:
    """``w`` is one type or schema plus null (what ``without_null`` takes apart)."""
    t = w.get("type")
    if isinstance(t, list):
        return len(t) == 2 and "null" in t
    branches = w.get("anyOf")
    return isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches


def _own_description(s: Any) -> str | None:
    s = look(s)
    d = s.get("description") if isinstance(s, dict) else None
    return d if isinstance(d, str) else None


def with_annotations(body: dict, annotations: dict, own: str | None) -> dict:
    """``body`` with ``annotations`` (title/description) put on it (B4).

    The new description replaces ``own`` (the description ``body`` was compiled from) but keeps
    the text the compiler appended to it, which tells the model about the wire form."""
    out = {**body, **annotations}
    inner = body.get("description")
    outer = annotations.get("description")
    if isinstance(inner, str) and isinstance(outer, str) and inner != outer:
        rest = inner[len(own):].lstrip() if own and inner.startswith(own) else inner
        if rest and not outer.endswith(rest):
            out["description"] = f"{outer} {rest}"
    return out


class Compilation:
    """The result of one compile: everything ``Compiled`` is built from."""

    def __init__(self, wire: dict, codec: C.Codec, diagnostics: list[Diagnostic]) -> None:
        self.wire = wire
        self.codec = codec
        self.diagnostics = diagnostics


def _schema_dicts(wire: Any) -> Iterator[dict]:
    """Every object of a wire schema outside ``enum``/``const`` values; each one's children
    are taken before it is yielded, so it may be rewritten in place."""
    stack = [wire]
    while stack:
        n = stack.pop()
        if isinstance(n, list):
            stack.extend(n)
            continue
        if not isinstance(n, dict):
            continue
        stack.extend(v for k, v in n.items() if k not in ("enum", "const"))
        yield n


class _WireMatch:
    """Whether a wire value matches one anyOf branch of the final wire schema (its check is
    built on first use, once the wire schema is whole); ``target()`` names the core program
    and node that decide it, for the codec's plan in the core (``_codec.core_decoder``)."""

    __slots__ = ("_branch", "_compiler", "_found")

    def __init__(self, compiler: _Compiler, branch: dict) -> None:
        self._compiler, self._branch = compiler, branch
        self._found: tuple[Any, Any] | None = None

    def _resolved(self) -> tuple[Any, Any]:
        if self._found is None:
            from .._validate._validator import Validator

            c = self._compiler
            if c._wire_validator is None:
                c._wire_validator = Validator._trusted(c.final_wire)
            target: Any = self._branch
            for alias in c.root_alias:  # refs to the root became '#' in the wire
                target = c.retarget(target, alias, "#")
            self._found = (c._wire_validator, target)
        return self._found

    def __call__(self, value: Any) -> bool:
        validator, target = self._resolved()
        return bool(validator.is_valid_at(target, value))

    def target(self) -> tuple[Any, int] | None:
        validator, target = self._resolved()
        return validator._program_at(target)


class _Compiler:
    def __init__(self, source: Source, profile: Profile, policy: str,
                 wrap_ambiguous: bool = True, nodes: Nodes | None = None) -> None:
        if policy not in POLICIES:
            raise ValueError(f"on_unsupported must be one of {POLICIES}, got {policy!r}")
        self.src = source
        self.nodes = nodes if nodes is not None else Nodes(source.model_of())
        self.profile = profile
        self.policy = policy
        self.diags: list[Diagnostic] = []
        self.defs: dict[str, dict | None] = {}
        self.def_codecs: dict[str, C.Codec] = {}
        self.def_by_target: dict[int, str] = {}  # node -> its definition's name
        self.in_progress: set[str] = set()
        self._keep: list[Any] = []  # keeps wire unions alive so id() stays unique
        self.expanding: list[int] = []  # ref targets (nodes) being inlined on this path
        self._wire_validator: Any = None
        self.final_wire: dict | None = None
        self.root_alias: tuple[str, ...] = ()  # $defs refs that became '#' after finish
        self.def_desc: dict[str, str | None] = {}  # each definition's own source description
        # optional properties whose nullability waits for a recursive definition (B3)
        self.pending_nullable: list[tuple[C.PropertySpec, dict, Location]] = []
        self.wrap_ambiguous = wrap_ambiguous  # see disambiguate
        self.wrapped = 0
        self.optional_kept = 0  # optional properties left optional (Profile.max_optional)
        self.optional_cap = profile.max_optional  # lowered by compile_source when over it
        self.strip_optional_null = False  # set by compile_source past Profile.max_unions
        # set by compile_source when the wire exceeds a profile limit (_fit_limits):
        self.cut_recursion = False  # a recursive $ref is sent as JSON text
        self.union_cap: int | None = None  # unions past this many are sent as JSON text
        self.unions_kept = 0
        self._unions: set[int] = set()
        self._loses_null = False  # the next node is an optional property's: its null goes
        self.pin_optional = False  # an object with no required property sends its first
        self.text_depth: int | None = None  # structured values this deep go as JSON text
        self.deepest = 0
        # a Pydantic source: the model is the judge (defaults, discriminators, _pydantic)
        self.pydantic = source.adapter is not None
        # Pydantic discriminated unions: each branch's node -> the tags it must send
        self.branch_tags: dict[int, set[str]] = self.discriminator_tags() if self.pydantic \
            else {}

    # -- diagnostics -------------------------------------------------------------------
    def diag(self, loc: Location, code: str, severity: Severity, message: str) -> None:
        self.diags.append(Diagnostic.at(loc, code, severity, message))

    def info(self, loc: Location, code: str, message: str) -> None:
        self.diag(loc, code, "info", message)

    def error(self, loc: Location, code: str, message: str) -> None:
        self.diag(loc, code, "error", message)

    def lose(self, loc: Location, kw: str, value: Any, notes: list[str], why: str = "") -> None:
        """A constraint the wire schema cannot carry; handled per ``on_unsupported``."""
        why = why or f"'{kw}' is not supported by profile {self.profile.name}"
        if self.policy == "describe":
            notes.append(f"{kw}: {_dump(value)}")
            self.diag(loc + (kw,), "unsupported_keyword", "lossy",
                      f"{why}; moved to the description, still enforced on validation")
        else:
            self.diag(loc + (kw,), "unsupported_keyword", "lossy",
                      f"{why}; dropped, still enforced on validation")

    # -- entry -------------------------------------------------------------------------
    def run(self) -> Compilation:
        root = self.nodes.model.root
        root_name = self.def_name(self.src.name or "Root")
        self.def_by_target[root] = root_name
        self.def_desc[root_name] = _own_description(self.src.schema)
        self.in_progress.add(root_name)
        wire, codec = self.node(Sub(root, self.nodes), (), 0)
        self.in_progress.discard(root_name)
        self.defs[root_name] = wire
        self.def_codecs[root_name] = codec
        self.resolve_pending_nullable()
        wire, codec = self.finish_root(root_name, wire, codec)
        codec = C.simplify(codec, self.def_codecs)
        self.final_wire = wire
        if self.profile.enum_types != _ALL_TYPES:
            self.fit_enums(wire)
        if not self.profile.type_list_keywords:
            self.split_type_lists(wire)
        if self.profile.max_ref_depth is not None and "$defs" in wire:
            wire = self.inline_refs(wire)
        if not self.profile.root_ref and "$defs" in wire:
            wire = self.plain_def_names(wire)
        self.post_checks(wire)
        self.diags = self.in_document_order(self.diags)
        errors = [d for d in self.diags if d.severity == "error"]
        lossy = [d for d in self.diags if d.severity == "lossy"]
        if errors or (self.policy == "error" and lossy):
            raise UnsupportedSchemaError(errors + (lossy if self.policy == "error" else []))
        return Compilation(wire, codec, self.diags)

    def in_document_order(self, diags: list[Diagnostic]) -> list[Diagnostic]:
        """Sort diagnostics by where they point in the source (pre-order), stably."""
        order: dict[Location, int] = {}
        stack: list[tuple[Location, Any]] = [((), self.src.schema)]
        while stack:
            loc, node = stack.pop()
            order[loc] = len(order)
            if isinstance(node, dict):
                stack.extend((loc + (k,), v) for k, v in reversed(node.items()))
            elif isinstance(node, list):
                stack.extend((loc + (i,), v) for i, v in reversed(list(enumerate(node))))

        def key(d: Diagnostic) -> int:
            loc = d.location
            while loc not in order:
                loc = loc[:-1]
            return order[loc]

        return sorted(diags, key=key)

    def def_name(self, hint: str) -> str:
        base = sanitize_name(hint, "Def")
        name, i = base, 2
        while name in self.defs:
            name = f"{base}_{i}"
            i += 1
        self.defs[name] = None
        return name

    def finish_root(self, root_name: str, wire: dict, codec: C.Codec) -> tuple[dict, C.Codec]:
        # A3.1: a root that is only a $ref is replaced by its target.
        seen: list[str] = []
        while "$ref" in wire and set(wire) <= {"$ref", "title", "description"}:
            target = wire["$ref"].removeprefix("#/$defs/")
            if target in seen or self.defs.get(target) is None:
                break
            seen.append(target)
            annotations = {k: wire[k] for k in _KEEP_ANNOTATIONS if k in wire}
            wire = with_annotations(cast(dict, self.defs[target]), annotations,
                                    self.def_desc.get(target))
            codec = self.def_codecs[target]
            self.info((), "root_ref_inlined", f"root $ref to definition {target!r} inlined (A3)")
        if wire.get("type") == "object" or not self.profile.root_object:
            body = wire
            root_is_def = True
        else:
            key = self.profile.wrapper_key
            annotations = {k: wire[k] for k in _KEEP_ANNOTATIONS if k in wire}
            body = {"type": "object", **annotations, "properties": {key: wire},
                    "required": [key], "additionalProperties": False}
            codec = C.WrapCodec(key, codec)
            root_is_def = False
            what = "an anyOf" if "anyOf" in wire else "not an object"
            self.info((), "root_wrapped",
                      f"root schema is {what}; wrapped as property {key!r} of an object (A3)")
        # Refs to the root (and to a definition the root was inlined from) become '#' when
        # the body is the root itself; otherwise they keep naming their $defs entry.
        aliases = [root_name, *seen] if root_is_def else []
        if aliases and self.profile.root_ref:
            self.root_alias = tuple(f"#/$defs/{n}" for n in aliases)
        defs = {n: w for n, w in self.defs.items() if w is not None}
        used = self.collect_refs(body, set())
        for w in defs.values():
            self.collect_refs(w, used)
        for alias in aliases:
            if f"#/$defs/{alias}" not in used:
                defs.pop(alias, None)
                continue
            if not self.profile.root_ref:
                continue  # Profile.root_ref: the root is sent again as this definition
            body = self.retarget(body, f"#/$defs/{alias}", "#")
            defs = {n: self.retarget(w, f"#/$defs/{alias}", "#") for n, w in defs.items()}
            defs.pop(alias, None)
        # keep only definitions reachable from the root
        reachable: set[str] = set()
        stack = [body]
        while stack:
            node = stack.pop()
            for ref in self.collect_refs(node, set()):
                name = ref.removeprefix("#/$defs/")
                if ref != "#" and name not in reachable and name in defs:
                    reachable.add(name)
                    stack.append(defs[name])
        out = dict(body)
        kept = {n: defs[n] for n in defs if n in reachable}
        if kept:
            out["$defs"] = kept
        self.report_unused_defs(kept)
        return out, codec

    def report_unused_defs(self, kept: dict) -> None:
        root = self.src.schema
        if not isinstance(root, dict):
            return
        index = self.nodes.model.index
        for container in ("$defs", "definitions"):
            for name, sub in (root.get(container) or {}).items():
                if index.get(id(sub)) not in self.def_by_target:
                    self.info((container, name), "unused_definition_dropped",
                              f"definition {name!r} is never referenced; not sent")

    @staticmethod
    def collect_refs(node: Any, acc: set[str]) -> set[str]:
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, dict):
                for k, v in n.items():
                    if k == "$ref" and isinstance(v, str):
                        acc.add(v)
                    elif k == "$defs":
                        continue
                    else:
                        stack.append(v)
            elif isinstance(n, list):
                stack.extend(n)
        return acc

    @classmethod
    def retarget(cls, node: Any, old: str, new: str) -> Any:
        if isinstance(node, dict):
            if node.get("$ref") == old:
                return {**node, "$ref": new}
            return {k: cls.retarget(v, old, new) for k, v in node.items()}
        if isinstance(node, list):
            return [cls.retarget(v, old, new) for v in node]
        return node

    def inline_refs(self, wire: dict) -> dict:
        """Profile.max_ref_depth: the engine drops what lies under too many nested $ref, so
        every reference is written out in full (when no cycle is left and the engine's regex,
        which writes them out anyway, stays within its budget). ``final_wire`` keeps the
        $defs form for the codec's matchers."""
        from ._check import outlines_regex_size

        budget = self.profile.regex_budget
        if budget is not None and outlines_regex_size(wire) > budget:
            return wire  # the checker reports it; compile_source narrows and retries
        defs = wire.get("$defs") or {}
        done: dict[str, Any] = {}

        def expand(n: Any, path: tuple[str, ...]) -> Any:
            if isinstance(n, list):
                return [expand(v, path) for v in n]
            if not isinstance(n, dict):
                return n
            ref = n.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref[len("#/$defs/"):]
                if name in path or name not in defs:
                    return n  # a cycle stays a $ref: the checker refuses it
                if name not in done:
                    done[name] = expand(defs[name], (*path, name))
                rest = {k: v for k, v in n.items() if k != "$ref"}
                return {**copy.deepcopy(done[name]), **rest}
            return {k: expand(v, path) for k, v in n.items() if k != "$defs"}

        out = expand(wire, ())
        if self.collect_refs(out, set()):
            return wire
        self.info((), "refs_inlined",
                  f"every $ref written out in full: profile {self.profile.name}'s engine drops "
                  f"properties under more than {self.profile.max_ref_depth} nested references")
        return cast(dict, out)

    @classmethod
    def plain_def_names(cls, wire: dict) -> dict:
        """Definition names of letters, digits and '-' only (llama-cpp-python's converter
        names a recursive rule by the raw definition name, and GBNF takes no '_'), and none
        of the converter's own rule names (a definition "date" would be its date format)."""
        import re

        names: dict[str, str] = {}
        for name in wire["$defs"]:
            base = re.sub(r"[^A-Za-z0-9-]", "-", name) or "Def"
            if base.lower() in _GBNF_RESERVED:  # the converter's own rules (a format "date")
                base += "-def"
            plain, i = base, 2
            while plain in names.values() or (plain != name and plain in wire["$defs"]):
                plain, i = f"{base}-{i}", i + 1
            names[name] = plain
        if all(k == v for k, v in names.items()):
            return wire
        out = {k: v for k, v in wire.items() if k != "$defs"}
        out["$defs"] = {names[k]: v for k, v in wire["$defs"].items()}
        for old, new in names.items():
            if old != new:
                out = cls.retarget(out, f"#/$defs/{old}", f"#/$defs/{new}")
        return out

    def split_type_lists(self, wire: Any) -> None:
        """Profile.type_list_keywords: a type list beside other keywords (a nullable string
        with maxLength) becomes an anyOf of the constrained type and null, in place."""
        for n in _schema_dicts(wire):
            types = n.get("type")
            rest = {k: v for k, v in n.items() if k != "type" and k not in _KEEP_ANNOTATIONS}
            if not isinstance(types, list) or not rest:
                continue
            annotations = {k: n[k] for k in _KEEP_ANNOTATIONS if k in n}
            branches = []
            for ty in types:
                kept = {k: v for k, v in rest.items() if ty != "null" or k == "enum"}
                if "enum" in kept:
                    kept["enum"] = [v for v in kept["enum"] if json_type(v) == ty or (
                        ty == "number" and json_type(v) == "integer")]
                    if not kept["enum"]:
                        continue
                branches.append({"type": ty, **kept})
            n.clear()
            n.update({"anyOf": branches, **annotations})
            self.info((), "type_list_split",
                      f"a type list beside other keywords sent as an anyOf (profile "
                      f"{self.profile.name} reads no keyword beside a type list)")

    def fit_enums(self, wire: Any) -> None:
        """For a profile whose ``enum`` takes only some JSON types (gemini: strings and
        numbers), each enum with other members becomes an anyOf of one enum per kind, in
        place (anyOf matchers keep seeing the same nodes): null as type null, true and false
        as type boolean (a single boolean value cannot be sent: lossy)."""
        ok = self.profile.enum_types
        for n in _schema_dicts(wire):
            values = n.get("enum")
            if not isinstance(values, list) or all(json_type(v) in ok for v in values):
                continue
            kept = [v for v in values if json_type(v) in ok]
            bools = {v for v in values if isinstance(v, bool)}
            branches: list[dict] = []
            strings = [v for v in kept if isinstance(v, str)]
            numbers = [v for v in kept if not isinstance(v, str)]
            if strings:
                branches.append({"type": "string", "enum": strings})
            if numbers:
                whole = all(json_type(v) == "integer" for v in numbers)
                branches.append({"type": "integer" if whole else "number", "enum": numbers})
            if bools:
                branches.append({"type": "boolean"})
                if len(bools) == 1:
                    self.diag((), "unsupported_keyword", "lossy",
                              f"enum value {_dump(next(iter(bools)))} sent as any boolean: "
                              f"profile {self.profile.name} takes no boolean enum; "
                              "still enforced on validation")
            if None in values:
                branches.append({"type": "null"})
            annotations = {k: n[k] for k in _KEEP_ANNOTATIONS if k in n}
            n.clear()
            if len(branches) == 1:
                n.update(branches[0], **annotations)
            else:
                n.update({"anyOf": branches, **annotations})
            self.info((), "enum_split", "an enum with boolean or null members sent as an "
                      f"anyOf of one branch per kind (profile {self.profile.name})")

    def post_checks(self, wire: dict) -> None:
        if not self.inhabited(wire):
            self.error((), "no_finite_value",
                       "the schema describes no finite value (a required recursion never ends)")
        for d in check_strict(wire, self.profile):
            self.diags.append(Diagnostic(d.path, d.code, "error",
                                         f"compiled schema exceeds the profile: {d.message}"))

    def inhabited(self, wire: dict) -> bool:
        """Least fixpoint: can each definition be satisfied by a finite value?"""
        defs = wire.get("$defs", {})
        ok: dict[str, bool] = {name: False for name in defs}
        root_ok = False

        def sat(n: Any) -> bool:
            if not isinstance(n, dict):
                return n is not False
            if "$ref" in n:
                return root_ok if n["$ref"] == "#" else ok.get(n["$ref"].removeprefix("#/$defs/"),
                                                               False)
            if "anyOf" in n:
                return any(sat(b) for b in n["anyOf"])
            t = n.get("type")
            ts = t if isinstance(t, list) else [t]
            if "null" in ts:
                return True
            if "object" in ts:  # an optional property may stay absent (Profile.all_required)
                required = set(n.get("required") or ())
                return all(sat(p) for k, p in n.get("properties", {}).items() if k in required)
            if "array" in ts:
                return n.get("minItems", 0) == 0 or sat(n.get("items", True))
            return True

        changed = True
        while changed:
            changed = False
            for name, body in defs.items():
                if not ok[name] and sat(body):
                    ok[name] = changed = True
            if not root_ok and sat(wire):
                root_ok = changed = True
        return root_ok

    # -- matchers for anyOf codecs ---------------------------------------------------------
    def wire_matcher(self, branch: dict) -> _WireMatch:
        return _WireMatch(self, branch)

    def member_ok(self, s: dict, value: Any, *, typed: bool = False) -> bool:
        """Whether enum/const member ``value`` of node ``s`` meets the node's other keywords
        (scalars are checked against the string/number keywords only unless ``typed``). The
        whole node is validated (a member always meets its own enum), so one compiled check
        of ``s`` serves every member."""
        if not scalar_ok(s, value):
            return False
        if not typed and not isinstance(value, (dict, list)):
            return True
        try:
            return self.source_matcher(s)(value)
        except Exception:  # noqa: BLE001 - undecidable here: keep the member
            return True

    def source_matcher(self, branch: Any):
        """Whether a value meets the working schema ``branch`` (judged by the core: see
        ``Nodes.is_valid``)."""
        node = self.nodes.node_of(branch)
        is_valid = self.nodes.is_valid

        def matches(value: Any) -> bool:
            return is_valid(value, node)
        return matches

    # -- nodes -------------------------------------------------------------------------
    def node(self, s: Any, loc: Location, depth: int) -> tuple[dict, C.Codec]:
        """Compile the working schema ``s`` (see ``_nodes``) found at ``loc``."""
        self.deepest = max(self.deepest, depth)
        loses_null, self._loses_null = self._loses_null, False
        w, c = self.node_body(s, loc, depth)
        if self.text_depth is not None and 0 < self.text_depth <= depth and (
                "$ref" in w or "anyOf" in w or w.get("type") in ("object", "array")):
            return self.as_json_text(
                w, loc, "subtree_as_json_text",
                f"profile {self.profile.name}'s engine writes the whole schema as one regular "
                f"expression, and it would exceed {self.profile.regex_budget:,} characters "
                f"with this value shaped {self.text_depth} levels down")
        if self.union_cap is not None and id(w) not in self._unions and (
                len(w.get("anyOf") or ()) > 1 or isinstance(w.get("type"), list)) and not (
                loses_null and _null_pair(w)):
            if self.unions_kept >= self.union_cap:
                return self.as_json_text(
                    w, loc, "union_as_json_text",
                    f"profile {self.profile.name} allows {self.profile.max_unions} unions "
                    "(anyOf or a type list)")
            self.unions_kept += 1
            self._unions.add(id(w))
            self._keep.append(w)
        return w, c

    def as_json_text(self, w: dict, loc: Location, code: str, why: str,
                     hint: str | None = None) -> tuple[dict, C.Codec]:
        """``w`` sent as a string of JSON text (a lossy widening: the grammar no longer
        shapes the value, the validator still checks it against the source)."""
        wire = {"type": "string", **{k: w[k] for k in _KEEP_ANNOTATIONS if k in w}}
        shape = {k: v for k, v in w.items() if k not in _KEEP_ANNOTATIONS}
        text = _dump(shape)
        hint = hint or ("JSON text of a value matching the JSON Schema " + text + "."
                        if self.policy == "describe" and "$ref" not in text and len(text) <= 400
                        else "JSON text of the value.")
        wire["description"] = f"{wire['description']} {hint}" if "description" in wire else hint
        self.diag(loc, code, "lossy",
                  f"sent as a string of JSON text: {why}; decoded back, the value is not "
                  "shaped by the grammar, still enforced on validation")
        return wire, C.JsonTextCodec()

    def node_body(self, s: Any, loc: Location, depth: int) -> tuple[dict, C.Codec]:
        if depth > MAX_SCHEMA_DEPTH:
            raise SchemaError(f"schema nested deeper than {MAX_SCHEMA_DEPTH} levels", loc)
        tags = None
        if isinstance(s, Sub):
            tags = self.branch_tags.get(s.i)
            s = s.view()
        if s is True:
            return self.any_value(loc, {})
        if s is False:
            self.error(loc, "unsatisfiable", "the false schema accepts no value here")
            return dict(_NULL), C.IDENTITY
        if not isinstance(s, dict):
            raise SchemaError("a schema must be a JSON object or boolean", loc)
        s = dict(s)
        if tags and isinstance(s.get("properties"), dict):
            missing = [t for t in sorted(tags) if t in s["properties"]
                       and t not in (s.get("required") or ())]
            if missing:  # the model needs the tag to pick this branch: it is always sent
                s["required"] = [*(s.get("required") or ()), *missing]
                self.info(loc, "discriminator_required",
                          f"discriminator {', '.join(map(repr, missing))} sent required: the "
                          "model needs it to pick this branch of a union")
        if "default" in s:
            self.info(loc + ("default",), "default_stripped",
                      "'default' removed from the wire schema (A20)")
        if "not" in s and _accepts_everything(s["not"]):
            self.error(loc + ("not",), "unsatisfiable",
                       "'not' of a schema that accepts every value: no value is valid here")
            return dict(_NULL), C.IDENTITY
        if "$ref" in s:
            return self.ref_node(s, loc, depth)
        if "allOf" in s:
            mark = len(self.expanding)
            try:
                s = self.merge_all_of(s, loc, depth)
                if "$ref" in s or "allOf" in s:
                    return self.node(s, loc, depth + 1)
                return self.rest(s, loc, depth)
            finally:
                del self.expanding[mark:]
        return self.rest(s, loc, depth)

    def rest(self, s: dict, loc: Location, depth: int) -> tuple[dict, C.Codec]:
        if "oneOf" in s:
            s = self.one_of(s, loc)
            if "allOf" in s:  # oneOf beside anyOf: both must hold
                return self.node(s, loc, depth + 1)
        if "anyOf" in s:
            return self.any_of(s, loc, depth)
        return self.typed(s, loc, depth)

    def annotations(self, s: dict, loc: Location) -> dict:
        out = {k: s[k] for k in _KEEP_ANNOTATIONS if isinstance(s.get(k), str)}
        dropped = sorted(k for k in s if k in _DROP_ANNOTATIONS)
        note = s.get("$comment")
        if self.pydantic and isinstance(note, str) and note.startswith("strictschema"):
            from .._schema._pydantic import LOSSY_PREFIX

            dropped.remove("$comment")  # written by _pydantic: what the model changes, and why
            lossy = note.startswith(LOSSY_PREFIX)
            text = note.split(": ", 1)[-1]
            self.diag(loc, "model_rule", "lossy" if lossy else "info",
                      text + ("; still checked by the model on parse" if lossy else ""))
        if dropped:
            self.info(loc, "annotation_dropped",
                      f"annotation{'s' if len(dropped) > 1 else ''} {', '.join(dropped)} "
                      "not sent (A21)")
        return out

    def annotate(self, wire: dict, annotations: dict, loc: Location,
                 own: str | None = None) -> dict:
        """Put title/description on ``wire`` without giving a ``$ref`` siblings (A24).

        ``own`` is the description ``wire`` was compiled from; the new description replaces
        it, and whatever the compiler added after it (wire hints such as "JSON text of the
        value.", constraints moved into the text) is kept."""
        if not annotations:
            return wire
        seen: set[str] = set()
        target = wire
        while "$ref" in target:  # follow alias definitions to a body that can carry them
            name = target["$ref"].removeprefix("#/$defs/")
            body = self.defs.get(name)
            if body is None or name in self.in_progress or name in seen:
                self.info(loc, "ref_wrapped",
                          "$ref with annotations wrapped in a one-branch anyOf (A24)")
                return {"anyOf": [target], **annotations}
            seen.add(name)
            target = body
            own = self.def_desc.get(name)
        if target is not wire:
            self.info(loc, "ref_inlined",
                      "$ref with annotations replaced by a copy of its target (A24)")
        return with_annotations(target, annotations, own)

    def optional_node(self, s: Any, loc: Location, depth: int) -> tuple[dict, C.Codec] | None:
        """Compile a schema that may drop out (an anyOf branch, an optional property):
        None when it accepts no value at all."""
        mark = len(self.diags)
        w, c = self.node(s, loc, depth)
        new = self.diags[mark:]
        if any(d.severity == "error" and d.code == "unsatisfiable" for d in new):
            self.diags[mark:] = [d for d in new if d.severity != "error"]
            return None
        return w, c

    def describe(self, wire: dict, notes: list[str]) -> dict:
        if notes and self.policy == "describe":
            text = "Constraints: " + "; ".join(notes) + "."
            desc = wire.get("description")
            wire["description"] = f"{desc} {text}" if desc else text
        return wire

    def any_value(self, loc: Location, s: dict) -> tuple[dict, C.Codec]:
        self.info(loc, "any_as_json_text",
                  "a schema that accepts any JSON value is sent as a string of JSON text; "
                  "decoded back to the value")
        wire = {"type": "string", **self.annotations(s, loc)}
        hint = "JSON text of the value."
        wire["description"] = f"{wire['description']} {hint}" if "description" in wire else hint
        return wire, C.JsonTextCodec()

    # -- $ref --------------------------------------------------------------------------
    def ref_node(self, s: dict, loc: Location, depth: int) -> tuple[dict, C.Codec]:
        ref: Sub = s["$ref"]
        annotations = self.annotations(s, loc)
        siblings = {k: v for k, v in s.items()
                    if k not in ("$ref", "$defs", "definitions", "default")
                    and k not in _KEEP_ANNOTATIONS and k not in _DROP_ANNOTATIONS}
        if ref.ignored:  # the model read the $ref alone (its draft says so); what is
            # beside it now came from elsewhere (an allOf merged into it) and still holds
            self.info(loc, "ref_siblings_ignored",
                      f"keywords beside $ref ({', '.join(sorted(ref.ignored))}) are "
                      f"ignored in {self.src.draft}")
        target = ref.i
        if siblings:
            name = self.def_by_target.get(target)
            if (name is None or name not in self.in_progress) and target not in self.expanding:
                self.info(loc, "ref_siblings_merged",
                          "keywords beside $ref merged into the referenced schema (A24)")
                merged = {"allOf": [ref, siblings], **annotations}
                self.expanding.append(target)
                try:
                    return self.node(merged, loc, depth + 1)
                finally:
                    self.expanding.pop()
            if not (schema_types(ref.view()) & schema_types(siblings)):
                self.error(loc, "unsatisfiable",
                           "keywords beside the recursive $ref allow none of its types")
                return dict(_NULL), C.IDENTITY
            notes: list[str] = []
            for k, v in siblings.items():
                self.lose(loc, k, v, notes,
                          f"'{k}' beside a recursive $ref cannot be merged into it")
            annotations = self.describe(annotations, notes)
        name = self.def_for(ref, loc, depth)
        if self.cut_recursion and name in self.in_progress:
            return self.as_json_text(
                {**annotations}, loc, "recursion_as_json_text",
                f"the $ref to {name!r} is recursive and profile {self.profile.name} takes "
                "no recursive schema", f"JSON text of a value of the enclosing schema {name}.")
        wire_ref = {"$ref": f"#/$defs/{name}"}
        if annotations and self.defs.get(name) is not None and name not in self.in_progress:
            return self.annotate(wire_ref, annotations, loc), self.def_codecs[name]
        return self.annotate(wire_ref, annotations, loc), C.RefCodec(self.def_codecs, name)

    def def_for(self, ref: Sub, loc: Location, depth: int) -> str:
        """The definition compiled from the target of ``ref`` (named from the reference as
        written; its diagnostics at the target's place in the document when local)."""
        key = ref.i
        if key in self.def_by_target:
            return self.def_by_target[key]
        text = ref.text or ""
        tloc = local_location(text)
        hint = (tloc[-1] if tloc else text.rsplit("/", 1)[-1]) or "Def"
        name = self.def_name(str(hint))
        self.def_by_target[key] = name
        self.def_desc[name] = _own_description(self.nodes.raw[key])
        self.in_progress.add(name)
        wire, codec = self.node(Sub(key, self.nodes), tloc if tloc is not None
                                else loc + ("$ref",), depth + 1)
        self.in_progress.discard(name)
        self.defs[name] = wire
        self.def_codecs[name] = codec
        return name

    # -- allOf / oneOf / anyOf ---------------------------------------------------------
    def deref(self, part: Any) -> Any:
        """A part as a working schema, its $ref followed (for merging) unless recursive."""
        part = look(part)
        seen = 0
        while isinstance(part, dict) and "$ref" in part and seen < 64:
            seen += 1
            ref: Sub = part["$ref"]
            if self.def_by_target.get(ref.i) in self.in_progress or ref.i in self.expanding:
                return part
            self.expanding.append(ref.i)
            rest = {k: v for k, v in part.items() if k != "$ref"}
            if ref.ignored is not None:  # read alone: only its annotations count
                rest = {k: v for k, v in rest.items() if k in _KEEP_ANNOTATIONS}
            target = ref.view()
            if target is True:
                target = {}
            if target is False:
                return False
            part = {**rest, "allOf": [target]} if rest else target
            if "allOf" in part and len(part) > 1 and part is not target:
                base = {k: v for k, v in part.items() if k != "allOf"}
                merged, _ = merge(base, self.deref(target) or {})
                part = merged
        return part

    @staticmethod
    def read(part: Any) -> Any:
        """A part with its references followed and merged with their siblings, for proofs
        only (nothing is compiled from it, so a recursive reference is read as well)."""
        for _ in range(64):
            if not (isinstance(part, dict) and "$ref" in part):
                break
            ref: Sub = part["$ref"]
            rest = {k: v for k, v in part.items() if k != "$ref"}
            if ref.ignored is not None:
                rest = {}
            target = ref.view()
            if target is False:
                return False
            target = {} if target is True else target
            part = merge(rest, target)[0] if rest else target
        return part

    def merge_all_of(self, s: dict, loc: Location, depth: int) -> dict:
        parts = s.pop("allOf")
        real = [look(p) for p in parts if p is not True and p != {}]
        rest = [k for k in s if k not in _KEEP_ANNOTATIONS and k not in _DROP_ANNOTATIONS
                and k not in ("default", "$defs", "definitions")]
        if len(real) == 1 and isinstance(real[0], dict) and set(real[0]) == {"$ref"} and not rest:
            self.info(loc + ("allOf",), "all_of_flattened",
                      "allOf of a single $ref replaced by the $ref (A14)")
            return {**s, "$ref": real[0]["$ref"]}
        merged = s
        lost_all: list[tuple[str, Any]] = []
        for i, part in enumerate(parts):
            part = self.deref(part)
            if part is True or part == {}:
                continue
            if part is False:
                self.error(loc + ("allOf", i), "unsatisfiable", "allOf contains the false schema")
                return {"type": "null"}
            if "$ref" in part:  # a recursive ref cannot be merged: keep it, lose the rest
                if len([k for k in merged if k not in _KEEP_ANNOTATIONS]) == 0:
                    merged = {**part, **{k: merged[k] for k in merged}}
                    continue
                lost_all.append(("allOf", part))
                continue
            if "allOf" in part:
                part = self.merge_all_of(dict(part), loc + ("allOf", i), depth)
            merged, lost = merge(merged, part)
            lost_all.extend(lost)
        self.info(loc + ("allOf",), "all_of_merged", "allOf parts merged into one schema (A14)")
        if lost_all:
            notes: list[str] = []
            for kw, value in lost_all:
                self.lose(loc + ("allOf",), kw, value, notes,
                          f"allOf part's '{kw}' cannot be merged exactly")
            if notes:
                d = merged.get("description")
                text = "Also: " + "; ".join(notes) + "."
                merged["description"] = f"{d} {text}" if isinstance(d, str) else text
        return merged

    def one_of(self, s: dict, loc: Location) -> dict:
        branches = s.pop("oneOf")
        resolved = [self.deref(b) for b in branches]
        # a reference deref keeps (recursive, or being inlined) is still read for the proof
        resolved = [self.read(r) if isinstance(r, dict) and "$ref" in r else r
                    for r in resolved]
        disjoint = all(provably_disjoint(resolved[i], resolved[j])
                       for i in range(len(resolved)) for j in range(i + 1, len(resolved)))
        tag = None if disjoint else self.pydantic_tag(s, branches)
        if tag is not None:
            self.info(loc + ("oneOf",), "one_of_to_any_of",
                      f"discriminated union: the model requires tag {tag!r}, sent required in "
                      "every branch with that branch's own values, which tell the branches "
                      "apart; sent as anyOf (A13)")
        elif disjoint:
            self.info(loc + ("oneOf",), "one_of_to_any_of",
                      "oneOf branches are provably disjoint; sent as anyOf (A13)")
        else:
            notes: list[str] = []
            self.lose(loc, "oneOf", "exactly one branch", notes,
                      "oneOf branches may overlap; sent as anyOf, exclusivity is not sent")
            if notes and self.policy == "describe":
                d = s.get("description")
                text = "Exactly one alternative must match."
                s["description"] = f"{d} {text}" if isinstance(d, str) else text
        if "anyOf" in s:
            return {"allOf": [{"anyOf": s.pop("anyOf")}, {"anyOf": branches}], **s}
        s["anyOf"] = branches
        return s

    def discriminator_tags(self) -> dict[int, set[str]]:
        """Every node that is a branch of a Pydantic discriminated union (through refs and
        nested unions), with the tag names it must send."""
        out: dict[int, set[str]] = {}
        nodes, raws = self.nodes.model.nodes, self.nodes.raw
        for node, raw in zip(nodes, raws, strict=True):
            disc = raw.get("discriminator") if isinstance(raw, dict) else None
            tag = disc.get("propertyName") if isinstance(disc, dict) else None
            branches = node.get("oneOf") or node.get("anyOf")
            if not isinstance(tag, str) or not branches:
                continue
            todo = list(branches)
            while todo:
                b = todo.pop()
                for _ in range(64):
                    if "ref" not in nodes[b]:
                        break
                    b = nodes[b]["ref"]
                n = nodes[b]
                inner = n.get("oneOf") or n.get("anyOf")
                if inner and "properties" not in n:
                    todo.extend(inner)  # a nested union over the same tag
                elif any(name == tag for name, _ in n.get("properties", ())):
                    out.setdefault(b, set()).add(tag)
        return out

    def pydantic_tag(self, s: dict, branches: list) -> str | None:
        """A Pydantic discriminated union whose tag has a default (``kind: Literal["a"] =
        "a"``): the JSON Schema leaves the tag optional, yet the model requires it to pick a
        branch, and every branch sends it required (``node``: ``branch_tags``) with its own
        values.
        The tag's name when those values are disjoint branch by branch, else None."""
        disc = s.get("discriminator")
        if not self.pydantic or not isinstance(disc, dict):
            return None
        tag = disc.get("propertyName")
        if not isinstance(tag, str):
            return None
        seen: list[list] = []

        def values(b: Any, depth: int) -> list | None:
            b = look(b)
            for _ in range(64):  # follow refs, recursive ones included: only read here
                if not (isinstance(b, dict) and "$ref" in b):
                    break
                b = b["$ref"].view()
            if not isinstance(b, dict) or depth > 8:
                return None
            inner = b.get("oneOf") or b.get("anyOf")
            if isinstance(inner, list):  # a nested union over the same tag
                out: list = []
                for x in inner:
                    v = values(x, depth + 1)
                    if v is None:
                        return None
                    out += v
                return out
            prop = look((b.get("properties") or {}).get(tag))
            if not isinstance(prop, dict) or prop.get("type") != "string":
                return None
            v = [prop["const"]] if "const" in prop else prop.get("enum")
            return list(v) if isinstance(v, list) and v else None

        for b in branches:
            v = values(b, 0)
            if v is None or any(x in prior for prior in seen for x in v):
                return None
            seen.append(v)
        return tag

    def any_of(self, s: dict, loc: Location, depth: int) -> tuple[dict, C.Codec]:
        annotations = self.annotations(s, loc)
        branches = s["anyOf"]
        siblings = {k: v for k, v in s.items()
                    if k not in ("anyOf", "$defs", "definitions", "default")
                    and k not in _KEEP_ANNOTATIONS and k not in _DROP_ANNOTATIONS}
        if siblings:
            self.info(loc, "any_of_siblings_distributed",
                      "keywords beside anyOf merged into each branch")
            branches = [{"allOf": [siblings, b]} for b in branches]
        if any(_accepts_everything(b) for b in branches):
            self.info(loc + ("anyOf",), "any_of_accepts_anything",
                      "an anyOf branch accepts any value, so the anyOf does")
            return self.any_value(loc, {**annotations})
        wires: list[dict] = []
        owners: list[str | None] = []  # the source description each wire was compiled from
        parts: list[tuple[Any, Any, C.Codec]] = []
        for i, b in enumerate(branches):
            bloc = loc + ("anyOf", i)
            compiled = self.optional_node(b, bloc, depth + 1)
            if compiled is None:  # an unsatisfiable branch just drops out of the union
                self.info(bloc, "branch_dropped", "anyOf branch accepts no value; not sent")
                continue
            w, c = compiled
            if set(w) == {"anyOf"} and isinstance(c, (C.AnyOfCodec, C._Identity)):
                inner = c.branches if isinstance(c, C.AnyOfCodec) else [
                    (self.wire_matcher(sw), self.source_matcher(b), C.IDENTITY)
                    for sw in w["anyOf"]]
                pairs = list(zip(w["anyOf"], inner, strict=True))
            else:
                pairs = [(w, (self.wire_matcher(w), self.source_matcher(b), c))]
            for sw, part in pairs:
                if not any(json_equal(sw, seen) for seen in wires):
                    wires.append(sw)
                    owners.append(_own_description(b) if len(pairs) == 1 else None)
                    parts.append(part)
        if not wires:
            self.error(loc, "unsatisfiable", "no anyOf branch accepts any value")
            return dict(_NULL), C.IDENTITY
        if len(wires) == 1:
            return self.annotate(wires[0], annotations, loc, owners[0]), parts[0][2]
        self.disambiguate(wires, parts, loc)
        wire = {"anyOf": wires, **annotations}
        codec: C.Codec = C.AnyOfCodec(list(parts))
        return wire, codec

    def codec_kind(self, c: C.Codec, seen: frozenset[str] = frozenset()) -> str:
        """``map``/``json``/``tuple`` for a codec whose wire value has another JSON type than
        the value it carries; ``other`` otherwise."""
        if isinstance(c, C.RefCodec):
            inner = self.def_codecs.get(c.name)
            if inner is None or c.name in seen:
                return "other"
            return self.codec_kind(inner, seen | {c.name})
        if isinstance(c, C.MapCodec):
            return "map"
        if isinstance(c, C.JsonTextCodec):
            return "json"
        if isinstance(c, C.TupleCodec):
            return "tuple"
        return "other"

    def wire_types(self, w: Any, seen: frozenset[str] = frozenset()) -> set[str] | None:
        """JSON types a wire schema accepts; None when unknown (a definition in progress)."""
        if not isinstance(w, dict):
            return None
        ref = w.get("$ref")
        if isinstance(ref, str):
            name = ref.removeprefix("#/$defs/")
            body = self.defs.get(name)
            if body is None or name in seen:
                return None
            return self.wire_types(body, seen | {name})
        if "anyOf" in w:
            out: set[str] = set()
            for b in w["anyOf"]:
                t = self.wire_types(b, seen)
                if t is None:
                    return None
                out |= t
            return out
        t = w.get("type")
        if isinstance(t, str):
            return {t} | ({"integer"} if t == "number" else set())
        if isinstance(t, list):
            return set(t) | ({"integer"} if "number" in t else set())
        return None

    def deref_wire(self, w: Any) -> Any:
        seen: set[str] = set()
        while isinstance(w, dict) and isinstance(w.get("$ref"), str):
            name = w["$ref"].removeprefix("#/$defs/")
            if name in seen or self.defs.get(name) is None:
                return None
            seen.add(name)
            w = self.defs[name]
        return w

    def provably_apart(self, a: Any, b: Any) -> bool:
        """Two wire branches no value satisfies both of: closed objects with other key sets,
        or strings with disjoint enum/const values."""
        a, b = self.deref_wire(a), self.deref_wire(b)
        if not isinstance(a, dict) or not isinstance(b, dict) or "anyOf" in a or "anyOf" in b:
            return False
        if a.get("type") == "object" == b.get("type") and \
                a.get("additionalProperties") is False is b.get("additionalProperties"):
            return not set(a.get("required") or ()) <= set(b.get("properties") or ()) or \
                not set(b.get("required") or ()) <= set(a.get("properties") or ())

        def values(w: dict) -> list | None:
            if w.get("type") != "string":
                return None
            return [w["const"]] if "const" in w else w.get("enum")

        va, vb = values(a), values(b)
        if va is None or vb is None:
            return False
        return not any(x == y for x in va for y in vb)

    def disambiguate(self, wires: list[dict], parts: list[tuple[Any, Any, C.Codec]],
                     loc: Location) -> None:
        """B5: a branch whose wire value has another JSON type than its data (a map sent as an
        array of entries, a value sent as JSON text, a tuple sent as an object) must not share
        wire values with a branch of another kind (``{}`` as entries is ``[]``, which an array
        branch also accepts), or decoding picks the wrong one. Such a branch is wrapped in a
        one-key object, which no other branch accepts (their objects are closed)."""
        kinds = [self.codec_kind(c) for _, _, c in parts]
        types = [self.wire_types(w) for w in wires]
        taken = {k for w in wires for k in (w.get("properties") or {})}
        for i, kind in enumerate(kinds):
            if kind == "other":
                continue
            clash = any(
                j != i and kinds[j] != kind and (
                    types[i] is None or types[j] is None
                    or cast(set, types[i]) & cast(set, types[j]))
                and not self.provably_apart(wires[i], wires[j])
                for j in range(len(wires)))
            if not clash:
                continue
            if not self.wrap_ambiguous:
                self.diag(loc + ("anyOf",), "any_of_ambiguous", "lossy",
                          "an anyOf branch's wire values can be mistaken for another branch's "
                          "(e.g. {} sent as [] map entries); wrapping it would exceed the "
                          "profile's limits, so decoding may pick the wrong branch")
                continue
            self.wrapped += 1
            key, n = _WRAP_KEYS[kind], 2
            while key in taken:
                key, n = f"{_WRAP_KEYS[kind]}_{n}", n + 1
            taken.add(key)
            wrapped = {"type": "object", "properties": {key: wires[i]}, "required": [key],
                       "additionalProperties": False}
            wires[i] = wrapped
            types[i] = {"object"}
            _, source_matches, codec = parts[i]
            parts[i] = (self.wire_matcher(wrapped), source_matches, C.WrapCodec(key, codec))
            self.info(loc + ("anyOf",), "any_of_branch_wrapped",
                      f"an anyOf branch sent as {{{key!r}: ...}} so that its wire values "
                      "cannot be mistaken for another branch's")

    # -- typed nodes -------------------------------------------------------------------
    def types_of(self, s: dict, loc: Location) -> list[str] | None:
        t = s.get("type")
        order = ["object", "array", "string", "number", "integer", "boolean", "null"]
        if t is not None:
            ts = [t] if isinstance(t, str) else list(dict.fromkeys(t))
        else:
            ts = None
        values = None
        if "const" in s:
            values = [s["const"]]
        elif "enum" in s:
            values = s["enum"]
        if values is not None:
            vt = []
            for v in values:
                jt = json_type(v)
                vt.append(jt)
            vts = set(vt)
            if ts is None:
                ts = [x for x in order if x in vts or (x == "number" and "number" in vts)]
                if "number" in ts and "integer" in ts:
                    ts.remove("integer")
            else:
                allowed = set(ts) | ({"integer"} if "number" in ts else set())
                keep = [x for x in ts if x in vts or (x == "number" and "integer" in vts)]
                if len(keep) != len(ts) or not vts <= allowed:
                    ts = keep
            return ts
        if ts is not None:
            return ts
        families = [("object", OBJECT_KW), ("array", ARRAY_KW), ("string", STRING_KW),
                    ("number", NUMBER_KW)]
        inferred = [t for t, fam in families if any(k in s for k in fam)]
        if inferred:
            self.info(loc, "type_inferred",
                      f"no 'type'; sent as {' or '.join(inferred)} from its keywords (A27)")
            return inferred
        return None

    def typed(self, s: dict, loc: Location, depth: int) -> tuple[dict, C.Codec]:
        values = [s["const"]] if "const" in s else s.get("enum")
        if values and any(isinstance(v, (dict, list)) for v in values):
            kept = [v for v in values if self.member_ok(s, v, typed=True)]
            if len(kept) != len(values):
                self.info(loc, "enum_values_dropped",
                          f"{len(values) - len(kept)} enum/const value(s) can never meet this "
                          "schema's other keywords; not sent")
                s = {**{k: v for k, v in s.items() if k != "const"}, "enum": kept}
                values = kept
            if any(isinstance(v, (dict, list)) for v in values):
                return self.json_text_enum(s, values, loc)
        types = self.types_of(s, loc)
        if types is None:
            return self.untyped(s, loc)
        if not types:
            self.error(loc, "unsatisfiable", "no value matches both 'type' and 'enum'/'const'")
            return dict(_NULL), C.IDENTITY
        non_null = [t for t in types if t != "null"]
        if "number" in non_null and "integer" in non_null:
            non_null.remove("integer")
        nullable = "null" in types
        if len(non_null) > 1:
            self.info(loc + ("type",), "type_list_split",
                      f"type list {types} sent as anyOf (A26)")
            branches = [self.restrict(s, t) for t in non_null]
            if nullable:
                branches.append(self.restrict(s, "null"))
            keep = {k: s[k] for k in (*_KEEP_ANNOTATIONS, *_DROP_ANNOTATIONS) if k in s}
            return self.any_of({"anyOf": branches, **keep}, loc, depth)
        if not non_null:
            wire = {"type": "null", **self.annotations(s, loc)}
            return wire, C.IDENTITY
        t = non_null[0]
        if "enum" in s or "const" in s:
            s = self.restrict(s, t, keep_null=nullable)
            values = [s["const"]] if "const" in s else s.get("enum", [])
            kept = [v for v in values if v is None or self.member_ok(s, v)]
            if len(kept) != len(values):
                self.info(loc, "enum_values_dropped",
                          f"{len(values) - len(kept)} enum/const value(s) can never meet this "
                          "schema's other keywords; not sent")
                s.pop("const", None)
                s["enum"] = kept
        wire, codec = self.compile_type(s, t, loc, depth)
        if nullable:
            wire, _ = make_nullable(wire)
        return wire, codec

    def untyped(self, s: dict, loc: Location) -> tuple[dict, C.Codec]:
        """A schema with no type to send: JSON text. Its constraints (``not``,
        ``if``/``then``/``else``, ``$dynamicRef``, ...) cannot be sent on a string of JSON
        text: each is lossy (the validator still checks it on the decoded value)."""
        wire, codec = self.any_value(loc, s)
        notes: list[str] = []
        effective = set(s) & _GENERIC_LOSSY
        if "if" in effective and not ({"then", "else"} & effective):
            effective.discard("if")  # an if alone constrains nothing
        if "if" not in s:
            effective -= {"then", "else"}  # ignored without if
        for kw in sorted(effective, key=list(s).index):
            self.lose(loc, kw, s[kw], notes,
                      f"'{kw}' cannot be sent on a value sent as JSON text")
        return self.describe(wire, notes), codec

    @staticmethod
    def restrict(s: dict, t: str, keep_null: bool = False) -> dict:
        out = {k: v for k, v in s.items()
               if k not in _KEEP_ANNOTATIONS and (k in ("enum", "const") or applicable(k, t))}
        out["type"] = t
        ok = {t} | ({"integer"} if t == "number" else set()) | ({"null"} if keep_null else set())
        if "enum" in out:
            out["enum"] = [v for v in out["enum"] if json_type(v) in ok]
        if "const" in out and json_type(out["const"]) not in ok:
            out["enum"] = []
            del out["const"]
        return out

    def leftovers(self, s: dict, t: str, handled: frozenset[str] | set[str], loc: Location,
                  notes: list[str]) -> None:
        for kw, v in s.items():
            if kw in handled or kw in _STRUCTURAL or kw in _DROP_ANNOTATIONS:
                continue
            if kw in _KNOWN:
                if applicable(kw, t) or kw in _GENERIC_LOSSY:
                    self.lose(loc, kw, v, notes)
                else:
                    self.info(loc + (kw,), "inapplicable_keyword",
                              f"'{kw}' does not apply to {t} values; not sent")
            else:
                self.info(loc + (kw,), "unknown_keyword_dropped",
                          f"unknown keyword '{kw}' (an annotation in JSON Schema) not sent")

    def compile_type(self, s: dict, t: str, loc: Location,
                     depth: int) -> tuple[dict, C.Codec]:
        if "enum" in s and not s["enum"]:
            self.error(loc, "unsatisfiable",
                       f"no enum/const value is a {t} meeting this schema's keywords")
            return dict(_NULL), C.IDENTITY
        if t == "object":
            return self.object_node(s, loc, depth)
        if t == "array":
            return self.array_node(s, loc, depth)
        why = _contradiction(s, t)
        if why is not None:
            self.error(loc, "unsatisfiable", f"no {t} meets this schema: {why}")
            return dict(_NULL), C.IDENTITY
        notes: list[str] = []
        wire = {"type": t, **self.annotations(s, loc)}
        if "const" in s and "const" in self.profile.keywords:
            wire["const"] = s["const"]
        elif "const" in s:
            wire["enum"] = [s["const"]]
        elif "enum" in s:
            wire["enum"] = list(s["enum"])
        handled = set(_WIRE_BY_TYPE.get(t, ()))
        one_of_pair: set[str] = set()  # see Profile.string_precedence
        groups = {"pattern": {"pattern"}, "length": {"minLength", "maxLength"},
                  "format": {"format"}}
        present = [g for g in self.profile.string_precedence if groups[g] & set(s)]
        kept_group = present[0] if present else ""
        for g in present[1:]:
            one_of_pair |= groups[g]
        for kw in _WIRE_BY_TYPE.get(t, ()):
            if kw not in s:
                continue
            v = s[kw]
            if kw == "pattern":
                self.check_pattern(v, loc + (kw,))
            if kw in one_of_pair:
                self.lose(loc, kw, v, notes, f"profile {self.profile.name} honours only the "
                          f"{kept_group} of a string that has one; '{kw}' is not sent")
                continue
            refused = pattern_features(v) & self.profile.pattern_features if \
                kw == "pattern" else frozenset()
            if kw == "pattern" and self.profile.pattern_spelled and isinstance(v, str):
                spelled = spell_ecma(v, self.profile.pattern_spelled)
                if spelled != v:
                    names = {"space": "\\s/\\S", "dot": "'.'"}
                    said = " and ".join(names[w] for w in sorted(self.profile.pattern_spelled)
                                        if spell_ecma(v, frozenset({w})) != v)
                    v = spelled
                    self.info(loc + (kw,), "pattern_classes_spelled",
                              f"{said} written as the ECMA-262 classes they stand for, for "
                              f"profile {self.profile.name} (its engine reads them as other "
                              "sets)")
                    refused = pattern_features(v) & self.profile.pattern_features
            if "gbnf_escape" in refused and spell_classes(v) is not None:
                v = cast(str, spell_classes(v))
                self.info(loc + (kw,), "pattern_classes_spelled",
                          f"\\d and \\w written as their ASCII classes for profile "
                          f"{self.profile.name}")
                refused = pattern_features(v) & self.profile.pattern_features
            if refused == {"unanchored"} and kw in self.profile.keywords:
                # the same search, written anchored (narrowed to what can sit in a JSON
                # string unescaped where the engine pastes patterns into its string regex)
                v = anchored(v, "quote_class" in self.profile.pattern_features,
                             "noncapturing_group" in self.profile.pattern_features)
                self.info(loc + (kw,), "pattern_anchored",
                          f"pattern written anchored for profile {self.profile.name}")
                refused = frozenset()
            if kw not in self.profile.keywords:
                self.lose(loc, kw, v, notes)
            elif refused:
                self.lose(loc, kw, v, notes, f"profile {self.profile.name} does not accept "
                          f"patterns using {', '.join(sorted(refused))}")
            elif kw == "format" and v in self.profile.loose_formats:
                wire[kw] = v
                self.diag(loc + (kw,), "loose_format", "lossy",
                          f"format {v!r} is checked only in shape by profile "
                          f"{self.profile.name}'s engine; still enforced on validation")
            elif kw == "format" and v not in self.profile.formats:
                self.lose(loc, kw, v, notes,
                          f"format {v!r} is not accepted by profile {self.profile.name}")
            elif kw == "maxLength" and self.profile.max_bound is not None and \
                    v > self.profile.max_bound:
                self.lose(loc, kw, v, notes, f"profile {self.profile.name} accepts maxLength "
                          f"up to {self.profile.max_bound}")
            else:
                wire[kw] = v
        self.leftovers(s, t, handled, loc, notes)
        return self.describe(wire, notes), C.IDENTITY

    def json_text_enum(self, s: dict, values: list, loc: Location) -> tuple[dict, C.Codec]:
        """enum/const with object or array members: one string enum of their JSON texts."""
        declared = s.get("type")
        ok = None if declared is None else (
            {declared} if isinstance(declared, str) else set(declared))
        if ok is not None:
            ok |= {"integer"} if "number" in ok else set()
            values = [v for v in values if json_type(v) in ok]
        if not values:
            self.error(loc, "unsatisfiable", "no value matches both 'type' and 'enum'/'const'")
            return dict(_NULL), C.IDENTITY
        notes: list[str] = []
        wire: dict = {"type": "string", **self.annotations(s, loc),
                      "enum": list(dict.fromkeys(_dump(v) for v in values))}
        self.info(loc + ("enum" if "enum" in s else "const",), "enum_as_json_text",
                  "enum/const with object or array values sent as strings of JSON text; "
                  "decoded back")
        t = "object" if any(isinstance(v, dict) for v in values) else "array"
        self.leftovers(s, t, {"enum", "const", "type"} | OBJECT_KW | ARRAY_KW | STRING_KW |
                       NUMBER_KW, loc, notes)
        return self.describe(wire, notes), C.JsonTextCodec()

    def check_pattern(self, pattern: Any, loc: Location) -> None:
        from .._errors import SchemaError
        from .._validate._regex import compile_pattern

        try:
            compile_pattern(pattern)
        except SchemaError as exc:  # UnsafePatternError keeps its type, now with a location
            raise type(exc)(exc.message, loc) from None

    def object_node(self, s: dict, loc: Location, depth: int) -> tuple[dict, C.Codec]:
        notes: list[str] = []
        props: dict[str, Any] = dict(s.get("properties") or {})
        required = list(s.get("required") or [])
        addl = s.get("additionalProperties", True)
        unevaluated = s.get("unevaluatedProperties", True)
        patterns = s.get("patternProperties") or {}
        handled = {"properties", "required", "additionalProperties", "unevaluatedProperties"}
        forbidden = False
        for i, name in enumerate(required):
            if name not in props:
                sub = next((ps for p, ps in patterns.items() if self.key_matches(p, name)), None)
                if sub is None and addl is False:  # B2: required, yet never allowed
                    self.error(loc + ("required", i), "unsatisfiable",
                               f"required key {name!r} is not in 'properties' and "
                               "additionalProperties is false: no object is valid here")
                    forbidden = True
                    continue
                props[name] = sub if sub is not None else (
                    addl if isinstance(addl, (dict, Sub)) else True)
                self.info(loc + ("required",), "required_without_property",
                          f"required key {name!r} has no entry in 'properties'; added (A5.2)")
        if forbidden:
            return dict(_NULL), C.IDENTITY
        if not props and ((addl is not False and unevaluated is not False) or patterns):
            return self.map_node(s, loc, depth)
        wire_props: dict[str, Any] = {}
        specs: list[C.PropertySpec] = []
        wire_required: set[str] = set()
        # Profile.regex_budget: outlines-core's regex for an object with no required property
        # repeats each property once per later one; one property sent required keeps it linear
        pinned = next(iter(props), None) if self.pin_optional and len(props) > 2 and not (
            set(props) & set(required)) else None
        renamed: dict[str, str] = {}  # wire name -> property name (Profile.reserved_keys)
        for name, sub in props.items():
            ploc = loc + ("properties", name)
            if sub is False:
                if name in required:
                    self.error(ploc, "unsatisfiable", f"required property {name!r} is false")
                else:
                    self.info(ploc, "property_never_allowed",
                              f"property {name!r} can never be present; not sent")
                continue
            if name in required:
                w, c = self.node(sub, ploc, depth + 1)
            else:
                # Profile.max_unions: an optional property kept optional loses its null, so
                # a union that is only that null is not counted
                self._loses_null = self.strip_optional_null and name != pinned and \
                    not self.profile.all_required and self.optional_kept < self.optional_cap
                compiled = self.optional_node(sub, ploc, depth + 1)
                if compiled is None:
                    self.info(ploc, "property_never_allowed",
                              f"optional property {name!r} accepts no value; not sent")
                    continue
                w, c = compiled
            spec = C.PropertySpec(name, c)
            if name in self.profile.reserved_keys:  # sent under a name the engine reads
                wire_name, i = name.lstrip("$") or "key", 2
                while wire_name in props or wire_name in renamed:
                    wire_name, i = f"{name.lstrip('$') or 'key'}_{i}", i + 1
                spec.wire_name = wire_name
                renamed[wire_name] = name
                self.info(ploc, "property_renamed",
                          f"property {name!r} sent as {wire_name!r}: profile "
                          f"{self.profile.name}'s engine reads a property {name!r} as a "
                          "keyword; decoded back")
            if name == pinned:
                wire_required.add(name)
                self.info(ploc, "optional_made_required",
                          f"optional property {name!r} sent as required: none of the object's "
                          f"properties is required, and profile {self.profile.name}'s regex "
                          "for such an object grows with the square of their number; encode "
                          "needs a value for it")
            elif name not in required and not self.profile.all_required and \
                    self.optional_kept < self.optional_cap:
                self.optional_kept += 1
                spec.mode = "maybe"  # the wire keeps it optional: absent stays absent
                if self.strip_optional_null:
                    w = self.without_null(w, name, ploc)
            elif name not in required and not self.profile.all_required:
                wire_required.add(name)  # over the profile's cap: always sent
                self.info(ploc, "optional_made_required",
                          f"optional property {name!r} sent as required: profile "
                          f"{self.profile.name} allows {self.profile.max_optional} optional "
                          "properties; encode needs a value for it")
            elif name not in required and self.pydantic and self.default_mode(spec, sub, w, ploc):
                pass  # required with its own type: the model fills in an absent value
            elif name not in required:
                before = w
                w, was_nullable = make_nullable(w, self.defs)
                if was_nullable is None:  # a recursive definition decides: see run()
                    spec.mode = "optional"
                    self.pending_nullable.append((spec, before, ploc))
                else:
                    self.optional_mode(spec, bool(was_nullable), ploc)
            wire_props[spec.wire_name] = w
            specs.append(spec)
        extra = None
        if self.profile.maps and self.profile.open_with_properties and not renamed and all(
                p.codec.identity and p.mode in ("required", "maybe") for p in specs):
            extra = self.open_extra(s, loc, depth)  # decoded as is: no codec drops keys
        if extra is not None:
            pass
        elif addl is not False and unevaluated is not False:
            self.info(loc, "object_closed",
                      "additionalProperties: false added; extra keys cannot be produced (A4)")
        for kw in ("patternProperties", "propertyNames", "minProperties", "maxProperties",
                   "dependentRequired", "dependentSchemas"):
            if kw in s:
                self.lose(loc, kw, s[kw], notes)
                handled.add(kw)
        if not wire_props:
            self.info(loc, "empty_object", "object with no properties (A6)")
        wire = {"type": "object", **self.annotations(s, loc), "properties": wire_props,
                "required": [n for n in wire_props if renamed.get(n, n) in required
                             or renamed.get(n, n) in wire_required or self.profile.all_required],
                "additionalProperties": False if extra is None else extra}
        self.leftovers(s, "object", handled, loc, notes)
        codec = C.IDENTITY if extra is not None else C.ObjectCodec(specs)
        return self.describe(wire, notes), codec

    def default_mode(self, spec: C.PropertySpec, sub: Any, wire: dict, ploc: Location) -> bool:
        """A Pydantic field with a default: sent required with its own type (the model never
        takes a null it refuses), the default filled in on encode. False when the default
        is not a value of the field's own schema (``x: int = None``): the property is then
        sent nullable, null decoding to absent, so the model still gets its default."""
        from .._schema._pydantic import OPTIONAL_KEY

        shown = look(sub)
        if isinstance(shown, dict) and shown.get("$comment") == OPTIONAL_KEY:
            return False  # a TypedDict key that may be absent: absent is not a default
        default = shown.get("default", C.MISSING) if isinstance(shown, dict) else C.MISSING
        if default is not C.MISSING:
            try:
                ok = self.source_matcher(sub)(default)
            except Exception:  # noqa: BLE001 - undecidable here: keep the nullable form
                ok = False
            if not ok:
                return False
        spec.mode = "default"
        spec.default = default
        nullable = _is_nullable(wire, self.defs)
        what = ("a default" if default is not C.MISSING else "a default factory")
        self.info(ploc, "default_required",
                  f"property {spec.name!r} has {what}; sent required with its own type"
                  f"{'' if nullable else ' (not nullable: the model never takes null)'}, "
                  "the default filled in on encode; a parsed instance counts it as set "
                  "(model_fields_set), since the output always carries a value")
        return True

    def optional_mode(self, spec: C.PropertySpec, was_nullable: bool, ploc: Location) -> None:
        spec.mode = "nullable" if was_nullable else "optional"
        if was_nullable:
            self.info(ploc, "optional_nullable_merged",
                      f"optional property {spec.name!r} made required; it was already "
                      "nullable, so an absent value is sent as null (A5.1)")
        else:
            self.info(ploc, "optional_to_nullable",
                      f"optional property {spec.name!r} made required and nullable; "
                      "null decodes to absent (A5.1)")

    def without_null(self, w: dict, name: str, ploc: Location) -> dict:
        """An optional property's wire schema without its null (Profile.max_unions): absent
        then stands for no value. A narrowing: every output is still valid."""
        t = w.get("type")
        if isinstance(t, list) and "null" in t and len(t) == 2:
            out = {**w, "type": next(x for x in t if x != "null")}
            if "enum" in out:
                out["enum"] = [v for v in out["enum"] if v is not None]
        elif isinstance(w.get("anyOf"), list) and {"type": "null"} in w["anyOf"] and \
                len(w["anyOf"]) == 2:
            (rest,) = [b for b in w["anyOf"] if b != {"type": "null"}]
            annotations = {k: w[k] for k in _KEEP_ANNOTATIONS if k in w}
            out = rest if not annotations else self.annotate(rest, annotations, ploc)
        else:
            return w
        self.info(ploc, "optional_null_dropped",
                  f"optional property {name!r} sent without its null: profile "
                  f"{self.profile.name} allows {self.profile.max_unions} unions, and an absent "
                  "value says the same")
        return out

    def resolve_pending_nullable(self) -> None:
        """Every definition is compiled now: settle the optional properties whose nullability
        depended on a recursive one (the wire keeps its redundant null branch)."""
        for spec, wire, ploc in self.pending_nullable:
            self.optional_mode(spec, bool(_is_nullable(wire, self.defs)), ploc)
        self.pending_nullable.clear()

    @staticmethod
    def key_matches(pattern: str, key: str) -> bool:
        from .._validate._regex import compile_pattern

        try:
            return compile_pattern(pattern).search(key)
        except ValueError:
            return False

    def open_extra(self, s: dict, loc: Location, depth: int) -> Any:
        """For a profile that carries ``additionalProperties`` schemas: the wire value of
        ``s``'s additionalProperties when it can be sent as is (its values need no codec,
        no patternProperties/unevaluatedProperties), else None (closed or entries)."""
        addl = s.get("additionalProperties", True)
        if addl is False or s.get("patternProperties") or "unevaluatedProperties" in s \
                or "propertyNames" in s:
            return None
        if addl is True or addl == {}:
            self.info(loc, "object_open", "additional keys of any value allowed, as in the source")
            return True
        mark = len(self.diags)
        compiled = self.optional_node(addl, loc + ("additionalProperties",), depth + 1)
        if compiled is None or not compiled[1].identity:
            del self.diags[mark:]
            return None
        return compiled[0]

    def map_node(self, s: dict, loc: Location, depth: int) -> tuple[dict, C.Codec]:
        if self.profile.maps and not s.get("properties") and not s.get("required"):
            extra = self.open_extra(s, loc, depth)
            if extra is not None:
                wire = {"type": "object", **self.annotations(s, loc),
                        "additionalProperties": extra}
                notes: list[str] = []
                for kw in ("minProperties", "maxProperties"):
                    if kw in s:
                        self.lose(loc, kw, s[kw], notes)
                self.leftovers(s, "object", {"additionalProperties", "properties", "required",
                                             "minProperties", "maxProperties"}, loc, notes)
                return self.describe(wire, notes), C.IDENTITY
        notes = []
        addl = s.get("additionalProperties", True)
        patterns = s.get("patternProperties") or {}
        key_schema: dict = {"type": "string"}
        handled = {"additionalProperties", "patternProperties", "properties", "required",
                   "propertyNames", "minProperties", "maxProperties", "unevaluatedProperties"}
        value_schema: Any = addl if addl is not None else True
        value_loc = loc + ("additionalProperties",)
        if len(patterns) == 1:
            (pattern, value_schema), = patterns.items()
            value_loc = loc + ("patternProperties", pattern)
            key_schema["pattern"] = pattern
            if addl is not False:
                self.info(loc, "map_keys_narrowed",
                          "only keys matching the patternProperties pattern can be produced")
        elif len(patterns) > 1:
            self.lose(loc, "patternProperties", patterns, notes,
                      "several patternProperties cannot be sent")
            if addl is False:
                value_schema = True
        if isinstance(s.get("propertyNames"), (dict, Sub)):
            key_schema = {"allOf": [key_schema, s["propertyNames"]]}
        elif s.get("propertyNames") is False:
            # no key allowed: the empty object
            self.info(loc, "empty_object", "propertyNames: false allows only the empty object")
            return {"type": "object", **self.annotations(s, loc), "properties": {},
                    "required": [], "additionalProperties": False}, C.IDENTITY
        value = self.optional_node(value_schema, value_loc, depth + 1)
        if value is None:  # no value is valid, so no key can be present
            if s.get("minProperties", 0) > 0:
                self.error(loc, "unsatisfiable",
                           "the map's values accept no value, yet minProperties > 0")
                return dict(_NULL), C.IDENTITY
            self.info(loc, "empty_object",
                      "the map's values accept no value; only the empty object is valid")
            return {"type": "object", **self.annotations(s, loc), "properties": {},
                    "required": [], "additionalProperties": False}, C.IDENTITY
        vw, vc = value
        key_wire, _ = self.node(key_schema, loc + ("propertyNames",), depth + 1)
        # keys are strings on both sides (the key schema is an allOf with type string), so
        # the key codec is the identity whatever refs it went through.
        entry = {"type": "object", "properties": {"key": key_wire, "value": vw},
                 "required": ["key", "value"], "additionalProperties": False}
        wire = {"type": "array", **self.annotations(s, loc)}
        hint = "A map as a list of {key, value} entries; each key at most once."
        wire["description"] = f"{wire['description']} {hint}" if "description" in wire else hint
        wire["items"] = entry
        for src_kw, wire_kw in (("minProperties", "minItems"), ("maxProperties", "maxItems")):
            if src_kw in s:
                cap = self.profile.min_items_cap if wire_kw == "minItems" else \
                    self.profile.max_bound
                if wire_kw in self.profile.keywords and (cap is None or s[src_kw] <= cap):
                    wire[wire_kw] = s[src_kw]
                else:
                    self.lose(loc, src_kw, s[src_kw], notes, "" if wire_kw not in
                              self.profile.keywords else f"profile {self.profile.name} "
                              f"accepts {wire_kw} (from {src_kw}) up to {cap}")
        self.info(loc, "map_as_entries",
                  "free-form object (additionalProperties) sent as an array of {key, value} "
                  "entries; decoded back to an object (A4.1)")
        self.leftovers(s, "object", handled, loc, notes)
        if self.pydantic:
            self.info(loc, "map_last_key_wins",
                      "map entries that repeat a key decode to its last value, as the model "
                      "reads a JSON object that repeats a key")
        return self.describe(wire, notes), C.MapCodec(vc, last_wins=self.pydantic)

    def array_node(self, s: dict, loc: Location, depth: int) -> tuple[dict, C.Codec]:
        notes: list[str] = []
        handled = {"items", "prefixItems", "minItems", "maxItems"}
        if "prefixItems" in s:
            return self.tuple_node(s, loc, depth)
        items = s.get("items", True)
        if items is True or items == {}:
            self.info(loc + ("items",), "array_items_any", "array items of any type")
        if items is False:
            self.info(loc + ("items",), "array_always_empty", "items: false; only [] is valid")
            wire = {"type": "array", **self.annotations(s, loc), "items": {"type": "null"},
                    "maxItems": 0}
            return wire, C.IDENTITY
        compiled = self.optional_node(items, loc + ("items",), depth + 1)
        if compiled is None:  # like items: false
            if s.get("minItems", 0) > 0:
                self.error(loc + ("items",), "unsatisfiable",
                           "items accept no value, yet minItems > 0")
                return dict(_NULL), C.IDENTITY
            self.info(loc + ("items",), "array_always_empty",
                      "items accept no value; only [] is valid")
            return {"type": "array", **self.annotations(s, loc), "items": {"type": "null"},
                    "maxItems": 0}, C.IDENTITY
        iw, ic = compiled
        wire = {"type": "array", **self.annotations(s, loc), "items": iw}
        for kw in ("minItems", "maxItems"):
            if kw in s:
                cap = self.profile.min_items_cap if kw == "minItems" else \
                    self.profile.max_bound
                if kw in self.profile.keywords and (cap is None or s[kw] <= cap):
                    wire[kw] = s[kw]
                else:
                    self.lose(loc, kw, s[kw], notes, "" if kw not in self.profile.keywords
                              else f"profile {self.profile.name} accepts {kw} up to {cap}")
        self.leftovers(s, "array", handled, loc, notes)
        return self.describe(wire, notes), C.ArrayCodec(ic) if ic is not C.IDENTITY else ic

    def tuple_node(self, s: dict, loc: Location, depth: int) -> tuple[dict, C.Codec]:
        notes: list[str] = []
        prefix = s["prefixItems"]
        n = len(prefix)
        extra = s.get("items", True)
        if extra is not False:
            self.info(loc + ("items",), "tuple_closed",
                      f"only the {n} tuple positions can be produced, no further items")
        if s.get("minItems", 0) < n:
            self.info(loc + ("prefixItems",), "tuple_all_positions",
                      "every tuple position is sent as required; shorter arrays cannot be "
                      "produced")
        handled = {"items", "prefixItems", "minItems", "maxItems"}
        homogeneous = all(json_equal(p, prefix[0]) for p in prefix)
        if homogeneous and {"minItems", "maxItems"} <= self.profile.keywords and n:
            iw, ic = self.node(prefix[0], loc + ("prefixItems", 0), depth + 1)
            wire = {"type": "array", **self.annotations(s, loc), "items": iw,
                    "minItems": n, "maxItems": n}
            self.info(loc + ("prefixItems",), "tuple_as_fixed_array",
                      f"homogeneous tuple sent as an array of exactly {n} items (A10.2)")
            self.leftovers(s, "array", handled, loc, notes)
            return self.describe(wire, notes), C.ArrayCodec(ic) if ic is not C.IDENTITY else ic
        keys = [f"item_{i}" for i in range(n)]
        wprops: dict[str, Any] = {}
        codecs: list[C.Codec] = []
        for i, (k, p) in enumerate(zip(keys, prefix, strict=True)):
            w, c = self.node(p, loc + ("prefixItems", i), depth + 1)
            wprops[k] = w
            codecs.append(c)
        wire = {"type": "object", **self.annotations(s, loc), "properties": wprops,
                "required": keys, "additionalProperties": False}
        self.info(loc + ("prefixItems",), "tuple_as_object",
                  f"tuple of {n} positions sent as an object with keys item_0..item_{n - 1}; "
                  "decoded back to an array (A10.2)")
        self.leftovers(s, "array", handled, loc, notes)
        return self.describe(wire, notes), C.TupleCodec(codecs, keys)


_FITTABLE = frozenset({"recursive_schema", "too_many_unions", "too_many_optional",
                       "grammar_too_large", "ref_too_deep"})
_KNOBS = ("cut_recursion", "strip_optional_null", "union_cap", "optional_cap", "pin_optional",
          "text_depth")


def _fit_limits(source: Source, profile: Profile, policy: str, compiler: _Compiler,
                exc: UnsupportedSchemaError) -> Compilation | None:
    """The wire exceeds only limits a narrower or looser wire can meet: compile again,
    one step at a time, until it fits (each step reported where it applies):

    - recursion refused: a recursive $ref is sent as JSON text (lossy);
    - too many optional properties (counted on the wire, where a definition inlined twice
      counts twice): fewer stay optional, the others are sent required (info);
    - too many unions: optional properties first lose their null (info), then the unions
      past the cap are sent as JSON text (lossy);
    - the engine's regex over budget: objects with no required property send their first
      one required (info), then structured values nested deeper than a shrinking depth
      are sent as JSON text (lossy).
    None when the wire still does not fit (or failed for another reason)."""
    from ._check import _Checker

    finite: bool | None = None
    for _ in range(24):
        codes = {d.code for d in exc.diagnostics if d.severity == "error"}
        if "no_finite_value" in codes:  # from optional properties the caps made required?
            if finite is None:
                finite = _finite(source, profile, policy, compiler.nodes)
            if not finite:
                return None
            codes.discard("no_finite_value")
        if not codes or not codes <= _FITTABLE or compiler.final_wire is None:
            return None
        checker = _Checker(compiler.final_wire, profile)
        checker.run()
        nxt = _Compiler(source, profile, policy, nodes=compiler.nodes)
        for knob in _KNOBS:
            setattr(nxt, knob, getattr(compiler, knob))
        if "recursive_schema" in codes:
            nxt.cut_recursion = True
        if "too_many_optional" in codes:
            over = max(1, checker.n_optional - profile.max_optional)
            nxt.optional_cap = max(0, compiler.optional_kept - over)
        if "too_many_unions" in codes:
            if not compiler.strip_optional_null:
                nxt.strip_optional_null = True
            else:
                over = max(1, checker.n_unions - profile.max_unions)
                kept = checker.n_unions if compiler.union_cap is None else compiler.unions_kept
                nxt.union_cap = max(0, kept - over)
        if codes & {"grammar_too_large", "ref_too_deep"}:
            if not compiler.pin_optional:
                nxt.pin_optional = True
            else:  # then values nested deeper than a shrinking depth go as JSON text
                d = compiler.text_depth if compiler.text_depth is not None else compiler.deepest
                if d <= 1:
                    return None
                nxt.text_depth = d - max(1, d // 4)
        if all(getattr(nxt, k) == getattr(compiler, k) for k in _KNOBS):
            return None  # no step left
        compiler = nxt
        try:
            return compiler.run()
        except UnsupportedSchemaError as again:
            exc = again
    return None


def _finite(source: Source, profile: Profile, policy: str, nodes: Nodes) -> bool:
    """Does the source describe a finite value, when no cap makes an optional property
    required?"""
    import dataclasses

    free = dataclasses.replace(profile, max_optional=10**9, max_unions=10**9, recursion=True,
                               regex_budget=None, max_ref_depth=None)
    compiler = _Compiler(source, free, policy, nodes=nodes)
    try:
        compiler.run()
    except UnsupportedSchemaError as exc:
        return not any(d.code == "no_finite_value" for d in exc.diagnostics)
    return True


def compile_source(source: Source, profile: Profile, policy: str) -> Compilation:
    nodes = Nodes(source.model_of())
    # the source's program now: what the core refuses (in-place subschemas that expand
    # exponentially, patterns it cannot run) is refused at compile; the anyOf matchers
    # judge with the same program
    nodes.program()
    try:
        compiler = _Compiler(source, profile, policy, nodes=nodes)
        try:
            return compiler.run()
        except UnsupportedSchemaError as exc:
            fitted = _fit_limits(source, profile, policy, compiler, exc)
            if fitted is not None:
                return fitted
            if not compiler.wrapped:
                raise
            # the wrappers that tell anyOf branches apart may be what exceeds a limit (depth):
            # without them the branches stay ambiguous, reported as lossy
            try:
                return _Compiler(source, profile, policy, wrap_ambiguous=False,
                                 nodes=nodes).run()
            except UnsupportedSchemaError:
                pass
            raise
    except RecursionError:
        raise SchemaError("schema is nested too deeply to compile") from None


def deepcopy_json(value: Any) -> Any:
    return copy.deepcopy(value)
