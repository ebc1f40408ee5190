"""The summary of one run: documents by status, what was extracted and why, failures and
check failures; printed by the CLI and published as the run's Prefect markdown artifact."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from load.catalog import Stored
from load.warehouse import Timings
from transform.report import Report

# why a document was (or was not) extracted in this run, in the order the summary lists them
WORK = ("new", "changed", "reparsed", "forced", "unchanged")


@dataclass
class Summary:
    documents: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    work: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    db: str = ""
    year: int | None = None
    other_years: int = 0  # documents a --year run left untouched
    vanished: list[str] = field(default_factory=list)  # in the warehouse, no longer in the input folders
    pruned: bool = False  # … and removed by this run (--prune)
    timings: Timings = field(default_factory=Timings)  # of the load and the publish

    @property
    def exit_code(self) -> int:
        return 1 if self.by_status.get("failed") else 0

    @property
    def extracted(self) -> int:
        return sum(n for k, n in self.work.items() if k != "unchanged")

    @property
    def extract_seconds(self) -> float:
        """Wall time the documents of this run took to read and parse (in their reader processes)."""
        return sum(r["seconds"] for r in self.rows)

    @property
    def seconds_by_format(self) -> dict[str, float]:
        """Mean reading and parsing seconds per document of each file type (by suffix) read in this run."""
        by: dict[str, list[float]] = {}
        for r in self.rows:
            if r["work"] != "unchanged":
                by.setdefault(PurePosixPath(r["source"]).suffix.lstrip(".").lower() or "?", []).append(r["seconds"])
        return {f: sum(v) / len(v) for f, v in sorted(by.items())}

    @property
    def check_failures(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["checks_failed"]]


def report_row(r: Report, work: str) -> dict[str, Any]:
    failed = [c for c in r.checks if not c.ok]
    return {
        "source": r.source, "agency": r.agency, "year": r.year, "template": r.template, "status": r.status,
        "error": r.error, "work": work,
        "received": r.get("requests", "new_received", "total"), "granted": r.get("requests", "granted", "total"),
        "checks_failed": len(failed), "failed_rules": sorted({c.rule for c in failed}), "confidence": r.confidence,
        "seconds": r.seconds, "reason": top_reason(r),
    }


def top_reason(r: Report) -> str | None:
    """The first thing an analyst should read about a report that is not ok: its error, its first failed
    check, or its first warning (all of them: the `report_issues` view)."""
    if r.error or r.skip_reason:
        return r.error or r.skip_reason
    failed = [c for c in r.checks if not c.ok]
    if failed:
        c = min(failed, key=lambda c: (c.rule, c.where))
        return f"{c.rule} {c.where}: {c.message} (expected {_cell(c.expected)}, got {_cell(c.actual)})"
    return str(r.warnings[0]) if r.warnings else None


def stored_row(s: Stored) -> dict[str, Any]:
    return {
        "source": s.source, "agency": s.agency, "year": s.year, "template": s.template, "status": s.status,
        "error": s.error if s.status == "failed" else None, "work": "unchanged",
        "received": s.received, "granted": s.granted, "checks_failed": s.checks_failed,
        "failed_rules": list(s.failed_rules), "confidence": s.confidence or 0.0, "seconds": 0.0,
        "reason": s.reason,
    }


def summarize(rows: list[dict[str, Any]], counts: dict[str, int], db: str, year: int | None = None,
              other_years: int = 0) -> Summary:
    s = Summary(documents=len(rows), rows=rows, counts=counts, db=db, year=year, other_years=other_years)
    s.work = {k: 0 for k in WORK}
    for r in rows:
        s.by_status[r["status"]] = s.by_status.get(r["status"], 0) + 1
        s.work[r["work"]] += 1
        if r["status"] == "failed":
            s.failed.append((r["source"], r["error"] or ""))
    return s


def _cell(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else str(v)
    return str(v).replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], body: list[list[Any]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
        "| " + " | ".join(_cell(v) for v in row) + " |" for row in body]


def to_markdown(s: Summary) -> str:
    """The run artifact: headline tables first, then failures, check failures and every document."""
    scope = f" (year {s.year}; {s.other_years} documents of other years untouched)" if s.year is not None else ""
    out = [f"# xxgk run: {s.documents} documents{scope}", "", f"Warehouse `{s.db}`", "", "## Documents by status", ""]
    out += _table(["status", "documents"], sorted(s.by_status.items()))
    out += ["", "## Extraction", ""]
    out += _table(["documents", "count"], [[k, s.work.get(k, 0)] for k in WORK])
    out += ["", f"Reading and parsing took {s.extract_seconds:.1f} s."]
    out += ["", f"## Failures ({len(s.failed)})", ""]
    out += _table(["source", "error"], s.failed) if s.failed else ["none"]
    out += ["", f"## Check failures ({len(s.check_failures)} documents)", ""]
    out += _table(["agency", "year", "failed checks", "rules", "source"],
                  [[r["agency"], r["year"], r["checks_failed"], ", ".join(r["failed_rules"]), r["source"]]
                   for r in s.check_failures]) if s.check_failures else ["none"]
    attention = [r for r in sorted(s.rows, key=_order) if r["status"] != "ok" and r.get("reason")]
    out += ["", f"## Why documents need attention ({len(attention)})", ""]
    out += _table(["agency", "year", "status", "reason", "source"],
                  [[r["agency"], r["year"], r["status"], r["reason"], r["source"]] for r in attention]) if attention else ["none"]
    out += ["", "All reasons, cell by cell: `xxgk sql \"select * from report_issues\"`."]
    out += ["", "## All documents", ""]
    out += _table(["agency", "year", "template", "status", "received", "granted", "work", "source"],
                  [[r["agency"], r["year"], r["template"], r["status"], r["received"], r["granted"], r["work"],
                    r["source"]] for r in sorted(s.rows, key=_order)])
    if s.vanished:
        out += ["", f"## {'Removed' if s.pruned else 'No longer in the input'} ({len(s.vanished)})", ""]
        out += [f"- {v}" for v in s.vanished]
    out += ["", "Warehouse rows: " + ", ".join(f"{k} {v}" for k, v in s.counts.items())]
    return "\n".join(out) + "\n"


def _order(r: dict[str, Any]) -> tuple[str, int, str]:
    return (str(r["agency"] or ""), r["year"] or 0, r["source"])
