"""The flow loads through the publishing pattern and creates the views, so `xxgk sql` sees them."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from flows.cli import app

DOCS = ["2022_pingtan_gwh.txt", "2023_pingtan_gwh.html", "2023_pingtan_gwh.txt", "2023_suqian_shuyang_fgj.html"]


@pytest.fixture(scope="module")
def db(prefect_harness, tmp_path_factory):
    from flows.pipeline import run_flow

    path = tmp_path_factory.mktemp("whflow") / "warehouse.duckdb"
    run_flow(inputs=[str(SAMPLES / d) for d in DOCS], db=str(path), raw_root=str(tmp_path_factory.mktemp("raw")))
    return path


def sql(db, query: str) -> str:
    result = CliRunner().invoke(app, ["sql", query, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result.output


def test_views_are_there_for_xxgk_sql(db):
    for view in ("requests_wide", "agency_year", "check_failures", "cross_year"):
        assert "agency_id" in sql(db, f"DESCRIBE {view}")


def test_each_agency_and_year_counts_once(db):
    out = sql(db, "SELECT count(*) AS dup FROM (SELECT agency_id, year FROM agency_year GROUP BY ALL HAVING count(*) > 1)")
    assert "│     0 │" in out
    out = sql(db, "SELECT count(*) AS n FROM reports WHERE is_primary IS NULL OR primary_reason IS NULL")
    assert "│     0 │" in out
    out = sql(db, "SELECT count(*) AS n FROM agency_year WHERE agency LIKE '平潭综合实验区%' AND year = 2023")
    assert "│     1 │" in out  # the HTML page and its text copy count once


def test_only_the_published_file_is_left(db):
    assert sorted(p.name for p in db.parent.iterdir()) == ["warehouse.duckdb", "warehouse.duckdb.lock"]
