"""Read a document in a child process under a time limit.

A reader stuck in CPU-bound work (pdfplumber on a pathological PDF) cannot be
interrupted from a thread, and one that crashes the interpreter (a C extension
fault, memory exhaustion) would take the whole run down. Each document is read in
a child forked from a forkserver that has the readers preloaded, so the cost per
document is a fork, and the child is killed when the limit passes.
"""
from __future__ import annotations

import multiprocessing as mp
from multiprocessing.connection import Connection

from extract.document import Document, ReadError
from extract.limits import document_timeout

_CTX = mp.get_context("forkserver")
_CTX.set_forkserver_preload(["extract.readers"])


def _child(conn: Connection, data: bytes, name: str) -> None:
    from extract.readers import read_document

    try:
        result: tuple[str, object] = ("ok", read_document(data, name))
    except BaseException as e:  # sent to the parent, which raises it there
        result = ("raise", e)
    try:
        conn.send(result)
    except Exception as e:  # an exception that does not pickle
        conn.send(("raise", RuntimeError(f"{type(result[1]).__name__}: {result[1]}; unpicklable: {e}")))
    conn.close()


def read_isolated(data: bytes, name: str = "", timeout: float | None = None) -> Document:
    """`read_document` in a child process; raises ReadError when it runs out of time or dies."""
    timeout = document_timeout() if timeout is None else timeout
    recv, send = _CTX.Pipe(duplex=False)
    proc = _CTX.Process(target=_child, args=(send, data, name), daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(timeout):
            raise ReadError(f"timed out: reading took over {timeout:g} s (XXGK_DOC_TIMEOUT)")
        try:
            kind, payload = recv.recv()
        except EOFError:
            proc.join(5)
            raise ReadError(f"reader process died (exit code {proc.exitcode})") from None
    finally:
        recv.close()
        if proc.is_alive():
            proc.kill()
        proc.join()
    if kind == "raise":
        raise payload  # type: ignore[misc]
    return payload  # type: ignore[return-value]
