"""One document's bytes → its Report, in whatever process runs it.

Kept apart from flows/pipeline.py (which imports Prefect) because this is what the isolated child
process runs (extract/isolate.py): its module is preloaded in the forkserver, so it should import only
the readers and transform/.
"""
from __future__ import annotations

import time

from extract.document import ReadError
from extract.published import published_on
from extract.rawstore import RawStore
from extract.readers import read_document
from transform import to_report
from transform.report import Report


def document_report(data: bytes, source: str, sha256: str) -> Report:
    """Read, parse and check one document; any failure becomes a failed Report carrying a specific error."""
    start = time.perf_counter()
    try:
        doc = read_document(data, source)
        report = to_report(doc, source, sha256)
        page_date = published_on(data) if doc.format == "html" else None
        if page_date:  # the page's own metadata block outranks the closing date line
            report.published_on, report.published_on_source = page_date, "page"
    except ReadError as e:
        report = Report(source=source, sha256=sha256, error=str(e))
    except Exception as e:  # a bug of ours must not stop the run; the error names it
        report = failed(source, sha256, "internal error", e)
    report.seconds = time.perf_counter() - start
    return report


def stored_report(raw_root: str, source: str, sha256: str) -> Report:
    """`document_report` of a document in the raw store, read where it is parsed (in the reader child,
    so the bytes never cross a pipe); a raw file that vanished fails that document alone."""
    try:
        data = RawStore(raw_root).get(sha256)
    except Exception as e:
        return failed(source, sha256, "extraction crashed", e)
    return document_report(data, source, sha256)


def failed(source: str, sha256: str, what: str, e: BaseException) -> Report:
    """A failed Report naming an unexpected exception."""
    return Report(source=source, sha256=sha256, error=f"{what}: {type(e).__name__}: {e}"[:500])
