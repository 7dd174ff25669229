"""Coverage of JSONSchemaBench per profile, each result judged by an independent checker.

    STRICTSCHEMA_CORPUS=/path/to/jsonschemabench python benchmarks/bench_profiles.py \
        [--sample 500] [--profiles anthropic,gemini,...] [--engines] [--json FILE]

For every sampled schema and profile:
- strictschema.compile (policy "describe"): compiled or refused with a typed error
  (``UnsupportedSchemaError``/``SchemaError``), or crashed (any other exception); a compiled
  schema is *strict-clean* when the judge accepts it; *lossy* when it reports lost constraints.
- the judge is independent of the compiler: for the provider profiles, ``judge_<profile>``
  below re-reads the documented rules (docs/profiles/<name>.md) on its own; for the engine
  profiles it is the engine itself compiling the wire schema (with ``--engines``; otherwise
  the keyword rules).
- peers: the provider SDK's own transform, judged by the same judge: anthropic
  ``transform_schema`` (anthropic.lib._parse._transform), google-genai (``response_json_schema``
  passes the schema through unchanged, so the peer is the schema as written) and mistralai
  ``rec_strict_json_schema``.

The sample is every k-th schema of each subset (k chosen for about --sample in total).
Skips with a message when STRICTSCHEMA_CORPUS is not set or does not exist.

    python benchmarks/bench_profiles.py --agreement [--profiles llguidance,...]

instead feeds drawn outputs and wire mutants (30 and 30 a schema) to each installed engine
(``check_engine``) on the 20 Pydantic models and 3 schemas of ``tests/_engine_models.py``
and on the 72-schema sample of ``tests/data/jsonschemabench`` (every 5th line), and prints
the totals: outputs, mutants, disagreements, unreported laxities, refusals. It needs no
STRICTSCHEMA_CORPUS.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

import strictschema  # noqa: E402
from strictschema import SchemaError, UnsupportedSchemaError  # noqa: E402
from strictschema._check import check_strict  # noqa: E402

PROVIDERS = ("anthropic", "gemini", "mistral")
ENGINES = ("llguidance", "xgrammar", "outlines", "llama.cpp")

# -- the independent judges (the documented rules, written again) ---------------------------
_FORMATS = {
    "anthropic": {"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4",
                  "ipv6", "uuid"},
    "gemini": {"date-time", "date", "time"},
    "mistral": set(),
}
_ALLOWED = {
    "anthropic": {"type", "enum", "const", "anyOf", "allOf", "$ref", "$defs", "definitions",
                  "title", "description", "default", "properties", "required",
                  "additionalProperties", "items", "minItems", "format", "pattern"},
    "gemini": {"$id", "$defs", "$ref", "$anchor", "type", "format", "title", "description",
               "enum", "items", "prefixItems", "minItems", "maxItems", "minimum", "maximum",
               "anyOf", "oneOf", "properties", "additionalProperties", "required",
               "propertyOrdering"},
    "mistral": {"type", "enum", "const", "anyOf", "$ref", "$defs", "title", "description",
                "properties", "required", "additionalProperties", "items", "minItems",
                "maxItems"},
}
_TYPES = {"object", "array", "string", "number", "integer", "boolean", "null"}


def judge(profile: str, schema: Any) -> list[str]:
    """Reasons ``profile`` would refuse ``schema`` (empty: accepted), from its documented
    rules only."""
    problems: list[str] = []
    if not isinstance(schema, dict):
        return ["root is not an object schema"]
    allowed = _ALLOWED[profile]
    defs = schema.get("$defs", {}) if isinstance(schema.get("$defs"), dict) else {}
    counts = Counter()

    def walk(node: Any, path: str) -> None:
        if node is True or node is False:
            if profile != "gemini":
                problems.append(f"{path}: boolean schema")
            return
        if not isinstance(node, dict):
            problems.append(f"{path}: not a schema")
            return
        for k in node:
            if k not in allowed:
                problems.append(f"{path}: keyword {k}")
        if "$ref" in node:
            others = [k for k in node if k != "$ref" and not k.startswith("$")]
            if profile == "gemini" and others:
                problems.append(f"{path}: $ref with siblings {others}")
            ref = node["$ref"]
            if not (ref == "#" or (isinstance(ref, str) and ref.startswith("#/$defs/")
                                   and ref[8:] in defs)):
                problems.append(f"{path}: unresolvable $ref {ref}")
        t = node.get("type")
        ts = t if isinstance(t, list) else [t] if t is not None else []
        if any(x not in _TYPES for x in ts):
            problems.append(f"{path}: type {t}")
        if "anyOf" in node or "oneOf" in node or len(ts) > 1:
            counts["unions"] += 1
        if "format" in node and node["format"] not in _FORMATS[profile]:
            problems.append(f"{path}: format {node['format']}")
        if profile == "gemini" and "enum" in node:
            if any(not isinstance(v, (str, int, float)) or isinstance(v, bool)
                   for v in node["enum"]):
                problems.append(f"{path}: enum member not a string or number")
        if profile == "anthropic":
            if node.get("minItems", 0) > 1:
                problems.append(f"{path}: minItems > 1")
            pat = node.get("pattern")
            if isinstance(pat, str) and any(x in pat for x in ("(?=", "(?!", "(?<=", "(?<!",
                                                                "\\b", "\\B")):
                problems.append(f"{path}: pattern feature")
            for v in node.get("enum", []):
                if isinstance(v, (dict, list)):
                    problems.append(f"{path}: complex enum member")
        props = node.get("properties")
        if "object" in ts or props is not None:
            addl = node.get("additionalProperties")
            if profile in ("anthropic", "mistral") and addl is not False:
                problems.append(f"{path}: additionalProperties must be false")
            req = node.get("required", [])
            counts["optional"] += len(set(props or {}) - set(req))
            for k, v in (props or {}).items():
                walk(v, f"{path}.{k}")
            if isinstance(addl, dict):
                walk(addl, f"{path}.*")
        if "items" in node:
            walk(node["items"], f"{path}[]")
        for kw in ("anyOf", "oneOf", "allOf", "prefixItems"):
            for i, b in enumerate(node.get(kw) or []):
                walk(b, f"{path}.{kw}[{i}]")

    for name, d in defs.items():
        walk(d, f"$defs.{name}")
    walk(schema, "$")
    if profile == "anthropic":
        if counts["optional"] > 24:
            problems.append(f"{counts['optional']} optional properties > 24")
        if counts["unions"] > 16:
            problems.append(f"{counts['unions']} union schemas > 16")
        if _cyclic(schema, defs):
            problems.append("recursive schema")
        if schema.get("type") != "object":
            problems.append("root is not an object")
    if profile == "mistral" and schema.get("type") != "object":
        problems.append("root is not an object")
    return problems


def _refs(node: Any, acc: set) -> set:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                acc.add(v)
            elif k != "$defs":
                _refs(v, acc)
    elif isinstance(node, list):
        for v in node:
            _refs(v, acc)
    return acc


def _cyclic(root: dict, defs: dict) -> bool:
    graph = {"#": _refs(root, set())}
    graph.update({f"#/$defs/{n}": _refs(d, set()) for n, d in defs.items()})
    done: set = set()

    def visit(n: str, stack: tuple) -> bool:
        if n in stack:
            return True
        if n in done or n not in graph:
            return False
        r = any(visit(m, (*stack, n)) for m in graph[n])
        done.add(n)
        return r
    return any(visit(n, ()) for n in graph)


def engine_judge(profile: str, schema: dict) -> list[str] | None:
    """The engine compiling the wire schema is the judge for the open profiles."""
    from strictschema._engines import engine_matcher
    from strictschema._profiles import PROFILES

    try:
        engine_matcher(PROFILES[profile], schema)
    except ImportError:
        return None  # not installed here: the caller falls back to the keyword rules
    except Exception as exc:  # noqa: BLE001 - the engine's refusal is the verdict
        return [str(exc).splitlines()[0][:200]]
    return []


# -- peers ---------------------------------------------------------------------------------
def peer(profile: str, schema: dict) -> dict | None:
    s = copy.deepcopy(schema)
    if profile == "anthropic":
        from anthropic.lib._parse._transform import transform_schema

        return transform_schema(s)
    if profile == "gemini":
        return s  # google-genai sends response_json_schema as given (t_json_schema)
    if profile == "mistral":
        from mistralai.extra.utils._pydantic_helper import rec_strict_json_schema

        return rec_strict_json_schema(s)
    return None


# -- the run -------------------------------------------------------------------------------
def load(corpus: Path, sample: int) -> list[tuple[str, Any]]:
    files = sorted((corpus / "schemas").glob("*.jsonl"))
    total = sum(1 for f in files for _ in open(f))
    every = max(1, total // sample)
    rows = []
    for f in files:
        for i, line in enumerate(open(f)):
            if i % every == 0:
                rec = json.loads(line)
                rows.append((f"{f.stem}/{rec['id']}", rec["schema"]))
    return rows


def run(rows: list, profiles: list[str], engines: bool) -> dict:
    out: dict[str, Any] = {}
    for prof in profiles:
        c = Counter()
        reasons: Counter = Counter()
        peer_reasons: Counter = Counter()
        t0 = time.perf_counter()
        for sid, schema in rows:
            try:
                compiled = strictschema.compile(schema, profile=prof)
            except (UnsupportedSchemaError, SchemaError) as exc:
                c["refused"] += 1
                reasons[type(exc).__name__ + ": " + str(exc).split(" - at ")[0][:90]] += 1
                continue
            except Exception as exc:  # noqa: BLE001 - a crash is what is counted
                c["crashed"] += 1
                reasons[f"CRASH {type(exc).__name__}: {str(exc)[:80]} ({sid})"] += 1
                continue
            c["compiled"] += 1
            lossy = sum(d.severity == "lossy" for d in compiled.diagnostics)
            c["lossy_schemas"] += lossy > 0
            c["losses_reported"] += lossy
            verdict = engine_judge(prof, compiled.schema) if prof in ENGINES and engines \
                else None
            if verdict is None:
                c["judged_by_rules"] += prof in ENGINES
                verdict = (judge(prof, compiled.schema) if prof in PROVIDERS else
                           [d.message for d in check_strict(compiled.schema, prof)])
            if verdict:
                c["judge_refused"] += 1
                reasons["judge: " + verdict[0][:100]] += 1
            else:
                c["strict_clean"] += 1
        elapsed = time.perf_counter() - t0
        if prof in PROVIDERS:
            for sid, schema in rows:
                try:
                    p = peer(prof, schema)
                except Exception as exc:  # noqa: BLE001 - the peer's own failure
                    c["peer_crashed"] += 1
                    peer_reasons[f"crash {type(exc).__name__}"] += 1
                    continue
                v = judge(prof, p)
                if v:
                    peer_reasons[v[0].split(":")[-1].strip()[:60]] += 1
                else:
                    c["peer_clean"] += 1
        n = len(rows)
        out[prof] = {"n": n, **c, "seconds": round(elapsed, 2),
                     "strict_clean_pct": round(100 * c["strict_clean"] / n, 1),
                     "peer_clean_pct": round(100 * c["peer_clean"] / n, 1) if prof in PROVIDERS
                     else None,
                     "top_reasons": reasons.most_common(6),
                     "peer_top_reasons": peer_reasons.most_common(4)}
    return out


def agreement(profiles: list[str]) -> int:
    from strictschema._engines import check_engine

    sys.path.insert(0, str(REPO / "tests"))
    from _engine_models import MODELS, SCHEMAS

    sample = []
    for f in sorted((REPO / "tests" / "data" / "jsonschemabench" / "schemas").glob("*.jsonl")):
        for i, line in enumerate(f.read_text().splitlines()):
            if i % 5 == 0:
                rec = json.loads(line)
                sample.append((f"{f.stem}/{rec['id']}", rec["schema"]))
    sets = {"models": [(m.__name__, m) for m in MODELS] + sorted(SCHEMAS.items()),
            "corpus sample": sample}
    for prof in profiles:
        for label, items in sets.items():
            c = Counter()
            t0 = time.perf_counter()
            for name, schema in items:
                try:
                    compiled = strictschema.compile(schema, profile=prof)
                except (UnsupportedSchemaError, SchemaError):
                    c["compile_refused"] += 1
                    continue
                try:
                    r = check_engine(compiled, examples=30, mutants=30, budget=30)
                except ImportError:
                    print(f"{prof:11} {label}: engine not installed")
                    break
                c["schemas"] += 1
                c["outputs"] += r.drawn
                c["mutants"] += r.mutants
                c["disagreements"] += len(r.disagreements)
                c["laxities"] += len(r.laxities)
                c["reported"] += len(r.reported)
                c["engine_refused"] += r.refused is not None
                for what in r.disagreements[:1] + r.laxities[:1]:
                    print(f"    {name}: {str(what)[:160]}")
            else:
                print(f"{prof:11} {label}: {c['schemas']} schemas, {c['outputs']} outputs, "
                      f"{c['mutants']} mutants: {c['disagreements']} disagreements, "
                      f"{c['laxities']} unreported laxities ({c['reported']} reported), "
                      f"engine refused {c['engine_refused']}, compile refused "
                      f"{c['compile_refused']}; {time.perf_counter() - t0:.0f}s")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=500)
    ap.add_argument("--profiles", default=",".join(PROVIDERS + ENGINES))
    ap.add_argument("--engines", action="store_true",
                    help="judge the open profiles by compiling with the real engine")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--agreement", action="store_true",
                    help="drawn outputs and mutants against each installed engine")
    args = ap.parse_args()
    if args.agreement:
        chosen = [p for p in args.profiles.split(",") if p in ENGINES]
        return agreement(chosen)
    corpus = os.environ.get("STRICTSCHEMA_CORPUS")
    if not corpus or not Path(corpus).is_dir():
        print("skipped: set STRICTSCHEMA_CORPUS to a JSONSchemaBench copy "
              "(schemas/*.jsonl)", file=sys.stderr)
        return 0
    rows = load(Path(corpus), args.sample)
    res = run(rows, args.profiles.split(","), args.engines)
    for prof, r in res.items():
        peer_txt = (f"; SDK peer clean {r['peer_clean_pct']}%" if r["peer_clean_pct"] is not None
                    else "")
        print(f"{prof:11} n={r['n']} strict-clean {r['strict_clean_pct']}% "
              f"(lossy schemas {r.get('lossy_schemas', 0)}, losses reported "
              f"{r.get('losses_reported', 0)}), refused {r.get('refused', 0)}, "
              f"judge refused {r.get('judge_refused', 0)}, crashed {r.get('crashed', 0)}"
              f"{peer_txt}; {r['seconds']}s")
        for reason, k in r["top_reasons"]:
            print(f"    {k:4} {reason}")
        for reason, k in r["peer_top_reasons"]:
            print(f"    peer {k:4} {reason}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
