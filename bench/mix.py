"""The benchmark's default corpus: a real-world mix of formats, as agencies publish them.

MIX is the share of each format among the documents a nightly run meets: HTML report pages, PDF attachments
with a text layer, DOCX and DOC attachments, and text/Markdown copies. Scans are not in the corpus: OCR costs
seconds per page, so it is measured on its own (bench/run.py, `ocr_s_per_page`) and projected.

How each document is made (every one has its own bytes and its own expected answer):
* HTML and text/Markdown: a sample rewritten as bench/generate.py rewrites it (copy c: scale factor k and
  synthetic place names, numbers and gold alike);
* PDF, DOCX, DOC: a member of the format's pool (bench/pool.py: distinct rewrites of the samples printed by
  Chromium or saved by LibreOffice, plus the real PDF sample), reused with unique bytes: a PDF gets an
  incremental update with its own /Info, a DOCX its own ZIP comment, a DOC a trailing comment block after its
  last sector. The text and tables of reused members are the same, so per-document costs are those of the
  pool's documents, while the content-addressed raw store and the warehouse see a new document each time.
Any prefix of the corpus has the mix (each next document takes the format furthest behind its share), so the
growth steps (the first 1,000, 5,000, 20,000) are all the same mix.
"""
from __future__ import annotations

import json
import shutil
import zipfile
from io import BytesIO
from pathlib import Path

from bench.generate import FACTORS, SAMPLES, GOLD, Sample, cells, pdf_with_info, place_names
from bench.pool import POOL, members

MIX = {"html": 0.45, "pdf": 0.40, "docx": 0.05, "doc": 0.05, "text": 0.05}
SUFFIX = {"html": "html", "pdf": "pdf", "docx": "docx", "doc": "doc"}


def formats(n: int) -> list[str]:
    """The format of each of n documents: every prefix as close to MIX as whole documents allow."""
    made = dict.fromkeys(MIX, 0)
    out = []
    for i in range(n):
        fmt = max(MIX, key=lambda f: (MIX[f] * (i + 1) - made[f], MIX[f]))
        made[fmt] += 1
        out.append(fmt)
    return out


def unique(data: bytes, fmt: str, tag: str) -> bytes:
    """The same document with bytes of its own (see the module docstring)."""
    if fmt == "pdf":
        return pdf_with_info(data, tag)
    if fmt == "docx":
        buf = BytesIO(data)
        with zipfile.ZipFile(buf, "a") as z:
            z.comment = tag.encode()
        return buf.getvalue()
    if fmt == "doc":  # after the compound file's last sector: readers go by the sector table, not the length
        return data + tag.encode().ljust(512, b"\0")
    raise ValueError(fmt)


class Maker:
    """Makes document i of the mix; holds the samples and pools."""

    def __init__(self, pool: Path = POOL):
        self.samples = [Sample(p) for p in sorted(SAMPLES.iterdir()) if (GOLD / f"{p.name}.json").exists()]
        self.by_fmt = {"html": [s for s in self.samples if s.fmt == "html"],
                       "text": [s for s in self.samples if s.fmt in ("txt", "md")]}
        self.pools = {f: members(f, self.samples, pool) for f in ("pdf", "docx", "doc")}
        self.places = sorted({s.place for s in self.samples if s.place})
        self._names: list[str] = []

    def _place(self, copy: int, sample: Sample) -> str | None:
        need = (copy + 1) * len(self.places)
        if len(self._names) < need:
            self._names = place_names(max(need, 2 * len(self._names)))
        return self._names[copy * len(self.places) + self.places.index(sample.place)] if sample.place else None

    def make(self, i: int, fmt: str, nth: int, edition: int = 0) -> tuple[str, bytes, dict, dict]:
        """Document i, the nth of its format: (file name, bytes, gold, manifest entry). `edition` > 0 is the
        same document re-published with other bytes (the nightly rerun's changed documents)."""
        if fmt in self.pools:
            pool = self.pools[fmt]
            m = pool[nth % len(pool)]
            data = unique(m.path.read_bytes(), fmt, f"xxgk bench {i} edition {edition}")
            name = f"{i:05d}_{m.path.stem}.{SUFFIX[fmt]}"
            return name, data, m.gold, {"doc": name, "format": fmt, "origin": m.origin, "k": None}
        group = self.by_fmt[fmt]
        copy, s = divmod(nth, len(group))
        sample = group[s]
        k = FACTORS[(copy + 1 + edition) % len(FACTORS)]
        renamed = sample.safe(1, True)
        scaled = k != 1 and sample.safe(k, renamed)
        data, gold = sample.make(k if scaled else 1, self._place(copy, sample) if renamed else None, copy)
        if edition:  # a sample that cannot be scaled would come out byte for byte the same: mark the edition
            data += (f"\n<!-- edition {edition} -->\n" if fmt == "html" else "\n" * edition).encode()
        name = f"{i:05d}_{sample.name}"
        return name, data, gold, {"doc": name, "format": sample.fmt, "origin": sample.name, "k": k if scaled else 1}


def generate_mix(n: int, out: Path, pool: Path = POOL) -> dict:
    """n documents of the mix in out/docs, their answers in out/gold, and out/manifest.json."""
    maker = Maker(pool)
    if out.exists():
        shutil.rmtree(out)
    (out / "docs").mkdir(parents=True)
    (out / "gold").mkdir()
    seen = dict.fromkeys(MIX, 0)
    manifest = []
    for i, fmt in enumerate(formats(n)):
        name, data, gold, entry = maker.make(i, fmt, seen[fmt])
        seen[fmt] += 1
        (out / "docs" / name).write_bytes(data)
        (out / "gold" / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        manifest.append({**entry, "cells": len(cells(gold))})
    summary = {"documents": n, "mix": "real", "by_format": seen,
               "pool": {f: [m.origin for m in p] for f, p in maker.pools.items()}, "docs": manifest}
    (out / "manifest.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary
