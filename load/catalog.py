"""What the warehouse already holds about each source: the cache of the run flow.

A source whose stored sha256 and parser_version equal today's is not re-extracted; its stored
year decides whether a `--year` rerun touches it; its stored status and headline figures fill
the run summary without reading the document again.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import duckdb
import pandas as pd


@dataclass(frozen=True)
class Stored:
    """One report as loaded earlier (the summary row of a document this run did not re-extract)."""

    report_id: str
    source: str
    sha256: str | None
    parser_version: str | None
    agency: str | None
    year: int | None
    template: str | None
    status: str
    error: str | None
    confidence: float | None
    received: float | None
    granted: float | None
    checks_failed: int
    failed_rules: tuple[str, ...]
    reason: str | None = None  # its error, first failed check or first warning (flows/summary.py top_reason)


_QUERY = """
SELECT r.report_id, r.source, r.sha256, r.parser_version, r.agency, r.year, r.template, r.status, r.error,
       r.confidence,
       (SELECT value FROM facts f WHERE f.report_id = r.report_id AND f.table_name = 'requests'
          AND f.row_key = 'new_received' AND f.col_key = 'total') AS received,
       (SELECT value FROM facts f WHERE f.report_id = r.report_id AND f.table_name = 'requests'
          AND f.row_key = 'granted' AND f.col_key = 'total') AS granted,
       (SELECT count(*) FROM checks c WHERE c.report_id = r.report_id AND NOT c.ok) AS checks_failed,
       (SELECT list_sort(list_distinct(list(c.rule))) FROM checks c
          WHERE c.report_id = r.report_id AND NOT c.ok) AS failed_rules,
       coalesce(r.error,
                (SELECT first(c.rule || ' ' || c.where_ || ': ' || c.message || ' (expected ' ||
                              CASE WHEN c.expected IS NULL THEN '—' WHEN c.expected = round(c.expected) THEN c.expected::BIGINT::VARCHAR ELSE c.expected::VARCHAR END || ', got ' || CASE WHEN c.actual IS NULL THEN '—' WHEN c.actual = round(c.actual) THEN c.actual::BIGINT::VARCHAR ELSE c.actual::VARCHAR END || ')'
                              ORDER BY c.rule, c.where_)
                 FROM checks c WHERE c.report_id = r.report_id AND NOT c.ok),
                r.warnings[1]) AS reason
FROM reports r JOIN _sources s ON r.source = s.source
"""


def stored_reports(db: str | Path, sources: list[str]) -> dict[str, Stored]:
    """The stored report of each given source that the warehouse at `db` holds (none when no file yet)."""
    if not sources or not Path(db).exists():
        return {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'reports'").fetchall()[0][0]:
            return {}
        con.register("_sources", pd.DataFrame({"source": sources}, dtype="string"))
        cols = [f.name for f in fields(Stored)]
        out: dict[str, Stored] = {}
        for row in con.execute(_QUERY).fetchall():
            rec = dict(zip(cols, row))
            rec["year"] = None if rec["year"] is None else int(rec["year"])
            rec["checks_failed"] = int(rec["checks_failed"] or 0)
            rec["failed_rules"] = tuple(rec["failed_rules"] or ())
            out[rec["source"]] = Stored(**rec)
        return out
    finally:
        con.close()


def stored_under(db: str | Path, prefixes: list[str]) -> dict[str, str]:
    """source → report_id of every stored report whose source lies under one of these folder prefixes."""
    if not prefixes or not Path(db).exists():
        return {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'reports'").fetchall()[0][0]:
            return {}
        con.register("_prefixes", pd.DataFrame({"prefix": prefixes}, dtype="string"))
        return dict(con.execute("SELECT DISTINCT r.source, r.report_id FROM reports r JOIN _prefixes p "
                                "ON starts_with(r.source, p.prefix)").fetchall())
    finally:
        con.close()
