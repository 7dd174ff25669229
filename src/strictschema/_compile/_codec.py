"""The codec: maps data between the original schema's shape and the wire schema's shape.

Each shape-changing transformation of the compiler contributes one node here; everything else
is ``IDENTITY``. ``decode`` assumes its input already matches the wire schema (validate first);
``encode`` assumes its input matches the original schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._errors import DecodeError, ErrorDetail, ValidationError
from .._json import dumps, loads
from .._paths import Location

__all__ = [
    "IDENTITY",
    "AnyOfCodec",
    "ArrayCodec",
    "Codec",
    "JsonTextCodec",
    "MapCodec",
    "ObjectCodec",
    "PropertySpec",
    "RefCodec",
    "TupleCodec",
    "WrapCodec",
]

_MISSING = object()
MISSING = _MISSING  # "no default": a Pydantic default factory


def _fail(loc: Location, keyword: str, message: str) -> ValidationError:
    return ValidationError([ErrorDetail(tuple(loc), keyword, message)])


class Codec:
    identity = False

    def encode(self, value: Any, loc: Location = ()) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def decode(self, value: Any, loc: Location = ()) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def children(self) -> list[Codec]:
        return []

    def simplified(self) -> Codec:
        return self


class _Identity(Codec):
    identity = True

    def encode(self, value: Any, loc: Location = ()) -> Any:
        return value

    def decode(self, value: Any, loc: Location = ()) -> Any:
        return value

    def __repr__(self) -> str:
        return "IDENTITY"


IDENTITY = _Identity()


class PropertySpec:
    """How one property of an object maps.

    ``mode`` is ``required`` (as is), ``default`` (required on the wire; encode fills in
    ``default`` when absent, decode is as for ``required``), ``optional`` (wire null <->
    absent), ``nullable`` (optional and already nullable: absent is sent as null, null
    stays null) or ``maybe`` (optional on the wire too, for profiles that keep optional
    properties: absent stays absent).
    """

    __slots__ = ("codec", "default", "mode", "name", "wire_name")

    def __init__(self, name: str, codec: Codec, mode: str = "required",
                 wire_name: str | None = None) -> None:
        self.name = name
        self.wire_name = name if wire_name is None else wire_name
        self.codec = codec
        self.mode = mode
        self.default: Any = _MISSING  # mode "default": the value encode fills in

    def __repr__(self) -> str:
        return f"PropertySpec({self.name!r}, {self.codec!r}, mode={self.mode!r})"


class ObjectCodec(Codec):
    def __init__(self, props: list[PropertySpec]) -> None:
        self.props = props
        self._names = frozenset(p.name for p in props)

    def children(self) -> list[Codec]:
        return [p.codec for p in self.props]

    def encode(self, value: Any, loc: Location = ()) -> Any:
        if not isinstance(value, Mapping):
            return value
        names = self._names
        for key in value:
            if key not in names:
                raise _fail(loc, "additionalProperties",
                            f"key {key!r} cannot be represented: the wire object is closed")
        out: dict[str, Any] = {}
        for p in self.props:
            v = value.get(p.name, _MISSING)
            if v is _MISSING and p.mode == "default" and p.default is not _MISSING:
                v = p.default
            if v is _MISSING:
                if p.mode in ("required", "default"):
                    raise _fail(loc, "required", f"'{p.name}' is a required property" + (
                        " (on the wire; its default is computed by the model: pass the value "
                        "or an instance)" if p.mode == "default" else ""))
                if p.mode != "maybe":  # maybe: optional on the wire too, absent stays absent
                    out[p.wire_name] = None
            elif v is None and p.mode == "nullable":
                out[p.wire_name] = None
            # mode "optional": null is not the wire's "absent"; the inner codec decides
            # (an any-value property sends it as the JSON text "null")
            else:
                out[p.wire_name] = p.codec.encode(v, (*loc, p.name))
        return out

    def decode(self, value: Any, loc: Location = ()) -> Any:
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        for p in self.props:
            v = value.get(p.wire_name, _MISSING)
            if v is _MISSING:
                continue
            if v is None and p.mode == "optional":
                continue
            if v is None and p.mode == "nullable":
                out[p.name] = None
                continue
            out[p.name] = p.codec.decode(v, (*loc, p.name))
        return out

    def __repr__(self) -> str:
        return f"ObjectCodec({self.props!r})"


class ArrayCodec(Codec):
    def __init__(self, items: Codec) -> None:
        self.items = items

    def children(self) -> list[Codec]:
        return [self.items]

    def encode(self, value: Any, loc: Location = ()) -> Any:
        if not isinstance(value, list):
            return value
        return [self.items.encode(v, (*loc, i)) for i, v in enumerate(value)]

    def decode(self, value: Any, loc: Location = ()) -> Any:
        if not isinstance(value, list):
            return value
        return [self.items.decode(v, (*loc, i)) for i, v in enumerate(value)]

    def __repr__(self) -> str:
        return f"ArrayCodec({self.items!r})"


class TupleCodec(Codec):
    """A tuple (``prefixItems``) sent as an object with keys ``item_0``, ``item_1``, ..."""

    def __init__(self, items: list[Codec], keys: list[str]) -> None:
        self.items = items
        self.keys = keys

    def children(self) -> list[Codec]:
        return list(self.items)

    def encode(self, value: Any, loc: Location = ()) -> Any:
        if not isinstance(value, list):
            return value
        if len(value) != len(self.keys):
            raise _fail(loc, "prefixItems",
                        f"the wire schema carries exactly {len(self.keys)} items, got {len(value)}")
        return {k: c.encode(v, (*loc, i))
                for i, (k, c, v) in enumerate(zip(self.keys, self.items, value, strict=True))}

    def decode(self, value: Any, loc: Location = ()) -> Any:
        if not isinstance(value, dict):
            return value
        return [c.decode(value[k], (*loc, i))
                for i, (k, c) in enumerate(zip(self.keys, self.items, strict=True))]

    def __repr__(self) -> str:
        return f"TupleCodec({self.items!r})"


class MapCodec(Codec):
    """A free-form mapping sent as an array of ``{"key": ..., "value": ...}`` entries.

    A key given twice is an error, unless ``last_wins`` (a Pydantic source: the model keeps
    the last value of a repeated key, as it does in a JSON object)."""

    def __init__(self, value: Codec, last_wins: bool = False) -> None:
        self.value = value
        self.last_wins = last_wins

    def children(self) -> list[Codec]:
        return [self.value]

    def encode(self, value: Any, loc: Location = ()) -> Any:
        if not isinstance(value, Mapping):
            return value
        return [{"key": k, "value": self.value.encode(v, (*loc, k))} for k, v in value.items()]

    def decode(self, value: Any, loc: Location = ()) -> Any:
        if not isinstance(value, list):
            return value
        out: dict[str, Any] = {}
        for i, entry in enumerate(value):
            key = entry["key"]
            if not isinstance(key, str):  # a wire-invalid entry (explaining errors decodes it)
                raise _fail((*loc, i, "key"), "type", f"map entry key {key!r} is not a string")
            if key in out and not self.last_wins:
                raise _fail((*loc, i, "key"), "uniqueKeys",
                            f"duplicate key {key!r} in map entries")
            out[key] = self.value.decode(entry["value"], (*loc, key))
        return out

    def __repr__(self) -> str:
        return f"MapCodec({self.value!r}{', last_wins=True' if self.last_wins else ''})"


class JsonTextCodec(Codec):
    """A value the wire schema cannot type (any JSON value, a complex enum member) sent as
    JSON text in a string."""

    def encode(self, value: Any, loc: Location = ()) -> Any:
        return dumps(value)

    def decode(self, value: Any, loc: Location = ()) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return loads(value)
        except DecodeError as exc:
            raise _fail(loc, "contentMediaType",
                        f"string is not JSON text: {exc.message}") from None

    def __repr__(self) -> str:
        return "JsonTextCodec()"


class WrapCodec(Codec):
    """A root that is not an object, carried in ``{"<key>": value}``."""

    def __init__(self, key: str, inner: Codec) -> None:
        self.key = key
        self.inner = inner

    def children(self) -> list[Codec]:
        return [self.inner]

    def encode(self, value: Any, loc: Location = ()) -> Any:
        return {self.key: self.inner.encode(value, loc)}

    def decode(self, value: Any, loc: Location = ()) -> Any:
        if not isinstance(value, dict) or self.key not in value:
            return value
        return self.inner.decode(value[self.key], loc)

    def __repr__(self) -> str:
        return f"WrapCodec({self.key!r}, {self.inner!r})"


class AnyOfCodec(Codec):
    """Branches whose codecs differ: pick the branch by validating the value."""

    def __init__(self, branches: list[tuple[Callable[[Any], bool], Callable[[Any], bool], Codec]]):
        # (matches_wire, matches_original, codec) per branch
        self.branches = branches

    def children(self) -> list[Codec]:
        return [c for _, _, c in self.branches]

    def encode(self, value: Any, loc: Location = ()) -> Any:
        error: ValidationError | None = None
        for matches_wire, matches_original, codec in self.branches:
            if matches_original(value):
                try:
                    wire = codec.encode(value, loc)
                except ValidationError as exc:  # this branch's wire form cannot carry it
                    error = error or exc
                    continue
                if matches_wire(wire):
                    return wire
        raise error or _fail(loc, "anyOf", "value matches no branch of anyOf")

    def decode(self, value: Any, loc: Location = ()) -> Any:
        error: ValidationError | None = None
        for matches_wire, _, codec in self.branches:
            if matches_wire(value):
                try:
                    return codec.decode(value, loc)
                except ValidationError as exc:  # e.g. a string that is not JSON text
                    error = error or exc
        raise error or _fail(loc, "anyOf", "value matches no branch of anyOf")

    def __repr__(self) -> str:
        return f"AnyOfCodec({[c for _, _, c in self.branches]!r})"


# model keywords that say nothing of a value (a node of these and one more is that one)
_PLAIN = frozenset({"path", "res", "refAlone", "int4"})


def _hops(nodes: Sequence[dict[str, Any]], w: int, nullable: bool = False) -> list[int]:
    """The nodes from ``w`` through reference-only nodes (and, ``nullable``, the one
    branch of an ``anyOf`` that is not null), up to 64 hops: ``[w, ..., the node that holds
    the position's keywords]``."""
    way = [w]
    for _ in range(64):
        n = nodes[way[-1]]
        keys = set(n) - _PLAIN
        if keys == {"ref"}:
            way.append(n["ref"])
            continue
        if nullable and keys == {"anyOf"}:
            live = [b for b in n["anyOf"] if nodes[b].get("type") != "null"]
            if len(live) == 1:
                way.append(live[0])
                continue
        break
    return way


def wire_branches(codec: AnyOfCodec, wires: list[int], nodes: Sequence[dict[str, Any]]
                  ) -> tuple[list[tuple[int, Codec]], int | None, list[int]] | None:
    """The wire union (``wires``, node numbers into ``nodes``) a union codec decodes by,
    each branch paired with its codec (the compiler keeps the codec's branches in the
    wire's order), the ``{"type": "null"}`` branch the wire adds for an optional
    property, which decodes to itself (None: none), and the way down to the branches
    where they are not ``wires`` themselves: a union behind references beside that null
    (``anyOf: [{$ref: union}, null]``), as ``[wires[0], ..., the union's node]`` ([]:
    none). None where the two do not line up."""
    parts = [c for _, _, c in codec.branches]
    last = nodes[wires[-1]] if wires else {}
    null = wires[-1] if last.get("type") == "null" and set(last) - _PLAIN == {"type"} else None
    if null is not None and len(wires) == len(parts) + 1:
        wires = wires[:-1]
    else:
        if null is not None and len(wires) == 2 and len(parts) > 1:
            way = _hops(nodes, wires[0])
            inner = nodes[way[-1]].get("anyOf")
            if set(nodes[way[-1]]) - _PLAIN == {"anyOf"} and isinstance(inner, list) \
                    and len(inner) == len(parts):
                return list(zip(inner, parts, strict=True)), null, way
        null = None
    if len(wires) != len(parts):
        return None
    return list(zip(wires, parts, strict=True)), null, []


class RefCodec(Codec):
    """A named definition's codec, looked up late so recursion works."""

    def __init__(self, table: dict[str, Codec], name: str) -> None:
        self.table = table
        self.name = name

    def encode(self, value: Any, loc: Location = ()) -> Any:
        return self.table[self.name].encode(value, loc)

    def decode(self, value: Any, loc: Location = ()) -> Any:
        return self.table[self.name].decode(value, loc)

    def __repr__(self) -> str:
        return f"RefCodec({self.name!r})"


def resolved(codec: Codec) -> Codec | None:
    """``codec`` with its chain of references followed (None past 64 hops)."""
    for _ in range(64):
        if not isinstance(codec, RefCodec):
            return codec
        codec = codec.table[codec.name]
    return None


def simplify(root: Codec, table: dict[str, Codec]) -> Codec:
    """Collapse every subtree that changes nothing into IDENTITY (in place for the table).

    A definition is identity unless its body (following refs, greatest fixpoint) is not.
    """
    non_identity: dict[str, bool] = {}

    def changes(c: Codec, seen: frozenset[str]) -> bool:
        if c.identity:
            return False
        if isinstance(c, RefCodec):
            if c.name in non_identity:
                return non_identity[c.name]
            if c.name in seen:
                return False
            result = changes(table[c.name], seen | {c.name})
            if not seen:
                non_identity[c.name] = result
            return result
        if isinstance(c, (ObjectCodec, ArrayCodec, MapCodec, WrapCodec, AnyOfCodec, TupleCodec)):
            if isinstance(c, (MapCodec, WrapCodec, TupleCodec, JsonTextCodec)):
                return True
            if isinstance(c, ObjectCodec) and any(p.mode not in ("required", "maybe", "default")
                                                  or p.wire_name != p.name for p in c.props):
                return True
            return any(changes(ch, seen) for ch in c.children())
        return True

    for name, codec in table.items():
        non_identity[name] = changes(codec, frozenset({name}))

    def rebuild(c: Codec) -> Codec:
        if not changes(c, frozenset()):
            return IDENTITY
        if isinstance(c, ObjectCodec):
            for p in c.props:
                p.codec = rebuild(p.codec)
        elif isinstance(c, ArrayCodec):
            c.items = rebuild(c.items)
        elif isinstance(c, MapCodec):
            c.value = rebuild(c.value)
        elif isinstance(c, WrapCodec):
            c.inner = rebuild(c.inner)
        elif isinstance(c, TupleCodec):
            c.items = [rebuild(i) for i in c.items]
        elif isinstance(c, AnyOfCodec):
            c.branches = [(w, o, rebuild(b)) for w, o, b in c.branches]
        return c

    for name in list(table):
        table[name] = rebuild(table[name])
    return rebuild(root)


def fast_decoder(root: Codec) -> Callable[[Any], Any]:
    """``root.decode`` for values that already match the wire schema, run by the core
    (``core_decoder``). Where decoding refuses a value (a map key given twice, a string that
    is not JSON text, no anyOf branch), the generic ``decode`` runs again from the root for
    the error with its location."""
    decoder = core_decoder(root)
    if decoder is None:
        return lambda value: value
    fast = decoder.decode
    slow = root.decode

    def decode(value: Any) -> Any:
        try:
            return fast(value)
        except (ValidationError, ValueError, KeyError, TypeError):
            return slow(value)

    return decode


def _checker(matches: Callable[[Any], bool]) -> Any:
    """A branch's wire check for the core: ``(program, node)`` when a core program decides
    it (the compiler's matchers name theirs), else the callable."""
    target = getattr(matches, "target", None)
    found = target() if target is not None else None
    return found if found is not None else matches


def _branch_nodes(root: Codec, nodes: Sequence[dict[str, Any]], at: int
                  ) -> dict[int, list[int] | None]:
    """Each union codec's wire branches (node numbers, in the codec's order), found by
    walking the codec down the wire model from ``at`` as the placement does (properties by
    their wire names, items, a map's entry values, a wrapper's key, references followed);
    None for a union met at two places with different branches, or not lined up."""
    named: dict[int, dict[str, int]] = {}

    def member(w: int, name: str) -> int | None:
        if w not in named:  # (by name: a wide object is no square of its width)
            named[w] = {k: int(c) for k, c in reversed(nodes[w].get("properties", []))}
        return named[w].get(name)

    out: dict[int, list[int] | None] = {}
    seen: set[tuple[int, int]] = set()
    todo: list[tuple[Codec, int]] = [(root, at)]
    while todo and len(seen) < 100_000:
        ref, w = todo.pop()
        c = resolved(ref)
        if c is None or c.identity or (id(c), w) in seen:
            continue
        seen.add((id(c), w))
        if isinstance(c, AnyOfCodec):
            u = _hops(nodes, w)[-1]
            wires = nodes[u].get("anyOf")
            found = (wire_branches(c, list(wires), nodes)
                     if set(nodes[u]) - _PLAIN == {"anyOf"} and isinstance(wires, list)
                     else None)
            if found is None or found[2]:
                out[id(c)] = None
                continue
            bs = [b for b, _ in found[0]]
            out[id(c)] = bs if out.get(id(c), bs) == bs else None
            todo += [(part, b) for b, part in found[0]]
            continue
        t = _hops(nodes, w, nullable=True)[-1]
        if isinstance(c, ObjectCodec):
            todo += [(p.codec, m) for p in c.props
                     if (m := member(t, p.wire_name)) is not None]
        elif isinstance(c, ArrayCodec) and isinstance(nodes[t].get("items"), int):
            todo.append((c.items, nodes[t]["items"]))
        elif isinstance(c, MapCodec) and isinstance(nodes[t].get("items"), int):
            value = member(_hops(nodes, nodes[t]["items"], nullable=True)[-1], "value")
            if value is not None:
                todo.append((c.value, value))
        elif isinstance(c, WrapCodec) and (m := member(t, c.key)) is not None:
            todo.append((c.inner, m))
    return out


def core_decoder(root: Codec, wire: Any = None) -> Any:
    """The codec as the core's ``Decoder`` (None when it changes nothing): objects, arrays,
    maps, tuples, wrappers, references, anyOf branches (found by their wire check) and JSON
    text are steps of a plan. ``wire``: the wire schema's model, whose numbering the judge
    programs keep; each anyOf branch then names its node there (-1: not found, or not
    alone), by which the walk that took a branch's node takes its decode too."""
    if root.identity:
        return None
    from .._core import Decoder

    steps: list[tuple[Any, ...]] = []
    index: dict[int, int] = {}
    branches: dict[str, int] | None = None
    placed = {} if wire is None else _branch_nodes(root, wire.nodes, wire.root)

    def branch_node(schema: Any) -> int:
        nonlocal branches
        if wire is None:
            return -1
        if branches is None:  # each union branch of the wire model, by its text
            branches = {}
            for n in wire.nodes:
                for k in n.get("anyOf", ()) if isinstance(n, dict) else ():
                    key = json.dumps(wire.raw[k], sort_keys=True, default=repr)
                    branches[key] = k if branches.get(key, k) == k else -1
        key = json.dumps(getattr(schema, "_branch", None), sort_keys=True, default=repr)
        return branches.get(key, -1)

    def step(ref: Codec) -> int:
        c = resolved(ref) or ref  # past 64 hops: the reference decodes itself ("py")
        if c.identity:
            c = IDENTITY
        if id(c) in index:
            return index[id(c)]
        at = index[id(c)] = len(steps)
        steps.append(("id",))  # a reference back here while it is built
        if c is IDENTITY:
            return at
        if isinstance(c, ObjectCodec):
            mode = {"optional": 1, "nullable": 2}
            steps[at] = ("obj", [(p.wire_name, p.name, mode.get(p.mode, 0), step(p.codec))
                                 for p in c.props])
        elif isinstance(c, ArrayCodec):
            steps[at] = ("arr", step(c.items))
        elif isinstance(c, MapCodec):
            steps[at] = ("map", step(c.value), c.last_wins)
        elif isinstance(c, TupleCodec):
            steps[at] = ("tuple", [(k, step(ic)) for k, ic in zip(c.keys, c.items, strict=True)])
        elif isinstance(c, WrapCodec):
            steps[at] = ("wrap", c.key, step(c.inner))
        elif isinstance(c, AnyOfCodec):  # the branch found by its wire check, decoded here
            found = placed.get(id(c))
            steps[at] = ("anyof", [(_checker(m), step(bc),
                                    branch_node(m) if found is None else found[i])
                                   for i, (m, _, bc) in enumerate(c.branches)])
        elif isinstance(c, JsonTextCodec):  # parsed by the core (its decode's loads)
            steps[at] = ("json",)
        else:  # any other codec: its own decode
            steps[at] = ("py", c.decode)
        return at

    return Decoder(steps, step(root))
