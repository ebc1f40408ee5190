"""Tell a document's format from its bytes; the extension only breaks ties between text kinds."""
from __future__ import annotations

import re
import zipfile
from io import BytesIO

from extract.document import ReadError

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
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls" if name.lower().endswith((".xls", ".et")) else "doc"
    if _HTML.search(data[:4096]):
        return "html"
    if name.lower().endswith((".md", ".markdown")):
        return "md"
    return "txt"
