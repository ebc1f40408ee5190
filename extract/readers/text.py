"""Plain text copies and markdown: lines, with tab- or pipe-separated runs read as grids."""
from __future__ import annotations

import re

from extract.document import Document, Grid, Line
from extract.readers.encoding import decode

_MD_RULE = re.compile(r"^\|?\s*:?-{2,}")


def _cells(line: str) -> list[str] | None:
    s = line.strip()
    if s.startswith("|") and s.count("|") >= 2:
        if _MD_RULE.match(s):
            return []
        return [c.strip() for c in s.strip("|").split("|")]
    if "\t" in line.strip("\n"):
        return [c.strip() for c in line.rstrip("\n").split("\t")]
    return None


def read(data: bytes) -> Document:
    doc = Document("txt")
    grid: list[list[str]] = []
    for raw in decode(data).splitlines():
        raw = raw.replace("\u3000", " ")
        cells = _cells(raw)
        if cells is not None:
            if cells:
                grid.append(cells)
            continue
        if grid:
            doc.blocks.append(Grid(grid))
            grid = []
        if raw.strip():
            doc.blocks.append(Line(raw.strip()))
    if grid:
        doc.blocks.append(Grid(grid))
    return doc
