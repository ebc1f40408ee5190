"""Report → rows of the warehouse tables. Knows the Report, not the document formats."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from load.agencies import Resolver
from transform.notes import as_note
from transform.report import Report


def report_id(source: str) -> str:
    """One id per source (path or URL): a changed document replaces its earlier version."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1)
def _resolver() -> Resolver:
    return Resolver()


def agency_id(name: str | None) -> str | None:
    """The agency dimension's id (load/agencies.py); each load re-keys every report with fresh aliases."""
    return _resolver().agency_id(name)


def report_rows(report: Report, parser_version: str, loaded_at: datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    rid = report_id(report.source)
    aid = agency_id(report.agency)
    loaded_at = loaded_at or datetime.now(timezone.utc).replace(tzinfo=None)
    reports = [{
        "report_id": rid, "agency_id": aid, "agency": report.agency, "year": report.year,
        "template": report.template, "source": report.source, "sha256": report.sha256,
        "format": report.format, "status": report.status, "error": report.error or report.skip_reason,
        "parser_version": parser_version, "loaded_at": loaded_at, "confidence": report.confidence,
        "warnings": list(report.warnings),
        "published_on": report.published_on, "published_on_source": report.published_on_source,
    }]
    facts = [
        {"report_id": rid, "agency_id": aid, "year": report.year, "table_name": t, "row_key": r, "col_key": c,
         "value": None if cell.value is None else float(cell.value), "cell_status": cell.status,
         "raw": cell.raw, "page": cell.page, "how": cell.how}
        for (t, r, c), cell in report.cells.items()
    ]
    checks = [
        {"report_id": rid, "rule": c.rule, "ok": c.ok, "where_": c.where, "expected": c.expected,
         "actual": c.actual, "message": c.message}
        for c in report.checks
    ]
    sections = [{"report_id": rid, "section": s.section, "kind": s.kind, "title": s.title, "text": s.text,
                 "page": s.page} for s in report.sections]
    prose = [{"report_id": rid, "table_name": f.key[0], "row_key": f.key[1], "col_key": f.key[2],
              "value": float(f.value), "unit": f.unit, "raw": f.raw, "page": f.page} for f in report.prose_facts]
    return {"reports": reports, "facts": facts, "checks": checks, "sections": sections, "prose_facts": prose,
            "report_warnings": warning_rows(rid, report.warnings)}


def warning_rows(rid: str, warnings: list[str]) -> list[dict[str, Any]]:
    """The rows of `report_warnings`: each warning's table/row/col and code as fields (transform/notes.py)."""
    return [{"report_id": rid, "table_name": n.table or None, "row_key": n.row or None, "col_key": n.col or None,
             "code": n.code, "message": str(n)} for n in map(as_note, warnings)]
