"""Scans as agencies publish them, made inside the test from a bundled real report (issue #14).

One fast case runs in CI: the whole Hongze report scanned with several of the issue's degradations at
once (150 dpi, JPEG quality 50, turned 2°, a red seal over its first table), read to ≥ 99% of its gold cells,
every wrong cell warned on its cell or row, its metadata right. Every degradation on its own, over every
sample, is the scan rows of `make eval-variants` (bench/variants/scans.py): too slow for CI.
The pieces are tested on pictures drawn here: seals out, figures read as figures.
"""
from __future__ import annotations

import os
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
