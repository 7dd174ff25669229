"""mypy over the package, with the configuration in pyproject.toml (strict on the public
modules): no error. CI runs it with the rest of the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_mypy_reports_no_error() -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (it is in the dev extra)")
    # incremental, with mypy's cache in .mypy_cache/: a cold run (CI) takes about 40 s of CPU
    r = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary"], cwd=REPO,
                       capture_output=True, text=True, timeout=900, check=False)
    errors = [line for line in r.stdout.splitlines() if ": error: " in line]
    assert errors == [], f"{len(errors)} mypy errors:\n" + "\n".join(errors[:40])
    assert r.returncode == 0, r.stdout + r.stderr
