"""Pydantic sources: the model is the judge.

Pydantic's generated JSON Schema is, in places, stricter or looser than the model itself.
``json_schema`` generates it with ``_Generator``, which follows the model instead:

- ``date``: ``format: date`` admits year 0000, which Python's dates refuse; a calendar-exact
  pattern from year 0001 replaces it.
- ``datetime``/``time``: Pydantic accepts and dumps values without a UTC offset
  (``2025-03-14T09:30:00``) and without seconds (``09:30``); ``format: date-time``/``time``
  demand an offset and seconds. A pattern matching exactly the (calendar-valid) texts the
  model accepts, with or without offset as its ``tz_constraint`` says, replaces the format.
- ``timedelta``: ``format: duration`` (RFC 3339) refuses the negative durations Pydantic
  dumps (``-PT5S``); a pattern of the ISO 8601 texts Pydantic reads and writes replaces it.
- ``Decimal``: the string form carries a pattern of what ``Decimal`` parses (Pydantic's own
  generator leaves it unconstrained, so ``"abc"`` was wire-valid); ``max_digits`` and
  ``decimal_places`` bound the number form (``multipleOf``, bounds) and the string form.
- ``set``/``frozenset``: Pydantic accepts repeated items (and keeps one of each), so
  ``uniqueItems`` is not a constraint of the model.

Each change leaves a ``$comment`` starting with ``strictschema:`` on the node; the compiler
reports it as an ``info`` diagnostic (code ``model_rule``), or as ``lossy`` when it starts
with ``strictschema lossy:`` (a bound the wire cannot carry: the model still checks it).

``type_name`` names a type the way a user would (``list[Item]`` -> ``ItemList``).
``normalize`` turns what ``Compiled.encode`` is given (an instance, a dump by alias or by
field name) into the model's JSON dump by alias, defaults filled in.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from typing import Any

__all__ = ["COMMENT_PREFIX", "LOSSY_PREFIX", "OPTIONAL_KEY", "explain", "json_schema",
           "model_pattern", "normalize", "type_name"]

COMMENT_PREFIX = "strictschema: "
LOSSY_PREFIX = "strictschema lossy: "  # the wire admits values the model refuses
# a TypedDict key that may be absent, with no default: sent nullable, null meaning absent
OPTIONAL_KEY = (COMMENT_PREFIX + "a key the model lets be absent, with no default: null on "
                "the wire stands for absent")

# -- texts Pydantic's date/time parser accepts (a subset: calendar-valid, ASCII) -------------
_YEAR = r"(?:[1-9]\d{3}|0[1-9]\d{2}|00[1-9]\d|000[1-9])"
_MONTH_DAY = (r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
              r"|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))")
_LEAP_YEAR = r"(?:\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
DATE = rf"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
TIME = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?"
OFFSET = r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
_TZ = {"aware": OFFSET, "naive": "", None: f"{OFFSET}?"}
_TZ_WORDS = {"aware": "with a UTC offset", "naive": "without a UTC offset",
             None: "with or without a UTC offset"}
# http(s) URLs Pydantic reads and writes back unchanged but for normalisation (a lowercase
# host, a "/" for an empty path, no default port): ASCII host names whose last label starts
# with a letter (never read as an IPv4 address; no "--", so no IDNA "xn--" label), URL
# characters or %XX escapes (no "'", which the query would escape)
_URL_LABEL = r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
_URL_TOP = r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*"
_URL_CHAR = r"(?:[A-Za-z0-9._~!$&()*+,;=:@-]|%[0-9A-Fa-f]{2})"
HTTP_URL = (rf"^https?://(?:{_URL_LABEL}\.)*{_URL_TOP}(?::[0-9]{{1,4}})?"
            rf"(?:/(?:{_URL_CHAR}|/)*)?(?:\?(?:{_URL_CHAR}|[/?])*)?(?:#(?:{_URL_CHAR}|[/?])*)?$")

# ISO 8601 durations as Pydantic reads and writes them (-P1Y5DT2H3M4.5S; a year is 365
# days). Pydantic reads at most 999,999,999 days, six digits of years and a time part within
# 32 bits of seconds; it writes years, then days below 365, then a time of day. With years,
# the rest is written that way too (so no text grows past 999,999 years when Pydantic writes
# its value back); without, the parts are bounded so that their sum stays far below.
_DUR_S = r"\d{1,8}(?:\.\d{1,6})?S"
_DUR_T = rf"T(?:\d{{1,5}}H(?:\d{{1,6}}M)?(?:{_DUR_S})?|\d{{1,6}}M(?:{_DUR_S})?|{_DUR_S})"
_DAY_S = r"[0-5]?\d(?:\.\d{1,6})?S"
_DAY_T = (rf"T(?:(?:[01]?\d|2[0-3])H(?:[0-5]?\dM)?(?:{_DAY_S})?|[0-5]?\dM(?:{_DAY_S})?"
          rf"|{_DAY_S})")
_DUR_Y = rf"\d{{1,6}}Y(?:(?:3[0-5]\d|36[0-4]|[0-2]?\d{{1,2}})D)?(?:{_DAY_T})?"
DURATION = rf"^-?P(?:{_DUR_Y}|\d{{1,8}}D(?:{_DUR_T})?|{_DUR_T})$"


def _generator() -> type:
    from pydantic.json_schema import GenerateJsonSchema

    class _Generator(GenerateJsonSchema):
        """Pydantic's generator, where the model is looser than its JSON Schema."""

        def _when(self, tz: Any, what: str, pattern: str, extra: str = "") -> dict:
            words = _TZ_WORDS.get(tz if tz in _TZ else None)
            shape = "YYYY-MM-DDTHH:MM[:SS[.ffffff]]" if what == "date-time" else (
                "HH:MM[:SS[.ffffff]]")
            offset = {"aware": " and an offset (Z or +HH:MM)", "naive": ", no offset"}.get(
                tz if tz in _TZ else "", " and an optional offset (Z or +HH:MM)")
            _EXPLAINED[pattern] = (f"is not a {what} the model accepts: {shape}{offset}, "
                                   "a real calendar date")
            return {"type": "string", "pattern": pattern,
                    "$comment": f"{COMMENT_PREFIX}the model accepts {what} {words}{extra}; "
                                f"a pattern of those texts replaces format {what}"}

        def datetime_schema(self, schema: Any) -> dict:
            tz = schema.get("tz_constraint")
            if isinstance(tz, int):  # a fixed offset: leave Pydantic's schema as it is
                return super().datetime_schema(schema)
            out = self._when(tz, "date-time", f"^{DATE}T{TIME}{_TZ.get(tz, _TZ[None])}$",
                             " and seconds optional")
            return self._bounds(schema, out)

        def int_schema(self, schema: Any) -> dict:
            out = super().int_schema(schema)
            strict = schema.get("strict")
            if strict is None:
                strict = getattr(getattr(self, "_config", None), "strict", None)
            if strict:  # JSON Schema's integer admits 1.0; a strict int refuses it
                out["$comment"] = (f"{LOSSY_PREFIX}the model is strict and refuses an integer "
                                   "written with a fraction (1.0), which JSON Schema's integer "
                                   "admits")
            return out

        def url_schema(self, schema: Any) -> dict:
            schemes = schema.get("allowed_schemes")
            if not schemes or not set(schemes) <= {"http", "https"}:
                return super().url_schema(schema)  # format uri: lossy on strict profiles
            out: dict = {"type": "string", "pattern": HTTP_URL}
            if schema.get("max_length") is not None:  # the model may add a "/" when it writes
                out["maxLength"] = schema["max_length"] - 1
            _EXPLAINED[HTTP_URL] = ("is not a URL the model accepts: http(s)://host[:port]"
                                    "[/path][?query][#fragment] in ASCII")
            out["$comment"] = (f"{COMMENT_PREFIX}an http(s) URL the model reads and writes "
                               "back: a pattern of those URLs replaces format uri")
            return out

        def date_schema(self, schema: Any) -> dict:
            # format date admits year 0000, which the model refuses (Python's years start at 1)
            pattern = f"^{DATE}$"
            _EXPLAINED[pattern] = ("is not a date the model accepts: YYYY-MM-DD, a real "
                                   "calendar date from year 0001")
            out = {"type": "string", "pattern": pattern,
                   "$comment": f"{COMMENT_PREFIX}format date admits year 0000, which the model "
                               "refuses; a pattern of the dates it accepts replaces it"}
            return self._bounds(schema, out)

        def time_schema(self, schema: Any) -> dict:
            tz = schema.get("tz_constraint")
            if isinstance(tz, int):
                return super().time_schema(schema)
            out = self._when(tz, "time", f"^{TIME}{_TZ.get(tz, _TZ[None])}$",
                             " and seconds optional")
            return self._bounds(schema, out)

        def timedelta_schema(self, schema: Any) -> dict:
            _EXPLAINED[DURATION] = ("is not a duration the model accepts: an ISO 8601 "
                                    "duration such as P1DT2H3M4.5S or -PT5S")
            out = {"type": "string", "pattern": DURATION,
                   "$comment": f"{COMMENT_PREFIX}the model reads and writes ISO 8601 durations "
                               "with a sign (-PT5S), which format duration refuses; a pattern "
                               "of those texts replaces it"}
            return self._bounds(schema, out)

        def _bounds(self, schema: Any, out: dict) -> dict:
            # past/future, le/ge: no JSON Schema keyword carries them on a string
            if any(k in schema for k in ("le", "ge", "lt", "gt", "now_op")):
                out["$comment"] = LOSSY_PREFIX + out["$comment"].removeprefix(
                    COMMENT_PREFIX) + ("; its bounds (le/ge/past/future) cannot be sent and "
                                       "are checked by the model only")
            return out

        def decimal_schema(self, schema: Any) -> dict:
            return _decimal(schema, super().decimal_schema(schema))

        def chain_schema(self, schema: Any) -> dict:
            # Pydantic sends only the first step; constraints written after a validator
            # (Annotated[str, AfterValidator(f), Field(pattern=...)]) are later steps the
            # model checks all the same: send them too (they hold on what the model dumps)
            first = self.generate_inner(schema["steps"][0])
            if self.mode != "validation" or len(schema["steps"]) < 2:
                return first
            rest = []
            for step in schema["steps"][1:]:
                try:
                    part = self.generate_inner(step)
                except Exception:  # noqa: BLE001 - a step with no JSON Schema: the model checks
                    return first
                if part:
                    rest.append(part)
            if not rest:
                return first
            notes = [("the model checks these constraints after its own validator; "
                      "Pydantic's schema leaves them out")]
            parts = []
            for part in (first, *rest):  # their notes move up (allOf merging drops them)
                note = part.get("$comment") if isinstance(part, dict) else None
                if isinstance(note, str) and note.startswith(COMMENT_PREFIX):
                    notes.append(note.removeprefix(COMMENT_PREFIX))
                    part = {k: v for k, v in part.items() if k != "$comment"}
                parts.append(part)
            return {"allOf": parts, "$comment": COMMENT_PREFIX + "; ".join(notes)}

        def function_after_schema(self, schema: Any) -> dict:
            return _validator_note(super().function_after_schema(schema), schema)

        def function_before_schema(self, schema: Any) -> dict:
            return _validator_note(super().function_before_schema(schema), schema)

        def function_wrap_schema(self, schema: Any) -> dict:
            return _validator_note(super().function_wrap_schema(schema), schema)

        def function_plain_schema(self, schema: Any) -> dict:
            return _validator_note(super().function_plain_schema(schema), schema)

        def str_schema(self, schema: Any) -> dict:
            out = super().str_schema(schema)
            notes: list[str] = []
            lossy = False
            strip = schema.get("strip_whitespace")
            if strip is None:
                strip = getattr(getattr(self, "_config", None), "str_strip_whitespace", None)
            if strip and schema.get("min_length"):
                lossy = True
                notes.append("the model strips white space before it counts minLength: ' a ' "
                             "is long enough on the wire, 'a' may not be")
            pattern = out.get("pattern")
            if isinstance(pattern, str):
                rewritten, odd = model_pattern(pattern)
                if rewritten != pattern:
                    out["pattern"] = rewritten
                    notes.append("the model matches \\s with Unicode white space (U+0085 and "
                                 "U+001C-U+001F count, U+FEFF does not); the pattern says so "
                                 "in ECMA-262 terms")
                if odd:
                    lossy = True
                    notes.append("the model reads \\D, \\W, \\b or a negated \\d/\\w with "
                                 "Unicode classes, ECMA-262 with ASCII ones: the wire may admit "
                                 "texts the model refuses")
            if notes:
                out["$comment"] = (LOSSY_PREFIX if lossy else COMMENT_PREFIX) + "; ".join(notes)
            return out

        def typed_dict_schema(self, schema: Any) -> dict:
            # a NotRequired key has no default: absent means absent (not "the default")
            out = super().typed_dict_schema(schema)
            total = schema.get("total", True)
            props = out.get("properties") if isinstance(out, dict) else None
            for name, field in (schema.get("fields") or {}).items():
                inner = field.get("schema") or {}
                if field.get("required", total) or inner.get("type") == "default":
                    continue
                alias = field.get("validation_alias")
                key = alias if isinstance(alias, str) else name
                if isinstance(props, dict) and isinstance(props.get(key), dict):
                    props[key] = {**props[key], "$comment": OPTIONAL_KEY}
            return out

        def set_schema(self, schema: Any) -> dict:
            return _no_unique(super().set_schema(schema), "set")

        def frozenset_schema(self, schema: Any) -> dict:
            return _no_unique(super().frozenset_schema(schema), "frozenset")

    return _Generator


_GENERATOR: list[type] = []
# the patterns the generator wrote, and what a text that misses one is not
_EXPLAINED: dict[str, str] = {}


def explain(exc: Any, wire: Any) -> Any:
    """``exc`` (a ``ValidationError`` from the wire check) with each "does not match" of a
    pattern this module wrote replaced by what the text is not (a date-time the model
    accepts, ...); ``exc`` itself when there is nothing to explain."""
    from .._errors import ErrorDetail, ValidationError

    changed = False
    details = []
    for e in exc.errors:
        node: Any = wire
        for part in e.schema_location:
            node = node.get(part) if isinstance(node, dict) else (
                node[part] if isinstance(node, list) and isinstance(part, int) and
                part < len(node) else None)
        words = _EXPLAINED.get(node) if e.keyword == "pattern" and isinstance(node, str) else None
        if words is None:
            details.append(e)
            continue
        value = e.message.split(" does not match ", 1)[0]
        details.append(ErrorDetail(e.location, e.keyword, f"{value} {words}", e.schema_location))
        changed = True
    return ValidationError(details) if changed else exc


def json_schema(adapter: Any) -> dict:
    """The validation JSON Schema of ``adapter``'s type, following the model (see above)."""
    if not _GENERATOR:
        _GENERATOR.append(_generator())
    return _formats(adapter.json_schema(mode="validation", schema_generator=_GENERATOR[0]))


# formats Pydantic writes for types that accept any string (bytes as UTF-8, Path, SecretStr)
_ANY_STRING_FORMATS = {"binary": "bytes", "path": "a path", "password": "a secret string"}


def _formats(node: Any) -> Any:
    """Formats that are no constraint of the model: dropped (``bytes``, ``Path``,
    ``SecretStr`` accept any string); ``ipvanyaddress`` is either IP format; a ``Json[T]``
    string, which the model parses as JSON of ``T``, is reported lossy."""
    if isinstance(node, list):
        return [_formats(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: (v if k in ("enum", "const", "default", "examples") else _formats(v))
           for k, v in node.items()}
    fmt = out.get("format")
    if out.get("type") == "string" and fmt in _ANY_STRING_FORMATS:
        del out["format"]
        out.setdefault("$comment", f"{COMMENT_PREFIX}the model takes any string as "
                                   f"{_ANY_STRING_FORMATS[fmt]}: format {fmt} is no constraint")
    elif out.get("type") == "string" and fmt == "ipvanyaddress":
        del out["format"], out["type"]
        out["anyOf"] = [{"type": "string", "format": "ipv4"},
                        {"type": "string", "format": "ipv6"}]
        out.setdefault("$comment", f"{COMMENT_PREFIX}the model takes an IPv4 or an IPv6 "
                                   "address (format ipvanyaddress: either IP format)")
    elif out.get("type") == "string" and "contentSchema" in out:
        out.setdefault("$comment", f"{LOSSY_PREFIX}the model parses this string as JSON text "
                                   "of contentSchema, which the wire cannot carry")
    return out


def _validator_note(out: Any, schema: Any) -> Any:
    """A user's validator function: say that the wire cannot carry what it checks."""
    fn = (schema.get("function") or {}).get("function")
    inner = getattr(fn, "func", fn)  # functools.partial
    module = getattr(inner, "__module__", None) or ""
    if not isinstance(out, dict) or fn is None or module.startswith("pydantic"):
        return out
    name = getattr(inner, "__qualname__", None) or getattr(inner, "__name__", None) or repr(inner)
    note = (f"the model runs validator {name!r} on this value; what it refuses is found "
            "on parse only")
    prior = out.get("$comment")
    out = dict(out)
    out["$comment"] = (f"{prior}; {note}" if isinstance(prior, str) and
                       prior.startswith(COMMENT_PREFIX[:12]) else COMMENT_PREFIX + note)
    return out


def _no_unique(out: dict, what: str) -> dict:
    if out.get("uniqueItems") is True:
        out = {k: v for k, v in out.items() if k != "uniqueItems"}
        out["$comment"] = (f"{COMMENT_PREFIX}a {what} accepts repeated items (keeping one of "
                           "each), so uniqueItems is not a constraint of the model")
    return out


def _digits(n: int, at_least: int = 0) -> str:
    return rf"\d{{{at_least},{n}}}" if n != at_least else rf"\d{{{n}}}"


_FLOAT_MAX = 1.7976931348623157e308


def _decimal(schema: Any, pydantic_out: dict) -> dict:
    """anyOf [number, string]: the string form gets a pattern of what Decimal parses."""
    max_digits, places = schema.get("max_digits"), schema.get("decimal_places")
    bounds = {k: schema[k] for k in ("le", "ge", "lt", "gt") if schema.get(k) is not None}
    non_negative = any(k in bounds and bounds[k] >= 0 for k in ("ge", "gt"))
    # the string form carries only "no minus sign", which is exactly ge=0
    bounds_lost = bool(bounds) and bounds != {"ge": 0}
    sign = "" if non_negative else "-?"
    if max_digits is None and places is None:
        pattern = rf"^{sign}(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$"
    else:
        # no exponent: the digits are counted as written (leading zeros are not digits)
        whole_max = None if max_digits is None else max_digits - (places or 0)
        frac = "" if places == 0 else (
            rf"(?:\.\d{{1,{places}}})?" if places is not None else r"(?:\.\d+)?")
        if whole_max is None:
            whole = r"\d+"
        elif whole_max <= 0:
            whole = "0"
        else:
            whole = rf"(?:0|[1-9]\d{{0,{whole_max - 1}}})"
        pattern = rf"^{sign}{whole}{frac}$"
    number: dict = {"type": "number"}
    for branch in pydantic_out.get("anyOf", ()):
        if branch.get("type") == "number":
            number = dict(branch)
    if places is not None:
        number["multipleOf"] = float(Decimal(1).scaleb(-places)) if places else 1
    if not any(k in number for k in ("maximum", "exclusiveMaximum", "minimum",
                                      "exclusiveMinimum")) and max_digits is None:
        # a JSON number reaches the model as a float: beyond this it is infinite and refused
        number["maximum"], number["minimum"] = _FLOAT_MAX, -_FLOAT_MAX
    if max_digits is not None:
        limit = 10 ** (max_digits - (places or 0))
        number.setdefault("exclusiveMaximum", limit)
        number.setdefault("exclusiveMinimum", -limit)
        if "maximum" in number:
            number.pop("exclusiveMaximum")
        if "minimum" in number:
            number.pop("exclusiveMinimum")
    note = ("the model accepts a decimal as a JSON number or as a string; the string form "
            "gets a pattern of the texts Decimal reads")
    if max_digits is not None or places is not None:
        note += " within max_digits/decimal_places (no exponent)"
    string: dict = {"type": "string", "pattern": pattern}
    _EXPLAINED[pattern] = "is not a decimal the model accepts" + (
        "" if max_digits is None and places is None else
        f" (at most {max_digits} digits, {places} after the point)".replace(
            "at most None digits, ", "").replace(", None after the point", ""))
    if bounds_lost:
        note += "; the string form cannot carry the value bounds (le/ge/lt/gt)"
    prefix = LOSSY_PREFIX if bounds_lost else COMMENT_PREFIX
    return {"anyOf": [number, string], "$comment": prefix + note}


# -- patterns ----------------------------------------------------------------------------
# Pydantic runs patterns with Rust's regex crate (or Python's re): \s, \d, \w are Unicode
# classes there, ASCII (\d, \w) or a slightly different set (\s) in ECMA-262. A positive
# class of ECMA-262 is within the model's, except \s (U+FEFF); a negated one is wider.
_WS_BOTH = r"\t-\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_WS_EITHER_EXTRA = r"\u001c-\u001f\u0085"


def model_pattern(pattern: str) -> tuple[str, bool]:
    r"""``pattern`` rewritten so that what it matches under ECMA-262 the model's engine
    matches too, for white space; and whether some other escape (``\D``, ``\W``, ``\b``,
    ``\B``, a negated ``\d``/``\w``) still lets ECMA-262 match more."""
    out: list[str] = []
    lossy = False
    i, n = 0, len(pattern)
    in_class = negated = False
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            esc = pattern[i + 1]
            i += 2
            if not in_class:
                if esc == "s":
                    out.append(f"[{_WS_BOTH}]")
                    continue
                if esc == "S":
                    out.append(f"[^\\s{_WS_EITHER_EXTRA}]")
                    continue
                lossy = lossy or esc in "DWbB"
            elif negated:
                if esc == "s":
                    out.append(f"\\s{_WS_EITHER_EXTRA}")
                    continue
                lossy = lossy or esc in "dwSDW"
            else:
                if esc == "s":
                    out.append(_WS_BOTH)
                    continue
                lossy = lossy or esc in "SDW"
            out.append("\\" + esc)
            continue
        if not in_class and ch == "[":
            in_class = True
            negated = pattern.startswith("^", i + 1)
            out.append("[^" if negated else "[")
            i += 2 if negated else 1
            continue
        if in_class and ch == "]":
            in_class = negated = False
        out.append(ch)
        i += 1
    return "".join(out), lossy


# -- names ------------------------------------------------------------------------------
def type_name(obj: Any) -> str:
    """A readable name for a type: ``Item`` for a model, ``ItemList`` for ``list[Item]``,
    ``AOrB`` for a union (also inside ``Annotated``), ``Page[int]`` as Pydantic names it."""
    origin = typing.get_origin(obj)
    args = typing.get_args(obj)
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin is typing.Union or origin is types.UnionType:
        return "Or".join(type_name(a) for a in args)
    if obj is type(None) or obj is None:
        return "None"
    if origin is typing.Literal:
        return "Or".join(_cap(str(a)) for a in args)
    if origin is not None and args:
        base = getattr(origin, "__name__", "")
        if base in ("list", "Sequence", "MutableSequence", "deque", "Iterable"):
            return f"{type_name(args[0])}List"
        if base in ("set", "frozenset", "AbstractSet", "MutableSet"):
            return f"{type_name(args[0])}Set"
        if base == "tuple":
            return "".join(type_name(a) for a in args if a is not Ellipsis) + "Tuple"
        if base in ("dict", "Mapping", "MutableMapping", "OrderedDict", "defaultdict"):
            return f"{type_name(args[-1])}Map"
        if isinstance(origin, type):  # a generic model: Page[int]
            name = getattr(obj, "__name__", None)
            if isinstance(name, str):
                return name
            return base + "".join(type_name(a) for a in args)
    name = getattr(obj, "__name__", None)
    if isinstance(name, str) and name:
        return _cap(name)
    return _cap(str(obj))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- encode -----------------------------------------------------------------------------
def normalize(adapter: Any, data: Any) -> Any:
    """``data`` as the model's JSON dump by alias (defaults filled in, values in their JSON
    form): an instance, or a JSON dump by alias or by field name. Raises
    ``pydantic.ValidationError`` when the model refuses it."""
    from .._json import dumps

    try:
        text = dumps(data)
    except (TypeError, ValueError):  # an instance, or Python values (sets, datetimes, ...)
        value = adapter.validate_python(data, by_alias=True, by_name=True)
    else:
        value = adapter.validate_json(text, by_alias=True, by_name=True)
    dumped = adapter.dump_python(value, mode="json", by_alias=True, round_trip=True)
    return _keyed_for_validation(value, dumped)


def _validation_key(name: str, field: Any) -> str | None:
    """The key the validation JSON Schema names a field by (None: an AliasPath)."""
    alias = field.validation_alias
    if isinstance(alias, str):
        return alias
    if alias is not None:  # AliasChoices: the schema shows the first choice
        first = alias.choices[0] if getattr(alias, "choices", None) else None
        return first if isinstance(first, str) else None
    return field.alias or name


def _keyed_for_validation(obj: Any, dumped: Any) -> Any:
    """``dumped`` (a dump by alias) with each model's keys as its validation JSON Schema has
    them: a field whose validation alias differs from its serialization alias is renamed,
    and keys that are no field (computed fields) are left out unless the model keeps extra
    keys. Walks the instance and its dump side by side."""
    import pydantic

    if isinstance(obj, pydantic.RootModel):
        return _keyed_for_validation(obj.root, dumped)
    if isinstance(obj, pydantic.BaseModel) and isinstance(dumped, dict):
        out: dict[str, Any] = {}
        for name, field in type(obj).model_fields.items():
            out_key = field.serialization_alias or field.alias or name
            if out_key not in dumped:
                continue
            key = _validation_key(name, field)
            if key is None:
                return dumped
            out[key] = _keyed_for_validation(getattr(obj, name), dumped[out_key])
        for key in obj.model_extra or ():
            if key in dumped:
                out[key] = dumped[key]
        return out
    if isinstance(dumped, list) and isinstance(obj, (list, tuple, set, frozenset)) and \
            len(obj) == len(dumped):
        return [_keyed_for_validation(o, d) for o, d in zip(obj, dumped, strict=True)]
    if isinstance(dumped, dict) and isinstance(obj, dict) and len(obj) == len(dumped):
        return {k: _keyed_for_validation(o, d)
                for (k, d), o in zip(dumped.items(), obj.values(), strict=True)}
    return dumped
