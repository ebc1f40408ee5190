"""The main flow under Prefect's test harness, writing a real DuckDB file."""
from __future__ import annotations

import duckdb
import pytest

from conftest import SAMPLES


@pytest.fixture(scope="module")
def warehouse(prefect_harness, tmp_path_factory):
    from flows.pipeline import run_flow

    db = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    raw = tmp_path_factory.mktemp("raw")
    first = run_flow(inputs=[str(SAMPLES)], db=str(db), raw_root=str(raw))
    return db, raw, first


def test_every_sample_loads_with_a_status(warehouse):
    db, _, summary = warehouse
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("select source, status, error from reports").fetchall()
    con.close()
    assert len(rows) == len(list(SAMPLES.iterdir())) == summary.documents
    assert all(status in ("ok", "flagged", "failed", "skipped") for _, status, _ in rows)
    status = {s.split("/")[-1]: st for s, st, _ in rows}
    assert status["2018_pingtan_gwh.txt"] == "skipped"


def test_second_run_leaves_identical_row_counts(warehouse):
    from flows.pipeline import run_flow

    db, raw, first = warehouse
    second = run_flow(inputs=[str(SAMPLES)], db=str(db), raw_root=str(raw))
    assert second.counts == first.counts
    assert first.counts["facts"] > 1000


def test_seed_figures_in_warehouse(warehouse):
    db, _, _ = warehouse
    con = duckdb.connect(str(db), read_only=True)
    got = con.execute(
        "select r.agency, f.value, f.raw, f.cell_status from facts f join reports r using (report_id) "
        "where f.table_name='requests' and f.row_key='new_received' and f.col_key='total' and r.year=2021 "
        "and r.agency='广州市统计局'"
    ).fetchall()
    con.close()
    assert got == [("广州市统计局", 44.0, "44", "number")]
