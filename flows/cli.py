"""The `xxgk` command line (SPEC §6). Exit codes: 0 done, 1 some document failed, 2 usage error (or a
warehouse place that cannot be used: a directory, not DuckDB, read-only, full), said in one line."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flows import publish_cli

app = typer.Typer(add_completion=False, no_args_is_help=True, help="政府信息公开工作年度报告 → DuckDB warehouse.")
console = Console()

DbOpt = Annotated[Optional[Path], typer.Option("--db", help="warehouse file (default data/warehouse.duckdb)")]


def _quiet_prefect(verbose: bool) -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")  # a busy machine is slow to start it
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")


def _usable_db(db: Path, write: bool = True) -> None:
    """Exit 2 with a one-line reason when `db` cannot be a warehouse (load/warehouse.py check_place)."""
    from load.warehouse import WarehouseError, check_place

    try:
        check_place(db, write)
    except WarehouseError as e:
        console.print(f"[red]{escape(str(e))}[/red]", soft_wrap=True)
        raise typer.Exit(2)


def _default_db() -> Path:
    from flows.planning import DEFAULT_DB

    return DEFAULT_DB


@app.command()
def run(
    input: Annotated[Optional[list[Path]], typer.Option("--input", help="file or folder (repeatable)")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="only this year; replaces it in the warehouse")] = None,
    db: DbOpt = None,
    sources: Annotated[Optional[Path], typer.Option("--sources", help="sources CSV to crawl first (SPEC §7)")] = None,
    force: Annotated[bool, typer.Option("--force", help="re-extract unchanged documents too")] = False,
    runner: Annotated[str, typer.Option("--runner", help="local (default) or dask")] = "local",
    workers: Annotated[Optional[int], typer.Option("--workers", help="documents extracted at once (default: one per core)")] = None,
    address: Annotated[Optional[str], typer.Option("--address", help="Dask scheduler, tcp://host:8786")] = None,
    always_flow: Annotated[bool, typer.Option(
        "--always-flow", help="run the Prefect flow (and record the run) even when no input changed")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Run the pipeline flow: discover → extract → transform → load, then print a summary.

    Over local files that all are in the warehouse unchanged, it prints the summary without starting
    Prefect (a nightly run that finds nothing new ends in about a second); --always-flow runs the flow anyway."""
    _quiet_prefect(verbose)
    from flows.progress import rich_bar
    from flows.runners import RunnerError, check_options

    for p in input or []:
        if not p.exists():
            console.print(f"[red]no such file or folder: {p}[/red]")
            raise typer.Exit(2)
    if sources is not None:
        from extract.sources import SourcesError, read_sources

        try:
            read_sources(sources)
        except SourcesError as e:
            console.print(f"[red]{e}[/red]")
            raise typer.Exit(2)
    try:
        check_options(runner, workers, address)
    except RunnerError as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(2)
    _usable_db(db or _default_db())
    if not (sources or year is not None or force or always_flow):
        from flows.planning import unchanged_summary

        summary = unchanged_summary(input, db or _default_db())
        if summary is not None:
            console.print("nothing changed since the last run: no flow run (--always-flow runs it anyway)")
            print_summary(summary)
            raise typer.Exit(summary.exit_code)
    from flows.pipeline import run_flow
    from load.warehouse import WarehouseError

    try:
        with rich_bar(console) if console.is_terminal and not verbose else contextlib.nullcontext():
            summary = run_flow(inputs=[str(p) for p in input] if input else None, db=str(db or _default_db()),
                               year=year, sources=str(sources) if sources else None,
                               force=force, runner=runner, workers=workers, address=address)
    except WarehouseError as e:
        console.print(f"[red]{escape(str(e))}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    print_summary(summary)
    raise typer.Exit(summary.exit_code)


SUMMARY_ROWS = 40  # documents listed one per line; a larger run lists the ones needing attention first


def print_summary(summary) -> None:
    """The run summary; fits an 80-column terminal (long agency and file names are shortened).
    A run of thousands of documents lists SUMMARY_ROWS of them (failed, then flagged, …) and says
    how to query the rest: a screenful is read, a table of thousands is not (and took seconds to print)."""
    t = Table(title=f"xxgk: {summary.documents} documents → {summary.db}", title_justify="left",
              box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    t.add_column("agency", overflow="fold", min_width=8)  # names fold or shorten; figures never do
    for col in ("year", "tpl", "status", "recv", "grant", "chk✗", "conf"):
        t.add_column(col, justify="left" if col in ("tpl", "status") else "right", no_wrap=True)
    t.add_column("source", overflow="ellipsis", min_width=8)
    rows = sorted(summary.rows, key=lambda r: (str(r["agency"]), r["year"] or 0, r["source"]))
    if len(rows) > SUMMARY_ROWS:
        attention = {"failed": 0, "flagged": 1, "skipped": 2, "ok": 3}
        rows = sorted(rows, key=lambda r: (attention[r["status"]], r["confidence"]))[:SUMMARY_ROWS]
    for r in rows:
        color = {"ok": "green", "flagged": "yellow", "failed": "red", "skipped": "dim"}[r["status"]]
        t.add_row(escape(str(r["agency"] or "—")), str(r["year"] or "—"), str(r["template"] or "—"),
                  f"[{color}]{r['status']}[/{color}]", _fmt(r["received"]), _fmt(r["granted"]),
                  str(r["checks_failed"]), f"{r['confidence']:.2f}", escape(Path(r["source"]).name))
    console.print(t)
    if len(summary.rows) > len(rows):
        console.print(f"… {len(summary.rows) - len(rows)} more documents: xxgk sql \"select source, status, confidence "
                      "from reports order by confidence\"")
    console.print("status: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_status.items())))
    w = summary.work
    console.print(f"extracted {summary.extracted} (new {w['new']}, changed {w['changed']}, reparsed {w['reparsed']}, "
                  f"forced {w['forced']}), unchanged {w['unchanged']}")
    if summary.extracted:
        console.print(f"reading and parsing took {summary.extract_seconds:.1f} s")
    if summary.year is not None:
        console.print(f"year {summary.year} replaced; {summary.other_years} documents of other years untouched")
    for source, error in summary.failed:
        console.print(f"[red]failed[/red] {escape(source)}: {escape(error)}", soft_wrap=True)  # one line, to grep
    console.print("warehouse rows: " + ", ".join(f"{k} {v}" for k, v in summary.counts.items()))


def _fmt(v) -> str:
    return "—" if v is None else (str(int(v)) if float(v).is_integer() else str(v))


@app.command()
def extract(
    file: Path,
    as_json: Annotated[bool, typer.Option("--json", help="print the report JSON of SPEC §4")] = False,
) -> None:
    """One document to the report JSON on stdout; no Prefect, no database."""
    from flows.pipeline import extract_bytes
    from flows.planning import source_name

    if not file.is_file():
        console.print(f"[red]no such file: {file}[/red]")
        raise typer.Exit(2)
    data = file.read_bytes()
    report = extract_bytes(data, source_name(file), hashlib.sha256(data).hexdigest())
    out = report.to_json()
    if as_json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    else:
        console.print(f"{out['agency']} {out['year']} template={out['template']} status={out['status']} "
                      f"cells={len(report.cells)} warnings={len(out['warnings'])}")
        for w in out["warnings"]:
            console.print(f"  [yellow]warning[/yellow] {escape(w)}")
        if out["error"]:
            console.print(f"  [red]error[/red] {escape(out['error'])}")
    raise typer.Exit(1 if report.status == "failed" else 0)


@app.command()
def sql(query: str, db: DbOpt = None) -> None:
    """Run a query on the warehouse (read-only) and print the result."""
    import duckdb

    path = db or _default_db()
    if not path.exists():
        console.print(f"[red]no warehouse at {path}: run `xxgk run` first[/red]")
        raise typer.Exit(2)
    _usable_db(path, write=False)
    con = duckdb.connect(str(path), read_only=True)
    try:
        rel = con.sql(query)
    except duckdb.Error as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(2)
    if rel is not None:
        rel.show(max_rows=10000, max_width=10000)


from flows.crawl_cli import crawl  # noqa: E402

app.command()(crawl)
app.command()(publish_cli.export)
app.command()(publish_cli.report)

from flows.serve import serve_command  # noqa: E402

app.command("serve")(serve_command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
