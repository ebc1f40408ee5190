"""Text lines → labelled rows: cut a line into label runs and number runs.

Text copies of report pages lose cell boundaries: a row may arrive as
`一、本年新收政府信息公开申请数量 44 0 0 0 0 0 44`, or with the cells fused
(`行政规范性文件77132470`). Enumerators (1. 2、) stay with their label.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from transform.numbers import parse_value

_NUM_RUN = re.compile(r"[+-]?\d+(?:\.\d+)?")
_ENUM_AFTER = re.compile(r"[.．、]\s*\D")
_LONE_ENUM = re.compile(r"\d{1,2}[.．、]")
_NOT_VALUE_AFTER = re.compile(r"^\s*(年|月|日|号|〕|\]|条|款|项|%|％|万人|人次|个工作日)")
# a count said in prose ('共受理申请44件', '发布信息929条'): with its unit it is no table cell
_PROSE_UNIT = re.compile(r"^\s*(件|个|次|人|篇|期|场|余|多|家|名|份|批|起|例|小时|天|分钟|位|户|部|本|套|台|期)")


@dataclass
class Segment:
    """A printed row: its label text and the raw value cells that follow it."""

    label: str
    values: list[str] = field(default_factory=list)
    page: int = 1
    grid: bool = False


def _tokens(text: str, prose_units: bool = False) -> list[tuple[str, bool]]:
    """Cut a text line into (piece, is_value) runs; enumerators (1. 2、) stay with their label.
    With `prose_units`, a number followed by a unit (44件) is prose, not a value."""
    out: list[tuple[str, bool]] = []
    for word in text.split():
        if _LONE_ENUM.fullmatch(word):  # '3.' alone: a label's enumerator, its text wrapped to another line
            _push(out, word, False)
            continue
        pos = 0
        for m in _NUM_RUN.finditer(word):
            digits, end = m.group(), m.end()
            after = word[end:]
            if _ENUM_AFTER.match(after) and not re.match(r"[.．]\d", after):
                # '02.其他法律…' in fused text: the last digit is the enumerator, the rest a value
                # ('4.5.保护…': two enumerators run together, no value in them)
                if len(digits) > 1 and digits[:-1].lstrip("+-").isdigit():
                    _push(out, word[pos:m.start()], False)
                    _push(out, digits[:-1], True)
                    pos = end - 1
                continue
            if (_NOT_VALUE_AFTER.match(after) or (prose_units and _PROSE_UNIT.match(after))
                    or word[max(0, m.start() - 1):m.start()] in ("第", "〔", "[")):
                continue
            _push(out, word[pos:m.start()], False)
            _push(out, digits, True)
            pos = end
        _push(out, word[pos:], False)
    # '无' opening the group label 无法提供 broken by spaces ('（四）无 法提供', '（ 四 ） 无 1.本机关…'), not a cell
    return [(p, v and not (p == "无" and i + 1 < len(out) and not out[i + 1][1]
                           and (out[i + 1][0].startswith("法") or (i and out[i - 1][0].endswith(("）", ")"))))))
            for i, (p, v) in enumerate(out)]


def _push(out: list[tuple[str, bool]], piece: str, is_value: bool) -> None:
    if not piece:
        return
    if not is_value and parse_value(piece) is not None and piece.strip():
        is_value = True  # '/', '—' and '无' standing alone are values (not applicable)
    out.append((piece, is_value))


# a numbered sub-row ('2.申请人…') directly followed by the next row label printed nothing
_SUBROW = re.compile(r"\d[.．、]\D")
_NEXT_ROW = re.compile(r"(?<=\D)(?=\d[.．、]\D|[（(][一二三四五六七八九十]+[）)])")


def _blank_subrows(piece: str) -> list[tuple[str, bool]]:
    """Cut '2.甲…申请3.其他（七）总计' into blank rows '2.甲…申请', '3.其他' and the label '（七）总计'.

    A blank row is marked by the empty value '' (nothing printed in any of its cells).
    """
    if not _SUBROW.match(piece):
        return [(piece, False)]
    out: list[tuple[str, bool]] = []
    start = 0
    for m in _NEXT_ROW.finditer(piece):
        if m.start() > start:
            chunk = piece[start:m.start()]
            if not _SUBROW.match(chunk):
                break
            out += [(chunk, False), ("", True)]
            start = m.start()
    return out + [(piece[start:], False)]


def text_segments(text: str, page: int, segs: list[Segment]) -> None:
    """Append the rows of one text line to `segs`; a line may continue the previous text row."""
    cur: Segment | None = segs[-1] if segs and not segs[-1].grid else None
    for piece, is_value in [t for p, v in _tokens(text) for t in ([(p, v)] if v else _blank_subrows(p))]:
        if is_value:
            if cur is None:
                cur = Segment("", page=page)
                segs.append(cur)
            cur.values.append(piece)
        elif cur is None or cur.values:
            cur = Segment(piece, page=page)
            segs.append(cur)
        else:
            cur.label += piece
