"""The ``strictschema`` command, driven as a real subprocess: exit codes and output shapes.

Exit codes: 0 clean, 1 findings, 2 usage or unreadable input. Text findings look like
``FILE::$.path: severity: message [code]`` (check, compile) and
``FILE:LINE::$.path: message [keyword]`` (validate); ``-o json`` is one parseable document.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data" / "cli"
SCRIPT = Path(sys.executable).with_name("strictschema")

CHECK_LINE = re.compile(r"^(?P<file>[^\s:][^:]*)::(?P<path>\$\S*): (?P<severity>error|lossy|info): "
                        r"(?P<message>.+) \[(?P<code>[a-z_0-9]+)\]$")
VALIDATE_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+)::(?P<path>\$\S*): (?P<message>.+) "
                           r"\[(?P<keyword>[A-Za-z_]+)\]$")


def strictschema(*args: str, stdin: str | None = None, cwd: Path = DATA,
                 env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m strictschema ARGS`` (the same ``main`` as the console script)."""
    full_env = {**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "strictschema", *args], input=stdin, check=False,
                          capture_output=True, text=True, cwd=cwd, env=full_env, timeout=120)


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout


# --------------------------------------------------------------------------------------
# the command itself
# --------------------------------------------------------------------------------------
def test_console_script_is_installed_and_runs() -> None:
    if not SCRIPT.exists():
        pytest.skip(f"console script not installed at {SCRIPT} (pip install -e '.[cli]')")
    r = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True, timeout=60,
                       check=False)
    assert r.returncode == 0
    assert r.stdout.startswith("strictschema, version ")
    r = subprocess.run([str(SCRIPT), "check", "strict_clean.json"], capture_output=True,
                       text=True, cwd=DATA, timeout=60, check=False)
    assert r.returncode == 0, r.stderr


def test_help_lists_the_commands() -> None:
    r = strictschema("--help")
    assert r.returncode == 0
    for command in ("check", "compile", "validate", "fuzz"):
        assert command in r.stdout


def test_unknown_option_is_a_usage_error() -> None:
    r = strictschema("check", "--no-such-option", "strict_clean.json")
    assert r.returncode == 2
    assert "No such option" in r.stderr
    no_traceback(r)


def test_missing_cli_extra_gives_one_clear_line() -> None:
    code = ("import sys; sys.modules['click'] = None\n"
            "from strictschema._cli import main\n"
            "sys.exit(main(['--help']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=60, check=False)
    assert r.returncode == 2
    assert r.stderr.strip() == ("strictschema: strictschema's command line needs the 'cli' "
                                "extra: pip install 'strictschema[cli]'")
    assert r.stdout == ""


def test_importing_the_cli_module_is_light() -> None:
    code = ("import sys, strictschema._cli\n"
            "print(','.join(m for m in ('click', 'rich', 'jsonschema', 'pydantic')"
            " if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       check=True, timeout=60)
    assert r.stdout.strip() == ""


def test_rich_is_not_imported_when_output_is_not_a_terminal() -> None:
    code = ("import sys\n"
            "from strictschema._cli import main\n"
            "rc = main(['check', 'invoice.json'])\n"
            "print('RICH' if 'rich' in sys.modules else 'NO-RICH', rc)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=DATA, timeout=60, check=False)
    assert r.stdout.strip().splitlines()[-1] == "NO-RICH 1"


@pytest.mark.parametrize("argv", [["check", "invoice.json"],
                                  ["validate", "--schema", "invoice.json", "invoice.json"]])
def test_validate_and_check_import_no_heavy_package(argv: list[str]) -> None:
    """Start-up does not depend on what else is installed: the commands import neither
    jsonschema (its format module builds grammars when its extras are there), nor
    Hypothesis, Pydantic or lark."""
    code = ("import sys\n"
            "from strictschema._cli import main\n"
            f"rc = main({argv!r})\n"
            "print(','.join(m for m in ('jsonschema', 'hypothesis', 'pydantic', 'lark')"
            " if m in sys.modules) or 'NONE')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=DATA, timeout=60, check=False)
    assert r.stdout.strip().splitlines()[-1] == "NONE", r.stderr


# --------------------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------------------
def test_check_clean_schema_exits_0_and_prints_no_findings() -> None:
    r = strictschema("check", "strict_clean.json")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert "checked 1 schema for profile openai: 1 clean" in r.stderr


def test_check_lossy_schema_exits_1_with_file_path_message_lines() -> None:
    r = strictschema("check", "invoice.json", "strict_clean.json")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines, r.stderr
    for line in lines:
        m = CHECK_LINE.match(line)
        assert m, line
        assert m["file"] == "invoice.json"
    assert ("invoice.json::$.properties.tags.uniqueItems: lossy: 'uniqueItems' is not "
            "supported") in r.stdout
    assert "1 clean, 1 with findings" in r.stderr


def test_check_allow_lossy_reports_but_passes() -> None:
    r = strictschema("check", "--allow-lossy", "invoice.json", "strict_clean.json")
    assert r.returncode == 0
    assert "lossy:" in r.stdout
    # the summary counts the schema it just printed a finding for (not "0 with findings")
    assert r.stderr.strip() == ("checked 2 schemas for profile openai: 1 clean, 1 with findings "
                                "(0 errors, 1 lossy); 0 failing (lossy changes allowed)")
    r = strictschema("check", "--allow-lossy", "-o", "json", "invoice.json", "strict_clean.json")
    doc = json.loads(r.stdout)
    assert doc["exit_code"] == 0
    assert {k: doc["summary"][k] for k in ("clean", "with_findings", "failing")} == {
        "clean": 1, "with_findings": 1, "failing": 0}
    assert {s["file"]: s["status"] for s in doc["schemas"]} == {
        "invoice.json": "lossy-allowed", "strict_clean.json": "clean"}


def test_check_policy_error_turns_lossy_into_errors() -> None:
    r = strictschema("check", "--on-unsupported", "error", "invoice.json")
    assert r.returncode == 1
    assert "invoice.json::$.properties.tags.uniqueItems: error:" in r.stdout


def test_check_verbose_lists_exact_changes_too() -> None:
    r = strictschema("check", "-v", "invoice.json")
    assert r.returncode == 1
    assert ": info: " in r.stdout
    assert "[optional_to_nullable]" in r.stdout


def test_check_impossible_and_invalid_schemas_are_findings() -> None:
    r = strictschema("check", "impossible.json", "invalid_schema.json")
    assert r.returncode == 1
    assert "impossible.json::$: error: " in r.stdout
    assert "invalid_schema.json::$.properties.a.type: error: invalid schema:" in r.stdout
    assert "[invalid_schema]" in r.stdout


def test_check_as_is_judges_the_schema_as_written() -> None:
    assert strictschema("check", "--as-is", "strict_clean.json").returncode == 0
    r = strictschema("check", "--as-is", "invoice.json")
    assert r.returncode == 1
    assert "invoice.json::$: error: object schemas need additionalProperties: false" in r.stdout


def test_rule_ids_in_findings_point_to_the_rules_doc() -> None:
    r = strictschema("check", "--as-is", "invoice.json")
    assert "(A4)" in r.stdout
    note = r.stderr.strip().splitlines()[-1]
    assert note.startswith("rules cited (A4, A5, ") and "docs/profiles/openai.md" in note
    assert (Path(__file__).resolve().parent.parent / "docs" / "profiles" / "openai.md").is_file()
    r = strictschema("compile", "invoice.json")
    assert r.returncode == 0 and "see docs/profiles/openai.md" in r.stderr
    r = strictschema("check", "strict_clean.json")  # nothing cited, no note
    assert "rules cited" not in r.stderr


@pytest.mark.parametrize("profile", ["openai", "openai-2024", "openai-fine-tuned"])
def test_check_profiles(profile: str) -> None:
    r = strictschema("check", "--profile", profile, "strict_clean.json")
    assert r.returncode == 0, r.stdout + r.stderr


def test_check_unknown_profile_is_usage() -> None:
    r = strictschema("check", "--profile", "gemini-0", "strict_clean.json")
    assert r.returncode == 2
    no_traceback(r)


def test_check_json_output_parses() -> None:
    r = strictschema("check", "-o", "json", "invoice.json", "strict_clean.json",
                     "impossible.json")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["command"] == "check"
    assert doc["exit_code"] == 1
    info = doc["summary"].pop("info")
    assert info > 0  # counted, listed only with --verbose
    assert doc["summary"] == {"schemas": 3, "clean": 1, "with_findings": 2, "failing": 2,
                              "unreadable": 0, "error": 1, "lossy": 1}
    assert {f["severity"] for f in doc["findings"]} == {"lossy", "error"}
    for f in doc["findings"]:
        assert set(f) == {"file", "path", "severity", "code", "message"}
        assert f["path"].startswith("$")
    by_file = {s["file"]: s for s in doc["schemas"]}
    assert by_file["strict_clean.json"]["status"] == "clean"
    assert by_file["strict_clean.json"]["strict_as_is"] is True
    assert by_file["invoice.json"]["exact"] is False
    assert by_file["impossible.json"]["compiled"] is False


def test_check_github_annotations() -> None:
    r = strictschema("check", "-o", "github", "invoice.json", "impossible.json")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert any(line.startswith("::warning file=invoice.json,title=strictschema::"
                               "$.properties.tags.uniqueItems: ") for line in lines), lines
    assert any(line.startswith("::error file=impossible.json,title=strictschema::$: ")
               for line in lines), lines
    assert all(line.startswith(("::error ", "::warning ")) for line in lines)


def test_check_unreadable_inputs_exit_2_with_one_line_each_but_others_still_checked() -> None:
    r = strictschema("check", "not_json.json", "missing.json", "invoice.json")
    assert r.returncode == 2
    no_traceback(r)
    assert ("Error: not_json.json: not JSON: Expecting property name enclosed in double quotes"
            " at line 5 column 3") in r.stderr
    assert "Error: missing.json: no such file" in r.stderr
    assert "invoice.json::$.properties.tags.uniqueItems" in r.stdout  # still checked
    assert "2 unreadable" in r.stderr


def test_check_unreadable_input_in_json_output() -> None:
    r = strictschema("check", "-o", "json", "missing.json", "strict_clean.json")
    assert r.returncode == 2
    doc = json.loads(r.stdout)
    assert doc["errors"] == ["missing.json: no such file"]
    assert doc["summary"]["unreadable"] == 1


def test_check_needs_an_input() -> None:
    r = strictschema("check")
    assert r.returncode == 2
    assert "give at least one SCHEMA file or --model" in r.stderr


def test_check_reads_stdin() -> None:
    r = strictschema("check", "-", stdin=(DATA / "invoice.json").read_text())
    assert r.returncode == 1
    assert r.stdout.startswith("<stdin>::$")


def test_check_yaml_schema() -> None:
    r = strictschema("check", "weather.yaml")
    try:
        import yaml  # noqa: F401
    except ImportError:
        assert r.returncode == 2
        assert r.stderr.startswith("Error: weather.yaml: reading YAML schemas needs PyYAML: "
                                   "pip install pyyaml")
        no_traceback(r)
    else:
        assert r.returncode == 0, r.stdout + r.stderr


def test_check_pydantic_model() -> None:
    pytest.importorskip("pydantic")
    r = strictschema("check", "--model", "cli_models:Person")
    assert r.returncode == 1  # AnyUrl -> format uri is lossy (a set is exact: issue 13)
    assert r.stdout.startswith("cli_models:Person::$.properties.homepage.anyOf[0].format: "
                               "lossy: ")
    r = strictschema("check", "--allow-lossy", "--model", "cli_models:Person", "-o", "github")
    assert r.returncode == 0
    assert r.stdout.startswith("::warning file=cli_models.py,line=13,title=strictschema::")


@pytest.mark.parametrize(("spec", "message"), [
    ("no_such_module:Person",
     "Error: --model 'no_such_module:Person': no module named 'no_such_module'"),
    ("cli_models:Nope", "Error: --model 'cli_models:Nope': cli_models has no attribute 'Nope'"),
    ("cli_models", "Error: --model 'cli_models': expected module:Class"),
    ("broken_module:X",
     "Error: --model 'broken_module:X': importing broken_module raised RuntimeError: "),
    ("cli_models:NOT_A_MODEL",
     "Error: --model 'cli_models:NOT_A_MODEL' is not a model or a schema dict (got int '42')"),
    ("cli_models:Broken",
     "Error: cli_models:Broken: expected a JSON Schema dict or a Pydantic-compatible type"),
])
def test_bad_model_paths_exit_2_with_a_message(spec: str, message: str) -> None:
    pytest.importorskip("pydantic")
    r = strictschema("check", "--model", spec)
    assert r.returncode == 2
    assert r.stderr.startswith(message), r.stderr
    no_traceback(r)


# --------------------------------------------------------------------------------------
# compile
# --------------------------------------------------------------------------------------
def test_compile_prints_text_format_and_diagnostics_on_stderr() -> None:
    r = strictschema("compile", "invoice.json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["type"] == "json_schema"
    assert doc["name"] == "Invoice"
    assert doc["strict"] is True
    assert doc["schema"]["additionalProperties"] is False
    *lines, note = r.stderr.splitlines()
    assert lines
    for line in lines:
        assert CHECK_LINE.match(line), line
    assert note.startswith("rules cited (A4, ")  # where the rule ids are explained
    assert "invoice.json::$.properties.tags.uniqueItems: lossy: " in r.stderr


@pytest.mark.parametrize(("fmt", "check"), [
    ("text", lambda d: d["type"] == "json_schema" and d["name"] == "weather_report"),
    ("chat", lambda d: d["type"] == "json_schema" and d["json_schema"]["name"] == "weather_report"
     and d["json_schema"]["strict"] is True),
    ("tool", lambda d: d["type"] == "function" and d["name"] == "weather_report"
     and d["parameters"]["type"] == "object" and d["strict"] is True),
    ("chat-tool", lambda d: d["type"] == "function"
     and d["function"]["name"] == "weather_report" and d["function"]["strict"] is True),
    ("schema", lambda d: d["type"] == "object" and d["required"] == ["city", "celsius",
                                                                      "conditions"]),
])
def test_compile_formats(fmt: str, check) -> None:
    r = strictschema("compile", "strict_clean.json", "--format", fmt, "--name", "weather_report")
    assert r.returncode == 0, r.stderr
    assert check(json.loads(r.stdout))


def test_compile_compact_and_description() -> None:
    r = strictschema("compile", "strict_clean.json", "--compact", "--description", "Today")
    assert r.returncode == 0
    assert r.stdout.count("\n") == 1
    assert json.loads(r.stdout)["description"] == "Today"


def test_compile_output_file(tmp_path: Path) -> None:
    out = tmp_path / "fragment.json"
    r = strictschema("compile", "strict_clean.json", "-o", str(out))
    assert r.returncode == 0
    assert r.stdout == ""
    assert json.loads(out.read_text())["name"] == "Weather"


def test_compile_failure_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "fragment.json"
    r = strictschema("compile", "impossible.json", "-o", str(out))
    assert r.returncode == 1
    assert not out.exists()
    assert r.stdout == ""
    assert r.stderr.splitlines()[0].startswith("impossible.json::$: error: ")
    assert "impossible.json: no strict schema for profile openai (1 error)" in r.stderr


def test_compile_policy_error_exits_1() -> None:
    r = strictschema("compile", "invoice.json", "--on-unsupported", "error")
    assert r.returncode == 1
    assert r.stdout == ""


def test_compile_policy_drop_keeps_constraint_out_of_the_description() -> None:
    describe = json.loads(strictschema("compile", "invoice.json", "--format", "schema").stdout)
    drop = json.loads(strictschema("compile", "invoice.json", "--format", "schema",
                                   "--on-unsupported", "drop").stdout)
    assert "uniqueItems" in describe["properties"]["tags"].get("description", "")
    assert "uniqueItems" not in drop["properties"]["tags"].get("description", "")


def test_compile_bad_name_is_usage() -> None:
    r = strictschema("compile", "strict_clean.json", "--name", "has spaces")
    assert r.returncode == 2
    assert "Invalid value for '--name'" in r.stderr
    no_traceback(r)


@pytest.mark.parametrize("args", [[], ["strict_clean.json", "--model", "cli_models:Person"]])
def test_compile_needs_exactly_one_source(args: list[str]) -> None:
    r = strictschema("compile", *args)
    assert r.returncode == 2
    assert "give exactly one of FILE or --model" in r.stderr


@pytest.mark.parametrize(("name", "message"), [
    ("not_json.json", "Error: not_json.json: not JSON: "),
    ("missing.json", "Error: missing.json: no such file"),
])
def test_compile_unreadable_schema_exits_2(name: str, message: str) -> None:
    r = strictschema("compile", name)
    assert r.returncode == 2
    assert r.stderr.startswith(message)
    assert len(r.stderr.strip().splitlines()) == 1
    no_traceback(r)


def test_compile_model() -> None:
    pytest.importorskip("pydantic")
    r = strictschema("compile", "--model", "cli_models:Person", "--format", "tool")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["name"] == "Person"
    assert doc["description"] == "A person, as extracted from a document."


# --------------------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------------------
MIXED_EXPECTED = [
    ("2", "$.conditions", "enum"),
    ("3", "$", "json"),  # the blank line: an empty output, reported
    ("4", "$.celsius", "json"),  # where the text breaks off
    ("5", "$", "required"),
    ("7", "$", "json"),
    ("8", "$", "additionalProperties"),
]


def test_validate_jsonl_reports_every_bad_line() -> None:
    r = strictschema("validate", "--schema", "strict_clean.json", "weather_outputs.jsonl")
    assert r.returncode == 1
    got = []
    for line in r.stdout.splitlines():
        m = VALIDATE_LINE.match(line)
        assert m, line
        assert m["file"] == "weather_outputs.jsonl"
        got.append((m["line"], m["path"], m["keyword"]))
    assert got == MIXED_EXPECTED
    assert "weather_outputs.jsonl:7::$: not JSON: " in r.stdout
    assert "weather_outputs.jsonl:3::$: not JSON: a blank line (an empty output) [json]" in (
        r.stdout)
    assert r.stderr.strip() == ("checked 9 outputs in 1 file: 3 valid, 6 invalid "
                                "(3 not JSON)")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_validate_blank_line_is_an_output_and_a_finding(tmp_path: Path, jobs: str) -> None:
    """1,000 lines, one of them blank: 1,000 outputs, the blank one reported at its line (in
    this process and through the worker pool alike)."""
    good = json.dumps({"city": "Oslo", "celsius": 1, "conditions": "snow"}).encode()
    lines = [good] * 1000
    lines[499] = b""
    lines[700] = b"  \t"
    f = tmp_path / "outputs.jsonl"
    f.write_bytes(b"\n".join(lines) + b"\n")
    r = strictschema("validate", "--schema", str(DATA / "strict_clean.json"), "-j", jobs,
                     str(f), env={"STRICTSCHEMA_PARALLEL_MIN_BYTES": "1000",
                                  "STRICTSCHEMA_CHUNK_BYTES": "4096"})
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        f"{f}:500::$: not JSON: a blank line (an empty output) [json]",
        f"{f}:701::$: not JSON: a blank line (an empty output) [json]",
    ]
    assert r.stderr.strip() == ("checked 1,000 outputs in 1 file: 998 valid, 2 invalid "
                                "(2 not JSON)")


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b""])
def test_validate_blocks_keep_line_numbers(tmp_path: Path, ending: bytes) -> None:
    """Blocks read into one reused buffer: a line longer than a block, CRLF endings and a
    last line without a newline keep every output and its line number."""
    good = json.dumps({"city": "Oslo", "celsius": 1, "conditions": "snow"}).encode()
    long_bad = json.dumps({"city": "x" * 9000, "celsius": "warm", "conditions": "sun"}).encode()
    lines = [good] * 300
    lines[10] = long_bad
    lines[150] = b'{"city": "Oslo"'
    lines[299] = long_bad
    f = tmp_path / "outputs.jsonl"
    f.write_bytes(b"\r\n".join(lines) + ending if ending == b"\r\n"
                  else b"\n".join(lines) + ending)
    r = strictschema("validate", "--schema", str(DATA / "strict_clean.json"), "-j", "1",
                     str(f), "-o", "json", env={"STRICTSCHEMA_CHUNK_BYTES": "2000"})
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    assert report["summary"]["outputs"] == 300
    assert report["summary"]["valid"] == 297
    assert sorted({p["line"] for p in report["findings"]}) == [11, 151, 300]


def test_validate_all_good_exits_0() -> None:
    r = strictschema("validate", "--schema", "strict_clean.json", "weather_good.jsonl",
                     "weather_pretty.json")
    assert r.returncode == 0, r.stdout
    assert r.stdout == ""
    assert r.stderr.strip() == "checked 6 outputs in 2 files: 6 valid, 0 invalid"


def test_validate_pretty_printed_json_file() -> None:
    r = strictschema("validate", "--schema", "strict_clean.json", "weather_pretty_bad.json")
    assert r.returncode == 1
    assert r.stdout.startswith('weather_pretty_bad.json:1::$.conditions: "foggy" is not one of')


def test_validate_broken_json_document_reports_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "out.json"
    bad.write_text('{\n  "city": "Oslo",\n  "celsius": ,\n}\n')
    r = strictschema("validate", "--schema", str(DATA / "strict_clean.json"), str(bad))
    assert r.returncode == 1
    assert r.stdout.startswith(f"{bad}:3::$.celsius: not JSON: expected a JSON value")


def test_validate_empty_or_bom_document_is_a_finding_but_empty_jsonl_holds_no_output(
        tmp_path: Path) -> None:
    empty, blank, bom, lines = (tmp_path / n for n in ("a.json", "b.json", "c.json", "d.jsonl"))
    empty.write_bytes(b"")
    blank.write_bytes(b"  \n\n")
    bom.write_bytes(b'\xef\xbb\xbf{"city": "Oslo"}')
    lines.write_bytes(b"")
    schema = str(DATA / "strict_clean.json")
    r = strictschema("validate", "--schema", schema, str(empty), str(blank), str(bom))
    assert r.returncode == 1
    first, second, third = r.stdout.splitlines()
    assert first == f"{empty}:1::$: not JSON: an empty file (an empty output) [json]"
    assert second == f"{blank}:1::$: not JSON: an empty file (an empty output) [json]"
    assert third.startswith(f"{bom}:1::$: not JSON: ") and "byte order mark" in third
    assert third.endswith("(char 0) [json]")
    r = strictschema("validate", "--schema", schema, str(lines))
    assert r.returncode == 0
    assert "checked 0 outputs in 1 file" in r.stderr


def test_validate_json_output_parses() -> None:
    r = strictschema("validate", "--schema", "strict_clean.json", "-o", "json",
                     "weather_outputs.jsonl")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["command"] == "validate"
    assert doc["summary"] == {"files": 1, "outputs": 9, "valid": 3, "invalid": 6,
                              "not_json": 3, "unreadable": 0}
    assert [(str(f["line"]), f["path"], f["code"]) for f in doc["findings"]] == MIXED_EXPECTED
    assert doc["exit_code"] == 1


def test_validate_json_output_when_everything_is_valid() -> None:
    r = strictschema("validate", "--schema", "strict_clean.json", "-o", "json",
                     "weather_good.jsonl")
    assert r.returncode == 0
    doc = json.loads(r.stdout)
    assert doc["findings"] == []
    assert doc["summary"]["valid"] == 5


def test_validate_github_annotations() -> None:
    r = strictschema("validate", "--schema", "strict_clean.json", "-o", "github",
                     "weather_outputs.jsonl")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert len(lines) == 6
    assert lines[0].startswith("::error file=weather_outputs.jsonl,line=2,title=strictschema::"
                               '$.conditions: "foggy"')


def test_validate_stdin() -> None:
    r = strictschema("validate", "--schema", "strict_clean.json", "-",
                     stdin=(DATA / "weather_outputs.jsonl").read_text())
    assert r.returncode == 1
    assert r.stdout.splitlines()[0].startswith("<stdin>:2::$.conditions:")


def test_validate_model() -> None:
    pytest.importorskip("pydantic")
    outputs = "\n".join([
        json.dumps({"name": "Ada", "age": 36, "tags": ["x"], "address": None,
                    "homepage": None}),
        json.dumps({"name": "", "age": -1, "tags": ["x", "x"], "address": None,
                    "homepage": None}),
    ])
    r = strictschema("validate", "--model", "cli_models:Person", "-", stdin=outputs)
    assert r.returncode == 1
    keywords = {VALIDATE_LINE.match(line)["keyword"] for line in r.stdout.splitlines()}
    assert {"minLength", "minimum"} <= keywords
    assert all(line.startswith("<stdin>:2::") for line in r.stdout.splitlines())


def test_validate_forced_input_kinds(tmp_path: Path) -> None:
    # --as json: the whole file is one output, even when it is one line per output
    r = strictschema("validate", "--schema", "strict_clean.json", "--as", "json",
                     "weather_good.jsonl")
    assert r.returncode == 1
    assert r.stdout.startswith("weather_good.jsonl:2::$: not JSON: extra data")
    # --as jsonl: a pretty-printed file is five bad lines
    r = strictschema("validate", "--schema", "strict_clean.json", "--as", "jsonl",
                     "weather_pretty.json")
    assert r.returncode == 1
    assert len(r.stdout.splitlines()) == 5


@pytest.mark.parametrize(("args", "message"), [
    (["weather_good.jsonl"], "give exactly one of --schema FILE or --model"),
    (["--schema", "strict_clean.json"], "give at least one OUTPUTS file"),
])
def test_validate_usage_errors(args: list[str], message: str) -> None:
    r = strictschema("validate", *args)
    assert r.returncode == 2
    assert message in r.stderr


def test_validate_missing_output_file_exits_2_after_checking_the_rest() -> None:
    r = strictschema("validate", "--schema", "strict_clean.json", "missing.jsonl",
                     "weather_outputs.jsonl")
    assert r.returncode == 2
    assert "Error: missing.jsonl: no such file" in r.stderr
    assert "weather_outputs.jsonl:2::" in r.stdout
    no_traceback(r)


@pytest.mark.parametrize(("schema", "message"), [
    ("not_json.json", "Error: not_json.json: not JSON"),
    ("missing.json", "Error: missing.json: no such file"),
    ("impossible.json", "Error: impossible.json: no strict schema for profile openai"),
])
def test_validate_unusable_schema_exits_2(schema: str, message: str) -> None:
    r = strictschema("validate", "--schema", schema, "weather_good.jsonl")
    assert r.returncode == 2
    assert message in r.stderr
    no_traceback(r)


def _many_outputs(path: Path, n: int) -> list[int]:
    """``n`` lines; every 37th invalid, every 101st not JSON. Returns the bad line numbers."""
    bad = []
    with open(path, "w") as f:
        for i in range(1, n + 1):
            if i % 101 == 0:
                f.write('{"city": \n')
                bad.append(i)
            elif i % 37 == 0:
                f.write(json.dumps({"city": "X", "celsius": i, "conditions": "hail"}) + "\n")
                bad.append(i)
            else:
                f.write(json.dumps({"city": f"C{i}", "celsius": i / 3,
                                    "conditions": "rain"}) + "\n")
    return bad


def test_validate_worker_pool_keeps_file_order(tmp_path: Path) -> None:
    big = tmp_path / "many.jsonl"
    bad = _many_outputs(big, 1500)
    args = ("validate", "--schema", str(DATA / "strict_clean.json"), str(big))
    tiny_blocks = {"STRICTSCHEMA_PARALLEL_MIN_BYTES": "1", "STRICTSCHEMA_CHUNK_BYTES": "3000"}
    pooled = strictschema(*args, "--jobs", "2", env=tiny_blocks)
    single = strictschema(*args, "--jobs", "1")
    assert pooled.returncode == single.returncode == 1
    assert pooled.stdout == single.stdout
    assert pooled.stderr == single.stderr
    lines = [int(VALIDATE_LINE.match(line)["line"]) for line in pooled.stdout.splitlines()]
    assert lines == bad
    assert pooled.stderr.strip() == (f"checked 1,500 outputs in 1 file: {1500 - len(bad):,} "
                                     f"valid, {len(bad)} invalid (14 not JSON)")


def test_validate_worker_pool_with_a_model(tmp_path: Path) -> None:
    pytest.importorskip("pydantic")
    path = tmp_path / "people.jsonl"
    with open(path, "w") as f:
        for i in range(300):
            age = -1 if i % 50 == 7 else i
            f.write(json.dumps({"name": "P", "age": age, "tags": [], "address": None,
                                "homepage": None}) + "\n")
    r = strictschema("validate", "--model", "cli_models:Person", str(path), "-j", "2",
                     env={"STRICTSCHEMA_PARALLEL_MIN_BYTES": "1",
                          "STRICTSCHEMA_CHUNK_BYTES": "2000"})
    assert r.returncode == 1, r.stderr
    assert [VALIDATE_LINE.match(line)["line"] for line in r.stdout.splitlines()] == [
        "8", "58", "108", "158", "208", "258"]


# --------------------------------------------------------------------------------------
# pre-commit hook manifest
# --------------------------------------------------------------------------------------
def test_pre_commit_hook_manifest() -> None:
    manifest = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"
    text = manifest.read_text()
    try:
        import yaml
    except ImportError:
        assert "- id: strictschema-check" in text
        assert "entry: strictschema check" in text
        assert "language: python" in text
        return
    hooks = yaml.safe_load(text)
    (hook,) = [h for h in hooks if h["id"] == "strictschema-check"]
    assert hook["entry"] == "strictschema check"
    assert hook["language"] == "python"
    assert re.search(hook["files"], "schemas/invoice.json")
    assert re.search(hook["files"], "api/order.schema.json")
    assert not re.search(hook["files"], "package.json")


def test_pre_commit_files_pattern_matches_schema_paths() -> None:
    text = (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text()
    m = re.search(r"^\s*files: (.+)$", text, re.MULTILINE)
    assert m
    pattern = re.compile(m.group(1).strip())
    for path in ("schemas/invoice.json", "api/schema/x.yaml", "order.schema.json",
                 "a/b/order.schema.yml"):
        assert pattern.search(path), path
    for path in ("package.json", "tsconfig.json", "data/outputs.jsonl", "schemas.py"):
        assert not pattern.search(path), path


# --------------------------------------------------------------------------------------
# on a terminal: colours and the progress bar (rich)
# --------------------------------------------------------------------------------------
def _run_on_a_terminal(args: list[str]) -> tuple[int, bytes]:
    pty = pytest.importorskip("pty")
    import select

    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.Popen([sys.executable, "-m", "strictschema", *args], stdin=child,
                            stdout=child, stderr=child, cwd=DATA, close_fds=True,
                            env={**env, "COLUMNS": "120", "TERM": "xterm"})
    os.close(child)
    out = b""
    deadline = 120.0
    while deadline > 0:
        ready, _, _ = select.select([main], [], [], 0.2)
        deadline -= 0.2
        if ready:
            try:
                data = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            out += data
        elif proc.poll() is not None:
            break
    os.close(main)
    return proc.wait(timeout=60), out


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_terminal_output_is_coloured_and_shows_progress() -> None:
    rc, out = _run_on_a_terminal(["validate", "--progress", "--schema", "strict_clean.json",
                                  "weather_outputs.jsonl"])
    assert rc == 1
    assert b"\x1b[" in out  # colours
    assert "━".encode() in out  # the bar
    assert b"checked 9 outputs in 1 file: 3 valid, 6 invalid (3 not JSON)" in out
    assert b"weather_outputs.jsonl" in out and b"Traceback" not in out


# --------------------------------------------------------------------------------------
# fuzz
# --------------------------------------------------------------------------------------
def _needs_strategies() -> None:
    pytest.importorskip("hypothesis")
    pytest.importorskip("strictschema.strategies",
                        reason="strictschema.strategies (the fuzz extra's strategies) not here")


def test_fuzz_passes_on_a_correct_compile() -> None:
    _needs_strategies()
    r = strictschema("fuzz", "strict_clean.json", "-n", "25", "--derandomize")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""
    assert r.stderr.strip() == ("fuzzed strict_clean.json for profile openai (25 examples per "
                                "check): 4 passed, 0 failed")


def test_fuzz_json_output_parses() -> None:
    _needs_strategies()
    pytest.importorskip("pydantic")
    r = strictschema("fuzz", "--model", "cli_models:Person", "-n", "10", "--derandomize",
                     "-o", "json")
    assert r.returncode in (0, 1), r.stderr
    no_traceback(r)
    doc = json.loads(r.stdout)
    assert doc["command"] == "fuzz"
    assert doc["exit_code"] == r.returncode
    assert [c["name"] for c in doc["checks"]] == ["strict", "outputs", "mutants", "roundtrip"]
    assert sum(doc["summary"].values()) == 4
    assert len(doc["findings"]) == doc["summary"]["failed"]


def test_fuzz_failure_prints_a_minimal_example_and_exits_1() -> None:
    """A validator that accepts everything: the mutation check must catch it."""
    _needs_strategies()
    code = ("import sys, json\n"
            "from strictschema._compile._compiled import Compiled\n"
            "Compiled.validate_json = lambda self, raw: self.decode(json.loads(raw))\n"
            "Compiled.validate = lambda self, data: data\n"
            "from strictschema._cli import main\n"
            "sys.exit(main(['fuzz', 'strict_clean.json', '-n', '30', '--derandomize']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=DATA,
                       env={**os.environ, "NO_COLOR": "1"}, timeout=300, check=False)
    assert r.returncode == 1, r.stdout + r.stderr
    failed = {m["code"]: m for m in map(CHECK_LINE.match, r.stdout.splitlines()) if m}
    assert "mutants" in failed, r.stdout
    message = failed["mutants"]["message"]
    assert message.startswith("mutants failed: ")
    assert "; mutant: " in message or "; returned: " in message  # the minimal example
    assert "1 failed" in r.stderr


def test_fuzz_usage_and_unusable_schema() -> None:
    _needs_strategies()
    assert strictschema("fuzz").returncode == 2
    r = strictschema("fuzz", "impossible.json")
    assert r.returncode == 1
    assert r.stdout.startswith("impossible.json::$: error: ")
    r = strictschema("fuzz", "not_json.json")
    assert r.returncode == 2
    no_traceback(r)


# --------------------------------------------------------------------------------------
# saved Responses API objects and streams
# --------------------------------------------------------------------------------------
def _needs_responses() -> None:
    pytest.importorskip("strictschema.responses",
                        reason="strictschema.responses (saved Responses API objects) not here")


def test_validate_saved_response_object() -> None:
    _needs_responses()
    r = strictschema("validate", "--schema", "strict_clean.json", "response_ok.json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stderr.strip() == "checked 1 output in 1 file: 1 valid, 0 invalid"


def test_validate_saved_responses_jsonl() -> None:
    _needs_responses()
    r = strictschema("validate", "--schema", "strict_clean.json", "responses.jsonl")
    assert r.returncode == 1
    found = {}
    for line in r.stdout.splitlines():
        m = VALIDATE_LINE.match(line)
        assert m, line
        found.setdefault(m["line"], m["keyword"])
    assert found["2"] == "enum"
    assert "refusal" in found["3"]
    assert "incomplete" in found["4"]
    assert "1" not in found
    assert r.stderr.strip() == "checked 4 outputs in 1 file: 1 valid, 3 invalid"


@pytest.mark.parametrize("name", ["stream_events.jsonl", "stream.sse"])
def test_validate_saved_streams(name: str) -> None:
    _needs_responses()
    r = strictschema("validate", "--schema", "strict_clean.json", name)
    if name == "stream.sse":
        assert r.returncode == 0, r.stdout + r.stderr
        assert r.stderr.strip() == "checked 1 output in 1 file: 1 valid, 0 invalid"
    else:
        assert r.returncode == 1, r.stdout + r.stderr
        lines = r.stdout.splitlines()
        assert len(lines) == 1
        m = VALIDATE_LINE.match(lines[0])
        assert m and m["keyword"] == "required", lines
        assert int(m["line"]) > 12  # reported inside the second stream
        assert r.stderr.strip() == "checked 2 outputs in 1 file: 1 valid, 1 invalid"


def test_validate_carries_on_in_process_when_the_worker_pool_fails(tmp_path: Path) -> None:
    big = tmp_path / "many.jsonl"
    bad = _many_outputs(big, 400)
    r = strictschema("validate", "--model", "main_only_model:WEATHER", str(big), "-j", "2",
                     env={"STRICTSCHEMA_PARALLEL_MIN_BYTES": "1",
                          "STRICTSCHEMA_CHUNK_BYTES": "2000",
                          "STRICTSCHEMA_START_METHOD": "spawn"})
    assert r.returncode == 1
    assert [int(VALIDATE_LINE.match(line)["line"]) for line in r.stdout.splitlines()] == bad
    assert "the worker processes failed" in r.stderr
    assert f"checked 400 outputs in 1 file: {400 - len(bad)} valid" in r.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_forked_workers_inherit_a_model_they_could_not_import(tmp_path: Path) -> None:
    big = tmp_path / "many.jsonl"
    bad = _many_outputs(big, 400)
    r = strictschema("validate", "--model", "main_only_model:WEATHER", str(big), "-j", "2",
                     env={"STRICTSCHEMA_PARALLEL_MIN_BYTES": "1",
                          "STRICTSCHEMA_CHUNK_BYTES": "2000"})
    assert r.returncode == 1
    assert [int(VALIDATE_LINE.match(line)["line"]) for line in r.stdout.splitlines()] == bad
    assert "worker" not in r.stderr
    assert r.stderr.strip() == (f"checked 400 outputs in 1 file: {400 - len(bad)} valid, "
                                f"{len(bad)} invalid (3 not JSON)")
