"""Seeded outputs: values drawn from a schema with strictschema's own Hypothesis strategies,
the same for the same seed.

``.example()`` is not reproducible, so a pool of values is drawn once per (schema, seed) by
running a tiny ``@given`` function under ``hypothesis.seed(...)`` with only the generate phase
and no example database: Hypothesis's own engine, public API only, and the same values for
the same seed, schema and Hypothesis version. A request then picks one value of the pool by a
hash of the server seed and the request body, so the same request gets the same answer
whatever else runs concurrently. Drawing a pool costs tens of milliseconds; every later
request with that schema costs a dictionary lookup.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import threading
from typing import Any

__all__ = ["Drawer", "request_key", "split_text"]

POOL = 12


def _canonical(obj: Any) -> bytes:
    """JSON with sorted keys: equal for equal values."""
    try:
        import orjson

        return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
    except (ImportError, TypeError):  # big integers, lone surrogates
        return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          default=str).encode("utf-8", "surrogatepass")


def request_key(seed: int, body: Any) -> int:
    """A number that depends only on the seed and the request body."""
    digest = hashlib.blake2b(b"%d\x00%s" % (seed, _canonical(body)), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _run_seeded(strategy: Any, seed: int, n: int) -> list[Any]:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    found: list[Any] = []

    @hseed(seed)
    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck), derandomize=False,
              report_multiple_bugs=False)
    @given(strategy)
    def collect(value: Any) -> None:
        if len(found) < n:
            found.append(value)

    collect()
    return found


class Drawer:
    """Pools of values (and of mutants) per schema, drawn once per seed; thread-safe.
    A schema with no instance (or no mutant of the kind asked for) raises Hypothesis's
    ``InvalidArgument``, saying why."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._pools: dict[tuple[str, bytes], list[Any]] = {}
        self._lock = threading.Lock()

    def _pool(self, kind: str, schema: Any) -> list[Any]:
        key = (kind, _canonical(schema))
        pool = self._pools.get(key)
        if pool is None:
            with self._lock:
                pool = self._pools.get(key)
                if pool is None:
                    pool = self._pools[key] = self._draw(kind, schema, key[1])
        return pool

    def _draw(self, kind: str, schema: Any, text: bytes) -> list[Any]:
        from strictschema.strategies import from_schema, mutants

        seed = request_key(self.seed, [kind, text.decode("utf-8", "surrogatepass")]) % (2**32)
        if kind == "value":
            values = _run_seeded(from_schema(schema), seed, POOL + 1)
            # Hypothesis tries the simplest value first; keep it only if it is all there is
            return values[1:] or values
        kinds = None if kind == "mutant" else [kind.partition(":")[2]]
        return [(m.kind, m.instance)
                for m in _run_seeded(mutants(schema, kinds=kinds), seed, POOL)]

    def value(self, schema: Any, key: int) -> Any:
        """A value valid under ``schema``."""
        pool = self._pool("value", schema)
        return pool[key % len(pool)]

    def mutant(self, schema: Any, key: int, kind: str | None = None) -> tuple[str, Any]:
        """``(kind, instance)``: invalid under ``schema`` at one place; a ``truncated``
        mutant's instance is JSON text cut short."""
        pool = self._pool("mutant" if kind is None else f"mutant:{kind}", schema)
        return pool[key % len(pool)]


def dump(value: Any) -> str:
    """JSON text as a model writes it: compact, non-ASCII characters as they are."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def split_text(text: str, key: int, *, lo: int = 1, hi: int = 7) -> list[str]:
    """Cut ``text`` into token-like deltas of ``lo``..``hi`` characters (seeded). When the text
    holds a JSON escape, one cut lands inside the first one (after its backslash), as real
    token boundaries do."""
    if not text:
        return [""]
    rnd = random.Random(key)
    cuts: set[int] = set()
    i = 0
    while True:
        i += rnd.randint(lo, hi)
        if i >= len(text):
            break
        cuts.add(i)
    esc = text.find("\\")
    if 0 <= esc < len(text) - 1:
        cuts.add(esc + 1)
    bounds = [0, *sorted(cuts), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]
