"""Read (and, for the flow, parse) a document in a child process under a CPU-time limit.

A reader stuck in CPU-bound work (pdfplumber on a pathological PDF) cannot be
interrupted from a thread, and one that crashes the interpreter (a C extension
fault, memory exhaustion) would take the whole run down. Each document is read in
a child forked from a forkserver that has the readers preloaded, so the cost per
document is a fork. The limit is CPU time (RLIMIT_CPU: the kernel stops the child),
so a busy machine slows documents down without failing them; a wall-clock backstop
catches a child that hangs without computing. At most one child per core runs at once.
`run_isolated` runs any picklable function of the document this way: the flow runs its whole
bytes → Report step there, so parsing too runs on as many cores as there are workers.
"""
from __future__ import annotations

import math
import multiprocessing as mp
import os
import resource
import signal
import sys
import threading
import types
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TypeVar

from extract.document import Document, ReadError
from extract.limits import document_timeout

_CTX = mp.get_context("forkserver")
_SLOTS = threading.BoundedSemaphore(os.cpu_count() or 2)
WALL_FACTOR = 5  # wall-clock backstop: this many times the CPU limit, plus a minute
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


def _child(conn: Connection, func: Callable[..., object], args: tuple, cpu_seconds: float) -> None:
    limit = math.ceil(cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))  # SIGXCPU at `limit` s, SIGKILL 5 s later
    try:
        result: tuple[str, object] = ("ok", func(*args))
    except BaseException as e:  # sent to the parent, which raises it there
        result = ("raise", e)
    try:
        conn.send(result)
    except Exception as e:  # an exception that does not pickle
        conn.send(("raise", RuntimeError(f"{type(result[1]).__name__}: {result[1]}; unpicklable: {e}")))
    conn.close()


def read_isolated(data: bytes, name: str = "", timeout: float | None = None) -> Document:
    """`read_document` in a child process; raises ReadError when it uses over `timeout` s of CPU or dies."""
    from extract.readers import read_document

    return run_isolated(read_document, data, name, timeout=timeout)


def run_isolated(func: Callable[..., T], *args: object, timeout: float | None = None) -> T:
    """`func(*args)` in a child process (`func` a module-level function, so that it pickles by name);
    raises what `func` raised, or ReadError when it uses over `timeout` s of CPU or dies."""
    if mp.current_process().daemon:  # a daemonic worker (a Dask cluster started elsewhere) may not fork: no limit
        return func(*args)
    timeout = document_timeout() if timeout is None else timeout
    _CTX.set_forkserver_preload(_preload(func.__module__))  # takes effect when the server starts, on the first call
    with _SLOTS:
        kind, payload = _run_child(func, args, timeout)
    if kind == "raise":
        raise payload  # type: ignore[misc]
    return payload  # type: ignore[return-value]


def _run_child(func: Callable[..., object], args: tuple, timeout: float) -> tuple[str, object]:
    recv, send = _CTX.Pipe(duplex=False)
    proc = _CTX.Process(target=_child, args=(send, func, args, timeout), daemon=True)
    proc.start()
    send.close()
    wall = timeout * WALL_FACTOR + 60
    try:
        if not recv.poll(wall):
            raise ReadError(f"timed out: no result after {wall:g} s (XXGK_DOC_TIMEOUT={timeout:g})")
        try:
            return recv.recv()
        except EOFError:
            proc.join(10)
            if proc.exitcode == -signal.SIGXCPU:
                raise ReadError(f"timed out: reading took over {timeout:g} s of CPU (XXGK_DOC_TIMEOUT)") from None
            if proc.exitcode == -signal.SIGKILL:
                raise ReadError("reader process killed: out of memory, or far over the CPU limit") from None
            raise ReadError(f"reader process died (exit code {proc.exitcode})") from None
    finally:
        recv.close()
        if proc.is_alive():
            proc.kill()
        proc.join()
