"""Read a schema source: a JSON Schema (2020-12, 2019-09, draft-07/06/04) or a Pydantic type.

Finds its draft and prepares local-only ``$ref`` resolution with ``referencing``. Nothing is
ever fetched: a ``$ref`` outside the document resolves only through a registry the caller
passed. The checked load (``_validate._validator.load_source``) adds the metaschema check,
which the judge runs, and builds the schema model.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from .._errors import RefResolutionError, SchemaError
from .._paths import Location, pointer_parts
from ._model import build_model

__all__ = ["Source", "read_source", "sanitize_name"]

_DRAFTS = {
    "draft2020-12": ("2020-12",),
    "draft2019-09": ("2019-09",),
    "draft7": ("draft-07",),
    "draft6": ("draft-06",),
    "draft4": ("draft-04",),
}

_ROOT_URI = "urn:strictschema:root"
_NAME_BAD = re.compile(r"[^A-Za-z0-9_-]+")


def sanitize_name(text: str, fallback: str = "response") -> str:
    """A name matching ``^[A-Za-z0-9_-]{1,64}$`` derived from ``text`` (``Page[int]`` ->
    ``Page_int``)."""
    name = _NAME_BAD.sub("_", text).strip("_")[:64].strip("_")
    return name or fallback


def _draft_of(schema: Any) -> str:
    uri = schema.get("$schema", "") if isinstance(schema, dict) else ""
    if not isinstance(uri, str):
        raise SchemaError("$schema must be a string", ("$schema",))
    if "2020-12" in uri or not uri:
        return "draft2020-12"
    if "2019-09" in uri:
        return "draft2019-09"
    for tag, draft in (("draft-07", "draft7"), ("draft-06", "draft6"), ("draft-04", "draft4")):
        if tag in uri:
            return draft
    if "draft-03" in uri:
        raise SchemaError("draft-03 schemas are not supported; use draft-04 or later",
                          ("$schema",))
    # An unknown metaschema URI: treat as the current draft (what jsonschema does too).
    return "draft2020-12"


@dataclass(frozen=True, slots=True, eq=False)
class Source:
    """A loaded, checked schema source (never the caller's own object)."""

    schema: Any
    """The JSON Schema (deep copy of the input, or generated from the Pydantic type)."""
    draft: str
    """``draft2020-12``, ``draft2019-09``, ``draft7``, ``draft6`` or ``draft4``."""
    model: Any = None
    """The Pydantic type compiled from, if any."""
    adapter: Any = None
    """Its ``pydantic.TypeAdapter``."""
    name: str | None = None
    description: str | None = None
    registry: Any = None
    """The ``referencing.Registry`` holding the root resource (and the caller's)."""
    schema_model: Any = None
    """The schema model (``_model.SchemaModel``): every reference resolved, loops refused."""

    def model_of(self) -> Any:
        """The schema model, built on first use."""
        if self.schema_model is None:
            object.__setattr__(self, "schema_model", build_model(self))
        return self.schema_model

    @property
    def spec(self) -> Any:
        """The ``referencing`` specification of the source's draft."""
        return referencing_spec(self.draft)

    @property
    def legacy(self) -> bool:
        """Drafts where ``$ref`` siblings are ignored and ``items`` may be a list."""
        return self.draft in ("draft7", "draft6", "draft4")

    def resolver(self) -> Any:
        return self.registry.resolver(base_uri=self.base_uri)

    @property
    def base_uri(self) -> str:
        if isinstance(self.schema, dict):
            sid = self.schema.get("$id" if self.draft != "draft4" else "id")
            if isinstance(sid, str) and sid:
                return sid.split("#")[0] or _ROOT_URI
        return _ROOT_URI

    def lookup(self, ref: str, resolver: Any, location: Location) -> Any:
        """Resolve ``ref`` locally -> ``referencing`` Resolved; typed error otherwise."""
        import referencing.exceptions

        try:
            return resolver.lookup(ref)
        except referencing.exceptions.Unresolvable as exc:
            target = ref.split("#")[0]
            official = _official(resolver, target)
            if official is not None:
                return official.lookup(ref)
            if target and not isinstance(exc, referencing.exceptions.PointerToNowhere):
                raise RefResolutionError(
                    f"$ref {ref!r} points outside this document and nothing is fetched; "
                    "pass registry= with that resource",
                    location, ref) from None
            raise RefResolutionError(f"$ref {ref!r} cannot be resolved", location, ref) from None
        except Exception as exc:  # noqa: BLE001 - malformed pointers and the like
            raise RefResolutionError(f"$ref {ref!r} cannot be resolved: {exc}",
                                     location, ref) from None


_OFFICIAL = ("http://json-schema.org/", "https://json-schema.org/")


def _official(resolver: Any, target: str) -> Any:
    """For a reference to an official metaschema (or vocabulary) that the registry lacks:
    a resolver that also holds them (shipped by ``jsonschema-specifications``: offline)."""
    from urllib.parse import urljoin

    if not target:
        return None
    uri = urljoin(str(getattr(resolver, "_base_uri", "")), target)
    if not uri.startswith(_OFFICIAL):
        return None
    from jsonschema_specifications import REGISTRY

    registry = getattr(resolver, "_registry", None)
    combined = REGISTRY if registry is None else registry.combine(REGISTRY)
    return combined.resolver(base_uri=str(getattr(resolver, "_base_uri", "")))


def _pydantic_source(obj: Any) -> tuple[Any, Any, str, str | None]:
    try:
        import pydantic
    except ImportError:  # pragma: no cover - depends on the environment
        raise TypeError(
            f"compiling {obj!r} needs pydantic: pip install 'strictschema[pydantic]'"
        ) from None
    try:
        from ._pydantic import json_schema

        adapter = pydantic.TypeAdapter(obj)
        schema = json_schema(adapter)  # follows the model where it is looser (_pydantic)
    except (pydantic.PydanticSchemaGenerationError, TypeError) as exc:
        raise TypeError(f"expected a JSON Schema dict or a Pydantic-compatible type, got "
                        f"{obj!r}: {str(exc).splitlines()[0]}") from None
    except pydantic.PydanticUserError as exc:
        first = exc.message.splitlines()[0]
        raise SchemaError(f"pydantic cannot build a JSON Schema for {obj!r}: {first}") from None
    from ._pydantic import type_name

    raw_name = type_name(obj) or schema.get("title") or repr(obj)
    description = None
    if isinstance(obj, type) and issubclass(obj, pydantic.BaseModel):
        doc = obj.__doc__
        if doc and doc is not pydantic.BaseModel.__doc__:
            import inspect

            description = inspect.cleandoc(doc)
    return schema, adapter, sanitize_name(str(raw_name)), description


def referencing_spec(draft: str) -> Any:
    """The ``referencing`` specification for ``draft``."""
    import referencing.jsonschema

    return {
        "draft2020-12": referencing.jsonschema.DRAFT202012,
        "draft2019-09": referencing.jsonschema.DRAFT201909,
        "draft7": referencing.jsonschema.DRAFT7,
        "draft6": referencing.jsonschema.DRAFT6,
        "draft4": referencing.jsonschema.DRAFT4,
    }[draft]


_METASCHEMAS = {
    "draft2020-12": "https://json-schema.org/draft/2020-12/schema",
    "draft2019-09": "https://json-schema.org/draft/2019-09/schema",
    "draft7": "http://json-schema.org/draft-07/schema#",
    "draft6": "http://json-schema.org/draft-06/schema#",
    "draft4": "http://json-schema.org/draft-04/schema#",
}


MAX_INPUT_DEPTH = 400


def _check_depth(obj: Any) -> None:
    """Refuse documents nested deeper than any real schema, before recursing into them."""
    stack = [(obj, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_INPUT_DEPTH:
            raise SchemaError(f"schema nested deeper than {MAX_INPUT_DEPTH} levels")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def read_source(obj: Any, registry: Any = None) -> Source:
    """Turn what the user passed into a ``Source``: its JSON Schema (generated from a
    Pydantic type), draft, name and registry. Not checked against the metaschema, and the
    schema model not built yet: ``_validate._validator.load_source`` does both."""
    import referencing
    import referencing.jsonschema

    model = adapter = name = description = None
    if isinstance(obj, Source):
        return obj
    if isinstance(obj, (dict, bool)):
        _check_depth(obj)
        schema = copy.deepcopy(obj)
    elif isinstance(obj, (str, bytes, list, int, float)) or obj is None:
        raise SchemaError(f"a schema must be a JSON object or boolean, got {type(obj).__name__}")
    else:
        schema, adapter, name, description = _pydantic_source(obj)
        model = obj
    draft = _draft_of(schema)
    if isinstance(schema, dict) and name is None and isinstance(schema.get("title"), str):
        name = sanitize_name(schema["title"])
    if isinstance(schema, dict) and description is None and isinstance(
            schema.get("description"), str):
        description = schema["description"]
    spec = referencing_spec(draft)
    src = Source(schema, draft, model, adapter, name, description)
    resource = spec.create_resource(schema)
    base = registry if registry is not None else referencing.Registry()
    if not isinstance(base, referencing.Registry):
        raise TypeError("registry must be a referencing.Registry")
    reg = base.with_resource(src.base_uri, resource)
    if src.base_uri != _ROOT_URI:
        reg = reg.with_resource(_ROOT_URI, resource)
    try:
        reg = reg.crawl()
    except Exception:  # noqa: BLE001, S110 - referencing trips on odd-but-valid documents
        # Without the crawl, JSON-pointer refs still resolve; only refs to embedded $id or
        # $anchor values would not, and those then fail with a RefResolutionError.
        pass
    object.__setattr__(src, "registry", reg)
    return src


def local_location(ref: str) -> Location | None:
    """The source location of a same-document pointer ref (``#/$defs/A`` -> ``("$defs","A")``)."""
    if ref.startswith("#/") or ref == "#":
        try:
            return pointer_parts(ref)
        except ValueError:
            return None
    return None
