"""One report, one count: of the documents of one agency and year (the HTML page, its PDF attachment, a
text copy) one is primary, the one read best; comparison views count primaries only."""
from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import duckdb
import pandas as pd

from load.scope import IN_SCOPE, Scope

STATUS_RANK = {"ok": 0, "flagged": 1, "skipped": 2, "failed": 3}

CANDIDATES = """
SELECT r.report_id, r.agency_id, r.year, r.status, r.source, coalesce(r.confidence, 0) AS confidence,
       count(f.report_id) AS cells
FROM reports r LEFT JOIN facts f USING (report_id)
{where}
GROUP BY ALL
"""


def _rank(r: dict[str, Any]) -> tuple:
    """Best first: ok over flagged (over skipped, failed), then most cells read, then confidence, then source."""
    return STATUS_RANK[r["status"]], -r["cells"], -r["confidence"], r["source"]


def _why(best: dict[str, Any], runner_up: dict[str, Any] | None) -> str:
    if runner_up is None:
        return "only document of this agency and year"
    other = PurePosixPath(runner_up["source"]).name
    if best["status"] != runner_up["status"]:
        return f"{best['status']} over {runner_up['status']} ({other})"
    if best["cells"] != runner_up["cells"]:
        return f"most cells read: {best['cells']} vs {runner_up['cells']} ({other})"
    if best["confidence"] != runner_up["confidence"]:
        return f"higher confidence: {best['confidence']} vs {runner_up['confidence']} ({other})"
    return f"same reading as {other}; first by source name"


def choose(reports: list[dict[str, Any]]) -> dict[str, tuple[bool, str]]:
    """report_id → (is_primary, why)."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    out: dict[str, tuple[bool, str]] = {}
    for r in reports:
        if r["agency_id"] is None or r["year"] is None:
            out[r["report_id"]] = (False, "agency or year not read")
        else:
            groups.setdefault((r["agency_id"], r["year"]), []).append(r)
    for docs in groups.values():
        docs.sort(key=_rank)
        best = docs[0]
        out[best["report_id"]] = (True, _why(best, docs[1] if len(docs) > 1 else None))
        for r in docs[1:]:
            out[r["report_id"]] = (False, f"duplicate: {PurePosixPath(best['source']).name} is primary")
    return out


def mark(con: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> None:
    """Set reports.is_primary and primary_reason (inside the caller's transaction) for every report, or, with
    a registered `scope`, for the reports of its agencies and years: a group's choice reads that group only."""
    where = f"WHERE r.report_id IN ({IN_SCOPE})" if scope is not None else ""
    cur = con.execute(CANDIDATES.format(where=where))
    cols = [d[0] for d in cur.description]
    chosen = choose([dict(zip(cols, row)) for row in cur.fetchall()])
    if not chosen:
        return
    con.register("_primary", pd.DataFrame(
        [(k, p, why) for k, (p, why) in chosen.items()], columns=["report_id", "is_primary", "primary_reason"]))
    con.execute("UPDATE reports SET is_primary = p.is_primary, primary_reason = p.primary_reason "
                "FROM _primary p WHERE reports.report_id = p.report_id")
    con.unregister("_primary")
