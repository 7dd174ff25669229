"""Property checks for a schema or Pydantic model, in one call (needs the ``fuzz`` extra).

    from strictschema.testing import check_roundtrip

    def test_invoice_schema():
        check_roundtrip(Invoice)          # a Pydantic model, a JSON Schema dict or a Compiled

or, with the pytest plugin that ships with strictschema::

    @pytest.mark.strictschema(Invoice)
    def test_invoice_schema(): ...

    def test_invoice(strictschema_check):
        strictschema_check(Invoice, max_examples=50)

``check_roundtrip`` compiles the schema for ``profile`` and checks, with Hypothesis:

1. ``strict``: the wire schema passes the profile's own checker (and is valid JSON Schema);
2. ``outputs``: every output the model could produce (drawn from the wire schema) goes
   through ``validate_json`` without crashing; when the compile is exact it is accepted, and
   the data it decodes to is valid under the original schema and, for a model, builds an
   instance of it (a lossy compile may refuse outputs that break a constraint the wire schema
   cannot express: those are counted, not failures);
3. ``mutants``: every mutant output (one change, see ``strategies.mutants``) is rejected by the
   wire schema's validator at the mutated path, and ``validate_json`` never returns data the
   original schema rejects, nor crashes;
4. ``roundtrip``: for original-shaped data (drawn from the original schema, and decoded
   outputs), ``encode`` either refuses it (it cannot be represented) or ``decode(encode(x))``
   equals ``x`` (for a model: builds an instance equal to ``x``'s, since encode sends the
   model's dump with its defaults filled in); it never crashes.

A failure raises ``AssertionError`` naming the check and showing the smallest example
Hypothesis found. The result, a ``CheckReport``, says how many examples each check saw.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["CHECKS", "CheckReport", "check_roundtrip"]

CHECKS = ("strict", "outputs", "mutants", "roundtrip")


@dataclass
class CheckReport:
    """What ``check_roundtrip`` checked (counts include Hypothesis's replays)."""

    name: str
    profile: str
    exact: bool
    checks: tuple[str, ...]
    outputs: int = 0
    """Wire outputs checked."""
    outputs_refused: int = 0
    """Of those, refused by a constraint the (lossy) wire schema could not carry."""
    mutants: Counter[str] = field(default_factory=Counter)
    """Mutants rejected, by kind."""
    mutants_accepted: int = 0
    """Wire-invalid mutants ``validate_json`` accepted because the original schema allows
    them (e.g. an extra key in an object the compiler closed): accepted data is checked."""
    roundtrips: int = 0
    """Original-shaped values that encoded and decoded back to themselves."""
    unrepresentable: int = 0
    """Original-shaped values ``encode`` refused (the wire schema cannot carry them)."""
    absent_as_null: int = 0
    """Round trips where an absent optional-and-nullable property came back as null (the
    compiler reports this merge as ``optional_nullable_merged``)."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Checks that could not run, with the reason."""

    def __str__(self) -> str:
        parts = [f"{self.name} ({self.profile}, {'exact' if self.exact else 'lossy'})"]
        if "outputs" in self.checks:
            parts.append(f"outputs {self.outputs} ({self.outputs_refused} refused as lossy)")
        if "mutants" in self.checks:
            parts.append(f"mutants rejected {sum(self.mutants.values())}")
        if "roundtrip" in self.checks:
            parts.append(f"round trips {self.roundtrips} ({self.unrepresentable} "
                         "unrepresentable)")
        for check, why in self.skipped.items():
            parts.append(f"{check} skipped: {why}")
        return "; ".join(parts)


def _short(value: Any, limit: int = 2000) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _fail(check: str, target: Any, message: str, **shown: Any) -> AssertionError:
    lines = [f"strictschema check {check!r} failed for {target!r}: {message}"]
    for label, value in shown.items():
        lines.append(f"  {label.replace('_', ' ')}: {_short(value)}")
    return AssertionError("\n".join(lines))


def _same_but_nulls(original: Any, back: Any, equal: Any) -> bool:
    """``back`` equals ``original`` except for keys absent from ``original`` that came back as
    null (an optional property that was already nullable: absent is sent as null)."""
    if isinstance(original, dict) and isinstance(back, dict):
        if any(k not in back for k in original):
            return False
        if any(back[k] is not None for k in back if k not in original):
            return False
        return all(_same_but_nulls(v, back[k], equal) for k, v in original.items())
    if isinstance(original, list) and isinstance(back, list):
        return len(original) == len(back) and all(
            _same_but_nulls(a, b, equal) for a, b in zip(original, back, strict=True))
    return bool(equal(original, back))


def _same_instance(c: Any, original: Any, back: Any) -> bool:
    """For a model: ``original`` and ``back`` build equal instances (encode sends the
    model's dump, defaults filled in and values in the model's own JSON form)."""
    try:
        return bool(c.to_model(original) == c.to_model(back))
    except Exception:  # noqa: BLE001 - a refused value is not the same instance
        return False


def _crash(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def check_roundtrip(
    model_or_schema: Any,
    /,
    *,
    profile: Any = "openai",
    on_unsupported: Literal["describe", "drop", "error"] = "describe",
    max_examples: int = 100,
    checks: tuple[str, ...] | list[str] = CHECKS,
    mutant_kinds: Any = None,
    max_depth: int = 3,
    settings: Any = None,
) -> CheckReport:
    """Check a schema, model or ``Compiled`` (see the module docstring); raise
    ``AssertionError`` with a minimal example on the first property that fails.

    ``checks`` picks among ``CHECKS``; ``mutant_kinds`` restricts the mutants (default: all).
    ``settings`` (a ``hypothesis.settings``) overrides the defaults: ``max_examples`` per
    check, no deadline, no example database, and the too-slow/filter health checks off.
    """
    __tracebackhide__ = True
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from hypothesis.errors import Unsatisfiable

    import strictschema

    from ._compile._check import check_strict
    from ._compile._merge import json_equal
    from ._fuzz._mutants import error_at
    from .strategies import _Target, mutants

    unknown = [c for c in checks if c not in CHECKS]
    if unknown:
        raise ValueError(f"unknown checks {unknown}; known: {', '.join(CHECKS)}")
    if isinstance(model_or_schema, strictschema.Compiled):
        c = model_or_schema
    else:
        c = strictschema.compile(model_or_schema, profile=profile, on_unsupported=on_unsupported)
    target = _Target(c, profile=c.profile, max_depth=max_depth, max_items=5)
    report = CheckReport(c.name, c.profile.name, c.exact, tuple(checks))
    # "optional_nullable_merged": absent and null are one wire value for that property
    merged_nulls = any(d.code == "optional_nullable_merged" for d in c.diagnostics)
    base = settings if settings is not None else hsettings(
        max_examples=max_examples, deadline=None, database=None, report_multiple_bugs=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                               HealthCheck.data_too_large])
    wire_validator = strictschema.Validator(c.schema)

    def run(check: str, strategy: Any, body: Any) -> None:
        __tracebackhide__ = True
        decorate: Any = given(strategy)  # hypothesis types its decorators loosely
        test: Any = hsettings(base)(decorate(body))
        try:
            test()
        except Unsatisfiable as exc:
            report.skipped[check] = f"no examples could be generated ({exc})"
        except ExceptionGroup as group:  # report_multiple_bugs=True in the caller's settings
            first = group.exceptions[0]
            if isinstance(first, AssertionError) and len(group.exceptions) > 1:
                first.add_note(f"(and {len(group.exceptions) - 1} other distinct failure(s))")
            raise first from None

    # 1. the profile accepts the wire schema
    if "strict" in checks:
        findings = check_strict(c.schema, c.profile)
        if findings:
            raise _fail("strict", target, f"the profile {c.profile.name!r} rejects the compiled "
                        f"schema: {findings[0]}" + (f" (and {len(findings) - 1} more)"
                                                    if len(findings) > 1 else ""))
        from ._validate._validator import _metaschema_check

        try:
            _metaschema_check(c.schema, "draft2020-12")
        except strictschema.SchemaError as exc:
            raise _fail("strict", target, f"the wire schema is not valid JSON Schema: "
                        f"{exc}") from None

    # 2. outputs the model could produce are accepted and decode to valid data
    if "outputs" in checks:
        def outputs(wire_output: Any) -> None:
            __tracebackhide__ = True
            report.outputs += 1
            errors = list(wire_validator.iter_errors(wire_output))
            if errors:
                raise _fail("outputs", target, "strictschema.strategies drew an output the wire "
                            f"schema rejects (a bug in the strategies): {errors[0]}",
                            wire_output=wire_output)
            text = json.dumps(wire_output, ensure_ascii=False)
            try:
                data = c.validate_json(text)
            except strictschema.ValidationError as exc:
                if c.exact:
                    raise _fail("outputs", target, "the compile is exact, yet a wire-valid "
                                f"output is refused: {exc}", wire_output=wire_output) from None
                report.outputs_refused += 1
                return
            except strictschema.DecodeError as exc:
                raise _fail("outputs", target, f"a wire-valid output cannot be decoded: {exc}",
                            wire_output=wire_output) from None
            except Exception as exc:
                raise _fail("outputs", target, f"validate_json crashed: {_crash(exc)}",
                            wire_output=wire_output) from exc
            try:
                c.validate(data)
            except strictschema.ValidationError as exc:
                raise _fail("outputs", target, "validate_json returned data the original "
                            f"schema rejects: {exc}", wire_output=wire_output,
                            decoded=data) from None
            if c.model is not None:
                try:
                    c.to_model(data)
                except strictschema.ValidationError as exc:
                    raise _fail("outputs", target, f"the model {c.name} rejects data its own "
                                f"JSON Schema accepts: {exc}", wire_output=wire_output,
                                decoded=data) from None
                except Exception as exc:
                    raise _fail("outputs", target, f"to_model crashed: {_crash(exc)}",
                                wire_output=wire_output, decoded=data) from exc

        run("outputs", target.wire_outputs(checked=False), outputs)

    # 3. mutants are rejected at the mutated path, and never slip through as invalid data
    if "mutants" in checks:
        def check_mutant(m: Any) -> None:
            __tracebackhide__ = True
            text = m.instance if m.kind == "truncated" else json.dumps(m.instance,
                                                                        ensure_ascii=False)
            if m.kind != "truncated":
                errors = list(wire_validator.iter_errors(m.instance))
                if not errors or not error_at(errors, m.path):
                    raise _fail("mutants", target, f"the {m.kind} mutant ({m.detail}) is not "
                                f"rejected at {m.json_path}: "
                                + (str(errors[0]) if errors else "no error at all"),
                                mutant=m.instance)
            try:
                data = c.validate_json(text)
            except strictschema.DecodeError:
                report.mutants[m.kind] += 1
                return
            except strictschema.ValidationError:
                if m.kind == "truncated":
                    raise _fail("mutants", target, "truncated JSON text was read as JSON",
                                mutant=text) from None
                report.mutants[m.kind] += 1
                return
            except Exception as exc:
                raise _fail("mutants", target, f"validate_json crashed on the {m.kind} "
                            f"mutant ({m.detail} at {m.json_path}): {_crash(exc)}",
                            mutant=m.instance) from exc
            if m.kind == "truncated":
                raise _fail("mutants", target, "truncated JSON text was accepted",
                            mutant=text)
            # accepted: only acceptable when the original schema allows the data
            try:
                c.validate(data)
            except strictschema.ValidationError as exc:
                raise _fail("mutants", target, f"validate_json accepted the {m.kind} mutant "
                            f"({m.detail} at {m.json_path}) and returned invalid data: {exc}",
                            mutant=m.instance, returned=data) from None
            report.mutants_accepted += 1

        run("mutants", mutants(c, shape="wire", kinds=mutant_kinds, max_depth=max_depth),
            check_mutant)

    # 4. decode(encode(x)) == x for original-shaped data
    if "roundtrip" in checks:
        from hypothesis import strategies as st

        options = []
        try:
            options.append(target.generator("source", allow_extra=False).strategy())
        except Exception as exc:  # noqa: BLE001 - InvalidArgument: use decoded outputs only
            report.skipped["roundtrip (source)"] = str(exc)
        options.append(target.wire_outputs(checked=True).map(c.decode))
        originals = st.one_of(options)

        def roundtrip(x: Any) -> None:
            __tracebackhide__ = True
            try:
                wire = c.encode(x)
            except strictschema.ValidationError:
                report.unrepresentable += 1
                return
            except Exception as exc:
                raise _fail("roundtrip", target, f"encode crashed: {_crash(exc)}",
                            original=x) from exc
            try:
                back = c.decode(wire)
            except Exception as exc:
                raise _fail("roundtrip", target, f"decode(encode(x)) crashed: {_crash(exc)}",
                            original=x, encoded=wire) from exc
            if not json_equal(back, x):
                if c.model is not None and _same_instance(c, x, back):
                    pass  # the model filled in its defaults (or wrote a value its own way)
                elif not (merged_nulls and _same_but_nulls(x, back, json_equal)):
                    raise _fail("roundtrip", target, "decode(encode(x)) != x", original=x,
                                encoded=wire, decoded=back)
                report.absent_as_null += 1
            report.roundtrips += 1

        run("roundtrip", originals, roundtrip)
    return report
