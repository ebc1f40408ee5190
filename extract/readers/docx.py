"""DOCX: paragraphs and tables in body order (python-docx), merged cells repeated over their span.

A DOCX is a foreign ZIP of XML: one with a DTD in any part is refused (extract.limits.check_no_dtd),
python-docx's lxml parser does not resolve entities, and relationships marked External (linked
images, attached templates) are only ever names here: nothing is fetched, no picture is decoded.
"""
from __future__ import annotations

import zipfile
from io import BytesIO

from extract.document import Document, Grid, Line, ReadError
from extract.limits import check_no_dtd


def read(data: bytes) -> Document:
    import docx  # python-docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:  # the container was size-checked by sniff_format (extract.limits.check_archive)
        with zipfile.ZipFile(BytesIO(data)) as z:
            check_no_dtd(z)
        d = docx.Document(BytesIO(data))
    except ReadError:
        raise
    except Exception as e:  # python-docx raises many kinds on a damaged package
        raise ReadError(f"corrupt DOCX: {e}") from None
    doc = Document("docx")
    for item in d.iter_inner_content():
        if isinstance(item, Paragraph):
            if item.text.strip():
                doc.blocks.append(Line(item.text.strip()))
        elif isinstance(item, Table):
            rows: list[list[str]] = []
            spans: list[list[bool]] = []
            for r in item.rows:
                seen: set[int] = set()
                row, span = [], []
                for c in r.cells:
                    row.append(c.text.strip())
                    span.append(id(c._tc) in seen)
                    seen.add(id(c._tc))
                rows.append(row)
                spans.append(span)
            if rows:
                doc.blocks.append(Grid(rows, spans=spans, hspans=[list(s) for s in spans]))  # a row repeats a cell only across columns
    return doc
