"""The `fetches` table: every HTTP fetch of the crawler, and what the last good one said of each URL."""
from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

FETCH_COLUMNS = ["crawl_id", "url", "final_url", "status", "sha256", "content_type", "size", "etag",
                 "last_modified", "fetched_at", "error"]


def record(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], crawl_id: str) -> int:
    """Append one crawl's fetch rows; history is kept so a re-crawl's 304s stay visible next to the 200s."""
    if not rows:
        return 0
    df = pd.DataFrame([{**r, "crawl_id": crawl_id} for r in rows], columns=FETCH_COLUMNS)
    df["status"] = df["status"].astype("Int64")
    df["size"] = df["size"].astype("Int64")
    con.register("_fetches", df)
    try:
        con.execute(f"INSERT INTO fetches ({', '.join(FETCH_COLUMNS)}) SELECT {', '.join(FETCH_COLUMNS)} FROM _fetches")
    finally:
        con.unregister("_fetches")
    return len(rows)


def validators(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str | None]]:
    """Per URL, the sha256, ETag and Last-Modified of its latest successful fetch (for conditional GET)."""
    rows = con.execute(
        "SELECT url, sha256, etag, last_modified FROM fetches "
        "WHERE status IN (200, 304) AND error IS NULL AND sha256 IS NOT NULL "
        "QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1"
    ).fetchall()
    return {u: {"sha256": s, "etag": e, "last_modified": lm} for u, s, e, lm in rows}


def loaded_versions(con: duckdb.DuckDBPyConnection, sources: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Per source already in `reports`: (sha256, parser_version), to skip re-extracting what did not change."""
    if not sources:
        return {}
    con.register("_src", pd.DataFrame({"source": sources}, dtype="string"))
    try:
        rows = con.execute("SELECT source, sha256, parser_version FROM reports WHERE source IN (SELECT source FROM _src)").fetchall()
    finally:
        con.unregister("_src")
    return {s: (sha, pv) for s, sha, pv in rows}
