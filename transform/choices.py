"""A table's own arithmetic choosing among a scanned cell's OCR readings (issues #14 and #19).

Why: a recogniser in doubt between figures (`3` or `8` of a worn print, `0` or `6`) ranks them by how
the ink looks, and the wrong one can look best. The table's rules (R1–R4: row totals, the column
relations of table 三) say which figure the report printed, as they do for digits run together
(transform/fused.py). The reader hands over each doubtful figure's readings (extract.document.Grid
`choices`); every combination of them is tried against the rules over those cells, and one is taken
only when it is the one combination under which every such rule holds. Whatever is taken, the cell
says it was doubtful and how it was chosen: a figure is the printed one as far as arithmetic can tell,
never silently.
"""
from __future__ import annotations

from collections.abc import Callable
from itertools import product

from extract.document import Document, Grid
from transform.fused import CellKey, equations
from transform.numbers import parse_value
from transform.report import Cell, Report
from transform.schema import Table

MAX_COMBINATIONS = 4096  # beyond this the doubtful cells are left as first read (and warned)

Site = tuple[int, int, int]  # (block index, row, column) of a grid cell with choices


def sites(doc: Document) -> dict[Site, tuple[str, ...]]:
    """Every grid cell of `doc` with readings to choose from, its first reading first."""
    return {(b, i, j): alts for b, block in enumerate(doc.blocks) if isinstance(block, Grid)
            for (i, j), alts in block.choices.items()}


def substituted(doc: Document, picks: dict[Site, str]) -> Document:
    """`doc` with the cells of `picks` reading as picked (the grids touched are copies; `doc` is unchanged)."""
    blocks = list(doc.blocks)
    for (b, i, j), text in picks.items():
        grid = blocks[b]
        assert isinstance(grid, Grid)
        if grid is doc.blocks[b]:
            grid = blocks[b] = Grid([list(r) for r in grid.rows], grid.pages, grid.spans, grid.hspans, grid.choices)
        grid.rows[i][j] = text
    return Document(doc.format, blocks, doc.title, doc.warnings, doc.ocr_pages)


def _value(text: str) -> float | int | None:
    """A reading's value as the rules count it (blank and not-applicable as 0), None for no value."""
    v = parse_value(text)
    return None if v is None else v.value or 0


def by_arithmetic(doc: Document, table: Table, chosen: Report,
                  read: Callable[[Document], Report]) -> Report:
    """`chosen` (the table read from `doc` as OCR first read it), or the table read with the one combination
    of its doubtful cells' readings that makes every rule over them hold; each doubtful cell warned either
    way. `read` reads this table from a document."""
    eqs = equations(table)
    found = sites(doc)
    if not found or not eqs:
        return chosen
    base = {k[1:]: c for k, c in chosen.cells.items() if k[0] == table.key}
    where: dict[Site, CellKey] = {}
    for site, alts in found.items():  # which cell of the table each doubtful reading fills, if any
        other = read(substituted(doc, {site: alts[1]}))
        got = {k[1:]: c for k, c in other.cells.items() if k[0] == table.key}
        changed = [k for k in set(base) | set(got) if _counted(base.get(k)) != _counted(got.get(k))]
        if len(changed) == 1 and _counted(got.get(changed[0])) == _value(alts[1]):
            where[site] = changed[0]
    if not where:
        return chosen
    located = list(where)
    cells = set(where.values())
    rules = [eq for eq in eqs if cells & set(eq[0] + eq[1])]
    values = {k: c.value or 0 for k, c in base.items()}  # as parse.arithmetic counts them
    options = [[(alt, _value(alt)) for alt in found[s]] for s in located]
    n = 1
    for o in options:
        n *= len(o)
    fits: dict[tuple, tuple[str, ...]] = {}
    if n <= MAX_COMBINATIONS:
        for combo in product(*options):
            trial = dict(values)
            trial.update({where[s]: v for s, (_, v) in zip(located, combo) if v is not None})
            for s, (_, v) in zip(located, combo):
                if v is None:
                    trial.pop(where[s], None)
            if _all_hold(rules, trial, cells):
                fits.setdefault(tuple(trial.get(where[s]) for s in located), tuple(t for t, _ in combo))
    if len(fits) == 1:
        picks = dict(zip(located, next(iter(fits.values()))))
        changed = {s: t for s, t in picks.items() if t != found[s][0]}
        final = read(substituted(doc, changed)) if changed else chosen
        final_values = {k[1:]: c.value or 0 for k, c in final.cells.items() if k[0] == table.key}
        if _all_hold(rules, final_values, cells):
            for s, t in picks.items():
                final.warn(table.key, *where[s], f"OCR read {' or '.join(map(repr, found[s]))}; the table's "
                           f"arithmetic holds with {t!r} alone, so {t!r} is taken", "ocr")
            return final
    why = "no combination" if not fits else "more than one combination" if n <= MAX_COMBINATIONS else \
        f"too many combinations ({n})"
    for s in located:
        chosen.warn(table.key, *where[s], f"OCR read {' or '.join(map(repr, found[s]))}; {why} of the doubtful "
                    f"cells' readings makes the table's arithmetic hold, so the first reading is kept", "ocr")
    return chosen


def _counted(cell: Cell | None) -> float | int | None:
    return None if cell is None else cell.value or 0


def _all_hold(rules: list, values: dict[CellKey, float], cells: set[CellKey]) -> bool:
    """Every rule over `cells` whose terms are all read holds, and each of `cells` is in one that does."""
    held: set[CellKey] = set()
    for lhs, rhs in rules:
        if not all(k in values for k in lhs + rhs):
            continue
        if abs(sum(values[k] for k in lhs) - sum(values[k] for k in rhs)) >= 1e-6:
            return False
        held |= cells & set(lhs + rhs)
    return held == cells
