"""Hypothesis strategies for JSON Schemas: valid instances, and mutants that are invalid for a
known reason. Needs the ``fuzz`` extra (``pip install 'strictschema[fuzz]'``).

    >>> from hypothesis import given
    >>> from strictschema.strategies import from_schema, mutants
    >>> import strictschema
    >>> c = strictschema.compile({"title": "Point", "type": "object",
    ...                           "properties": {"x": {"type": "integer"}}})
    >>> from_schema(c)
    from_schema(<compiled 'Point' profile='openai'>, shape='wire')
    >>> @given(from_schema(c, shape="original"))
    ... def test_point(data):
    ...     assert c.decode(c.encode(data)) == data

``from_schema`` accepts a JSON Schema (any draft the loader knows), a Pydantic model (or any
type Pydantic can describe) or a ``Compiled``:

- a schema or model without ``shape``: every instance valid under that schema can be drawn,
  generated directly from it (extra keys of open objects included);
- a ``Compiled`` (or a schema/model with ``shape``, compiled with ``profile``):
  ``shape="wire"`` (the default) draws outputs the model could send that the compiled schema
  accepts (``c.validate_wire`` would return data); ``shape="original"`` draws data in the
  original schema's shape that the wire can carry: decoded wire outputs, and instances
  generated from the source that ``c.encode`` can represent.

Strings follow ECMA-262 ``pattern`` semantics (``\\d`` is ASCII only, ``$`` is the very end)
and the profile's formats (``date-time``, ``email``, ``uuid``, ...). Recursive schemas
(``$ref: "#"``, ``$defs`` that refer to themselves) recurse at most ``max_depth`` levels;
arrays without ``maxItems`` get at most ``max_items`` items beyond ``minItems``. A draw builds
at most about 1,000 values (objects, arrays, properties, items); past that it finishes with
the smallest valid choices (optional properties left out, the union branch with the fewest
values, the fewest items), so a wide schema of nested unions costs bounded time and memory.
A schema that has no instance (within those bounds) raises Hypothesis's ``InvalidArgument``
when first drawn from, saying where and why.

``mutants`` draws ``Mutant`` values: ``(kind, instance)`` pairs, each a valid instance
changed at one place (``mutant.path``) so the validator rejects it there, for the reason
``kind`` names (see ``MUTANT_KINDS``); ``truncated`` mutants are JSON text cut short.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, cast

try:
    from hypothesis import assume
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "strictschema.strategies needs Hypothesis: pip install 'strictschema[fuzz]'") from exc

from ._fuzz._mutants import KINDS, Mutant, error_at, mutate, possible_kinds

__all__ = ["MUTANT_KINDS", "Mutant", "from_schema", "mutants"]

MUTANT_KINDS: tuple[str, ...] = KINDS
"""Every kind of mutant, in the order ``mutants`` prefers them when shrinking."""

_NO = object()


class _Target:
    """What the user passed, with everything derived from it built once, on first use."""

    def __init__(self, obj: Any, *, profile: Any, max_depth: Any, max_items: Any) -> None:
        self.obj = obj
        self.profile = profile
        self.max_depth = max_depth
        self.max_items = max_items
        self._compiled: Any = None
        self._sources: dict[str, Any] = {}
        self._gens: dict[Any, Any] = {}
        self._strategies: dict[str, Any] = {}
        self._mutants: dict[Any, Any] = {}
        self.error: str | None = None  # a bad argument, raised on first draw

    def __repr__(self) -> str:
        from ._compile._compiled import Compiled

        obj = self.obj
        extra = ""
        if self.max_depth != 3:
            extra += f" max_depth={self.max_depth!r}"
        if self.max_items != 5:
            extra += f" max_items={self.max_items!r}"
        if isinstance(obj, Compiled):
            return f"<compiled {obj.name!r} profile={obj.profile.name!r}{extra}>"
        if isinstance(obj, dict):
            if isinstance(obj.get("title"), str):
                return f"<schema {obj['title']!r}{extra}>"
            text = json.dumps(obj, default=str)
            return f"<schema {text if len(text) <= 60 else text[:57] + '...'}{extra}>"
        if isinstance(obj, bool):
            return f"<schema {str(obj).lower()}{extra}>"
        if isinstance(obj, type) or hasattr(obj, "__origin__"):
            name = getattr(obj, "__name__", None) or repr(obj)
            return f"<model {name}{extra}>"
        text = repr(obj)
        return f"<{text if len(text) <= 60 else text[:57] + '...'}{extra}>"

    # -- arguments and the things built from them --------------------------------------
    def check(self) -> None:
        if self.error is not None:
            raise InvalidArgument(self.error)
        for name in ("max_depth", "max_items"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise InvalidArgument(f"{name} must be a non-negative integer, got {v!r}")

    def compiled(self) -> Any:
        if self._compiled is None:
            import strictschema

            if isinstance(self.obj, strictschema.Compiled):
                self._compiled = self.obj
            else:
                try:
                    self._compiled = strictschema.compile(self.obj, profile=self.profile)
                except (strictschema.SchemaError, TypeError, ValueError) as exc:
                    raise InvalidArgument(f"cannot compile {self!r}: {exc}") from None
        return self._compiled

    def source(self, which: str) -> tuple[Any, Any]:
        """``which``: ``schema`` (what the user passed), ``source`` / ``wire`` of the
        compiled schema. Returns a loaded ``Source`` and a ``Validator`` for it."""
        pair = self._sources.get(which)
        if pair is None:
            import strictschema

            from ._schema._load import Source
            from ._validate._validator import Validator, load_source

            try:
                if which == "schema":
                    src = load_source(self.obj)
                    validator = Validator(src)
                else:
                    c = self.compiled()
                    # reuse what compiling already loaded and checked
                    validators = c._validators()
                    if which == "source":
                        src = c._source
                        validator = validators[1]
                    else:
                        validator = validators[0]
                        loaded = getattr(validator, "_source", None)
                        src = loaded if isinstance(loaded, Source) else load_source(c.schema)
            except (strictschema.SchemaError, TypeError) as exc:
                raise InvalidArgument(f"{self!r} is not a usable schema: {exc}") from None
            pair = self._sources[which] = (src, validator)
        return pair

    def generator(self, which: str, *, allow_extra: bool) -> Any:
        key = (which, allow_extra)
        gen = self._gens.get(key)
        if gen is None:
            from ._fuzz._build import Generator

            src, validator = self.source(which)
            gen = self._gens[key] = Generator(
                src, validator, max_depth=self.max_depth, max_items=self.max_items,
                allow_extra=allow_extra)
            gen.planner.wire_hints = which == "wire"
        return gen

    def strategy(self, shape: str) -> st.SearchStrategy:
        s = self._strategies.get(shape)
        if s is None:
            self.check()
            s = self._strategies[shape] = self._strategy(shape)
        return s

    def _strategy(self, shape: str) -> st.SearchStrategy:
        if shape == "schema":
            schema_strategy: st.SearchStrategy[Any] = self.generator(
                "schema", allow_extra=True).strategy()
            return schema_strategy

        c = self.compiled()
        errors: list[str] = []
        options: list[st.SearchStrategy] = []
        try:
            wire = self.wire_outputs()
            options.append(wire if shape == "wire" else wire.map(c.decode))
        except InvalidArgument as exc:
            errors.append(f"wire schema: {exc}")
        if shape == "original" or not c.exact:
            # instances of the source the wire can carry: encoded for shape="wire"
            try:
                direct = self.generator("source", allow_extra=False).strategy()

                def encoded(x: Any) -> Any:
                    try:
                        return c.encode(x)
                    except Exception:  # noqa: BLE001 - not representable (or a codec bug,
                        return _NO     # which strictschema.testing reports instead)

                def carried(w: Any) -> bool:
                    # encode() of a valid source instance must also pass validate_wire (a
                    # lossy compile can encode what the decoder then refuses, e.g. an absent
                    # property whose null decodes to a value the source forbids)
                    if w is _NO:
                        return False
                    try:
                        c.validate_wire(w)
                    except Exception:  # noqa: BLE001 - refused (or a codec bug: see testing)
                        return False
                    return True

                if shape == "wire":
                    options.append(direct.map(encoded).filter(carried))
                else:
                    options.append(direct.filter(lambda x: encoded(x) is not _NO))
            except InvalidArgument as exc:
                errors.append(f"source schema: {exc}")
        if not options:
            raise InvalidArgument(f"{self!r} has no instance to generate: " + "; ".join(errors))
        return options[0] if len(options) == 1 else st.one_of(options)

    def wire_outputs(self, *, checked: bool = True) -> st.SearchStrategy:
        """Wire outputs: valid under the wire schema; when ``checked``, only those that
        ``validate_wire`` accepts (they decode, and decode to data the source accepts: this
        drops outputs a lossy compile cannot rule out, like duplicates where the source
        has ``uniqueItems``)."""
        c = self.compiled()
        raw: st.SearchStrategy[Any] = self.generator("wire", allow_extra=False).strategy()
        if not checked:
            return raw
        # the compiler guarantees that wire-valid outputs of an exact compile decode to valid
        # data (strictschema.testing checks that guarantee); only the decoding itself can
        # refuse one (JSON text that is not JSON, a map key given twice). A lossy compile's
        # outputs must also meet what the wire could not carry.
        check = c.decode if c.exact else c.validate_wire

        def accepted(w: Any) -> bool:
            try:
                check(w)
            except Exception:  # noqa: BLE001 - refused (or a codec bug: see testing)
                return False
            return True

        return raw.filter(accepted)

    # -- mutants -----------------------------------------------------------------------
    def mutant_context(self, shape: str, kinds: frozenset[str]) -> tuple[Any, ...]:
        key = (shape, kinds)
        ctx = self._mutants.get(key)
        if ctx is None:
            self.check()
            from ._fuzz._mutants import SiteFinder

            if shape == "wire":
                gen = self.generator("wire", allow_extra=False)
                base = self.wire_outputs(checked=False)
            elif shape == "original":
                gen = self.generator("source", allow_extra=True)
                base = self.strategy("original")
            else:
                gen = self.generator("schema", allow_extra=True)
                base = gen.strategy()
            possible = possible_kinds(gen.model) & kinds
            if not possible:
                raise InvalidArgument(
                    f"{self!r} admits no mutant of the kinds {sorted(kinds)} (shape={shape!r})")
            finder = SiteFinder(gen.model, gen.valid_at)
            ctx = self._mutants[key] = (base, finder, gen.validator, frozenset(possible))
        return ctx


def _target(obj: Any, profile: Any, max_depth: Any, max_items: Any) -> _Target:
    return _Target(obj, profile=profile, max_depth=max_depth, max_items=max_items)


def _shape(obj: Any, shape: Any) -> str:
    from ._compile._compiled import Compiled

    if shape is None:
        return "wire" if isinstance(obj, Compiled) else "schema"
    if shape not in ("wire", "original"):
        raise InvalidArgument(f"shape must be 'wire' or 'original', got {shape!r}")
    return cast(str, shape)


def _named(name: str) -> Callable[[Callable[..., Any]], Callable[..., st.SearchStrategy[Any]]]:
    """``st.composite`` under a public name: Hypothesis shows ``from_schema(<schema 'X'>,
    shape='wire')`` as the strategy's repr and in falsifying examples."""
    def decorate(fn: Any) -> Any:
        fn.__name__ = fn.__qualname__ = name
        return st.composite(fn)
    return decorate


@_named("from_schema")
def _from_schema(draw: st.DrawFn, target: _Target, /, *, shape: str | None = None) -> Any:
    return draw(target.strategy(shape or "schema"))


def from_schema(schema_or_compiled: Any, /, *, shape: str | None = None,
                profile: Any = "openai", max_depth: int = 3,
                max_items: int = 5) -> st.SearchStrategy[Any]:
    """Instances valid under a JSON Schema, a Pydantic model, or a ``Compiled`` schema.

    ``shape``: for a ``Compiled``, ``"wire"`` (default) or ``"original"``; for a schema or
    model, None (default: generate from it directly) or either shape (compile it first with
    ``profile``). ``max_depth`` bounds recursion through ``$ref``; ``max_items`` bounds arrays
    without ``maxItems`` (items beyond ``minItems``).
    """
    target = _target(schema_or_compiled, profile, max_depth, max_items)
    try:
        resolved = _shape(schema_or_compiled, shape)
    except InvalidArgument as exc:
        target.error = str(exc)
        return _from_schema(target, shape=shape)
    return _from_schema(target, shape=resolved if resolved != "schema" else None)


@_named("mutants")
def _mutants(draw: st.DrawFn, target: _Target, /, *, shape: str | None = None,
             kinds: tuple[str, ...] | None = None) -> Mutant:
    target.check()
    wanted = frozenset(kinds if kinds is not None else KINDS)
    base_strategy, finder, validator, possible = target.mutant_context(shape or "schema", wanted)
    base = draw(base_strategy)
    sites = finder.sites(base, possible)
    by_kind: dict[str, list[Any]] = {}
    for site in sites:
        by_kind.setdefault(site.kind, []).append(site)
    order = [k for k in KINDS if k in by_kind or (k == "truncated" and k in possible)]
    if not order:
        assume(False)
    start = draw(st.integers(0, len(order) - 1), label="kind")
    for kind in order[start:] + order[:start]:
        if kind == "truncated":
            text = json.dumps(base, ensure_ascii=False)
            if len(text) < 2:
                continue
            cut = draw(st.integers(1, len(text) - 1), label="cut")
            for end in (cut, *range(len(text) - 1, 0, -1)):
                if _not_json(validator, text[:end]):
                    return Mutant("truncated", text[:end], (),
                                  f"JSON text cut after {end} of {len(text)} characters")
            continue
        candidates = by_kind[kind]
        i = draw(st.integers(0, len(candidates) - 1), label="site")
        for site in candidates[i:] + candidates[:i]:
            for instance, detail in mutate(site, base):
                errors = list(validator.iter_errors(instance))
                if errors and error_at(errors, site.path):
                    return Mutant(kind, instance, site.path, detail)
    assume(False)
    raise AssertionError("unreachable")  # pragma: no cover


def _not_json(validator: Any, text: str) -> bool:
    from ._errors import DecodeError, ValidationError

    try:
        validator.validate_json(text)
    except DecodeError:
        return True
    except ValidationError:
        return False
    return False


def mutants(schema_or_compiled: Any, /, *, kinds: Iterable[str] | None = None,
            shape: str | None = None, profile: Any = "openai", max_depth: int = 3,
            max_items: int = 5) -> st.SearchStrategy[Mutant]:
    """``Mutant`` values ``(kind, instance)``: valid instances changed at one path so that
    they are invalid, for the reason ``kind`` names (``MUTANT_KINDS``).

    ``kinds`` restricts the kinds drawn (default: all). ``shape`` is as for ``from_schema``:
    wire-shaped mutants (the default for a ``Compiled``) are rejected by the wire schema,
    original-shaped ones by the original schema. Every mutant is checked: the validator
    reports an error at ``mutant.path`` (or, for a change inside an ``anyOf``/``oneOf``
    branch, at that ``anyOf``/``oneOf``); ``truncated`` ones are not JSON at all.
    """
    error = None
    kind_list: tuple[str, ...] | None = None
    if kinds is not None:
        if isinstance(kinds, str):
            kinds = [kinds]
        try:
            kind_list = tuple(kinds)
        except TypeError:
            error = f"kinds must be an iterable of kind names, got {kinds!r}"
        else:
            unknown = [k for k in kind_list if k not in KINDS]
            if unknown or not kind_list:
                error = (f"unknown mutant kinds {unknown}; known: {', '.join(KINDS)}"
                         if unknown else "kinds must not be empty")
    resolved = None
    try:
        resolved = _shape(schema_or_compiled, shape)
    except InvalidArgument as exc:
        error = error or str(exc)
    target = _target(schema_or_compiled, profile, max_depth, max_items)
    if error is not None:
        target.error = error
        return _mutants(target, shape=shape, kinds=kind_list)
    if kind_list is not None:
        return _mutants(target, shape=resolved if resolved != "schema" else None,
                        kinds=kind_list)
    return _mutants(target, shape=resolved if resolved != "schema" else None)
