"""The typed fast path: a ``msgspec`` type for the strict subset checks most keywords in C
while parsing; generated residual code checks the rest."""

from __future__ import annotations

from typing import Any

from ._errors import RefResolutionError
from ._formats import FAST_ACCEPT
from ._regex import UnsafePatternError
from ._vcodegen import _FAIL, _Code, _Compiler, _Line, _py
from ._vruntime import _ANNOTATIONS, _FORMATS, _base, _Ctx, _delimiters_are, _json_eq

# -- the typed fast path: msgspec checks the strict subset in C ----------------------------

class _NotTyped(Exception):
    pass


_ROOT_ONLY = frozenset({"$schema", "$defs", "definitions", "$id", "id"})
_ROWS = 16
"""Below this many items, an array of objects has its pattern and format columns checked
row by row (a column check costs a few C calls whatever its length: about 0.5 µs)."""
_SCOPES = frozenset({"$id", "id", "$anchor", "$dynamicAnchor"})
"""Keywords that make a subschema a scope of its own: never handed to ``loose``."""
_EXACT_BOUND = 2**53
_NUM_KW = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                     "multipleOf"})
_TYPE_KW = {
    "string": frozenset({"minLength", "maxLength", "pattern", "format"}),
    "number": _NUM_KW, "integer": _NUM_KW,
    "object": frozenset({"properties", "required", "additionalProperties",
                         "patternProperties", "minProperties", "maxProperties",
                         "propertyNames", "dependentRequired", "dependentSchemas",
                         "dependencies"}),
    "array": frozenset({"items", "prefixItems", "additionalItems", "minItems", "maxItems",
                        "uniqueItems", "contains", "minContains", "maxContains"}),
}
_TYPE_SPECIFIC = frozenset().union(*_TYPE_KW.values())
"""Keywords that only constrain instances of one type (a ``type`` list splits on them)."""


def _core(s: Any) -> Any:
    """``s`` without its annotations (what two subschemas are compared on)."""
    return {k: v for k, v in s.items() if k not in _ANNOTATIONS} if isinstance(s, dict) else s


def _enum_of(s: dict, keys: set) -> list[Any]:
    """The values ``enum`` and/or ``const`` allow (JSON equality)."""
    values = list(s["enum"]) if "enum" in keys else [s["const"]]
    if "const" in keys:
        values = [v for v in values if _json_eq(v, s["const"])]
    return values


def _distinct(values: Any) -> list[Any]:
    """``values`` without repeats: JSON-equal and of the same type (``1`` and ``1.0`` stay
    two, as do ``true`` and ``1``)."""
    out: list[Any] = []
    for v in values:
        if not any(_json_eq(v, w) and type(v) is type(w) for w in out):
            out.append(v)
    return out


def _nullable_base(s: Any) -> tuple[Any, bool] | None:
    """``(s without null, whether s allows null)`` for comparing properties that differ only
    in nullability (annotations left out); None when that cannot be told from the text."""
    if not isinstance(s, dict):
        return None
    core = _core(s)
    subs = core.get("anyOf")
    if set(core) == {"anyOf"} and isinstance(subs, list) and len(subs) == 2:
        rest = [b for b in subs if b != {"type": "null"}]
        if len(rest) == 1:
            base = _nullable_base(rest[0])
            return None if base is None or base[1] else (base[0], True)
    if "anyOf" in core or "$ref" in core:
        return core, False  # compared as written
    t = core.get("type")
    if not isinstance(t, list) or "null" not in t:
        return (None, False) if t == "null" else (core, False)
    rest_t = [one for one in t if one != "null"]
    if not rest_t or "const" in core:
        return None
    core["type"] = rest_t[0] if len(rest_t) == 1 else rest_t
    if "enum" in core:
        if not isinstance(core["enum"], list):
            return None
        core["enum"] = [v for v in core["enum"] if v is not None]
    return core, True


def _member(v: str, allowed: list[Any], comp: _Compiler) -> str:
    """The test that ``v`` (a value some ``Literal`` decoded) is *not* one of ``allowed``
    (strings, None, booleans, integers): by value where no boolean meets an integer, else
    by (type, value), since ``True == 1`` in Python."""
    if all(type(a) is str or a is None for a in allowed):
        return f"{v} not in {comp.const(frozenset(allowed), 'lit')}"
    pairs = frozenset((type(a), a) for a in allowed)
    return f"(type({v}), {v}) not in {comp.const(pairs, 'lit')}"


class _Typed:
    """For the strict subset (closed objects with every property required, typed leaves,
    arrays, ``anyOf`` over distinct JSON types, acyclic ``$ref``): a ``msgspec`` type whose
    decoder accepts only instances valid for every keyword it encodes, plus generated
    residual code for the rest (ECMA patterns, formats, inexact bounds, ``multipleOf``) that
    also returns the value's string count (keys included). Decoding with it gives the same
    Python value as the untyped decoder (key order, ``int`` vs ``float``); ``msgspec``
    drops unknown keys and keeps the last duplicate, both of which the quote count exposes.
    Whatever the decoder refuses goes through the general path, which decides (``1.0`` is
    an integer there, for instance). A subschema outside the subset, below the root (an
    ``anyOf`` of objects with the same keys, of two strings, ``oneOf``, ``not``, ...), is
    decoded untyped and checked by the general path's counting function for it
    (``loose``); the rest of the schema stays typed."""

    def __init__(self, ctx: _Ctx, res: Any) -> None:
        self.ctx = ctx
        self.comp = _Compiler(ctx)
        self.fn = _Code()
        self.active: set[int] = set()
        self.skip: dict[int, set[str]] = {}
        self.names = 0
        self.root = ctx.source.schema
        self.res = res
        self.types: dict[int, Any] = {}  # $ref target -> its msgspec type (one class each)
        self.unions: dict[int, tuple[Any, str]] = {}  # tagged union -> (type, walker)
        self.walking: int | None = None  # the tagged union whose walker is being generated
        self.building: set[int] = set()  # the tagged unions whose walkers are being generated
        self.walkers: list[str] = []
        self.ccomp: _Compiler | None = None  # the counting functions of loose subschemas

    def build(self, general: Any, validate_general: Any) -> tuple[Any, Any]:
        """``(check_json, validate_json)``: decode with the typed decoder, run the residual
        checks and the quote count inline; anything else goes to ``general`` (returns
        ``(value, ok)``) or ``validate_general`` (returns the value or raises)."""
        import msgspec

        fn = self.fn
        tp, static = self.conv(self.root, self.res, "x", 1, True)
        ns = self.comp.ns
        ns["_dec"] = msgspec.json.Decoder(tp).decode
        ns["_general"] = general
        ns["_vgeneral"] = validate_general
        ns["_delimiters_are"] = _delimiters_are
        ns["_Unsafe"] = UnsafePatternError
        checks = ("    try:\n" + fn.render(1) + "\n    except _Unsafe:  # a pattern it cannot run on "
                  f"a string: the general path places it\n        {_FAIL}" if fn.lines else "")
        # msgspec decodes any bytes-like or str (anything else raises: the general path
        # says what is wrong); only exact bytes and str go on to the quote count.
        dynamic = any(line.counts for line in fn.lines)
        quotes = "n + n" if dynamic else str(2 * static)
        out = []
        for name, fallback, ok in (("check_json", "_general", "x, True"),
                                   ("validate_json", "_vgeneral", "x")):
            out.append(f"""def {name}(raw):
    try:
        x = _dec(raw)
    except Exception:
        return {fallback}(raw)
{f"    n = {static}" if dynamic else ""}
{checks.replace(_FAIL, f"return {fallback}(raw)")}
    t = type(raw)
    if t is bytes:
        q = raw.count(b'"')
    elif t is str:
        q = raw.count('"')
    else:
        return {fallback}(raw)
    if q == {quotes} or _delimiters_are(raw, q, {quotes}):
        return {ok}
    return {fallback}(raw)
""")
        text = "\n".join(self.walkers + out)
        self.comp.source_lines.append(text)
        exec(compile(text, "<strictschema typed>", "exec"), ns)  # noqa: S102
        return ns["check_json"], ns["validate_json"]

    def conv(self, s: Any, res: Any, x: str, ind: int, root: bool = False,
             loose: bool = True) -> tuple[Any, int]:
        """The msgspec type for ``s``; residual lines for ``x`` go to ``self.fn`` at ``ind``.
        Returns ``(type, static string count)``; dynamic counts are added to ``n``.

        A subschema outside the typed subset (below the root, and unless ``loose`` is
        False) is decoded as ``Any`` and checked by the general path's counting function
        (see ``loose``), so the rest of the schema stays typed."""
        if root or not loose:
            return self.typed(s, res, x, ind, root)
        fn = self.fn
        mark = fn.mark()
        try:
            return self.typed(s, res, x, ind, root)
        except _NotTyped:
            if self.fn is not fn or (isinstance(s, dict) and s.keys() & _SCOPES):
                raise
            del fn.lines[mark:]
            return self.loose(s, res, x, ind)

    def loose(self, s: Any, res: Any, x: str, ind: int) -> tuple[Any, int]:
        """``x`` decoded as ``Any`` (the untyped decoder's value), checked and its strings
        counted (keys included) by the general path's generated function for ``s``: a
        negative result means invalid, and ``RecursionError`` (a recursive ``s`` on a deep
        value) sends the text to the general path too."""
        if self.ccomp is None:
            self.ccomp = _Compiler(self.ctx, json_only=True)
        name = self.ccomp.function(s, res, True, ())
        self.ccomp.flush()
        check = self.comp.const(self.ccomp.ns[name], "lo")
        fn = self.fn
        r = fn.var("r")
        fn.add(ind, "try:")
        fn.add(ind + 1, f"{r} = {check}({x})")
        fn.add(ind, "except RecursionError:")
        fn.add(ind + 1, _FAIL)
        fn.add(ind, f"if {r} < 0: {_FAIL}")
        fn.count(ind, r)
        return Any, 0

    def typed(self, s: Any, res: Any, x: str, ind: int, root: bool) -> tuple[Any, int]:
        """``conv`` for the typed subset (raises ``_NotTyped`` for the rest)."""
        if not isinstance(s, dict):
            raise _NotTyped
        kw = self.ctx.keywords
        keys = set(s) - _ANNOTATIONS
        if root:
            keys -= _ROOT_ONLY
        elif keys & _SCOPES:
            raise _NotTyped
        if any(k not in kw for k in keys):
            raise _NotTyped
        if "$ref" in keys:
            if keys != {"$ref"}:
                raise _NotTyped
            try:
                target, tres = self.ctx.lookup(s["$ref"], res, ())
            except RefResolutionError:
                raise _NotTyped from None
            if target is not self.root and id(target) == self.walking:
                self.fn.push(ind, x)  # the walker visits it in turn
                return self.unions[id(target)][0], 0
            if target is self.root or id(target) in self.active:
                raise _NotTyped  # recursive: msgspec types cannot express it here
            if (isinstance(target, dict) and target.get("type") == "object"
                    and id(target) not in self.types
                    and self.reaches(target, tres, target, set())):
                # a recursive object: walked node by node, as a union of one branch
                return self.tagged(target, [s], res, x, ind, True)
            self.active.add(id(target))
            try:
                tp, static = self.conv(target, tres, x, ind)
            finally:
                self.active.discard(id(target))
            return self.types.setdefault(id(target), tp), static
        if "anyOf" in keys:
            if keys != {"anyOf"}:
                raise _NotTyped
            return self.union(list(s["anyOf"]), res, x, ind, s)
        t = s.get("type")
        if keys & {"enum", "const"} and t != "string":
            return self.literal(s, keys, x, ind)
        if isinstance(t, list):
            if len(set(t)) != len(t):
                raise _NotTyped
            return self.union([{**{k: v for k, v in s.items() if k not in _TYPE_SPECIFIC
                                    or k in _TYPE_KW.get(one, ())}, "type": one}
                               for one in t], res, x, ind)
        if t == "object":
            return self.obj(s, keys, res, x, ind)
        if t == "array":
            return self.arr(s, keys, res, x, ind)
        if t == "string":
            return self.string(s, keys, x, ind)
        if t in ("integer", "number"):
            return self.number(s, keys, t, x, ind)
        if t == "boolean" and keys == {"type"}:
            return bool, 0
        if t == "null" and keys == {"type"}:
            return type(None), 0
        raise _NotTyped

    def literal(self, s: dict, keys: set, x: str, ind: int) -> tuple[Any, int]:
        """``enum``/``const`` (with a ``type`` or a list of them, or none) as a ``Literal``
        of the values that pass the type: strings, ``None``, booleans and integers that fit
        64 bits (an integral float as its integer: ``1.0`` in the text then goes the general
        way, which accepts it). msgspec tells ``true`` from ``1``, and refuses what the
        ``Literal`` does not hold; anything else (a non-integral number, an array, an
        object) is not typed."""
        from typing import Literal

        if not keys <= {"type", "enum", "const"}:
            raise _NotTyped
        t = s.get("type", list(_TYPE_KW) + ["boolean", "null"])
        types = set(t) if isinstance(t, list) else {t}
        if isinstance(t, list) and len(types) != len(t):
            raise _NotTyped
        allowed: dict[tuple[type, Any], Any] = {}
        for v in _enum_of(s, keys):
            if v is None:
                ok = "null" in types
            elif type(v) is bool:
                ok = "boolean" in types
            elif type(v) is str:
                ok = "string" in types
            elif type(v) is int or (type(v) is float and v.is_integer()):
                v = int(v)
                ok = bool(types & {"integer", "number"})
                if ok and not -(2**63) <= v < 2**63:
                    raise _NotTyped
            else:
                raise _NotTyped
            if ok:
                allowed[(type(v), v)] = v
        if not allowed:
            raise _NotTyped  # nothing is valid: the general path says why
        strings = sum(type(v) is str for v in allowed.values())
        if strings == len(allowed):
            return Literal[tuple(allowed.values())], 1  # type: ignore[valid-type]
        if strings:
            self.fn.count_strings(ind, x, all(type(v) is str or v is None
                                              for v in allowed.values()))
        return Literal[tuple(allowed.values())], 0  # type: ignore[valid-type]

    def reaches(self, s: Any, res: Any, goal: Any, seen: set[int]) -> bool:
        """Whether ``s`` refers to ``goal`` (through local ``$ref``s, at any depth)."""
        if isinstance(s, list):
            return any(self.reaches(v, res, goal, seen) for v in s)
        if not isinstance(s, dict) or id(s) in seen:
            return False
        seen.add(id(s))
        if isinstance(s.get("$ref"), str):
            try:
                target, tres = self.ctx.lookup(s["$ref"], res, ())
            except RefResolutionError:
                return False
            if target is goal or self.reaches(target, tres, goal, seen):
                return True
        return any(self.reaches(v, res, goal, seen) for k, v in s.items()
                   if k not in _ANNOTATIONS and k != "$ref")

    def kind(self, s: Any, res: Any) -> str:
        """The one JSON type a branch accepts (``number`` covers ``integer``)."""
        while isinstance(s, dict) and "$ref" in s:
            try:
                s, res = self.ctx.lookup(s["$ref"], res, ())
            except RefResolutionError:
                raise _NotTyped from None
        t = s.get("type") if isinstance(s, dict) else None
        if not isinstance(t, str):
            raise _NotTyped
        return "number" if t == "integer" else t

    def union(self, subs: list, res: Any, x: str, ind: int,
              owner: Any = None) -> tuple[Any, int]:
        from typing import Union

        seen: list[Any] = []  # branches alike but for annotations are one branch
        for b in subs:
            core = _core(b)
            if not any(_json_eq(core, other) for other in seen):  # true != 1 here
                seen.append(core)
        tags = [self.enum_values(b, res) for b in seen]
        if len(seen) > 1 and all(t is not None for t in tags):  # one enum of them all
            seen = [{"enum": _distinct(v for t in tags for v in t)}]
        if len(seen) == 1:
            return self.conv(seen[0], res, x, ind, loose=False)
        subs = seen
        kinds = [self.kind(b, res) for b in subs]
        objects = [b for b, k in zip(subs, kinds, strict=True) if k == "object"]
        if len(objects) > 1 and owner is not None:  # told apart by a discriminator
            subs = [b for b, k in zip(subs, kinds, strict=True) if k != "object"]
            kinds = [k for k in kinds if k != "object"]
            if not subs:
                return self.tagged(owner, objects, res, x, ind, True)
            subs.append({"anyOf": objects, "$__tagged__": owner})
            kinds.append("object")
        if not subs or len(set(kinds)) != len(kinds):
            raise _NotTyped
        py = {"string": "str", "number": None, "boolean": "bool", "null": None,
              "object": "dict", "array": "list"}
        fn = self.fn
        types = []
        start = fn.mark()
        plain_string = False  # the string branch has no check but its count
        for b, k in zip(subs, kinds, strict=True):
            mark = fn.mark()
            if k == "null":
                cond = f"{x} is None"
            elif k == "number":
                cond = f"type({x}) is int or type({x}) is float"
            else:
                cond = f"type({x}) is {py[k]}"
            fn.add(ind, f"if {cond}:")
            if isinstance(b, dict) and "$__tagged__" in b:
                tp, static = self.tagged(b["$__tagged__"], b["anyOf"], res, x, ind + 1,
                                         False)
            else:
                tp, static = self.conv(b, res, x, ind + 1, loose=False)
            if k == "string":
                plain_string = fn.mark() == mark + 1 and static == 1
            if static:
                fn.count(ind + 1, str(static))
            if fn.mark() == mark + 1:
                del fn.lines[mark:]
            types.append(tp)
        if plain_string and sorted(kinds) == ["null", "string"]:
            del fn.lines[start:]
            fn.count_strings(ind, x, True)
        return Union[tuple(types)], 0  # noqa: UP007 - a runtime union of msgspec types

    def enum_values(self, s: Any, res: Any) -> list[Any] | None:
        """The values an ``enum``/``const``-only branch allows (strings under ``type:
        string``, anything without a type), else None."""
        tags = self.tag_values(s, res)
        if tags is not None:
            return tags
        s, _, _ = self.comp.follow(s, res)
        if not isinstance(s, dict):
            return None
        keys = set(s) - _ANNOTATIONS
        if not keys or not keys <= {"enum", "const"} or not isinstance(s.get("enum", []), list):
            return None
        return _enum_of(s, keys)

    def tag_values(self, s: Any, res: Any) -> list[str] | None:
        """The strings a discriminator property allows (``enum``/``const`` of strings)."""
        s, _, _ = self.comp.follow(s, res)
        if not isinstance(s, dict):
            return None
        keys = set(s) - _ANNOTATIONS
        if not keys & {"enum", "const"} or not keys <= {"type", "enum", "const"} or (
                "type" in keys and s["type"] != "string"):
            return None
        values = _enum_of(s, keys)
        if not values or not all(type(v) is str for v in values):
            return None
        return list(dict.fromkeys(values))

    def tagged(self, owner: Any, subs: list, res: Any, x: str, ind: int,
               pure: bool) -> tuple[Any, int]:
        """``anyOf`` over closed objects (every property required) told apart by a
        discriminator (a property of all of them whose ``enum``/``const`` strings are
        disjoint) or else by their key sets (all distinct): one ``TypedDict`` with every property (the shared ones required, typed
        alike in every branch) checks the values in C; a generated walker checks each node's
        key set against its discriminator's branch and counts its strings. Nodes nested in
        the union itself (through ``$ref``) go on the walker's stack, not the call stack;
        only when ``owner`` has no other branch (``pure``: a nested value is then an object
        of the union), else recursion is refused."""
        from typing import Literal, TypedDict

        if id(owner) in self.unions:  # walker already generated (a recursive use comes
            # through ``$ref`` and goes on the stack of its own walker, or is refused: no
            # recursion through the call stack at run time)
            if id(owner) in self.building:
                raise _NotTyped
            td, name = self.unions[id(owner)]
            self.call(td, name, x, ind)
            return td, 0
        branches = []
        for b in subs:
            t, tres, _ = self.comp.follow(b, res)
            if not isinstance(t, dict):
                raise _NotTyped
            props, req = t.get("properties"), t.get("required")
            if (set(t) - _ANNOTATIONS != {"type", "properties", "required",
                                          "additionalProperties"}
                    or t["type"] != "object" or t["additionalProperties"] is not False
                    or not isinstance(props, dict) or not props or not isinstance(req, list)
                    or len(req) != len(props) or set(req) != set(props)):
                raise _NotTyped
            branches.append((t, tres))
        common = set.intersection(*(set(t["properties"]) for t, _ in branches))
        disc, tags = None, {}
        for k in branches[0][0]["properties"]:
            if k not in common:
                continue
            values = [self.tag_values(t["properties"][k], tres) for t, tres in branches]
            if all(v is not None for v in values) and (
                    sum(map(len, values)) == len(set().union(*values))):
                disc = k
                tags = {v: i for i, vs in enumerate(values) for v in vs}
                break
        if disc is None:  # told apart by their key sets (each closed, all required)
            keysets = [frozenset(t["properties"]) for t, _ in branches]
            if len(branches) > 1 and len(set(keysets)) == 1:
                return self.nullable_variants(branches, x, ind)
            if len(set(keysets)) != len(keysets):
                raise _NotTyped
            tags = {ks: i for i, ks in enumerate(keysets)}
        self.names += 1
        td: Any = TypedDict(f"_Union{self.names}", {})  # type: ignore[operator]
        fields: dict[str, Any] = {} if disc is None else {
            disc: Literal[tuple(tags)]}  # type: ignore[valid-type]
        tag_table = self.comp.const(tags, "tag")
        if not pure:  # no recursion through it: checked inline, in the caller's code
            self.building.add(id(owner))
            try:
                self.branches(self.fn, x, ind, branches, common, disc, tag_table, fields)
            finally:
                self.building.discard(id(owner))
            self.finish(td, fields, common)
            return td, 0
        name = self.comp.const(object(), "u")
        self.unions[id(owner)] = (td, name)
        saved, saved_walking = self.fn, self.walking
        w = self.fn = _Code()
        self.walking = id(owner)
        self.building.add(id(owner))
        try:
            w.add(1, "n = 0")
            w.add(1, "st = [x]")
            w.add(1, "try:")
            w.add(2, "for d in st:")
            base = self.branches(w, "d", 3, branches, common, disc, tag_table, fields, True)
            w.add(1, "except KeyError:")  # a key the branch reads is missing
            w.add(2, _FAIL)
            w.add(1, f"return n + {base} * len(st)" if base else "return n")
        except _NotTyped:
            del self.unions[id(owner)]  # no walker: a later use must not call one
            raise
        finally:
            self.fn, self.walking = saved, saved_walking
            self.building.discard(id(owner))
        self.finish(td, fields, common)
        self.walkers.append(f"def {name}(x):\n" + w.render() + "\n")
        self.call(td, name, x, ind)
        return td, 0

    def nullable_variants(self, branches: list, x: str, ind: int) -> tuple[Any, int]:
        """``anyOf`` over closed objects with the same keys whose properties differ only in
        which of them may be null (what compiling "one of these fields is required"
        produces): one object with every property nullable where any branch has it so,
        and a test that the non-null properties of some branch are not null. A value is
        valid for branch i iff it is valid for that object and none of branch i's non-null
        properties is null."""
        res = branches[0][1]
        if any(_base(tres) != _base(res) for _, tres in branches):
            raise _NotTyped
        props: dict[str, Any] = {}
        required_of: list[list[str]] = [[] for _ in branches]
        for k in branches[0][0]["properties"]:
            forms = [_nullable_base(t["properties"][k]) for t, _ in branches]
            if any(f is None for f in forms) or any(f[0] != forms[0][0] for f in forms):
                raise _NotTyped  # typed differently, not just in nullability
            nullable = [i for i, f in enumerate(forms) if f[1]]
            props[k] = branches[nullable[0] if nullable else 0][0]["properties"][k]
            if nullable:
                for i, f in enumerate(forms):
                    if not f[1]:
                        required_of[i].append(k)
        merged = {"type": "object", "properties": props, "required": list(props),
                  "additionalProperties": False}
        tp, static = self.obj(merged, set(merged), res, x, ind)
        if all(required_of):  # else a branch takes every value the merged object does
            conds = [" and ".join(f"{x}[{_py(k)}] is not None" for k in ks)
                     for ks in required_of]
            self.fn.add(ind, f"if not ({' or '.join(f'({c})' for c in conds)}): {_FAIL}")
        return tp, static

    @staticmethod
    def finish(td: Any, fields: dict[str, Any], common: set[str]) -> None:
        td.__annotations__.update(fields)
        td.__required_keys__ = frozenset(common)
        td.__optional_keys__ = frozenset(fields) - common

    def branches(self, w: _Code, d: str, ind: int, branches: list, common: set[str],
                 disc: str | None, tag_table: str, fields: dict[str, Any],
                 walker: bool = False) -> int:
        """The checks of a tagged union's object ``d`` into ``w`` (the current function) at
        ``ind``: pick the branch by its tag or key set, check that the branch's keys are
        there and its values, count its strings.

        No test that ``d`` holds *only* the branch's keys: the count does that. The branch
        adds exactly the strings of its own (present, typed) members to ``n``, never more;
        a member outside the branch that the decoder kept adds at least its key's two quotes
        to the text but nothing to ``n``, so the quote count (``2 * n``) fails and the
        general path decides.

        In a ``walker`` (whose ``KeyError`` means invalid) a key the branch reads anyway
        needs no ``in`` test, and the static count most branches share is left out: the
        walker adds ``base * len(st)`` once for all its nodes. Returns that ``base``."""
        b = w.var("b")
        if len(branches) == 1:  # a recursive object: the decoder checked its key set
            pass
        elif disc is None:
            w.add(ind, f"{b} = {tag_table}.get(frozenset({d}), -1)")
            w.add(ind, f"if {b} < 0: {_FAIL}")
        else:
            w.add(ind, f"{b} = {tag_table}[{d}[{_py(disc)}]]")
        wide = self.widened(branches, disc)
        counts = []  # per branch: (index of its count line, the dynamic terms, the static)
        for i, (t, tres) in enumerate(branches):
            props = t["properties"]
            w.add(ind, "if True:" if len(branches) == 1 else "else:" if i == len(branches) - 1
                  else f"{'if' if i == 0 else 'elif'} {b} == {i}:")
            check_at = w.mark()
            static = len(props)
            for k, sub in props.items():
                if k == disc:
                    static += 1
                    continue
                v = w.var()
                mark = w.mark()
                w.read(ind + 1, v, f"{d}[{_py(k)}]")
                tp, st = self.conv(sub, tres, v, ind + 1)
                static += st
                if k in wide:  # the decoder takes every branch's values: this one's here
                    tp, allowed = wide[k][0], wide[k][1][i]
                    w.add(ind + 1, f"if {_member(v, allowed, self.comp)}: {_FAIL}")
                if w.mark() == mark + 1:
                    del w.lines[mark:]
                if k in fields and fields[k] != tp:
                    raise _NotTyped  # typed differently in two branches
                fields[k] = tp
            # the branch's unconditional string counts in one addition (n is read at the end)
            body = w.lines[check_at:]
            adds = [ln.count for ln in body if ln.count is not None and ln.ind == ind + 1]
            w.lines[check_at:] = [ln for ln in body
                                  if ln.count is None or ln.ind != ind + 1]
            if disc is not None:  # the keys outside the shared (required) ones are there
                reads = {ln.read for ln in w.lines[check_at:]
                         if ln.read is not None and ln.ind == ind + 1} if walker else set()
                conds = [f"{_py(k)} not in {d}" for k in props
                         if k not in common and f"{d}[{_py(k)}]" not in reads]
                if conds:
                    w.lines.insert(check_at, _Line(ind + 1, f"if {' or '.join(conds)}: {_FAIL}"))
            counts.append((check_at, w.mark(), adds, static))
            w.add(ind + 1, "pass")  # the count, written once the base is known
        statics = [st for _, _, _, st in counts]
        base = max(statics, key=statics.count) if walker else 0
        for start, at, adds, static in reversed(counts):
            terms = [*adds, str(static - base)] if static != base else adds
            if terms:
                w.lines[at] = _Line(ind + 1, f"n += {' + '.join(terms)}",
                                    count=" + ".join(terms), counts=True)
            elif at > start:  # the branch has checks of its own
                del w.lines[at]
        return base

    def widened(self, branches: list, disc: str | None) -> dict[str, tuple[Any, list]]:
        """The properties that are ``enum``/``const`` in every branch that has them, with
        different values: ``{key: (Literal of all their values, [each branch's values])}``
        (a branch without the key allows nothing there)."""
        from typing import Literal, get_args, get_origin

        out: dict[str, tuple[Any, list]] = {}
        keys = dict.fromkeys(k for t, _ in branches for k in t["properties"])
        for k in keys:
            subs = [(t["properties"].get(k), tres) for t, tres in branches]
            cores = [_core(sub) for sub, _ in subs if sub is not None]
            if k == disc or all(_json_eq(c, cores[0]) for c in cores):
                continue
            allowed: list[list[Any]] = []
            for sub, _ in subs:
                if sub is None:
                    allowed.append([])
                    continue
                if not isinstance(sub, dict) or not (set(sub) - _ANNOTATIONS) & {"enum", "const"}:
                    return {}
                saved, self.fn = self.fn, _Code()  # only its type: the code comes later
                try:
                    tp, _ = self.literal(sub, set(sub) - _ANNOTATIONS, "_", 0)
                except _NotTyped:
                    return {}
                finally:
                    self.fn = saved
                if get_origin(tp) is not Literal:
                    return {}
                allowed.append(list(get_args(tp)))
            every = _distinct(v for vs in allowed for v in vs)
            out[k] = (Literal[tuple(every)], allowed)  # type: ignore[valid-type]
        return out

    def call(self, td: Any, name: str, x: str, ind: int) -> None:
        r = self.fn.var("r")
        self.fn.add(ind, f"{r} = {name}({x})")
        self.fn.add(ind, f"if {r} < 0: {_FAIL}")
        self.fn.count(ind, r)

    def obj(self, s: dict, keys: set, res: Any, x: str, ind: int) -> tuple[Any, int]:
        from typing import TypedDict

        props = s.get("properties")
        req = s.get("required")
        if (keys != {"type", "properties", "required", "additionalProperties"}
                or s["additionalProperties"] is not False or not isinstance(props, dict)
                or not props or not isinstance(req, list) or len(req) != len(props)
                or set(req) != set(props)):
            raise _NotTyped
        fields = {}
        static = len(props)
        fn = self.fn
        skip = self.skip.pop(id(s), ())
        nullable: list[tuple[str, list[_Line]]] = []  # string-or-null values, nothing else
        for k, sub in props.items():
            v = fn.var()
            mark = fn.mark()
            fn.read(ind, v, f"{x}[{_py(k)}]")
            fields[k], st = self.conv(sub, res, v, ind)
            if fields[k] is Any and k in skip:
                raise _NotTyped  # its column check cannot be written: the item goes loose
            static += st
            checks = fn.lines[mark + 1:]
            if not checks or k in skip:  # no checks, or checked by column
                del fn.lines[mark:]
            elif len(checks) == 1 and checks[0].nullable == v:
                nullable.append((k, fn.lines[mark:]))
                del fn.lines[mark:]
        if len(nullable) == 1:
            fn.lines.extend(nullable[0][1])
        elif nullable:  # each is a string or None: count the Nones in one C call
            import operator

            get = self.comp.const(operator.itemgetter(*(k for k, _ in nullable)), "ig")
            fn.count(ind, f"{len(nullable)} - {get}({x}).count(None)")
        self.names += 1
        return TypedDict(f"_Obj{self.names}", fields), static  # type: ignore[operator]

    def arr(self, s: dict, keys: set, res: Any, x: str, ind: int) -> tuple[Any, int]:
        from typing import Annotated

        import msgspec

        if not keys <= {"type", "items", "minItems", "maxItems"} or "items" not in keys:
            raise _NotTyped
        mn, mx = s.get("minItems"), s.get("maxItems")
        for b in (mn, mx):
            if b is not None and (type(b) is not int or b < 0):
                raise _NotTyped
        fn = self.fn
        v = fn.var()
        mark = fn.mark()
        target, cols = self.columns(s["items"], res)
        if cols:
            self.skip[id(target)] = set(cols)
        fn.add(ind, f"for {v} in {x}:")
        try:
            item, static = self.conv(s["items"], res, v, ind + 1)
        finally:
            self.skip.pop(id(target), None)
        if item is Any:
            cols = {}  # each item checked whole
        body = fn.lines[mark + 1:]
        if not body:
            del fn.lines[mark:]
        elif len(body) == 1 and body[0].push == v:  # each item onto the walker's stack
            fn.lines[mark:] = [_Line(ind, f"st += {x}")]
            cols = {}  # the walker checks each item whole
        if cols:  # few rows: checked row by row; many: a column at a time
            wide = [ln._replace(ind=ln.ind + 1) for ln in fn.lines[mark:]]
            del fn.lines[mark:]
            fn.add(ind, f"if len({x}) < {_ROWS}:")
            row = fn.var()
            fn.add(ind + 1, f"for {row} in {x}:")
            self.conv(s["items"], res, row, ind + 2)
            fn.add(ind, "else:")
            fn.lines.extend(wide)
            self.column_checks(cols, x, ind + 1)
        if static:
            fn.count(ind, f"{static} * len({x})")
        tp: Any = list[item]  # type: ignore[valid-type]
        if mn or mx is not None:
            tp = Annotated[tp, msgspec.Meta(min_length=mn or None, max_length=mx)]
        return tp, 0

    def columns(self, items: Any, res: Any) -> tuple[Any, dict[str, dict]]:
        """For an array of objects: ``(item schema, {property: string schema})`` for the
        properties whose only residual checks are a ``pattern`` and/or a ``format``; they
        are checked a column at a time (``map`` over C callables, no loop in Python)."""
        target, tres, _ = self.comp.follow(items, res)
        if not (isinstance(target, dict) and target.get("type") == "object"
                and isinstance(target.get("properties"), dict)):
            return target, {}
        cols = {}
        for k, sub in target["properties"].items():
            ss, _, _ = self.comp.follow(sub, tres)
            if (isinstance(ss, dict) and ss.get("type") == "string"
                    and not set(ss) - _ANNOTATIONS - {"type", "pattern", "format", "minLength",
                                                      "maxLength"}
                    and ("pattern" in ss or ss.get("format") in _FORMATS)):
                cols[k] = ss
        return target, cols

    def column_checks(self, cols: dict[str, dict], x: str, ind: int) -> None:
        import operator

        from ._regex import class_run, compile_pattern, fixed_width

        fn, comp = self.fn, self.comp
        fn.add(ind, f"if {x}:")
        for k, ss in cols.items():
            c = fn.var("c")
            fn.add(ind + 1, f"{c} = list(map({comp.const(operator.itemgetter(k), 'ig')}, {x}))")
            fixed = fixed_width(ss["pattern"]) if "pattern" in ss else None
            run = class_run(ss["pattern"]) if "pattern" in ss and fixed is None else None
            if fixed is not None:  # the whole column in a few C calls (see fixed_width)
                table, signature = fixed
                fn.add(ind + 1, f"if ('\\x00'.join({c}) + '\\x00').encode('utf-8', "
                                f"'surrogatepass').translate({comp.const(table, 'tt')}) != "
                                f"{signature + bytes(1)!r} * len({c}): {_FAIL}")
            elif run is not None:  # likewise (see class_run)
                members, lo, hi = run
                conds = [f"min(map(len, {c})) < {lo}"] if lo else []
                if hi is not None:
                    conds.append(f"max(map(len, {c})) > {hi}")
                conds.append(f"'\\x00'.join({c}).encode('utf-8', 'surrogatepass').translate("
                             f"None, {comp.const(members, 'cm')}) != b'\\x00' * (len({c}) - 1)")
                fn.add(ind + 1, f"if {' or '.join(conds)}: {_FAIL}")
            elif "pattern" in ss:
                rx = compile_pattern(ss["pattern"])  # compiled by string() already
                if rx.short is None:
                    fn.add(ind + 1, f"if not all(map({comp.const(rx.search, 'rx')}, {c})): "
                                    f"{_FAIL}")
                else:
                    find, limit = rx.short
                    fn.add(ind + 1, f"if max(map(len, {c})) <= {limit}" + (
                        f" and ''.join({c}).isascii():" if rx.ascii else ":"))
                    fn.add(ind + 2, f"if not all(map({comp.const(find, 'rf')}, {c})): {_FAIL}")
                    fn.add(ind + 1, f"elif not all(map({comp.const(rx.search, 'rx')}, {c})): "
                                    f"{_FAIL}")
            f = ss.get("format")
            if f in _FORMATS:
                check = f"not all(map({comp.const(_FORMATS[f], 'fmt')}, {c}))"
                fast = FAST_ACCEPT.get(f)
                if fast is not None:
                    check = f"not all(map({comp.const(fast, 'ff')}, {c})) and {check}"
                fn.add(ind + 1, f"if {check}: {_FAIL}")

    def string(self, s: dict, keys: set, x: str, ind: int) -> tuple[Any, int]:
        from typing import Annotated, Literal

        import msgspec

        if not keys <= {"type", "minLength", "maxLength", "pattern", "format", "enum",
                        "const"}:
            raise _NotTyped
        mn, mx = s.get("minLength"), s.get("maxLength")
        for b in (mn, mx):
            if b is not None and (type(b) is not int or b < 0):
                raise _NotTyped
        fmt = s.get("format")
        check = _FORMATS.get(fmt) if "format" in keys else None
        if "pattern" in keys:
            try:
                test = self.comp.pattern_test(s["pattern"], "__S__")
            except ValueError:
                raise _NotTyped from None
        else:
            test = None
        if "enum" in keys or "const" in keys:
            values = _enum_of(s, keys)
            if not values or not all(type(v) is str for v in values):
                raise _NotTyped
            from ._regex import compile_pattern

            allowed = [v for v in dict.fromkeys(values)
                       if (mn is None or len(v) >= mn) and (mx is None or len(v) <= mx)
                       and (check is None or check(v))
                       and ("pattern" not in keys or compile_pattern(s["pattern"]).search(v))]
            if not allowed:
                raise _NotTyped
            return Literal[tuple(allowed)], 1  # type: ignore[valid-type]
        if test is not None:
            self.fn.add(ind, f"if not {test.replace('__S__', x)}: {_FAIL}")
        if check is not None:
            self.fn.add(ind, f"if not {self.comp.format_test(fmt, x)}: {_FAIL}")
        if mn or mx is not None:
            return Annotated[str, msgspec.Meta(min_length=mn or None, max_length=mx)], 1
        return str, 1

    def number(self, s: dict, keys: set, t: str, x: str, ind: int) -> tuple[Any, int]:
        from typing import Annotated, Union

        import msgspec

        if not keys <= {"type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                        "multipleOf"}:
            raise _NotTyped
        mn, emn, mx, emx = self.ctx.exclusive(s)
        meta: dict[str, Any] = {}
        conds = []
        for bound, name, op in ((mn, "ge", "<"), (emn, "gt", "<="), (mx, "le", ">"),
                                (emx, "lt", ">=")):
            if bound is None:
                continue
            if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                raise _NotTyped
            lower = name in ("ge", "gt")
            taken = any(k in meta for k in (("ge", "gt") if lower else ("le", "lt")))
            if type(bound) is int and abs(bound) <= _EXACT_BOUND and not taken:
                meta[name] = bound
            else:
                conds.append(f"{x} {op} {_py(bound)}")
        if conds:
            self.fn.add(ind, f"if {' or '.join(conds)}: {_FAIL}")
        if "multipleOf" in keys:
            m = s["multipleOf"]
            if isinstance(m, bool) or not isinstance(m, (int, float)) or m <= 0:
                raise _NotTyped
            if type(m) is int:
                self.fn.add(ind, f"if not ({x} % {m} == 0 if type({x}) is int else "
                                 f"_multiple({x}, {m})): {_FAIL}")
            else:
                self.fn.add(ind, f"if not _multiple({x}, {self.comp.const(m, 'm')}): {_FAIL}")
        it: Any = Annotated[int, msgspec.Meta(**meta)] if meta else int
        if t == "integer":
            return it, 0
        ft: Any = Annotated[float, msgspec.Meta(**meta)] if meta else float
        return Union[it, ft], 0  # noqa: UP007 - a runtime union of msgspec types




