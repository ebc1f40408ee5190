"""Reading in a child process: results and ReadErrors come back as they would in-process."""
from __future__ import annotations

import multiprocessing as mp

import pytest

from conftest import SAMPLES
from extract.document import ReadError
from extract.isolate import read_isolated
from extract.readers import read_document

SAMPLE = SAMPLES / "2019_shanghai_szfbgt.html"


def test_isolated_read_equals_in_process_read():
    data = SAMPLE.read_bytes()
    assert read_isolated(data, SAMPLE.name) == read_document(data, SAMPLE.name)


def test_read_error_comes_back_as_read_error():
    with pytest.raises(ReadError, match="empty file"):
        read_isolated(b"   ", "blank.txt")


def _in_daemon(q) -> None:
    q.put(read_isolated(SAMPLE.read_bytes(), SAMPLE.name).format)


def test_a_daemonic_worker_reads_in_process():
    """A daemonic process may not start children (some Dask clusters run such workers): it reads in-process."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_in_daemon, args=(q,), daemon=True)
    p.start()
    assert q.get(timeout=120) == "html"
    p.join(60)
