"""Scans as agencies publish them, made inside the test from a bundled real report (issue #14).

One fast case runs in CI: the whole Hongze report scanned with several of the issue's degradations at
once (150 dpi, JPEG quality 50, turned 2°, a red seal over its first table), read to ≥ 99% of its gold cells,
every wrong cell warned on its cell or row, its metadata right. Every degradation on its own, over every
sample, is the scan rows of `make eval-variants` (bench/variants/scans.py): too slow for CI.
The pieces are tested on pictures drawn here: seals out, figures read as figures.
"""
from __future__ import annotations

import os
import re
import shutil
import sys

import numpy as np
import pytest
from conftest import ROOT, SAMPLES, gold, gold_cells

sys.path.insert(0, str(ROOT))

from extract.readers import ocr  # noqa: E402
from extract.readers.scanprep import without_seals  # noqa: E402

PDF = "2023_huaian_hongze_qzf.pdf"

if not ocr.available():
    if os.environ.get("CI") == "true":
        raise RuntimeError("the ocr extra (rapidocr-onnxruntime) is required in CI")
    pytest.skip("the ocr extra is not installed", allow_module_level=True)


def test_a_degraded_scan_reads_99_percent_and_warns_every_wrong_cell(tmp_path):
    from bench.variants.scans import make_scan
    from bench.variants.scoring import unwarned
    from score_corpus import compare, extract

    scan = make_scan(SAMPLES / PDF, tmp_path / "scan.pdf", dpi=150, jpeg_quality=50, rotate=2.0, seal=True)
    out = extract(scan)
    want = gold(PDF)
    r = compare(out, want)
    assert r["right"] >= 0.99 * len(gold_cells(want))
    assert unwarned(out, [k for k, _, _ in r["wrong"]]) == []
    assert r["meta"] == []


def test_a_red_seal_fades_and_the_print_under_it_stays():
    rgb = np.full((40, 40, 3), 255, np.uint8)
    rgb[5:15] = (220, 40, 40)  # seal ink alone
    rgb[20:30] = (110, 10, 10)  # black print under a translucent seal
    rgb[32:36] = (20, 20, 20)  # black print
    grey = without_seals(rgb)
    assert grey[5:15].min() > 200 and grey[20:30].max() < 160 and grey[32:36].max() < 60


@pytest.mark.parametrize("read, figure", [("0", "0"), ("o", "0"), ("O", "0"), ("D", "0"), ("l2", "12"),
                                          ("21.", "21"), ("7730.28", "7730.28"), ("1,234", "1234")])
def test_ocr_confusions_in_a_figure_are_undone(read, figure):
    assert ocr.as_figure(read) == figure


@pytest.mark.parametrize("read", ["自然人", "Ol法", "", "..", "合计"])
def test_text_is_no_figure(read):
    assert ocr.as_figure(read) is None


SPARSE = "2019_shanghai_szfbgt.html"  # a 2019 report whose tables leave most cells blank


def _figure_rows(doc) -> list[list[str]]:
    """Each grid row's figures in print order, rows without one left out: what a reading must reproduce."""
    from extract.document import Grid
    from transform.numbers import parse_value

    out = []
    for block in doc.blocks:
        if isinstance(block, Grid):
            for i in range(len(block.rows)):
                figures = [c.strip() for c in block.printed(i) if (v := parse_value(c)) is not None and v.status == "number"]
                if figures:
                    out.append(figures)
    return out


@pytest.mark.skipif(shutil.which("chromium") is None and os.environ.get("CI") != "true", reason="chromium not installed")
def test_the_tables_of_a_sparse_html_report_scanned_at_150_dpi_read_every_figure_as_printed(tmp_path):
    """The corpus report's own tables, printed by Chromium (each cell its own border: the rules break for a
    pixel where they cross) and scanned at 150 dpi: a figure set flush against its cell's left rule (`8`, cut
    at the cell's inset it reads `3`), a narrow cell's rule between two crossings (lost, the `8` joined the
    header above it), rows of `0` the recogniser takes for `o` — every figure comes back as printed, and
    nothing is left unread."""
    from bench.variants.convert import chromium_pdf
    from bench.variants.scans import make_scan
    from extract.readers import read_document

    html = (SAMPLES / SPARSE).read_text(encoding="utf-8")
    tables = re.search(r"<table.*</table>", html, re.S | re.I)[0]  # the tables and the headings between them
    page = tmp_path / "tables.html"
    page.write_text(f"<html><head><meta charset='utf-8'></head><body>{tables}</body></html>", encoding="utf-8")
    printed = read_document(page.read_bytes(), page.name)
    scan = make_scan(chromium_pdf(page, tmp_path), tmp_path / "scan.pdf", dpi=150)
    read = read_document(scan.read_bytes(), scan.name)
    assert read.ocr_pages
    assert _figure_rows(read) == _figure_rows(printed)
    assert not any(ocr.UNREAD in c for b in read.blocks if hasattr(b, "rows") for r in b.rows for c in r)


def test_a_zero_the_recogniser_reads_as_a_letter_decodes_as_a_figure():
    """Over the figure alphabet, o/O/D count for 0 and l/I/| for 1: a crop the recogniser is sure shows `o`
    has next to no score left for `0` itself, and would decode as nothing."""
    chars = ocr._engine().text_rec.postprocess_op.character
    index = ocr._figure_index()
    steps = np.zeros((6, len(chars)), np.float32)
    steps[:, 0] = 1.0  # blank
    steps[1, 0], steps[1, chars.index("o")], steps[1, chars.index("0")] = 0.0, 0.97, 0.01
    steps[3, 0], steps[3, chars.index("l")], steps[3, chars.index("1")] = 0.0, 0.9, 0.02
    text, _, _ = ocr._decode(steps, chars)
    figure, score, _ = ocr._decode(ocr._figure_probs(steps, index), chars, index)
    assert (text, figure) == ("ol", "01") and score > 0.9


def test_a_figure_read_in_its_full_width_form_decodes_as_that_figure():
    """A lone `1` probed in a column of a table without rules, read `１` (full width) sure as text: over the
    figure alphabet its score counts for `1`, not for nothing."""
    chars = ocr._engine().text_rec.postprocess_op.character
    index = ocr._figure_index()
    steps = np.zeros((3, len(chars)), np.float32)
    steps[:, 0] = 1.0
    steps[1, 0], steps[1, chars.index("１")], steps[1, chars.index("1")] = 0.0, 0.86, 0.01
    figure, score, _ = ocr._decode(ocr._figure_probs(steps, index), chars, index)
    assert figure == "1" and score > 0.8


def test_a_doubtful_figure_keeps_the_recognisers_second_choice():
    """The runner-up reading: the second likeliest figure at the least sure step (a worn `8` read `3`)."""
    chars = ocr._engine().text_rec.postprocess_op.character
    index = ocr._figure_index()
    steps = np.zeros((4, len(chars)), np.float32)
    steps[:, 0] = 1.0
    steps[0, 0], steps[0, chars.index("1")] = 0.0, 1.0
    steps[2, 0], steps[2, chars.index("3")], steps[2, chars.index("8")] = 0.0, 0.55, 0.4
    figure, _, runner_up = ocr._decode(ocr._figure_probs(steps, index), chars, index)
    assert (figure, runner_up) == ("13", "18")
    steps[2, chars.index("8")] = 0.0  # nothing else considered: no runner-up
    assert ocr._decode(ocr._figure_probs(steps, index), chars, index)[2] == ""


@pytest.mark.skipif(shutil.which("chromium") is None and os.environ.get("CI") != "true", reason="chromium not installed")
@pytest.mark.parametrize("sample, whole", [(SPARSE, False), ("2023_suqian_shuyang_fgj.html", True)])
def test_a_scan_of_tables_printed_without_rules_reads_its_columns_from_where_the_figures_stand(sample, whole,
                                                                                              tmp_path):
    """A report's tables 二, 三 and 四, printed by Chromium with every border taken away and scanned at 200 dpi
    (the sparse 2019 report's tables alone; the whole of a 2021-format one, whose rows print a lone `0`
    where detection in the page's context passes over it): no rule says where a column
    is, so a row's figures (`821 35 2 1 859`) are placed by where they stand under the header words, whose
    narrow cells (`商业企业 科研机构 社会公益组织`) OCR detects as one box, and a lone thin figure detection
    passes over (`2.申请人逾期未按 … 0`, the row's first `0` missed) is looked for in the figure columns.
    Table 四's one row of figures (`5 2 7 8 1 9` for fifteen cells, nine of them blank) goes under the
    columns of its header, whose names wrap over up to four lines (`结` `果` `维` `持`).
    At least 99% of the three tables' cells come back as printed, blank ones blank, and nothing is wrong
    without a warning of its own."""
    from bench.variants.convert import chromium_pdf_borderless
    from bench.variants.scans import make_scan
    from bench.variants.scoring import unwarned
    from extract.document import Grid
    from score_corpus import compare, extract

    html = (SAMPLES / sample).read_text(encoding="utf-8")
    start = html.rfind("<p", 0, html.index("二、主动公开"))
    tables = html[start:html.rindex("</table>") + len("</table>")]  # headings 二 to 四 and their tables
    page = tmp_path / "tables.html"
    page.write_text(html if whole else f"<html><head><meta charset='utf-8'></head><body>{tables}</body></html>",
                    encoding="utf-8")
    scan = make_scan(chromium_pdf_borderless(page, tmp_path), tmp_path / "scan.pdf", dpi=200)
    from extract.readers import read_document

    assert any(isinstance(b, Grid) for b in read_document(scan.read_bytes(), scan.name).layout)
    out = extract(scan)
    want = gold(sample)
    want["tables"] = {t: rows for t, rows in want["tables"].items() if t in ("active", "requests", "review_litigation")}
    r = compare(out, want)
    assert r["right"] >= 0.99 * len(gold_cells(want)), r["wrong"]
    assert unwarned(out, [k for k, _, _ in compare(out, gold(sample))["wrong"]]) == []


def test_a_cut_box_keeps_the_words_its_own_reading_gave_them():
    """A detected box cut to its ink is read again as a piece; a character read among its neighbours is
    read better than in a crop cut close (the title's 市 read alone as 币, the agency name wrong). The
    box's words stand where the pieces do; a figure keeps its own crop's reading; a box over two lines of
    ink, or whose reading counts other characters than its pieces', keeps the pieces' readings."""
    title = "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    one = [(0, 10, 400, 30)]
    assert ocr._in_context(title, one, [title.replace("市", "币")]) == [title]
    row = [(0, 10, 80, 30), (100, 10, 120, 30)]
    assert ocr._in_context("结果维持 8", row, ["结果维特", "3"]) == ["结果维持", "3"]
    assert ocr._in_context("结果维持 8", [(0, 10, 80, 30), (0, 40, 80, 60)], ["结果维特", "3"]) == ["结果维特", "3"]
    assert ocr._in_context("结果维 8", row, ["结果维特", "3"]) == ["结果维特", "3"]
