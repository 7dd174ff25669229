"""``strictschema serve``: the Responses API (and Chat Completions) as a test double.

    from strictschema._serve import Double
    double = Double(seed=1)
    client = double.client()            # an openai.OpenAI bound to the double, in process
    r = client.responses.create(model="gpt-4o", input="hi", text={"format": fmt})

Outputs are drawn from the request's schema with strictschema's own strategies (seeded);
faults come from ``metadata={"fault": "..."}`` or ``Double(faults=...)``; ``Double.script``
answers the next requests exactly. See ``docs/serve.md``.

Needs the ``serve`` extra (starlette, uvicorn) and, for ``client()``, the ``openai`` extra.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FAULTS", "ApiError", "Double", "Record", "Script", "create_app", "free_port",
           "parse_faults", "running"]


def __getattr__(name: str) -> Any:
    # loaded on first use, so that ``_serve._shapes`` imports without the extra
    if name in __all__:
        from . import _api

        return getattr(_api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
