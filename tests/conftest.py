"""Shared test configuration: ``--run-slow`` and where the corpus tests find JSONSchemaBench
(see ``_corpus.py``: the sample in ``tests/data`` by default, the full benchmark named by
``STRICTSCHEMA_CORPUS`` under ``--run-slow``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from _corpus import ENV, SAMPLE, full_corpus

REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="run slow corpus/fuzz tests (marked 'slow'); with "
                          f"{ENV}=DIR the corpus tests read the full JSONSchemaBench in DIR")


def pytest_report_header(config: pytest.Config) -> str:
    full = full_corpus()
    if config.getoption("--run-slow") and full is not None:
        return f"corpus: the full JSONSchemaBench at {full} ({ENV})"
    return f"corpus: the sample in {SAMPLE.relative_to(REPO)}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def corpus_dir(request: pytest.FixtureRequest) -> Path:
    """The sample in ``tests/data/jsonschemabench``; under ``--run-slow``, the full benchmark
    when ``STRICTSCHEMA_CORPUS`` names it."""
    full = full_corpus()
    if request.config.getoption("--run-slow") and full is not None:
        return full
    return SAMPLE


@pytest.fixture(scope="session")
def full_corpus_dir() -> Path:
    """The full benchmark named by ``STRICTSCHEMA_CORPUS``, or a skip saying how to get it."""
    full = full_corpus()
    if full is None:
        pytest.skip(f"needs the full JSONSchemaBench: set {ENV} to a copy of it (a directory "
                    "with schemas/ and instances/; see docs/testing.md)")
    return full
