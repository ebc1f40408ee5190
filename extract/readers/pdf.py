"""PDF with a text layer (pdfplumber): ruled tables as grids, the rest as lines, in reading order.

A table that runs over a page break is one table: a grid that opens a page
continues the grid that closed the previous one when their columns agree, or one's
borders refine the other's (`extract.readers.pagebreak`; page footers such as
"- 3 -" between them are dropped).
"""
from __future__ import annotations

from io import BytesIO

from extract.document import Document, Grid, Line, ReadError
from extract.limits import check_pages
from extract.readers import ocr, pictures  # pages without a text layer (scans) go through OCR when installed
from extract.readers.footer import FOOTER
from extract.readers.layout import relaid
from extract.readers.pagebreak import continues, join
from extract.readers.pdfium_objects import PdfiumPages

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def _missing_borders(page) -> list[dict]:
    """Vertical borders a printer drew only as stubs (Chromium's right border of a wide table: a dot at each
    row line), so the last column is no cell: at an x where three or more row lines end or start and no
    vertical line of a row's height stands, the border they imply, from the first of them to the last."""
    rules = [e for e in page.edges if e["orientation"] == "h" and e["x1"] - e["x0"] > 5]
    drawn = {round(e["x0"]) for e in page.edges if e["orientation"] == "v" and e["bottom"] - e["top"] > 3}
    at: dict[int, list[dict]] = {}
    for e in rules:
        for x in {round(e["x0"]), round(e["x1"])}:
            at.setdefault(x, []).append(e)
    return [{"x0": x, "x1": x, "top": min(e["top"] for e in es), "bottom": max(e["bottom"] for e in es),
             "orientation": "v", "object_type": "line", "width": 0, "height": max(e["bottom"] for e in es) - min(e["top"] for e in es)}
            for x, es in at.items() if len(es) >= 3 and not drawn & {x - 1, x, x + 1}]


def _page_blocks(page, number: int) -> list[tuple[float, Line | Grid]]:
    blocks: list[tuple[float, Line | Grid]] = []
    borders = _missing_borders(page)
    tables = _innermost(page.find_tables({**TABLE_SETTINGS, "explicit_vertical_lines": borders} if borders
                                         else TABLE_SETTINGS))
    boxes = [t.bbox for t in tables]
    for t in tables:
        raw = t.extract()
        rows = [[(c or "").strip() for c in r] for r in raw]
        # None is a position a merged cell covers: not a printed (blank) cell of its own
        covered = [[c is None for c in r] for r in raw]
        if rows:
            hspans = [list(r) for r in covered]
            blocks.append((t.bbox[1], Grid(rows, pages=[number] * len(rows), spans=covered, hspans=hspans,
                                           edges=_edges(t, len(rows[0])))))

    def outside(obj) -> bool:
        """Printed on the page (text set beyond its edges, as a clipped table's, is not) and in no table."""
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return 0 <= cx <= page.width and 0 <= cy <= page.height \
            and not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside)
    for ln in rest.extract_text_lines(layout=False, strip=True):
        text = ln["text"].strip()
        if text and not FOOTER.match(text):
            blocks.append((ln["top"], Line(text, number)))
    blocks.sort(key=lambda b: b[0])
    return blocks


def _edges(table, width: int) -> list[float]:
    """The x of the table's column borders, width + 1 of them; [] when its cells do not show them all."""
    xs = sorted({round(c[0], 1) for c in table.cells} | {round(c[2], 1) for c in table.cells})
    return xs if len(xs) == width + 1 else []


def _innermost(tables: list) -> list:
    """Tables less those that hold another table: a page laid out in a ruled table (web pages printed to
    PDF) frames the report's own tables, and its cells would hold their text run together."""
    def holds(a, b) -> bool:
        return a is not b and a.bbox[0] <= b.bbox[0] + 1 and a.bbox[1] <= b.bbox[1] + 1 \
            and a.bbox[2] >= b.bbox[2] - 1 and a.bbox[3] >= b.bbox[3] - 1
    return [t for t in tables if not any(holds(t, u) for u in tables)]


def read(data: bytes) -> Document:
    import pdfplumber

    doc = Document("pdf")
    try:
        pdf = pdfplumber.open(BytesIO(data))
    except Exception as e:  # pdfminer raises many kinds on damaged or encrypted files
        raise ReadError(_pdf_error(e)) from None
    with pdf, PdfiumPages(data) as fast:  # pdfium parses pages ~5× faster than pdfminer
        try:
            check_pages(len(fast.doc) if fast.doc is not None else len(pdf.pages))
            if not pdf.pages:
                raise ReadError("corrupt PDF: no pages")
            n_chars = 0
            for number, page in enumerate(pdf.pages, start=1):
                pdf_page = fast.page(number - 1)
                try:
                    fast.attach(page, pdf_page)
                    n_chars += len(page.chars)
                    blocks = _page_blocks(page, number)
                    if ocr.available():  # scans, pictures of tables
                        blocks, read = pictures.with_ocr(page, number, blocks, doc.warnings, pdf_page)
                        if read:
                            doc.ocr_pages.append(number)
                finally:
                    if pdf_page is not None:
                        pdf_page.close()
                for _, block in blocks:
                    last = doc.blocks[-1] if doc.blocks else None
                    if isinstance(block, Grid) and isinstance(last, Grid) and continues(last, block, number):
                        join(last, block)
                    else:
                        doc.blocks.append(block)
                page.close()
        except ReadError:
            raise
        except Exception as e:
            raise ReadError(_pdf_error(e)) from None
    doc.layout = relaid(doc.blocks) if doc.ocr_pages else []  # tables a scan prints without rules
    if n_chars == 0 and not doc.ocr_pages:
        raise ReadError("scanned PDF: no text layer (install xxgk[ocr] to read it)")
    if n_chars == 0 and not doc.text().strip():
        raise ReadError("scanned PDF: no text layer, and OCR found no text on its pages")
    return doc


def _pdf_error(e: Exception) -> str:
    name = type(e).__name__
    inner = [e, *(a for a in e.args if isinstance(a, BaseException)), e.__cause__, e.__context__]  # pdfplumber wraps
    if any("Password" in type(x).__name__ or "encrypt" in str(x).lower() for x in inner if x is not None):
        return "encrypted PDF: a password is needed to open it"
    return f"corrupt PDF: {name}: {e}"[:300]
