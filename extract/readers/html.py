"""HTML pages and fragments: text blocks as lines, tables as grids honouring rowspan/colspan.

Word-pasted markup splits a label over many spans and <br>; cell text is joined
from all its descendants so the parser sees the label whole.
"""
from __future__ import annotations

import re

from lxml import etree, html as lhtml

from extract.document import Document, Grid, Line, ReadError
from extract.readers.encoding import decode

_SKIP = {"script", "style", "noscript", "template", "head", "select", "option", "iframe", "object", "svg"}
_BLOCK = {
    "p", "div", "br", "tr", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section",
    "article", "header", "footer", "table", "dt", "dd", "blockquote", "pre", "hr", "center",
}
_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
MAX_SPAN = 50


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _cell_text(cell) -> str:
    parts: list[str] = []

    def walk(el) -> None:
        t = _tag(el)
        if t in _SKIP:
            return
        if t in _BLOCK and parts:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(cell)
    return "\n".join(_WS.sub(" ", s).strip() for s in "".join(parts).split("\n") if s.strip())


def _span(cell, attr: str) -> int:
    try:
        return max(1, min(MAX_SPAN, int(str(cell.get(attr, "1")).strip() or 1)))
    except ValueError:
        return 1


def table_grid(table) -> Grid:
    """Expand a <table> into a rectangular grid; a merged cell's text is repeated over its span."""
    rows = [tr for tr in table.iter("tr") if _nearest_table(tr) is table]
    grid: dict[tuple[int, int], tuple[str, bool, bool]] = {}
    for i, tr in enumerate(rows):
        j = 0
        for cell in tr:
            if _tag(cell) not in ("td", "th"):
                continue
            while (i, j) in grid:
                j += 1
            text = _cell_text(cell)
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            for di in range(rs):
                for dj in range(cs):
                    grid.setdefault((i + di, j + dj), (text, di > 0 or dj > 0, dj > 0))
            j += cs
    if not grid:
        return Grid([])
    n_rows = len(rows)
    n_cols = max(j for _, j in grid) + 1
    # a position no cell covers (a row with fewer cells) is padding, not a printed blank: marked like a span
    cells = [[grid.get((i, j), ("", True, True)) for j in range(n_cols)] for i in range(n_rows)]
    return Grid(
        [[c[0] for c in r] for r in cells],
        spans=[[c[1] for c in r] for r in cells],
        hspans=[[c[2] for c in r] for r in cells],
    )


def _nearest_table(el):
    p = el.getparent()
    while p is not None and _tag(p) != "table":
        p = p.getparent()
    return p


def read(data: bytes) -> Document:
    text = decode(data)
    parser = lhtml.HTMLParser()
    try:
        root = lhtml.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise ReadError(f"malformed HTML: {e}") from None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):  # libxml2 drops what lies deeper
        raise ReadError("HTML nested too deeply: over 256 levels, content below would be lost")
    doc = Document("html")
    title = root.find(".//title")
    if title is not None and title.text:
        doc.title = title.text.strip()
    buf: list[str] = []

    def flush() -> None:
        for line in "".join(buf).split("\n"):
            line = _WS.sub(" ", line).strip()
            if line:
                doc.blocks.append(Line(line))
        buf.clear()

    def walk(el, depth: int = 0) -> None:
        if depth > 400:
            raise ReadError("HTML nested too deeply")
        t = _tag(el)
        if t in _SKIP or isinstance(el, (etree._Comment, etree._ProcessingInstruction)):
            return
        if t == "table":
            flush()
            g = table_grid(el)
            if g.rows:
                doc.blocks.append(g)
            return
        if t in _BLOCK:
            buf.append("\n")
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child, depth + 1)
            if child.tail:
                buf.append(child.tail)
        if t in _BLOCK:
            buf.append("\n")

    body = root.find(".//body")
    walk(body if body is not None else root)
    flush()
    if not doc.blocks:
        raise ReadError(_why_no_text(root, text))
    return doc


def _why_no_text(root, text: str) -> str:
    """Name the likely cause of a page without text: script-rendered content or text lost in broken markup."""
    if root.find(".//script") is not None:
        return "HTML page without text: its content is loaded by script"
    if re.search(r"[\u4e00-\u9fff]", re.sub(r"<title>.*?</title>", "", text, flags=re.S | re.I)):
        return "malformed HTML: its text sits inside broken markup (an unclosed tag or quote)"
    return "HTML page without text"
