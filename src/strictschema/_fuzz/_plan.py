"""Schema -> generation plan: the first half of ``strictschema.strategies``.

A *plan* is a small tree (a DAG through ``PRef``) describing how to build valid instances:
constants, numbers, strings, arrays, objects, unions, and filters. Building it first, without
Hypothesis, lets us decide ahead of any draw whether the schema can be satisfied at all (and
say why not), bound recursion, and keep each Hypothesis strategy simple.

How a schema node becomes a plan:

- ``$ref`` and ``allOf`` are *conjunctions*: the node and everything it references are
  gathered into one list of members whose keywords all apply (``allOf`` of objects is exact:
  each member's ``additionalProperties`` applies to the keys that member does not name).
- ``anyOf`` / ``oneOf`` / ``if``-``then``-``else`` distribute over the conjunction and become a
  union of branches (bounded: at most ``MAX_COMBINATIONS``).
- ``enum`` / ``const`` values are checked against the whole node ahead of time, so a constant
  plan only ever holds valid values.
- Keywords that cannot be generated directly (``oneOf`` exclusivity, ``not``, ``if``,
  ``uniqueItems``, ``contains``, ``dependentRequired``, ``propertyNames``, ...) add a filter
  that validates the node with the real validator; generation aims close enough that filters
  rarely reject.
- Recursion: a ``$ref`` that closes a cycle of refs (``"#"`` inside the root, a ``$defs``
  entry reaching itself) goes one level deeper; past ``max_depth`` levels it becomes
  ``PNothing``, so arrays stay empty there, optional keys are left out and unions take a
  branch that ends. A schema that *needs* deeper recursion than that (or endless recursion,
  like a required self-reference) is reported as unsatisfiable. The plan graph is therefore
  acyclic: strategies are built without ``deferred``.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._compile._merge import json_equal, json_type
from .._paths import Location, json_path

__all__ = ["MAX_COMBINATIONS", "Planner"]

MAX_COMBINATIONS = 64
# What the compiler writes into the wire schema's descriptions (the model reads them too):
WIRE_JSON_TEXT = "JSON text of the value."
WIRE_MAP_ENTRIES = "each key at most once"

ANNOTATIONS = frozenset({
    "title", "description", "default", "examples", "example", "$comment", "readOnly",
    "writeOnly", "deprecated", "$schema", "$id", "id", "$anchor", "$dynamicAnchor",
    "$recursiveAnchor", "$vocabulary", "$defs", "definitions", "contentEncoding",
    "contentMediaType", "contentSchema", "discriminator", "nullable", "x-order",
})
FILTER_KW = frozenset({
    "oneOf", "not", "if", "dependentRequired", "dependentSchemas", "dependencies",
    "patternProperties", "propertyNames", "minProperties", "maxProperties", "uniqueItems",
    "contains", "unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$recursiveRef",
})
_APPLICATORS = frozenset({"$ref", "allOf", "anyOf", "oneOf", "if", "then", "else",
                          "$dynamicRef", "$recursiveRef"})
_FAMILY = {
    "string": ("pattern", "format", "minLength", "maxLength"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    "object": ("properties", "required", "additionalProperties", "patternProperties",
               "propertyNames", "minProperties", "maxProperties", "dependentRequired",
               "dependentSchemas", "unevaluatedProperties", "dependencies"),
    "array": ("items", "prefixItems", "additionalItems", "contains", "minItems", "maxItems",
              "uniqueItems", "unevaluatedItems", "minContains", "maxContains"),
}
ALL_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")


# -- the plan ------------------------------------------------------------------------------
class Plan:
    __slots__ = ()


class PNothing(Plan):
    __slots__ = ("loc", "reason")

    def __init__(self, reason: str, loc: Location) -> None:
        self.reason = reason
        self.loc = loc

    def __repr__(self) -> str:
        return f"PNothing({self.reason!r} at {json_path(self.loc)})"


class PAny(Plan):
    __slots__ = ()


class PConst(Plan):
    __slots__ = ("values",)

    def __init__(self, values: list) -> None:
        self.values = values


class PNum(Plan):
    __slots__ = ("hi", "hi_ex", "integer", "lo", "lo_ex", "multiples")

    def __init__(self, integer: bool, lo: Any, lo_ex: bool, hi: Any, hi_ex: bool,
                 multiples: tuple) -> None:
        self.integer = integer
        self.lo, self.lo_ex, self.hi, self.hi_ex = lo, lo_ex, hi, hi_ex
        self.multiples = multiples


class PStr(Plan):
    __slots__ = ("formats", "json_text", "max_len", "min_len", "patterns")

    def __init__(self, min_len: int, max_len: int | None, patterns: tuple, formats: tuple,
                 json_text: bool = False) -> None:
        self.min_len, self.max_len = min_len, max_len
        self.patterns = patterns
        self.formats = formats
        self.json_text = json_text


class PArray(Plan):
    __slots__ = ("contains", "depth", "loc", "max_items", "min_contains", "min_items",
                 "prefix", "rest", "unique", "unique_key")

    def __init__(self, prefix: list[Plan], rest: Plan | None, min_items: int,
                 max_items: int | None, unique: bool, contains: Plan | None,
                 min_contains: int, depth: int, loc: Location) -> None:
        self.prefix, self.rest = prefix, rest
        self.min_items, self.max_items = min_items, max_items
        self.unique = unique
        self.contains, self.min_contains = contains, min_contains
        self.depth = depth
        self.loc = loc
        self.unique_key: str | None = None


class PObject(Plan):
    __slots__ = ("declared", "declared_order", "extras", "loc", "max_extra", "min_extra",
                 "optional", "required")

    def __init__(self, required: dict[str, Plan], optional: dict[str, Plan],
                 extras: list[tuple[Plan, Plan]], min_extra: int, max_extra: int | None,
                 declared: frozenset[str], loc: Location) -> None:
        self.required, self.optional = required, optional
        self.extras = extras
        self.min_extra, self.max_extra = min_extra, max_extra
        self.declared = declared
        self.declared_order: tuple[str, ...] = ()
        self.loc = loc


class PUnion(Plan):
    __slots__ = ("branches", "loc")

    def __init__(self, branches: list[Plan], loc: Location) -> None:
        self.branches = branches
        self.loc = loc


class PFilter(Plan):
    __slots__ = ("inner", "loc", "nodes")

    def __init__(self, inner: Plan, nodes: list[Any], loc: Location) -> None:
        self.inner = inner
        self.nodes = nodes
        self.loc = loc


class PRef(Plan):
    __slots__ = ("_build", "_plan", "ref")

    def __init__(self, ref: str, build: Callable[[], Plan]) -> None:
        self.ref = ref
        self._build = build
        self._plan: Plan | None = None

    def resolve(self) -> Plan:
        if self._plan is None:
            self._plan = self._build()
        return self._plan



def common_types(nodes: list[dict]) -> set[str] | None:
    """The JSON types every node's ``type`` allows (``number`` includes ``integer``), or None
    when no node names a type."""
    types: set[str] | None = None
    for n in nodes:
        t = n.get("type")
        if t is None:
            continue
        ts = {t} if isinstance(t, str) else {x for x in t if isinstance(x, str)}
        if "number" in ts:
            ts.add("integer")
        types = ts if types is None else types & ts
    return types


def common_values(nodes: list[dict]) -> list | None:
    """The values every node's ``enum``/``const`` allows (JSON equality), or None when no
    node has one."""
    values: list | None = None
    for n in nodes:
        if "const" in n:
            vals = [n["const"]]
        elif isinstance(n.get("enum"), list):
            vals = n["enum"]
        else:
            continue
        values = vals if values is None else [
            v for v in values if any(json_equal(v, w) for w in vals)]
    return values

@dataclass(slots=True)
class _M:
    """One member of a conjunction: keywords to read, where refs resolve, the node to check."""

    node: Any
    res: Any
    orig: Any
    done: bool = False


def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


# -- the planner ------------------------------------------------------------------------------
class Planner:
    """Builds the plan of one schema document.

    ``valid_at(node, value)`` must say whether ``value`` is valid under ``node`` (a subschema
    of this document, refs resolved against its root).
    """

    def __init__(self, source: Any, valid_at: Callable[[Any, Any], bool], *, max_depth: int,
                 allow_extra: bool, wire_hints: bool = False) -> None:
        import referencing.jsonschema

        self.src = source
        self.valid_at = valid_at
        self.max_depth = max_depth
        self.allow_extra = allow_extra
        self.wire_hints = wire_hints
        self.legacy = source.draft in ("draft7", "draft6", "draft4")
        self.items_array = source.draft != "draft2020-12"  # items: [...] + additionalItems
        self.spec = {
            "draft2020-12": referencing.jsonschema.DRAFT202012,
            "draft2019-09": referencing.jsonschema.DRAFT201909,
            "draft7": referencing.jsonschema.DRAFT7,
            "draft6": referencing.jsonschema.DRAFT6,
            "draft4": referencing.jsonschema.DRAFT4,
        }[source.draft]
        self.table: dict[tuple[int, int], PRef] = {}  # (target, level) -> plan
        self._keep: list[Any] = []
        self._scc: dict[int, int | None] | None = None
        self._refs_cache: dict[int, list[tuple[Any, Any]]] = {}
        self.approximate = False  # set when something was resolved only approximately

    # -- refs ------------------------------------------------------------------------------
    def lookup(self, ref: str, res: Any, loc: Location) -> tuple[Any, Any]:
        resolved = self.src.lookup(ref, res, loc)
        self._keep.append(resolved.contents)
        return resolved.contents, resolved.resolver

    def enter(self, node: dict, res: Any) -> Any:
        """The resolver inside ``node`` (a nested ``$id`` changes the base URI)."""
        key = "id" if self.src.draft == "draft4" else "$id"
        if key in node and node is not self.src.schema and isinstance(node[key], str):
            try:
                return res.in_subresource(self.spec.create_resource(node))
            except Exception:  # noqa: BLE001 - odd ids: keep the outer base
                self.approximate = True
        return res

    def _refs_in(self, node: Any, res: Any) -> list[tuple[Any, Any]]:
        """(target, resolver) of every ref inside ``node`` (not following refs, not $defs)."""
        cached = self._refs_cache.get(id(node))
        if cached is not None:
            return cached
        out: list[tuple[Any, Any]] = []
        stack: list[tuple[Any, Any]] = [(node, res)]
        while stack:
            n, r = stack.pop()
            if isinstance(n, list):
                stack.extend((x, r) for x in n)
                continue
            if not isinstance(n, dict):
                continue
            r = self.enter(n, r)
            for kw in ("$ref", "$dynamicRef", "$recursiveRef"):
                ref = n.get(kw)
                if isinstance(ref, str):
                    try:
                        out.append(self.lookup(ref if kw != "$recursiveRef" else "#", r, ()))
                    except Exception:  # noqa: BLE001, S112 - unresolvable: no edge
                        continue
            for k, v in n.items():
                if k in ("enum", "const", "default", "examples", "example", "$defs",
                         "definitions") or not isinstance(v, (dict, list)):
                    continue
                stack.append((v, r))
        self._refs_cache[id(node)] = out
        return out

    def scc_of(self, target: Any) -> int | None:
        """The strongly connected component of the ref graph ``target`` is in, when it can
        reach itself through refs (else None). Tarjan's algorithm over the graph reachable
        from the root, computed once."""
        if self._scc is None:
            self._scc = self._sccs()
        if id(target) not in self._scc:  # reached some other way: compute from it
            self._scc.update(self._sccs(target))
        return self._scc.get(id(target))

    def step(self, target: Any, depth: tuple) -> tuple:
        """The depth inside ``target`` reached from ``depth``: one level deeper when the ref
        closes a cycle (target in the same component as where we are), level 0 on entering
        a component (or a target outside any cycle)."""
        scc = self.scc_of(target)
        if scc is None:
            return (None, 0)
        return (scc, depth[1] + 1) if scc == depth[0] else (scc, 0)

    def _sccs(self, start: Any = None) -> dict[int, int | None]:
        root = self.src.schema if start is None else start
        res0 = self.src.resolver()
        nodes: dict[int, tuple[Any, Any]] = {id(root): (root, res0)}
        index: dict[int, int] = {}
        low: dict[int, int] = {}
        on_stack: set[int] = set()
        stack: list[int] = []
        result: dict[int, int | None] = {}
        counter = 0
        succ_cache: dict[int, list[int]] = {}

        def succ(v: int) -> list[int]:
            if v not in succ_cache:
                node, res = nodes[v]
                ids = []
                for t, r in self._refs_in(node, res):
                    nodes.setdefault(id(t), (t, r))
                    ids.append(id(t))
                succ_cache[v] = ids
            return succ_cache[v]

        for v0 in [id(root)]:
            if v0 in index:
                continue
            work = [(v0, 0)]
            while work:
                v, i = work.pop()
                if i == 0:
                    index[v] = low[v] = counter
                    counter += 1
                    stack.append(v)
                    on_stack.add(v)
                s = succ(v)
                if i < len(s):
                    work.append((v, i + 1))
                    w = s[i]
                    if w not in index:
                        work.append((w, 0))
                    elif w in on_stack:
                        low[v] = min(low[v], index[w])
                    continue
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    cyclic = len(comp) > 1 or v in succ(v)
                    for w in comp:
                        result[w] = v if cyclic else None
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
        return result

    # -- entry points --------------------------------------------------------------------
    def root(self) -> Plan:
        schema = self.src.schema
        depth = (self.scc_of(schema), 0)  # a root that refs itself ("#") starts its cycle
        return self.conj([_M(schema, self.src.resolver(), schema)], depth, ())

    def conj(self, members: list[_M], depth: tuple, loc: Location) -> Plan:
        """The plan for values satisfying every member."""
        if len(members) == 1 and not members[0].done:
            m = members[0]
            node = m.node
            if isinstance(node, dict) and isinstance(node.get("$ref"), str) and (
                    self.legacy or all(k == "$ref" or k in ANNOTATIONS for k in node)):
                return self.ref(node["$ref"], self.enter(node, m.res), depth, loc)
        flat, depth2, failure = self.expand(members, depth, loc)
        if failure is not None:
            return failure
        filters: list[Any] = []
        seen_filters: set[int] = set()
        groups: list[list[list[_M]]] = []
        group_nodes: list[Any] = []
        for m in flat:
            if m.done:
                continue
            n = m.node
            if FILTER_KW.intersection(n) and id(m.orig) not in seen_filters:
                seen_filters.add(id(m.orig))
                filters.append(m.orig)
            for kw in ("anyOf", "oneOf"):
                if isinstance(n.get(kw), list) and n[kw]:
                    groups.append([[_M(b, m.res, b)] for b in n[kw]])
                    group_nodes.append(m.orig)
            if "if" in n and ("then" in n or "else" in n):
                first = [_M(n["if"], m.res, n["if"])]
                if "then" in n:
                    first.append(_M(n["then"], m.res, n["then"]))
                second = [_M(n["else"], m.res, n["else"])] if "else" in n else []
                groups.append([first, second])
                group_nodes.append(m.orig)
        if groups:
            base = [_M({k: v for k, v in m.node.items() if k not in _APPLICATORS}
                       if not m.done else m.node, m.res, m.orig, True) for m in flat]
            combos: list[list[_M]] = [[]]
            for g, gnode in zip(groups, group_nodes, strict=True):
                if len(combos) * len(g) > MAX_COMBINATIONS:
                    # too many combinations: leave this group to the filter
                    if id(gnode) not in seen_filters:
                        seen_filters.add(id(gnode))
                        filters.append(gnode)
                    continue
                combos = [c + alt for c in combos for alt in g]
            plan: Plan = self.union([self.conj(base + c, depth2, loc) for c in combos], loc)
        else:
            plan = self.typed(flat, depth2, loc)
        if filters and not isinstance(plan, PNothing):
            plan = PFilter(plan, filters, loc)
        return plan

    def union(self, branches: list[Plan], loc: Location) -> Plan:
        live = [b for b in branches if not isinstance(b, PNothing)]
        if not live:
            return branches[0] if branches else PNothing("no branch", loc)
        return live[0] if len(live) == 1 else PUnion(live, loc)

    def ref(self, ref: str, res: Any, depth: tuple, loc: Location) -> Plan:
        try:
            target, res2 = self.lookup(ref, res, loc)
        except Exception as exc:  # noqa: BLE001 - unresolvable: nothing can be generated
            return PNothing(f"$ref {ref!r} cannot be resolved ({exc})", loc)
        d = self.step(target, depth)
        if d[1] > self.max_depth:
            return PNothing(f"recursion through $ref {ref!r} deeper than max_depth="
                            f"{self.max_depth}", loc)
        key = (id(target), d[1])
        plan = self.table.get(key)
        if plan is None:
            plan = self.table[key] = PRef(
                ref, lambda: self.conj([_M(target, res2, target)], d, loc))
        return plan

    def expand(self, members: list[_M], depth: tuple, loc: Location
               ) -> tuple[list[_M], tuple, PNothing | None]:
        """Resolve refs and allOf into a flat list of members."""
        out: list[_M] = []
        seen: set[int] = set()
        d = depth
        queue = deque(members)
        while queue:
            m = queue.popleft()
            if m.done:
                out.append(m)
                continue
            n = m.node
            if n is True or (isinstance(n, dict) and not n):
                continue
            if n is False:
                return out, d, PNothing("the schema 'false' accepts no value", loc)
            if not isinstance(n, dict) or id(n) in seen:
                continue
            seen.add(id(n))
            res = self.enter(n, m.res)
            refs = []
            if isinstance(n.get("$ref"), str):
                refs.append(n["$ref"])
            if not self.legacy:
                if isinstance(n.get("$dynamicRef"), str):
                    refs.append(n["$dynamicRef"])
                if n.get("$recursiveRef") == "#":
                    refs.append("#")
            for ref in refs:
                try:
                    target, res2 = self.lookup(ref, res, loc)
                except Exception as exc:  # noqa: BLE001
                    if ref is n.get("$ref"):
                        return out, d, PNothing(f"$ref {ref!r} cannot be resolved ({exc})", loc)
                    self.approximate = True
                    continue
                if self.scc_of(target) is not None:
                    d = self.step(target, depth)
                    if d[1] > self.max_depth:
                        return out, d, PNothing(
                            f"recursion through $ref {ref!r} deeper than max_depth="
                            f"{self.max_depth}", loc)
                queue.append(_M(target, res2, target))
            if self.legacy and "$ref" in n:
                continue  # siblings of $ref are ignored before 2019-09
            if isinstance(n.get("allOf"), list):
                queue.extend(_M(s, res, s) for s in n["allOf"])
            out.append(_M(n, res, m.orig))
        return out, d, None

    # -- by type ---------------------------------------------------------------------------
    def typed(self, flat: list[_M], depth: tuple, loc: Location) -> Plan:
        nodes = [m.node for m in flat]
        types = common_types(nodes)
        values = common_values(nodes)
        if values is not None:
            return self.constants(values, types, flat, loc)
        if types is None:
            implied = {t for t, kws in _FAMILY.items() if any(k in n for n in nodes for k in kws)}
            if not implied:
                if all(all(k in ANNOTATIONS or k in _APPLICATORS or k in FILTER_KW for k in n)
                       for n in nodes):
                    return PAny()
                implied = set(ALL_TYPES)
            types = implied
            if "number" in types:
                types.add("integer")
        plans: list[Plan] = []
        if "null" in types:
            plans.append(PConst([None]))
        if "boolean" in types:
            plans.append(PConst([False, True]))
        if "integer" in types:
            plans.append(self.number(nodes, "number" not in types, loc))
        if "string" in types:
            plans.append(self.string(nodes, loc))
        if "array" in types:
            plans.append(self.array(flat, depth, loc))
        if "object" in types:
            plans.append(self.object(flat, depth, loc))
        if not plans:
            return PNothing("no type satisfies every 'type' keyword", loc)
        return self.union(plans, loc)

    def constants(self, values: list, types: set[str] | None, flat: list[_M],
                  loc: Location) -> Plan:
        origs: list[Any] = []
        for m in flat:
            if all(o is not m.orig for o in origs):
                origs.append(m.orig)
        ok: list[Any] = []
        for v in values:
            try:
                t = json_type(v)
            except TypeError:
                continue
            if types is not None and t not in types and not (t == "integer" and "number" in types):
                continue
            if any(json_equal(v, w) for w in ok):
                continue
            if all(self.valid_at(o, v) for o in origs):
                ok.append(v)
        if not ok:
            return PNothing("no enum/const value satisfies the other keywords", loc)
        return PConst(ok)

    def number(self, nodes: list[dict], integer: bool, loc: Location) -> Plan:
        lo: Any = None
        hi: Any = None
        lo_ex = hi_ex = False
        multiples: list[Any] = []

        def tighten_lo(v: Any, ex: bool) -> None:
            nonlocal lo, lo_ex
            if lo is None or v > lo or (v == lo and ex and not lo_ex):
                lo, lo_ex = v, ex

        def tighten_hi(v: Any, ex: bool) -> None:
            nonlocal hi, hi_ex
            if hi is None or v < hi or (v == hi and ex and not hi_ex):
                hi, hi_ex = v, ex

        for n in nodes:
            for kw, emin, tighten in (("minimum", "exclusiveMinimum", tighten_lo),
                                      ("maximum", "exclusiveMaximum", tighten_hi)):
                bound, ex = n.get(kw), n.get(emin)
                if isinstance(ex, bool):  # draft-04
                    if _is_num(bound):
                        tighten(bound, ex)
                else:
                    if _is_num(bound):
                        tighten(bound, False)
                    if _is_num(ex):
                        tighten(ex, True)
            m: Any = n.get("multipleOf")
            if _is_num(m) and m > 0 and all(m != x for x in multiples):
                multiples.append(m)
        if lo is not None and hi is not None and (lo > hi or (lo == hi and (lo_ex or hi_ex))):
            return PNothing(f"no number in the range {lo}..{hi}", loc)
        if integer or multiples:
            lo_i, hi_i = int_bounds(lo, lo_ex, hi, hi_ex)
            if lo_i is not None and hi_i is not None and lo_i > hi_i and integer:
                return PNothing(f"no integer in the range {lo}..{hi}", loc)
        return PNum(integer, lo, lo_ex, hi, hi_ex, tuple(multiples))

    def string(self, nodes: list[dict], loc: Location) -> Plan:
        min_len = 0
        max_len: int | None = None
        patterns: list[str] = []
        formats: list[str] = []
        for n in nodes:
            if _is_num(n.get("minLength")):
                min_len = max(min_len, math.ceil(n["minLength"]))
            if _is_num(n.get("maxLength")):
                v = math.floor(n["maxLength"])
                max_len = v if max_len is None else min(max_len, v)
            if isinstance(n.get("pattern"), str) and n["pattern"] not in patterns:
                patterns.append(n["pattern"])
            if isinstance(n.get("format"), str) and n["format"] not in formats:
                formats.append(n["format"])
        if max_len is not None and min_len > max_len:
            return PNothing(f"minLength {min_len} > maxLength {max_len}", loc)
        json_text = self.wire_hints and any(
            isinstance(n.get("description"), str) and n["description"].endswith(WIRE_JSON_TEXT)
            for n in nodes)
        return PStr(min_len, max_len, tuple(patterns), tuple(formats), json_text)

    def array(self, flat: list[_M], depth: tuple, loc: Location) -> Plan:
        parts: list[tuple[list, Any, Any]] = []  # (prefix, rest, resolver)
        min_items = 0
        max_items: int | None = None
        unique = False
        contains: list[_M] = []
        min_contains = 0
        for m in flat:
            n = m.node
            if self.items_array and isinstance(n.get("items"), list):
                prefix, rest = n["items"], n.get("additionalItems", True)
            elif not self.items_array and isinstance(n.get("prefixItems"), list):
                prefix, rest = n["prefixItems"], n.get("items", True)
            else:
                prefix, rest = [], n.get("items", True)
            if prefix or rest is not True:
                parts.append((prefix, rest, m.res))
            if _is_num(n.get("minItems")):
                min_items = max(min_items, math.ceil(n["minItems"]))
            if _is_num(n.get("maxItems")):
                v = math.floor(n["maxItems"])
                max_items = v if max_items is None else min(max_items, v)
            unique = unique or n.get("uniqueItems") is True
            if "contains" in n:
                contains.append(_M(n["contains"], m.res, n["contains"]))
                mc = n.get("minContains", 1)
                min_contains = max(min_contains, mc if _is_num(mc) and not self.legacy else 1)
        if max_items is not None and min_items > max_items:
            return PNothing(f"minItems {min_items} > maxItems {max_items}", loc)
        n_prefix = max((len(p) for p, _, _ in parts), default=0)
        prefix_plans = []
        for i in range(n_prefix):
            members = [_M(p[i] if i < len(p) else r, res, p[i] if i < len(p) else r)
                       for p, r, res in parts]
            prefix_plans.append(self.conj(members, depth, (*loc, i)))
        rest_members = [_M(r, res, r) for _, r, res in parts]
        rest_plan: Plan | None
        if any(r is False for _, r, _ in parts):
            rest_plan = None
        else:
            rest_plan = self.conj(rest_members, depth, (*loc, n_prefix))
        contains_plan = None
        if contains and min_contains > 0:
            contains_plan = self.conj(rest_members + contains, depth, (*loc, n_prefix))
        plan = PArray(prefix_plans, rest_plan, min_items, max_items, unique, contains_plan,
                      min_contains, depth[1], loc)
        if self.wire_hints and any(
                (isinstance(m.node.get("description"), str)
                 and WIRE_MAP_ENTRIES in m.node["description"]) or _entries(m.node.get("items"))
                for m in flat):
            plan.unique_key = "key"
        return plan

    def object(self, flat: list[_M], depth: tuple, loc: Location) -> Plan:
        from .._validate._regex import compile_pattern

        parts = []
        required: list[str] = []
        declared: list[str] = []
        min_props = 0
        max_props: int | None = None
        closed_unevaluated = False
        names: list[_M] = []
        for m in flat:
            n = m.node
            props = n.get("properties") if isinstance(n.get("properties"), dict) else {}
            pats = n.get("patternProperties") if isinstance(n.get("patternProperties"),
                                                            dict) else {}
            addl = n.get("additionalProperties", True)
            if props or pats or addl is not True:
                parts.append((props, pats, addl, m.res))
            for k in props:
                if k not in declared:
                    declared.append(k)
            if isinstance(n.get("required"), list):
                for k in n["required"]:
                    if isinstance(k, str) and k not in required:
                        required.append(k)
            if _is_num(n.get("minProperties")):
                min_props = max(min_props, math.ceil(n["minProperties"]))
            if _is_num(n.get("maxProperties")):
                v = math.floor(n["maxProperties"])
                max_props = v if max_props is None else min(max_props, v)
            if n.get("unevaluatedProperties") is False:
                closed_unevaluated = True
            if "propertyNames" in n:
                names.append(_M(n["propertyNames"], m.res, n["propertyNames"]))

        def matching(pats: dict, key: str) -> list:
            out = []
            for p, s in pats.items():
                try:
                    if compile_pattern(p).search(key):
                        out.append(s)
                except ValueError:
                    continue
            return out

        def members_for(key: str) -> list[_M] | None:
            ms: list[_M] = []
            evaluated = False
            for props, pats, addl, res in parts:
                if key in props:
                    ms.append(_M(props[key], res, props[key]))
                    evaluated = True
                    continue
                matched = matching(pats, key)
                if matched:
                    ms.extend(_M(s, res, s) for s in matched)
                    evaluated = True
                    continue
                if addl is False:
                    return None
                if addl is not True:
                    ms.append(_M(addl, res, addl))
                    evaluated = True
            if closed_unevaluated and not evaluated:
                return None
            return ms

        req_plans: dict[str, Plan] = {}
        opt_plans: dict[str, Plan] = {}
        for k in required:
            ms = members_for(k)
            if ms is None:
                return PNothing(f"required property {k!r} is not allowed here", loc)
            req_plans[k] = self.conj(ms, depth, (*loc, k))
        for k in declared:
            if k in req_plans:
                continue
            ms = members_for(k)
            if ms is not None:
                opt_plans[k] = self.conj(ms, depth, (*loc, k))
        if max_props is not None and len(req_plans) > max_props:
            return PNothing(f"{len(req_plans)} required properties exceed maxProperties "
                            f"{max_props}", loc)
        extras: list[tuple[Plan, Plan]] = []
        n_known = len(req_plans) + len(opt_plans)
        min_extra = max(0, min_props - n_known)
        if self.allow_extra or min_extra:
            key_base = [_M({"type": "string"}, None, {"type": "string"})] + names
            for props, pats, addl, res in parts:
                for p, s in pats.items():
                    key_plan = self.conj(
                        key_base + [_M({"pattern": p}, None, {"pattern": p})], depth, loc)
                    extras.append((key_plan, self.conj([_M(s, res, s)], depth, (*loc, p))))
            if not closed_unevaluated and all(a is not False for _, _, a, _ in parts):
                vals = [_M(a, r, a) for _, _, a, r in parts if a is not True]
                extras.append((self.conj(key_base, depth, loc),
                               self.conj(vals, depth, (*loc, "*"))))
        if min_extra and not extras:
            return PNothing(f"minProperties {min_props} needs more properties than the "
                            "schema allows", loc)
        max_extra = None if max_props is None else max(0, max_props - len(req_plans))
        plan = PObject(req_plans, opt_plans, extras, min_extra, max_extra,
                       frozenset(declared), loc)
        plan.declared_order = tuple(declared)
        return plan


def _entries(items: Any) -> bool:
    """Whether a wire ``items`` schema is a map entry ``{key: string, value: ...}`` (the
    compiler's map encoding, also when a ``$ref`` description replaced its hint)."""
    return (isinstance(items, dict) and isinstance(items.get("properties"), dict)
            and set(items["properties"]) == {"key", "value"}
            and isinstance(items["properties"]["key"], dict)
            and items["properties"]["key"].get("type") == "string"
            and items.get("additionalProperties") is False)


def int_bounds(lo: Any, lo_ex: bool, hi: Any, hi_ex: bool) -> tuple[int | None, int | None]:
    """The integer range inside (lo, hi) with the given exclusivity."""
    lo_i = hi_i = None
    if lo is not None:
        f = math.floor(lo)
        lo_i = f + 1 if (lo_ex and f == lo) or f < lo else f
    if hi is not None:
        c = math.ceil(hi)
        hi_i = c - 1 if (hi_ex and c == hi) or c > hi else c
    return lo_i, hi_i
