"""The main Prefect flow: discover → extract+transform per document → load → summary.

Only wiring lives here: each step is a plain function of extract/, transform/ or load/.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task

from extract.document import ReadError
from extract.isolate import read_isolated
from extract.limits import read_file
from extract.rawstore import RawStore
from extract.readers import read_document
from extract.sources import discover
from load import fetches, warehouse
from load.rows import report_rows
from transform import PARSER_VERSION, to_report
from transform.report import Report

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "warehouse.duckdb"
DEFAULT_SAMPLES = ROOT / "data" / "samples"
DEFAULT_RAW = ROOT / "data" / "raw"


def source_name(path: Path) -> str:
    """How a local document is named in the warehouse: relative to the working folder when inside it."""
    p = path.resolve()
    try:
        return str(p.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def extract_bytes(data: bytes, source: str, sha256: str, isolate: bool = False) -> Report:
    """Bytes → Report; any failure becomes a failed Report carrying a specific error.
    With `isolate`, the reader runs in a child process under the time limit (extract/isolate.py)."""
    try:
        doc = read_isolated(data, source) if isolate else read_document(data, source)
        return to_report(doc, source, sha256)
    except ReadError as e:
        return Report(source=source, sha256=sha256, error=str(e))
    except Exception as e:  # a bug of ours must not stop the run; the error names it
        return Report(source=source, sha256=sha256, error=f"internal error: {type(e).__name__}: {e}"[:500])


@task(name="extract-document")
def extract_document(path: str, raw_root: str) -> Report:
    p = Path(path)
    source = source_name(p)
    try:
        data = read_file(p)
    except OSError as e:
        return Report(source=source, error=f"cannot read file: {e.strerror or e}")
    except ReadError as e:
        return Report(source=source, error=str(e))
    sha = RawStore(raw_root).put(data)
    return extract_bytes(data, source, sha, isolate=True)


@task(name="extract-fetched")
def extract_fetched(url: str, sha256: str, raw_root: str) -> Report:
    """A crawled document: its source is the URL, its bytes come from the raw store."""
    return extract_bytes(RawStore(raw_root).get(sha256), url, sha256)


def changed_documents(docs: list, db: str) -> list:
    """Crawled documents whose bytes (or our parser) differ from the warehouse's version of that URL:
    a nightly re-crawl of unchanged sites re-extracts nothing."""
    con = warehouse.connect(db)
    try:
        loaded = fetches.loaded_versions(con, [d.url for d in docs])
    finally:
        con.close()
    return [d for d in docs if loaded.get(d.url) != (d.sha256, PARSER_VERSION)]


def crawl_and_extract(sources: str, db: str, raw_root: str, every: bool) -> list[Report]:
    """Crawl the sources file, then extract what changed (`every`: all fetched documents)."""
    from flows.crawl import crawl_flow  # flows.crawl imports this module's defaults

    docs = crawl_flow(sources, db=db, raw_root=raw_root).documents
    docs = docs if every else changed_documents(docs, db)
    futures = extract_fetched.map([d.url for d in docs], [d.sha256 for d in docs], raw_root)
    return [f.result() for f in futures]


@task(name="load-warehouse")
def load_reports(reports: list[Report], db: str, year: int | None) -> dict[str, int]:
    with warehouse.writing(db) as con:  # a private copy, swapped in atomically: readers never wait
        warehouse.load(con, (report_rows(r, PARSER_VERSION) for r in reports), replace_year=year)
        return warehouse.counts(con)


@dataclass
class Summary:
    documents: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    db: str = ""

    @property
    def exit_code(self) -> int:
        return 1 if self.by_status.get("failed") else 0


def summarize(reports: list[Report], counts: dict[str, int], db: str) -> Summary:
    s = Summary(documents=len(reports), counts=counts, db=db)
    for r in reports:
        s.by_status[r.status] = s.by_status.get(r.status, 0) + 1
        if r.status == "failed":
            s.failed.append((r.source, r.error or ""))
        s.rows.append({
            "source": r.source, "agency": r.agency, "year": r.year, "template": r.template, "status": r.status,
            "received": r.get("requests", "new_received", "total"),
            "granted": r.get("requests", "granted", "total"),
            "checks_failed": sum(1 for c in r.checks if not c.ok),
            "confidence": r.confidence,
        })
    return s


@flow(name="xxgk-run", log_prints=False)
def run_flow(inputs: list[str] | None = None, db: str | None = None, year: int | None = None,
             raw_root: str | None = None, sources: str | None = None) -> Summary:
    db = db or str(DEFAULT_DB)
    raw_root = raw_root or os.environ.get("XXGK_RAW", str(DEFAULT_RAW))
    reports = crawl_and_extract(sources, db, raw_root, every=year is not None) if sources else []
    if inputs or not sources:
        paths = discover([Path(p) for p in (inputs or [str(DEFAULT_SAMPLES)])])
        futures = extract_document.map([str(p) for p in paths], raw_root)
        reports += [f.result() for f in futures]
    if year is not None:
        reports = [r for r in reports if r.year == year]
    counts = load_reports(reports, db, year)
    return summarize(reports, counts, db)
