"""What a run has to do, decided before any orchestration: the warehouse is the cache.

Plain functions, no Prefect: the run flow plans with them, and `xxgk run` first asks
`unchanged_summary` whether anything changed at all. A nightly run over files that did not
change then ends in about a second instead of starting Prefect to find that out.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from extract.document import ReadError
from extract.limits import read_file
from extract.sources import discover
from flows.summary import Summary, stored_row, summarize
from load import warehouse
from load.catalog import Stored, stored_reports, stored_under
from transform import PARSER_VERSION

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


@dataclass(frozen=True)
class Item:
    """A document in the raw store, under the name the warehouse knows it by."""

    source: str
    sha256: str
    attachments: tuple[str, ...] = ()  # a crawled page's attachment URLs
    published_on: date | None = None  # the date its detail page states (crawled documents)


@dataclass
class Plan:
    todo: list[tuple[Item, str]]  # (document, why it is extracted: new / changed / reparsed / forced)
    kept: list[Stored]  # unchanged documents in scope: neither extracted nor reloaded
    other_years: int = 0  # known documents of other years a --year run leaves alone


def plan(items: list[Item], stored: dict[str, Stored], force: bool, year: int | None) -> Plan:
    """What to extract. A document whose stored sha256 and parser_version equal today's is
    unchanged and not extracted unless `force`; with `year`, a known document of another year
    (its year read from the warehouse, not from the document) is out of scope."""
    out = Plan([], [])
    for it in items:
        s = stored.get(it.source)
        if year is not None and s is not None and s.year != year:
            out.other_years += 1
        elif s is None:
            out.todo.append((it, "new"))
        elif s.sha256 != it.sha256:
            out.todo.append((it, "changed"))
        elif s.parser_version != PARSER_VERSION:
            out.todo.append((it, "reparsed"))
        elif force:
            out.todo.append((it, "forced"))
        else:
            out.kept.append(s)
    return out


def vanished(inputs: list[Path] | None, present: set[str], db: str | Path) -> dict[str, str]:
    """source → report_id of the reports the warehouse holds from the input folders (default: the samples)
    whose file is no longer there (removed or renamed): `run --prune` or `xxgk prune` removes them."""
    folders = [p for p in (inputs or [DEFAULT_SAMPLES]) if p.is_dir()]
    prefixes = [source_name(f).rstrip("/") + "/" for f in folders]
    return {s: rid for s, rid in stored_under(db, prefixes).items() if s not in present}


def warehouse_counts(db: str | Path) -> dict[str, int]:
    con = warehouse.connect(db, read_only=True)
    try:
        return warehouse.counts(con)
    finally:
        con.close()


def unchanged_summary(inputs: list[Path] | None, db: str | Path, prune: bool = False) -> Summary | None:
    """The summary of a run over local files that has nothing to do (every file already in the warehouse
    with the same bytes and parser version), read from the warehouse; None when there is anything to do,
    or anything to record (an unreadable file, which the flow records as failed)."""
    if not Path(db).exists():
        return None
    paths = discover(inputs or [DEFAULT_SAMPLES])
    gone = vanished(inputs, {source_name(p) for p in paths}, db)
    if prune and gone:
        return None
    stored = stored_reports(db, [source_name(p) for p in paths])
    kept: list[Stored] = []
    for p in paths:  # stop at the first document to extract: the flow reads them all again anyway
        if source_name(p) not in stored:
            return None
        try:
            item = Item(source_name(p), hashlib.sha256(read_file(p)).hexdigest())
        except (OSError, ReadError):
            return None
        work = plan([item], stored, force=False, year=None)
        if work.todo:
            return None
        kept += work.kept
    summary = summarize([stored_row(s) for s in kept], warehouse_counts(db), str(db))
    summary.vanished = sorted(gone)
    return summary
