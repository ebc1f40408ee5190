"""Inputs to process: local files or folders (searched recursively), and the sources CSV of sites to crawl."""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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


@dataclass(frozen=True)
class Source:
    """One listing page to crawl (SPEC §7): who publishes there and where the column starts."""

    agency: str
    region: str
    level: str
    listing_url: str
    link_pattern: str | None = None
    encoding: str | None = None
    allowed_hosts: tuple[str, ...] = ()  # besides the listing's host: hosts (host or host:port) links and redirects may go to


class SourcesError(ValueError):
    """A sources file that cannot be used as written: the message names the line and the problem."""


REQUIRED_COLUMNS = ("agency", "region", "level", "listing_url")


def read_sources(path: Path) -> list[Source]:
    """Rows of a SPEC §7 sources CSV (UTF-8, header row; extra columns ignored), validated line by line.

    Spreadsheet exports often carry a BOM and blank trailing rows; both are tolerated. Duplicate
    listing URLs are kept once, so a copy-pasted row never crawls a column twice.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise SourcesError(f"{path}: cannot read as UTF-8 CSV: {e}") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise SourcesError(f"{path}: missing column(s) {', '.join(missing)}")
    out: dict[str, Source] = {}
    for line, row in enumerate(reader, start=2):
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(values.values()):
            continue
        for col in REQUIRED_COLUMNS:
            if not values.get(col):
                raise SourcesError(f"{path}:{line}: empty {col}")
        url = values["listing_url"]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SourcesError(f"{path}:{line}: listing_url is not an http(s) URL: {url!r}")
        pattern = values.get("link_pattern") or None
        if pattern:
            try:
                re.compile(pattern)
            except re.error as e:
                raise SourcesError(f"{path}:{line}: link_pattern is not a regular expression: {e}") from None
        encoding = values.get("encoding") or None
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise SourcesError(f"{path}:{line}: unknown encoding {encoding!r}") from None
        hosts = tuple(h for h in re.split(r"[\s,;]+", values.get("allowed_hosts") or "") if h)
        bad = [h for h in hosts if not re.fullmatch(r"[\w.-]+(?::\d+)?|\[[0-9a-fA-F:.]+\](?::\d+)?", h)]
        if bad:
            raise SourcesError(f"{path}:{line}: allowed_hosts must be host or host:port names: {bad[0]!r}")
        out.setdefault(url, Source(values["agency"], values["region"], values["level"], url, pattern, encoding, hosts))
    return list(out.values())
