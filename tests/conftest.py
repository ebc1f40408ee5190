"""Shared fixtures: one Prefect test harness per session, the bundled samples, gold answers."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
GOLD = Path(__file__).parent / "fixtures" / "gold"


@pytest.fixture(autouse=True)
def no_libreoffice_left():
    """A test that converted a DOC in this process leaves no LibreOffice running (office_server.py)."""
    yield
    from extract.readers import office_server

    office_server.stop()


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def warehouse(prefect_harness, tmp_path_factory):
    """The bundled samples through the real Prefect flow into a real DuckDB file, once per session: (db, raw
    store, the run's summary, the progress events the flow reported). Tests read it; a rerun over the same
    samples (test_flow.py) leaves it as it was."""
    from flows import progress
    from flows.pipeline import run_flow

    db = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    raw = tmp_path_factory.mktemp("raw")
    events: list[tuple[str, int]] = []
    with progress.listening(lambda event, value: events.append((event, value))):
        first = run_flow(inputs=[str(SAMPLES)], db=str(db), raw_root=str(raw))
    return db, raw, first, events


def gold(name: str) -> dict:
    return json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))


def gold_cells(doc: dict) -> dict[tuple[str, str, str], object]:
    return {(t, r, c): v for t, rows in doc.get("tables", {}).items() for r, cols in rows.items() for c, v in cols.items()}


def query(db, sql: str) -> list[tuple]:
    """Rows of a read-only query on a warehouse file (as an analyst would open it)."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()
