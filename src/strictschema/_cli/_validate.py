"""``strictschema validate``: model outputs checked against a schema, in constant memory.

Inputs, decided per file (``--as auto``):

- JSONL, one output per line (``.jsonl``/``.ndjson``, or any file whose first line is a JSON
  value by itself). Read in blocks of ``CHUNK_BYTES``; a file of at least
  ``PARALLEL_MIN_BYTES`` is split at line boundaries and the blocks are validated by a pool of
  worker processes that read their own byte range (nothing but the verdicts crosses a process
  boundary), with the findings printed in file order.
- one JSON document per file (pretty-printed output, or a saved Responses API object).
- saved Responses API objects, one per line (``{"object": "response", ...}``).
- a saved Responses API event stream: SSE text (``event:``/``data:`` lines) or one event per
  line (``{"type": "response.created", ...}``), or a JSON array of events.

Every bad output is one or more findings ``FILE:LINE::$.path: message [keyword]``.
This module never imports click: the worker processes import it.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import IO, Any

from ._common import (
    LIVE,
    STDIN,
    BadInput,
    Finding,
    Reporter,
    finding_from_diagnostic,
    import_model,
    input_label,
    make_reporter,
    model_target,
    open_input,
    plural,
    policy,
    schema_target,
)

__all__ = ["run_validate"]

CHUNK_BYTES = 1 << 20
"""Bytes of JSONL per block (one task for a worker process)."""
PARALLEL_MIN_BYTES = 8 << 20
"""Smaller files are validated in this process (a worker pool costs ~0.3 s to start)."""
START_METHOD = "auto"
"""How worker processes start: forked where that is safe (they inherit the compiled
schema), else spawned (they import and compile it again)."""
PROGRESS_AFTER_S = 1.0
"""The progress bar appears once a run has taken this long (stderr must be a terminal)."""
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
_TERMINAL_EVENTS = frozenset({"response.completed", "response.incomplete", "response.failed"})

# An output's problems: (json_path, keyword, message) triples; None when it is valid.
Problems = list[tuple[str, str, str]]
BLANK_LINE = ("$", "json", "not JSON: a blank line (an empty output)")
"""The finding for a blank line of a JSONL file: one output, and not JSON."""
EMPTY_FILE = ("$", "json", "not JSON: an empty file (an empty output)")


# --------------------------------------------------------------------------------------
# the compiled schema, in this process or in a worker
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Spec:
    """What a worker process needs to rebuild the ``Compiled`` (which is not pickled)."""

    schema: Any
    model: str | None
    cwd: str
    profile: str
    on_unsupported: str

    def build(self) -> Any:
        import strictschema

        source = self.schema
        if self.model is not None:
            if self.cwd not in sys.path:
                sys.path.insert(0, self.cwd)
            source = import_model(self.model)
        return strictschema.compile(source, profile=self.profile,
                                    on_unsupported=policy(self.on_unsupported))


_STATE: dict[str, Any] = {}


def _init_worker(spec: Spec) -> None:
    _STATE["compiled"] = spec.build()


def _problems(exc: BaseException) -> Problems:
    from strictschema import DecodeError, ValidationError

    if isinstance(exc, ValidationError):
        return [(e.json_path, e.keyword, e.message) for e in exc.errors]
    if isinstance(exc, DecodeError):
        where = f" (char {exc.position})" if exc.position is not None else ""
        return [(exc.json_path, "json", f"not JSON: {exc.message}{where}")]
    if isinstance(exc, RecursionError):
        return [("$", "depth", "output is nested too deeply to check")]
    responses = sys.modules.get("strictschema.responses")
    name = type(exc).__name__
    if responses is not None and isinstance(exc, tuple(
            getattr(responses, n) for n in ("Refusal", "IncompleteOutput", "StreamGap")
            if isinstance(getattr(responses, n, None), type))):
        return [(getattr(exc, "json_path", "$"), _snake(name), _first_line(exc))]
    from strictschema import StrictSchemaError

    if isinstance(exc, StrictSchemaError):
        return [(getattr(exc, "json_path", "$"), _snake(name), _first_line(exc))]
    message = f"strictschema failed on this output: {name}: {_first_line(exc)} (please report)"
    return [("$", "internal_error", message)]


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def check_output(compiled: Any, raw: bytes | str) -> Problems | None:
    """Problems of one output text, or None when it is valid."""
    return _explain(compiled._acceptor()(raw))


def _explain(verdict: Any) -> Problems | None:
    """The problems behind an acceptor's verdict (``True``: none)."""
    if verdict is True:
        return None
    try:
        verdict()  # raises what validate_json raises, from the value already parsed
    except Exception as exc:  # noqa: BLE001 - every failure is reported, not raised
        return _problems(exc)
    return None


def _responses_module() -> Any:
    try:
        from strictschema import responses
    except ImportError:
        raise BadInput("reading saved Responses API objects needs strictschema.responses, "
                       "which this installation does not have") from None
    return responses


def check_response(compiled: Any, response: Any) -> Problems | None:
    """Problems of one saved Responses API object, or None when its output is valid."""
    responses = _responses_module()
    try:
        responses.parse_response(response, compiled)
    except Exception as exc:  # noqa: BLE001
        return _problems(exc)
    return None


def _loads(raw: bytes) -> Any:
    """A JSON envelope (Response object, stream event), parsed by the judge's strict parser;
    ``DecodeError`` when it is not JSON."""
    from .._json import loads

    return loads(raw)


def check_lines(lines: list[bytes], mode: str,
                refused: bool = False) -> tuple[int, int, int, list]:
    """Validate one block of JSONL lines.

    Returns ``(lines, outputs, valid, bad)`` where ``bad`` lists ``(index, problems)`` with
    the line's index in the block. A blank line counts as an output that is not JSON (an
    empty model output is a finding, not something to skip silently)."""
    compiled = _STATE["compiled"]
    # True, or what explains the refusal (lines the core's block judge refused: explained
    # without judging them again)
    accepts = compiled._refusal() if refused else compiled._acceptor()
    bad = []
    outputs = valid = 0
    output = mode != "response"
    verdict: Any = None
    for i, raw in enumerate(lines):
        if output:
            verdict = accepts(raw)  # JSON allows the line's trailing whitespace
            if verdict is True:
                outputs += 1
                valid += 1
                continue
        stripped = raw.rstrip(b"\r\n")
        if len(stripped) != len(raw):  # positions in the errors count from the line alone
            raw, verdict = stripped, None
        outputs += 1
        if not raw or raw.isspace():
            bad.append((i, [BLANK_LINE]))
            continue
        if mode == "response":
            try:
                problems = check_response(compiled, _loads(raw))
            except BadInput:
                raise
            except Exception as exc:  # noqa: BLE001 - not JSON
                problems = _problems(exc)
        else:
            problems = _explain(verdict) if verdict is not None else check_output(compiled, raw)
        if problems is None:
            valid += 1
        else:
            bad.append((i, problems))
    return len(lines), outputs, valid, bad


def _blocks(f: IO[bytes], head: bytes) -> Any:
    """Blocks of whole lines, about ``CHUNK_BYTES`` each, read into one buffer that is used
    again for the next block (a view of it: valid until then). A line longer than the buffer
    comes as a block of its own."""
    buf = bytearray(max(CHUNK_BYTES, len(head)) + CHUNK_BYTES)
    buf[:len(head)] = head
    filled, eof = len(head), False
    while True:
        view = memoryview(buf)
        while not eof and filled < len(buf):
            n = f.readinto(view[filled:])  # type: ignore[attr-defined]
            if not n:
                eof = True
            else:
                filled += n
        if filled == 0:
            view.release()
            return
        cut = filled if eof else buf.rfind(b"\n", 0, filled) + 1
        if cut == 0:  # one line longer than the buffer
            block = bytes(view[:filled]) + f.readline()
            view.release()
            filled = 0
            yield block
            continue
        block_view = view[:cut]
        yield block_view
        block_view.release()
        view.release()
        tail = filled - cut
        buf[:tail] = buf[cut:filled]
        filled = tail


def check_block(data: Any, mode: str) -> tuple[int, int, int, list]:
    """Validate a block of whole JSONL lines (bytes or a view of them), as
    ``check_lines``. Outputs go to the core in one call (verdict only) where that is the
    whole verdict; only the lines it refuses are split off and explained."""
    batch = _STATE["compiled"]._batch() if mode != "response" else None
    if batch is None:
        lines = bytes(data).split(b"\n")
        if lines and not lines[-1]:
            lines.pop()
        return check_lines(lines, mode)
    n_lines, refused = batch(data)
    _, outputs, valid, bad = check_lines([bytes(data[s:e]) for _, s, e in refused], mode, True)
    passed = n_lines - len(refused)
    return n_lines, outputs + passed, valid + passed, [(refused[j][0], p) for j, p in bad]


def check_range(path: str, start: int, end: int, mode: str) -> tuple[int, int, int, list]:
    """A worker's task: read ``path[start:end]`` (whole lines) and validate it."""
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    return check_block(data, mode)


def _block_ranges(path: str, size: int, chunk: int) -> Any:
    """``(start, end)`` byte ranges of about ``chunk`` bytes that end after a newline."""
    with open(path, "rb") as f:
        start = 0
        while start < size:
            end = start + chunk
            if end >= size:
                yield start, size
                return
            f.seek(end)
            while True:
                block = f.read(1 << 16)
                if not block:
                    end = size
                    break
                nl = block.find(b"\n")
                if nl >= 0:
                    end += nl + 1
                    break
                end += len(block)
            yield start, end
            start = end


# --------------------------------------------------------------------------------------
# the run: files, formats, progress, summary
# --------------------------------------------------------------------------------------
@dataclass(slots=True)
class Stats:
    files: int = 0
    outputs: int = 0
    valid: int = 0
    not_json: int = 0
    unreadable: int = 0
    bytes_done: int = 0

    @property
    def invalid(self) -> int:
        return self.outputs - self.valid


class Progress:
    """A rich progress bar on stderr, started only once a run has lasted ``PROGRESS_AFTER_S``
    (or at once with ``--progress``); never when stderr is not a terminal (unless forced)."""

    def __init__(self, total: int | None, enabled: bool | None) -> None:
        self.total = total
        self.enabled = _isatty(sys.stderr) if enabled is None else enabled
        self.forced = bool(enabled)
        self.t0 = time.monotonic()
        self.done = 0
        self.outputs = 0
        self._bar: Any = None
        self._task: Any = None

    def advance(self, nbytes: int, outputs: int, label: str) -> None:
        self.done += nbytes
        self.outputs += outputs
        if not self.enabled:
            return
        if self._bar is None:
            if not self.forced and time.monotonic() - self.t0 < PROGRESS_AFTER_S:
                return
            self._start()
        self._bar.update(self._task, completed=self.done, description=label,
                         outputs=f"{self.outputs:,} outputs")

    def _start(self) -> None:
        from rich import progress as rp
        from rich.console import Console

        self._bar = rp.Progress(
            rp.TextColumn("[bold]{task.description}"), rp.BarColumn(), rp.DownloadColumn(),
            rp.TransferSpeedColumn(), rp.TextColumn("{task.fields[outputs]}"),
            rp.TimeRemainingColumn(),
            console=Console(stderr=True), transient=True,
            redirect_stdout=_isatty(sys.stdout), redirect_stderr=True)
        self._task = self._bar.add_task("validate", total=self.total, outputs="")
        self._bar.start()
        if _isatty(sys.stdout):
            LIVE["console"] = self._bar.console

    def close(self) -> None:
        if self._bar is not None:
            LIVE.pop("console", None)
            self._bar.stop()
            self._bar = None


def _can_fork(progress: Progress) -> bool:
    """Fork the workers only where it is safe: Linux, and no other thread running (the
    progress bar's refresh thread)."""
    import threading

    return (START_METHOD != "spawn" and sys.platform.startswith("linux")
            and progress._bar is None and threading.active_count() == 1)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@dataclass(slots=True)
class Run:
    compiled: Any
    spec: Spec
    reporter: Reporter
    kind: str
    jobs: int
    progress: Progress
    stats: Stats = field(default_factory=Stats)
    _pool: Any = None

    # -- reporting ---------------------------------------------------------------------
    def report(self, label: str, line: int, problems: Problems) -> None:
        if problems and problems[0][1] == "json":
            self.stats.not_json += 1
        for path, keyword, message in problems:
            self.reporter.finding(Finding(label, path, message, "error", keyword, line,
                                          show_severity=False))

    def tally(self, outputs: int, valid: int) -> None:
        self.stats.outputs += outputs
        self.stats.valid += valid

    # -- one file ------------------------------------------------------------------------
    def file(self, path: str) -> None:
        if path == STDIN:
            self._stream(sys.stdin.buffer, input_label(path), None)
            return
        with open_input(path) as f:
            size = os.fstat(f.fileno()).st_size
            self._stream(f, path, (path, size))

    def _stream(self, f: IO[bytes], label: str, sized: tuple[str, int] | None) -> None:
        head: list[bytes] = []
        first = b""
        while True:
            line = f.readline()
            if not line:
                break
            head.append(line)
            if line.strip():
                first = line.strip()
                break
        kind = self._sniff(first, label)
        if kind in ("jsonl", "response-lines"):
            mode = "response" if kind == "response-lines" else "output"
            if (sized is not None and self.jobs > 1 and sized[1] >= PARALLEL_MIN_BYTES):
                self._parallel(sized[0], sized[1], label, mode)
            else:
                self._sequential(f, head, label, mode)
        elif kind in ("sse", "event-lines"):
            self._events(f, head, label, sse=kind == "sse")
        else:
            data = b"".join(head) + f.read()
            self.progress.advance(len(data), 1, label)
            self._document(data, label)

    def _sniff(self, first: bytes, label: str) -> str:
        """``jsonl``, ``response-lines``, ``event-lines``, ``sse`` or ``document``."""
        kind = self.kind
        if kind == "json":
            return "document"
        if kind == "jsonl":
            return "jsonl"
        if first.startswith((b"event:", b"data:", b"id:", b"retry:", b":")):
            return "sse" if kind in ("auto", "stream") else "jsonl"
        try:
            value = _loads(first)
        except Exception:  # noqa: BLE001 - not a JSON value by itself
            if kind == "auto" and label.lower().endswith(_JSONL_SUFFIXES):
                return "jsonl"
            return "document"
        if kind == "response":
            return "response-lines"
        if kind == "stream":
            return "event-lines"
        if isinstance(value, dict):
            if value.get("object") == "response":
                return "response-lines"
            t = value.get("type")
            if isinstance(t, str) and t.startswith("response.") and "object" not in value:
                return "event-lines"
        return "jsonl"

    def _sequential(self, f: IO[bytes], head: list[bytes], label: str, mode: str) -> None:
        base = 0
        for data in _blocks(f, b"".join(head)):
            n_lines, outputs, valid, bad = check_block(data, mode)
            self.tally(outputs, valid)
            for i, problems in bad:
                self.report(label, base + i + 1, problems)
            base += n_lines
            self.progress.advance(len(data), outputs, label)

    def _parallel(self, path: str, size: int, label: str, mode: str) -> None:
        from concurrent.futures.process import BrokenProcessPool

        pending: deque = deque()
        ranges = _block_ranges(path, size, CHUNK_BYTES)
        base = 0
        limit = self.jobs * 4
        exhausted = broken = False
        while True:
            while not exhausted and len(pending) < limit:
                nxt = next(ranges, None)
                if nxt is None:
                    exhausted = True
                    break
                fut = None if broken else self._get_pool().submit(check_range, path, *nxt, mode)
                pending.append((nxt, fut))
            if not pending:
                break
            (start, end), fut = pending.popleft()
            try:
                if fut is None:
                    raise BrokenProcessPool("pool already broken")
                n_lines, outputs, valid, bad = fut.result()
            except BrokenProcessPool as exc:
                if not broken:
                    broken = True
                    print(f"strictschema: the worker processes failed ({exc}); continuing in "
                          "this process", file=sys.stderr, flush=True)
                    limit = 1
                n_lines, outputs, valid, bad = check_range(path, start, end, mode)
            self.tally(outputs, valid)
            for i, problems in bad:
                self.report(label, base + i + 1, problems)
            base += n_lines
            self.progress.advance(end - start, outputs, label)

    def _get_pool(self) -> Any:
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            if _can_fork(self.progress):
                # the workers inherit the compiled schema and its generated code (nothing
                # to rebuild: a spawned worker spends ~0.3 s importing and compiling)
                import gc

                self.compiled._acceptor()
                gc.freeze()  # the collector leaves the inherited objects alone (no copying)
                ctx: Any = multiprocessing.get_context("fork")
                init: Any = None
                args: tuple[Any, ...] = ()
            else:
                ctx, init, args = (multiprocessing.get_context("spawn"), _init_worker,
                                   (self.spec,))
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx,
                                             initializer=init, initargs=args)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    # -- whole documents ---------------------------------------------------------------
    def _document(self, data: bytes, label: str) -> None:
        if not data.strip():
            self._one(label, 1, [EMPTY_FILE])
            return
        value: Any = None
        parsed = True
        try:
            value = _loads(data)
        except Exception:  # noqa: BLE001
            parsed = False
        if parsed and self.kind in ("auto", "response", "stream"):
            if self.kind != "stream" and isinstance(value, dict) and (
                    value.get("object") == "response" or self.kind == "response"):
                self._one(label, 1, check_response(self.compiled, value))
                return
            if isinstance(value, list) and (self.kind == "stream" or (
                    value and isinstance(value[0], dict)
                    and str(value[0].get("type", "")).startswith("response."))):
                self._feed_events(((1, ev) for ev in value), label)
                return
            if self.kind == "stream":
                self._feed_events(iter([(1, value)]), label)
                return
        problems = check_output(self.compiled, data)
        line = 1
        if problems and problems[0][1] == "json":
            pos = _char_position(problems[0][2])
            if pos is not None:
                text = data.decode("utf-8", "replace")
                if "extra data" in problems[0][2]:  # it points at the whitespace before it
                    while pos < len(text) and text[pos] in " \t\r\n":
                        pos += 1
                line = 1 + text[:pos].count("\n")
        self._one(label, line, problems)

    def _one(self, label: str, line: int, problems: Problems | None) -> None:
        self.tally(1, problems is None)
        if problems is not None:
            self.report(label, line, problems)

    # -- event streams -------------------------------------------------------------------
    def _events(self, f: IO[bytes], head: list[bytes], label: str, sse: bool) -> None:
        def lines() -> Any:
            n = 0
            for raw in head:
                n += 1
                yield n, raw
            for raw in f:
                n += 1
                yield n, raw

        self._feed_events(_sse_events(lines(), self) if sse else _line_events(lines(), self),
                          label)

    def _feed_events(self, events: Any, label: str) -> None:
        """Drive ``responses.Stream`` over ``(line, event)`` pairs: one output per response
        (a ``response.created`` event starts the next one)."""
        responses = _responses_module()
        stream = None
        start = 0
        failed = False  # the current response was already reported: skip to the next one
        for line, event in events:
            if isinstance(event, BaseException):  # a line that is not JSON
                self._one(label, line, _problems(event))
                stream = None
                continue
            etype = event.get("type") if isinstance(event, dict) else None
            if failed and etype != "response.created":
                continue
            failed = False
            if stream is None or etype == "response.created":
                if stream is not None:
                    self._finish_stream(stream, label, start)
                stream = responses.Stream(self.compiled)
                start = line
            try:
                stream.feed(event)
            except Exception as exc:  # noqa: BLE001
                self._one(label, line, _problems(exc))
                stream = None
                failed = True  # an early failure (e.g. ValidationError on a delta)
                continue
            if etype in _TERMINAL_EVENTS:
                self._finish_stream(stream, label, line)
                stream = None
        if stream is not None:
            self._finish_stream(stream, label, start)

    def _finish_stream(self, stream: Any, label: str, line: int) -> None:
        try:
            stream.result()
        except Exception as exc:  # noqa: BLE001
            self._one(label, line, _problems(exc))
            return
        self._one(label, line, None)


def _char_position(message: str) -> int | None:
    import re

    m = re.search(r"\(char (\d+)\)", message)
    return int(m.group(1)) if m else None


def _line_events(lines: Any, run: Run) -> Any:
    for n, raw in lines:
        run.progress.advance(len(raw), 0, "stream")
        if not raw.strip():
            continue
        try:
            yield n, _loads(raw)
        except Exception as exc:  # noqa: BLE001
            yield n, exc


def _sse_events(lines: Any, run: Run) -> Any:
    """Server-sent events: ``data:`` lines joined until a blank line; ``[DONE]`` ignored."""
    data: list[bytes] = []
    start = 0
    for n, raw in lines:
        run.progress.advance(len(raw), 0, "stream")
        line = raw.rstrip(b"\r\n")
        if not line:
            if data:
                payload = b"\n".join(data)
                data = []
                if payload.strip() != b"[DONE]":
                    try:
                        yield start, _loads(payload)
                    except Exception as exc:  # noqa: BLE001
                        yield start, exc
            continue
        if line.startswith(b"data:"):
            if not data:
                start = n
            value = line[5:]
            data.append(value[1:] if value.startswith(b" ") else value)
    if data:
        payload = b"\n".join(data)
        if payload.strip() != b"[DONE]":
            try:
                yield start, _loads(payload)
            except Exception as exc:  # noqa: BLE001
                yield start, exc


def _tuning_from_env() -> None:
    """``STRICTSCHEMA_CHUNK_BYTES`` / ``STRICTSCHEMA_PARALLEL_MIN_BYTES`` /
    ``STRICTSCHEMA_START_METHOD`` (``spawn`` to never fork): tuning knobs (the tests use them
    to drive the worker pool over small files)."""
    global START_METHOD
    for name in ("CHUNK_BYTES", "PARALLEL_MIN_BYTES"):
        value = os.environ.get("STRICTSCHEMA_" + name, "")
        if value.isdigit() and int(value) > 0:
            globals()[name] = int(value)
    if os.environ.get("STRICTSCHEMA_START_METHOD") in ("fork", "spawn"):
        START_METHOD = os.environ["STRICTSCHEMA_START_METHOD"]


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def run_validate(outputs: tuple[str, ...], *, schema_file: str | None, model: str | None,
                 profile: str, on_unsupported: str, fmt: str, kind: str, jobs: int | None,
                 progress: bool | None) -> int:
    from ._common import compile_target

    target = schema_target(schema_file) if schema_file is not None else model_target(
        model or "")
    compiled, diags = compile_target(target, profile, on_unsupported)
    if compiled is None:
        for d in diags:
            print(finding_from_diagnostic(target, d).text(), file=sys.stderr)
        raise BadInput(f"{target.label}: no strict schema for profile {profile}, so there is "
                       "nothing to validate outputs against (see strictschema check)")
    spec = Spec(target.load() if target.kind == "schema" else None,
                model, os.getcwd(), profile, on_unsupported)
    _STATE["compiled"] = compiled
    _tuning_from_env()
    total = 0
    for p in outputs:
        if p == STDIN:
            total = -1
            break
        try:
            total += os.stat(p).st_size
        except OSError:
            pass
    reporter = make_reporter(fmt)
    reporter.start(command="validate", schema=target.label, profile=profile)
    run = Run(compiled, spec, reporter, kind, jobs or default_jobs(),
              Progress(total if total >= 0 else None, progress))
    stats = run.stats
    try:
        for p in outputs:
            try:
                run.file(p)
                stats.files += 1
            except BadInput as exc:
                stats.unreadable += 1
                run.progress.close()
                reporter.error(exc.message)
    finally:
        run.progress.close()
        run.close()
    invalid = stats.invalid
    text = (f"checked {plural(stats.outputs, 'output')} in {plural(stats.files, 'file')}: "
            f"{stats.valid:,} valid, {invalid:,} invalid")
    if stats.not_json:
        text += f" ({stats.not_json:,} not JSON)"
    if stats.unreadable:
        text += f"; {plural(stats.unreadable, 'file')} unreadable"
    code = 2 if stats.unreadable else 1 if invalid else 0
    reporter.finish(text, code == 0,
                    summary={"files": stats.files, "outputs": stats.outputs,
                             "valid": stats.valid, "invalid": invalid,
                             "not_json": stats.not_json, "unreadable": stats.unreadable},
                    exit_code=code)
    return code
