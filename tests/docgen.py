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
        picture_page(out, src[i].render(scale=scale), w, h)
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def picture_page(out, bitmap, w: float, h: float) -> None:
    """Append to the pdfium document `out` a w × h page that one picture (`bitmap`, a PdfBitmap) fills."""
    import pypdfium2 as pdfium

    page = out.new_page(w, h)
    image = pdfium.PdfImage.new(out)
    image.set_bitmap(bitmap)
    image.set_matrix(pdfium.PdfMatrix().scale(w, h))
    page.insert_obj(image)
    page.gen_content()


def pictured_tables(data: bytes, page_no: int, scale: float = 2.0) -> bytes:
    """A copy of a PDF where the ruled tables of page `page_no` are pasted as one picture (their text layer gone),
    the page's other text kept: how a report looks when its author pasted a screenshot of the tables."""
    import pdfplumber
    import pypdfium2 as pdfium

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        tables = pdf.pages[page_no - 1].find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
        boxes = [t.bbox for t in tables if len(t.rows[0].cells) > 1]  # not one-cell frames around body text
    x0, top = min(b[0] for b in boxes) - 2, min(b[1] for b in boxes) - 2
    x1, bottom = max(b[2] for b in boxes) + 2, max(b[3] for b in boxes) + 2
    src = pdfium.PdfDocument(data)
    w, h = src[page_no - 1].get_size()
    bitmap = src[page_no - 1].render(scale=scale, crop=(x0, h - bottom, w - x1, top))  # crop: left, bottom, right, top
    out = pdfium.PdfDocument.new()
    out.import_pages(src)
    page = out[page_no - 1]
    for obj in list(page.get_objects()):
        left, low, right, high = obj.get_bounds()
        if x0 <= (left + right) / 2 <= x1 and h - bottom <= (low + high) / 2 <= h - top:
            page.remove_obj(obj)
    image = pdfium.PdfImage.new(out)
    image.set_bitmap(bitmap)
    image.set_matrix(pdfium.PdfMatrix().scale(x1 - x0, bottom - top).translate(x0, h - bottom))
    page.insert_obj(image)
    page.gen_content()
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()
