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


def _pid(_: object = None) -> int:
    import os

    return os.getpid()


def _spin(seconds: float) -> None:
    import time

    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_one_child_serves_document_after_document_and_is_replaced_in_time(monkeypatch):
    """A fork per document cost more than reading most text copies: a child serves several, then a fresh one."""
    from extract import isolate

    monkeypatch.setattr(isolate, "JOBS_PER_CHILD", 3)
    isolate.close_children()
    pids = [isolate.run_isolated(_pid, i) for i in range(6)]
    assert pids[0] == pids[1] == pids[2] != pids[3] == pids[4] == pids[5]


def test_cpu_limit_counts_per_document_in_a_reused_child():
    """The limit is raised before each document: a child that already used CPU still gives the next
    document its whole limit, and one over it stops that document only."""
    from extract import isolate

    isolate.close_children()
    for _ in range(3):
        isolate.run_isolated(_spin, 0.8, timeout=2)  # 2.4 s of CPU in one child, each job under 2 s
    first = isolate.run_isolated(_pid)
    with pytest.raises(ReadError, match="took over 1 s of CPU"):
        isolate.run_isolated(_spin, 5.0, timeout=1)
    assert isolate.run_isolated(_pid) != first  # a fresh child for the next document


def _echo(x: object) -> object:
    return x


def test_map_keeps_order_and_a_document_that_kills_its_reader_fails_alone():
    """Documents go to the child one ahead of the one it is reading; the one sent behind a document that
    runs over its limit is read again by a fresh child."""
    from extract import isolate

    jobs = [(_echo, 1), (_spin, 5.0), (_echo, 3), (_echo, 4)]
    results = list(isolate.map_isolated(_call, jobs, timeout=1))
    assert [k for k, _ in results] == ["ok", "raise", "ok", "ok"]
    assert [results[0][1], results[2][1], results[3][1]] == [1, 3, 4]
    assert isinstance(results[1][1], ReadError) and "CPU" in str(results[1][1])


def _call(func, arg):
    return func(arg)
