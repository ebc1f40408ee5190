"""Tables a text copy prints with spaces (`pdftotext -layout`): grids whose columns are character positions.

Such a copy keeps every figure where the page printed it, so a blank cell is still a gap at its column
even though nothing marks it: read row by row as a stream, a sparse table's figures lose their columns
(`258  12        1    1` is natural persons, commercial enterprises, legal service and other
organisations, not the first four columns). So a block of lines whose figures stand in aligned columns
is read as a grid: the columns are where its figures stand, line after line, and where the header
lines above them print a word over a column no figure reached (a column blank in every row); each
line becomes a row of a label cell and one cell a column, blank where nothing stands. The parser then
reads the grid by the positions its header names (`transform.columns`), as it reads an HTML table.

A scan of a table printed without rules is the same case: OCR gives each word where it stands
(`Line.words`), and `relaid` lays the words out in character columns, a line a line, to be read here as a
text copy's are. One table finder for both.
"""
from __future__ import annotations

import re
from statistics import median

from extract.document import Block, Grid, Line, Word
from extract.readers.headed_row import FIGURE as _FIGURE, headed_row

_TOKEN = re.compile(r"\S+")
GAP = 2  # spaces that part a label from the first figure: one space is inside text (`受理 44 件`)
NEAR = 2.5  # characters between two centres of one column
NEW = 8.0  # drift past which a header word stands over a column of its own
HEAD = 5  # header lines looked for above a block's first figure line
MIN_ROWS = 3  # figure lines that make a table
QUIET = 6  # lines without figures in a row that a table may hold (rows printing nothing, wrapped labels)


def _figures(line: str, gap: int = GAP) -> list[tuple[float, str]] | None:
    """A line's trailing run of figures, each with the centre of its characters, when the run stands apart
    from the text before it by `gap` spaces; None for any other line (prose, a label alone)."""
    tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(line)]
    k = len(tokens)
    while k and _FIGURE.fullmatch(tokens[k - 1][1]):
        k -= 1
    if k == len(tokens):
        return None
    if k and tokens[k][0] - (tokens[k - 1][0] + len(tokens[k - 1][1])) < gap:
        return None
    return [(start + (len(text) - 1) / 2, text) for start, text in tokens[k:]]


def _prose(line: str, margin: int, zone: float) -> bool:
    """A line of running text: from the table's margin into its columns with no wide gap in it (a header,
    a centred sub-heading, an indented sub-row's label is none)."""
    return len(line.rstrip()) > zone and len(line) - len(line.lstrip()) <= margin + 2 and "   " not in line.strip()


def _indented(line: str) -> bool:
    """A line that can be a table's: a label or header set in from the margin, or broken by wide gaps."""
    return line.strip() != "" and (len(line) - len(line.lstrip()) >= 4 or "   " in line.strip())


def _columns(figure_lines: list[list[tuple[float, str]]], head: list[str]) -> list[float]:
    """Column centres: clusters of figure centres, and the header words that stand over no figure column
    (a column left blank in every row keeps its header). A header line's words are matched to the figure
    columns in order, one word a column (`_matched`): CJK words are wider than the character cells the
    copy counts, so a header line packed with them drifts off its columns, but never out of their order."""
    centres = sorted(c for figs in figure_lines for c, _ in figs)
    cols: list[list[float]] = []
    for c in centres:
        if cols and c - cols[-1][-1] <= NEAR:
            cols[-1].append(c)
        else:
            cols.append([c])
    out = [sum(c) / len(c) for c in cols]
    if not out:
        return out
    extra = []
    for line in head:
        words = [m.start() + (len(m.group()) - 1) / 2 for m in _TOKEN.finditer(line) if m.start() > out[0] - NEAR - 1]
        extra += [w for w, col in zip(words, _matched(words, out)) if col is None]
    return sorted(out + extra)


def _drift(word: float, col: float) -> float:
    """How far a header word stands from a column: a packed CJK header prints its words left of where they
    stand (each character counts one cell, printed wider), so a column to the word's left is three times as far."""
    return col - word if col >= word else 3 * (word - col)


def _matched(words: list[float], cols: list[float]) -> list[int | None]:
    """Each word's column, in order and one word a column, by least drift (`_drift`); None for a word that
    stands over a column of its own (matching it would cost more than NEW)."""
    n, m = len(words), len(cols)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: dict[tuple[int, int], tuple[int, int, bool]] = {}
    cost[0] = [0.0] * (m + 1)
    for i in range(1, n + 1):
        for j in range(m + 1):
            best = (cost[i - 1][j] + NEW, (i - 1, j, False))  # the word opens a column of its own
            if j:
                best = min(best, (cost[i][j - 1], (i, j - 1, False)),  # a column no word of this line names
                           (cost[i - 1][j - 1] + _drift(words[i - 1], cols[j - 1]), (i - 1, j - 1, True)))
            cost[i][j], back[(i, j)] = best
    out: list[int | None] = [None] * n
    i, j = n, m
    while i:
        pi, pj, matched = back[(i, j)]
        if matched:
            out[i - 1] = j - 1
        i, j = pi, pj
    return out


def _row(line: str, figs: list[tuple[float, str]] | None, cols: list[float]) -> list[str]:
    """A line as a label cell and one cell per column. A row's figures go to the columns nearest their
    centres, the text before them is its label; any other line's words (a header, a row printing no
    figure) right of the label zone go to the columns they match in order (`_matched`)."""
    cells = [""] * (len(cols) + 1)

    def put(centre: float, text: str) -> None:
        j = min(range(len(cols)), key=lambda i: abs(cols[i] - centre)) + 1
        cells[j] = (cells[j] + " " + text).strip()

    if figs is not None:
        for centre, text in figs:
            put(centre, text)
        cells[0] = line[:line.index(figs[0][1], int(figs[0][0] - (len(figs[0][1]) - 1) / 2))].strip()
        return cells
    edge = cols[0] - NEAR - 1
    words = [(m.start(), m.start() + (len(m.group()) - 1) / 2, m.group()) for m in _TOKEN.finditer(line)]
    right = [(c, w) for a, c, w in words if a > edge]
    cells[0] = " ".join(w for a, _, w in words if a <= edge)
    for (c, w), j in zip(right, _matched([c for c, _ in right], cols)):
        put(cols[j] if j is not None else c, w)
    return cells


def _parts(lines: list[str], figs: list, start: int, end: int, edge: float) -> list[tuple[int, int]]:
    """The block cut where a header line follows rows (words right of the label zone after figures): a
    table printing blocks of other columns under headers of their own (table 二's), each its own grid."""
    cuts, rows, since = [start], False, start  # since: where the lines without figures before k begin
    for k in range(start, end):
        if figs[k] is not None:
            rows, since = True, k + 1
        elif rows and any(m.start() > edge for m in _TOKEN.finditer(lines[k].expandtabs())):
            cuts.append(since)
            rows = False
    return [(a, b) for a, b in zip(cuts, cuts[1:] + [end])]


def layout_tables(lines: list[str]) -> list[tuple[int, int, list[tuple[int, list[str]]]]]:
    """(first line, line after the last, [(line, grid row)]) of each table the lines print with spaces."""
    figs = [_figures(line.expandtabs()) for line in lines]
    out: list[tuple[int, int, list[tuple[int, list[str]]]]] = []
    i = 0
    while i < len(lines):
        if figs[i] is None:
            i += 1
            continue
        end, j, quiet = i + 1, i + 1, 0
        zone = figs[i][0][0] - NEAR  # about where the columns begin
        margin = len(lines[i].expandtabs()) - len(lines[i].expandtabs().lstrip())
        while j < len(lines):  # rows, blank lines, label-only rows and headers, until prose or a long pause
            if figs[j] is not None and figs[j][0][0] < zone - 2 * NEAR:
                break  # figures left of the columns: another table (table 四 after 三)
            if figs[j] is not None:
                end, quiet = j + 1, 0
            elif lines[j].strip():
                quiet += 1
                if quiet > QUIET or (_prose(lines[j].expandtabs(), margin, zone)
                                     and _figures(lines[j].expandtabs(), 1) is None
                                     and not any(f is not None and f[0][0] >= zone for f in figs[j + 1:j + 3])):
                    break  # running text, not a long row label right above more rows
            j += 1
        start, k, heads = i, i, 0  # header lines above the first row (blank lines between them)
        while k > 0 and heads < HEAD and figs[k - 1] is None and (not lines[k - 1].strip() or _indented(lines[k - 1])):
            k -= 1
            if lines[k].strip():
                start, heads = k, heads + 1
        rows = [figs[k] for k in range(i, end) if figs[k] is not None]
        if len(rows) < MIN_ROWS:
            i = end
            continue
        known = _columns(rows, [])
        edge = known[0] - NEAR - 1
        for k in range(i, end):  # a long label may leave one space before its figure: at a column, it is a row's
            loose = _figures(lines[k].expandtabs(), 1) if figs[k] is None else None
            if loose and all(any(abs(c - x) <= NEAR for x in known) for c, _ in loose):
                figs[k] = loose
        for a, b in _parts(lines, figs, start, end, edge):
            first = next(k for k in range(a, b) if figs[k] is not None)
            cols = _columns([figs[k] for k in range(first, b) if figs[k] is not None],
                            [lines[k].expandtabs() for k in range(a, first)])
            out.append((a, b, [(k, _row(lines[k].expandtabs(), figs[k], cols)) for k in range(a, b) if lines[k].strip()]))
        i = end
    return out


def _spaced(words: list[Word], left: float, unit: float) -> str:
    """A line's words each at the character column where it stands (`unit` points a column), one space at
    least between two: a CJK word counts fewer columns than it is wide, so it drifts left of its centre
    as in a `pdftotext -layout` copy, never out of order."""
    out = ""
    for w in sorted(words, key=lambda w: w.x0):
        col = round((w.x0 - left) / unit)
        if out:
            col = max(col, len(out) + 1)
        out += " " * (col - len(out)) + w.text
    return out


def relaid(blocks: list[Block]) -> list[Block]:
    """The blocks again with the tables that OCR'd lines print in aligned words (`Line.words`) read as
    grids (`layout_tables`, and a lone row of figures under a stacked header, `headed_row`); [] when there
    are none. A column is half a line's height (about a digit's width), over the whole document, so
    columns line up across pages."""
    words = [w for b in blocks if isinstance(b, Line) for w in b.words]
    if not words:
        return []
    unit, left = median(w.height for w in words) / 2, min(w.x0 for w in words)
    out: list[Block] = []
    run: list[Line] = []
    found = False

    def flush() -> None:
        nonlocal found
        texts = [_spaced(line.words, left, unit) if line.words else line.text for line in run]
        tables = {a: (b, Grid([cells for _, cells in rows], pages=[run[n].page for n, _ in rows]))
                  for a, b, rows in layout_tables(texts)}
        inside = {n for a, (b, _) in tables.items() for n in range(a, b)}
        for k in range(len(run)):
            if k not in inside and (one := headed_row(run, k)) is not None and not inside & set(range(one[0], k)):
                tables[one[0]] = (k + 1, one[1])
        found = found or bool(tables)
        k = 0
        while k < len(run):
            if k in tables:
                k, grid = tables[k]
                out.append(grid)
            else:
                out.append(run[k])
                k += 1
        run.clear()

    for b in blocks:
        if isinstance(b, Line):
            run.append(b)
        else:
            flush()
            out.append(b)
    flush()
    return out if found else []
