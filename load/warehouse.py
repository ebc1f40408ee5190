"""DuckDB warehouse: schema and views, loads that replace a report (or a year), and the publishing
pattern that lets analysts read while the nightly run writes.

Readers and the writer never share a file. A load copies the warehouse to a private file next to it,
writes there (batch by batch, then a checkpoint so no WAL is left) and swaps it in with `os.replace`,
which is atomic on POSIX. Readers open the published file read-only (`connect(db, read_only=True)`):
they are never locked out (the writer holds no lock on it), and they see either the warehouse before
the load or after it, never a half-loaded year; a reader already connected keeps its snapshot (the
replaced file stays alive until it closes). Two writers are serialised by a lock file
(`<db>.lock`, an flock: released by the kernel when its holder dies, so a killed run never blocks the
next); the second says it waits, then loads onto what the first published.

A place that cannot hold a warehouse (a directory, a file that is not DuckDB, a read-only or full
disk) is a WarehouseError with a one-line reason; the published file is never touched by a failed load.
"""
from __future__ import annotations

import fcntl
import glob
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from load import issues, primary, supervision
from load.agencies import Resolver
from load.scope import Scope

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text(encoding="utf-8")
VIEWS_SQL = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent / "views").glob("*.sql"))]
COLUMNS = {
    "agencies": ["agency_id", "name", "region", "level", "region_code", "province", "city", "county",
                 "parent_id", "names"],
    "reports": ["report_id", "agency_id", "agency", "year", "template", "source", "sha256", "format", "status",
                "error", "parser_version", "loaded_at", "confidence", "warnings", "published_on", "published_on_source"],
    "facts": ["report_id", "agency_id", "year", "table_name", "row_key", "col_key", "value", "cell_status", "raw", "page",
              "how"],
    "checks": ["report_id", "rule", "ok", "where_", "expected", "actual", "message"],
    "sections": ["report_id", "section", "kind", "title", "text", "page"],
    "prose_facts": ["report_id", "table_name", "row_key", "col_key", "value", "unit", "raw", "page"],
    "report_warnings": ["report_id", "table_name", "row_key", "col_key", "code", "message"],
}
REPORT_TABLES = ("reports", "facts", "checks", "sections", "prose_facts", "report_warnings")  # the rows of one report (load/rows.py)


WRITER_MEMORY = "1GB"
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


class WarehouseError(Exception):
    """A warehouse that cannot be opened or written here; the message is one line for the operator."""


def check_place(db: str | Path, write: bool = True) -> None:
    """Raise WarehouseError unless `db` is a DuckDB file (or, for a writer, a new file in a folder it can
    write in): said before any work is done, not as a traceback after it."""
    db = Path(db)
    if db.is_dir():
        raise WarehouseError(f"{db} is a directory, not a warehouse file")
    if db.exists():
        try:
            with open(db, "rb") as f:
                head = f.read(12)
        except OSError as e:
            raise WarehouseError(f"cannot read {db}: {e.strerror or e}") from None
        if head[8:12] != DUCKDB_MAGIC:
            raise WarehouseError(f"{db} is not a DuckDB file" + (" (it is empty)" if not head else ""))
    elif not write:
        raise WarehouseError(f"no warehouse at {db}")
    if write:
        try:
            db.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=db.parent, prefix=f".{db.name}.probe"):
                pass
        except OSError as e:
            raise WarehouseError(f"cannot write the warehouse in {db.parent}: {e.strerror or e}") from None


@contextmanager
def _writer_lock(db: Path) -> Iterator[None]:
    """The one-writer lock; a second writer says whom it waits for, then waits."""
    with open(db.with_name(db.name + ".lock"), "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "?"
            print(f"xxgk: warehouse {db} is being written by another run (pid {holder}); waiting for it to finish",
                  file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        yield


def connect(db: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(db)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        con.execute(SCHEMA_SQL)
        for sql in VIEWS_SQL:
            con.execute(sql)
    return con


@dataclass
class Timings:
    """Seconds one load spent in each step, printed by the run: the steps that may grow with what the
    warehouse already holds (copy, derive, swap) apart from the one that grows with the input (load)."""

    copy_s: float = 0.0  # the published warehouse copied to the writer's private file
    load_s: float = 0.0  # the batches' rows replaced and inserted (Load.add)
    derive_s: float = 0.0  # Load.finish: agencies, primary reports, supervision data, issue tables
    swap_s: float = 0.0  # checkpoint, fsync and the atomic rename

    @property
    def publish_s(self) -> float:
        return self.copy_s + self.derive_s + self.swap_s


@contextmanager
def writing(db: str | Path, timings: Timings | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a private copy of the warehouse `db`; on success the copy replaces `db` atomically,
    on error it is dropped and `db` is untouched. See the module docstring for why."""
    db = Path(db)
    timings = timings if timings is not None else Timings()
    check_place(db)
    with _writer_lock(db):
        tmp = db.with_name(f".{db.name}.{os.getpid()}.tmp")
        for stale in db.parent.glob(f".{glob.escape(db.name)}.*.tmp*"):  # a killed writer's copy: we hold the lock
            stale.unlink(missing_ok=True)
        con = None
        try:
            t0 = time.perf_counter()
            if db.exists():
                shutil.copyfile(db, tmp)
            con = connect(tmp)
            timings.copy_s += time.perf_counter() - t0
            con.execute(f"SET memory_limit = '{WRITER_MEMORY}'")  # beyond it DuckDB spills to disk, RSS stays flat
            yield con
            t0 = time.perf_counter()
            con.execute("CHECKPOINT")
            con.close()
            with open(tmp, "rb+") as f:  # on disk before it is published
                os.fsync(f.fileno())
            os.replace(tmp, db)
            timings.swap_s += time.perf_counter() - t0
        except BaseException as e:
            if con is not None:
                con.close()
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
            if isinstance(e, (OSError, duckdb.IOException)):  # disk full, file too large, gone read-only
                reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e).splitlines()[0][:200]
                raise WarehouseError(f"cannot write the warehouse {db}: {reason}; the published warehouse "
                                     "is unchanged") from e
            raise


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    df = pd.DataFrame({c: [r[c] for r in rows] for c in COLUMNS[table]})  # by column: twice as fast as by row
    con.register("_rows", df)
    cols = ", ".join(COLUMNS[table])
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _rows")
    con.unregister("_rows")


def refresh_agencies(con: duckdb.DuckDBPyConnection, resolver: Resolver | None = None) -> Scope:
    """Rebuild the agency dimension from every report's printed agency name and re-key reports and facts,
    so that an edited alias file takes effect on all years at the next load. Reads the distinct names (an
    agency's, not a report's worth of work) and rewrites only the reports whose id changed, whose cells follow
    them; returns those reports and their agencies' years before and after, which derive again."""
    resolver = resolver or Resolver()
    printed = dict(con.execute("SELECT agency, count(*) FROM reports WHERE agency IS NOT NULL GROUP BY agency "
                               "ORDER BY agency").fetchall())
    con.execute("DELETE FROM agencies")
    _insert(con, "agencies", resolver.dimension(printed))
    con.register("_ids", pd.DataFrame({"agency": list(printed), "id": [resolver.agency_id(n) for n in printed]},
                                      dtype="string"))
    rekeyed = con.execute("SELECT r.report_id, r.agency_id, i.id, r.year FROM reports r JOIN _ids i USING (agency) "
                          "WHERE r.agency_id IS DISTINCT FROM i.id").fetchall()
    scope = Scope(report_ids={rid for rid, *_ in rekeyed})
    scope.add_groups((old, year) for _, old, _, year in rekeyed)
    scope.add_groups((new, year) for _, _, new, year in rekeyed)
    if rekeyed:
        con.register("_rekeyed", pd.DataFrame({"report_id": [r[0] for r in rekeyed]}, dtype="string"))
        con.execute("UPDATE reports SET agency_id = i.id FROM _ids i WHERE reports.agency = i.agency "
                    "AND reports.report_id IN (SELECT report_id FROM _rekeyed)")
        con.execute("UPDATE facts SET agency_id = r.agency_id FROM reports r WHERE facts.report_id = r.report_id "
                    "AND facts.report_id IN (SELECT report_id FROM _rekeyed)")
        con.unregister("_rekeyed")
    con.unregister("_ids")
    return scope


# Bumped when a derivation's rules change (load/primary.py, load/supervision.py): a warehouse derived by other
# rules, or before this marker existed, is derived whole once, then load by load for what each touched.
DERIVATIONS = 1


def derive(con: duckdb.DuckDBPyConnection, resolver: Resolver | None = None, scope: Scope | None = None) -> None:
    """The agency dimension, primary reports, supervision data and issue tables (inside the caller's
    transaction): for the reports and agencies' years of `scope`, or for every report when it is None or the
    warehouse was derived by other rules."""
    stored = con.execute("SELECT max(version) FROM derivations").fetchone()[0]
    if stored != DERIVATIONS:
        scope = None
    rekeyed = refresh_agencies(con, resolver)
    if scope is not None:
        scope.report_ids |= rekeyed.report_ids
        scope.groups |= rekeyed.groups
        scope.add_groups(con.execute("SELECT agency_id, year FROM reports WHERE report_id IN "
                                     "(SELECT unnest(?::VARCHAR[]))", [sorted(scope.report_ids)]).fetchall())
        with scope.registered(con):
            primary.mark(con, scope)
            supervision.refresh(con, scope)
    else:
        primary.mark(con)
        supervision.refresh(con)
        con.execute("DELETE FROM derivations")
        con.execute("INSERT INTO derivations VALUES (?)", [DERIVATIONS])
    issues.refresh(con)


class Load:
    """One load into the writer's private copy (see `writing`), fed batch by batch as documents are
    extracted: each report replaces its earlier rows; with `replace_year`, every earlier report of that
    year goes too, except the ids in `keep` (reports of that year the caller found unchanged). `finish`
    derives the agency dimension and the primary report of each agency and year again, for the agencies'
    years the load touched (its `scope`): publishing costs what was loaded, not what the warehouse holds.

    Each step commits on the private copy: readers see the load whole or not at all anyway (the copy is
    published only after `finish`), and DuckDB holds an uncommitted transaction in memory, so one
    transaction over a whole run grew with the number of documents."""

    def __init__(self, con: duckdb.DuckDBPyConnection, replace_year: int | None = None,
                 resolver: Resolver | None = None, keep: Iterable[str] = (), timings: Timings | None = None) -> None:
        self.con, self.resolver, self.reports, self.scope = con, resolver, 0, Scope()
        self.timings = timings if timings is not None else Timings()
        con.execute("SET threads = 1")  # batches are small; the cores belong to the readers while they come
        # reports already in the warehouse: only these have rows to replace (a delete scans the whole table)
        self.stored = {rid for (rid,) in con.execute("SELECT report_id FROM reports").fetchall()}
        if replace_year is not None:
            with _transaction(con):
                con.register("_keep", pd.DataFrame({"report_id": list(keep)}, dtype="string"))
                stale = (f"SELECT report_id FROM reports WHERE year = {int(replace_year)}"
                         " AND report_id NOT IN (SELECT report_id FROM _keep)")
                self._forget(stale)
                _delete_reports(con, stale)
                con.unregister("_keep")

    def add(self, batches: Iterable[dict[str, list[dict[str, Any]]]]) -> None:
        """Rows of some reports (load/rows.py), replacing any earlier rows of the same reports."""
        t0 = time.perf_counter()
        merged: dict[str, list[dict[str, Any]]] = {t: [] for t in REPORT_TABLES}
        for b in batches:
            for t, rows in b.items():
                merged[t].extend(rows)
        if not merged["reports"]:
            return
        with _transaction(self.con):
            replaced = [r["report_id"] for r in merged["reports"] if r["report_id"] in self.stored]
            if replaced:
                self.con.register("_ids", pd.DataFrame({"report_id": replaced}, dtype="string"))
                self._forget("SELECT report_id FROM _ids")
                _delete_reports(self.con, "SELECT report_id FROM _ids")
                self.con.unregister("_ids")
            for t in REPORT_TABLES:
                _insert(self.con, t, merged[t])
        self.stored.update(r["report_id"] for r in merged["reports"])
        self.scope.report_ids.update(r["report_id"] for r in merged["reports"])
        self.reports += len(merged["reports"])
        self.timings.load_s += time.perf_counter() - t0

    def remove(self, report_ids: Iterable[str]) -> int:
        """Delete these reports and their rows (sources gone from the input: `xxgk prune`); raw bytes stay."""
        ids = [i for i in report_ids if i in self.stored]
        if ids:
            with _transaction(self.con):
                self.con.register("_gone", pd.DataFrame({"report_id": ids}, dtype="string"))
                self._forget("SELECT report_id FROM _gone")
                _delete_reports(self.con, "SELECT report_id FROM _gone")
                self.con.unregister("_gone")
            self.stored.difference_update(ids)
        return len(ids)

    def _forget(self, ids_sql: str) -> None:
        """Before these reports are deleted: their ids and agencies' years into the scope (their groups'
        primary report and section repeats change with them)."""
        gone = self.con.execute(f"SELECT report_id, agency_id, year FROM reports WHERE report_id IN ({ids_sql})").fetchall()
        self.scope.gone.update(rid for rid, _, _ in gone)
        self.scope.add_groups((a, y) for _, a, y in gone)

    def finish(self) -> None:
        t0 = time.perf_counter()
        self.con.execute("RESET threads")
        with _transaction(self.con):
            derive(self.con, self.resolver, self.scope)
            _crash_point()
        self.timings.derive_s += time.perf_counter() - t0


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _delete_reports(con: duckdb.DuckDBPyConnection, ids_sql: str) -> None:
    for t in (*REPORT_TABLES[1:], "reports"):
        con.execute(f"DELETE FROM {t} WHERE report_id IN ({ids_sql})")


def load(con: duckdb.DuckDBPyConnection, batches: Iterable[dict[str, list[dict[str, Any]]]],
         replace_year: int | None = None, resolver: Resolver | None = None, keep: Iterable[str] = ()) -> int:
    """Load report row batches (see `Load`). Returns reports loaded."""
    loading = Load(con, replace_year, resolver, keep)
    loading.add(batches)
    loading.finish()
    return loading.reports


def _crash_point() -> None:
    """Where the crash-safety tests kill the process: every row written, nothing committed, the writer's
    lock held. XXGK_TEST_PAUSE_IN_LOAD names a file to create, then the run waits (to be killed, or for
    the file to be removed, when it goes on)."""
    marker = os.environ.get("XXGK_TEST_PAUSE_IN_LOAD")
    if marker:
        Path(marker).touch()
        deadline = time.monotonic() + 600
        while Path(marker).exists() and time.monotonic() < deadline:
            time.sleep(0.1)


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COLUMNS}
