"""Figures the report's prose states (共受理信息公开申请44件, 予以公开16件, 主动公开政府信息929条,
收取信息处理费0元), each under a canonical key, so that they can be set against the tables (rule X3)
and kept where no table holds them (主动公开 items, the 信息处理费 collected).

Only phrasings that name one figure unambiguously are read: the number must follow the words that
name it (予以公开16件, not 予以公开及部分公开42件; 受理…申请44件), in the figure's own unit.
Statements about a stock at another date than the table's (现行有效规范性文件…件) are not read: they
often count differently, and a disagreement there says nothing about the report.

API: `prose_facts(text | lines | Document) -> list[ProseFact]`; `FIGURES` lists the keys; `CELLS` says
which table cells (summed) a key stands for, empty for figures no table holds.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from extract.document import Document, Line
from transform.labels import nfkc
from transform.schema import REQUESTS_2021

Key = tuple[str, str, str]  # (table, row, col) as in Report.cells; table "prose" for figures no table holds

_N = r"(?P<n>\d[\d,]*(?:\.\d+)?)"
_SEP = r"(?:共计|合计|总计|累计|共|计|为|了|的|达)*"


class ProseFact(NamedTuple):
    key: Key
    value: float | int
    unit: str   # as the figure is kept: 件, 条, 元
    raw: str    # the sentence (clause between 。；) that states it
    page: int


class Figure(NamedTuple):
    key: Key
    unit: str
    pattern: re.Pattern


def _p(words: str, units: str = "件") -> re.Pattern:
    return re.compile(rf"{words}{_SEP}{_N}\s*(?P<u>{units})")


# Each figure's phrasings. Lookbehinds keep a figure from matching inside a larger one's phrase.
FIGURES: tuple[Figure, ...] = (
    Figure(("requests", "new_received", "total"), "件",
           _p(r"(?:受理|收到|接收|接到|新收)[^。；，,：:\d]{0,24}?(?:信息公开申请|依申请公开申请)(?:数量)?")),
    Figure(("requests", "granted", "total"), "件", _p(r"(?<![不])予以公开")),
    Figure(("requests", "partially_granted", "total"), "件",
           _p(r"(?<!公开及)(?<!公开和)(?<!公开与)(?<!公开、)(?<!公开或)部分公开")),
    Figure(("requests", "denied", "total"), "件", _p(r"不予公开")),
    Figure(("requests", "unable", "total"), "件", _p(r"无法提供")),
    Figure(("requests", "not_processed", "total"), "件", _p(r"不予处理")),
    Figure(("review_litigation", "review", "total"), "件", _p(r"行政复议(?:案件|申请)?", "件|起")),
    Figure(("review_litigation", "litigation", "total"), "件", _p(r"行政诉讼(?:案件)?", "件|起")),
    Figure(("active", "normative_docs", "issued"), "件",
           _p(r"(?:制发|印发|制定)[^。；，,\d]{0,4}?(?<!现行有效)(?:行政)?规范性文件")),
    Figure(("prose", "active_published", "items"), "条",
           _p(r"主动公开(?:各类|各项)?(?:政府)?信息(?:数量)?")),
    Figure(("prose", "processing_fee", "cny"), "元", _p(r"收取(?:政府)?信息(?:公开)?处理费", "元|万元")),
)
_NO_FEE = re.compile(r"(?:未|无|没有|不存在|未曾)(?:发生)?收取(?:任何)?(?:政府)?信息(?:公开)?处理费")
_FEE_KEY: Key = ("prose", "processing_fee", "cny")


def _rows(group: str) -> tuple[str, ...]:
    return tuple(r.key for r in REQUESTS_2021.rows if r.group == group)


# key → the readings of the tables it may state: each a set of cells summed (a reading counts where at least
# one of its cells is a number); () for figures no table holds. 受理…申请N件 counts the new requests, or (as
# often) the new ones with those carried over from last year.
def _one(key: Key) -> tuple[tuple[Key, ...], ...]:
    return ((key,),)


CELLS: dict[Key, tuple[tuple[Key, ...], ...]] = {
    ("requests", "new_received", "total"): ((("requests", "new_received", "total"),),
                                            (("requests", "new_received", "total"),
                                             ("requests", "carried_over_in", "total"))),
    ("requests", "denied", "total"): (tuple(("requests", r, "total") for r in _rows("不予公开")),),
    ("requests", "unable", "total"): (tuple(("requests", r, "total") for r in _rows("无法提供")),),
    ("requests", "not_processed", "total"): (tuple(("requests", r, "total") for r in _rows("不予处理")),),
    ("review_litigation", "litigation", "total"): ((("review_litigation", "litigation_direct", "total"),
                                                     ("review_litigation", "litigation_after_review", "total")),),
    ("prose", "active_published", "items"): (),
    ("prose", "processing_fee", "cny"): (),
}
for _f in FIGURES:
    CELLS.setdefault(_f.key, _one(_f.key))


def table_values(key: Key, get: Callable[[Key], float | int | None]) -> list[float | int]:
    """What the tables say for a prose figure, one value per reading of CELLS that the tables fill
    (`get` gives a cell's number or None); empty where the tables hold none of its cells."""
    out: list[float | int] = []
    for cells in CELLS.get(key, ()):
        values = [v for v in map(get, cells) if v is not None]
        if values and sum(values) not in out:
            out.append(sum(values))
    return out


_CLAUSE = re.compile(r"[^。；;！!？?\n]+")


def _number(text: str) -> float | int:
    v = float(text.replace(",", ""))
    return int(v) if v.is_integer() else v


def _texts(source: str | Iterable[Line] | Document) -> list[tuple[str, int]]:
    """Runs of text: consecutive lines of one page joined (a sentence broken over lines is one sentence
    again), each grid row on its own."""
    if isinstance(source, str):
        return [(source, 1)]
    if not isinstance(source, Document):
        return [(line.text, line.page) for line in source]
    runs: list[tuple[str, int]] = []
    open_run = False  # the last run is lines, and the next line of its page continues it
    for block in source.blocks:
        if isinstance(block, Line):
            if open_run and runs[-1][1] == block.page:
                runs[-1] = (runs[-1][0] + block.text.strip(), block.page)
            else:
                runs.append((block.text.strip(), block.page))
            open_run = True
        else:
            runs.extend(("\t".join(r), p) for r, p in zip(block.rows, block.pages))
            open_run = False
    return runs


def prose_facts(source: str | Iterable[Line] | Document) -> list[ProseFact]:
    """Every statement of a known figure in the text, in order; one per key, value and sentence."""
    out: list[ProseFact] = []
    seen: set[tuple[Key, float, str]] = set()
    for text, page in _texts(source):
        for clause in _CLAUSE.finditer(nfkc(text)):
            raw = clause.group().strip()
            compact = re.sub(r"\s+", "", raw)
            found: list[tuple[int, Key, float | int, str]] = []
            for fig in FIGURES:
                for m in fig.pattern.finditer(compact):
                    value = _number(m.group("n"))
                    if m.group("u") == "万元":
                        value = _number(str(round(float(value) * 10000, 2)))
                    found.append((m.start(), fig.key, value, fig.unit))
            if _NO_FEE.search(compact):
                found.append((_NO_FEE.search(compact).start(), _FEE_KEY, 0, "元"))
            for _, key, value, unit in sorted(found, key=lambda f: f[0]):
                if (key, value, raw) not in seen:
                    seen.add((key, value, raw))
                    out.append(ProseFact(key, value, unit, raw[:300], page))
    return out
