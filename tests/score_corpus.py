#!/usr/bin/env python3
"""Score the parser on the bundled corpus: data/samples against tests/fixtures/gold, cell by cell.

A project copy of the acceptance scorer (same rules: a cell is right only when present and equal;
a document with a wrong or missing cell must carry a failed check or a warning, else it is a
silent error). Runs in-process, so `make eval` takes seconds. Exit 1 below --min-accuracy or
on any silent error.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.readers import ReadError, read_document  # noqa: E402
from transform import to_report  # noqa: E402
from bench.variants.scoring import unwarned  # noqa: E402  (the harness's own-cell rule, one definition)

SAMPLES = ROOT / "data" / "samples"
GOLD = ROOT / "tests" / "fixtures" / "gold"
TABLES = ("active", "requests", "review_litigation")


def extract(path: Path) -> dict:
    """The report JSON of one document, as `xxgk extract FILE --json` prints it."""
    data = path.read_bytes()
    try:
        report = to_report(read_document(data, path.name), str(path), hashlib.sha256(data).hexdigest())
    except ReadError as e:
        return {"tables": {}, "warnings": [str(e)], "error": str(e)}
    return report.to_json()


def cells(report: dict) -> dict[tuple[str, str, str], object]:
    tables = report.get("tables") or {}
    return {(t, r, c): v for t in TABLES for r, cols in tables.get(t, {}).items() for c, v in cols.items()}


def same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))  # type: ignore[arg-type]


def compare(output: dict, gold: dict) -> dict:
    """Wrong/missing cells, wrong metadata, and whether the output flags itself."""
    want, got = cells(gold), cells(output)
    wrong = [(k, v, got.get(k, "<absent>")) for k, v in want.items() if k not in got or not same(got[k], v)]
    meta = [f for f in ("year", "template") if output.get(f) != gold.get(f)]
    if "".join((output.get("agency") or "").split()) != "".join((gold.get("agency") or "").split()):
        meta.append("agency")
    flagged = any(not c.get("ok", True) for c in output.get("checks") or []) or bool(output.get("warnings"))
    return {"cells": len(want), "right": len(want) - len(wrong), "wrong": wrong, "meta": meta, "flagged": flagged}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("names", nargs="*", help="document file names (default: every one with a gold file)")
    p.add_argument("-v", "--verbose", action="store_true", help="list wrong cells")
    p.add_argument("--min-accuracy", type=float, default=0.995)
    args = p.parse_args()
    golds = sorted(GOLD.glob("*.json"))
    if args.names:
        golds = [g for g in golds if g.name[: -len(".json")] in args.names]
    total = right = exact = silent = meta_right = cells_silent = 0
    for gold_path in golds:
        name = gold_path.name[: -len(".json")]
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        out = extract(SAMPLES / name)
        r = compare(out, gold)
        total, right = total + r["cells"], right + r["right"]
        meta_right += 3 - len(r["meta"])
        bad = bool(r["wrong"] or r["meta"])
        exact += not bad
        silent += bad and not r["flagged"]
        cells_silent += len(unwarned(out, [k for k, _, _ in r["wrong"]]))
        acc = r["right"] / r["cells"] if r["cells"] else 1.0
        line = f"{name}: {r['right']}/{r['cells']} cells ({acc:.1%}); status {out.get('status')}; confidence {out.get('confidence')}"
        if r["meta"]:
            line += f"; meta wrong: {','.join(r['meta'])} ({out.get('agency')}, {out.get('year')}, {out.get('template')})"
        if bad:
            line += "; flagged" if r["flagged"] else "; SILENT"
        print(line)
        if args.verbose:
            for (t, row, col), want, got in r["wrong"][:40]:
                print(f"    {t}/{row}/{col}: want {want!r} got {got!r}")
    acc = right / total if total else 1.0
    print(f"documents {len(golds)}; exact {exact}; silent errors {silent}; metadata {meta_right}/{3 * len(golds)}")
    print(f"cell accuracy {acc:.4f} ({right}/{total}); cells wrong without a warning on their own cell or row "
          f"{cells_silent}")
    return 0 if acc >= args.min_accuracy and silent == 0 and cells_silent == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
