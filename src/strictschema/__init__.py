"""strictschema: JSON Schema and Pydantic models compiled for OpenAI Structured Outputs.

    >>> import strictschema
    >>> c = strictschema.compile({"type": "object", "properties": {"a": {"type": "integer"}}})
    >>> c.schema["required"]
    ['a']
    >>> c.validate_json(b'{"a": null}')
    {}

Exceptions::

    StrictSchemaError
    ├── SchemaError (ValueError)
    │   ├── RefResolutionError (LookupError)
    │   ├── UnsafePatternError
    │   └── UnsupportedSchemaError
    ├── ValidationError (ValueError)
    └── DecodeError (ValueError)
"""

import typing as _typing

from ._compile._diagnostics import Diagnostic
from ._compile._profiles import PROFILES, Profile
from ._errors import (
    DecodeError,
    ErrorDetail,
    RefResolutionError,
    SchemaError,
    StrictSchemaError,
    UnsafePatternError,
    UnsupportedSchemaError,
    ValidationError,
)

if _typing.TYPE_CHECKING:
    from ._compile._compiled import Compiled, compile
    from ._validate._validator import Validator

# The compiler and the judge load on first use: ``import strictschema`` stays light (the CLI
# starts in well under 0.3 s whatever optional packages are installed).
_LAZY = {"Compiled": "_compile._compiled", "compile": "_compile._compiled",
         "Validator": "_validate._validator"}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'strictschema' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__version__ = "0.1.0"

__all__ = [
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
