"""Spreadsheets: every sheet as one table grid (openpyxl); XLS and ET go through LibreOffice to XLSX first.

Merged cells repeat their value over the span (flagged in `Grid.spans`, and in
`Grid.hspans` across columns), as the HTML and DOCX readers do. Numbers are written as the sheet shows them, so an
integral float prints as "12", not "12.0".
"""
from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

from extract.document import Document, Grid, Line, ReadError
from extract.readers.office import convert

MAX_CELLS = 200_000


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


def read(data: bytes) -> Document:
    """XLSX → one Grid per sheet (a sheet name that is a title, not "Sheet1", is kept as a line)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(BytesIO(data), data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a damaged package
        raise ReadError(f"corrupt XLSX: {type(e).__name__}: {e}"[:300]) from None
    doc = Document("xlsx")
    for ws in wb.worksheets:
        if ws.max_row * ws.max_column > MAX_CELLS:
            raise ReadError(f"sheet {ws.title!r} has more than {MAX_CELLS} cells")
        rows = [[_text(c.value) for c in r] for r in ws.iter_rows()]
        spans = [[False] * len(r) for r in rows]
        hspans = [[False] * len(r) for r in rows]
        for rng in ws.merged_cells.ranges:
            top, left = rng.min_row - 1, rng.min_col - 1
            for i in range(top, min(rng.max_row, len(rows))):
                for j in range(left, min(rng.max_col, len(rows[i]))):
                    if (i, j) != (top, left):
                        rows[i][j], spans[i][j], hspans[i][j] = rows[top][left], True, j > left
        keep = [i for i, r in enumerate(rows) if any(r)]
        if not keep:
            continue
        if not ws.title.lower().startswith("sheet"):
            doc.blocks.append(Line(ws.title))
        doc.blocks.append(Grid([rows[i] for i in keep], spans=[spans[i] for i in keep], hspans=[hspans[i] for i in keep]))
    return doc


def read_xls(data: bytes) -> Document:
    """XLS (Excel 97–2003) and ET (Kingsoft Spreadsheets) → XLSX via LibreOffice → `read`."""
    return read(convert(data, ".xls", "xlsx"))
