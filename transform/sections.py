"""The report's numbered sections (一、总体情况 … 六、其他需要报告的事项) as printed: title, text, page.

Supervisors read the text of a section across agencies (存在的主要问题及改进情况 above all), so each
section is kept whole. A heading is found by its words, not its numeral alone (table 三's rows are
numbered 一、二、三、四 too); of several occurrences of one heading — a table of contents, a sentence
naming the section — the one taken is the last before the next section's heading, i.e. the occurrence
followed by the section's content.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from extract.document import Document
from transform.labels import nfkc

NUMERALS = "一二三四五六七八"

# kind → the words that end its heading (2019 / 2021 formats; 概述, 依申请公开, 收费及减免 of the 2008 one)
KINDS: dict[str, str] = {
    "overview": r"总体情况|概述|基本情况",
    "active": r"主动公开政府信息(?:的)?(?:情况|工作)",
    "requests": r"收到和处理政府信息公开申请(?:的)?情况|(?:政府信息)?依申请公开(?:政府信息)?(?:工作)?(?:的)?情况",
    "fees": r"政府信息公开(?:的)?收费及减免(?:的)?情况",
    "review": r"行政\S?复议[、，,和及与或]*(?:提起)?行政诉讼(?:的)?情况|行政\S?复议(?:和|、)?行政诉讼",
    "problems": r"(?:存在的?)?主要问题(?:及|和|与)?(?:其)?改进(?:的)?(?:情况|措施)|存在的?主要问题",
    "other": r"其他需要报告的事项",
}
_KIND_OF = {k: re.compile(p) for k, p in KINDS.items()}
# numeral, separator, up to 20 characters of the title's own words (因政府信息公开申请提起…), the heading's end
_HEADING = re.compile(
    rf"(?<![第十])(?P<n>[{NUMERALS}])\s*[、.．]\s*"
    rf"(?P<title>[^。；;，,：:！？\s\d]{{0,20}}?(?:{'|'.join(KINDS.values())}))"
)


@dataclass(frozen=True)
class Section:
    section: str  # the numeral as printed: 一 … 六 (七 in the 2008 format)
    kind: str     # what it is about: a key of KINDS
    title: str    # as printed, without the numeral
    text: str     # everything after the title up to the next section's heading
    page: int     # the page the heading is on


def flatten(doc: Document) -> tuple[str, list[int], list[int]]:
    """The document as one text (lines, grid rows as their cells joined by tabs), with the offset where
    each block starts and that block's page."""
    parts: list[str] = []
    starts: list[int] = []
    pages: list[int] = []
    pos = 0
    for line in doc.lines():
        text = nfkc(line.text)
        starts.append(pos)
        pages.append(line.page)
        parts.append(text)
        pos += len(text) + 1
    return "\n".join(parts), starts, pages


def _kind(title: str) -> str:
    return min((m.start(), k) for k, p in _KIND_OF.items() if (m := p.search(title)))[1]


def sections(doc: Document) -> list[Section]:
    """The report's sections in printed order (see the module docstring for which heading counts)."""
    text, starts, pages = flatten(doc)
    found = [(m, _kind(m.group("title"))) for m in _HEADING.finditer(text)]
    # from the last heading backwards: for each numeral, its last occurrence before the heading chosen after it
    chosen: list[tuple[re.Match, str]] = []
    bound = len(text) + 1
    for n in reversed(NUMERALS):
        hits = [(m, k) for m, k in found if m.group("n") == n and m.start() < bound]
        if hits:
            chosen.append(hits[-1])
            bound = hits[-1][0].start()
    chosen.reverse()
    out: list[Section] = []
    for i, (m, kind) in enumerate(chosen):
        end = chosen[i + 1][0].start() if i + 1 < len(chosen) else len(text)
        body = re.sub(r"[ \t\u3000]+", " ", text[m.end("title"):end]).strip()
        page = pages[bisect_right(starts, m.start()) - 1] if starts else 1
        out.append(Section(m.group("n"), kind, m.group("title").strip(), body, page))
    return out


def section_text(doc: Document, kind: str) -> str:
    """The text of the section of one kind ('' when the report has none)."""
    return next((s.text for s in sections(doc) if s.kind == kind), "")

