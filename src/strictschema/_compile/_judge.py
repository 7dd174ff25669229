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
below it would then apply in every place, so an edge the placement did not walk (a context
where it placed nothing) is turned to a copy of the node as the wire was loaded, where the
placement changed the node or one below it (``sound``); a node reached by two edges it
walked gets one residual, the same from both. A `not` that tells a union's branch from an
earlier one reads a copy of that branch as loaded wherever the placement changed it.

Where the residual says more than that (``required``, applicators over requirements, a
map's members, keys and size, a union the codec decodes by its first matching wire branch),
it is translated instead (``_Placer.translate``): a node said of the wire value at that
position, accepting exactly the wire values whose decode the residual accepts, joined there
as a whole. The walk then judges that position on its tape. What no translation covers
(JSON text, tuples, ``minProperties`` beside nulls that decode to absent, ...) gives no
judge: the two-step route stays. So do a wire
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

import json
from collections.abc import Callable
from typing import Any

from .._schema._model import SchemaModel, renumbered, subschemas
from ._codec import (
    IDENTITY,
    AnyOfCodec,
    ArrayCodec,
    Codec,
    JsonTextCodec,
    MapCodec,
    ObjectCodec,
    PropertySpec,
    WrapCodec,
    resolved,
    wire_branches,
)

__all__ = ["judge_model"]

_NOT_ASSERTING = frozenset({"path", "res", "refAlone"})
# property modes (`PropertySpec.mode`) whose property every decoded object has
_ALWAYS = frozenset({"required", "default", "nullable"})
# every JSON type ("number" takes in the integers)
_TYPES = frozenset({"array", "boolean", "null", "number", "object", "string"})
_SCALAR_ONLY = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                          "multipleOf", "minLength", "maxLength", "pattern", "format"})
_ARRAY_ONLY = frozenset({"items", "prefixItems", "contains", "minContains", "maxContains",
                         "minItems", "maxItems", "uniqueItems"})
_OBJECT_ONLY = frozenset({"properties", "patternProperties", "additionalProperties",
                          "required", "propertyNames", "dependentRequired",
                          "dependentSchemas", "minProperties", "maxProperties"})


class _Bail(Exception):
    pass


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
        self.placed: dict[int, tuple[int, int, bool]] = {}
        self.null: int | None = None
        self.nullable: dict[int, int] = {}
        self.walked: set[tuple[int, Any]] = set()  # (parent, edge) pairs walked
        self.passed: set[int] = set()  # wire nodes walked through
        self.named: dict[int, dict[str, int]] = {}  # wire node -> its properties by name
        self.translated: dict[tuple[int, int, int], int] = {}
        self.not_null: int | None = None
        self.root_w = wire.root
        self.merged_one: set[int] = set()  # wire nodes a residual's oneOf was merged into
        # the wire's edges as loaded (merges add edges, which are not placements)
        self.wire_edges = [subschemas(n) for n in self.nodes[:off]]
        # wire node -> the (parent, edge) pairs that reach it as loaded (`private`, `sound`)
        self.incoming: dict[int, list[tuple[int, Any]]] = {}
        for i, edges in enumerate(self.wire_edges):
            for e, c in edges:
                self.incoming.setdefault(c, []).append((i, e))
        self.loaded = wire.nodes  # the wire's nodes as loaded (`as_loaded`)
        # each `not` of an earlier wire branch (`unlike`) -> the branch, which it reads as
        # loaded
        self.nots: dict[int, int] = {}
        # unions and map entries the translation is inside (`first_branch`,
        # `map_entries`): no `jsonText` there (`json_text`)
        self.unions = 0
        # translations said under a disjunction or a negation (a residual's anyOf, oneOf,
        # not, if, a property's "null or", a map entry's key): nothing they say may merge
        # into a wire node, which holds for every value (`first_branch`, `held`)
        self.cond = 0

    def edge(self, parent: int, key: Any, child: int) -> int:
        self.walked.add((parent, key))
        self.passed.add(child)
        return child

    def sound(self, root: int) -> bool:
        """Every wire node walked through is reached by walked edges only (the wire's own:
        those a merge adds, a `not` of a wire branch, read nodes no placement changes).
        An edge the placement did not walk (a context where it placed nothing: another
        use of a shared definition) is turned to a copy of its node as the wire was loaded
        (``as_loaded``); False where that cannot be (the root reached again from inside,
        a node reached by walked and unwalked edges from one parent, a copy too large)."""
        incoming = self.incoming
        # the wire nodes the placement changed, and those that reach one (`dirty`): only
        # those read otherwise than as loaded
        dirty = {i for i in range(self.wire_count)
                 if not _same(self.nodes[i], self.loaded[i])}
        todo = list(dirty)
        while todo:
            for p, _ in incoming.get(todo.pop(), ()):
                if p not in dirty:
                    dirty.add(p)
                    todo.append(p)
        copies = 0
        for n, e in self.nots.items():  # a `not` of a wire branch the placement changed:
            if e in dirty:  # of a copy
                copy = self.as_loaded(e)
                copies += 1
                if copy is None or copies > 64:
                    return False
                self.nodes[n]["not"] = copy
        for x in sorted(self.passed):
            if x >= self.wire_count or x not in dirty:
                continue
            if x == root and incoming.get(x):
                return False  # the root reached again from inside: a context not walked
            edges = incoming.get(x, [])
            parents = {p for p, e in edges if (p, e) not in self.walked}
            if not parents:
                continue
            if any(p in parents for p, e in edges if (p, e) in self.walked):
                return False
            copy = self.as_loaded(x)
            copies += 1
            if copy is None or copies > 64:
                return False
            for p in parents:
                self.nodes[p] = renumbered(self.nodes[p], _to(x, copy))
                self.named.pop(p, None)
        return True

    def new(self, node: dict[str, Any]) -> int:
        self.nodes.append(node)
        return len(self.nodes) - 1

    def join(self, w: int, r: int) -> None:
        """Residual node ``r`` applies to the wire value at node ``w`` as it is: its
        keywords merged into ``w`` where they can be (``merge``), else joined as a whole."""
        n = self.nodes[w]
        if n.get("bool") is True:  # a true schema cannot take keywords: replace it
            self.nodes[w] = {"path": n.get("path", []), "allOf": [r]}
            return
        if n.get("bool") is False:
            return
        if self.merge(w, r, 0):
            return
        n["allOf"] = [*n.get("allOf", []), r]

    def private(self, w: int) -> bool:
        """Whether wire node ``w`` is reached by one edge only (not the root): keywords
        merged into it apply at one position."""
        return w < self.wire_count and w != self.root_w and len(self.incoming.get(w, ())) == 1

    def merge(self, w: int, r: int, depth: int) -> bool:
        """Residual node ``r`` said of wire node ``w``'s value as keywords of ``w`` itself,
        so that the walk meets one node there, not two (a draft-04 ``integer`` beside the
        wire's, bounds the wire dropped, the residual's ``items`` and ``properties`` merged
        into the wire's own, one level down each). True when all of ``r`` went in; False
        leaves ``r`` to be joined whole (what went in is then said twice: still exact).
        ``r`` may be the ``anyOf: [null, x]`` of an optional property (``or_null``): a null
        passes ``x``'s keywords but ``type``, which then takes null in.

        Only keywords the two nodes do not both hold merge, but for ``type`` (the
        intersection), ``required`` (the union) and equal values; ``additionalProperties``
        only where ``w`` takes no objects or closes on fewer names already."""
        if r in self.nots:
            return False  # a `not` of an earlier branch stays a node (`sound` may copy its e)
        rn = self.nodes[r]
        keys = set(rn) - _NOT_ASSERTING
        nullable = False
        if (keys == {"anyOf"} and self.null is not None and len(rn["anyOf"]) == 2
                and rn["anyOf"][0] == self.null):
            found = self.asserting(rn["anyOf"][1])
            if found is None:
                return True
            r, rn, nullable = found, self.nodes[found], True
            keys = set(rn) - _NOT_ASSERTING
        wn = self.nodes[w]
        if depth > 64 or "bool" in rn or "bool" in wn:
            return False
        if keys & {"patternProperties", "additionalProperties"}:
            closed = self.named_members(w, r)
            if closed is not None:
                r, rn = closed, self.nodes[closed]
                keys = set(rn) - _NOT_ASSERTING
        if not keys <= _MERGING or (nullable and keys & _SAID_OF_NULL):
            return False
        typed = _merged_type(wn, rn, nullable)
        if typed is None:
            return False
        for k in keys - _MERGED_APART:
            if k in wn and wn[k] != rn[k]:
                return False
        if "additionalProperties" in keys and not (
                "object" not in (_type_set(wn) or {"object"})
                or _closed(self.nodes, rn) and _closed(self.nodes, wn)
                and {k for k, _ in wn.get("properties", [])}
                <= {k for k, _ in rn.get("properties", [])}):
            return False
        if "items" in keys and ("prefixItems" in wn or "prefixItems" in rn):
            return False
        # the parts below the node first: a part that fails leaves the node as it was
        whole = True
        if "items" in keys:
            if isinstance(wn.get("items"), int):
                child = wn["items"]
                whole = (self.private(child) and self.merge(
                    self.edge(w, "items", child), rn["items"], depth + 1))
            elif "items" in wn:
                whole = False
        if "properties" in keys:
            named = self.names_of(w)
            for name, rc in rn["properties"]:
                child = named.get(name)
                if child is None:
                    whole = whole and not ("additionalProperties" in wn
                                           or "patternProperties" in wn)
                elif not (self.private(child) and self.merge(
                        self.edge(w, ("properties", name), child), rc, depth + 1)):
                    whole = False
        if not whole:
            return False
        if "items" in keys and "items" not in wn:
            wn["items"] = rn["items"]
        if "properties" in keys:
            have = {k for k, _ in wn.get("properties", [])}
            extra = [[k, c] for k, c in rn["properties"] if k not in have]
            if extra:
                wn["properties"] = [*wn.get("properties", []), *extra]
                self.named.pop(w, None)
        if "required" in keys:
            wn["required"] = list(dict.fromkeys([*wn.get("required", []), *rn["required"]]))
        if "allOf" in keys:
            wn["allOf"] = [*wn.get("allOf", []), *rn["allOf"]]
        if "oneOf" in keys:
            self.merged_one.add(w)  # (`_exclusive_as_any` looks at it too)
        for k in keys & (_MERGING - _MERGED_APART):
            wn[k] = rn[k]
        wn.pop("int4", None)
        wn.update(typed)
        return True

    def named_members(self, w: int, r: int) -> int | None:
        """Residual node ``r`` with its ``patternProperties`` and ``additionalProperties``
        said as ``properties``, where wire node ``w`` closes its objects on the names it
        lists (``additionalProperties: false``, no patterns): an object that meets ``w``
        has no other member, so each pattern's schema applies to the listed names it
        matches (known now, ECMA-262) and ``additionalProperties`` to those neither named
        nor matched. None where ``w`` is not so closed."""
        wn, rn = self.nodes[w], self.nodes[r]
        ap = wn.get("additionalProperties")
        if ("patternProperties" in wn or not isinstance(ap, int)
                or self.nodes[ap].get("bool") is not False):
            return None
        parts: dict[str, list[int]] = {}
        own: dict[str, list[int]] = {}  # (by name: a wide object is no square of its width)
        for k, c in rn.get("properties", []):
            own.setdefault(k, []).append(int(c))
        for name, _ in wn.get("properties", []):
            mine = own.get(name, [])
            matched = [int(c) for pattern, c in rn.get("patternProperties", [])
                       if _matches(pattern, name)]
            if not (mine or matched) and "additionalProperties" in rn:
                matched = [rn["additionalProperties"]]
            if mine or matched:
                parts[name] = [*mine, *matched]
        out = {k: v for k, v in rn.items()
               if k not in ("properties", "patternProperties", "additionalProperties")}
        if parts:
            out["properties"] = [
                [k, cs[0] if len(cs) == 1 else self.new({"path": [], "allOf": cs})]
                for k, cs in parts.items()]
        return self.new(out)

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
        one branch of a nullable ``anyOf`` that is not null, read as the wire was loaded
        (what a placement merged into a hop applies there, beside what it leads to)."""
        for _ in range(64):
            n = self.loaded[w] if w < self.wire_count else self.nodes[w]
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

    def place(self, w: int, r: int, ref: Codec, gone_null: bool = False) -> None:
        """Residual node ``r`` placed at wire node ``w``, whose value ``ref`` decodes;
        ``gone_null``: a wire null there decodes to no property (an optional property's),
        which no residual checks."""
        codec = _resolved(ref)
        found = self.asserting(r)
        if found is None:
            return
        r = found
        rn = self.nodes[r]
        self.passed.add(w)
        seen = self.placed.get(w)
        if seen is not None:
            if seen[1:] == (id(codec), gone_null) and _alike(self.nodes, seen[0], r):
                return  # recursion, or a residual alike from another context: placed already
            raise _Bail  # one wire position, two residuals
        self.placed[w] = (r, id(codec), gone_null)

        def said(t: int) -> int:  # a translation, a null passing where it decodes to absent
            return self.or_null(t) if gone_null else t

        if codec is IDENTITY:
            self.join(w, r)
            return
        if isinstance(codec, WrapCodec):
            self.place(self.prop(self.target(w), codec.key), r, codec.inner)
            return
        if isinstance(codec, ObjectCodec):
            if set(rn) - _NOT_ASSERTING != {"properties"}:
                # other keywords (required, anyOf of requirements, ...): said of the wire
                # value at this position, all together
                self.join(w, said(self.held(r, codec, w, 0, gone_null)))
                return
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
                self.place(child, rc, spec.codec, spec.mode == "optional")
            return
        if isinstance(codec, ArrayCodec):
            keys = set(rn) - _NOT_ASSERTING
            if not keys <= {"items", "minItems", "maxItems"}:
                self.join(w, said(self.held(r, codec, w, 0, gone_null)))
                return
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
        if isinstance(codec, AnyOfCodec):
            wn = self.nodes[w]
            union = set(wn) - _NOT_ASSERTING == {"anyOf"}
            # (where the translation stands for the wire's union, a null has a branch of
            # its own there: what merges into the wire's branches holds for the others)
            t = self.held(r, codec, w, 0, gone_null and not union)
            if union and set(self.nodes[t]) - _NOT_ASSERTING == {"anyOf"}:
                # each branch of the translation is one of the wire's and more: it stands
                # for the wire's union (one union for the walk to try, not two)
                wn["anyOf"] = [*([self.null_node()] if gone_null else []),
                               *self.nodes[t]["anyOf"]]
                return
            self.join(w, said(t))
            return
        if isinstance(codec, (MapCodec, JsonTextCodec)):
            self.join(w, said(self.held(r, codec, w, 0, gone_null)))
            return
        raise _Bail  # tuples

    def translate(self, r: int, ref: Codec, w: int, depth: int = 0) -> int:
        """A node that accepts a wire value at wire node ``w`` exactly when residual node
        ``r`` accepts what ``ref`` decodes it to.

        Object and array codecs decode anything but their container to itself, so ``type``
        and the applicators carry over as they are; an object's ``required`` and
        ``properties`` move to the wire names (a property whose wire null decodes to absent
        is present when not null), an array's ``items`` to its items' codec and its lengths
        as they are. A union decoded by the first wire branch that matches becomes, per
        branch, "this branch and none before it, and the residual through its codec". Other
        keywords and codecs: no translation (``_Bail``)."""
        codec = _resolved(ref)
        if codec is IDENTITY or "bool" in self.nodes[r] or self.asserting(r) is None:
            return r  # (true or false, or checking nothing: whatever the decode makes)
        if isinstance(codec, JsonTextCodec):
            return self.json_text(r, w)
        if isinstance(codec, WrapCodec) and depth <= 64:
            # the value sits under the wrapper's one key (which the wire requires)
            t = self.translate(r, codec.inner, self.prop(self.target(w), codec.key), depth + 1)
            return self.new({"path": [], "required": [codec.key], "properties": [[codec.key, t]]})
        if depth > 64 or not isinstance(codec, (ObjectCodec, ArrayCodec, AnyOfCodec, MapCodec)):
            raise _Bail
        if isinstance(codec, MapCodec) and codec.last_wins:
            raise _Bail  # a repeated key's first value is on the wire, not in the dict
        key = (r, id(codec), w)
        if key in self.translated:
            return self.translated[key]
        n = self.nodes[r]
        if "bool" in n:
            return r
        keys = set(n) - _NOT_ASSERTING
        at = self.translated[key] = self.new({})  # recursion finds it
        if isinstance(codec, AnyOfCodec):
            self.nodes[at] = {"path": [], "anyOf": self.first_branch(r, codec, w, depth)}
            return at
        if isinstance(codec, MapCodec):
            self.nodes[at] = self.map_entries(n, keys, codec, w, depth)
            return at
        out: dict[str, Any] = {k: n[k] for k in ("path", "res", "type", "int4") if k in n}
        # keywords about other kinds of values: those decode to themselves
        other = _ARRAY_ONLY if isinstance(codec, ObjectCodec) else _OBJECT_ONLY
        out.update({k: n[k] for k in keys & (_SCALAR_ONLY | other)})
        out.update(self.applicators(n, codec, w, depth))
        common = {"type", "int4", "anyOf", "oneOf", "allOf", "not", "if", "then", "else",
                  "ref", "enum", "const"} | _SCALAR_ONLY | other
        # listed values with no container of the codec's kind: what the codec decodes is
        # none of them, what it leaves alone is itself
        kind = dict if isinstance(codec, ObjectCodec) else list
        for k in keys & {"enum", "const"}:
            if any(isinstance(m, kind) for m in (n[k] if k == "enum" else [n[k]])):
                raise _Bail
            out[k] = n[k]
        if isinstance(codec, ObjectCodec):
            if not keys <= common | {"properties", "required", "additionalProperties",
                                     "minProperties", "maxProperties", "dependentRequired",
                                     "dependentSchemas", "patternProperties"}:
                raise _Bail
            specs = {p.name: p for p in codec.props}
            if "minProperties" in n:
                out["allOf"] = [*out.get("allOf", []),
                                *self.some_member(n["minProperties"], codec)]
            if "maxProperties" in n:
                out["allOf"] = [*out.get("allOf", []),
                                *self.most_members(n["maxProperties"], codec)]
            if "dependentRequired" in n:
                out["allOf"] = [*out.get("allOf", []),
                                *self.dependent_required(n["dependentRequired"], specs)]
            for name, rs in n.get("dependentSchemas", []):
                # "name absent, or the object meets the schema" (never there: nothing)
                spec = specs.get(name)
                if spec is not None:
                    out["allOf"] = [*out.get("allOf", []), self.new({"path": [], "anyOf": [
                        self.absent(spec), self.held(rs, codec, w, depth + 1)]})]
            where: dict[str, list[int]] = {}
            required: list[str] = []
            for name in n.get("required", []):
                spec = specs.get(name)
                if spec is None:  # the decoded object never has it: no object passes
                    out["allOf"] = [*out.get("allOf", []), self.not_object_node()]
                    continue
                required.append(spec.wire_name)
                if spec.mode == "optional":  # present once decoded: not null on the wire
                    where.setdefault(spec.wire_name, []).append(self.not_null_node())
            wo = self.target(w)
            for name, rc in n.get("properties", []):
                spec = specs.get(name)
                if spec is None:
                    continue  # the decoder never produces this key
                t = self.held(rc, spec.codec, self.prop(wo, spec.wire_name), depth + 1,
                              spec.mode == "optional")
                if spec.mode == "optional":  # a wire null decodes to no property
                    t = self.or_null(t)
                where.setdefault(spec.wire_name, []).append(t)
            # the decoded keys are the codec's names: a pattern's schema is said of the
            # properties whose names it matches (known now), additionalProperties of those
            # neither the residual's properties nor its patterns name
            named = {name for name, _ in n.get("properties", [])}
            for pattern, rc in n.get("patternProperties", []):
                for spec in codec.props:
                    if not _matches(pattern, spec.name):
                        continue
                    named.add(spec.name)
                    t = self.held(rc, spec.codec, self.prop(wo, spec.wire_name), depth + 1,
                                  spec.mode == "optional")
                    if spec.mode == "optional":
                        t = self.or_null(t)
                    where.setdefault(spec.wire_name, []).append(t)
            if "additionalProperties" in n:
                for spec in codec.props:
                    if spec.name in named:
                        continue
                    t = self.held(n["additionalProperties"], spec.codec,
                                  self.prop(wo, spec.wire_name), depth + 1,
                                  spec.mode == "optional")
                    if spec.mode == "optional":
                        t = self.or_null(t)
                    where.setdefault(spec.wire_name, []).append(t)
            if required:
                out["required"] = required
            if where:
                out["properties"] = [
                    [name, ts[0] if len(ts) == 1 else self.new({"path": [], "allOf": ts})]
                    for name, ts in where.items()]
        else:
            if not keys <= common | {"items", "minItems", "maxItems", "uniqueItems"}:
                raise _Bail
            out.update({k: n[k] for k in ("minItems", "maxItems") if k in n})
            if n.get("uniqueItems") is True:
                # two items equal on the wire exactly when their decodes are: the items'
                # codec maps wire values one to one
                if not _one_to_one(codec.items):
                    raise _Bail
                out["uniqueItems"] = True
            if "items" in n:
                wa = self.target(w)
                items = self.nodes[wa].get("items")
                if not isinstance(items, int) or "prefixItems" in self.nodes[wa]:
                    raise _Bail
                out["items"] = self.translate(n["items"], codec.items,
                                              self.edge(wa, "items", items), depth + 1)
        self.nodes[at] = out
        return at

    def json_text(self, r: int, w: int) -> int:
        """``translate`` for JSON text at a wire string: its type alone said of the text
        (``json_text_type``), else ``jsonText: r``, the core's own keyword: the string,
        parsed strictly as JSON, is a value ``r`` accepts (the decode's own parse)."""
        try:
            return self.json_text_type(r, w)
        except _Bail:
            pass
        if self.unions or self.nodes[self.target(w)].get("type") != "string":
            # (inside a union the walk tries branch by branch, and map entries go to the
            # tape, each parsing the text again: slower than judging the decoded value)
            raise _Bail
        return self.new({"path": [], "jsonText": r})

    def json_text_type(self, r: int, w: int) -> int:
        """``translate`` for JSON text at a wire string: a residual of ``type`` alone (no
        integer), behind lone references, said of the text by its first character past
        white space (the decode's strict parse refuses whatever else is wrong with the
        text). Other keywords: no translation (``_Bail``)."""
        a = self.asserting(r)
        n = self.nodes[r if a is None else a]
        keys = {k for k in set(n) - _NOT_ASSERTING - {"int4"} if not (
            k in ("additionalProperties", "items") and isinstance(n[k], int)
            and self.asserting(n[k]) is None)}  # (subschemas that check nothing)
        if keys != {"type"} or self.nodes[self.target(w)].get("type") != "string":
            raise _Bail
        types = set(n["type"] if isinstance(n["type"], list) else [n["type"]])
        first = {"object": "{", "array": "\\[", "string": '"', "boolean": "tf",
                 "null": "n", "number": "0-9\\-"}
        if not types <= set(first):
            raise _Bail  # (an integer's text: 1.0 is one)
        chars = "".join(first[t] for t in sorted(types))
        return self.new({"path": [], "pattern": f"^[\\t\\n\\r ]*[{chars}]"})

    def gone(self, spec: PropertySpec) -> int:
        """What ``spec``'s wire member may be when its decode lacks the property: null where
        a null decodes to absent, else nothing (no member)."""
        return self.new({"path": [], "type": "null"} if spec.mode == "optional" else
                        {"path": [], "bool": False})

    def absent(self, spec: PropertySpec) -> int:
        """A wire object whose decode lacks ``spec``'s property."""
        return self.new({"path": [], "properties": [[spec.wire_name, self.gone(spec)]]})

    def dependent_required(self, deps: Any, specs: dict[str, PropertySpec]) -> list[int]:
        """``dependentRequired`` of the decoded object, said of the wire value (nodes that
        must all hold): "``a`` absent, or every ``b`` there", where a property is there
        once decoded when its wire value is there and, for one whose wire null decodes to
        absent (``optional``), not null. A ``b`` the decoded object never has leaves only
        "``a`` absent"; an ``a`` it never has, nothing. Not an object: it holds."""
        out = []
        for a, needs in deps:
            spec = specs.get(a)
            if spec is None:
                continue
            absent = self.absent(spec)
            wanted = [specs.get(b) for b in needs]
            if any(b is None for b in wanted):
                out.append(absent)
                continue
            there: dict[str, Any] = {"path": [], "required": [b.wire_name for b in wanted if b]}
            nulls = [[b.wire_name, self.not_null_node()] for b in wanted
                     if b is not None and b.mode == "optional"]
            if nulls:
                there["properties"] = nulls
            out.append(self.new({"path": [], "anyOf": [absent, self.new(there)]}))
        return out

    def some_member(self, least: Any, codec: ObjectCodec) -> list[int]:
        """``minProperties`` of the decoded object, said of the wire value (nodes that
        must all hold): the object's members are the codec's properties but those whose
        wire null decodes to absent and those a profile keeps optional that are not sent
        (``maybe``). At most 1: nothing where a property is always there,
        else "some such property is there and not null" (type lists, which the walk
        takes); more than 1: no translation. Not an object: it holds."""
        if isinstance(least, bool) or not isinstance(least, int) or least <= 0:
            return []
        if least > 1:
            raise _Bail
        if any(p.mode in _ALWAYS for p in codec.props):
            return []
        if not codec.props:
            return [self.not_object_node()]
        # there: a member, not null where a null decodes to absent (`maybe`: absent stays
        # absent, a null is a member)
        return [self.new({"path": [], "anyOf": [
            self.new({"path": [], "required": [p.wire_name], **(
                {"properties": [[p.wire_name, self.not_null_node()]]}
                if p.mode == "optional" else {})})
            for p in codec.props] + [self.not_object_node()]})]

    def most_members(self, most: Any, codec: ObjectCodec) -> list[int]:
        """``maxProperties`` of the decoded object, said of the wire value (nodes that must
        all hold): its members are the properties always there (``required``, ``default``,
        ``nullable``) and those of the others that are (not null, where a null decodes to
        absent). Nothing where every property fits; no object where those always there
        are too many; every other one absent where they fill it; else no translation. Not
        an object: it holds."""
        if isinstance(most, bool) or not isinstance(most, int):
            raise _Bail
        always = sum(p.mode in _ALWAYS for p in codec.props)
        if len(codec.props) <= most:
            return []
        if always > most:
            return [self.not_object_node()]
        if always < most:
            raise _Bail
        return [self.new({"path": [], "properties": [
            [p.wire_name, self.gone(p)] for p in codec.props
            if p.mode not in _ALWAYS]})]

    def applicators(self, n: dict[str, Any], codec: Codec, w: int,
                    depth: int) -> dict[str, Any]:
        """``translate`` of a node's applicators: each subschema translated alike."""
        out: dict[str, Any] = {}
        for k in ("anyOf", "oneOf", "allOf"):
            if k in n:
                out[k] = [self.held(b, codec, w, depth + 1, k != "allOf") for b in n[k]]
        for k in ("not", "if", "then", "else", "ref"):
            if k in n:
                out[k] = self.held(n[k], codec, w, depth + 1, k != "ref")
        return out

    def held(self, r: int, codec: Codec, w: int, depth: int, cond: bool = True) -> int:
        """``translate``, said where ``cond`` under a disjunction or a negation (``cond``)."""
        self.cond += cond
        try:
            return self.translate(r, codec, w, depth)
        finally:
            self.cond -= cond

    def map_entries(self, n: dict[str, Any], keys: set[str], codec: MapCodec, w: int,
                    depth: int) -> dict[str, Any]:
        """``translate`` for a map sent as an array of ``{key, value}`` entries (keys
        unique: the judge refuses a repeated one): what the residual says of the object's
        members is said of each entry, of its keys through ``contains``, of its size through
        the array's length. Array keywords say nothing of the decoded object, nor of the
        wire's other values (which decode to themselves)."""
        if not keys <= ({"type", "int4", "anyOf", "oneOf", "allOf", "not", "if", "then",
                         "else", "ref", "properties", "patternProperties",
                         "additionalProperties", "required", "propertyNames",
                         "minProperties", "maxProperties", "enum", "const"}
                        | _SCALAR_ONLY | _ARRAY_ONLY):
            raise _Bail
        out: dict[str, Any] = {k: n[k] for k in ("path", "res", "int4") if k in n}
        # listed values with neither an object (what the entries decode to) nor an array
        # (what the wire sends them as) among them: the same verdicts said as they are
        for k in keys & {"enum", "const"}:
            if any(isinstance(m, (dict, list)) for m in (n[k] if k == "enum" else [n[k]])):
                raise _Bail
            out[k] = n[k]
        out.update({k: n[k] for k in keys & _SCALAR_ONLY})
        if "type" in n:
            types = set(n["type"] if isinstance(n["type"], list) else [n["type"]])
            wire_types = (types - {"array"}) | ({"array"} if "object" in types else set())
            out["type"] = sorted(wire_types)
        out.update(self.applicators(n, codec, w, depth))
        wa = self.target(w)
        entry = self.nodes[wa].get("items")
        if not isinstance(entry, int):
            raise _Bail
        value_at = self.prop(self.target(self.edge(wa, "items", entry)), "value")

        def key_is(node: dict[str, Any]) -> int:
            return self.new({"path": [], "properties": [["key", self.new({"path": [], **node})]],
                             "required": ["key"]})

        def value_meets(s: int) -> int:
            self.unions += 1  # (under `if`: the walk sends the entries to the tape)
            try:
                t = self.held(s, codec.value, value_at, depth + 1)
            finally:
                self.unions -= 1
            return self.new({"path": [], "properties": [["value", t]]})

        each: list[int] = []  # what every entry meets
        named: list[int] = []  # keys the properties and patterns name
        for name, s in n.get("properties", []):
            named.append(self.new({"path": [], "const": name}))
            each.append(self.new({"path": [], "if": key_is({"const": name}),
                                  "then": value_meets(s)}))
        for pattern, s in n.get("patternProperties", []):
            named.append(self.new({"path": [], "pattern": pattern}))
            each.append(self.new({"path": [], "if": key_is({"pattern": pattern}),
                                  "then": value_meets(s)}))
        if "additionalProperties" in n:
            if named:
                other = {"not": self.new({"path": [], "anyOf": named})}
                each.append(self.new({"path": [], "if": key_is(other), "then": value_meets(
                    n["additionalProperties"])}))
            elif "key" in self.nodes[self.target(self.edge(wa, "items", entry))].get(
                    "required", ()):
                # every key is another: each entry (the wire requires its key) meets it
                each.append(value_meets(n["additionalProperties"]))
            else:
                each.append(self.new({"path": [], "if": key_is({}), "then": value_meets(
                    n["additionalProperties"])}))
        if "propertyNames" in n:
            each.append(self.new({"path": [], "properties": [["key", n["propertyNames"]]]}))
        parts: list[int] = []
        if each:
            parts.append(self.new({"path": [], "items": each[0] if len(each) == 1 else
                                   self.new({"path": [], "allOf": each})}))
        for name in n.get("required", []):
            parts.append(self.new({"path": [], "contains": key_is({"const": name})}))
        for k, to in (("minProperties", "minItems"), ("maxProperties", "maxItems")):
            if k in n:
                parts.append(self.new({"path": [], to: n[k]}))
        if parts and _type_set(self.nodes[wa]) == {"array"}:
            # the wire sends nothing but the entries here: said of them as they are (an
            # `items` alone stays a keyword of the node, which merges into the wire's)
            first = self.nodes[parts[0]]
            if len(parts) == 1 and set(first) - {"path"} == {"items"} and "items" not in out:
                out["items"] = first["items"]
            else:
                out["allOf"] = [*out.get("allOf", []), *parts]
        elif parts:  # said of the entries: of wire arrays only (told apart by their kind)
            out["allOf"] = [*out.get("allOf", []), self.new({"path": [], "anyOf": [
                self.new({"path": [], "type": sorted(_TYPES - {"array"})}),
                self.new({"path": [], "type": "array", "allOf": parts})]})]
        return out

    def first_branch(self, r: int, codec: AnyOfCodec, w: int, depth: int) -> list[int]:
        """The branches of ``translate`` for a union the codec decodes by its first wire
        branch that matches (the compiler keeps the codec's branches in the wire's order;
        a null branch the wire adds for an optional property decodes to itself)."""
        wn = self.nodes[w]
        while set(wn) - _NOT_ASSERTING == {"ref"}:
            w = self.edge(w, "ref", wn["ref"])
            wn = self.nodes[w]
        wires = wn.get("anyOf")
        if set(wn) - _NOT_ASSERTING != {"anyOf"} or not isinstance(wires, list):
            raise _Bail
        if len(codec.branches) > 64:
            raise _Bail  # each branch excludes those before it: quadratic in the branches
        found = wire_branches(codec, wires, self.nodes)
        if found is None:
            raise _Bail
        pairs, null, way = found
        if way:  # the union behind references, beside the null: walked down to it
            at = self.edge(w, ("anyOf", 0), way[0])
            for nxt in way[1:]:
                at = self.edge(at, "ref", nxt)
            null = self.edge(w, ("anyOf", 1), null) if null is not None else None
            w = at
        wires = [b for b, _ in pairs]
        # the tests against earlier branches first: they read the wire branches as they
        # are, before any translation below merges into them
        rows: list[tuple[int, Codec, list[int]]] = []
        told = len(set(self.nots.values()))
        for i, (b, part) in enumerate(pairs):
            b = self.edge(w, ("anyOf", i), b)
            earlier = [self.unlike(e, b) for e in wires[:i]]
            if any(x is False for x in earlier):
                continue  # every value of this branch meets one before it: never decoded so
            rows.append((b, part, [x for x in earlier if not isinstance(x, bool)]))
        if way and len(set(self.nots.values())) > told:
            # a shared union told apart by `not`: the walk would judge its values on the
            # tape, slower than the residual on the decoded value
            raise _Bail
        out: list[int] = []
        for b, part, said in rows:
            self.unions += 1
            try:
                said = [*said, self.translate(r, part, b, depth + 1)]
            finally:
                self.unions -= 1
            # what the branch adds said by the wire branch's own keywords where it can be
            # (the walk then meets one node); not where a `not` reads the branch alone
            if self.private(b) and not self.cond:
                said = [x for x in said if not self.merge(b, x, 0)]
            out.append(self.new({"path": [], "allOf": [b, *said]}) if said else b)
        if null is not None:  # a null decodes to itself, which the residual judges
            out.append(self.new({"path": [], "allOf": [null, r]}))
        return out

    def unlike(self, e: int, b: int) -> int | bool:
        """A node that a value of wire branch ``b`` meets exactly when it does not meet
        the earlier branch ``e`` (``not: e`` said of ``b``'s values). Where both are
        closed objects with the same properties, all required, whose properties differ in
        their types or the strings of their ``enum`` alone (the compiler's branches for
        requirements over optional properties, or for a union told apart by a tag), that
        is some property holding a type or string ``b`` allows there and ``e`` does not:
        ``properties``, type lists and enums, which the walk takes (``not`` sends the value
        to the tape). False: no value of ``b`` fails ``e``; True: none meets it (``_apart``);
        else ``not: e``."""
        if _apart(self.nodes, e, b):
            return True  # no value of b meets e: nothing to say
        found = self._unlike(_plain(self.nodes, e), _plain(self.nodes, b))
        if found is None:
            n = self.new({"path": [], "not": e})
            self.nots[n] = e
            return n
        if not found:
            return False
        parts = [self.new({"path": [], "properties": [[k, self.new({"path": [], **t})]]})
                 for k, t in found]
        return parts[0] if len(parts) == 1 else self.new({"path": [], "anyOf": parts})

    def as_loaded(self, e: int) -> int | None:
        """A copy of wire node ``e`` and every node below it as the wire was loaded, for a
        `not` to read while the placement changes the wire's own (a residual merged into a
        branch an earlier one is told apart from, another use of a shared definition);
        None past 256 nodes or where a dynamic reference would look for its anchor from
        the copy."""
        order, seen = [e], {e}
        for x in order:  # (grows as it goes)
            if "dynamicRef" in self.loaded[x]:
                return None
            for _, c in subschemas(self.loaded[x]):
                if c not in seen:
                    if len(seen) >= 256:
                        return None
                    seen.add(c)
                    order.append(c)
        base = len(self.nodes)
        ids = {x: base + k for k, x in enumerate(order)}
        self.nodes += [renumbered(self.loaded[x], ids.__getitem__) for x in order]
        return ids[e]

    def _unlike(self, e: dict[str, Any],
                b: dict[str, Any]) -> list[tuple[str, dict[str, Any]]] | None:
        """``unlike``'s witnesses: (property, what ``b`` allows there that ``e`` does not:
        a type list, or the strings of an ``enum``) per property where ``b`` allows more;
        None where that does not decide."""
        shape = {"type", "properties", "required", "additionalProperties"}
        for n in (e, b):
            if (set(n) - _NOT_ASSERTING - {"int4"} != shape or n.get("type") != "object"
                    or not _closed(self.nodes, n)
                    or sorted(n["required"]) != sorted(k for k, _ in n["properties"])):
                return None
        pe, pb = dict(e["properties"]), dict(b["properties"])
        if set(pe) != set(pb) or len(pe) != len(e["properties"]):
            return None
        out: list[tuple[str, dict[str, Any]]] = []
        for k, bk in pb.items():
            ek = pe[k]
            if ek == bk:
                continue
            if _alike(self.nodes, ek, bk):
                continue
            ne, nb = self.nodes[ek], self.nodes[bk]
            rest = {"path", "res", "type", "enum", "const"}  # (int4 must match too)
            if {x: v for x, v in ne.items() if x not in rest} != \
                    {x: v for x, v in nb.items() if x not in rest}:
                return None
            se, sb = _strings(ne), _strings(nb)
            if se is not None and sb is not None and ne.get("type") == nb.get("type"):
                if sb - se:  # values allowed here and not there
                    out.append((k, {"enum": [json.loads(v) for v in sorted(sb - se)]}))
                continue
            if any(x in n for x in ("enum", "const") for n in (ne, nb)):
                return None
            te, tb = _type_set(ne), _type_set(nb)
            if te is None or tb is None:
                return None
            extra = tb - te
            if extra:
                out.append((k, {"type": sorted(extra)}))
        return out

    def not_object_node(self) -> int:
        """Any value but an object (a type list: the walk takes it, unlike ``not``)."""
        return self.new({"path": [], "type": sorted(_TYPES - {"object"})})

    def not_null_node(self) -> int:
        if self.not_null is None:
            self.not_null = self.new({"path": [], "type": sorted(_TYPES - {"null"})})
        return self.not_null

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

    def names_of(self, w: int) -> dict[str, int]:
        """Wire node ``w``'s properties by name (the first of a name given twice)."""
        named = self.named.get(w)
        if named is None:
            named = self.named[w] = {
                k: int(i) for k, i in reversed(self.nodes[w].get("properties", []))}
        return named

    def prop(self, w: int, name: str) -> int:
        named = self.names_of(w)
        if name not in named:
            raise _Bail
        return self.edge(w, ("properties", name), named[name])

    def null_node(self) -> int:
        if self.null is None:
            self.null = self.new({"path": [], "type": "null"})
        return self.null

    def or_null(self, r: int) -> int:
        """A node for ``anyOf: [null, r]`` (one per ``r``)."""
        if r not in self.nullable:
            self.nullable[r] = self.new({"path": [], "anyOf": [self.null_node(), r]})
        return self.nullable[r]


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two nodes say the same (a ``type`` list in another order is the same)."""
    if a == b:
        return True
    if set(a) != set(b) or not isinstance(a.get("type"), list):
        return False
    return ({k: v for k, v in a.items() if k != "type"}
            == {k: v for k, v in b.items() if k != "type"}
            and isinstance(b.get("type"), list) and sorted(a["type"]) == sorted(b["type"]))


def _to(old: int, new: int) -> Callable[[int], int]:
    """Node numbers with ``old`` turned to ``new``."""
    return lambda i: new if i == old else i


def _one_to_one(ref: Codec) -> bool:
    """Whether ``ref`` decodes different wire values (that its wire schema accepts) to
    different values: itself; objects whose properties' codecs do (a null that decodes to
    absent is told apart by the wire's required key); arrays whose items' codec does; not
    JSON text (``1`` and `` 1``), maps (entries in another order), unions (two branches may
    meet)."""
    seen: set[int] = set()
    todo = [ref]
    while todo:
        codec = _resolved(todo.pop())
        if codec is IDENTITY or id(codec) in seen:
            continue
        seen.add(id(codec))
        if isinstance(codec, ObjectCodec):
            todo.extend(p.codec for p in codec.props)
        elif isinstance(codec, ArrayCodec):
            todo.append(codec.items)
        elif isinstance(codec, WrapCodec):
            todo.append(codec.inner)
        else:
            return False
    return True


def _matches(pattern: str, name: str) -> bool:
    """Whether ECMA-262 ``pattern`` finds a match in ``name`` (no answer: ``_Bail``)."""
    from .._validate._regex import compile_pattern

    try:
        return compile_pattern(pattern).search(name)
    except (ValueError, RuntimeError) as exc:  # an unsafe or invalid pattern: no placement
        raise _Bail from exc


def _exclusive_as_any(nodes: list[dict[str, Any]], which: list[int]) -> None:
    """Each ``oneOf`` among the nodes ``which`` (the residual's, those the placement made,
    and wire nodes a residual's oneOf was merged into) whose branches no value meets two
    of, made an ``anyOf``: the same verdicts, and the walk tries an ``anyOf``'s branches in
    turn (a ``oneOf`` it cannot decide goes to the tape). The judge's verdicts only: errors
    come from the two steps."""
    for i in which:
        n = nodes[i]
        branches = n.get("oneOf")
        if not isinstance(branches, list) or not all(
                _apart(nodes, a, b) for j, a in enumerate(branches) for b in branches[j + 1:]):
            continue
        n = dict(n)
        del n["oneOf"]
        if "anyOf" in n:
            nodes.append({"path": [], "anyOf": branches})
            n["allOf"] = [*n.get("allOf", []), len(nodes) - 1]
        else:
            n["anyOf"] = branches
        nodes[i] = n


def _plain(nodes: list[dict[str, Any]], i: int) -> dict[str, Any]:
    """Node ``i`` past ``$ref``-only hops (read, not walked)."""
    for _ in range(64):
        n = nodes[i]
        if set(n) - _NOT_ASSERTING != {"ref"}:
            return n
        i = n["ref"]
    return {}


def _apart(nodes: list[dict[str, Any]], a: int, b: int) -> bool:
    """Whether no value meets both nodes (False when unsure): their types share none, one
    is a closed object lacking a name the other requires, or both require a property whose
    allowed values (``enum``/``const`` of strings, booleans and null) share none."""
    na, nb = _plain(nodes, a), _plain(nodes, b)
    if "bool" in na or "bool" in nb:
        return na.get("bool") is False or nb.get("bool") is False
    ta, tb = _kinds(na), _kinds(nb)
    if ta is not None and tb is not None and not ta & tb:
        return True
    # a closed object (nothing but objects) refuses a name the other requires
    for x, y in ((na, nb), (nb, na)):
        if (_kinds(x) == {"object"} and _closed(nodes, x) and "patternProperties" not in x
                and set(y.get("required", ())) - {k for k, _ in x.get("properties", ())}):
            return True
    pa, pb = dict(na.get("properties", ())), dict(nb.get("properties", ()))
    for k in set(na.get("required", ())) & set(nb.get("required", ())):
        if k in pa and k in pb:
            va, vb = _strings(_plain(nodes, pa[k])), _strings(_plain(nodes, pb[k]))
            if va is not None and vb is not None and not va & vb:
                return True
    return False


def _closed(nodes: list[dict[str, Any]], n: dict[str, Any]) -> bool:
    """``additionalProperties: false``"""
    ap = n.get("additionalProperties")
    return isinstance(ap, int) and nodes[ap].get("bool") is False


def _kinds(n: dict[str, Any]) -> set[str] | None:
    """A node's ``type`` as a set, "number" holding "integer" (None: no ``type``)."""
    t = n.get("type")
    ts = {t} if isinstance(t, str) else set(t) if isinstance(t, list) else None
    if ts is not None and "number" in ts:
        ts.add("integer")
    return ts


def _strings(n: dict[str, Any]) -> set[str] | None:
    """The values a node's ``enum``/``const`` allows, as JSON text, when they are strings,
    booleans and null only (numbers are equal in more than one spelling)."""
    if "const" in n:
        values = [n["const"]]
    elif isinstance(n.get("enum"), list):
        values = n["enum"]
    else:
        return None
    if not all(v is None or isinstance(v, (str, bool)) for v in values):
        return None
    return {json.dumps(v) for v in values}


def _alike(nodes: list[dict[str, Any]], a: int, b: int, depth: int = 0) -> bool:
    """Whether two nodes say the same: the same keywords and values, and subschemas
    alike in turn (False when unsure: past 8 levels)."""
    if a == b:
        return True
    if depth > 8:
        return False
    na = {k: v for k, v in nodes[a].items() if k not in ("path", "res")}
    nb = {k: v for k, v in nodes[b].items() if k not in ("path", "res")}
    if renumbered(na, lambda _: 0) != renumbered(nb, lambda _: 0):
        return False
    ea, eb = subschemas(na), subschemas(nb)
    return len(ea) == len(eb) and all(
        x == y and _alike(nodes, i, j, depth + 1) for (x, i), (y, j) in zip(ea, eb))


def _type_set(n: dict[str, Any]) -> set[str] | None:
    """A node's ``type`` as a set, with "number" standing for the integers too; None where
    a difference of two such sets would not be a type list (no ``type``, or "integer"
    without "number")."""
    t = n.get("type")
    ts = {t} if isinstance(t, str) else set(t) if isinstance(t, list) else None
    if ts is None or ("integer" in ts and "number" not in ts):
        return None
    ts.discard("integer")
    return ts


# keywords `_Placer.merge` moves into a wire node (each said of one value, alone)
_MERGING = _SCALAR_ONLY | frozenset({
    "type", "int4", "enum", "const", "minItems", "maxItems", "uniqueItems", "items",
    "minProperties", "maxProperties", "required", "properties", "additionalProperties",
    "anyOf", "oneOf", "allOf", "not"})
# those of them a null can fail (`merge` of an optional property's residual: a null passes)
_SAID_OF_NULL = frozenset({"enum", "const", "anyOf", "oneOf", "allOf", "not"})
# those merged otherwise than by copying
_MERGED_APART = frozenset({"type", "int4", "required", "properties", "items",
                           "additionalProperties", "allOf"})


def _merged_type(w: dict[str, Any], r: dict[str, Any],
                 nullable: bool) -> dict[str, Any] | None:
    """``type`` (and ``int4``) of a node meaning both nodes' (``r``'s taking null in where
    ``nullable``); None where nothing would pass."""
    def kinds(n: dict[str, Any]) -> tuple[set[str], bool]:
        ts = _kinds(n)
        if ts is None:
            return set(_TYPES | {"integer"}), False
        # draft 4's integer refuses 1.0: where the node's integers are not all numbers
        return ts, bool(n.get("int4")) and "number" not in ts
    (wt, w4), (rt, r4) = kinds(w), kinds(r)
    if nullable:
        rt.add("null")
    both = wt & rt
    if not both:
        return None
    out: dict[str, Any] = {}
    if "number" in both:
        both.discard("integer")
    elif "integer" in both and (w4 or r4):
        out["int4"] = True
    if both >= _TYPES:
        return out if "type" not in w else {"type": w["type"], **out}
    out["type"] = min(both) if len(both) == 1 else sorted(both)
    return out


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
    _exclusive_as_any(p.nodes, [*sorted(p.merged_one), *range(p.wire_count, len(p.nodes))])
    nodes = list(p.nodes)
    try:
        p.mark_maps(wire.root, codec)
        marked = True
    except (_Bail, RecursionError):
        p.nodes, marked = nodes, False  # maps unmarked: their decode stays a step of its own
    return SchemaModel(nodes=tuple(p.nodes), root=wire.root, resources=tuple(p.resources),
                       index={}), marked
