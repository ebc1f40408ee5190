"""Scanned PDFs: pages pictured without a text layer are read by OCR to (almost) every cell the text layer gives.

The scan is made from the real report 2023_huaian_hongze_qzf.pdf: its table pages
(2–4) become images, pages 1 and 5 keep their text layer, so one document tests
the per-page switch and OCR runs on the pages that matter only. A second copy pastes
page 4's tables as a picture on a page that keeps its text.
"""
from __future__ import annotations

import io
import os

import numpy as np
import pytest
from conftest import SAMPLES, gold, gold_cells
from docgen import picture_page, pictured_tables, scanned_pdf

from extract.document import ReadError
from extract.readers import ocr, pictures, read_document
from extract.readers.ruling import find_tables
from flows.pipeline import extract_bytes

PDF = "2023_huaian_hongze_qzf.pdf"
SCANNED = {2, 3, 4}

if not ocr.available():
    if os.environ.get("CI") == "true":
        raise RuntimeError("the ocr extra (rapidocr-onnxruntime) is required in CI")
    pytest.skip("the ocr extra is not installed", allow_module_level=True)


@pytest.fixture(scope="session")
def scan() -> bytes:
    return scanned_pdf((SAMPLES / PDF).read_bytes(), SCANNED)


@pytest.fixture(scope="session")
def ocr_report(scan):
    return extract_bytes(scan, "scan.pdf", "")


def test_scan_has_no_text_layer_on_its_table_pages(scan):
    import pdfplumber

    with pdfplumber.open(io.BytesIO(scan)) as pdf:
        assert [pictures.needs_ocr(p) for p in pdf.pages] == [n in SCANNED for n in range(1, 6)]


@pytest.fixture(scope="session")
def text_layer_report():
    return extract_bytes((SAMPLES / PDF).read_bytes(), PDF, "")


def assert_ocr_matches_text_layer(ocr_report, text_layer) -> None:
    """OCR gets ≥ 99% of the gold cells the text layer gets right; if it misses any, the report is flagged."""
    want = gold_cells(gold(PDF))
    by_text = {k for k, v in want.items() if k in text_layer.cells and text_layer.cells[k].value == v}
    by_ocr = {k for k in by_text if k in ocr_report.cells and ocr_report.cells[k].value == want[k]}
    assert len(by_text) >= 0.95 * len(want)
    assert len(by_ocr) >= 0.99 * len(by_text)
    if by_ocr != by_text:
        assert ocr_report.status == "flagged"
    assert ocr_report.confidence < text_layer.confidence or text_layer.confidence == 0


def test_ocr_gets_the_cells_the_text_layer_gets(ocr_report, text_layer_report):
    assert_ocr_matches_text_layer(ocr_report, text_layer_report)
    assert ocr_report.ocr_pages == sorted(SCANNED)


def test_tables_pasted_as_a_picture_on_a_text_page_are_read(text_layer_report):
    report = extract_bytes(pictured_tables((SAMPLES / PDF).read_bytes(), 4), "pictured.pdf", "")
    assert_ocr_matches_text_layer(report, text_layer_report)
    assert report.ocr_pages == [4]


def test_ocr_report_pages_point_at_the_scanned_pages(ocr_report):
    pages = {c.page for (t, _, _), c in ocr_report.cells.items() if t == "requests"}
    assert pages <= {3, 4} and pages


def placeholder_page(data: bytes) -> bytes:
    """A copy of a PDF with one more page that only a picture fills: a grey box with a small crossed-out page
    icon, what Chromium prints for an image it could not load (the bench mix's prints end on one)."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1224, 1584), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((90, 145, 1130, 455), fill=(221, 221, 221))
    draw.rectangle((556, 270, 604, 330), outline=(90, 90, 90), width=3)
    draw.line((566, 310, 594, 310), fill=(90, 90, 90), width=3)
    out = pdfium.PdfDocument(data)
    w, h = out[0].get_size()
    picture_page(out, pdfium.PdfBitmap.from_pil(img), w, h)
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def test_a_picture_with_nothing_to_read_is_not_ocrd(monkeypatch, text_layer_report):
    """A page only a text-free picture fills is still a page read as a picture (its confidence is OCR's), but
    the recogniser is never run on it, and the report reads as it did with OCR run on it."""
    data = placeholder_page((SAMPLES / PDF).read_bytes())
    calls = []
    real = ocr.picture_blocks
    monkeypatch.setattr(ocr, "picture_blocks", lambda grey, *a: calls.append(grey.shape) or real(grey, *a))
    report = extract_bytes(data, "placeholder.pdf", "")
    assert calls == [] and report.ocr_pages == [6]
    assert report.cells == text_layer_report.cells and report.status == text_layer_report.status
    monkeypatch.setattr(pictures, "holds_text", lambda grey: True)  # as before: OCR run, nothing found
    assert extract_bytes(data, "placeholder.pdf", "").cells == report.cells and len(calls) == 1


def test_a_scanned_page_holds_text():
    scan = scanned_pdf((SAMPLES / PDF).read_bytes(), {2})
    import pypdfium2 as pdfium

    from extract.readers.scanprep import without_seals

    grey = without_seals(pdfium.PdfDocument(scan)[1].render(scale=pictures.SCALE).to_numpy()[..., :3])
    assert pictures.holds_text(grey)
    assert not pictures.holds_text(np.full_like(grey, 255))


def test_scan_without_ocr_is_a_clear_failure(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    all_images = scanned_pdf((SAMPLES / PDF).read_bytes(), {1, 2, 3, 4, 5}, scale=0.5)
    with pytest.raises(ReadError, match="scanned PDF"):
        read_document(all_images)


def ruled_grid(shape: tuple[int, int], ys: tuple[int, ...], xs: tuple[int, ...], width: int) -> np.ndarray:
    """A white page with black rules `width` pixels thick at rows `ys` and columns `xs`, meeting at the ends."""
    img = np.full(shape, 255, np.uint8)
    for y in ys:
        img[y:y + width, xs[0]:xs[-1] + width] = 0
    for x in xs:
        img[ys[0]:ys[-1] + width, x:x + width] = 0
    return img


def test_ruling_lines_give_rows_columns_and_merged_spans():
    img = ruled_grid((200, 400), (10, 60, 110, 160), (10, 130, 260, 389), 2)
    img[60:62, 10:130] = 255  # the first column's top two cells are one merged cell
    [table] = find_tables(img)
    assert (table.n_rows, table.n_cols) == (3, 3)
    merged = [c for c in table.cells if c.col == 0 and c.row == 0]
    assert len(merged) == 1 and merged[0].rowspan == 2 and merged[0].colspan == 1
    assert len(table.cells) == 8


def test_a_scan_fed_in_askew_is_straightened_to_the_same_grid():
    from PIL import Image

    from extract.readers.scanprep import level, skew_angle

    img = ruled_grid((600, 1000), (100, 200, 300, 400), (100, 400, 650, 900), 3)
    for turn in (1.5, -3.0):
        turned = np.asarray(Image.fromarray(img).rotate(turn, resample=Image.Resampling.BICUBIC, fillcolor=255))
        angle = skew_angle(turned)
        assert abs(angle - turn) < 0.1
        [table] = find_tables(level(turned, angle))
        assert (table.n_rows, table.n_cols, len(table.cells)) == (3, 3, 9)
