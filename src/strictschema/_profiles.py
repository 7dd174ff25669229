"""Profiles: what a provider's strict mode accepts, as data (rules in ../shared/reference).

Adding a provider is adding a ``Profile`` value here, not a code path.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PROFILES", "Profile", "get_profile"]

_ANNOTATIONS = frozenset({"title", "description"})
_CORE = frozenset({"type", "enum", "const", "anyOf", "$ref", "$defs"})
_OBJECT = frozenset({"properties", "required", "additionalProperties"})
_STRING = frozenset({"pattern", "format", "minLength", "maxLength"})
_NUMBER = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})
_ARRAY = frozenset({"items", "minItems", "maxItems"})
_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
)


@dataclass(frozen=True, slots=True)
class Profile:
    """One provider's strict subset and size limits (rules A1-A29, B1-B5)."""

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

    def __repr__(self) -> str:
        return f"Profile({self.name!r}, as_of={self.as_of!r})"


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
