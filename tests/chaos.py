"""Random kills: `xxgk run` and `xxgk crawl` as subprocesses, SIGKILLed at a moment of a chosen phase, then run
again; the warehouse must then equal a clean run's, and nothing the killed run left may stand in the way.

A kill moment is an event of its phase, watched from outside the process, plus a random delay:
  discovery   the k-th listing page the site served
  fetching    the k-th report page or attachment the site served
  extraction  the reader forkserver started (documents being read, nothing loaded yet)
  loading     the writer's private copy got its first batch (its DuckDB WAL grew after extraction
              began): reading and loading go on side by side until every row is in
  publishing  the load's last step (every row in, agencies derived, XXGK_TEST_PAUSE_IN_LOAD reached),
              then up to 1.5× the clean run's time to publish: commit, checkpoint, fsync, rename, exit
  recording   (crawl) the last document served, then up to the clean crawl's time to record `fetches`
Delays are drawn within the windows a clean run of the same column took, so kills land all over each phase;
where one landed (the process may have ended first) is reported, never asserted: no timing assertions.
"""
from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from sitesrv import SAMPLES, Site, _page, _text_report

ROOT = Path(__file__).resolve().parent.parent
COLUMN = "/chaos/"
TEXT_REPORTS = ["2019_pingtan_jjf.txt"]  # few and quick to read: every kill costs two runs
HTML_REPORTS = ["2023_suqian_shuyang_fgj.html"]
DOCUMENTS = len(TEXT_REPORTS) + len(HTML_REPORTS) + 2  # and a report page with its PDF attachment
POLL = 0.01


def build_column(site: Site) -> None:
    """/chaos/: two listing pages linking text and HTML reports and a page with a PDF attachment (DOCUMENTS in
    all), made of the samples."""
    folder = site.root / COLUMN.strip("/")
    (folder / "files").mkdir(parents=True, exist_ok=True)
    links = []
    for name in TEXT_REPORTS:
        title, body = _text_report(name)
        (folder / f"{Path(name).stem}.htm").write_text(_page(title, body), encoding="utf-8")
        links.append((f"{Path(name).stem}.htm", title))
    for name in HTML_REPORTS:
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
        links.append((name, f"{name[:4]}年政府信息公开工作年度报告 {Path(name).stem}"))
    (folder / "files" / "hongze.pdf").write_bytes((SAMPLES / "2023_huaian_hongze_qzf.pdf").read_bytes())
    (folder / "att.htm").write_text(_page("淮安市洪泽区2023年政府信息公开工作年度报告",
                                          '<p>附件：<a href="files/hongze.pdf">洪泽区2023年报.pdf</a></p>'), encoding="utf-8")
    links.append(("att.htm", "淮安市洪泽区2023年政府信息公开工作年度报告"))
    items = [f'<li><a href="{h}">{t}</a></li>' for h, t in links]
    half = len(items) // 2
    (folder / "index.html").write_text(_page("政府信息公开年报", "".join(items[:half]) + '<a href="index_1.html">下一页</a>'),
                                       encoding="utf-8")
    (folder / "index_1.html").write_text(_page("政府信息公开年报", "".join(items[half:])), encoding="utf-8")


def write_sources(path: Path, site: Site) -> Path:
    path.write_text(f"agency,region,level,listing_url\n测试栏目,测试,county,{site.url(COLUMN)}\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Kill:
    """One kill: `command` (run or crawl) killed `delay` seconds after the `at`-th event of `phase`."""

    command: str
    phase: str
    at: int = 1
    delay: float = 0.0

    def __str__(self) -> str:
        return f"{self.command}-{self.phase}-{self.at}-{self.delay:.2f}s"


@dataclass
class Timeline:
    """When each event of a clean run came, in seconds from its start (the windows kills are drawn in)."""

    events: dict[str, list[float]] = field(default_factory=dict)

    def first(self, name: str) -> float:
        return self.events[name][0]

    def window(self, start: str, end: str) -> float:
        return max(0.05, self.first(end) - self.first(start))


# The 20 kills of `make chaos`, in order; CI runs the first few (XXGK_CHAOS_KILLS).
ORDER = [("run", "publishing"), ("run", "loading"), ("crawl", "fetching"), ("run", "extraction"),
         ("run", "fetching"), ("run", "discovery"), ("crawl", "recording"), ("run", "publishing"),
         ("run", "loading"), ("crawl", "discovery"), ("run", "extraction"), ("run", "fetching"),
         ("run", "discovery"), ("run", "publishing"), ("run", "loading"), ("crawl", "fetching"),
         ("run", "extraction"), ("run", "fetching"), ("run", "publishing"), ("run", "loading")]


def plan(n: int, seed: int, clean: Timeline) -> list[Kill]:
    """The first `n` kills of ORDER, each at a random event and delay within the clean run's window of its phase
    (a crawl records its fetches between the last document and the start of extraction)."""
    rng = random.Random(seed)
    windows = {"extraction": ("extraction", "loading"), "loading": ("loading", "publishing"),
               "recording": ("recording", "extraction")}
    kills = []
    for command, phase in (ORDER * (1 + n // len(ORDER)))[:n]:
        if phase == "discovery":
            kills.append(Kill(command, phase, rng.randint(1, 2), rng.uniform(0, 0.1)))
        elif phase == "fetching":
            kills.append(Kill(command, phase, rng.randint(1, DOCUMENTS), rng.uniform(0, 0.1)))
        elif phase == "publishing":
            kills.append(Kill(command, phase, 1, rng.uniform(0, 1.5 * clean.window("publishing", "published"))))
        else:
            kills.append(Kill(command, phase, 1, rng.uniform(0, clean.window(*windows[phase]))))
    return kills


class Watch:
    """Events of one xxgk process, seen from outside: the site's requests, its children, files by the warehouse."""

    def __init__(self, proc: subprocess.Popen, site: Site, db: Path, marker: Path, served_before: int) -> None:
        self.proc, self.site, self.db, self.marker = proc, site, db, marker
        self.start, self.served_before = time.monotonic(), served_before
        self.published_inode: int | None = None
        self.wal_before = 0
        self.timeline = Timeline()

    def poll(self) -> None:
        """Record each event the first time (requests: each time) it is seen."""
        now = time.monotonic() - self.start
        hits = [h.path for h in self.site.hits[self.served_before:] if h.path.startswith(COLUMN)]
        listings = [p for p in hits if re.search(r"/index(_\d+)?\.html$", p) or p == COLUMN]
        documents = [p for p in hits if p not in listings]
        ev = self.timeline.events
        for name, count in (("discovery", len(listings)), ("fetching", len(documents))):
            ev.setdefault(name, [])
            ev[name] += [now] * (count - len(ev[name]))
        if len(documents) >= DOCUMENTS and "recording" not in ev:  # the crawl records its fetches after the last
            ev["recording"] = [ev["fetching"][DOCUMENTS - 1]]
        seen = {
            "extraction": _has_forkserver(self.proc.pid),
            "loading": "extraction" in ev and self._wal_size() > self.wal_before,
            "publishing": self.marker.exists(),
            "published": "publishing" in ev and _inode(self.db) != self.published_inode,
        }
        for name, yes in seen.items():
            if yes and name not in ev:
                ev[name] = [now]
                if name == "publishing":  # the file the load's copy is to replace
                    self.published_inode = _inode(self.db)
                if name == "extraction":  # the schema is written by now: the WAL grows next with a batch
                    self.wal_before = self._wal_size()

    def _wal_size(self) -> int:
        return sum(_size(p) for p in self.db.parent.glob(f".{self.db.name}.*.tmp.wal"))

    def at(self, phase: str, k: int) -> float | None:
        """Seconds (from the start) of the k-th event of `phase`, or None before it came."""
        times = self.timeline.events.get(phase, [])
        return times[k - 1] if len(times) >= k else None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return None


def _has_forkserver(pid: int) -> bool:
    """A child of `pid` is multiprocessing's forkserver: extraction started (extract/isolate.py)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return False
    for tid in tasks:
        try:
            children = Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        for child in children:
            try:
                if b"forkserver" in Path(f"/proc/{child}/cmdline").read_bytes():
                    return True
            except (FileNotFoundError, ProcessLookupError):
                continue
    return False


@dataclass
class Outcome:
    returncode: int
    output: str
    landed: str = ""  # killed: the last phase seen before the kill ("" when it ran to the end)
    timeline: Timeline = field(default_factory=Timeline)


def xxgk(command: str, sources: Path, db: Path, env: dict[str, str], site: Site, kill: Kill | None = None,
         limit: float = 600) -> Outcome:
    """Run `xxgk run|crawl --sources … --db …` to the end, or SIGKILL it at `kill`. The load pauses at its last
    step (XXGK_TEST_PAUSE_IN_LOAD) only until this watcher sees it, except for a loading kill."""
    marker = db.with_name("in-load")
    marker.unlink(missing_ok=True)
    args = [sys.executable, "-m", "flows.cli", command, "--sources", str(sources), "--db", str(db)]
    log = db.with_name(f"{command}.log")
    with open(log, "w") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env={**env, "XXGK_TEST_PAUSE_IN_LOAD": str(marker)},
                                stdout=out, stderr=subprocess.STDOUT)
        watch = Watch(proc, site, db, marker, len(site.hits))
        landed = ""
        while proc.poll() is None:
            watch.poll()
            now = time.monotonic() - watch.start
            if marker.exists() and not (kill and kill.phase == "loading"):
                marker.unlink()
            if kill and kill.phase == "loading" and marker.exists():  # every row in: the last moment of loading
                landed = "loading (its last step)"
            elif kill and (t := watch.at(kill.phase, kill.at)) is not None and now >= t + kill.delay:
                landed = _landed(watch.timeline)
            if landed:
                os.kill(proc.pid, signal.SIGKILL)
                break
            if now > limit:
                proc.kill()
                raise AssertionError(f"xxgk {command} did not end in {limit} s: {log.read_text()[-2000:]}")
            time.sleep(POLL)
        proc.wait(timeout=60)
        watch.poll()
    watch.timeline.events.setdefault("exit", [time.monotonic() - watch.start])
    return Outcome(proc.returncode, log.read_text(), landed, watch.timeline)


def _landed(timeline: Timeline) -> str:
    seen = [(times[0], name) for name, times in timeline.events.items() if times and name != "published"]
    return max(seen)[1] if seen else "start-up"


def fingerprint(db: Path) -> dict[str, object]:
    """Row counts of every table but `fetches` (a crawl's log, one set of rows per crawl), a checksum of
    `facts`, and the URLs the last crawl recorded; {} for no warehouse."""
    if not db.exists():
        return {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_type = "
                                            "'BASE TABLE' AND table_name <> 'fetches' ORDER BY 1").fetchall()]
        out: dict[str, object] = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        out["facts checksum"] = con.execute(
            "SELECT md5(coalesce(string_agg(concat_ws('|', report_id, agency_id, year, table_name, row_key, col_key, "
            "value, cell_status, raw, page, how), chr(10) ORDER BY report_id, table_name, row_key, col_key), '')) "
            "FROM facts").fetchone()[0]
        out["fetched urls"] = con.execute(
            "SELECT count(DISTINCT url) FROM fetches WHERE crawl_id = (SELECT crawl_id FROM fetches "
            "ORDER BY fetched_at DESC LIMIT 1)").fetchone()[0]
        return out
    finally:
        con.close()


def content(fp: dict[str, object]) -> dict[str, object]:
    """A fingerprint without the crawl log: what the documents put in the warehouse."""
    return {k: v for k, v in fp.items() if k != "fetched urls"}


def leftovers(db: Path, raw: Path) -> list[str]:
    """What a killed run may leave that it should not: a writer's private copy or its WAL next to the warehouse,
    a raw-store temporary file, or a raw file whose bytes are not its name's (a partial file)."""
    out = [p.name for p in db.parent.glob(f".{db.name}.*")]
    for p in raw.rglob("*") if raw.exists() else []:
        if p.is_file() and (not p.name.endswith(".bin") or hashlib.sha256(p.read_bytes()).hexdigest() != p.stem):
            out.append(str(p.relative_to(raw)))
    return out
