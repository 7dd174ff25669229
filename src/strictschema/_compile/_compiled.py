"""``compile()`` and ``Compiled``: the wire schema, its diagnostics, the codec, the fragments."""

from __future__ import annotations

import copy
from typing import Any, Literal

from .._errors import ErrorDetail, ValidationError, _shown_first
from .._json import dumps
from .._schema._load import Source
from .._schema._model import SchemaModel
from .._validate._validator import load_source
from ..responses import parse_response
from ._codec import Codec, core_decoder, fast_decoder
from ._compiler import compile_source
from ._diagnostics import Diagnostic
from ._fragments import check_name, request_fragment
from ._profiles import PROFILES, Profile, get_profile

__all__ = ["Compiled", "compile"]

_UNSET: Any = object()


def _tapes_much(one: Any, raw: Any) -> bool:
    """Whether judge ``one``'s pass over ``raw`` judges a tenth or more of its bytes on a
    tape (all of them where its walk gives the text to the tape judge; no sign either way
    where ``raw`` is refused or is not JSON)."""
    try:
        share = one._program.taped_share(raw)
        if share is None:
            share = 1.0 if one.is_valid_json(raw) else 0.0
    except Exception:  # noqa: BLE001 - not JSON, too deep, ...: the route says so itself
        return False
    return bool(share >= 0.1)


def _total(codec: Codec, maps: bool) -> bool:
    """Whether decoding never fails on a wire-valid value: no JSON text, no union resolved
    by value, and no map whose keys may repeat (unless ``maps``: the judge checks them)."""
    from ._codec import IDENTITY, ArrayCodec, MapCodec, ObjectCodec, RefCodec, WrapCodec

    seen: set[int] = set()
    todo = [codec]
    while todo:
        c = todo.pop()
        if id(c) in seen:
            continue
        seen.add(id(c))
        if isinstance(c, RefCodec):
            todo.append(c.table[c.name])
        elif c is IDENTITY or isinstance(c, (ObjectCodec, ArrayCodec, WrapCodec)) or (
                isinstance(c, MapCodec) and (maps or c.last_wins)):
            todo += c.children()
        else:
            return False
    return True


class Compiled:
    """A schema compiled for one profile. Immutable; build one with ``strictschema.compile``.

    ``schema`` is what is sent; ``source`` is what the user wrote; ``decode`` maps a wire
    output back to the source's shape, ``encode`` the other way.
    """

    __slots__ = (
        "__dict__",  # holds the generated validate_json once built (shadows the method)
        "_accepts",
        "_checker",
        "_codec",
        "_diagnostics",
        "_fast_decode",
        "_judge",
        "_options",
        "_profile",
        "_residual",
        "_source",
        "_source_validator",
        "_vj",
        "_wire",
        "_wire_validator",
    )

    def __init__(self, source: Source, profile: Profile, wire: dict[str, Any], codec: Codec,
                 diagnostics: tuple[Diagnostic, ...],
                 options: tuple[str, Any] = ("describe", None)) -> None:
        self._source = source
        self._options = options  # (on_unsupported, registry): what pickling compiles again
        self._profile = profile
        self._wire = wire
        self._codec = codec
        self._wire_validator: Any = None
        self._source_validator: Any = None
        self._vj: Any = None  # validate_json, once built (bound, no per-call dispatch)
        self._residual: Any = _UNSET
        self._accepts: Any = None
        self._checker: Any = None  # _checked, once built
        self._judge: Any = _UNSET  # the one-pass judge of wire + residual (_judge.py)
        self._diagnostics = diagnostics  # last: makes the instance immutable

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(self, "_diagnostics") and name not in (
                "_wire_validator", "_source_validator", "_vj", "_residual", "_fast_decode",
                "_accepts", "_checker", "_judge"):
            raise AttributeError("Compiled is immutable")
        object.__setattr__(self, name, value)

    # -- what was compiled -------------------------------------------------------------
    @property
    def schema(self) -> dict[str, Any]:
        """The wire schema (a fresh copy: mutating it changes nothing here)."""
        return copy.deepcopy(self._wire)

    @property
    def source(self) -> Any:
        """The original JSON Schema (for a Pydantic model, the one Pydantic generated)."""
        return copy.deepcopy(self._source.schema)

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return self._diagnostics

    @property
    def profile(self) -> Profile:
        return self._profile

    @property
    def model(self) -> Any:
        """The Pydantic type compiled from, or None."""
        return self._source.model

    @property
    def name(self) -> str:
        """The default format/tool name: the model's or the schema title's, sanitised."""
        return self._source.name or "response"

    @property
    def exact(self) -> bool:
        """True when nothing was lost: the wire schema carries every constraint."""
        return not any(d.severity == "lossy" for d in self._diagnostics)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as what it was compiled from and how: the Pydantic type (by reference) or
        the JSON Schema, the profile (by name when it is a built-in one), ``on_unsupported``
        and the caller's registry. Unpickling compiles again, once per process for the same
        arguments (see ``_rebuild``): a task sent to a worker carries the schema, not the
        generated validators."""
        on_unsupported, registry = self._options
        source = self._source.model if self._source.model is not None else self._source.schema
        profile: str | Profile = self._profile
        if PROFILES.get(self._profile.name) is self._profile:
            profile = self._profile.name
        return (_rebuild, (source, profile, on_unsupported, registry))

    def __repr__(self) -> str:
        lossy = sum(d.severity == "lossy" for d in self._diagnostics)
        return (f"<Compiled {self.name!r} profile={self._profile.name!r} "
                f"changes={len(self._diagnostics)} lossy={lossy}>")

    # -- request fragments -------------------------------------------------------------
    def _description(self, description: str | None) -> dict[str, Any]:
        d = description if description is not None else self._source.description
        return {"description": d} if d else {}

    def text_format(self, name: str | None = None, description: str | None = None) -> dict[str, Any]:
        """Responses API ``text.format`` (C2)."""
        return {"type": "json_schema", "name": check_name(self.name if name is None else name),
                **self._description(description), "schema": self.schema, "strict": True}

    def response_format(self, name: str | None = None, description: str | None = None) -> dict[str, Any]:
        """Chat Completions ``response_format`` (C3)."""
        return {"type": "json_schema", "json_schema": {
            "name": check_name(self.name if name is None else name), **self._description(description),
            "schema": self.schema, "strict": True}}

    def function_tool(self, name: str | None = None, *, description: str | None = None,
                      api: Literal["responses", "chat"] = "responses") -> dict[str, Any]:
        """A strict function tool whose parameters are this schema (C5); ``strict`` is always
        sent explicitly (C4)."""
        fn = {"name": check_name(self.name if name is None else name, "tool name"),
              **self._description(description), "parameters": self.schema, "strict": True}
        if api == "responses":
            return {"type": "function", **fn}
        if api == "chat":
            return {"type": "function", "function": fn}
        raise ValueError(f"api must be 'responses' or 'chat', got {api!r}")

    def request_fragment(self, sdk: str, *, name: str | None = None,
                         description: str | None = None) -> dict[str, Any]:
        """This schema in one SDK's or engine's request shape: ``anthropic-output``
        (``output_config``), ``anthropic-tool``, ``gemini`` (``GenerateContentConfig``
        fields), ``mistral`` (``response_format``), ``llguidance`` (a grammar),
        ``xgrammar``/``outlines`` (converter arguments), ``gbnf`` (llama.cpp), or the
        ``openai-*`` shapes; see ``strictschema._compile._fragments``. The shape must carry the
        profile compiled for (``ValueError`` otherwise)."""
        return request_fragment(self, sdk, name=name, description=description)

    # -- data ------------------------------------------------------------------------
    def encode(self, data: Any) -> Any:
        """Original-shaped data -> wire-shaped data.

        Compiled from a Pydantic type, ``data`` may be an instance, or its JSON dump by
        alias or by field name: the model validates it, fills in its defaults, and its JSON
        dump by alias is encoded. Raises ``ValidationError`` when the model refuses ``data``
        or the wire schema cannot represent it (keys an object closed by the compiler cannot
        carry, a shorter tuple, ...: see the ``info`` diagnostics that narrow)."""
        if self._source.adapter is not None:
            data = self._model_dump(data)
        wire = self._codec.encode(data)
        self._validators()[0].validate(wire)
        return wire

    def decode(self, wire_data: Any) -> Any:
        """Wire-shaped data (already valid under ``schema``) -> original-shaped data."""
        return self._codec.decode(wire_data)

    def _validators(self) -> tuple[Any, Any]:
        if self._source_validator is None:
            from .._validate._validator import Validator

            self._source_validator = Validator(self._source)
            self._wire_validator = Validator._trusted(self._wire)
        return self._wire_validator, self._source_validator

    def _residual_validator(self) -> Any:
        """What a decoded wire-valid output still needs checking against (``_residual``):
        None when the wire schema proves everything, the source validator when no residual
        can be proven sound."""
        if self._residual is _UNSET:
            from .._validate._validator import Validator
            from ._residual import residual_model

            wire_v, source_v = self._validators()
            model = residual_model(source_v._model, wire_v._model, self._codec)
            residual = None if model is True else source_v
            if isinstance(model, SchemaModel):
                residual = Validator.__new__(Validator)
                residual._setup(self._source, (self._source, self._options[1], False), model)
            self._fast_decode = fast_decoder(self._codec)
            self._residual = residual
        return self._residual

    def _judge_validator(self) -> Any:
        """One program for the wire check, the residual check and the map keys together
        (``_judge``): the wire validator when there is neither residual nor map; None when
        the residual cannot be placed on the wire positions."""
        return self._judged()[0]

    def _judged(self) -> tuple[Any, bool]:
        """``(judge, total)``: ``total`` when decoding cannot fail once the judge passed."""
        if self._judge is _UNSET:
            wire_v = self._validators()[0]
            residual = self._residual_validator()
            judge, total = wire_v, _total(self._codec, maps=False)
            if residual is not None or _total(self._codec, maps=True) and not total:
                from .._validate._validator import Validator
                from ._judge import judge_model

                judge, total = None, False
                found = judge_model(wire_v._model, None if residual is None
                                    else residual._model, self._codec)
                if found is not None:
                    model, marked = found
                    judge = Validator.__new__(Validator)
                    judge._setup(wire_v._source, wire_v._args, model)
                    total = _total(self._codec, maps=marked)
            self._judge = (judge, total)
        return self._judge  # type: ignore[no-any-return]

    def _two_steps(self) -> Any:
        """``raw -> data``: the wire check, then the decode and the residual check; what
        explains a refusal with the wire errors and the residual's."""
        check_json, failed, checked = (self._validators()[0].check_json_errors,
                                       self._wire_failed, self._checked_fn())

        def two_steps(raw: bytes | bytearray | memoryview | str) -> Any:
            value, errors = check_json(raw)
            if errors is not None:
                raise failed(value, errors)
            return checked(value)
        return two_steps

    def _refusal(self) -> Any:
        """``raw -> True | explain`` for a text the one-pass judge refused (``_batch``): the
        acceptor's answer without asking the judge again."""
        two_steps = self._two_steps()

        def refusal(raw: bytes | bytearray | memoryview | str) -> Any:
            try:
                two_steps(raw)
            except Exception as exc:  # noqa: BLE001 - explained when asked
                return _raiser(exc)
            return True
        return refusal

    def _batch(self) -> Any:
        """``block -> (lines, [(index, start, end), ...])``: the lines of a JSONL block the
        acceptor would not pass, judged in one call of the core (verdict only); None where
        the acceptor needs more than the core's verdict (a decode that can fail, a model)."""
        one, total = self._judged()
        if one is None or not total or self._source.adapter is not None:
            return None
        return one._program.refused_lines

    def _acceptor(self) -> Any:
        """``raw -> True | explain``: ``True`` when ``parse(raw)`` would succeed (the CLI's
        verdicts); otherwise a function that raises what it raises. It never raises itself.
        The same route as ``parse``: the wire check, the decode, the residual check and, for
        a Pydantic source, the model; only when none of that can change the verdict (an
        exact compile, nothing to decode, no model) the core's verdict-only mode answers,
        building no value."""
        if self._accepts is None:
            one, total = self._judged()
            plain = one is not None and total and self._source.adapter is None
            judge = one.is_valid_json if plain else None
            parse = self.parse

            def accepts(raw: bytes | bytearray | memoryview | str) -> Any:
                if judge is not None:
                    try:
                        if judge(raw):
                            return True
                    except Exception:  # noqa: BLE001, S110 - not JSON: parse says why
                        pass
                try:
                    parse(raw)
                except Exception as exc:  # noqa: BLE001 - explained when asked
                    return _raiser(exc)
                return True
            self._accepts = accepts
        return self._accepts

    def validate(self, data: Any) -> Any:
        """Check original-shaped data against the original schema (every constraint)."""
        self._validators()[1].validate(data)
        return data

    def _checked(self, value: Any) -> Any:
        """A wire-valid value -> original-shaped data checked against the original schema
        (only its residual; the whole of it, for the exact errors, when that fails)."""
        return self._checked_fn()(value)

    def _checked_fn(self) -> Any:
        """``_checked`` as a function with what it needs bound (built once)."""
        if self._checker is None:
            residual, decode = self._residual_validator(), self._fast_decode
            residual_ok = residual.is_valid if residual is not None else None
            source_validate = self._validators()[1].validate

            def checked(value: Any) -> Any:
                data = decode(value)
                if residual_ok is not None and not residual_ok(data):
                    source_validate(data)
                return data

            self._checker = checked
        return self._checker

    def _wire_failed(self, value: Any, wire_errors: Any = None) -> ValidationError:
        """The errors of a value the wire schema refuses: the wire schema's, and those of
        the original schema's residual on what it decodes to (where it decodes), one per
        place and keyword. The residual leaves out only keywords that a wire keyword at the
        same place implies value by value, so a broken one of those shows up as the wire
        keyword's error; together the two lists name every constraint the output breaks."""
        wire_v = self._validators()[0]
        if wire_errors is None:
            wire_errors = wire_v.iter_errors(value)
        errors = list(wire_errors)  # every one: five missing properties are five errors
        places = {(e.location, e.keyword) for e in errors}
        residual = self._residual_validator()
        try:
            data = self._fast_decode(value) if residual is not None else None
        except Exception:  # noqa: BLE001 - not decodable: the wire errors say why
            residual = None
        if residual is not None:
            errors += [e for e in residual.iter_errors(data) if (e.location, e.keyword) not in places]
        return ValidationError(sorted(errors, key=_shown_first))

    def validate_wire(self, wire_data: Any) -> Any:
        """Wire-shaped data -> original-shaped data, checked against both schemas."""
        if not self._validators()[0].is_valid(wire_data):
            raise self._wire_failed(wire_data)
        return self._checked(wire_data)

    def validate_json(self, raw: bytes | bytearray | memoryview | str) -> Any:
        """Model output text -> original-shaped data, or ``ValidationError``/``DecodeError``.

        Parse and check against the wire schema in one pass; then, unless the wire schema
        proves the rest (an exact compile whose codec changes nothing: that is all), decode
        and check what the wire schema could not carry.

        The first call chooses the route: one pass of the judge (``_judge``), unless that
        pass would judge a tenth or more of this first output on a tape (values under a
        residual's ``not`` or ``if``, a union it cannot tell apart as it walks: parsed
        again and judged node by node), where the wire pass, the decode and the residual
        on the decoded value cost less (measured on the held-out corpus files). Both are
        exact: the choice changes the time, never the verdict."""
        vj = self._vj
        if vj is None:  # the first call builds it and binds it on the instance
            wire_v = self._validators()[0]
            if self._codec.identity and self._residual_validator() is None:
                vj = wire_v.validate_json
            else:
                from .._core import Judge

                two_steps = self._two_steps()
                decoder = core_decoder(self._codec, wire_v._model)
                one = self._judge_validator()
                residual = self._residual_validator()
                if one is not None and residual is not None and _tapes_much(one, raw):
                    one = None  # the residual judged on the value costs less
                if one is not None:  # one pass decides; the two steps explain a refusal
                    vj = Judge(one._program, decoder, two_steps).route()
                else:  # the wire pass and the decode, then the residual on the value
                    vj = Judge(wire_v._program, decoder, two_steps,
                               None if residual is None else residual._program).route()
            self._vj = vj
            object.__setattr__(self, "validate_json", vj)
        return vj(raw)

    def parse(self, raw: Any) -> Any:
        """Like ``validate_json``; returns the Pydantic instance when compiled from a model.

        ``raw`` may also be a Responses API ``Response`` (dict or SDK object)."""
        if not isinstance(raw, (bytes, bytearray, memoryview, str)):
            return parse_response(raw, self)
        if self._source.adapter is None:
            return self.validate_json(raw)
        try:
            data = self.validate_json(raw)
        except ValidationError as exc:  # a date-time pattern missed: say what the text is not
            from .._schema._pydantic import explain

            raise explain(exc, self._wire) from None
        return self.to_model(data)

    def _model_dump(self, data: Any) -> Any:
        import pydantic

        from .._schema._pydantic import normalize

        try:
            return normalize(self._source.adapter, data)
        except pydantic.ValidationError as exc:
            raise _model_errors(exc) from None

    def to_model(self, data: Any) -> Any:
        """Original-shaped data -> the model instance (data itself without a model)."""
        adapter = self._source.adapter
        if adapter is None:
            return data
        import pydantic

        try:
            return adapter.validate_json(dumps(data))
        except pydantic.ValidationError as exc:
            raise _model_errors(exc) from None


def _model_errors(exc: Any) -> ValidationError:
    """A ``pydantic.ValidationError`` as ours: each error at its path, saying it is the model's
    (its message, what it got)."""
    details = []
    for e in exc.errors(include_url=False):
        got = e.get("input")
        shown = f" (got {dumps(got)[:80]})" if isinstance(got, (str, int, float, bool)) else ""
        details.append(ErrorDetail(tuple(e["loc"]), e["type"],
                                   f"the model refuses this value: {e['msg']}{shown}"))
    return ValidationError(details)


def _raiser(exc: BaseException) -> Any:
    """A function that raises ``exc`` (an acceptor's explanation)."""
    def explain() -> None:
        raise exc
    return explain


def compile(
    source: Any,
    *,
    profile: str | Profile = "openai",
    on_unsupported: Literal["describe", "drop", "error"] = "describe",
    registry: Any = None,
) -> Compiled:
    """Compile a JSON Schema dict or a Pydantic-compatible type for ``profile``'s strict mode.

    ``on_unsupported`` decides what happens to a constraint the profile cannot carry:
    ``"describe"`` moves it into the description text, ``"drop"`` removes it (both report a
    ``lossy`` diagnostic, and the validator still enforces it), ``"error"`` raises
    ``UnsupportedSchemaError`` listing every problem. A schema that cannot be made strict at
    all raises ``UnsupportedSchemaError`` whatever the policy. ``registry`` (a
    ``referencing.Registry``) is the only way a non-local ``$ref`` resolves: nothing is fetched.
    """
    prof = get_profile(profile)
    src = load_source(source, registry)
    result = compile_source(src, prof, on_unsupported)
    return Compiled(src, prof, result.wire, result.codec, tuple(result.diagnostics),
                    (on_unsupported, registry))


_REBUILT: dict[Any, Compiled] = {}
_REBUILT_MAX = 32


def _rebuild(source: Any, profile: str | Profile, on_unsupported: Any,
             registry: Any) -> Compiled:
    """Unpickle a ``Compiled``: compile again, reusing this process's earlier result for the
    same arguments (a worker receives the same schema with every task)."""
    key: Any = None
    if registry is None and isinstance(profile, str):
        try:
            import orjson

            body = orjson.dumps(source) if isinstance(source, (dict, bool)) else source
            key = (body, profile, on_unsupported)
            hash(key)
        except (TypeError, orjson.JSONEncodeError):
            key = None
    if key is not None and key in _REBUILT:
        return _REBUILT[key]
    compiled = compile(source, profile=profile, on_unsupported=on_unsupported,
                       registry=registry)
    if key is not None:
        if len(_REBUILT) >= _REBUILT_MAX:
            del _REBUILT[next(iter(_REBUILT))]
        _REBUILT[key] = compiled
    return compiled
