"""The core's one-pass walk (parse, check and build together) against the tape judge.

The walk settles valid texts; the tape judge runs when it stops. Each case here is judged
both ways: the text through the walk (``is_valid_json``, ``validate_json``,
``errors_json``) and the parsed value through the tape judge (``is_valid``,
``iter_errors``), which never takes the walk. They must agree on every verdict, every
error and every built value (its types included: ``1`` and ``1.0`` differ).
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strictschema import DecodeError, ValidationError, Validator

NULLABLE = {"anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}]}

_NOT_NULL = ["array", "boolean", "number", "object", "string"]

SCHEMAS: dict[str, Any] = {
    "record": {
        "type": "object",
        "properties": {
            "id": {"type": "integer", "minimum": 0, "maximum": 10**20},
            "name": {"type": "string", "minLength": 1, "pattern": "^[a-z]+$"},
            "when": {"type": "string", "format": "date-time"},
            "price": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.01},
            "note": NULLABLE,
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        },
        "required": ["id", "name", "note"],
        "additionalProperties": False,
    },
    "map": {"type": "object", "additionalProperties": {"type": "integer"}, "minProperties": 1,
            "maxProperties": 3},
    "open": {"type": "object", "properties": {"a": {"type": "integer"}}},
    "kind-union": {"oneOf": [{"type": "object", "properties": {"x": {"const": 1}}},
                             {"type": "array", "prefixItems": [{"type": "boolean"}],
                              "items": False},
                             {"type": "string", "enum": ["a", "b"]}]},
    "number-union": {"anyOf": [{"type": "integer", "maximum": 3},
                               {"type": "number", "minimum": 10}]},
    "all-of": {"allOf": [{"$ref": "#/$defs/named"}, {"required": ["n"]}],
               "properties": {"n": {"type": "string", "maxLength": 3}},
               "$defs": {"named": {"type": "object", "properties": {"n": {"type": "string"}}}}},
    "ref-siblings": {"$ref": "#/$defs/s", "maxLength": 4,
                     "$defs": {"s": {"type": "string", "minLength": 2}}},
    "container-enum": {"enum": [[1, 2], {"a": None}, "x"]},
    "twice-read": {"type": "object", "patternProperties": {"^x": {"type": "integer"}},
                   "properties": {"y": {"not": {"type": "null"}}},
                   "unevaluatedProperties": False},
    "integer": {"type": "integer", "multipleOf": 3},
    "tree": {"$ref": "#/$defs/t",
             "$defs": {"t": {"type": "object", "properties": {
                 "v": {"type": "integer"},
                 "kids": {"type": "array", "items": {"$ref": "#/$defs/t"}}},
                 "required": ["v"], "additionalProperties": False}}},
    "nested-arrays": {"$ref": "#/$defs/a",
                      "$defs": {"a": {"anyOf": [{"type": "array", "items": {"$ref": "#/$defs/a"}},
                                                {"type": "integer"}]}}},
    "tagged": {"type": "array", "items": {"$ref": "#/$defs/node"}, "$defs": {
        "node": {"anyOf": [{"$ref": "#/$defs/box"}, {"$ref": "#/$defs/text"}, {"$ref": "#/$defs/pick"}]},
        "box": {"type": "object", "properties": {
            "type": {"const": "box"}, "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
            "required": ["type", "kids"], "additionalProperties": False},
        "text": {"type": "object", "properties": {"type": {"type": "string", "const": "text"},
                                                   "body": {"type": "string", "maxLength": 4}},
                 "required": ["type", "body"], "additionalProperties": False},
        "pick": {"type": "object", "properties": {"type": {"enum": ["radio", "check"]},
                                                   "n": {"type": "integer"}},
                 "required": ["type"]}}},
    # two object nodes met at once ($ref beside properties): each one's keywords hold
    "two-objects": {
        "$ref": "#/$defs/base", "type": "object",
        "properties": {"b": {"type": "integer", "minimum": 0}, "c": {"type": "string"}},
        "required": ["b"], "additionalProperties": {"type": ["string", "integer", "object"]},
        "maxProperties": 4,
        "$defs": {"base": {"type": "object", "properties": {
            "a": {"type": "string", "maxLength": 3}, "b": {"type": "integer", "maximum": 10},
            "o": {"$ref": "#/$defs/leaf"}}, "required": ["a"], "minProperties": 2},
            "leaf": {"type": "object", "properties": {"x": {"type": "integer"}},
                     "additionalProperties": False}}},
    "two-objects-union": {"type": "array", "items": {"anyOf": [
        {"$ref": "#/$defs/p", "properties": {"k": {"const": 1}}, "required": ["k"]},
        {"$ref": "#/$defs/p", "properties": {"k": {"type": "string"}, "v": {"type": "null"}}}]},
        "$defs": {"p": {"type": "object", "properties": {"k": {}, "v": {"type": ["integer", "null"]}},
                        "additionalProperties": False}}},
    # two array nodes met at once ($ref beside items): each one's keywords hold, item by item
    "two-arrays": {"$ref": "#/$defs/base", "type": "array", "maxItems": 3,
                   "items": {"type": "integer", "minimum": 0},
                   "$defs": {"base": {"type": "array", "minItems": 1,
                                      "prefixItems": [{"type": "integer", "maximum": 5}],
                                      "items": {"maximum": 10}}}},
    "two-arrays-of-objects": {"type": "array", "items": {"$ref": "#/$defs/p", "required": ["k"]},
                              "allOf": [{"items": {"properties": {"k": {"maxLength": 2}}}}],
                              "$defs": {"p": {"type": "object", "properties": {
                                  "k": {"type": "string"}}, "additionalProperties": False}}},
    # tags and keys alike in length and end bytes (what the walk's union cache compares first)
    "look-alike-tags": {"type": "array", "items": {"anyOf": [
        {"type": "object", "properties": {"t": {"const": "rxo"}, "n": {"type": "integer"}},
         "required": ["t", "n"], "additionalProperties": False},
        {"type": "object", "properties": {"t": {"const": "ryo"}, "s": {"type": "string"}},
         "required": ["t", "s"], "additionalProperties": False},
        {"type": "object", "properties": {"kxz": {"type": "integer"}}, "required": ["kxz"],
         "additionalProperties": False},
        {"type": "object", "properties": {"kyz": {"type": "string"}}, "required": ["kyz"],
         "additionalProperties": False}]}},
    # unions of requirements (which properties are there, which are null): settled at the
    # object"s end from its members (`Picks`), not on a tape
    "picks-one": {"type": "array", "items": {"type": "object", "properties": {
        "r": {"type": ["number", "null"]}, "w": {"type": ["number", "null"]},
        "h": {"type": ["number", "null"]}}, "oneOf": [
        {"required": ["r"], "properties": {"r": {"type": _NOT_NULL}}},
        {"required": ["w", "h"], "properties": {"w": {"type": _NOT_NULL},
                                                "h": {"type": _NOT_NULL}}}]}},
    # names the node itself lacks (taken in as properties that assert nothing)
    "picks-any": {"properties": {"c": {"type": "integer"}}, "anyOf": [
        {"properties": {"a": {"type": "null"}}}, {"properties": {"b": {"type": "null"}}}]},
    "picks-typed": {"oneOf": [{"type": "object", "required": ["a"]}, {"required": ["b"]}]},
    # closed: a name it lacks cannot be taken in; still judged (on the tape)
    "picks-closed": {"properties": {"a": {}}, "additionalProperties": False,
                     "oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
    # required names the node's properties lack: taken in as properties (asserting
    # nothing, or what additionalProperties asks), so the walk's bits cover them
    "required-outside": {"type": "object", "properties": {"a": {"type": "string"}},
                         "required": ["a", "b"]},
    "required-additional": {"type": "object", "properties": {"a": {"type": "string"}},
                            "additionalProperties": {"type": "integer"}, "required": ["b"]},
    "required-pattern": {"type": "object", "patternProperties": {"^b": {"type": "integer"}},
                         "additionalProperties": {"type": "string"}, "required": ["b"]},
    "required-closed": {"type": "object", "properties": {"a": {}},
                        "additionalProperties": False, "required": ["b"]},
    "one-of-overlap": {"oneOf": [
        {"type": "object", "properties": {"k": {"enum": ["a", "b"]}}, "required": ["k"]},
        {"type": "object", "properties": {"k": {"enum": ["b", "c"]}}, "required": ["k"]}]},
    "closed-keys": {"type": "array", "items": {"oneOf": [
        {"type": "object", "properties": {"percent": {"type": "number", "maximum": 100}},
         "required": ["percent"], "additionalProperties": False},
        {"type": "object", "properties": {"amount": {"type": "number"}, "note": {"type": "string"}},
         "required": ["amount"], "additionalProperties": False},
        {"type": "null"}]}},
    "unique": {"type": "object", "properties": {
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "nums": {"type": "array", "items": {"type": "number"}, "uniqueItems": True}}},
    # unions no discriminator decides: the walk tries their branches in turn
    "overlap-union": {"type": "array", "items": {"anyOf": [
        {"type": "object", "properties": {"t": {"enum": ["cb", None]}, "v": {"type": "string"}},
         "required": ["t", "v"], "additionalProperties": False},
        {"type": "object", "properties": {"t": {"enum": ["field", "value", None]},
                                          "v": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
         "required": ["t", "v"], "additionalProperties": False}]}},
    "nested-union": {"$ref": "#/$defs/item", "$defs": {
        "item": {"anyOf": [{"type": "object", "properties": {"ref": {"type": "string"}},
                            "required": ["ref"], "additionalProperties": False},
                           {"anyOf": [{"$ref": "#/$defs/root"}]}]},
        "root": {"anyOf": [
            {"type": "object", "properties": {
                "type": {"type": "string"}, "ref": {"type": ["string", "null"]},
                "items": {"anyOf": [{"$ref": "#/$defs/item"}, {"type": "null"}]}},
             "required": ["type", "ref", "items"], "additionalProperties": False},
            {"type": "object", "properties": {
                "type": {"type": ["string", "null"]}, "ref": {"type": "string"},
                "items": {"anyOf": [{"$ref": "#/$defs/item"}, {"type": "null"}]}},
             "required": ["type", "ref", "items"], "additionalProperties": False}]}}},
    # branches that share a subtree: a container that passed in a branch that failed later is
    # taken again, not walked again, by the next branch (the same object against the same
    # keywords)
    "shared-subtrees": {"type": "array", "items": {"$ref": "#/$defs/n"}, "$defs": {
        "n": {"anyOf": [{"$ref": "#/$defs/leaf"}, {"$ref": "#/$defs/branch"}]},
        "leaf": {"type": "object", "properties": {
            "kids": {"type": ["array", "null"], "items": {"$ref": "#/$defs/n"}},
            "ext": {"type": ["boolean", "null"]}, "title": {"type": "string"}},
            "required": ["kids", "ext", "title"], "additionalProperties": False},
        "branch": {"type": "object", "properties": {
            "kids": {"type": "array", "items": {"$ref": "#/$defs/n"}},
            "title": {"type": "string", "maxLength": 8}},
            "required": ["kids", "title"], "additionalProperties": False}}},
    "union-siblings": {"type": "object", "required": ["a"], "properties": {"b": {"type": "integer"}},
                       "anyOf": [{"properties": {"a": {"type": "integer", "minimum": 5}}},
                                 {"properties": {"a": {"type": "string"}}}]},
    "scalar-union": {"type": "array", "items": {"anyOf": [
        {"type": "string", "pattern": "^a"}, {"type": "string", "maxLength": 2},
        {"type": "integer", "multipleOf": 2}]}},
    # non-ASCII text: read eight bytes at a time past the first non-ASCII byte, lengths in
    # code points
    "text": {"type": "array", "items": {"type": "string", "maxLength": 9}},
    # names a key's text cannot be compared with as written (the walk reads those keys)
    "odd-names": {"type": "object", "properties": {"a\\b": {"type": "integer"},
                                                   'q"': {"type": "integer"},
                                                   "id": {"type": "integer"}},
                  "additionalProperties": False},
    "true": True,
    "false": False,
}

CASES: list[tuple[str, str]] = [
    ("record", '{"id": 1, "name": "ab", "note": null}'),
    ("record", '{"id": 100000000000000000000, "name": "ab", "note": "hi", "price": 0.07}'),
    ("record", '{"id": 100000000000000000001, "name": "ab", "note": null}'),
    ("record", '{"id": 1, "name": "ab", "note": "toolong"}'),
    ("record", '{"id": 1, "name": "Ab", "note": null}'),
    ("record", '{"id": -1, "name": "ab", "note": null}'),
    ("record", '{"id": 1.0, "name": "ab", "note": null}'),
    ("record", '{"id": 1.5, "name": "ab", "note": null}'),
    ("record", '{"id": 1, "name": "ab", "note": null, "price": 0.001}'),
    ("record", '{"id": 1, "name": "ab", "note": null, "price": 1e-2}'),
    ("record", '{"id": 1, "name": "ab", "note": null, "when": "2024-02-30T00:00:00Z"}'),
    ("record", '{"id": 1, "name": "ab", "note": null, "when": "2024-02-29T00:00:00Z"}'),
    ("record", '{"id": 1, "name": "ab", "note": null, "tags": ["a", "b", "c", "d"]}'),
    ("record", '{"id": 1, "name": "ab"}'),
    ("record", '{"id": 1, "name": "ab", "note": null, "extra": 1}'),
    ("record", '{"id": 1, "id": 2, "name": "ab", "note": null}'),
    ("record", '{"\\u0069d": 1, "name": "ab", "note": null}'),
    ("record", '{"id": 1, "name": "\\u0061b", "note": "\\ud83d\\ude00"}'),
    ("record", '{"id": 1, "name": "ab", "note": "\\ud83d"}'),
    ("record", ' \n{ "id" : 1 , "name" : "ab" , "note" : null } \t'),
    ("record", '{"id": 1, "name": "ab", "note": null,}'),
    ("record", '{"id": 01, "name": "ab", "note": null}'),
    ("record", '{"id": 1, "name": "ab", "note": null} x'),
    ("odd-names", '{"a\\\\b": 1, "q\\"": 2, "id": 3}'),
    ("odd-names", '{"a\\\\b": 1, "q\\"": 2, "id": 3, "id": 4}'),
    ("odd-names", '{"a\\\\b": "x"}'),
    ("odd-names", '{"idx": 1}'),
    ("odd-names", '{"i": 1}'),
    ("odd-names", '{"\\u0069d": 1, "id": 2}'),
    ("map", '{"a": 1, "b": 2}'),
    ("map", '{}'),
    ("map", '{"a": 1, "b": 2, "c": 3, "d": 4}'),
    ("map", '{"a": 1, "a": 2}'),
    ("map", '{"a": 1, "b": "2"}'),
    ("open", '{"a": 1, "z": {"q": [1, {"r": null}]}, "y": 1e400}'),
    ("open", '{"a": 1, "z": {"q": 1, "q": 2}}'),
    ("open", '{"z": 1, "z": 2}'),
    ("open", '{"a": 1, "a": 1}'),
    ("kind-union", '{"x": 1}'),
    ("kind-union", '{"x": 2}'),
    ("kind-union", '[true]'),
    ("kind-union", '[true, false]'),
    ("kind-union", '"a"'),
    ("kind-union", '"c"'),
    ("kind-union", '3'),
    ("number-union", '2'),
    ("number-union", '5'),
    ("number-union", '10.5'),
    ("number-union", '3.0'),
    ("all-of", '{"n": "abc"}'),
    ("all-of", '{"n": "abcd"}'),
    ("all-of", '{}'),
    ("ref-siblings", '"abc"'),
    ("ref-siblings", '"a"'),
    ("ref-siblings", '"abcde"'),
    ("container-enum", '[1, 2]'),
    ("container-enum", '[1, 2.0]'),
    ("container-enum", '{"a": null}'),
    ("container-enum", '[2, 1]'),
    ("twice-read", '{"x1": 1, "y": 2}'),
    ("twice-read", '{"x1": "1"}'),
    ("twice-read", '{"y": null}'),
    ("twice-read", '{"z": 1}'),
    ("integer", '9'),
    ("integer", '9.0'),
    ("integer", '10'),
    ("integer", '123456789012345678901234567890'),
    ("integer", '-0'),
    ("integer", '1e2'),
    ("tree", '{"v": 1, "kids": [{"v": 2}, {"v": 3, "kids": []}]}'),
    ("tree", '{"v": 1, "kids": [{"v": 2, "w": 1}]}'),
    ("tree", '{"v": 1, "kids": [{"kids": []}]}'),
    ("two-objects", '{"a": "xy", "b": 3}'),
    ("two-objects", '{"a": "xy", "b": 3, "o": {"x": 1}}'),
    ("two-objects", '{"o": {}, "b": 0, "a": ""}'),
    ("two-objects", '{"a": "xy", "b": 11}'),
    ("two-objects", '{"a": "xy", "b": -1}'),
    ("two-objects", '{"b": 3}'),
    ("two-objects", '{"a": "xyzw", "b": 1}'),
    ("two-objects", '{"a": "x", "b": 1, "o": {"y": 1}}'),
    ("two-objects", '{"a": "x", "b": 1, "o": "s"}'),
    ("two-objects", '{"a": "x", "b": 1, "z": true}'),
    ("two-objects", '{"a": "x", "b": 1, "z": "s", "w": {}}'),
    ("two-objects", '{"a": "x", "b": 1, "z": "s", "w": 1, "v": 2}'),
    ("two-objects", '{"a": "x", "b": 1, "b": 2}'),
    ("two-objects", '{"a": "x", "b": 1, "z": 1, "z": 2}'),
    ("two-objects", '{"a": "x", "b": 1, "o": {"x": 1, "x": 2}}'),
    ("two-objects", '{"a": "x", "b": 1, "c": null}'),
    ("two-objects", '{"a": "x", "b": 1, "c": "\\u00e9t\\u00e9"}'),
    ("two-objects", '{}'),
    ("two-objects", '[]'),
    ("two-objects-union", '[{"k": 1, "v": 2}, {"k": "s", "v": null}, {"k": 1}]'),
    ("two-objects-union", '[{"k": "s", "v": 2}]'),
    ("two-objects-union", '[{"k": 2}]'),
    ("two-objects-union", '[{"k": 1, "w": 1}]'),
    ("look-alike-tags", '[{"t": "rxo", "n": 1}, {"t": "ryo", "s": "a"}, {"t": "rxo", "n": 2}]'),
    ("look-alike-tags", '[{"t": "rxo", "n": 1}, {"t": "ryo", "n": 1}]'),
    ("look-alike-tags", '[{"t": "ryo", "s": "a"}, {"t": "rxo", "s": "a"}]'),
    ("look-alike-tags", '[{"kxz": 1}, {"kyz": "a"}, {"kxz": 2}, {"t": "rxo", "n": 3}]'),
    ("look-alike-tags", '[{"kxz": 1}, {"kyz": 1}]'),
    ("look-alike-tags", '[{"kyz": "a"}, {"kxz": "a"}]'),
    ("tagged", '[{"type": "box", "kids": [{"type": "text", "body": "hi"}, {"type": "radio"}]}]'),
    ("tagged", '[{"type": "box", "kids": [{"type": "text", "body": "hello"}]}]'),
    ("tagged", '[{"body": "hi", "type": "text"}]'),
    ("tagged", '[{"type": "label", "body": "hi"}]'),
    ("tagged", '[{"type": "te\\u0078t", "body": "hi"}]'),
    ("tagged", '[{"type": "check", "n": 1, "extra": [1]}]'),
    ("tagged", '[{"type": "check", "type": "text", "body": "x"}]'),
    ("tagged", '[{"type": "text", "body": "x", "type": "box"}]'),
    ("tagged", '[{"type": "text"}]'),
    ("tagged", '[{"type": 1, "body": "x"}]'),
    ("closed-keys", '[{"percent": 5}, {"amount": 1.5, "note": "x"}, null]'),
    ("closed-keys", '[{"percent": 500}]'),
    ("closed-keys", '[{"note": "x", "amount": 2}]'),
    ("closed-keys", '[{"percent": 5, "amount": 2}]'),
    ("closed-keys", '[{"amount": 2, "percent": 5}]'),
    ("closed-keys", '[{"other": 1}]'),
    ("closed-keys", '[{}]'),
    ("unique", '{"tags": ["a", "b", "\u00e9"], "nums": [1, 2.5]}'),
    ("unique", '{"tags": ["a", "b", "a"]}'),
    ("unique", '{"tags": ["a", "\\u0061"]}'),
    ("unique", '{"tags": ["\u00e9", "\\u00e9"]}'),
    ("unique", '{"nums": [1, 1.0]}'),
    ("unique", '{"nums": [1, 2], "tags": []}'),
    ("unique", '{"tags": ["a", 1]}'),
    ("overlap-union", '[{"t": "field", "v": 1}, {"t": null, "v": "x"}, {"t": "cb", "v": "y"}]'),
    ("overlap-union", '[{"v": 1, "t": null}, {"v": "z", "t": "value"}]'),
    ("overlap-union", '[{"t": "cb", "v": 1}]'),
    ("overlap-union", '[{"t": "x", "v": 1}]'),
    ("overlap-union", '[{"t": null, "v": true}]'),
    ("overlap-union", '[{"t": null, "v": 1, "t": null}]'),
    ("overlap-union", '[{"t": null, "v": 1, "w": 2}]'),
    ("nested-union", '{"ref": "a"}'),
    ("nested-union", '{"type": "x", "ref": null, "items": null}'),
    ("nested-union", '{"type": null, "ref": "r", "items": {"ref": "q"}}'),
    ("nested-union", '{"ref": "a", "type": "x", "items": {"type": "y", "ref": null, "items": null}}'),
    ("nested-union", '{"type": null, "ref": null, "items": null}'),
    ("nested-union", '{"type": "x", "ref": null, "items": {"type": "y", "ref": 1, "items": null}}'),
    ("nested-union", '{"ref": "a", "ref": "b"}'),
    ("shared-subtrees", '[{"kids": null, "ext": true, "title": "a"}]'),
    ("shared-subtrees", '[{"kids": [{"kids": [{"kids": null, "ext": null, "title": "x"}], '
                        '"title": "b"}], "title": "c"}]'),
    ("shared-subtrees", '[{"kids": [{"kids": null, "ext": false, "title": "leaf"}, '
                        '{"kids": [], "title": "br"}], "title": "top"}]'),
    ("shared-subtrees", '[{"kids": [{"kids": [], "title": "far too long"}], "title": "c"}]'),
    ("shared-subtrees", '[{"kids": [{"kids": [], "title": "b"}], "title": "c", "ext": 1}]'),
    ("shared-subtrees", '[{"title": "t", "kids": [{"title": "u", "kids": []}]}, '
                        '{"kids": [{"kids": [], "title": "b"}], "title": "c", "ext": null}]'),
    ("text", '["ééééééééé", "日本語のテキストです", "a€b€c€d€e"]'),
    ("text", '["éééééééééé"]'),
    ("text", '["éééé\\u0041ééé", "ééééé\\"é", "ééééééé\\\\"]'),
    ("text", '["éééééé\x01"]'),
    ("text", '["ééééééé\x1f", "x"]'),
    ("text", '["😀😀😀😀😀😀😀😀😀", "é\\ud83d\\ude00"]'),
    ("union-siblings", '{"a": 5, "b": 1}'),
    ("union-siblings", '{"a": "x"}'),
    ("union-siblings", '{"a": 4}'),
    ("union-siblings", '{"b": 1}'),
    ("union-siblings", '{"a": 5, "b": "x"}'),
    ("union-siblings", '{"a": null}'),
    ("scalar-union", '["abc", "zz", 4, "a\\u0062c"]'),
    ("scalar-union", '["zzz"]'),
    ("scalar-union", '[3]'),
    ("scalar-union", '[4.0, "\\u0061xyz"]'),
    ("one-of-overlap", '{"k": "a"}'),
    ("one-of-overlap", '{"k": "b"}'),
    ("one-of-overlap", '{"k": "d"}'),
    ("true", '{"a": [1, 2.5, "x", null, true, {"b": {}}]}'),
    ("true", '{"a": 1, "a": 2}'),
    ("false", '1'),
    ("two-arrays", '[1, 2]'),
    ("two-arrays", '[5, 10, 0]'),
    ("two-arrays", '[]'),
    ("two-arrays", '[6]'),
    ("two-arrays", '[1, 11]'),
    ("two-arrays", '[1, -1]'),
    ("two-arrays", '[1, 2, 3, 4]'),
    ("two-arrays", '[1, 2.5]'),
    ("two-arrays", '[1, "x"]'),
    ("two-arrays", '{"a": 1}'),
    ("two-arrays-of-objects", '[{"k": "ab"}, {"k": ""}]'),
    ("two-arrays-of-objects", '[]'),
    ("two-arrays-of-objects", '[{"k": "abc"}]'),
    ("two-arrays-of-objects", '[{}]'),
    ("two-arrays-of-objects", '[{"k": "a", "j": 1}]'),
    ("two-arrays-of-objects", '[{"k": "a", "k": "b"}]'),
    ("picks-one", '[{"r": 1, "w": null, "h": null}, {"w": 2, "h": 3.5}, {"r": 0, "h": null}]'),
    ("picks-one", '[{"r": 1, "w": 2, "h": 3}]'),
    ("picks-one", '[{"r": null, "w": 2, "h": null}]'),
    ("picks-one", '[{}]'),
    ("picks-one", '[{"w": 1, "h": 2, "r": null}]'),
    ("picks-one", '[{"r": [], "w": null}, {"h": {}, "w": "x"}]'),
    ("picks-one", '[{"r": 1, "r": 2}]'),
    ("picks-any", '{"a": null, "b": 1, "c": 2}'),
    ("picks-any", '{"a": 1, "b": 1}'),
    ("picks-any", '{"a": 1}'),
    ("picks-any", '{"b": null, "a": null}'),
    ("picks-any", '5'),
    ("picks-typed", '1'),
    ("picks-typed", '{"a": 1}'),
    ("picks-typed", '{"a": 1, "b": 2}'),
    ("picks-typed", '{"b": null}'),
    ("picks-typed", '{}'),
    ("required-outside", '{"a": "x", "b": [1, {}]}'),
    ("required-outside", '{"b": null, "a": "x"}'),
    ("required-outside", '{"a": "x"}'),
    ("required-outside", '{"a": 1, "b": 2}'),
    ("required-additional", '{"a": "x", "b": 2, "c": 3}'),
    ("required-additional", '{"b": "x"}'),
    ("required-additional", '{"b": -1}'),
    ("required-additional", '{"a": "x", "c": 3}'),
    ("required-additional", '{"b": 1, "b": 2}'),
    ("required-pattern", '{"b": 2, "c": "x"}'),
    ("required-pattern", '{"b": "x"}'),
    ("required-closed", '{"b": 1}'),
    ("required-closed", '{"a": 1}'),
    ("picks-closed", '{"a": 1}'),
    ("picks-closed", '{"b": 1}'),
    ("picks-closed", '"s"'),
]


def _judge_both(schema: Any, text: str) -> None:
    w = Validator(schema)
    try:
        expected = json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_finite)
        json.dumps(expected, ensure_ascii=False).encode()  # lone surrogates: not JSON here
    except (ValueError, _Duplicate, OverflowError):
        for route in (w.is_valid_json, w.validate_json, w.errors_json):
            with pytest.raises(DecodeError):
                route(text)
        return
    errors = list(w.iter_errors(expected))  # the tape judge, on the value
    assert w.is_valid(expected) is (not errors)
    assert w.is_valid_json(text) is (not errors)
    text_errors = w.errors_json(text)
    # a text route echoes a number as written (1e2), the value route as Python writes it
    assert _where(text_errors) == _where(errors)
    if errors:
        with pytest.raises(ValidationError) as info:
            w.validate_json(text)
        assert list(info.value.errors) == text_errors
    else:
        value = w.validate_json(text)
        # the JSON form keeps the numbers' types (1 and 1.0 differ) and the key order
        assert json.dumps(value) == json.dumps(expected)
        assert w.check_json(text) == (value, True)


def _where(errors: Any) -> list[tuple[Any, str, Any]]:
    return [(e.location, e.keyword, e.schema_location) for e in errors]


class _Duplicate(Exception):
    pass


def _finite(text: str) -> float:
    """A JSON number as the judge reads it: beyond a double's range it is not JSON here."""
    f = float(text)
    if not math.isfinite(f):
        raise OverflowError(text)
    return f


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise _Duplicate
    return dict(pairs)


@pytest.mark.parametrize(("name", "text"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_the_walk_and_the_tape_agree(name: str, text: str) -> None:
    _judge_both(SCHEMAS[name], text)


def test_every_schema_has_cases() -> None:
    assert {n for n, _ in CASES} | {"nested-arrays"} == set(SCHEMAS)


@pytest.mark.parametrize("depth", [1, 100, 509, 510, 511, 512, 513])
def test_nesting_up_to_the_limit_through_the_walk(depth: int) -> None:
    """Nested arrays under a recursive anyOf: accepted up to the documented depth on both
    routes, a DecodeError past it."""
    text = "[" * depth + "1" + "]" * depth
    if depth <= 512:
        _judge_both(SCHEMAS["nested-arrays"], text)
        return
    w = Validator(SCHEMAS["nested-arrays"])
    for route in (w.is_valid_json, w.validate_json, w.errors_json):
        with pytest.raises(DecodeError, match="nested deeper than 512"):
            route(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "name", "note", "price", "tags", "a", "b", "n", "v", "kids", "x", "é",
                         "t", "ref", "type", "items", "title", "ext", "c", "o", "k", "z"]),
        kids, max_size=5),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SCHEMAS)), value=json_values, indent=st.sampled_from([None, 1]))
def test_random_values_agree(name: str, value: Any, indent: int | None) -> None:
    _judge_both(SCHEMAS[name], json.dumps(value, indent=indent, ensure_ascii=False))


OPTIONAL_TREE = {"type": "object", "properties": {"root": {"$ref": "#/$defs/n"}}, "required": ["root"],
                 "additionalProperties": False, "$defs": {
    "n": {"anyOf": [{"$ref": "#/$defs/leaf"}, {"$ref": "#/$defs/branch"}]},
    "leaf": {"type": "object", "properties": {
        "kids": {"type": "array", "items": {"$ref": "#/$defs/n"}},
        "ext": {"type": "boolean"}, "title": {"type": "string"}},
        "required": ["title", "ext"], "additionalProperties": False},
    "branch": {"type": "object", "properties": {
        "kids": {"type": "array", "items": {"$ref": "#/$defs/n"}},
        "note": {"type": "string"}, "title": {"type": "string"}},
        "required": ["kids"], "additionalProperties": False}}}


def _tree(depth: int) -> dict[str, Any]:
    """Branches (which the leaf branch refuses only at their end) holding leaves and
    branches, some optional properties left out."""
    if depth == 0:
        return {"title": "leaf", "ext": True}
    return {"kids": [_tree(depth - 1), {"kids": [], "note": "n"}, _tree(depth - 1)], "title": f"b{depth}"}


@pytest.mark.parametrize("depth", [1, 3, 6])
def test_shared_subtrees_through_the_compiled_route(depth: int) -> None:
    """The walk takes again what it built in a branch that failed; the compiled route
    decodes that value in place (absent optionals) and must hand back the original, with
    no object shared between two places of the tree."""
    import strictschema

    c = strictschema.compile(OPTIONAL_TREE)
    original = {"root": _tree(depth)}
    raw = json.dumps(c.encode(original))
    assert c.validate_json(raw) == original
    assert Validator(c.schema).validate_json(raw) == json.loads(raw)

    seen: set[int] = set()

    def walk(v: Any) -> None:
        if isinstance(v, (dict, list)):
            assert id(v) not in seen
            seen.add(id(v))
            for x in v.values() if isinstance(v, dict) else v:
                walk(x)

    walk(c.validate_json(raw))
    bad = raw.replace('"note": "n"', '"note": 5', 1)
    with pytest.raises(ValidationError):
        c.validate_json(bad)


@pytest.mark.parametrize("bad", [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe2\x82", b"\xf0\x9f\x98"])
@pytest.mark.parametrize("where", [0, 3, 9])
def test_invalid_utf8_past_non_ascii_text(bad: bytes, where: int) -> None:
    """A byte sequence that is not UTF-8, before or after valid non-ASCII text read a word at
    a time: a DecodeError on every text route."""
    text = b'["' + "é".encode() * where + bad + "ü".encode() * 5 + b'"]'
    w = Validator(SCHEMAS["text"])
    for route in (w.is_valid_json, w.validate_json, w.errors_json):
        with pytest.raises(DecodeError):
            route(text)


@pytest.mark.parametrize("text", ["\\u0041bc", "caf\\u00e9", "é", "ÿx", "Ā", "ab\\u20acc", "日本", "😀x",
                                  "\\ud83d\\ude00", "é" * 40 + "€" + "😀"])
def test_built_strings_are_the_strings_python_makes(text: str) -> None:
    """Strings built by the core, by the walk and from the tape (``check_json`` of an
    invalid text), equal (and hash like, and are as narrow as) the ones Python makes of the
    same text: CPython compares strings by their kind first, so a str made wider than it
    needs would equal nothing."""
    raw = f'["{text}", {{"{text}": 1}}]'
    expected = json.loads(raw)
    for route in (Validator(SCHEMAS["true"]).validate_json, Validator(SCHEMAS["text"]).check_json):
        got = route(raw)
        got = got[0] if isinstance(got, tuple) else got
        assert got[0] == expected[0] and hash(got[0]) == hash(expected[0])
        assert {expected[0]: 1} == got[1]


def _held(names: list[str]) -> list[int]:
    # counts only: a dict keyed by the names would hold them once more
    return [sys.getrefcount(sys.intern(n)) for n in names] + [
        sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)]


def test_references_are_balanced_on_every_route() -> None:
    """Every case, valid or not, through every text route many times: the schema's names,
    enum members, the cached unknown keys and the singletons keep their reference counts
    (a reference taken and not let go, or let go twice, moves them by the round count), and
    every container built is held by its parent alone."""
    import strictschema

    rounds = 50
    routes = [(Validator(SCHEMAS[n]), t) for n, t in CASES]
    c = strictschema.compile(OPTIONAL_TREE)
    raw = json.dumps(c.encode({"root": _tree(3)}))
    names = ["id", "name", "note", "price", "tags", "a", "b", "n", "v", "kids", "x", "title", "ext",
             "t", "type", "items"]

    def every_route() -> None:
        for w, text in routes:
            for route in (w.is_valid_json, w.validate_json, w.errors_json, w.check_json):
                try:
                    route(text)
                except (ValueError, ValidationError, DecodeError):
                    pass
        for route in (c.validate_json, Validator(c.schema).validate_json):
            route(raw)
            try:
                route(raw.replace('"title": "b1"', '"title": 1', 1))
            except ValidationError:
                pass

    every_route()  # caches filled (unknown keys, programs)
    before = _held(names)
    for _ in range(rounds):
        every_route()
    # a stray reference elsewhere (a cache slot, a frame) moves a count by one or two
    assert all(abs(a - b) < rounds // 2 for a, b in zip(_held(names), before)), (_held(names), before)

    def held_once(v: Any) -> None:
        # the caller's name and getrefcount's argument: two; a parent adds one
        for x in v.values() if isinstance(v, dict) else v:
            if isinstance(x, (dict, list)):
                assert sys.getrefcount(x) == 3
                held_once(x)

    for route in (c.validate_json, Validator(c.schema).validate_json):
        value = route(raw)
        assert sys.getrefcount(value) == 2
        held_once(value)
        del value


def test_hot_routes_take_one_argument() -> None:
    """``Validator.validate_json``/``is_valid_json`` and a compiled schema's one-pass route
    are the core's functions of one positional argument: the same answers and exceptions
    as the methods they stand for, a TypeError for any other call."""
    import inspect

    import strictschema

    w = Validator(SCHEMAS["record"])
    text = '{"id": 1, "name": "ab", "note": null}'
    assert w.validate_json(text) == w._program.validate_json(text)
    assert w.is_valid_json(text) is True
    assert w.is_valid_json(text.replace("ab", "Ab")) is False
    c = strictschema.compile(OPTIONAL_TREE)
    raw = json.dumps(c.encode({"root": _tree(1)}))
    assert c.validate_json(raw) == {"root": _tree(1)}
    for route in (w.validate_json, w.is_valid_json, c.validate_json):
        assert str(inspect.signature(route)) == "(data, /)"
        for call in ((), (text, None), (text, 0)):
            with pytest.raises(TypeError):
                route(*call)
        with pytest.raises(TypeError):
            route(data=text)
        with pytest.raises(DecodeError):
            route("[")


@pytest.mark.parametrize("length", range(20))
def test_names_told_apart_at_every_byte(length: int) -> None:
    """A key that differs from a property's name in one byte, at any place, is not that
    property (the core compares names a word at a time, the last word overlapping)."""
    name = "".join(chr(ord("a") + i % 26) for i in range(length))
    w = Validator({"type": "object", "properties": {name: {"type": "integer"}},
                   "additionalProperties": False})
    assert w.validate_json(json.dumps({name: 1})) == {name: 1}
    assert not w.is_valid_json(json.dumps({name: "x"}))
    for at in range(length):
        other = name[:at] + "Z" + name[at + 1:]
        text = json.dumps({other: 1})
        assert not w.is_valid_json(text), other
        with pytest.raises(ValidationError):
            w.validate_json(text)
    for other in (name + "a", name[:-1]):
        assert w.is_valid_json(json.dumps({other: 1})) is (other == name)


RESIDUAL_TREE = {"type": "object", "required": ["root", "env"], "additionalProperties": False,
                 "properties": {
                     "root": {"type": "array", "items": {"$ref": "#/$defs/n"}},
                     "env": {"type": "object", "additionalProperties": {"type": "string"}}},
                 "$defs": {
    "n": {"anyOf": [{"$ref": "#/$defs/leaf"}, {"$ref": "#/$defs/branch"}]},
    "leaf": {"type": "object", "properties": {"x": {"type": "boolean"}, "title": {"type": "string", "minLength": 2}},
             "required": ["title", "x"], "additionalProperties": False},
    "branch": {"type": "object", "properties": {
        "kids": {"type": "array", "items": {"$ref": "#/$defs/n"}},
        "title": {"type": "string", "minLength": 2}, "nav": {"type": "string"}},
        "required": ["kids", "title"], "additionalProperties": False}}}


def _full(depth: int) -> dict[str, Any]:
    if depth == 0:
        return {"title": "leaf", "x": True}
    return {"kids": [_full(depth - 1), _full(depth - 1)], "title": f"b{depth}"}


@pytest.mark.parametrize("depth", [0, 2, 5])
def test_wire_and_residual_nodes_walked_together(depth: int) -> None:
    """A compiled schema whose source keeps checks the wire cannot carry (a map, lengths):
    its one-pass judge meets each object with the wire node and the residual node at once.
    The value, and every refusal, as the two-step route gives them."""
    import strictschema

    c = strictschema.compile(RESIDUAL_TREE)
    data = {"root": [_full(depth)], "env": {"a": "b", "c": "d"}}
    raw = json.dumps(c.encode(data))
    assert c.validate_json(raw) == data
    for bad in (raw.replace('"title": "leaf"', '"title": "l"', 1),
                raw.replace('"x": true', '"x": 1', 1),
                raw.replace('"title": "leaf"', '"title": "leaf", "title": "leaf"', 1)):
        with pytest.raises((ValidationError, DecodeError)) as info:
            c.validate_json(bad)
        with pytest.raises(type(info.value)) as again:
            c._two_steps()(bad)
        assert str(info.value) == str(again.value)


DEEP_BRANCHES = {"type": "object", "required": ["items"], "additionalProperties": False,
                 "properties": {"items": {"type": "array", "items": {"anyOf": [
                     {"type": "object", "properties": {"a": {"type": "object", "properties": {
                         "x": {"type": "integer"}, "p": {"type": "string"}}, "required": ["x"],
                         "additionalProperties": False}, "q": {"type": "string"}},
                      "required": ["a"], "additionalProperties": False},
                     {"type": "object", "properties": {"a": {"type": "object", "properties": {
                         "x": {"type": "string"}, "r": {"type": "integer"}}, "required": ["x"],
                         "additionalProperties": False}, "s": {"type": "boolean"}},
                      "required": ["a"], "additionalProperties": False}]}}}}


def test_union_branches_decoded_by_the_branch_they_meet() -> None:
    """A compiled union's decode takes the branch the wire value meets: the one branch left
    when the others cannot hold its keys, else the first whose check passes (branches
    alike at the top, told apart only inside)."""
    import strictschema

    c = strictschema.compile(DEEP_BRANCHES)
    data = {"items": [{"a": {"x": 1}}, {"a": {"x": "s"}}, {"a": {"x": 2, "p": "p"}, "q": "q"},
                      {"a": {"x": "t", "r": 3}, "s": True}, {"a": {"x": "u"}, "s": False}]}
    wire = c.encode(data)
    raw = json.dumps(wire)
    assert c.validate_json(raw) == data
    assert c.decode(wire) == data
    with pytest.raises(ValidationError):
        c.validate_json(raw.replace('"x": 1', '"x": 1.5', 1))


def _valid(v: Validator, text: str) -> bool:
    try:
        return v.is_valid_json(text)
    except DecodeError:
        return False


def test_unions_of_requirements_are_settled_by_the_walk() -> None:
    """A union whose branches ask only which properties are there and which are null is
    judged from the object's members as the walk meets them, and a required name the
    properties lack is one of them: no value goes to a tape."""
    for name in ("picks-one", "picks-any", "picks-typed"):
        v = Validator(SCHEMAS[name])
        valid = [t for n, t in CASES if n == name and _valid(v, t)]
        assert len(valid) >= 2, name
        for text in valid:
            assert v._program.walk_tapes(text) == 0, (name, text)
    # (a member any value meets is read on a tape of its own: those of "required-outside")
    v = Validator(SCHEMAS["required-additional"])
    valid = [t for n, t in CASES if n == "required-additional" and _valid(v, t)]
    assert len(valid) >= 2
    for text in valid:
        assert v._program.walk_tapes(text) == 0, text
    # arrays met by several array nodes at once are walked item by item
    for name in ("two-arrays", "two-arrays-of-objects"):
        v = Validator(SCHEMAS[name])
        valid = [t for n, t in CASES if n == name and _valid(v, t)]
        assert len(valid) >= 2, name
        for text in valid:
            assert v._program.walk_tapes(text) == 0, (name, text)
    # a union the walk cannot settle alone goes to the tape (so the count means something)
    v = Validator(SCHEMAS["picks-closed"])
    assert v._program.walk_tapes('{"a": 1}') == 1
