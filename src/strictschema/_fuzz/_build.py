"""Generation plan -> Hypothesis strategies (public Hypothesis API only).

``Generator`` ties one schema document to its validator, its plan and its strategy. Strings
are generated from an ECMA pattern translated to Python (``_compile._pyregex``) and always
filtered with the ECMA engine; the profile's formats have dedicated strategies checked with
``_formats.FORMAT_CHECKS``; numbers honour bounds and ``multipleOf`` exactly (checked with the
validator, so float edge cases follow its semantics).

Every draw has a size budget (``NODE_BUDGET``): the objects, arrays, property values and
array items it has built so far are counted, and once the count reaches the budget the
draw finishes with the smallest valid choices - optional properties left out, the union
branch with the fewest nodes, arrays at their minimum length. A wide schema of nested unions
therefore costs a bounded amount of work and memory per draw; the counting is a function
of the choices drawn, so replaying and shrinking stay deterministic.
"""

from __future__ import annotations

import datetime
import json
import math
import threading
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .._compile._merge import json_type
from .._compile._pyregex import python_regex
from .._paths import json_path
from .._validate._formats import FORMAT_CHECKS
from .._validate._regex import compile_pattern
from ._pattern import fast_strategy
from ._plan import (
    PAny,
    PArray,
    PConst,
    PFilter,
    Planner,
    PNothing,
    PNum,
    PObject,
    PRef,
    PStr,
    PUnion,
    int_bounds,
)

__all__ = ["NODE_BUDGET", "Generator", "canonical", "format_strategy"]

NODE_BUDGET = 1000
"""Nodes a draw builds before it falls back to the smallest valid choices."""

# Characters JSON can carry (no surrogates).
CHARS = st.characters(codec="utf-8")


def canonical(value: Any) -> Any:
    """A hashable key equal for JSON-equal values (``1`` and ``1.0``, reordered objects)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, list):
        return ("array", tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        return ("object", frozenset((k, canonical(v)) for k, v in value.items()))
    return ("other", repr(value))


# -- formats ---------------------------------------------------------------------------------
def _time_text(t: Any, offset: str) -> str:
    text = f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    if t.microsecond:
        text += f".{t.microsecond:06d}".rstrip("0")
    return text + offset


_OFFSET = st.one_of(
    st.sampled_from(["Z", "+00:00", "z"]),
    st.builds(lambda s, h, m: f"{s}{h:02d}:{m:02d}", st.sampled_from("+-"),
              st.integers(0, 23), st.integers(0, 59)),
)
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_LABEL = st.builds(lambda a, b: a + b, st.text(_ALNUM, min_size=1, max_size=8),
                   st.sampled_from(["", "-x", "-1"]))
_HOSTNAME = st.lists(_LABEL, min_size=1, max_size=3).map(".".join)
_D = "[0-9]{1,2}"
_DURATION_RX = (
    rf"P(?:(?:{_D}Y(?:{_D}M(?:{_D}D)?)?|{_D}M(?:{_D}D)?|{_D}D)"
    rf"(?:T(?:{_D}H(?:{_D}M(?:{_D}S)?)?|{_D}M(?:{_D}S)?|{_D}S))?"
    rf"|T(?:{_D}H(?:{_D}M(?:{_D}S)?)?|{_D}M(?:{_D}S)?|{_D}S)|{_D}W)"
)
# dates near now, as documents have them (and patterns like ``^20`` expect), or any date
_DATES = st.one_of(st.dates(datetime.date(1950, 1, 1), datetime.date(2100, 12, 31)), st.dates())
_FORMATS: dict[str, st.SearchStrategy[str]] = {
    "date": _DATES.map(lambda d: d.isoformat()),
    "time": st.builds(_time_text, st.times(), _OFFSET),
    "date-time": st.builds(lambda d, t, o: f"{d.isoformat()}T{_time_text(t, o)}",
                           _DATES, st.times(), _OFFSET),
    "duration": st.from_regex(_DURATION_RX, fullmatch=True),
    "email": st.builds(lambda local, sep, more, host: f"{local}{sep}{more}@{host}",
                       st.text(_ALNUM, min_size=1, max_size=8), st.sampled_from("._+-"),
                       st.text(_ALNUM, min_size=1, max_size=6), _HOSTNAME),
    "hostname": _HOSTNAME,
    "ipv4": st.ip_addresses(v=4).map(str),
    "ipv6": st.ip_addresses(v=6).map(str),
    "uuid": st.uuids().map(str),
}
# Formats the validator does not assert: realistic values, any string would do.
_FRIENDLY: dict[str, st.SearchStrategy[str]] = {
    "uri": st.builds(lambda h, p: f"https://{h}/{p}", _HOSTNAME,
                     st.from_regex(r"[a-z0-9/_-]{0,12}", fullmatch=True)),
    "iri": st.builds(lambda h, p: f"https://{h}/{p}", _HOSTNAME,
                     st.from_regex(r"[a-z0-9/_-]{0,12}", fullmatch=True)),
    "uri-reference": st.from_regex(r"(?:https://[a-z]{1,8}\.com)?/[a-z0-9/_-]{0,12}",
                                   fullmatch=True),
    "json-pointer": st.from_regex(r"(?:/[a-z0-9]{0,6}){0,3}", fullmatch=True),
    "idn-hostname": _HOSTNAME,
    "idn-email": st.builds(lambda local, host: f"{local}@{host}",
                           st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), _HOSTNAME),
}
_FRIENDLY["url"] = _FRIENDLY["uri"]
# ``format: regex`` (meta-schemas: ``pattern``, ``TestPattern``): patterns valid in ECMA-262
# ``u`` mode and in the common dialects (Python ``re``), so checkers of either kind accept them
_FRIENDLY["regex"] = st.one_of(
    st.sampled_from(["^[a-z]+$", "^\\d{3}-\\d{4}$", "^(foo|bar)$", "[A-Z][a-z]*", ".*", "^$",
                     "^[A-Za-z0-9_-]{1,32}$", "\\.json$"]),
    st.text(_ALNUM, max_size=8),
)
_FRIENDLY["iri-reference"] = _FRIENDLY["uri-reference"]


def format_strategy(name: str) -> st.SearchStrategy[str] | None:
    """Strings of format ``name`` (checked ones first), or None if there is no strategy."""
    if name in _FORMATS:
        check = FORMAT_CHECKS.get(name)
        return _FORMATS[name].filter(check) if check else _FORMATS[name]
    return _FRIENDLY.get(name)


_ANY_LEAF = st.one_of(st.none(), st.booleans(), st.integers(),
                      st.floats(allow_nan=False, allow_infinity=False), st.text(CHARS))
ANY_JSON = st.recursive(
    _ANY_LEAF,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(CHARS, max_size=8), c,
                                                         max_size=3),
    max_leaves=6,
)


def _intish(f: float) -> int | float:
    return int(f) if f.is_integer() and abs(f) <= 2**53 and hash(f) % 4 else f


def _number(k: Fraction) -> int | float:
    return int(k) if k.denominator == 1 else float(k)


def _concat(parts: tuple) -> list:
    out: list = []
    for p in parts:
        out.extend(p)
    return out


_BOOL = st.booleans()
_INDEX: dict[int, st.SearchStrategy[int]] = {}


def _index(n: int) -> st.SearchStrategy[int]:
    s = _INDEX.get(n)
    if s is None:
        s = _INDEX[n] = st.integers(0, n - 1)
    return s


# One composite per object and per union: measurably cheaper than fixed_dictionaries and
# one_of (which draws its branch through a filtered sampled_from), and shrinks the same way:
# towards the first branch and towards leaving optional keys out.
class _Const:
    """A union branch with one value: no draw needed beyond choosing the branch."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"just({self.value!r})"


class _Count(threading.local):
    """What the draw in progress (on this thread) has built, and its budget; outside a
    ``_bounded`` draw the budget is unlimited."""

    built = 0
    limit: float = math.inf


_COUNT = _Count()


class _Parts:
    """The arguments of one composite below, shown by a short name: Hypothesis writes a
    strategy's repr (its arguments' reprs, recursively) into the note of any exception
    raised while drawing, and keeps it; over a plan that shares its parts that text grows
    with the number of paths through the plan (hundreds of kB per strategy seen on the
    corpus)."""

    __slots__ = ("name", "parts")

    def __init__(self, name: str, *parts: Any) -> None:
        self.name = name
        self.parts = parts

    def __repr__(self) -> str:
        return self.name


@st.composite
def _bounded(draw: st.DrawFn, args: _Parts, /) -> Any:
    """One draw of ``inner`` with its own budget of ``budget`` nodes (``gen.most_built``
    keeps the largest count seen)."""
    inner, budget, gen = args.parts
    count = _COUNT
    saved = count.built, count.limit
    count.built, count.limit = 0, budget
    try:
        return draw(inner)
    finally:
        gen.most_built = max(gen.most_built, count.built)
        count.built, count.limit = saved


@st.composite
def _union(draw: st.DrawFn, args: _Parts, /) -> Any:
    branches, cheapest = args.parts
    if _COUNT.built >= _COUNT.limit:
        branch = branches[cheapest]
    else:
        branch = branches[draw(_index(len(branches)))]
    return branch.value if type(branch) is _Const else draw(branch)


@st.composite
def _object(draw: st.DrawFn, args: _Parts, /) -> dict:
    fields, extra, extra_min, declared = args.parts
    count = _COUNT
    count.built += 1
    out: dict[str, Any] = {}
    for key, strategy, optional, post in fields:
        if optional and (count.built >= count.limit or not draw(_BOOL)):
            continue
        count.built += 1
        out[key] = draw(strategy) if post is None else post(draw(strategy))
    if extra is not None:
        pairs = draw(extra_min if count.built >= count.limit else extra)
        count.built += len(pairs)
        for key, value in pairs:
            if key not in out and key not in declared and isinstance(key, str):
                out[key] = value
    return out


@st.composite
def _array(draw: st.DrawFn, args: _Parts, /) -> list:
    normal, minimal = args.parts
    count = _COUNT
    count.built += 1
    value: list = draw(minimal if count.built >= count.limit else normal)
    count.built += len(value)
    return value


def _rank(plan: Any) -> int:
    """Order of union branches: Hypothesis shrinks towards the first, so simple ones first."""
    if isinstance(plan, PConst):
        return 0 if plan.values == [None] else 1
    if isinstance(plan, (PNum, PStr)):
        return 2
    if isinstance(plan, PFilter):
        return _rank(plan.inner)
    if isinstance(plan, (PArray, PAny)):
        return 3
    if isinstance(plan, PObject):
        return 4
    return 5


class Generator:
    """Valid instances of one schema document.

    ``source`` is a loaded ``Source``; ``validator`` a ``strictschema.Validator`` for it.
    """

    def __init__(self, source: Any, validator: Any, *, max_depth: int = 3, max_items: int = 5,
                 allow_extra: bool = True, node_budget: int = NODE_BUDGET) -> None:
        self.source = source
        self.validator = validator
        self.max_items = max_items
        self.node_budget = node_budget
        self.most_built = 0
        """The most nodes one draw has built so far (the budget's own count)."""
        # node numbers go to the validator's own checks: plan over the model it runs
        self.model = getattr(validator, "_model", None) or source.model_of()
        self.planner = Planner(self.model, self.valid_at, max_depth=max_depth,
                               allow_extra=allow_extra)
        self._plan: Any = None
        self._strategy: st.SearchStrategy | None = None
        self._empty: dict[int, bool] = {}
        self._smallest: dict[int, float] = {}
        self._strategies: dict[Any, st.SearchStrategy] = {}
        self._multiple_validators: dict[Any, Any] = {}

    def valid_at(self, node: Any, value: Any) -> bool:
        """``value`` under ``node``: a node number of the model, or a small schema."""
        return self.validator.is_valid_at(node, value)

    # -- analysis --------------------------------------------------------------------------
    @property
    def plan(self) -> Any:
        if self._plan is None:
            self._plan = self.planner.root()
        return self._plan

    def empty(self, plan: Any) -> bool:
        key = id(plan)
        if key in self._empty:
            return self._empty[key]
        if isinstance(plan, PNothing):
            result = True
        elif isinstance(plan, PConst):
            result = not plan.values
        elif isinstance(plan, PUnion):
            result = all(self.empty(b) for b in plan.branches)
        elif isinstance(plan, PFilter):
            result = self.empty(plan.inner)
        elif isinstance(plan, PRef):
            result = self.empty(plan.resolve())
        elif isinstance(plan, PArray):
            n = len(plan.prefix)
            result = any(self.empty(p) for p in plan.prefix[:plan.min_items]) or (
                plan.min_items > n and (plan.rest is None or self.empty(plan.rest))) or (
                plan.contains is not None and self.empty(plan.contains))
        elif isinstance(plan, PObject):
            result = any(self.empty(p) for p in plan.required.values()) or (
                plan.min_extra > 0 and all(self.empty(k) or self.empty(v)
                                           for k, v in plan.extras))
        else:
            result = False
        self._empty[key] = result
        return result

    def why(self, plan: Any, depth: int = 0) -> str:
        """A reason an empty plan is empty."""
        if depth > 50:
            return "..."
        if isinstance(plan, PNothing):
            return f"{plan.reason} - at {json_path(plan.loc)}"
        if isinstance(plan, PRef):
            return self.why(plan.resolve(), depth + 1)
        if isinstance(plan, PFilter):
            return self.why(plan.inner, depth + 1)
        if isinstance(plan, PUnion):
            return "no alternative can be satisfied; first: " + self.why(plan.branches[0],
                                                                         depth + 1)
        if isinstance(plan, PObject):
            for p in plan.required.values():
                if self.empty(p):
                    return self.why(p, depth + 1)
            return f"too few properties allowed - at {json_path(plan.loc)}"
        if isinstance(plan, PArray):
            for p in plan.prefix[:plan.min_items]:
                if self.empty(p):
                    return self.why(p, depth + 1)
            if plan.contains is not None and self.empty(plan.contains):
                return self.why(plan.contains, depth + 1)
            if plan.rest is not None and self.empty(plan.rest):
                return self.why(plan.rest, depth + 1)
            return f"minItems {plan.min_items} cannot be reached - at {json_path(plan.loc)}"
        return "unsatisfiable"

    def smallest(self, plan: Any) -> float:
        """The fewest nodes a value of ``plan`` can take (as ``_object``/``_array`` count
        them; a scalar is 0, inf when empty): what a spent budget falls back to."""
        key = id(plan)
        found = self._smallest.get(key)
        if found is not None:
            return found
        result: float
        if isinstance(plan, PNothing):
            result = math.inf
        elif isinstance(plan, PRef):
            result = self.smallest(plan.resolve())
        elif isinstance(plan, PFilter):
            result = self.smallest(plan.inner)
        elif isinstance(plan, PUnion):
            result = min((self.smallest(b) for b in plan.branches), default=math.inf)
        elif isinstance(plan, PArray):
            lo, n = plan.min_items, len(plan.prefix)
            need = plan.min_contains if plan.contains is not None else 0
            result = 1 + lo + sum(self.smallest(x) for x in plan.prefix[:lo])
            if lo > n:
                result += (lo - n) * (math.inf if plan.rest is None
                                      else self.smallest(plan.rest))
            if need:
                result += need * (1 + self.smallest(plan.contains))
        elif isinstance(plan, PObject):
            result = 1 + sum(1 + self.smallest(v) for v in plan.required.values())
            if plan.min_extra:
                result += plan.min_extra * (1 + min(
                    (self.smallest(v) for _, v in plan.extras), default=math.inf))
        else:
            result = 0
        self._smallest[key] = result
        return result

    def strategy(self) -> st.SearchStrategy:
        """The strategy for the whole document; ``InvalidArgument`` if nothing is valid."""
        if self._strategy is None:
            try:
                plan = self.plan
                if self.empty(plan):
                    raise InvalidArgument(f"no instance can be generated: {self.why(plan)}")
                self._strategy = _bounded(_Parts("schema", self.build(plan),
                                                 self.node_budget, self))
            except RecursionError:
                raise InvalidArgument("schema is nested too deeply to generate from") from None
        return self._strategy

    # -- building ------------------------------------------------------------------------
    def build(self, plan: Any) -> st.SearchStrategy:
        key = id(plan)
        s = self._strategies.get(key)
        if s is None:
            s = self._strategies[key] = self._build(plan)
        return s

    def _build(self, plan: Any) -> st.SearchStrategy:
        if isinstance(plan, PConst):
            return st.just(plan.values[0]) if len(plan.values) == 1 else st.sampled_from(
                plan.values)
        if isinstance(plan, PAny):
            return ANY_JSON
        if isinstance(plan, PRef):
            # the plan graph is acyclic (recursion is unrolled up to max_depth), so refs can be
            # built directly: one strategy layer less per use
            return self.build(plan.resolve())
        if isinstance(plan, PUnion):
            live = sorted((b for b in plan.branches if not self.empty(b)), key=_rank)
            if len(live) == 1:
                return self.build(live[0])
            sizes = [self.smallest(b) for b in live]
            return _union(_Parts(f"union at {json_path(plan.loc)}", tuple(
                _Const(b.values[0]) if isinstance(b, PConst) and len(b.values) == 1
                else self.build(b) for b in live), sizes.index(min(sizes))))
        if isinstance(plan, PFilter):
            nodes = plan.nodes
            valid_at = self.valid_at
            return self.build(plan.inner).filter(
                lambda v: all(valid_at(n, v) for n in nodes))
        if isinstance(plan, PNum):
            return self.number(plan)
        if isinstance(plan, PStr):
            return self.string(plan)
        if isinstance(plan, PArray):
            return self.array(plan)
        if isinstance(plan, PObject):
            return self.object(plan)
        return st.nothing()

    def raw_number(self, plan: Any) -> st.SearchStrategy | None:
        """For a plain ``number`` plan: its floats before the int conversion, else None."""
        while isinstance(plan, PRef):
            plan = plan.resolve()
        if isinstance(plan, PNum) and not plan.integer and not plan.multiples:
            return self.floats(plan)
        return None

    def floats(self, p: PNum) -> st.SearchStrategy | None:
        key = ("floats", id(p))
        s = self._strategies.get(key)
        if s is None:
            try:
                s = st.floats(
                    min_value=p.lo, max_value=p.hi, exclude_min=p.lo_ex and p.lo is not None,
                    exclude_max=p.hi_ex and p.hi is not None, allow_nan=False,
                    allow_infinity=False)
                s.validate()
            except (InvalidArgument, OverflowError):
                return None
            self._strategies[key] = s
        return s

    def _multiple_ok(self, value: Any, multiples: tuple) -> bool:
        for m in multiples:
            v = self._multiple_validators.get(m)
            if v is None:
                from .._validate._validator import Validator

                v = self._multiple_validators[m] = Validator({"multipleOf": m})
            if not v.is_valid(value):
                return False
        return True

    def number(self, p: PNum) -> st.SearchStrategy:
        lo_i, hi_i = int_bounds(p.lo, p.lo_ex, p.hi, p.hi_ex)

        def in_range(x: Any) -> bool:
            if p.lo is not None and (x < p.lo or (p.lo_ex and x == p.lo)):
                return False
            return not (p.hi is not None and (x > p.hi or (p.hi_ex and x == p.hi)))

        options: list[st.SearchStrategy] = []
        if p.multiples:
            ms = [Fraction(str(m)) if isinstance(m, float) else Fraction(m) for m in p.multiples]
            if p.integer:
                step = Fraction(math.lcm(*(m.numerator for m in ms)))
            else:
                step = ms[0]
                for m in ms[1:]:  # an exact common multiple of fractions
                    step = Fraction(math.lcm(step.numerator, m.numerator),
                                    math.gcd(step.denominator, m.denominator))
            k_lo = None if p.lo is None else math.ceil(Fraction(p.lo) / step)
            k_hi = None if p.hi is None else math.floor(Fraction(p.hi) / step)
            if k_lo is not None and k_hi is not None and k_lo > k_hi:
                return st.nothing()
            options.append(st.integers(k_lo, k_hi).map(lambda k: _number(k * step)))
            multiples = p.multiples
            return st.one_of(options).filter(
                lambda x: in_range(x) and self._multiple_ok(x, multiples))
        # integers() and floats() honour the (integer-rounded / exclusive) bounds exactly
        if not p.integer:
            floats = self.floats(p)
            if floats is not None:
                # integral values mostly come out as ints (what a JSON parser gives for
                # ``3``): ints and floats without a second choice per number
                return floats.map(_intish)
        if lo_i is None or hi_i is None or lo_i <= hi_i:
            return st.integers(lo_i, hi_i)
        return st.nothing()

    def string(self, p: PStr) -> st.SearchStrategy:
        if p.json_text:  # a wire string carrying any JSON value as text
            return ANY_JSON.map(lambda v: json.dumps(v, ensure_ascii=False))
        checks = [FORMAT_CHECKS[f] for f in p.formats if f in FORMAT_CHECKS]
        patterns = [compile_pattern(x) for x in p.patterns if _compiles(x)]
        base = None
        for f in p.formats:
            base = format_strategy(f)
            if base is not None:
                break
        if base is not None and patterns:  # either may find strings meeting both
            by_pattern = self.pattern(p.patterns[0], p.max_len is not None)
            if by_pattern is not None:
                base = st.one_of(base, by_pattern)
        if base is None and patterns:
            base = self.pattern(p.patterns[0], p.max_len is not None)
            if base is not None and len(p.patterns) > 1:
                # several patterns (allOf): also try the pieces one after another, which
                # satisfies the common ``^prefix`` + ``suffix$`` combinations
                pieces = [self.pattern(x, True) for x in p.patterns]
                if all(x is not None for x in pieces):
                    base = st.one_of(base, st.tuples(*pieces).map("".join))
        if base is None:
            hi = p.max_len if p.max_len is not None else max(p.min_len * 2, p.min_len + 20)
            base = st.text(CHARS, min_size=p.min_len, max_size=hi)
            if not checks and not patterns:
                return base
        lo, hi_len = p.min_len, p.max_len

        def ok(s: str) -> bool:
            if len(s) < lo or (hi_len is not None and len(s) > hi_len):
                return False
            return all(rx.search(s) for rx in patterns) and all(c(s) for c in checks)

        return base.filter(ok)

    def pattern(self, pattern: str, fullmatch: bool) -> st.SearchStrategy | None:
        """Strings the Python translation of ``pattern`` matches (the caller filters with the
        ECMA engine), or None if it cannot be translated."""
        rx = python_regex(pattern)
        if rx is None:
            return None
        fast = fast_strategy(rx, fullmatch=False)  # pads at most a few characters
        if fast is not None:
            return fast
        return st.from_regex(rx, fullmatch=fullmatch, alphabet=CHARS)

    def array(self, p: PArray) -> st.SearchStrategy:
        prefix: list[st.SearchStrategy] = []
        for item in p.prefix:
            if self.empty(item):
                break
            prefix.append(self.build(item))
        rest = None if p.rest is None or self.empty(p.rest) else self.build(p.rest)
        lo = p.min_items
        cap = self.max_items if p.depth == 0 else max(1, self.max_items // (p.depth + 1))
        hi = p.max_items if p.max_items is not None else max(lo, len(prefix)) + cap
        n = len(prefix)
        unique_by: Any = canonical if p.unique else None
        if p.unique_key is not None:
            key = p.unique_key
            unique_by = (lambda e: canonical(e.get(key)) if isinstance(e, dict) else canonical(e))
        options: list[st.SearchStrategy] = []
        # arrays shorter than the prefix
        shorts = [k for k in range(lo, min(n, hi + 1)) if k < n]
        for k in shorts[:2] + shorts[-1:] if len(shorts) > 3 else shorts:
            options.append(st.tuples(*prefix[:k]).map(list))
        if n <= hi and (n >= lo or rest is not None):
            tail_lo, tail_hi = max(0, lo - n), hi - n
            if rest is None:
                tail_hi = 0
            tail = (st.lists(rest, min_size=tail_lo, max_size=tail_hi, unique_by=unique_by)
                    if rest is not None and tail_hi > 0 else st.just([]))
            if p.contains is not None and not self.empty(p.contains):
                need = p.min_contains
                contains = st.lists(self.build(p.contains), min_size=need, max_size=need + 1,
                                    unique_by=unique_by)
                tail = st.tuples(tail, contains).map(_concat)
            if n:
                options.append(st.tuples(st.tuples(*prefix).map(list), tail).map(_concat))
            else:
                options.append(tail)
        if not options:
            return st.nothing()
        strategy = st.one_of(options) if len(options) > 1 else options[0]
        if p.contains is not None:
            strategy = strategy.filter(lambda xs: lo <= len(xs) <= hi)
        return _array(_Parts(f"array at {json_path(p.loc)}", strategy,
                             self.minimal_array(p, prefix, rest, hi, unique_by)))

    def minimal_array(self, p: PArray, prefix: list[st.SearchStrategy],
                      rest: st.SearchStrategy | None, hi: int,
                      unique_by: Any) -> st.SearchStrategy:
        """The shortest arrays of ``p`` (what a spent budget draws): ``minItems`` items,
        or the prefix and ``minContains`` matching items."""
        lo, n = p.min_items, len(prefix)
        need = p.min_contains if p.contains is not None and not self.empty(p.contains) else 0
        if not need and lo <= n:
            return st.tuples(*prefix[:lo]).map(list)
        tail = max(0, lo - n - need)
        if n < len(p.prefix) or (tail and rest is None):
            return st.nothing()  # an item of the prefix or the rest has no valid value
        parts = [st.tuples(*prefix).map(list)]
        if tail and rest is not None:
            parts.append(st.lists(rest, min_size=tail, max_size=tail, unique_by=unique_by))
        if need and p.contains is not None:
            parts.append(st.lists(self.build(p.contains), min_size=need, max_size=need,
                                  unique_by=unique_by))
        strategy = st.tuples(*parts).map(_concat)
        if p.contains is not None:
            strategy = strategy.filter(lambda xs: lo <= len(xs) <= hi)
        return strategy

    def object(self, p: PObject) -> st.SearchStrategy:
        fields: list[tuple[str, Any, bool, Any]] = []
        for key, plan, optional in [*((k, v, False) for k, v in p.required.items()),
                                    *((k, v, True) for k, v in p.optional.items())]:
            if optional and self.empty(plan):
                continue
            raw = self.raw_number(plan)
            if raw is not None:  # saves the map() layer for the most common leaf
                fields.append((key, raw, optional, _intish))
            else:
                fields.append((key, self.build(plan), optional, None))
        order = {k: i for i, k in enumerate(p.declared_order)}
        fields.sort(key=lambda f: order.get(f[0], len(order)))
        entries = [st.tuples(self.build(k), self.build(v)) for k, v in p.extras
                   if not self.empty(k) and not self.empty(v)]
        hi = p.min_extra + 1 if p.max_extra is None else min(p.max_extra, p.min_extra + 1)
        extra = extra_min = None
        if entries and hi > 0:
            extra = st.lists(st.one_of(entries), min_size=p.min_extra, max_size=hi,
                             unique_by=lambda kv: kv[0])
            extra_min = st.lists(st.one_of(entries), min_size=p.min_extra,
                                 max_size=p.min_extra, unique_by=lambda kv: kv[0])
        return _object(_Parts(f"object at {json_path(p.loc)}", tuple(fields), extra,
                              extra_min, p.declared))


def _compiles(pattern: str) -> bool:
    try:
        compile_pattern(pattern)
    except ValueError:
        return False
    return True


def json_type_of(value: Any) -> str:
    return json_type(value)
