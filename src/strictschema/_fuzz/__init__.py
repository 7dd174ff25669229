"""Fuzz: Hypothesis strategies from a schema (``_plan`` -> ``_build``), mutants (``_mutants``),
fast pattern strings (``_pattern``), and the open profiles checked against real
constrained-decoding engines (``_engines``). The public faces are ``strictschema.strategies``
and ``strictschema.testing``.
"""
