"""The judge: validation by the native core (``strictschema._core``, the Rust extension; it
stays at the top of the package because maturin builds it under that name) and the Python
helpers bound to it.

``_validator`` (``Validator``, ``PushValidator``, the checked ``load_source``), ``_json``
(the strict parser), ``_regex`` (ECMA-262 patterns as the judge runs them), ``_formats`` (the
asserted formats). Imports only ``_schema``.
"""
