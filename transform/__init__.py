"""Document → Report: canonical schema, label matching, numbers, the report's own checks."""
from __future__ import annotations

from extract.document import Document
from transform.checks import run_checks
from transform.parse import parse
from transform.report import Report
from transform.trust import cell_notes

PARSER_VERSION = "0.5.0"


def to_report(doc: Document, source: str = "", sha256: str = "") -> Report:
    """Parse a document and run R1–R5 on it."""
    report = parse(doc, source, sha256)
    if report.status not in ("failed", "skipped"):
        report.checks = run_checks(report)
        report.warnings.extend(cell_notes(report))
    return report
