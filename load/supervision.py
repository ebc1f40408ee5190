"""What the supervision views read besides the reports (issue 18, docs/supervision.md), derived at each load:
the rule data of data/ (deadlines, quality weights), the cells each template's tables have, the HTTP
Last-Modified date of reports no page or closing line dates, and section 五 against the previous year."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from load.copypaste import repeated, similarity
from load.scope import IN_SCOPE, Scope
from transform.schema import REQUESTS_2021, REQUESTS_OTHER_AS_ONE, Table, tables_for

DATA = Path(__file__).resolve().parent.parent / "data"
DEADLINES_CSV = DATA / "deadlines.csv"
WEIGHTS_CSV = DATA / "quality_weights.csv"
TEMPLATES = ("2021", "2019", "pre2019")


def _replace(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> None:
    con.execute(f"DELETE FROM {table}")
    if len(df):
        _insert_rows(con, table, df)


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> None:
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


def section_repeats(con: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> None:
    """Section 五 (kind `problems`) of each primary report against the agency's primary report of the year before;
    with a registered `scope`, only of the reports whose year or year before it touched (the others' pairs
    cannot have changed), their earlier rows and those of reports it deleted replaced."""
    current = "SELECT report_id, agency_id, year FROM reports WHERE is_primary"
    if scope is not None:
        con.execute("CREATE OR REPLACE TEMP TABLE _repeats_scope AS SELECT r.report_id FROM reports r "
                    "JOIN (SELECT agency_id, year FROM _scope_groups UNION SELECT agency_id, year + 1 FROM _scope_groups) g "
                    "ON g.agency_id = r.agency_id AND g.year = r.year "
                    f"UNION {IN_SCOPE}")
        current += " AND report_id IN (SELECT report_id FROM _repeats_scope)"
    # the pairs first, then the texts of their sections only: reading a text column costs what it holds
    pairs = con.execute(f"""
        SELECT cur.report_id, prev.report_id FROM ({current}) cur
        JOIN reports prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1 AND prev.is_primary
    """).fetchall()
    texts: dict[str, list[tuple[str, str | None]]] = {}
    for rid, kind, text in con.execute(
            "SELECT report_id, kind, text FROM sections WHERE kind = 'problems' AND report_id IN "
            "(SELECT unnest(?::VARCHAR[]))", [sorted({x for pair in pairs for x in pair})]).fetchall():
        texts.setdefault(rid, []).append((kind, text))
    scored = []
    for rid, prev in pairs:
        for kind, text in texts.get(rid, ()):
            for _, prev_text in texts.get(prev, ()):
                score = similarity(text or "", prev_text or "")
                scored.append((rid, prev, kind, score, repeated(score)))
    df = pd.DataFrame(scored, columns=["report_id", "prev_report_id", "kind", "similarity", "repeated"]).astype(
        {"similarity": "Float64", "repeated": "boolean"})
    if scope is None:
        _replace(con, "section_repeats", df)
        return
    con.execute("DELETE FROM section_repeats WHERE report_id IN (SELECT report_id FROM _repeats_scope)")
    con.execute("DROP TABLE _repeats_scope")
    if len(df):
        _insert_rows(con, "section_repeats", df)


def refresh(con: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> None:
    """Everything above, after the agency dimension and the primary reports are known: section repeats of
    the registered `scope` only when given; the rule data and Last-Modified dates always (both are cheap,
    and fetches change with crawls, not with loads)."""
    rule_data(con)
    con.execute(LAST_MODIFIED)
    section_repeats(con, scope)
