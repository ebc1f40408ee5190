"""Scaled benchmark corpus: N documents made from the real reports of data/samples/, each with its expected answer.

Why this way: a benchmark that measures speed must also check every document it reads, so every generated
document needs a trustworthy answer. The answers come from the hand-checked gold files (tests/fixtures/gold),
transformed exactly as the document bytes are:

* copy c of the corpus (one document per sample) uses one scale factor k = 1 + (c + 1) % 9 and one synthetic place name per real place;
* agency: the place part of the gold agency (平潭 of 平潭综合实验区…, 上海 of 上海市…) is replaced everywhere in the
  document by a synthetic name (甲子东, 乙丑南, …), so agencies multiply while the layouts stay real;
* numbers: every number printed as a cell of its own (a whitespace/tab/pipe-delimited token in text and markdown;
  a whole text node inside <table> in HTML) is multiplied by k, and every gold value likewise. All the report's
  arithmetic (R1–R4, and X1/X2 across years: the same k serves a place's every year) is linear, so it still holds
  where the original's did, and an arithmetic error the original prints is kept, scaled;
* a rewrite is used only when it is safe: xxgk must read at least 80% of the original's gold cells right (so the
  tokens rewritten are known to be the cells), and its extraction of the rewritten sample must read right
  (= k × gold) every cell it reads right in the original, with the same year, template and status. Otherwise
  (fused cells such as 77132470, where a cell is not its own token) that sample's copies keep their numbers
  (k = 1) and only the names change; the same check, at k = 1, decides whether renaming is safe;
* PDFs: the real bytes, with an incremental update that gives the copy its own /Info (title, producer), so each
  copy has its own sha256 while text layer, tables and gold stay those of the original (k = 1, names unchanged).

Output (default bench/work/corpus): docs/NNNNN_<sample> and gold/NNNNN_<sample>.json (report JSON: agency, year,
template, tables), plus manifest.json recording the sample, k and whether numbers were scaled.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows.pipeline import extract_bytes  # noqa: E402

SAMPLES = ROOT / "data" / "samples"
GOLD = ROOT / "tests" / "fixtures" / "gold"
DEFAULT_OUT = ROOT / "bench" / "work" / "corpus"
FACTORS = range(1, 10)
MIN_READ = 0.8  # numbers of a sample are scaled only where xxgk reads at least this share of its gold cells
_PLACE = re.compile(r"^#?(.{2,}?)(?:综合实验区|自治州|自治县|省|市|区|县)")
_STEM1, _STEM2, _STEM3 = "甲乙丙丁戊己庚辛壬癸青赤黄白玄", "子丑寅卯辰巳午未申酉戌亥", "东西南北中上下"
_TOKEN_TEXT = re.compile(r"(?<![^\s|｜])([-+]?)([0-9]+(?:\.[0-9]+)?)(?![^\s|｜])(?!\s*[年月日])")  # not dates
_TOKEN_HTML = re.compile(r">(\s*(?:&nbsp;)?\s*)([-+]?)([0-9]+(?:\.[0-9]+)?)(\s*(?:&nbsp;)?\s*)<")
_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)


def place_names(count: int) -> list[str]:
    """Synthetic 3-character place names, distinct for up to len(stems) combinations, then numbered."""
    base = [a + b + c for c in _STEM3 for a in _STEM1 for b in _STEM2]
    return [base[i % len(base)] + ("" if i < len(base) else "新" * (i // len(base))) for i in range(count)]


def scale(sign: str, number: str, k: int) -> str:
    """Multiply a printed number by k, keeping its sign and its count of decimals."""
    d = Decimal(number) * k
    decimals = len(number.split(".")[1]) if "." in number else 0
    return sign + (f"{d:.{decimals}f}" if decimals else str(int(d)))


def rewrite_numbers(text: str, fmt: str, k: int) -> str:
    if k == 1:
        return text
    if fmt == "html":
        def table(m: re.Match) -> str:
            return _TOKEN_HTML.sub(lambda t: f">{t[1]}{scale(t[2], t[3], k)}{t[4]}<", m[0])
        return _TABLE.sub(table, text)
    return _TOKEN_TEXT.sub(lambda t: scale(t[1], t[2], k), text)


def scaled_gold(gold: dict, k: int, renames: dict[str, str]) -> dict:
    def v(x):
        if x is None or k == 1:
            return x
        return float(Decimal(str(x)) * k) if isinstance(x, float) and not x.is_integer() else int(x) * k
    agency = gold.get("agency")
    for old, new in renames.items():
        agency = agency.replace(old, new) if agency else agency
    tables = {t: {r: {c: v(x) for c, x in cols.items()} for r, cols in rows.items()}
              for t, rows in gold.get("tables", {}).items()}
    return {"agency": agency, "year": gold.get("year"), "template": gold.get("template"), "tables": tables}


def pdf_with_info(data: bytes, title: str) -> bytes:
    """Append an incremental update that gives the PDF a new /Info dictionary; content is untouched."""
    tail = data[-4096:]
    prev = int(re.findall(rb"startxref\s+(\d+)", tail)[-1])
    root = re.findall(rb"/Root\s+(\d+\s+\d+\s+R)", data)[-1].decode()
    size = int(re.findall(rb"/Size\s+(\d+)", data)[-1])
    body = data if data.endswith(b"\n") else data + b"\n"
    info_at = len(body)
    hex_title = "".join(f"{b:02X}" for b in ("\ufeff" + title).encode("utf-16-be"))
    info = f"{size} 0 obj\n<</Title <{hex_title}>/Producer (xxgk bench)>>\nendobj\n".encode()
    xref_at = info_at + len(info)
    xref = (f"xref\n0 1\n0000000000 65535 f \n{size} 1\n{info_at:010d} 00000 n \n"
            f"trailer\n<</Size {size + 1}/Root {root}/Info {size} 0 R/Prev {prev}>>\n"
            f"startxref\n{xref_at}\n%%EOF\n").encode()
    return body + info + xref


def cells(report: dict) -> dict[tuple[str, str, str], object]:
    return {(t, r, c): x for t, rows in report.get("tables", {}).items() for r, cols in rows.items()
            for c, x in cols.items()}


def right_cells(got: dict, want: dict) -> set:
    return {key for key, x in cells(want).items() if key in cells(got) and cells(got)[key] == x}


class Sample:
    """One real document with its gold, and which scale factors rewrite it safely."""

    def __init__(self, path: Path):
        self.path, self.name = path, path.name
        self.fmt = path.suffix.lstrip(".").lower()
        self.data = path.read_bytes()
        self.gold = json.loads((GOLD / f"{path.name}.json").read_text(encoding="utf-8"))
        m = _PLACE.match(self.gold.get("agency") or "")
        self.place = m[1] if m else None
        self._safe: dict[tuple[int, bool], bool] = {}
        self._original: dict | None = None

    def make(self, k: int, place: str | None, copy: int) -> tuple[bytes, dict]:
        if self.fmt == "pdf":
            return pdf_with_info(self.data, f"xxgk bench copy {copy}"), scaled_gold(self.gold, 1, {})
        renames = {self.place: place} if self.place and place else {}
        text = self.data.decode("utf-8")
        for old, new in renames.items():
            text = text.replace(old, new)
        return rewrite_numbers(text, self.fmt, k).encode("utf-8"), scaled_gold(self.gold, k, renames)

    def original(self) -> dict:
        if self._original is None:
            self._original = extract_bytes(self.data, self.name, "").to_json()
        return self._original

    def safe(self, k: int, renamed: bool) -> bool:
        """The rewrite keeps every cell xxgk reads right in the original (checked once per k)."""
        if self.fmt == "pdf":  # bytes of the content are not rewritten
            return k == 1
        if (k, renamed) not in self._safe:
            orig = self.original()
            base = right_cells(orig, self.gold)
            data, want = self.make(k, "甲子东" if renamed else None, 0)
            got = extract_bytes(data, self.name, "").to_json()
            same_meta = all(got[f] == orig[f] for f in ("year", "template", "status"))
            well_read = k == 1 or len(base) >= MIN_READ * len(cells(self.gold))
            self._safe[(k, renamed)] = same_meta and well_read and base <= right_cells(got, want)
        return self._safe[(k, renamed)]


def generate(n: int, out: Path) -> dict:
    samples = [Sample(p) for p in sorted(SAMPLES.iterdir()) if (GOLD / f"{p.name}.json").exists()]
    places = sorted({s.place for s in samples if s.place})
    names = place_names((n // len(samples) + 1) * len(places))
    if out.exists():
        shutil.rmtree(out)
    (out / "docs").mkdir(parents=True)
    (out / "gold").mkdir()
    manifest = []
    for i in range(n):
        copy, s = divmod(i, len(samples))
        sample = samples[s]
        k = FACTORS[(copy + 1) % len(FACTORS)]  # the first copy already scaled (k = 2)
        place = names[copy * len(places) + places.index(sample.place)] if sample.place else None
        renamed = sample.fmt != "pdf" and sample.safe(1, True)
        scaled = k != 1 and sample.safe(k, renamed)
        data, want = sample.make(k if scaled else 1, place if renamed else None, copy)
        name = f"{i:05d}_{sample.name}"
        (out / "docs" / name).write_bytes(data)
        (out / "gold" / f"{name}.json").write_text(json.dumps(want, ensure_ascii=False), encoding="utf-8")
        manifest.append({"doc": name, "sample": sample.name, "format": sample.fmt, "k": k if scaled else 1,
                         "renamed": renamed, "cells": len(cells(want))})
    summary = {"documents": n, "by_format": _count(m["format"] for m in manifest),
               "scaled": sum(m["k"] != 1 for m in manifest),
               "unscaled_samples": sorted(s.name for s in samples if s.fmt != "pdf" and not s.safe(2, s.safe(1, True))),
               "docs": manifest}
    (out / "manifest.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary


def _count(items) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="documents to generate (default 2000)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    s = generate(args.n, args.out)
    print(f"{s['documents']} documents in {args.out}: {s['by_format']}; numbers scaled in {s['scaled']}; "
          f"kept (not safely scalable): {', '.join(s['unscaled_samples']) or 'none'}")


if __name__ == "__main__":
    main()
