"""pytest plugin (registered through the ``pytest11`` entry point): strictschema's property
checks in two lines of a test suite.

    @pytest.mark.strictschema(Invoice)                 # a model, a JSON Schema or a Compiled
    def test_invoice_schema(): ...                     # (see _Marker: a lone class works)

    def test_invoice(strictschema_check):              # the fixture is check_roundtrip
        strictschema_check(Invoice, max_examples=50)

    def test_triage(strictschema_client):              # openai.OpenAI bound to the double
        assert triage(strictschema_client, "Printer on fire").priority in PRIORITIES

``strictschema_server`` is the Responses API double itself (``strictschema serve``, in
process; ``@pytest.mark.strictschema_serve(seed=1, faults="slow")`` sets its options);
``strictschema_client`` / ``strictschema_async_client`` are openai clients bound to it.

The marker takes ``check_roundtrip``'s arguments and runs it before the test body. This
module is imported by every pytest run in an environment where strictschema is installed,
so it imports nothing at module level: strictschema, Hypothesis and the checks are loaded
only by a test that uses them.
"""

from __future__ import annotations

from typing import Any

import pytest

_MARKER = ("strictschema(model_or_schema, **options): check the schema with "
           "strictschema.testing.check_roundtrip (compiles, wire outputs accepted, mutants "
           "rejected, encode/decode round trip) before the test runs")


_SERVE_MARKER = ("strictschema_serve(seed=0, faults=None): options of the strictschema_server "
                 "double (seeded outputs, faults for every request)")


class _Marker:
    """``pytest.mark.strictschema``, taking a model class as its one argument.

    pytest reads a lone class (or function) passed to a marker as the thing to decorate, so
    ``@pytest.mark.strictschema(Invoice)`` would mark ``Invoice`` and then call it on the test
    function. Here one argument is the marker's argument unless it is a test function or a
    class named like a test class (``Test...``): those are marked as pytest would."""

    def __init__(self, base: Any) -> None:
        self._base = base

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import inspect

        if len(args) == 1 and not kwargs:
            target = args[0]
            if isinstance(target, (staticmethod, classmethod)) or inspect.isfunction(target) or (
                    inspect.isclass(target) and target.__name__.startswith("Test")):
                return self._base(target)
        return self._base.with_args(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)

    def __repr__(self) -> str:
        return repr(self._base)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER)
    mark = pytest.mark
    if not isinstance(mark.__dict__.get("strictschema"), _Marker):
        mark.__dict__.pop("strictschema", None)
        base = mark.strictschema  # pytest's own decorator (registered above)
        mark.strictschema = _Marker(base)  # type: ignore[attr-defined]
    config.addinivalue_line("markers", _SERVE_MARKER)


@pytest.fixture
def strictschema_server(request: pytest.FixtureRequest) -> Any:
    """The Responses API double (``strictschema._serve.Double``) for this test: ``.client()``,
    ``.script``, ``.requests``, ``.records``, ``.serve()`` for a real socket."""
    from strictschema._serve import Double

    marker = request.node.get_closest_marker("strictschema_serve")
    double = Double(**(marker.kwargs if marker else {}))
    yield double
    double.close()


@pytest.fixture
def strictschema_client(strictschema_server: Any) -> Any:
    """An ``openai.OpenAI`` client bound to ``strictschema_server`` (in process)."""
    return strictschema_server.client()


@pytest.fixture
def strictschema_async_client(strictschema_server: Any) -> Any:
    """An ``openai.AsyncOpenAI`` client bound to ``strictschema_server`` (in process)."""
    return strictschema_server.async_client()


@pytest.fixture
def strictschema_check() -> Any:
    """``strictschema.testing.check_roundtrip``: call it with a model, schema or Compiled."""
    from strictschema.testing import check_roundtrip

    return check_roundtrip


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    markers = list(item.iter_markers("strictschema"))
    if not markers:
        return
    from strictschema.testing import check_roundtrip

    for marker in markers:
        if not marker.args:
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.strictschema needs the model or schema to check")
        check_roundtrip(*marker.args, **marker.kwargs)
