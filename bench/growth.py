"""Growth and the nightly rerun: cold runs into one warehouse as it grows (the first n1, then n2, … documents of
the mix), then a rerun with 1% of the documents changed.

Why this way: a nightly run never starts from an empty warehouse, it adds a year's documents to all past years.
So each step's input folder holds every document of the steps before it (unchanged, answered from the
warehouse) plus the step's new documents, and the step's load and publish are timed against a warehouse
already holding the earlier steps: if either grows with what is already held, the steps' figures show it.
The input folder is one folder of hard links to the corpus (cheap; the warehouse names a document by its
path in that folder, so it stays the same document from step to step); a changed document of the nightly run
is a link replaced by a file with other bytes (the same report re-published), the corpus is left as it is.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

_READING = re.compile(r"reading and parsing took ([\d.]+) s \(per document: ([^)]*)\)")
_PER_FORMAT = re.compile(r"(\w+) ([\d.]+) s")
_PUBLISH = re.compile(r"loading took ([\d.]+) s; publishing ([\d.]+) s \(copying the warehouse ([\d.]+) s, "
                      r"deriving agencies and primaries ([\d.]+) s, swapping ([\d.]+) s\)")
_WORK = re.compile(r"extracted (\d+) \(new (\d+), changed (\d+), reparsed (\d+), forced (\d+)\), unchanged (\d+)")


def parse_log(text: str) -> dict:
    """The figures `xxgk run` prints in its summary (line wraps undone)."""
    text = " ".join(text.split())
    out: dict = {}
    if m := _READING.search(text):
        out["reading_s"] = float(m[1])
        out["s_per_doc_by_format"] = {f: float(s) for f, s in _PER_FORMAT.findall(m[2])}
    if m := _PUBLISH.search(text):
        out.update(zip(("load_s", "publish_s", "copy_s", "derive_s", "swap_s"), map(float, m.groups())))
    if m := _WORK.search(text):
        out.update(zip(("extracted", "new", "changed", "reparsed", "forced", "unchanged"), map(int, m.groups())))
    return out


def link(docs: list[Path], folder: Path) -> None:
    """Hard links in `folder` to these documents (those already linked are kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    for d in docs:
        target = folder / d.name
        if not target.exists():
            os.link(d, target)


def mib(path: Path) -> float:
    return path.stat().st_size / 2**20 if path.exists() else 0.0


def growth(docs: list[Path], sizes: list[int], folder: Path, db: Path, run: Callable[[Path, Path], dict]) -> list[dict]:
    """One cold step per size into the same warehouse `db`; `run(input_folder, log)` is one `xxgk run`. The
    steps so far are also written to growth.json beside `db` after each one: a long benchmark cut short
    still leaves its completed steps."""
    steps, before = [], 0
    for n in sorted(sizes):
        link(docs[before:n], folder)
        r = run(folder, db.parent / f"growth_{n}.log")
        r.update(parse_log((db.parent / f"growth_{n}.log").read_text(errors="replace")))
        new = n - before
        steps.append({
            "n": n, "new_documents": new, "held_before": before, "wall_s": r["wall_s"], "cpu_s": r["cpu_s"],
            "docs_per_s": new / r["wall_s"], "s_per_doc_by_format": r.get("s_per_doc_by_format", {}),
            "reading_s": r.get("reading_s"), "load_s": r.get("load_s"),
            "load_s_per_1000": 1000 * r["load_s"] / new if r.get("load_s") is not None else None,
            "publish_s": r.get("publish_s"), "copy_s": r.get("copy_s"), "derive_s": r.get("derive_s"),
            "swap_s": r.get("swap_s"), "warehouse_mib": mib(db), "peak_rss_mb": r["peak_rss_mb"],
            "extracted": r.get("extracted"),
        })
        before = n
        (db.parent / "growth.json").write_text(json.dumps(steps, indent=1) + "\n", encoding="utf-8")
    return steps


def nightly(folder: Path, changed: list[tuple[str, bytes]], added: list[Path], log: Path,
            run: Callable[[Path, Path], dict]) -> dict:
    """The warehouse's input with `changed` documents re-published (name, new bytes) and `added` new ones."""
    for name, data in changed:
        (folder / name).unlink()
        (folder / name).write_bytes(data)
    link(added, folder)
    r = run(folder, log)
    r.update(parse_log(log.read_text(errors="replace")))
    return r
