"""The project stands on its own: its hook installs what it needs, its docs are in the repo and
every link in them resolves, and nothing names a directory outside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_pre_commit_hook_environment_reads_yaml() -> None:
    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [h for h in hooks if h["id"] == "strictschema-check"]
    assert "yaml" in hook["types_or"] and "ya?ml" in hook["files"]
    deps = {re.split(r"[<>=!~\[ ]", d, maxsplit=1)[0].lower() for d in
            hook["additional_dependencies"]}
    # the hook matches *.schema.yaml, so its environment must be able to read YAML
    assert {"click", "rich", "pyyaml"} <= deps


def test_readme_pins_no_tag_that_does_not_exist() -> None:
    text = (REPO / "README.md").read_text()
    revs = re.findall(r"^\s*rev:\s*(\S+)", text, flags=re.MULTILINE)
    assert revs, "the README's pre-commit example lost its rev line"
    tags = set(subprocess.run(["git", "tag"], cwd=REPO, capture_output=True, text=True,
                              check=False).stdout.split())
    for rev in revs:
        assert rev.startswith("<") or rev in tags, f"README pins rev {rev}, which is no tag"


def _project_files() -> list[Path]:
    out = []
    for top in ("src", "tests", "benchmarks", "docs", ".ci"):
        out += [p for p in (REPO / top).rglob("*") if p.is_file()
                and p.suffix in (".py", ".md", ".toml", ".yaml", ".yml", ".txt", "")
                and "__pycache__" not in p.parts and "data" not in p.relative_to(REPO).parts]
    return out + [REPO / "README.md", REPO / "pyproject.toml", REPO / ".pre-commit-hooks.yaml"]


def test_no_file_names_a_directory_beside_the_repo() -> None:
    outside = re.compile(r"\.\./shared|parent\.parent\.parent|\"shared\" / \"(corpora|reference)")
    offenders = [f"{p.relative_to(REPO)}:{n}" for p in _project_files()
                 for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1)
                 if outside.search(line) and p.name != "test_project.py"]
    assert offenders == []


# pages docs/index.md already lists that are being written alongside (none once they land)
PENDING = {p for p in ("validation.md",) if not (REPO / "docs" / p).exists()}
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


def test_docs_exist_and_their_links_resolve() -> None:
    docs = REPO / "docs"
    for name in ("index.md", "profiles/openai.md", "transformations.md", "cli.md", "api.md",
                 "scale.md"):
        assert (docs / name).is_file(), f"docs/{name} is missing"
    broken = []
    for page in [REPO / "README.md", *docs.rglob("*.md")]:
        for target, _ in LINK.findall(page.read_text()):
            if re.match(r"[a-z]+:", target):
                continue  # a URL
            if not (page.parent / target).exists() and target not in PENDING:
                broken.append(f"{page.relative_to(REPO)} -> {target}")
    assert broken == []


def test_rule_ids_cited_in_the_code_are_defined_in_the_profile_doc() -> None:
    doc = (REPO / "docs" / "profiles" / "openai.md").read_text()
    defined = set(re.findall(r"^#+ .*?\b([A-J]\d+(?:\.\d+)?)\b", doc, flags=re.MULTILINE)) | set(
        re.findall(r"^\s*- \*\*([A-J]\d+(?:\.\d+)?)\*\*", doc, flags=re.MULTILINE))
    cited = set()
    for p in (REPO / "tests" / "golden").glob("*.json"):
        m = re.match(r"([a-j]\d+(?:_\d+)?)_", p.name)
        if m:
            cited.add(m.group(1).upper().replace("_", "."))
    missing = sorted(cited - defined)
    assert missing == [], f"rule ids cited by tests/golden but not defined in the doc: {missing}"
