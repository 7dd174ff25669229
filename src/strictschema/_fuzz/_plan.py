"""Schema model -> generation plan: the first half of ``strictschema.strategies``.

A *plan* is a small DAG describing how to build valid instances: constants, numbers,
strings, arrays, objects, unions, and filters. Building it first, without Hypothesis, lets
us decide ahead of any draw whether the schema can be satisfied at all (and say why not),
bound recursion, and keep each Hypothesis strategy simple.

The planner reads the schema model (``_schema._model``): nodes normalized to 2020-12 whose
subschemas are node numbers, every reference already resolved. It never resolves a
reference or looks at the draft; it reads a node's source subschema (``model.raw``) only for
the wire schema's descriptions.

How a node becomes a plan:

- ``ref``, ``dynamicRef`` (its static target) and ``allOf`` are *conjunctions*: the node and
  everything it refers to are gathered into one list of members whose keywords all apply
  (``allOf`` of objects is exact: each member's ``additionalProperties`` applies to the keys
  that member does not name).
- ``anyOf`` / ``oneOf`` / ``if``-``then``-``else`` distribute over the conjunction and become a
  union of branches (bounded: at most ``MAX_COMBINATIONS``).
- ``enum`` / ``const`` values are checked against the whole node ahead of time, so a constant
  plan only ever holds valid values.
- Keywords that cannot be generated directly (``oneOf`` exclusivity, ``not``, ``if``,
  ``uniqueItems``, ``contains``, ``dependentRequired``, ``propertyNames``, ``dynamicRef``...)
  add a filter that validates the node with the real validator; generation aims close
  enough that filters rarely reject.
- The same conjunction at the same recursion level is planned once (``Planner.memo``), so a
  definition used in many places, or under many union branches, is one plan: the plan grows
  with the schema, not with the number of paths through it.
- Recursion: a reference into a cycle of the model's graph (``"#"`` inside the root, a
  ``$defs`` entry reaching itself) goes one level deeper; past ``max_depth`` levels it becomes
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

# the model's bookkeeping on a node (not keywords): where it is, its resource, draft-04 ints
_META = frozenset({"path", "res", "int4"})
_ONLY_REF = _META | {"ref"}  # a node that is its reference and nothing more
FILTER_KW = frozenset({
    "oneOf", "not", "if", "dependentRequired", "dependentSchemas", "patternProperties",
    "propertyNames", "minProperties", "maxProperties", "uniqueItems", "contains",
    "unevaluatedProperties", "unevaluatedItems", "dynamicRef",
})
_APPLICATORS = frozenset({"ref", "allOf", "anyOf", "oneOf", "if", "then", "else",
                          "dynamicRef"})
_FAMILY = {
    "string": ("pattern", "format", "minLength", "maxLength"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    "object": ("properties", "required", "additionalProperties", "patternProperties",
               "propertyNames", "minProperties", "maxProperties", "dependentRequired",
               "dependentSchemas", "unevaluatedProperties"),
    "array": ("items", "prefixItems", "contains", "minItems", "maxItems", "uniqueItems",
              "unevaluatedItems", "minContains", "maxContains"),
}
ALL_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")
# where a node keeps its subschemas (node numbers)
_ONE = ("ref", "not", "if", "then", "else", "items", "contains", "unevaluatedItems",
        "additionalProperties", "propertyNames", "unevaluatedProperties")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_NAMED = ("properties", "patternProperties", "dependentSchemas")


def children(node: dict[str, Any]) -> list[int]:
    """Every node ``node`` refers to: references and subschemas alike."""
    out: list[int] = [node[k] for k in _ONE if k in node]
    for k in _MANY:
        out += node.get(k, ())
    for k in _NAMED:
        out += [pair[1] for pair in node.get(k, ())]
    if "dynamicRef" in node:
        out.append(node["dynamicRef"][1])
    return out


def trivial(node: dict[str, Any]) -> bool:
    """Whether a model node accepts every value (``true``, ``{}``, annotations only)."""
    return node.get("bool") is True or node.keys() <= _META


def never(node: dict[str, Any]) -> bool:
    """Whether a model node is the schema ``false``."""
    return node.get("bool") is False


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
    """One member of a conjunction: the keywords to read (a model node, the node without its
    applicators once they are distributed, or a synthetic ``{"type": "string"}``-like dict)
    and what to validate against (the node number, or the synthetic dict)."""

    node: dict[str, Any]
    orig: Any
    done: bool = False


_STRING: dict[str, Any] = {"type": "string"}


def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


# -- the planner ------------------------------------------------------------------------------
class Planner:
    """Builds the plan of one schema model.

    ``valid_at(orig, value)`` must say whether ``value`` is valid under ``orig``: a node
    number of the model, or a small synthetic schema (``{"pattern": ...}``).
    """

    def __init__(self, model: Any, valid_at: Callable[[Any, Any], bool], *, max_depth: int,
                 allow_extra: bool, wire_hints: bool = False) -> None:
        self.model = model
        self.nodes: tuple[dict[str, Any], ...] = model.nodes
        self.raw: tuple[Any, ...] = model.raw
        self.valid_at = valid_at
        self.max_depth = max_depth
        self.allow_extra = allow_extra
        self.wire_hints = wire_hints
        self.table: dict[tuple[int, int], PRef] = {}  # (target, level) -> plan
        self.memo: dict[tuple, Plan] = {}  # (members, depth) -> plan
        self._scc: list[int | None] | None = None
        self._stripped: dict[int, tuple[dict, dict]] = {}
        self._patterns: dict[str, dict] = {}

    def member(self, i: int) -> _M:
        return _M(self.nodes[i], i)

    def where(self, i: int) -> str:
        """A readable name of node ``i`` (its place in the source, as a JSON pointer)."""
        path = self.nodes[i].get("path") or ()
        return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1")
                             for p in path)

    def description(self, m: _M) -> str | None:
        raw = self.raw[m.orig] if isinstance(m.orig, int) and m.orig < len(self.raw) else None
        text = raw.get("description") if isinstance(raw, dict) else None
        return text if isinstance(text, str) else None

    # -- recursion -------------------------------------------------------------------------
    def scc_of(self, target: int) -> int | None:
        """The strongly connected component of the model's graph ``target`` is in, when it
        can reach itself (else None). Tarjan's algorithm over every node, computed once."""
        if self._scc is None:
            self._scc = self._sccs()
        return self._scc[target]

    def step(self, target: int, depth: tuple) -> tuple:
        """The depth inside ``target`` reached from ``depth``: one level deeper when the
        reference closes a cycle (target in the same component as where we are), level 0
        on entering a component (or a target outside any cycle)."""
        scc = self.scc_of(target)
        if scc is None:
            return (None, 0)
        return (scc, depth[1] + 1) if scc == depth[0] else (scc, 0)

    def _sccs(self) -> list[int | None]:
        nodes = self.nodes
        n = len(nodes)
        index = [-1] * n
        low = [0] * n
        on_stack = [False] * n
        stack: list[int] = []
        result: list[int | None] = [None] * n
        succ = [children(x) for x in nodes]
        counter = 0
        for v0 in range(n):
            if index[v0] >= 0:
                continue
            work = [(v0, 0)]
            while work:
                v, i = work.pop()
                if i == 0:
                    index[v] = low[v] = counter
                    counter += 1
                    stack.append(v)
                    on_stack[v] = True
                s = succ[v]
                if i < len(s):
                    work.append((v, i + 1))
                    w = s[i]
                    if index[w] < 0:
                        work.append((w, 0))
                    elif on_stack[w]:
                        low[v] = min(low[v], index[w])
                    continue
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack[w] = False
                        comp.append(w)
                        if w == v:
                            break
                    cyclic = len(comp) > 1 or v in s
                    for w in comp:
                        result[w] = v if cyclic else None
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
        return result

    # -- entry points --------------------------------------------------------------------
    def root(self) -> Plan:
        r = self.model.root
        depth = (self.scc_of(r), 0)  # a root that refers to itself ("#") starts its cycle
        return self.conj([self.member(r)], depth, ())

    def conj(self, members: list[_M], depth: tuple, loc: Location) -> Plan:
        """The plan for values satisfying every member (planned once per members and
        depth: ``loc`` is where it was first needed, for messages)."""
        if len(members) == 1 and not members[0].done:
            node = members[0].node
            if "ref" in node and node.keys() <= _ONLY_REF:
                return self.ref(node["ref"], depth, loc)
        key = (tuple((id(m.node), m.done) for m in members), depth)
        plan = self.memo.get(key)
        if plan is None:
            plan = self.memo[key] = self._conj(members, depth, loc)
        return plan

    def stripped(self, m: _M) -> _M:
        """``m`` without its applicators (distributed by the caller), the same dict each
        time (so conjunctions that contain it are planned once)."""
        if m.done:
            return m
        entry = self._stripped.get(id(m.node))
        if entry is None or entry[0] is not m.node:
            entry = self._stripped[id(m.node)] = (
                m.node, {k: v for k, v in m.node.items() if k not in _APPLICATORS})
        return _M(entry[1], m.orig, True)

    def pattern_node(self, pattern: str) -> dict:
        node = self._patterns.get(pattern)
        if node is None:
            node = self._patterns[pattern] = {"pattern": pattern}
        return node

    def _conj(self, members: list[_M], depth: tuple, loc: Location) -> Plan:
        flat, depth2, failure = self.expand(members, depth, loc)
        if failure is not None:
            return failure
        filters: list[Any] = []
        seen_filters: set[int] = set()
        groups: list[list[list[_M]]] = []
        group_nodes: list[int] = []
        member = self.member
        for m in flat:
            if m.done:
                continue
            n = m.node
            if FILTER_KW.intersection(n) and isinstance(m.orig, int) and \
                    m.orig not in seen_filters:
                seen_filters.add(m.orig)
                filters.append(m.orig)
            for kw in ("anyOf", "oneOf"):
                if n.get(kw):
                    groups.append([[member(b)] for b in n[kw]])
                    group_nodes.append(m.orig)
            if "if" in n and ("then" in n or "else" in n):
                first = [member(n["if"])]
                if "then" in n:
                    first.append(member(n["then"]))
                second = [member(n["else"])] if "else" in n else []
                groups.append([first, second])
                group_nodes.append(m.orig)
        if groups:
            base = [self.stripped(m) for m in flat]
            combos: list[list[_M]] = [[]]
            for g, gnode in zip(groups, group_nodes, strict=True):
                if len(combos) * len(g) > MAX_COMBINATIONS:
                    # too many combinations: leave this group to the filter
                    if gnode not in seen_filters:
                        seen_filters.add(gnode)
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

    def ref(self, target: int, depth: tuple, loc: Location) -> Plan:
        d = self.step(target, depth)
        if d[1] > self.max_depth:
            return PNothing(f"recursion through $ref {self.where(target)!r} deeper than "
                            f"max_depth={self.max_depth}", loc)
        key = (target, d[1])
        plan = self.table.get(key)
        if plan is None:
            plan = self.table[key] = PRef(
                self.where(target), lambda: self.conj([self.member(target)], d, loc))
        return plan

    def expand(self, members: list[_M], depth: tuple, loc: Location
               ) -> tuple[list[_M], tuple, PNothing | None]:
        """Follow references and allOf into a flat list of members."""
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
            if never(n):
                return out, d, PNothing("the schema 'false' accepts no value", loc)
            if trivial(n) or id(n) in seen:
                continue
            seen.add(id(n))
            targets = []
            if "ref" in n:
                targets.append(n["ref"])
            if "dynamicRef" in n:  # its static target; the filter checks the dynamic one
                targets.append(n["dynamicRef"][1])
            for t in targets:
                if self.scc_of(t) is not None:
                    d = self.step(t, depth)
                    if d[1] > self.max_depth:
                        return out, d, PNothing(
                            f"recursion through $ref {self.where(t)!r} deeper than "
                            f"max_depth={self.max_depth}", loc)
                queue.append(self.member(t))
            queue.extend(self.member(s) for s in n.get("allOf", ()))
            out.append(m)
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
                if all(all(k in _META or k in _APPLICATORS or k in FILTER_KW for k in n)
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
            plans.append(self.string(flat, loc))
        if "array" in types:
            plans.append(self.array(flat, depth, loc))
        if "object" in types:
            plans.append(self.object(flat, depth, loc))
        if not plans:
            return PNothing("no type satisfies every 'type' keyword", loc)
        return self.union(plans, loc)

    def constants(self, values: list, types: set[str] | None, flat: list[_M],
                  loc: Location) -> Plan:
        origs: dict[Any, Any] = {}
        for m in flat:
            origs.setdefault(m.orig if isinstance(m.orig, int) else id(m.orig), m.orig)
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
            if all(self.valid_at(o, v) for o in origs.values()):
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
            for kw, ex in (("minimum", False), ("exclusiveMinimum", True)):
                if _is_num(n.get(kw)):
                    tighten_lo(n[kw], ex)
            for kw, ex in (("maximum", False), ("exclusiveMaximum", True)):
                if _is_num(n.get(kw)):
                    tighten_hi(n[kw], ex)
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

    def string(self, flat: list[_M], loc: Location) -> Plan:
        min_len = 0
        max_len: int | None = None
        patterns: list[str] = []
        formats: list[str] = []
        for m in flat:
            n = m.node
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
            (self.description(m) or "").endswith(WIRE_JSON_TEXT) for m in flat)
        return PStr(min_len, max_len, tuple(patterns), tuple(formats), json_text)

    def array(self, flat: list[_M], depth: tuple, loc: Location) -> Plan:
        nodes = self.nodes
        member = self.member
        parts: list[tuple[list[int], int | None]] = []  # (prefix, rest: None = anything)
        min_items = 0
        max_items: int | None = None
        unique = False
        contains: list[_M] = []
        min_contains = 0
        for m in flat:
            n = m.node
            prefix = n.get("prefixItems", [])
            rest = n.get("items")
            if rest is not None and trivial(nodes[rest]):
                rest = None
            if prefix or rest is not None:
                parts.append((prefix, rest))
            if _is_num(n.get("minItems")):
                min_items = max(min_items, math.ceil(n["minItems"]))
            if _is_num(n.get("maxItems")):
                v = math.floor(n["maxItems"])
                max_items = v if max_items is None else min(max_items, v)
            unique = unique or n.get("uniqueItems") is True
            if "contains" in n:
                contains.append(member(n["contains"]))
                mc = n.get("minContains", 1)
                min_contains = max(min_contains, mc if _is_num(mc) else 1)
        if max_items is not None and min_items > max_items:
            return PNothing(f"minItems {min_items} > maxItems {max_items}", loc)
        n_prefix = max((len(p) for p, _ in parts), default=0)
        prefix_plans = []
        for i in range(n_prefix):
            at = [p[i] if i < len(p) else r for p, r in parts]
            prefix_plans.append(self.conj([member(x) for x in at if x is not None], depth,
                                          (*loc, i)))
        rest_members = [member(r) for _, r in parts if r is not None]
        rest_plan: Plan | None
        if any(r is not None and never(nodes[r]) for _, r in parts):
            rest_plan = None
        else:
            rest_plan = self.conj(rest_members, depth, (*loc, n_prefix))
        contains_plan = None
        if contains and min_contains > 0:
            contains_plan = self.conj(rest_members + contains, depth, (*loc, n_prefix))
        plan = PArray(prefix_plans, rest_plan, min_items, max_items, unique, contains_plan,
                      min_contains, depth[1], loc)
        if self.wire_hints and any(
                WIRE_MAP_ENTRIES in (self.description(m) or "")
                or ("items" in m.node and self._entries(m.node["items"])) for m in flat):
            plan.unique_key = "key"
        return plan

    def _entries(self, items: int) -> bool:
        """Whether a wire ``items`` node is a map entry ``{key: string, value: ...}`` (the
        compiler's map encoding, also when a ``$ref`` description replaced its hint)."""
        node = self.nodes[items]
        while "ref" in node and node.keys() <= _ONLY_REF:
            node = self.nodes[node["ref"]]
        props = dict(node.get("properties", ()))
        addl = node.get("additionalProperties")
        return (set(props) == {"key", "value"}
                and self.nodes[props["key"]].get("type") == "string"
                and addl is not None and never(self.nodes[addl]))

    def object(self, flat: list[_M], depth: tuple, loc: Location) -> Plan:
        from .._validate._regex import compile_pattern

        nodes = self.nodes
        member = self.member
        # (properties, patternProperties, additionalProperties: None = anything,
        # False = none, else its node)
        parts: list[tuple[dict[str, int], dict[str, int], Any]] = []
        required: list[str] = []
        declared: list[str] = []
        min_props = 0
        max_props: int | None = None
        closed_unevaluated = False
        names: list[_M] = []
        for m in flat:
            n = m.node
            props = dict(n.get("properties", ()))
            pats = dict(n.get("patternProperties", ()))
            addl: Any = n.get("additionalProperties")
            if addl is not None:
                addl = None if trivial(nodes[addl]) else False if never(nodes[addl]) else addl
            if props or pats or addl is not None:
                parts.append((props, pats, addl))
            for k in props:
                if k not in declared:
                    declared.append(k)
            for k in n.get("required", ()):
                if k not in required:
                    required.append(k)
            if _is_num(n.get("minProperties")):
                min_props = max(min_props, math.ceil(n["minProperties"]))
            if _is_num(n.get("maxProperties")):
                v = math.floor(n["maxProperties"])
                max_props = v if max_props is None else min(max_props, v)
            uneval = n.get("unevaluatedProperties")
            if uneval is not None and never(nodes[uneval]):
                closed_unevaluated = True
            if "propertyNames" in n:
                names.append(member(n["propertyNames"]))

        def matching(pats: dict[str, int], key: str) -> list[int]:
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
            for props, pats, addl in parts:
                if key in props:
                    ms.append(member(props[key]))
                    evaluated = True
                    continue
                matched = matching(pats, key)
                if matched:
                    ms.extend(member(s) for s in matched)
                    evaluated = True
                    continue
                if addl is False:
                    return None
                if addl is not None:
                    ms.append(member(addl))
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
            key_base = [_M(_STRING, _STRING), *names]
            for props, pats, addl in parts:
                for p, s in pats.items():
                    pnode = self.pattern_node(p)
                    key_plan = self.conj([*key_base, _M(pnode, pnode)], depth, loc)
                    extras.append((key_plan, self.conj([member(s)], depth, (*loc, p))))
            if not closed_unevaluated and all(a is not False for _, _, a in parts):
                vals = [member(a) for _, _, a in parts if a is not None]
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
