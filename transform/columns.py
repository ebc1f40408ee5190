"""Read a table grid by the positions its header gives the template's columns.

A printed table names its columns in header rows (自然人 | 商业企业 | … | 总计; 结果维持 … under 行政复议
and 行政诉讼), and every data row puts its cells under them. So the column of a cell is the column
whose header stands above it, whatever else the grid has: extra label columns, a column the print
left blank, a column a converter dropped, values repeated over merged cells. Header rows are told by
their content (they name template columns and print no figure); a header seen after data rows starts
a new block (table 二 names other columns for each of its blocks). A column the header does not name
is absent, with a warning, never shifted into a neighbour's place.
"""
from __future__ import annotations

from rapidfuzz import fuzz

from transform.labels import nfkc, norm, similarity
from transform.numbers import merged_figures, parse_value
from transform.report import Cell, Report
from transform.schema import Table

MATCH = 85.0
MAX_LABEL = 60  # a longer text cell is no row label: text of a page laid out in a table, cells run together


def column_of(table: Table, cell: str) -> str | None:
    """The template column a header cell names: the whole cell for short labels (其他, 总计), the label
    inside a cell of about its length for long ones (本年新制作数量 in '本年新\\n制作数量')."""
    text = norm(cell)
    if not text:
        return None
    best, best_len = None, 0
    for col, label in table.col_labels.items():
        key = norm(label)
        if (text == key or (len(key) >= 4 and key in text and len(text) <= len(key) + 8)) and len(key) > best_len:
            best, best_len = col, len(key)
    return best


def columns_named(table: Table, cells: list[str]) -> dict[int, tuple[str, ...]]:
    """Header cells → the template columns each names, in printed order. A converter may merge columns'
    headers into one cell (`法律服务机构其他`) or cut a name across two (`商业企业科` | `研机构社会公益组织`,
    `采购` | `总金额`): every whole name the row prints goes to the cell holding most of its characters, and
    also to a cell holding only pieces of names (`采购`), so that a figure under either is that column's
    and figures under both are no one cell (`251` | `000元`: left out, not read as 0). A cell takes names
    only when names cover all its text (a row label holding 其他 names no column)."""
    texts = [norm(c) for c in cells]
    starts = [sum(map(len, texts[:j])) for j in range(len(texts))]
    joined = "".join(texts)
    covered = [0] * len(texts)
    found: dict[int, list[tuple[int, str]]] = {}
    pieces: dict[int, list[tuple[int, str]]] = {}
    for col, label in table.col_labels.items():
        key = norm(label)
        at = joined.find(key) if len(key) >= 2 else -1
        while at >= 0:
            share = [max(0, min(at + len(key), s + len(t)) - max(at, s)) for s, t in zip(starts, texts)]
            most = max(range(len(share)), key=share.__getitem__)
            for j, n in enumerate(share):
                covered[j] += n
                if n and j != most:
                    pieces.setdefault(j, []).append((at, col))
            found.setdefault(most, []).append((at, col))
            at = joined.find(key, at + len(key))
    out = {j: (col,) for j, c in enumerate(cells) if (col := column_of(table, c))}
    for j in range(len(cells)):
        named = found.get(j) or pieces.get(j, [])
        if named and covered[j] >= len(texts[j]) and (len(named) > 1 or j not in out):
            out[j] = tuple(dict.fromkeys(col for _, col in sorted(named)))
    return _near_named(table, texts, out)


def _near_named(table: Table, texts: list[str], out: dict[int, tuple[str, ...]]) -> dict[int, tuple[str, ...]]:
    """A header cell that names no column but misses one character of a name (OCR passed over the `果` of a
    name wrapped `结` / `果` / `维` / `持`) names it where the template's order puts that column: right before
    the column its right neighbour names, or right after its left neighbour's."""
    order = list(table.col_labels)
    for j, text in enumerate(texts):
        if j in out or len(text) < 2:
            continue
        near = [c for c, label in table.col_labels.items() if fuzz.ratio(norm(label), text) >= MATCH]
        if len(near) != 1:
            continue
        k = order.index(near[0])
        right, left = out.get(j + 1, ()), out.get(j - 1, ())
        if (right and k + 1 < len(order) and right[0] == order[k + 1]) or (left and k and left[-1] == order[k - 1]):
            out[j] = (near[0],)
    return out


def row_label_of(table: Table, cell: str) -> int | None:
    """The template row a header cell names (table 四 prints its rows as header groups)."""
    text = norm(cell)
    if len(text) < 4:
        return None
    found = [i for i, r in enumerate(table.rows) if norm(r.label) in text or text in norm(r.label)]
    return max(found, key=lambda i: len(table.rows[i].label)) if found else None


def _is_figure(cell: str) -> bool:
    v = parse_value(cell)
    return v is not None and v.status == "number"


def read_grid(report: Report, table: Table, rows: list[tuple[list[str], int]]) -> bool:
    """Fill `report` from grid rows (full width, merged cells repeated) by header positions.
    False when no header names enough of the template's columns to read by position."""
    header_cols: dict[int, tuple[str, ...]] = {}
    header_rows: dict[int, int] = {}  # position → template row a group header above it names
    in_header = False
    width = max((len(cells) for cells, _ in rows), default=0)
    filled = 0
    cursor = 0
    blank_rows: list[int] = []  # rows read all blank since the last row of figures
    unclaimed = False  # a row of figures no label claims was met since then
    grid, grid_width = None, 0
    for row_cells, page in rows:
        cells = [nfkc(c or "") for c in row_cells]
        this_grid = getattr(row_cells, "grid", None)
        if this_grid != grid:  # another grid: its columns are the old header's only if it is as wide
            if header_cols and getattr(row_cells, "width", len(cells)) != grid_width:
                header_cols, header_rows = {}, {}
            grid, grid_width = this_grid, getattr(row_cells, "width", len(cells))
        label = " ".join(dict.fromkeys(c for j, c in enumerate(cells) if j not in header_cols and c.strip()
                                       and parse_value(c) is None and len(norm(c)) <= MAX_LABEL))
        figures = any(_is_figure(c) for c in cells)
        named = {} if figures else columns_named(table, cells)
        # a row of no figures is a header unless its label names a row (one printing nothing); cells naming
        # several columns make it a header whatever its label seems to say (其他 · 总计 are row words too)
        if not figures and (len(named) > 1 or not (header_cols and _row_of(table, label, cursor) is not None)):
            groups = {j: r for j, c in enumerate(cells)
                      if table.key == "review_litigation" and (r := row_label_of(table, c)) is not None}
            if named or groups:
                if not in_header:
                    header_cols, header_rows = {}, {}
                in_header = True
                header_cols.update(named)
                for j, r in _spread(groups, cells, width).items():
                    if j not in header_rows or len(table.rows[r].label) > len(table.rows[header_rows[j]].label):
                        header_rows[j] = r
            continue
        in_header = False
        if not header_cols:
            continue
        if len(cells) <= max(header_cols):  # a row shorter than its header: which cell is missing is unknown
            r = _row_of(table, label, cursor)
            if r is not None:
                report.warn(table.key, table.rows[r].key, "", f"{len(cells)} cells under a header of "
                            f"{max(header_cols) + 1} columns ({' | '.join(cells)}); cells left out", "count_mismatch")
            continue
        if any(merged_figures(c) and len(header_cols.get(j, ())) < 2 for j, c in enumerate(cells)):
            # merged columns the header does not show merged: positions under the header no longer hold
            r = _row_of(table, label, cursor)
            if r is not None:
                report.warn(table.key, table.rows[r].key, "", f"a cell holds two figures side by side "
                            f"({' | '.join(cells)}): a converter merged columns; cells left out", "count_mismatch")
            continue
        stray = [c for j, c in enumerate(cells) if j > min(header_cols) and j not in header_cols and _is_figure(c)]
        if stray and (r := _row_of(table, label, cursor)) is not None:
            # a figure under no header: the header's positions do not say this row's columns
            report.warn(table.key, table.rows[r].key, "", f"figures {stray} stand under no column's header "
                        f"({' | '.join(cells)}): which columns the row's cells are in is not certain", "count_mismatch")
        by_position = {}
        for j, cols in sorted(header_cols.items()):
            r = header_rows.get(j)
            if r is None:
                r = _row_of(table, label, cursor)
            if r is None:
                continue
            for col, value in zip(cols, _under(cells[j], len(cols))):
                by_position.setdefault((r, col), []).append(value)
        if figures and not by_position:  # figures no row label claims: the blank rows around them may be theirs
            unclaimed = True
            for b in blank_rows:
                _warn_blank(report, table, b)
            blank_rows = []
            continue
        rows_here = {r for r, _ in by_position}
        if all(not v.strip() for vs in by_position.values() for v in vs if v is not None):
            if unclaimed:
                for b in rows_here:
                    _warn_blank(report, table, b)
            else:
                blank_rows += sorted(rows_here)
        elif figures:
            blank_rows, unclaimed = [], False
        for (r, col), values in by_position.items():
            row = table.rows[r]
            if col not in row.cols:
                continue
            if None in values:
                report.warn(table.key, row.key, col, f"fewer figures than the columns its header cell names "
                            f"merged ({' | '.join(cells)}): which column each is in is not shown; cell left out",
                            "count_mismatch")
                continue
            printed = [v for v in values if v.strip()]
            raw = printed[0] if printed else ""
            if len(set(printed)) > 1:  # different figures under one column's header: not one cell
                report.warn(table.key, row.key, col, f"several figures under one column ({' | '.join(printed)}); "
                            "cell left out", "count_mismatch")
                continue
            v = parse_value(raw)
            if v is None:
                report.warn(table.key, row.key, col, f"unreadable cell {raw!r}", "unreadable")
                continue
            report.cells[(table.key, row.key, col)] = Cell(v.value, v.status, raw, page, "grid")
            filled += 1
            cursor = max(cursor, r + 1) if r >= cursor else cursor
    if not filled:
        return False
    for row in table.rows:
        got = [c for c in row.cols if (table.key, row.key, c) in report.cells]
        if not got:
            report.warn(table.key, row.key, "", "row not found", "not_found")
        elif len(got) < len(row.cols):
            missing = [c for c in row.cols if c not in got]
            report.warn(table.key, row.key, "", f"columns {missing} not printed; cells left out", "not_printed")
    return True


def _warn_blank(report: Report, table: Table, r: int) -> None:
    """Row r read all blank beside a row of figures no label claims (a copy printing a row's figures on
    lines of their own, away from its label): the blanks may be those figures' places."""
    report.warn(table.key, table.rows[r].key, "", "read as blank beside figures no row label claims: its cells "
                "may be those figures", "placed")


def _under(cell: str, n: int) -> list[str | None]:
    """A data cell's value for each of the n columns its header cell names: the cell itself under one
    column; under columns a converter merged, its figures one each (`2 1`, or stacked `2` / `1`), a blank
    cell blank for all, and None for all when the figures are not one a column (which is whose is not shown)."""
    if n == 1:
        return [cell]
    figures = cell.split()
    if not figures:
        return [""] * n
    if len(figures) == n and all(parse_value(f) is not None for f in figures):
        return figures
    return [None] * n


def _spread(groups: dict[int, int], cells: list[str], width: int) -> dict[int, int]:
    """A group header printed once over a merged span: the empty positions after it take it, up to the
    next printed cell of that header row (or the table's edge, where a converter cut the row short)."""
    out: dict[int, int] = {}
    for j, r in groups.items():
        out[j] = r
        k = j + 1
        while k < width and (k >= len(cells) or not cells[k].strip()):
            out[k] = r
            k += 1
    return out


def _row_of(table: Table, label: str, cursor: int) -> int | None:
    """The template row a data row's label names: the best match, ties to the first at or after the cursor."""
    text = norm(label)
    if not text:
        return None
    best, best_score = None, 0.0
    for i, row in enumerate(table.rows):
        score = max(similarity(norm(lbl), text) for lbl in (row.label, *row.aliases))
        if norm(row.label) in text:
            score += len(row.label) / 10  # the whole label printed: the most specific wins
        if i < cursor:
            score -= 1
        if score >= MATCH and score > best_score:
            best, best_score = i, score
    return best
