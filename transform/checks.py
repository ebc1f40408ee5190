"""The consistency rules R1–R5 of SPEC §3: the report's own arithmetic, recorded, never fatal."""
from __future__ import annotations

from transform.prose import table_values
from transform.report import Check, Report
from transform.schema import APPLICANT_COLS, OUTCOME_ROWS, REQUEST_COLS

TOL = 1e-6


def _num(report: Report, t: str, r: str, c: str) -> float | None:
    cell = report.cells.get((t, r, c))
    return cell.value if cell and cell.status == "number" else None


def _sum(values: list[float | None]) -> float | None:
    """Sum where at least one term is printed; blanks count as nothing printed (0 in sums)."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _check(rule: str, where: str, expected: float | None, actual: float | None, message: str) -> Check | None:
    if expected is None or actual is None:
        return None
    ok = abs(expected - actual) <= TOL * max(1.0, abs(expected))
    return Check(rule, where, ok, expected, actual, "" if ok else message)


def run_checks(report: Report) -> list[Check]:
    out: list[Check | None] = []
    t = "requests"
    rows = {r for (tab, r, _) in report.cells if tab == t}
    outcome_rows = [r for r in OUTCOME_ROWS if r in rows]
    if "other_total" in rows:
        outcome_rows = [r for r in outcome_rows if not r.startswith("other_")] + ["other_total"]
    for col in REQUEST_COLS:
        g = lambda r: _num(report, t, r, col)  # noqa: E731
        lhs = _sum([g("new_received"), g("carried_over_in")])
        rhs = _sum([g("results_total"), g("carried_over_out")])
        out.append(_check("R1", f"requests/*/{col}", lhs, rhs, "new + carried in ≠ results total + carried out"))
        out.append(_check("R2", f"requests/results_total/{col}", g("results_total"),
                          _sum([g(r) for r in outcome_rows]), "results total ≠ sum of outcome rows"))
    for row in sorted(rows):
        out.append(_check("R3", f"requests/{row}/total", _num(report, t, row, "total"),
                          _sum([_num(report, t, row, c) for c in APPLICANT_COLS]), "total ≠ sum of applicant columns"))
    for row in ("review", "litigation_direct", "litigation_after_review"):
        g = lambda c: _num(report, "review_litigation", row, c)  # noqa: E731
        out.append(_check("R4", f"review_litigation/{row}/total", g("total"),
                          _sum([g(c) for c in ("upheld", "corrected", "other", "pending")]), "total ≠ sum of results"))
    for (tab, row, col), cell in report.cells.items():
        if cell.status != "number":
            continue
        signed = col == "items_change"
        integral = not (col.startswith("amount") or col == "procurement_amount")
        bad = (cell.value < 0 and not signed) or (integral and float(cell.value) != int(cell.value))
        if bad:
            out.append(Check("R5", f"{tab}/{row}/{col}", False, None, cell.value,
                             "count must be a non-negative integer" if integral else "amount must be non-negative"))
    return [c for c in out if c is not None]


def prose_checks(report: Report) -> list[Check]:
    """X3: each figure the prose states against the tables' reading of it (transform/prose.py CELLS), one
    check per statement; it fails where no reading of the tables gives the stated figure."""
    out: list[Check] = []
    for fact in report.prose_facts:
        values = table_values(fact.key, lambda k: _num(report, *k))
        if not values:
            continue
        same = [v for v in values if abs(v - fact.value) <= TOL * max(1.0, abs(v))]
        table = same[0] if same else values[0]
        out.append(Check("X3", "/".join(fact.key), bool(same), float(fact.value), float(table),
                         "" if same else f"the text states {fact.value:g} (“{fact.raw[:60]}”), the table {table:g}"))
    return out
