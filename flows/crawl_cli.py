"""`xxgk crawl --sources FILE [--out DIR]`: fetch only, into the raw store, with a summary of what came."""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from flows.app import fail, quiet_prefect, say


def crawl(
    sources: Annotated[Path, typer.Option("--sources", help="sources CSV")],
    out: Annotated[Optional[Path], typer.Option("--out", help="raw store folder (default data/raw)")] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="warehouse holding the fetches table")] = None,
    delay: Annotated[Optional[float], typer.Option("--delay", help="seconds between requests to one host")] = None,
    timeout: Annotated[Optional[float], typer.Option("--timeout", help="seconds per request")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Prefect's own log lines too")] = False,
) -> None:
    """Crawl the listing pages of a sources file: new and changed reports into the raw store."""
    quiet_prefect(verbose)
    from extract.fetch import FetchSettings
    from extract.sources import SourcesError, read_sources
    from flows.crawl import crawl_flow
    from flows.planning import DEFAULT_DB

    try:
        read_sources(sources)
    except SourcesError as e:
        raise fail(e)
    settings = FetchSettings.from_env()
    settings = replace(settings, **{k: v for k, v in {"delay": delay, "timeout": timeout}.items() if v is not None})
    summary = crawl_flow(str(sources), db=str(db or DEFAULT_DB), raw_root=str(out) if out else os.environ.get("XXGK_RAW"),
                         settings=settings)
    for r in summary.results:
        for url, title, reason in r.skipped:
            say(f"skipped {title} {url}: {reason}", "dim")
        for f in r.errors:
            say(f"error {f.url}: {f.error}", "yellow")
    say(f"crawl {summary.crawl_id}: " + ", ".join(f"{k} {v}" for k, v in summary.counts().items()))
