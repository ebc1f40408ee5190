"""The `xxgk` typer app, its console, and the one place Prefect is quieted: every command (run, crawl,
serve, …) goes through `_options` before any of them imports Prefect. Commands live in flows/cli.py,
flows/crawl_cli.py, flows/publish_cli.py and flows/serve.py; they import from here, never from each other."""
from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version as package_version
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup


def _bare_flags(params: list[Any]) -> list[Any]:
    """Flags (--force, --help) show no value type in --help: typer ≥ 0.25 prints `<bool>` beside them, which
    reads as if the flag took a value."""
    for p in params:
        if getattr(p, "is_flag", False) and p.metavar is None:
            p.metavar = ""
    return params


class _Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _bare_flags(super().get_params(ctx))


class _Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _bare_flags(super().get_params(ctx))


class _Typer(typer.Typer):
    """Every command of the app a _Command: its flags read as flags."""

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", _Command)
        return super().command(*args, **kwargs)


app = _Typer(cls=_Group, add_completion=False, no_args_is_help=True,
             help="政府信息公开工作年度报告 → DuckDB warehouse.")
console = Console(highlight=False)


def say(text: object, style: str | None = None, out: Console | None = None, wrap: bool = False) -> None:
    """Print `text` as written: rich markup in it (`xxgk[dask]`, a path with brackets) is escaped; a long
    line is one line (to grep in a cron log), or with `wrap` wrapped at the console's width, never cut."""
    body = escape(str(text))
    (out or console).print(f"[{style}]{body}[/{style}]" if style else body, soft_wrap=not wrap)


def fail(text: object, code: int = 2) -> typer.Exit:
    """Say `text` in red and return the Exit to raise (usage errors: code 2)."""
    say(text, "red")
    return typer.Exit(code)


def quiet_prefect(verbose: bool = False) -> None:
    """Prefect's analytics off, a patient start for its local server, and its logs at WARNING unless
    `verbose` (or PREFECT_LOGGING_LEVEL is set): set before Prefect is imported, which reads them once."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")  # a busy machine is slow
    if verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    else:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")


def xxgk_version() -> str:
    try:
        return package_version("xxgk")
    except PackageNotFoundError:
        return "unknown"


def _show_version(value: bool) -> None:
    if value:
        from transform import PARSER_VERSION

        console.print(f"xxgk {xxgk_version()} (parser {PARSER_VERSION})", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", help="print the version and exit", is_eager=True,
                                          callback=_show_version)] = False,
) -> None:
    """政府信息公开工作年度报告 → DuckDB warehouse."""
    quiet_prefect()
