"""The Report: canonical cells with raw text, page and status, plus template, agency, year,
checks and warnings. Its JSON is SPEC §4."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from transform.notes import Note, as_note, note
from transform.prose import ProseFact
from transform.sections import Section
from transform.schema import TABLES

SCHEMA = "xxgk.report/1"
OCR_CONFIDENCE = 0.9


# Cells and checks are named tuples, not dataclasses: a report holds hundreds of them and crosses a process
# boundary (extract/isolate.py), where tuples pickle and unpickle in half the time.
class Cell(NamedTuple):
    value: float | int | None
    status: str  # number | blank | na
    raw: str = ""
    page: int | None = None
    how: str = "grid"  # how it was read: grid | text | split | digits | ocr | moved (see HOW)


# How a cell was read. `grid`: a cell of a printed table; `text`: one of a text row's values separated as
# printed; `split`: cut from a run of fused digits, the cut chosen by the table's arithmetic; `digits`: cut
# by digit count alone; `ocr`: recognised from an image; `moved`: printed outside the table and put back.
HOW = ("grid", "text", "split", "digits", "ocr", "moved")


class Check(NamedTuple):
    rule: str
    where: str
    ok: bool
    expected: float | None = None
    actual: float | None = None
    message: str = ""


@dataclass
class Report:
    source: str
    sha256: str = ""
    format: str = ""
    agency: str | None = None
    year: int | None = None
    template: str | None = None
    cells: dict[tuple[str, str, str], Cell] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # Notes (transform/notes.py); plain str is read as one
    error: str | None = None
    skip_reason: str | None = None
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR (extract.document.Document.ocr_pages)
    seconds: float = field(default=0.0, compare=False)  # wall time reading and parsing took (run summary only)
    sections: list[Section] = field(default_factory=list)  # 一 … 六 as printed (transform/sections.py)
    prose_facts: list[ProseFact] = field(default_factory=list)  # figures the text states (transform/prose.py)
    published_on: date | None = None
    published_on_source: str | None = None  # page (detail page metadata) | document (closing date) | last_modified

    def warn(self, table: str, row: str = "", col: str = "", message: str = "", code: str = "other") -> None:
        """Record a warning about one cell, row or table (see transform.notes)."""
        self.warnings.append(note(table, row, col, message, code))

    def notes(self) -> list[Note]:
        """Every warning with the cell it names and its code."""
        return [as_note(w) for w in self.warnings]

    def get(self, table: str, row: str, col: str) -> float | int | None:
        c = self.cells.get((table, row, col))
        return c.value if c else None

    @property
    def status(self) -> str:
        if self.error:
            return "failed"
        if self.skip_reason:
            return "skipped"
        if any(not c.ok for c in self.checks) or self.warnings:
            return "flagged"
        return "ok"

    @property
    def confidence(self) -> float:
        """How far to trust the numbers (0..1): the share of expected cells read, lowered for each failed
        check (the report's arithmetic, or our reading, is off) and each warning (something was unsure)."""
        if self.status in ("failed", "skipped"):
            return 0.0
        from transform.schema import tables_for

        expected = sum(len(r.cols) for t in tables_for(self.template or "").values() for r in t.rows)
        if not expected:
            return 0.0
        read = min(len(self.cells), expected) / expected
        failed = sum(1 for c in self.checks if not c.ok)
        ocr = OCR_CONFIDENCE if self.ocr_pages else 1.0  # OCR'd digits are less certain than a text layer's
        return round(read * (0.9 ** failed) * (0.95 ** len(self.warnings)) * ocr, 3)

    def tables(self) -> dict[str, dict[str, dict[str, Any]]]:
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for (t, r, c), cell in self.cells.items():
            out.setdefault(t, {}).setdefault(r, {})[c] = cell.value
        return {t: out[t] for t in TABLES if t in out}

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "source": self.source,
            "sha256": self.sha256,
            "format": self.format,
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "status": self.status,
            "confidence": self.confidence,
            "error": self.error,
            "tables": self.tables(),
            "checks": [
                {"rule": c.rule, "where": c.where, "ok": c.ok, "expected": c.expected, "actual": c.actual, "message": c.message}
                for c in self.checks
            ],
            "warnings": list(self.warnings),
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "published_on_source": self.published_on_source,
            "prose_facts": [{"key": "/".join(f.key), "value": f.value, "unit": f.unit, "raw": f.raw, "page": f.page}
                            for f in self.prose_facts],
        }
