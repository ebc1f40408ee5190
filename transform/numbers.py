"""Read a printed cell value as printed: a number, blank, or not applicable — never a guess."""
from __future__ import annotations

import re
from dataclasses import dataclass

from transform.labels import nfkc

NA_MARKS = {"/", "／", "—", "——", "-", "--", "－", "–", "无", "\\", "×", "不适用"}
_UNIT = re.compile(r"(万元|元|件|个|项|次|条|人次)$")
_SPACE = re.compile(r"\s+")
_SIDE_BY_SIDE = re.compile(r"\d[ \t\u3000\xa0]+[+-]?\d")
_MERGED = re.compile(r"[\d.,]+(?:[ \t]+[\d.,]+)+")
_SPACED_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:[ \xa0]\d{3})+(?:\.\d+)?")  # '1 234': one number
# a note printed under the number in the same cell: 22（其中修订16件）, 55(含自然失效29件)
_NOTE = re.compile(r"[（(](?:其中|含|包括)[^（()）]*[）)]$")
NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")  # '1,234' — but '12,34' is two cells run together


@dataclass(frozen=True)
class Value:
    value: float | int | None
    status: str  # number | blank | na
    raw: str


def as_number(text: str) -> float | int:
    f = float(text)
    return int(f) if f.is_integer() and "." not in text else (int(f) if f.is_integer() else f)


def side_by_side(raw: str) -> bool:
    """Two figures on one line of one cell ('2 1'): a converter merged two columns' cells, so this cell's
    figures and its neighbours' positions no longer say which column each stands in."""
    text = nfkc(raw or "").strip()
    return bool(_SIDE_BY_SIDE.search(text)) and not _SPACED_THOUSANDS.fullmatch(text)


def merged_figures(raw: str) -> bool:
    """A cell of figures side by side and nothing else ('10 1'): two columns' cells a converter merged. A
    cell with text around its figures is a label (a group cell whose box took in its neighbours' text)."""
    return side_by_side(raw) and bool(_MERGED.fullmatch(nfkc(raw or "").strip()))


def parse_value(raw: str) -> Value | None:
    """A cell's value, or None when the text is not a value at all (a label)."""
    # a line break inside a cell is layout: a number wrapped in a narrow column ('2\n6') is one number; two
    # figures side by side on one line ('2 1': a converter merged two columns' cells) are none
    if side_by_side(raw):
        return None
    t = _SPACE.sub("", nfkc(raw or "")).replace("\u2212", "-")
    if not t:
        return Value(None, "blank", raw or "")
    if t in NA_MARKS:
        return Value(None, "na", raw)
    t = _UNIT.sub("", _NOTE.sub("", t))
    if t.startswith("+"):
        t = t[1:]
    if "," in t:
        if not THOUSANDS.match(t):
            return None
        t = t.replace(",", "")
    if NUMBER.match(t):
        return Value(as_number(t), "number", raw)
    return None
