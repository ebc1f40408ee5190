"""Rows of a sparse table whose blank cells a copy dropped, placed by the table's arithmetic.

A copy that drops blank cells (pdftotext of a table with figures in a few columns only) leaves each row
its figures in order and nothing to say which columns they stand in: `258 12 1 1` may be any four of the
six applicant columns. The columns are read left to right, each by the rules that hold inside it (R1 and
R2 of SPEC §3: per column, 新收 + 上年结转 = 办理结果总计 + 结转下年度, and 总计 = the sum of the results):
every row either puts its next figure in this column or leaves it blank, and the choices must satisfy the
column's rules. Every rule is a sum inside one column, so the same figures one column to the right satisfy
them too: the first column is taken from the table's order (a row's first figure is its 自然人 one) and
checked by its rules; each later column is settled only when every choice satisfying its rules agrees (a
row with as many figures left as columns must put one in each). The first column where they do not ends
the reading: rows with no figure left are blank from there, the others' figures are not placed. A row's
last figure is its total when it is the sum of the others. The caller warns on every row so read (the
copy itself no longer shows the columns), and on every cell left out.
"""
from __future__ import annotations

from decimal import Decimal
from itertools import product

from transform.fused import CellKey, Equation, _num, equations
from transform.schema import Table


def place(table: Table, printed: dict[str, list[str]], fixed: dict[CellKey, Decimal]
          ) -> tuple[dict[CellKey, str], dict[str, str]]:
    """Cells settled for the rows of `printed` (raw text, '' for blank), and the rows whose figures could
    not all be placed, each with the first column left open. `fixed` holds every other row's cells (a
    blank as 0); a row in neither leaves the columns' rules unknown, and nothing is placed."""
    width = max(len(r.cols) for r in table.rows)
    cols = next(r.cols for r in table.rows if len(r.cols) == width)
    if "total" not in cols or any(r.key not in printed and (r.key, cols[0]) not in fixed for r in table.rows):
        return {}, {row: cols[0] for row in printed}
    out: dict[CellKey, str] = {}
    left: dict[str, list[str]] = {}
    for row, figs in printed.items():
        nums = [_num(f) for f in figs]
        if len(figs) >= 2 and None not in nums and nums[-1] == sum(nums[:-1]):
            out[(row, "total")], left[row] = figs[-1], figs[:-1]
        else:
            out[(row, "total")], left[row] = "", list(figs)
    applicant = [c for c in cols if c != "total"]
    for n, col in enumerate(applicant):
        eqs = [eq for eq in equations(table) if {k[1] for k in eq[0] + eq[1]} == {col}]
        movers = [row for row in left if left[row]]
        chosen = _first(eqs, movers, left, fixed) if n == 0 else _settle(col, eqs, movers, left, fixed,
                                                                         len(applicant) - n)
        if chosen is None:  # rows with no figure left are blank from here on; the others' stay open
            out.update({(row, c): "" for row in left if not left[row] for c in applicant[n:]})
            return out, {row: col for row in movers}
        for row in left:
            put = row in chosen
            out[(row, col)] = left[row].pop(0) if put else ""
    stuck = {row: "total" for row in left if left[row]}  # figures past the last column: not this reading
    for row in stuck:
        for col in cols:
            out.pop((row, col), None)
    return out, stuck


def _first(eqs: list[Equation], movers: list[str], left: dict[str, list[str]],
           fixed: dict[CellKey, Decimal]) -> set[str] | None:
    """Every row's first figure in the first column (自然人), when the column's rules hold with it so. The
    rules alone never settle a first column: the same figures one column to the right satisfy them as well
    (every rule is a sum within one column); the table's own order does, natural persons first, and the
    rules then check it."""
    def value(key: CellKey) -> Decimal:
        return _num(left[key[0]][0]) if key[0] in movers else fixed.get(key, Decimal(0))

    if any(_num(left[row][0]) is None for row in movers):
        return None
    if all(sum(value(k) for k in eq[0]) == sum(value(k) for k in eq[1]) for eq in eqs):
        return set(movers)
    return None


def _settle(col: str, eqs: list[Equation], movers: list[str], left: dict[str, list[str]],
            fixed: dict[CellKey, Decimal], columns_left: int) -> set[str] | None:
    """The movers that put their next figure in `col`, when every choice satisfying the column's rules
    agrees; None when none does or they disagree. A row with as many figures left as columns must put."""
    must = {row for row in movers if len(left[row]) == columns_left}
    value = {row: _num(left[row][0]) for row in movers}
    if None in value.values():
        return None

    def known(key: CellKey, choice: dict[str, bool]) -> Decimal:
        row = key[0]
        if row in choice:
            return value[row] if choice[row] else Decimal(0)
        return fixed.get(key, Decimal(0))  # a row with no figure left is blank here

    # the rules with a side of one cell and many on the other (R2) are counted by subset sums over their
    # many; every other mover (the few rows of R1 and the lone cells) is tried both ways
    wide = [eq for eq in eqs if min(len(eq[0]), len(eq[1])) == 1 and max(len(eq[0]), len(eq[1])) > 2]
    many = {k[0] for eq in wide for k in (eq[1] if len(eq[0]) == 1 else eq[0])} & set(movers)
    few = [row for row in movers if row not in many]
    seen: dict[str, set[bool]] = {row: set() for row in movers}
    for bits in product((False, True), repeat=len(few)):
        choice = dict(zip(few, bits))
        if any(row in must and not put for row, put in choice.items()):
            continue
        if not all(sum(known(k, choice) for k in eq[0]) == sum(known(k, choice) for k in eq[1])
                   for eq in eqs if eq not in wide):
            continue
        options = _subsets(wide, many, must, value, choice, known)
        if options is None:
            continue
        for row, put in choice.items():
            seen[row].add(put)
        for row, ways in options.items():
            seen[row] |= ways
    if any(not ways for ways in seen.values()) or any(len(ways) > 1 for ways in seen.values()):
        return None
    return {row for row, ways in seen.items() if True in ways}


def _subsets(wide: list[Equation], many: set[str], must: set[str], value: dict[str, Decimal],
             choice: dict[str, bool], known) -> dict[str, set[bool]] | None:
    """For the one wide rule (a total = a sum of many rows), which of its movers may put and which may not,
    over every subset whose figures make the total; None when no subset does."""
    if not wide:
        return {row: {False, True} for row in many} or {}
    if len(wide) > 1:
        return None
    lhs, rhs = wide[0]
    one, parts = (lhs, rhs) if len(lhs) == 1 else (rhs, lhs)
    if one[0][0] in many:
        return None
    target = known(one[0], choice) - sum(known(k, choice) for k in parts if k[0] not in many)
    rows = [k[0] for k in parts if k[0] in many]
    # forward: sums reachable by the first i rows; backward: sums the rows from i on can add
    # (counts are never negative: no sum past the target can come back to it)
    ahead = [{Decimal(0)}]
    for row in rows:
        ahead.append({s + v for s in ahead[-1] for v in _ways(row, must, value) if s + v <= target})
    behind = [set() for _ in rows] + [{Decimal(0)}]
    for i in range(len(rows) - 1, -1, -1):
        behind[i] = {s + v for s in behind[i + 1] for v in _ways(rows[i], must, value) if s + v <= target}
    if target not in ahead[-1]:
        return None
    out: dict[str, set[bool]] = {}
    for i, row in enumerate(rows):
        out[row] = {put for put in (False, True) if (put or row not in must)
                    and any(target - s - (value[row] if put else 0) in behind[i + 1] for s in ahead[i])}
    return out


def _ways(row: str, must: set[str], value: dict[str, Decimal]) -> tuple[Decimal, ...]:
    return (value[row],) if row in must else (Decimal(0), value[row])
