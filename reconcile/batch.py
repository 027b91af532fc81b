"""Process settings for one big batch job (a run of the pipeline and its reports): fewer garbage
collections, and one piece of work handed to a second process."""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

from reconcile.errors import OutputError

# CPython's default collects the youngest generation every 700 allocations and, now and then,
# walks every live container object. A run allocates millions of short-lived tuples and lists
# (per-value normalisation, candidate pairs, findings) and keeps millions alive, so those walks
# cost ~0.7 s of a 10 s 50k run; collecting a hundred times less often frees the same memory.
BATCH_THRESHOLDS = (100_000, 50, 100)


@contextlib.contextmanager
def few_collections() -> Iterator[None]:
    """Cyclic garbage collection a hundred times less often inside (restores the thresholds;
    reference counting frees most objects anyway). Safe to nest."""
    before = gc.get_threshold()
    gc.set_threshold(*(max(b, t) for b, t in zip(before, BATCH_THRESHOLDS, strict=True)))
    try:
        yield
    finally:
        gc.set_threshold(*before)


# ── one piece of work in a second process ───────────────────────────────────────────────────
# A run ends with three writes that share nothing but the finished result: the XLSX report
# (the longest), the JSON and the history. On a system that can fork, the report is written by a
# child process that inherits the result (copy-on-write, nothing is pickled) while this process
# writes the rest; the caller commits its own writes only after ``wait()`` says the report is in
# place. Where there is no fork (Windows), or RECONCILE_SERIAL is set, the work runs at once, in
# this process, exactly as before.

SERIAL_ENV = "RECONCILE_SERIAL"


def can_fork() -> bool:
    return hasattr(os, "fork") and not os.environ.get(SERIAL_ENV)


class Background:
    """``fn(*args)`` in a forked child (or at once, see above). Use as a context manager and call
    ``wait()`` inside: it returns when the work is done and raises the error it raised (the same
    ReconcileError, message and exit code). Leaving the block early (an error or Ctrl-C here)
    stops the child, which removes its half-written files as on any interruption."""

    def __init__(self, fn: Callable[..., None], *args: Any) -> None:
        self._pid: int | None = None
        self._pipe: int | None = None
        self._error: BaseException | None = None
        if not can_fork():
            fn(*args)   # errors propagate from here, before the caller has written anything
            return
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()   # or the child's copy of an unflushed buffer could be written twice
        read_end, write_end = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:   # the child: never returns
            os.close(read_end)
            _child(write_end, fn, args, parent)
        os.close(write_end)
        self._pid, self._pipe = pid, read_end

    def __enter__(self) -> Background:
        return self

    def wait(self) -> None:
        if self._pid is not None:
            self._collect()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if self._pid is None:
            return
        if kind is not None:   # the caller failed or was interrupted: stop the work
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
        self._collect()
        if kind is None:
            self.wait()

    def _collect(self) -> None:
        """Read the child's report and reap it (blocks until it exits)."""
        assert self._pid is not None and self._pipe is not None
        with os.fdopen(self._pipe, "rb") as fh:
            payload = fh.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = self._pipe = None
        if payload:
            self._error = pickle.loads(payload) if payload != _OK else None
        else:   # killed before it could say anything (out of memory, kill -9)
            code = os.waitstatus_to_exitcode(status)
            self._error = OutputError("写报告的子进程意外退出，报告未写入",
                                      detail=f"report writer process ended with status {code}")


_OK = b"ok"


def _on_term(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_with_parent(parent: int) -> None:
    """Linux: SIGTERM when the parent dies (even by kill -9), so no orphan finishes a report the
    run never committed. Best effort elsewhere."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    if os.getppid() != parent:   # it died before prctl took effect
        raise KeyboardInterrupt


def _child(pipe: int, fn: Callable[..., None], args: tuple[Any, ...], parent: int) -> NoReturn:
    """Run ``fn`` in the forked child and leave through ``os._exit`` (no exit handlers, no second
    flush of the parent's buffers, no teardown of the inherited heap)."""
    code = 0
    try:
        # Ctrl-C reaches the whole process group: the parent decides, and stops us with SIGTERM
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _on_term)
        _stop_with_parent(parent)
        try:
            fn(*args)
            payload = _OK
        except BaseException as exc:   # noqa: BLE001 - every error goes back to the parent
            payload = _pickled(exc)
            code = 1
        with os.fdopen(pipe, "wb") as fh:
            fh.write(payload)
    except BaseException:   # noqa: BLE001 - the parent reads an empty report as a crash
        code = 1
    finally:
        os._exit(code)


def _pickled(exc: BaseException) -> bytes:
    """The error for the parent; one that does not pickle becomes a RuntimeError with its text
    and traceback (shown with --debug)."""
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)
        return data
    except Exception:  # noqa: BLE001
        text = "".join(traceback.format_exception(exc))
        return pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}\n{text}"))
