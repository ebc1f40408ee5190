"""One reader per document format; `read_document` picks one by content, not by file name."""
from __future__ import annotations

from extract.document import Document, ReadError
from extract.readers import docx, html, office, pdf, sheet, text
from extract.limits import check_size
from extract.readers.sniff import check_content, sniff_format

READERS = {
    "pdf": pdf.read, "docx": docx.read, "html": html.read, "txt": text.read, "md": text.read,
    "doc": office.read_doc, "wps": office.read_wps,
    "xlsx": sheet.read, "xls": sheet.read_xls, "et": sheet.read_xls,
}


def read_document(data: bytes, name: str = "") -> Document:
    """Bytes → Document. Raises ReadError with a specific message for anything unreadable."""
    check_size(len(data))
    fmt = sniff_format(data, name)
    reader = READERS.get(fmt)
    if reader is None:
        raise ReadError(f"unsupported format: {fmt}")
    doc = reader(data)
    doc.format = fmt
    check_content(doc, name)
    return doc


__all__ = ["read_document", "sniff_format", "Document", "ReadError"]
