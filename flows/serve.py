"""`xxgk serve`: the nightly deployment of the run flow, served by this process (Prefect `serve`).

The schedule is a cron line in a time zone: default 02:00 Asia/Shanghai, when the agencies'
sites are quiet; `--cron`/`--timezone` or XXGK_CRON/XXGK_TIMEZONE change it. prefect.yaml holds
the same deployment for a Prefect server with a work pool.
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

DEPLOYMENT = "nightly"
DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"


class ScheduleError(ValueError):
    """A cron line or time zone that cannot be scheduled (a usage error: exit code 2)."""


def nightly_deployment(cron: str | None = None, timezone: str | None = None,
                       parameters: dict[str, Any] | None = None) -> RunnerDeployment:
    """The deployment `serve` runs: the run flow on a cron schedule, one run at a time (the
    warehouse has a single writer), with `parameters` for every scheduled run."""
    from prefect.schedules import Cron, validate_cron_string

    from flows.pipeline import run_flow

    cron = cron or os.environ.get("XXGK_CRON") or DEFAULT_CRON
    timezone = timezone or os.environ.get("XXGK_TIMEZONE") or DEFAULT_TIMEZONE
    try:
        validate_cron_string(cron)
    except ValueError as e:
        raise ScheduleError(f"not a cron schedule: {cron!r} ({e})") from e
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ScheduleError(f"unknown time zone: {timezone!r}") from e
    return run_flow.to_deployment(
        name=DEPLOYMENT, schedule=Cron(cron, timezone=timezone), parameters=parameters or {},
        concurrency_limit=1, tags=["xxgk"],
        description=f"xxgk nightly run ({cron}, {timezone}): documents → warehouse",
    )


def serve_command(
    cron: Annotated[Optional[str], typer.Option("--cron", help=f"cron line (default {DEFAULT_CRON}; env XXGK_CRON)")] = None,
    timezone: Annotated[Optional[str], typer.Option("--timezone", help=f"default {DEFAULT_TIMEZONE}; env XXGK_TIMEZONE")] = None,
    input: Annotated[Optional[list[Path]], typer.Option("--input", help="file or folder (repeatable)", metavar="<path>")] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="warehouse file")] = None,
) -> None:
    """Serve the nightly schedule (runs until interrupted; needs a Prefect API or starts a local one).

    Says the schedule, its time zone, the next run and how to start a run now, then waits quietly
    (Prefect's analytics and INFO logs are off: flows/app.py)."""
    from prefect import serve

    parameters: dict[str, Any] = {}
    if input:
        parameters["inputs"] = [str(p.resolve()) for p in input]
    if db:
        parameters["db"] = str(db.resolve())
    try:
        deployment = nightly_deployment(cron, timezone, parameters)
    except ScheduleError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2)
    for line in schedule_lines(cron or os.environ.get("XXGK_CRON") or DEFAULT_CRON,
                               timezone or os.environ.get("XXGK_TIMEZONE") or DEFAULT_TIMEZONE):
        typer.echo(line)
    serve(deployment, print_starting_message=False)


def next_run(cron: str, timezone: str, now: datetime | None = None) -> datetime:
    """The next time the cron line fires in that time zone (cronsim: the cron engine Prefect itself uses)."""
    from cronsim import CronSim

    zone = ZoneInfo(timezone)
    return next(CronSim(cron, (now or datetime.now(zone)).astimezone(zone)))


def schedule_lines(cron: str, timezone: str, now: datetime | None = None) -> list[str]:
    """What `serve` says at start: the schedule, the next run (local and UTC), how to trigger a run."""
    nxt = next_run(cron, timezone, now)
    api = os.environ.get("PREFECT_API_URL")
    return [
        f"xxgk serve: deployment xxgk-run/{DEPLOYMENT}, schedule '{cron}' in {timezone}",
        f"next run: {nxt:%Y-%m-%d %H:%M %Z} ({nxt.astimezone(ZoneInfo('UTC')):%Y-%m-%d %H:%M} UTC)",
        "run it now from another shell: " + (
            f"PREFECT_API_URL={api} prefect deployment run 'xxgk-run/{DEPLOYMENT}'" if api else
            f"set PREFECT_API_URL to a Prefect server (prefect server start) here and there, then "
            f"prefect deployment run 'xxgk-run/{DEPLOYMENT}'; without one, `xxgk run` runs the pipeline directly"),
        "stop with Ctrl-C",
    ]
