"""How one copy's extraction is judged: the scorer's comparison with the gold, which wrong cells lack a
warning of their own, and which the converter itself lost.

The own-cell rule (issue 19: an analyst who filters on a cell's warnings or on the checks of its row must
see that the cell is doubtful). A gold cell (table, row, col) that the output has wrong or absent is *warned*
when
  * a warning names that cell (`requests/granted/total: …`) or its row (`active/penalty: …`), the
    `table/row/col:` prefix the project's warnings start with; or
  * a failed check covers it: a check's `where` is `table/row/col` with `*` for any row; R1 (`requests/*/c`)
    covers column c of the four rows it adds up, R2 (`requests/results_total/c`) column c of results_total and
    of every outcome row (any requests row but new_received, carried_over_in, carried_over_out), R3 and R4 (`…/row/total`) every cell of that row, any other rule
    (R5, X3, …) the cell or row its `where` names.
A warning naming only the table (`review_litigation: section not found`) or nothing at all does not warn a
cell: it says something is missing somewhere, not which figure to distrust. Wrong metadata is warned when a
warning says the field's name (agency/year/template, 机关/年度/模板).

The converter lost a cell when its gold value, as printed in the original (digits, whitespace and thousands
separators ignored), is found in the original's text but nowhere in the copy's text (Markdown cell borders and bold
marks ignored too), or when the copy's digit runs hold the value fewer times than the original's (LibreOffice
printing a wide table cuts its last columns off the page): then as many wrong cells of that value as
occurrences are missing. Both tests are one-sided: a value the copy prints as often as the original is never
counted as lost, so the column is a lower bound on the converter's losses, never an excuse for the parser's.
"""
from __future__ import annotations

import importlib.util
import re
import subprocess
from functools import cache
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("active", "requests", "review_litigation")
_PREFIX = re.compile(r"^(active|requests|review_litigation)(?:/(\w+))?(?:/(\w+))?\s*:")
R1_ROWS = ("new_received", "carried_over_in", "results_total", "carried_over_out")
META_WORDS = {"agency": ("agency", "机关"), "year": ("year", "年度"), "template": ("template", "模板")}


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def scorer_path() -> Path | None:
    """The acceptance scorer `../shared/tools/score.py`, beside this checkout or beside the main checkout
    this worktree belongs to; None when neither has it."""
    candidates = [ROOT.parent / "shared" / "tools" / "score.py"]
    try:
        common = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--path-format=absolute", "--git-common-dir"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
        if common:
            candidates.append(Path(common).parent.parent / "shared" / "tools" / "score.py")
    except (OSError, subprocess.SubprocessError):
        pass
    return next((p for p in candidates if p.is_file()), None)


@cache
def comparer() -> tuple[Callable[[dict, dict], dict], str]:
    """(compare(output, gold) → {cells, right, wrong, meta, flagged}, where it came from)."""
    path = scorer_path()
    if path is not None:
        module = _load(path, "xxgk_acceptance_score")
        label = str(path)
    else:
        module = _load(ROOT / "tests" / "score_corpus.py", "xxgk_score_corpus")
        label = "tests/score_corpus.py (project copy)"

    def compare(output: dict, gold: dict) -> dict:
        r = module.compare(output, gold)
        return {"cells": r["cells"], "right": r["right"], "wrong": [tuple(w) for w in r["wrong"]],
                "meta": list(r.get("meta_wrong", r.get("meta", []))), "flagged": bool(r["flagged"])}

    return compare, label


def _covered_by_check(check: dict) -> Callable[[str, str, str], bool]:
    parts = (check.get("where") or "").split("/")
    t, r, c = (parts + ["", "", ""])[:3]
    rule = check.get("rule")
    if rule == "R1":
        return lambda tt, rr, cc: tt == t and cc == c and rr in R1_ROWS
    if rule == "R2":
        return lambda tt, rr, cc: tt == t and cc == c and (rr == "results_total" or rr not in R1_ROWS)
    if rule in ("R3", "R4"):
        return lambda tt, rr, cc: tt == t and rr == r
    return lambda tt, rr, cc: tt == t and r in ("*", rr) and c in ("", "*", cc)


def unwarned(output: dict, keys: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The cells among `keys` (wrong or absent ones) that no warning and no failed check names (module doc)."""
    cells: set[tuple[str, str, str]] = set()
    rows: set[tuple[str, str]] = set()
    for w in output.get("warnings") or []:
        m = _PREFIX.match(str(w))
        if m and m.group(2):
            (cells.add((m.group(1), m.group(2), m.group(3))) if m.group(3) else rows.add((m.group(1), m.group(2))))
    covers = [_covered_by_check(c) for c in output.get("checks") or [] if not c.get("ok", True)]
    return [k for k in keys if k not in cells and k[:2] not in rows and not any(f(*k) for f in covers)]


def unwarned_meta(output: dict, fields: list[str]) -> list[str]:
    """The wrong metadata fields no warning speaks of."""
    texts = [str(w).lower() for w in output.get("warnings") or []]
    return [f for f in fields if not any(word in t for t in texts for word in META_WORDS[f])]


# --- what a converter kept ---------------------------------------------------------------------------------

_DROP = re.compile(r"[\s\u3000\u00a0,，|*]+")  # separators a converter may put inside a number
_DIGIT_RUN = re.compile(r"\d+(?:[.,]\d+)*")


def plain_text(path: Path, fmt: str) -> str | None:
    """The characters a copy holds, for the converter-lost test; None for image-only copies (scans)."""
    if fmt == "pdf":
        out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=300)
        return out.stdout.decode("utf-8", errors="replace") or None
    if fmt == "docx":
        import docx  # python-docx, a runtime dependency

        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
        return "\n".join(parts)
    from bench.variants.convert import read_text

    text = read_text(path)
    if fmt == "html":
        import lxml.html

        page = lxml.html.fromstring(text.encode("utf-8"))
        for unseen in page.xpath("//script|//style|//head|//noscript|//comment()"):
            unseen.drop_tree()  # what a browser shows, not its code: counts below compare what is printed
        text = " ".join(page.itertext())  # cells apart, as printed
    return text


def printed(value: object) -> str:
    """A gold value as its digits would be printed: 2629, 5949.088667, 12.5."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _occurrences(value: str, text: str) -> int:
    """How often a value's digits stand in the text's digit runs, separators dropped (a fused run
    `821352859` holds 859 once, as the original's cell did; `19 5` is 195), so fusing or splitting a copy's
    figures never makes one seem lost."""
    return sum(run.count(value) for run in _DIGIT_RUN.findall(text))


def converter_lost(original: str | None, copy: str | None, wrong: list[tuple[tuple[str, str, str], object, object]]
                   ) -> list[tuple[str, str, str]]:
    """The wrong cells whose printed value the copy holds fewer times than the original: nowhere at all, or
    (a column the converter cut off the page) fewer times, as many of the wrong cells with that value as
    occurrences are missing."""
    if original is None or copy is None:
        return []
    orig, cp = _DROP.sub("", original), _DROP.sub("", copy)
    lost, missing = [], {}
    for key, want, _ in wrong:
        if want is None:
            continue
        value = printed(want)
        if value not in orig:
            continue
        if value not in cp:
            lost.append(key)
            continue
        if value not in missing:
            missing[value] = max(0, _occurrences(value, orig) - _occurrences(value, cp))
        if missing[value]:
            missing[value] -= 1
            lost.append(key)
    return lost
