"""Which copies the harness makes of a sample: chains of steps, named by joining them with `+`.

A sample in format F gets every chain a user's tools could produce from it: text samples are squeezed,
joined into one line and saved as DOCX; HTML samples are printed to PDF (Chromium with and without its
header line, LibreOffice) and saved as DOCX; every PDF (a PDF sample or a print of an HTML sample) is turned
into text four ways, each text also squeezed and joined, and into Markdown two ways; scans are made of the
PDF samples and of the Chromium print of each HTML sample, and of a print of it with its table rules taken
away (tables laid out by alignment alone).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from bench.variants.convert import STEPS
from bench.variants.scans import SCAN_KINDS, scan_step

ORIGINAL = "original"  # the sample itself: the baseline row, `make eval`'s figure for the same documents
TEXT_STEPS = ("squeezed", "one_line")
PDF_TEXT = ("pdftotext", "pdftotext_layout", "pdftotext_raw", "pdfminer")
PDF_MARKDOWN = ("markitdown", "pymupdf4llm")
HTML_PRINTS = ("chromium_pdf", "chromium_pdf_header", "libreoffice_pdf")
SCAN_OF_HTML = "chromium_pdf"  # one print per HTML sample is scanned: OCR is slow
BORDERLESS = "chromium_pdf_borderless"  # a print without table rules, scanned: columns only by alignment
BORDERLESS_SCANS = ("scan_200", "scan_150")


def step(name: str) -> Callable[[Path, Path], Path]:
    """The converter of one step."""
    return scan_step(name) if name in SCAN_KINDS else STEPS[name][0]


def chains(fmt: str, scans: bool = False) -> list[tuple[str, ...]]:
    """Every chain of steps made of a sample in format `fmt`, the empty chain (the sample itself) first,
    each chain after the chain it extends."""
    out: list[tuple[str, ...]] = [()]
    pdfs: list[tuple[str, ...]] = []
    if fmt in ("txt", "md"):
        out += [(s,) for s in TEXT_STEPS] + [("libreoffice_docx",)]
    elif fmt == "html":
        pdfs = [(p,) for p in HTML_PRINTS]
        out += pdfs + [("libreoffice_docx",)]
    elif fmt == "pdf":
        pdfs = [()]
    for pdf in pdfs:
        for text in PDF_TEXT:
            out += [pdf + (text,)] + [pdf + (text, s) for s in TEXT_STEPS]
        out += [pdf + (md,) for md in PDF_MARKDOWN]
    if scans:
        base = {"pdf": (), "html": (SCAN_OF_HTML,)}.get(fmt)
        if base is not None:
            out += [base + (k,) for k in SCAN_KINDS]
        if fmt == "html":
            out += [(BORDERLESS, k) for k in BORDERLESS_SCANS]
    return out


def name(chain: tuple[str, ...]) -> str:
    return "+".join(chain) or ORIGINAL


def parse(kind: str) -> tuple[str, ...]:
    return () if kind == ORIGINAL else tuple(kind.split("+"))


def output_format(chain: tuple[str, ...], fmt: str) -> str:
    """The format a chain makes from a sample in `fmt`."""
    for s in chain:
        made = "pdf" if s in SCAN_KINDS else STEPS[s][2]
        fmt = made or fmt
    return fmt


def is_scan(chain: tuple[str, ...]) -> bool:
    return any(s in SCAN_KINDS for s in chain)
