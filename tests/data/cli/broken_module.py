"""Importing this module fails (for the ``--model`` error test)."""

raise RuntimeError("database not configured")
