"""Plain text copies and markdown: lines, with tab- or pipe-separated runs read as grids.

Copies of PDFs keep the page footers (`— 4 —`, `- 3 -`, `第 3 页`): they are dropped, and
they tell the page every line sits on, so cells keep their page.
"""
from __future__ import annotations

import re

from extract.document import Document, Grid, Line
from extract.readers.encoding import decode
from extract.readers.layout import layout_tables

_MD_RULE = re.compile(r"^\|?\s*:?-{2,}")
_FOOTER = re.compile(r"^\s*(?:[-—–－]+\s*(\d{1,3})\s*[-—–－]+|第\s*(\d{1,3})\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?)\s*$")


def _footer_page(line: str) -> int | None:
    m = _FOOTER.match(line)
    return int(m.group(1) or m.group(2)) if m else None


def _pages(lines: list[str]) -> list[int]:
    """The page of each line: the number of the next footer, or one past the last one."""
    pages, nxt = [0] * len(lines), None
    for i in range(len(lines) - 1, -1, -1):
        nxt = _footer_page(lines[i]) or nxt
        pages[i] = nxt or 0
    last = max(pages, default=0)
    return [p or last + 1 for p in pages]


def _cells(line: str) -> list[str] | None:
    s = line.strip()
    if s.startswith("|") and s.count("|") >= 2:
        if _MD_RULE.match(s):
            return []
        # one pipe opens the row and one closes it: the empty cells next to them are positions too
        # (a row whose first cells are blank, `||1.属于国家秘密|14|||`, keeps its columns)
        inner = s[1:] if s.startswith("|") else s
        inner = inner[:-1] if inner.endswith("|") else inner
        return [c.strip() for c in inner.split("|")]
    if "\t" in line.strip("\n"):
        return [c.strip() for c in line.rstrip("\n").split("\t")]
    return None


_BR = re.compile(r"<br\s*/?>", re.I)
_FIGURE = re.compile(r"\s*(?:[+-]?\d+(?:\.\d+)?|[/—－-]|无)?\s*")
_ROW_START = re.compile(r"\s*(?:\d{1,2}\s*[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")


def _unstacked(cells: list[str]) -> list[list[str]]:
    """A Markdown row a converter made of k table rows stacked in each cell with <br>
    (`3.危及…<br>4.保护…` | `0<br>1` | …): the k rows. It is one only if every figure cell holds the same k ≥ 2
    figures and a label cell holds k labels each opening a row (an enumerator); other text cells (a group
    label) stay with the first row. Any other row is returned as it is."""
    parts = [_BR.split(c) for c in cells]
    figures = [p for p in parts if all(_FIGURE.fullmatch(x) for x in p) and any(x.strip() for x in p)]
    k = len(figures[0]) if figures else 0
    if k < 2 or any(len(p) != k for p in figures):
        return [[_broken(c) for c in cells]]
    if not any(len(p) == k and all(_ROW_START.match(x) for x in p) for p in parts if p not in figures):
        return [[_broken(c) for c in cells]]
    rows: list[list[str]] = [[] for _ in range(k)]
    for cell, p in zip(cells, parts):
        for i in range(k):
            rows[i].append(p[i].strip() if len(p) == k else (_broken(cell) if i == 0 else ""))
    return rows


def _broken(cell: str) -> str:
    """A cell's `<br>` as the line break it stands for, as the HTML reader gives a cell's lines: a label
    wrapped in its cell (`7.属于行政执法案<br>卷`) is one label to the parser, not one with `br` inside."""
    return "\n".join(s.strip() for s in _BR.split(cell) if s.strip())


def read(data: bytes) -> Document:
    doc = Document("txt")
    lines = [raw.replace("\u3000", " ") for raw in decode(data).splitlines()]
    pages = _pages(lines)
    doc.blocks = _blocks(lines, pages, {})
    # tables printed in spaces (pdftotext -layout): a second reading with them as grids of their
    # character columns (footers and pipe or tab rows are no part of them)
    tables = {a: (b, rows) for a, b, rows in layout_tables(
        ["" if _footer_page(raw) is not None or _cells(raw) is not None else raw for raw in lines])}
    doc.layout = _blocks(lines, pages, tables) if tables else []
    return doc


def _blocks(lines: list[str], pages: list[int], tables: dict[int, tuple[int, list]]) -> list[Line | Grid]:
    """The lines as text lines and grids (pipe or tab rows, and `tables`: first line → its end and rows)."""
    blocks: list[Line | Grid] = []
    grid: list[list[str]] = []
    gpages: list[int] = []

    def flush() -> None:
        if grid:
            blocks.append(Grid(list(grid), pages=list(gpages)))
            grid.clear()
            gpages.clear()

    k = 0
    while k < len(lines):
        raw, page = lines[k], pages[k]
        if k in tables:
            flush()
            end, rows = tables[k]
            blocks.append(Grid([cells for _, cells in rows], pages=[pages[n] for n, _ in rows]))
            k = end
            continue
        k += 1
        if _footer_page(raw) is not None:
            continue
        cells = _cells(raw)
        if cells is not None:
            for row in _unstacked(cells) if cells else ():
                grid.append(row)
                gpages.append(page)
            continue
        flush()
        if raw.strip():
            blocks.append(Line(raw.strip(), page))
    flush()
    return blocks
