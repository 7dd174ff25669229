"""The README's code runs as written, and ``.ci/run`` runs the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, re.DOTALL)


def test_ci_runs_the_readme_test_command() -> None:
    first, second = _blocks("bash")[:2]
    assert "strictschema compile schemas/" in first
    assert (ROOT / first.split("strictschema compile ", 1)[1].split()[0]).is_file()
    test_command = second.strip().splitlines()[-1].rsplit("&& ", 1)[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == test_command


def test_what_it_does_runs() -> None:
    pytest.importorskip("pydantic")
    ns: dict = {"output_text": '{"name": "Ada", "nickname": null, '
                               '"scores": [{"key": "maths", "value": 3}]}'}
    exec(_blocks("python")[0], ns)  # noqa: S102 - the README's own example
    assert ns["person"].scores == {"maths": 3} and ns["person"].nickname is None
    assert ns["data"] == {"name": "Ada", "nickname": None, "scores": {"maths": 3}}
    assert ns["c"].text_format()["strict"] is True


def test_fuzzing_example_runs() -> None:
    pytest.importorskip("pydantic")
    from hypothesis import settings

    fuzzing = _blocks("python")[2]
    assert "from_schema" in fuzzing and "mutants" in fuzzing
    ns: dict = {}
    exec(_blocks("python")[0].split("person =", 1)[0], ns)  # noqa: S102 - defines ``c``
    exec(fuzzing, ns)  # noqa: S102
    for name in ("test_outputs_decode", "test_mutants_rejected"):
        settings(max_examples=25, deadline=None)(ns[name])()
