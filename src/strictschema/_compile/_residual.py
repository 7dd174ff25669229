"""The residual of the original schema: what a wire-valid output still has to be checked for.

An output that the wire schema accepts already meets every constraint the wire schema
carries. After decoding, only the original schema's other constraints can fail: the ones
the compile dropped or moved into a description, and the ones a codec step changes (a
``required`` key whose wire null decodes to absent). ``residual_schema`` builds, next to
the original document, a schema in the original shape that keeps exactly those: for every
decoded value of a wire-valid output, it accepts the value if and only if the original
schema does. Checking it instead of the whole original schema is what makes a lossy
compile's ``validate_json`` cost little more than an exact one's.

The proof is local and conservative, independent of how the compiler got there: a keyword
of the original schema is left out only where the wire schema, at the same instance
position, holds a keyword that implies it (equal or tighter), and the codec there is known
to keep that part of the value (identity, or the object and array codecs for the keywords
they keep); every keyword it cannot prove is kept as written, so the residual is never
weaker than the original. Schemas whose references the residual document could resolve
differently (``$id``, anchors, dynamic references, references into the root body,
``unevaluated*``) or written in draft-04 get no residual (``None``): the caller checks the
whole original schema. The residual keeps the original's ``$schema``, so it is read in the
same draft.
"""

from __future__ import annotations

from typing import Any, cast

from ._codec import IDENTITY, ArrayCodec, Codec, MapCodec, ObjectCodec, WrapCodec, resolved
from ._merge import json_equal as _json_eq

__all__ = ["residual_schema"]

_NOT_KEYWORDS = frozenset({"title", "description", "$comment", "examples", "default",
                           "deprecated", "readOnly", "writeOnly", "$schema", "$defs",
                           "definitions"})
_BAIL_KEYS = frozenset({"$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef",
                        "$recursiveAnchor", "unevaluatedProperties", "unevaluatedItems"})
_DRAFTS = frozenset({"draft2020-12", "draft2019-09", "draft7", "draft6", "draft4"})
"""Draft-04 differs where the wire (2020-12) cannot prove its keywords: ``1.0`` is not an
integer there, so its ``type: integer`` is always kept; a boolean ``exclusiveMaximum``
makes ``maximum`` exclusive, so the bound is kept beside it; and ``id`` moves the base
URI, so a schema with one gets no residual."""
_LOCAL_PREFIXES = ("#/$defs/", "#/definitions/")
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


class _Bail(Exception):
    pass


_BUILDING: Any = {"$comment": "residual definition being built"}


def _usable(doc: Any, draft4: bool = False) -> bool:
    """Whether every reference in ``doc`` resolves the same in the residual document."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if not _BAIL_KEYS.isdisjoint(node) or (draft4 and isinstance(node.get("id"), str)):
                return False
            ref = node.get("$ref")
            if ref is not None and not (isinstance(ref, str) and ref.startswith(_LOCAL_PREFIXES)):
                return False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True


def _pointer(doc: Any, ref: str) -> Any:
    node = doc
    for part in ref[2:].split("/") if ref != "#" else ():
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise _Bail
    return node


def _is_null_only(s: Any) -> bool:
    return isinstance(s, dict) and (s.get("type") == "null" or s.get("const", 0) is None
                                    or s.get("enum") == [None])


class _Residual:
    def __init__(self, source: dict, wire: dict, legacy: bool,
                 pessimistic: frozenset[tuple] = frozenset(), draft4: bool = False) -> None:
        self.source = source
        self.wire = wire
        # A definition met again while it is being built (recursion: always one instance
        # level deeper, since the loader refuses $ref loops that do not descend) is assumed
        # to check nothing; ``assumed`` records where. An assumption its finished
        # definition does not bear out goes into ``pessimistic`` for the next pass.
        self.pessimistic = pessimistic
        self.assumed: set[tuple] = set()
        self.legacy = legacy  # draft-04/06/07: keywords beside $ref are ignored
        self.draft4 = draft4  # integers and exclusive bounds read the draft-04 way
        self.defs: dict[str, Any] = {}
        self.memo: dict[tuple, str] = {}
        taken = set(source.get("$defs", {})) if isinstance(source.get("$defs"), dict) else set()
        self.names = (f"_residual{i}" for i in range(1 << 30) if f"_residual{i}" not in taken)

    # -- what the wire schema guarantees at a position ----------------------------------
    def facts(self, w: Any, nonnull: bool, depth: int = 0) -> list[dict]:
        """Schema objects that all hold for every wire value at this position (non-null
        ones when ``nonnull``)."""
        if not isinstance(w, dict) or depth > 32:
            return []
        out = [w]
        ref = w.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            try:
                out += self.facts(_pointer(self.wire, ref), nonnull, depth + 1)
            except _Bail:
                pass
        for part in w.get("allOf", ()) if isinstance(w.get("allOf"), list) else ():
            out += self.facts(part, nonnull, depth + 1)
        branches = w.get("anyOf")
        if isinstance(branches, list):
            live = [b for b in branches if not (nonnull and _is_null_only(b))]
            if len(live) == 1:
                out += self.facts(live[0], nonnull, depth + 1)
        return out

    @staticmethod
    def types(facts: list[dict], nonnull: bool) -> frozenset[str] | None:
        out: set[str] | None = None
        for f in facts:
            t = f.get("type")
            if t is None:
                continue
            ts = {t} if isinstance(t, str) else set(t) if isinstance(t, list) else set()
            if "number" in ts:
                ts.add("integer")
            out = ts if out is None else out & ts
        if out is not None and nonnull:
            out.discard("null")
        return frozenset(out) if out is not None else None

    @staticmethod
    def find(facts: list[dict], kw: str) -> list[Any]:
        return [f[kw] for f in facts if kw in f]

    # -- the residual of one original-schema node ------------------------------------------
    def node(self, n: Any, facts: list[dict], link: Codec, nonnull: bool) -> Any:
        found = resolved(link)
        if found is None:
            return n
        codec = found
        if not isinstance(n, dict):
            return n  # True, False (or invalid: load_source refused those already)
        if _NOT_KEYWORDS.issuperset(n):
            return True
        if not facts or not (codec is IDENTITY
                             or isinstance(codec, (ObjectCodec, ArrayCodec, MapCodec))):
            return n
        out: dict[str, Any] = {}
        ref = n.get("$ref")
        if ref is not None:
            r = self.ref(ref, facts, codec, nonnull)
            if self.legacy:
                return True if r is True else {"$ref": r}
            if r is not True:
                out["$ref"] = r
        is_map = isinstance(codec, MapCodec)
        props_needed = False
        for kw, value in n.items():
            if kw in _NOT_KEYWORDS or kw == "$ref":
                continue
            if is_map:
                r = self.map_keyword(kw, value, n, facts, cast(MapCodec, codec), nonnull)
                if r is not True:
                    out[kw] = r
            elif kw == "properties" and isinstance(value, dict):
                props = self.properties(value, facts, codec)
                if props:
                    out["properties"] = props
            elif kw == "items" and isinstance(value, (dict, bool)) and "prefixItems" not in n:
                r = self.items(value, facts, codec)
                if r is not True:
                    out["items"] = r
            elif kw in ("anyOf", "oneOf") and codec is IDENTITY and isinstance(value, list):
                if not self.alternatives(kw, value, facts, nonnull):
                    out[kw] = value
            elif not self.covered(kw, value, n, facts, codec, nonnull):
                out[kw] = value
                props_needed |= kw == "additionalProperties"
        if props_needed and isinstance(n.get("properties"), dict):
            # additionalProperties depends on which keys 'properties' names
            out["properties"] = {k: out.get("properties", {}).get(k, True)
                                 for k in n["properties"]}
        return out or True

    def map_keyword(self, kw: str, value: Any, n: dict, facts: list[dict], codec: MapCodec,
                    nonnull: bool) -> Any:
        """A keyword of a map sent as ``[{"key": ..., "value": ...}]`` entries: its residual
        (``True`` when proven). Only ``type`` and the values' schema are proven."""
        if kw == "type":
            have = self.types(facts, nonnull)
            if have is None or not have <= {"array", "null"}:
                return value
            got = {"object" if t == "array" else t for t in have}
            want = {value} if isinstance(value, str) else set(value) if isinstance(
                value, list) else set()
            return True if got <= want else value
        if kw == "additionalProperties" and "properties" not in n and "patternProperties" \
                not in n and isinstance(value, (dict, bool)):
            entries = [f["items"] for f in facts if "items" in f and "prefixItems" not in f]
            values = [p["value"] for e in entries for f in self.facts(e, False)
                      if isinstance(p := f.get("properties"), dict) and "value" in p]
            child = [f for v in values for f in self.facts(v, False)]
            return self.node(value, child, codec.value, False) if child else value
        return value

    def alternatives(self, kw: str, branches: list, facts: list[dict], nonnull: bool) -> bool:
        """Whether ``anyOf``/``oneOf`` holds for every value the facts allow: each wire
        alternative implies one of the branches (and, for ``oneOf``, the branches are
        pairwise disjoint, so exactly one holds)."""
        if kw == "oneOf" and not all(self.apart(a, b) for i, a in enumerate(branches)
                                     for b in branches[i + 1:]):
            return False
        options = [facts]
        for f in facts:
            alts = f.get("anyOf")
            if isinstance(alts, list):
                live = [b for b in alts if not (nonnull and _is_null_only(b))]
                options = [self.facts(b, nonnull) + [g for g in facts if g is not f]
                           for b in live]
                break
        return all(any(self.node(b, o, IDENTITY, nonnull) is True for b in branches)
                   for o in options)

    def apart(self, a: Any, b: Any) -> bool:
        """Whether no value matches both schemas (conservative: False when unsure)."""
        a, b = self.deref(a), self.deref(b)
        if not isinstance(a, dict) or not isinstance(b, dict):
            return a is False or b is False
        ta, tb = self.types([a], False), self.types([b], False)
        if ta is not None and tb is not None and not (ta & tb):
            return True
        return self.excludes(a, b) or self.excludes(b, a)

    @staticmethod
    def excludes(a: dict, b: dict) -> bool:
        """``a`` is a closed object (or not an object at all) and ``b`` requires an object key
        that ``a`` cannot have."""
        if a.get("type") != "object" or b.get("type") != "object":
            return False
        props = a.get("properties", {})
        if a.get("additionalProperties") is not False or "patternProperties" in a \
                or not isinstance(props, dict):
            return False
        req = b.get("required")
        return isinstance(req, list) and any(k not in props for k in req)

    def deref(self, s: Any) -> Any:
        for _ in range(64):
            if not (isinstance(s, dict) and isinstance(s.get("$ref"), str)) or (
                    not self.legacy and set(s) - _NOT_KEYWORDS != {"$ref"}):
                return s
            s = _pointer(self.source, s["$ref"])
        return s

    def ref(self, ref: str, facts: list[dict], codec: Codec, nonnull: bool) -> Any:
        target = _pointer(self.source, ref)
        key = (id(target), tuple(id(f) for f in facts), id(codec), nonnull)
        name = self.memo.get(key)
        if name is None:
            name = self.memo[key] = next(self.names)
            self.defs[name] = _BUILDING  # a reference back to it while it is being built
            self.defs[name] = self.node(target, facts, codec, nonnull)
        elif self.defs[name] is _BUILDING and key not in self.pessimistic:
            self.assumed.add(key)
            return True
        # a finished definition that checks nothing is left out; references made while it
        # was being built stay (to a definition that is then `true`)
        return True if self.defs[name] is True else f"#/$defs/{name}"

    def properties(self, props: dict, facts: list[dict], codec: Codec) -> dict:
        out: dict[str, Any] = {}
        specs = {p.name: p for p in codec.props} if isinstance(codec, ObjectCodec) else None
        closed = any(f.get("additionalProperties") is False and "patternProperties" not in f
                     for f in facts)
        for name, sub in props.items():
            if specs is not None:
                spec = specs.get(name)
                if spec is None:  # the decoder never produces this key
                    continue
                wire_name, child_codec = spec.wire_name, spec.codec
                nonnull = spec.mode == "optional"
            else:
                wire_name, child_codec, nonnull = name, IDENTITY, False
            subs = [p[wire_name] for p in self.find(facts, "properties")
                    if isinstance(p, dict) and wire_name in p]
            if not subs:
                if specs is None and closed:
                    continue  # the wire object never has this key
                out[name] = sub
                continue
            child = [f for s in subs for f in self.facts(s, nonnull)]
            r = self.node(sub, child, child_codec, nonnull)
            if r is not True:
                out[name] = r
        return out

    def items(self, sub: Any, facts: list[dict], codec: Codec) -> Any:
        child_codec = codec.items if isinstance(codec, ArrayCodec) else IDENTITY
        if isinstance(codec, ObjectCodec):
            return sub
        subs = [f["items"] for f in facts if "items" in f and "prefixItems" not in f]
        if not subs:
            return sub
        child = [f for s in subs for f in self.facts(s, False)]
        return self.node(sub, child, child_codec, False)

    # -- one keyword, proven by the wire facts or not -------------------------------------
    def covered(self, kw: str, value: Any, n: dict, facts: list[dict], codec: Codec,
                nonnull: bool) -> bool:
        if kw == "type":
            have = self.types(facts, nonnull)
            want = {value} if isinstance(value, str) else set(value) if isinstance(
                value, list) else None
            if have is None or want is None or not want <= _TYPES:
                return False
            if self.draft4 and "integer" in want and "number" not in want:
                return False  # the wire's integer takes 1.0, draft-04's does not
            if "number" in want:
                want.add("integer")
            return have <= want
        if kw == "required":
            return isinstance(value, list) and all(self.present(r, facts, codec) for r in value)
        if kw == "additionalProperties":
            if value is True or value == {}:
                return True
            names: Any = n.get("properties") if isinstance(n.get("properties"), dict) else {}
            if isinstance(codec, ObjectCodec):
                return all(p.name in names for p in codec.props)
            if codec is not IDENTITY:
                return False
            return any(f.get("additionalProperties") is False and "patternProperties" not in f
                       and isinstance(f.get("properties", {}), dict)
                       and all(k in names for k in f.get("properties", {})) for f in facts)
        if kw == "uniqueItems" and value is False:
            return True
        if self.draft4 and (kw, n.get("exclusive" + kw[:1].upper() + kw[1:])) in (
                ("maximum", True), ("minimum", True)):
            return False  # an exclusive bound, written the draft-04 way: kept as written
        keeps = _LEAF_KEEPS.get(kw)
        if keeps is None or not any(codec is k or (isinstance(k, type) and isinstance(codec, k))
                                    for k in keeps):
            return False
        if kw == "enum":
            return isinstance(value, list) and any(
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

    def present(self, name: Any, facts: list[dict], codec: Codec) -> bool:
        """Whether every decoded object at this position has the key ``name``."""
        if isinstance(codec, ObjectCodec):
            spec = next((p for p in codec.props if p.name == name), None)
            if spec is None or spec.mode == "optional":
                return False
            name = spec.wire_name
        elif codec is not IDENTITY:
            return False
        return any(isinstance(r, list) and name in r for r in self.find(facts, "required"))


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def residual_schema(source: Any, draft: str, wire: dict, codec: Codec) -> Any:
    """The original schema's residual (see the module docstring), or None when there is no
    sound one: validate against the whole original schema then. ``True`` when the wire
    schema proves everything."""
    draft4 = draft == "draft4"
    if draft not in _DRAFTS or not isinstance(source, dict) or not _usable(source, draft4):
        return None
    facts_of = wire
    if isinstance(codec, WrapCodec):
        props = wire.get("properties", {})
        if not isinstance(props, dict) or codec.key not in props:
            return None
        facts_of, codec = props[codec.key], codec.inner
    pessimistic: frozenset[tuple] = frozenset()
    while True:  # to the fixpoint: every assumption made holds (at most one pass per def)
        r = _Residual(source, wire, draft in ("draft7", "draft6", "draft4"), pessimistic, draft4)
        try:
            root = r.node(source, r.facts(facts_of, False), codec, False)
        except (_Bail, RecursionError):
            return None
        wrong = {k for k in r.assumed if r.defs[r.memo[k]] is not True}
        if not wrong:
            break
        pessimistic |= wrong
    if root is True:
        return True
    doc = dict(root) if isinstance(root, dict) else ({} if root is True else {"not": {}})
    for key in ("$schema", "$defs", "definitions"):
        if key in source:
            doc[key] = source[key]
    if r.defs:
        doc["$defs"] = {**source.get("$defs", {}), **r.defs}
    return doc
