"""The four strict schemas (and the 1 MB instance) timed by ``bench_validate.py``.

Each entry is ``(name, schema, instance_bytes)``: realistic Structured Outputs schemas
(closed objects, every property required, as the ``openai`` profile sends them) and one
valid, compact model output for each, built deterministically.
"""

from __future__ import annotations

import random

import orjson

__all__ = ["CASES", "big_instance", "msgspec_type", "pydantic_type"]

# -- S1: a flat 6-field record -----------------------------------------------------------
S1 = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer", "minimum": 0, "maximum": 150},
        "email": {"type": "string", "format": "email"},
        "active": {"type": "boolean"},
        "score": {"type": "number"},
        "tier": {"type": "string", "enum": ["free", "pro", "enterprise"]},
    },
    "required": ["name", "age", "email", "active", "score", "tier"],
    "additionalProperties": False,
}
I1 = {"name": "Ada Lovelace", "age": 36, "email": "ada@example.com", "active": True,
      "score": 97.5, "tier": "pro"}

# -- S2: an invoice with 20 line items, a pattern, date-time and numeric bounds -------------
_LINE = {
    "type": "object",
    "properties": {
        "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
        "description": {"type": "string", "minLength": 1, "maxLength": 200},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 10000},
        "unit_price": {"type": "number", "minimum": 0, "exclusiveMaximum": 1000000},
        "tax_rate": {"type": "number", "minimum": 0, "maximum": 1},
        "discount": {"anyOf": [{"type": "number", "minimum": 0}, {"type": "null"}]},
    },
    "required": ["sku", "description", "quantity", "unit_price", "tax_rate", "discount"],
    "additionalProperties": False,
}
_PARTY = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "email": {"type": "string", "format": "email"},
        "address": {
            "type": "object",
            "properties": {
                "street": {"type": "string"},
                "city": {"type": "string"},
                "postal_code": {"type": "string"},
                "country": {"type": "string", "enum": ["US", "GB", "DE", "FR", "JP", "CA"]},
            },
            "required": ["street", "city", "postal_code", "country"],
            "additionalProperties": False,
        },
    },
    "required": ["name", "email", "address"],
    "additionalProperties": False,
}
S2 = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": "string", "pattern": "^INV-[0-9]{6}$"},
        "issued_at": {"type": "string", "format": "date-time"},
        "currency": {"type": "string", "enum": ["USD", "EUR", "GBP", "JPY", "CAD"]},
        "seller": _PARTY,
        "buyer": _PARTY,
        "line_items": {"type": "array", "items": _LINE, "minItems": 1, "maxItems": 100},
        "subtotal": {"type": "number", "minimum": 0},
        "tax": {"type": "number", "minimum": 0},
        "total": {"type": "number", "minimum": 0},
        "notes": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    },
    "required": ["invoice_number", "issued_at", "currency", "seller", "buyer", "line_items",
                 "subtotal", "tax", "total", "notes"],
    "additionalProperties": False,
}


def _party(rng: random.Random, n: int) -> dict:
    return {"name": f"Company {n} Ltd", "email": f"billing{n}@company{n}.example.com",
            "address": {"street": f"{rng.randint(1, 999)} Main Street", "city": "Springfield",
                        "postal_code": f"{rng.randint(10000, 99999)}", "country": "US"}}


def _line(rng: random.Random, i: int) -> dict:
    return {"sku": f"{'ABCDEFGH'[i % 8]}{'KLMN'[i % 4]}Z-{rng.randint(0, 9999):04d}",
            "description": f"Stainless steel widget, model {i}, pack of {rng.randint(1, 50)}",
            "quantity": rng.randint(1, 40), "unit_price": round(rng.uniform(0.5, 900), 2),
            "tax_rate": 0.2, "discount": None if i % 3 else round(rng.uniform(0, 5), 2)}


def _invoice(rng: random.Random, lines: int) -> dict:
    items = [_line(rng, i) for i in range(lines)]
    sub = round(sum(x["quantity"] * x["unit_price"] for x in items), 2)
    return {"invoice_number": "INV-004217", "issued_at": "2025-03-14T09:26:53Z",
            "currency": "USD", "seller": _party(rng, 1), "buyer": _party(rng, 2),
            "line_items": items, "subtotal": sub, "tax": round(sub * 0.2, 2),
            "total": round(sub * 1.2, 2), "notes": "Payment due within 30 days."}


# -- S3: a recursive UI tree of ~60 nodes through $defs / anyOf ------------------------------
S3 = {
    "type": "object",
    "properties": {"root": {"$ref": "#/$defs/node"}},
    "required": ["root"],
    "additionalProperties": False,
    "$defs": {
        "attribute": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "value": {"type": "string"}},
            "required": ["name", "value"],
            "additionalProperties": False,
        },
        "container": {
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["div", "section", "form", "header", "list"]},
                "id": {"type": "string"},
                "attributes": {"type": "array", "items": {"$ref": "#/$defs/attribute"}},
                "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
            },
            "required": ["type", "id", "attributes", "children"],
            "additionalProperties": False,
        },
        "text": {
            "type": "object",
            "properties": {
                "type": {"type": "string", "const": "text"},
                "id": {"type": "string"},
                "content": {"type": "string"},
            },
            "required": ["type", "id", "content"],
            "additionalProperties": False,
        },
        "field": {
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["input", "button", "checkbox"]},
                "id": {"type": "string"},
                "label": {"type": "string"},
                "attributes": {"type": "array", "items": {"$ref": "#/$defs/attribute"}},
            },
            "required": ["type", "id", "label", "attributes"],
            "additionalProperties": False,
        },
        "node": {"anyOf": [{"$ref": "#/$defs/container"}, {"$ref": "#/$defs/text"},
                           {"$ref": "#/$defs/field"}]},
    },
}


def _tree(rng: random.Random, budget: list[int], depth: int) -> dict:
    budget[0] -= 1
    n = budget[0]
    if depth >= 4 or budget[0] <= 0 or rng.random() < 0.3:
        if rng.random() < 0.5:
            return {"type": "text", "id": f"t{n}", "content": f"Paragraph {n} of the page."}
        return {"type": rng.choice(["input", "button", "checkbox"]), "id": f"f{n}",
                "label": f"Field {n}", "attributes": [{"name": "class", "value": "form-control"}]}
    kids = []
    for _ in range(rng.randint(2, 5)):
        if budget[0] <= 0:
            break
        kids.append(_tree(rng, budget, depth + 1))
    return {"type": rng.choice(["div", "section", "form", "header", "list"]), "id": f"c{n}",
            "attributes": [{"name": "class", "value": f"layout-{depth}"},
                           {"name": "data-role", "value": "region"}],
            "children": kids}


def _count(node: dict) -> int:
    return 1 + sum(_count(c) for c in node.get("children", ()))


# -- S4: a 200-property document with a 500-value enum ----------------------------------------
_CODES = [f"C{i:04d}" for i in range(500)]


def _s4() -> tuple[dict, dict]:
    props: dict = {}
    inst: dict = {}
    for i in range(200):
        kind = i % 5
        name = f"field_{i:03d}"
        if i == 0:
            props[name] = {"type": "string", "enum": _CODES}
            inst[name] = _CODES[417]
        elif kind == 0:
            props[name] = {"type": "string"}
            inst[name] = f"value {i}"
        elif kind == 1:
            props[name] = {"type": "integer", "minimum": 0}
            inst[name] = i * 7
        elif kind == 2:
            props[name] = {"type": "number"}
            inst[name] = i / 8
        elif kind == 3:
            props[name] = {"type": "boolean"}
            inst[name] = bool(i % 2)
        else:
            props[name] = {"anyOf": [{"type": "string"}, {"type": "null"}]}
            inst[name] = None if i % 2 else f"note {i}"
    schema = {"type": "object", "properties": props, "required": list(props),
              "additionalProperties": False}
    return schema, inst


S4, I4 = _s4()


def big_instance(target: int = 1_000_000) -> bytes:
    """A ~1 MB valid instance of S2 without its ``maxItems`` (an invoice with many lines)."""
    rng = random.Random(7)
    lines = 1
    while True:
        raw = orjson.dumps(_invoice(rng, lines))
        if len(raw) >= target:
            return raw
        lines = max(lines * 2, int(lines * target / len(raw)) + 1)


S2_UNBOUNDED = {**S2, "properties": {**S2["properties"], "line_items": {
    "type": "array", "items": _LINE, "minItems": 1}}}


def _cases() -> list[tuple[str, dict, bytes]]:
    rng = random.Random(3)
    tree_rng = random.Random(5)
    while True:
        tree = _tree(tree_rng, [60], 0)
        if 50 <= _count(tree) <= 70 and "children" in tree:
            break
    return [
        ("S1 flat record", S1, orjson.dumps(I1)),
        ("S2 invoice 20 lines", S2, orjson.dumps(_invoice(rng, 20))),
        ("S3 UI tree", S3, orjson.dumps({"root": tree})),
        ("S4 200 props", S4, orjson.dumps(I4)),
        ("S5 1 MB invoice", S2_UNBOUNDED, big_instance()),
    ]


CASES = _cases()


# -- peers that need types instead of a JSON Schema (approximate equivalents) -----------------

def _defs_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def pydantic_type(schema: dict):
    """A pydantic type equivalent to one of the strict schemas above (formats unchecked)."""
    from typing import Annotated, Literal, Union

    import pydantic

    models: dict[str, object] = {}
    counter = [0]

    def conv(s: dict, hint: str):
        if "$ref" in s:
            return _defs_name(s["$ref"])
        if "anyOf" in s:
            parts = [conv(b, hint) for b in s["anyOf"]]
            if any(p is type(None) for p in parts):
                others = [p for p in parts if p is not type(None)]
                return Union[others[0], None]  # noqa: UP007
            return Union[tuple(parts)]  # noqa: UP007
        t = s.get("type")
        if "enum" in s or "const" in s:
            return Literal[tuple(s.get("enum", [s.get("const")]))]
        if t == "string":
            return Annotated[str, pydantic.StringConstraints(
                min_length=s.get("minLength"), max_length=s.get("maxLength"),
                pattern=s.get("pattern"))]
        if t in ("integer", "number"):
            num = int if t == "integer" else float
            return Annotated[num, pydantic.Field(
                ge=s.get("minimum"), le=s.get("maximum"), gt=s.get("exclusiveMinimum"),
                lt=s.get("exclusiveMaximum"))]
        if t == "boolean":
            return bool
        if t == "null":
            return type(None)
        if t == "array":
            return Annotated[list[conv(s["items"], hint)], pydantic.Field(
                min_length=s.get("minItems"), max_length=s.get("maxItems"))]
        if t == "object":
            counter[0] += 1
            return model(s, f"{hint}{counter[0]}")
        raise NotImplementedError(str(s)[:80])

    def model(s: dict, name: str):
        fields = {k: (conv(v, name + "_" + k), ...) for k, v in s["properties"].items()}
        m = pydantic.create_model(name, __config__=pydantic.ConfigDict(extra="forbid"),
                                  **fields)
        models[name] = m
        return m

    for name, body in schema.get("$defs", {}).items():
        model(body, name) if body.get("type") == "object" else None
    for name, body in schema.get("$defs", {}).items():
        if body.get("type") != "object":
            models[name] = conv(body, name)
    root = model(schema, "Root")
    for m in list(models.values()):
        if isinstance(m, type) and issubclass(m, pydantic.BaseModel):
            m.model_rebuild(_types_namespace=models)
    return pydantic.TypeAdapter(root)


def msgspec_type(schema: dict):
    """A msgspec Struct equivalent to one of the strict schemas above, or NotImplementedError
    (msgspec cannot express untagged unions of objects, like S3's tree)."""
    from typing import Annotated, Literal, Union

    import msgspec

    def conv(s: dict, hint: str):
        if "$ref" in s or ("anyOf" in s and any("$ref" in b for b in s["anyOf"])):
            raise NotImplementedError("untagged union of objects")
        if "anyOf" in s:
            parts = [conv(b, hint) for b in s["anyOf"]]
            others = [p for p in parts if p is not type(None)]
            if len(others) != 1:
                raise NotImplementedError("union")
            return Union[others[0], None]  # noqa: UP007
        t = s.get("type")
        if "enum" in s:
            return Literal[tuple(s["enum"])]
        if t == "string":
            return Annotated[str, msgspec.Meta(min_length=s.get("minLength"),
                                               max_length=s.get("maxLength"),
                                               pattern=s.get("pattern"))]
        if t in ("integer", "number"):
            num = int if t == "integer" else float
            return Annotated[num, msgspec.Meta(
                ge=s.get("minimum"), le=s.get("maximum"), gt=s.get("exclusiveMinimum"),
                lt=s.get("exclusiveMaximum"))]
        if t == "boolean":
            return bool
        if t == "null":
            return type(None)
        if t == "array":
            return Annotated[list[conv(s["items"], hint)], msgspec.Meta(
                min_length=s.get("minItems"), max_length=s.get("maxItems"))]
        if t == "object":
            return msgspec.defstruct(hint, [(k, conv(v, f"{hint}_{k}"))
                                            for k, v in s["properties"].items()],
                                     forbid_unknown_fields=True)
        raise NotImplementedError(str(s)[:80])

    return conv(schema, "Root")
