"""The residual of the original schema: what a wire-valid output still has to be checked for.

An output that the wire schema accepts already meets every constraint the wire schema
carries. After decoding, only the original schema's other constraints can fail: the ones
the compile dropped or moved into a description, and the ones a codec step changes (a
``required`` key whose wire null decodes to absent). ``residual_model`` reads the source
schema's model and the wire schema's model (``_schema._model``: numbered nodes, every
reference resolved) and builds the residual as model nodes in the original shape that keep
exactly those: for every decoded value of a wire-valid output, it accepts the value if and
only if the original schema does. Checking it instead of the whole original schema is what
makes a lossy compile's ``validate_json`` cost little more than an exact one's, and
``_judge`` places it on the wire positions for a one-pass verdict.

The proof is local and conservative, independent of how the compiler got there: a keyword
of the original schema is left out only where the wire schema, at the same instance
position, holds a keyword that implies it (equal or tighter), and the codec there is known
to keep that part of the value (identity, or the object and array codecs for the keywords
they keep); every keyword it cannot prove is kept as written (its subschemas are the source
model's nodes, copied whole), so the residual is never weaker than the original.

References need no care: the model resolved them (``$id``, anchors, references into the
root body or to another resource are nodes like any other), and each residual node keeps
its source node's resource, so a dynamic reference finds the same anchor. Two things
still keep a node whole instead of proving its keywords one by one:

- ``unevaluatedProperties``/``unevaluatedItems``: they read which keys and items the
  other keywords of the node and its in-place subschemas evaluated, so leaving out a proven
  ``properties`` there would change their verdict;
- a codec the proof does not follow (JSON text, unions resolved by value, tuples, a chain of
  references past 64 hops).

Draft differences are the model's: it normalizes every draft to 2020-12, except that
draft-04's ``type: integer`` refuses ``1.0`` (``int4``), which the wire (2020-12) cannot
prove, so it is kept.
"""

from __future__ import annotations

from typing import Any

from .._schema._model import SchemaModel, renumbered, submodel
from ._codec import (
    IDENTITY,
    AnyOfCodec,
    ArrayCodec,
    Codec,
    MapCodec,
    ObjectCodec,
    WrapCodec,
    resolved,
    wire_branches,
)
from ._nodes import json_equal as _json_eq

__all__ = ["residual_model"]

_NOT_ASSERTING = frozenset({"path", "res", "int4", "refAlone"})
_WHOLE = frozenset({"unevaluatedProperties", "unevaluatedItems"})
_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_SAME = ("pattern", "format", "multipleOf")
_LEAF_KEEPS = {  # keyword -> codecs under which the decoded value keeps what it constrains
    **dict.fromkeys(("pattern", "format", "multipleOf", "minimum", "exclusiveMinimum",
                     "maximum", "exclusiveMaximum", "minLength", "maxLength", "enum",
                     "const", "uniqueItems"), (IDENTITY,)),
    **dict.fromkeys(("minItems", "maxItems"), (IDENTITY, ArrayCodec)),
    **dict.fromkeys(("minProperties", "maxProperties"), (IDENTITY,)),
}
_TYPES = frozenset({"null", "boolean", "object", "array", "number", "string", "integer"})

Facts = tuple[int, ...]
"""Wire nodes that all hold for every wire value at one position."""


def _is_null_only(n: dict[str, Any]) -> bool:
    return n.get("type") == "null" or ("const" in n and n["const"] is None) \
        or n.get("enum") == [None]


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class _Residual:
    def __init__(self, source: SchemaModel, wire: SchemaModel,
                 pessimistic: frozenset[tuple] = frozenset()) -> None:
        self.src = source.nodes
        self.wire = wire.nodes
        # A reference met again while its target's residual is being built (recursion:
        # always one instance level deeper, since the loader refuses loops that do not
        # descend) is assumed to check nothing; ``assumed`` records where. An assumption
        # the finished residual does not bear out goes into ``pessimistic`` for the next pass.
        self.pessimistic = pessimistic
        self.assumed: set[tuple] = set()
        self.out: list[Any] = []  # the residual's nodes (None: being built)
        self.memo: dict[tuple, int] = {}  # (target, facts, codec, nonnull) -> its node
        self.building: set[int] = set()
        self.kept: dict[int, int] = {}  # source node -> its whole copy
        self.pending: list[int] = []
        self.keeping = False
        self.true: int | None = None
        self.named: dict[int, dict[str, int]] = {}  # wire node -> its properties by name

    # -- residual nodes ---------------------------------------------------------------------
    def new(self, node: Any) -> int:
        self.out.append(node)
        return len(self.out) - 1

    def keep(self, i: int) -> int:
        """Source node ``i`` copied whole (its subschemas too), as written."""
        j = self.kept.get(i)
        if j is not None:
            return j
        j = self.kept[i] = self.new(None)
        self.pending.append(i)
        if not self.keeping:  # the outermost call copies what the inner ones queued
            self.keeping = True
            try:
                while self.pending:
                    k = self.pending.pop()
                    self.out[self.kept[k]] = renumbered(self.src[k], self.keep)
            finally:
                self.keeping = False
        return j

    def accept_all(self) -> int:
        if self.true is None:
            self.true = self.new({"bool": True, "path": []})
        return self.true

    def is_true(self, j: int) -> bool:
        return self.out[j] is not None and self.out[j].get("bool") is True

    # -- what the wire schema guarantees at a position ----------------------------------
    def facts(self, w: int, nonnull: bool, depth: int = 0) -> list[int]:
        """Wire nodes that all hold for every wire value at this position (non-null
        ones when ``nonnull``)."""
        n = self.wire[w]
        if "bool" in n or depth > 32:
            return []
        out = [w]
        if isinstance(n.get("ref"), int):
            out += self.facts(n["ref"], nonnull, depth + 1)
        for part in n.get("allOf", ()):
            out += self.facts(part, nonnull, depth + 1)
        if "anyOf" in n:
            live = [b for b in n["anyOf"] if not (nonnull and _is_null_only(self.wire[b]))]
            if len(live) == 1:
                out += self.facts(live[0], nonnull, depth + 1)
        return out

    def types(self, facts: Facts, nonnull: bool) -> frozenset[str] | None:
        out: set[str] | None = None
        for f in facts:
            t = self.wire[f].get("type")
            if t is None:
                continue
            ts = {t} if isinstance(t, str) else set(t) if isinstance(t, list) else set()
            if "number" in ts:
                ts.add("integer")
            out = ts if out is None else out & ts
        if out is not None and nonnull:
            out.discard("null")
        return frozenset(out) if out is not None else None

    def find(self, facts: Facts, kw: str) -> list[Any]:
        return [self.wire[f][kw] for f in facts if kw in self.wire[f]]

    def closed(self, f: int) -> bool:
        """Wire node ``f`` allows no key beyond its ``properties``."""
        n = self.wire[f]
        ap = n.get("additionalProperties")
        return isinstance(ap, int) and self.wire[ap].get("bool") is False \
            and "patternProperties" not in n

    def wire_props(self, facts: Facts, name: str) -> list[int]:
        out = []
        for f in facts:
            named = self.named.get(f)
            if named is None:
                named = self.named[f] = {}
                for k, c in reversed(self.wire[f].get("properties", ())):
                    named[k] = c
            if name in named:
                out.append(named[name])
        return out

    # -- the residual of one source node ----------------------------------------------------
    def node(self, i: int, facts: Facts, link: Codec, nonnull: bool) -> int | None:
        """The residual node of source node ``i`` at a wire position (``facts``) reached
        through ``link``; None when it checks nothing there."""
        codec = resolved(link)
        if codec is None:
            return self.keep(i)
        n = self.src[i]
        if "bool" in n:
            return None if n["bool"] else self.keep(i)
        if set(n) <= _NOT_ASSERTING:
            return None
        if isinstance(codec, AnyOfCodec) and facts and _WHOLE.isdisjoint(n):
            return self.union(i, facts, codec, nonnull)
        if not facts or not _WHOLE.isdisjoint(n) or not (
                codec is IDENTITY or isinstance(codec, (ObjectCodec, ArrayCodec, MapCodec))):
            return self.keep(i)
        out: dict[str, Any] = {"path": n.get("path", []), "res": n.get("res", 0)}
        if isinstance(n.get("ref"), int):
            r = self.ref(n["ref"], facts, codec, nonnull)
            if r is not None:
                out["ref"] = r
        props_needed = False
        for kw, value in n.items():
            if kw in _NOT_ASSERTING or kw == "ref":
                continue
            if isinstance(codec, MapCodec):
                self.map_keyword(out, kw, value, n, facts, codec, nonnull)
            elif kw == "properties":
                props = self.properties(value, facts, codec)
                if props:
                    out["properties"] = props
            elif kw == "items" and "prefixItems" not in n:
                r = self.items(value, facts, codec)
                if r is not None:
                    out["items"] = r
            elif kw == "allOf":  # every part at the same position, through the same codec
                parts = [r for x in value if (r := self.node(x, facts, codec, nonnull))
                         is not None]
                if parts:
                    out["allOf"] = parts
            elif kw in ("anyOf", "oneOf") and (codec is IDENTITY or isinstance(codec, ObjectCodec)):
                if not self.alternatives(kw, value, facts, codec, nonnull):
                    out[kw] = [self.keep(x) for x in value]
            elif not self.covered(kw, value, n, facts, codec, nonnull):
                out[kw] = self.kept_value(kw, value)
                props_needed |= kw == "additionalProperties"
        if props_needed and "properties" in n:
            # additionalProperties depends on which keys 'properties' names
            have = dict(out.get("properties", ()))
            out["properties"] = [[k, have.get(k, self.accept_all())] for k, _ in n["properties"]]
        if "type" in out and n.get("int4"):
            out["int4"] = True
        if set(out) <= _NOT_ASSERTING:
            return None
        return self.new(out)

    def union(self, i: int, facts: Facts, codec: AnyOfCodec, nonnull: bool) -> int | None:
        """Source node ``i`` where the codec decodes a value by the first wire branch it
        matches (``wire_branches``; a null branch decodes to itself): proven (None) where it
        holds, through each branch's codec, for every value of that branch; else kept
        whole."""
        for f in facts:
            wires = self.wire[f].get("anyOf")
            if not isinstance(wires, list):
                continue
            found = wire_branches(codec, wires, self.wire)
            if found is None:
                break
            through, null, _way = found
            rest = tuple(g for g in facts if g != f)
            if null is not None and not nonnull:
                through.append((null, IDENTITY))
            if all(self.node(i, tuple(self.facts(b, nonnull)) + rest, part, nonnull) is None
                   for b, part in through):
                return None
            break
        return self.keep(i)

    def kept_value(self, kw: str, value: Any) -> Any:
        """A keyword's value as written, its subschemas copied whole."""
        return renumbered({kw: value}, self.keep)[kw]

    def map_keyword(self, out: dict[str, Any], kw: str, value: Any, n: dict[str, Any],
                    facts: Facts, codec: MapCodec, nonnull: bool) -> None:
        """A keyword of a map sent as ``[{"key": ..., "value": ...}]`` entries, into
        ``out`` unless proven. Only ``type`` and the values' schema are proven."""
        if kw == "type":
            have = self.types(facts, nonnull)
            if have is not None and have <= {"array", "null"}:
                got = {"object" if t == "array" else t for t in have}
                want = {value} if isinstance(value, str) else set(value) if isinstance(
                    value, list) else set()
                if got <= want:
                    return
        elif kw == "additionalProperties" and "properties" not in n \
                and "patternProperties" not in n:
            child = self.entry_facts(facts, "value")
            if child:
                r = self.node(value, child, codec.value, False)
                if r is not None:
                    out[kw] = r
                return
        elif kw == "patternProperties" and "properties" not in n and len(value) == 1 \
                and self.keys_match(facts, value[0][0]):
            # every key matches the one pattern (the wire's key has it): each value meets
            # its schema, which is what additionalProperties says of every member
            child = self.entry_facts(facts, "value")
            if child:
                r = self.node(value[0][1], child, codec.value, False)
                if r is not None:
                    out["additionalProperties"] = r
                return
        elif kw == "additionalProperties" and "properties" not in n \
                and len(n["patternProperties"]) == 1 \
                and self.keys_match(facts, n["patternProperties"][0][0]):
            return  # no key falls to it: every key matches the one pattern
        out[kw] = self.kept_value(kw, value)

    def entry_facts(self, facts: Facts, member: str) -> Facts:
        """The wire nodes of ``member`` (``key`` or ``value``) of a map's entries."""
        entries = [w["items"] for f in facts if "items" in (w := self.wire[f])
                   and "prefixItems" not in w]
        found = [c for e in entries for c in self.wire_props(tuple(self.facts(e, False)),
                                                             member)]
        return tuple(f for v in found for f in self.facts(v, False))

    def keys_match(self, facts: Facts, pattern: str) -> bool:
        """Whether every entry's key has ``pattern`` on the wire (the same pattern)."""
        return any(self.wire[f].get("pattern") == pattern
                   for f in self.entry_facts(facts, "key"))

    def alternatives(self, kw: str, branches: list[int], facts: Facts, codec: Codec,
                     nonnull: bool) -> bool:
        """Whether ``anyOf``/``oneOf`` holds for every value the facts allow, decoded
        through ``codec``: each wire alternative implies one of the branches (and, for
        ``oneOf``, the branches are pairwise disjoint, or, the codec keeping the value as it
        is, each wire alternative implies one and refutes the others, so exactly one
        holds)."""
        apart = kw != "oneOf" or all(self.apart(a, b) for j, a in enumerate(branches)
                                     for b in branches[j + 1:])
        if not apart and codec is not IDENTITY:
            return False
        for o in self.options(facts, nonnull) or [facts]:
            held = [b for b in branches if self.node(b, o, codec, nonnull) is None]
            if not held or not apart and (len(held) > 1 or not all(
                    self.refuted(b, o, nonnull) for b in branches if b not in held)):
                return False
        return True

    def options(self, facts: Facts, nonnull: bool) -> list[Facts] | None:
        """The facts split by the first wire ``anyOf`` among them: per live branch, the
        facts with that branch's own (None: no such union)."""
        for f in facts:
            alts = self.wire[f].get("anyOf")
            if alts is not None:
                live = [b for b in alts if not (nonnull and _is_null_only(self.wire[b]))]
                rest = tuple(g for g in facts if g != f)
                return [tuple(self.facts(b, nonnull)) + rest for b in live]
        return None

    def refuted(self, b: int, facts: Facts, nonnull: bool, depth: int = 0) -> bool:
        """Whether no value the facts allow meets source node ``b`` (conservative: False
        when unsure): its types or values and theirs are apart, or the value is an object
        that a closed wire node keeps from having a key ``b`` requires, or one whose key the
        wire requires has a value ``b``'s property there refutes."""
        nb = self.src[self.deref(b)]
        if "bool" in nb:
            return nb["bool"] is False
        if any(_values_apart(nb, self.wire[f]) for f in facts):
            return True
        tb, tf = _types_of(nb), self.types(facts, nonnull)
        if tf is None:
            return False
        if tb is not None and not tb & tf:
            return True
        if tf != {"object"}:
            return False
        if any(self.closed(f) and any(not self.wire_props((f,), name)
                                      for name in nb.get("required", ()))
               for f in facts):
            return True
        required = {k for f in facts for k in self.wire[f].get("required", ())}
        return depth < 8 and any(
            name in required and (kids := self.wire_props(facts, name)) and self.refuted(
                sub, tuple(x for k in kids for x in self.facts(k, False)), False, depth + 1)
            for name, sub in nb.get("properties", ()))

    def apart(self, a: int, b: int) -> bool:
        """Whether no value matches both source nodes (conservative: False when unsure)."""
        na, nb = self.src[self.deref(a)], self.src[self.deref(b)]
        if "bool" in na or "bool" in nb:
            return na.get("bool") is False or nb.get("bool") is False
        ta, tb = _types_of(na), _types_of(nb)
        if ta is not None and tb is not None and not (ta & tb):
            return True
        return _values_apart(na, nb) or self.excludes(na, nb) or self.excludes(nb, na)

    def excludes(self, a: dict[str, Any], b: dict[str, Any]) -> bool:
        """``a`` is a closed object and ``b`` requires an object key that ``a`` cannot
        have."""
        if a.get("type") != "object" or b.get("type") != "object":
            return False
        ap = a.get("additionalProperties")
        if not isinstance(ap, int) or self.src[ap].get("bool") is not False \
                or "patternProperties" in a:
            return False
        names = {k for k, _ in a.get("properties", ())}
        return any(k not in names for k in b.get("required", ()))

    def deref(self, i: int) -> int:
        for _ in range(64):
            n = self.src[i]
            if set(n) - _NOT_ASSERTING != {"ref"}:
                return i
            i = n["ref"]
        return i

    def ref(self, target: int, facts: Facts, codec: Codec, nonnull: bool) -> int | None:
        key = (target, facts, id(codec), nonnull)
        slot = self.memo.get(key)
        if slot is None:
            slot = self.memo[key] = self.new(None)  # a reference back to it while building
            self.building.add(slot)
            try:
                r = self.node(target, facts, codec, nonnull)
            finally:
                self.building.discard(slot)
            # a finished residual that checks nothing is left out; references made while
            # it was being built stay (to a node that is then `true`)
            self.out[slot] = {"bool": True, "path": []} if r is None else dict(self.out[r])
        elif slot in self.building and key not in self.pessimistic:
            self.assumed.add(key)
            return None
        return None if self.is_true(slot) else slot

    def properties(self, props: list[list[Any]], facts: Facts, codec: Codec) -> list[list[Any]]:
        out: list[list[Any]] = []
        specs = {p.name: p for p in codec.props} if isinstance(codec, ObjectCodec) else None
        closed = any(self.closed(f) for f in facts)
        for name, sub in props:
            if specs is not None:
                spec = specs.get(name)
                if spec is None:  # the decoder never produces this key
                    continue
                wire_name, child_codec = spec.wire_name, spec.codec
                nonnull = spec.mode == "optional"
            else:
                wire_name, child_codec, nonnull = name, IDENTITY, False
            subs = self.wire_props(facts, wire_name)
            if not subs:
                if specs is None and closed:
                    continue  # the wire object never has this key
                out.append([name, self.keep(sub)])
                continue
            child = tuple(f for s in subs for f in self.facts(s, nonnull))
            r = self.node(sub, child, child_codec, nonnull)
            if r is not None:
                out.append([name, r])
        return out

    def items(self, sub: int, facts: Facts, codec: Codec) -> int | None:
        if isinstance(codec, ObjectCodec):
            return self.keep(sub)
        child_codec = codec.items if isinstance(codec, ArrayCodec) else IDENTITY
        subs = [w["items"] for f in facts if "items" in (w := self.wire[f])
                and "prefixItems" not in w]
        if not subs:
            return self.keep(sub)
        child = tuple(f for s in subs for f in self.facts(s, False))
        return self.node(sub, child, child_codec, False)

    # -- one keyword, proven by the wire facts or not -------------------------------------
    def covered(self, kw: str, value: Any, n: dict[str, Any], facts: Facts, codec: Codec,
                nonnull: bool) -> bool:
        """Whether the wire facts imply keyword ``kw`` (with ``value``) of source node
        ``n`` for every value they allow: by themselves, or in each branch of a wire union
        among them."""
        if self.covered_by(kw, value, n, facts, codec, nonnull):
            return True
        options = self.options(facts, nonnull)
        return bool(options) and all(self.covered_by(kw, value, n, o, codec, nonnull)
                                     for o in options or ())

    def covered_by(self, kw: str, value: Any, n: dict[str, Any], facts: Facts,
                   codec: Codec, nonnull: bool) -> bool:
        if kw == "type":
            have = self.types(facts, nonnull)
            want = {value} if isinstance(value, str) else set(value) if isinstance(
                value, list) else None
            if have is None or want is None or not want <= _TYPES:
                return False
            if n.get("int4") and "integer" in want and "number" not in want:
                return False  # the wire's integer takes 1.0, draft-04's does not
            if "number" in want:
                want.add("integer")
            return have <= want
        if kw == "required":
            return all(self.present(r, facts, codec) for r in value)
        if kw == "patternProperties" and "additionalProperties" not in n:
            # no subschema asserts anything (and none decides additionalProperties' keys)
            return all(self.src[x].get("bool") is True or set(self.src[x]) <= _NOT_ASSERTING
                       for _, x in value)
        if kw == "additionalProperties":
            target = self.src[value]
            if target.get("bool") is True or set(target) <= _NOT_ASSERTING:
                return True
            names = {k for k, _ in n.get("properties", ())}
            if isinstance(codec, ObjectCodec):
                return all(p.name in names for p in codec.props)
            if codec is not IDENTITY:
                return False
            return any(self.closed(f) and all(k in names for k, _ in
                                              self.wire[f].get("properties", ()))
                       for f in facts)
        keeps = _LEAF_KEEPS.get(kw)
        if keeps is None or not any(codec is k or (isinstance(k, type) and isinstance(codec, k))
                                    for k in keeps):
            return False
        if kw == "enum":
            return any(
                isinstance(e, list) and all(any(_json_eq(m, v) for v in value)
                                            for m in e if not (nonnull and m is None))
                for e in self.find(facts, "enum"))
        if kw == "const":
            return any(_json_eq(c, value) for c in self.find(facts, "const")) or any(
                isinstance(e, list) and e and all(_json_eq(m, value) for m in e
                                                  if not (nonnull and m is None))
                and any(not (nonnull and m is None) for m in e)
                for e in self.find(facts, "enum"))
        if kw == "uniqueItems":
            return value is True and True in self.find(facts, "uniqueItems")
        found = self.find(facts, kw)
        if kw in _SAME:
            return any(type(h) is type(value) and h == value for h in found)
        if not _is_number(value):
            return False
        if kw in _LOWER:
            return any(_is_number(h) and h >= value for h in found)
        return any(_is_number(h) and h <= value for h in found)

    def present(self, name: Any, facts: Facts, codec: Codec) -> bool:
        """Whether every decoded object at this position has the key ``name``."""
        if isinstance(codec, ObjectCodec):
            spec = next((p for p in codec.props if p.name == name), None)
            if spec is None or spec.mode == "optional":
                return False
            name = spec.wire_name
        elif codec is not IDENTITY:
            return False
        return any(isinstance(r, list) and name in r for r in self.find(facts, "required"))

    # -- the residual as a model ---------------------------------------------------------
    def model(self, root: int, source: SchemaModel) -> SchemaModel:
        """The nodes reachable from ``root``, numbered anew; dynamic anchors kept (whole)
        when a dynamic reference is among them."""
        dynamic = any(n is not None and "dynamicRef" in n for n in self.out)
        anchors = [{name: self.keep(t) for name, t in r.get("dynamic", {}).items()}
                   if dynamic else {} for r in source.resources]
        return submodel(self.out.__getitem__, root, anchors)


def _values_apart(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Both nodes list their values (``const``, ``enum``) and no value is in both."""
    va = [a["const"]] if "const" in a else a.get("enum")
    vb = [b["const"]] if "const" in b else b.get("enum")
    if not isinstance(va, list) or not isinstance(vb, list):
        return False
    return not any(_json_eq(x, y) for x in va for y in vb)


def _types_of(n: dict[str, Any]) -> frozenset[str] | None:
    t = n.get("type")
    if t is None:
        return None
    ts = {t} if isinstance(t, str) else set(t) if isinstance(t, list) else set()
    if "number" in ts:
        ts.add("integer")
    return frozenset(ts)


def residual_model(source: SchemaModel, wire: SchemaModel,
                   codec: Codec) -> SchemaModel | bool | None:
    """The original schema's residual (see the module docstring) as a schema model;
    ``True`` when the wire schema proves everything, None when there is no sound residual
    (validate against the whole original schema then)."""
    facts_of, start = wire.root, codec
    if isinstance(codec, WrapCodec):
        subs = [c for f in _Residual(source, wire).facts(wire.root, False)
                for k, c in wire.nodes[f].get("properties", ()) if k == codec.key]
        if not subs:
            return None
        facts_of, start = subs[0], codec.inner
    pessimistic: frozenset[tuple] = frozenset()
    while True:  # to the fixpoint: every assumption made holds (at most one pass per ref)
        r = _Residual(source, wire, pessimistic)
        try:
            root = r.node(source.root, tuple(r.facts(facts_of, False)), start, False)
        except RecursionError:
            return None
        wrong = {k for k in r.assumed if not r.is_true(r.memo[k])}
        if not wrong:
            break
        pessimistic |= wrong
    if root is None:
        return True
    return r.model(root, source)
