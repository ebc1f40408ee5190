"""Scans' cost in seconds per page, through today's reader (extract/readers/ocr.py, rapidocr), measured on
its own because a scan costs seconds per page where a text document costs a fraction of a second.

The scans are made with the variant harness's scanner (bench/variants/scans.make_scan, 200 dpi) of the PDF
pool's members in turn; each is read once in this process, one core, as one reader child reads it.
"""
from __future__ import annotations

import time
from pathlib import Path


def ocr_s_per_page(pdfs: list[Path], scans: int, work: Path) -> dict:
    """Read `scans` scans (of pdfs[0], pdfs[1], … in turn): seconds per page over all their pages."""
    import pypdfium2 as pdfium

    from bench.variants.scans import make_scan
    from flows.pipeline import extract_bytes

    seconds, pages, cells, docs = 0.0, 0, 0, []
    for i in range(scans):
        src = pdfs[i % len(pdfs)]
        scan = work / "scans" / f"{i:03d}_{src.stem}.pdf"
        if not scan.exists():
            make_scan(src, scan)
        data = scan.read_bytes()
        doc = pdfium.PdfDocument(data)
        n = len(doc)
        doc.close()
        t0 = time.perf_counter()
        report = extract_bytes(data, scan.name, "")
        took = time.perf_counter() - t0
        seconds, pages, cells = seconds + took, pages + n, cells + len(report.cells)
        docs.append({"scan": scan.name, "pages": n, "seconds": took, "status": report.status, "cells": len(report.cells)})
    return {"s_per_page": seconds / pages if pages else None, "pages": pages, "scans": scans,
            "pages_per_scan": pages / scans if scans else None, "reader": "extract/readers/ocr.py (rapidocr) as of this commit",
            "docs": docs}
