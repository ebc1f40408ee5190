#!/usr/bin/env python3
"""The variant harness (`make eval-variants`): every sample of data/samples that has a gold in
tests/fixtures/gold, copied by the tools users use (bench/variants/kinds.py), each copy read in-process as
tests/score_corpus.py reads a document, scored against the sample's unchanged gold by the acceptance scorer's
`compare`, and summed up in one table: accuracy per kind of copy (rows) × format of the original (columns),
silent documents, wrong cells without a warning of their own (bench/variants/scoring.py states the rule),
cells the converter itself lost, wrong metadata.

Copies are cached under bench/work/variants/<sample sha256>/<kind>/ (delete it after upgrading a tool), so a
rerun only reads and scores. Copies are stored under neutral names (`pdftotext.txt`), never the sample's.
A full run writes the Markdown table to bench/variants/RESULTS.md; a subset run only with --results.
"""
from __future__ import annotations

import argparse
import fnmatch
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.variants import kinds as K  # noqa: E402
from bench.variants import scoring  # noqa: E402

logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings of every PDF read would bury the table

SAMPLES = ROOT / "data" / "samples"
GOLD = ROOT / "tests" / "fixtures" / "gold"
WORK = ROOT / "bench" / "work" / "variants"
RESULTS = ROOT / "bench" / "variants" / "RESULTS.md"
FORMATS = ("html", "pdf", "txt", "md")  # column order; formats no sample has are left out


@dataclass(frozen=True)
class Sample:
    name: str
    path: Path
    fmt: str
    sha256: str


def load_samples(patterns: list[str] | None = None) -> list[Sample]:
    """The samples with a gold file, optionally those whose name matches one of `patterns` (globs)."""
    from extract.readers import sniff_format

    out = []
    for gold in sorted(GOLD.glob("*.json")):
        name = gold.name[: -len(".json")]
        path = SAMPLES / name
        if not path.exists() or (patterns and not any(fnmatch.fnmatch(name, p) for p in patterns)):
            continue
        data = path.read_bytes()
        out.append(Sample(name, path, sniff_format(data, name), hashlib.sha256(data).hexdigest()))
    return out


def make(sample: Sample, chain: tuple[str, ...], work: Path = WORK) -> Path:
    """The copy `chain` makes of `sample`, from the cache when made before. Each copy is made in a temporary
    directory and renamed into place, so an interrupted or concurrent run never leaves half a copy."""
    where = work / sample.sha256 / K.name(chain)
    made = [p for p in where.iterdir() if p.is_file()] if where.is_dir() else []
    if len(made) == 1:
        return made[0]
    shutil.rmtree(where, ignore_errors=True)
    tmp = where.with_name(f"{where.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        if chain:
            out = K.step(chain[-1])(make(sample, chain[:-1], work), tmp)
        else:  # the original, under a neutral name: the parser sees content, never the sample's name
            tmp.mkdir(parents=True)
            out = tmp / f"original{sample.path.suffix}"
            shutil.copyfile(sample.path, out)
        if [p.name for p in tmp.iterdir()] != [out.name]:
            raise RuntimeError(f"{K.name(chain)} made {sorted(p.name for p in tmp.iterdir())}, not one file")
        try:
            tmp.rename(where)
        except OSError:  # made meanwhile by another run: that copy is as good
            pass
        return where / out.name
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@cache
def _extractor():
    return scoring._load(ROOT / "tests" / "score_corpus.py", "xxgk_score_corpus_extract").extract


def evaluate(sample: Sample, chain: tuple[str, ...], work: Path = WORK) -> dict:
    """One copy made (or taken from the cache), read, and judged: the record the table sums up."""
    compare, _ = scoring.comparer()
    gold = json.loads((GOLD / f"{sample.name}.json").read_text(encoding="utf-8"))
    rec: dict = {"sample": sample.name, "format": sample.fmt, "kind": K.name(chain), "cells": 0, "right": 0}
    started = time.monotonic()
    try:
        path = make(sample, chain, work)
    except Exception as e:  # a tool failed: the copy does not exist, which says nothing of the parser
        rec.update(conversion_error=f"{type(e).__name__}: {e}", seconds_convert=time.monotonic() - started)
        return rec
    rec["seconds_convert"] = time.monotonic() - started
    rec["file"] = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    started = time.monotonic()
    try:
        output = _extractor()(path)
    except Exception as e:  # the parser crashed on this copy: a finding, recorded as a failed document
        output = {"tables": {}, "warnings": [f"crash: {type(e).__name__}: {e}"], "error": f"crash: {e}"}
        rec["crash"] = f"{type(e).__name__}: {e}"
    rec["seconds_extract"] = time.monotonic() - started
    r = compare(output, gold)
    wrong_keys = [k for k, _, _ in r["wrong"]]
    silent_cells = scoring.unwarned(output, wrong_keys)
    present = {k for k, _, got in r["wrong"] if got != "<absent>"}
    made_fmt = K.output_format(chain, sample.fmt)
    lost = [] if K.is_scan(chain) else scoring.converter_lost(
        scoring.plain_text(make(sample, (), work), sample.fmt), scoring.plain_text(path, made_fmt), r["wrong"])
    rec.update(
        cells=r["cells"], right=r["right"], meta_wrong=r["meta"], flagged=r["flagged"],
        meta_unwarned=scoring.unwarned_meta(output, r["meta"]),
        silent=bool(r["wrong"] or r["meta"]) and not r["flagged"],
        unwarned=["/".join(k) for k in silent_cells],
        unwarned_present=["/".join(k) for k in silent_cells if k in present],
        converter_lost=["/".join(k) for k in lost],
        wrong=[["/".join(k), want, got] for k, want, got in r["wrong"]],
        error=output.get("error"), status=output.get("status"),
        agency=output.get("agency"), year=output.get("year"), template=output.get("template"),
    )
    return rec


def _evaluate_task(args: tuple) -> dict:
    return evaluate(*args)


def run(samples: list[Sample], kinds: list[str] | None = None, scans: bool = False, jobs: int = 2,
        work: Path = WORK) -> list[dict]:
    """Every copy of every sample evaluated, in rounds by chain length so that a copy's parent is made (once)
    before the copies made from it; `jobs` processes at once."""
    wanted = set(kinds) if kinds else None
    tasks = []
    for s in samples:
        for chain in K.chains(s.fmt, scans=scans or any("scan_" in k for k in wanted or ())):
            if wanted is None or K.name(chain) in wanted:
                tasks.append((s, chain, work))
    records: list[dict] = []
    for depth in sorted({len(c) for _, c, _ in tasks}):
        batch = [t for t in tasks if len(t[1]) == depth]
        batch.sort(key=lambda t: not K.is_scan(t[1]))  # OCR first: the longest tasks start early
        if jobs <= 1:
            records += [evaluate(*t) for t in batch]
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                records += list(pool.map(_evaluate_task, batch))
    return sorted(records, key=lambda r: (KIND_ORDER.get(r["kind"], len(KIND_ORDER)), r["kind"], r["sample"]))


# rows in this order: the originals, text copies, copies of PDF samples, of HTML samples, scans last
KIND_ORDER = {k: i for i, k in enumerate(dict.fromkeys(
    K.name(c) for scans in (False, True) for f in ("txt", "pdf", "html") for c in K.chains(f, scans)
    if scans == K.is_scan(c)))}


# --- the table ---------------------------------------------------------------------------------------------

def _cell(right: int, total: int) -> str:
    return f"{right}/{total} ({right / total:.1%})" if total else "—"


def summarise(records: list[dict]) -> tuple[list[str], list[list[str]], dict]:
    """(header, rows, totals) of the table: one row per kind, then the total over every copy."""
    formats = [f for f in FORMATS if any(r["format"] == f for r in records)]
    kinds: list[str] = list(dict.fromkeys(r["kind"] for r in records))
    header = ["kind", *formats, "all", "docs", "silent docs", "cells wrong w/o own warning (of them present)",
              "converter lost", "meta wrong (unwarned)", "seconds"]
    rows, totals = [], {}

    def line(label: str, recs: list[dict]) -> tuple[list[str], dict]:
        ok = [r for r in recs if "conversion_error" not in r]
        s = {
            "docs": len(recs), "failed": len(recs) - len(ok),
            "right": sum(r["right"] for r in ok), "cells": sum(r["cells"] for r in ok),
            "silent_docs": sum(r["silent"] for r in ok),
            "unwarned": sum(len(r["unwarned"]) for r in ok),
            "unwarned_present": sum(len(r["unwarned_present"]) for r in ok),
            "converter_lost": sum(len(r["converter_lost"]) for r in ok),
            "meta_wrong": sum(bool(r["meta_wrong"]) for r in ok),
            "meta_unwarned": sum(bool(r["meta_unwarned"]) for r in ok),
            "seconds": sum(r.get("seconds_convert", 0) + r.get("seconds_extract", 0) for r in recs),
        }
        per = [_cell(sum(r["right"] for r in ok if r["format"] == f), sum(r["cells"] for r in ok if r["format"] == f))
               for f in formats]
        docs = f"{s['docs']}" + (f" ({s['failed']} not made)" if s["failed"] else "")
        return [label, *per, _cell(s["right"], s["cells"]), docs, str(s["silent_docs"]),
                f"{s['unwarned']} ({s['unwarned_present']})", str(s["converter_lost"]),
                f"{s['meta_wrong']} ({s['meta_unwarned']})", f"{s['seconds']:.0f}"], s

    for kind in kinds:
        row, s = line(kind, [r for r in records if r["kind"] == kind])
        rows.append(row)
        totals[kind] = s
    copies = [r for r in records if r["kind"] != K.ORIGINAL]
    if copies:
        row, totals["all copies"] = line("**all copies**", copies)
        rows.append(row)
    return header, rows, totals


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    fmt = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)])


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join([" --- "] + [" ---: "] * (len(header) - 1)) + "|"]
    return "\n".join(out + ["| " + " | ".join(r) + " |" for r in rows])


def _version(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return ((p.stdout or p.stderr).strip().splitlines() or ["?"])[0]
    except (OSError, subprocess.SubprocessError):
        return "not installed"


def tools() -> dict[str, str]:
    """The versions of the tools that made the copies (the figures depend on them)."""
    out = {"pdftotext": _version(["pdftotext", "-v"]), "chromium": _version(["chromium", "--version"]),
           "libreoffice": _version(["soffice", "--version"])}
    for pkg in ("pdfminer.six", "markitdown", "pymupdf4llm", "pypdfium2", "rapidocr-onnxruntime"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def results_markdown(header: list[str], rows: list[list[str]], scans: bool, n_samples: int) -> str:
    commit = _version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    versions = ", ".join(f"{k} {v}" for k, v in tools().items())
    return (f"<!-- written by bench/variants/run.py; do not edit by hand -->\n"
            f"Variant harness on {n_samples} samples at commit {commit}, {time.strftime('%Y-%m-%d')}; scorer "
            f"{Path(scoring.comparer()[1]).name}; scans {'included' if scans else 'not run'}.\n"
            f"Cells: right/total (share) per format of the original; silent docs: wrong but no warning or failed "
            f"check at all; cells wrong w/o own warning: wrong or absent and neither the cell nor its row named by "
            f"a warning or a failed check (present: a wrong value was given); converter lost: the value is in the "
            f"original and nowhere in the copy; seconds: converting (once, then cached) and reading.\n"
            f"Tools: {versions}.\n\n{markdown_table(header, rows)}\n")


README = ROOT / "README.md"
_COPY = re.compile(r"(<!-- variants -->\n).*?(<!-- /variants -->)", re.S)


def readme_copy(header: list[str], total: list[str], scans: bool) -> None:
    """The README's copy of the table: its total row, between the README's `<!-- variants -->` marks."""
    text = README.read_text(encoding="utf-8")
    cols = [c for c in header if c not in ("docs", "seconds")]
    row = [v for c, v in zip(header, total) if c in cols]
    block = (f"Copies users' tools make of the samples (`make eval-variants`, {'with' if scans else 'without'} "
             f"scans; per kind in bench/variants/RESULTS.md):\n\n{markdown_table(cols, [row])}\n")
    if _COPY.search(text):
        README.write_text(_COPY.sub(lambda m: m[1] + block + m[2], text), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kinds", nargs="+", help="only these kinds (names as in the table, e.g. squeezed "
                                               "chromium_pdf+pdftotext_layout)")
    p.add_argument("--samples", nargs="+", help="only samples whose file name matches one of these globs")
    p.add_argument("--scans", action="store_true", help="also the scanned copies (slow: OCR)")
    p.add_argument("--jobs", type=int, default=2, help="processes at once (default 2)")
    p.add_argument("--min-accuracy", type=float, help="exit 1 when a kind is below this share, or any cell is "
                                                      "wrong without its own warning, or any document is silent")
    p.add_argument("--json", type=Path, help="write every copy's record and the totals here")
    p.add_argument("--results", type=Path, help=f"write the Markdown table here (default for a full run: "
                                                f"{RESULTS.relative_to(ROOT)})")
    p.add_argument("--work", type=Path, default=WORK, help="cache of the copies (default bench/work/variants)")
    p.add_argument("-v", "--verbose", action="store_true", help="list each imperfect copy's wrong cells")
    args = p.parse_args(argv)
    samples = load_samples(args.samples)
    if not samples:
        p.error("no sample with a gold file matches")
    started = time.monotonic()
    records = run(samples, args.kinds, args.scans, args.jobs, args.work)
    if not records:
        p.error("no copy matches --kinds")
    header, rows, totals = summarise(records)
    compare_label = scoring.comparer()[1]
    print(text_table(header, rows))
    for r in records:
        if "conversion_error" in r:
            print(f"not made: {r['kind']} of {r['sample']}: {r['conversion_error']}")
        if "crash" in r:
            print(f"PARSER CRASHED: {r['kind']} of {r['sample']}: {r['crash']}")
        elif args.verbose and (r["right"] < r["cells"] or r["meta_wrong"]):
            print(f"{r['kind']} of {r['sample']}: {r['right']}/{r['cells']}; meta wrong {r['meta_wrong']} "
                  f"({r['agency']}, {r['year']}, {r['template']}); {'SILENT' if r['silent'] else 'flagged'}")
            for key, want, got in r["wrong"][:30]:
                tag = " UNWARNED" if key in r["unwarned"] else ""
                tag += " (converter lost)" if key in r["converter_lost"] else ""
                print(f"    {key}: want {want!r} got {got!r}{tag}")
    t = totals.get("all copies")
    if t:
        print(f"all copies: {t['docs']} copies of {len(samples)} samples; cells {_cell(t['right'], t['cells'])}; "
              f"silent documents {t['silent_docs']}; cells wrong without their own warning {t['unwarned']} "
              f"({t['unwarned_present']} with a wrong value); converter lost {t['converter_lost']}; "
              f"metadata wrong {t['meta_wrong']} ({t['meta_unwarned']} unwarned); {time.monotonic() - started:.0f} s")
    print(f"scorer: {compare_label}")
    results = args.results or (RESULTS if not (args.kinds or args.samples) else None)
    if results:
        results.write_text(results_markdown(header, rows, args.scans, len(samples)), encoding="utf-8")
        print(f"table written to {results}")
        if results == RESULTS:
            readme_copy(header, rows[-1], args.scans)
    if args.json:
        args.json.write_text(json.dumps({"records": records, "totals": totals, "scorer": compare_label},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    if args.min_accuracy is not None:
        low = [k for k, s in totals.items() if s["cells"] and s["right"] / s["cells"] < args.min_accuracy]
        silent = sum(s["unwarned"] + s["silent_docs"] for k, s in totals.items() if k != "all copies")
        if low or silent:
            print(f"FAIL: below {args.min_accuracy}: {', '.join(low) or 'none'}; unwarned cells or silent "
                  f"documents: {silent}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
