"""A lone row of figures under a stacked header, from OCR words (extract/readers/headed_row.py).

The words are those OCR gives for table 四 of the sparse 2019 Shanghai report printed without rules and
scanned (x in points): six figures for fifteen cells, column names wrapped over up to four lines.
"""
from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT))

from extract.document import Document, Line, Word  # noqa: E402
from extract.readers.headed_row import headed_row  # noqa: E402
from extract.readers.layout import relaid  # noqa: E402
from transform import to_report  # noqa: E402


def _line(*words: tuple[float, float, str]) -> Line:
    return Line(" ".join(w[2] for w in words), 3, [Word(a, b, t, 10.0) for a, b, t in words])


def _block(pitch: float = 21.7) -> list[Line]:
    """The header and the row, each column `pitch` points right of the one before."""
    names = [("结果", "维持"), ("结果", "纠正"), ("其他", "结果"), ("尚未", "审结"), ("总计", "")]
    top, bottom = [], []
    for j in range(15):
        x = 150 + pitch * j
        a, b = names[j % 5]
        top.append((x, x + 15, a))
        if b:
            bottom.append((x, x + 15, b))
    return [
        Line("四、政府信息公开行政复议、行政诉讼情况", 3),
        _line((149, 183, "行政复议"), (253, 288, "行政诉讼")),
        _line((254, 320, "未经复议直接起诉"), (361, 403, "复议后起诉")),
        _line(*top),
        _line(*bottom),
        _line(*[(150 + pitch * j + 4, 150 + pitch * j + 9, f) for j, f in ((0, "5"), (3, "2"), (4, "7"),
                                                                            (5, "8"), (8, "1"), (9, "9"))]),
    ]


def test_a_row_of_figures_goes_under_the_columns_its_stacked_header_names():
    got = headed_row(_block(), 5)
    assert got is not None
    start, grid = got
    assert start == 1
    assert grid.rows[-2][1:6] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert grid.rows[-1] == ["", "5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", ""]
    assert grid.rows[0][1] == "行政复议" and grid.rows[1][6] == "未经复议直接起诉" and grid.rows[1][11] == "复议后起诉"


def test_the_parser_reads_table_four_from_it_blank_cells_blank():
    title = Line("2019年上海市人民政府办公厅政府信息公开工作年度报告", 1)
    opening = Line("本报告根据《中华人民共和国政府信息公开条例》要求编制。", 1)
    doc = Document("pdf", [title, opening, *_block()])
    doc.layout = relaid(doc.blocks)
    cells = to_report(doc).cells
    want = {("review", "upheld"): 5, ("review", "pending"): 2, ("review", "total"): 7,
            ("litigation_direct", "upheld"): 8, ("litigation_direct", "pending"): 1,
            ("litigation_direct", "total"): 9, ("litigation_after_review", "total"): None,
            ("review", "corrected"): None}
    assert {k: cells[("review_litigation", *k)].value for k in want} == want


def test_two_figures_under_one_column_or_one_under_none_is_no_reading():
    lines = _block()
    crowded = lines[:5] + [_line((154, 159, "5"), (162, 167, "2"))]
    assert headed_row(crowded, 5) is None
    outside = lines[:5] + [_line((154, 159, "5"), (600, 605, "2"))]
    assert headed_row(outside, 5) is None
    assert headed_row(lines[:1] + lines[3:4] + lines[5:], 2) is None  # one header line is no stacked header


def test_a_header_name_missing_a_character_names_the_column_the_template_order_puts_there():
    """OCR passed over the `果` of `结` / `果` / `维` / `持`: `结维持` before 结果纠正 is 结果维持; the same
    text where the template's order has no place for it names nothing, nor does a text near two names."""
    from transform.columns import columns_named
    from transform.schema import tables_for

    table = tables_for("2019")["review_litigation"]
    named = columns_named(table, ["", "结维持", "结果纠正", "其他结果", "尚未审结", "总计"])
    assert named[1] == ("upheld",)
    assert 1 not in columns_named(table, ["", "结维持", "总计"])
    assert 1 not in columns_named(table, ["", "结果", "结果纠正"])
