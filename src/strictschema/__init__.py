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

from ._compiled import Compiled, compile
from ._diagnostics import Diagnostic
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
from ._profiles import PROFILES, Profile
from ._validator import Validator

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
