"""Strict JSON parsing: exact big integers, duplicate keys, NaN, surrogates, depth, size."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strictschema import DecodeError
from strictschema import _json as J
from strictschema._json import count_strings, loads, loads_exact

BIG = 123456789012345678901234567890


@pytest.mark.parametrize("fn", [loads, loads_exact])
@pytest.mark.parametrize("text", [
    b"123456789012345678901234567890", b"-9223372036854775809", b"18446744073709551616",
    "[1, 123456789012345678901234567890]", b'{"a": {"b": 99999999999999999999999}}',
])
def test_big_integers_stay_exact(fn, text) -> None:
    assert fn(text) == json.loads(text)
    assert json.dumps(fn(text)) == json.dumps(json.loads(text))  # ints, not floats


def test_big_integers_exact_without_msgspec(monkeypatch) -> None:
    """The orjson fallback turns integers beyond 64 bits into floats: detected, re-parsed."""
    import orjson

    monkeypatch.setattr(J, "_fast_decode", orjson.loads)
    monkeypatch.setattr(J, "_fast_encode", orjson.dumps)
    monkeypatch.setattr(J, "_BIG_INTS_EXACT", False)
    assert loads(b"[123456789012345678901234567890]") == [BIG]
    assert type(loads(b"[123456789012345678901234567890]")[0]) is int
    assert loads(b'{"a": 1}') == {"a": 1}
    with pytest.raises(DecodeError, match="duplicate"):
        loads(b'{"a": 1, "a": 2}')


@pytest.mark.parametrize("text", [
    b'{"a": 1, "a": 2}', b'{"x": {"a": 1, "b": {"c": 2}, "a": 3}}', b'[{"k": 1, "k": 1}]',
    '{"\\u0061": 1, "a": 2}', b'{"a:": 1, "a:": 2}', b'{"a": "x:y", "a": "z"}',
    b'{"a\\u003a": 1, "a:": 2}', b'{"a\\"": 1, "a\\"": 2}',
])
def test_duplicate_keys_are_an_error(text) -> None:
    with pytest.raises(DecodeError, match="duplicate object key"):
        loads(text)


@pytest.mark.parametrize(("text", "message"), [
    (b"", "empty text: no JSON value"), (b" \n\t", "empty text: no JSON value"),
    (b"\xef\xbb\xbf[1]", "a byte order mark (U+FEFF) before the JSON value"),
    ("\ufeff{}", "a byte order mark (U+FEFF) before the JSON value"),
])
def test_empty_text_and_byte_order_mark_say_so(text, message) -> None:
    for fn in (loads, loads_exact):
        with pytest.raises(DecodeError, match=re.escape(message)):
            fn(text)


@pytest.mark.parametrize("text", [
    b"NaN", b"[Infinity]", b"[-Infinity]", b"[1e400]", b"-1e999", b"[1,]", b"{'a': 1}",
    b"[1] x", b"\xef\xbb\xbf[1]", b"01", b"", b"   ", b'"\x01"', b"[1 2]", b'{"a" 1}',
])
def test_not_json_is_refused(text) -> None:
    with pytest.raises(DecodeError):
        loads(text)


@pytest.mark.parametrize("text", [b'"\\ud800"', b'["\\udc00x"]', b'{"\\ud800": 1}',
                                  '"\ud800"', b'"\xed\xa0\x80"'])
def test_lone_surrogates_are_refused(text) -> None:
    with pytest.raises(DecodeError):
        loads(text)


def test_surrogate_pairs_are_fine() -> None:
    assert loads(b'"\\ud83d\\ude00"') == "\U0001F600"


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(DecodeError, match="UTF-8"):
        loads(b'"\xff"')


def test_nesting_past_max_depth_parses_or_fails_cleanly() -> None:
    text = "[" * 700 + "]" * 700
    for fn in (loads, loads_exact):
        try:
            value = fn(text)
        except DecodeError as exc:
            assert "nest" in str(exc)
        else:
            assert value == json.loads(text)


@pytest.mark.parametrize("depth", [5000, 200_000])
def test_deep_nesting_fails_cleanly(depth: int) -> None:
    text = "[" * depth + "]" * depth
    with pytest.raises(DecodeError, match="nest"):
        loads(text)
    with pytest.raises(DecodeError, match="nest"):
        loads_exact(text)


def test_max_depth_is_accepted() -> None:
    text = "[" * J.MAX_DEPTH + "]" * J.MAX_DEPTH
    value = loads(text)
    for _ in range(J.MAX_DEPTH - 1):
        value = value[0]
    assert value == []


def test_big_document_round_trips() -> None:
    doc = {"rows": [{"id": i, "name": f"row {i}", "tags": ["a", "b:c"], "v": i / 3}
                    for i in range(150_000)]}
    raw = json.dumps(doc).encode()
    assert len(raw) > 10_000_000
    assert loads(raw) == doc
    with pytest.raises(DecodeError):
        loads(raw[:-1])


def test_inputs_of_every_kind() -> None:
    assert loads(bytearray(b"[1]")) == [1]
    assert loads(memoryview(b"[1]")) == [1]
    assert loads(" [1] ") == [1]
    with pytest.raises(TypeError):
        loads(123)  # type: ignore[arg-type]


def test_error_message_has_a_position() -> None:
    with pytest.raises(DecodeError) as exc:
        loads(b'{"a": tru}')
    assert exc.value.position is not None
    assert str(exc.value).endswith("- at $")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=2**63, max_value=2**90)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_loads_agrees_with_the_exact_path(value) -> None:
    text = json.dumps(value)
    assert loads(text) == loads_exact(text) == value
    assert loads(text.encode()) == value
    assert count_strings(value) == count_strings(json.loads(text))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=3), json_values, min_size=1, max_size=4),
       st.data())
def test_any_duplicate_is_found(obj, data) -> None:
    key = data.draw(st.sampled_from(sorted(obj)))
    extra = data.draw(json_values)
    body = json.dumps(obj)[1:-1]
    text = "{" + body + ", " + json.dumps(key) + ": " + json.dumps(extra) + "}"
    with pytest.raises(DecodeError, match="duplicate"):
        loads(text)


@pytest.mark.parametrize("raw", [b'{"a":1,"a":2}', b"NaN", b'[1, Infinity]'])
def test_decode_error_message_names_the_path_once(raw: bytes) -> None:
    with pytest.raises(DecodeError) as info:
        loads(raw)
    assert str(info.value).count(" - at ") == 1
