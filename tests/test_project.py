"""The project stands on its own: its hook installs what it needs, its docs are in the repo and
every link in them resolves, and nothing names a directory outside the repository."""

from __future__ import annotations

import ast
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


# -- the layout: subpackages in pipeline order, no import circles --------------------------------
SRC = REPO / "src" / "strictschema"


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (the native core by its stub)."""
    out = {}
    for p in SRC.rglob("*.py"):
        parts = list(p.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = p
    out["strictschema._core"] = SRC / "_core.pyi"
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path, modules: dict[str, Path]) -> tuple[set[str], set[str]]:
    """(modules imported when the module is imported, modules imported by its functions);
    imports under ``if TYPE_CHECKING:`` (annotations only, never run) are left out."""
    is_pkg = path.name == "__init__.py"

    def targets(node: ast.Import | ast.ImportFrom) -> set[str]:
        if isinstance(node, ast.Import):
            return {a.name for a in node.names if a.name.split(".")[0] == "strictschema"}
        if node.level:
            base = name.split(".") if is_pkg else name.split(".")[:-1]
            base = base[: len(base) - node.level + 1]
            mod = ".".join(base + ([node.module] if node.module else []))
        else:
            mod = node.module or ""
        if mod.split(".")[0] != "strictschema":
            return set()
        # ``from pkg import submodule`` imports the submodule; ``from mod import name`` the module
        subs = {f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in modules}
        return subs | ({mod} if len(subs) < len(node.names) else set())

    top: set[str] = set()
    inner: set[str] = set()

    def walk(stmts: list[ast.stmt], at_top: bool) -> None:
        for node in stmts:
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                walk(node.orelse, at_top)
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                (top if at_top else inner).update(targets(node))
                continue
            nested = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            for field in ("body", "orelse", "finalbody", "handlers"):
                walk([s for s in getattr(node, field, []) if isinstance(s, ast.AST)
                      and not isinstance(s, ast.expr)], at_top and not nested)
            if isinstance(node, ast.ExceptHandler):
                continue
            for child in ast.walk(node) if nested else ():
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    inner.update(targets(child))

    walk(ast.parse(path.read_text()).body, True)
    return top - {name}, inner - {name}


def _import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    modules = _modules()
    top, every = {}, {}
    for name, path in modules.items():
        if path.suffix == ".py":
            t, i = _imports(name, path, modules)
            top[name], every[name] = t, t | i
        else:
            top[name] = every[name] = set()
    return top, every


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of a directed graph, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return [*stack[stack.index(m):], m]
            if m not in state and (found := visit(m)) is not None:
                return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (found := visit(n)) is not None:
            return found
    return None


def _documented_layout() -> list[tuple[str, set[str]]]:
    """The rows of the layout table in docs/index.md: (part, its modules), in order."""
    text = (REPO / "docs" / "index.md").read_text()
    section = text.split("## Layout of the source", 1)[1]
    modules = _modules()
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not line.startswith("|") or cells[0] in ("part", "---"):
            continue
        part = cells[0].strip("`")
        names = re.findall(r"`(\w+)`", cells[1])
        package = f"strictschema.{part.rstrip('/')}" if part.endswith("/") else None
        found = set()
        for n in names:
            inside = f"{package}.{n}" if package else None
            full = (package if n == "__init__" and package else "strictschema"
                    if n == "__init__" else inside if inside in modules else f"strictschema.{n}")
            assert full in modules, f"docs/index.md's layout names {n!r} ({part}), not in src"
            found.add(full)
        if package:
            found.add(package)
        rows.append((part, found))
        if part == "pytest plugin":
            break
    return rows


def test_layout_is_the_documented_one() -> None:
    rows = _documented_layout()
    listed = [m for _, mods in rows for m in mods]
    assert len(listed) == len(set(listed)), "a module is listed in two rows of the layout"
    assert sorted(listed) == sorted(_modules()), (
        "modules not in docs/index.md's layout table: "
        f"{sorted(set(_modules()) - set(listed))}; listed but gone: "
        f"{sorted(set(listed) - set(_modules()))}")
    # the public import paths and entry points did not move
    meta = (REPO / "pyproject.toml").read_text()
    assert 'strictschema = "strictschema._cli:main"' in meta
    assert 'strictschema = "strictschema._pytest_plugin"' in meta
    assert 'module-name = "strictschema._core"' in meta
    for public in ("strictschema.responses", "strictschema.strategies", "strictschema.testing",
                   "strictschema._cli", "strictschema._pytest_plugin", "strictschema.__main__"):
        assert public in _modules(), public


def test_each_part_imports_only_the_parts_above_it() -> None:
    """Function-level imports count too: a lazy import does not make a circle go away."""
    rows = _documented_layout()
    row_of = {m: i for i, (_, mods) in enumerate(rows) for m in mods}
    _, every = _import_graph()
    upward = sorted(f"{a} ({rows[row_of[a]][0]}) imports {b} ({rows[row_of[b]][0]})"
                    for a, targets in every.items() for b in targets
                    if row_of[b] > row_of[a])
    assert upward == []
    parts = {i: {row_of[b] for a in mods for b in every[a]} - {i}
             for i, (_, mods) in enumerate(rows)}
    assert _cycle(parts) is None


def test_no_import_circles() -> None:
    """No module imports itself back, neither when imported (a circle Python can trip on)
    nor through a function-level import."""
    top, every = _import_graph()
    assert _cycle(top) is None
    assert _cycle(every) is None
