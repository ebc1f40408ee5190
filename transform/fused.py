"""Rows whose printed digits ran together (`801000081` for 80 | 1 | 0 | 0 | 0 | 0 | 81).

Text copies of report pages often lose the cell separators. The split is recovered
with the table's own arithmetic: every way of cutting the digits into the row's
cells (numbers without leading zeros; a lone 0 is a number) is a candidate; rows
keep the candidates that satisfy their own total (R3, R4), and the table keeps the
combinations of rows that satisfy its column rules (R1, R2). A cell is filled only
when every surviving combination gives it the same value; the others are left out
with a warning naming them. Spaces inside a fused run are ignored (they are stray
as often as they are separators), so they never decide a split.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from math import comb
from typing import Iterator

from transform.numbers import parse_value
from transform.report import Cell, Report
from transform.schema import APPLICANT_COLS, Table

_PART = re.compile(r"[+-]?(?:0|[1-9]\d*)(?:\.\d+)?")
_PIECE = re.compile(r"[+-]?[\d.]+")
MAX_SPLITS = 200_000  # candidate splits enumerated per run before giving up on it
MAX_NODES = 200_000  # joint search steps before falling back to row arithmetic alone

CellKey = tuple[str, str]  # (row, col) inside one table
Equation = tuple[tuple[CellKey, ...], tuple[CellKey, ...]]  # sum(lhs) == sum(rhs)


@dataclass
class FusedRun:
    """Printed values that should fill `cells` (in printed order) but do not split into them."""

    cells: list[CellKey]
    values: list[str]
    page: int = 1

    @property
    def text(self) -> str:
        return " ".join(self.values)


def equations(table: Table) -> list[Equation]:
    """The report's own arithmetic over one table's cells (R1–R4 of SPEC §3)."""
    rows = {r.key: r for r in table.rows}
    out: list[Equation] = []
    for r in table.rows:
        if "total" in r.cols:
            parts = [c for c in r.cols if c != "total"]
            out.append((((r.key, "total"),), tuple((r.key, c) for c in parts)))
    if table.key != "requests":
        return out
    ends = ("new_received", "carried_over_in", "results_total", "carried_over_out")
    outcomes = [k for k in rows if k not in ends]
    for col in (*APPLICANT_COLS, "total"):
        out.append((((ends[0], col), (ends[1], col)), ((ends[2], col), (ends[3], col))))
        out.append((((ends[2], col),), tuple((k, col) for k in outcomes)))
    return out


def splits(values: list[str], n: int) -> Iterator[tuple[str, ...]]:
    """Every way to read the printed values as exactly n cells.

    Runs of digits are concatenated (spaces between them may or may not be cell
    boundaries) and cut into numbers without leading zeros; a non-numeric mark
    ('/', '—') is one cell by itself.
    """
    pieces: list[tuple[str, bool]] = []  # (text, is_digits)
    for v in values:
        t = v.replace(" ", "").replace(",", "")
        if _PIECE.fullmatch(t):
            if pieces and pieces[-1][1]:
                pieces[-1] = (pieces[-1][0] + t, True)
            else:
                pieces.append((t, True))
        elif t:
            pieces.append((v, False))
    yield from _cut(pieces, n)


def _cut(pieces: list[tuple[str, bool]], n: int) -> Iterator[tuple[str, ...]]:
    if not pieces:
        if n == 0:
            yield ()
        return
    (text, digits), rest = pieces[0], pieces[1:]
    if not digits:
        for tail in _cut(rest, n - 1):
            yield (text, *tail)
        return
    for k in range(1, min(n, len(text)) + 1):
        for parts in _parts(text, k):
            for tail in _cut(rest, n - k):
                yield (*parts, *tail)


def _parts(text: str, k: int) -> Iterator[tuple[str, ...]]:
    for cuts in combinations(range(1, len(text)), k - 1):
        bounds = (0, *cuts, len(text))
        parts = tuple(text[a:b] for a, b in zip(bounds, bounds[1:]))
        if all(_PART.fullmatch(p) and p.lstrip("+-") != "" for p in parts):
            yield parts


def _count_bound(values: list[str], n: int) -> int:
    digits = sum(len(v.replace(" ", "")) for v in values)
    return comb(max(digits - 1, 0), max(n - 1, 0)) if digits >= n else 0


def _num(raw: str) -> Decimal | None:
    v = parse_value(raw)
    if v is None:
        return None
    return Decimal(str(v.value)) if v.status == "number" else Decimal(0)


def _holds(eq: Equation, values: dict[CellKey, Decimal]) -> bool | None:
    """True/False when every cell of `eq` has a value, None while some are open."""
    lhs, rhs = eq
    if any(k not in values for k in lhs + rhs):
        return None
    return sum(values[k] for k in lhs) == sum(values[k] for k in rhs)


def resolve_fused(report: Report, table: Table, runs: list[FusedRun]) -> None:
    """Fill the cells of `runs` where their digits split in exactly one consistent way; warn for the rest."""
    if not runs:
        return
    known: dict[CellKey, Decimal] = {}
    for (t, r, c), cell in report.cells.items():
        if t == table.key:
            known[(r, c)] = Decimal(str(cell.value)) if cell.status == "number" else Decimal(0)
    open_cells = {k for run in runs if any(v.strip() for v in run.values) for k in run.cells}
    known.update({k: Decimal(0) for run in runs if not any(v.strip() for v in run.values) for k in run.cells})
    eqs = [eq for eq in equations(table) if all(k in known or k in open_cells for k in eq[0] + eq[1])]

    cands: list[list[tuple[str, ...]]] = []
    live: list[FusedRun] = []
    for run in runs:
        if not any(v.strip() for v in run.values):  # a row printed with nothing in it
            for k in run.cells:
                report.cells[(table.key, *k)] = Cell(None, "blank", "", run.page)
            continue
        where = f"{table.key}/{run.cells[0][0]}" + (f"…{run.cells[-1][0]}" if run.cells[-1][0] != run.cells[0][0] else "")
        if _count_bound(run.values, len(run.cells)) > MAX_SPLITS:
            report.warnings.append(f"{where}: digits {run.text!r} fused; too many ways to split; cells left out")
            continue
        local = [eq for eq in eqs if all(k in known or k in run.cells for k in eq[0] + eq[1])]
        every = list(splits(run.values, len(run.cells)))
        ok = [s for s in every if _fits(run, s, known, local)]
        if not every:
            report.warnings.append(
                f"{where}: digits {run.text!r} cannot be read as {len(run.cells)} cells; cells left out")
            continue
        if not ok:
            report.warnings.append(
                f"{where}: no split of fused digits {run.text!r} satisfies the row's own total; "
                "split without arithmetic")
            ok = every
        cands.append(ok)
        live.append(run)
    if not live:
        return
    solved = {k for run in live for k in run.cells}
    eqs = [eq for eq in eqs if all(k in known or k in solved for k in eq[0] + eq[1])]
    seen = _joint(live, cands, known, eqs)
    if seen is None:
        report.warnings.append(
            f"{table.key}: no split of the fused rows satisfies the table's column arithmetic (R1/R2); "
            "cells read with each row's own total only")
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


def _fits(run: FusedRun, split: tuple[str, ...], known: dict[CellKey, Decimal], eqs: list[Equation]) -> bool:
    values = dict(known)
    for k, raw in zip(run.cells, split):
        v = _num(raw)
        if v is None:
            return False
        values[k] = v
    return all(_holds(eq, values) is not False for eq in eqs)


def _agree(runs: list[FusedRun], cands: list[list[tuple[str, ...]]]) -> dict[CellKey, set[str]]:
    seen: dict[CellKey, set[str]] = {}
    for run, options in zip(runs, cands):
        for split in options:
            for k, raw in zip(run.cells, split):
                seen.setdefault(k, set()).add(raw)
    return seen


def _joint(
    runs: list[FusedRun], cands: list[list[tuple[str, ...]]], known: dict[CellKey, Decimal], eqs: list[Equation]
) -> dict[CellKey, set[str]] | None:
    """Raw readings each cell takes over all consistent combinations of row splits.

    None when no combination is consistent or the search is too large (the caller then
    falls back to per-row candidates, a superset, so certainty is never overstated).
    """
    order = sorted(range(len(runs)), key=lambda i: len(cands[i]))
    seen: dict[CellKey, set[str]] = {}
    values = dict(known)
    chosen: dict[int, tuple[str, ...]] = {}
    nodes = 0
    found = False

    def step(depth: int) -> bool:
        nonlocal nodes, found
        if depth == len(order):
            found = True
            for i, split in chosen.items():
                for k, raw in zip(runs[i].cells, split):
                    seen.setdefault(k, set()).add(raw)
            return True
        i = order[depth]
        for split in cands[i]:
            nodes += 1
            if nodes > MAX_NODES:
                return False
            for k, raw in zip(runs[i].cells, split):
                values[k] = _num(raw)  # type: ignore[assignment]
            if all(_holds(eq, values) is not False for eq in eqs):
                chosen[i] = split
                if not step(depth + 1):
                    return False
                del chosen[i]
        for k in runs[i].cells:
            values.pop(k, None)
        return True

    if not step(0) or not found:
        return None
    return seen
