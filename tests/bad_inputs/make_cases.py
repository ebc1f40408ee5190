"""Write the bad-input cases of this folder (run once; the files are committed).

    python tests/bad_inputs/make_cases.py

Each file holds one way a document can be bad; test_bad_inputs.py names the error
each must fail with. encrypted.pdf needs pypdf (not a project dependency), so it is
only rewritten when pypdf is importable.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).parent


def pdf(content: bytes, resources: bytes = b"<< >>", extra: list[bytes] | None = None, pages: int = 1) -> bytes:
    """A PDF with a correct xref table whose pages all show one content stream; `extra` objects are numbered
    from 5, pages after them."""
    stream = zlib.compress(content)
    extra = extra or []
    first_page = 5 + len(extra)
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R /Resources " + resources + b" >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< >>",
        *extra,
        *[page] * pages,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


FONT = b"<< /Font << /F1 5 0 R >> >>"
HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def text_pdf() -> bytes:
    lines = b"".join(b"BT /F1 11 Tf 50 %d Td (Annual report on government information disclosure, line %d) Tj ET\n"
                     % (800 - 14 * i, i) for i in range(50))
    return pdf(lines, FONT, [HELVETICA])


def scanned_pdf() -> bytes:
    """A page that is one picture: what a scanner makes."""
    pixels = bytes((x * 7 + y * 3) % 256 for y in range(32) for x in range(32))
    image = (b"<< /Type /XObject /Subtype /Image /Width 32 /Height 32 /ColorSpace /DeviceGray "
             b"/BitsPerComponent 8 /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream")
    return pdf(b"q 495 0 0 742 50 50 cm /Im1 Do Q", b"<< /XObject << /Im1 5 0 R >> >>", [image])


def slow_pdf(n: int = 100, pages: int = 30) -> bytes:
    """Pages of one table of n x n ruled cells each: pdfplumber takes seconds per page, minutes in all."""
    step = 500 / n
    h = b"".join(b"50 %.2f m 550 %.2f l S\n" % (100 + i * step, 100 + i * step) for i in range(n + 1))
    v = b"".join(b"%.2f 100 m %.2f 600 l S\n" % (50 + i * step, 50 + i * step) for i in range(n + 1))
    return pdf(b"0.5 w\n" + h + v + b"BT /F1 9 Tf 60 700 Td (grid) Tj ET", FONT, [HELVETICA], pages=pages)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def minimal_docx(body_xml: str) -> dict[str, bytes]:
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>').encode(),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>').encode(),
        "word/document.xml": body_xml.encode(),
    }


def docx_with_paragraphs(paragraphs: list[str], doctype: str = "") -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<w:document xmlns:w="http://schemas.openxmlformats.org/'
           f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    return zip_bytes(minimal_docx(xml))


NO_TABLES = """南安市交通运输局2022年政府信息公开工作年度报告

一、总体情况
2022年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开工作。

二、主动公开政府信息情况
本年度主动公开政府信息情况见附图（扫描件）。

三、收到和处理政府信息公开申请情况
本年度收到和处理政府信息公开申请情况见附图（扫描件）。

四、政府信息公开行政复议、行政诉讼情况
本年度未发生政府信息公开行政复议、行政诉讼情况。

五、存在的主要问题及改进情况
公开内容的全面性有待提高。

六、其他需要报告的事项
无。
"""


def cases() -> dict[str, bytes]:
    good_pdf = text_pdf()
    return {
        "empty.pdf": b"",
        "truncated.pdf": good_pdf[: len(good_pdf) * 2 // 3],
        "corrupt.pdf": b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n",
        "html_saved_as.pdf": "<!DOCTYPE html><html><head><title>新闻动态</title></head><body><p>市政府召开常务会议，"
                             "研究部署近期重点工作。</p></body></html>".encode(),
        "zip_named.docx": zip_bytes({"readme.txt": b"not a Word document", "data.csv": b"a,b\n1,2\n"}),
        "truncated.docx": docx_with_paragraphs(["2022年政府信息公开工作年度报告"] * 40)[:700],
        "error_404.html": "<html><head><title>404 Not Found</title></head><body><h1>404</h1><p>抱歉，您访问的页面不存在"
                          "或已被删除。</p><a href='/'>返回首页</a></body></html>".encode(),
        "login.html": "<html><head><title>统一身份认证</title></head><body><form><p>用户名 <input name=u></p><p>密码 "
                      "<input type=password></p><p>验证码 <img src=/captcha></p><button>登录</button></form></body>"
                      "</html>".encode(),
        "scanned.pdf": scanned_pdf(),
        "no_tables.txt": NO_TABLES.encode(),
        "deep.html": ("<html><body>" + "<div>" * 3000 + "2022年政府信息公开工作年度报告" + "</div>" * 3000
                      + "</body></html>").encode(),
        "malformed.html": '<html><head><title>年度报告</title></head><body><div class="content><p>2022年政府信息公开工作'
                          '年度报告</p><p>一、总体情况</p></div></body></html>'.encode(),
        "zip_bomb.docx": zip_bytes({**minimal_docx("<w:document/>"), "word/media/bomb.xml": b"\0" * (20 << 20)}),
        "slow.pdf": slow_pdf(),
    }


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf())))
    w.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


if __name__ == "__main__":
    for name, data in cases().items():
        (HERE / name).write_bytes(data)
    try:
        (HERE / "encrypted.pdf").write_bytes(encrypted_pdf())
    except ImportError:
        print("pypdf not installed: encrypted.pdf left as it is")
    for p in sorted(HERE.iterdir()):
        print(f"{p.stat().st_size:>9}  {p.name}")
