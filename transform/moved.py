"""Cells a converter lifted out of their table (lossy Markdown copies of PDF reports).

A cell that wraps over lines, a number with a note under it (`22` / `（其中修订 16 件）`), may be
printed by a PDF→Markdown converter as text before the table, so each table row is one value short.
The values go back only when everything agrees: the rows lacking one value each are as many as the
noted values, and the notes name one column of those rows and no other (`含自然失效 29 件` can only
be said of 本年废止件数). Otherwise the rows stay out with their warning; a value put back is warned
about too, so the report never reads as certain.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from transform.schema import Table

# A number followed by a bracketed note of the kind cells carry: （其中修订16件） （含自然失效29件）
_NOTED = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*[（(]\s*((?:其中|含)[^（()）]{0,24})[）)]")

# Words of a note that tie it to one column (canonical key → words). Notes that name no column
# (其中修订) follow the notes that do.
NOTE_COLUMNS = {
    "repealed": ("失效", "废止"),
    "issued": ("新制定", "新制发"),
}


@dataclass
class NotedValue:
    """A value printed outside the table with its note."""

    raw: str
    note: str
    page: int


def noted_values(content: list[tuple[object, int]]) -> list[NotedValue]:
    """The noted values printed as text (not inside a grid row) in one section, in printed order.

    The number and its note are usually separate lines, so runs of text lines are read as one.
    """
    out: list[NotedValue] = []
    run: list[tuple[str, int]] = []
    for item, page in [*content, ([], 0)]:
        if isinstance(item, str):
            run.append((item, page))
            continue
        text, starts = "", []
        for line, line_page in run:
            starts.append((len(text), line_page))
            text += line + "\n"
        for m in _NOTED.finditer(text):
            page_at = next(p for start, p in reversed(starts) if start <= m.start())
            out.append(NotedValue(m.group(1), m.group(2).strip(), page_at))
        run = []
    return out


def note_column(notes: list[NotedValue], cols: tuple[str, ...]) -> str | None:
    """The one column among `cols` that the notes name; None when none or several are named."""
    named = {col for n in notes for col, words in NOTE_COLUMNS.items() if col in cols and any(w in n.note for w in words)}
    return named.pop() if len(named) == 1 else None


def put_back(table: Table, short: list[tuple[str, list[str]]], notes: list[NotedValue]) -> list[str] | None:
    """For rows that lack one value each (row key, printed values), the column each row's noted
    value goes back to, in order; None when the counts or the columns do not agree."""
    if not short or len(short) != len(notes):
        return None
    out: list[str] = []
    for key, printed in short:
        cols = table.row(key).cols
        col = note_column(notes, cols)
        if col is None or len(printed) != len(cols) - 1:
            return None
        out.append(col)
    return out
