"""The main Prefect flow: discover → ingest into the raw store → plan (the warehouse is the cache)
→ extract+transform in batches on the chosen runner, each batch loaded as it completes → publish → summary.

Only wiring lives here: each step is a plain function of extract/, transform/ or load/.
"""
from __future__ import annotations

import math
import os
import queue
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from extract.document import ReadError
from extract.isolate import close_children, map_isolated, run_isolated
from extract.limits import read_file
from extract.rawstore import RawStore
from extract.sources import discover
from flows import progress
from flows.extraction import document_report, failed, stored_report
from flows.planning import (DEFAULT_DB, DEFAULT_RAW, DEFAULT_SAMPLES, Item, plan, source_name, vanished,
                            warehouse_counts)
from flows.runners import task_runner
from flows.summary import Summary, report_row, stored_row, summarize, to_markdown
from load import warehouse
from load.catalog import stored_reports
from load.rows import report_rows
from transform import PARSER_VERSION
from transform.report import Report

def extract_bytes(data: bytes, source: str, sha256: str, isolate: bool = False) -> Report:
    """Bytes → Report; any failure becomes a failed Report carrying a specific error.
    With `isolate`, reading, parsing and checks run in a child process under the time limit
    (extract/isolate.py), so that `workers` documents use `workers` cores."""
    if not isolate:
        return document_report(data, source, sha256)
    try:
        return run_isolated(document_report, data, source, sha256)
    except ReadError as e:  # the child ran over the time limit or died
        return Report(source=source, sha256=sha256, error=str(e))
    except Exception as e:
        return failed(source, sha256, "internal error", e)


@task(name="ingest-files", cache_policy=NO_CACHE)
def ingest_files(paths: list[str], raw_root: str) -> tuple[list[Item], list[Report]]:
    """Local files into the raw store; an unreadable or oversized file becomes a failed Report.
    No retries: a local read that failed once fails again."""
    store = RawStore(raw_root)
    store.sweep()  # what a run killed mid-write left
    items: list[Item] = []
    unreadable: list[Report] = []
    for p in map(Path, paths):
        source = source_name(p)
        try:
            items.append(Item(source, store.put(read_file(p))))
        except OSError as e:
            unreadable.append(Report(source=source, error=f"cannot read file: {e.strerror or e}"))
        except ReadError as e:
            unreadable.append(Report(source=source, error=str(e)))
    return items, unreadable


# No retries: a parse error is deterministic, retrying it only repeats it (network retries live in
# the crawl flow). No Prefect cache: the warehouse is the cache (see `plan`).
@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(docs: list[tuple[str, str]], raw_root: str) -> list[Report]:
    """(source, sha256) documents of the raw store (local files or crawled URLs), one after the other,
    in this worker's reader child under the per-document time limit: one task per batch, not per document,
    so that Prefect's per-task cost is paid once per batch. One document's failure is its own failed Report."""
    reports = []
    results = map_isolated(stored_report, [(raw_root, source, sha256) for source, sha256 in docs])
    for (source, sha256), (kind, payload) in zip(docs, results):
        if kind == "ok":
            reports.append(payload)
        elif isinstance(payload, ReadError):  # the child ran over the time limit or died
            reports.append(Report(source=source, sha256=sha256, error=str(payload)))
        else:
            reports.append(failed(source, sha256, "internal error", payload))
    return reports


BATCH_MAX = 50


def batches(todo: list[Item], workers: int) -> list[list[Item]]:
    """About eight batches per worker (so that the last batch does not leave the other workers idle for long),
    of at most BATCH_MAX documents (so that progress advances and a crashed worker loses little)."""
    size = max(1, min(BATCH_MAX, math.ceil(len(todo) / (8 * workers))))
    return [todo[i:i + size] for i in range(0, len(todo), size)]


def extracted_batches(todo: list[tuple[Item, str]], raw_root: str, runner: str, workers: int | None,
                      address: str | None) -> Iterator[list[Report]]:
    """Extract every planned document on the task runner, in batches (see `batches`), yielding each batch's
    Reports as it completes, so that they are loaded and dropped while the others are read; the documents
    of a task that itself broke (a worker process died) become failed Reports, the others go on."""
    if not todo:
        return
    chunks = batches([it for it, _ in todo], workers or os.cpu_count() or 1)
    try:
        with task_runner(runner, workers, address) as tr:
            # not prefect.futures.as_completed: it keeps every future, and so every batch's Reports, until the
            # last one finishes; a finished future here is let go once its batch is loaded
            finished: queue.SimpleQueue = queue.SimpleQueue()
            for chunk in chunks:
                tr.submit(extract_batch, {"docs": [(it.source, it.sha256) for it in chunk], "raw_root": raw_root}
                          ).add_done_callback(lambda f, chunk=chunk: finished.put((f, chunk)))
            for _ in chunks:
                f, chunk = finished.get()
                try:
                    reports = f.result()
                except Exception as e:  # the task itself broke (a worker process died): its documents fail
                    reports = [failed(it.source, it.sha256, "extraction crashed", e) for it in chunk]
                progress.report("advance", len(chunk))
                yield reports
    finally:
        close_children()  # the local runner's threads are gone; their reader children go too


@task(name="publish-warehouse", cache_policy=NO_CACHE)
def publish_load(loading: warehouse.Load) -> dict[str, int]:
    """Derive agencies and primary reports and commit; warehouse.writing then swaps the private copy in."""
    loading.finish()
    return warehouse.counts(loading.con)


def crawled_items(sources: str, db: str, raw_root: str) -> list[Item]:
    """Crawl the sources file into the raw store; each fetched report is an Item named by its URL."""
    from flows.crawl import crawl_flow  # flows.crawl imports this module's defaults

    return [Item(d.url, d.sha256, tuple(d.attachments), d.published_on)
            for d in crawl_flow(sources, db=db, raw_root=raw_root).documents]


def wrapper_page(report: Report, attachments: tuple[str, ...]) -> Report:
    """A report page that only wraps its attachments (no table read on the page itself) is skipped, not
    failed: the report is judged in the attachment, where a failure is recorded if there is one."""
    if attachments and report.status == "failed" and not report.cells:
        report.skip_reason = f"no tables on the page itself ({report.error}); the report is in {', '.join(attachments)}"
        report.error = None
    return report


def dated(report: Report, page_date: date | None) -> Report:
    """A crawled document takes the date its detail page states (an attachment: the page that links it)."""
    if page_date and report.status != "failed":
        report.published_on, report.published_on_source = page_date, "page"
    return report


@flow(name="xxgk-run", log_prints=False)
def run_flow(inputs: list[str] | None = None, db: str | None = None, year: int | None = None,
             raw_root: str | None = None, sources: str | None = None, force: bool = False,
             runner: str = "local", workers: int | None = None, address: str | None = None,
             prune: bool = False) -> Summary:
    """Process the inputs (default: the bundled samples, unless `sources` is crawled) into the warehouse.

    `year` re-extracts and replaces only that year; `force` re-extracts unchanged documents too;
    `runner` is "local" (`workers` documents at a time, default one per core) or "dask" (a
    LocalCluster of `workers` processes, or the scheduler at `address`). Reports of the input folders whose
    file is gone are listed in the summary; `prune` removes them from the warehouse (raw bytes stay)."""
    db = db or str(DEFAULT_DB)
    raw_root = raw_root or os.environ.get("XXGK_RAW", str(DEFAULT_RAW))
    items = crawled_items(sources, db, raw_root) if sources else []
    unreadable: list[Report] = []
    gone: dict[str, str] = {}
    if inputs or not sources:
        paths = discover([Path(p) for p in (inputs or [str(DEFAULT_SAMPLES)])])
        gone = vanished([Path(p) for p in inputs] if inputs else None, {source_name(p) for p in paths}, db)
        local, unreadable = ingest_files([str(p) for p in paths], raw_root)
        items += local
    stored = stored_reports(db, [it.source for it in items] + [r.source for r in unreadable])
    work = plan(items, stored, force, year)
    why = {it.source: w for it, w in work.todo}
    why.update({r.source: "changed" if r.source in stored else "new" for r in unreadable})
    attachments = {it.source: it.attachments for it in items}
    page_dates = {it.source: it.published_on for it in items if it.published_on}
    rows: list[dict] = []

    def loadable(reports: list[Report]) -> list[Report]:
        reports = [dated(wrapper_page(r, attachments.get(r.source, ())), page_dates.get(r.source)) for r in reports]
        if year is not None:  # new documents had to be read to learn their year; only Y's are loaded
            work.other_years += sum(1 for r in reports if r.year != year)
            reports = [r for r in reports if r.year == year]
        rows.extend(report_row(r, why[r.source]) for r in reports)
        return reports

    progress.report("start", len(work.todo))
    timings = warehouse.Timings()
    if work.todo or unreadable or year is not None or not Path(db).exists() or (prune and gone):
        with warehouse.writing(db, timings) as con:  # a private copy, swapped in atomically: readers never wait
            loading = warehouse.Load(con, replace_year=year, keep=[s.report_id for s in work.kept], timings=timings)
            if prune:
                loading.remove(gone.values())
            # the flow's process is the one writer of DuckDB, whatever the runner; each batch is loaded as it
            # comes (a plain call: a task per batch cost more than the load itself)
            loading.add(report_rows(r, PARSER_VERSION) for r in loadable(unreadable))
            for reports in extracted_batches(work.todo, raw_root, runner, workers, address):
                loading.add(report_rows(r, PARSER_VERSION) for r in loadable(reports))
            counts = publish_load(quote(loading))
    else:  # nothing changed: the warehouse file is left as it is
        counts = warehouse_counts(db)
    summary = summarize(rows + [stored_row(s) for s in work.kept],
                        counts, db, year, work.other_years)
    summary.vanished, summary.pruned = sorted(gone), prune and bool(gone)
    summary.timings = timings
    create_markdown_artifact(markdown=to_markdown(summary), key="xxgk-run-summary",
                             description=f"xxgk run: {summary.documents} documents")
    return summary
