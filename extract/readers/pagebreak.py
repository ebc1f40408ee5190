"""A table continued over a page break, put back into one grid.

A grid that opens a page continues the grid that closed the previous one. Its columns are those of the
previous page when the counts agree; when they do not, the page's ruling may still be the same table's:
the part on one page can lack borders the other has (a header whose label cell spans the three label
columns of the body below it: LibreOffice printing a wide table puts the header alone at the foot of a
page). Where every column border of the coarser part stands at a border of the finer one, and both
span the same width, the coarser part's cells are laid over the finer columns they cover (text in the
first, the rest marked as a merged cell's repeats), so a header names the columns its cells stand
over, whichever page it is on.
"""
from __future__ import annotations

from extract.document import Grid

TOLERANCE = 2.0  # points: borders drawn by two pages' rulings of one table


def continues(last: Grid, block: Grid, page: int) -> bool:
    """`block`, first on `page`, carries on `last`, the grid that ended the page before (same columns, or
    columns that one refines from the other)."""
    if last.pages[-1] != page - 1 or not block.rows or not last.rows:
        return False
    return len(block.rows[0]) == len(last.rows[0]) or _refinement(last.edges, block.edges) is not None \
        or _refinement(block.edges, last.edges) is not None


def join(last: Grid, block: Grid) -> None:
    """`block`'s rows appended to `last`, the coarser of the two laid over the finer's columns first."""
    if len(block.rows[0]) != len(last.rows[0]):
        if (cover := _refinement(last.edges, block.edges)) is not None:
            _lay_over(last, cover, block.edges)
        elif (cover := _refinement(block.edges, last.edges)) is not None:
            _lay_over(block, cover, last.edges)
    last.extend(block)


def _refinement(coarse: list[float], fine: list[float]) -> list[int] | None:
    """For each border of `coarse`, the index of the border of `fine` standing there; None unless every
    one has one, the outer borders included, and `fine` has more."""
    if len(coarse) < 2 or len(fine) <= len(coarse):
        return None
    at = []
    for x in coarse:
        j = min(range(len(fine)), key=lambda k: abs(fine[k] - x))
        if abs(fine[j] - x) > TOLERANCE:
            return None
        at.append(j)
    if at[0] != 0 or at[-1] != len(fine) - 1 or at != sorted(set(at)):
        return None
    return at


def _lay_over(grid: Grid, cover: list[int], edges: list[float]) -> None:
    """Each coarse cell j over fine columns cover[j]..cover[j+1]: its text in the first, repeats after."""
    width = len(edges) - 1
    for i, row in enumerate(grid.rows):
        cells, spans, hspans = [""] * width, [False] * width, [False] * width
        for j, text in enumerate(row):
            first, end = cover[j], cover[j + 1]
            cells[first], spans[first], hspans[first] = text, grid.spans[i][j], grid.hspans[i][j]
            for k in range(first + 1, end):
                hspans[k] = spans[k] = True
        grid.rows[i], grid.spans[i], grid.hspans[i] = cells, spans, hspans
    grid.choices = {(i, cover[j]): alts for (i, j), alts in grid.choices.items()}
    grid.edges = list(edges)
