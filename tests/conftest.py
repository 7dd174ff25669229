"""Shared test configuration: ``--run-slow`` and the location of the shared corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "jsonschemabench"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="run slow corpus/fuzz tests (marked 'slow')")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """``../shared/corpora/jsonschemabench`` relative to the repo, or a skip saying why."""
    if not (CORPUS / "schemas").is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (it ships beside the repo in ../shared)")
    return CORPUS
