"""The table's arithmetic choosing among a scanned cell's OCR readings (transform/choices.py, issues #14, #19).

The document is a corpus report as the OCR reader hands it over: its grids, every page marked as read by
OCR, and one or two figure cells of table 四 given the readings a recogniser in doubt gives (the printed
figure and a wrong one, in either order). The rules of the table (R4: each row's total is the sum of its
results) choose the printed one when only it makes them hold; when none or several combinations do, the
first reading stays. Either way the cell carries its own warning and `ocr` as how it was read.
"""
from __future__ import annotations

import sys

from conftest import ROOT, SAMPLES, gold

sys.path.insert(0, str(ROOT))

from extract.document import Grid  # noqa: E402
from extract.readers import read_document  # noqa: E402
from transform import to_report  # noqa: E402
from transform.numbers import parse_value  # noqa: E402

SAMPLE = "2019_shanghai_szfbgt.html"  # table 四 printed as one row of 15 figures under a two-level header


def _scanned():
    """The report's document marked as OCR'd, and the (grid, row) of table 四's figures: the last grid
    row that holds figures and names no row of table 三 (it sits under 四's header, after 三's grid)."""
    doc = read_document((SAMPLES / SAMPLE).read_bytes(), SAMPLE)
    doc.ocr_pages = sorted({p for b in doc.blocks for p in getattr(b, "pages", [])} | {1})
    grid = [b for b in doc.blocks if isinstance(b, Grid)][-1]
    row = max(i for i, r in enumerate(grid.rows) if any(_number(c) for c in r))
    return doc, grid, row


def _number(text: str) -> bool:
    v = parse_value(text)
    return v is not None and v.status == "number"


def _figures(grid: Grid, row: int) -> list[int]:
    return [j for j, c in enumerate(grid.rows[row]) if _number(c)]


def _read(doc, grid: Grid, picks: dict[int, tuple[str, ...]], row: int):
    for j, alts in picks.items():
        grid.rows[row][j] = alts[0]
        grid.choices[(row, j)] = alts
    report = to_report(doc, SAMPLE)
    return report, {k: c for k, c in report.cells.items() if k[0] == "review_litigation"}


def _want() -> dict:
    return {("review_litigation", r, c): v for r, cols in gold(SAMPLE)["tables"]["review_litigation"].items()
            for c, v in cols.items()}


def _own_notes(report, code: str = "ocr") -> dict[tuple[str, str, str], str]:
    return {(n.table, n.row, n.col): str(n) for n in report.notes() if n.code == code and n.col}


def test_a_misread_figure_is_put_right_by_the_tables_arithmetic_and_says_so():
    want = _want()
    doc, grid, row = _scanned()
    for j in _figures(grid, row):  # each figure in turn read wrong first, the printed one second
        doc, grid, row = _scanned()
        printed = grid.rows[row][j].strip()
        report, cells = _read(doc, grid, {j: (str(int(printed) + 1), printed)}, row)
        assert {k: c.value for k, c in cells.items()} == want
        notes = _own_notes(report)
        chosen = [k for k, text in notes.items() if "alone" in text]
        assert len(chosen) == 1 and cells[chosen[0]].how == "ocr" and cells[chosen[0]].raw == printed


def test_the_printed_figure_read_first_is_kept_and_still_warned():
    doc, grid, row = _scanned()
    j = _figures(grid, row)[0]
    printed = grid.rows[row][j].strip()
    report, cells = _read(doc, grid, {j: (printed, str(int(printed) + 2))}, row)
    assert {k: c.value for k, c in cells.items()} == _want()
    assert any("alone" in text for text in _own_notes(report).values())


def test_no_reading_that_fits_keeps_the_first_and_warns_its_cell():
    doc, grid, row = _scanned()
    j = _figures(grid, row)[0]
    printed = int(grid.rows[row][j])
    report, cells = _read(doc, grid, {j: (str(printed + 1), str(printed + 2))}, row)
    wrong = [k for k, c in cells.items() if c.value != _want()[k]]
    assert len(wrong) == 1 and cells[wrong[0]].value == printed + 1
    assert "no combination" in _own_notes(report)[wrong[0]]


def test_two_combinations_that_both_fit_choose_neither():
    """Two doubtful results of one row, one read one more and the other one less: the row's total holds
    for the printed pair and for the misread pair alike, so arithmetic cannot choose and both are warned."""
    doc, grid, row = _scanned()
    first, second = _figures(grid, row)[:2]  # two results of 行政复议, before its total
    a, b = int(grid.rows[row][first]), int(grid.rows[row][second])
    report, cells = _read(doc, grid, {first: (str(a + 1), str(a)), second: (str(b - 1), str(b))}, row)
    notes = _own_notes(report)
    wrong = [k for k, c in cells.items() if c.value != _want()[k]]
    assert len(wrong) == 2 and all("more than one combination" in notes[k] for k in wrong)
