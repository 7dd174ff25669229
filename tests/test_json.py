"""Strict JSON parsing by the native core: exact big integers, duplicate keys, NaN,
surrogates, depth, size; every error a ``DecodeError`` with a character position and the
path of the value being read."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strictschema import DecodeError
from strictschema import _json as J
from strictschema._json import dumps, loads

BIG = 123456789012345678901234567890


@pytest.mark.parametrize("text", [
    b"123456789012345678901234567890", b"-9223372036854775809", b"18446744073709551616",
    "[1, 123456789012345678901234567890]", b'{"a": {"b": 99999999999999999999999}}',
])
def test_big_integers_stay_exact(text) -> None:
    assert loads(text) == json.loads(text)
    assert json.dumps(loads(text)) == json.dumps(json.loads(text))  # ints, not floats


def test_big_integers_are_ints_and_dump_exactly() -> None:
    value = loads(b"[123456789012345678901234567890, -18446744073709551617]")
    assert value == [BIG, -18446744073709551617]
    assert all(type(v) is int for v in value)
    assert dumps(value) == "[123456789012345678901234567890,-18446744073709551617]"
    assert dumps({"é": [1.5, 2**64]}) == '{"é":[1.5,18446744073709551616]}'


@pytest.mark.parametrize("text", [
    b'{"a": 1, "a": 2}', b'{"x": {"a": 1, "b": {"c": 2}, "a": 3}}', b'[{"k": 1, "k": 1}]',
    '{"\\u0061": 1, "a": 2}', b'{"a:": 1, "a:": 2}', b'{"a": "x:y", "a": "z"}',
    b'{"a\\u003a": 1, "a:": 2}', b'{"a\\"": 1, "a\\"": 2}',
])
def test_duplicate_keys_are_an_error(text) -> None:
    with pytest.raises(DecodeError, match="duplicate key"):
        loads(text)


@pytest.mark.parametrize(("text", "position", "path"), [
    (b'{"a": 1, "a": 2}', 9, "$.a"),
    (b'{"x": [1, {"b": 1, "b": 2}]}', 19, "$.x[1].b"),
    ('{"é": 1, "é": 2}'.encode(), 9, "$['é']"),  # characters, not bytes
    ('{"é": 1, "é": 2}', 9, "$['é']"),
    (b'{"\\u0061": 1, "a": 2}', 14, "$.a"),  # escapes are compared decoded
])
def test_duplicate_key_error_has_position_and_path(text, position, path) -> None:
    with pytest.raises(DecodeError) as info:
        loads(text)
    assert info.value.position == position
    assert info.value.json_path == path
    assert str(info.value).endswith(f"- at {path}")


@pytest.mark.parametrize(("text", "message", "position"), [
    (b"", "end of input", 0), (b" \n\t", "end of input", 3),
    (b"\xef\xbb\xbf[1]", "byte order mark", 0), ("\ufeff{}", "byte order mark", 0),
])
def test_empty_text_and_byte_order_mark_say_so(text, message, position) -> None:
    with pytest.raises(DecodeError, match=re.escape(message)) as info:
        loads(text)
    assert info.value.position == position


@pytest.mark.parametrize("text", [
    b"NaN", b"[Infinity]", b"[-Infinity]", b"[1e400]", b"-1e999", b"[1,]", b"{'a': 1}",
    b"[1] x", b"\xef\xbb\xbf[1]", b"01", b"", b"   ", b'"\x01"', b"[1 2]", b'{"a" 1}',
    b"[NaN]", b'{"a": -Infinity}', b"1e309",
])
def test_not_json_is_refused(text) -> None:
    with pytest.raises(DecodeError):
        loads(text)


@pytest.mark.parametrize(("text", "message", "position", "path"), [
    ('{"é": NaN}', "NaN and Infinity", 6, "$['é']"),
    (b"[1e400]", "out of the range of a double", 1, "$[0]"),
    (b"-1e309", "out of the range of a double", 0, "$"),
    (b'{"a": tru}', "expected a JSON value", 6, "$.a"),
    ('"é\xe9" x', "extra data", 5, "$"),
])
def test_refusals_name_what_where(text, message, position, path) -> None:
    with pytest.raises(DecodeError, match=re.escape(message)) as info:
        loads(text)
    assert (info.value.position, info.value.json_path) == (position, path)


def test_tiny_numbers_underflow_to_zero_like_json() -> None:
    assert loads(b"1e-400") == json.loads("1e-400") == 0.0
    assert loads(b"1e308") == 1e308


@pytest.mark.parametrize("text", [b'"\\ud800"', b'["\\udc00x"]', b'{"\\ud800": 1}',
                                  '"\ud800"', b'"\xed\xa0\x80"'])
def test_lone_surrogates_are_refused(text) -> None:
    with pytest.raises(DecodeError):
        loads(text)


def test_surrogate_pairs_are_fine() -> None:
    assert loads(b'"\\ud83d\\ude00"') == "\U0001F600"


@pytest.mark.parametrize("text", [
    b'"a\\nb\\u00e9c\xc3\xa9d\\"e"', b'"\\"\\\\\\/\\b\\f\\n\\r\\t"', b'["x\\ty", "\\u0041\\ud83d\\ude00z"]',
    b'{"k\\u00e9y": "v\\nw\xe2\x82\xac"}', ('"' + "abcdefgh\\n" * 100 + '\u00e9"').encode(),
])
def test_escaped_strings_decode_like_json(text: bytes) -> None:
    """Runs between escapes are scanned a word at a time; ASCII and UTF-8 alike."""
    assert loads(text) == json.loads(text)


@pytest.mark.parametrize(("text", "message"), [
    (b'"\\n\xff"', "UTF-8"), (b'"\\nabc\xc3"', "UTF-8"), (b'"\\n\x01"', "control character"),
    (b'"ab\\n', "unterminated"), (b'"ab\\', "unterminated"), (b'"a\\nb\\q"', "invalid escape"),
    (b'"\\n\\u12"', "escape"),
])
def test_errors_after_an_escape(text: bytes, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        loads(text)


@given(st.text(), st.booleans())
def test_any_string_decodes_like_json(s: str, ensure_ascii: bool) -> None:
    """Escaped strings are decoded a word at a time (stored whole, the end moved past the
    plain bytes): any text, escaped either way, comes back the same."""
    text = json.dumps(s, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")
    if any(0xD800 <= ord(c) < 0xE000 for c in s):  # a lone surrogate: refused
        with pytest.raises(DecodeError):
            loads(text)
    else:
        assert loads(text) == s


@pytest.mark.parametrize(("text", "position"), [
    (b'"\\nabcdefghij\xc3\xa9\xff"', 14), (b'"\\"\xe2\x82"', 3), (b'"\\u00e9ab\x80"', 9),
])
def test_bad_utf8_after_an_escape_is_refused_where_it_is(text: bytes, position: int) -> None:
    """(positions count characters: é is one)"""
    with pytest.raises(DecodeError, match="UTF-8") as info:
        loads(text)
    assert info.value.position == position


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(DecodeError, match="UTF-8"):
        loads(b'"\xff"')


def test_nesting_past_max_depth_is_an_error() -> None:
    assert J.MAX_DEPTH == 512
    for n in (J.MAX_DEPTH + 1, 700):
        text = "[" * n + "]" * n
        with pytest.raises(DecodeError, match="nested deeper than 512") as info:
            loads(text)
        assert info.value.position == J.MAX_DEPTH
    with pytest.raises(DecodeError, match="nested deeper"):
        loads('{"a":' * 513 + "1" + "}" * 513)


@pytest.mark.parametrize("depth", [5000, 200_000])
def test_deep_nesting_fails_cleanly(depth: int) -> None:
    text = "[" * depth + "]" * depth
    with pytest.raises(DecodeError, match="nested deeper"):
        loads(text)


def test_max_depth_is_accepted() -> None:
    for text in ("[" * J.MAX_DEPTH + "]" * J.MAX_DEPTH,
                 '{"a":' * (J.MAX_DEPTH - 1) + "[]" + "}" * (J.MAX_DEPTH - 1)):
        value = loads(text)
        for _ in range(J.MAX_DEPTH - 1):
            value = value[0] if isinstance(value, list) else value["a"]
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
    assert str(exc.value).endswith("- at $.a")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=2**63, max_value=2**90)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_loads_agrees_with_the_stdlib(value) -> None:
    text = json.dumps(value)
    assert loads(text) == json.loads(text) == value
    assert loads(text.encode()) == value
    assert loads(json.dumps(value, ensure_ascii=False).encode()) == value
    assert loads(dumps(value)) == value


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=3), json_values, min_size=1, max_size=4),
       st.data())
def test_any_duplicate_is_found(obj, data) -> None:
    key = data.draw(st.sampled_from(sorted(obj)))
    extra = data.draw(json_values)
    body = json.dumps(obj)[1:-1]
    text = "{" + body + ", " + json.dumps(key) + ": " + json.dumps(extra) + "}"
    with pytest.raises(DecodeError, match="duplicate") as info:
        loads(text)
    assert info.value.json_path.startswith("$")


@pytest.mark.parametrize("raw", [b'{"a":1,"a":2}', b"NaN", b'[1, Infinity]'])
def test_decode_error_message_names_the_path_once(raw: bytes) -> None:
    with pytest.raises(DecodeError) as info:
        loads(raw)
    assert str(info.value).count(" - at ") == 1


@pytest.mark.parametrize("text", [
    "true", " false ", "null", "0", "-0", "12", "-123456789012345678", "1234567890123456789",
    "01", "1.5", "1e3", '"a"', '"\\u0041"', '"é"', '""', '"a', "[1]", "{}", "tru", "-",
    "\t7\n", '"\x01"', '"a"b"', "--1"])
def test_json_text_decoded_by_the_core_is_the_strict_parse(text: str) -> None:
    """JSON text inside a value (``JsonTextCodec``) decoded by the core's plan: plain
    scalars take a shortcut past the parser, which must not change a verdict or a value."""
    import json

    from strictschema._core import Decoder

    decoder = Decoder([("json",)], 0)
    try:
        want = json.loads(text)
    except ValueError:
        with pytest.raises(ValueError):
            decoder.decode(text)
        return
    got = decoder.decode(text)
    assert got == want and type(got) is type(want)
