"""Document → Report: find sections 二/三/四, cut them into labelled rows of values,
map rows to canonical keys by their labels and values to columns in printed order.

Everything here works on the `Document` model, whatever format it came from:
grid rows keep their cells (so blanks stay blank); text lines are cut into
label runs and number runs.
"""
from __future__ import annotations

import re
from datetime import date

from extract.document import Document, Line
from transform import meta
from transform.labels import nfkc, norm, similarity, starts_label
from transform.numbers import merged_figures, parse_value, side_by_side
from transform.notes import Note
from transform.report import Cell, Report
from transform.choices import by_arithmetic
from transform.fused import FusedRun, arithmetic, equations, prose_hints, resolve_fused
from transform.moved import NotedValue, noted_values, put_back
from transform.tokens import Segment, text_segments
from transform.align import WEAK, align, column_major, fill, short_patterns, stream
from transform.columns import read_grid
from transform.furniture import without_furniture
from transform.schema import (
    ACTIVE_2019, ACTIVE_2021, REQUESTS_2021, REQUESTS_OTHER_AS_ONE, REVIEW_LITIGATION, Row, Table, tables_for,
)

SECTION_OF = {"二": "active", "三": "requests", "四": "review_litigation", "五": "problems", "六": "other"}
_HEADING = re.compile(
    r"(?<![第十])(?P<n>[二三四五六])\s*[、.．]\s*"  # copies run headings on: '…667三、收到', '…情况三、收到'
    r"(?=主动公\S|收到和处理|[^。；\s]{0,16}行政\S?复议|[^。；\s]{0,12}存在的主要问题|其他需要报告)"
)  # 主动公\S: a scan's 开 is often read 并, and no other heading starts 主动公
MATCH_MIN = 85.0
LOOKAHEAD = 6


def split_sections(doc: Document, full: bool = False) -> dict[str, list[tuple[object, int]]]:
    """Section key → its content in order: text strings (from lines) and grid rows (lists of cells:
    each printed cell once, or with `full` every position, merged cells repeated over their span)."""
    out: dict[str, list[tuple[object, int]]] = {}
    current = "preamble"
    for block in doc.blocks:
        if isinstance(block, Line):
            current = _text_line(out, current, block.text, block.page)
        else:
            repeated: set[int] = set()
            for i, page in enumerate(block.pages):
                row = [nfkc(c) for c in block.printed(i)]
                printed = [c for c in row if c.strip()]
                if len(printed) == 1 and (_HEADING.match(printed[0]) or len(norm(printed[0])) > 60):
                    # one text cell across the row: a heading, or the text of a page laid out in a table
                    for text in printed[0].splitlines():
                        current = _text_line(out, current, text, page)
                    continue
                if len(printed) > 1 and _HEADING.match(heading := "".join(printed)) \
                        and not any(parse_value(c) is not None for c in printed):
                    # a heading a converter cut into cells ('三、收到和处理政府信 | 息公开申请情况')
                    current = _text_line(out, current, heading, page)
                    continue
                if full:  # every position, less the padding after a row's last cell (hspan with no text)
                    width = len(block.rows[i])
                    while width and block.hspans[i][width - 1] and not block.rows[i][width - 1]:
                        width -= 1
                    row = GridRow(nfkc(c) for c in block.rows[i][:width])
                    row.grid, row.width = id(block), len(block.rows[i])
                else:
                    row, repeated = _drop_copied_spans(row, repeated)
                out.setdefault(current, []).append((row, page))
    return out


class GridRow(list):
    """A grid row at full width, knowing its grid (header positions hold within one grid only)."""

    grid: int = 0
    width: int = 0


def _text_line(out: dict[str, list[tuple[object, int]]], current: str, text: str, page: int) -> str:
    """Append one text line to its sections (a heading inside it starts the next); the section it ends in."""
    text = nfkc(text)
    pos = 0
    for m in _HEADING.finditer(text):
        piece = text[pos:m.start()].strip()
        if piece:
            out.setdefault(current, []).append((piece, page))
        current = SECTION_OF[m.group("n")]
        pos = m.start()
    piece = text[pos:].strip()
    if piece:
        out.setdefault(current, []).append((piece, page))
    return current


_COL_LABELS = {norm(lbl) for t in (ACTIVE_2021, ACTIVE_2019, REVIEW_LITIGATION) for lbl in t.col_labels.values()}


def _drop_copied_spans(row: list[str], repeated: set[int]) -> tuple[list[str], set[int]]:
    """A copy that lost its colspans prints a merged header and the values under it once per column
    (本年新公开数量 | 本年新公开数量 over 13 | 13). Under such a header, a cell equal to its left
    neighbour at a repeated position is that one value again; a different value is kept (and the row
    will not fit, so it is warned about, never guessed)."""
    cells = [norm(c) for c in row]
    if not any(parse_value(c) is not None and c.strip() for c in row) and any(c in _COL_LABELS for c in cells):
        repeated = {j for j in range(1, len(cells)) if cells[j] in _COL_LABELS and cells[j] == cells[j - 1]}
        return row, repeated
    if not repeated:
        return row, repeated
    return [c for j, c in enumerate(row) if not (j in repeated and c.strip() and c == row[j - 1])], repeated


def segments(content: list[tuple[object, int]]) -> list[Segment]:
    """Cut a section's content into labelled rows: grid rows keep their cells, text lines are tokenised.

    A grid row printed without its label right after a text line holding only a label
    (a converter moved the wrapped label out of the table) takes that label.
    """
    segs: list[Segment] = []
    for item, page in content:
        if isinstance(item, list):
            seg = _grid_segment(item, page)
            prev = segs[-1] if segs else None
            if not norm(seg.label) and seg.values and prev and not prev.grid and not prev.values and norm(prev.label):
                prev.values, prev.grid = seg.values, True
                continue
            segs.append(seg)
        else:
            text_segments(item, page, segs)
    return segs


def header_cols(table: Table, label: str) -> list[str]:
    """Canonical columns a header row names, in printed order (labels of 4+ characters only:
    short ones such as 其他 occur inside row labels too)."""
    text = norm(label)
    found = []
    for col, col_label in table.col_labels.items():
        key = norm(col_label)
        if len(key) >= 4 and key in text:
            found.append((text.index(key), col))
    return [c for _, c in sorted(found)]


def _grid_segment(row: list[str], page: int) -> Segment:
    """Label = the distinct text cells before the first value cell; values = every cell after it."""
    label_parts: list[str] = []
    first_value = len(row)
    for j, cell in enumerate(row):
        v = parse_value(cell)
        if (v is not None and v.status == "number") or merged_figures(cell):  # '10 1': merged cells
            first_value = j
            break
        if v is None and cell not in label_parts:
            label_parts.append(cell)
    # cells between the last label cell and the first number are blank or n/a values
    last_label = max((j for j in range(first_value) if parse_value(row[j]) is None), default=-1)
    values = row[last_label + 1:]
    # a text cell holding figures side by side is a group cell whose box took in its neighbours' rows
    # ('三、（一）予以公开 26 26 本年度办（二）部分公开'): the row's own label cells say whose it is
    own = [p for p in label_parts if not side_by_side(p)]
    return Segment(" ".join(own or label_parts), values, page, grid=True)


def _match(table: Table, seg: Segment, start: int, group: str, limit: int | None = None) -> int | None:
    """Index of the canonical row `seg` prints, among the next few after `start` (or up to `limit`)."""
    text = norm(seg.label)
    best, best_score = None, 0.0
    for i in range(start, min(len(table.rows), start + LOOKAHEAD if limit is None else limit)):
        row = table.rows[i]
        score = max(similarity(norm(lbl), text) for lbl in (row.label, *row.aliases))
        if row.group and group and row.group != group and not _names(row, text) and not starts_label(norm(row.label), text):
            score -= 20  # a fragment under another group's label
        # a label printed whole: prefer the most specific; a fragment: prefer the earliest row
        bonus = len(row.label) / 100 if norm(row.label) in text else -(i - start) / 100
        if score >= MATCH_MIN and score + bonus > best_score:
            best, best_score = i, score + bonus
    return best


def _fill(report: Report, table: Table, key: str, cols: tuple[str, ...], values: list[str], page: int,
          how: str = "grid") -> bool:
    for col, raw in zip(cols, values):
        v = parse_value(raw)
        if v is None:
            report.warn(table.key, key, col, f"unreadable cell {raw!r}", "unreadable")
            continue
        report.cells[(table.key, key, col)] = Cell(v.value, v.status, raw, page, how)
    return True


def _fit(values: list[str], n: int) -> list[str] | None:
    """Trim blank cells at the ends (merged-label remnants) until the row has n values."""
    vals = list(values)
    while len(vals) > n and not vals[0].strip():
        vals.pop(0)
    while len(vals) > n and not vals[-1].strip():
        vals.pop()
    return vals if len(vals) == n else None


def _edges_guessed(values: list[str], n: int) -> bool:
    """More cells than columns, and more than one way to drop blank cells at the ends to leave n, or blank
    cells among those kept: which blanks are the table's margin (a merged label's remnant) and which are
    blank values is a guess."""
    blank = [not v.strip() for v in values]
    starts = [s for s in range(len(values) - n + 1) if all(blank[:s]) and all(blank[s + n:])]
    # one way, but blank cells left inside: a blank dropped at the edge may have been a value's column
    return len(starts) > 1 or (len(starts) == 1 and len(values) > n and any(blank[starts[0]:starts[0] + n]))


def _names(row: Row, text: str) -> bool:
    """The text prints the row's whole label (or an alias), not just a fragment of it."""
    return any(norm(lbl) in text for lbl in (row.label, *row.aliases))


def _gap_row(table: Table, segs: list[Segment], k: int, cursor: int, group: str) -> int | None:
    """The row an unlabelled grid row fills: the next expected one, when the next labelled
    row printed is the one after it (exactly one row missing between them)."""
    if not segs[k].grid:
        return None
    for nxt in segs[k + 1:]:
        if nxt.values and norm(nxt.label):
            j = _match(table, nxt, cursor, group)
            return cursor if j == cursor + 1 else None
        if nxt.values:
            return None
    return None


def map_rows(report: Report, table: Table, segs: list[Segment], hints: dict | None = None,
             notes: list[NotedValue] | None = None) -> None:
    cursor, group, header = 0, "", []
    seen: set[str] = set()
    pending: list[FusedRun] = []
    short: list[tuple[str, Segment]] = []  # grid rows one value short, while noted values sit outside the table
    width = max(len(r.cols) for r in table.rows)
    # a grid with rows of more cells than columns has margin cells (label remnants): there a row of just
    # as many cells as columns, blank at an edge, may be margin and values shifted as well
    margin = any(seg.grid and len(seg.values) > width for seg in segs)
    for k, seg in enumerate(segs):
        text = norm(seg.label)
        for g in ("不予公开", "无法提供", "不予处理", "其他处理"):
            if g[:3] in text:  # the group label may be cut at a page or cell break (其他处 | 理)
                group = g
        header = header_cols(table, seg.label) or header
        if not seg.values:
            continue
        i = _match(table, seg, cursor, group) if text else _gap_row(table, segs, k, cursor, group)
        if i is None and text:  # rows left out of the print: a later row
            i = _match(table, seg, cursor, group, limit=len(table.rows))
        if i is None and text:  # a block printed out of order (converters move tables): an earlier unread row
            i = _match(table, seg, 0, group, limit=cursor)
            if i is not None and any((table.key, table.rows[i].key, c) in report.cells for c in table.rows[i].cols):
                i = None
        if i is None:
            continue
        row = table.rows[i]
        if seg.grid and not any(v.strip() for v in seg.values) and not _names(row, text):
            continue  # a blank row under a label fragment: the rest of a row broken over a page or cell break
        seen.add(row.key)
        cols = row.cols
        if not text:
            report.warnings.append(f"{table.key}/{row.key}: row printed without its label; placed by table order")
        if header and len(header) == len(seg.values) and set(header) <= set(cols):
            cols = tuple(header)  # the header names the columns this row prints
        n = len(cols)
        if seg.grid and any(side_by_side(v) for v in seg.values):
            report.warn(table.key, row.key, "", f"a cell holds two figures side by side ({' | '.join(seg.values)}): "
                        "a converter merged columns, which column each figure is in is not certain; cells left out",
                        "count_mismatch")
            cursor = i + 1
            continue
        vals = _fit(seg.values, n)
        printed = [v for v in seg.values if v.strip()]
        if vals is None and n == 1 and seg.grid and len(set(printed)) == 1:
            vals = printed[:1]  # one value copied over a merged cell's columns (a copy that lost the colspan)
        if vals is None and seg.grid and not any(v.strip() for v in seg.values):
            continue  # a header or group-label row: its empty cells are layout, not values
        if vals is None and not seg.grid:
            # digits of neighbouring cells ran together: solved below with the table's arithmetic
            pending.append(FusedRun([(row.key, c) for c in row.cols], seg.values, seg.page))
            cursor = i + 1
            continue
        if vals is None and notes and seg.grid and len(printed) == n - 1 == len(row.cols) - 1:
            short.append((row.key, seg))
            cursor = i + 1
            continue
        if vals is None:
            # the row may be a header echo ('总计' over numbers of the next row): only warn for printed numbers
            report.warnings.append(
                f"{table.key}/{row.key}: {len(seg.values)} values for {n} cells ({' | '.join(seg.values)}); cells left out"
            )
            cursor = i + 1
            continue
        _fill(report, table, row.key, cols, vals, seg.page, "grid" if seg.grid else "text")
        if _edges_guessed(seg.values, n) or (margin and seg.grid and len(seg.values) == n
                                             and not (seg.values[0].strip() and seg.values[-1].strip())):
            report.warn(table.key, row.key, "", f"{len(seg.values)} cells for {n} columns ({' | '.join(seg.values)}); "
                        "which blank cells at the edges are margin is a guess", "edges")
        if len(cols) < len(row.cols):
            missing = [c for c in row.cols if c not in cols]
            report.warnings.append(f"{table.key}/{row.key}: columns {missing} not printed; cells left out")
        cursor = i + 1
    if short:
        _put_back_moved(report, table, short, notes or [])
    if pending:
        resolve_fused(report, table, pending, hints)
    for row in table.rows:
        if row.key not in seen:
            report.warnings.append(f"{table.key}/{row.key}: row not found")


def _put_back_moved(report: Report, table: Table, short: list[tuple[str, Segment]], notes: list[NotedValue]) -> None:
    """Rows one value short get back the noted values printed outside the table (see transform.moved)."""
    printed = [(key, [v for v in seg.values if v.strip()]) for key, seg in short]
    columns = put_back(table, printed, notes)
    for i, ((key, seg), (_, values)) in enumerate(zip(short, printed)):
        cols = table.row(key).cols
        if columns is None:
            report.warnings.append(
                f"{table.key}/{key}: {len(values)} values for {len(cols)} cells ({' | '.join(values)}); cells left out")
            continue
        col, note = columns[i], notes[i]
        _fill(report, table, key, tuple(c for c in cols if c != col), values, seg.page)
        _fill(report, table, key, (col,), [note.raw], note.page, "moved")
        report.warnings.append(f"{table.key}/{key}/{col}: {note.raw} ({note.note}) printed outside the table; "
                               "put back under the column its note names")


def map_review(report: Report, table: Table, segs: list[Segment]) -> None:
    """Table 四 prints one row of 15 numbers (or three blocks of 5) under a two-level header,
    or one labelled row of 5 per 行政复议 / 未经复议直接起诉 / 复议后起诉.

    Where the section has a grid, only grid rows count: text around it is prose whose
    numbers (years, counts) are not cells.
    """
    if _map_review_rows(report, table, [s for s in segs if s.grid]):
        return
    flat: list[tuple[str, int]] = []
    text_only = True
    has_grid = any(s.grid and _printed_values(s) for s in segs)
    for seg in segs:
        numbers = [v for v in seg.values if (pv := parse_value(v)) is not None and pv.status == "number"]
        if has_grid and not seg.grid:
            continue
        # a text row whose digits ran together ('110024001510102') counts its digits, not its runs
        # a column's header word among the values ('… 0 0 0 总计 0': pdftotext put 总计 where it stands over
        # the last cell) is no row label: its values go on with the run
        header_word = bool(flat) and not seg.grid and norm(seg.label) in {norm(c) for c in table.col_labels.values()}
        if len(numbers) >= 3 or (not seg.grid and sum(len(v) for v in numbers) >= 3) or (
                seg.grid and len(seg.values) >= 5 and _printed_values(seg)) or (header_word and numbers):
            flat.extend((v, seg.page) for v in seg.values)
            text_only = text_only and not seg.grid
    cols = [(r.key, c) for r in table.rows for c in r.cols]
    flat = _merged_apart(report, table, flat, len(cols))
    digits = "".join(v for v, _ in flat).replace(" ", "")
    if text_only and flat and len(flat) < len(cols) <= len(digits) and set(digits) == {"0"}:
        flat = [("0", flat[0][1]) for _ in digits]  # zeros run together: one a cell, whichever are extra
    vals = _fit([v for v, _ in flat], len(cols))
    if vals is None and flat and text_only and len(flat) < len(cols):  # fewer runs than cells: some ran together
        resolve_fused(report, table, [FusedRun(cols, [v for v, _ in flat], flat[0][1])])
        return
    if vals is None and len(flat) > len(cols):
        start, how = _review_window(table, cols, [v for v, _ in flat])
        for row in table.rows:
            report.warn(table.key, row.key, "", f"{len(flat)} values for {len(cols)} cells; read values "
                        f"{start + 1}–{start + len(cols)}: {how}", "extra")
        flat = flat[start:start + len(cols)]
        vals = [v for v, _ in flat]
    if vals is None:
        report.warnings.append(f"review_litigation: {len(flat)} values for {len(cols)} cells; table left out")
        return
    pages = [p for _, p in flat]
    for (row, col), raw, page in zip(cols, vals, pages):
        v = parse_value(raw)
        if v is None:
            report.warn("review_litigation", row, col, f"unreadable cell {raw!r}", "unreadable")
            continue
        report.cells[(table.key, row, col)] = Cell(v.value, v.status, raw, page, "text" if text_only else "grid")


def _merged_apart(report: Report, table: Table, flat: list[tuple[str, int]], n: int) -> list[tuple[str, int]]:
    """Table 四's figures with the cells a converter merged (`10 1`) read apart, where that gives exactly its
    n cells and no cell is blank: every figure is then in print order, so none can stand in another's
    column. Each row says so; otherwise the figures are as printed."""
    parts = [(p, page) for v, page in flat for p in (v.split() if merged_figures(v) else [v])]
    if len(flat) >= n or len(parts) != n or any(not v.strip() for v, _ in flat):
        return flat
    for row in table.rows:
        report.warn(table.key, row.key, "", "figures a converter merged into one cell read apart: the table "
                    f"prints its {n} figures in order", "merged")
    return parts


def _review_window(table: Table, cols: list[tuple[str, str]], values: list[str]) -> tuple[int, str]:
    """Where table 四's cells stand among more values than it has (a copy that mixed another table's figures
    in): the one window of consecutive values every row's sum holds for, else the first."""
    windows = []
    for start in range(len(values) - len(cols) + 1):
        parsed = [parse_value(v) for v in values[start:start + len(cols)]]
        if any(p is None for p in parsed):
            continue
        got = {k: p.value or 0 for k, p in zip(cols, parsed)}
        if all(abs(sum(got[k] for k in lhs) - sum(got[k] for k in rhs)) < 1e-6 for lhs, rhs in equations(table)):
            windows.append(start)
    if len({tuple(values[w:w + len(cols)]) for w in windows}) == 1:
        return windows[0], "the only run of them whose rows add up"
    return 0, "no single run of them adds up, so which are the table's is not certain"


def _printed_values(seg: Segment) -> bool:
    """The row prints at least one number or not-applicable mark (not only layout blanks)."""
    return any((pv := parse_value(v)) is not None and pv.status != "blank" for v in seg.values)


def _map_review_rows(report: Report, table: Table, segs: list[Segment]) -> bool:
    """Table 四 printed as labelled rows of 5: fill them when all three are found."""
    found: dict[str, Segment] = {}
    for seg in segs:
        text = norm(seg.label)
        vals = _fit(seg.values, 5)
        if not text or vals is None:
            continue
        i = _match(table, seg, 0, "", limit=len(table.rows))
        if i is not None and table.rows[i].key not in found:
            found[table.rows[i].key] = Segment(seg.label, vals, seg.page, grid=True)
    if len(found) < len(table.rows) or not any(_printed_values(f) for f in found.values()):
        return False
    for row in table.rows:
        _fill(report, table, row.key, row.cols, found[row.key].values, found[row.key].page)
    return True


def _ocr_doubt(doc: Document, agency: str | None) -> str | None:
    """An agency name read by OCR from a scanned page is said to be so: a misread character (沭 → 流) makes
    another name that no rule can catch, and the name is the key analysts join agencies by."""
    if not agency or not doc.ocr_pages:
        return None
    key = norm(agency)
    page = next((line.page for line in doc.lines() if key in norm(line.text)), None)
    if page is None or page in doc.ocr_pages:
        return f"agency name {agency!r} read by OCR from a scanned page: its characters are not certain"
    return None


def parse(doc: Document, source: str = "", sha256: str = "") -> Report:
    report = Report(source=source, sha256=sha256, format=doc.format)
    report.warnings.extend(doc.warnings)
    report.ocr_pages = list(doc.ocr_pages)
    lines = [line.text for line in doc.lines()]
    body = "\n".join(lines)
    title = meta.find_title(lines, doc.title)
    report.year = meta.year_of(title, body)
    report.agency = meta.clean_agency(meta.find_agency(title, lines))
    report.template = meta.detect_template(body, report.year)
    if not meta.is_annual_report(title, body):
        report.template = None
        report.skip_reason = "not an annual report: no 政府信息公开…年度报告 title with a report body"
        return report
    for doubt in (meta.agency_doubt(report.agency), meta.year_doubt(report.year, report.template, date.today().year),
                  _ocr_doubt(doc, report.agency)):
        if doubt:
            report.warnings.append(Note(doubt, code="meta"))
    if report.template == "pre2019":
        report.skip_reason = "free-form report before the 2019 format: no standard tables"
        return report
    # a text copy's tables printed in spaces, read as grids of their character columns: one more reading
    layout = split_sections(without_furniture(Document(doc.format, doc.layout)), full=True) if doc.layout else {}
    doc = without_furniture(doc)
    sections = split_sections(doc)
    grids = split_sections(doc, full=True)
    tables = tables_for(report.template)
    req_text = norm(" ".join(" ".join(x) if isinstance(x, list) else str(x) for x, _ in sections.get("requests", [])))
    if any(w in req_text for w in ("逾期不补正", "逾期未按", "缴纳费用", "收费通知")):  # words of 六 split in three
        tables["requests"] = REQUESTS_2021
    else:
        tables["requests"] = REQUESTS_OTHER_AS_ONE
    hints = prose_hints(body)
    for key, table in tables.items():
        if not segments(sections.get(key, [])):
            report.warn(key, "", "", "section not found", "not_found")
            for row in table.rows:  # each absent figure says so where an analyst looks for it
                report.warn(key, row.key, "", "not read: the table's section was not found", "not_found")
            continue
        chosen = _read_table(table, sections, grids, layout, hints, source)
        if doc.ocr_pages:
            chosen = by_arithmetic(doc, table, chosen, lambda d, t=table: _read_table(
                t, split_sections(d), split_sections(d, full=True), {}, hints, source))
        report.cells.update(chosen.cells)
        report.warnings.extend(chosen.warnings)
    if not report.cells:
        report.error = "no standard tables found"
    return report


def _read_table(table: Table, sections: dict, grids: dict, layout: dict, hints: dict, source: str) -> Report:
    """One table read every way the section's content allows (row by row, by the header's positions, by the
    character columns of a table printed in spaces (`layout`), as a stream aligned to the template, by order
    where arithmetic vouches), the best reading kept and warned."""
    key = table.key
    content = sections.get(key, [])
    segs = segments(content)
    by_rows = Report(source)
    if key == "review_litigation":
        map_review(by_rows, table, segs)
    else:
        map_rows(by_rows, table, segs, hints, noted_values(content))
    candidates = [by_rows]
    grid_rows = [(item, page) for item, page in grids.get(key, []) if isinstance(item, list)]
    by_header = Report(source) if grid_rows else None
    if by_header is not None and read_grid(by_header, table, grid_rows):
        candidates.append(by_header)
    else:
        by_header = None
    layout_rows = [(item, page) for item, page in layout.get(key, []) if isinstance(item, list)]
    by_layout = Report(source)
    if layout_rows and read_grid(by_layout, table, layout_rows):
        candidates.append(by_layout)
    tokens = stream(content, table.counts, [norm(r.label) for r in table.rows])
    if not _header_names_rows(table, tokens):
        by_stream = Report(source)
        fill(by_stream, table, align(table, tokens, switch=True), hints)
        candidates.append(by_stream)
    ill = key == "requests" and _ill_fitting(candidates, table)
    for pattern in short_patterns(table, tokens) if ill else ():
        for after in (False, True):
            by_pattern = Report(source)
            fill(by_pattern, table, align(table, tokens, after, pattern=pattern), hints)
            candidates.append(by_pattern)
    for after in (False, True) if ill else ():  # each row its own columns, for the arithmetic to place
        spread = align(table, tokens, after, sparse=True)
        if spread.skipped_values or any(p.label < WEAK and not p.toks[0].blank_row for p in spread.placed):
            continue  # figures it cannot place, or rows not beside their labels: its blanks would be claims
            # it cannot back
        by_sparse = Report(source)
        fill(by_sparse, table, spread, hints)
        if any(n.code == "pattern" for n in by_sparse.notes()):  # its arithmetic placed something
            candidates.append(by_sparse)
    if key != "active":  # by order alone only where arithmetic can vouch for it, and only if it does
        width = max(len(r.cols) for r in table.rows) if key == "requests" else 5
        for toks in (tokens, column_major(tokens, width)):
            if toks is None:
                continue
            by_order = Report(source)
            fill(by_order, table, align(table, toks, order=True), hints, order=True)
            holds, fails = arithmetic(by_order, table)
            if holds and not fails:
                candidates.append(by_order)
    chosen = max(_vouched(candidates, table), key=lambda r: reading_quality(r, table))
    if key == "requests" and by_header is not None and by_rows is chosen:
        _warn_disagreeing(chosen, by_header, table)
    if not equations(table):
        _warn_rival(chosen, candidates, table)
    _warn_unread(chosen, table)
    return chosen


def _vouched(candidates: list[Report], table: Table) -> list[Report]:
    """The readings to choose from: a reading that places no figure claims nothing, so where another places
    some and the table's rules vouch for them (some hold, none fails: a print whose last columns fell off
    the page, read by its header for the columns it shows), the empty ones drop out; without rules to vouch
    (table 二), leaving figures out stays the safer reading."""
    placing = [r for r in candidates if any(k[0] == table.key for k in r.cells)]
    vouched = [r for r in placing if (a := arithmetic(r, table))[0] > 0 and not a[1]]
    return placing if vouched else candidates


def _warn_disagreeing(chosen: Report, by_header: Report, table: Table) -> None:
    """Table 三's grid read row by row and by its header's positions (each column named on its own) puts
    different figures in a cell: the columns of that row are not what they seem (a converter merged or shifted them), so its cells are a guess."""
    warned = set()
    for (t, row, col), cell in chosen.cells.items():
        other = by_header.cells.get((t, row, col))
        # a figure where the row's order reads another or none (a blank by the header proves nothing)
        if t == table.key and row not in warned and other is not None and other.value is not None \
                and other.value != cell.value:
            warned.add(row)
            chosen.warn(t, row, "", f"the header's positions put {other.raw!r} under {col}, the row's "
                        f"order {cell.raw or 'a blank'!r}: which columns its cells are in is not certain", "disagree")


def _warn_rival(chosen: Report, candidates: list[Report], table: Table) -> None:
    """No rule can tell apart two readings of a table without arithmetic that fit the template equally well
    (the label before its values, or after them, in a copy of one cell a line): where another fills a row
    with other figures, the chosen ones are a guess, said on the row."""
    fit = reading_quality(chosen, table)[0]
    rivals = [r for r in candidates if r is not chosen and reading_quality(r, table)[0] >= fit]
    warned: set[str] = set()
    for (t, row, col), cell in chosen.cells.items():
        rival = next((o for r in rivals if (o := r.cells.get((t, row, col))) is not None
                      and o.value is not None and o.value != cell.value), None)
        if t == table.key and rival is not None and row not in warned:
            warned.add(row)
            chosen.warn(table.key, row, "", f"another reading of the table, as close to the template, puts "
                        f"{rival.raw!r} under {col}: which figures are this row's is not certain", "disagree")


def _header_names_rows(table: Table, tokens: list) -> bool:
    """Every row's label stands before the first value: a header naming the rows (table 四's 行政复议 ·
    未经复议直接起诉 · 复议后起诉 over one row of fifteen), so no label sits beside its own values and the
    values are read by the table's order alone, never by the header word nearest to them."""
    first = next((i for i, t in enumerate(tokens) if t.value), len(tokens))
    head = "".join(norm(t.text) for t in tokens[:first])
    return len(table.rows) > 1 and all(norm(r.label) in head for r in table.rows)


def _warn_unread(reading: Report, table: Table) -> None:
    """Every cell of the template the reading leaves out is named by a warning on its row or on itself:
    an absent figure always says so where an analyst looks for it."""
    notes = [n for n in reading.notes() if n.table == table.key]
    rows = {n.row for n in notes if not n.col}
    cells = {(n.row, n.col) for n in notes}
    for row in table.rows:
        if row.key in rows:
            continue
        missing = [c for c in row.cols if (table.key, row.key, c) not in reading.cells and (row.key, c) not in cells]
        if len(missing) == len(row.cols):
            reading.warn(table.key, row.key, "", "row not read", "not_found")
        elif missing:
            reading.warn(table.key, row.key, "", f"columns {missing} not read", "not_printed")


def _ill_fitting(candidates: list[Report], table: Table) -> bool:
    """Even the best reading so far leaves several rows out or cut: worth trying readings that need more
    search (rows that print only some of their columns)."""
    return min(len({n.row for n in r.notes() if n.code in MISFITS and n.row}) for r in candidates) >= 3


MISFITS = {"not_found", "count_mismatch", "placed", "edges", "extra", "not_printed", "digits", "ambiguous", "pattern"}


def reading_quality(reading: Report, table: Table) -> tuple[int, int, int]:
    """How far to trust one reading of a table: evidence for it less evidence against it. For: each of
    the table's own rules (R1–R4) that holds. Against: each rule that fails (a reading out of step breaks
    many, a report's own slip only a few) and each row that fits the template badly (not found, placed
    without its label, values left over, cells cut by digit count alone: a row counted once) — for table
    二, which has no arithmetic, the fit alone decides. Then the more cells read, then the fewer warnings."""
    holds, fails = arithmetic(reading, table)
    misfits = len({(n.row, n.col if n.code == "extra" else "") for n in reading.notes() if n.code in MISFITS})
    return holds - fails - misfits, sum(1 for k in reading.cells if k[0] == table.key), -len(reading.warnings)
