"""The benchmark: `xxgk run` over a real-world mix of formats (bench/mix.py), as growth steps into one
warehouse, a nightly rerun with 1% changed, cold on 1 and 2 workers, PDF extraction against the naive pdfplumber
baseline, scans' OCR cost, one agency_year query, and cell accuracy of every generated document against its
expected answer. Prints the growth table and the targets, and writes bench/results.json.

Why measured this way:
* the flow runs as the user runs it (`xxgk run` in a subprocess), against a long-lived Prefect server started
  once for the benchmark (`prefect server start`, own Prefect home), as a nightly deployment runs; task
  scheduling, Prefect's API calls and loading are part of the figures. A short run first lets the server settle;
* growth (bench/growth.py): cold steps into one warehouse, each adding documents to what the steps before
  loaded, so that each step's load (s per 1,000 documents) and publish (copy, derive, swap: what the run prints)
  are timed against a warehouse already holding more; a step's docs/s is its new documents / its wall; the cold
  wall of n documents is the steps' sum;
* the nightly rerun re-publishes 0.5% of the documents with other bytes and adds 0.5% new ones: its wall over
  the cold wall, and how many documents it extracted (only those);
* the warm rerun is `xxgk run` with nothing changed: it answers from the warehouse without starting Prefect; the
  same rerun through the flow (`--always-flow`), with the server and with a temporary server, beside it;
* peak memory (the largest summed RSS of the process tree, sampled from /proc every 0.1 s) of the last two steps:
  flat means the same peak; CPU time is the rusage of the whole process tree (this process is a child subreaper,
  so orphans such as the readers' forkserver are reaped here and counted);
* overhead_fraction = 1 - (the run's own reading-and-parsing seconds, summed over its reader processes, as its
  summary prints them) / (workers × wall) of the last growth step: Prefect, loading, publishing, start-up,
  handing documents to and from the readers and a worker left idle are the overhead. In-process estimates
  (documents read once without isolation) are reported too;
* the speed-up: the same first documents cold on 1 and on 2 workers, alternately, the faster of each kept;
* scans (bench/ocr_speed.py): OCR CPU seconds per page at 200 dpi on the variant harness's scans; the national-year
  projection combines them with the per-format seconds per document of the largest step (see `projection`);
* the naive baseline ("open the PDF with pdfplumber and call extract_tables() on every page") and xxgk run on the
  same PDFs alternately, so machine load hits both alike; pdf_ratio_vs_naive = xxgk time / naive time;
* accuracy is read back from the warehouse before the nightly rerun (facts), so it checks the whole pipeline.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import DEFAULT_OUT, cells  # noqa: E402
from bench.growth import growth, link, nightly, parse_log  # noqa: E402
from bench.mix import MIX, Maker, formats, generate_mix  # noqa: E402
from bench.ocr_speed import baseline as ocr_baseline, measure as ocr_measure  # noqa: E402
from bench.pool import POOL  # noqa: E402

WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results.json"
XXGK = Path(sys.executable).parent / "xxgk"


class TreeSampler(threading.Thread):
    """Peak summed RSS (MiB) of a process and all its descendants, sampled from /proc."""

    def __init__(self, pid: int, every: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_mb, self._done = pid, every, 0.0, threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak_mb = max(self.peak_mb, sum(_rss_mb(p) for p in _tree(self.pid)))
            self._done.wait(self.every)

    def stop(self) -> float:
        self._done.set()
        self.join()
        return self.peak_mb


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _rss_mb(pid: int | str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_xxgk(docs: Path, db: Path, raw: Path, log: Path, workers: int | None, prefect_home: Path,
             api_url: str | None, *extra: str) -> dict:
    """One `xxgk run` subprocess: wall, CPU (user+sys of the tree) and peak RSS of the tree. With `api_url`
    it reports to that Prefect server; without, Prefect starts a temporary one for the run."""
    cmd = [str(XXGK), "run", "--input", str(docs), "--db", str(db)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    cmd += list(extra)
    env = {**os.environ, "XXGK_RAW": str(raw), "PREFECT_HOME": str(prefect_home),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "COLUMNS": "200",
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}
    env.pop("PREFECT_API_URL", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        rc = proc.wait()
    wall = time.perf_counter() - t0
    peak = sampler.stop()
    _reap_orphans()  # before reading the usage, so that the orphaned readers' CPU counts
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if rc not in (0, 1) or not db.exists() or "Traceback (most recent" in log.read_text(errors="replace"):
        raise SystemExit(f"xxgk run did not complete (exit {rc}); see {log}")  # exit 1 alone: a document failed
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    reading = re.search(r"reading and parsing took ([\d.]+) s", log.read_text(errors="replace"))
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": peak, "exit_code": rc,
            "reading_s": float(reading.group(1)) if reading else None}


@contextmanager
def prefect_server(home: Path, log: Path) -> Iterator[str]:
    """A Prefect server for the benchmark's runs (as a nightly deployment has one); yields its API URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    home.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen([str(XXGK.parent / "prefect"), "server", "start", "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/api"
    _SERVICES.add(proc.pid)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the Prefect server did not start; see {log}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        _SERVICES.discard(proc.pid)


def _become_subreaper() -> None:
    """Orphans of the run (the readers' forkserver outlives its parent) are re-parented to this process, so
    reaping them adds their CPU time, and that of the readers they reaped, to RUSAGE_CHILDREN."""
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


_SERVICES: set[int] = set()  # children that outlive runs (the Prefect server): not orphans of a run


def _reap_orphans(limit_s: float = 30.0) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if not set(_children_of(os.getpid())) - _SERVICES:
                return
            time.sleep(0.05)


def _children_of(parent: int) -> list[int]:
    out = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if int(Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    out.append(int(entry.name))
            except OSError:
                continue
    return out


def extraction_pass(docs: list[Path], pdf_sample: int, text_sample: int) -> dict:
    """Time xxgk's extraction of the first `text_sample` non-PDF documents (whole copies of the samples, in order)
    and of a sample of PDFs, the naive baseline alternating with xxgk on the PDF sample; totals are extrapolated
    to the corpus. RSS of this process after a tenth and at the end shows any accumulation."""
    from flows.pipeline import extract_bytes

    pdfs = [d for d in docs if d.suffix.lower() == ".pdf"]
    sample = pdfs[:: max(1, len(pdfs) // pdf_sample)][:pdf_sample] if pdf_sample else []
    all_texts = [d for d in docs if d.suffix.lower() != ".pdf"]
    texts = all_texts[:text_sample] if text_sample else all_texts
    text_s, text_cpu, xxgk_pdf, xxgk_pdf_cpu, naive_pdf, rss_tenth = 0.0, 0.0, [], [], [], None
    for i, d in enumerate(texts):
        data = d.read_bytes()
        t0, c0 = time.perf_counter(), time.process_time()
        extract_bytes(data, d.name, "")
        text_s, text_cpu = text_s + time.perf_counter() - t0, text_cpu + time.process_time() - c0
        if i == len(texts) // 10:
            rss_tenth = _rss_mb("self")
    for d in sample:
        data = d.read_bytes()
        t0, c0 = time.perf_counter(), time.process_time()
        extract_bytes(data, d.name, "")
        xxgk_pdf.append(time.perf_counter() - t0)
        xxgk_pdf_cpu.append(time.process_time() - c0)
        t0 = time.perf_counter()
        naive_tables(data)
        naive_pdf.append(time.perf_counter() - t0)
    mean_pdf = statistics.mean(xxgk_pdf) if xxgk_pdf else 0.0
    return {
        "extract_s": text_s * len(all_texts) / max(1, len(texts)) + mean_pdf * len(pdfs),
        "extract_cpu_s": text_cpu * len(all_texts) / max(1, len(texts))
        + (statistics.mean(xxgk_pdf_cpu) if xxgk_pdf_cpu else 0.0) * len(pdfs),
        "text_docs": len(all_texts), "text_sampled": len(texts), "text_extract_s": text_s,
        "pdf_docs": len(pdfs), "pdf_sampled": len(sample),
        "pdf_s_xxgk": mean_pdf, "pdf_s_naive": statistics.mean(naive_pdf) if naive_pdf else 0.0,
        "rss_mb_after_tenth": rss_tenth, "rss_mb_end": _rss_mb("self"),
    }


def doc_conversion(pool: Path, rounds: int) -> dict:
    """Seconds per DOC read (LibreOffice conversion and the DOCX reader) with a LibreOffice start per file
    (XXGK_OFFICE_SERVER=0, as before) and through this process's one long-lived LibreOffice, alternately, on
    the DOC pool; the converter's start is timed on its own (the flow pays it once per reader child)."""
    from extract.readers import office_server, read_document

    docs = [d.read_bytes() for d in sorted((pool / "doc").glob("*.doc"))]
    office_server.stop()
    t0 = time.perf_counter()
    read_document(docs[0], "first.doc")
    first = time.perf_counter() - t0
    per_file, server = [], []
    for _ in range(rounds):
        for data in docs:
            for times, switch in ((per_file, "0"), (server, "1")):
                os.environ["XXGK_OFFICE_SERVER"] = switch
                t0 = time.perf_counter()
                read_document(data, "report.doc")
                times.append(time.perf_counter() - t0)
    os.environ.pop("XXGK_OFFICE_SERVER")
    office_server.stop()
    return {"documents": len(docs), "rounds": rounds, "s_per_doc_per_file": statistics.mean(per_file),
            "s_per_doc_server": statistics.mean(server), "first_with_start_s": first,
            "ratio": statistics.mean(server) / statistics.mean(per_file)}


def naive_tables(data: bytes) -> list:
    """The baseline: pdfplumber, extract_tables() on every page."""
    import pdfplumber

    with pdfplumber.open(BytesIO(data)) as pdf:
        return [t for page in pdf.pages for t in page.extract_tables()]


def accuracy(db: Path, gold_dir: Path) -> dict:
    """Cell accuracy of the warehouse against every expected answer; documents with a wrong cell and no flag."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    status = {Path(s).name: st for s, st in con.execute("select source, status from reports").fetchall()}
    got: dict[str, dict] = {}
    for source, t, r, c, v in con.execute(
            "select r.source, f.table_name, f.row_key, f.col_key, f.value from facts f join reports r using (report_id)"
    ).fetchall():
        got.setdefault(Path(source).name, {})[(t, r, c)] = v
    con.close()
    total = right = wrong_docs = silent = 0
    for g in sorted(gold_dir.glob("*.json")):
        doc = g.name[:-5]
        want = cells(json.loads(g.read_text(encoding="utf-8")))
        have = got.get(doc, {})
        ok = sum(1 for k, v in want.items() if k in have and _same(have[k], v))
        total, right = total + len(want), right + ok
        if ok < len(want):
            wrong_docs += 1
            silent += status.get(doc) == "ok"
    return {"cells": total, "cells_right": right, "accuracy": right / total if total else 1.0,
            "docs_with_wrong_cells": wrong_docs, "silent_wrong_docs": silent, "documents_loaded": len(status)}


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))


def agency_year_query(db: Path) -> dict:
    """Median of 3 runs of one query over the warehouse: the agency_year view when it exists, else a
    comparable GROUP BY of facts by agency and year."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    has_view = bool(con.execute("select 1 from duckdb_views() where view_name = 'agency_year'").fetchall())
    query = "select * from agency_year" if has_view else (
        "select r.agency_id, r.year, count(distinct r.report_id) as reports, "
        "sum(f.value) filter (where f.table_name = 'requests' and f.row_key = 'new_received' and f.col_key = 'total') "
        "as received, sum(f.value) filter (where f.table_name = 'requests' and f.row_key = 'granted' "
        "and f.col_key = 'total') as granted from reports r join facts f using (report_id) group by all")
    times, rows = [], 0
    for _ in range(3):
        t0 = time.perf_counter()
        rows = len(con.execute(query).fetchall())
        times.append(time.perf_counter() - t0)
    con.close()
    return {"query": "agency_year view" if has_view else "GROUP BY agency, year (view not on main yet)",
            "seconds": statistics.median(times), "rows": rows}


def machine() -> dict:
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    return {"cores": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1), "load_avg_at_start": os.getloadavg(),
            "python": platform.python_version(), "commit": commit.strip()}


SIZES = (1000, 5000, 20000)  # the growth steps of `make bench`
NIGHTLY_CHANGED = 0.01  # of the documents: half re-published with other bytes, half new
NATIONAL = {"documents": 100_000, "scan_share": 0.05, "cores": 2}  # the projection's year


def _fresh(path: Path) -> Path:
    subprocess.run(["rm", "-rf", str(path)], check=True)
    path.mkdir(parents=True)
    return path


def corpus_of(n: int, corpus: Path, regenerate: bool) -> list[Path]:
    """The mix's first n documents plus the nightly rerun's new ones (made again when the corpus differs)."""
    total = n + nightly_split(n)[1]
    manifest = corpus / "manifest.json"
    old = json.loads(manifest.read_text()) if manifest.exists() else {}
    if regenerate or old.get("documents") != total or old.get("mix") != "real":
        generate_mix(total, corpus)
    return sorted((corpus / "docs").iterdir())


def nightly_split(n: int) -> tuple[int, int]:
    """(re-published, new) documents of the nightly rerun over n: 1% in all."""
    changed = max(2, round(n * NIGHTLY_CHANGED))
    return changed - changed // 2, changed // 2


def republished(docs: list[Path], count: int) -> list[tuple[str, bytes]]:
    """`count` documents spread over the corpus, each made again as a second edition (other bytes)."""
    fmts = formats(len(docs))
    nth, seen = [], dict.fromkeys(fmts, 0)
    for f in fmts:
        nth.append(seen[f])
        seen[f] += 1
    maker = Maker()
    out = []
    for i in range(0, len(docs), max(1, len(docs) // count))[:count]:
        name, data, _, _ = maker.make(i, fmts[i], nth[i], edition=1)
        assert name == docs[i].name, (name, docs[i].name)
        out.append((name, data))
    return out


def _overhead(run: dict, workers: int) -> float | None:
    """Share of the run's worker capacity (workers × wall) not spent reading and parsing documents."""
    return max(0.0, 1 - run["reading_s"] / (workers * run["wall_s"])) if run.get("reading_s") else None


def ocr_cost(scans: int) -> dict:
    """OCR CPU seconds per page at 200 dpi on the variant harness's scans (bench/ocr_speed.py, the OCR issue's
    measure), with the figure before issue #14 beside it; nothing when `scans` is off."""
    if not scans:
        return {"s_per_page": None, "pages": 0, "pages_per_scan": None, "before_14": None}
    got = ocr_measure(("scan_200",))["scan_200"]
    return {**got, "pages_per_scan": got["pages"] / got["scans"], "before_14": ocr_baseline().get("scan_200"),
            "measure": "CPU s/page, scan_200 of bench/ocr_speed.SAMPLES"}


def projection(step: dict, shares: dict[str, float], overhead: float, ocr: dict) -> dict:
    """Hours for a national year (NATIONAL) on its cores, from the measured per-format seconds per document
    (worker time, largest step) and OCR seconds per page, the non-reading share of wall as measured."""
    per_doc = sum(share * step["s_per_doc_by_format"].get(f, 0.0) for f, share in shares.items())
    docs = NATIONAL["documents"]
    scans = docs * NATIONAL["scan_share"]
    scan_s = scans * (ocr["pages_per_scan"] or 0) * (ocr["s_per_page"] or 0)
    hours = (docs * per_doc + scan_s) / NATIONAL["cores"] / max(0.05, 1 - overhead) / 3600
    return {"hours": hours, "mix_s_per_doc": per_doc, "scan_hours_alone": scan_s / NATIONAL["cores"] / 3600,
            "hours_from_docs_per_s": (docs / step["docs_per_s"] + scan_s / NATIONAL["cores"]) / 3600, **NATIONAL}


def bench(sizes: list[int], corpus: Path, work: Path, pdf_sample: int, text_sample: int, regenerate: bool,
          speedup_n: int, repeat: int, scans: int, doc_rounds: int) -> dict:
    info = machine()
    _become_subreaper()
    n = max(sizes)
    docs = corpus_of(n, corpus, regenerate)
    base, added = docs[:n], docs[n:]
    changed = republished(base, nightly_split(n)[0])
    home = work / "prefect_home"
    runs: dict[str, dict] = {}
    g = _fresh(work / "growth")
    db = g / "warehouse.duckdb"
    with prefect_server(home, work / "prefect_server.log") as api:
        def run(folder: Path, wh: Path, log: Path, workers: int = 2, *extra: str) -> dict:
            r = run_xxgk(folder, wh, wh.parent / "raw", log, workers, home, api, *extra)
            return {**r, **parse_log(log.read_text(errors="replace"))}

        # a short run first, so that the server has settled and the pool is in the page cache
        w = _fresh(work / "warmup")
        link(base[:40], w / "input")
        run(w / "input", w / "warehouse.duckdb", w / "run.log")
        # speed-up: the same slice cold on 1 and on 2 workers, alternately, the faster of `repeat` kept
        for i in range(repeat):
            for workers in (1, 2):
                d = _fresh(work / f"cold_{workers}_{i}")
                link(base[:speedup_n], d / "input")
                r = run(d / "input", d / "warehouse.duckdb", d / "run.log", workers)
                name = f"cold_{workers}"
                runs[name] = min(runs.get(name, r), r, key=lambda x: x["wall_s"])
        steps = growth(base, sizes, g / "input", db, lambda folder, log: run(folder, db, log))
        runs["warm"] = run(g / "input", db, g / "warm.log")
        runs["warm_flow"] = run(g / "input", db, g / "warm_flow.log", 2, "--always-flow")
        acc = accuracy(db, corpus / "gold")
        query = agency_year_query(db)
        runs["nightly"] = nightly(g / "input", changed, added, g / "nightly.log",
                                  lambda folder, log: run(folder, db, log))
    runs["warm_temporary_server"] = run_xxgk(g / "input", db, g / "raw", g / "warm_tmp.log", 2,
                                             work / "prefect_home_tmp", None, "--always-flow")
    ex = extraction_pass(base[:speedup_n], pdf_sample, text_sample)
    ocr = ocr_cost(scans)
    doc = doc_conversion(POOL, doc_rounds)
    cold_wall, cold_cpu = sum(s["wall_s"] for s in steps), sum(s["cpu_s"] for s in steps)
    last, seq = steps[-1], runs["cold_1"]
    quarter = steps[-2] if len(steps) > 1 else last
    manifest = json.loads((corpus / "manifest.json").read_text())
    mix = {f: sum(1 for d in manifest["docs"][:n] if d["format"] == f) for f in
           sorted({d["format"] for d in manifest["docs"]})}
    overhead = _overhead(last, 2) or 0.0
    nightly_run = runs["nightly"]
    return {
        "documents": n,
        "docs_per_s_cold": n / cold_wall,
        "wall_s_cold": cold_wall,
        "cpu_s_cold": cold_cpu,
        "peak_rss_mb": last["peak_rss_mb"],
        "peak_rss_mb_quarter": quarter["peak_rss_mb"],
        "rss_growth": last["peak_rss_mb"] / quarter["peak_rss_mb"],
        "warm_wall_s": runs["warm"]["wall_s"],
        "warm_fraction": runs["warm"]["wall_s"] / cold_wall,
        "warm_wall_s_flow": runs["warm_flow"]["wall_s"],
        "warm_wall_s_temporary_server": runs["warm_temporary_server"]["wall_s"],
        "overhead_fraction": overhead,
        "overhead_fraction_1_worker": _overhead(seq, 1),
        "overhead_fraction_estimate": max(0.0, 1 - ex["extract_s"] / seq["wall_s"]),
        "overhead_fraction_cpu": max(0.0, 1 - ex["extract_cpu_s"] / seq["cpu_s"]),
        "pdf_ratio_vs_naive": ex["pdf_s_xxgk"] / ex["pdf_s_naive"] if ex["pdf_s_naive"] else None,
        "speedup_2_workers": seq["wall_s"] / runs["cold_2"]["wall_s"],
        "speedup_documents": min(speedup_n, n),
        "accuracy": acc["accuracy"],
        "agency_year_query_s": query["seconds"],
        "mix": mix,
        "mix_target": MIX,
        "growth": steps,
        "nightly_1pct_fraction": nightly_run["wall_s"] / cold_wall,
        "nightly": {"wall_s": nightly_run["wall_s"], "republished": len(changed), "new": len(added),
                    "extracted": nightly_run.get("extracted"), "changed_seen": nightly_run.get("changed"),
                    "new_seen": nightly_run.get("new"), "unchanged": nightly_run.get("unchanged"),
                    "publish_s": nightly_run.get("publish_s"), "load_s": nightly_run.get("load_s")},
        "ocr_s_per_page": ocr["s_per_page"],
        "doc_s_per_doc": {"per_file": doc["s_per_doc_per_file"], "server": doc["s_per_doc_server"],
                          "ratio": doc["ratio"]},
        "national_year_projection_h": projection(last, {f: c / n for f, c in mix.items()}, overhead, ocr)["hours"],
        "machine": info,
        "detail": {"runs": runs, "extraction": ex, "doc_conversion": doc, "accuracy": acc, "agency_year": query, "ocr": ocr,
                   "projection": projection(last, {f: c / n for f, c in mix.items()}, overhead, ocr),
                   "corpus": {k: v for k, v in manifest.items() if k != "docs"}, "workers_option": True},
    }


def _f(x: float | None, spec: str = ".2f") -> str:
    return "—" if x is None else format(x, spec)


def growth_rows(r: dict) -> tuple[list[str], list[list[str]]]:
    """The growth table: one row per step (n documents held after it)."""
    fmts = sorted({f for s in r["growth"] for f in s["s_per_doc_by_format"]})
    head = ["n", "new docs", "docs/s", *[f"s/doc {f}" for f in fmts], "load s/1k", "publish s (copy+derive+swap)",
            "warehouse MiB", "peak RSS MiB"]
    rows = [[f"{s['n']:,}", f"{s['new_documents']:,}", f"{s['docs_per_s']:.2f}",
             *[_f(s["s_per_doc_by_format"].get(f), ".3f") for f in fmts], _f(s["load_s_per_1000"]),
             f"{_f(s['publish_s'])} ({_f(s['copy_s'])}+{_f(s['derive_s'])}+{_f(s['swap_s'])})",
             f"{s['warehouse_mib']:.0f}", f"{s['peak_rss_mb']:.0f}"] for s in r["growth"]]
    return head, rows


def target_rows(r: dict) -> list[tuple[str, str, str]]:
    """(measure, value, target) of the issue's targets, then the figures kept from earlier benchmarks."""
    ex, acc, nt, m = r["detail"]["extraction"], r["detail"]["accuracy"], r["nightly"], r["machine"]
    first, last = r["growth"][0], r["growth"][-1]
    proj = r["detail"]["projection"]
    mix = ", ".join(f"{f} {c}" for f, c in r["mix"].items())
    return [
        ("mix (documents per format)", mix, "45% HTML, 40% PDF, 5% DOCX, 5% DOC, 5% text"),
        ("cold, all steps", f"{r['documents']:,} documents, {r['docs_per_s_cold']:.2f} documents/s, "
                            f"{r['wall_s_cold']:.0f} s wall, {r['cpu_s_cold']:.0f} s CPU", ""),
        ("load s per 1,000 documents, first → last step", f"{_f(first['load_s_per_1000'])} → {_f(last['load_s_per_1000'])}",
         "flat as the warehouse grows"),
        ("publish s, first → last step", f"{_f(first['publish_s'])} → {_f(last['publish_s'])} (copy {_f(first['copy_s'])} "
                                         f"→ {_f(last['copy_s'])})", "flat as the warehouse grows"),
        ("peak RSS, last two steps", f"{r['peak_rss_mb_quarter']:.0f} → {r['peak_rss_mb']:.0f} MiB (×{r['rss_growth']:.2f})",
         "flat"),
        ("nightly rerun, 1% changed / cold", f"{r['nightly_1pct_fraction']:.3f} ({nt['wall_s']:.0f} s; "
         f"{nt['republished']} re-published + {nt['new']} new, {nt['extracted']} extracted)", "< 0.05, only those extracted"),
        ("warm rerun (nothing changed) / cold", f"{r['warm_fraction']:.4f} ({r['warm_wall_s']:.1f} s; through the flow "
         f"{r['warm_wall_s_flow']:.1f} s, temporary server {r['warm_wall_s_temporary_server']:.1f} s)", "< 0.05"),
        ("speed-up, 2 workers vs 1", f"{r['speedup_2_workers']:.2f} ({r['speedup_documents']:,} documents)", "≥ 1.8"),
        ("flow overhead at the last step (2 workers)", f"{r['overhead_fraction']:.3f} (1 worker: "
         f"{_f(r['overhead_fraction_1_worker'], '.3f')})", "< 0.10"),
        ("scans (OCR CPU s/page, 200 dpi)", f"{_f(r['ocr_s_per_page'])} ({r['detail']['ocr']['pages']} pages; before #14: "
         f"{_f(r['detail']['ocr']['before_14'])})", "≤ 3"),
        ("national year projection", f"{r['national_year_projection_h']:.1f} h ({proj['documents']:,} documents + "
         f"{proj['scan_share']:.0%} scans, {proj['cores']} cores; scans alone {proj['scan_hours_alone']:.1f} h)", "< 3 h"),
        ("DOC read: one LibreOffice / a start per file", f"{r['doc_s_per_doc']['ratio']:.2f} "
         f"({r['doc_s_per_doc']['server']:.2f} s / {r['doc_s_per_doc']['per_file']:.2f} s per DOC, "
         f"{r['detail']['doc_conversion']['documents']} DOCs × {r['detail']['doc_conversion']['rounds']}; the "
         f"converter's start {r['detail']['doc_conversion']['first_with_start_s']:.2f} s)", ""),
        ("PDF: xxgk / naive pdfplumber", f"{_f(r['pdf_ratio_vs_naive'])} ({ex['pdf_s_xxgk']:.2f} s / "
         f"{ex['pdf_s_naive']:.2f} s per PDF, {ex['pdf_sampled']} PDFs)", "≤ 0.5"),
        ("cell accuracy", f"{r['accuracy']:.4f} ({acc['docs_with_wrong_cells']} documents with a wrong cell, "
                          f"{acc['silent_wrong_docs']} unflagged)", ""),
        ("agency_year query", f"{r['agency_year_query_s'] * 1000:.0f} ms", ""),
        ("machine", f"{m['cores']} cores, {m['memory_gib']} GiB, load {m['load_avg_at_start'][0]:.1f} at start, "
                    f"commit {m['commit']}", ""),
    ]


def print_table(r: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=220)
    head, rows = growth_rows(r)
    t = Table(title=f"growth: cold steps into one warehouse ({r['machine']['cores']} cores, 2 workers)")
    for h in head:
        t.add_column(h, justify="right")
    for row in rows:
        t.add_row(*row)
    console.print(t)
    t = Table(title="xxgk benchmark: targets")
    for h in ("measure", "value", "target"):
        t.add_column(h)
    for row in target_rows(r):
        t.add_row(*row)
    console.print(t)


def readme_figures(r: dict) -> str:
    """The Performance section's tables (README between the bench:figures markers)."""
    head, rows = growth_rows(r)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(x) + " |" for x in rows]
    lines += ["", "| measure | latest | target |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in target_rows(r)]
    return "\n".join(lines)


FIGURES = (ROOT / "README.md", ROOT / "docs" / "benchmarks.md")  # files quoting the figures between the markers


def update_readme(r: dict, files: tuple[Path, ...] = FIGURES) -> None:
    """Copy the figures into each file's block between the bench:figures markers (a file without them is left)."""
    start, end = "<!-- bench:figures -->", "<!-- /bench:figures -->"
    for f in files:
        text = f.read_text(encoding="utf-8")
        if start in text and end in text:
            head, _, rest = text.partition(start)
            f.write_text(f"{head}{start}\n{readme_figures(r)}\n{end}{rest.partition(end)[2]}", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                    help="growth steps: documents held after each cold step (default 1000 5000 20000)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--work", type=Path, default=WORK, help="warehouses, raw stores and logs of the runs")
    ap.add_argument("--speedup-n", type=int, default=2000, help="documents of the 1- vs 2-worker runs")
    ap.add_argument("--repeat", type=int, default=2, help="1- and 2-worker runs each, alternately; the faster kept")
    ap.add_argument("--scans", type=int, default=1, help="0: skip the OCR seconds per page (bench/ocr_speed.py)")
    ap.add_argument("--doc-rounds", type=int, default=3, help="rounds over the DOC pool, a start per file vs one "
                                                              "LibreOffice (at least 1)")
    ap.add_argument("--pdf-sample", type=int, default=20, help="PDFs timed against the naive baseline")
    ap.add_argument("--text-sample", type=int, default=100, help="non-PDF documents timed in-process (0: all)")
    ap.add_argument("--regenerate", action="store_true", help="rebuild the corpus even when it has n documents")
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--update-readme", action="store_true",
                    help="only copy the figures of --results into README.md and docs/benchmarks.md")
    args = ap.parse_args(argv)
    if args.update_readme:
        update_readme(json.loads(args.results.read_text(encoding="utf-8")))
        return
    result = bench(args.sizes, args.corpus, args.work, args.pdf_sample, args.text_sample, args.regenerate,
                   args.speedup_n, args.repeat, args.scans, max(1, args.doc_rounds))
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print_table(result)


if __name__ == "__main__":
    main()
