"""``python -m strictschema``: the same command as the ``strictschema`` script."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
