"""Untrusted content: XML/HTML entities never reach files or the network, zip bombs are refused unread,
nothing in a document is executed."""
from __future__ import annotations

import http.server
import io
import zipfile
import threading

import pytest

from bad_inputs.make_cases import docx_with_paragraphs, minimal_docx, zip_bytes
from extract.document import ReadError
from extract.readers import read_document

SECRET = "TOP-SECRET-7f3a"


@pytest.fixture
def loopback():
    """A real HTTP server on 127.0.0.1 that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(SECRET.encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def read_or_refuse(data: bytes, name: str) -> str:
    """The text a reader makes of a document, or '' when it refuses the document."""
    try:
        return read_document(data, name).text()
    except ReadError:
        return ""


def test_docx_external_entities_are_not_resolved(tmp_path, loopback):
    url, hits = loopback
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    doctype = (f'<!DOCTYPE w:document [<!ENTITY file SYSTEM "{secret.as_uri()}">'
               f'<!ENTITY net SYSTEM "{url}/xxe">]>')
    data = docx_with_paragraphs(["2022年政府信息公开工作年度报告", "&file;", "&net;"], doctype=doctype)
    assert SECRET not in read_or_refuse(data, "x.docx")
    assert hits == []


def test_docx_entity_expansion_bomb_is_not_expanded():
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE w:document [<!ENTITY l0 "lol">{lol}]>'
    text = read_or_refuse(docx_with_paragraphs(["政府信息公开", "&l9;"], doctype=doctype), "x.docx")
    assert "lollol" not in text


def test_html_external_entities_are_not_resolved(tmp_path, loopback):
    url, hits = loopback
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    page = (f'<!DOCTYPE html [<!ENTITY file SYSTEM "{secret.as_uri()}"><!ENTITY net SYSTEM "{url}/xxe">]>'
            f"<html><body><p>2022年政府信息公开工作年度报告</p><p>&file;</p><p>&net;</p>"
            f'<img src="{url}/img"><iframe src="{url}/frame"></iframe><script>fetch("{url}/js")</script>'
            f"</body></html>")
    assert SECRET not in read_or_refuse(page.encode(), "x.html")
    assert hits == []


def test_script_in_a_page_is_neither_run_nor_read(tmp_path):
    marker = tmp_path / "ran"
    page = (f"<html><body><p>2022年政府信息公开工作年度报告</p><script>require('fs').writeFileSync('{marker}','x')"
            f"</script><p onclick=\"alert(1)\">正文</p></body></html>")
    text = read_document(page.encode(), "x.html").text()
    assert "writeFileSync" not in text and "正文" in text
    assert not marker.exists()


@pytest.mark.parametrize("member,size", [("word/document.xml", 300 << 20), ("xl/worksheets/sheet1.xml", 60 << 20)])
def test_zip_bombs_are_refused_before_unpacking(member, size):
    """A few hundred KB that unpack to hundreds of MB: refused from the declared sizes alone."""
    data = zip_bytes({**minimal_docx("<w:document/>"), member: b"\0" * size})
    assert len(data) < size // 500
    with pytest.raises(ReadError, match="zip bomb"):
        read_document(data, "bomb.docx")


def test_zip_with_too_many_members_is_refused():
    data = zip_bytes({**minimal_docx("<w:document/>"), **{f"word/m{i}.xml": b"" for i in range(2500)}})
    with pytest.raises(ReadError, match="members"):
        read_document(data, "many.docx")


def test_xlsx_entities_are_not_resolved(tmp_path, loopback):
    """openpyxl parses sheets with the standard library's expat: no external entities, bounded expansion."""
    import openpyxl

    url, hits = loopback
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    wb = openpyxl.Workbook()
    wb.active["A1"] = "2022年政府信息公开工作年度报告"
    wb.active["A2"] = "PLACEHOLDER"
    buf = io.BytesIO()
    wb.save(buf)
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 8))
    doctype = (f'<!DOCTYPE worksheet [<!ENTITY file SYSTEM "{secret.as_uri()}"><!ENTITY net SYSTEM "{url}/x">'
               f'<!ENTITY l0 "lol">{lol}]>')
    members = {}
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        for n in z.namelist():
            members[n] = z.read(n)
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    assert "<t>PLACEHOLDER</t>" in sheet and not sheet.startswith("<?xml")
    members["xl/worksheets/sheet1.xml"] = (doctype + sheet.replace("PLACEHOLDER", "&file;&net;&l7;")).encode()
    text = read_or_refuse(zip_bytes(members), "x.xlsx")
    assert SECRET not in text and "lollol" not in text
    assert hits == []
