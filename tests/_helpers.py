"""Small assertions shared by several test modules."""

from __future__ import annotations

from strictschema._compile._merge import json_equal


def only_nulls_added(orig: object, back: object) -> bool:
    """``back`` equals ``orig`` except for keys absent in ``orig`` and ``null`` in ``back``:
    the one documented difference of a round trip (optional+nullable fields merge absent and
    null, diagnostic ``optional_nullable_merged``)."""
    if isinstance(orig, dict) and isinstance(back, dict):
        if set(orig) - set(back):
            return False
        if any(back[k] is not None for k in set(back) - set(orig)):
            return False
        return all(only_nulls_added(orig[k], back[k]) for k in orig)
    if isinstance(orig, list) and isinstance(back, list):
        return len(orig) == len(back) and all(
            only_nulls_added(a, b) for a, b in zip(orig, back, strict=True))
    return json_equal(orig, back)
