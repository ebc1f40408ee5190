"""A run killed with SIGKILL mid-load leaves the warehouse as it was; the next run completes the work.
The raw store never shows a partial file under a final name, and web paths never leave it. A --db that
cannot be a warehouse exits 2 in one line; a disk that fills up mid-publish leaves the published
warehouse as it was; two runs at once: the second waits for the first. (Random kills: test_chaos.py.)"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from contextlib import contextmanager, nullcontext
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
    (part,) = [p for p in root.rglob("*") if p.is_file()]
    assert part.name.startswith(f".part-{proc.pid}-")
    live = part.parent / f".part-{os.getpid()}-writing"  # a live writer's (this process): left alone
    live.write_bytes(b"half")
    store = RawStore(root)
    assert store.sweep() == 1  # the next run's sweep: the killed writer's part is gone
    assert [p for p in root.rglob("*") if p.is_file()] == [live]
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


# --- places that cannot hold a warehouse, a disk that fills up, two runs at once ---------------------

@contextmanager
def tmpfs(path: Path, options: str):
    """A small tmpfs at `path` (root in a container that permits mount); skips the test where it cannot."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()[:100]}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def read_only_place(tmp_path: Path):
    """A folder this process cannot write in: a read-only mount as root, a mode-555 folder otherwise."""
    if os.geteuid() == 0:
        return tmpfs(tmp_path / "ro", "ro,size=1m")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    return nullcontext(folder)


def cli(*args: str):
    from typer.testing import CliRunner

    from flows.cli import app

    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("case", ["directory", "text file", "empty file", "read-only place"])
def test_a_db_that_cannot_be_a_warehouse_exits_2_with_one_line(case, tmp_path):
    expected = {"directory": "is a directory, not a warehouse file", "text file": "is not a DuckDB file",
                "empty file": "is not a DuckDB file (it is empty)", "read-only place": "cannot write the warehouse in"}
    place = read_only_place(tmp_path) if case == "read-only place" else nullcontext(tmp_path)
    with place as folder:
        db = folder / "wh.duckdb"
        if case == "directory":
            db.mkdir()
        elif case == "text file":
            db.write_text("agency,year\n平潭,2023\n")
        elif case == "empty file":
            db.touch()
        result = cli("run", "--input", str(SAMPLES / FIRST[0]), "--db", str(db))
        assert result.exit_code == 2, result.output
        assert expected[case] in result.output and result.output.strip().count("\n") == 0, result.output
        if case == "text file":
            assert db.read_text().startswith("agency")  # left as it was
            assert cli("sql", "select 1", "--db", str(db)).exit_code == 2


def test_disk_full_mid_publish_leaves_the_published_warehouse(tmp_path):
    from gold_reports import gold_names, load_gold
    from load.warehouse import WarehouseError

    with tmpfs(tmp_path / "small", "size=16m") as disk:
        db = disk / "wh.duckdb"
        load_gold(db, gold_names()[:2])
        before, size = snapshot(db), db.stat().st_size
        filler = disk / "filler"
        with open(filler, "wb") as f:  # leave less room than a copy of the warehouse needs
            f.write(b"\0" * (os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize - size // 2))
        with pytest.raises(WarehouseError, match="No space left on device; the published warehouse is unchanged"):
            load_gold(db, gold_names())
        assert snapshot(db) == before
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "wh.duckdb", "wh.duckdb.lock"]  # no partial copy
        filler.unlink()
        load_gold(db, gold_names())  # room again: the next load goes through
        assert len(snapshot(db)["reports"]) == len(gold_names())


def test_file_size_limit_mid_publish_fails_the_run_clearly(prefect_harness, tmp_path):
    """`ulimit -f` (RLIMIT_FSIZE) works without privileges: the copy of the warehouse cannot be written."""
    from gold_reports import gold_names, load_gold

    db = tmp_path / "wh.duckdb"
    load_gold(db, gold_names()[:3])
    before, size = snapshot(db), db.stat().st_size

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), not kills
        resource.setrlimit(resource.RLIMIT_FSIZE, (size - 4096, size - 4096))

    args = [sys.executable, "-m", "flows.cli", "run", "--db", str(db), "--input", str(SAMPLES / SECOND[0])]
    done = subprocess.run(args, cwd=ROOT, env=cli_env(tmp_path), capture_output=True, text=True, timeout=600,
                          preexec_fn=limit_file_size)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "File too large; the published warehouse is unchanged" in done.stdout, done.stdout
    assert snapshot(db) == before
    assert not list(tmp_path.glob(".wh.duckdb.*"))


def test_two_runs_at_once_the_second_waits_then_loads_on_the_first(prefect_harness, tmp_path):
    db = tmp_path / "wh.duckdb"
    env = cli_env(tmp_path)
    marker = tmp_path / "first-in-load"
    first = xxgk_run(FIRST, db, {**env, "XXGK_TEST_PAUSE_IN_LOAD": str(marker)})
    wait_for(marker, first)  # the first holds the writer's lock, its load not yet published
    log = tmp_path / "second.log"
    with open(log, "w") as out:
        second = subprocess.Popen([sys.executable, "-m", "flows.cli", "run", "--db", str(db),
                                   *[a for n in SECOND for a in ("--input", str(SAMPLES / n))]],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 300
        while "being written by another run" not in log.read_text() and time.monotonic() < deadline:
            assert second.poll() is None, log.read_text()
            time.sleep(0.2)
        assert f"is being written by another run (pid {first.pid}); waiting for it to finish" in log.read_text()
        assert not db.exists()  # nothing published while both are at it
        marker.unlink()  # the first goes on and publishes; then the second loads onto it
        assert first.wait(timeout=300) in (0, 1)
        assert second.wait(timeout=300) in (0, 1), log.read_text()
    after = snapshot(db)
    assert len(after["reports"]) == len(FIRST + SECOND)
    keys = [f[:4] for f in after["facts"]]
    assert len(keys) == len(set(keys))
