"""Fused digits: splitting rows whose cells ran together, on minimal inputs and generated tables."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.readers import read_document
from transform import to_report
from transform.fused import FusedRun, prose_hints, resolve_fused, splits
from transform.report import Cell, Report
from transform.schema import ACTIVE_2021, APPLICANT_COLS, REQUESTS_2021, REVIEW_LITIGATION, Table
from transform.tokens import Segment, text_segments


def _run(table: Table, row: str, text: str) -> FusedRun:
    return FusedRun([(row, c) for c in table.row(row).cols], [text])


def _row_cells(report: Report, table: str, row: str) -> dict[str, object]:
    return {c: cell.value for (t, r, c), cell in report.cells.items() if (t, r) == (table, row)}


# --- splits ---------------------------------------------------------------------

def test_splits_refuse_leading_zeros_but_keep_a_lone_zero():
    assert set(splits(["0740"], 3)) == {("0", "7", "40"), ("0", "74", "0")}
    assert list(splits(["01"], 1)) == []
    assert list(splits(["000"], 3)) == [("0", "0", "0")]


def test_splits_ignore_spaces_and_keep_marks_as_their_own_cell():
    assert list(splits(["500000", "5"], 7)) == [("5", "0", "0", "0", "0", "0", "5")]
    assert list(splits(["1", "/", "2"], 3)) == [("1", "/", "2")]


def test_splits_keep_signs_and_decimals_inside_one_cell():
    assert ("12", "-3", "0") in set(splits(["12", "-30"], 3))
    assert ("1", "2.5") in set(splits(["12.5"], 2))
    assert not any(p.startswith(".") or p.endswith(".") for s in splits(["12.5"], 2) for p in s)


# --- rows and tables --------------------------------------------------------------

def test_row_total_alone_splits_801000081():
    report = Report("t")
    resolve_fused(report, REQUESTS_2021, [_run(REQUESTS_2021, "new_received", "801000081")])
    assert _row_cells(report, "requests", "new_received") == dict(zip(REQUESTS_2021.row("new_received").cols,
                                                                      [80, 1, 0, 0, 0, 0, 81]))


def test_ambiguous_row_is_left_out_and_every_cell_is_named():
    report = Report("t")
    resolve_fused(report, ACTIVE_2021, [_run(ACTIVE_2021, "normative_docs", "77132470")])
    assert _row_cells(report, "active", "normative_docs") == {}
    for col in ("issued", "repealed", "in_force"):
        assert any(w.startswith(f"active/normative_docs/{col}:") for w in report.warnings)


def test_cells_every_reading_agrees_on_are_kept():
    report = Report("t")
    resolve_fused(report, ACTIVE_2021, [_run(ACTIVE_2021, "normative_docs", "0740")])
    assert _row_cells(report, "active", "normative_docs") == {"issued": 0}
    # the two cells left out say so, and the cell kept says it was cut from a digit run
    assert sum("active/normative_docs/" in w for w in report.warnings) == 3
    assert any(w.col == "issued" and w.code == "digits" for w in report.notes())


def test_column_rules_break_a_tie_rows_alone_cannot():
    # the row's own total admits several splits of '110000011'; R1 with the printed rows decides
    report = Report("t")
    cols = REQUESTS_2021.row("new_received").cols
    for row, vals in (("carried_over_in", [0] * 7), ("carried_over_out", [0] * 7),
                      ("results_total", [11, 0, 0, 0, 0, 0, 11])):
        for c, v in zip(cols, vals):
            report.cells[("requests", row, c)] = Cell(v, "number", str(v))
    candidates = [s for s in splits(["110000011"], 7) if sum(map(int, s[:6])) == int(s[6])]
    assert len(candidates) > 1  # the row's own total does not decide
    resolve_fused(report, REQUESTS_2021, [_run(REQUESTS_2021, "new_received", "110000011")])
    assert _row_cells(report, "requests", "new_received") == dict(zip(cols, [11, 0, 0, 0, 0, 0, 11]))
    # no doubt is left, but each cell says it was cut from a digit run by the arithmetic
    assert sorted((n.col, n.code) for n in report.notes()) == sorted((c, "split") for c in cols)


def test_a_column_rule_with_rows_left_unread_still_bounds_the_rest():
    # 2023 Pingtan's table 三 squeezed out of a `pdftotext -layout` copy: '220000022' reads 22|0|…|22 or
    # 2|20|0|…|22 by its own total; other outcome rows are unread (the copy broke them), so R2 cannot be
    # summed, but counts are never negative: 20 granted to companies cannot sit under a total of 1
    report = Report("t")
    cols = REQUESTS_2021.row("granted").cols
    for c, v in zip(cols, [80, 1, 0, 0, 0, 0, 81]):
        report.cells[("requests", "results_total", c)] = Cell(v, "number", str(v))
    resolve_fused(report, REQUESTS_2021, [_run(REQUESTS_2021, "granted", "220000022")])
    assert _row_cells(report, "requests", "granted") == dict(zip(cols, [22, 0, 0, 0, 0, 0, 22]))
    assert {n.code for n in report.notes()} == {"split"}


def test_report_breaking_its_own_column_rule_falls_back_to_row_totals_with_a_warning():
    report = Report("t")
    cols = REQUESTS_2021.row("new_received").cols
    for row, vals in (("carried_over_in", [0] * 7), ("carried_over_out", [1, 0, 0, 0, 0, 0, 1]),
                      ("results_total", [1, 0, 0, 0, 0, 0, 1])):
        for c, v in zip(cols, vals):
            report.cells[("requests", row, c)] = Cell(v, "number", str(v))
    resolve_fused(report, REQUESTS_2021, [_run(REQUESTS_2021, "new_received", "1000001")])
    assert _row_cells(report, "requests", "new_received") == dict(zip(cols, [1, 0, 0, 0, 0, 0, 1]))
    assert any("column arithmetic" in w for w in report.warnings)


def test_prose_breaks_a_tie_only_when_some_reading_agrees():
    hints = prose_hints("本年度制发的规范性文件77件，清理并集中发布现行有效行政规范性文件393件。")
    assert hints == {("normative_docs", "issued"): {"77"}, ("normative_docs", "in_force"): {"393"}}
    report = Report("t")
    resolve_fused(report, ACTIVE_2021, [_run(ACTIVE_2021, "normative_docs", "77132470")], hints)
    assert _row_cells(report, "active", "normative_docs") == {"issued": 77}  # 393 fits no reading: ignored
    assert any("report's text (77)" in w for w in report.warnings)
    assert any(w.startswith("active/normative_docs/in_force:") and "cell left out" in w for w in report.warnings)


def test_stock_bound_drops_readings_only_a_stock_below_its_flows_would_give():
    """6045: 6 | 0 | 45 or 60 | 4 | 5; 5 documents in force after 60 issued and 4 repealed cannot be."""
    report = Report("t")
    resolve_fused(report, ACTIVE_2021, [_run(ACTIVE_2021, "normative_docs", "6045")])
    assert _row_cells(report, "active", "normative_docs") == {"issued": 6, "repealed": 0, "in_force": 45}
    assert any("in_force below issued - repealed dropped" in w for w in report.warnings)


def test_stock_bound_leaves_a_tie_it_cannot_break():
    report = Report("t")
    resolve_fused(report, ACTIVE_2021, [_run(ACTIVE_2021, "normative_docs", "693665")])
    assert _row_cells(report, "active", "normative_docs") == {}  # 69 | 3 | 665, 6 | 93 | 665, … all possible
    assert all(any(w.startswith(f"active/normative_docs/{c}:") for w in report.warnings)
               for c in ("issued", "repealed", "in_force"))


def test_too_few_digits_leave_the_row_out_with_a_warning():
    report = Report("t")
    resolve_fused(report, REQUESTS_2021, [_run(REQUESTS_2021, "granted", "55")])
    assert _row_cells(report, "requests", "granted") == {}
    assert any(w.startswith("requests/granted:") for w in report.warnings)


def test_whole_review_table_fused_is_split_with_its_row_totals():
    cells = [(r.key, c) for r in REVIEW_LITIGATION.rows for c in r.cols]
    report = Report("t")
    resolve_fused(report, REVIEW_LITIGATION, [FusedRun(cells, ["10203120001200000"])])
    got = [report.cells[("review_litigation", *k)].value for k in cells]
    assert got == [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]


def test_blank_row_marked_by_tokeniser_becomes_blank_cells():
    segs: list[Segment] = []
    text_segments("1.申请人无正当理由逾期不补正00000002.申请人逾期未按收费通知要求缴纳费用3.其他（七）总计5000005", 1, segs)
    assert [(s.label, s.values) for s in segs] == [
        ("1.申请人无正当理由逾期不补正", ["0000000"]),
        ("2.申请人逾期未按收费通知要求缴纳费用", [""]),
        ("3.其他", [""]),
        ("（七）总计", ["5000005"]),
    ]
    report = Report("t")
    resolve_fused(report, REQUESTS_2021, [FusedRun([("other_other", c) for c in REQUESTS_2021.row("other_other").cols], [""])])
    assert {c.status for c in report.cells.values()} == {"blank"} and len(report.cells) == 7


def test_group_label_before_a_numbered_row_is_not_a_blank_row():
    segs: list[Segment] = []
    text_segments("（六）其他处理1.申请人无正当理由逾期不补正1000001", 1, segs)
    assert [(s.label, s.values) for s in segs] == [("（六）其他处理1.申请人无正当理由逾期不补正", ["1000001"])]


# --- generated tables ------------------------------------------------------------

_SMALL = st.sampled_from([0, 0, 0, 0, 0, 1, 2, 3, 7, 10, 12, 40, 105])


@st.composite
def requests_tables(draw) -> dict[str, list[int]]:
    """A REQUESTS_2021 table that satisfies R1, R2 and R3."""
    rows: dict[str, list[int]] = {}

    def row(applicants: list[int]) -> list[int]:
        return applicants + [sum(applicants)]

    outcomes = [r.key for r in REQUESTS_2021.rows[2:-2]]
    for key in outcomes:
        rows[key] = row([draw(_SMALL) for _ in APPLICANT_COLS])
    rows["results_total"] = [sum(rows[k][i] for k in outcomes) for i in range(7)]
    rows["carried_over_out"] = row([draw(_SMALL) for _ in APPLICANT_COLS])
    carried_in = [min(draw(_SMALL), rows["results_total"][i] + rows["carried_over_out"][i]) for i in range(6)]
    rows["carried_over_in"] = row(carried_in)
    rows["new_received"] = row([rows["results_total"][i] + rows["carried_over_out"][i] - carried_in[i] for i in range(6)])
    return rows


def _check_solution(report: Report, table: Table, truth: dict[tuple[str, str], int], fused: set[str]) -> None:
    for (row, col), value in truth.items():
        cell = report.cells.get((table.key, row, col))
        if cell is not None:
            assert cell.value == value, (row, col, cell.raw)  # never a wrong number
        else:
            assert row in fused
            assert any(w.startswith(f"{table.key}/{row}") for w in report.warnings), (row, col)  # always named


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests_tables(), st.data())
def test_generated_requests_table_is_recovered_or_declared_ambiguous(rows, data):
    fused = set(data.draw(st.sets(st.sampled_from(sorted(rows)), min_size=1, max_size=len(rows))))
    report = Report("t")
    cols = REQUESTS_2021.row("granted").cols
    runs = []
    for key in (r.key for r in REQUESTS_2021.rows):
        if key in fused:
            runs.append(FusedRun([(key, c) for c in cols], ["".join(map(str, rows[key]))]))
        else:
            for c, v in zip(cols, rows[key]):
                report.cells[("requests", key, c)] = Cell(v, "number", str(v))
    resolve_fused(report, REQUESTS_2021, runs)
    assert not any("column arithmetic" in w or "own total" in w for w in report.warnings)
    _check_solution(report, REQUESTS_2021, {(k, c): v for k in rows for c, v in zip(cols, rows[k])}, fused)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(_SMALL, min_size=4, max_size=4), min_size=3, max_size=3))
def test_generated_review_table_is_recovered_or_declared_ambiguous(results):
    cells = [(r.key, c) for r in REVIEW_LITIGATION.rows for c in r.cols]
    values = [v for row in results for v in (*row, sum(row))]
    report = Report("t")
    resolve_fused(report, REVIEW_LITIGATION, [FusedRun(cells, ["".join(map(str, values))])])
    _check_solution(report, REVIEW_LITIGATION, dict(zip(cells, values)), {r.key for r in REVIEW_LITIGATION.rows})


@st.composite
def normative_rows(draw) -> list[int]:
    """issued, repealed, in_force of a possible report: the stock is at least what came in less what went out."""
    issued, repealed = draw(st.integers(0, 2000)), draw(st.integers(0, 2000))
    return [issued, repealed, draw(st.integers(max(0, issued - repealed), 2000))]


@settings(max_examples=30, deadline=None)
@given(normative_rows())
def test_generated_active_row_without_arithmetic_is_filled_only_when_unique(values):
    report = Report("t")
    resolve_fused(report, ACTIVE_2021, [_run(ACTIVE_2021, "normative_docs", "".join(map(str, values)))])
    cols = ACTIVE_2021.row("normative_docs").cols
    _check_solution(report, ACTIVE_2021, {("normative_docs", c): v for c, v in zip(cols, values)}, {"normative_docs"})
    if len(list(splits(["".join(map(str, values))], 3))) == 1:
        assert _row_cells(report, "active", "normative_docs") == dict(zip(cols, values))


_MINI = (
    "某某局2023年政府信息公开工作年度报告\n一、总体情况\n本年度制发的规范性文件77件。\n"
    "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
    "行政规范性文件77132470第二十条第（五）项信息内容本年处理决定数量行政许可2629"
    "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
    "一、本年新收政府信息公开申请数量110000011二、上年结转政府信息公开申请数量0000000"
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
    "110024001510102五、存在的主要问题及改进情况无。\n"
)


def test_fused_text_report_end_to_end():
    """Headings run on after digits; each fused table is split or left out with its cells named."""
    report = to_report(read_document(_MINI.encode(), "mini.txt"))
    assert report.get("active", "licensing", "decisions") == 2629
    assert report.get("active", "normative_docs", "issued") == 77  # stated in the prose
    assert report.get("active", "normative_docs", "in_force") is None
    assert report.get("requests", "carried_over_in", "total") == 0
    # 11|0|… or 1|10|…: the row total allows both and no column rule is printed
    assert report.get("requests", "new_received", "natural_person") is None
    assert report.get("requests", "new_received", "total") == 11
    assert any(w.startswith("requests/new_received/natural_person:") for w in report.warnings)
    review = [report.get("review_litigation", r.key, c) for r in REVIEW_LITIGATION.rows for c in r.cols]
    assert review == [1, 1, 0, 0, 2, 4, 0, 0, 1, 5, 1, 0, 1, 0, 2]
