"""Limits on untrusted input: document size, ZIP containers (zip bombs), time per document, PDF pages,
pixels of a rendered page (decompression bombs on the OCR path), DTDs in XML parts.

Every limit is settable through an environment variable so an operator can raise
it for an unusual source without a code change.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

from extract.document import ReadError

MB = 1024 * 1024


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


def max_document_bytes() -> int:
    """Largest document accepted (XXGK_MAX_DOC_MB, default 50 MB): annual reports are a few MB at most."""
    return int(_env_float("XXGK_MAX_DOC_MB", 50) * MB)


def document_timeout() -> float:
    """CPU seconds one document may take to read (XXGK_DOC_TIMEOUT, default 600: OCR of a long scan needs minutes;
    text-layer documents take seconds)."""
    return _env_float("XXGK_DOC_TIMEOUT", 600)


MAX_ARCHIVE_MEMBERS = 2000
MAX_ARCHIVE_BYTES = 200 * MB  # unpacked, all members together
MAX_MEMBER_RATIO = 200  # unpacked/packed of one member; ordinary XML compresses 5-20x


def check_size(n_bytes: int) -> None:
    limit = max_document_bytes()
    if n_bytes > limit:
        raise ReadError(f"file too large: {n_bytes / MB:.1f} MB, over the {limit / MB:g} MB limit (XXGK_MAX_DOC_MB)")


def read_file(path: Path) -> bytes:
    """A local document's bytes, refused before reading when it is over the size limit."""
    check_size(path.stat().st_size)
    return path.read_bytes()


def check_archive(z: zipfile.ZipFile) -> None:
    """Refuse a ZIP container (DOCX, XLSX) that would unpack to far more than a report needs.

    Declared sizes are enough to check: zipfile never returns more than a member's
    declared size (a member that lies fails its CRC check).
    """
    members = z.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise ReadError(f"ZIP container with {len(members)} members: over the {MAX_ARCHIVE_MEMBERS} limit")
    total = sum(m.file_size for m in members)
    if total > MAX_ARCHIVE_BYTES:
        raise ReadError(f"zip bomb: unpacks to {total / MB:.0f} MB, over the {MAX_ARCHIVE_BYTES / MB:.0f} MB limit")
    for m in members:
        if m.file_size > MB and m.file_size > MAX_MEMBER_RATIO * max(m.compress_size, 1):
            raise ReadError(f"zip bomb: member {m.filename[:80]!r} expands {m.file_size // max(m.compress_size, 1)}x")


def max_pdf_pages() -> int:
    """Most pages a PDF may have (XXGK_MAX_PDF_PAGES, default 500): an annual report has 5-60; a file of
    thousands of pages is refused whole rather than read in part (a report cut short would lose tables
    without anyone noticing)."""
    return int(_env_float("XXGK_MAX_PDF_PAGES", 500))


def check_pages(n_pages: int) -> None:
    limit = max_pdf_pages()
    if n_pages > limit:
        raise ReadError(f"PDF with {n_pages} pages: over the {limit}-page limit (XXGK_MAX_PDF_PAGES)")


def max_image_pixels() -> int:
    """Largest bitmap a page may render to: Pillow's decompression-bomb limit (Image.MAX_IMAGE_PIXELS,
    ~89 Mpx; an A4 page at 144 dpi is 2 Mpx)."""
    from PIL import Image

    return int(Image.MAX_IMAGE_PIXELS or 89_478_485)


def check_pixels(width: float, height: float, what: str) -> None:
    """Refuse to render `what` when its bitmap would pass max_image_pixels (a page a mile wide)."""
    limit, pixels = max_image_pixels(), int(width) * int(height)
    if pixels > limit:
        raise ReadError(f"decompression bomb: {what} would render to {int(width)}×{int(height)} px "
                        f"({pixels / 1e6:,.0f} Mpx), over the {limit / 1e6:.0f} Mpx limit")


def check_no_dtd(z: zipfile.ZipFile) -> None:
    """Refuse a ZIP container (DOCX) with a DOCTYPE in any XML part: Office never writes one, and a DTD is
    what entity bombs (billion laughs) and external entities need. The DOCTYPE stands before the root
    element, so the first KB of each part tells."""
    for m in z.infolist():
        if m.filename.endswith((".xml", ".rels")):
            with z.open(m) as f:
                head = f.read(4096)
            if b"<!DOCTYPE" in head.upper() or "<!DOCTYPE".encode("utf-16-le") in head.upper():
                raise ReadError(f"XML part {m.filename[:80]!r} declares a DTD (entities): refused")
