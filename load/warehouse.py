"""DuckDB warehouse: schema, and loads that replace a report (or a year) in one transaction."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text(encoding="utf-8")
COLUMNS = {
    "agencies": ["agency_id", "name", "region", "level"],
    "reports": ["report_id", "agency_id", "agency", "year", "template", "source", "sha256", "format", "status",
                "error", "parser_version", "loaded_at", "confidence", "warnings"],
    "facts": ["report_id", "agency_id", "year", "table_name", "row_key", "col_key", "value", "cell_status", "raw", "page"],
    "checks": ["report_id", "rule", "ok", "where_", "expected", "actual", "message"],
}


def connect(db: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(db)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        con.execute(SCHEMA_SQL)
    return con


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    df = pd.DataFrame(rows, columns=COLUMNS[table])
    con.register("_rows", df)
    cols = ", ".join(COLUMNS[table])
    if table == "agencies":
        con.execute(f"INSERT INTO agencies SELECT DISTINCT ON (agency_id) {cols} FROM _rows "
                    "WHERE agency_id NOT IN (SELECT agency_id FROM agencies)")
    else:
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _rows")
    con.unregister("_rows")


def load(con: duckdb.DuckDBPyConnection, batches: Iterable[dict[str, list[dict[str, Any]]]],
         replace_year: int | None = None, keep: Iterable[str] = ()) -> int:
    """Load report row batches in one transaction: each report replaces its earlier rows;
    with `replace_year`, every earlier report of that year goes too, except the ids in `keep`
    (reports of that year the caller found unchanged). Returns reports loaded."""
    merged: dict[str, list[dict[str, Any]]] = {t: [] for t in COLUMNS}
    for b in batches:
        for t, rows in b.items():
            merged[t].extend(rows)
    ids = [r["report_id"] for r in merged["reports"]]
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_ids", pd.DataFrame({"report_id": ids}, dtype="string"))
        con.register("_keep", pd.DataFrame({"report_id": list(keep)}, dtype="string"))
        stale = "SELECT report_id FROM _ids"
        if replace_year is not None:
            stale += (f" UNION SELECT report_id FROM reports WHERE year = {int(replace_year)}"
                      " AND report_id NOT IN (SELECT report_id FROM _keep)")
        for t in ("facts", "checks", "reports"):
            con.execute(f"DELETE FROM {t} WHERE report_id IN ({stale})")
        con.unregister("_ids")
        con.unregister("_keep")
        for t in ("agencies", "reports", "facts", "checks"):
            _insert(con, t, merged[t])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(ids)


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COLUMNS}
