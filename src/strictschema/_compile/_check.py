"""The profile's own checker: would the provider accept this schema *as it is*?

It judges any schema (ours, or another tool's output) by rules A3-A27 and B1-B5 of
``docs/profiles/openai.md``; counting follows S4 (J9): every key of every
``properties`` map once, depth root=0 and +1 per ``properties/*``, ``items``, ``anyOf/*`` and
``$defs/*``, refs not followed.

The rules read the schema as it is written (which keywords, where ``$defs`` sit, how a
``$ref`` is spelled), so the walk is over the document itself. What follows references
(recursion, nested references, the size of outlines-core's regex) reads the schema model
(``_schema._model``), built by the loader only for the profiles that ask for it; a schema
the loader refuses is reported with the loader's error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._errors import RefResolutionError, SchemaError
from .._paths import Location, pointer_parts
from ._diagnostics import Diagnostic
from ._profiles import Profile, get_profile

if TYPE_CHECKING:
    from .._schema._model import SchemaModel

__all__ = ["check_strict", "limit_usage"]

_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})
_ANNOTATIONS = frozenset({"title", "description"})


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    from .._json import dumps

    return dumps(value)


class _Checker:
    def __init__(self, schema: Any, profile: Profile) -> None:
        self.root = schema
        self.profile = profile
        self.findings: list[Diagnostic] = []
        self.n_properties = 0
        self.n_enum_values = 0
        self.string_size = 0
        self.max_depth_seen = 0
        self.defs: dict[str, Any] = {}
        self.n_optional = 0
        self.n_unions = 0
        self.loaded: tuple[Any, SchemaModel | None] | None = None

    def error(self, loc: Location, code: str, message: str) -> None:
        self.findings.append(Diagnostic.at(loc, code, "error", message))

    def run(self) -> list[Diagnostic]:
        root = self.root
        if not isinstance(root, dict):
            self.error((), "root_not_object", "root schema must be an object schema (A3)")
            return self.findings
        if self.profile.root_object and root.get("type") != "object":
            self.error((), "root_not_object",
                       "root schema must have type 'object' (A3)")
        if self.profile.root_object and "anyOf" in root:
            self.error((), "root_any_of", "root schema must not be an anyOf (A3)")
        defs = root.get("$defs", {})
        if not isinstance(defs, dict):
            self.error(("$defs",), "invalid_defs", "$defs must be an object")
            defs = {}
        self.defs = defs
        for name, sub in defs.items():
            self.string_size += len(name)
            self.node(sub, ("$defs", name), 1)
        self.node(root, (), 0, is_root=True)
        self.limits()
        cyclic = False
        if not self.profile.recursion:
            cyclic = self.cycles()
        model = self.model() if (self.profile.max_ref_depth is not None
                                 or self.profile.regex_budget is not None) else None
        if self.profile.max_ref_depth is not None and not cyclic and model is not None:
            deepest = _ref_depth(model)
            if deepest > self.profile.max_ref_depth:
                self.error((), "ref_too_deep",
                           f"$ref nested {deepest} deep, over {self.profile.max_ref_depth}: "
                           f"profile {self.profile.name}'s engine drops what lies deeper")
        if self.profile.regex_budget is not None and not cyclic and model is not None:
            size = _regex_size(model)
            if size > self.profile.regex_budget:
                self.error((), "grammar_too_large",
                           f"the engine's regular expression would have about {size:,} "
                           f"characters, over {self.profile.regex_budget:,} for profile "
                           f"{self.profile.name}")
        return self.findings

    def node(self, node: Any, loc: Location, depth: int, is_root: bool = False) -> None:
        p = self.profile
        self.max_depth_seen = max(self.max_depth_seen, depth)
        if depth > p.max_depth:
            self.error(loc, "too_deep",
                       f"nesting depth {depth} exceeds the limit of {p.max_depth} (B2)")
            return
        if isinstance(node, bool):
            self.error(loc, "boolean_schema", "boolean schemas are not supported (A27)")
            return
        if not isinstance(node, dict):
            self.error(loc, "invalid_schema", "a schema must be a JSON object")
            return
        allowed = p.keywords
        for key in node:
            if key == "$defs":
                if not is_root:
                    self.error(loc + (key,), "nested_defs", "$defs is only accepted at the root")
            elif key in ("$schema", "$id") and is_root:
                pass
            elif key not in allowed:
                self.error(loc + (key,), "unsupported_keyword",
                           f"'{key}' is not permitted by profile {p.name}")
        if "$ref" in node:
            ref = node["$ref"]
            if ref == "#" and not p.root_ref:
                self.error(loc + ("$ref",), "root_ref",
                           f"profile {p.name} does not resolve '$ref': '#'")
            others = set(node) - {"$ref"} - ({"$defs", "$schema", "$id"} if is_root else set())
            if others:
                self.error(loc, "ref_siblings",
                           f"$ref cannot have keywords {sorted(others)} (A24)")
            if ref != "#" and not (isinstance(ref, str) and ref.startswith("#/$defs/")
                                   and _def_name(ref) in self.defs):
                self.error(loc + ("$ref",), "unresolvable_ref",
                           f"$ref {ref!r} must be '#' or name an entry of the root $defs (A22)")
            return
        if len(node.get("anyOf") or ()) > 1 or isinstance(node.get("type"), list):
            self.n_unions += 1
        if "anyOf" in node:
            branches = node["anyOf"]
            extra = set(node) - {"anyOf"} - _ANNOTATIONS - ({"$defs"} if is_root else set())
            if extra:
                self.error(loc, "any_of_siblings",
                           f"anyOf must stand alone, found {sorted(extra)} beside it")
            if not isinstance(branches, list) or not branches:
                self.error(loc + ("anyOf",), "invalid_any_of", "anyOf must be a non-empty list")
                return
            for i, sub in enumerate(branches):
                self.node(sub, loc + ("anyOf", i), depth + 1)
            return
        if "type" not in node:
            self.error(loc, "untyped_schema", "every schema needs 'type', 'anyOf' or '$ref' (A27)")
            return
        types = node["type"]
        if isinstance(types, str):
            types = [types]
        if (not isinstance(types, list) or not all(isinstance(t, str) for t in types)
                or not set(types) <= _TYPES or len(set(types)) != len(types)):
            self.error(loc + ("type",), "invalid_type", f"invalid type {node['type']!r}")
            return
        if len(types) > 1 and not p.type_list_keywords and set(node) - {"type"} - _ANNOTATIONS:
            self.error(loc + ("type",), "type_list_keywords",
                       f"profile {p.name} reads no keyword beside a type list")
        non_null = [t for t in types if t != "null"]
        if len(non_null) > 1 or (len(types) > 1 and len(non_null) != 1):
            self.error(loc + ("type",), "multi_type",
                       "a type list may only be one type plus 'null' (A26)")
        if "pattern" in node and p.pattern_features:
            bad = pattern_features(node["pattern"]) & p.pattern_features
            if bad:
                self.error(loc + ("pattern",), "unsupported_pattern",
                           f"pattern uses {', '.join(sorted(bad))}, which profile {p.name} "
                           "does not accept")
        if "minItems" in node and p.min_items_cap is not None and node["minItems"] > p.min_items_cap:
            self.error(loc + ("minItems",), "min_items_too_large",
                       f"minItems above {p.min_items_cap} is not accepted by profile {p.name}")
        for kw in ("maxLength", "maxItems"):
            if p.max_bound is not None and isinstance(node.get(kw), int) and \
                    node[kw] > p.max_bound:
                self.error(loc + (kw,), "bound_too_large",
                           f"{kw} above {p.max_bound} is not accepted by profile {p.name}")
        if "format" in node and node["format"] not in p.formats:
            self.error(loc + ("format",), "unsupported_format",
                       f"format {node['format']!r} is not accepted by profile {p.name} (A7)")
        for kw in ("enum", "const"):
            if kw in node:
                values = node[kw] if kw == "enum" else [node[kw]]
                if kw == "enum" and (not isinstance(values, list) or not values):
                    self.error(loc + (kw,), "invalid_enum", "enum must be a non-empty list")
                    continue
                self.n_enum_values += len(values) if kw == "enum" else 0
                for v in values:
                    if not isinstance(v, (dict, list)) and _json_type(v) not in p.enum_types:
                        self.error(loc + (kw,), "enum_type",
                                   f"{kw} values of type {_json_type(v)} are not accepted by "
                                   f"profile {p.name}")
                    if isinstance(v, (dict, list)):
                        self.error(loc + (kw,), "complex_enum",
                                   f"{kw} values must be strings, numbers, booleans or null")
                    self.string_size += len(_text(v))
                if kw == "enum" and len(values) > p.large_enum_threshold and all(
                    isinstance(v, str) for v in values
                ):
                    total = sum(len(v) for v in values)
                    if total > p.large_enum_string_size:
                        self.error(loc + (kw,), "enum_too_long",
                                   f"an enum of {len(values)} strings totals {total} characters,"
                                   f" over {p.large_enum_string_size} (B5)")
        if "object" in types:
            props = node.get("properties")
            if not isinstance(props, dict):
                if not p.maps or "properties" in node:
                    self.error(loc, "missing_properties",
                               "object schemas must declare 'properties' (A6)")
                props = {}
            addl = node.get("additionalProperties")
            if p.closed_objects and addl is not False:
                self.error(loc, "open_object", "object schemas need additionalProperties: false (A4)")
            elif not p.maps and addl not in (None, True, False):
                self.error(loc + ("additionalProperties",), "map_object",
                           f"additionalProperties schemas are not accepted by profile {p.name}")
            elif isinstance(addl, dict):
                self.node(addl, loc + ("additionalProperties",), depth + 1)
            required = node.get("required", [] if not p.all_required else None)
            if p.all_required and (not isinstance(required, list) or set(required) != set(props)
                                   or len(required) != len(set(required))):
                self.error(loc, "not_all_required",
                           "every property must be listed in 'required', and only those (A5)")
            elif not isinstance(required, list) or not set(required) <= set(props):
                self.error(loc + ("required",), "invalid_required",
                           "'required' must list only keys of 'properties'")
            else:
                self.n_optional += len(set(props) - set(required))
            for name, sub in props.items():
                if name in p.reserved_keys:
                    self.error(loc + ("properties", name), "reserved_key",
                               f"profile {p.name}'s engine reads a property {name!r} as a "
                               "keyword")
                self.n_properties += 1
                self.string_size += len(name)
                self.node(sub, loc + ("properties", name), depth + 1)
        if "array" in types:
            if "items" not in node:
                self.error(loc, "missing_items", "array schemas must declare 'items' (A10.1)")
            else:
                self.node(node["items"], loc + ("items",), depth + 1)

    def model(self) -> SchemaModel | None:
        """The model of the checked schema (loaded once); None when the loader refuses
        the schema, which is then reported unless the walk said so already."""
        if self.loaded is None:
            src, model, exc = _load(self.root)
            self.loaded = (src, model)
            if exc is not None:
                code = "unresolvable_ref" if isinstance(exc, RefResolutionError) \
                    else "invalid_schema"
                if not any(d.location == exc.location and d.code == code
                           for d in self.findings):
                    self.error(exc.location, code, exc.message)
        return self.loaded[1]

    def cycles(self) -> bool:
        """A reference cycle where the profile has none: in the model from the root, and
        in each root ``$defs`` entry the root does not reach."""
        from .._schema._model import build_model

        model = self.model()
        src = self.loaded[0] if self.loaded else None
        if model is None or src is None:
            return False
        models = [model]
        defs = src.schema.get("$defs")
        for body in defs.values() if isinstance(defs, dict) else ():
            if id(body) not in model.index:
                try:
                    models.append(build_model(src, body))
                except SchemaError:
                    continue  # its own errors are the walk's
        if any(_cyclic(m) for m in models):
            self.error((), "recursive_schema",
                       f"recursive schemas are not accepted by profile {self.profile.name}")
            return True
        return False

    def limits(self) -> None:
        p = self.profile
        if self.n_optional > p.max_optional:
            self.error((), "too_many_optional",
                       f"{self.n_optional} optional properties exceed the limit of "
                       f"{p.max_optional} for profile {p.name}")
        if self.n_unions > p.max_unions:
            self.error((), "too_many_unions",
                       f"{self.n_unions} schemas with anyOf or a type list exceed the limit of "
                       f"{p.max_unions} for profile {p.name}")
        if self.n_properties > p.max_properties:
            self.error((), "too_many_properties",
                       f"{self.n_properties} object properties exceed the limit of {p.max_properties} (B1)")
        if self.string_size > p.max_string_size:
            self.error((), "strings_too_long",
                       f"property names, definition names, enum and const values total "
                       f"{self.string_size} characters, over {p.max_string_size} (B3)")
        if self.n_enum_values > p.max_enum_values:
            self.error((), "too_many_enum_values",
                       f"{self.n_enum_values} enum values exceed the limit of {p.max_enum_values} (B4)")


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "integer" if v.is_integer() else "number"
    return "string" if isinstance(v, str) else "object"


def _def_name(ref: str) -> str | None:
    """The root ``$defs`` entry ``ref`` names as a pointer (``#/$defs/a~1b``: ``a/b``)."""
    try:
        parts = pointer_parts(ref)
    except ValueError:
        return None
    return parts[1] if len(parts) == 2 else None


def _load(schema: Any) -> tuple[Any, SchemaModel | None, SchemaError | None]:
    """``(source, model, None)``, or ``(None, None, the loader's error)``."""
    from .._schema._load import read_source

    try:
        src = read_source(schema)
        return src, src.model_of(), None
    except SchemaError as exc:
        return None, None, exc


def _cyclic(model: SchemaModel) -> bool:
    """Whether the model's subschemas (references followed) form a cycle."""
    from .._schema._model import subschemas

    state = [0] * len(model.nodes)
    for start in range(len(model.nodes)):
        if state[start]:
            continue
        state[start] = 1
        stack = [(start, iter(subschemas(model.nodes[start])))]
        while stack:
            current, it = stack[-1]
            for _, nxt in it:
                if state[nxt] == 1:
                    return True
                if not state[nxt]:
                    state[nxt] = 1
                    stack.append((nxt, iter(subschemas(model.nodes[nxt]))))
                    break
            else:
                state[current] = 2
                stack.pop()
    return False


def ref_depth(schema: Any) -> int:
    """The most ``$ref`` met one inside another on any path from the root (0: none, or a
    schema the loader refuses); a cycle counts as deep as it is followed, up to 64."""
    model = _load(schema)[1]
    return 0 if model is None else _ref_depth(model)


def _ref_depth(model: SchemaModel) -> int:
    from .._schema._model import subschemas

    memo: dict[int, int] = {}
    on_path: set[int] = set()

    def walk(i: int, refs: int) -> int:
        if i in memo:
            return memo[i]
        if i in on_path or refs >= 64:
            return 64
        on_path.add(i)
        deepest = 0
        for edge, child in subschemas(model.nodes[i]):
            d = walk(child, refs + (edge == "ref"))
            deepest = max(deepest, d + 1 if edge == "ref" else d)
        on_path.discard(i)
        memo[i] = min(deepest, 64)
        return memo[i]

    try:
        return walk(model.root, 0)
    except RecursionError:
        return 64


# outlines-core's regex pieces (outlines-core src/json_schema/types.rs), by length: the
# estimate follows its build_regex_from_schema (parsing.rs) structure for structure
_RX_STRING, _RX_INNER, _RX_INTEGER, _RX_NUMBER, _RX_BOOLEAN = 43, 42, 19, 49, 12
_RX_FORMATS = {"date-time": 133, "date": 66, "time": 65, "uuid": 66, "uri": 168, "email": 448}
_RX_OPEN_OBJECT, _RX_OPEN_ARRAY, _RX_ANY = 6428, 6380, 12955  # measured on outlines-core 0.2


def outlines_regex_size(schema: Any) -> int:
    """About how many characters outlines-core's regular expression for ``schema`` has
    (0 for a schema the loader refuses).

    Its regex writes every ``$ref`` out in full (refs nested more than 4 deep are dropped),
    an array's item pattern twice, and for an object with no required property every
    property pattern once per later property (n * (n + 1) / 2 copies): sizes multiply with
    nesting. Only the profile's budget check uses it; the real engine is the judge."""
    model = _load(schema)[1]
    return 0 if model is None else _regex_size(model)


def _regex_size(model: SchemaModel) -> int:
    if not isinstance(model.raw[model.root], dict):
        return 0
    nodes, raw = model.nodes, model.raw
    memo: dict[tuple[int, int], int | None] = {}
    cap = 10**12

    def size(i: int, depth: int) -> int | None:  # None: the ref depth limit, as outlines
        n = nodes[i]
        if raw[i] is True or raw[i] == {}:
            return _RX_ANY
        if "bool" in n:
            return 0
        if "properties" in n:
            return properties(n, depth)
        for kw in ("allOf", "anyOf", "oneOf", "prefixItems"):
            if kw in n:
                parts = [size(b, depth) for b in n[kw]]
                if any(p is None for p in parts):
                    return None
                return min(cap, sum(p for p in parts if p is not None) + 6 * len(parts) + 4)
        if "enum" in n:
            return sum(_const(v) + 1 for v in n["enum"]) + 2
        if "const" in n:
            return _const(n["const"])
        if "ref" in n:
            if depth > 3:
                return None
            key = (n["ref"], depth)
            if key not in memo:
                memo[key] = None
                memo[key] = size(n["ref"], depth + 1)
            return memo[key]
        t = n.get("type")
        if isinstance(t, list):
            parts = [typed(n, x, depth) for x in t]
            if any(p is None for p in parts):
                return None
            return sum(p + 4 for p in parts if p is not None) + 2
        return typed(n, t, depth) if isinstance(t, str) else 0

    def typed(n: dict, t: str, depth: int) -> int | None:
        if t == "string":
            if "maxLength" in n or "minLength" in n:
                return _RX_INNER + 12
            if isinstance(n.get("pattern"), str):
                return len(n["pattern"]) + 4
            return _RX_FORMATS.get(n.get("format", ""), _RX_STRING)
        if t in ("number", "integer", "boolean", "null"):
            return {"number": _RX_NUMBER, "integer": _RX_INTEGER, "boolean": _RX_BOOLEAN,
                    "null": 4}[t]
        if t == "array":
            if n.get("maxItems") == 0:
                return 4
            if "items" not in n:
                return _RX_OPEN_ARRAY
            item = size(n["items"], depth)
            return None if item is None else min(cap, 2 * item + 30)
        if t == "object":
            if n.get("maxProperties") == 0:
                return 4
            addl = n.get("additionalProperties")
            if addl is None or raw[addl] is True:
                return _RX_OPEN_OBJECT
            value = size(addl, depth)
            return None if value is None else min(cap, 2 * value + 2 * _RX_STRING + 30)
        return 0

    def properties(n: dict, depth: int) -> int:
        required = set(n.get("required") or ())
        subs = []
        for name, v in n["properties"]:
            s = size(v, depth)
            if s is not None:  # outlines-core leaves the property out
                subs.append(s + len(name) + 8)
        if any(name in required for name, _ in n["properties"]):
            return min(cap, sum(subs) + 4)
        k = len(subs)
        return min(cap, sum((k - j) * s for j, s in enumerate(subs)) + 4 * k + 8)

    try:
        return size(model.root, 0) or 0
    except RecursionError:
        return cap


def _const(value: Any) -> int:
    from .._json import dumps

    return int(len(dumps(value)) * 1.3) + 2


def pattern_features(pattern: Any) -> frozenset[str]:
    """Regex features of ``pattern`` that some engines refuse (see ``Profile.pattern_features``)."""
    import re

    if not isinstance(pattern, str):
        return frozenset()
    found = set()
    if re.search(r"(?<!\\)(?:\\\\)*\\[1-9]|\\k<", pattern):
        found.add("backreference")
    if re.search(r"\(\?<?[=!]", pattern):
        found.add("lookaround")
    if re.search(r"(?<!\\)(?:\\\\)*\\[bB]", pattern):
        found.add("word_boundary")
    if not (pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$")):
        found.add("unanchored")
    if _quote_class(pattern):
        found.add("quote_class")
    if "(?:" in pattern:
        found.add("noncapturing_group")
    if re.search(r"(?<!\\)(?:\\\\)*\\[^xutrn\\\"\[\]()|{}*+?]", pattern):
        found.add("gbnf_escape")
    if _inner_anchor(pattern):
        found.add("inner_anchor")
    return frozenset(found)


def _inner_anchor(pattern: str) -> bool:
    """A ``^`` or ``$`` anchor not at the very start or end (``^a$|^b$``, ``(^x)``)."""
    i, n, in_class = 0, len(pattern), False
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif (ch == "^" and i > 0) or (ch == "$" and i < n - 1):
            return True
        i += 1
    return False


def _quote_class(pattern: str) -> bool:
    """Can some class or ``.`` of ``pattern`` match a quote or a backslash? (conservative)"""
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if pattern[i + 1:i + 2] in ("S", "W", "D", "P", "\\", '"'):
                return True
            i += 2
            continue
        if ch == ".":
            return True
        if ch == "[":
            j = i + 1
            negated = pattern[j:j + 1] == "^"
            body = []
            while j < n and (pattern[j] != "]" or j == i + 1 + negated):
                step = 2 if pattern[j] == "\\" else 1
                body.append(pattern[j:j + step])
                j += step
            text = "".join(body)
            if negated:
                if '"' not in text or "\\\\" not in text:
                    return True
            elif '"' in text or any(x in text for x in ("\\\\", "\\S", "\\W", "\\D")):
                return True
            i = j + 1
            continue
        i += 1
    return False


def check_strict(schema: Any, profile: str | Profile = "openai") -> list[Diagnostic]:
    """Every reason the profile would reject ``schema`` as it is (empty list: accepted)."""
    return _Checker(schema, get_profile(profile)).run()


def limit_usage(schema: Any, profile: str | Profile = "openai") -> dict[str, int]:
    """How much of each size limit ``schema`` uses (for reports)."""
    c = _Checker(schema, get_profile(profile))
    c.run()
    return {"properties": c.n_properties, "depth": c.max_depth_seen,
            "string_size": c.string_size, "enum_values": c.n_enum_values}
