"""The `fetches` table: every HTTP fetch of the crawler, and what the last good one said of each URL."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from load import warehouse

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


@contextmanager
def _reading(db: str | Path) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """The published warehouse read-only, or None when there is none yet (a first crawl)."""
    if not Path(db).exists():
        yield None
        return
    con = warehouse.connect(db, read_only=True)
    try:
        yield con
    finally:
        con.close()


def validators(db: str | Path) -> dict[str, dict[str, str | None]]:
    """Per URL, the sha256, ETag and Last-Modified of its latest successful fetch (for conditional GET)."""
    with _reading(db) as con:
        if con is None or not _has_table(con, "fetches"):
            return {}
        rows = con.execute(
        "SELECT url, sha256, etag, last_modified FROM fetches "
            "WHERE status IN (200, 304) AND error IS NULL AND sha256 IS NOT NULL "
            "QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1"
        ).fetchall()
    return {u: {"sha256": s, "etag": e, "last_modified": lm} for u, s, e, lm in rows}


def recently_missing(db: str | Path, since: datetime) -> set[str]:
    """URLs whose latest fetch, at or after `since`, answered 404 or 410: a dead link is not asked nightly."""
    with _reading(db) as con:
        if con is None or not _has_table(con, "fetches"):
            return set()
        rows = con.execute(
            "SELECT url FROM fetches QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1 "
            "AND status IN (404, 410) AND fetched_at >= ?", [since]).fetchall()
    return {u for (u,) in rows}


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])
