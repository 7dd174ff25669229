"""Request fragments in each SDK's or engine's own shape (``Compiled.request_fragment``).

Each shape is what one argument of that SDK's call takes, as plain JSON-compatible data:

- ``openai-text`` / ``openai-chat`` / ``openai-tool`` / ``openai-chat-tool`` (openai*):
  Responses ``text.format``, Chat ``response_format``, a strict function tool;
- ``anthropic-output``: ``messages.create(output_config=...)``; ``anthropic-tool``: one entry
  of ``tools`` with ``strict: true`` (anthropic);
- ``gemini``: keyword arguments of ``GenerateContentConfig`` (gemini);
- ``mistral``: ``chat.complete(response_format=...)`` (mistral);
- ``llguidance``: a top-level grammar, ``LLMatcher(tokenizer, json.dumps(fragment))``;
- ``xgrammar``: keyword arguments of ``GrammarCompiler.compile_json_schema`` /
  ``Grammar.from_json_schema``;
- ``outlines``: keyword arguments of ``outlines_core.json_schema.build_regex_from_schema``;
- ``gbnf``: ``{"grammar": text}`` for llama.cpp (``LlamaGrammar.from_string``; Ollama and
  llama-server take the schema itself), made by llama-cpp-python's own converter.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._compiled import Compiled

__all__ = ["SDKS", "check_name", "request_fragment"]

SDKS = ("openai-text", "openai-chat", "openai-tool", "openai-chat-tool", "anthropic-output",
        "anthropic-tool", "gemini", "mistral", "llguidance", "xgrammar", "outlines", "gbnf")


_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")


def check_name(name: Any, what: str = "name") -> str:
    """B7: ``^[A-Za-z0-9_-]{1,64}$``, or ``ValueError`` saying how to fix it."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"{what} {name!r} must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-' (B7)")
    return name


def _compact(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, separators=(",", ":"))


def request_fragment(c: Compiled, sdk: str, *, name: str | None = None,
                     description: str | None = None) -> dict:
    if sdk not in SDKS:
        raise ValueError(f"sdk must be one of {', '.join(SDKS)}; got {sdk!r}")
    if sdk not in c.profile.sdk_shapes:
        raise ValueError(
            f"sdk {sdk!r} does not carry profile {c.profile.name!r}; compile with a profile "
            f"whose shapes include it (shapes of {c.profile.name}: "
            f"{', '.join(c.profile.sdk_shapes) or 'none'})")
    if sdk == "openai-text":
        return c.text_format(name=name, description=description)
    if sdk == "openai-chat":
        return c.response_format(name=name, description=description)
    if sdk in ("openai-tool", "openai-chat-tool"):
        return c.function_tool(name, description=description,
                               api="responses" if sdk == "openai-tool" else "chat")
    schema = c.schema
    desc = description if description is not None else c._source.description
    if sdk == "anthropic-output":
        return {"format": {"type": "json_schema", "schema": schema}}
    if sdk == "anthropic-tool":
        return {"name": check_name(c.name if name is None else name, "tool name"),
                **({"description": desc} if desc else {}),
                "input_schema": schema, "strict": True}
    if sdk == "gemini":
        return {"response_mime_type": "application/json", "response_json_schema": schema}
    if sdk == "mistral":
        return {"type": "json_schema", "json_schema": {
            "name": check_name(c.name if name is None else name),
            **({"description": desc} if desc else {}), "schema": schema, "strict": True}}
    if sdk == "llguidance":
        # a TopLevelGrammar: compact JSON text, keys in schema order (llguidance's default)
        return {"grammars": [{"name": "json_schema", "json_schema": {
            **schema, "x-guidance": {"whitespace_flexible": False}}}]}
    if sdk == "xgrammar":
        return {"schema": _compact(schema), "any_whitespace": False, "strict_mode": True}
    if sdk == "outlines":
        return {"json_schema": _compact(schema), "whitespace_pattern": None}
    return {"grammar": gbnf(schema)}


def gbnf(schema: dict) -> str:
    """llama.cpp's GBNF for ``schema``, through llama-cpp-python's own converter.

    The converter (``llama_cpp/llama_grammar.py``) is pure Python: it is loaded on its own,
    without ``llama_cpp/__init__``, which would load the native library."""
    import importlib.util
    import sys

    name = "strictschema._llama_grammar"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.find_spec("llama_cpp")
        where = list(spec.submodule_search_locations or []) if spec else []
        path = next((f"{d}/llama_grammar.py" for d in where), None)
        if path is None:
            raise ImportError("the gbnf shape needs llama-cpp-python: pip install "
                              "'strictschema[engines]' (it builds llama.cpp)")
        loaded = importlib.util.spec_from_file_location(name, path)
        if loaded is None or loaded.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(loaded)
        sys.modules[name] = module
        loaded.loader.exec_module(module)
    try:
        return module.json_schema_to_gbnf(_compact(schema))
    except Exception as exc:  # noqa: BLE001 - the converter asserts on what it cannot read
        raise ValueError(f"llama.cpp's JSON-schema converter cannot read this schema: "
                         f"{str(exc).splitlines()[0][:200]}") from None
