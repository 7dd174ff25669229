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
keywords beside ``properties``) gives no judge: the two-step route stays. The result is
exact or absent.

A map's decode fails where two entries share a key. The judge says so too: each wire array
of map entries gets ``uniqueBy: "key"``, a keyword of strictschema's own core (no schema
can write it), so the judge's verdict is the whole route's where decoding cannot fail
otherwise.
"""

from __future__ import annotations

from typing import Any

from .._schema._model import SchemaModel
from ._codec import IDENTITY, ArrayCodec, Codec, MapCodec, ObjectCodec, WrapCodec, resolved

__all__ = ["judge_model"]

_INT_KEYS = ("ref", "items", "contains", "unevaluatedItems", "additionalProperties",
             "propertyNames", "unevaluatedProperties", "not", "if", "then", "else")
_LIST_KEYS = ("prefixItems", "allOf", "anyOf", "oneOf")
_PAIR_KEYS = ("properties", "patternProperties", "dependentSchemas")
_NOT_ASSERTING = frozenset({"path", "res"})


class _Bail(Exception):
    pass


def _shifted(node: dict[str, Any], off: int, res_off: int) -> dict[str, Any]:
    """A residual node renumbered to follow the wire's nodes and resources."""
    n = dict(node)
    for k in _INT_KEYS:
        if isinstance(n.get(k), int):
            n[k] += off
    for k in _LIST_KEYS:
        if k in n:
            n[k] = [i + off for i in n[k]]
    for k in _PAIR_KEYS:
        if k in n:
            n[k] = [[name, i + off] for name, i in n[k]]
    if "dynamicRef" in n:
        n["dynamicRef"] = [n["dynamicRef"][0], n["dynamicRef"][1] + off]
    if "res" in n:
        n["res"] += res_off
    return n


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

    def edge(self, parent: int, key: Any, child: int) -> int:
        self.walked.add((parent, key))
        self.passed.add(child)
        return child

    def sound(self, root: int) -> bool:
        """Every wire node walked through is reached by walked edges only."""
        incoming: dict[int, list[tuple[int, Any]]] = {}
        for i, n in enumerate(self.nodes[:self.wire_count]):
            for k in _INT_KEYS:
                if isinstance(n.get(k), int):
                    incoming.setdefault(n[k], []).append((i, k))
            for k in _LIST_KEYS:
                for j, c in enumerate(n.get(k, ())):
                    if isinstance(c, int):
                        incoming.setdefault(c, []).append((i, (k, j)))
            for k in _PAIR_KEYS:
                for name, c in n.get(k, ()):
                    incoming.setdefault(c, []).append((i, (k, name)))
            if "dynamicRef" in n:
                incoming.setdefault(n["dynamicRef"][1], []).append((i, "dynamicRef"))
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
        """Residual node ``r`` with ref-only hops followed; None when it checks nothing."""
        for _ in range(64):
            n = self.nodes[r]
            if n.get("bool") is True or set(n) <= _NOT_ASSERTING:
                return None
            if set(n) - _NOT_ASSERTING == {"ref"}:
                r = n["ref"]
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
        for k, i in self.nodes[w].get("properties", []):
            if k == name:
                return self.edge(w, ("properties", name), int(i))
        raise _Bail

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
