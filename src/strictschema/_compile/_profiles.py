"""Profiles: what a target's strict mode accepts, as data (rules in ``docs/profiles/``).

Adding a target is adding a ``Profile`` value here, not a code path. Fields past the size
limits default to what OpenAI's strict mode demands, so an OpenAI profile sets none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["PROFILES", "Grammar", "Profile", "get_profile"]

_ANNOTATIONS = frozenset({"title", "description"})
_CORE = frozenset({"type", "enum", "const", "anyOf", "$ref", "$defs"})
_OBJECT = frozenset({"properties", "required", "additionalProperties"})
_STRING = frozenset({"pattern", "format", "minLength", "maxLength"})
_NUMBER = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})
_ARRAY = frozenset({"items", "minItems", "maxItems"})
_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
)
_NO_LIMIT = 10**9
# what outlines-core writes for each format it knows (narrower than JSON Schema's): seconds
# fractions of exactly 3 digits and only "Z" as the offset, lowercase UUIDs, http(s)/ftp URIs
# with a dotted host, emails with a dotted domain (docs/profiles/outlines.md)
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
# RFC 3986 URIs are ASCII: llguidance and xgrammar write no other characters in a uri
_URI = ("uri", r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]*")
_OUTLINES_FORMATS = (
    ("date-time", r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{3})?Z"),
    ("time", r"\d\d:\d\d:\d\dZ"),  # its fraction part wants a literal backslash
    ("uuid", r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    ("uri", r"https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:/[^\s?#]*)?"),
    ("email", rf"[a-z0-9+_-]+(?:\.[a-z0-9+_-]+)*@(?:{_LABEL}\.)+{_LABEL}"),
)

# llama-cpp-python's converter (STRING_FORMAT_RULES): seconds fractions of exactly 3 digits,
# "Z" upper case or a numeric offset, no leap second
_HMS = r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{3})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
_LLAMA_FORMATS = (
    ("date", r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"),
    ("time", _HMS),
    ("date-time", r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T" + _HMS),
)


@dataclass(frozen=True, slots=True)
class Grammar:
    """How a constrained-decoding engine writes JSON text, where that is narrower than JSON.

    The engine check (``strictschema check --engine``) writes drawn outputs this way and
    draws only values the engine can write at all (docs/profiles/<name>.md says why)."""

    key_order: str = "any"
    """``schema``: properties come out in the order of ``properties``; ``required_first``:
    the required ones in that order, then the optional ones; ``any``: any order."""
    separators: tuple[str, str] = (",", ":")
    """Item and key separators of the compact form the engine is asked for."""
    u_escapes: str = "all"
    """``all``: any character may be written ``\\uXXXX``; ``control``: only U+0000-U+001F;
    ``none``: no ``\\u`` escape at all (control characters without a named escape cannot
    be written)."""
    raw_forbidden: tuple[tuple[int, int], ...] = ()
    """Code point ranges (beyond the control characters) the engine never writes raw."""
    exponent: str = "any"
    """``any``: numbers may have an exponent; ``none``: never; ``unbounded``: only numbers
    without minimum/maximum/multipleOf (the others are written in positional notation)."""
    plain_constrained_strings: bool = False
    """A string with minLength, maxLength or pattern is written without escapes: a value
    holding a quote, a backslash or a control character cannot be written."""
    plain_pattern_strings: bool = False
    """A string with a pattern is written without escapes (the pattern is pasted into the
    grammar as raw characters)."""
    number_digits: tuple[int, int] | None = None
    """(integer part, fraction part): the most digits the engine writes on either side of
    the point, for every number."""
    negative_zero: str = "any"
    """``any``: zero may be written ``-0.0``; ``unbounded``: only numbers without
    minimum/maximum (a range grammar has no minus sign at zero: ``-0.0`` is written
    ``0.0``, the same JSON number)."""
    bounded_fraction_digits: int | None = None
    """A number with minimum/maximum has at most this many digits after the point."""
    formats: tuple[tuple[str, str], ...] = ()
    """(format, regex): the engine writes that format only as strings matching the regex
    (Python ``re``, whole string), narrower than JSON Schema's definition."""


@dataclass(frozen=True, slots=True)
class Profile:
    """One target's strict subset and size limits (rules A1-A29, B1-B5; docs/profiles)."""

    name: str
    as_of: str
    """Date of the rules text this profile follows."""
    keywords: frozenset[str]
    """Every keyword a wire schema may use (A2-A21)."""
    formats: frozenset[str]
    """Accepted values of ``format`` (A7)."""
    max_properties: int  # B1
    max_depth: int  # B2
    max_string_size: int  # B3
    max_enum_values: int  # B4
    large_enum_threshold: int  # B5: an enum of more than this many strings ...
    large_enum_string_size: int  # ... must total at most this many characters
    wrapper_key: str = "value"
    """Property name used when a non-object root is wrapped in an object."""
    all_required: bool = True
    """Every property must be listed in ``required`` (A5); False: optional ones stay so."""
    closed_objects: bool = True
    """Every object must say ``additionalProperties: false`` (A4)."""
    maps: bool = False
    """``additionalProperties`` may be a schema: dict fields are sent as objects."""
    open_with_properties: bool = True
    """An object with ``properties`` may also allow other keys (False: such objects are
    closed, a narrowing reported as info; a dict field with no ``properties`` stays open)."""
    recursion: bool = True
    """Recursive ``$ref`` cycles are accepted."""
    root_object: bool = True
    """The root must be an object (others are wrapped, A3)."""
    min_items_cap: int | None = None
    """Largest ``minItems`` accepted (None: any)."""
    max_bound: int | None = None
    """Largest ``maxLength``/``maxItems`` accepted (None: any); larger ones are lossy."""
    max_optional: int = _NO_LIMIT
    """Optional (not required) properties in the whole schema."""
    max_unions: int = _NO_LIMIT
    """Schemas using ``anyOf`` or a type list, in the whole schema."""
    pattern_features: frozenset[str] = frozenset()
    """Regex features a ``pattern`` must not use: ``backreference``, ``lookaround``,
    ``word_boundary``, ``unanchored`` (must start with ^ and end with $; written anchored by
    the compiler), ``inner_anchor`` (``^``/``$`` inside: ``^a$|^b$``),
    ``noncapturing_group`` (``(?:``), ``gbnf_escape`` (an escape llama.cpp's GBNF cannot read once the
    converter copies it: ``\\d``/``\\w`` and escaped punctuation are spelled out, others such
    as ``\\s`` are lossy), ``quote_class`` (a class or ``.`` that matches ``"`` or ``\\``: an engine
    that pastes the pattern into its JSON-string regex lets the string run past its quote)."""
    pattern_spelled: frozenset[str] = frozenset()
    """Escapes the engine reads as other sets than ECMA-262: the compiler writes them in wire
    patterns as explicit classes of the ECMA set, an exact change (info
    ``pattern_classes_spelled``). ``space``: ``\\s``/``\\S``, where the engine's ``\\s`` is
    Unicode White_Space (U+0085 in, U+FEFF out); ``dot``: ``.``, where the engine's also
    matches CR, U+2028 and U+2029 (docs/profiles/llguidance.md)."""
    string_precedence: tuple[str, ...] = ()
    """Of these string constraints (``pattern``, ``length`` = minLength/maxLength,
    ``format``), the engine honours only the first one a string has; the others are not
    sent (lossy)."""
    loose_formats: frozenset[str] = frozenset()
    """Formats sent to the engine that it checks only in shape (a day 30 in February, a
    leading zero): kept on the wire, reported as lossy, enforced by strictschema."""
    enum_types: frozenset[str] = frozenset({"string", "number", "integer", "boolean", "null"})
    """JSON types an ``enum`` member may have."""
    regex_budget: int | None = None
    """The engine writes the whole schema as one regular expression (outlines-core): its
    length, estimated by ``_check.outlines_regex_size``, must stay under this (None: no
    such budget)."""
    max_ref_depth: int | None = None
    """The engine silently drops a property reached through more than this many nested
    ``$ref`` (outlines-core: 4): the compiler sends such profiles' schemas without $ref."""
    root_ref: bool = True
    """``"$ref": "#"`` is accepted (False: a recursive root is also sent as a $defs entry,
    and refs name that)."""
    reserved_keys: frozenset[str] = frozenset()
    """Property names the engine misreads as keywords: sent under another name (info
    ``property_renamed``) and decoded back."""
    type_list_keywords: bool = True
    """Keywords beside a type list are honoured (False: such schemas go as an anyOf)."""
    grammar: Grammar = Grammar()
    engine: str | None = None
    """The PyPI package whose matcher checks this profile (``strictschema check --engine``)."""
    sdk_shapes: tuple[str, ...] = ()
    """``Compiled.request_fragment(sdk=...)`` shapes that carry this profile's schema."""
    sources: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"Profile({self.name!r}, as_of={self.as_of!r})"


_OPEN: dict[str, Any] = dict(
    max_properties=_NO_LIMIT, max_depth=_NO_LIMIT, max_string_size=_NO_LIMIT,
    max_enum_values=_NO_LIMIT, large_enum_threshold=_NO_LIMIT, large_enum_string_size=_NO_LIMIT)
_ENGINE: dict[str, Any] = dict(all_required=False, closed_objects=False, maps=True,
                               root_object=False)

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            name="openai",
            as_of="2026-08-23",
            keywords=_CORE | _ANNOTATIONS | _OBJECT | _STRING | _NUMBER | _ARRAY,
            formats=_FORMATS,
            max_properties=5000,
            max_depth=10,
            max_string_size=120_000,
            max_enum_values=1000,
            large_enum_threshold=250,
            large_enum_string_size=15_000,
            sdk_shapes=("openai-text", "openai-chat", "openai-tool", "openai-chat-tool"),
        ),
        Profile(
            name="openai-2024",
            as_of="2024-08-06",
            keywords=_CORE | _ANNOTATIONS | _OBJECT | {"items"},
            formats=frozenset(),
            max_properties=100,
            max_depth=5,
            max_string_size=15_000,
            max_enum_values=500,
            large_enum_threshold=250,
            large_enum_string_size=7_500,
            sdk_shapes=("openai-text", "openai-chat", "openai-tool", "openai-chat-tool"),
        ),
        Profile(
            # A16: fine-tuned models drop string/number/array constraints on top of A15.
            name="openai-fine-tuned",
            as_of="2026-08-23",
            keywords=_CORE | _ANNOTATIONS | _OBJECT | {"items"},
            formats=frozenset(),
            max_properties=5000,
            max_depth=10,
            max_string_size=120_000,
            max_enum_values=1000,
            large_enum_threshold=250,
            large_enum_string_size=15_000,
            sdk_shapes=("openai-text", "openai-chat", "openai-tool", "openai-chat-tool"),
        ),
        Profile(
            # docs/profiles/anthropic.md: JSON outputs (output_config.format) and strict tools
            name="anthropic",
            as_of="2026-08-07",
            keywords=_CORE | _ANNOTATIONS | _OBJECT | {"items", "minItems", "pattern", "format"},
            formats=_FORMATS | {"uri"},
            # no published per-schema size limits: the grammar budget is what fails first
            max_properties=_NO_LIMIT, max_depth=_NO_LIMIT, max_string_size=_NO_LIMIT,
            max_enum_values=_NO_LIMIT, large_enum_threshold=_NO_LIMIT,
            large_enum_string_size=_NO_LIMIT,
            all_required=False,
            recursion=False,
            min_items_cap=1,
            max_optional=24,
            max_unions=16,
            pattern_features=frozenset({"backreference", "lookaround", "word_boundary"}),
            sdk_shapes=("anthropic-output", "anthropic-tool"),
            sources=(
                "platform.claude.com/docs/en/build-with-claude/structured-outputs "
                "(JSON Schema limitations; strict tool use)",
                "anthropic-sdk-python src/anthropic/lib/_parse/_transform.py (transform_schema)",
            ),
        ),
        Profile(
            # docs/profiles/gemini.md: GenerateContentConfig.response_json_schema
            name="gemini",
            as_of="2026-08-01",
            keywords=(_ANNOTATIONS | _OBJECT | {"type", "enum", "anyOf", "$ref", "$defs",
                                                "format", "items", "minItems", "maxItems",
                                                "minimum", "maximum"}),
            formats=frozenset({"date-time", "date", "time"}),
            **_OPEN,
            all_required=False,
            closed_objects=False,
            maps=True,
            root_object=False,
            enum_types=frozenset({"string", "number", "integer"}),
            grammar=Grammar(key_order="schema"),
            sdk_shapes=("gemini",),
            sources=(
                "GenerationConfig.responseJsonSchema field reference (Gemini API, Vertex AI)",
                "ai.google.dev/gemini-api/docs/structured-output",
                "python-genai google/genai/_transformers.py (t_json_schema passes it through)",
            ),
        ),
        Profile(
            # docs/profiles/mistral.md: response_format json_schema strict
            name="mistral",
            as_of="2026-08-01",
            keywords=_CORE | _ANNOTATIONS | _OBJECT | _ARRAY,
            formats=frozenset(),
            **_OPEN,
            all_required=False,
            sdk_shapes=("mistral",),
            sources=(
                "docs.mistral.ai/capabilities/structured-output/custom_structured_output",
                "mistralai extra/utils/_pydantic_helper.py (rec_strict_json_schema)",
            ),
        ),
        Profile(
            name="llguidance",
            as_of="2026-08-17",
            keywords=_CORE | _ANNOTATIONS | _OBJECT | _STRING | _NUMBER | _ARRAY,
            formats=_FORMATS | {"uri"},
            **_OPEN,
            **_ENGINE,
            # \b and \B: the engine refuses the whole schema ("lookarounds not supported
            # yet; WordUnicode"), [\b] too ("regex parse error")
            pattern_features=frozenset({"lookaround", "backreference", "word_boundary"}),
            # its JSON compiler makes \d and \w ASCII (regex_to_lark(pattern, "dw") in
            # parser/src/json/compiler.rs) but leaves \s and '.' to Rust regex: Unicode
            # White_Space, and anything but LF (measured through LLMatcher, 1.9.1)
            pattern_spelled=frozenset({"space", "dot"}),
            grammar=Grammar(key_order="schema", u_escapes="control",
                            raw_forbidden=((0x7F, 0x7F),), exponent="unbounded",
                            negative_zero="unbounded",
                            formats=(_URI, ("ipv6", r"[0-9A-Fa-f:]*"))),
            engine="llguidance",
            sdk_shapes=("llguidance",),
            sources=("llguidance docs/json_schema.md (supported features, departures)",
                     "llguidance parser/src/regex_rewrite.rs (regex_to_lark: only \\d and \\w "
                     "made ASCII for JSON Schema)"),
        ),
        Profile(
            name="xgrammar",
            as_of="2026-08-01",
            # multipleOf holds for integers only (0.015 passes multipleOf 0.01): not sent
            keywords=_CORE | _ANNOTATIONS | _OBJECT | _STRING | _ARRAY | _NUMBER - {"multipleOf"},
            formats=_FORMATS | {"uri"},
            **_OPEN,
            **_ENGINE,
            pattern_features=frozenset({"lookaround", "backreference", "unanchored",
                                        "inner_anchor"}),
            grammar=Grammar(key_order="schema", separators=(", ", ": "), exponent="unbounded",
                            bounded_fraction_digits=6, plain_constrained_strings=True,
                            formats=(("date-time", r"[^tz]*"), ("time", r"[^z]*"),
                                     ("hostname", r"[^A-Z]*"), _URI,
                                     ("email", r"[^@]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]{2,})*"))),
            loose_formats=frozenset({"date", "date-time", "ipv4"}),
            string_precedence=("pattern", "format", "length"),
            engine="xgrammar",
            sdk_shapes=("xgrammar",),
            sources=("xgrammar json_schema_converter (Grammar.from_json_schema, strict_mode)",),
        ),
        Profile(
            name="outlines",
            as_of="2026-08-01",
            keywords=_CORE | _ANNOTATIONS | _OBJECT | _STRING | _ARRAY,
            formats=frozenset({"date-time", "date", "time", "uuid", "email", "uri"}),
            **_OPEN,
            **_ENGINE,
            pattern_features=frozenset({"lookaround", "backreference", "word_boundary",
                                        "unanchored", "quote_class", "inner_anchor"}),
            # the pattern is pasted into a regex that regex_automata compiles (Unicode \s);
            # '.' and \S are lossy anyway (quote_class)
            pattern_spelled=frozenset({"space"}),
            grammar=Grammar(key_order="schema", u_escapes="none", plain_constrained_strings=True,
                            raw_forbidden=((0x7F, 0x9F),), formats=_OUTLINES_FORMATS),
            string_precedence=("length", "pattern", "format"),
            open_with_properties=False,
            # deeper recursion is cut by outlines-core itself, dropping required properties
            recursion=False,
            regex_budget=1_000_000,
            max_ref_depth=4,
            engine="outlines-core",
            sdk_shapes=("outlines",),
            sources=("outlines-core src/json_schema (build_regex_from_schema)",
                     "outlines-core src/index.rs (regex_automata DFA: Unicode \\s)"),
        ),
        Profile(
            name="llama.cpp",
            as_of="2026-08-01",
            keywords=(_CORE | _ANNOTATIONS | _OBJECT | {"pattern", "format", "minLength",
                                                         "maxLength", "items", "minItems",
                                                         "maxItems"}),
            formats=frozenset({"date", "time", "date-time", "uuid"}),
            **_OPEN,
            **_ENGINE,
            recursion=True,
            pattern_features=frozenset({"unanchored", "lookaround", "backreference",
                                        "word_boundary", "noncapturing_group",
                                        "inner_anchor", "gbnf_escape", "quote_class"}),
            # the converter writes a pattern, else a format, else the lengths of a string
            string_precedence=("pattern", "format", "length"),
            grammar=Grammar(key_order="required_first", raw_forbidden=((0x7F, 0x7F),),
                            number_digits=(16, 16), formats=_LLAMA_FORMATS,
                            plain_pattern_strings=True),
            # its date rule takes any day 01-31 of any month
            loose_formats=frozenset({"date", "date-time"}),
            # llama-cpp-python's converter writes an object with properties and other keys
            # as "b-rest ::= additional-kvs": no comma, and at least one extra key after an
            # optional property; such objects are closed (docs/profiles/llama.cpp.md)
            open_with_properties=False,
            # the converter refuses "$ref": "#", and turns a type list into a bare anyOf of
            # the types (a nullable string loses its maxLength)
            root_ref=False,
            type_list_keywords=False,
            # its reference resolver takes any key "$ref" for one, a property too, and fails
            reserved_keys=frozenset({"$ref"}),
            # maxLength/maxItems n is written as n nested optional groups, and llama.cpp's
            # parser refuses past 1000 (MAX_REPETITION_THRESHOLD; a far deeper one crashes it)
            max_bound=1000,
            engine="llama-cpp-python",
            sdk_shapes=("gbnf",),
            sources=("llama.cpp grammars/README.md (JSON Schema to grammar, known limitations)",
                     "llama.cpp common/json-schema-to-grammar.cpp"),
        ),
    )
}


def get_profile(profile: str | Profile) -> Profile:
    if isinstance(profile, Profile):
        return profile
    try:
        return PROFILES[profile]
    except (KeyError, TypeError):
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown profile {profile!r}; known profiles: {known}") from None
