"""Compile: source schema -> a profile's strict wire schema, its codec and its diagnostics.

``_compiler`` (the pass over the source, where each keyword is handled: ``allOf`` merged,
``oneOf`` to ``anyOf``, ...), ``_merge`` (schema algebra), ``_codec`` (wire <-> original
shape), ``_residual`` (what the wire schema does not carry), ``_profiles`` and ``_check``
(what a target accepts, and the checker for it), ``_diagnostics``, ``_fragments`` (request
fragments per SDK), ``_pyregex`` (ECMA patterns as Python ``re``, for analysis and fuzzing),
and ``_compiled`` (``compile()`` and ``Compiled``, which ties them to the judge).
"""
