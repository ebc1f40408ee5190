"""`xxgk export` and `xxgk report` : the warehouse for other tools and for people. Registered in
flows/cli.py; the work is done by `publish/`."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from flows.app import fail, say
DbOpt = Annotated[Optional[Path], typer.Option("--db", help="warehouse file (default data/warehouse.duckdb)")]


def _db(db: Path | None) -> Path:
    if db is None:
        from flows.planning import DEFAULT_DB

        db = DEFAULT_DB
    if not db.exists():
        raise fail(f"no warehouse at {db}: run `xxgk run` first")
    return db


def export(
    fmt: Annotated[str, typer.Option("--format", help="parquet (partitioned by year), csv or xlsx", metavar="parquet|csv|xlsx")],
    out: Annotated[Path, typer.Option("--out", help="folder to write into")],
    db: DbOpt = None,
    bom: Annotated[bool, typer.Option("--bom", help="CSV with a UTF-8 byte-order mark, for Excel")] = False,
) -> None:
    """Export the warehouse's tables and views (Excel: one sheet per view, Chinese headers)."""
    from load.publish.export import FORMATS, export as run_export

    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}")
    for path in run_export(_db(db), out, fmt, bom):
        say(path)


def report(
    out: Annotated[Path, typer.Option("--out", help="the HTML file to write")],
    db: DbOpt = None,
) -> None:
    """A self-contained HTML comparison report with charts (opens without network)."""
    from load.publish.report import write_report

    say(write_report(_db(db), out))
