"""The schema model: a loaded schema as numbered nodes, every reference resolved.

``build_model(source)`` walks a ``Source`` once. Each subschema (per base URI) becomes a
node whose keywords are normalized to draft 2020-12 (draft-04's boolean
``exclusiveMaximum``, array ``items`` + ``additionalItems``, ``dependencies``, ``$ref``
siblings ignored before 2019-09 - such a node says ``refAlone`` -, ...) and whose subschemas
are node numbers. ``$ref`` is
resolved here, through ``referencing`` (local, the caller's registry, the official
metaschemas offline), so an unresolvable reference is a ``RefResolutionError`` when the
schema is loaded. ``$dynamicRef``/``$recursiveRef`` keep their static target plus the
anchor to look up in the dynamic scope; each resource lists its dynamic anchors.

The native core (``strictschema._core.Program``) compiles the model's JSON form into the
program that judges outputs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._errors import SchemaError
from .._paths import Location, pointer_parts

if TYPE_CHECKING:
    from ._load import Source

__all__ = ["SchemaModel", "build_model", "renumbered", "submodel", "subschemas"]

_LEGACY = ("draft4", "draft6", "draft7")


@dataclass(frozen=True, slots=True, eq=False)
class SchemaModel:
    """A loaded schema as nodes (see the module docstring)."""

    nodes: tuple[dict[str, Any], ...]
    root: int
    resources: tuple[dict[str, Any], ...]
    index: dict[int, int]
    """``id()`` of a subschema object of the source -> its node (the first base URI seen)."""
    raw: tuple[Any, ...] = ()
    """The source subschema each node was made from (for annotations and the keywords the
    model does not normalize: ``title``, ``description``, ``default``, unknown ones...);
    read it, never follow its references - the node's own fields have them resolved."""
    program: list[Any] = field(default_factory=list, repr=False, init=False)
    """The core program built from this model (``_validator.program_of``), once: the
    compiler's and the validators' of one loaded source are the same."""

    def to_json(self) -> bytes:
        body = {"root": self.root, "nodes": self.nodes, "resources": self.resources}
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False).encode()

    def __len__(self) -> int:
        return len(self.nodes)


def _base(resolver: Any) -> str:
    return str(getattr(resolver, "_base_uri", ""))


class _Builder:
    def __init__(self, src: Source) -> None:
        self.src = src
        self.draft = src.draft
        self.legacy = src.draft in _LEGACY
        self.spec = src.spec
        self.nodes: list[dict[str, Any] | None] = []
        self.raw: list[Any] = []  # also keeps referenced targets alive, so id() stays unique
        self.keys: dict[tuple[int, str], int] = {}
        self.index: dict[int, int] = {}
        self.todo: list[tuple[Any, Any, Location, int]] = []
        self.resources: dict[str, int] = {}
        self.resolvers: list[Any] = []
        self.dynamic: list[dict[str, int]] = []
        self.recursive_roots: list[bool] = []
        self.names: set[str] = set()

    # -- nodes -----------------------------------------------------------------------
    def resource(self, resolver: Any) -> int:
        base = _base(resolver)
        r = self.resources.get(base)
        if r is None:
            r = self.resources[base] = len(self.resolvers)
            self.resolvers.append(resolver)
            self.dynamic.append({})
            self.recursive_roots.append(False)
        return r

    def node(self, schema: Any, resolver: Any, path: Location, enter: bool = False) -> int:
        """The node number of ``schema`` in ``resolver``'s scope (queued when new);
        ``enter``: a subschema reached by descending, whose own ``$id`` starts a resource
        (a reference's target comes with its resource's resolver already)."""
        if enter and isinstance(schema, dict):
            ident = schema.get("id" if self.draft == "draft4" else "$id")
            if isinstance(ident, str) and ident and not ident.startswith("#"):
                resource = self.spec.create_resource(schema)
                if resource.id() is not None:
                    resolver = resolver.in_subresource(resource)
        key = (id(schema), _base(resolver))
        found = self.keys.get(key)
        if found is not None:
            return found
        i = self.keys[key] = len(self.nodes)
        self.nodes.append(None)
        self.raw.append(schema)
        self.index.setdefault(id(schema), i)
        self.todo.append((schema, resolver, path, i))
        return i

    def run(self, start: Any = None) -> SchemaModel:
        schema = self.src.schema if start is None else start
        root = self.node(schema, self.src.resolver(), ())
        done: set[tuple[int, str]] = set()
        while True:
            while self.todo:
                schema, resolver, path, i = self.todo.pop()
                self.nodes[i] = self.fill(schema, resolver, path)
            # dynamic anchors of every resource, for every name a $dynamicRef uses
            more = False
            for r, resolver in enumerate(self.resolvers):
                for name in sorted(self.names):
                    if (r, name) in done:
                        continue
                    done.add((r, name))
                    more = True
                    self.anchor(r, resolver, name)
            if not more and not self.todo:
                break
        nodes = tuple(n if n is not None else {"bool": True} for n in self.nodes)
        _check_loops(nodes)
        return SchemaModel(nodes, root, tuple({"dynamic": d} for d in self.dynamic),
                           self.index, tuple(self.raw))

    def anchor(self, r: int, resolver: Any, name: str) -> None:
        if name == "recursive":
            if self.recursive_roots[r]:
                try:
                    resolved = resolver.lookup("")
                except Exception:  # noqa: BLE001 - no such resource root
                    return
                self.dynamic[r][name] = self.node(resolved.contents, resolved.resolver, ())
            return
        try:
            resolved = resolver.lookup("#" + name)
        except Exception:  # noqa: BLE001 - this resource has no such anchor
            return
        target = resolved.contents
        if isinstance(target, dict) and target.get("$dynamicAnchor") == name:
            self.dynamic[r][name] = self.node(target, resolved.resolver, ())

    # -- one node ----------------------------------------------------------------------
    def fill(self, s: Any, resolver: Any, path: Location) -> dict[str, Any]:
        if isinstance(s, bool):
            return {"bool": s, "path": list(path)}
        if not isinstance(s, dict):
            raise SchemaError(f"a schema must be a JSON object or boolean, got "
                              f"{type(s).__name__}", path)
        res = self.resource(resolver)
        n: dict[str, Any] = {"path": list(path), "res": res}
        if s.get("$recursiveAnchor") is True and self.draft == "draft2019-09":
            self.recursive_roots[res] = True
        ref = s.get("$ref")
        if isinstance(ref, str):
            resolved = self.src.lookup(ref, resolver, path + ("$ref",))
            n["ref"] = self.node(resolved.contents, resolved.resolver, _target_path(ref, path))
            if self.legacy:
                n["refAlone"] = True  # the keywords beside it are ignored (for readers)
                return n
        if self.draft == "draft2020-12" and isinstance(s.get("$dynamicRef"), str):
            dref = s["$dynamicRef"]
            resolved = self.src.lookup(dref, resolver, path + ("$dynamicRef",))
            static = self.node(resolved.contents, resolved.resolver, _target_path(dref, path))
            frag = dref.partition("#")[2]
            target = resolved.contents
            if frag and "/" not in frag and isinstance(target, dict) and \
                    target.get("$dynamicAnchor") == frag:
                n["dynamicRef"] = [frag, static]
                self.names.add(frag)
            else:
                n["allOf"] = [static]
        if self.draft == "draft2019-09" and isinstance(s.get("$recursiveRef"), str):
            rref = s["$recursiveRef"]
            resolved = self.src.lookup(rref, resolver, path + ("$recursiveRef",))
            static = self.node(resolved.contents, resolved.resolver, ())
            target = resolved.contents
            if isinstance(target, dict) and target.get("$recursiveAnchor") is True:
                n["dynamicRef"] = ["#recursive", static]
                self.names.add("recursive")
            else:
                n.setdefault("allOf", []).append(static)
        self.keywords(s, n, resolver, path)
        return n

    def sub(self, s: Any, resolver: Any, path: Location) -> int:
        return self.node(s, resolver, path, enter=True)

    def keywords(self, s: dict, n: dict, resolver: Any, path: Location) -> None:
        d = self.draft
        sub = self.sub
        if "type" in s:
            n["type"] = s["type"]
            if d == "draft4":
                n["int4"] = True
        if "enum" in s and isinstance(s["enum"], list):
            n["enum"] = s["enum"]
        if "const" in s and d != "draft4":
            n["const"] = s["const"]
        for k in ("multipleOf", "minLength", "maxLength", "minItems", "maxItems",
                  "minProperties", "maxProperties"):
            if k in s and not isinstance(s[k], bool):
                n[k] = s[k]
        if d == "draft4":
            if "minimum" in s:
                n["exclusiveMinimum" if s.get("exclusiveMinimum") is True else "minimum"] = \
                    s["minimum"]
            if "maximum" in s:
                n["exclusiveMaximum" if s.get("exclusiveMaximum") is True else "maximum"] = \
                    s["maximum"]
        else:
            for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                if k in s and not isinstance(s[k], bool):
                    n[k] = s[k]
        if isinstance(s.get("pattern"), str):
            n["pattern"] = s["pattern"]
        if isinstance(s.get("format"), str):
            n["format"] = s["format"]
        if s.get("uniqueItems") is True:
            n["uniqueItems"] = True
        if isinstance(s.get("required"), list):
            n["required"] = [x for x in s["required"] if isinstance(x, str)]
        # arrays
        items = s.get("items")
        if isinstance(items, list) and d != "draft2020-12":
            n["prefixItems"] = [sub(x, resolver, path + ("items", i)) for i, x in enumerate(items)]
            if "additionalItems" in s:
                n["items"] = sub(s["additionalItems"], resolver, path + ("additionalItems",))
        elif "items" in s and not isinstance(items, list):
            n["items"] = sub(items, resolver, path + ("items",))
        if d == "draft2020-12" and isinstance(s.get("prefixItems"), list):
            n["prefixItems"] = [sub(x, resolver, path + ("prefixItems", i))
                                for i, x in enumerate(s["prefixItems"])]
        if "contains" in s and d != "draft4":
            n["contains"] = sub(s["contains"], resolver, path + ("contains",))
            if d not in _LEGACY:
                for k in ("minContains", "maxContains"):
                    if k in s and not isinstance(s[k], bool):
                        n[k] = s[k]
        if d not in _LEGACY and "unevaluatedItems" in s:
            n["unevaluatedItems"] = sub(s["unevaluatedItems"], resolver,
                                        path + ("unevaluatedItems",))
        # objects
        if isinstance(s.get("properties"), dict):
            n["properties"] = [[k, sub(v, resolver, path + ("properties", k))]
                               for k, v in s["properties"].items()]
        if isinstance(s.get("patternProperties"), dict):
            n["patternProperties"] = [[k, sub(v, resolver, path + ("patternProperties", k))]
                                      for k, v in s["patternProperties"].items()]
        if "additionalProperties" in s:
            n["additionalProperties"] = sub(s["additionalProperties"], resolver,
                                            path + ("additionalProperties",))
        if "propertyNames" in s and d != "draft4":
            n["propertyNames"] = sub(s["propertyNames"], resolver, path + ("propertyNames",))
        dep_req: list = []
        dep_sch: list = []
        if isinstance(s.get("dependencies"), dict):  # honoured in every draft, as jsonschema does
            for k, v in s["dependencies"].items():
                if isinstance(v, list):
                    dep_req.append([k, v])
                else:
                    dep_sch.append([k, sub(v, resolver, path + ("dependencies", k))])
        if d not in _LEGACY:
            if isinstance(s.get("dependentRequired"), dict):
                dep_req += [[k, v] for k, v in s["dependentRequired"].items()]
            if isinstance(s.get("dependentSchemas"), dict):
                dep_sch += [[k, sub(v, resolver, path + ("dependentSchemas", k))]
                            for k, v in s["dependentSchemas"].items()]
        if dep_req:
            n["dependentRequired"] = dep_req
        if dep_sch:
            n["dependentSchemas"] = dep_sch
        if d not in _LEGACY and "unevaluatedProperties" in s:
            n["unevaluatedProperties"] = sub(s["unevaluatedProperties"], resolver,
                                             path + ("unevaluatedProperties",))
        # applicators
        for k in ("allOf", "anyOf", "oneOf"):
            if isinstance(s.get(k), list):
                n.setdefault(k, [])
                n[k] += [sub(x, resolver, path + (k, i)) for i, x in enumerate(s[k])]
        if "not" in s:
            n["not"] = sub(s["not"], resolver, path + ("not",))
        if "if" in s and d not in ("draft4", "draft6"):
            n["if"] = sub(s["if"], resolver, path + ("if",))
            for k in ("then", "else"):
                if k in s:
                    n[k] = sub(s[k], resolver, path + (k,))


_IN_PLACE = ("ref", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas",
             "dynamicRef")


def _in_place(node: dict[str, Any]) -> list[int]:
    """The nodes that apply to the same instance as ``node``."""
    out: list[int] = []
    for k in _IN_PLACE:
        v = node.get(k)
        if isinstance(v, int):
            out.append(v)
        elif k == "dynamicRef" and isinstance(v, list):
            out.append(v[1])
        elif k == "dependentSchemas" and isinstance(v, list):
            out += [pair[1] for pair in v]
        elif isinstance(v, list):
            out += [x for x in v if isinstance(x, int)]
    return out


def _check_loops(nodes: tuple[dict[str, Any], ...]) -> None:
    """Refuse a schema that applies itself to the same instance without descending into
    it (``{"anyOf": [{"$ref": "#"}]}``): evaluating it would never end, and JSON Schema
    leaves such schemas undefined (2020-12 core, section 9.4.1)."""
    state = [0] * len(nodes)
    for start in range(len(nodes)):
        if state[start]:
            continue
        stack = [(start, iter(_in_place(nodes[start])))]
        state[start] = 1
        while stack:
            current, it = stack[-1]
            for nxt in it:
                if state[nxt] == 1:
                    where = tuple(nodes[current].get("path", ()))
                    raise SchemaError("$ref loops back to this schema without descending "
                                      "into the instance, so validation would never end",
                                      where)
                if not state[nxt]:
                    state[nxt] = 1
                    stack.append((nxt, iter(_in_place(nodes[nxt]))))
                    break
            else:
                state[current] = 2
                stack.pop()


def _target_path(ref: str, here: Location) -> Location:
    """Where a reference's target is, for schema paths in errors: the pointer of a
    same-document ``#/...`` ref, else the referring place."""
    if ref.startswith("#/") or ref == "#":
        try:
            return pointer_parts(ref)
        except ValueError:
            return here
    return here


def build_model(src: Source, start: Any = None) -> SchemaModel:
    """The schema model of a loaded source (``RefResolutionError`` for a reference that
    does not resolve); ``start``: a subschema to judge by instead of the root, its
    references resolved against the root."""
    try:
        return _Builder(src).run(start)
    except RecursionError:
        raise SchemaError("schema is nested too deeply") from None


_INT_KEYS = ("ref", "items", "contains", "unevaluatedItems", "additionalProperties",
             "propertyNames", "unevaluatedProperties", "not", "if", "then", "else")
_LIST_KEYS = ("prefixItems", "allOf", "anyOf", "oneOf")
_PAIR_KEYS = ("properties", "patternProperties", "dependentSchemas")
_KIND = {**dict.fromkeys(_INT_KEYS, 0), **dict.fromkeys(_LIST_KEYS, 1),
         **dict.fromkeys(_PAIR_KEYS, 2), "dynamicRef": 3}


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


def submodel(node: Callable[[int], dict[str, Any]], root: int,
             anchors: Sequence[dict[str, int]]) -> SchemaModel:
    """The model of the nodes reachable from ``root`` and from each resource's dynamic
    anchors (``anchors``: one dict per resource, name -> node), numbered anew from 0 in the
    order first reached (``root`` first); ``node(i)`` reads node ``i``."""
    number: dict[int, int] = {}
    order: list[int] = []
    stack = [root, *(t for a in anchors for t in a.values())]
    stack.reverse()
    while stack:
        j = stack.pop()
        if j in number:
            continue
        number[j] = len(order)
        order.append(j)
        stack.extend(reversed([c for _, c in subschemas(node(j))]))
    nodes = tuple(renumbered(node(j), number.__getitem__) for j in order)
    resources = tuple({"dynamic": {name: number[t] for name, t in a.items()}} for a in anchors)
    return SchemaModel(nodes=nodes, root=number[root], resources=resources, index={})
