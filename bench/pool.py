"""A small pool of distinct base documents per binary format (PDF, DOCX, DOC), made once and cached.

Why a pool: printing a PDF (Chromium) or saving a DOC/DOCX (LibreOffice) takes seconds, so the 20,000
documents of the benchmark cannot each be converted. Each pool member is made from a distinct rewrite of a
sample (bench/generate.py: its own scale factor k and place name, numbers and gold rewritten alike) with the
variant harness's converters (bench/variants/convert.py), so the pool's members differ in content; the corpus
then reuses each member many times with its own bytes (bench/mix.py), which the raw store, being
content-addressed, sees as a new document every time.

Cache: bench/work/pool/<format>/<member>.<ext> with <member>.json (its gold); a member already there is kept.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.generate import FACTORS, Sample, place_names
from bench.variants import convert

POOL = Path(__file__).resolve().parent / "work" / "pool"
VARIANTS = {"pdf": 4, "docx": 2, "doc": 2}  # rewrites of each HTML sample per format, each its own place name
TEXT_FOR_OFFICE = 3  # text samples also saved as DOCX and DOC (k = 1, renamed): reports typed in Word


@dataclass(frozen=True)
class Member:
    """One base document of the pool and its expected answer."""

    path: Path
    gold: dict
    origin: str  # "<sample> k=<k> via <converter>"


def libreoffice_doc(src: Path, dst_dir: Path) -> Path:
    """LibreOffice's Word 97 DOC of an HTML page or a text copy (`soffice --convert-to doc`)."""
    infilter = "HTML (StarWriter)" if src.suffix.lower() in (".html", ".htm") else "Text (encoded):UTF8,LF,,,"
    return convert._libreoffice(src, dst_dir, "libreoffice_doc", "doc:MS Word 97", infilter)


CONVERTERS = {"pdf": convert.chromium_pdf, "docx": convert.libreoffice_docx, "doc": libreoffice_doc}


def _sources(samples: list[Sample], fmt: str) -> list[tuple[Sample, int]]:
    """(sample, k) rewrites a format's pool is made from: each HTML sample the same number of times (so that
    each layout weighs alike), at k = 2, 3, … where scaling it is safe (else k = 1, the place name alone
    differing), and for DOC/DOCX the first text samples too (k = 1)."""
    out: list[tuple[Sample, int]] = []
    for s in (s for s in samples if s.fmt == "html"):
        safe = [k for k in FACTORS[1:] if s.safe(k, s.safe(1, True))]
        out += [(s, safe[v % len(safe)] if safe else 1) for v in range(VARIANTS[fmt])]
    if fmt in ("docx", "doc"):
        out += [(s, 1) for s in [s for s in samples if s.fmt in ("txt", "md")][:TEXT_FOR_OFFICE]]
    return out


def members(fmt: str, samples: list[Sample], pool: Path = POOL) -> list[Member]:
    """The pool of `fmt`, made where missing; a PDF pool also holds the real PDF samples (their own bytes)."""
    out = [Member(s.path, s.make(1, None, 0)[1], f"{s.name} (the sample)") for s in samples if s.fmt == fmt]
    names = place_names(len(samples) * 10)
    for i, (s, k) in enumerate(_sources(samples, fmt)):
        stem = f"{Path(s.name).stem}_{i:02d}_k{k}"
        path, gold_path = pool / fmt / f"{stem}.{fmt}", pool / fmt / f"{stem}.json"
        if not path.exists():
            renamed = s.safe(1, True)
            data, gold = s.make(k, names[-1 - i] if renamed else None, 0)
            with tempfile.TemporaryDirectory(prefix="xxgk-pool-") as tmp:
                src = Path(tmp) / f"report.{s.fmt}"
                src.write_bytes(data)
                made = CONVERTERS[fmt](src, Path(tmp) / "out")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(made.read_bytes())
            gold_path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        out.append(Member(path, json.loads(gold_path.read_text(encoding="utf-8")),
                          f"{s.name} k={k} via {CONVERTERS[fmt].__name__}"))
    return out
