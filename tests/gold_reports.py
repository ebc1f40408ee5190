"""Reports built from the hand-checked gold answers, so that warehouse tests do not depend on the parser."""
from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import GOLD, SAMPLES, gold, gold_cells
from transform.checks import run_checks
from transform.report import Cell, Report


def gold_report(name: str) -> Report:
    """The report of data/samples/`name` as its gold file reads it, with R1–R5 run on it."""
    doc = gold(name)
    path = SAMPLES / name
    report = Report(source=f"data/samples/{name}", sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                    format=path.suffix.lstrip("."), agency=doc["agency"], year=doc["year"], template=doc["template"])
    report.cells = {k: Cell(v, "blank" if v is None else "number", "" if v is None else str(v))
                    for k, v in gold_cells(doc).items()}
    if doc["template"] == "pre2019":
        report.skip_reason = "pre2019 report: no standard tables"
    report.checks = run_checks(report)
    return report


def gold_names() -> list[str]:
    return sorted(p.name.removesuffix(".json") for p in GOLD.glob("*.json"))


def load_gold(db: Path, names: list[str] | None = None, **load_args) -> None:
    """Load the gold reports into warehouse `db` the way the flow does (private copy, atomic swap)."""
    from load import warehouse
    from load.rows import report_rows

    with warehouse.writing(db) as con:
        warehouse.load(con, (report_rows(gold_report(n), "gold") for n in names or gold_names()), **load_args)
