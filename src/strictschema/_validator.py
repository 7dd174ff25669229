"""Validation of instances against any JSON Schema (draft 2020-12 semantics by default).

First honest version on top of ``jsonschema`` with ECMA-262 patterns and the profile's
formats asserted; the public surface (``Validator``) is final.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._errors import ErrorDetail, ValidationError
from ._json import loads
from ._load import Source, load_source

__all__ = ["Validator"]


def _pattern_keyword(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError as JError

    from ._regex import compile_pattern

    if isinstance(instance, str) and not compile_pattern(pattern).search(instance):
        yield JError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: dict, instance: Any, schema: Any):
    from ._regex import compile_pattern

    if not isinstance(instance, dict):
        return
    for pattern, subschema in patterns.items():
        rx = compile_pattern(pattern)
        for k, v in instance.items():
            if rx.search(k):
                yield from validator.descend(v, subschema, path=k, schema_path=pattern)


def _format_checker() -> Any:
    import jsonschema

    from ._formats import FORMAT_CHECKS

    checker = jsonschema.FormatChecker(formats=())
    for name, fn in FORMAT_CHECKS.items():
        checker.checks(name)(fn)
    return checker


_CLASSES: dict[str, Any] = {}


def _validator_class(draft: str) -> Any:
    if draft not in _CLASSES:
        import jsonschema
        from jsonschema import validators

        base = {
            "draft2020-12": jsonschema.Draft202012Validator,
            "draft2019-09": jsonschema.Draft201909Validator,
            "draft7": jsonschema.Draft7Validator,
            "draft6": jsonschema.Draft6Validator,
            "draft4": jsonschema.Draft4Validator,
        }[draft]
        _CLASSES[draft] = validators.extend(
            base, {"pattern": _pattern_keyword, "patternProperties": _pattern_properties})
    return _CLASSES[draft]


def _detail(err: Any) -> ErrorDetail:
    message = err.message.splitlines()[0] if err.message else err.validator
    if len(message) > 300:
        message = message[:297] + "..."
    return ErrorDetail(tuple(err.absolute_path), str(err.validator), message,
                       tuple(err.absolute_schema_path))


class Validator:
    """Validate instances against a JSON Schema (never fetches remote ``$ref``)."""

    def __init__(self, schema: Any, *, registry: Any = None) -> None:
        self._source = load_source(schema, registry)
        cls = _validator_class(self._source.draft)
        self._impl = cls(self._source.schema, registry=self._source.registry,
                         format_checker=_format_checker())

    @property
    def schema(self) -> Any:
        return self._source.schema

    def is_valid(self, instance: Any) -> bool:
        try:
            return self._impl.is_valid(instance)
        except RecursionError:
            return False

    def iter_errors(self, instance: Any) -> Iterator[ErrorDetail]:
        try:
            for err in self._impl.iter_errors(instance):
                yield _detail(err)
        except RecursionError:
            yield ErrorDetail((), "depth", "instance is nested too deeply to validate")

    def validate(self, instance: Any) -> None:
        errors = sorted(self.iter_errors(instance), key=lambda e: (len(e.location), e.keyword))
        if errors:
            raise ValidationError(errors)

    def validate_json(self, raw: bytes | str) -> Any:
        value = loads(raw)
        self.validate(value)
        return value

    def is_valid_at(self, subschema: Any, instance: Any) -> bool:
        """Whether ``instance`` matches ``subschema`` with refs resolved against this root."""
        try:
            return self._impl.evolve(schema=subschema).is_valid(instance)
        except RecursionError:
            return False

    def __repr__(self) -> str:
        return f"Validator({self._source.schema!r})"[:200]


def _unused(_: Source) -> None:  # keep the import for type checkers
    return None
