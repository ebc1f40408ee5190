"""`xxgk show FILE|REPORT_ID` and the readable form of `xxgk extract`: every cell beside its canonical
label, with its raw text, page, status and how it was read, then the failed checks and the warnings."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from flows.app import console, fail, say
from transform.notes import CODES, as_note
from transform.report import Cell, Check, Report
from transform.schema import ACTIVE_2019, ACTIVE_2021, REQUESTS_2021, REQUESTS_OTHER_AS_ONE, REVIEW_LITIGATION, tables_for


def labels(template: str | None) -> dict[tuple[str, str, str], str]:
    """(table, row, col) → 表·行·列 in Chinese, for every cell of the template (any template's when unknown)."""
    tables = list(tables_for(template or "").values()) or [ACTIVE_2021, ACTIVE_2019, REQUESTS_2021,
                                                             REQUESTS_OTHER_AS_ONE, REVIEW_LITIGATION]
    out: dict[tuple[str, str, str], str] = {}
    for t in tables:
        for r in t.rows:
            row = f"{r.group}·{r.label}" if r.group else r.label
            for c in r.cols:
                out.setdefault((t.key, r.key, c), f"{row} / {t.col_labels.get(c, c)}")
    return out


def print_report(report: Report, cells: bool = True) -> None:
    """The report as a person reads it: headline, cells (with `cells`), failed checks, warnings, error."""
    say(f"{report.agency or '—'} {report.year or '—'} template={report.template or '—'} status={report.status} "
        f"confidence={report.confidence:.2f} cells={len(report.cells)} source={report.source}")
    if cells and report.cells:
        names = labels(report.template)
        t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        t.add_column("cell", overflow="fold", ratio=3)
        t.add_column("label", overflow="fold", ratio=3)
        for col in ("value", "raw", "page", "status", "how"):
            t.add_column(col, overflow="fold", justify="right" if col in ("value", "page") else "left")
        for (tab, row, col), cell in report.cells.items():
            value = "—" if cell.value is None else f"{cell.value:g}"
            t.add_row(*(escape(str(v)) for v in (f"{tab}/{row}/{col}", names.get((tab, row, col), ""), value,
                                                 cell.raw, cell.page or "—", cell.status, cell.how)))
        console.print(t)
    failed = [c for c in report.checks if not c.ok]
    for c in failed:
        say(f"check {c.rule} failed at {c.where}: {c.message} (expected {_num(c.expected)}, got {_num(c.actual)})",
            "red")
    for w in report.notes():
        zh = CODES.get(w.code, CODES["other"])[1]
        say(f"warning [{w.code}] {w} — {zh}", "yellow")
    if report.error or report.skip_reason:
        say(f"{'error' if report.error else 'skipped'}: {report.error or report.skip_reason}",
            "red" if report.error else "dim")
    if not failed and not report.warnings and not report.error:
        say("no failed check, no warning", "green")


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"


def stored(db: Path, key: str) -> Report | None:
    """The report the warehouse holds under this report_id or source, rebuilt from its rows."""
    from load import warehouse

    con = warehouse.connect(db, read_only=True)
    try:
        head = con.execute("SELECT report_id, source, sha256, format, agency, year, template, error, warnings "
                           "FROM reports WHERE report_id = ? OR source = ? LIMIT 1", [key, key]).fetchone()
        if head is None:
            return None
        rid, source, sha, fmt, agency, year, template, error, warnings = head
        r = Report(source=source, sha256=sha or "", format=fmt or "", agency=agency, year=year, template=template,
                   error=error, warnings=[as_note(w) for w in warnings or []])
        for t, row, col, value, status, raw, page, how in con.execute(
                "SELECT table_name, row_key, col_key, value, cell_status, raw, page, how FROM facts "
                "WHERE report_id = ? ORDER BY rowid", [rid]).fetchall():
            r.cells[(t, row, col)] = Cell(value, status, raw or "", page, how or "grid")
        r.checks = [Check(*c) for c in con.execute(
            "SELECT rule, where_, ok, expected, actual, message FROM checks WHERE report_id = ?", [rid]).fetchall()]
        return r
    finally:
        con.close()


def show(
    target: Annotated[str, typer.Argument(help="a document file, or a report_id / source in the warehouse")],
    db: Annotated[Optional[Path], typer.Option("--db", help="warehouse file (default data/warehouse.duckdb)")] = None,
) -> None:
    """One report: every cell with its label, raw text, page and status, and its failed checks and warnings.

    A file is read now; a report_id (or source) is read from the warehouse."""
    path = Path(target)
    if path.is_file():
        from flows.pipeline import extract_bytes
        from flows.planning import source_name

        data = path.read_bytes()
        report = extract_bytes(data, source_name(path), hashlib.sha256(data).hexdigest())
    else:
        from flows.planning import DEFAULT_DB

        db = db or DEFAULT_DB
        if not db.exists():
            raise fail(f"no such file, and no warehouse at {db} to look {target} up in")
        report = stored(db, target)
        if report is None:
            raise fail(f"no such file, and no report {target} in {db}")
    print_report(report)
