"""What the supervision views read besides the reports (issue 18, docs/supervision.md), derived at each load:
the rule data of data/ (deadlines, quality weights), the cells each template's tables have, the HTTP
Last-Modified date of reports no page or closing line dates, and section 五 against the previous year."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from load.copypaste import repeated, similarity
from transform.schema import REQUESTS_2021, REQUESTS_OTHER_AS_ONE, Table, tables_for

DATA = Path(__file__).resolve().parent.parent / "data"
DEADLINES_CSV = DATA / "deadlines.csv"
WEIGHTS_CSV = DATA / "quality_weights.csv"
TEMPLATES = ("2021", "2019", "pre2019")


def _replace(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> None:
    con.execute(f"DELETE FROM {table}")
    if len(df):
        con.register("_rule_rows", df)
        cols = ", ".join(df.columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _rule_rows")
        con.unregister("_rule_rows")


def rule_data(con: duckdb.DuckDBPyConnection, deadlines: Path = DEADLINES_CSV, weights: Path = WEIGHTS_CSV) -> None:
    """data/deadlines.csv, data/quality_weights.csv and the template cell counts into their tables."""
    d = pd.read_csv(deadlines, dtype={"level": "string", "article": "string"})
    d["first_year"] = d["first_year"].astype("Int64")
    d["last_year"] = d["last_year"].astype("Int64")
    _replace(con, "deadline_rules", d[["level", "first_year", "last_year", "month", "day", "article"]])
    _replace(con, "quality_weights", pd.read_csv(weights)[["indicator", "weight", "meaning"]])
    cells = [(t, key, layout, r.key, c)
             for t in TEMPLATES for key, table in tables_for(t).items()
             for layout, tab in _layouts(key, table) for r in tab.rows for c in r.cols]
    _replace(con, "template_cells", pd.DataFrame(cells, columns=["template", "table_name", "layout", "row_key", "col_key"]))


def _layouts(key: str, table: Table) -> list[tuple[str, Table]]:
    """The ways a template's table is printed: table 三 with 其他处理 split into its three rows or as one."""
    if key != "requests":
        return [("standard", table)]
    return [("other_split", REQUESTS_2021), ("other_as_one", REQUESTS_OTHER_AS_ONE)]


# The HTTP Last-Modified of a report no page or closing line dates: the earliest the crawls saw, and only within
# the two years after the report's year (as a closing date line, transform/dates.py) — a server that dates every
# file by its last deployment (a site migrated in 2026 serving a 2023 report) gives no publication date.
LAST_MODIFIED = """
UPDATE reports SET published_on = lm.day, published_on_source = 'last_modified'
FROM (SELECT url, min(CAST(try_strptime(last_modified, '%a, %d %b %Y %H:%M:%S GMT') AS DATE)) AS day
      FROM fetches WHERE last_modified IS NOT NULL GROUP BY url) lm
WHERE reports.source = lm.url AND year(lm.day) > reports.year AND year(lm.day) <= reports.year + 2
  AND (reports.published_on IS NULL OR reports.published_on_source = 'last_modified')
"""


def section_repeats(con: duckdb.DuckDBPyConnection) -> None:
    """Section 五 (kind `problems`) of each primary report against the agency's primary report of the year before."""
    pairs = con.execute("""
        SELECT cur.report_id, prev.report_id, s.kind, s.text, ps.text
        FROM reports cur
        JOIN reports prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1 AND prev.is_primary
        JOIN sections s ON s.report_id = cur.report_id AND s.kind = 'problems'
        JOIN sections ps ON ps.report_id = prev.report_id AND ps.kind = 'problems'
        WHERE cur.is_primary
    """).fetchall()
    rows = []
    for rid, prev, kind, text, prev_text in pairs:
        score = similarity(text or "", prev_text or "")
        rows.append((rid, prev, kind, score, repeated(score)))
    _replace(con, "section_repeats", pd.DataFrame(
        rows, columns=["report_id", "prev_report_id", "kind", "similarity", "repeated"]).astype(
        {"similarity": "Float64", "repeated": "boolean"}))


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Everything above, after the agency dimension and the primary reports are known."""
    rule_data(con)
    con.execute(LAST_MODIFIED)
    section_repeats(con)
