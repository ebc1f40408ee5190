"""Corpus documents read as grids and layouts (HTML, PDF, markdown, tab and OCR text copies):
every gold cell exactly, or absent with a warning that names its row — never silently wrong.
Metadata (agency, year, template) is checked on every corpus document."""
from __future__ import annotations

import hashlib

import pytest

from conftest import GOLD, SAMPLES, gold, gold_cells
from extract.readers import read_document
from transform import to_report
from transform.report import Report

GRID_DOCS = [
    "2021_guangzhou_tjj.txt",
    "2023_huaian_hongze_qzf.pdf",
    "2019_shanghai_szfbgt.html",
    "2023_suqian_shuyang_fgj.html",
    "2023_pingtan_gwh.html",
    "2025_shanghai_szfbgt.md",
    "2025_suqian_shuyang_xzf.txt",
    "2018_pingtan_gwh.txt",
]
ALL_DOCS = sorted(p.name.removesuffix(".json") for p in GOLD.glob("*.json"))
_cache: dict[str, Report] = {}


def extract(name: str) -> Report:
    if name not in _cache:
        data = (SAMPLES / name).read_bytes()
        _cache[name] = to_report(read_document(data, name), name, hashlib.sha256(data).hexdigest())
    return _cache[name]


@pytest.mark.parametrize("name", ALL_DOCS)
def test_metadata_matches_gold(name):
    report, want = extract(name), gold(name)
    assert (report.agency, report.year, report.template) == (want["agency"], want["year"], want["template"])


@pytest.mark.parametrize("name", GRID_DOCS)
def test_cells_match_gold_or_are_warned(name):
    report, want = extract(name), gold_cells(gold(name))
    got = {k: c.value for k, c in report.cells.items()}
    wrong = {k: (v, got[k]) for k, v in want.items() if k in got and got[k] != v}
    assert wrong == {}
    assert set(got) <= set(want), "cells the document does not have"
    for table, row, col in set(want) - set(got):
        assert any(w.startswith(f"{table}/{row}") for w in report.warnings), f"{table}/{row}/{col} absent, unwarned"


@pytest.mark.parametrize("name", GRID_DOCS)
def test_every_cell_keeps_raw_text_and_page(name):
    report = extract(name)
    for key, cell in report.cells.items():
        assert cell.page is not None and cell.page >= 1, key
        assert (cell.raw.strip() != "") == (cell.status != "blank"), key


def test_exact_documents_are_complete():
    """Documents whose layout is fully readable give every gold cell (no cell left out)."""
    for name in ["2021_guangzhou_tjj.txt", "2023_huaian_hongze_qzf.pdf", "2019_shanghai_szfbgt.html",
                 "2023_suqian_shuyang_fgj.html", "2023_pingtan_gwh.html", "2025_suqian_shuyang_xzf.txt",
                 "2025_shanghai_szfbgt.md"]:
        assert set(extract(name).cells) == set(gold_cells(gold(name))), name


def test_moved_column_is_put_back_from_its_notes_and_named():
    """The markdown copy printed 本年废止件数 (each value with a note) as text before table 二: the
    values go back under the column the notes name (含自然失效), with a warning for each."""
    report, want = extract("2025_shanghai_szfbgt.md"), gold_cells(gold("2025_shanghai_szfbgt.md"))
    for row in ("rules", "normative_docs"):
        for col in ("issued", "repealed", "in_force"):
            assert report.get("active", row, col) == want[("active", row, col)]
        assert any(w.startswith(f"active/{row}/repealed:") and "outside the table" in w for w in report.warnings)
    assert report.status == "flagged" and report.confidence < 1


def test_pdf_cells_carry_their_page():
    report = extract("2023_huaian_hongze_qzf.pdf")
    assert {c.page for c in report.cells.values()} >= {3, 4}


def test_markdown_cells_carry_the_page_their_footer_names():
    report = extract("2025_shanghai_szfbgt.md")
    assert report.cells[("requests", "results_total", "total")].page == 6
    assert report.cells[("active", "licensing", "decisions")].page == 4


@pytest.mark.parametrize("name", ["2019_shanghai_szfbgt.html", "2023_pingtan_gwh.html", "2023_suqian_shuyang_fgj.html",
                                  "2025_suqian_shuyang_xzf.txt"])
def test_clean_documents_read_without_doubt(name):
    """Documents read whole whose own arithmetic holds: status ok, no warning, full confidence."""
    report = extract(name)
    assert (report.status, report.warnings, report.confidence) == ("ok", [], 1.0)
