"""DOC, DOCX, XLSX, XLS: real reports converted by LibreOffice read to the same cells as their HTML originals."""
from __future__ import annotations

import io

import openpyxl
import pytest
from conftest import SAMPLES, gold, gold_cells
from docgen import html_to, need_soffice

from extract.document import ReadError
from extract.readers import read_document, sniff_format
from extract.readers.office import convert
from flows.pipeline import extract_bytes

HTML = "2023_pingtan_gwh.html"


def cells(report) -> dict:
    return {k: c.value for k, c in report.cells.items()}


@pytest.fixture(scope="session")
def html_bytes() -> bytes:
    return (SAMPLES / HTML).read_bytes()


@pytest.fixture(scope="session")
def office_docs(html_bytes) -> dict[str, bytes]:
    return {"doc": html_to(html_bytes, "doc:MS Word 97"), "docx": html_to(html_bytes, "docx:MS Word 2007 XML")}


@pytest.mark.parametrize("fmt", ["doc", "docx"])
def test_word_conversion_reads_the_cells_the_html_gives(office_docs, html_bytes, fmt):
    from_html = extract_bytes(html_bytes, HTML, "")
    report = extract_bytes(office_docs[fmt], f"report.{fmt}", "")
    assert report.format == fmt and report.error is None
    assert (report.agency, report.year, report.template) == (from_html.agency, from_html.year, from_html.template)
    assert cells(report) == cells(from_html)
    want = gold_cells(gold(HTML))
    right = sum(1 for k, v in want.items() if cells(report).get(k, "<absent>") == v)
    assert right == sum(1 for k, v in want.items() if cells(from_html).get(k, "<absent>") == v)
    assert right >= 0.95 * len(want)


def test_ole2_is_told_apart_by_its_streams_not_its_name(office_docs):
    assert sniff_format(office_docs["doc"], "report.xls") == "doc"
    assert sniff_format(office_docs["doc"], "report.wps") == "wps"


def test_wps_name_reads_through_libreoffice(office_docs):
    doc = read_document(office_docs["doc"], "报告.wps")
    assert doc.format == "wps" and any("收到和处理政府信息公开申请情况" in line.text for line in doc.lines())


def test_missing_libreoffice_is_a_clear_failure(office_docs, monkeypatch):
    monkeypatch.setenv("XXGK_SOFFICE", "no-such-soffice-binary")
    with pytest.raises(ReadError, match="LibreOffice"):
        read_document(office_docs["doc"], "report.doc")
    report = extract_bytes(office_docs["doc"], "report.doc", "")
    assert report.status == "failed" and "LibreOffice" in report.error


def test_corrupt_ole2_is_a_read_error():
    with pytest.raises(ReadError, match="OLE2"):
        sniff_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "x.doc")


@pytest.fixture(scope="session")
def workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["申请人情况", None, "总计"])
    ws.append(["一、本年新收政府信息公开申请数量", 12.0, 12])
    ws.append(["（七）总计", 3.5, None])
    ws.merge_cells("A1:B1")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_sheet_is_a_grid_with_merged_cells_repeated(workbook):
    doc = read_document(workbook, "")
    assert doc.format == "xlsx"
    grid = doc.blocks[0]
    assert grid.rows == [["申请人情况", "申请人情况", "总计"], ["一、本年新收政府信息公开申请数量", "12", "12"], ["（七）总计", "3.5", ""]]
    assert grid.spans[0] == [False, True, False] and grid.hspans[0] == [False, True, False]


def test_xls_reads_as_the_same_grid(workbook):
    need_soffice()
    xls = convert(workbook, ".xlsx", "xls")
    assert sniff_format(xls, "sheet.bin") == "xls" and sniff_format(xls, "表.et") == "et"
    doc = read_document(xls, "sheet.bin")
    assert doc.format == "xls"
    assert doc.blocks[0].rows == read_document(workbook).blocks[0].rows
