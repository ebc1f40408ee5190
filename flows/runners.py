"""Where the per-document extraction runs: the task runner the run flow submits documents to.

"local" (the default) runs `workers` extraction tasks (each a batch of documents) at a time on threads
of the flow's process; each document is read and parsed in a child process (extract/isolate.py: forked
from a forkserver, under the per-document CPU limit), so the CPU-bound work of `workers` documents
proceeds on `workers` cores without a Prefect start-up per process. "dask" runs the tasks on a Dask cluster
through prefect-dask: a LocalCluster of `workers` processes, or the scheduler at `address`.
Whatever the runner, reports come back to the flow's process, which alone writes DuckDB.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

RUNNERS = ("local", "dask")


class RunnerError(ValueError):
    """Runner options that do not fit together (a usage error: exit code 2)."""


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
def task_runner(runner: str = "local", workers: int | None = None, address: str | None = None) -> Iterator[TaskRunner]:
    """The started task runner. Dask workers run as non-daemon processes so that each can start
    the reader child process of extract/isolate.py (a daemon process may not have children)."""
    from prefect.task_runners import ThreadPoolTaskRunner  # Prefect is imported when a run starts, not to check options

    check_options(runner, workers, address)
    n = workers or os.cpu_count() or 1
    if runner == "local":
        with ThreadPoolTaskRunner(max_workers=n) as threads:
            yield threads
        return
    import dask
    from prefect_dask import DaskTaskRunner

    kwargs = {"address": address} if address else {"cluster_kwargs": {
        "n_workers": n, "threads_per_worker": 1, "processes": True, "dashboard_address": None}}
    with dask.config.set({"distributed.worker.daemon": False}), DaskTaskRunner(**kwargs) as dask_runner:
        yield dask_runner
