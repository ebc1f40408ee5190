"""The parts of a PDF page only a picture shows, rendered once and handed to OCR (extract/readers/ocr.py).

Why its own module: it is the PDF side of OCR (which pages are scans, which pictures are pasted tables,
rendering them), so pdf.py depends on it and it on ocr.py, and ocr.py knows pictures only, never PDFs.
A page is rendered once, through the pdfium document the PDF reader already holds: at the picture's own
resolution (capped), seals removed, then scaled down to the working resolution for rules and detection,
while the recogniser's crops come from the finer copy.
"""
from __future__ import annotations

import numpy as np

from extract.document import Grid, Line
from extract.limits import check_pixels
from extract.readers import ocr
from extract.readers.scanprep import without_seals

SCALE = 2.0  # working resolution, 144 dpi: digits ~25 px high, rules a few px thick
MAX_FINE = 3.0  # crops for the recogniser at the picture's own resolution, up to 216 dpi
MAX_TEXT_CHARS = 5  # a page (or picture) with fewer characters of text layer on it is a scan
MIN_PICTURE_SHARE = 0.1  # an image covering this share of a page may be a pasted table
# Ink blobs of a glyph's size (at SCALE: 2–120 px wide, 3–80 px tall) a region needs before OCR is worth its
# ~0.7 CPU s a page: a short line of text has dozens; a browser's broken-image placeholder, a logo, a rule or
# a blank back page have a few. Measured on the bench mix, whose Chromium prints end on such a page.
MIN_GLYPHS = 8


def needs_ocr(page) -> bool:
    """A page whose text layer is (almost) empty: a scan or a picture of a page."""
    return len(page.chars) < MAX_TEXT_CHARS


def images(page, pdf_page=None) -> list[tuple[tuple[float, float, float, float], tuple[int, int]]]:
    """Image boxes (x0, top, x1, bottom) of a page with each image's own size in pixels (read from its
    dictionary, nothing decoded); from pdfium's page when pdfium's faster objects replaced pdfminer's
    (extract/readers/pdfium_objects.py keeps chars and rules only)."""
    if "image" in page.objects or pdf_page is None:
        return [((im["x0"], im["top"], im["x1"], im["bottom"]), tuple(map(int, im.get("srcsize") or (0, 0))))
                for im in page.images]
    import pypdfium2.raw as pdfium_c

    height = pdf_page.get_height()
    objs = pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])
    return [((left, height - high, right, height - low), tuple(o.get_px_size()))
            for o in objs for left, low, right, high in [o.get_bounds()]]


def scan_regions(page, pictures: list) -> list[tuple[float, float, float, float]]:
    """Parts of a page only a picture shows (x0, top, x1, bottom in points): the whole page when its text
    layer is empty, else each large image with no text over it (a table pasted as a picture)."""
    if needs_ocr(page):
        return [tuple(page.bbox)]
    x0, top, x1, bottom = page.bbox
    out = []
    for im, _ in pictures:
        box = (max(im[0], x0), max(im[1], top), min(im[2], x1), min(im[3], bottom))
        if (box[2] - box[0]) * (box[3] - box[1]) < MIN_PICTURE_SHARE * page.width * page.height:
            continue
        if len(page.crop(box).chars) < MAX_TEXT_CHARS:  # text drawn over an image: a background, not a picture
            out.append(box)
    return out


def holds_text(grey: np.ndarray) -> bool:
    """Whether a grey region at SCALE has glyph-sized ink enough to hold a line of text or a table's figures:
    dark strokes against their own surroundings (adaptive threshold, so a grey box or a faint scan's paper
    is no ink), counted as connected blobs."""
    import cv2

    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    return int(((w >= 2) & (w <= 120) & (h >= 3) & (h <= 80)).sum()) >= MIN_GLYPHS


def _fine_scale(page, pictures: list) -> float:
    """Pixels a point of the finer copy: the densest picture's own, between SCALE and MAX_FINE."""
    dense = [px[0] / max(1e-6, box[2] - box[0]) for box, px in pictures if px[0]]
    return min(MAX_FINE, max([SCALE, *dense]))


def _render(page, pdf_page, scale: float) -> np.ndarray:
    if pdf_page is not None:
        return pdf_page.render(scale=scale, rev_byteorder=True).to_numpy()[..., :3]  # RGB: the seal test needs red
    return np.asarray(page.to_image(resolution=72 * scale).original.convert("RGB"))


def with_ocr(page, number: int, blocks: list, warnings: list[str],
             pdf_page=None) -> tuple[list[tuple[float, Line | Grid]], bool]:
    """The page's text-layer blocks (none for a scanned page) and the OCR'd blocks of its pictures, top to
    bottom, and whether OCR ran at all (the page has a picture to read)."""
    import cv2

    pictures = images(page, pdf_page)
    regions = scan_regions(page, pictures)
    if not regions:
        return blocks, False
    fine_scale = _fine_scale(page, pictures)
    check_pixels(page.width * fine_scale, page.height * fine_scale, f"page {number}")
    for _, (w, h) in pictures:  # rendering decodes each picture whole, however small it is drawn
        check_pixels(w, h, f"a picture on page {number}")
    fine = without_seals(_render(page, pdf_page, fine_scale))
    out = [] if needs_ocr(page) else list(blocks)
    x0, top = page.bbox[0], page.bbox[1]
    for r in regions:
        fx0, fy0, fx1, fy1 = (round(v * fine_scale) for v in (r[0] - x0, r[1] - top, r[2] - x0, r[3] - top))
        part = fine[max(0, fy0):fy1, max(0, fx0):fx1]
        if part.size == 0:
            continue
        f = SCALE / fine_scale
        grey = part if f == 1.0 else cv2.resize(part, (max(1, round(part.shape[1] * f)), max(1, round(part.shape[0] * f))),
                                                interpolation=cv2.INTER_AREA)
        if not holds_text(grey):
            continue  # still a page read as a picture (its text is no text layer's), with nothing on it to read
        out.extend((r[1] + y, b) for y, b in ocr.picture_blocks(grey, part, SCALE, number, warnings))
    out.sort(key=lambda b: b[0])
    return out, True
