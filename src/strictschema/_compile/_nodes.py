"""The compiler's reading of the schema model (``_schema._model``).

A model node becomes a *working schema*: a fresh dict in draft 2020-12 keyword form, in the
order of the source's keywords, with its annotations and unknown keywords read from the
source subschema (``raw``) and its structure from the node. A subschema in it is a ``Sub``
(a node number, every reference already resolved by the model), the literal ``true``/
``false`` of a boolean node, or ``{}`` for an empty one. The compiler and ``_merge`` build
new working schemas from these (an ``allOf`` merge, a type narrowed): their subschemas stay
node numbers, so a merged branch keeps its own resource.

``Nodes.node_of`` turns a working schema back into a model node (numbered after the
model's), so the core can judge a value against it (``Nodes.is_valid``: the model's
program for a model node, a program of the added node and what it reaches otherwise).
Keywords the model ignores for the source's draft (``const`` in draft-04, ``if`` in
draft-06, ...) are not in the working schema.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._schema._model import SchemaModel

__all__ = ["Nodes", "Sub", "json_equal", "json_type", "look", "plain"]

_ONE = frozenset({"items", "contains", "additionalProperties", "propertyNames",
                  "unevaluatedItems", "unevaluatedProperties", "not", "if", "then", "else"})
_MANY = frozenset({"prefixItems", "allOf", "anyOf", "oneOf"})
_NAMED = frozenset({"properties", "patternProperties"})
_SCALAR = frozenset({"type", "enum", "const", "multipleOf", "minLength", "maxLength",
                     "minItems", "maxItems", "minProperties", "maxProperties", "minimum",
                     "maximum", "exclusiveMinimum", "exclusiveMaximum", "pattern", "format",
                     "uniqueItems", "required", "minContains", "maxContains"})
_DYNAMIC = ("$dynamicRef", "$recursiveRef")
_MODEL_KEYWORDS = _ONE | _MANY | _NAMED | _SCALAR | {
    "$ref", *_DYNAMIC, "additionalItems", "dependencies", "dependentRequired",
    "dependentSchemas"}
# beside a $ref the model reads alone (drafts before 2019-09): what the compiler still reads
_BESIDE_ALONE_REF = frozenset({
    "title", "description", "default", "$defs", "definitions", "examples", "$comment",
    "readOnly", "writeOnly", "deprecated", "discriminator", "$schema", "$id", "id", "$anchor",
    "$dynamicAnchor", "$vocabulary", "contentEncoding", "contentMediaType", "contentSchema",
    "example", "nullable", "x-order"})


class Sub:
    """A subschema of a working schema: model node ``i``. ``text``: the reference as written
    (a ``$ref`` value); ``ignored``: for a ``$ref`` whose siblings the source's draft
    ignores, those sibling keywords (None otherwise). Two ``Sub`` are equal when they are
    the same node, or the same source text in the same resource."""

    __slots__ = ("i", "ignored", "nodes", "text")

    def __init__(self, i: int, nodes: Nodes, text: str | None = None,
                 ignored: tuple[str, ...] | None = None) -> None:
        self.i = i
        self.nodes = nodes
        self.text = text
        self.ignored = ignored

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sub):
            return NotImplemented
        return self.i == other.i or self.nodes.same(self.i, other.i)

    def __hash__(self) -> int:
        return hash(self.nodes.model.nodes[self.i].get("res"))

    def __repr__(self) -> str:
        return f"Sub({self.i})"

    def view(self) -> Any:
        return self.nodes.view(self.i)


class _Dynamic(str):
    """A ``$dynamicRef``/``$recursiveRef`` value as written, with the model's reading:
    ``pair`` is ``[anchor, static target]``, anchor None when it acts as a plain ``$ref``."""

    pair: list[Any]


def json_type(value: Any) -> str:
    """The JSON type of a Python value (``1.0`` is an integer, ``True`` a boolean)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if math.isfinite(value) and value == int(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: ``1 == 1.0``, ``True != 1``, objects unordered, arrays ordered; two
    subschemas (``Sub``) are equal when they are the same source text in one resource."""
    if isinstance(a, Sub) or isinstance(b, Sub):
        return isinstance(a, Sub) and isinstance(b, Sub) and a == b
    ta, tb = json_type(a), json_type(b)
    numeric = {"integer", "number"}
    if ta in numeric and tb in numeric:
        return a == b
    if ta != tb:
        return False
    if ta == "array":
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if ta == "object":
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return a == b


def look(x: Any) -> Any:
    """A working schema's subschema as a working schema (a ``Sub`` read from the model)."""
    return x.view() if isinstance(x, Sub) else x


def plain(value: Any) -> Any:
    """``value`` with each ``Sub`` written as the source text it stands for (the
    reference, or the source subschema), for messages and descriptions."""
    if isinstance(value, Sub):
        return value.text if value.text is not None else value.nodes.model.raw[value.i]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, _Dynamic):
        return str(value)
    return value


class Nodes:
    """The schema model as working schemas, plus the nodes added for working schemas the
    compiler built (see the module docstring)."""

    def __init__(self, model: SchemaModel) -> None:
        self.model = model
        self.raw = model.raw
        self.extra: list[dict[str, Any]] = []
        self._made: dict[int, tuple[Any, int]] = {}
        self._programs: dict[int, Any] = {}
        self.int4 = any(n.get("int4") for n in model.nodes)

    # -- model -> working schema -----------------------------------------------------------
    def same(self, i: int, j: int) -> bool:
        ni, nj = self.model.nodes[i], self.model.nodes[j]
        return ni.get("res") == nj.get("res") and json_equal(self.raw[i], self.raw[j])

    def child(self, j: int) -> Any:
        n = self.model.nodes[j]
        if "bool" in n:
            return n["bool"]
        if self.raw[j] == {}:
            return {}
        return Sub(j, self)

    def view(self, i: int) -> Any:
        """Node ``i`` as a working schema (a fresh dict, or a boolean)."""
        n = self.model.nodes[i]
        if "bool" in n:
            return n["bool"]
        raw = self.raw[i]
        child = self.child
        out: dict[str, Any] = {}
        if n.get("refAlone"):
            ignored = tuple(k for k in raw if k != "$ref" and k not in _BESIDE_ALONE_REF)
            for k, v in raw.items():
                if k == "$ref":
                    out[k] = Sub(n["ref"], self, v, ignored)
                elif k in _BESIDE_ALONE_REF:
                    out[k] = v
            return out
        tail: dict[str, Any] = {}
        listed = raw.get("items") if isinstance(raw.get("items"), list) else None
        all_of = n.get("allOf", ())
        statics = len(all_of) - (len(raw["allOf"]) if isinstance(raw.get("allOf"), list)
                                 else 0)
        dyn = n.get("dynamicRef")
        deps = raw.get("dependencies")
        if isinstance(deps, dict):
            dep_lists = sum(isinstance(v, list) for v in deps.values())
            dep_schemas = len(deps) - dep_lists
        else:
            deps, dep_lists, dep_schemas = {}, 0, 0
        for k, v in raw.items():
            if k not in _MODEL_KEYWORDS:
                out[k] = v
            elif k == "$ref":
                if "ref" in n:
                    out[k] = Sub(n["ref"], self, v)
            elif k in _DYNAMIC:
                recursive = k == "$recursiveRef"
                if dyn is not None and (dyn[0] == "#recursive") == recursive:
                    d = _Dynamic(v)
                    d.pair = list(dyn)
                    out[k] = d
                elif statics > 0 and (recursive or dyn is None or dyn[0] == "#recursive"):
                    d = _Dynamic(v)
                    d.pair = [None, all_of[0]]
                    out[k] = d
            elif k == "items":
                if listed is not None:
                    if "prefixItems" in n:
                        tail["prefixItems"] = [child(j) for j in n["prefixItems"]]
                elif "items" in n:
                    out[k] = child(n["items"])
            elif k == "additionalItems":
                if listed is not None and "items" in n:
                    tail["items"] = child(n["items"])
            elif k == "prefixItems":
                if listed is None and "prefixItems" in n:
                    out[k] = [child(j) for j in n["prefixItems"]]
            elif k == "allOf":
                if isinstance(v, list):
                    out[k] = [child(j) for j in all_of[statics:]]
            elif k in _MANY:
                if k in n:
                    out[k] = [child(j) for j in n[k]]
            elif k in _NAMED:
                if k in n:
                    out[k] = {name: child(j) for name, j in n[k]}
            elif k in _ONE:
                if k in n:
                    out[k] = child(n[k])
            elif k == "dependencies":
                if deps:
                    lists = iter(n.get("dependentRequired", ()))
                    schemas = iter(n.get("dependentSchemas", ()))
                    out[k] = {name: (next(lists)[1] if isinstance(d, list)
                                     else child(next(schemas)[1]))
                              for name, d in deps.items()}
            elif k == "dependentRequired":
                rest = n.get("dependentRequired", [])[dep_lists:]
                if rest:
                    out[k] = {name: req for name, req in rest}
            elif k == "dependentSchemas":
                rest = n.get("dependentSchemas", [])[dep_schemas:]
                if rest:
                    out[k] = {name: child(j) for name, j in rest}
            elif k in _SCALAR:
                if k in n:  # draft-04's exclusiveMinimum: true holds the bound it makes
                    out[k] = n[k]  # exclusive (its minimum is then not in the node)
            else:  # pragma: no cover - every model keyword is handled above
                raise AssertionError(k)
        for k in ("prefixItems", "items"):
            if k in tail:
                out[k] = tail[k]
        return out

    # -- working schema -> model node ------------------------------------------------------
    def node_of(self, x: Any) -> int:
        """The node number a working schema stands for (a new node when the compiler built
        it)."""
        if isinstance(x, Sub):
            return x.i
        made = self._made.get(id(x))
        if made is not None and made[0] is x:
            return made[1]
        if isinstance(x, bool):
            n: dict[str, Any] = {"bool": x}
        elif isinstance(x, dict):
            n = self._node(x)
        else:
            raise TypeError(f"not a working schema: {type(x).__name__}")
        i = len(self.model.nodes) + len(self.extra)
        self.extra.append(n)
        self._made[id(x)] = (x, i)
        return i

    def _node(self, s: dict[str, Any]) -> dict[str, Any]:
        sub = self.node_of
        n: dict[str, Any] = {"path": [], "res": 0}
        if self.int4 and "type" in s:
            n["int4"] = True
        statics: list[int] = []
        for k, v in s.items():
            if k == "$ref" and isinstance(v, Sub):
                n["ref"] = v.i
            elif k in _DYNAMIC and isinstance(v, _Dynamic):
                if v.pair[0] is None:
                    statics.append(v.pair[1])
                else:
                    n["dynamicRef"] = v.pair
            elif k in _ONE:
                n[k] = sub(v)
            elif k in _MANY:
                n[k] = [sub(b) for b in v]
            elif k in _NAMED:
                n[k] = [[name, sub(b)] for name, b in v.items()]
            elif k == "dependencies":
                for name, d in v.items():
                    if isinstance(d, list):
                        n.setdefault("dependentRequired", []).append([name, d])
                    else:
                        n.setdefault("dependentSchemas", []).append([name, sub(d)])
            elif k == "dependentRequired":
                n.setdefault(k, []).extend([name, d] for name, d in v.items())
            elif k == "dependentSchemas":
                n.setdefault(k, []).extend([name, sub(d)] for name, d in v.items())
            elif k in _SCALAR:
                n[k] = v
        if statics:
            n["allOf"] = [*statics, *n.get("allOf", ())]
        return n

    # -- judging a value against a node ----------------------------------------------------
    def node(self, i: int) -> dict[str, Any]:
        base = len(self.model.nodes)
        return self.model.nodes[i] if i < base else self.extra[i - base]

    def program(self) -> Any:
        """The core program of the model (built once per model: ``program_of``)."""
        from .._validate._validator import program_of

        return program_of(self.model)

    def _program_at(self, i: int) -> Any:
        """A program for a node the compiler added: that node and what it reaches (the
        dynamic anchors too), numbered from 0, so the model's program is never built
        again."""
        found = self._programs.get(i)
        if found is not None:
            return found
        from .._schema._model import submodel
        from .._validate._validator import program_of

        program = program_of(submodel(self.node, i, [r["dynamic"] for r in self.model.resources]))
        self._programs[i] = program
        return program

    def is_valid(self, value: Any, node: int) -> bool:
        from .. import _core
        from .._validate._validator import _gave_up

        if node < len(self.model.nodes):
            program, at = self.program(), node
        else:
            program, at = self._program_at(node), 0
        try:
            return bool(program.is_valid(value, at))
        except _core.DecodeFailure:
            return False
        except _core.GaveUp as exc:
            raise _gave_up(exc) from None
