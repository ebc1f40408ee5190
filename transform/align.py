"""Read a table by aligning what the document prints to the template of `transform.schema`.

The template is fixed by regulation: its rows, their order and how many cells each has are known.
A text copy of a table (page text, Markdown, a line-joined or space-squeezed copy) is, whatever its
layout, a stream of label pieces and value runs in reading order. The values of the table are that
stream's values, row after row; labels say where a row starts. So a table is read by choosing, with
dynamic programming, which run of values each template row takes: rows may be missing from the print,
noise numbers may sit among the values, a label may come before its values, after them, or broken
around them, and a row's digits may have run together (such a run goes to `transform.fused`, which
cuts it with the table's arithmetic). The alignment with the best label evidence wins; the caller
compares it with the table's arithmetic before trusting it (`transform.parse`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from transform.fused import FusedRun, equations, resolve_fused
from transform.sparse import place
from transform.labels import norm, similarity
from transform.numbers import parse_value
from transform.report import Cell
from transform.schema import Table
from transform.tokens import _blank_subrows, _tokens

SKIP_ROW = 4.0  # a template row the print leaves out
SKIP_VALUE = 3.0  # a number in the stream that is no cell (a page number, a stray figure)
MID_LINE = 3.0  # a row's values begin or end inside a line that prints one row's worth of values
SWITCH = 6.0  # the label's side changes between two rows
FUSED = 2.0  # fewer runs than cells: digits ran together, to be cut by the arithmetic
STRONG = 90.0  # a label this similar names its row
WEAK = 85.0  # below this, a row was placed by the order of the values, not by its label
INSIDE = 20  # more text between two values than a unit, a note's remnant or a vertical group label: not one row
MAX_TEXT = 60  # label text considered on each side of a row's values (characters, normalised)
# a note printed under a cell's number: 22（其中修订16件）; its number is no cell of its own
# a count table's '3.0' or '53.00': value digits, then an enumerator digit and its point, then value digits
_ENUM_RUN = re.compile(r"(\d*)(\d)[.．](\d+)")
_NOTE = re.compile(r"[（(]\s*(?:其中|含|包括)[^（()）]{0,30}[）)]")


@dataclass
class Tok:
    text: str
    value: bool
    page: int
    blank_row: bool = False  # '' marker: a row printed with nothing in any of its cells
    line: int = 0  # which printed line (text line or grid row) the token stands on
    pos: int = 0  # where in the stream
    guessed: bool = False  # a blank row read from sub-rows stacked in one grid cell beside a figure


@dataclass
class Placed:
    """Template row `row` takes value tokens `toks` (as many as its cells, or fewer when fused)."""

    row: int
    toks: list[Tok]
    label: float  # label evidence
    fused: bool = False
    cols: tuple[int, ...] | None = None  # the columns a short row's values stand in (the others blank)
    sparse: bool = False  # fewer values than cells, in columns only the table's arithmetic can tell


@dataclass
class Alignment:
    placed: list[Placed] = field(default_factory=list)
    skipped_values: list[Tok] = field(default_factory=list)
    score: float = 0.0
    text: str = ""  # the stream's label text, normalised: which row labels the section prints


_FIGURE_LINE = re.compile(r"[+-]?\d+(?:\.\d+)?(?:\s|$)")


def _unwrapped(cell: str) -> str:
    """A grid cell's lines as the one text they print: a label wrapped in its cell (`7.属于行政执法案` / `卷`)
    joins without a space, as do sub-row labels stacked in it (`1.属于国家秘密` / `2.其他…`, cut apart
    again by their enumerators); figures stacked in it (`258` / `12`) stay apart."""
    lines = [s.strip() for s in cell.split("\n") if s.strip()]
    out = lines[:1]
    for line in lines[1:]:
        out.append((" " if out[-1][-1:].isdigit() and _FIGURE_LINE.match(line) else "") + line)
    return "".join(out)


def _row_text(cells: list[str], labels: list[str]) -> str:
    """A grid row as the line of its cells. A label a converter cut into several cells, each wrapped
    (`一、本` / `申请数` | `年新收政` / `量` | `府信息公开`), prints line by line across them: of the two
    readings, cell by cell or line by line, the one nearer a label of the template (`labels`) is taken."""
    text_at = [i for i, c in enumerate(cells) if c.strip() and not all(parse_value(x) for x in c.split())]
    by_cells = " ".join(map(_unwrapped, cells))
    if len(text_at) < 2 or not labels or all("\n" not in cells[i] for i in text_at):
        return by_cells
    split = [[x.strip() for x in cells[i].split("\n") if x.strip()] for i in text_at]
    across = "".join(x[k] for k in range(max(map(len, split))) for x in split if k < len(x))

    def nearness(text: str) -> float:
        return max(similarity(lbl, norm(text)) for lbl in labels)

    if nearness(across) < nearness("".join(_unwrapped(cells[i]) for i in text_at)) + 10:
        return by_cells
    return " ".join(across if i == text_at[0] else _unwrapped(c)
                    for i, c in enumerate(cells) if i not in text_at[1:])


def stream(content: list[tuple[object, int]], counts: bool = False, labels: list[str] = ()) -> list[Tok]:
    """The section's text lines as label and value tokens in reading order (grid rows as their cells).
    In a table of `counts`, a figure with a decimal point is a row's enumerator run into the value
    beside it ('危及…稳0' / '3.0' of a copy without spaces): the digits before the point end on the
    enumerator, those after it are the value. `labels` (the template's, normalised) tell how a label cut
    into several cells reads."""
    out: list[Tok] = []
    for line, (item, page) in enumerate(content):
        # a grid row reads as the line of its cells: a cell may hold two figures ('80 1') where a
        # converter merged columns, and blank cells are no tokens (their place is the grid reader's)
        text = _NOTE.sub(" ", _row_text(item, labels) if isinstance(item, list) else str(item))
        pieces = _tokens(text, prose_units=True)
        # sub-rows stacked in one grid cell beside a figure (`1.属于国家秘密<br>2.其他…` | `14`): which of
        # them printed nothing is not shown, so a blank row read there is a guess
        stacked = isinstance(item, list) and any(v for _, v in pieces)
        for piece, is_value in pieces:
            if is_value and counts and (m := _ENUM_RUN.fullmatch(piece)):
                for sub, val in ((m[1], True), (m[2] + ".", False), (m[3], True)):
                    if sub:
                        out.append(Tok(sub, val, page, line=line, pos=len(out)))
                continue
            if is_value:
                out.append(Tok(piece, True, page, line=line, pos=len(out)))
                continue
            for sub, blank in _blank_subrows(piece):
                out.append(Tok("", True, page, True, line, len(out), stacked) if blank
                           else Tok(sub, False, page, line=line, pos=len(out)))
    return out


def column_major(toks: list[Tok], width: int) -> list[Tok] | None:
    """The stream with each run of values that a table printed column by column put back row by row.

    Some text extractors (pdfminer's layout analysis) read a ruled table down its columns: the labels of a
    page's rows come first, then the first column's values of all those rows, then the second column's…
    A run of m × `width` values with no text between may be such a block of m rows; read by rows it is
    value [c·m + r] at row r, column c. Whether it was one is for the table's arithmetic to say (the caller
    keeps this reading only if every rule it can check holds). None when the stream has no such run."""
    out: list[Tok] = []
    changed, i = False, 0
    while i < len(toks):
        j = i
        while j < len(toks) and toks[j].value and not toks[j].blank_row:
            j += 1
        if j == i:
            out.append(toks[i])
            i += 1
            continue
        run, (m, rest) = toks[i:j], divmod(j - i, width)
        if m >= 2 and not rest:
            run, changed = _down_columns(run, width), True
        out += run
        i = j
    return [replace(t, pos=n) for n, t in enumerate(out)] if changed else None


def _down_columns(run: list[Tok], width: int) -> list[Tok]:
    """A run of whole rows read row by row, where a block of its last rows was printed down its columns.
    pdftotext gives a page's first rows by rows and the rest of the page's table by columns: the block is
    the longest one (leading rows fewest) whose rows, and the leading rows, each add up to their total
    column; a run whose rows add up as printed stays as it is; with neither, the whole run is one block
    (the caller's arithmetic decides)."""
    rows = len(run) // width

    def adds_up(toks: list[Tok]) -> bool:
        return all((v := _figures(toks[r * width:(r + 1) * width])) is not None and abs(v[-1] - sum(v[:-1])) < 1e-6
                   for r in range(rows))

    def by_rows(k: int) -> list[Tok]:
        """The first k rows as printed, the rest read back from their columns."""
        m, block = rows - k, run[k * width:]
        chunks = _total_last([block[c * m:(c + 1) * m] for c in range(width)])
        return run[:k * width] + [chunks[c][r] for r in range(m) for c in range(width)]

    if adds_up(run):
        return run
    return next((read for k in range(rows - 1) if adds_up(read := by_rows(k))), by_rows(0))


def _figures(toks: list[Tok]) -> list[float] | None:
    """The tokens' values when every one is a figure, else None."""
    nums = [parse_value(t.text) for t in toks]
    if any(v is None or v.status != "number" for v in nums):
        return None
    return [v.value or 0 for v in nums]


def _total_last(chunks: list[list[Tok]]) -> list[list[Tok]]:
    """A block's columns as printed, but the total column last: an extractor that reads down columns may
    take them out of order (a narrow column after a wide one). The total is the column that is, row by row,
    the sum of the others: the last one if it is, else the one that is (or the last of several equal ones);
    otherwise the print's order."""
    figures = [_figures(c) for c in chunks]
    if any(f is None for f in figures):
        return chunks
    vals: list[list[float]] = figures  # type: ignore[assignment]

    def is_total(t: int) -> bool:
        return all(abs(vals[t][r] - sum(c[r] for n, c in enumerate(vals) if n != t)) < 1e-6 for r in range(len(vals[t])))

    if is_total(len(chunks) - 1):
        return chunks
    totals = [t for t in range(len(chunks)) if is_total(t)]
    if not totals or any(vals[t] != vals[totals[0]] for t in totals):
        return chunks
    # several columns equal to the others' sum are equal to each other (natural persons only): any is the total
    return [c for n, c in enumerate(chunks) if n != totals[-1]] + [chunks[totals[-1]]]


def ruled_rows(table: Table) -> set[str]:
    """Rows some rule of the table's own arithmetic (R1–R4) checks."""
    return {row for lhs, rhs in equations(table) for row, _ in lhs + rhs}


def _digits(tok: Tok) -> int:
    t = tok.text.replace(" ", "")
    return len(t) if t.isdigit() else (1 if t else 0)


def align(table: Table, toks: list[Tok], after: bool = False, order: bool = False,
          pattern: tuple[int, ...] | None = None, switch: bool = False, sparse: bool = False) -> Alignment:
    """The best placement of the template rows of `table` over the value tokens of `toks`, each row's
    label looked for before its values (or, with `after`, behind them: some copies print it so).
    With `order`, labels are not looked for at all: the values fill the rows in the template's order,
    as a table printed under a header that names its rows does (table 四's one row of fifteen); only
    the table's arithmetic can then vouch for the reading (see transform.parse). With `pattern`, a row
    may print only the values of those columns, the others left blank (a copy that dropped blank cells).
    With `switch`, each row's label may stand on either side, a change of side costing SWITCH: a copy whose
    layout changes inside the table (markitdown of a PDF: labels before their values, then, past a
    page's grid, after them). With `sparse`, a row whose label is found may print fewer values than it has
    cells, each row its own columns (a copy that dropped a sparse table's blank cells): `transform.sparse`
    places them by the table's arithmetic."""
    vals = [i for i, t in enumerate(toks) if t.value]
    labels = [norm(t.text) if not t.value else "" for t in toks]
    n_rows, n_vals = len(table.rows), len(vals)
    one_row = _one_row_lines(table, [toks[v] for v in vals])
    width = max(len(r.cols) for r in table.rows)
    ruled = ruled_rows(table)
    # digits and blank-row markers of vals[:k], so that a run's are two lookups, not a scan per run length
    digits_before, blanks_before = [0], [0]
    for v in vals:
        digits_before.append(digits_before[-1] + _digits(toks[v]))
        blanks_before.append(blanks_before[-1] + toks[v].blank_row)
    keys = [[norm(lbl) for lbl in (r.label, *r.aliases)] for r in table.rows]  # each row's labels, normalised once

    def same_line(a: int, b: int) -> bool:
        """Values a and b stand on one line that holds no more values than a row has cells: one row's."""
        return toks[vals[a]].line == toks[vals[b]].line and toks[vals[a]].line in one_row

    def text_between(a: int, b: int) -> str:
        """Label text between token positions a (exclusive) and b (exclusive)."""
        return "".join(labels[a + 1:b])

    def evidence(i: int, k0: int, k1: int, after: bool, side_only: bool = False) -> float:
        """How well row i's label sits beside its values vals[k0:k1] (on this mode's side; a label
        broken around the values counts too)."""
        start, end = vals[k0], vals[k1 - 1]
        before = text_between(vals[k0 - 1] if k0 else -1, start)[-MAX_TEXT:]
        behind = text_between(end, vals[k1] if k1 < n_vals else len(toks))[:MAX_TEXT]
        inside = text_between(start, end)
        best = 0.0
        for key in keys[i]:
            if after:
                best = max(best, similarity(key, behind), similarity(key, inside + behind))
            elif side_only:
                best = max(best, similarity(key, before), similarity(key, before + inside))
            else:
                best = max(best, similarity(key, before), similarity(key, before + inside),
                           similarity(key, before + inside + behind) - 3)
        return best

    named_other: dict[tuple[int, str], bool] = {}

    def names_other(i: int, text: str) -> bool:
        """`text` names another row of the template, and not row i (memoised: asked for each run length)."""
        if (i, text) not in named_other:
            named_other[i, text] = _names_other(i, text)
        return named_other[i, text]

    def _names_other(i: int, text: str) -> bool:
        if len(text) < 4:
            return False
        own = max(similarity(key, text) for key in keys[i])
        if own >= STRONG:
            return False
        return any(j != i and ((key[0] in text and len(key[0]) >= 4) or (len(key[0]) >= 2 and text.endswith(key[0])))
                   for j, key in enumerate(keys))

    def own_label_inside(i: int, text: str) -> bool:
        return any(len(key) >= 2 and key in text for key in keys[i])

    def labels_other_before(i: int, k: int) -> bool:
        """The token just before value k is a label on its line that names another row than i (on a line
        of one row's values; a line holding many rows, a one-line copy's, says nothing of whose label opens it)."""
        at = vals[k]
        if not at or toks[at - 1].value or toks[at - 1].line != toks[at].line or toks[at].line not in one_row:
            return False
        text = labels[at - 1]
        own = max(similarity(key, text) for key in keys[i])
        return own < STRONG and any(j != i and max(similarity(key, text) for key in row_keys) >= STRONG
                                    for j, row_keys in enumerate(keys))

    def side(k0: int, k1: int, after: bool) -> str:
        """The label text on the side of vals[k0:k1] where this mode looks for the row's label."""
        if after:
            return text_between(vals[k1 - 1], vals[k1] if k1 < n_vals else len(toks))[:MAX_TEXT]
        return text_between(vals[k0 - 1] if k0 else -1, vals[k0])[-MAX_TEXT:]

    wrapped: dict[int, list[Tok] | None] = {}

    def wrapped_at(k: int, n: int) -> list[Tok] | None:
        """`_wrapped_order` of the pattern's columns plus one values from value k (the same for every row)."""
        if k not in wrapped:
            wrapped[k] = _wrapped_order([toks[vals[x]] for x in range(k, k + len(pattern) + 1)], pattern, n)
        return wrapped[k]

    def moves(m: int, after: bool, i: int, k: int) -> None:
        """The moves out of state (row i, value k) in mode m: skip a value, skip a row, or give row i its values."""
        cur = best[m][i][k]
        if cur == NEG:
            return
        # by order, ties go to the reading that leaves the last values over (prose after the table)
        skip = SKIP_VALUE + (0.01 * (n_rows - i) if order else 0.0)
        if k < n_vals and cur - skip > best[m][i][k + 1]:
            best[m][i][k + 1], back[m][i][k + 1] = cur - skip, ("skipv", i, k)
        if i == n_rows:
            return
        if cur - SKIP_ROW > best[m][i + 1][k]:
            best[m][i + 1][k], back[m][i + 1][k] = cur - SKIP_ROW, ("skipr", i, k)
        n = len(table.rows[i].cols)
        first = toks[vals[k]] if k < n_vals else None
        other_before = None  # labels_other_before(i, k), the same for every run length: asked once
        for j in range(1, n + 1):
            if k + j > n_vals:
                break
            blank_in_run = blanks_before[k + j] > blanks_before[k]
            digits_in_run = digits_before[k + j] - digits_before[k]
            short = pattern is not None and j <= len(pattern) + 1 and n == width and not blank_in_run
            # with `sparse`, a row may print any number of its cells, which ones for the arithmetic to say
            spread = sparse and j < n and n == width and not blank_in_run and not first.blank_row
            # one value more than the pattern's columns: a figure wrapped in its narrow cell ('26' printed
            # '2' over '6'); its digits go to the arithmetic like digits run together
            if short and j > len(pattern) and wrapped_at(k, n) is None:
                short = False  # then only as any row's values may be read
            fused_short = short and j != len(pattern)
            if fused_short and digits_in_run < len(pattern):
                continue
            if short or spread:
                pass
            elif j < n:
                if j == 1 and first.blank_row:
                    pass
                elif blank_in_run or digits_in_run < n:
                    continue
                elif j > 1 and table.rows[i].key not in ruled:
                    continue  # values printed apart are cells apart; cutting one, no rule could check
            elif blank_in_run:
                continue
            # a row printing only some cells has nothing but its label to say where it starts: on its side
            ev = WEAK if order else evidence(i, k, k + j, after, side_only=spread)
            if (short or spread) and ev < WEAK:
                continue
            if j < n and not short and not first.blank_row and ev < WEAK:
                continue  # digits are cut by arithmetic only where the row's label says whose they are
            gain = (1.0 if order else max(0.0, (ev - 70.0) / 3.0)) \
                - (FUSED if (j < n and not short and not spread and not first.blank_row) or fused_short else 0.0)
            if not order and names_other(i, side(k, k + j, after)):
                gain -= 8.0
            if after and other_before is None:
                other_before = labels_other_before(i, k)
            if after and other_before:
                continue  # a label that opens this line names another row: the values after it are its
            if not order and ((k and same_line(k - 1, k)) or (k + j < n_vals and same_line(k + j - 1, k + j))):
                if spread:
                    continue  # a row printing only some cells prints them on its line: the line's values are its
                gain -= MID_LINE
            if not order and j > 1 and own_label_inside(i, text_between(vals[k], vals[k + j - 1])):
                continue  # values before the row's own label are another row's
            if not order and j > 1 and (len(inside := text_between(vals[k], vals[k + j - 1])) > INSIDE
                                        or names_other(i, inside)):
                continue  # a label's worth of text, or another row's label, among this row's values:
                # the run straddles rows
            score = cur + gain
            if score > best[m][i + 1][k + j]:
                best[m][i + 1][k + j] = score
                back[m][i + 1][k + j] = ("row", i, k, j, ev, short, fused_short, spread)

    NEG = float("-inf")
    modes = (False, True) if switch else (after,)
    best = [[[NEG] * (n_vals + 1) for _ in range(n_rows + 1)] for _ in modes]
    back: list[list[list[tuple | None]]] = [[[None] * (n_vals + 1) for _ in range(n_rows + 1)] for _ in modes]
    best[0][0][0] = 0.0
    if switch:
        best[1][0][0] = 0.0
    for i in range(n_rows + 1):
        for k in range(n_vals + 1):
            if switch:  # the layout may change between rows (labels before, then after their values)
                for m in (0, 1):
                    if best[1 - m][i][k] - SWITCH > best[m][i][k]:
                        best[m][i][k], back[m][i][k] = best[1 - m][i][k] - SWITCH, ("switch", 1 - m)
            for m, aft in enumerate(modes):
                moves(m, aft, i, k)
    m = max(range(len(modes)), key=lambda m: best[m][n_rows][n_vals])
    out = Alignment(score=best[m][n_rows][n_vals], text="".join(labels))
    i, k = n_rows, n_vals
    while (i, k) != (0, 0):
        step = back[m][i][k]
        if step is None:
            break
        if step[0] == "switch":
            m = step[1]
        elif step[0] == "skipv":
            out.skipped_values.append(toks[vals[step[2]]])
            i, k = step[1], step[2]
        elif step[0] == "skipr":
            i, k = step[1], step[2]
        else:
            _, r, k0, j, ev, short, fused_short, spread = step
            run = [toks[vals[x]] for x in range(k0, k0 + j)]
            n = len(table.rows[r].cols)
            if short and j > len(pattern):
                run = wrapped_at(k0, n) or run
            out.placed.append(Placed(r, run, ev, fused=(j < n and not short and not spread and not run[0].blank_row)
                                     or fused_short, cols=pattern if short else None, sparse=spread))
            i, k = r, k0
    out.placed.reverse()
    out.skipped_values.reverse()
    return out


def _wrapped_order(run: list[Tok], pattern: tuple[int, ...], width: int) -> list[Tok] | None:
    """A run of one figure more than the pattern's columns is a figure wrapped in its cell ('26' printed '2'
    over '6') only where the row's own total says so. A text copy may print the row's other figure between
    the two pieces ('2' / '26' / '6'): each pair of pieces at most one figure apart, joined in their order
    at the place of either, gives the row's cells; it is a reading where the last, the total, is the sum
    of the others, and the run is one wrapped figure only when every reading gives the same cells. The
    run with the pieces side by side, else None (a pattern without the total column has nothing to check)."""
    if len(run) != len(pattern) + 1 or pattern[-1] != width - 1 or not all(t.text.isdigit() for t in run):
        return None
    found: dict[tuple[int, ...], list[Tok]] = {}
    for p in range(len(run) - 1):
        for q in range(p + 1, min(p + 3, len(run))):
            others = [t for x, t in enumerate(run) if x not in (p, q)]
            for at in (p, q - 1):  # the wrapped cell where its first piece stands, or where its last does
                order = others[:at] + [run[p], run[q]] + others[at:]
                cells = [int(t.text) for t in order[:at]] + [int(run[p].text + run[q].text)] \
                    + [int(t.text) for t in order[at + 2:]]
                if run[p].text[0] != "0" and sum(cells[:-1]) == cells[-1]:
                    found.setdefault(tuple(cells), order)
    return next(iter(found.values())) if len(found) == 1 else None


def short_patterns(table: Table, toks: list[Tok]) -> list[tuple[int, ...]]:
    """Column sets a copy that dropped its blank cells may print for every row: the first applicant
    column and the total (a table of natural persons only), or every column but the total (总计 left
    blank); and, when most of the table's lines print the same number k of values, fewer than its rows'
    cells, the first k-1 columns and the total, or the first k. Only the table's arithmetic can tell
    which (see transform.parse); a label wrapped over lines hides k, so the first two are always tried."""
    n = max(len(r.cols) for r in table.rows)
    out = [(0, n - 1), tuple(range(n - 1))]
    count: dict[int, int] = {}
    for t in toks:
        if t.value and not t.blank_row:
            count[t.line] = count.get(t.line, 0) + 1
    widths = [c for c in count.values() if c <= n]
    k = max(set(widths), key=widths.count) if widths else 0
    if 2 < k < n - 1 and widths.count(k) >= max(5, len(widths) / 2):
        out += [(*range(k - 1), n - 1), tuple(range(k))]
    return out


def _fill_short(report, table: Table, row, p: Placed) -> FusedRun | None:
    """A row printing only the columns `p.cols`: those take its values, the others are blank; the row
    says how it was read, since the copy no longer shows which columns were left blank. Values of those
    columns whose digits ran together ('2626' for 自然人 and 总计) come back as a run for the arithmetic."""
    for c, col in enumerate(row.cols):
        if c in p.cols and p.fused:
            continue
        if c in p.cols:
            tok = p.toks[p.cols.index(c)]
            v = parse_value(tok.text)
            if v is None:
                report.warn(table.key, row.key, col, f"unreadable cell {tok.text!r}", "unreadable")
                continue
            report.cells[(table.key, row.key, col)] = Cell(v.value, v.status, tok.text, tok.page, "moved")
        else:
            report.cells[(table.key, row.key, col)] = Cell(None, "blank", "", p.toks[0].page, "moved")
    names = ", ".join(row.cols[c] for c in p.cols)
    report.warn(table.key, row.key, "", f"prints {len(p.toks)} of {len(row.cols)} values "
                f"({' | '.join(t.text for t in p.toks)}); read as {names}, the other columns blank, as the "
                "table's other rows and its arithmetic show", "pattern")
    if p.fused:
        return FusedRun([(row.key, row.cols[c]) for c in p.cols], [t.text for t in p.toks], p.toks[0].page)
    return None


def _one_row_lines(table: Table, values: list[Tok]) -> set[int]:
    """Lines printing at most as many values as the table's widest row: each holds one row (a line
    with more — a one-line copy, table 四's row of fifteen — holds several, and says nothing)."""
    width = max(len(r.cols) for r in table.rows)
    count: dict[int, int] = {}
    for t in values:
        if not t.blank_row:
            count[t.line] = count.get(t.line, 0) + 1
    return {line for line, n in count.items() if n <= width}


def _split_lines(table: Table, alignment: Alignment) -> dict[int, str]:
    """Rows whose values the alignment cannot tell from others': their one-row line is shared with
    another row or with values left over, or a value left over stands right beside theirs (no label
    between) on their line, or anywhere when their values do not stand alone on one line (a copy printing
    each cell on a line of its own). Such a row prints more or fewer values than it has cells, and which
    are its is a guess."""
    values = [t for p in alignment.placed for t in p.toks] + alignment.skipped_values
    one_row = _one_row_lines(table, values)
    owners: dict[int, set] = {}
    owner_at: dict[int, int] = {}
    for p in alignment.placed:
        for t in p.toks:
            if not t.blank_row:
                owner_at[t.pos] = p.row
                if t.line in one_row:
                    owners.setdefault(t.line, set()).add(p.row)
    lines = {t.pos: t.line for t in values}
    told_apart = {p.row for p in alignment.placed if p.cols is not None  # a short row says how it was read
                   or (len({t.line for t in p.toks}) == 1
                       and all(lines[v.pos] != p.toks[0].line or v in p.toks for v in values))}
    out: dict[int, str] = {}
    for t in alignment.skipped_values:
        if t.line in one_row:
            owners.setdefault(t.line, set()).add(None)
        for near in (t.pos - 1, t.pos + 1):
            # beside it on its line, or beside it in a stream of values one per line (nothing tells them apart)
            if near in owner_at and (lines[near] == t.line or owner_at[near] not in told_apart):
                out[owner_at[near]] = " | ".join(v.text for v in sorted(values, key=lambda v: v.pos)
                                                 if abs(v.pos - t.pos) <= len(table.rows[owner_at[near]].cols))
    texts = {line: " | ".join(t.text for t in values if t.line == line and not t.blank_row) for line in owners}
    out.update({row: texts[line] for line, rows in owners.items() if len(rows) > 1 for row in rows if row is not None})
    return out


def tied_rows(table: Table) -> set[str]:
    """Rows a rule ties to other rows (table 三's R1/R2): the arithmetic says which row holds which
    figures. A row's own total (table 四's) checks its cells, not whose they are."""
    return {row for lhs, rhs in equations(table) if len({r for r, _ in lhs + rhs}) > 1 for row, _ in lhs + rhs}


def _beside_gaps(table: Table, alignment: Alignment) -> dict[int, str]:
    """Rows no rule ties to the others (tables 二 and 四) next to a template row the alignment did not
    find, next to values it left over, or whose values run on into another row's with no label between:
    there the stream printed something the template does not expect (a block laid out column by column,
    a row of another layout), so the values beside it may be another row's, and nothing but the order
    vouches for them."""
    ruled = tied_rows(table)
    found = {p.row for p in alignment.placed}
    skipped = [t.pos for t in alignment.skipped_values]
    values = {t.pos for q in alignment.placed for t in q.toks} | set(skipped)
    out: dict[int, str] = {}
    placed = alignment.placed
    for n, p in enumerate(placed):
        if table.rows[p.row].key in ruled:
            continue
        first, last = p.toks[0].pos, p.toks[-1].pos
        before = placed[n - 1].toks[-1].pos if n else -1
        after = placed[n + 1].toks[0].pos if n + 1 < len(placed) else float("inf")
        missing = [table.rows[r].label for r in (p.row - 1, p.row + 1) if 0 <= r < len(table.rows) and r not in found]
        if missing:
            out[p.row] = f"row {missing[0]!r}, not found"
        elif any(before < x < first or last < x < after for x in skipped):
            out[p.row] = "values left over"
        elif first - 1 in values or last + 1 in values:  # one run of values, cut by the count of cells alone
            out[p.row] = "another row's values with no label between"
    return out


def fill(report, table: Table, alignment: Alignment, hints: dict | None = None, order: bool = False) -> None:
    """Write an alignment's cells into `report`: single values as printed, fused runs cut by
    `transform.fused` with the table's arithmetic; rows placed without their label are warned, and so
    are all rows of an alignment `order` made; rows that share a line they cannot share are left out."""
    pending: list[FusedRun] = []
    placed = set()
    split = _split_lines(table, alignment)
    beside_gap = _beside_gaps(table, alignment)
    # a copy that dropped its blank cells
    patterned = any(p.cols is not None or p.sparse for p in alignment.placed)
    spread: dict[str, Placed] = {}
    for p in alignment.placed:
        row = table.rows[p.row]
        placed.add(row.key)
        page = p.toks[0].page
        if p.row in split:
            report.warn(table.key, row.key, "", f"its values cannot be told from their neighbours' "
                        f"({split[p.row]}) for its {len(row.cols)} cells; cells left out", "count_mismatch")
            continue
        if p.toks[0].blank_row:
            for col in row.cols:
                report.cells[(table.key, row.key, col)] = Cell(None, "blank", "", page, "text")
            if p.toks[0].guessed:
                report.warn(table.key, row.key, "", "read as printing nothing, but its label is stacked with "
                            "other rows' in one cell beside a figure: which of them printed it is not certain",
                            "placed")
            continue
        if p.sparse:
            spread[row.key] = p
        elif p.cols is not None:
            if run := _fill_short(report, table, row, p):
                pending.append(run)
        elif p.fused:
            pending.append(FusedRun([(row.key, c) for c in row.cols], [t.text for t in p.toks], page))
        else:
            for col, tok in zip(row.cols, p.toks):
                v = parse_value(tok.text)
                if v is None:
                    report.warn(table.key, row.key, col, f"unreadable cell {tok.text!r}", "unreadable")
                    continue
                report.cells[(table.key, row.key, col)] = Cell(v.value, v.status, tok.text, tok.page, "text")
        if patterned and p.cols is None and not p.sparse and not p.toks[0].blank_row:
            report.warn(table.key, row.key, "", f"reads {len(p.toks)} values where the table's other rows print "
                        "only some columns: they may be several rows' values", "crowded")
        if p.row in beside_gap:
            report.warn(table.key, row.key, "", f"read beside {beside_gap[p.row]}, and no rule checks the "
                        "row: which values are whose is not certain", "gap")
        elif p.row - 1 in split or p.row + 1 in split:
            # the neighbour is left out, so the rules that tie its column to this row's cannot be checked
            report.warn(table.key, row.key, "", "read beside a row whose values could not be told from its "
                        "neighbours', and the rules tying them cannot be checked without it: which values are "
                        "whose is not certain", "gap")
        if p.label < WEAK or order:
            report.warn(table.key, row.key, "", f"row label not found beside its values "
                        f"({' | '.join(t.text for t in p.toks)}); placed by the order of the table", "placed")
    if spread:
        placed |= _fill_sparse(report, table, alignment, spread)
    if pending:
        resolve_fused(report, table, pending, hints)
    for row in table.rows:
        if row.key not in placed:
            report.warn(table.key, row.key, "", "row not found", "not_found")
    if alignment.skipped_values:
        report.warn(table.key, "", "", "values between the rows not placed: "
                    + " | ".join(t.text for t in alignment.skipped_values[:8]), "extra")


def _fill_sparse(report, table: Table, alignment: Alignment, spread: dict[str, Placed]) -> set[str]:
    """Rows printing fewer figures than cells, each in columns of its own: `transform.sparse` places what the
    table's arithmetic settles; every such row says how it was read, and what is not settled is left out.
    Rows whose label is printed with no figure are blank. The rows read blank so."""
    fixed = {(r, c): Decimal(str(cell.value or 0)) for (t, r, c), cell in report.cells.items() if t == table.key}
    found = {p.row for p in alignment.placed}
    # a row the alignment found no figure for, in a table that dropped its blank cells, printed none: blank
    # for the rules (its cells stay unread, said so by its own warning)
    fixed.update({(r.key, c): Decimal(0) for n, r in enumerate(table.rows) if n not in found for c in r.cols})
    cells, open_rows = place(table, {key: [t.text for t in p.toks] for key, p in spread.items()}, fixed)
    page = next(iter(spread.values())).toks[0].page
    blank: set[str] = set()
    settled = any(open_rows.get(key) != table.rows[0].cols[0] for key in spread)  # the first column, at least
    for n, row in enumerate(table.rows):
        if settled and n not in found and any(len(k := norm(lbl)) >= 4 and k in alignment.text for lbl in (row.label, *row.aliases)):
            for col in row.cols:
                report.cells[(table.key, row.key, col)] = Cell(None, "blank", "", page, "moved")
            found.add(n)
            blank.add(row.key)
            report.warn(table.key, row.key, "", "its label is printed with no figure beside it: read as blank, "
                        "as the table's other rows dropped their blank cells", "pattern")
    for key, p in spread.items():
        row = next(r for r in table.rows if r.key == key)
        for col in row.cols:
            if (key, col) not in cells:
                continue
            raw = cells[(key, col)]
            v = parse_value(raw)
            if v is not None:
                report.cells[(table.key, key, col)] = Cell(v.value, v.status, raw, p.toks[0].page, "moved")
        figures = " | ".join(t.text for t in p.toks)
        if key in open_rows:
            report.warn(table.key, key, "", f"prints {len(p.toks)} of {len(row.cols)} values ({figures}); which "
                        f"columns they stand in from {open_rows[key]} on, the table's arithmetic does not settle; "
                        "those cells left out", "ambiguous")
        else:
            names = ", ".join(c for c in row.cols if cells.get((key, c)))
            report.warn(table.key, key, "", f"prints {len(p.toks)} of {len(row.cols)} values ({figures}); read as "
                        f"{names}, the other columns blank, as the table's arithmetic column by column shows", "pattern")
    return blank
