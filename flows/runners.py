"""Where the per-document extraction runs: the task runner the run flow submits documents to.

Extraction is CPU-bound Python, so threads alone do not scale. The default ("process") runs each
document's Prefect task on a thread of the flow's process and hands the parsing itself to a pool
of `workers` plain processes (spawned, importing only extract/ and transform/: no Prefect start-up,
no API client per process). "dask" runs the tasks on a Dask cluster through prefect-dask: a
LocalCluster of `workers` processes, or the scheduler at `address`. Whatever the runner, reports
come back to the flow's process, which alone writes DuckDB.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import TypeVar

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

RUNNERS = ("process", "dask")
POOL_MIN_DOCUMENTS = 8  # fewer documents than this: spawning worker processes costs more than it saves
T = TypeVar("T")
_pool: Executor | None = None  # the default runner's process pool while a run uses it


class RunnerError(ValueError):
    """Runner options that do not fit together (a usage error: exit code 2)."""


def default_workers() -> int:
    return os.cpu_count() or 1


def check_options(runner: str, workers: int | None, address: str | None) -> None:
    if runner not in RUNNERS:
        raise RunnerError(f"unknown runner {runner!r}: choose one of {', '.join(RUNNERS)}")
    if workers is not None and workers < 1:
        raise RunnerError(f"--workers must be at least 1, got {workers}")
    if address and runner != "dask":
        raise RunnerError("--address needs --runner dask")
    if runner == "dask":
        try:
            import prefect_dask  # noqa: F401
        except ImportError as e:
            raise RunnerError("the dask runner needs the extra: pip install 'xxgk[dask]'") from e


@contextmanager
def task_runner(runner: str = "process", workers: int | None = None, address: str | None = None,
                documents: int = 0) -> Iterator[TaskRunner]:
    """The started task runner for a run that extracts `documents` documents. With one worker or
    a handful of documents the default runner parses in this process."""
    check_options(runner, workers, address)
    n = workers or default_workers()
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        kwargs = {"address": address} if address else {"cluster_kwargs": {
            "n_workers": n, "threads_per_worker": 1, "processes": True, "dashboard_address": None}}
        with DaskTaskRunner(**kwargs) as dask_runner:
            yield dask_runner
        return
    global _pool
    with ExitStack() as stack:
        threads = stack.enter_context(ThreadPoolTaskRunner(max_workers=n))
        if n > 1 and documents >= POOL_MIN_DOCUMENTS:
            _pool = stack.enter_context(ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn")))
            stack.callback(_release)
        yield threads


def _release() -> None:
    global _pool
    _pool = None


def offload(fn: Callable[..., T], *args: object) -> T:
    """Run `fn(*args)` in the process pool when one is open, else right here (a Dask worker,
    a single-worker run)."""
    return fn(*args) if _pool is None else _pool.submit(fn, *args).result()
