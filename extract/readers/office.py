"""Legacy office formats (DOC, WPS, XLS, ET) through LibreOffice: convert to the OOXML twin, then read that.

A process's conversions go to one long-lived LibreOffice (office_server.py: a start per file cost far more
than the conversion). Where that cannot run (no UNO bridge, or XXGK_OFFICE_SERVER=0), each file gets a
LibreOffice start of its own, headless with a private profile in a temporary folder (so parallel
conversions never share or lock one). Either way under a timeout (a hostile or huge file cannot hang the
run), and a file LibreOffice refuses is that document's ReadError. No LibreOffice → a ReadError that says
so, never a crash.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from extract.document import Document, ReadError
from extract.readers import docx, office_server

TIMEOUT_S = 120
_BINARIES = ("soffice", "libreoffice")


def soffice() -> str | None:
    """The LibreOffice binary on PATH, if any (XXGK_SOFFICE overrides)."""
    override = os.environ.get("XXGK_SOFFICE")
    if override is not None:
        return shutil.which(override)
    return next((p for p in map(shutil.which, _BINARIES) if p), None)


def convert(data: bytes, suffix: str, target: str) -> bytes:
    """`data` (a file of type `suffix`, e.g. ".doc") → bytes of the `target` type.

    `target` is LibreOffice's --convert-to argument: an extension ("docx"), optionally
    with an export filter ("doc:MS Word 97") where the input's module has no default one.
    """
    binary = soffice()
    if binary is None:
        raise ReadError(f"cannot read {suffix.lstrip('.').upper()}: LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="xxgk-lo-") as tmp:
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(data)
        dst = Path(tmp) / f"out.{target.split(':')[0]}"
        if office_server.convert(src, dst, target, binary, TIMEOUT_S):
            return dst.read_bytes()
        out = Path(tmp) / "out"
        cmd = [
            binary, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
            "--headless", "--norestore", "--convert-to", target, "--outdir", str(out), str(src),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ReadError(f"LibreOffice took over {TIMEOUT_S}s converting {suffix} to {target}") from None
        result = out / f"in.{target.split(':')[0]}"
        if not result.is_file():
            detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
            raise ReadError(f"LibreOffice could not convert {suffix} to {target}: {detail[-1] if detail else 'no output'}"[:300])
        return result.read_bytes()


def read_doc(data: bytes) -> Document:
    """DOC (Word 97–2003) → DOCX → the DOCX reader."""
    return docx.read(convert(data, ".doc", "docx"))


def read_wps(data: bytes) -> Document:
    """WPS (Kingsoft Writer; LibreOffice tells its flavours apart by content) → DOCX → the DOCX reader."""
    return docx.read(convert(data, ".wps", "docx"))
