"""Scanned PDF pages: OCR with RapidOCR (PP-OCR Chinese models shipped inside the wheel, nothing downloaded),
table grids rebuilt from the page image's ruling lines (extract/readers/ruling.py).

Each recognised text box goes to the ruled cell holding its centre, or else to a
text line (boxes side by side on one baseline). A cell that got no box but has ink,
or one box read with doubt, is recognised again on its own tight crop: detection
misses lone thin digits ("0", "1") and reads them with low scores in page context,
while a crop of the digit alone reads surely. A figure still read with a low score
is kept and reported in Document.warnings, so the report is flagged, never silently
trusted. A merged cell's text sits in its first row and column only (blank, flagged in
Grid.spans, elsewhere), as the text-layer reader's pdfplumber grids have it, so both
PDF paths give the parser the same rows. Optional: `pip install xxgk[ocr]`.
"""
from __future__ import annotations

import importlib.util
import os
import re
from functools import lru_cache

import numpy as np
from PIL import Image

from extract.document import Grid, Line
from extract.limits import check_pixels
from extract.readers.footer import FOOTER
from extract.readers.ruling import INK, Table, find_tables, skew_angle

SCALE = 2.0  # render at 144 dpi: digits ~25 px high, what PP-OCR reads best
MIN_SCORE = 0.3  # recognition below this is noise
SURE_SCORE = 0.95  # a one-box cell read below this is read again on its own crop
LOW_SCORE = 0.8  # a figure finally read below this is kept but warned about
MIN_SKEW, MAX_SKEW = 0.1, 5.0  # degrees: straighten a scan turned this much
MAX_TEXT_CHARS = 5  # a page (or picture) with fewer characters of text layer on it is a scan
MIN_PICTURE_SHARE = 0.1  # an image covering this share of a page may be a pasted table


def available() -> bool:
    """OCR is used when its extra is installed, unless XXGK_OCR=off (a run that must not spend CPU on scans)."""
    if os.environ.get("XXGK_OCR", "on").lower() in ("off", "0", "false", "no"):
        return False
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def needs_ocr(page) -> bool:
    """A page whose text layer is (almost) empty: a scan or a picture of a page."""
    return len(page.chars) < MAX_TEXT_CHARS


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(text_score=MIN_SCORE)


def _boxes(rgb: np.ndarray) -> list[tuple[tuple[float, float, float, float], str, float]]:
    result, _ = _engine()(rgb, use_cls=False, text_score=MIN_SCORE)
    out = []
    for pts, text, score in result or []:
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        out.append(((min(xs), min(ys), max(xs), max(ys)), text.strip(), float(score)))
    return out


def _recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    if not crops:
        return []
    res, _ = _engine().text_rec(crops)
    return [(t.strip(), float(s)) for t, s in res]


def _text_rows(boxes: list) -> list[list]:
    """Boxes on one baseline (vertical centres within half a box height) as rows, top to bottom, each left to right."""
    rows: list[list] = []
    for b in sorted(boxes, key=lambda b: (b[0][1] + b[0][3]) / 2):
        cy = (b[0][1] + b[0][3]) / 2
        if rows and abs(cy - rows[-1][0]) < (b[0][3] - b[0][1]) / 2:
            rows[-1][1].append(b)
        else:
            rows.append([cy, [b]])
    return [sorted(bs, key=lambda b: b[0][0]) for _, bs in rows]


def _join(parts: list) -> str:
    """Boxes of one cell in reading order; a label broken over lines is one label."""
    return "".join(b[1] for row in _text_rows(parts) for b in row)


_LOOKALIKES = str.maketrans("oOlI|", "00111")


def _digits(text: str) -> str:
    """A cell of digits OCR read partly as letters ("o" for 0, "l" for 1) → the digits; other text as read."""
    if text and re.fullmatch(r"[0-9oOlI|.,]+", text) and re.search(r"[0-9oO]", text):
        return text.translate(_LOOKALIKES)
    return text


def _ink_box(gray: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    x0, y0, x1, y1 = box
    inner = gray[y0 + 2:y1 - 2, x0 + 2:x1 - 2] < INK
    if inner.sum() < 12:
        return None
    ys, xs = np.nonzero(inner)
    return x0 + 2 + xs.min(), y0 + 2 + ys.min(), x0 + 3 + xs.max(), y0 + 3 + ys.max()


def _grid(table: Table, gray: np.ndarray, rgb: np.ndarray, boxes, number: int, warnings: list[str]) -> Grid:
    texts: dict[int, list] = {}
    for b in boxes:
        cx, cy = (b[0][0] + b[0][2]) / 2, (b[0][1] + b[0][3]) / 2
        for k, c in enumerate(table.cells):
            x0, y0, x1, y1 = c.box
            if x0 <= cx <= x1 and y0 <= cy <= y1:
                texts.setdefault(k, []).append(b)
                break
    # again on the cell's own crop: cells with ink but no box, and one-box cells read with doubt
    again = [k for k in range(len(table.cells)) if len(texts.get(k, [])) <= 1 and
             (k not in texts or texts[k][0][2] < SURE_SCORE)]
    crops, where = [], []
    for k in again:
        ink = _ink_box(gray, table.cells[k].box)
        if ink:
            x0, y0, x1, y1 = ink
            pad = 6
            crop = np.full((y1 - y0 + 2 * pad, x1 - x0 + 2 * pad, 3), 255, np.uint8)
            crop[pad:-pad, pad:-pad] = rgb[y0:y1, x0:x1]
            crops.append(crop)
            where.append(k)
    for k, (text, score) in zip(where, _recognise(crops)):
        if text and score >= max([MIN_SCORE, *(p[2] for p in texts.get(k, []))]):
            texts[k] = [(table.cells[k].box, text, score)]
    rows = [[""] * table.n_cols for _ in range(table.n_rows)]
    spans = [[False] * table.n_cols for _ in range(table.n_rows)]
    for k, c in enumerate(table.cells):
        parts = texts.get(k, [])
        text = _join(parts)
        for text_, score in ((p[1], p[2]) for p in parts):
            if score < LOW_SCORE and re.search(r"\d", _digits(text_)):
                warnings.append(f"page {number}: OCR unsure of table figure {text_!r} (score {score:.2f})")
        rows[c.row][c.col] = _digits(text)
        for r in range(c.row, min(c.row + c.rowspan, table.n_rows)):
            for j in range(c.col, min(c.col + c.colspan, table.n_cols)):
                spans[r][j] = (r, j) != (c.row, c.col)
    keep = [i for i, r in enumerate(rows) if any(r)]
    return Grid([rows[i] for i in keep], pages=[number] * len(keep), spans=[spans[i] for i in keep])


def _lines(boxes, number: int) -> list[tuple[float, Line]]:
    """Free text: one line per row of boxes, a space where boxes stand apart."""
    out: list[tuple[float, Line]] = []
    for bs in _text_rows(boxes):
        text = bs[0][1]
        for prev, b in zip(bs, bs[1:]):
            gap = b[0][0] - prev[0][2]
            text += (" " if gap > (b[0][3] - b[0][1]) else "") + b[1]
        if not FOOTER.match(text):
            out.append((min(b[0][1] for b in bs) / SCALE, Line(text, number)))
    return out


def scan_regions(page) -> list[tuple[float, float, float, float]]:
    """Parts of a page only a picture shows (x0, top, x1, bottom in points): the whole page when its text
    layer is empty, else each large image with no text over it (a table pasted as a picture)."""
    if needs_ocr(page):
        return [tuple(page.bbox)]
    x0, top, x1, bottom = page.bbox
    out = []
    for im, _ in _images(page):
        box = (max(im[0], x0), max(im[1], top), min(im[2], x1), min(im[3], bottom))
        if (box[2] - box[0]) * (box[3] - box[1]) < MIN_PICTURE_SHARE * page.width * page.height:
            continue
        if len(page.crop(box).chars) < MAX_TEXT_CHARS:  # text drawn over an image: a background, not a picture
            out.append(box)
    return out


def _images(page) -> list[tuple[tuple[float, float, float, float], tuple[int, int]]]:
    """Image boxes (x0, top, x1, bottom) of a page with each image's own size in pixels (read from its
    dictionary, nothing decoded); from pdfium when its faster objects replaced pdfminer's
    (extract/readers/pdfium_objects.py keeps chars and rules only)."""
    if "image" in page.objects or not hasattr(page.pdf.stream, "getvalue"):
        return [((im["x0"], im["top"], im["x1"], im["bottom"]), tuple(map(int, im.get("srcsize") or (0, 0))))
                for im in page.images]
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(page.pdf.stream.getvalue())
    try:
        height = doc[page.page_number - 1].get_height()
        objs = doc[page.page_number - 1].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])
        return [((left, height - high, right, height - low), tuple(o.get_px_size()))
                for o in objs for left, low, right, high in [o.get_bounds()]]
    finally:
        doc.close()


def with_ocr(page, number: int, blocks: list, regions: list, warnings: list[str]) -> list[tuple[float, Line | Grid]]:
    """The page's text-layer blocks (none for a scanned page) and the OCR'd blocks of `regions`, top to bottom."""
    check_pixels(page.width * SCALE, page.height * SCALE, f"page {number}")
    for _, (w, h) in _images(page):  # rendering decodes each picture whole, however small it is drawn
        check_pixels(w, h, f"a picture on page {number}")
    image = page.to_image(resolution=72 * SCALE).original.convert("RGB")
    out = [] if needs_ocr(page) else list(blocks)
    x0, top = page.bbox[0], page.bbox[1]
    for r in regions:
        crop = image.crop(tuple(round(v * SCALE) for v in (r[0] - x0, r[1] - top, r[2] - x0, r[3] - top)))
        out.extend((r[1] + y, b) for y, b in _picture_blocks(crop, number, warnings))
    out.sort(key=lambda b: b[0])
    return out


def _picture_blocks(image: Image.Image, number: int, warnings: list[str]) -> list[tuple[float, Line | Grid]]:
    """A picture of (part of) a page → (top in points from the picture's top, block) pairs."""
    angle = skew_angle(np.asarray(image.convert("L")))
    if MIN_SKEW <= abs(angle) <= MAX_SKEW:  # a scan fed in askew: rows of a table must be level to be rows
        image = image.rotate(-angle, resample=Image.Resampling.BICUBIC, fillcolor="white")
    rgb = np.asarray(image)
    gray = np.asarray(image.convert("L"))
    boxes = [b for b in _boxes(rgb) if b[1]]
    tables = find_tables(gray)
    blocks: list[tuple[float, Line | Grid]] = []
    free = []
    for b in boxes:
        cx, cy = (b[0][0] + b[0][2]) / 2, (b[0][1] + b[0][3]) / 2
        if not any(t.box[0] <= cx <= t.box[2] and t.box[1] <= cy <= t.box[3] for t in tables):
            free.append(b)
    inside = [b for b in boxes if b not in free]
    for t in tables:
        grid = _grid(t, gray, rgb, inside, number, warnings)
        if grid.rows:
            blocks.append((t.box[1] / SCALE, grid))
    blocks.extend(_lines(free, number))
    return blocks
