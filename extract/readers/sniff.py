"""Tell a document's format from its bytes, and refuse content that is not a report at all.

The content decides the format; the extension only breaks ties between text kinds,
and names the mismatch when a binary format's file holds something else (a web
page saved under a .pdf link, a ZIP archive named .docx). OLE2 compound files
(DOC, WPS, XLS, ET) are told apart by the streams they hold: WordDocument for word
processors, Workbook/Book for spreadsheets.
"""
from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import PurePath

from extract.document import Document, ReadError
from extract.limits import check_archive

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(rb"<(!doctype\s+html|html|head|body|table|div|p|meta)[\s>/]", re.I)
BINARY_SUFFIXES = {".pdf": "PDF", ".docx": "Word document", ".doc": "Word document", ".wps": "WPS document",
                   ".xls": "spreadsheet", ".xlsx": "spreadsheet", ".et": "spreadsheet"}
_FORMAT_NAMES = {"html": "an HTML page", "txt": "plain text", "md": "plain text", "pdf": "a PDF",
                 "docx": "a Word document", "doc": "a Word document", "wps": "a WPS document", "xls": "a spreadsheet",
                 "xlsx": "a spreadsheet", "et": "a spreadsheet"}

# A page a server sends instead of the document (status 200 all the same): errors, logins, captchas, firewalls.
_ERROR_PAGE = re.compile(r"\b(?:404|403|500|502|503)\b|not\s*found|forbidden|access\s*denied|页面不存在|页面未找到|"
                         r"找不到(?:该|您)?(?:页面|网页|文件)|文件不存在|无法访问|访问出错|服务器错误|访问被(?:拒绝|拦截)|"
                         r"网站防火墙|安全(?:验证|检测)", re.I)
_LOGIN_PAGE = re.compile(r"登录|登陆|验证码|用户名|密\s*码|log\s*in|sign\s*in|captcha", re.I)
_REPORT_WORDS = re.compile(r"政府信息公开|信息公开.{0,10}年度报告|主动公开|依申请公开")
ERROR_PAGE_MAX_CHARS = 3000


def _suffix(name: str) -> str:
    return PurePath(name).suffix.lower() if name else ""


def sniff_format(data: bytes, name: str = "") -> str:
    if not data.strip():
        raise ReadError("empty file" if data else "empty file (0 bytes)")
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        if b"%%EOF" not in data.rstrip()[-1024:]:
            raise ReadError("truncated PDF: no %%EOF end marker (incomplete download?)")
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(BytesIO(data)) as z:
                check_archive(z)
                names = z.namelist()
        except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError) as e:  # damaged directory
            raise ReadError(f"corrupt ZIP container (truncated DOCX/XLSX?): {e}") from None
        if "word/document.xml" in names:
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        suffix = _suffix(name)
        if suffix in BINARY_SUFFIXES:
            raise ReadError(f"content does not match the extension: a ZIP archive without word/document.xml "
                            f"named {suffix}")
        raise ReadError("ZIP archive that is not a Word document or spreadsheet")
    if data[:8] == OLE2_MAGIC:
        return _ole2_format(data, name.lower())
    if _HTML.search(data[:4096]):
        return "html"
    if _suffix(name) in (".md", ".markdown"):
        return "md"
    return "txt"


def check_content(doc: Document, name: str = "") -> None:
    """Raise ReadError for what was read but is no report: an error or login page, or text under a binary name.

    Only short texts without a report's words count as error pages, so a real
    report whose page frame carries a 登录 link is never refused.
    """
    text = doc.text()
    looks_like_report = bool(_REPORT_WORDS.search(text))
    suffix = _suffix(name)
    mismatch = f" (saved as {suffix})" if suffix in BINARY_SUFFIXES and doc.format in ("html", "txt", "md") else ""
    if not looks_like_report and len(text) <= ERROR_PAGE_MAX_CHARS:
        probe = f"{doc.title}\n{text}"
        if m := _ERROR_PAGE.search(probe):
            raise ReadError(f"web error page, not a report ({m.group(0)}){mismatch}")
        if m := _LOGIN_PAGE.search(probe):
            raise ReadError(f"login or captcha page, not a report ({m.group(0)}){mismatch}")
    if mismatch and not looks_like_report:
        raise ReadError(f"content does not match the extension: {_FORMAT_NAMES[doc.format]}, "
                        f"not a {BINARY_SUFFIXES[suffix]}, named {suffix}")
    if not text.strip():
        raise ReadError(f"no text in the document ({_FORMAT_NAMES.get(doc.format, doc.format)})")


def _ole2_format(data: bytes, name: str) -> str:
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            streams = {"/".join(s) for s in ole.listdir()}
    except Exception as e:  # olefile raises several kinds on a damaged container
        raise ReadError(f"corrupt OLE2 (DOC/XLS) container: {type(e).__name__}: {e}"[:300]) from None
    if "WordDocument" in streams:
        return "wps" if name.endswith(".wps") else "doc"
    if streams & {"Workbook", "Book"}:
        return "et" if name.endswith(".et") else "xls"
    if "PowerPoint Document" in streams:
        raise ReadError("PowerPoint presentation, not a report document")
    if name.endswith(".wps"):  # older Kingsoft/Works word files hold other streams; LibreOffice knows them
        return "wps"
    raise ReadError("OLE2 container that is neither a Word document nor a spreadsheet")
