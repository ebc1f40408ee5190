"""The `xxgk` command line . Exit codes: 0 done, 1 some document failed, 2 usage error (or a
warehouse place that cannot be used: a directory, not DuckDB, read-only, full), said in one line."""
from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from flows import publish_cli
from flows.app import app, console, fail, quiet_prefect, say

DbOpt = Annotated[Optional[Path], typer.Option("--db", help="warehouse file (default data/warehouse.duckdb)")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Prefect's own log lines too")]


def _usable_db(db: Path, write: bool = True) -> None:
    """Exit 2 with a one-line reason when `db` cannot be a warehouse (load/warehouse.py check_place)."""
    from load.warehouse import WarehouseError, check_place

    try:
        check_place(db, write)
    except WarehouseError as e:
        raise fail(e)


def _default_db() -> Path:
    from flows.planning import DEFAULT_DB

    return DEFAULT_DB


@app.command()
def run(
    input: Annotated[Optional[list[Path]], typer.Option("--input", help="file or folder (repeatable)", metavar="<path>")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="only this year; replaces it in the warehouse")] = None,
    db: DbOpt = None,
    sources: Annotated[Optional[Path], typer.Option("--sources", help="sources CSV to crawl first")] = None,
    force: Annotated[bool, typer.Option("--force", help="re-extract unchanged documents too")] = False,
    runner: Annotated[str, typer.Option("--runner", help="local (default) or dask", metavar="local|dask")] = "local",
    workers: Annotated[Optional[int], typer.Option("--workers", help="documents extracted at once (default: one per core)")] = None,
    address: Annotated[Optional[str], typer.Option("--address", help="Dask scheduler, tcp://host:8786")] = None,
    always_flow: Annotated[bool, typer.Option(
        "--always-flow", help="run the Prefect flow (and record the run) even when no input changed")] = False,
    prune: Annotated[bool, typer.Option(
        "--prune", help="remove reports whose file is gone from the --input folders (raw bytes stay)")] = False,
    verbose: VerboseOpt = False,
) -> None:
    """Run the pipeline flow: discover → extract → transform → load, then print a summary.

    Over local files that all are in the warehouse unchanged, it prints the summary without starting
    Prefect (a nightly run that finds nothing new ends in about a second); --always-flow runs the flow anyway."""
    quiet_prefect(verbose)
    from flows.progress import rich_bar
    from flows.runners import RunnerError, check_options

    for p in input or []:
        if not p.exists():
            raise fail(f"no such file or folder: {p}")
    if sources is not None:
        from extract.sources import SourcesError, read_sources

        try:
            read_sources(sources)
        except SourcesError as e:
            raise fail(e)
    try:
        check_options(runner, workers, address)
    except RunnerError as e:
        raise fail(e)
    _usable_db(db or _default_db())
    if not (sources or year is not None or force or always_flow):
        from flows.planning import unchanged_summary

        summary = unchanged_summary(input, db or _default_db(), prune)
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
                               force=force, runner=runner, workers=workers, address=address, prune=prune)
    except WarehouseError as e:
        raise fail(e)
    print_summary(summary)
    if year is not None and not summary.documents:
        say(f"warning: no document of year {year} in the input or the warehouse; nothing replaced", "yellow")
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
    # in a terminal a long file name is shortened; in a cron log (not a terminal) it is printed whole
    t.add_column("source", overflow="ellipsis" if console.is_terminal else "fold", min_width=8)
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
    for r in rows:  # why each document needs attention (all reasons: the report_issues view)
        if r["status"] != "ok" and r.get("reason"):
            say(f"{r['status']} {Path(r['source']).name}: {r['reason']}", "yellow" if r["status"] != "failed" else "red",
                console, wrap=True)
    if summary.vanished:
        verb = "removed" if summary.pruned else "in the warehouse but no longer in the input"
        for v in summary.vanished:
            say(f"{verb}: {v}", "yellow", console, wrap=True)
        if not summary.pruned:
            say(f"{len(summary.vanished)} reports whose file is gone: `xxgk prune` (or `run --prune`) removes them",
                out=console, wrap=True)
    if len(summary.rows) > len(rows):
        console.print(f"… {len(summary.rows) - len(rows)} more documents: xxgk sql \"select source, status, confidence "
                      "from reports order by confidence\"")
    say("status: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_status.items())), out=console)
    w = summary.work
    console.print(f"extracted {summary.extracted} (new {w['new']}, changed {w['changed']}, reparsed {w['reparsed']}, "
                  f"forced {w['forced']}), unchanged {w['unchanged']}")
    if summary.extracted:
        console.print(f"reading and parsing took {summary.extract_seconds:.1f} s (per document: "
                      + ", ".join(f"{f} {s:.3f} s" for f, s in summary.seconds_by_format.items()) + ")")
    t = summary.timings
    if t.publish_s or t.load_s:
        console.print(f"loading took {t.load_s:.2f} s; publishing {t.publish_s:.2f} s (copying the warehouse "
                      f"{t.copy_s:.2f} s, deriving agencies and primaries {t.derive_s:.2f} s, swapping {t.swap_s:.2f} s)")
    if summary.year is not None:
        console.print(f"year {summary.year} replaced; {summary.other_years} documents of other years untouched")
    for source, error in summary.failed:
        console.print(f"[red]failed[/red] {escape(source)}: {escape(error)}", soft_wrap=True)  # one line, to grep
    console.print("warehouse rows: " + ", ".join(f"{k} {v}" for k, v in summary.counts.items()))


def _fmt(v) -> str:
    return "—" if v is None else (str(int(v)) if float(v).is_integer() else str(v))


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="a report: HTML, PDF, DOC/DOCX, text")],
    as_json: Annotated[bool, typer.Option("--json", help="print the report JSON (docs/formats.md)")] = False,
) -> None:
    """One document, read and checked: its cells and why it is flagged; no Prefect, no database.

    --json prints the report JSON instead."""
    from flows.pipeline import extract_bytes
    from flows.planning import source_name
    from flows.show import print_report

    if not file.is_file():
        raise fail(f"no such file: {file}")
    data = file.read_bytes()
    report = extract_bytes(data, source_name(file), hashlib.sha256(data).hexdigest())
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n")
    else:
        print_report(report)
    raise typer.Exit(1 if report.status == "failed" else 0)


SQL_FORMATS = ("table", "csv", "json", "markdown")


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="a DuckDB query, e.g. \"select * from agency_year\"")],
    db: DbOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="table (default), csv, json (one object a line) or markdown",
                                       metavar="table|csv|json|markdown")] = "table",
) -> None:
    """Run a query on the warehouse (read-only) and print the result."""
    import duckdb

    if fmt not in SQL_FORMATS:
        raise fail(f"--format must be one of {', '.join(SQL_FORMATS)}")
    path = db or _default_db()
    if not path.exists():
        raise fail(f"no warehouse at {path}: run `xxgk run` first")
    _usable_db(path, write=False)
    con = duckdb.connect(str(path), read_only=True)
    try:
        rel = con.sql(query)
    except duckdb.Error as e:
        raise fail(e)
    if rel is None:
        return
    if fmt == "table":
        rel.show(max_rows=10000, max_width=10000)
        return
    df = rel.df()
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        df.to_json(sys.stdout, orient="records", lines=True, force_ascii=False, date_format="iso")
    else:
        head = list(df.columns)
        sys.stdout.write("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n")
        for row in df.itertuples(index=False):
            sys.stdout.write("| " + " | ".join("" if v is None or v != v else str(v).replace("|", "\\|") for v in row) + " |\n")


@app.command()
def prune(
    input: Annotated[Optional[list[Path]], typer.Option("--input", help="folder the reports came from (repeatable; default the samples)", metavar="<path>")] = None,
    db: DbOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only list what would be removed")] = False,
) -> None:
    """Remove the reports whose file is gone from the input folders (removed or renamed); raw bytes stay."""
    from extract.sources import discover
    from flows.planning import DEFAULT_SAMPLES, source_name, vanished
    from load import warehouse

    path = db or _default_db()
    if not path.exists():
        raise fail(f"no warehouse at {path}: run `xxgk run` first")
    for p in input or []:
        if not p.is_dir():
            raise fail(f"not a folder: {p}")
    present = {source_name(p) for p in discover(input or [DEFAULT_SAMPLES])}
    gone = vanished(input, present, path)
    for source in sorted(gone):
        say(f"{'would remove' if dry_run else 'removed'}: {source}")
    if gone and not dry_run:
        _usable_db(path)
        with warehouse.writing(path) as con:
            loading = warehouse.Load(con)
            loading.remove(gone.values())
            loading.finish()
    say(f"{len(gone)} reports {'to remove' if dry_run else 'removed'}" if gone else "nothing to prune")


from flows.crawl_cli import crawl  # noqa: E402
from flows.serve import serve_command  # noqa: E402
from flows.show import show  # noqa: E402

app.command()(crawl)
app.command()(publish_cli.export)
app.command()(publish_cli.report)
app.command("serve")(serve_command)
app.command()(show)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
