"""Local inputs: files or folders (searched recursively) to process."""
from __future__ import annotations

from pathlib import Path

DOC_SUFFIXES = {".txt", ".md", ".html", ".htm", ".shtml", ".pdf", ".docx", ".doc", ".wps", ".xls", ".xlsx", ".et"}


def discover(inputs: list[Path]) -> list[Path]:
    """Every document file under the inputs, sorted, hidden files skipped; a named file is always taken."""
    found: set[Path] = set()
    for p in inputs:
        if p.is_file():
            found.add(p)
        elif p.is_dir():
            found.update(
                f for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in DOC_SUFFIXES
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")
    return sorted(found)
