"""Validation of instances against any JSON Schema (draft 2020-12 semantics by default;
2019-09, draft-07, -06 and -04 when ``$schema`` says so), by the one judge.

A schema is loaded once (``_load``), turned into the schema model (``_model``: references
resolved, drafts normalized) and compiled by the native core (``strictschema._core``) into
a program. The program runs over JSON bytes in one pass (strict parse, check, then the
Python value built from the same tokens, or only the verdict), or over Python values.
Every route asks it: ``Validator``, ``Compiled.validate_json``/``parse``/``validate_wire``,
the residual check, the CLI, ``responses.Stream`` and ``strictschema.testing``.

Exact semantics: ``1.0`` is an integer (draft-06 on), booleans are not numbers, enum/const
compare JSON values (``1 == 1.0``, ``true != 1``), lengths count code points, ``pattern`` is
ECMA-262 run in linear time (``_core``), ``multipleOf`` divides the decimal values written in
the JSON text (``19.99`` is a multiple of ``0.01``). Duplicate keys, NaN/Infinity and lone
surrogates are refused while parsing; integers of any size stay exact; a document nested
deeper than ``MAX_DEPTH`` is a ``DecodeError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .. import _core
from .._errors import (
    DecodeError,
    ErrorDetail,
    SchemaError,
    UnsafePatternError,
    ValidationError,
    _shown_first,
)
from .._schema._load import _METASCHEMAS, Source, read_source
from .._schema._model import SchemaModel, build_model

__all__ = ["MAX_DEPTH", "PushValidator", "Validator", "best_match", "load_source", "program_of"]

MAX_DEPTH: int = _core.MAX_DEPTH
"""Deepest nesting of a JSON document accepted on every route; deeper is a ``DecodeError``."""

_DEPTH = ErrorDetail((), "depth", f"instance is nested deeper than {MAX_DEPTH} levels")

RawJSON = bytes | bytearray | memoryview | str


def best_match(errors: Iterable[ErrorDetail]) -> ErrorDetail | None:
    """The error to show first (see ``_shown_first``); what ``ValidationError.errors``
    starts with."""
    return min(errors, key=_shown_first, default=None)


def _details(raw: Iterable[tuple[Any, str, str, Any]]) -> list[ErrorDetail]:
    return sorted((ErrorDetail(loc, kw, msg, sloc) for loc, kw, msg, sloc in raw),
                  key=_shown_first)


def _bytes(raw: Any) -> bytes | str:
    t = type(raw)
    if t is bytes or t is str:
        return raw  # type: ignore[no-any-return]
    if isinstance(raw, (bytearray, memoryview)):
        return bytes(raw)
    if isinstance(raw, (bytes, str)):
        return bytes(raw) if isinstance(raw, bytes) else str(raw)
    raise TypeError(f"expected bytes or str, got {t.__name__}")


def decode_error(exc: BaseException) -> DecodeError:
    message, position, location = exc.args
    return DecodeError(message, position, location)


def _gave_up(exc: BaseException) -> SchemaError:
    message, _location, schema_location = exc.args
    return UnsafePatternError(message, schema_location)


def _failed(exc: BaseException) -> Exception:
    """The strictschema exception for what the core raised: ``Invalid`` ->
    ``ValidationError``, ``DecodeFailure`` -> ``DecodeError``, ``GaveUp`` ->
    ``UnsafePatternError``."""
    if isinstance(exc, _core.Invalid):
        return ValidationError(_details(exc.args[0]))
    if isinstance(exc, _core.DecodeFailure):
        return decode_error(exc)
    if isinstance(exc, _core.GaveUp):
        return _gave_up(exc)
    return SchemaError(str(exc))


try:  # the core raises the public exceptions itself (validate_json, is_valid_json)
    _core.set_translator(_failed)
except ValueError:  # already set (this module imported again): the same translation
    pass


def program_of(model: SchemaModel) -> Any:
    """The core program of a schema model (``SchemaError`` where a pattern cannot run),
    built once per model."""
    if model.program:
        return model.program[0]
    try:
        program = _core.Program(model.to_json())
        model.program.append(program)
        return program
    except _core.ModelError as exc:
        message, location = exc.args
        if "too large to run" in message or "nested more than" in message:
            raise UnsafePatternError(message, location) from None
        raise SchemaError(message, location) from None


# -- loading, with the metaschema check the judge runs --------------------------------------
_META: dict[str, Any] = {}


def _metaschema_check(schema: Any, draft: str) -> None:
    """The schema checked against its draft's metaschema, by the judge (the metaschemas
    ship offline in ``jsonschema-specifications``)."""
    meta = _META.get(draft)
    if meta is None:
        from jsonschema_specifications import REGISTRY

        uri = _METASCHEMAS[draft]
        meta = _META[draft] = Validator._trusted(REGISTRY.contents(uri), registry=REGISTRY)
    if meta.is_valid(schema):
        return
    errors = list(meta.iter_errors(schema))
    if errors:
        error = errors[0]
        message = error.message
        if len(message) > 200:
            message = message[:197] + "..."
        raise SchemaError(f"invalid schema: {message}", error.location)


def load_source(obj: Any, registry: Any = None, *, trusted: bool = False) -> Source:
    """Turn what the user passed into a checked ``Source`` with its schema model built.

    ``trusted``: a schema strictschema built itself from a checked one (the wire schema, a
    residual): the metaschema check and the reference-loop scan are skipped."""
    if isinstance(obj, Source):
        return obj
    src = read_source(obj, registry)
    if not trusted:
        _metaschema_check(src.schema, src.draft)
        src.model_of()  # an unresolvable reference or a loop is an error now, not later
    return src


class Validator:
    """Validate instances against a JSON Schema (never fetches remote ``$ref``)."""

    def __init__(self, schema: Any, *, registry: Any = None) -> None:
        self._setup(load_source(schema, registry), (schema, registry, False))

    @classmethod
    def _trusted(cls, schema: Any, registry: Any = None) -> Validator:
        """For a schema strictschema built from a checked one (wire schema, residual): no
        metaschema check or reference-loop scan again."""
        self = cls.__new__(cls)
        self._setup(load_source(schema, registry, trusted=True), (schema, registry, True))
        return self

    def _setup(self, source: Source, args: tuple[Any, Any, bool],
               model: SchemaModel | None = None) -> None:
        self._source = source
        self._args = args
        self._model = source.model_of() if model is None else model
        self._program = program_of(self._model)
        self._subs: dict[int, tuple[Any, Validator | None]] = {}
        # the two hot routes are the core's own functions of one argument (they raise the
        # public exceptions): no Python frame and no argument parsing between the caller and
        # the core
        self.validate_json, self.is_valid_json = self._program.root_routes()  # type: ignore[method-assign]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        schema, registry, trusted = self._args
        if isinstance(schema, Source):
            schema = schema.model if schema.model is not None else schema.schema
        return (_rebuild_validator, (schema, registry, trusted))

    @property
    def schema(self) -> Any:
        return self._source.schema

    @property
    def compiled(self) -> bool:
        """Always True: every schema runs on the native core."""
        return True

    # -- Python values -----------------------------------------------------------------
    def is_valid(self, instance: Any) -> bool:
        try:
            return bool(self._program.is_valid(instance))
        except _core.DecodeFailure:
            return False
        except _core.GaveUp as exc:
            raise _gave_up(exc) from None

    def iter_errors(self, instance: Any) -> Iterator[ErrorDetail]:
        try:
            raw = self._program.errors(instance)
        except _core.DecodeFailure:
            yield _DEPTH
            return
        except _core.GaveUp as exc:
            raise _gave_up(exc) from None
        yield from _details(raw)

    def validate(self, instance: Any) -> None:
        if self.is_valid(instance):
            return
        errors = list(self.iter_errors(instance))
        if errors:
            raise ValidationError(errors)

    # -- JSON text ---------------------------------------------------------------------
    def validate_json(self, raw: RawJSON) -> Any:
        """JSON text -> the value, or ``ValidationError`` / ``DecodeError``. (An instance
        calls the core's method directly; this is the same call.)"""
        return self._program.validate_json(raw)

    def check_json(self, raw: RawJSON) -> tuple[Any, bool]:
        """Parse strictly and validate in one pass: ``(value, is_valid)``. Raises
        ``DecodeError`` for text that is not (acceptable) JSON."""
        value, errors = self.check_json_errors(raw)
        return value, errors is None

    def check_json_errors(self, raw: RawJSON) -> tuple[Any, list[ErrorDetail] | None]:
        """``(value, None)`` when valid, ``(value, errors)`` otherwise; ``DecodeError`` for
        text that is not (acceptable) JSON."""
        try:
            value, errors = self._program.check_json(_bytes(raw))
        except _core.Failure as exc:
            raise _failed(exc) from None
        return value, None if errors is None else _details(errors)

    def is_valid_json(self, raw: RawJSON) -> bool:
        """JSON text -> the verdict, building no value (``DecodeError`` for bad JSON). (An
        instance calls the core's method directly; this is the same call.)"""
        return bool(self._program.is_valid_json(raw))

    def errors_json(self, raw: RawJSON) -> list[ErrorDetail]:
        """JSON text -> every error (empty when valid), building no value."""
        try:
            return _details(self._program.errors_json(_bytes(raw)))
        except _core.Failure as exc:
            raise _failed(exc) from None

    # -- subschemas ----------------------------------------------------------------------
    def _node_of(self, subschema: Any) -> int | None:
        node = self._model.index.get(id(subschema))
        if node is None:
            return None
        return node

    def is_valid_at(self, subschema: Any, instance: Any) -> bool:
        """Whether ``instance`` matches ``subschema`` (an object of this validator's schema,
        a node number of its model, or any schema: refs resolve against this root)."""
        return self._raw_at(subschema)(instance) >= 0

    def _raw_at(self, subschema: Any) -> Callable[[Any], int]:
        """The check of ``subschema`` as ``instance -> int``, negative when invalid."""
        found = self._program_at(subschema)
        if found is None:
            return lambda x: 0
        is_valid, node = found[0].is_valid, found[1]

        def at(x: Any) -> int:
            try:
                return 0 if is_valid(x, node) else -1
            except _core.DecodeFailure:
                return -1
            except _core.GaveUp as exc:
                raise _gave_up(exc) from None
        return at

    def _program_at(self, subschema: Any) -> tuple[Any, int] | None:
        """The core program and node that judge ``subschema`` (see ``is_valid_at``): this
        validator's own where the subschema is one of its model's, else a validator of its
        own, built once (None: not a schema, so it accepts everything)."""
        node = subschema if type(subschema) is int else self._node_of(subschema)
        if node is not None:
            return self._program, node
        entry = self._subs.get(id(subschema))
        if entry is None or entry[0] is not subschema:
            sub = None
            if isinstance(subschema, (dict, bool)):  # judged with refs resolved at the root
                sub = Validator.__new__(Validator)
                sub._setup(self._source, (subschema, self._source.registry, True),
                           build_model(self._source, subschema))
            entry = self._subs[id(subschema)] = (subschema, sub)
        v = entry[1]
        return None if v is None else (v._program, v._model.root)

    def push(self) -> PushValidator:
        """A push-mode run: feed the text chunk by chunk (see ``PushValidator``)."""
        return PushValidator(self._program)

    def __repr__(self) -> str:
        return f"Validator({self._source.schema!r})"[:200]


def _rebuild_validator(schema: Any, registry: Any, trusted: bool) -> Validator:
    if trusted:
        return Validator._trusted(schema, registry)
    return Validator(schema, registry=registry)


class PushValidator:
    """The judge fed a JSON text in pieces (``Validator.push()``).

    ``feed(chunk)`` raises ``ValidationError`` as soon as no continuation of the text read
    so far can be valid, and ``DecodeError`` as soon as it cannot be JSON; ``finish()``
    judges the whole text (the same verdict and errors as ``validate_json``) and returns the
    value. ``closing()`` says how to close the text read so far into JSON:
    ``(cut, suffix)`` in characters, or None."""

    __slots__ = ("_push",)

    def __init__(self, program: Any) -> None:
        self._push = program.push()

    def feed(self, chunk: str | bytes) -> None:
        try:
            self._push.feed(chunk)
        except _core.Failure as exc:
            raise _failed(exc) from None

    def finish(self) -> Any:
        try:
            return self._push.finish()
        except _core.Failure as exc:
            raise _failed(exc) from None

    def closing(self) -> tuple[int, str] | None:
        result: tuple[int, str] | None = self._push.closing()
        return result

    @property
    def complete(self) -> bool:
        return bool(self._push.complete)

    @property
    def depth(self) -> int:
        return int(self._push.depth)

    @property
    def pos(self) -> int:
        return int(self._push.pos)
