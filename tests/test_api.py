"""The public surface is small and explicit, and ``import strictschema`` stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import strictschema

PUBLIC = [
    "PROFILES",
    "Compiled",
    "DecodeError",
    "Diagnostic",
    "ErrorDetail",
    "Profile",
    "RefResolutionError",
    "SchemaError",
    "StrictSchemaError",
    "UnsafePatternError",
    "UnsupportedSchemaError",
    "ValidationError",
    "Validator",
    "__version__",
    "compile",
]


def test_all_is_exactly_the_public_surface() -> None:
    assert strictschema.__all__ == PUBLIC
    # sorted isort-style (constants, classes, functions), as ruff's RUF022 keeps it
    public_names = {n for n in dir(strictschema) if not n.startswith(("_", "@"))}
    submodules = {"responses", "strategies", "testing"}  # imported on demand only
    assert public_names - set(PUBLIC) - submodules == set()


SUBMODULES = {
    "responses": ["TERMINAL_EVENTS", "IncompleteOutput", "NoStructuredOutput", "Refusal",
                  "ResponseFailed", "ResponseNotFinished", "Stream", "StreamGap", "ToolCall",
                  "UnknownTool", "build_request", "cancel", "create", "parse_function_call",
                  "parse_response", "parse_tool_calls", "partial_json", "poll", "resume",
                  "stream_response"],
    "strategies": ["MUTANT_KINDS", "Mutant", "from_schema", "mutants"],
    "testing": ["CHECKS", "CheckReport", "check_roundtrip"],
}


@pytest.mark.parametrize("name", sorted(SUBMODULES))
def test_submodule_surfaces_are_pinned(name: str) -> None:
    import importlib

    module = importlib.import_module(f"strictschema.{name}")
    assert module.__all__ == SUBMODULES[name]
    for attr in module.__all__:
        assert getattr(module, attr) is not None


def test_exceptions_subclass_the_builtin_they_imitate() -> None:
    from strictschema import (
        DecodeError,
        RefResolutionError,
        SchemaError,
        StrictSchemaError,
        UnsupportedSchemaError,
        ValidationError,
    )

    for exc in (SchemaError, UnsupportedSchemaError, ValidationError, DecodeError):
        assert issubclass(exc, StrictSchemaError) and issubclass(exc, ValueError)
    assert issubclass(RefResolutionError, LookupError)
    assert issubclass(UnsupportedSchemaError, SchemaError)


def test_value_objects_are_frozen() -> None:
    d = strictschema.Diagnostic.at(("properties", "a"), "x", "info", "m")
    assert d.path == "$.properties.a"
    with pytest.raises(AttributeError):
        d.code = "y"  # type: ignore[misc]
    p = strictschema.PROFILES["openai"]
    with pytest.raises(AttributeError):
        p.max_depth = 99  # type: ignore[misc]


def test_import_is_light() -> None:
    code = (
        "import sys, strictschema\n"
        "heavy = ['hypothesis', 'pydantic', 'click', 'rich', 'openai', 'jsonschema',"
        " 'httpx']\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
