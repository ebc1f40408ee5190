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
from decimal import Decimal

from transform.numbers import parse_value
from transform.report import Cell, Report
from transform.schema import APPLICANT_COLS, Table

_PART = re.compile(r"[+-]?(?:0|[1-9]\d*)(?:\.\d+)?")
_PIECE = re.compile(r"[+-]?[\d.]+")
MAX_STEPS = 200_000  # search steps per run, and for the joint search, before giving up on certainty

CellKey = tuple[str, str]  # (row, col) inside one table
Equation = tuple[tuple[CellKey, ...], tuple[CellKey, ...]]  # sum(lhs) == sum(rhs)
Split = tuple[str, ...]


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
    """True/False when every cell of `eq` has a value, None while some are open."""
    lhs, rhs = eq
    if any(values.get(k) is None for k in lhs + rhs):
        return None
    return sum(values[k] for k in lhs) == sum(values[k] for k in rhs)  # type: ignore[misc]


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

    checked = list(splits(run.values, len(run.cells), keep))
    if checked or not closes:
        return checked
    return None


def resolve_fused(report: Report, table: Table, runs: list[FusedRun]) -> None:
    """Fill the cells of `runs` where their digits split in exactly one consistent way; warn for the rest."""
    known: dict[CellKey, Decimal] = {}
    for (t, r, c), cell in report.cells.items():
        if t == table.key:
            known[(r, c)] = Decimal(str(cell.value)) if cell.status == "number" else Decimal(0)
    for run in runs:
        if run.blank:  # a row printed with nothing in it
            for k in run.cells:
                report.cells[(table.key, *k)] = Cell(None, "blank", "", run.page)
                known[k] = Decimal(0)
    runs = [run for run in runs if not run.blank]
    open_cells = {k for run in runs for k in run.cells}
    eqs = [eq for eq in equations(table) if all(k in known or k in open_cells for k in eq[0] + eq[1])]

    cands: list[list[Split]] = []
    live: list[FusedRun] = []
    for run in runs:
        try:
            ok = _row_candidates(run, known, eqs)
            if ok is None:
                _warn_rows(report, table, run, "no split satisfies the row's own total; split without arithmetic")
                ok = list(splits(run.values, len(run.cells)))
        except _TooMany:
            _warn_rows(report, table, run, "too many ways to split; cells left out")
            continue
        if not ok:
            _warn_rows(report, table, run, f"cannot be read as {len(run.cells)} cells; cells left out")
            continue
        cands.append(ok)
        live.append(run)
    solved = {k for run in live for k in run.cells}
    eqs = [eq for eq in eqs if all(k in known or k in solved for k in eq[0] + eq[1])]
    seen = _joint(live, cands, known, eqs)
    if seen is None:
        report.warnings.append(
            f"{table.key}: no split of the fused rows satisfies the table's column arithmetic (R1/R2) "
            "or the search is too large; cells read with each row's own totals only")
        seen = _agree(live, cands)
    for run in live:
        for k in run.cells:
            raws = seen[k]
            if len(raws) == 1:
                raw = next(iter(raws))
                v = parse_value(raw)
                if v is not None:
                    report.cells[(table.key, *k)] = Cell(v.value, v.status, raw, run.page)
                    continue
            report.warnings.append(
                f"{table.key}/{k[0]}/{k[1]}: digits {run.text!r} fused; "
                f"{len(raws)} readings fit the table's arithmetic ({', '.join(sorted(raws)[:4])}); cell left out")


def _warn_rows(report: Report, table: Table, run: FusedRun, why: str) -> None:
    report.warnings.extend(f"{table.key}/{row}: digits {run.text!r} fused; {why}" for row in run.rows)


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
    order = sorted(range(len(runs)), key=lambda i: len(cands[i]))
    touching = [[eq for eq in eqs if set(runs[i].cells) & set(eq[0] + eq[1])] for i in range(len(runs))]
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
        for split in cands[i]:
            steps += 1
            if steps > MAX_STEPS:
                raise _TooMany
            values.update({k: _num(raw) for k, raw in zip(runs[i].cells, split)})
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
