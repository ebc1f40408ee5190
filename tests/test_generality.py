"""Layouts the corpus lacks, made from corpus reports by the transformations users' tools apply, read by
the general mechanisms (stream alignment, header positions, furniture, name checks) — never by rules
written for one document. Each test builds its input from a bundled sample and its gold answer."""
from __future__ import annotations

import re

import pytest

from conftest import SAMPLES, gold, gold_cells
from extract.readers import read_document
from transform import to_report
from transform.notes import as_note
from transform.report import Report

CLEAN_TEXT = ["2021_pingtan_czj.txt", "2021_pingtan_gaj.txt", "2021_pingtan_scj.txt", "2022_pingtan_gwh.txt",
              "2025_suqian_shuyang_xzf.txt", "2025_shanghai_szfbgt.md"]


def read(text: str, name: str) -> Report:
    return to_report(read_document(text.encode("utf-8"), name), source=name)


def wrong_cells(report: Report, name: str) -> dict:
    got = {k: c.value for k, c in report.cells.items()}
    return {k: (v, got.get(k, "<absent>")) for k, v in gold_cells(gold(name)).items() if got.get(k, "<absent>") != v}


def unwarned(report: Report, wrong: dict) -> list:
    """Wrong or absent cells that no warning names, by cell, row or table."""
    notes = report.notes()
    return [k for k in wrong if not any(n.table == k[0] and n.row in ("", k[1]) and n.col in ("", k[2])
                                        for n in notes)]


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [n for n in CLEAN_TEXT if not n.endswith(".md")])  # the .md moves noted cells
def test_lines_joined_into_one(name):
    """Every line of the report joined into one: headings, labels and values run on."""
    report = read(" ".join(sample(name).split()), name + ".txt")
    wrong = wrong_cells(report, name)
    assert len(wrong) <= 2, wrong
    assert (report.agency, report.year, report.template) == tuple(gold(name)[k] for k in ("agency", "year", "template"))
    assert unwarned(report, wrong) == []


@pytest.mark.parametrize("name", CLEAN_TEXT)
def test_whitespace_squeezed_out_runs_headings_into_tables(name):
    """No space left inside a line: '…情况三、收到和处理…（本列数据…' and fused digits."""
    text = "\n".join(re.sub(r"[ \t\u3000]+", "", line) for line in sample(name).splitlines())
    report = read(text, name + ".txt")
    wrong = wrong_cells(report, name)
    assert unwarned(report, wrong) == []
    assert "requests: section not found" not in report.warnings
    assert len(wrong) <= 6, wrong  # fused digits the arithmetic cannot settle are left out, warned


def test_zeros_run_together_beyond_the_cells_read_as_zeros_and_warned():
    """A report printing sixteen zeros under table 四's fifteen cells, its spaces squeezed out
    ('0000000000000000'): one zero a cell, whichever is extra, every row warned."""
    name = "2021_guangzhou_tjj.txt"
    text = "\n".join(re.sub(r"[ \t\u3000]+", "", line) for line in sample(name).splitlines())
    assert "0" * 16 in text
    report = read(text, name)
    got = {k: c.value for k, c in report.cells.items() if k[0] == "review_litigation"}
    assert got == {k: v for k, v in gold_cells(gold(name)).items() if k[0] == "review_litigation"}
    assert {n.row for n in report.notes() if n.code == "extra" and n.table == "review_litigation"} == \
        {"review", "litigation_direct", "litigation_after_review"}


def test_a_header_word_among_table_four_values_does_not_end_the_run():
    """pdftotext of a PDF prints table 四's row of fifteen with the header word 总计 where it stands above the
    last cell ('… 0 0 0 总计 0'): the word is no row label, the fifteen values are the table's."""
    from transform.schema import REVIEW_LITIGATION
    name = "2025_suqian_shuyang_xzf.txt"
    cells, lines = gold_cells(gold(name)), sample(name).splitlines()
    review = next(i for i, line in enumerate(lines) if "四、政府信息公开行政复议" in line)
    end = next(i for i, line in enumerate(lines) if line.startswith("## 五"))
    keys = [(r.key, c) for r in REVIEW_LITIGATION.rows for c in r.cols]
    printed = {k: cells[("review_litigation", *k)] for k in keys}
    printed[("review", "total")] = 0  # the report's own slip (as the Hongze report prints): no rule vouches
    vals = [str(printed[k]) for k in keys]
    table = ["行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果维持 结果纠正 其他结果 尚未审结 总计"] \
        + vals[:-1] + ["总计"] + vals[-1:]
    report = read("\n".join(lines[:review + 1] + table + lines[end:]), name)
    got = {k[1:]: c.value for k, c in report.cells.items() if k[0] == "review_litigation"}
    assert got == printed  # as printed, the slip included: it is the report's, recorded by the checks


def test_table_of_contents_does_not_take_the_section():
    """The opening paragraph lists the section names; the heading with the table comes later."""
    name = "2021_pingtan_czj.txt"
    toc = "本报告包括：二、主动公开政府信息情况三、收到和处理政府信息公开申请情况四、政府信息公开行政复议、行政诉讼情况等部分。\n"
    text = sample(name)
    cut = text.index("一、")
    report = read(text[:cut] + toc + text[cut:], name)
    assert wrong_cells(report, name) == {}


def test_page_furniture_of_a_browser_print_is_no_text():
    """A print's header (date, time, title) and footer (URL, n/m) on every page, inside the tables too."""
    name = "2021_pingtan_gaj.txt"
    lines = sample(name).splitlines()
    out = []
    for i, line in enumerate(lines):
        if i % 25 == 0:
            page = i // 25 + 1
            out += [f"file:///C:/Users/x/report.html    {page}/5", "12/5/26, 2:38 PM    平潭综合实验区公安局2021年度报告"]
        out.append(line)
    report = read("\n".join(out), name)
    assert wrong_cells(report, name) == {}
    assert report.agency == gold(name)["agency"]
    # the same print with every line joined into one: the marks are cut out of the line, the line stays
    joined = read(" ".join(out[1:]), name)  # opens with the print stamp
    assert len(wrong_cells(joined, name)) <= 2 and joined.agency == gold(name)["agency"]


@pytest.mark.parametrize("mark", ["-{}-", "- {} -"])
@pytest.mark.parametrize("name", ["2021_pingtan_gaj.txt", "2025_suqian_shuyang_xzf.txt"])
def test_page_numbers_run_into_a_line_joined_copy_are_no_values(name, mark):
    """A copy with every line joined into one keeps the page numbers a converter printed at each page's
    foot (`-3-`, `- 3 -`), inside the tables too; in the stream of values they would be a figure and a dash
    cell. An unspaced mark is one word no table prints; spaced ones are taken out where they count pages
    (n, n+1, … in order), never a table's dash cells around a figure."""
    lines = sample(name).splitlines()
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i % 20 == 19:
            out.append(mark.format(i // 20 + 1))
    report = read(" ".join(" ".join(out).split()), name + ".txt")
    plain = read(" ".join(sample(name).split()), name + ".txt")
    assert wrong_cells(report, name) == wrong_cells(plain, name)


def test_agency_after_a_print_stamp_is_cleaned_and_a_non_name_is_flagged():
    name = "2021_pingtan_gaj.txt"
    text = sample(name)
    title = next(line for line in text.splitlines() if "年度报告" in line)
    report = read(text.replace(title, "12/5/26,2:38PM" + title.strip(), 1), name)
    assert report.agency == gold(name)["agency"]
    bad = read(text.replace(title, "第3页http://x.cn " + "2021年度政府信息公开工作年度报告", 1), name)
    assert bad.agency is None or any(as_note(w).code == "meta" for w in bad.warnings)
    assert bad.status == "flagged"


def test_radical_supplement_code_points_read_as_characters():
    """PDF fonts map 民 to U+2EA0 ⺠ (NFKC leaves it): agency and labels still read."""
    name = "2021_pingtan_gaj.txt"
    report = read(sample(name).replace("民", "\u2ea0"), name)
    assert wrong_cells(report, name) == {}


def _html_table(rows: list[list[str]]) -> str:
    return "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + "</table>"


def _requests_grid(name: str, drop_col: int | None = None, extra_label_cols: int = 0) -> str:
    """The requests table of `name`'s gold as an HTML grid with a two-level header."""
    from transform.schema import REQUEST_COLS, REQUESTS_2021
    cells = gold_cells(gold(name))
    cols = list(REQUEST_COLS)
    head1 = [""] * (1 + extra_label_cols) + ["自然人", "法人或其他组织", "", "", "", "", "总计"]
    head2 = [""] * (1 + extra_label_cols) + ["", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]
    body = []
    for row in REQUESTS_2021.rows:
        vals = ["" if cells[("requests", row.key, c)] is None else str(cells[("requests", row.key, c)]) for c in cols]
        body.append([row.group or ""] * extra_label_cols + [row.label] + vals)
    rows = [head1, head2, *body]
    if drop_col is not None:
        rows = [r[:drop_col] + r[drop_col + 1:] for r in rows]
    return _html_table(rows)


@pytest.mark.parametrize("extra", [0, 2])
def test_grid_read_by_header_positions_with_any_label_columns(extra):
    name = "2021_pingtan_gaj.txt"
    page = f"<p>{gold(name)['agency']}2021年度政府信息公开工作年度报告</p><p>三、收到和处理政府信息公开申请情况</p>" \
           + _requests_grid(name, extra_label_cols=extra) + "<p>四、政府信息公开行政复议、行政诉讼情况</p>"
    report = read(page, "r.html")
    got = {k: c.value for k, c in report.cells.items() if k[0] == "requests"}
    want = {k: v for k, v in gold_cells(gold(name)).items() if k[0] == "requests"}
    assert got == want


def test_a_column_the_copy_dropped_is_absent_and_warned_never_shifted():
    """A converter lost the 科研机构 column: its cells are absent with a warning; neighbours stay in place."""
    name = "2021_pingtan_gaj.txt"
    page = f"<p>{gold(name)['agency']}2021年度政府信息公开工作年度报告</p><p>三、收到和处理政府信息公开申请情况</p>" \
           + _requests_grid(name, drop_col=3) + "<p>四、政府信息公开行政复议、行政诉讼情况</p>"
    report = read(page, "r.html")
    wrong = {k: v for k, v in wrong_cells(report, name).items() if k[0] == "requests"}
    assert unwarned(report, wrong) == []  # whatever could not be placed is absent or wrong with its warning


def test_fused_cells_carry_their_own_warning():
    """A cell cut from a digit run is warned on the cell itself, with how it was cut."""
    name = "2021_pingtan_gwh.txt"
    report = to_report(read_document((SAMPLES / name).read_bytes(), name), source=name)
    cut = [k for k, c in report.cells.items() if c.how in ("split", "digits")]
    assert cut
    named = {(n.table, n.row, n.col) for n in report.notes()}
    for key in cut:
        raw = report.cells[key].raw
        assert key in named or len(raw) == 1, key


def test_stream_alignment_places_rows_whose_labels_follow_their_values():
    """A copy that prints each row's values before its label (pdftotext's raw order of some PDFs)."""
    from transform.schema import REVIEW_LITIGATION  # noqa: F401  (the table 四 layout stays flat)
    name = "2021_pingtan_gaj.txt"
    cells = gold_cells(gold(name))
    from transform.schema import REQUESTS_2021, REQUEST_COLS
    lines = [f"{gold(name)['agency']}2021年度政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"]
    for row in REQUESTS_2021.rows:
        lines.append(" ".join("" if cells[("requests", row.key, c)] is None else str(cells[("requests", row.key, c)])
                              for c in REQUEST_COLS))
        lines.append(row.label)
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    report = read("\n".join(lines), "r.txt")
    got = {k: c.value for k, c in report.cells.items() if k[0] == "requests"}
    want = {k: v for k, v in cells.items() if k[0] == "requests"}
    wrong = {k: (v, got.get(k)) for k, v in want.items() if got.get(k, "<absent>") != v}
    assert wrong == {} or unwarned(report, wrong) == []
    assert len(wrong) <= 7


def _text_copy_without_blank_cells(name: str) -> str:
    """A page-text copy of an HTML sample as pdftotext makes it of a browser print: each table row one
    line of its printed cells, blank cells gone without a trace (spacing lost)."""
    doc = read_document((SAMPLES / name).read_bytes(), name)
    out = []
    for block in doc.blocks:
        if hasattr(block, "rows"):
            out += [" ".join(c for i, c in enumerate(block.printed(j)) if c.strip()) for j in range(len(block.rows))]
        else:
            out.append(block.text)
    return "\n".join(out)


def test_rows_whose_blank_cells_vanished_are_read_by_the_table_pattern_and_warned():
    """The sample prints only 自然人 and 总计 in table 三: a text copy keeps two values a row."""
    name = "2023_suqian_shuyang_fgj.html"
    report = read(_text_copy_without_blank_cells(name), name + ".txt")
    wrong = wrong_cells(report, name)
    requests = [k for k in gold_cells(gold(name)) if k[0] == "requests"]
    assert sum(k in wrong for k in requests) <= 7, wrong  # at most one row's worth lost
    assert unwarned(report, wrong) == []
    patterned = {n.row for n in report.notes() if n.code == "pattern"}
    assert len(patterned) >= 20  # every row so read says so, on its own row


def test_rows_printing_two_columns_with_their_digits_run_together_are_cut_by_the_arithmetic():
    """The same copy with its spaces squeezed out ('…申请数量2626'), and a wrapped label's enumerator run
    into the value under it ('3.0'): 自然人 and 总计 are cut apart by the row's total, and said so."""
    name = "2023_suqian_shuyang_fgj.html"
    lines = [re.sub(r"\s+", "", line) for line in _text_copy_without_blank_cells(name).splitlines()]
    lines = [re.sub(r"^(\d)[.．](\D+?)(\d+)$", r"\2\n\1.\3", line) for line in lines]  # '3.危及…0' → '危及…' / '3.0'
    report = read("\n".join(lines), name + ".txt")
    wrong = wrong_cells(report, name)
    requests = [k for k in gold_cells(gold(name)) if k[0] == "requests"]
    assert sum(k in wrong for k in requests) <= 7, wrong
    assert unwarned(report, wrong) == []
    assert report.cells[("requests", "new_received", "natural_person")].value == 26


def test_a_lone_enumerator_is_a_label_not_a_value():
    from transform.tokens import _tokens
    assert _tokens("3.") == [("3.", False)]
    assert _tokens("（ 四 ） 无 1. 本机关不掌握相 0 0")[3] == ("无", False)
    assert ("无", True) in _tokens("行政许可 无 行政处罚 5")
    # two enumerators run together by pdftotext ('4.' of one sub-row, '5.' of the next): no value in them
    assert not any(v for _, v in _tokens("（三）不予公开 4.5.保护第三方合法权益"))


def _column_major(text: str) -> str:
    """Each block of table rows (label | v1 | v2 | …) written as pdfminer writes a table laid out in
    columns: the labels one under another, then the values column by column."""
    out, block = [], []

    def flush() -> None:
        if len(block) > 1:
            out.extend(cells[0] for cells in block)
            out.extend(cells[j] for j in range(1, len(block[0])) for cells in block)
        else:
            out.extend("| " + " | ".join(cells) + " |" for cells in block)
        block.clear()

    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) > 1 and all(re.fullmatch(r"[\d.]+", c) for c in cells[1:]) \
                and (not block or len(cells) == len(block[0])):
            block.append(cells)
            continue
        flush()
        out.append(line)
    flush()
    return "\n".join(out)


def test_table_two_laid_out_in_columns_is_never_silently_shifted():
    """Table 二 has no arithmetic: where a block prints its labels first and its values column by column
    (pdfminer's order for a table laid out in columns), a row read beside a row not found or beside values
    left over says so on the row; no wrong figure goes without its own warning."""
    name = "2025_suqian_shuyang_xzf.txt"
    text = _column_major(sample(name))
    assert "规章\n行政规范性文件\n0\n6" in text
    report = read(text, name)
    wrong = wrong_cells(report, name)
    assert any(k[0] == "active" for k in wrong)  # the layout hides whose values are whose
    assert unwarned(report, wrong) == []


def _down_columns(labels: list[str], rows: list[list[object]], total_at: int | None = None) -> list[str]:
    """A block of a ruled table as an extractor reading down its columns prints it: the rows' labels, then
    each column's values top to bottom (the total column at `total_at` among them, if given)."""
    cols = [[str(r[c]) for r in rows] for c in range(len(rows[0]))]
    if total_at is not None:
        cols.insert(total_at, cols.pop())
    return labels + [v for col in cols for v in col]


def test_a_table_printed_down_its_columns_is_read_by_its_arithmetic_and_warned():
    """pdfminer's layout analysis reads a ruled table column by column, a page at a time: the labels of the
    page's rows, then every value of the first column, then of the second… and may take the total column
    before a narrow one. The block is put back row by row only where the table's arithmetic holds."""
    from transform.schema import REQUESTS_2021, REVIEW_LITIGATION
    name = "2025_suqian_shuyang_xzf.txt"
    cells, lines = gold_cells(gold(name)), sample(name).splitlines()
    start = next(i for i, line in enumerate(lines) if "三、收到和处理" in line)
    review = next(i for i, line in enumerate(lines) if "四、政府信息公开行政复议" in line)
    end = next(i for i, line in enumerate(lines) if "五、政府信息公开工作存在" in line)

    def block(table, rows, total_at=None):
        return _down_columns([r.label for r in rows],
                             [[cells[(table.key, r.key, c)] for c in r.cols] for r in rows], total_at)

    rows = REQUESTS_2021.rows
    text = lines[:start + 1] + ["申请人情况", "自然人", "法人或其他组织", "总计"] \
        + block(REQUESTS_2021, rows[:14]) + ["- 3 -"] + block(REQUESTS_2021, rows[14:], total_at=5) \
        + [lines[review], "结果维持 结果纠正 其他结果 尚未审结 总计"] \
        + block(REVIEW_LITIGATION, REVIEW_LITIGATION.rows) + lines[end:]
    report = read("\n".join(text), name)
    for key in ("requests", "review_litigation"):
        want = {k: v for k, v in cells.items() if k[0] == key}
        assert {k: c.value for k, c in report.cells.items() if k[0] == key} == want, key
    placed = {n.row for n in report.notes() if n.table == "requests" and n.code == "placed"}
    assert placed == {r.key for r in rows}  # every row says it was placed by the table's order, not its label


def test_rows_printed_by_rows_then_the_rest_of_the_page_down_its_columns():
    """pdftotext of a PDF whose table 三 continues a page: the first rows come row by row, the rest of that
    page's rows column by column, in one run of values with no label between, their labels after."""
    from transform.schema import REQUESTS_2021
    name = "2025_suqian_shuyang_xzf.txt"
    cells, lines = gold_cells(gold(name)), sample(name).splitlines()
    start = next(i for i, line in enumerate(lines) if "三、收到和处理" in line)
    review = next(i for i, line in enumerate(lines) if "四、政府信息公开行政复议" in line)
    rows = REQUESTS_2021.rows
    values = [[str(cells[("requests", r.key, c)]) for c in r.cols] for r in rows]
    by_rows = [v for row in values[:3] for v in row]
    down = [values[r][c] for c in range(7) for r in range(3, 14)]
    rest = [v for row in values[14:] for v in row]
    text = lines[:start + 1] + ["申请人情况 自然人 法人或其他组织 总计"] + by_rows + down         + [r.label for r in rows[:14]] + rest + [r.label for r in rows[14:]] + lines[review:]
    report = read("\n".join(text), name)
    want = {k: v for k, v in cells.items() if k[0] == "requests"}
    assert {k: c.value for k, c in report.cells.items() if k[0] == "requests"} == want
    assert unwarned(report, wrong_cells(report, name)) == []


def test_labels_that_change_side_inside_a_table_are_followed():
    """markitdown of a PDF: the first rows print their label before their values, the rest, past a page's
    grid, after them. One alignment follows the change instead of shifting every later row by one."""
    from transform.schema import REQUESTS_2021
    name = "2025_suqian_shuyang_xzf.txt"
    cells, lines = gold_cells(gold(name)), sample(name).splitlines()
    start = next(i for i, line in enumerate(lines) if "三、收到和处理" in line)
    review = next(i for i, line in enumerate(lines) if "四、政府信息公开行政复议" in line)
    rows = REQUESTS_2021.rows
    printed = [" ".join(str(cells[("requests", r.key, c)]) for c in r.cols) for r in rows]
    body = [f"{r.label} {v}" for r, v in zip(rows[:4], printed[:4])] \
        + [line for r, v in zip(rows[4:], printed[4:]) for line in (v, r.label)]
    text = lines[:start + 1] + ["申请人情况 自然人 法人或其他组织 总计"] + body + lines[review:]
    report = read("\n".join(text), name)
    want = {k: v for k, v in cells.items() if k[0] == "requests"}
    assert {k: c.value for k, c in report.cells.items() if k[0] == "requests"} == want
    assert unwarned(report, wrong_cells(report, name)) == []


ONE_LINE = "2022_pingtan_gwh.txt"  # the whole report on one line: its tables are easy to re-print
REVIEW_15 = "结果维持结果纠正其他结果尚未审结总计 0 1 1 0 2 1 0 0 0 1 0 0 0 0 0 五、"


def _review(report: Report) -> dict:
    return {k: c.value for k, c in report.cells.items() if k[0] == "review_litigation"}


def test_table_four_among_stray_values_is_the_run_whose_rows_add_up():
    """Figures of another table mixed in before table 四's fifteen: the window every row's sum holds for."""
    text = sample(ONE_LINE)
    assert REVIEW_15 in text
    report = read(text.replace(REVIEW_15, REVIEW_15.replace("总计 0", "总计 3 7 0")), ONE_LINE)
    want = {k: v for k, v in gold_cells(gold(ONE_LINE)).items() if k[0] == "review_litigation"}
    assert _review(report) == want
    assert {n.row for n in report.notes() if n.table == "review_litigation" and n.code == "extra"} == \
        {"review", "litigation_direct", "litigation_after_review"}


def test_table_four_under_a_header_naming_its_rows_is_never_placed_by_the_nearest_name():
    """A copy kept only five of the fifteen values under the header 行政复议 · 未经复议直接起诉 · 复议后起诉:
    whichever row they are read into says so (the header word nearest to them is no row label)."""
    report = read(sample(ONE_LINE).replace(REVIEW_15, "结果维持结果纠正其他结果尚未审结总计 0 1 1 0 2 五、"), ONE_LINE)
    wrong = {k: v for k, v in wrong_cells(report, ONE_LINE).items() if k[0] == "review_litigation"}
    assert unwarned(report, wrong) == []
    read_rows = {k[1] for k in _review(report)}
    assert read_rows and all(any(n.table == "review_litigation" and n.row == r for n in report.notes())
                             for r in read_rows)


def test_a_row_beside_values_left_over_in_a_one_value_per_line_copy_is_left_out_and_warned():
    """Each cell on a line of its own and more values after a row's label than it has cells: nothing tells
    which are its, so the row is absent with a warning rather than read from the first seven."""
    text = sample(ONE_LINE).replace("四、结转下年度继续办理 0000000 四、",
                                    "四、结转下年度继续办理\n" + "\n".join(["0"] * 7 + ["26", "26"]) + "\n四、")
    report = read(text, ONE_LINE)
    assert not any(k[:2] == ("requests", "carried_over_out") for k in report.cells)
    assert any(n.row == "carried_over_out" for n in report.notes())
    assert unwarned(report, wrong_cells(report, ONE_LINE)) == []


def test_a_heading_a_converter_cut_into_cells_still_opens_its_section():
    """pymupdf4llm put the heading in the previous table's last row, cut across two cells
    (|三、收到和处理政府信|息公开申请情况|||): it still opens table 三; a section never found warns every row."""
    name = "2021_pingtan_gaj.txt"
    cut = "<table><tr><td>行政事业性收费</td><td>0</td></tr><tr><td>三、收到和处理政府信</td><td>息公开申请情况</td>" \
          "<td></td></tr></table>"
    page = f"<p>{gold(name)['agency']}2021年度政府信息公开工作年度报告</p>" + cut + _requests_grid(name) \
        + "<p>四、政府信息公开行政复议、行政诉讼情况</p>"
    report = read(page, "r.html")
    want = {k: v for k, v in gold_cells(gold(name)).items() if k[0] == "requests"}
    assert {k: c.value for k, c in report.cells.items() if k[0] == "requests"} == want
    lost = read(page.replace("三、收到和处理政府信", "收到"), "r.html")
    assert not any(k[0] == "requests" for k in lost.cells)
    from transform.schema import REQUESTS_OTHER_AS_ONE  # no section text says which of 六's layouts
    assert {n.row for n in lost.notes() if n.table == "requests" and n.code == "not_found"} >= \
        {r.key for r in REQUESTS_OTHER_AS_ONE.rows}


def test_table_two_rows_cut_from_one_run_of_values_say_so():
    """Table 二 (no arithmetic) printed down its columns, a value per line (pdfminer of a browser print):
    labels first, then one run of values. A row read from such a run by counting cells — here with its
    label behind the values — says that which values are whose is not certain."""
    from transform.align import align, fill, stream
    from transform.schema import ACTIVE_2019
    lines = ["第二十条第（一）项", "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量", "规章", "规范性文件",
             *"13 60 13 60 524 368".split(), "第二十条第（五）项", "信息内容", "上一年项目数量", "本年增/减",
             "处理决定数量", "行政许可", "其他对外管理服务事项", *"0 0 0 0 0 0".split()]
    tokens = stream([(line, 1) for line in lines])
    report = Report("r")
    fill(report, ACTIVE_2019, align(ACTIVE_2019, tokens, after=True))
    read_rows = {k[1] for k in report.cells}
    assert "licensing" in read_rows  # 60 524 368 before 行政许可: the cut the count of cells alone makes
    gaps = {n.row for n in report.notes() if n.code == "gap"}
    assert read_rows <= gaps


def test_markdown_rows_stacked_in_one_with_br_are_read_apart():
    """pymupdf4llm merged two table rows into one Markdown row, each cell holding both with <br>
    (|3.危及…<br>4.保护…|0<br>1|…): read as the two rows they are."""
    from transform.schema import REQUEST_COLS, REQUESTS_2021
    name = "2023_pingtan_gwh.txt"
    cells = gold_cells(gold(name))
    rows = ["|（三）不予公开|" + r.label + "|" + "|".join(str(cells[("requests", r.key, c)]) for c in REQUEST_COLS) + "|"
            for r in REQUESTS_2021.rows]
    i = next(n for n, r in enumerate(REQUESTS_2021.rows) if r.key == "denied_third_party")
    a, b = REQUESTS_2021.rows[i - 1], REQUESTS_2021.rows[i]
    rows[i - 1:i + 1] = ["|（三）<br>不予公|3." + a.label + "<br>4." + b.label + "|" + "|".join(
        f"{cells[('requests', a.key, c)]}<br>{cells[('requests', b.key, c)]}" for c in REQUEST_COLS) + "|"]
    md = f"{gold(name)['agency']}2023年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n" \
         "||申请人情况|自然人|商业企业|科研机构|社会公益组织|法律服务机构|其他|总计|\n|---|---|---|---|---|---|---|---|---|\n" \
         + "\n".join(rows) + "\n\n四、政府信息公开行政复议、行政诉讼情况\n"
    report = read(md, "r.md")
    want = {k: v for k, v in cells.items() if k[0] == "requests"}
    assert {k: c.value for k, c in report.cells.items() if k[0] == "requests"} == want


def test_two_columns_merged_into_one_cell_never_read_as_one_figure():
    """markitdown merged two columns' cells of a row into one ('3 0'): never the figure 30, never the row's
    other cells shifted into their neighbours' columns without a warning."""
    from transform.schema import REQUEST_COLS, REQUESTS_2021
    name = "2025_suqian_shuyang_xzf.txt"
    cells = gold_cells(gold(name))
    head = "|项目|自然人|商业企业|科研机构|社会公益组织|法律服务机构|其他|总计|\n|---|---|---|---|---|---|---|---|"
    rows = []
    for r in REQUESTS_2021.rows:
        vals = [str(cells[("requests", r.key, c)]) for c in REQUEST_COLS]
        if r.key == "new_received":
            vals[1:3] = [" ".join(vals[1:3]), ""]  # commercial | research → '3 0' and an empty cell
        rows.append(f"|{r.label}|" + "|".join(vals) + "|")
    md = f"{gold(name)['agency']}2025年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n" \
         + head + "\n" + "\n".join(rows) + "\n\n四、政府信息公开行政复议、行政诉讼情况\n"
    report = read(md, "r.md")
    wrong = {k: v for k, v in wrong_cells(report, name).items() if k[0] == "requests"}
    assert unwarned(report, wrong) == []
    assert all(report.cells.get(("requests", "new_received", c)) is None
               or report.cells[("requests", "new_received", c)].value != 30 for c in REQUEST_COLS)
    assert {k for k in wrong} <= {("requests", "new_received", c) for c in REQUEST_COLS}
    from transform.numbers import parse_value
    assert parse_value("2 1") is None and parse_value("2\n6").value == 26  # side by side: two; wrapped: one


def test_table_four_cells_merged_in_its_row_of_fifteen_are_read_apart_and_warned():
    """markitdown of a PDF merges some of table 四's fifteen cells pairwise ('10 1', '0 0'): with no cell blank,
    the figures read apart are exactly fifteen in print order, so each goes to its cell, every row warned."""
    from transform.schema import REVIEW_LITIGATION
    name = "2025_suqian_shuyang_xzf.txt"
    cells = gold_cells(gold(name))
    vals = [str(cells[("review_litigation", r.key, c)]) for r in REVIEW_LITIGATION.rows for c in r.cols]
    merged = [" ".join(vals[0:2]), vals[2], " ".join(vals[3:5])] + vals[5:]
    md = (f"{gold(name)['agency']}2025年政府信息公开工作年度报告\n\n四、政府信息公开行政复议、行政诉讼情况\n\n"
          "|行政复议|||||行政诉讼||||||||||\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
          f"|{'|'.join(merged)}|\n\n五、存在的主要问题及改进情况\n")
    report = read(md, "r.md")
    got = {k: c.value for k, c in report.cells.items() if k[0] == "review_litigation"}
    assert got == {k: v for k, v in cells.items() if k[0] == "review_litigation"}
    assert {n.row for n in report.notes() if n.code == "merged"} == {r.key for r in REVIEW_LITIGATION.rows}


def test_blank_cells_kept_after_dropping_an_edge_blank_make_the_row_a_guess():
    from transform.parse import _edges_guessed
    assert _edges_guessed(["", "", "", "18", "", "", "", "18"], 7)  # the dropped blank may be a value's column
    assert not _edges_guessed(["", "1", "2", "3", "4", "5", "6", "7"], 7)  # a label's remnant, nothing else


def _wrapped(label: str, width: int) -> str:
    return "<br>".join(label[i:i + width] for i in range(0, len(label), width))


@pytest.mark.parametrize("width", [5, 8])
def test_markdown_labels_wrapped_in_their_cells_with_br_are_whole_labels(width):
    """pymupdf4llm prints a label wrapped in its cell as `7.属于行政执法案<br>卷`, and a table continued on the
    next page as a grid of its printed columns only (`|8.属于行政查询事<br>项|0|0|`): each label is the
    one label it prints, every cell of a sparse table is read (its blank columns by the table's pattern)."""
    from transform.schema import REQUEST_COLS, REQUESTS_2021
    name = "2023_suqian_shuyang_fgj.html"
    cells = gold_cells(gold(name))
    rows = []
    for n, r in enumerate(REQUESTS_2021.rows):
        vals = ["" if cells[("requests", r.key, c)] is None else str(cells[("requests", r.key, c)]) for c in REQUEST_COLS]
        if n >= len(REQUESTS_2021.rows) // 2:  # the next page: only the printed columns
            vals = [v for v in vals if v]
        rows.append("||" + _wrapped(r.label, width) + "|" + "|".join(vals) + "|")
    half = len(REQUESTS_2021.rows) // 2
    head = "||申请人情况|自然人|商业<br>企业|科研<br>机构|社会<br>公益<br>组织|法律<br>服务<br>机构|其他|总计|\n" \
           "|---|---|---|---|---|---|---|---|---|\n"
    md = f"{gold(name)['agency']}2023年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n" + head \
        + "\n".join(rows[:half]) + "\n\n\n" + rows[half] + "\n|---|---|---|---|\n" \
        + "\n".join(rows[half + 1:]) + "\n\n四、政府信息公开行政复议、行政诉讼情况\n"
    report = read(md, "r.md")
    want = {k: v for k, v in cells.items() if k[0] == "requests"}
    got = {k: c.value for k, c in report.cells.items() if k[0] == "requests"}
    assert {k: (v, got.get(k)) for k, v in want.items() if got.get(k, "<absent>") != v} == {}


def _two_column_copy(name: str, total_cell) -> str:
    """The requests table of `name` (its rows print 自然人 and 总计 only) as a Markdown copy of those two
    columns, the total cell written by `total_cell(text)`."""
    from transform.schema import REQUESTS_2021
    cells = gold_cells(gold(name))
    rows = [f"|{r.label}|{cells[('requests', r.key, 'natural_person')]}|"
            f"{total_cell(str(cells[('requests', r.key, 'total')]))}|" for r in REQUESTS_2021.rows]
    return f"{gold(name)['agency']}2023年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n" \
        "||自然人|总计|\n|---|---|---|\n" + "\n".join(rows) + "\n\n四、政府信息公开行政复议、行政诉讼情况\n"


def test_a_figure_wrapped_in_its_narrow_cell_is_read_where_the_rows_total_says_so():
    """LibreOffice prints 26 in a narrow 总计 cell as '2' over '6' (`2<br>6`): one figure, as the row's own
    total (自然人 26 = 总计) shows; the row says how it was read."""
    name = "2023_suqian_shuyang_fgj.html"
    report = read(_two_column_copy(name, lambda t: "<br>".join(t)), "r.md")
    want = {k: v for k, v in gold_cells(gold(name)).items() if k[0] == "requests"}
    got = {k: c.value for k, c in report.cells.items() if k[0] == "requests"}
    assert {k: (v, got.get(k, "<absent>")) for k, v in want.items() if got.get(k, "<absent>") != v} == {}
    assert any(n.row == "new_received" and "fused" in n for n in report.notes())


def test_figures_that_only_look_wrapped_are_never_joined_against_the_rows_total():
    """The same copy with the total cell holding two figures that no total confirms as one (26 → '2<br>7'):
    its row is left out and warned, never read as 27 or as 2 and 7."""
    name = "2023_suqian_shuyang_fgj.html"
    report = read(_two_column_copy(name, lambda t: "2<br>7" if t == "26" else t), "r.md")
    for row in ("new_received", "granted", "results_total"):
        assert report.cells.get(("requests", row, "total")) is None or \
            report.cells[("requests", row, "total")].value not in (27, 2, 7)
        assert any(n.table == "requests" and n.row == row for n in report.notes())


def test_a_wrapped_figure_whose_pieces_straddle_the_rows_other_figure_is_read_by_the_rows_total():
    """pdftotext of the same print puts the wrapped 总计 cell's first piece on the label's line, the 自然人
    figure under it, and the second piece below ('一、本年新收… 2' / '26' / '6'): the pieces are one
    figure where the row's total says so."""
    from transform.schema import REQUESTS_2021
    name = "2023_suqian_shuyang_fgj.html"
    cells = gold_cells(gold(name))
    lines = []
    for r in REQUESTS_2021.rows:
        np_, total = str(cells[("requests", r.key, "natural_person")]), str(cells[("requests", r.key, "total")])
        lines += [f"{r.label} {total[0]}", np_, total[1:]] if len(total) == 2 else [f"{r.label} {np_} {total}"]
    text = f"{gold(name)['agency']}2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" \
        "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计\n" + "\n".join(lines) \
        + "\n四、政府信息公开行政复议、行政诉讼情况\n"
    report = read(text, "r.txt")
    want = {k: v for k, v in gold_cells(gold(name)).items() if k[0] == "requests"}
    got = {k: c.value for k, c in report.cells.items() if k[0] == "requests"}
    assert {k: (v, got.get(k, "<absent>")) for k, v in want.items() if got.get(k, "<absent>") != v} == {}
    assert any(n.row == "granted" and "fused" in n for n in report.notes())


@pytest.mark.parametrize("name", ["2023_suqian_shuyang_fgj.html", "2023_pingtan_gwh.txt"])
def test_a_label_cut_into_cells_and_wrapped_in_each_reads_line_by_line_across_them(name):
    """A PDF→Markdown converter cut each row label of table 三 into three cells, each wrapped over two lines
    (`|一、本<br>申请数|年新收政<br>量|府信息公开|26|26|`): the label is read across the cells, line by line."""
    from transform.schema import REQUEST_COLS, REQUESTS_2021
    cells = gold_cells(gold(name))
    rows = []
    for r in REQUESTS_2021.rows:
        lbl = r.label
        if len(lbl) >= 6:
            k = -(-len(lbl) // 6)
            c = [lbl[i * k:(i + 1) * k] for i in range(6)]
            label_cells = [f"{c[0]}<br>{c[3]}", f"{c[1]}<br>{c[4]}", f"{c[2]}<br>{c[5]}"]
        else:
            label_cells = [lbl, "", ""]
        vals = ["" if cells[("requests", r.key, col)] is None else str(cells[("requests", r.key, col)])
                for col in REQUEST_COLS]
        rows.append("|" + "|".join(label_cells + vals) + "|")
    md = f"{gold(name)['agency']}2023年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n" \
        "||||自然人|商业企业|科研机构|社会公益组织|法律服务机构|其他|总计|\n|---|---|---|---|---|---|---|---|---|---|\n" \
        + "\n".join(rows) + "\n\n四、政府信息公开行政复议、行政诉讼情况\n"
    report = read(md, "r.md")
    want = {k: v for k, v in cells.items() if k[0] == "requests"}
    got = {k: c.value for k, c in report.cells.items() if k[0] == "requests"}
    assert {k: (v, got.get(k, "<absent>")) for k, v in want.items() if got.get(k, "<absent>") != v} == {}


def test_an_agency_name_read_by_ocr_says_so():
    """A scan's agency name comes from OCR, where one misread character (沭 → 流) makes another name no rule
    can catch: the report says the name is uncertain; the same text from a text layer does not."""
    name = "2025_suqian_shuyang_xzf.txt"
    doc = read_document(sample(name).encode("utf-8"), name)
    assert not [w for w in to_report(doc, source=name).warnings if w.startswith("agency name")]
    doc.ocr_pages = sorted({line.page for line in doc.lines()})
    warned = [w for w in to_report(doc, source=name).warnings if w.startswith("agency name") and "read by OCR" in w]
    assert len(warned) == 1 and gold(name)["agency"] in warned[0]


def test_markdown_grid_with_blank_leading_cells_and_merged_columns_is_read_by_its_header():
    """pymupdf4llm of a browser's print of a sparse table (2019 Shanghai: most cells blank): sub-rows print
    no group label (`||1.属于国家秘密|14|||`), a name is cut across two header cells (`商业企业科` |
    `研机构社会公益组织`), and two columns are merged into one cell, header and figures alike
    (`法律服务机构其他`; `2<br>1`). Every position is a column, a merged cell gives its figures one to each of
    the columns its header names; a merged cell with fewer figures than columns is left out, warned."""
    from transform.schema import REQUESTS_OTHER_AS_ONE as table
    name = "2019_shanghai_szfbgt.html"
    cells = gold_cells(gold(name))

    def val(row: str, col: str) -> str:
        v = cells[("requests", row, col)]
        return "" if v is None else str(v)

    def merged(row: str, *cols: str) -> str:
        return "<br>".join(x for x in (val(row, c) for c in cols) if x)

    rows = [f"||{r.label}|" + "|".join([val(r.key, "natural_person"), val(r.key, "commercial_enterprise"),
                                         merged(r.key, "research_institution", "public_welfare_org"),
                                         merged(r.key, "legal_service_org", "other_org"), val(r.key, "total")]) + "|"
            for r in table.rows]
    md = (f"{gold(name)['agency']}2019年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n"
          "|（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）||||||申请人情况<br>法人或其他组|\n"
          "|---|---|---|---|---|---|---|\n|||自然人||||总计|\n||||商业企业科|研机构社会公益组织|法律服务机构其他||\n"
          + "\n".join(rows) + "\n\n四、政府信息公开行政复议、行政诉讼情况\n")
    report = read(md, "r.md")
    wrong = {k: v for k, v in wrong_cells(report, name).items() if k[0] == "requests"}
    one_of_two = {("requests", r.key, c) for r in table.rows for c in ("legal_service_org", "other_org")
                  if (cells[("requests", r.key, "legal_service_org")] is None) != (cells[("requests", r.key, "other_org")] is None)}
    assert one_of_two and set(wrong) == one_of_two  # which of the merged columns a lone figure is in is not shown
    assert all(got == "<absent>" for _, got in wrong.values())
    assert unwarned(report, wrong) == []


def _laid_out(label: str, cells: dict[int, str], width: int = 6, at: int = 40) -> str:
    """One line of a table printed in spaces: the label, then each figure centred on its column's position."""
    line = label
    for col, text in sorted(cells.items()):
        start = at + col * width - len(text) // 2
        line += " " * max(2, start - len(line)) + text
    return line


def _sparse_layout():
    """The sparse 2019 report's table 三 as pdftotext -layout prints it: template, sample, gold cells,
    columns, and the header lines (CJK words packed with single spaces, drifting off their columns)."""
    from transform.schema import REQUEST_COLS, REQUESTS_OTHER_AS_ONE as table
    name = "2019_shanghai_szfbgt.html"
    head = [" " * 50 + "申请人情况", _laid_out("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                                               {0: "自然人", 3: "法人或其他组织", 6: "总计"}),
            " " * 43 + "商业企业 科研机构 社会公益组织 法律服务机构 其他"]
    return table, name, gold_cells(gold(name)), list(REQUEST_COLS), head


def test_a_sparse_table_printed_in_spaces_is_read_by_its_columns():
    """pdftotext -layout of a sparse table (2019 Shanghai: most cells blank): a blank cell is only a gap, so
    read as a stream the figures lose their columns (`258 12 1 1`). The copy keeps where each figure stands,
    and the header names the columns above them, its CJK words packed with single spaces and drifting off
    their columns, in order: read as a grid of character columns, every cell is where the report put it."""
    table, name, cells, cols, head = _sparse_layout()
    rows = [_laid_out(("  " if r.group else "") + r.label,
                      {j: str(v) for j, c in enumerate(cols) if (v := cells[("requests", r.key, c)]) is not None})
            for r in table.rows]
    text = (f"{gold(name)['agency']}2019年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            + "\n".join(head + rows) + "\n四、政府信息公开行政复议、行政诉讼情况\n")
    report = read(text, "r.txt")
    want = {k: v for k, v in cells.items() if k[0] == "requests"}
    assert {k: c.value for k, c in report.cells.items() if k[0] == "requests"} == want
    # the same copy without its positions (spaces squeezed to one) cannot say which columns were blank
    squeezed = read(re.sub(r" {2,}", " ", text), "r.txt")
    assert {k: c.value for k, c in squeezed.cells.items() if k[0] == "requests"} != want


def test_a_sparse_table_without_its_blank_cells_is_placed_by_its_arithmetic_and_warned():
    """pdftotext of a browser print of a sparse table (2019 Shanghai: most cells blank, totals blank on the
    result rows): each row one line of its figures, blanks gone, so `258 12 1 1` may stand in any four of six
    columns. The rules are sums inside one column, so they settle no column alone: the first figure is read as
    自然人 where that column's rules hold with it, a row's last figure as its total where it is the others' sum,
    a row with no figure left is blank from there, and every figure the rules do not place is left out, warned."""
    name = "2019_shanghai_szfbgt.html"
    report = read(_text_copy_without_blank_cells(name), name + ".txt")
    want = {k: v for k, v in gold_cells(gold(name)).items() if k[0] == "requests"}
    got = {k: c.value for k, c in report.cells.items() if k[0] == "requests"}
    assert all(got[k] == want[k] for k in got), {k: (want[k], got[k]) for k in got if got[k] != want[k]}
    assert len(got) >= 110  # of 161: 自然人, 总计 and the blanks of every row; the figures between, where
    assert ("requests", "granted", "legal_service_org") not in got  # no rule says which column, stay out
    assert unwarned(report, {k: v for k, v in want.items() if k not in got}) == []
    told = {n.row for n in report.notes() if n.table == "requests" and n.code in ("pattern", "ambiguous")}
    assert {k[1] for k in got} <= told  # every row so read says how, on its own row


@pytest.mark.parametrize("header, under", [
    # pymupdf4llm of a browser print with a header line above the page: a name cut into a cell of its own
    # (`科` | `研机构`, the figures under the larger half), two names cut across a cell boundary
    (["自然人", "商业企业", "科", "研机构", "社会公益组织", "法律服务机", "构其他", "总计"], [0, 1, 3, 4, 5, 6, 7]),
    # the figures under the smaller half of a cut name, and a name cut evenly
    (["自然人", "商业", "企业", "科研机构", "社会公益", "组织", "法律服务机构", "其他", "总计"], [0, 1, 3, 5, 6, 7, 8]),
])
def test_header_names_cut_across_cells_name_their_columns(header, under):
    """A converter cut the column names of table 三 across cells, one name over two grid columns: each name
    is the column of the cell holding most of it, and a cell holding only a piece of a name stands in that
    column too, so a figure under either piece is that column's (2019 Shanghai, sparse: only the header can
    say where a figure stands)."""
    from transform.schema import REQUEST_COLS, REQUESTS_OTHER_AS_ONE as table
    name = "2019_shanghai_szfbgt.html"
    cells = gold_cells(gold(name))
    rows = []
    for r in table.rows:
        row = [""] * len(header)
        for c, at in zip(REQUEST_COLS, under):
            v = cells[("requests", r.key, c)]
            row[at] = "" if v is None else str(v)
        rows.append(f"|{r.label}|" + "|".join(row) + "|")
    md = (f"{gold(name)['agency']}2019年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n"
          "||" + "|".join(header) + "|\n|---|" + "---|" * len(header) + "\n" + "\n".join(rows)
          + "\n\n四、政府信息公开行政复议、行政诉讼情况\n")
    report = read(md, "r.md")
    want = {k: v for k, v in cells.items() if k[0] == "requests"}
    assert {k: c.value for k, c in report.cells.items() if k[0] == "requests"} == want


def test_figures_under_both_halves_of_one_cut_name_are_left_out_and_warned():
    name = "2019_shanghai_szfbgt.html"
    md = (f"{gold(name)['agency']}2019年政府信息公开工作年度报告\n\n二、主动公开政府信息情况\n\n"
          "||第二十条第（九）项|||\n|---|---|---|---|\n|信息内容|采购项目数量|采购|总金额|\n"
          "|政府集中采购|6|251|000元|\n\n三、收到和处理政府信息公开申请情况\n")
    report = read(md, "r.md")
    assert report.cells[("active", "procurement", "procurement_items")].value == 6
    assert ("active", "procurement", "procurement_amount") not in report.cells
    assert any(n.row == "procurement" and n.col in ("", "procurement_amount") for n in report.notes())


def test_rows_whose_figures_stand_on_lines_of_their_own_are_never_read_blank_unwarned():
    """pdftotext -layout of a borderless print: two rows' labels on their own lines, their figures on lines
    below with no label, interleaved (`8.属于行政查询事项` / `1.本机关不掌握…` / `10` / `252` / `2` / `12  1`).
    Read by the character columns, the labelled lines are blank rows; every such row beside figures no label
    claims is warned, so no figure goes missing behind a clean blank."""
    table, name, cells, cols, head = _sparse_layout()
    apart = ("denied_admin_query", "unable_not_held")
    rows, held = [], []
    for r in table.rows:
        figures = {j: str(v) for j, c in enumerate(cols) if (v := cells[("requests", r.key, c)]) is not None}
        if r.key in apart:
            rows.append(("  " if r.group else "") + r.label)
            held.append(figures)
            if len(held) == len(apart):
                rows += [_laid_out("", {j: f[j]}) for j in sorted(set().union(*held)) for f in held if j in f]
        else:
            rows.append(_laid_out(("  " if r.group else "") + r.label, figures))
    text = (f"{gold(name)['agency']}2019年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            + "\n".join(head + rows) + "\n四、政府信息公开行政复议、行政诉讼情况\n")
    report = read(text, "r.txt")
    wrong = {k: v for k, v in wrong_cells(report, name).items() if k[0] == "requests"}
    assert wrong and unwarned(report, wrong) == []
