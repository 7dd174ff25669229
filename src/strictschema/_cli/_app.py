"""The click commands behind ``strictschema`` (imported by ``_cli.main`` once click is known
to be installed)."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from .. import PROFILES, __version__
from ._common import (
    BadInput,
    TextReporter,
    compile_target,
    finding_from_diagnostic,
    make_reporter,
    model_target,
    plural,
    schema_target,
)

__all__ = ["cli", "run"]

PROFILE_OPTION = click.option(
    "--profile", type=click.Choice(sorted(PROFILES)), default="openai", show_default=True,
    help="The provider rules and limits to compile for.")
POLICY_OPTION = click.option(
    "--on-unsupported", type=click.Choice(["describe", "drop", "error"]), default="describe",
    show_default=True,
    help="A constraint the profile cannot carry: move it into the description, drop it, or "
         "treat it as an error. strictschema's validator enforces it either way.")
OUTPUT_FORMAT_OPTION = click.option(
    "-o", "--output", "output", type=click.Choice(["text", "json", "github"]), default="text",
    show_default=True,
    help="text: FILE::$.path: message lines; json: one JSON document; github: GitHub Actions "
         "annotations.")
_SDK_SHAPES = ("anthropic-output", "anthropic-tool", "gemini", "mistral", "llguidance",
               "xgrammar", "outlines", "gbnf")


def engine_findings(compiled: Any, examples: int) -> list[Any]:
    """``check --engine``: the engine check's results as error diagnostics."""
    from .._compile._diagnostics import Diagnostic
    from .._fuzz._engines import check_engine

    try:
        report = check_engine(compiled, examples=examples, mutants=examples)
    except ImportError as exc:
        raise BadInput(f"--engine: {exc}") from None
    out = []
    if report.refused:
        out.append(Diagnostic.at((), "engine_refused", "error", report.refused))
    for text, note in report.disagreements:
        out.append(Diagnostic.at((), "engine_disagreement", "error",
                              f"{report.engine}: {note}: {text[:200]}"))
    for kind, path, text in report.laxities:
        out.append(Diagnostic.at((), "engine_laxity", "error",
                              f"{report.engine} accepts a {kind} mutant at {path} that the "
                              f"schema refuses (an unreported loss): {text[:200]}"))
    if not out:
        out.append(Diagnostic.at((), "engine_agrees", "info",
                              f"{report.engine} accepted all {report.drawn} drawn outputs and "
                              f"refused all {report.mutants} mutants"))
    return out


MODEL_HELP = ("A Pydantic model (or any type Pydantic accepts) as module:Class; the current "
              "directory is importable.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="strictschema")
def cli() -> None:
    """Compile JSON Schema and Pydantic models for OpenAI Structured Outputs' strict mode,
    and check schemas and model outputs in CI.

    Exit codes: 0 clean, 1 findings, 2 usage or unreadable input.
    """


# --------------------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------------------
@cli.command()
@click.argument("schemas", nargs=-1, metavar="SCHEMA...")
@click.option("--model", "models", multiple=True, metavar="MODULE:CLASS",
              help=MODEL_HELP + " Repeatable.")
@PROFILE_OPTION
@POLICY_OPTION
@OUTPUT_FORMAT_OPTION
@click.option("--as-is", is_flag=True,
              help="Judge each schema as it is written (as if sent without compiling): every "
                   "rule of the profile it breaks is a finding.")
@click.option("--allow-lossy", is_flag=True,
              help="Report lossy changes (constraints the wire schema cannot carry) without "
                   "failing on them.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also list the exact (info) changes compiling makes, and clean schemas.")
@click.option("--engine", is_flag=True,
              help="Also check the compiled schema against the profile's real engine "
                   "(llguidance, xgrammar, outlines, llama.cpp): every drawn output must be "
                   "accepted, every mutant refused. Needs the fuzz extra and the engine.")
@click.option("-n", "--examples", default=100, show_default=True, metavar="N",
              help="With --engine: outputs and mutants drawn per schema.")
def check(schemas: tuple[str, ...], models: tuple[str, ...], profile: str,
          on_unsupported: str, output: str, as_is: bool, allow_lossy: bool,
          verbose: bool, engine: bool, examples: int) -> int:
    """Lint schema files (JSON; YAML when PyYAML is installed) or Pydantic models against a
    profile.

    Every change compiling would make that loses a constraint (lossy) and every reason no
    strict schema can be produced (error) is reported as FILE::$.path: message [code].
    Exit 0 when every schema compiles exactly, 1 on findings, 2 when an input cannot be read.
    """
    from .._compile._check import check_strict
    from .._validate._validator import load_source

    targets = [schema_target(p) for p in schemas] + [model_target(m) for m in models]
    if not targets:
        raise click.UsageError("give at least one SCHEMA file or --model module:Class")
    if engine and (as_is or PROFILES[profile].engine is None):
        raise click.UsageError(
            "--engine needs a compiled schema and a profile with an engine ("
            + ", ".join(sorted(p.name for p in PROFILES.values() if p.engine)) + ")")
    reporter = make_reporter(output)
    reporter.start(command="check", profile=profile, on_unsupported=on_unsupported,
                   mode="as-is" if as_is else "compile")
    totals = {"error": 0, "lossy": 0, "info": 0}
    records: list[dict[str, Any]] = []
    unreadable = failing = allowed = 0
    for target in targets:
        record: dict[str, Any] = {"file": target.label}
        try:
            if as_is:
                value = target.load()
                if target.kind == "model":
                    value = load_source(value).schema
                diags = check_strict(value, profile)
                record.update(exact=None, strict_as_is=not diags)
            else:
                compiled, diags = compile_target(target, profile, on_unsupported)
                if engine and compiled is not None:
                    diags = [*diags, *engine_findings(compiled, examples)]
                record.update(compiled=compiled is not None,
                              exact=compiled.exact if compiled else None,
                              strict_as_is=(not check_strict(compiled.source, profile))
                              if compiled else False)
        except BadInput as exc:
            reporter.error(exc.message)
            unreadable += 1
            record.update(status="unreadable", message=exc.message)
            records.append(record)
            continue
        counts = {"error": 0, "lossy": 0, "info": 0}
        for d in diags:
            counts[d.severity] = counts.get(d.severity, 0) + 1
            if d.severity == "info" and not verbose:
                continue
            reporter.finding(finding_from_diagnostic(target, d))
        for k in totals:
            totals[k] += counts[k]
        fails = counts["error"] > 0 or (counts["lossy"] > 0 and not allow_lossy)
        lossy_allowed = not fails and counts["lossy"] > 0  # reported, not failing
        failing += fails
        allowed += lossy_allowed
        record.update(status="findings" if fails else "lossy-allowed" if lossy_allowed
                      else "clean", **{k: counts[k] for k in totals})
        records.append(record)
        if verbose and not fails and reporter.fmt == "text":
            extra = ("strict as written" if record.get("strict_as_is")
                     else "exact" if record.get("exact") else "lossy changes allowed")
            click.echo(f"{target.label}: ok ({extra})", err=True)
    n = len(targets)
    clean = n - failing - allowed - unreadable
    parts = [f"{clean:,} clean", f"{failing + allowed:,} with findings"]
    if unreadable:
        parts.append(f"{unreadable:,} unreadable")
    detail = f" ({plural(totals['error'], 'error')}, {totals['lossy']:,} lossy)" if (
        totals["error"] or totals["lossy"]) else ""
    summary = f"checked {plural(n, 'schema')} for profile {profile}: {', '.join(parts)}{detail}"
    if allowed:  # a schema whose findings are all lossy still has findings; it just passes
        summary += f"; {failing:,} failing (lossy changes allowed)"
    code = 2 if unreadable else 1 if failing else 0
    reporter.finish(summary, code == 0, schemas=records,
                    summary={"schemas": n, "clean": clean, "with_findings": failing + allowed,
                             "failing": failing, "unreadable": unreadable, **totals},
                    exit_code=code)
    return code


# --------------------------------------------------------------------------------------
# compile
# --------------------------------------------------------------------------------------
@cli.command("compile")
@click.argument("file", required=False, metavar="FILE")
@click.option("--model", metavar="MODULE:CLASS", help=MODEL_HELP)
@click.option("--name", help="The format/tool name (default: the model's name or the schema "
                             "title).")
@click.option("--description", help="The format/tool description (default: the schema's).")
@PROFILE_OPTION
@POLICY_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "chat", "tool", "chat-tool",
                                                    "schema", *_SDK_SHAPES]),
              default="text", show_default=True,
              help="text: Responses API text.format; chat: Chat Completions response_format; "
                   "tool: a strict Responses API function tool; chat-tool: the Chat "
                   "Completions tool; schema: the bare wire schema; anthropic-output, "
                   "anthropic-tool, gemini, mistral, llguidance, xgrammar, outlines, gbnf: "
                   "that SDK's or engine's shape (with its --profile).")
@click.option("-o", "--output", "output_file", metavar="FILE",
              help="Write the JSON here instead of stdout (only when compiling succeeded).")
@click.option("--compact", is_flag=True, help="JSON on one line.")
def compile_cmd(file: str | None, model: str | None, name: str | None,
                description: str | None, profile: str, on_unsupported: str, fmt: str,
                output_file: str | None, compact: bool) -> int:
    """Compile a schema FILE (or --model) and print the request fragment as JSON.

    Diagnostics go to stderr as FILE::$.path: severity: message [code]. Exit 0 when a strict
    schema was produced (even with lossy changes), 1 when it could not be.
    """
    if (file is None) == (model is None):
        raise click.UsageError("give exactly one of FILE or --model module:Class")
    if name is not None:
        from .._compile._fragments import check_name

        try:
            check_name(name, "tool name" if "tool" in fmt else "name")
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--name'") from None
    target = schema_target(file) if file is not None else model_target(model or "")
    compiled, diags = compile_target(target, profile, on_unsupported)
    err = TextReporter(summary=False, to_stderr=True)
    for d in diags:
        err.finding(finding_from_diagnostic(target, d))
    err.rules_note()
    if compiled is None:
        n = sum(d.severity == "error" for d in diags)
        click.echo(f"{target.label}: no strict schema for profile {profile} "
                   f"({plural(n, 'error')})", err=True)
        return 1
    try:
        if fmt == "text":
            doc = compiled.text_format(name=name, description=description)
        elif fmt == "chat":
            doc = compiled.response_format(name=name, description=description)
        elif fmt in ("tool", "chat-tool"):
            doc = compiled.function_tool(name, description=description,
                                         api="chat" if fmt == "chat-tool" else "responses")
        elif fmt in _SDK_SHAPES:
            try:
                doc = compiled.request_fragment(fmt, name=name, description=description)
            except ImportError as exc:
                raise BadInput(str(exc)) from None
        else:
            doc = compiled.schema
    except ValueError as exc:
        hint = "'--format'" if "does not carry" in str(exc) else "'--name'"
        raise click.BadParameter(str(exc), param_hint=hint) from None
    text = (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) if compact
            else json.dumps(doc, ensure_ascii=False, indent=2)) + "\n"
    if output_file and output_file != "-":
        try:
            with open(output_file, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as exc:
            raise BadInput(f"{output_file}: cannot write: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    return 0


# --------------------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------------------
@cli.command()
@click.argument("outputs", nargs=-1, metavar="OUTPUTS...")
@click.option("--schema", "schema_file", metavar="FILE", help="The JSON Schema the outputs "
              "were requested with (as written, before compiling).")
@click.option("--model", metavar="MODULE:CLASS", help=MODEL_HELP)
@PROFILE_OPTION
@POLICY_OPTION
@OUTPUT_FORMAT_OPTION
@click.option("--as", "kind", type=click.Choice(["auto", "json", "jsonl", "response",
                                                 "stream"]),
              default="auto", show_default=True,
              help="json: each file is one output; jsonl: one output per line; response: "
                   "saved Responses API objects (one file, or one per line); stream: a saved "
                   "Responses API event stream (SSE text or one event per line). auto "
                   "decides per file.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for large JSONL files (default: the available cores).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: for long runs when stderr is a terminal).")
def validate(outputs: tuple[str, ...], schema_file: str | None, model: str | None,
             profile: str, on_unsupported: str, output: str, kind: str, jobs: int | None,
             progress: bool | None) -> int:
    """Validate model OUTPUTS (JSON files, JSONL, saved Responses API objects or streams;
    '-' reads standard input) against --schema or --model.

    Every bad output is reported as FILE:LINE::$.path: message [keyword], lines that are not
    JSON included, then a summary on stderr. Exit 1 if any output is bad.
    """
    from ._validate import run_validate

    if (schema_file is None) == (model is None):
        raise click.UsageError("give exactly one of --schema FILE or --model module:Class")
    if not outputs:
        raise click.UsageError("give at least one OUTPUTS file ('-' for standard input)")
    return run_validate(outputs, schema_file=schema_file, model=model, profile=profile,
                        on_unsupported=on_unsupported, fmt=output, kind=kind, jobs=jobs,
                        progress=progress)


# --------------------------------------------------------------------------------------
# fuzz
# --------------------------------------------------------------------------------------
@cli.command()
@click.argument("schema_file", required=False, metavar="SCHEMA")
@click.option("--model", metavar="MODULE:CLASS", help=MODEL_HELP)
@PROFILE_OPTION
@POLICY_OPTION
@click.option("-n", "--examples", "n", type=click.IntRange(min=1), default=100,
              show_default=True, help="Examples per check.")
@click.option("--derandomize", is_flag=True,
              help="The same examples on every run (for CI gates that must not flake).")
@OUTPUT_FORMAT_OPTION
def fuzz(schema_file: str | None, model: str | None, profile: str, on_unsupported: str,
         n: int, derandomize: bool, output: str) -> int:
    """Run the round-trip properties and mutation checks on a SCHEMA (or --model).

    The checks of strictschema.testing.check_roundtrip, each on its own: strict (the
    profile accepts the compiled schema), outputs (every output the model could send is
    accepted and decodes to valid data), mutants (outputs changed in one place are refused),
    roundtrip (decode(encode(x)) == x). Prints each failed check with the minimal example
    Hypothesis found; exit 1 on failure.
    """
    from ._fuzz import run_fuzz

    if (schema_file is None) == (model is None):
        raise click.UsageError("give exactly one of SCHEMA or --model module:Class")
    target = schema_target(schema_file) if schema_file is not None else model_target(
        model or "")
    return run_fuzz(target, profile=profile, on_unsupported=on_unsupported, n=n,
                    derandomize=derandomize, fmt=output)


# --------------------------------------------------------------------------------------
# serve
# --------------------------------------------------------------------------------------
@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True,
              help="Port to listen on (0: any free port, printed on stderr).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Outputs are drawn from each request's schema with this seed.")
@click.option("--fault", "faults", metavar="SPEC",
              help="Faults for every request without metadata.fault, e.g. "
                   "'drop_after:5,slow:0.02' (see docs/serve.md).")
@click.option("--record", metavar="DIR", help="Proxy to --upstream and record each exchange.")
@click.option("--replay", metavar="DIR", help="Answer from recordings, byte for byte.")
@click.option("--upstream", metavar="URL",
              help="With --record: the API base URL (default: $STRICTSCHEMA_UPSTREAM, else "
                   "https://api.openai.com/v1).")
def serve(host: str, port: int, seed: int, faults: str | None, record: str | None,
          replay: str | None, upstream: str | None) -> int:
    """Run a Responses API (and Chat Completions) test double at http://HOST:PORT/v1.

    Outputs are drawn from each request's text.format (or tool) schema; faults come from
    metadata={"fault": ...} or --fault. Needs the 'serve' extra."""
    from importlib.util import find_spec

    if find_spec("starlette") is None or find_spec("uvicorn") is None:
        raise BadInput("strictschema serve needs the 'serve' extra: "
                       "pip install 'strictschema[serve]'")
    from .._serve._command import run_serve
    from .._serve._double import parse_faults

    try:
        parse_faults(faults)
        return run_serve(host=host, port=port, seed=seed, faults=faults, record=record,
                         replay=replay, upstream=upstream)
    except (ValueError, OSError) as exc:
        raise BadInput(f"serve: {exc}") from None


# --------------------------------------------------------------------------------------
def run(argv: list[str] | None = None) -> int:
    """Run ``cli`` and turn every outcome into an exit code (no tracebacks for bad input)."""
    try:
        rv = cli.main(args=argv, prog_name="strictschema", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return 2 if exc.exit_code == 1 else exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except BadInput as exc:
        click.echo(f"Error: {exc.message}", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("Aborted.", err=True)
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as the Python docs advise.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return rv if isinstance(rv, int) else 0

