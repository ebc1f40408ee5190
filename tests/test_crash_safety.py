"""A run killed with SIGKILL mid-load leaves the warehouse as it was; the next run completes the work.
The raw store never shows a partial file under a final name, and web paths never leave it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, SAMPLES
from extract.rawstore import RawStore
from test_bad_inputs import cli_env

FIRST = ["2021_guangzhou_tjj.txt", "2019_pingtan_jjf.txt"]
SECOND = ["2025_suqian_shuyang_xzf.txt", "2019_shanghai_szfbgt.html"]


def snapshot(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "reports": con.execute("select report_id, status, loaded_at from reports order by all").fetchall(),
            "facts": con.execute("select report_id, table_name, row_key, col_key, value from facts order by all").fetchall(),
            "checks": con.execute("select report_id, rule, where_, ok from checks order by all").fetchall(),
            "agencies": con.execute("select agency_id from agencies order by all").fetchall(),
        }
    finally:
        con.close()


def xxgk_run(names: list[str], db: Path, env: dict[str, str], *extra: str) -> subprocess.Popen:
    args = [sys.executable, "-m", "flows.cli", "run", "--db", str(db), *extra]
    for n in names:
        args += ["--input", str(SAMPLES / n)]
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(path: Path, proc: subprocess.Popen, limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    while not path.exists():
        if proc.poll() is not None:
            pytest.fail(f"run ended before reaching the load: {proc.stdout.read()}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("run never reached the load")
        time.sleep(0.2)


def test_sigkill_mid_load_leaves_warehouse_unchanged(prefect_harness, tmp_path):
    db = tmp_path / "wh.duckdb"
    env = cli_env(tmp_path)
    first = xxgk_run(FIRST, db, env)
    first.communicate(timeout=600)
    before = snapshot(db)
    assert len(before["reports"]) == len(FIRST) and before["facts"]

    marker = tmp_path / "in-load"
    killed = xxgk_run(FIRST + SECOND, db, {**env, "XXGK_TEST_PAUSE_IN_LOAD": str(marker)})
    wait_for(marker, killed)
    os.kill(killed.pid, signal.SIGKILL)  # every row of the new load written, not committed
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert snapshot(db) == before
    assert list(tmp_path.glob(".wh.duckdb.*.tmp*"))  # the killed writer's private copy, never published

    again = xxgk_run(FIRST + SECOND, db, env)
    out, _ = again.communicate(timeout=600)
    assert again.returncode in (0, 1), out
    after = snapshot(db)
    assert len(after["reports"]) == len(FIRST + SECOND)
    assert not list(tmp_path.glob(".wh.duckdb.*.tmp*"))  # the next writer cleared it
    keys = [f[:4] for f in after["facts"]]
    assert len(keys) == len(set(keys))  # nothing loaded twice
    assert {r[0] for r in before["reports"]} < {r[0] for r in after["reports"]}

    marker.unlink()
    year = xxgk_run(FIRST + SECOND, db, {**env, "XXGK_TEST_PAUSE_IN_LOAD": str(marker)}, "--year", "2019")
    wait_for(marker, year)
    os.kill(year.pid, signal.SIGKILL)  # a year replaced: its old rows deleted, new ones written, not committed
    year.communicate(timeout=60)
    assert snapshot(db) == after


WRITER = """
import os, sys, time
from extract.rawstore import RawStore
def stall(fd):
    open(sys.argv[2], "w").close()
    time.sleep(600)
os.fsync = stall
RawStore(sys.argv[1]).put(b"x" * 1_000_000)
"""


def test_raw_store_killed_mid_write_leaves_no_final_file(tmp_path):
    root, marker = tmp_path / "raw", tmp_path / "writing"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(root), str(marker)], cwd=ROOT)
    wait_for(marker, proc, limit=120)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert not list(root.rglob("*.bin"))
    assert [p.name.startswith(".part-") for p in root.rglob("*") if p.is_file()] == [True]
    store = RawStore(root)
    sha = store.put(b"x" * 1_000_000)
    assert store.has(sha) and store.get(sha) == b"x" * 1_000_000


def test_raw_store_failed_write_leaves_nothing(tmp_path, monkeypatch):
    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    store = RawStore(tmp_path)
    with pytest.raises(OSError):
        store.put(b"report bytes")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "ab/../../x", "a" * 63 + "/", "A" * 64,
                                  "..%2f" * 13, "0" * 63 + "\0"])
def test_web_names_never_escape_the_raw_store(tmp_path, name):
    with pytest.raises(ValueError):
        RawStore(tmp_path).path(name)


def test_raw_store_paths_stay_inside_root(tmp_path):
    store = RawStore(tmp_path / "raw")
    sha = store.put(b"<html>")
    assert store.path(sha).resolve().is_relative_to((tmp_path / "raw").resolve())
