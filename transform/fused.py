"""Rows whose printed digits ran together (`801000081` for 80 | 1 | 0 | 0 | 0 | 0 | 81).

Text copies of report pages often lose the cell separators. The split is recovered
with the table's own arithmetic: every way of cutting the digits into the row's
cells (numbers without leading zeros; a lone 0 is a number) is a candidate; rows
keep the candidates that satisfy their own totals (R3, R4), and the table keeps the
combinations of rows that satisfy its column rules (R1, R2). A cell is filled only
when every surviving combination gives it the same value; the others are left out
with a warning naming them. Spaces inside a fused run are ignored (they are stray
as often as they are separators), so they never decide a split.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import groupby
from decimal import Decimal

from transform.notes import as_note
from transform.numbers import parse_value
from transform.report import Cell, Report
from transform.schema import APPLICANT_COLS, STOCK_BOUNDS, Table

_PART = re.compile(r"[+-]?(?:0|[1-9]\d*)(?:\.\d+)?")
_PIECE = re.compile(r"[+-]?[\d.]+")
MAX_STEPS = 200_000  # search steps per run, and for the joint search, before giving up on certainty

CellKey = tuple[str, str]  # (row, col) inside one table
Equation = tuple[tuple[CellKey, ...], tuple[CellKey, ...]]  # sum(lhs) == sum(rhs)
Split = tuple[str, ...]


# General phrases of a report's prose that state a table-2 cell. They only choose among readings that
# all fit the arithmetic, never against every reading (prose may count at another date than the table).
_PROSE = (
    (("normative_docs", "issued"),
     re.compile(r"(?:本年度?|全年|\d{4}年度?)[^。；，,]{0,6}制发[^。；，,\d]{0,2}(?:行政)?规范性文件共?(\d+)件")),
    (("normative_docs", "in_force"), re.compile(r"现行有效[^。；，,\d]{0,2}(?:行政)?规范性文件共?(\d+)件")),
)


def prose_hints(text: str) -> dict[CellKey, set[str]]:
    """Cell → numbers the report's own prose states for it (see _PROSE)."""
    out: dict[CellKey, set[str]] = {}
    for key, pattern in _PROSE:
        for m in pattern.finditer(text):
            out.setdefault(key, set()).add(m.group(1))
    return out


class _TooMany(Exception):
    """The search for splits went past MAX_STEPS."""


@dataclass
class FusedRun:
    """Printed values that should fill `cells` (in printed order) but do not split into them."""

    cells: list[CellKey]
    values: list[str]
    page: int = 1

    @property
    def text(self) -> str:
        return " ".join(self.values)

    @property
    def blank(self) -> bool:
        return not any(v.strip() for v in self.values)

    @property
    def rows(self) -> list[str]:
        return list(dict.fromkeys(r for r, _ in self.cells))


def equations(table: Table) -> list[Equation]:
    """The report's own arithmetic over one table's cells (R1–R4 of SPEC §3)."""
    out: list[Equation] = []
    for r in table.rows:
        if "total" in r.cols:
            out.append((((r.key, "total"),), tuple((r.key, c) for c in r.cols if c != "total")))
    if table.key != "requests":
        return out
    ends = ("new_received", "carried_over_in", "results_total", "carried_over_out")
    outcomes = [r.key for r in table.rows if r.key not in ends]
    for col in (*APPLICANT_COLS, "total"):
        out.append((((ends[0], col), (ends[1], col)), ((ends[2], col), (ends[3], col))))
        out.append((((ends[2], col),), tuple((k, col) for k in outcomes)))
    return out


def splits(values: list[str], n: int, keep: Callable[[list[str]], bool] | None = None) -> Iterator[Split]:
    """Every way to read the printed values as exactly n cells.

    Runs of digits are concatenated (spaces between them may or may not be cell
    boundaries) and cut into numbers without leading zeros; a non-numeric mark
    ('/', '—') is one cell by itself. `keep(prefix)` may reject a partial reading
    as soon as its last cell is placed (a row total that does not add up).
    """
    pieces: list[tuple[str, bool]] = []  # (text, is_digits)
    for v in values:
        t = v.replace(" ", "").replace(",", "")
        if _PIECE.fullmatch(t) and pieces and pieces[-1][1]:
            pieces[-1] = (pieces[-1][0] + t, True)
        elif _PIECE.fullmatch(t):
            pieces.append((t, True))
        elif t:
            pieces.append((v, False))
    left = [sum(len(t) if d else 1 for t, d in pieces[i:]) for i in range(len(pieces) + 1)]
    steps = [0]
    acc: list[str] = []

    def place(part: str) -> bool:
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            raise _TooMany
        acc.append(part)
        if keep is None or keep(acc):
            return True
        acc.pop()
        return False

    def walk(i: int, pos: int) -> Iterator[Split]:
        if i == len(pieces):
            if len(acc) == n:
                yield tuple(acc)
            return
        text, digits = pieces[i]
        if pos == len(text):
            yield from walk(i + 1, 0)
            return
        remaining = (len(text) - pos) + left[i + 1]  # characters still to place
        if len(acc) >= n or n - len(acc) > remaining:
            return
        ends = range(pos + 1, len(text) + 1) if digits else (len(text),)
        for end in ends:
            part = text[pos:end]
            if digits and not _PART.fullmatch(part):
                continue
            if place(part):
                yield from walk(i, end)
                acc.pop()

    yield from walk(0, 0)


def _num(raw: str) -> Decimal | None:
    v = parse_value(raw)
    if v is None:
        return None
    return Decimal(str(v.value)) if v.status == "number" else Decimal(0)


def _holds(eq: Equation, values: dict[CellKey, Decimal | None]) -> bool | None:
    """True/False when every cell of `eq` has a value, None while some are open.

    With counts (never negative), a side already larger than the complete other side fails early.
    """
    sides = []
    for side in eq:
        got = [values.get(k) for k in side]
        done = [v for v in got if v is not None]
        sides.append((sum(done), len(done) == len(got), all(v >= 0 for v in done)))
    (left, left_full, left_pos), (right, right_full, right_pos) = sides
    if left_full and right_full:
        return left == right
    if left_pos and right_pos and ((left_full and right > left) or (right_full and left > right)):
        return False
    return None


def _row_candidates(run: FusedRun, known: dict[CellKey, Decimal], eqs: list[Equation]) -> list[Split] | None:
    """Splits of one run that satisfy the equations closed inside it; None when no split does."""
    position = {k: i for i, k in enumerate(run.cells)}
    closes: dict[int, list[Equation]] = {}
    for eq in eqs:
        keys = eq[0] + eq[1]
        if all(k in known or k in position for k in keys) and any(k in position for k in keys):
            closes.setdefault(max(position.get(k, -1) for k in keys), []).append(eq)
    values: dict[CellKey, Decimal | None] = dict(known)

    def keep(acc: list[str]) -> bool:
        i = len(acc) - 1
        values[run.cells[i]] = _num(acc[i])
        for k in run.cells[i + 1:]:
            values.pop(k, None)
        return all(_holds(eq, values) is not False for eq in closes.get(i, ()))

    fast = _blocks(run, [eq for eqs_i in closes.values() for eq in eqs_i])
    digits = "".join(run.values).replace(" ", "").replace(",", "")
    if fast is not None and digits.isdigit():
        checked = list(_total_readings(digits, fast))
    else:
        checked = list(splits(run.values, len(run.cells), keep))
    if checked or not closes:
        return checked
    return None


def _blocks(run: FusedRun, eqs: list[Equation]) -> list[tuple[int, bool]] | None:
    """The run as consecutive rows (cell count, last cell is the row total), when the only
    rules inside it are row totals; None otherwise."""
    groups = [list(g) for _, g in groupby(run.cells, key=lambda k: k[0])]
    if len(groups) != len(run.rows):
        return None  # a row's cells are not contiguous
    out = [(len(g), any(eq[0] == (g[-1],) and set(eq[1]) == set(g[:-1]) for eq in eqs)) for g in groups]
    return out if sum(t for _, t in out) == len(eqs) else None


def _total_readings(s: str, blocks: list[tuple[int, bool]]) -> Iterator[Split]:
    """Readings of the digit string `s` as consecutive rows whose last cell (when flagged) is
    the sum of the others: the total is cut first, then its row is split under that sum."""
    steps = [0]
    memo: dict[tuple[int, int, int, int | None], list[Split]] = {}

    def tick() -> None:
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            raise _TooMany

    def addends(pos: int, end: int, k: int, rest: int | None) -> list[Split]:
        """s[pos:end] as k numbers (summing to `rest` unless None)."""
        key = (pos, end, k, rest)
        if key in memo:
            return memo[key]
        out: list[Split] = []
        if k == 0:
            out = [()] if pos == end and (rest is None or rest == 0) else []
        elif k <= end - pos:
            longest = end - pos - (k - 1) if rest is None else min(end - pos - (k - 1), len(str(rest)))
            if rest is None or end - pos <= k * len(str(rest)):
                for e in range(pos + 1, pos + longest + 1):
                    part = s[pos:e]
                    if len(part) > 1 and part[0] == "0":
                        break
                    if rest is not None and int(part) > rest:
                        break
                    tick()
                    out += [(part, *tail) for tail in addends(e, end, k - 1, None if rest is None else rest - int(part))]
        memo[key] = out
        return out

    def row(a: int, b: int, m: int, has_total: bool) -> list[Split]:
        if not has_total:
            return addends(a, b, m, None)
        out: list[Split] = []
        for t in range(1, b - a - (m - 1) + 1):
            total = s[b - t:b]
            if len(total) > 1 and total[0] == "0":
                continue
            out += [(*parts, total) for parts in addends(a, b - t, m - 1, int(total))]
        return out

    def walk(start: int, j: int) -> Iterator[Split]:
        if j == len(blocks):
            if start == len(s):
                yield ()
            return
        m, has_total = blocks[j]
        after = sum(n for n, _ in blocks[j + 1:])
        ends = [len(s)] if j == len(blocks) - 1 else range(start + m, len(s) - after + 1)
        for b in ends:
            for parts in row(start, b, m, has_total):
                for tail in walk(b, j + 1):
                    yield (*parts, *tail)

    yield from walk(0, 0)


def resolve_fused(
    report: Report, table: Table, runs: list[FusedRun], hints: dict[CellKey, set[str]] | None = None
) -> None:
    """Fill the cells of `runs` where their digits split in exactly one consistent way; warn for the rest.

    `hints` (from `prose_hints`) may choose among readings that fit the arithmetic; a warning says so.
    """
    known: dict[CellKey, Decimal] = {}
    for (t, r, c), cell in report.cells.items():
        if t == table.key:
            known[(r, c)] = Decimal(str(cell.value)) if cell.status == "number" else Decimal(0)
    for run in runs:
        if run.blank:  # a row printed with nothing in it
            for k in run.cells:
                report.cells[(table.key, *k)] = Cell(None, "blank", "", run.page, "text")
                known[k] = Decimal(0)
    runs = [run for run in runs if not run.blank]
    open_cells = {k for run in runs for k in run.cells}
    # a rule over cells some of which stay unread still bounds the rest: counts are never negative
    eqs = [eq for eq in equations(table) if any(k in open_cells for k in eq[0] + eq[1])]

    cands: list[list[Split]] = []
    live: list[FusedRun] = []
    unchecked: set[int] = set()  # runs split without the help of any rule
    for run in runs:
        try:
            ok = _row_candidates(run, known, eqs)
            if ok is None:
                _warn_rows(report, table, run, "no split satisfies the row's own total; split without arithmetic")
                ok = list(splits(run.values, len(run.cells)))
                unchecked.add(id(run))
        except _TooMany:
            _warn_rows(report, table, run, "too many ways to split; cells left out")
            continue
        if not ok:
            _warn_rows(report, table, run, f"cannot be read as {len(run.cells)} cells; cells left out")
            continue
        ok = _prefer_prose(report, table, run, ok, hints or {})
        ok = _prefer_stock(report, table, run, ok)
        cands.append(ok)
        live.append(run)
    solved = {k for run in live for k in run.cells}
    eqs = [eq for eq in eqs if any(k in solved for k in eq[0] + eq[1])]
    seen = _joint(live, cands, known, eqs)
    if seen is None:
        report.warnings.append(
            f"{table.key}: no split of the fused rows satisfies the table's column arithmetic (R1/R2) "
            "or the search is too large; cells read with each row's own totals only")
        seen = _agree(live, cands)
    ruled = {k for eq in eqs for k in eq[0] + eq[1]}
    for run in live:
        digits = "".join(run.values).replace(" ", "").replace(",", "")
        # one printed run of one digit a cell with no other reading: '000' or '007' can be no fewer numbers
        # ('470' can: 470 in one cell, the others lost), so only such a run needs no warning
        one_each = (len(run.values) == 1 and digits.isdigit() and len(digits) == len(run.cells)
                    and set(digits[:-1]) <= {"0"})
        how = "split" if id(run) not in unchecked and ruled & set(run.cells) else "digits"
        for k in run.cells:
            raws = seen[k]
            if len(raws) == 1:
                raw = next(iter(raws))
                v = parse_value(raw)
                if v is not None:
                    report.cells[(table.key, *k)] = Cell(v.value, v.status, raw, run.page, how)
                    if not one_each:
                        why = ("the one reading that fits the table's arithmetic" if how == "split"
                               else "cut by digit count alone, no rule checks it")
                        report.warn(table.key, k[0], k[1], f"digits {run.text!r} fused; read as {raw}, {why}", how)
                    continue
            report.warn(table.key, k[0], k[1], f"digits {run.text!r} fused; {len(raws)} readings fit the table's "
                        f"arithmetic ({', '.join(sorted(raws)[:4])}); cell left out", "ambiguous")


def _narrow(report: Report, ok: list[Split], keep: Callable[[Split], bool], warning: str) -> list[Split]:
    """The readings `keep` accepts, with `warning` said, when some but not all of them pass; else all."""
    chosen = [s for s in ok if keep(s)]
    if chosen and len(chosen) < len(ok):
        report.warnings.append(as_note(warning))
        return chosen
    return ok


def _prefer_prose(report: Report, table: Table, run: FusedRun, ok: list[Split],
                  hints: dict[CellKey, set[str]]) -> list[Split]:
    for i, k in enumerate(run.cells):
        ok = _narrow(report, ok, lambda s: s[i] in hints.get(k, ()),
                     f"{table.key}/{k[0]}/{k[1]}: digits {run.text!r} fused; split chosen with the report's text "
                     f"({'/'.join(sorted(hints.get(k, ())))})")
    return ok


def _prefer_stock(report: Report, table: Table, run: FusedRun, ok: list[Split]) -> list[Split]:
    """Keep the readings in which no row's stock is below its inflow less its outflow (STOCK_BOUNDS),
    when some but not all readings break it."""
    position = {k: i for i, k in enumerate(run.cells)}
    for row in run.rows:
        for stock, inflow, outflow in STOCK_BOUNDS:
            keys = [(row, c) for c in (stock, inflow, outflow) if c]
            if not all(k in position for k in keys):
                continue

            def holds(split: Split) -> bool:
                s, i, *o = (_num(split[position[k]]) for k in keys)
                return None in (s, i, *o) or s >= i - sum(o)

            ok = _narrow(report, ok, holds, f"{table.key}/{row}: digits {run.text!r} fused; readings with {stock} "
                                            f"below {inflow}{' - ' + outflow if outflow else ''} dropped")
    return ok


def _warn_rows(report: Report, table: Table, run: FusedRun, why: str) -> None:
    for row in run.rows:
        report.warn(table.key, row, "", f"digits {run.text!r} fused; {why}", "ambiguous")


def _agree(runs: list[FusedRun], cands: list[list[Split]]) -> dict[CellKey, set[str]]:
    seen: dict[CellKey, set[str]] = {}
    for run, options in zip(runs, cands):
        for split in options:
            for k, raw in zip(run.cells, split):
                seen.setdefault(k, set()).add(raw)
    return seen


def _joint(
    runs: list[FusedRun], cands: list[list[Split]], known: dict[CellKey, Decimal], eqs: list[Equation]
) -> dict[CellKey, set[str]] | None:
    """Raw readings each cell takes over all consistent combinations of row splits.

    None when no combination is consistent or the search is too large (the caller then
    falls back to per-row candidates, a superset, so certainty is never overstated).
    """
    touching = [[eq for eq in eqs if set(runs[i].cells) & set(eq[0] + eq[1])] for i in range(len(runs))]
    # settled rows first, then rows that stand alone on one side of a rule (a total bounds the rest)
    alone = [any(len(side) == 1 and side[0] in runs[i].cells for eq in touching[i] for side in eq)
             for i in range(len(runs))]
    order = sorted(range(len(runs)), key=lambda i: (len(cands[i]) > 1, not alone[i], len(cands[i])))
    numbers = [[[_num(raw) for raw in split] for split in options] for options in cands]
    seen: dict[CellKey, set[str]] = {}
    values: dict[CellKey, Decimal | None] = dict(known)
    chosen: dict[int, Split] = {}
    steps = 0

    def step(depth: int) -> None:
        nonlocal steps
        if depth == len(order):
            for i, split in chosen.items():
                for k, raw in zip(runs[i].cells, split):
                    seen.setdefault(k, set()).add(raw)
            return
        i = order[depth]
        for split, nums in zip(cands[i], numbers[i]):
            steps += 1
            if steps > MAX_STEPS:
                raise _TooMany
            values.update(zip(runs[i].cells, nums))
            if all(_holds(eq, values) is not False for eq in touching[i]):
                chosen[i] = split
                step(depth + 1)
                del chosen[i]
        for k in runs[i].cells:
            values.pop(k, None)

    try:
        step(0)
    except _TooMany:
        return None
    return seen or None


def arithmetic(reading: Report, table: Table) -> tuple[int, int]:
    """How many of the table's own rules (R1–R4) hold, and how many fail, over the cells read."""
    values = {(r, c): cell.value or 0 for (t, r, c), cell in reading.cells.items() if t == table.key}
    holds = fails = 0
    for lhs, rhs in equations(table):
        if all(k in values for k in lhs + rhs):
            if abs(sum(values[k] for k in lhs) - sum(values[k] for k in rhs)) < 1e-6:
                holds += 1
            else:
                fails += 1
    return holds, fails
