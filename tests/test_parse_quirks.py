"""One minimal input per quirk real reports show; each through the real readers and parser."""
from __future__ import annotations

from extract.readers import read_document
from transform import to_report
from transform.labels import norm, similarity
from transform.numbers import parse_value
from transform.report import Report

TITLE = "某市某某局2021年政府信息公开工作年度报告"
REQ_HEAD = "<tr><td>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td>自然人</td>" \
           "<td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>"


def html_report(active_rows: str, request_rows: str = "", title: str = TITLE) -> Report:
    page = (f"<html><head><title>{title}</title></head><body><p>{title}</p><p>二、主动公开政府信息情况</p>"
            f"<table>{active_rows}</table><p>三、收到和处理政府信息公开申请情况</p>"
            f"<table>{REQ_HEAD}{request_rows}</table><p>四、政府信息公开行政复议、行政诉讼情况</p></body></html>")
    return to_report(read_document(page.encode(), "r.html"))


def text_report(body: str, name: str = "r.txt") -> Report:
    return to_report(read_document(f"{TITLE}\n{body}".encode(), name))


def active(report: Report, row: str) -> dict:
    return {c: cell.value for (t, r, c), cell in report.cells.items() if t == "active" and r == row}


def req(report: Report, row: str) -> dict:
    return {c: cell.value for (t, r, c), cell in report.cells.items() if t == "requests" and r == row}


def tds(*cells: str) -> str:
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def test_colspan_value_is_one_printed_value():
    r = html_report('<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>'
                    '<tr><td>行政许可</td><td colspan="3">2629</td></tr>')
    assert active(r, "licensing") == {"decisions": 2629}


def test_colspan_copied_into_a_tab_separated_copy():
    r = text_report("二、主动公开政府信息情况\n信息内容\t本年处理决定数量\t本年处理决定数量\n行政许可\t7\t7\n"
                    "行政处罚\t3\t4\n")
    assert active(r, "licensing") == {"decisions": 7}
    assert active(r, "penalty") == {}  # two different numbers for one cell: left out, warned
    assert any(w.startswith("active/penalty:") for w in r.warnings)


def test_header_and_body_colspans_disagree():
    """2019 layout: header 上一年 | 本年增/减 (2 cols) | 处理决定; body 0 (2 cols) | 3 | 5."""
    page = ('<tr><td>信息内容</td><td>上一年项目数量</td><td colspan="2">本年增/减</td><td>处理决定数量</td></tr>'
            '<tr><td>行政许可</td><td colspan="2">7</td><td>-1</td><td>5</td></tr>')
    r = to_report(read_document(
        f"<p>某局2019年政府信息公开工作年度报告</p><p>二、主动公开政府信息情况</p><table>{page}</table>"
        "<p>三、收到和处理政府信息公开申请情况</p><p>本年新收政府信息公开申请数量</p>".encode(), "r.html"))
    assert r.template == "2019"
    assert active(r, "licensing") == {"items_prev_year": 7, "items_change": -1, "decisions": 5}


def test_header_names_the_columns_a_row_prints():
    """A table printing only 本年制发件数 and 现行有效件数 maps by its header, not by position."""
    r = html_report(tds("信息内容", "本年制发件数", "现行有效件数") + tds("规章", "3", "40"))
    assert active(r, "rules") == {"issued": 3, "in_force": 40}
    assert any(w.startswith("active/rules:") and "repealed" in w for w in r.warnings)


def test_blank_slash_and_dash_are_null_never_zero():
    r = html_report("", tds("一、本年新收政府信息公开申请数量", "5", "", "/", "—", "-", "无", "5"))
    got = r.cells
    assert req(r, "new_received") == {"natural_person": 5, "commercial_enterprise": None, "research_institution": None,
                                      "public_welfare_org": None, "legal_service_org": None, "other_org": None,
                                      "total": 5}
    assert got[("requests", "new_received", "commercial_enterprise")].status == "blank"
    assert got[("requests", "new_received", "research_institution")].status == "na"


def test_header_row_with_a_trailing_blank_does_not_take_the_total_row():
    r = html_report("", tds("（本列数据的勾稽关系为：第一项加第二项之和）", "申请人情况", "总计", "")
                    + tds("（七）总计", "", "4", "0", "0", "0", "0", "0", "4"))
    assert req(r, "results_total")["total"] == 4


def test_fully_blank_row_is_read_as_blanks():
    r = html_report("", tds("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", *[""] * 7))
    assert req(r, "denied_state_secret") == dict.fromkeys(
        ("natural_person", "commercial_enterprise", "research_institution", "public_welfare_org",
         "legal_service_org", "other_org", "total"))


def test_labels_tolerate_spacing_brackets_enumerators_kangxi_and_typos():
    for printed, canonical in [
        ("三、 本 年 办 理 结 果 (二) 部分公开", "部分公开"),
        ("1.本机关不掌握相关\n政府信息", "本机关不掌握相关政府信息"),
        ("⾏政许可", "行政许可"),
        ("（四）无\n法提供 1、本机关不掌握相关政府信息", "本机关不掌握相关政府信息"),
    ]:
        assert similarity(norm(canonical), norm(printed)) >= 85, printed
    assert similarity(norm("规范性文件"), norm("件）")) == 0  # a fragment too short to mean a long label


def test_vertical_label_split_group_label_and_label_typo_in_a_grid():
    r = html_report("", tds("三", "（三）不予公开", "2.其他法律行政止公开", "1", "0", "0", "0", "0", "0", "1")
                    + tds("、", "（四）无", "1.本机关不掌握相关政府信息", "2", "0", "0", "0", "0", "0", "2")
                    + tds("本", "法提供", "2.没有现成信息需要另行制作", "3", "0", "0", "0", "0", "0", "3"))
    assert req(r, "denied_other_law")["total"] == 1
    assert req(r, "unable_not_held")["total"] == 2
    assert req(r, "unable_needs_creation")["total"] == 3


def test_kangxi_radicals_in_a_row_label():
    r = html_report(tds("信息内容", "本年处理决定数量") + tds("⾏政处罚", "12"))
    assert active(r, "penalty") == {"decisions": 12}


def test_text_copy_page_footers_are_dropped_and_give_pages():
    r = text_report("二、主动公开政府信息情况\n行政许可 3\n— 4 —\n行政处罚 5\n- 5 -\n行政强制 6\n")
    assert active(r, "licensing") == {"decisions": 3} and active(r, "penalty") == {"decisions": 5}
    assert [r.cells[("active", k, "decisions")].page for k in ("licensing", "penalty", "coercion")] == [4, 5, 6]


def test_markdown_label_moved_out_of_its_table_row():
    md = ("二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
          "| 一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n|---|---|---|---|---|---|---|---|\n"
          "\n（二）部分公开（区分处理的，只计这一情\n形，不计其他情形）\n| 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n|---|---|---|---|---|---|---|\n")
    r = text_report(md, "r.md")
    assert req(r, "partially_granted")["total"] == 2


def test_unlabelled_row_between_two_labelled_rows_takes_the_row_between_them():
    r = html_report("", tds("2.重复申请", "1", "0", "0", "0", "0", "0", "1")
                    + tds("", "7", "0", "0", "0", "0", "0", "7")
                    + tds("4.无正当理由大量反复申请", "2", "0", "0", "0", "0", "0", "2"))
    assert req(r, "not_processed_publication")["total"] == 7
    assert any("not_processed_publication" in w and "without its label" in w for w in r.warnings)


def test_too_few_values_leave_the_row_out_with_a_warning():
    r = html_report(tds("信息内容", "本年制发件数", "本年废止件数", "现行有效件数") + tds("规章", "22", "235")
                    + tds("行政许可", "5"))
    assert active(r, "rules") == {}
    assert any(w.startswith("active/rules:") and "cells left out" in w for w in r.warnings)
    assert r.status == "flagged"


_MOVED = ("二、主动公开政府信息情况\n第二十条第（一）项\n{a}\n（其中修订 16 件）\n{b}\n（{note} 29 件）\n"
          "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n"
          "| 规章 | 22 | 235 |\n|---|---|---|\n| 行政规范性文件 | 34 | 189 |\n|---|---|---|\n")


def test_markdown_cells_with_notes_moved_before_the_table_go_back_under_the_column_named():
    r = text_report(_MOVED.format(a=7, b=55, note="含自然失效"), "r.md")
    assert active(r, "rules") == {"issued": 22, "repealed": 7, "in_force": 235}
    assert active(r, "normative_docs") == {"issued": 34, "repealed": 55, "in_force": 189}
    assert any(w.startswith("active/normative_docs/repealed:") and "outside the table" in w for w in r.warnings)


def test_moved_cells_whose_notes_name_no_column_stay_out():
    r = text_report(_MOVED.format(a=7, b=55, note="其中调整"), "r.md")
    assert active(r, "rules") == {} and active(r, "normative_docs") == {}
    assert any(w.startswith("active/rules:") and "cells left out" in w for w in r.warnings)


def test_moved_cells_fewer_than_the_short_rows_stay_out():
    r = text_report(_MOVED.format(a="", b=55, note="含自然失效").replace("\n\n（其中修订 16 件）", ""), "r.md")
    assert active(r, "rules") == {} and active(r, "normative_docs") == {}


def test_cell_with_a_note_under_its_number_reads_the_number():
    r = html_report(tds("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
                    + tds("规章", "22", "22<br>（其中修订16件）", "235")
                    + tds("行政规范性文件", "34", "55（含自然失效29件）", "189"))
    assert active(r, "rules") == {"issued": 22, "repealed": 22, "in_force": 235}
    assert active(r, "normative_docs") == {"issued": 34, "repealed": 55, "in_force": 189}
    assert r.cells[("active", "normative_docs", "repealed")].raw == "55(含自然失效29件)"  # NFKC


def test_values_read_as_printed():
    assert parse_value("251000元").value == 251000
    assert parse_value("１２").value == 12 and parse_value("1,234").value == 1234
    assert parse_value("\u22123").value == -3 and parse_value("+5").value == 5
    assert parse_value("5949.088667").value == 5949.088667


def test_title_wrapped_over_two_lines_and_agency_from_the_line_above():
    r = text_report("")
    assert r.agency == "某市某某局"
    doc = "洪泽区人民政府\n2023 年政府信息公开工作年度报告\n本报告由淮安市洪泽区人民政府办公室编制。"
    r = to_report(read_document(doc.encode(), "r.txt"))
    assert (r.agency, r.year) == ("洪泽区人民政府", 2023)
    r = to_report(read_document("# 2025 年上海市人民政府办公厅政府信息公开\n工作年度报告\n正文".encode(), "r.md"))
    assert (r.agency, r.year) == ("上海市人民政府办公厅", 2025)


def test_year_in_chinese_numerals_is_not_part_of_the_agency():
    r = to_report(read_document("某县教育局二〇二三年度政府信息公开工作年度报告\n正文".encode(), "r.txt"))
    assert (r.agency, r.year) == ("某县教育局", 2023)
    r = to_report(read_document("某县教育局关于2023年政府信息公开工作年度报告\n正文".encode(), "r.txt"))
    assert (r.agency, r.year) == ("某县教育局", 2023)


def test_page_title_with_site_name_and_agency_from_the_body():
    page = ("<html><head><title>2023年度报告_政府信息公开年报_某网站</title></head><body>"
            "<p>本报告根据《条例》要求，汇总平潭综合实验区各有关单位政府信息公开工作情况编制而成。"
            "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。</p></body></html>")
    r = to_report(read_document(page.encode(), "r.html"))
    assert (r.agency, r.year) == ("平潭综合实验区", 2023)


def test_a_letter_in_the_report_column_is_skipped():
    page = ("<html><head><title>关于2014年政府信息公开工作要点落实情况的函_政府信息公开年报_某网站</title></head>"
            "<body><p>政府信息公开年报</p><p>关于2014年政府信息公开工作要点落实情况的函</p>"
            "<p>根据《关于做好政府信息公开工作年度报告有关事项的通知》要求，现将落实情况函告如下。</p></body></html>")
    r = to_report(read_document(page.encode(), "r.html"))
    assert r.status == "skipped" and not r.cells


def review(report: Report) -> dict:
    return {(r, c): cell.value for (t, r, c), cell in report.cells.items() if t == "review_litigation"}


def review_report(table_html: str, prose: str = "") -> Report:
    page = (f"<p>{TITLE}</p><p>三、收到和处理政府信息公开申请情况</p><table>{REQ_HEAD}"
            + tds("一、本年新收政府信息公开申请数量", "1", "0", "0", "0", "0", "0", "1")
            + f"</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table>{table_html}</table><p>{prose}</p>")
    return to_report(read_document(page.encode(), "r.html"))


def test_review_table_as_three_labelled_rows_with_blanks():
    r = review_report(tds("", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
                      + tds("行政复议", "1", "", "", "", "1")
                      + tds("行政诉讼（未经复议直接起诉）", "", "", "", "", "")
                      + tds("行政诉讼（复议后起诉）", "0", "0", "0", "2", "2"))
    got = review(r)
    assert got[("review", "upheld")] == 1 and got[("review", "corrected")] is None
    assert got[("litigation_after_review", "pending")] == 2
    assert got[("litigation_direct", "total")] is None  # printed blank: null, never 0
    assert len(got) == 15


def test_review_row_of_fifteen_ignores_prose_numbers_after_the_table():
    r = review_report(tds(*["行政复议"] * 5, *["行政诉讼"] * 10)
                      + tds(*[str(i) for i in range(15)]),
                      prose="（一）2024 年工作中存在问题的改进情况 针对 2024 年 1400 个 2025 年")
    got = review(r)
    assert got[("review", "upheld")] == 0 and got[("litigation_after_review", "total")] == 14
    assert not any(w.startswith("review_litigation") for w in r.warnings)


def test_docx_merged_cells_read_once():
    import io

    import docx

    d = docx.Document()
    d.add_paragraph(TITLE)
    d.add_paragraph("二、主动公开政府信息情况")
    t = d.add_table(rows=2, cols=4)
    for j, text in enumerate(["信息内容", "本年处理决定数量"]):
        t.cell(0, j).text = text
    t.cell(0, 1).merge(t.cell(0, 3))
    t.cell(1, 0).text = "行政许可"
    t.cell(1, 1).merge(t.cell(1, 3)).text = "2629"
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    buf = io.BytesIO()
    d.save(buf)
    r = to_report(read_document(buf.getvalue(), "r.docx"))
    assert active(r, "licensing") == {"decisions": 2629}
    assert r.cells[("active", "licensing", "decisions")].raw == "2629"


def test_row_broken_over_a_page_break_keeps_its_values():
    """PDF: a row's label runs on over the break (（六）其他处 | 理, 逾期不补正、行政机 | 关不再…) and the
    continuation prints no values; 其他 inside the long label is not the row 3.其他."""
    r = html_report("", tds("（六）其他处", "1.申请人无正当理由逾期不补正、行政机", "0", "", "", "", "", "", "0")
                    + tds("理", "关不再处理其政府信息公开申请", "", "", "", "", "", "", "")
                    + tds("", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                          "5", "", "", "", "", "", "5")
                    + tds("", "3.其他", "1", "", "", "", "", "", "1"))
    assert req(r, "other_overdue_supplement")["total"] == 0
    assert req(r, "other_fee_unpaid")["total"] == 5
    assert req(r, "other_other")["total"] == 1


def test_number_wrapped_in_a_narrow_cell():
    assert parse_value("2\n6").value == 26
    assert parse_value("1 234").value == 1234


def test_pdf_table_over_a_page_break_with_merged_cells(tmp_path):
    """A real PDF (LibreOffice from HTML): a colspan value read once, a table running over a page break
    joined, blank and '/' cells null, every cell with its page."""
    import os
    import shutil
    import subprocess

    import pytest

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            raise AssertionError("LibreOffice is needed in CI")
        pytest.skip("LibreOffice not installed")
    labels = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开", "（二）部分公开",
              "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
              "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]
    body = "".join(tds(label + "<br>" * 8, str(i), "", "/", "", "", "", str(i)) for i, label in enumerate(labels))
    (tmp_path / "r.html").write_text(
        f"<html><body><p>{TITLE}</p><p>二、主动公开政府信息情况</p><table border='1' cellspacing='0'>"
        + '<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>'
        + '<tr><td>行政许可</td><td colspan="3">2629</td></tr></table><p>三、收到和处理政府信息公开申请情况</p>'
        + f"<table border='1' cellspacing='0'>{REQ_HEAD}{body}</table></body></html>", encoding="utf-8")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "pdf:writer_web_pdf_Export", "--outdir", str(tmp_path), str(tmp_path / "r.html")],
                   check=True, capture_output=True, timeout=180)
    r = to_report(read_document((tmp_path / "r.pdf").read_bytes(), "r.pdf"))
    assert active(r, "licensing") == {"decisions": 2629}
    rows = [k for k in ("new_received", "carried_over_in", "granted", "partially_granted") if req(r, k)]
    assert len(rows) == 4 and req(r, "denied_admin_query")["total"] == 11
    assert req(r, "granted") == {"natural_person": 2, "commercial_enterprise": None, "research_institution": None,
                                 "public_welfare_org": None, "legal_service_org": None, "other_org": None, "total": 2}
    assert r.cells[("requests", "granted", "research_institution")].status == "na"
    pages = sorted({c.page for (t, _, _), c in r.cells.items() if t == "requests"})
    assert len(pages) >= 2 and pages == list(range(pages[0], pages[-1] + 1))  # one table over the page breaks


def test_copy_that_lost_its_colspans_repeats_header_and_value():
    r = text_report("二、主动公开政府信息情况\n信息内容\t本年新制作数量\t本年新公开数量\t本年新公开数量\t对外公开总数量\n"
                    "规章\t13\t12\t12\t524\n规范性文件\t60\t61\t62\t368\n"
                    "三、收到和处理政府信息公开申请情况\n本年新收政府信息公开申请数量\n")
    assert r.template == "2019"
    assert active(r, "rules") == {"made": 13, "published": 12, "total_published": 524}
    # 61 | 62 under one merged header: not one value, so left out and warned; its neighbours stand under theirs
    assert active(r, "normative_docs") == {"made": 60, "total_published": 368}
    assert any(w.startswith("active/normative_docs/published:") for w in r.warnings)


def test_layout_text_with_labels_wrapped_around_their_values():
    """pdftotext -layout: a long label wraps, its values sit on the middle line."""
    body = ("三、收到和处理政府信息公开申请情况\n"
            "      8.属于行政查询事项     2       0   0   0   0   0   2\n"
            "      （四）   1.本机关不掌握相关政\n"
            "                        31         0   0   0   0   0   31\n"
            "      无法提   府信息\n"
            "      供\n"
            "            2.没有现成信息需要另 0          0   0   0   0   0   0\n"
            "               行制作\n")
    r = text_report(body)
    assert req(r, "unable_not_held")["total"] == 31
    assert req(r, "unable_needs_creation")["natural_person"] == 0
