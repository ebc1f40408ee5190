"""The one document model every reader produces.

A document is an ordered list of blocks: text lines and table grids, each with
the page it sits on (1 for formats without pages). The parser in `transform/`
only ever sees this model, never a file format.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Word:
    """A word of a line where a picture prints it: its left and right edges and its text's height, in points."""

    x0: float
    x1: float
    text: str
    height: float


@dataclass
class Line:
    """A line of text; `words` where its words stand on the page, when a picture showed them (OCR): a
    table printed without rules is a table only by where its figures stand (extract/readers/layout.py)."""

    text: str
    page: int = 1
    words: list[Word] = field(default_factory=list)


@dataclass
class Grid:
    """A table as printed: rows of cell texts, merged cells repeated over their span.

    `pages[i]` is the page of row i; `spans[i][j]` is True where cell j of row i
    repeats a merged cell started in an earlier row or column (so the parser can
    tell a repeated group label from a printed one). `hspans[i][j]` is True where
    cell j repeats the cell to its left because it was merged across columns
    (a colspan): one printed value, not several. `choices[(i, j)]` are the readings OCR could not tell
    apart for cell j of row i, `rows[i][j]` first: the parser lets the table's arithmetic choose among
    them (transform/parse.py `_by_arithmetic`), and warns on the cell whatever it chooses.
    `edges` are the x positions of its column borders on the page (width + 1 of them) where the reader
    knows them (PDF): a table continued over a page break with other columns is put back by them.
    """

    rows: list[list[str]]
    pages: list[int] = field(default_factory=list)
    spans: list[list[bool]] = field(default_factory=list)
    hspans: list[list[bool]] = field(default_factory=list)
    choices: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    edges: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.pages:
            self.pages = [1] * len(self.rows)
        if not self.spans:
            self.spans = [[False] * len(r) for r in self.rows]
        if not self.hspans:
            self.hspans = [[False] * len(r) for r in self.rows]

    def extend(self, other: "Grid") -> None:
        """`other`'s rows appended (a table continued on the next page), its choices moved down with them."""
        offset = len(self.rows)
        self.choices.update({(i + offset, j): alts for (i, j), alts in other.choices.items()})
        self.rows.extend(other.rows)
        self.pages.extend(other.pages)
        self.spans.extend(other.spans)
        self.hspans.extend(other.hspans)

    def printed(self, i: int) -> list[str]:
        """Row i with colspan repeats removed: each printed cell once."""
        return [c for c, h in zip(self.rows[i], self.hspans[i]) if not h]


Block = Line | Grid


@dataclass
class Document:
    format: str
    blocks: list[Block] = field(default_factory=list)
    title: str = ""  # a title the container states (HTML <title>, page header), if any
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR: their text is less certain
    # the blocks again with the tables a text copy prints in spaces read as grids of their character
    # columns (extract.readers.layout); empty when it prints none. A second reading the parser weighs
    layout: list[Block] = field(default_factory=list)

    def lines(self) -> list[Line]:
        """All text, grids flattened row by row, in reading order."""
        out: list[Line] = []
        for b in self.blocks:
            if isinstance(b, Line):
                out.append(b)
            else:
                out.extend(Line("\t".join(r), p) for r, p in zip(b.rows, b.pages))
        return out

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines())


class ReadError(Exception):
    """A document that cannot be read: the message is recorded against it, the run goes on."""
