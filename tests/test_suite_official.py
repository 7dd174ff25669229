"""The official JSON-Schema-Test-Suite against ``strictschema.Validator``.

The suite is vendored in ``tests/data/JSON-Schema-Test-Suite`` (MIT, see its README: the
five drafts tested here and the remotes they reference, from the ``jsonschema`` 4.26.0 sdist),
so this runs offline. ``.cache/JSON-Schema-Test-Suite-<version>`` is read instead when the
vendored copy is missing; only then is the sdist fetched once with ``pip download`` (skipped,
with the reason, when PyPI cannot be reached).

Every test of every file runs, for all five drafts, through ``is_valid``, ``iter_errors``
(which must agree with it) and the fused bytes path ``check_json``; remote refs resolve
through a registry holding the suite's ``remotes/`` (as ``http://localhost:1234/``) and the
official metaschemas, so nothing needs skipping for them. The only files skipped are listed
in ``SKIP`` with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

from strictschema import Validator

REPO = Path(__file__).resolve().parent.parent
VERSION = "4.26.0"
PLACES = [REPO / "tests" / "data" / "JSON-Schema-Test-Suite",
          REPO / ".cache" / f"JSON-Schema-Test-Suite-{VERSION}"]

DRAFTS = {
    "draft2020-12": "https://json-schema.org/draft/2020-12/schema",
    "draft2019-09": "https://json-schema.org/draft/2019-09/schema",
    "draft7": "http://json-schema.org/draft-07/schema#",
    "draft6": "http://json-schema.org/draft-06/schema#",
    "draft4": "http://json-schema.org/draft-04/schema#",
}

# The nine formats strictschema asserts (the profile's); the rest are annotations.
ASSERTED_FORMATS = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6",
                    "uuid"}

SKIP = {
    "format.json": "format is an annotation by default in the suite; strictschema asserts the "
                   "profile's nine formats (and checks them in optional/format/)",
    "vocabulary.json": "custom metaschemas that switch vocabularies off are not honoured: "
                       "every known keyword is asserted",
    "optional/format-assertion.json": "format-assertion vocabulary metaschemas are not read",
    "optional/format/ecmascript-regex.json": "format 'regex' is not one of the asserted formats",
    "optional/cross-draft.json": "mixing drafts across $ref is validated with the root's draft",
    "optional/content.json": "contentMediaType/contentEncoding are annotations in strictschema",
}


def _skip_reason(rel: str) -> str | None:
    if rel in SKIP:
        return SKIP[rel]
    if rel.startswith("optional/format/"):
        name = rel.removeprefix("optional/format/").removesuffix(".json")
        if name not in ASSERTED_FORMATS:
            return f"format {name!r} is an annotation in strictschema (not a profile format)"
    return None


def _download(target: Path) -> None:
    with tempfile.TemporaryDirectory(dir=REPO / ".cache") as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
               f"jsonschema=={VERSION}", "-d", tmp, "-q"]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        sdist = next(Path(tmp).glob("jsonschema-*.tar.gz"))
        with tarfile.open(sdist) as tar:
            members = [m for m in tar.getmembers() if "/json/" in m.name]
            tar.extractall(tmp, members=members, filter="data")
        src = next(Path(tmp).glob("jsonschema-*/json"))
        staged = Path(tmp) / "staged"
        shutil.move(str(src), staged)
        try:
            os.replace(staged, target)  # atomic: parallel workers race harmlessly
        except OSError:
            if not (target / "tests").is_dir():
                raise


@pytest.fixture(scope="session")
def suite_dir() -> Path:
    for place in PLACES:
        if (place / "tests" / "draft2020-12").is_dir():
            return place
    target = PLACES[1]
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        _download(target)
    except (subprocess.SubprocessError, OSError, StopIteration) as exc:
        pytest.skip(f"JSON-Schema-Test-Suite not found in {PLACES} and pip download of "
                    f"jsonschema=={VERSION} failed ({type(exc).__name__}); put the suite there")
    return target


@pytest.fixture(scope="session")
def remotes(suite_dir: Path) -> dict[str, object]:
    out: dict[str, object] = {}
    for path in sorted((suite_dir / "remotes").rglob("*.json")):
        rel = path.relative_to(suite_dir / "remotes").as_posix()
        out[f"http://localhost:1234/{rel}"] = json.loads(path.read_text())
    return out


def _registry(remotes: dict[str, object], draft: str):
    import referencing
    import referencing.jsonschema
    from jsonschema_specifications import REGISTRY

    from strictschema._schema._load import referencing_spec

    default = referencing_spec(draft)
    others = {f"http://localhost:1234/{d}/" for d in ("draft3", "draft4", "draft6", "draft7",
                                                       "draft2019-09", "draft2020-12",
                                                       "draft-next")}
    others.discard(f"http://localhost:1234/{draft}/")
    resources = [(uri, referencing.Resource.from_contents(body, default_specification=default))
                 for uri, body in remotes.items()
                 if isinstance(body, dict) and not any(uri.startswith(o) for o in others)]
    kept = []
    for uri, resource in resources:  # draft-04 resources cannot hold boolean subschemas
        try:
            referencing.Registry().with_resource(uri, resource).crawl()
        except TypeError:
            continue
        kept.append((uri, resource))
    return REGISTRY.combine(referencing.Registry().with_resources(kept))


@pytest.mark.parametrize("draft", list(DRAFTS))
def test_official_suite(draft: str, suite_dir: Path, remotes: dict[str, object]) -> None:
    registry = _registry(remotes, draft)
    base = suite_dir / "tests" / draft
    failures: list[str] = []
    ran = skipped = 0
    for path in sorted(base.rglob("*.json")):
        rel = path.relative_to(base).as_posix()
        if _skip_reason(rel) is not None:
            skipped += 1
            continue
        for case in json.loads(path.read_text()):
            schema = case["schema"]
            if isinstance(schema, dict) and "$schema" not in schema:
                schema = {"$schema": DRAFTS[draft], **schema}
            elif isinstance(schema, bool) and draft != "draft2020-12":
                schema = {"$schema": DRAFTS[draft]} if schema else {
                    "$schema": DRAFTS[draft], "not": {}}
            v = Validator(schema, registry=registry)
            for test in case["tests"]:
                ran += 1
                data, expected = test["data"], test["valid"]
                where = f"{rel} | {case['description']} | {test['description']}"
                got = v.is_valid(data)
                errors = list(v.iter_errors(data))
                if got != expected:
                    failures.append(f"{where}: is_valid {got}, expected {expected}")
                if (not errors) != got:
                    failures.append(f"{where}: iter_errors disagrees with is_valid ({errors})")
                _, fused = v.check_json(json.dumps(data))
                if fused != expected:
                    failures.append(f"{where}: check_json {fused}, expected {expected}")
    assert ran > 500
    assert not failures, f"{len(failures)} of {ran} tests disagree:\n" + "\n".join(failures[:40])
