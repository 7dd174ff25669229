"""The schema model: a source (a JSON Schema of any supported draft, or a Pydantic type) read
into numbered nodes, every ``$ref`` resolved, every draft normalized to 2020-12.

``_load`` reads the source (draft, ``$id``/registry, the Pydantic type's schema), ``_model``
builds the model the judge compiles, ``_pydantic`` is what Pydantic sources need. Imports
nothing of the other stages; ``_validate`` checks a schema against its metaschema.
"""
