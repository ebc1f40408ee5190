"""The benchmark: `xxgk run` over the scaled corpus of bench/generate.py, cold and warm, on 1 and 2 workers,
PDF extraction against the naive pdfplumber baseline, one agency_year query, and cell accuracy of every
generated document against its expected answer. Prints one table and writes bench/results.json.

Why measured this way:
* the flow runs as the user runs it (`xxgk run` in a subprocess, fresh warehouse and raw store), against a
  long-lived Prefect server started once for the benchmark (`prefect server start`, own Prefect home), as a
  nightly deployment runs; task scheduling, Prefect's API calls and loading are part of the figures. A short run
  first lets the server settle and puts the corpus in the page cache, so every measured run starts alike;
* the warm rerun is `xxgk run` as a nightly job runs it: nothing changed, so it answers from the warehouse
  without starting Prefect; the same rerun through the flow (`--always-flow`), with the server and with a
  temporary server Prefect starts for the run, is shown beside it;
* peak memory is measured at n and at n/4 documents (cold, 2 workers): flat means the same peak;
* CPU time is the rusage of the whole process tree (this process is a child subreaper, so orphans such as the
  readers' forkserver are reaped here and counted); peak memory is the largest summed RSS of the process tree,
  sampled from /proc every 0.1 s;
* the time spent extracting is what the 1-worker cold run itself reports (the sum of each document's reading and
  parsing time in its reader process, printed in the run summary); overhead_fraction = 1 - that / the run's wall,
  so Prefect, loading, start-up and handing documents to and from the reader processes are the overhead.
  The same is estimated in this process too (every non-PDF document, and the PDF sample, each read and parsed
  once, without isolation): overhead_fraction_estimate with wall times, overhead_fraction_cpu with CPU times;
* each cold run is made twice, alternately, and the faster kept (the machine is shared);
* the naive baseline ("open the PDF with pdfplumber and call extract_tables() on every page") and xxgk run on the
  same PDFs alternately, so machine load hits both alike; pdf_ratio_vs_naive = xxgk time / naive time;
* accuracy is read back from the cold warehouse (facts), so it checks the whole pipeline, not the parser alone.
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

from bench.generate import DEFAULT_OUT, cells, generate  # noqa: E402

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


def supports_option(option: str) -> bool:
    help_text = subprocess.run([str(XXGK), "run", "--help"], capture_output=True, text=True,
                               env={**os.environ, "COLUMNS": "200"}).stdout
    return option in help_text


def supports_workers() -> bool:
    return supports_option("--workers")


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


def bench(n: int, corpus: Path, work: Path, pdf_sample: int, text_sample: int, regenerate: bool) -> dict:
    info = machine()
    _become_subreaper()
    manifest = corpus / "manifest.json"
    if regenerate or not manifest.exists() or json.loads(manifest.read_text())["documents"] != n:
        generate(n, corpus)
    docs = sorted((corpus / "docs").iterdir())
    workers = supports_workers()
    always_flow = supports_option("--always-flow")
    quarter = work / "quarter_docs"  # the first n/4 documents, for the memory comparison
    subprocess.run(["rm", "-rf", str(quarter)], check=True)
    quarter.mkdir(parents=True)
    for d in docs[: max(1, len(docs) // 4)]:
        (quarter / d.name).symlink_to(d)
    runs: dict[str, dict] = {}
    main_run = "cold_2" if workers else "cold"
    d = work / main_run
    with prefect_server(work / "prefect_home", work / "prefect_server.log") as api:
        # a short run first, so that the server has settled and the corpus is in the page cache for every run
        warmup = work / "warmup"
        subprocess.run(["rm", "-rf", str(warmup)], check=True)
        warmup.mkdir(parents=True)
        run_xxgk(quarter, warmup / "warehouse.duckdb", warmup / "raw", warmup / "run.log", None, work / "prefect_home", api)
        plan = [("cold_1", 1), ("cold_2", 2)] if workers else [("cold", None)]
        # each cold run twice, alternately, keeping the faster: the machine is shared and its speed varies
        for name, w in plan + [(f"{name}_again", w) for name, w in plan] + [("cold_quarter", 2 if workers else None)]:
            run_dir = work / name
            subprocess.run(["rm", "-rf", str(run_dir)], check=True)
            run_dir.mkdir(parents=True)
            runs[name] = run_xxgk(quarter if name == "cold_quarter" else corpus / "docs", run_dir / "warehouse.duckdb",
                                  run_dir / "raw", run_dir / "run.log", w, work / "prefect_home", api)
        for name, _ in plan:
            again = runs.pop(f"{name}_again")
            runs[name] = min(runs[name], again, key=lambda r: r["wall_s"])
        w = 2 if workers else None
        runs["warm"] = run_xxgk(corpus / "docs", d / "warehouse.duckdb", d / "raw", d / "warm.log", w,
                                work / "prefect_home", api)
        if always_flow:  # the same rerun through the flow, so that Prefect records it
            runs["warm_flow"] = run_xxgk(corpus / "docs", d / "warehouse.duckdb", d / "raw", d / "warm_flow.log", w,
                                         work / "prefect_home", api, "--always-flow")
    if always_flow:  # and through the flow without a server: Prefect starts a temporary one for the run
        runs["warm_temporary_server"] = run_xxgk(corpus / "docs", d / "warehouse.duckdb", d / "raw",
                                                 d / "warm_tmp.log", w, work / "prefect_home_tmp", None, "--always-flow")
    cold, seq = runs[main_run], runs["cold_1" if workers else "cold"]
    ex = extraction_pass(docs, pdf_sample, text_sample)
    acc = accuracy(d / "warehouse.duckdb", corpus / "gold")
    query = agency_year_query(d / "warehouse.duckdb")
    return {
        "documents": len(docs),
        "docs_per_s_cold": len(docs) / cold["wall_s"],
        "wall_s_cold": cold["wall_s"],
        "cpu_s_cold": cold["cpu_s"],
        "peak_rss_mb": cold["peak_rss_mb"],
        "peak_rss_mb_quarter": runs["cold_quarter"]["peak_rss_mb"],
        "rss_growth": cold["peak_rss_mb"] / runs["cold_quarter"]["peak_rss_mb"],
        "warm_wall_s": runs["warm"]["wall_s"],
        "warm_fraction": runs["warm"]["wall_s"] / cold["wall_s"],
        "warm_wall_s_flow": runs["warm_flow"]["wall_s"] if "warm_flow" in runs else None,
        "warm_wall_s_temporary_server": runs["warm_temporary_server"]["wall_s"] if "warm_temporary_server" in runs else None,
        # the run's own reading and parsing time when it prints it, else the in-process estimate
        "overhead_fraction": max(0.0, 1 - (seq["reading_s"] or ex["extract_s"]) / seq["wall_s"]),
        "overhead_fraction_estimate": max(0.0, 1 - ex["extract_s"] / seq["wall_s"]),
        "overhead_fraction_cpu": max(0.0, 1 - ex["extract_cpu_s"] / seq["cpu_s"]),
        "pdf_ratio_vs_naive": ex["pdf_s_xxgk"] / ex["pdf_s_naive"] if ex["pdf_s_naive"] else None,
        "speedup_2_workers": runs["cold_1"]["wall_s"] / runs["cold_2"]["wall_s"] if workers else None,
        "accuracy": acc["accuracy"],
        "agency_year_query_s": query["seconds"],
        "machine": info,
        "detail": {"runs": runs, "extraction": ex, "accuracy": acc, "agency_year": query,
                   "corpus": {k: v for k, v in json.loads(manifest.read_text()).items() if k != "docs"},
                   "workers_option": workers},
    }


def print_table(r: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    ex, acc = r["detail"]["extraction"], r["detail"]["accuracy"]
    t = Table(title=f"xxgk benchmark: {r['documents']} documents, {r['machine']['cores']} cores, "
                    f"{r['machine']['memory_gib']} GiB (load {r['machine']['load_avg_at_start'][0]:.1f})")
    t.add_column("measure")
    t.add_column("value", justify="right")
    t.add_column("target")
    na = "n/a (no --workers option yet)"
    rows = [
        ("cold run: documents/s", f"{r['docs_per_s_cold']:.1f}", ""),
        ("cold run: wall / CPU s", f"{r['wall_s_cold']:.1f} / {r['cpu_s_cold']:.1f}", ""),
        ("peak RSS of the process tree, n/4 → n",
         f"{r['peak_rss_mb_quarter']:.0f} → {r['peak_rss_mb']:.0f} MiB (×{r['rss_growth']:.2f})", "flat as n grows"),
        ("extraction RSS after 1/10 → end", f"{ex['rss_mb_after_tenth'] or 0:.0f} → {ex['rss_mb_end']:.0f} MiB", "flat"),
        ("warm rerun / cold wall", f"{r['warm_fraction']:.3f} ({r['warm_wall_s']:.1f} s)", "< 0.05"),
        ("warm rerun through the flow: server / temporary",
         f"{r['warm_wall_s_flow'] or 0:.1f} s / {r['warm_wall_s_temporary_server'] or 0:.1f} s", ""),
        ("flow overhead (not extracting): wall / CPU",
         f"{r['overhead_fraction']:.2f} / {r['overhead_fraction_cpu']:.2f}", "< 0.20"),
        ("PDF: xxgk / naive pdfplumber",
         f"{ex['pdf_s_xxgk']:.2f} s / {ex['pdf_s_naive']:.2f} s = {r['pdf_ratio_vs_naive'] or 0:.2f}"
         f" ({ex['pdf_sampled']} PDFs)", "≤ 0.5"),
        ("speed-up, 2 workers vs 1", na if r["speedup_2_workers"] is None else f"{r['speedup_2_workers']:.2f}", "≥ 1.6"),
        ("cell accuracy vs expected", f"{r['accuracy']:.4f} ({acc['cells_right']}/{acc['cells']})", ""),
        ("documents with a wrong cell / unflagged", f"{acc['docs_with_wrong_cells']} / {acc['silent_wrong_docs']}", "0 unflagged"),
        ("agency_year query", f"{r['agency_year_query_s'] * 1000:.1f} ms", ""),
    ]
    for row in rows:
        t.add_row(*row)
    Console().print(t)


def readme_figures(r: dict) -> str:
    """The Performance section's table of the latest figures (README between the bench:figures markers)."""
    ex, m = r["detail"]["extraction"], r["machine"]
    speedup = "n/a" if r["speedup_2_workers"] is None else f"{r['speedup_2_workers']:.2f}"
    rows = [
        ("documents", f"{r['documents']}", ""),
        ("cold run", f"{r['docs_per_s_cold']:.2f} documents/s, {r['wall_s_cold']:.0f} s wall, {r['cpu_s_cold']:.0f} s CPU", ""),
        ("peak RSS (process tree), n/4 → n", f"{r['peak_rss_mb_quarter']:.0f} → {r['peak_rss_mb']:.0f} MiB "
         f"(×{r['rss_growth']:.2f})", "flat as n grows"),
        ("warm rerun / cold", f"{r['warm_fraction']:.3f} ({r['warm_wall_s']:.1f} s: nothing changed, answered from the "
         "warehouse)", "< 0.05"),
        ("warm rerun through the flow (--always-flow)", f"{r['warm_wall_s_flow'] or 0:.1f} s with the Prefect server, "
         f"{r['warm_wall_s_temporary_server'] or 0:.1f} s when Prefect starts a temporary one", ""),
        ("flow overhead, wall / CPU", f"{r['overhead_fraction']:.3f} / {r['overhead_fraction_cpu']:.3f} (in-process estimate {r.get('overhead_fraction_estimate') or 0:.3f})", "< 0.20"),
        ("PDF: xxgk / naive pdfplumber", f"{r['pdf_ratio_vs_naive']:.2f} ({ex['pdf_s_xxgk']:.2f} s / {ex['pdf_s_naive']:.2f} s "
         f"per PDF, {ex['pdf_sampled']} PDFs)", "≤ 0.5"),
        ("speed-up, 2 workers vs 1", speedup, "≥ 1.6"),
        ("cell accuracy", f"{r['accuracy']:.4f} ({r['detail']['accuracy']['silent_wrong_docs']} documents wrong and unflagged)", ""),
        ("agency_year query", f"{r['agency_year_query_s'] * 1000:.0f} ms", ""),
        ("machine", f"{m['cores']} cores, {m['memory_gib']} GiB, load {m['load_avg_at_start'][0]:.1f} at start, "
                    f"commit {m['commit']}", ""),
    ]
    lines = ["| measure | latest | target |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def update_readme(r: dict, readme: Path = ROOT / "README.md") -> None:
    start, end = "<!-- bench:figures -->", "<!-- /bench:figures -->"
    text = readme.read_text(encoding="utf-8")
    head, _, rest = text.partition(start)
    tail = rest.partition(end)[2] if end in rest else rest
    readme.write_text(f"{head}{start}\n{readme_figures(r)}\n{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="documents in the corpus (default 2000)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--work", type=Path, default=WORK, help="warehouses, raw stores and logs of the runs")
    ap.add_argument("--pdf-sample", type=int, default=30, help="PDFs timed against the naive baseline")
    ap.add_argument("--text-sample", type=int, default=480,
                    help="non-PDF documents timed in-process (0: all); whole copies of the samples")
    ap.add_argument("--regenerate", action="store_true", help="rebuild the corpus even when it has n documents")
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--update-readme", action="store_true",
                    help="only copy the figures of --results into README.md (Performance section)")
    args = ap.parse_args(argv)
    if args.update_readme:
        update_readme(json.loads(args.results.read_text(encoding="utf-8")))
        return
    result = bench(args.n, args.corpus, args.work, args.pdf_sample, args.text_sample, args.regenerate)
    print_table(result)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
