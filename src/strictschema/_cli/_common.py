"""Shared pieces of the command line: reading schemas and models, findings, reporters.

Kept free of click and rich at import time: ``validate``'s worker processes import this
module too, and rich is only imported when human output goes to a terminal.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from typing import IO, Any, Literal, cast

__all__ = [
    "BadInput",
    "Finding",
    "GithubReporter",
    "JsonReporter",
    "Target",
    "TextReporter",
    "compile_target",
    "import_model",
    "load_schema_file",
    "make_reporter",
    "model_target",
    "schema_target",
]

STDIN = "-"


class BadInput(Exception):
    """Input the command cannot work with: exit code 2 with a one-line message."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# --------------------------------------------------------------------------------------
# reading schemas and models
# --------------------------------------------------------------------------------------
def input_label(path: str) -> str:
    """How findings name ``path`` (``-`` is ``<stdin>``)."""
    return "<stdin>" if path == STDIN else path


def open_input(path: str) -> IO[bytes]:
    """``path`` opened for binary reading, or ``BadInput`` saying why not."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a directory, expected a file") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_bytes(path: str) -> bytes:
    """The bytes of ``path`` (``-``: standard input), or ``BadInput`` saying why not."""
    if path == STDIN:
        return sys.stdin.buffer.read()
    with open_input(path) as f:
        try:
            return f.read()
        except OSError as exc:
            raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None


def parse_json_text(data: bytes, label: str) -> Any:
    """Parse a JSON document read from a file, or ``BadInput`` with line and column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{label}: not JSON: invalid UTF-8 at byte {exc.start}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{label}: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
                       ) from None
    except RecursionError:
        raise BadInput(f"{label}: not JSON: nested too deeply") from None


def load_schema_file(path: str) -> Any:
    """A schema from a JSON file (or YAML, when PyYAML is installed)."""
    label = input_label(path)
    data = read_bytes(path)
    if path.lower().endswith((".yaml", ".yml")):
        try:
            import yaml
        except ImportError:
            raise BadInput(f"{label}: reading YAML schemas needs PyYAML: pip install pyyaml"
                           ) from None
        try:
            return yaml.safe_load(data)
        except yaml.YAMLError as exc:
            first = str(exc).replace("\n", " ")
            raise BadInput(f"{label}: not YAML: {first}") from None
    return parse_json_text(data, label)


def import_model(spec: str) -> Any:
    """``module:Class`` (or ``module:Outer.Inner``) -> the object, like pytest the current
    directory is importable. ``BadInput`` with a one-line reason otherwise."""
    import importlib

    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise BadInput(f"--model {spec!r}: expected module:Class, e.g. myapp.models:Invoice")
    cwd = os.getcwd()
    if cwd not in sys.path and "" not in sys.path:
        sys.path.insert(0, cwd)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise BadInput(f"--model {spec!r}: no module named {exc.name!r}") from None
        raise BadInput(f"--model {spec!r}: importing {module_name} failed: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - anything the user's module raises
        raise BadInput(f"--model {spec!r}: importing {module_name} raised "
                       f"{type(exc).__name__}: {_one_line(exc)}") from None
    obj: Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise BadInput(f"--model {spec!r}: {module_name} has no attribute {attr!r}") from None
    return obj


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


@dataclass(slots=True)
class Target:
    """One thing to compile: a schema file or a ``--model``."""

    label: str
    """How findings name it: the file path, or ``module:Class``."""
    kind: str
    """``schema`` or ``model``."""
    ref: str
    """The path or the ``module:Class`` spec."""
    annotation_file: str | None = None
    annotation_line: int | None = None
    _value: Any = field(default=None, repr=False)

    def load(self) -> Any:
        """The schema dict or the model object (``BadInput`` when it cannot be read)."""
        if self._value is None:
            if self.kind == "model":
                self._value = import_model(self.ref)
                self._locate_model()
            else:
                self._value = load_schema_file(self.ref)
        return self._value

    def _locate_model(self) -> None:
        import inspect

        try:
            source = inspect.getsourcefile(self._value)
            _, line = inspect.getsourcelines(self._value)
        except (TypeError, OSError):
            return
        if source:
            try:
                source = os.path.relpath(source)
            except ValueError:  # another drive on Windows
                pass
            self.annotation_file, self.annotation_line = source, line


def schema_target(path: str) -> Target:
    return Target(input_label(path), "schema", path, None if path == STDIN else path)


def model_target(spec: str) -> Target:
    return Target(spec, "model", spec)


def compile_target(target: Target, profile: str, on_unsupported: str) -> tuple[Any, list[Any]]:
    """Compile ``target`` -> ``(Compiled or None, diagnostics)``.

    A schema the profile cannot take (``UnsupportedSchemaError``) or that is not a valid
    schema (``SchemaError``) gives ``None`` and its problems as diagnostics (a finding, exit
    1); a ``--model`` that is not a Pydantic-compatible type is ``BadInput`` (exit 2)."""
    import strictschema
    from strictschema import Diagnostic, SchemaError, UnsupportedSchemaError

    value = target.load()
    if target.kind == "model" and (value is None or isinstance(
            value, (str, bytes, int, float, list)) and not isinstance(value, bool)):
        raise BadInput(f"--model {target.ref!r} is not a model or a schema dict "
                       f"(got {type(value).__name__} {str(value)[:40]!r})")
    try:
        compiled = strictschema.compile(value, profile=profile,
                                        on_unsupported=policy(on_unsupported))
    except UnsupportedSchemaError as exc:
        diags = [d if d.severity == "error" else Diagnostic(d.path, d.code, "error", d.message)
                 for d in exc.diagnostics]
        if not diags:
            diags = [Diagnostic(exc.json_path, "unsupported", "error", exc.message)]
        return None, diags
    except SchemaError as exc:
        code = "unresolvable_ref" if isinstance(exc, strictschema.RefResolutionError) else (
            "invalid_schema")
        return None, [Diagnostic(exc.json_path, code, "error", exc.message)]
    except TypeError as exc:
        raise BadInput(f"{target.label}: {_one_line(exc)}") from None
    return compiled, list(compiled.diagnostics)


# --------------------------------------------------------------------------------------
# findings and reporters
# --------------------------------------------------------------------------------------
@dataclass(slots=True)
class Finding:
    """One line of a report: ``FILE[:LINE]::$.path: [severity: ]message [code]``."""

    file: str
    path: str
    message: str
    severity: str = "error"
    """``error``, ``lossy`` or ``info``."""
    code: str = ""
    line: int | None = None
    annotation_file: str | None = None
    annotation_line: int | None = None
    show_severity: bool = True

    def location(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}::{self.path}"

    def text(self) -> str:
        sev = f"{self.severity}: " if self.show_severity else ""
        code = f" [{self.code}]" if self.code else ""
        return f"{self.location()}: {sev}{self.message}{code}"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"file": self.file}
        if self.line is not None:
            d["line"] = self.line
        d.update(path=self.path, severity=self.severity, code=self.code, message=self.message)
        return d


def finding_from_diagnostic(target: Target, diag: Any, severity: str | None = None) -> Finding:
    return Finding(target.label, diag.path, diag.message, severity or diag.severity, diag.code,
                   annotation_file=target.annotation_file,
                   annotation_line=target.annotation_line)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


LIVE: dict[str, Any] = {}
"""``LIVE["console"]``: the console of an active progress display, which findings printed
with colour must go through (rich's own consoles write past its stdout redirection)."""


def stdout() -> IO[str]:
    # Looked up on every write: rich's progress display may swap sys.stdout for a proxy.
    return sys.stdout


class Reporter:
    """Receives findings as they come and writes them in one output format."""

    fmt = "text"

    def start(self, **header: Any) -> None:
        """Called once before the first finding."""

    def finding(self, f: Finding) -> None:
        raise NotImplementedError

    def error(self, message: str) -> None:
        """An input that could not be used at all (exit 2), reported beside the findings."""
        _print_error(message)

    def finish(self, summary_text: str, ok: bool, **extra: Any) -> None:
        """Called once at the end with a one-line summary and the document's extra keys."""


def _print_error(message: str) -> None:
    print(f"Error: {message}", file=sys.stderr, flush=True)


Policy = Literal["describe", "drop", "error"]


def policy(value: str) -> Policy:
    """An ``--on-unsupported`` value, as ``compile`` takes it."""
    if value not in ("describe", "drop", "error"):
        raise BadInput(f"--on-unsupported must be describe, drop or error, not {value!r}")
    return cast(Policy, value)


RULE_ID = re.compile(r"\(([A-J]\d{1,2}(?:\.\d)?)\)")
"""A rule id in a message, as in ``(A4)``: the rules of ``RULES_DOC``."""
RULES_DOC = "docs/profiles/openai.md"


def _rule_key(rule: str) -> tuple[str, float]:
    return rule[0], float(rule[1:])


class TextReporter(Reporter):
    """``FILE::$.path: message [code]`` lines on stdout, the summary on stderr; colours only
    when the stream is a terminal (rich is imported only then)."""

    def __init__(self, summary: bool = True, to_stderr: bool = False) -> None:
        self._summary = summary
        self._stderr = to_stderr
        self._color = _isatty(self._stream()) and not os.environ.get("NO_COLOR")
        self._console: Any = None
        self._rules: set[str] = set()  # rule ids the findings cite, e.g. "A4"

    def _stream(self) -> IO[str]:
        return sys.stderr if self._stderr else stdout()

    def _rich(self) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr, highlight=False, soft_wrap=True)
        return self._console

    def finding(self, f: Finding) -> None:
        self._rules.update(RULE_ID.findall(f.message))
        if not self._color:
            self._stream().write(f.text() + "\n")
            return
        from rich.text import Text

        style = {"error": "bold red", "lossy": "yellow", "info": "dim"}.get(f.severity, "")
        t = Text()
        t.append(f.file, style="bold")
        if f.line is not None:
            t.append(f":{f.line}", style="bold")
        t.append("::")
        t.append(f.path, style="cyan")
        t.append(": ")
        if f.show_severity:
            t.append(f.severity, style=style)
            t.append(": ")
        t.append(f.message)
        if f.code:
            t.append(f" [{f.code}]", style="dim")
        (LIVE.get("console") or self._rich()).print(t)

    def rules_note(self) -> None:
        """Once, on stderr: where the rule ids the findings cited are explained."""
        if self._rules:
            ids = ", ".join(sorted(self._rules, key=_rule_key)[:6])
            print(f"rules cited ({ids}): see {RULES_DOC} in strictschema's source",
                  file=sys.stderr, flush=True)
            self._rules.clear()

    def finish(self, summary_text: str, ok: bool, **extra: Any) -> None:
        if not self._summary:
            return
        stdout().flush()
        if _isatty(sys.stderr) and not os.environ.get("NO_COLOR"):
            from rich.console import Console
            from rich.text import Text

            Console(stderr=True, highlight=False, soft_wrap=True).print(
                Text(summary_text, style="bold green" if ok else "bold red"))
        else:
            print(summary_text, file=sys.stderr, flush=True)
        self.rules_note()


class JsonReporter(Reporter):
    """One JSON document on stdout, written as findings arrive (constant memory):
    ``{<header>, "findings": [...], "errors": [...], "summary": {...}, <extra>}``."""

    fmt = "json"

    def __init__(self) -> None:
        self._n = 0
        self._errors: list[str] = []

    def start(self, **header: Any) -> None:
        out = stdout()
        out.write("{")
        for key, value in header.items():
            out.write(f"{json.dumps(key)}: {json.dumps(value)}, ")
        out.write('"findings": [')

    def finding(self, f: Finding) -> None:
        stdout().write(("\n  " if self._n == 0 else ",\n  ") + json.dumps(f.to_dict()))
        self._n += 1

    def error(self, message: str) -> None:
        self._errors.append(message)
        _print_error(message)

    def finish(self, summary_text: str, ok: bool, **extra: Any) -> None:
        out = stdout()
        out.write("\n]" if self._n else "]")
        out.write(f', "errors": {json.dumps(self._errors)}')
        for key, value in extra.items():
            out.write(f", {json.dumps(key)}: {json.dumps(value)}")
        out.write("}\n")
        out.flush()


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: ``::error file=F,line=L,title=strictschema::...``;
    lossy findings are warnings, info notices."""

    fmt = "github"

    def finding(self, f: Finding) -> None:
        level = {"error": "error", "lossy": "warning"}.get(f.severity, "notice")
        props = []
        file = f.annotation_file or (f.file if f.file != "<stdin>" else None)
        line = f.line if f.line is not None else f.annotation_line
        if file:
            props.append(f"file={_gh_prop(file)}")
        if file and line is not None:
            props.append(f"line={line}")
        props.append("title=strictschema")
        code = f" [{f.code}]" if f.code else ""
        where = "" if file else f"{f.file}: "
        stdout().write(f"::{level} {','.join(props)}::{_gh_data(where + f.path)}: "
                       f"{_gh_data(f.message + code)}\n")

    def error(self, message: str) -> None:
        stdout().write(f"::error title=strictschema::{_gh_data(message)}\n")
        _print_error(message)

    def finish(self, summary_text: str, ok: bool, **extra: Any) -> None:
        stdout().flush()
        print(summary_text, file=sys.stderr, flush=True)


def make_reporter(fmt: str) -> Reporter:
    if fmt == "json":
        return JsonReporter()
    if fmt == "github":
        return GithubReporter()
    return TextReporter()


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
