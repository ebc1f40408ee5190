"""A page's characters, lines and rectangles read with pdfium (C), in pdfplumber's object shape.

Why: profiling the PDF reader showed ~75% of its time in pdfminer's pure-Python content-stream parser, the part
every pdfplumber user (and the naive baseline) pays. pdfium parses the same page ~5× faster; pdfplumber's table
finder and text-line grouping then work unchanged on these objects (set as the page's `_objects`). Used only for
plain pages (MediaBox at the origin, no /Rotate, no /UserUnit); anything else keeps pdfminer's parse.
"""
from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw

Objects = dict[str, list[dict[str, Any]]]


def plain(page) -> bool:
    """pdfplumber page whose coordinates pdfium gives in the same frame."""
    return tuple(page.mediabox[:2]) == (0, 0) and not page.page_obj.attrs.get("Rotate") and \
        not page.page_obj.attrs.get("UserUnit")


def page_objects(pdf_page: pdfium.PdfPage, number: int, height: float, doctop: float) -> Objects:
    """Chars (not pdfium's generated spaces and breaks), and each straight sub-path as a line or rect."""
    chars = _chars(pdf_page, number, height, doctop)
    lines, rects, curves = [], [], []
    for obj in pdf_page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=15):
        for pts in _subpaths(obj):
            shape = _shape(pts, number, height, doctop)
            {"line": lines, "rect": rects, "curve": curves}[shape["object_type"]].append(shape)
    return {"char": chars, "line": lines, "rect": rects, "curve": curves}


def _chars(pdf_page: pdfium.PdfPage, number: int, height: float, doctop: float) -> list[dict[str, Any]]:
    text = pdf_page.get_textpage()
    out = []
    rect, m, ox, oy = raw.FS_RECTF(), raw.FS_MATRIX(), ctypes.c_double(), ctypes.c_double()
    try:
        for i in range(text.count_chars()):
            if raw.FPDFText_IsGenerated(text, i) == 1:
                continue
            ch = chr(raw.FPDFText_GetUnicode(text, i))
            if ch in "\r\n\x00\ufffe\uffff":
                continue
            raw.FPDFText_GetLooseCharBox(text, i, rect)
            raw.FPDFText_GetMatrix(text, i, m)
            size = raw.FPDFText_GetFontSize(text, i) * ((m.c * m.c + m.d * m.d) ** 0.5)
            x0, x1, y0 = rect.left, rect.right, rect.bottom
            if x1 - x0 > 2 * size or rect.top - y0 > 3 * size:  # a font bbox pdfium scales wrongly: one em at the origin
                raw.FPDFText_GetCharOrigin(text, i, ox, oy)
                x0, x1, y0 = ox.value, ox.value + size, oy.value
            y1 = y0 + size  # as pdfminer: the box is one font size tall from the descent
            top = height - y1
            out.append({
                "object_type": "char", "page_number": number, "text": ch, "upright": raw.FPDFText_GetCharAngle(text, i) == 0,
                "x0": x0, "x1": x1, "y0": y0, "y1": y1, "top": top, "bottom": height - y0, "doctop": doctop + top,
                "width": x1 - x0, "height": y1 - y0, "size": size, "fontname": "", "matrix": None,
                "stroking_color": None, "non_stroking_color": None,
            })
    finally:
        text.close()
    return out


def _subpaths(obj) -> list[list[tuple[float, float]]]:
    m = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, m)
    x, y = ctypes.c_float(), ctypes.c_float()
    paths: list[list[tuple[float, float]]] = []
    for s in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, s)
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        pt = (m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
        if raw.FPDFPathSegment_GetType(seg) == raw.FPDF_SEGMENT_MOVETO or not paths:
            paths.append([pt])
        else:
            paths[-1].append(pt)
        if raw.FPDFPathSegment_GetClose(seg) and paths[-1][0] != pt:
            paths[-1].append(paths[-1][0])
    return [p for p in paths if len(p) > 1]


def _shape(pts: list[tuple[float, float]], number: int, height: float, doctop: float) -> dict[str, Any]:
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    if len(pts) == 2:
        kind = "line"
    elif len(pts) in (4, 5) and _axis_rect(pts):
        kind = "rect"
    else:
        kind = "curve"
    top = height - y1
    return {"object_type": kind, "page_number": number, "x0": x0, "x1": x1, "y0": y0, "y1": y1, "top": top,
            "bottom": height - y0, "doctop": doctop + top, "width": x1 - x0, "height": y1 - y0,
            "pts": [(px, height - py) for px, py in pts], "stroke": True, "fill": False, "linewidth": 0}


def _axis_rect(pts: list[tuple[float, float]]) -> bool:
    ring = pts[:4]
    return all(a[0] == b[0] or a[1] == b[1] for a, b in zip(ring, ring[1:] + ring[:1]))


class PdfiumPages:
    """The same PDF opened with pdfium, to give pdfplumber pages their objects; a page or file pdfium cannot
    read (or that is not plain) keeps pdfminer's parse, so errors and odd files behave as before."""

    def __init__(self, data: bytes):
        try:
            self.doc: pdfium.PdfDocument | None = pdfium.PdfDocument(data)
        except Exception:  # damaged, encrypted…: pdfplumber reports it
            self.doc = None

    def page(self, index: int) -> pdfium.PdfPage | None:
        """Page `index` loaded once for its objects and its pictures (loading parses the content stream);
        the caller closes it."""
        return self.doc[index] if self.doc is not None and index < len(self.doc) else None

    @staticmethod
    def attach(page, pdf_page: pdfium.PdfPage | None) -> None:
        if pdf_page is None or not plain(page):
            return
        try:
            page._objects = page_objects(pdf_page, page.page_number, float(page.height), float(page.initial_doctop))
        except Exception:
            pass

    def __enter__(self) -> PdfiumPages:
        return self

    def __exit__(self, *exc) -> None:
        if self.doc is not None:
            self.doc.close()
