"""The pytest plugin (``pytest11`` entry point ``strictschema``): the marker and the fixture
work in a user's test suite in two lines, failures read well, and importing the plugin
loads neither Hypothesis nor the checks."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest

pytest.importorskip("hypothesis")

pytest_plugins = ["pytester"]

SCHEMA = """{"title": "Point", "type": "object",
             "properties": {"x": {"type": "integer", "minimum": 0, "maximum": 99},
                            "label": {"type": "string", "maxLength": 5}},
             "required": ["x"]}"""


def _args() -> list[str]:
    registered = any(e.value == "strictschema._pytest_plugin"
                     for e in importlib.metadata.entry_points(group="pytest11"))
    args = ["-p", "no:cacheprovider", "-p", "no:randomly"]
    return args if registered else [*args, "-p", "strictschema._pytest_plugin"]


def test_marker_in_two_lines(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(f"""
        import pytest
        SCHEMA = {SCHEMA}

        @pytest.mark.strictschema(SCHEMA, max_examples=10)
        def test_point_schema():
            pass
    """)
    result = pytester.runpytest("--strict-markers", *_args())
    result.assert_outcomes(passed=1)


def test_fixture_in_two_lines(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(f"""
        SCHEMA = {SCHEMA}

        def test_point(strictschema_check):
            report = strictschema_check(SCHEMA, max_examples=10)
            assert report.outputs >= 10 and report.roundtrips >= 1
    """)
    result = pytester.runpytest(*_args())
    result.assert_outcomes(passed=1)


def test_marker_failure_shows_the_minimal_example(pytester: pytest.Pytester) -> None:
    pytest.importorskip("pydantic")
    pytester.makepyfile("""
        import pydantic
        import pytest

        class Reading(pydantic.BaseModel):
            value: int

            @pydantic.field_validator("value")
            @classmethod
            def not_negative(cls, v):
                if v < 0:
                    raise ValueError("must not be negative")
                return v

        @pytest.mark.strictschema(Reading, checks=["outputs"], max_examples=200)
        def test_reading():
            pass
    """)
    result = pytester.runpytest(*_args())
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*strictschema check 'outputs' failed for <compiled 'Reading' profile='openai'>*",
        '*wire output: {"value": -1}*',
    ])


def test_marker_takes_a_lone_model_class(pytester: pytest.Pytester) -> None:
    # pytest reads a lone class as the thing to decorate; the plugin's marker does not
    pytest.importorskip("pydantic")
    pytester.makepyfile("""
        import pydantic
        import pytest

        class Invoice(pydantic.BaseModel):
            number: str
            total: int = 0

        @pytest.mark.strictschema(Invoice)
        def test_invoice_schema():
            pass

        @pytest.mark.strictschema(Invoice, max_examples=5)
        class TestInvoice:
            def test_it(self):
                pass
    """)
    result = pytester.runpytest("--strict-markers", *_args())
    result.assert_outcomes(passed=2)


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers", *_args())
    result.stdout.fnmatch_lines(["@pytest.mark.strictschema(model_or_schema, **options)*"])


def test_marker_needs_a_schema(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.strictschema
        def test_nothing():
            pass
    """)
    result = pytester.runpytest(*_args())
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*needs the model or schema to check*"])


def test_plugin_import_is_light() -> None:
    code = ("import sys, strictschema._pytest_plugin; "
            "heavy = ('hypothesis', 'strictschema.testing', 'strictschema.strategies', "
            "'jsonschema', 'pydantic'); "
            "print(sorted(m for m in sys.modules if m.startswith(heavy)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
