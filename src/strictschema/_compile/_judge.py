"""One program for a lossy compile's whole verdict: the wire schema with the residual placed
on it.

``compiled.validate_json`` must accept exactly the outputs that the wire schema accepts and
whose decoded value the residual (what the wire schema had to drop, ``_residual``) accepts.
Checked in two steps, that is a parse and check of the text, a decode in Python and a second
check of the decoded value. Most codec steps keep a value where the residual looks, so the
residual's constraints can be moved onto the wire positions they constrain, and the core
judges both in its single pass over the text.

The move works on the schema models (numbered nodes). The residual's nodes are appended to
the wire's; at each wire position the codec maps to a residual node, that node joins the
position's ``allOf``. What each codec step allows:

- identity: the decoded value is the wire value, so the residual node applies as it is;
- an object codec: only the residual's ``properties`` (renamed to the wire names). A
  property the codec sends as null when absent gets ``anyOf: [null, residual]``: a wire null
  decodes to no property, which no property schema checks;
- an array codec: ``items``, and ``minItems``/``maxItems`` (the decoder keeps the length);
- a wrap codec: the wrapped property;
- ``$ref`` codecs: followed on both sides.

A wire node can be shared (a definition used in several places). A residual placed in or
below it would then apply in every place, so each node the placement passes through must
be reached only by edges the placement walked, and each with the same residual: otherwise
there is no judge.

Anything else (a residual under a map, JSON text, unions the codec resolves by value, other
keywords beside ``properties``) gives no judge: the two-step route stays. So do a wire
schema with ``unevaluated*`` (a residual joined to a node would count as evaluated there)
and a residual whose dynamic references could find another anchor once placed (its nodes
in more than one resource: a placed node is entered without its ancestors' resources). The
result is exact or absent.

A map's decode fails where two entries share a key. The judge says so too: each wire array
of map entries gets ``uniqueBy: "key"``, a keyword of strictschema's own core (no schema
can write it), so the judge's verdict is the whole route's where decoding cannot fail
otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._schema._model import SchemaModel
from ._codec import IDENTITY, ArrayCodec, Codec, MapCodec, ObjectCodec, WrapCodec, resolved

__all__ = ["judge_model"]

_INT_KEYS = ("ref", "items", "contains", "unevaluatedItems", "additionalProperties",
             "propertyNames", "unevaluatedProperties", "not", "if", "then", "else")
_LIST_KEYS = ("prefixItems", "allOf", "anyOf", "oneOf")
_PAIR_KEYS = ("properties", "patternProperties", "dependentSchemas")
_NOT_ASSERTING = frozenset({"path", "res", "refAlone"})
_KIND = {**dict.fromkeys(_INT_KEYS, 0), **dict.fromkeys(_LIST_KEYS, 1),
         **dict.fromkeys(_PAIR_KEYS, 2), "dynamicRef": 3}


class _Bail(Exception):
    pass


def subschemas(node: dict[str, Any]) -> list[tuple[Any, int]]:
    """Every subschema edge of a model node: ``(edge, child)``, the edge being the keyword,
    ``(keyword, index)`` or ``(keyword, name)``."""
    out: list[tuple[Any, int]] = []
    for k, v in node.items():
        kind = _KIND.get(k)
        if kind is None:
            continue
        if kind == 0:
            if isinstance(v, int):
                out.append((k, v))
        elif kind == 1:
            out += [((k, j), c) for j, c in enumerate(v) if isinstance(c, int)]
        elif kind == 2:
            out += [((k, name), c) for name, c in v]
        else:
            out.append((k, v[1]))
    return out


def renumbered(node: dict[str, Any], f: Callable[[int], int]) -> dict[str, Any]:
    """A copy of a model node with every subschema number ``i`` replaced by ``f(i)``."""
    n = dict(node)
    for k, v in node.items():
        kind = _KIND.get(k)
        if kind is None:
            continue
        if kind == 0:
            if isinstance(v, int):
                n[k] = f(v)
        elif kind == 1:
            n[k] = [f(i) for i in v]
        elif kind == 2:
            n[k] = [[name, f(i)] for name, i in v]
        else:
            n[k] = [v[0], f(v[1])]
    return n


def _shifted(node: dict[str, Any], off: int, res_off: int) -> dict[str, Any]:
    """A residual node renumbered to follow the wire's nodes and resources."""
    n = renumbered(node, lambda i: i + off)
    if "res" in n:
        n["res"] += res_off
    return n


def _scoped_alike(wire: SchemaModel, residual: SchemaModel) -> bool:
    """Whether each residual node placed on a wire position finds the same dynamic
    references as in the residual itself. The placement enters a residual node without its
    ancestors, so their resources are missing from the dynamic scope: the same only when
    the residual has no dynamic reference, or all of it lies in one resource and the wire
    has no dynamic anchor to find first."""
    if not any("dynamicRef" in n for n in residual.nodes):
        return True
    return (len({n["res"] for n in residual.nodes if "res" in n}) <= 1
            and not any(r.get("dynamic") for r in wire.resources))


class _Placer:
    def __init__(self, wire: SchemaModel, residual: SchemaModel | None) -> None:
        self.nodes: list[dict[str, Any]] = [dict(n) for n in wire.nodes]
        off, res_off = len(self.nodes), len(wire.resources)
        self.resources = list(wire.resources)
        self.root_r: int | None = None
        if residual is not None:
            self.nodes += [_shifted(n, off, res_off) for n in residual.nodes]
            self.resources += [
                {**r, "dynamic": {k: v + off for k, v in r.get("dynamic", {}).items()}}
                for r in residual.resources]
            self.root_r = residual.root + off
        self.marked: set[tuple[int, int]] = set()
        self.wire_count = off
        self.placed: dict[int, tuple[int, int]] = {}
        self.null: int | None = None
        self.nullable: dict[int, int] = {}
        self.walked: set[tuple[int, Any]] = set()  # (parent, edge) pairs walked
        self.passed: set[int] = set()  # wire nodes walked through
        self.named: dict[int, dict[str, int]] = {}  # wire node -> its properties by name

    def edge(self, parent: int, key: Any, child: int) -> int:
        self.walked.add((parent, key))
        self.passed.add(child)
        return child

    def sound(self, root: int) -> bool:
        """Every wire node walked through is reached by walked edges only."""
        incoming: dict[int, list[tuple[int, Any]]] = {}
        for i, n in enumerate(self.nodes[:self.wire_count]):
            for e, c in subschemas(n):
                incoming.setdefault(c, []).append((i, e))
        for x in self.passed:
            if x >= self.wire_count:
                continue
            if x == root and incoming.get(x):
                return False  # the root reached again from inside: a context not walked
            if any(e not in self.walked for e in incoming.get(x, ())):
                return False
        return True

    def new(self, node: dict[str, Any]) -> int:
        self.nodes.append(node)
        return len(self.nodes) - 1

    def join(self, w: int, r: int) -> None:
        """Residual node ``r`` applies to the wire value at node ``w`` as it is."""
        n = self.nodes[w]
        if n.get("bool") is True:  # a true schema cannot take keywords: replace it
            self.nodes[w] = {"path": n.get("path", []), "allOf": [r]}
            return
        if n.get("bool") is False:
            return
        n["allOf"] = [*n.get("allOf", []), r]

    def asserting(self, r: int) -> int | None:
        """Residual node ``r`` with hops followed (a lone ``ref`` or one-part ``allOf``);
        None when it checks nothing."""
        for _ in range(64):
            n = self.nodes[r]
            if n.get("bool") is True or set(n) <= _NOT_ASSERTING:
                return None
            keys = set(n) - _NOT_ASSERTING
            if keys == {"ref"}:
                r = n["ref"]
                continue
            if keys == {"allOf"} and len(n["allOf"]) == 1:
                r = n["allOf"][0]
                continue
            return r
        raise _Bail

    def target(self, w: int) -> int:
        """The wire node that holds a position's keywords: ref-only hops followed, and the
        one branch of a nullable ``anyOf`` that is not null."""
        for _ in range(64):
            n = self.nodes[w]
            keys = set(n) - _NOT_ASSERTING
            if keys == {"ref"}:
                w = self.edge(w, "ref", n["ref"])
                continue
            if keys == {"anyOf"}:
                live = [(j, b) for j, b in enumerate(n["anyOf"])
                        if self.nodes[b].get("type") != "null"]
                if len(live) == 1:
                    w = self.edge(w, ("anyOf", live[0][0]), live[0][1])
                    continue
            return w
        raise _Bail

    def place(self, w: int, r: int, ref: Codec) -> None:
        codec = _resolved(ref)
        found = self.asserting(r)
        if found is None:
            return
        r = found
        rn = self.nodes[r]
        self.passed.add(w)
        seen = self.placed.get(w)
        if seen is not None:
            if seen == (r, id(codec)):
                return  # recursion: placed already
            raise _Bail  # one wire position, two residuals
        self.placed[w] = (r, id(codec))
        if codec is IDENTITY:
            self.join(w, r)
            return
        if isinstance(codec, WrapCodec):
            self.place(self.prop(self.target(w), codec.key), r, codec.inner)
            return
        if isinstance(codec, ObjectCodec):
            if set(rn) - _NOT_ASSERTING != {"properties"}:
                raise _Bail
            wo = self.target(w)
            specs = {p.name: p for p in codec.props}
            for name, rc in rn["properties"]:
                spec = specs.get(name)
                if spec is None:
                    continue  # the decoder never produces this key
                child = self.prop(wo, spec.wire_name)
                if spec.mode == "optional" and _resolved(spec.codec) is IDENTITY:
                    # a wire null decodes to no property: the residual checks the others
                    self.place(child, self.or_null(rc), IDENTITY)
                    continue
                # (an object or array codec under an optional property: its residual is
                # properties / items / lengths only, which a null passes)
                self.place(child, rc, spec.codec)
            return
        if isinstance(codec, ArrayCodec):
            keys = set(rn) - _NOT_ASSERTING
            if not keys <= {"items", "minItems", "maxItems"}:
                raise _Bail
            wa = self.target(w)
            lengths: dict[str, Any] = {k: rn[k] for k in ("minItems", "maxItems") if k in rn}
            if lengths:
                self.join(wa, self.new({"path": [], **lengths}))
            if "items" in rn:
                items = self.nodes[wa].get("items")
                if not isinstance(items, int) or "prefixItems" in self.nodes[wa]:
                    raise _Bail
                self.place(self.edge(wa, "items", items), rn["items"], codec.items)
            return
        raise _Bail  # maps, JSON text, unions resolved by value, tuples

    def mark_maps(self, w: int, ref: Codec) -> None:
        """``uniqueBy: "key"`` on every wire array of map entries below ``w``."""
        codec = _resolved(ref)
        if (w, id(codec)) in self.marked or codec is IDENTITY:
            return
        self.marked.add((w, id(codec)))
        walked, passed = set(self.walked), set(self.passed)  # marking is not placing
        try:
            t = self.target(w)
            if isinstance(codec, WrapCodec):
                self.mark_maps(self.prop(t, codec.key), codec.inner)
            elif isinstance(codec, ObjectCodec):
                for spec in codec.props:
                    self.mark_maps(self.prop(t, spec.wire_name), spec.codec)
            elif isinstance(codec, ArrayCodec) and isinstance(self.nodes[t].get("items"), int):
                self.mark_maps(self.nodes[t]["items"], codec.items)
            elif isinstance(codec, MapCodec):
                if not codec.last_wins:
                    self.nodes[t]["uniqueBy"] = "key"
                entry = self.nodes[t].get("items")
                if isinstance(entry, int):
                    self.mark_maps(self.prop(self.target(entry), "value"), codec.value)
        finally:
            self.walked, self.passed = walked, passed

    def prop(self, w: int, name: str) -> int:
        named = self.named.get(w)
        if named is None:
            named = self.named[w] = {}
            for k, i in reversed(self.nodes[w].get("properties", [])):
                named[k] = int(i)
        if name not in named:
            raise _Bail
        return self.edge(w, ("properties", name), named[name])

    def or_null(self, r: int) -> int:
        """A node for ``anyOf: [null, r]`` (one per ``r``)."""
        if r not in self.nullable:
            if self.null is None:
                self.null = self.new({"path": [], "type": "null"})
            self.nullable[r] = self.new({"path": [], "anyOf": [self.null, r]})
        return self.nullable[r]


def _resolved(codec: Codec) -> Codec:
    found = resolved(codec)
    if found is None:
        raise _Bail
    return found


def judge_model(wire: SchemaModel, residual: SchemaModel | None,
                codec: Codec) -> tuple[SchemaModel, bool] | None:
    """The wire model with the residual (if any) placed on it (module docstring), and
    whether every map's entries got marked; None when the residual cannot be placed."""
    if residual is not None and any("unevaluatedProperties" in n or "unevaluatedItems" in n
                                    for n in wire.nodes):
        return None  # a residual joined there would count as evaluated
    if residual is not None and not _scoped_alike(wire, residual):
        return None
    try:
        p = _Placer(wire, residual)
        if p.root_r is not None:
            p.place(wire.root, p.root_r, codec)
        if not p.sound(wire.root):
            return None
    except (_Bail, RecursionError):
        return None
    nodes = list(p.nodes)
    try:
        p.mark_maps(wire.root, codec)
        marked = True
    except (_Bail, RecursionError):
        p.nodes, marked = nodes, False  # maps unmarked: their decode stays a step of its own
    return SchemaModel(nodes=tuple(p.nodes), root=wire.root, resources=tuple(p.resources),
                       index={}), marked
