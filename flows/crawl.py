"""The crawl flow: sources CSV → discovery and polite fetching per listing → raw store + `fetches` table.

Only wiring lives here: discovery is extract/crawl.py, fetching extract/fetch.py, the table load/fetches.py.
"""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta, timezone
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE

from extract.crawl import Crawler, CrawlResult, Fetched
from extract.fetch import Fetcher, FetchSettings, Validators
from extract.rawstore import RawStore
from extract.sources import Source, read_sources
from flows.planning import DEFAULT_DB, DEFAULT_RAW
from load import fetches, warehouse


def _network_error(task, task_run, state) -> bool:
    """Retry a source's crawl only when the network itself broke it, not for a bug of ours."""
    try:
        state.result()
    except (httpx.TransportError, OSError):
        return True
    except Exception:
        return False
    return False


@task(name="crawl-source", retries=2, retry_delay_seconds=[10, 60], retry_condition_fn=_network_error,
      cache_policy=NO_CACHE)
def crawl_source(crawler: Crawler, source: Source) -> CrawlResult:
    result = crawler.crawl(source)
    log = get_run_logger()
    for url, title, reason in result.skipped:
        log.info("skipped %s (%s): %s", url, title, reason)
    for f in result.errors:
        log.warning("fetch failed %s: %s", f.url, f.error)
    return result


@task(name="record-fetches", cache_policy=NO_CACHE)
def record_fetches(results: list[CrawlResult], db: str, crawl_id: str) -> int:
    with warehouse.writing(db) as con:  # published atomically, like every load
        return fetches.record(con, [f.row() for r in results for f in r.fetches], crawl_id)


def prior_validators(db: str) -> dict[str, Validators]:
    return {u: Validators(**v) for u, v in fetches.validators(db).items()}


@dataclass
class CrawlSummary:
    crawl_id: str
    results: list[CrawlResult] = field(default_factory=list)

    @property
    def documents(self) -> list[Fetched]:
        return [d for r in self.results for d in r.documents]

    def counts(self) -> dict[str, int]:
        all_fetches = [f for r in self.results for f in r.fetches]
        return {
            "sources": len(self.results),
            "listing pages": sum(r.listing_pages for r in self.results),
            "requests": len(all_fetches),
            "downloaded": sum(1 for f in all_fetches if f.status == 200 and not f.error),
            "not modified": sum(1 for f in all_fetches if f.status == 304),
            "errors": sum(1 for f in all_fetches if f.error),
            "bytes": sum(f.size for f in all_fetches),
            "documents": len(self.documents),
            "skipped links": sum(len(r.skipped) for r in self.results),
        }


@flow(name="xxgk-crawl", log_prints=False)
def crawl_flow(sources: str, db: str | None = None, raw_root: str | None = None,
               settings: FetchSettings | None = None) -> CrawlSummary:
    """Fetch every listed report into the raw store; conditional GETs make an unchanged site cost no bodies."""
    db = db or str(DEFAULT_DB)
    raw_root = raw_root or os.environ.get("XXGK_RAW", str(DEFAULT_RAW))
    rows = read_sources(Path(sources))
    summary = CrawlSummary(crawl_id=uuid.uuid4().hex[:12])
    with Fetcher(settings) as fetcher:
        since = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=fetcher.settings.recheck_missing_days)
        store = RawStore(raw_root)
        store.sweep()  # what a crawl killed mid-write left
        crawler = Crawler(fetcher, store, prior_validators(db), fetches.recently_missing(db, since))
        futures = crawl_source.map(unmapped(crawler), rows)
        summary.results = [f.result() for f in futures]
    record_fetches(summary.results, db, summary.crawl_id)
    return summary
