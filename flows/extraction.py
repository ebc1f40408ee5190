"""Extraction as plain functions, free of Prefect, so that worker processes start fast:
a process of the default runner's pool imports only extract/ and transform/."""
from __future__ import annotations

from extract.document import ReadError
from extract.rawstore import RawStore
from extract.readers import read_document
from transform import to_report
from transform.report import Report


def extract_bytes(data: bytes, source: str, sha256: str) -> Report:
    """Bytes → Report; any failure becomes a failed Report carrying a specific error."""
    try:
        return to_report(read_document(data, source), source, sha256)
    except ReadError as e:
        return Report(source=source, sha256=sha256, error=str(e))
    except Exception as e:  # a bug of ours must not stop the run; the error names it
        return Report(source=source, sha256=sha256, error=f"internal error: {type(e).__name__}: {e}"[:500])


def extract_stored(source: str, sha256: str, raw_root: str) -> Report:
    """The document stored under `sha256` in the raw store → Report."""
    return extract_bytes(RawStore(raw_root).get(sha256), source, sha256)
