"""bytes -> verdict: strictschema's validator against its peers, as ratios to ``orjson.loads``.

    python benchmarks/bench_validate.py [--quick]

Four realistic strict schemas and a 1 MB instance (``schemas_validate.py``), each timed in
one process on the same valid, compact bytes:

- ``orjson.loads``: the floor (parse only).
- ``strictschema``: ``Validator(schema).validate_json(raw)`` (strict parse: exact big ints,
  duplicate keys refused, ...; every keyword, the nine formats asserted, ECMA patterns).
- ``compiled``: ``strictschema.compile(schema).validate_json(raw)`` (wire + source checks).
- ``orjson+rs``: ``orjson.loads`` + ``jsonschema_rs`` ``is_valid`` (formats off, its default),
  and ``+fmt`` with ``validate_formats=True``.
- ``fastjsonschema`` (draft-07 semantics), ``jsonschema`` (with a format checker),
  ``pydantic`` (``TypeAdapter.validate_json`` on an equivalent model) and ``msgspec``
  (typed decode on an equivalent Struct; "-" where it cannot express the schema).

Prints a table of ratios (lower is faster) and the validator's compile time; exits 1 when
the target "faster than orjson + jsonschema_rs on every schema" (both rs routes) is missed.
Timings are the minimum over repeats of a calibrated loop.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import fastjsonschema
import jsonschema
import jsonschema_rs
import msgspec
import orjson
from schemas_validate import CASES, msgspec_type, pydantic_type

import strictschema
from strictschema._formats import FORMAT_CHECKS


def _time(fn, budget: float) -> float:
    """Seconds per call: the best of 5 repeats of a loop calibrated to ``budget`` seconds."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt > budget / 10 or n > 1_000_000:
            break
        n *= 4
    n = max(1, int(n * (budget / 5) / max(dt, 1e-9)))
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="shorter timing loops")
    args = ap.parse_args()
    budget = 0.2 if args.quick else 1.0
    checker = jsonschema.FormatChecker(formats=())
    for name, fn in FORMAT_CHECKS.items():
        checker.checks(name)(fn)

    cols = ["strictschema", "compiled", "orjson+rs", "+fmt", "fastjsonschema", "jsonschema",
            "pydantic", "msgspec"]
    print(f"{'schema':22} {'bytes':>9} {'orjson us':>10} " + " ".join(f"{c:>14}" for c in cols)
          + f" {'compile ms':>11}")
    missed = []
    for name, schema, raw in CASES:
        t0 = time.perf_counter()
        v = strictschema.Validator(schema)
        v.check_json(raw)  # the fused (counting) variant is compiled on first use
        compile_ms = (time.perf_counter() - t0) * 1000
        c = strictschema.compile(schema)
        expected = orjson.loads(raw)
        assert v.validate_json(raw) == expected
        assert c.validate_json(raw) == expected
        rs = jsonschema_rs.validator_for(schema)
        rsf = jsonschema_rs.validator_for(schema, validate_formats=True)
        fjs = fastjsonschema.compile(schema)
        js = jsonschema.Draft202012Validator(schema, format_checker=checker)
        pyd = pydantic_type(schema)
        try:
            ms = msgspec.json.Decoder(msgspec_type(schema))
        except NotImplementedError:
            ms = None
        assert rs.is_valid(expected) and rsf.is_valid(expected) and js.is_valid(expected)
        fjs(orjson.loads(raw))
        pyd.validate_json(raw)
        if ms is not None:
            ms.decode(raw)
        scale = 1 if len(raw) < 100_000 else 0.5
        base = _time(lambda: orjson.loads(raw), budget * scale)
        routes = {
            "strictschema": lambda: v.validate_json(raw),
            "compiled": lambda: c.validate_json(raw),
            "orjson+rs": lambda: rs.is_valid(orjson.loads(raw)),
            "+fmt": lambda: rsf.is_valid(orjson.loads(raw)),
            "fastjsonschema": lambda: fjs(orjson.loads(raw)),
            "jsonschema": lambda: js.is_valid(orjson.loads(raw)),
            "pydantic": lambda: pyd.validate_json(raw),
            "msgspec": (lambda: ms.decode(raw)) if ms is not None else None,
        }
        ratios = {}
        for col, fn in routes.items():
            if fn is None:
                ratios[col] = None
                continue
            b = budget * scale * (0.2 if col == "jsonschema" else 1)
            ratios[col] = _time(fn, b) / base
        cells = " ".join(f"{'-':>14}" if r is None else f"{r:>13.2f}x" for r in ratios.values())
        print(f"{name:22} {len(raw):>9,} {base * 1e6:>10.2f} {cells} {compile_ms:>11.1f}")
        rs_best = min(ratios["orjson+rs"], ratios["+fmt"])
        if ratios["strictschema"] >= rs_best:
            missed.append(f"{name}: strictschema {ratios['strictschema']:.2f}x vs orjson+rs "
                          f"{rs_best:.2f}x")
    if missed:
        print("\nTarget missed (faster than orjson + jsonschema_rs on every schema):")
        for m in missed:
            print("  " + m)
        return 1
    print("\nTarget met: faster than orjson + jsonschema_rs on every schema.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
