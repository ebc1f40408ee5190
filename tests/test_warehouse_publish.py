"""Readers during a load: never locked out, never a half-loaded year (load/warehouse.py `writing`)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

from gold_reports import load_gold
from load import warehouse

YEAR_2023 = ["2023_huaian_hongze_qzf.pdf", "2023_pingtan_gwh.html", "2023_pingtan_gwh.txt",
             "2023_suqian_shuyang_fgj.html"]
STATE = "SELECT (SELECT count(*) FROM reports WHERE year = 2023), (SELECT count(*) FROM facts WHERE year = 2023)"

READER = textwrap.dedent("""
    import sys, pathlib, duckdb
    db, stop = sys.argv[1], pathlib.Path(sys.argv[2])
    print("ready", flush=True)
    while not stop.exists():
        con = duckdb.connect(db, read_only=True)
        print(*con.execute(sys.argv[3]).fetchone(), flush=True)
        con.close()
""")


def state(db) -> tuple[int, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(STATE).fetchone()


def read_once(db) -> tuple[int, int]:
    """Another process opens the published warehouse read-only while this one may be loading."""
    code = f"import duckdb; print(*duckdb.connect({str(db)!r}, read_only=True).execute({STATE!r}).fetchone())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return tuple(int(x) for x in out.stdout.split())


def test_reader_sees_the_last_published_year_while_a_load_is_open(tmp_path):
    db = tmp_path / "w.duckdb"
    load_gold(db, ["2022_pingtan_gwh.txt", *YEAR_2023])
    before = state(db)
    assert before[0] == 4
    with warehouse.writing(db) as con:
        warehouse.load(con, [], replace_year=2023)  # the year is gone inside the writer's copy ...
        assert con.execute(STATE).fetchone() == (0, 0)
        assert read_once(db) == before  # ... but a reader, not locked out, still sees it whole
    assert read_once(db) == (0, 0)


def test_a_failed_load_publishes_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    load_gold(db, YEAR_2023)
    before = state(db)
    with pytest.raises(RuntimeError), warehouse.writing(db) as con:
        warehouse.load(con, [], replace_year=2023)
        raise RuntimeError("the run dies half way")
    assert state(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_reader_process_running_during_loads_sees_only_whole_years(tmp_path):
    db, stop = tmp_path / "w.duckdb", tmp_path / "stop"
    load_gold(db, YEAR_2023)
    whole = state(db)
    load_gold(db, YEAR_2023[:1], replace_year=2023)
    part = state(db)
    assert whole != part
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop), STATE],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ready"
        for i in range(6):
            load_gold(db, YEAR_2023 if i % 2 == 0 else YEAR_2023[:1], replace_year=2023)
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    seen = {tuple(int(x) for x in line.split()) for line in out.splitlines()}
    assert seen and seen <= {whole, part}, seen


def test_a_report_added_again_in_the_same_load_replaces_its_rows(tmp_path):
    """Deletes run only for reports the warehouse holds (a delete scans the table), which includes the
    ones this load has already added."""
    from gold_reports import gold_report
    from load.rows import report_rows

    con = warehouse.connect(tmp_path / "w.duckdb")
    loading = warehouse.Load(con)
    report = gold_report("2021_guangzhou_tjj.txt")
    loading.add([report_rows(report, "x")])
    loading.add([report_rows(report, "x")])
    loading.finish()
    assert con.execute("select count(*) from reports").fetchone()[0] == 1
    assert con.execute("select count(*) from facts").fetchone()[0] == len(report.cells)
