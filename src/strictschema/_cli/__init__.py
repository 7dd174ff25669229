"""The ``strictschema`` command: ``check``, ``compile``, ``validate``, ``fuzz``, ``serve``.

Exit codes (check-jsonschema's): 0 clean, 1 findings (a schema that is not strict-clean, an
output that does not validate, a failed fuzz property), 2 usage or unreadable input (bad
options, a missing file, text that is not JSON, a ``--model`` that does not import).

The command line is an extra (click for parsing, rich for terminal output): this module only
checks that they are installed and imports the real commands (``_app``) on demand, so
``import strictschema._cli`` stays light.
"""

from __future__ import annotations

import sys
from importlib.util import find_spec

__all__ = ["main"]

MISSING_EXTRA = (
    "strictschema's command line needs the 'cli' extra: pip install 'strictschema[cli]'"
)


def _missing_dependencies() -> list[str]:
    return [name for name in ("click", "rich") if find_spec(name) is None]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    if _missing_dependencies():
        print(f"strictschema: {MISSING_EXTRA}", file=sys.stderr)
        return 2
    from ._app import run

    return run(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
