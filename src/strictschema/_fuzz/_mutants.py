"""Mutants: valid instances changed in one place so that they become invalid for a known reason.

``SiteFinder.sites`` walks a valid instance together with the schema model's nodes that apply
at each location (references, ``allOf``, the ``anyOf``/``oneOf`` branches the value matches,
``if`` -> ``then``/``else``, ``dependentSchemas``) and lists the places where a mutation of each kind
makes sense. ``mutate`` applies one; the caller keeps it only if the validator rejects the
result with an error at the mutated path (or at an enclosing ``anyOf``/``oneOf``/``not``/...
that the change made fail), so every mutant is invalid for the stated reason.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any, NamedTuple

from .._compile._merge import json_equal, json_type
from .._paths import Location, json_path
from .._validate._formats import FORMAT_CHECKS
from ._plan import common_types, common_values, never

__all__ = ["KINDS", "Mutant", "Site", "SiteFinder", "error_at", "mutate", "possible_kinds"]

KINDS = (
    "missing_required", "bad_enum", "wrong_type", "extra_key", "null_not_allowed",
    "out_of_range", "pattern_mismatch", "bad_format", "too_few_items", "too_many_items",
    "truncated",
)
# keywords whose error is reported at an enclosing location when a value inside fails
WRAPPERS = frozenset({"anyOf", "oneOf", "not", "if", "then", "else", "contains",
                      "dependentSchemas", "dependencies", "unevaluatedProperties",
                      "unevaluatedItems", "$ref", "allOf"})
_BAD_FORMATS = {
    "date": "2024-02-30", "date-time": "2024-01-01 12:00:00", "time": "25:61:00Z",
    "duration": "P1Y2D", "email": "no-at-sign", "hostname": "-bad-host-",
    "ipv4": "256.1.1.1", "ipv6": "1:::2", "uuid": "not-a-uuid",
}
_WRONG_TYPES: tuple[tuple[str, Any], ...] = (("string", "mutant"), ("integer", 7), ("number", 0.5), ("boolean", True),
                ("array", []), ("object", {}))


class Mutant(tuple):
    """``(kind, instance)``: an instance made invalid by one change, for a known reason.

    ``path`` is where the validator must report it (parts, ``json_path`` as text);
    ``detail`` says what was changed. For ``truncated``, ``instance`` is JSON text (str).
    """

    kind: str
    instance: Any
    path: Location
    detail: str

    def __new__(  # noqa: PYI034 - a tuple subclass, built once
            cls, kind: str, instance: Any, path: Location = (), detail: str = "") -> Mutant:
        self = super().__new__(cls, (kind, instance))
        self.__dict__.update(kind=kind, instance=instance, path=tuple(path), detail=detail)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Mutant is immutable")

    @property
    def json_path(self) -> str:
        return json_path(self.path)

    def __getnewargs__(self) -> tuple:
        return (self.kind, self.instance, self.path, self.detail)

    def __repr__(self) -> str:
        return f"Mutant({self.kind!r}, {self.instance!r}, at={self.json_path!r})"


class Site(NamedTuple):
    kind: str
    path: Location
    """Where the error is expected (the object for missing/extra keys)."""
    info: Any = None


class _At:
    """What applies at one instance location: the flat list of model nodes."""

    __slots__ = ("nodes",)

    def __init__(self, nodes: list[dict[str, Any]]) -> None:
        self.nodes = nodes

    def types(self) -> set[str] | None:
        return common_types(self.nodes)

    def values(self) -> list | None:
        return common_values(self.nodes)

    def get_all(self, kw: str) -> list:
        return [n[kw] for n in self.nodes if kw in n]


def _num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


class SiteFinder:
    """Walks instances against one schema model with ``valid_at(node number, value)``."""

    def __init__(self, model: Any, valid_at: Callable[[Any, Any], bool]) -> None:
        self.model = model
        self.nodes: tuple[dict[str, Any], ...] = model.nodes
        self.valid_at = valid_at

    def closed(self, n: dict[str, Any], kw: str) -> bool:
        """Whether ``n``'s ``kw`` (``additionalProperties``...) is the schema ``false``."""
        return kw in n and never(self.nodes[n[kw]])

    def applicable(self, members: list[int], value: Any) -> _At:
        nodes = self.nodes
        out: list[dict[str, Any]] = []
        seen: set[int] = set()
        stack = list(members)
        while stack:
            i = stack.pop()
            if i in seen:
                continue
            seen.add(i)
            n = nodes[i]
            if "bool" in n:
                continue
            if "ref" in n:
                stack.append(n["ref"])
            if "dynamicRef" in n:
                stack.append(n["dynamicRef"][1])
            out.append(n)
            stack.extend(n.get("allOf", ()))
            for kw in ("anyOf", "oneOf"):
                stack.extend(b for b in n.get(kw, ()) if self.valid_at(b, value))
            if "if" in n:
                branch = "then" if self.valid_at(n["if"], value) else "else"
                if branch in n:
                    stack.append(n[branch])
            if isinstance(value, dict):
                stack.extend(s for k, s in n.get("dependentSchemas", ()) if k in value)
        return _At(out)

    def children(self, at: _At, value: Any) -> list[tuple[str | int, Any, list[int]]]:
        from .._validate._regex import compile_pattern

        nodes = self.nodes
        out: list[tuple[str | int, Any, list[int]]] = []
        if isinstance(value, dict):
            for key, child in value.items():
                members: list[int] = []
                for n in at.nodes:
                    props = dict(n.get("properties", ()))
                    if key in props:
                        members.append(props[key])
                        continue
                    matched = False
                    for p, s in n.get("patternProperties", ()):
                        try:
                            if compile_pattern(p).search(key):
                                members.append(s)
                                matched = True
                        except ValueError:
                            continue
                    addl = n.get("additionalProperties")
                    if not matched and addl is not None and "bool" not in nodes[addl]:
                        members.append(addl)
                out.append((key, child, members))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                members = []
                for n in at.nodes:
                    prefix = n.get("prefixItems", ())
                    target = prefix[i] if i < len(prefix) else n.get("items")
                    if target is not None and "bool" not in nodes[target]:
                        members.append(target)
                out.append((i, child, members))
        return out

    def sites(self, instance: Any, kinds: frozenset[str]) -> list[Site]:
        out: list[Site] = []
        stack: list[tuple[Any, Location, list[int]]] = [(instance, (), [self.model.root])]
        while stack:
            value, path, members = stack.pop()
            at = self.applicable(members, value)
            if not at.nodes:
                continue
            out.extend(self._sites_here(at, value, path, kinds))
            for part, child, child_members in self.children(at, value):
                if child_members:
                    stack.append((child, (*path, part), child_members))
        return out

    def _sites_here(self, at: _At, value: Any, path: Location, kinds: frozenset[str]
                    ) -> list[Site]:
        out: list[Site] = []
        types = at.types()
        values = at.values()
        if "wrong_type" in kinds and types is not None and value is not None:
            out.append(Site("wrong_type", path, types))
        if "null_not_allowed" in kinds and value is not None and (
                (types is not None and "null" not in types)
                or (values is not None and not any(v is None for v in values))):
            out.append(Site("null_not_allowed", path))
        if "bad_enum" in kinds and values is not None:
            out.append(Site("bad_enum", path, values))
        t = json_type(value)
        numeric = t in ("integer", "number") and any(
            k in n for n in at.nodes
            for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"))
        sized = t == "string" and (any(_num(x) and x > 0 for x in at.get_all("minLength"))
                                   or bool(at.get_all("maxLength")))
        if "out_of_range" in kinds and (numeric or sized):
            out.append(Site("out_of_range", path, at))
        if t == "string":
            if "pattern_mismatch" in kinds and at.get_all("pattern"):
                out.append(Site("pattern_mismatch", path, at.get_all("pattern")))
            fmts = [f for f in at.get_all("format") if f in FORMAT_CHECKS]
            if "bad_format" in kinds and fmts:
                out.append(Site("bad_format", path, fmts))
        elif t == "object":
            if "missing_required" in kinds:
                for req in at.get_all("required"):
                    if isinstance(req, list):
                        out.extend(Site("missing_required", path, k) for k in req
                                   if isinstance(k, str) and k in value)
            if "extra_key" in kinds and any(
                    self.closed(n, "additionalProperties")
                    or self.closed(n, "unevaluatedProperties") for n in at.nodes):
                out.append(Site("extra_key", path))
        elif t == "array":
            if "too_few_items" in kinds and any(_num(x) and 0 < x <= len(value)
                                                for x in at.get_all("minItems")):
                out.append(Site("too_few_items", path, at.get_all("minItems")))
            if "too_many_items" in kinds and at.get_all("maxItems"):
                out.append(Site("too_many_items", path, at.get_all("maxItems")))
        return out


def _get(instance: Any, path: Location) -> Any:
    for part in path:
        instance = instance[part]
    return instance


def _replace(instance: Any, path: Location, value: Any) -> Any:
    if not path:
        return value
    out = copy.deepcopy(instance)
    parent = _get(out, path[:-1])
    parent[path[-1]] = value
    return out


def _candidates(site: Site, value: Any) -> list[tuple[Any, str]]:
    """Replacement values for ``site`` (value at the site -> mutated value), best first."""
    kind, info = site.kind, site.info
    if kind == "wrong_type":
        types = info
        return [(v, f"replaced {_short(value)} by {_short(v)} ({t})")
                for t, v in _WRONG_TYPES
                if t not in types and not (t == "integer" and "number" in types)]
    if kind == "null_not_allowed":
        return [(None, f"replaced {_short(value)} by null")]
    if kind == "bad_enum":
        values = info
        t = json_type(value)
        cands: list[Any] = []
        if t == "string":
            strs = [v for v in values if isinstance(v, str)]
            cands = [(strs[0] if strs else value) + "_x", "not-in-enum", ""]
        elif t in ("integer", "number"):
            nums = [v for v in values if _num(v)] or [value]
            cands = [max(nums) + 1, min(nums) - 1, 987654321]
            if t == "number":
                cands.append(max(nums) + 0.5)
        elif t == "boolean":
            cands = [not value]
        return [(c, f"replaced {_short(value)} by {_short(c)} (not in enum)")
                for c in cands if not any(json_equal(c, v) for v in values)]
    if kind == "out_of_range":
        at: _At = info
        if isinstance(value, str):
            cands = []
            mins = [x for x in at.get_all("minLength") if _num(x) and x > 0]
            maxs = [x for x in at.get_all("maxLength") if _num(x)]
            if mins:
                n = math.ceil(max(mins)) - 1
                cands.append((value[:n], f"shortened to {n} characters (minLength {max(mins)})"))
            if maxs:
                n = math.floor(min(maxs)) + 1
                longer = (value + "x" * n)[:n] if len(value) < n else value
                cands.append((longer, f"lengthened to {n} characters (maxLength {min(maxs)})"))
            return cands
        cands = []
        is_int = json_type(value) == "integer"
        for n in at.nodes:
            for kw, ex_kw, below in (("minimum", "exclusiveMinimum", True),
                                     ("maximum", "exclusiveMaximum", False)):
                bound, ex = n.get(kw), n.get(ex_kw)
                bounds: list[tuple[Any, bool]] = []
                if _num(bound):
                    bounds.append((bound, False))
                if _num(ex):
                    bounds.append((ex, True))
                for b, exclusive in bounds:
                    if below:
                        v = (math.floor(b) if exclusive else math.ceil(b) - 1) if is_int else (
                            b if exclusive else b - 1)
                    else:
                        v = (math.ceil(b) if exclusive else math.floor(b) + 1) if is_int else (
                            b if exclusive else b + 1)
                    what = ("exclusive " if exclusive else "") + ("minimum" if below else
                                                                  "maximum")
                    cands.append((v, f"replaced {_short(value)} by {v} ({what} {b})"))
        return cands
    if kind == "pattern_mismatch":
        from .._validate._regex import compile_pattern

        patterns = info
        cands = ["", "!", "\u0663", "mutant \u2603", str(value) + "\u2603"]
        out = []
        for c in cands:
            try:
                if not all(compile_pattern(p).search(c) for p in patterns):
                    detail = (f"replaced {_short(value)} by {_short(c)} "
                              f"(does not match {patterns[0]!r})")
                    out.append((c, detail))
            except ValueError:
                continue
        return out
    if kind == "bad_format":
        return [(_BAD_FORMATS[f],
                 f"replaced {_short(value)} by {_BAD_FORMATS[f]!r} (not a valid {f})")
                for f in info if f in _BAD_FORMATS]
    if kind == "too_few_items":
        n = math.ceil(max(x for x in info if _num(x))) - 1
        return [(value[:n], f"shortened to {n} items (minItems {n + 1})")]
    if kind == "too_many_items":
        n = math.floor(min(x for x in info if _num(x))) + 1
        if n <= len(value):
            return []
        filler = value if value else [None]
        longer = list(value)
        i = 0
        while len(longer) < n:
            longer.append(copy.deepcopy(filler[i % len(filler)]))
            i += 1
        return [(longer, f"lengthened to {n} items (maxItems {n - 1})")]
    return []


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def mutate(site: Site, instance: Any) -> list[tuple[Any, str]]:
    """The mutated instances for ``site`` (whole documents), each with what was changed."""
    if site.kind == "missing_required":
        out = copy.deepcopy(instance)
        del _get(out, site.path)[site.info]
        return [(out, f"removed required property {site.info!r}")]
    if site.kind == "extra_key":
        obj = _get(instance, site.path)
        key = "unexpected"
        i = 1
        while key in obj:
            key = f"unexpected_{i}"
            i += 1
        out = copy.deepcopy(instance)
        _get(out, site.path)[key] = "extra"
        return [(out, f"added property {key!r}")]
    value = _get(instance, site.path)
    return [(_replace(instance, site.path, v), detail) for v, detail in _candidates(site, value)]


def error_at(errors: list[Any], path: Location) -> bool:
    """Whether one of ``errors`` (``ErrorDetail``) is at ``path``, or at an enclosing location
    by a keyword that reports there for a failure inside (``anyOf``, ``oneOf``, ...)."""
    for e in errors:
        loc = tuple(e.location)
        if loc == path:
            return True
        if len(loc) < len(path) and path[:len(loc)] == loc and e.keyword in WRAPPERS:
            return True
    return False


def possible_kinds(model: Any) -> set[str]:
    """Kinds of mutant the schema model can have at all (a quick scan of its nodes)."""
    found = {"truncated"}
    nodes = model.nodes
    for n in nodes:
        if n.get("required"):
            found.add("missing_required")
        if "enum" in n or "const" in n:
            found.update(("bad_enum", "null_not_allowed"))
        if "type" in n:
            found.add("wrong_type")
            t = n["type"]
            if t != "null" and not (isinstance(t, list) and "null" in t):
                found.add("null_not_allowed")
        if any(k in n and never(nodes[n[k]])
               for k in ("additionalProperties", "unevaluatedProperties")):
            found.add("extra_key")
        if any(k in n for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                                "maxLength")) or (_num(n.get("minLength")) and n["minLength"] > 0):
            found.add("out_of_range")
        if "pattern" in n:
            found.add("pattern_mismatch")
        if isinstance(n.get("format"), str) and n["format"] in FORMAT_CHECKS:
            found.add("bad_format")
        if _num(n.get("minItems")) and n["minItems"] > 0:
            found.add("too_few_items")
        if "maxItems" in n:
            found.add("too_many_items")
    return found
