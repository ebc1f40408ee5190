"""The main flow under Prefect's test harness, writing a real DuckDB file (the session's `warehouse` fixture)."""
from __future__ import annotations

import duckdb

from conftest import SAMPLES


def test_every_sample_loads_with_a_status(warehouse):
    db, _, summary, _ = warehouse
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("select source, status, error from reports").fetchall()
    con.close()
    assert len(rows) == len(list(SAMPLES.iterdir())) == summary.documents
    assert all(status in ("ok", "flagged", "failed", "skipped") for _, status, _ in rows)
    status = {s.split("/")[-1]: st for s, st, _ in rows}
    assert status["2018_pingtan_gwh.txt"] == "skipped"


def test_second_run_leaves_identical_row_counts(warehouse):
    from flows.pipeline import run_flow

    db, raw, first, _ = warehouse
    second = run_flow(inputs=[str(SAMPLES)], db=str(db), raw_root=str(raw))
    assert second.counts == first.counts
    assert first.counts["facts"] > 1000


def test_seed_figures_in_warehouse(warehouse):
    db, _, _, _ = warehouse
    con = duckdb.connect(str(db), read_only=True)
    got = con.execute(
        "select r.agency, f.value, f.raw, f.cell_status from facts f join reports r using (report_id) "
        "where f.table_name='requests' and f.row_key='new_received' and f.col_key='total' and r.year=2021 "
        "and r.agency='广州市统计局'"
    ).fetchall()
    con.close()
    assert got == [("广州市统计局", 44.0, "44", "number")]


def test_progress_reports_its_total_then_each_document(warehouse):
    _, _, summary, events = warehouse
    n = len(list(SAMPLES.iterdir()))
    assert summary.extracted == n and events[0] == ("start", n)  # the bar's total, known before the first
    assert all(e == "advance" for e, _ in events[1:]) and sum(v for _, v in events[1:]) == n


def test_a_year_matching_nothing_is_said(warehouse):
    from typer.testing import CliRunner

    from flows.cli import app

    db, raw, _, _ = warehouse
    r = CliRunner(env={"XXGK_RAW": str(raw)}).invoke(app, ["run", "--input", str(SAMPLES), "--year", "1999", "--db", str(db)])
    assert r.exit_code == 0 and "warning: no document of year 1999" in r.output, r.output
