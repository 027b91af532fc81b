"""Process settings for one big batch job (a run of the pipeline and its reports): fewer garbage
collections, and work handed to a second process."""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from functools import partial
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import Any, NoReturn

from reconcile.errors import OutputError, ReconcileError

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


# ── work in a second process ───────────────────────────────────────────────────────────────
# The machine a clerk has has two cores, and most of a run is pure Python on one of them. Three
# pieces share little with the rest and go to a forked child where the system can fork (the
# child inherits everything by copy-on-write; only what it hands back is pickled):
#   - ``together``: the independent pieces of a stage (reconcile.pipeline: the provincial
#     registry read, then normalised and prepared for linking, beside the national one;
#     reconcile.link: national ↔ crawled candidate pairs found and scored while this process
#     links the registries; reconcile.checks: the rules that share no work with the others).
#     The stage says what is independent; this module decides where it runs.
#   - ``in_thread``: a reader whose parser releases the GIL (pandas' CSV parser, calamine)
#     runs in a thread beside another (reconcile.pipeline: the crawl beside the national export).
#   - ``Background``: the XLSX report is written while this process writes the JSON and the
#     history, which are committed only after ``wait()`` says the report is in place
#     (reconcile.cli); ``together`` runs its children so.
# Elsewhere than Linux (Windows cannot fork; macOS's system libraries are not fork-safe), when
# fork() fails, or with RECONCILE_SERIAL set, the same code runs in this process, with the same
# results.

SERIAL_ENV = "RECONCILE_SERIAL"


def can_fork() -> bool:
    """Linux only: macOS can fork but its system libraries are not fork-safe (Python itself
    stopped forking there by default), and Windows cannot."""
    return sys.platform.startswith("linux") and not os.environ.get(SERIAL_ENV)


class _Forked:
    """A forked child running ``body(conn)``, which sends ("value", x) messages; an error it
    raises is sent as ("error", exc). This side holds the other end of the pipe."""

    def __init__(self, body: Callable[[Connection], None], crashed: str) -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()   # or the child's copy of an unflushed buffer could be written twice
        here, there = Pipe()
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            here.close()
            there.close()
            raise
        if pid == 0:   # the child: never returns
            here.close()
            _child(there, body, parent)
        there.close()
        self.pid: int | None = pid
        self.conn = here
        self._crashed = crashed

    @classmethod
    def start(cls, body: Callable[[Connection], None], crashed: str) -> _Forked | None:
        """The child, or None where this system does not fork or fork() fails (no memory or
        process slots): the caller then does the work in this process."""
        if not can_fork():
            return None
        try:
            return cls(body, crashed)
        except OSError:
            return None

    def recv(self) -> Any:
        try:
            kind, value = self.conn.recv()
        except (EOFError, OSError):   # it died without a word (out of memory, kill -9)
            self.reap()
            raise OutputError(self._crashed, detail="the helper process ended without a result") from None
        if kind == "error":
            raise value
        return value

    def reap(self, stop: bool = False) -> None:
        """Close the pipe (a child waiting on it leaves) and wait for the child; ``stop``: SIGTERM first."""
        if self.pid is None:
            return
        if stop:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
        self.conn.close()
        os.waitpid(self.pid, 0)
        self.pid = None


class Background:
    """``fn(*args)`` in a forked child (or at once, see above). Use as a context manager and call
    ``wait()`` inside: it returns what ``fn`` returned (pickled back: keep it small) and raises
    what it raised (the same ReconcileError, message and exit code). Leaving the block early (an
    error or Ctrl-C here) stops the child, which removes its half-written files as on any
    interruption. ``crashed``: the message if the child dies without a word."""

    def __init__(self, fn: Callable[..., Any], *args: Any,
                 crashed: str = "写报告的子进程意外退出，报告未写入") -> None:
        self._child: _Forked | None = None
        self._result: Any = None

        def body(conn: Connection) -> None:
            conn.send(("value", fn(*args)))

        self._child = _Forked.start(body, crashed)
        if self._child is None:
            self._result = fn(*args)   # errors propagate from here, before the caller has done anything

    def __enter__(self) -> Background:
        return self

    def wait(self) -> Any:
        if self._child is not None:
            child, self._child = self._child, None
            try:
                self._result = child.recv()
            finally:
                child.reap()
        return self._result

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if self._child is None:
            return
        if kind is not None:   # the caller failed or was interrupted: stop the work
            self._child.reap(stop=True)
            self._child = None
        else:
            self.wait()


def together(here: Callable[[], Any], *elsewhere: Callable[[], Any], crashed: str) -> list[Any]:
    """Independent pieces of one stage, run at once: ``here`` in this process, each of
    ``elsewhere`` in a forked child (it inherits everything; only its result is pickled back),
    or all in this process, in order, where the system does not fork (see above). Returns their
    results in order. Errors come in order too: an error of ``here`` stops the children and is
    raised; otherwise the first child's error, and so on. ``crashed``: the message if a child
    dies without a word."""
    if not can_fork():
        return [here(), *(call() for call in elsewhere)]
    with contextlib.ExitStack() as stack:
        children = [stack.enter_context(Background(call, crashed=crashed)) for call in elsewhere]
        first = here()   # an error here leaves the block: the children are stopped
        return [first, *(child.wait() for child in children)]


def in_halves(fn: Callable[[Any], Any], frame: Any, *, crashed: str, join: Callable[[Any, Any], Any] | None = None,
             at_least: int = 100_000) -> Any:
    """``fn(frame)`` for a pandas frame and a ``fn`` that treats each row on its own, so that its
    result for a frame is ``join`` of its results for the frame's two halves (default: ``fn``
    returns a frame, and the halves are concatenated): the first half of the rows here, the second
    beside it (``together``). A frame under ``at_least`` rows, or where nothing forks, is one call:
    the same result."""
    if len(frame) < at_least or not can_fork():
        return fn(frame)
    cut = len(frame) // 2
    first, second = together(partial(fn, frame.iloc[:cut]), partial(fn, frame.iloc[cut:]), crashed=crashed)
    return (join or _concat)(first, second)


def _concat(first: Any, second: Any) -> Any:
    import pandas as pd

    return pd.concat([first, second])


def in_thread(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[], Any]:
    """``fn(*args, **kwargs)`` started in a thread of this process (worth it only where ``fn``
    spends its time in code that releases the GIL); returns a call that waits for it and returns
    its result or raises its error. With RECONCILE_SERIAL set (or no fork, see above), ``fn`` runs
    now and the call returns or raises the same later: the same results, in the same order."""
    import threading

    outcome: list[Any] = []

    def body() -> None:
        try:
            outcome.append(("value", fn(*args, **kwargs)))
        except BaseException as exc:   # noqa: BLE001 - raised again by the caller, in its turn
            outcome.append(("error", exc))

    thread: threading.Thread | None = None
    if can_fork():
        thread = threading.Thread(target=body, name="reconcile-reader", daemon=True)
        thread.start()
    else:
        body()

    def result() -> Any:
        if thread is not None:
            thread.join()
        kind, value = outcome[0]
        if kind == "error":
            raise value
        return value
    return result


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


def _child(conn: Connection, body: Callable[[Connection], None], parent: int) -> NoReturn:
    """Run ``body`` in the forked child and leave through ``os._exit`` (no exit handlers, no second
    flush of the parent's buffers, no teardown of the inherited heap)."""
    code = 0
    try:
        # Ctrl-C reaches the whole process group: the parent decides, and stops us with SIGTERM
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _on_term)
        _stop_with_parent(parent)
        try:
            body(conn)
        except BaseException as exc:   # noqa: BLE001 - every error goes back to the parent
            code = 1
            conn.send(("error", _picklable(exc)))
    except BaseException:   # noqa: BLE001 - the parent reads a closed pipe as a crash
        code = 1
    finally:
        os._exit(code)


def _picklable(exc: BaseException) -> BaseException:
    """The error for the parent. A program error carries the child's traceback as a note (shown
    with --debug); one that does not pickle becomes a RuntimeError with its text and traceback."""
    if isinstance(exc, Exception) and not isinstance(exc, ReconcileError):
        exc.add_note("in the forked helper process:\n" + "".join(traceback.format_exception(exc)).rstrip())
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        text = "".join(traceback.format_exception(exc))
        return RuntimeError(f"{type(exc).__name__}: {exc}\n{text}")
