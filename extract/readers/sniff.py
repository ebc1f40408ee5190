"""Tell a document's format from its bytes; the extension only breaks ties between kinds the bytes share.

OLE2 compound files (DOC, WPS, XLS, ET) are told apart by the streams they hold:
WordDocument for word processors, Workbook/Book for spreadsheets.
"""
from __future__ import annotations

import re
import zipfile
from io import BytesIO

from extract.document import ReadError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(rb"<(!doctype\s+html|html|head|body|table|div|p|meta)[\s>/]", re.I)


def sniff_format(data: bytes, name: str = "") -> str:
    if not data.strip():
        raise ReadError("empty file")
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except zipfile.BadZipFile as e:
            raise ReadError(f"corrupt ZIP container: {e}") from None
        if "word/document.xml" in names:
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        raise ReadError("ZIP archive that is not a Word document")
    if data[:8] == OLE2_MAGIC:
        return _ole2_format(data, name.lower())
    if _HTML.search(data[:4096]):
        return "html"
    if name.lower().endswith((".md", ".markdown")):
        return "md"
    return "txt"


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
