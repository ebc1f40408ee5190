"""Warnings on the cells themselves, after the checks: how far each figure can be taken as printed.

A cell read from a clean grid (or a text row whose values stand apart as printed) in a table whose
rules hold needs nothing more. Others carry their own warning, so that an analyst who filters on a
cell, its row or its checks sees it: a cell recognised by OCR that no passing rule vouches for, and a
figure far larger than every other count in its table (digits of two cells run together look like
that). Cut digit runs are warned where they are cut (transform/fused.py). Nothing here changes a value.
"""
from __future__ import annotations

from transform.notes import Note, note
from transform.report import Cell, Report

AMOUNTS = {"amount_10k_cny", "procurement_amount"}  # money: no magnitude rule


def _digits(value: float | int) -> int:
    return len(str(int(abs(value))))


def _vouched(report: Report) -> set[tuple[str, str, str]]:
    """Cells that some rule covers, every rule covering them holding."""
    failed: set[tuple[str, ...]] = set()
    passed: set[tuple[str, ...]] = set()
    for c in report.checks:
        parts = tuple(c.where.split("/"))
        (passed if c.ok else failed).add(parts)

    def covered(key: tuple[str, str, str], where: set[tuple[str, ...]]) -> bool:
        t, r, col = key
        return any(w[0] == t and w[1] in (r, "*", "results_total") and (len(w) < 3 or w[2] in (col, "total"))
                   for w in where)
    return {k for k in report.cells if covered(k, passed) and not covered(k, failed)}


def cell_notes(report: Report) -> list[Note]:
    """The warnings the cells of `report` still need (see the module docstring)."""
    out: list[Note] = []
    named = {(n.table, n.row, n.col) for n in report.notes()}
    ocr = set(report.ocr_pages)
    vouched = _vouched(report) if ocr else set()
    for key, cell in list(report.cells.items()):
        if cell.page in ocr and cell.how not in ("split", "digits", "moved"):
            report.cells[key] = cell = Cell(cell.value, cell.status, cell.raw, cell.page, "ocr")
            if key not in vouched and key not in named:
                out.append(note(*key, f"read by OCR ({cell.raw!r}); no rule of the table confirms it", "ocr"))
    by_table: dict[str, list[tuple[tuple[str, str, str], Cell]]] = {}
    for key, cell in report.cells.items():
        if cell.status == "number" and key[2] not in AMOUNTS:
            by_table.setdefault(key[0], []).append((key, cell))
    for cells in by_table.values():
        for key, cell in cells:
            others = [_digits(c.value) for k, c in cells if k != key]
            if others and _digits(cell.value) >= 5 and _digits(cell.value) >= max(others) + 2:
                out.append(note(*key, f"{cell.raw!r} has {_digits(cell.value)} digits, no other count of the "
                                      f"table more than {max(others)}: cells may have run together", "magnitude"))
    return out
