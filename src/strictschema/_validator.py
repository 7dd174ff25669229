"""Validation of instances against any JSON Schema (draft 2020-12 semantics by default;
2019-09, draft-07, -06 and -04 when ``$schema`` says so).

The schema is compiled once into Python source (one function per ``$ref`` target and per
applicator branch, everything else inlined) and ``exec``-ed: the fast path answers "valid or
not" and returns on the first failure. Errors are collected only for invalid instances, by a
slower interpreter that walks the same semantics and records paths. Schemas using keywords
the compiler does not specialise (``$dynamicRef``, ``$recursiveRef``, ``unevaluated*``) are
validated by ``jsonschema``, extended with ECMA-262 patterns and the profile's formats.

Exact semantics: ``1.0`` is an integer (draft-06 on), booleans are not numbers, enum/const
compare JSON values (``1 == 1.0``, ``true != 1``), lengths count code points, ``pattern`` is
ECMA-262 (``strictschema._regex``), ``multipleOf`` divides the decimal values written in the
JSON text (``19.99`` is a multiple of ``0.01``).

``validate_json`` fuses parsing and validation: the counting variant of the compiled code
(specialised for decoder output: exact builtin types only) returns how many strings (keys
included) the value holds, which, compared with the quote count of the text, proves no
duplicate key was dropped by the C decoder. For the strict subset (closed objects with every
property required, typed leaves, arrays, ``anyOf`` over distinct JSON types, acyclic
``$ref``) a typed ``msgspec`` decoder checks most keywords while it parses, and generated
residual code checks the rest (ECMA patterns, a column of an array of objects at a time where
it can; formats; inexact bounds) and counts the strings; anything it refuses goes through the
general path, which decides.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._errors import ErrorDetail, ValidationError, _shown_first
from ._formats import FORMAT_CHECKS
from ._json import loads
from ._load import Source, jsonschema_class, load_source
from ._vcodegen import _Compiler
from ._verrors import _Errors, _unlocated, best_match
from ._vruntime import (
    _INEXACT_INTS,
    _base,
    _Ctx,
    _decode,
    _delimiters_are,
    _inexact,
    _short,
    _Unsupported,
)
from ._vtyped import _NotTyped, _Typed

__all__ = ["Validator", "best_match"]


# -- the jsonschema-based path (keywords the compiler does not specialise) ---------------

def _pattern_keyword(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError as JError

    from ._regex import compile_pattern

    if isinstance(instance, str) and not compile_pattern(pattern).search(instance):
        yield JError(f"{_short(instance)} does not match {_short(pattern)}")


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

    checker = jsonschema.FormatChecker(formats=())
    for name, fn in FORMAT_CHECKS.items():
        checker.checks(name)(fn)
    return checker


_CLASSES: dict[str, Any] = {}


def _validator_class(draft: str) -> Any:
    if draft not in _CLASSES:
        from jsonschema import validators

        _CLASSES[draft] = validators.extend(
            jsonschema_class(draft), {"pattern": _pattern_keyword, "patternProperties": _pattern_properties})
    return _CLASSES[draft]


def _jdetail(err: Any) -> ErrorDetail:
    message = err.message.splitlines()[0] if err.message else err.validator
    if len(message) > 300:
        message = message[:297] + "..."
    return ErrorDetail(tuple(err.absolute_path), str(err.validator), message,
                       tuple(err.absolute_schema_path))


class _JsonschemaImpl:
    def __init__(self, source: Source) -> None:
        cls = _validator_class(source.draft)
        self.impl = cls(source.schema, registry=source.registry,
                        format_checker=_format_checker())

    def is_valid(self, x: Any) -> bool:
        return self.impl.is_valid(x)

    def is_valid_at(self, s: Any, x: Any) -> bool:
        return self.impl.evolve(schema=s).is_valid(x)

    def iter_errors(self, x: Any) -> Iterator[ErrorDetail]:
        for err in self.impl.iter_errors(x):
            yield _jdetail(err)


# -- public ------------------------------------------------------------------------------

_DEPTH = ErrorDetail((), "depth", "instance is nested too deeply to validate")


class Validator:
    """Validate instances against a JSON Schema (never fetches remote ``$ref``)."""

    def __init__(self, schema: Any, *, registry: Any = None) -> None:
        self._setup(load_source(schema, registry))

    @classmethod
    def _trusted(cls, schema: Any, registry: Any = None) -> Validator:
        """For a schema strictschema built from a checked one (wire schema, residual): no
        metaschema check or reference-loop scan again."""
        self = cls.__new__(cls)
        self._setup(load_source(schema, registry, trusted=True))
        return self

    def _setup(self, source: Any) -> None:
        self._source = source
        self._ctx = _Ctx(self._source)
        self._root_res = self._source.resolver()
        self._jimpl: _JsonschemaImpl | None = None
        self._fast: Any = None
        self._counted: Any = None
        self._typed = False  # whether validate_json runs on a typed msgspec decoder
        self._typed_source = ""
        self._comp: _Compiler | None = None
        self._ccomp: _Compiler | None = None
        self._at: dict[int, tuple[Any, Any]] = {}
        self._sub: dict[tuple, Any] = {}  # (id(s), base URI, entered) -> x -> bool
        try:
            self._comp = _Compiler(self._ctx)
            name = self._comp.function(self._source.schema, self._root_res, False, (), True)
            self._comp.flush()
            self._fast = self._comp.ns[name]
        except _Unsupported:
            self._comp = None
            self._jimpl = _JsonschemaImpl(self._source)
        except RecursionError:
            self._comp = None
            self._jimpl = _JsonschemaImpl(self._source)

    @property
    def schema(self) -> Any:
        return self._source.schema

    @property
    def compiled(self) -> bool:
        """True when the schema runs on the generated fast path (not on ``jsonschema``)."""
        return self._jimpl is None

    def is_valid(self, instance: Any) -> bool:
        try:
            if self._jimpl is not None:
                return self._jimpl.is_valid(instance)
            return self._fast(instance) >= 0
        except RecursionError:
            return False
        except ValueError as exc:
            self._locate(instance, exc)
            raise

    def _locate(self, instance: Any, exc: Exception) -> None:
        """For an ``UnsafePatternError`` raised by a search (no location yet): raise it
        again at the pattern's place in the schema, naming where the string is in
        ``instance`` (the error walk finds it). Returns for anything else."""
        if _unlocated(exc) and self._comp is not None:
            for _ in self.iter_errors(instance):
                pass

    def iter_errors(self, instance: Any) -> Iterator[ErrorDetail]:
        try:
            if self._jimpl is not None:
                yield from self._jimpl.iter_errors(instance)
                return
            try:
                if self._fast(instance) >= 0:
                    return
            except ValueError as exc:  # a pattern it cannot run: the walk below places it
                if not _unlocated(exc):
                    raise
            found = False
            for e in _Errors(self._ctx, self._fast_at).iter(self._source.schema, instance, self._root_res,
                                             (), (), True):
                found = True
                yield e
            if not found:  # pragma: no cover - the two paths agree (tested)
                yield ErrorDetail((), "schema", "instance is invalid")
        except RecursionError:
            yield _DEPTH

    def validate(self, instance: Any) -> None:
        if self.is_valid(instance):
            return
        errors = sorted(self.iter_errors(instance), key=_shown_first)
        if errors:
            raise ValidationError(errors)

    def validate_json(self, raw: bytes | str) -> Any:
        """JSON text -> the value, or ``ValidationError`` / ``DecodeError``."""
        self._install_json()
        return self.validate_json(raw)

    def check_json(self, raw: bytes | bytearray | memoryview | str) -> tuple[Any, bool]:
        """Parse strictly and validate in one pass: ``(value, is_valid)``. Raises
        ``DecodeError`` for text that is not (acceptable) JSON.

        Duplicate keys are the one thing the C decoders hide (the last one wins): the
        compiled code returns the number of strings (keys included) in the value, and the
        text holds ``2 * strings + escaped quotes`` quote characters; a dropped member only
        adds to the text's side, so equality proves nothing was lost. Anything else goes
        through ``loads``. For the strict subset a typed ``msgspec`` decoder checks most
        keywords while parsing (see ``_Typed``)."""
        self._install_json()
        return self.check_json(raw)

    def _install_json(self) -> None:
        """Build the bytes -> verdict code on first use and bind ``check_json`` and
        ``validate_json`` on the instance to it (no per-call dispatch). Once."""
        if "check_json" in self.__dict__:
            return
        general = self._check_general
        validate = self.validate

        def validate_general(raw: Any) -> Any:
            value, ok = general(raw)
            if not ok:
                validate(value)
            return value

        check, check_validate = general, validate_general
        if self._jimpl is None:
            self._counter()
            if not _INEXACT_INTS:
                try:
                    typed = _Typed(self._ctx, self._root_res)
                    check, check_validate = typed.build(general, validate_general)
                    self._typed = True
                    self._typed_source = "\n".join(typed.comp.source_lines)
                except (_NotTyped, RecursionError):
                    pass
        self.check_json = check  # type: ignore[method-assign]
        self.validate_json = check_validate  # type: ignore[method-assign]

    def _check_general(self, raw: Any) -> tuple[Any, bool]:
        """``check_json`` without the typed decoder."""
        if self._jimpl is not None:
            value = loads(raw)
            return value, self.is_valid(value)
        counted = self._counter()
        t = type(raw)
        if t is not bytes and t is not str:
            if not isinstance(raw, (bytes, bytearray, memoryview, str)):
                raise TypeError(f"expected bytes or str, got {t.__name__}")
            raw = bytes(raw) if not isinstance(raw, str) else str(raw)
        try:
            value = _decode(raw)
        except Exception:  # noqa: BLE001 - the exact path says what is wrong
            value = loads(raw)
            return value, self.is_valid(value)
        if _INEXACT_INTS and _inexact(raw):
            value = loads(raw)
            return value, self.is_valid(value)
        try:
            q = counted(value)
        except RecursionError:
            return loads(raw), False
        except ValueError as exc:
            self._locate(value, exc)
            raise
        if q >= 0:
            quotes = raw.count('"' if t is str else b'"')
            if quotes == q + q or _delimiters_are(raw, quotes, q + q):
                return value, True
            return loads(raw), True  # proves no duplicate key (or raises DecodeError)
        return loads(raw), False

    def _counter(self) -> Any:
        if self._counted is None:
            comp = self._ccomp = _Compiler(self._ctx, json_only=True)
            name = comp.function(self._source.schema, self._root_res, True, (), True)
            comp.flush()
            self._counted = comp.ns[name]
        return self._counted

    def _fast_at(self, s: Any, res: Any, entered: bool) -> Any:
        """The generated check of subschema ``s`` in scope ``res``: ``x -> int``, negative
        when invalid (``RecursionError`` on very deep instances)."""
        key = (id(s), _base(res), entered)
        fn = self._sub.get(key)
        if fn is None:
            assert self._comp is not None
            name = self._comp.function(s, res, False, (), entered)
            self._comp.flush()
            fn = self._sub[key] = self._comp.ns[name]
        return fn

    def _raw_at(self, subschema: Any) -> Any:
        """The generated check of ``subschema`` (an object of this validator's schema, refs
        resolved against its root) as ``instance -> int``, negative when invalid; it may
        raise ``RecursionError`` on very deep instances."""
        if self._jimpl is not None:
            return lambda x: 0 if self.is_valid_at(subschema, x) else -1
        assert self._comp is not None
        name = self._comp.function(subschema, self._root_res, False, ())
        self._comp.flush()
        return self._comp.ns[name]

    def is_valid_at(self, subschema: Any, instance: Any) -> bool:
        """Whether ``instance`` matches ``subschema`` with refs resolved against this root."""
        try:
            if self._jimpl is not None:
                return self._jimpl.is_valid_at(subschema, instance)
            entry = self._at.get(id(subschema))
            if entry is None or entry[0] is not subschema:
                try:
                    assert self._comp is not None
                    name = self._comp.function(subschema, self._root_res, False, ())
                    self._comp.flush()
                    fn = self._comp.ns[name]
                except _Unsupported:
                    j = _JsonschemaImpl(self._source)
                    fn = lambda x: 0 if j.is_valid_at(subschema, x) else -1
                entry = self._at[id(subschema)] = (subschema, fn)
            return entry[1](instance) >= 0
        except RecursionError:
            return False

    def source_code(self) -> str:
        """The generated Python source (for debugging and tests): the checks of parsed
        values, then the bytes -> verdict code once ``validate_json`` has built it."""
        general = "\n".join(self._comp.source_lines) if self._comp else ""
        return "\n".join(filter(None, (general, self._typed_source)))

    def __repr__(self) -> str:
        return f"Validator({self._source.schema!r})"[:200]
