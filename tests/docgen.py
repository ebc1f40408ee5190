"""Test documents made from the corpus's real reports: office conversions and image-only (scanned) PDFs.

Built once per test session (callers cache them in session fixtures) into pytest's tmp dirs.
"""
from __future__ import annotations

import io
import os

import pytest

from extract.readers.office import convert, soffice


def need_soffice() -> None:
    """Skip without LibreOffice, except in CI, where its absence is a failure."""
    if soffice() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) not installed")


def html_to(data: bytes, target: str) -> bytes:
    """An HTML report saved by LibreOffice Writer as DOC ("doc:MS Word 97") or DOCX ("docx:MS Word 2007 XML")."""
    need_soffice()
    return convert(data, ".html", target)


def scanned_pdf(data: bytes, pages: set[int], scale: float = 2.0) -> bytes:
    """A copy of a PDF whose `pages` (1-based) are replaced by pictures of themselves: no text layer there."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(data)
    out = pdfium.PdfDocument.new()
    for i in range(len(src)):
        if i + 1 not in pages:
            out.import_pages(src, [i])
            continue
        w, h = src[i].get_size()
        bitmap = src[i].render(scale=scale)
        page = out.new_page(w, h)
        image = pdfium.PdfImage.new(out)
        image.set_bitmap(bitmap)
        image.set_matrix(pdfium.PdfMatrix().scale(w, h))
        page.insert_obj(image)
        page.gen_content()
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()
