"""Read (and, for the flow, parse) a document in a child process under a CPU-time limit.

A reader stuck in CPU-bound work (pdfplumber on a pathological PDF) cannot be
interrupted from a thread, and one that crashes the interpreter (a C extension
fault, memory exhaustion) would take the whole run down. Documents are read in
a child forked from a forkserver that has the readers preloaded. A child serves
one document after another (a fork per document cost more than reading most text
copies) and is replaced after JOBS_PER_CHILD documents, so what one document
leaves in memory does not accumulate. The limit is CPU time (RLIMIT_CPU, raised
before each document to what the child has used plus the limit: the kernel stops
the child), so a busy machine slows documents down without failing them; a
wall-clock backstop catches a child that hangs without computing. Each thread has
its own child, and at most one child per core computes at once.
`run_isolated` runs any picklable function of the document this way: the flow runs its whole
bytes → Report step there, so parsing too runs on as many cores as there are workers.
"""
from __future__ import annotations

import atexit
import collections
import itertools
import math
import multiprocessing as mp
import os
import resource
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from typing import TypeVar

from extract.document import Document, ReadError
from extract.limits import document_timeout

_CTX = mp.get_context("forkserver")
_SLOTS = threading.BoundedSemaphore(os.cpu_count() or 2)
WALL_FACTOR = 5  # wall-clock backstop: this many times the CPU limit, plus a minute
JOBS_PER_CHILD = 100
T = TypeVar("T")


def _preload(extra: str) -> list[str]:
    """The readers, the isolated function's module (`extra`), and the modules the main module imported: multiprocessing re-runs the main module in every
    child (its '__main__' preload never works on 3.11), so what it imports must already be loaded in the server."""
    names = {"extract.readers", extra}
    for value in vars(sys.modules["__main__"]).values():
        module = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
        if isinstance(module, str) and not module.startswith("__") and module != "builtins":
            names.add(module)
    return sorted(names)


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _serve(conn: Connection) -> None:
    """The child: run (func, args, cpu_seconds) jobs until the parent closes the pipe."""
    while True:
        try:
            func, args, cpu_seconds = conn.recv()
        except EOFError:
            return
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        limit = math.ceil(_cpu_used() + cpu_seconds)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))  # SIGXCPU past the limit
        try:
            result: tuple[str, object] = ("ok", func(*args))
        except BaseException as e:  # sent to the parent, which raises it there
            result = ("raise", e)
        try:
            conn.send(result)
        except Exception as e:  # an exception that does not pickle
            conn.send(("raise", RuntimeError(f"{type(result[1]).__name__}: {result[1]}; unpicklable: {e}")))


class _Child:
    """One reader child and the parent's end of its pipe."""

    def __init__(self) -> None:
        self.conn, child_end = _CTX.Pipe()
        self.proc = _CTX.Process(target=_serve, args=(child_end,), daemon=True)
        self.proc.start()
        child_end.close()
        self.jobs = 0

    def send(self, func: Callable[..., object], args: tuple, timeout: float) -> None:
        self.jobs += 1
        try:
            self.conn.send((func, args, timeout))
        except OSError:  # the child died reading an earlier job: `receive` says how, and this one is sent again
            pass

    def receive(self, timeout: float) -> tuple[str, object]:
        """The oldest sent job's ("ok", result) or ("raise", exception); ReadError when the child dies or
        hangs (the child is then gone, with any job sent after that one: the caller starts another)."""
        wall = timeout * WALL_FACTOR + 60
        if not self.conn.poll(wall):
            self.close()
            raise ReadError(f"timed out: no result after {wall:g} s (XXGK_DOC_TIMEOUT={timeout:g})")
        try:
            return self.conn.recv()
        except (EOFError, OSError):  # OSError: it died with a job we sent still unread
            self.proc.join(10)
            code = self.proc.exitcode
            self.close()
            if code == -signal.SIGXCPU:
                raise ReadError(f"timed out: reading took over {timeout:g} s of CPU (XXGK_DOC_TIMEOUT)") from None
            if code == -signal.SIGKILL:
                raise ReadError("reader process killed: out of memory, or far over the CPU limit") from None
            raise ReadError(f"reader process died (exit code {code})") from None

    def close(self) -> None:
        self.conn.close()  # the child's recv() ends: it exits
        self.proc.join(1)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()

    @property
    def alive(self) -> bool:
        return not self.conn.closed and self.proc.is_alive()


_local = threading.local()
_children: set[_Child] = set()
_children_lock = threading.Lock()


def read_isolated(data: bytes, name: str = "", timeout: float | None = None) -> Document:
    """`read_document` in a child process; raises ReadError when it uses over `timeout` s of CPU or dies."""
    from extract.readers import read_document

    return run_isolated(read_document, data, name, timeout=timeout)


def run_isolated(func: Callable[..., T], *args: object, timeout: float | None = None) -> T:
    """`func(*args)` in this thread's reader child (`func` a module-level function, so that it pickles
    by name); raises what `func` raised, or ReadError when it uses over `timeout` s of CPU or dies."""
    ((kind, payload),) = map_isolated(func, [args], timeout)
    if kind == "raise":
        raise payload  # type: ignore[misc]
    return payload  # type: ignore[return-value]


def map_isolated(func: Callable[..., T], jobs: Iterable[tuple], timeout: float | None = None
                 ) -> Iterator[tuple[str, T | BaseException]]:
    """("ok", func(*args)) or ("raise", exception) for each args of `jobs`, in order, from this thread's
    reader child: a document over the limit or one that kills its reader gives ("raise", ReadError) and
    the others go on in a fresh child. The child is sent the next document before the current one's
    result is taken, so it never waits while the parent unpickles a result and sends more work."""
    if mp.current_process().daemon:  # a daemonic worker (a Dask cluster started elsewhere) may not fork: no limit
        for args in jobs:
            try:
                yield "ok", func(*args)
            except Exception as e:
                yield "raise", e
        return
    timeout = document_timeout() if timeout is None else timeout
    _CTX.set_forkserver_preload(_preload(func.__module__))  # takes effect when the server starts, on the first call
    waiting, sent = iter(jobs), collections.deque()
    with _SLOTS:
        while True:
            child = _child(idle=not sent)
            while len(sent) < 2 and child.jobs < JOBS_PER_CHILD and (args := next(waiting, None)) is not None:
                child.send(func, args, timeout)
                sent.append(args)
            if not sent:
                return
            try:
                result = child.receive(timeout)
            except ReadError as e:  # that child is gone: the document after this one goes to the next
                sent.popleft()
                waiting = itertools.chain(list(sent), waiting)
                sent.clear()
                yield "raise", e
                continue
            sent.popleft()
            yield result  # type: ignore[misc]


def _child(idle: bool) -> _Child:
    """This thread's reader child: a new one when there is none, it died, or (once `idle`, with no job of
    ours in it) it has served JOBS_PER_CHILD."""
    child: _Child | None = getattr(_local, "child", None)
    if child is not None and (not child.alive or (idle and child.jobs >= JOBS_PER_CHILD)):
        _forget(child)
        child = None
    if child is None:
        child = _local.child = _Child()
        with _children_lock:
            _children.add(child)
    return child


def _forget(child: _Child) -> None:
    child.close()
    with _children_lock:
        _children.discard(child)


def close_children() -> None:
    """End every reader child (a run's extraction is over; threads that owned them may be gone)."""
    with _children_lock:
        children = list(_children)
    for child in children:
        _forget(child)


atexit.register(close_children)
