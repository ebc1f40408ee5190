#!/usr/bin/env python3
"""OCR speed (`make bench` through bench/run.py, or alone): CPU seconds per scanned page at 150 and 200 dpi, beside the stored figure of the
reader before issue #14 (bench/ocr_baseline.json), so one run shows both.

Why CPU time and not wall time: the machine is shared, and a national year of scans is CPU-bound; CPU time
(this process, onnxruntime's threads included) is what a batch pays whatever else runs. The pages are the
variant harness's scans (bench/variants/scans.py) of the samples below, made once and cached.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BASELINE = ROOT / "bench" / "ocr_baseline.json"
SAMPLES = ("2023_huaian_hongze_qzf.pdf", "2023_suqian_shuyang_fgj.html")  # a PDF sample, a print of an HTML one
KINDS = ("scan_150", "scan_200")
TARGET = 3.0  # s of CPU a page (issue #14)


def measure(kinds: tuple[str, ...] = KINDS, samples: tuple[str, ...] = SAMPLES) -> dict[str, dict]:
    """kind → CPU seconds per page (`s_per_page`), pages and scans read, each sample's scan of that kind read
    as the pipeline reads it."""
    import pypdfium2 as pdfium

    from bench.variants import kinds as K
    from bench.variants.run import load_samples, make
    from extract.readers import read_document
    from transform import to_report

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    chosen = load_samples(list(samples))
    out = {}
    for kind in kinds:
        seconds, pages = 0.0, 0
        for s in chosen:
            base = () if s.fmt == "pdf" else (K.SCAN_OF_HTML,)
            path = make(s, base + (kind,))
            data = path.read_bytes()
            started = time.process_time()
            to_report(read_document(data, path.name))
            seconds += time.process_time() - started
            pages += len(pdfium.PdfDocument(data))
        out[kind] = {"s_per_page": round(seconds / pages, 2), "pages": pages, "scans": len(chosen)}
    return out


def baseline() -> dict[str, float]:
    """kind → the stored s/page of the reader before issue #14."""
    return json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--write-baseline", action="store_true", help="store this run's figures as the baseline")
    args = p.parse_args(argv)
    from extract.readers import ocr

    if not ocr.available():
        print("OCR s/page: skipped (the ocr extra is not installed)")
        return 0
    now = measure()
    if args.write_baseline:
        BASELINE.write_text(json.dumps({k: v["s_per_page"] for k, v in now.items()}, indent=1) + "\n", encoding="utf-8")
    before = baseline()
    for kind, v in now.items():
        was = before.get(kind)
        print(f"OCR s/page {kind}: {v['s_per_page']:.2f} (before #14: {was if was is not None else '—'}; "
              f"target ≤ {TARGET})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
