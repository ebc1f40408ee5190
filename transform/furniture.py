"""Page furniture: what a print or a converter puts on every page, not the report's own text.

A browser's print carries a header (`12/5/26, 3:55 PM  page title`) and a footer (`file:///… 1/4`) on
every page; converters and office suites add page numbers (`- 3 -`, `第 2 页 共 5 页`). Their figures
would land among the table's values. A line is furniture when, with its digits masked, it recurs three
times or more and holds words (so a row of zeros, which also recurs, is kept), or when it has the shape
of a page counter or a print stamp wherever it stands.
"""
from __future__ import annotations

import re
from collections import Counter

from extract.document import Document, Line

_DIGITS = re.compile(r"\d+")
_WORDS = re.compile(r"[A-Za-z\u4e00-\u9fff]")
_STAMP = re.compile(
    r"^\s*(?:\d{1,4}[/-]\d{1,2}[/-]\d{1,4}\s*,?\s*\d{1,2}:\d{2}(?:\s*[AP]M)?\b.*"  # print date and time
    r"|(?:file|https?)://\S+\s*\d+\s*/\s*\d+\s*"  # a browser's footer: URL and page n/m
    r"|[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页\s*(?:[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")


# the same marks inside a line that runs on (a copy with its lines joined): cut out, the rest kept
# (a page number in dashes, `-3-`, is one word: a table's dash cells and figures stand apart, `— 3 —`)
_INLINE = re.compile(r"\d{1,4}/\d{1,2}/\d{1,4}\s*,\s*\d{1,2}:\d{2}\s*[AP]M|(?:file|https?)://\S+\s+\d+\s*/\s*\d+"
                     r"|(?<!\S)[-—–]\d{1,3}[-—–](?!\S)")
LONG = 200  # a line longer than this is text run together, never furniture as a whole
_SPACED_PAGE = re.compile(r"(?<!\S)[-—–]\s(\d{1,3})\s[-—–](?!\S)")  # `- 4 -`: also dash cells around a figure


def _counted(text: str) -> list[re.Match]:
    """The `- n -` marks of a line run together that count pages: two or more, numbered n, n+1, … in
    order. A table's dash cells around a figure (`— 3 —`) do not make such a run."""
    marks = list(_SPACED_PAGE.finditer(text))
    nums = [int(m[1]) for m in marks]
    ok = len(marks) >= 2 and all(b == a + 1 for a, b in zip(nums, nums[1:]))
    return marks if ok else []


def _uncounted(text: str) -> str:
    """The line without its page-counting `- n -` marks."""
    for m in reversed(_counted(text)):
        text = text[:m.start()] + " " + text[m.end():]
    return text


def furniture(doc: Document) -> set[str]:
    """The texts of the document's lines that are page furniture."""
    lines = [b.text for b in doc.blocks if isinstance(b, Line)]
    masked = Counter(_DIGITS.sub("#", t.strip()) for t in lines)
    return {t for t in lines
            if (_STAMP.match(t) and len(t) <= LONG) or (masked[_DIGITS.sub("#", t.strip())] >= 3 and len(_WORDS.findall(t)) >= 4
                                   and len(t.strip()) <= 120 and "#" in _DIGITS.sub("#", t))}


def without_furniture(doc: Document) -> Document:
    """The document less its page furniture lines."""
    drop = furniture(doc)
    long = [b for b in doc.blocks if isinstance(b, Line) and len(b.text) > LONG
            and (_INLINE.search(b.text) or _counted(b.text))]
    if not drop and not long:
        return doc
    blocks = [Line(_uncounted(_INLINE.sub(" ", b.text)), b.page) if any(b is x for x in long) else b
              for b in doc.blocks if not (isinstance(b, Line) and b.text in drop)]
    return Document(doc.format, blocks, doc.title, doc.warnings, doc.ocr_pages)
