"""A single row of figures under a header of narrow stacked columns, in a picture without rules (OCR words).

Table 四 prints one row of 15 figures under three levels of headers: 行政复议 / 行政诉讼 over
未经复议直接起诉 / 复议后起诉 over fifteen narrow columns whose names wrap over two to four lines
(`结` `果` `维` `持`). Printed without rules, a sparse report leaves cells blank, and a row of six
figures for fifteen cells says nothing of its columns by itself; the header does, by where its words stand.
One row of figures is no table to `layout_tables` (that needs figures standing in columns line after
line), so this reads it from the words' own places on the page: the header's narrow words stacked into
columns by their horizontal overlap (a column's name read top to bottom), the wide words over several
columns as the groups they head, and each figure in the column it stands under. The parser reads the
grid by its header names (transform/columns.py), as it reads an HTML table; which table it is, and
whether its arithmetic holds, is the parser's business.
"""
from __future__ import annotations

import re

from extract.document import Grid, Line, Word

FIGURE = re.compile(r"[+-]?\d+(?:\.\d+)?|[/—－-]")  # a figure cell's whole text (also layout.py's)
HEAD = 6  # header lines looked at above the row (four of a wrapped name, two of groups)
MAX_WORD = 10  # characters: a longer word is a heading or prose, where the header ends
MIN_COLUMNS = 3  # stacked columns that make a header


def _figure_row(line: Line) -> bool:
    return len(line.words) >= 2 and all(FIGURE.fullmatch(w.text) for w in line.words)


def _header_line(line: Line) -> bool:
    return bool(line.words) and not any(FIGURE.fullmatch(w.text) for w in line.words) \
        and all(len(w.text) <= MAX_WORD for w in line.words)


def _overlap(a: Word, b: Word) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0


def _stacks(head: list[Line]) -> tuple[list[list[tuple[int, Word]]], list[tuple[int, Word]]]:
    """The header's words as columns (narrow words overlapping one another, top to bottom) and groups
    (a word over two or more words of another line that do not overlap each other)."""
    words = [(i, w) for i, line in enumerate(head) for w in line.words]
    groups = [(i, w) for i, w in words
              if any(sum(_overlap(w, v) for v in other.words) >= 2 for k, other in enumerate(head) if k != i)]
    narrow = [(i, w) for i, w in words if (i, w) not in groups]
    columns: list[list[tuple[int, Word]]] = []
    for i, w in sorted(narrow, key=lambda iw: iw[1].x0):
        if columns and any(_overlap(w, v) for _, v in columns[-1]):
            columns[-1].append((i, w))
        else:
            columns.append([(i, w)])
    return columns, groups


def headed_row(lines: list[Line], k: int) -> tuple[int, Grid] | None:
    """(first header line, grid) when lines[k] is a row of figures under a stacked header (the lines
    right above it), each figure under its own column; None otherwise."""
    if not _figure_row(lines[k]):
        return None
    start = k
    while start > 0 and k - start < HEAD and _header_line(lines[start - 1]):
        start -= 1
    head = lines[start:k]
    if len(head) < 2:
        return None
    columns, groups = _stacks(head)
    if len(columns) < max(MIN_COLUMNS, len(lines[k].words)):
        return None
    spans = [(min(w.x0 for _, w in c), max(w.x1 for _, w in c)) for c in columns]
    row = [""] * len(columns)
    for w in lines[k].words:
        centre = (w.x0 + w.x1) / 2
        j = min(range(len(spans)), key=lambda j: abs((spans[j][0] + spans[j][1]) / 2 - centre))
        if row[j] or not spans[j][0] - w.height <= centre <= spans[j][1] + w.height:
            return None  # two figures under one column, or one under none: the header does not say
        row[j] = w.text
    group_rows = []
    for i in sorted({i for i, _ in groups}):
        cells = [""] * len(columns)
        for gi, w in groups:
            if gi == i:
                j = next((j for j, (a, b) in enumerate(spans) if min(b, w.x1) - max(a, w.x0) > 0), None)
                if j is not None:
                    cells[j] = w.text
        group_rows.append(cells)
    names = ["".join(w.text for _, w in sorted(c, key=lambda iw: iw[0])) for c in columns]
    rows = [[""] + cells for cells in group_rows] + [[""] + names, [""] + row]
    return start, Grid(rows, pages=[lines[k].page] * len(rows))
