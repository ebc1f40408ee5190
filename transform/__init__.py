"""Document → Report: canonical schema, label matching, numbers, the report's own checks."""
from __future__ import annotations

from extract.document import Document
from transform.checks import prose_checks, run_checks
from transform.dates import closing_date
from transform.parse import parse
from transform.prose import prose_facts
from transform.report import Report
from transform.sections import sections
from transform.trust import cell_notes

PARSER_VERSION = "0.5.0"


def to_report(doc: Document, source: str = "", sha256: str = "") -> Report:
    """Parse a document and run R1–R5 on it; its sections, the figures its prose states (X3 against the
    tables) and the date it closes with."""
    report = parse(doc, source, sha256)
    if report.status not in ("failed", "skipped"):
        report.checks = run_checks(report)
        supervise(report, doc)
        report.warnings.extend(cell_notes(report))
    return report


def supervise(report: Report, doc: Document) -> None:
    """What supervisors read besides the tables (issue 18): sections, prose facts and X3, closing date."""
    report.sections = sections(doc)
    report.prose_facts = prose_facts(doc)
    for check in prose_checks(report):
        report.checks.append(check)
        if not check.ok:
            table, row, col = check.where.split("/")
            report.warn(table, row, col, check.message, code="prose_disagrees")
    closing = closing_date(doc.text(), report.year)
    if closing:
        report.published_on, report.published_on_source = closing, "document"
