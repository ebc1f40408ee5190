"""A table continued over a page break with other column borders on each page (extract/readers/pagebreak.py)."""
from __future__ import annotations

from extract.document import Grid
from extract.readers.pagebreak import continues, join


def test_a_header_whose_label_cell_spans_the_body_label_columns_is_laid_over_the_body_columns():
    header = Grid([["（本列数据的勾稽关系为…）", "申请人情况", ""], ["", "自然人", "总计"]], pages=[5, 5],
                  edges=[0.0, 360.1, 401.6, 595.3])
    body = Grid([["三、本年度办理结果", "（一）予以公开", "", "258", "258"]], pages=[6],
                edges=[0.0, 19.5, 113.6, 360.1, 400.6, 595.3])
    assert continues(header, body, 6)
    join(header, body)
    assert header.rows == [["（本列数据的勾稽关系为…）", "", "", "申请人情况", ""], ["", "", "", "自然人", "总计"],
                           ["三、本年度办理结果", "（一）予以公开", "", "258", "258"]]
    assert header.hspans[0] == [False, True, True, False, False] and header.pages == [5, 5, 6]


def test_grids_whose_borders_do_not_refine_each_other_stay_apart():
    a = Grid([["a", "b", "c"]], pages=[1], edges=[0.0, 100.0, 200.0, 300.0])
    shifted = Grid([["x", "y", "z", "w"]], pages=[2], edges=[0.0, 50.0, 150.0, 250.0, 300.0])
    wider = Grid([["x", "y", "z", "w"]], pages=[2], edges=[0.0, 100.0, 200.0, 300.0, 400.0])
    unknown = Grid([["x", "y", "z", "w"]], pages=[2])
    assert not any(continues(a, g, 2) for g in (shifted, wider, unknown))
    assert not continues(a, Grid([["x", "y", "z"]], pages=[3]), 3)  # not the next page
