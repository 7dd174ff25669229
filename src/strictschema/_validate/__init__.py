"""The judge: validation by the native core (``strictschema._core``, the Rust extension; it
stays at the top of the package because maturin builds it under that name) and the Python
helpers bound to it.

``_validator`` (``Validator``, ``PushValidator``, the checked ``load_source`` with the
metaschema check), ``_regex`` (ECMA-262 patterns as the judge runs them), ``_formats`` (the
asserted formats). Above the foundation (``_core``, ``_errors``, ``_paths``, ``_json``), it
imports only ``_schema``.
"""
