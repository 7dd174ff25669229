"""``strictschema fuzz``: the round-trip properties and mutation checks, from the command line.

Runs ``strictschema.testing.check_roundtrip`` once per check (``strict``, ``outputs``,
``mutants``, ``roundtrip``: see that module) so that every check reports on its own; a
failure is shrunk by Hypothesis to a minimal example and reported as
``FILE::$.path: error: <check> failed: message; <example> [check]``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

from ._common import (
    BadInput,
    Finding,
    Target,
    compile_target,
    finding_from_diagnostic,
    make_reporter,
    plural,
)

__all__ = ["run_fuzz"]

_PREFIX = re.compile(r"^strictschema check '[a-z_]+' failed for <[^>]*>: ")
_AT = re.compile(r" at (\$[^\s:;,)]*)")


@dataclass(slots=True)
class Outcome:
    name: str
    status: str
    """``passed``, ``failed`` or ``skipped``."""
    message: str = ""
    path: str = "$"
    counts: dict[str, Any] = field(default_factory=dict)


def _failure(name: str, exc: AssertionError) -> Outcome:
    """``check_roundtrip``'s AssertionError -> one line (the example's lines joined)."""
    lines = str(exc).splitlines() or [f"{name} failed"]
    message = _PREFIX.sub("", lines[0])
    shown = [line.strip() for line in lines[1:] if line.strip()]
    if shown:
        message += "; " + "; ".join(shown)
    m = _AT.search(lines[0])
    return Outcome(name, "failed", message, m.group(1) if m else "$")


def _counts(name: str, report: Any) -> dict[str, Any]:
    if name == "outputs":
        return {"outputs": report.outputs, "refused_as_lossy": report.outputs_refused}
    if name == "mutants":
        return {"rejected": dict(report.mutants), "accepted_as_valid": report.mutants_accepted}
    if name == "roundtrip":
        return {"roundtrips": report.roundtrips, "unrepresentable": report.unrepresentable}
    return {}


def _run_check(compiled: Any, name: str, n: int, derandomize: bool) -> Outcome:
    from hypothesis import HealthCheck, Verbosity, settings
    from hypothesis.errors import HypothesisException

    from strictschema.testing import check_roundtrip

    hsettings = settings(max_examples=n, deadline=None, database=None,
                         derandomize=derandomize, verbosity=Verbosity.quiet,
                         report_multiple_bugs=False, print_blob=False,
                         suppress_health_check=list(HealthCheck))
    try:
        report = check_roundtrip(compiled, checks=(name,), settings=hsettings)
    except AssertionError as exc:
        return _failure(name, exc)
    except HypothesisException as exc:  # e.g. InvalidArgument: nothing can be generated
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "no mutant" in message or "admits no" in message:
            return Outcome(name, "skipped", message)
        return Outcome(name, "failed", f"no example could be generated: {message}")
    skipped = [f"{k}: {v}" for k, v in report.skipped.items() if k == name]
    if skipped:
        return Outcome(name, "skipped", "; ".join(skipped), counts=_counts(name, report))
    return Outcome(name, "passed", counts=_counts(name, report))


def run_fuzz(target: Target, *, profile: str, on_unsupported: str, n: int,
             derandomize: bool, fmt: str) -> int:
    try:
        import hypothesis  # noqa: F401

        from strictschema import testing
    except ImportError as exc:
        if getattr(exc, "name", "") == "hypothesis" or "Hypothesis" in str(exc):
            raise BadInput("fuzz needs Hypothesis: pip install 'strictschema[fuzz]'") from None
        raise BadInput(f"fuzz needs strictschema.testing, which this installation does not "
                       f"have ({exc})") from None
    compiled, diags = compile_target(target, profile, on_unsupported)
    reporter = make_reporter(fmt)
    reporter.start(command="fuzz", schema=target.label, profile=profile, examples=n,
                   derandomize=derandomize)
    if compiled is None:
        for d in diags:
            reporter.finding(finding_from_diagnostic(target, d))
        reporter.finish(f"{target.label}: no strict schema for profile {profile}: nothing "
                        "to fuzz", False, summary={"passed": 0, "failed": 0, "skipped": 0},
                        checks=[], exit_code=1)
        return 1
    outcomes = []
    for name in testing.CHECKS:
        outcome = _run_check(compiled, name, n, derandomize)
        outcomes.append(outcome)
        if outcome.status == "failed":
            reporter.finding(Finding(target.label, outcome.path,
                                     f"{name} failed: {outcome.message}", "error", name,
                                     annotation_file=target.annotation_file,
                                     annotation_line=target.annotation_line))
        elif outcome.status == "skipped" and reporter.fmt == "text":
            print(f"{target.label}: {name} skipped: {outcome.message}", file=sys.stderr)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("passed", "failed", "skipped")}
    text = (f"fuzzed {target.label} for profile {profile} ({plural(n, 'example')} per check): "
            f"{counts['passed']} passed, {counts['failed']} failed")
    if counts["skipped"]:
        text += f", {counts['skipped']} skipped"
    code = 1 if counts["failed"] else 0
    reporter.finish(text, code == 0, summary=counts,
                    checks=[{"name": o.name, "status": o.status, "message": o.message,
                             **({"path": o.path} if o.status == "failed" else {}),
                             **({"counts": o.counts} if o.counts else {})}
                            for o in outcomes],
                    exit_code=code)
    return code
