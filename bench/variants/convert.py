"""One converter per step a user's tool takes: `(src, dst_dir) -> path of the file made in dst_dir`.

Each runs the tool users run (pdftotext, pdfminer.six, markitdown, pymupdf4llm, headless Chromium,
LibreOffice) with its ordinary options, so a copy here is the copy a user would have. The two pure text
steps (`squeezed`, `one_line`) stand for copies pasted out of web pages and PDF viewers. Documents handed to
Chromium and LibreOffice are copied under a neutral name first, so a printed footer (the page URL) never
carries the sample's file name into the content.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 300  # seconds for one external conversion; a hung tool fails the variant, not the run


class ConversionError(RuntimeError):
    """A tool failed to make its copy (missing binary, crash, timeout, no output)."""


def read_text(path: Path) -> str:
    """A text copy's characters: UTF-8 (what every tool here writes), else GB18030 (older Chinese pages)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _write(dst_dir: Path, name: str, text: str) -> Path:
    dst_dir.mkdir(parents=True, exist_ok=True)
    out = dst_dir / name
    out.write_text(text, encoding="utf-8")
    return out


def _run(cmd: list[str], cwd: Path | None = None) -> None:
    if shutil.which(cmd[0]) is None:
        raise ConversionError(f"{cmd[0]} not installed")
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ConversionError(f"{cmd[0]} timed out after {TIMEOUT} s") from None
    if proc.returncode != 0:
        raise ConversionError(f"{cmd[0]} exit {proc.returncode}: {proc.stderr.decode(errors='replace')[-300:]}")


# --- text steps (applied to text samples and to every text made from a PDF) -------------------------------

_SPACE = re.compile(r"[\s\u3000\u00a0\u200b]+")


def squeezed(src: Path, dst_dir: Path) -> Path:
    """Every whitespace character inside a line removed, empty lines dropped: headings run into the table
    notes and a table row's numbers into one digit run, as in page-text copies of web pages."""
    lines = (_SPACE.sub("", line) for line in read_text(src).splitlines())
    return _write(dst_dir, "squeezed" + src.suffix, "\n".join(line for line in lines if line) + "\n")


def one_line(src: Path, dst_dir: Path) -> Path:
    """All lines joined into one, each run of whitespace (line breaks included) made one space: a copy pasted
    into a single-line field or scraped from a page's text content."""
    return _write(dst_dir, "one_line" + src.suffix, _SPACE.sub(" ", read_text(src)).strip() + "\n")


# --- PDF → text --------------------------------------------------------------------------------------------

def _pdftotext(src: Path, dst_dir: Path, name: str, *flags: str) -> Path:
    dst_dir.mkdir(parents=True, exist_ok=True)
    out = dst_dir / f"{name}.txt"
    _run(["pdftotext", *flags, "-enc", "UTF-8", str(src), str(out)])
    return out


def pdftotext(src: Path, dst_dir: Path) -> Path:
    """`pdftotext` with no option (reading order), the copy most users get from poppler."""
    return _pdftotext(src, dst_dir, "pdftotext")


def pdftotext_layout(src: Path, dst_dir: Path) -> Path:
    """`pdftotext -layout`: the page's columns kept by spaces."""
    return _pdftotext(src, dst_dir, "pdftotext_layout", "-layout")


def pdftotext_raw(src: Path, dst_dir: Path) -> Path:
    """`pdftotext -raw`: text in content-stream order."""
    return _pdftotext(src, dst_dir, "pdftotext_raw", "-raw")


def pdfminer(src: Path, dst_dir: Path) -> Path:
    """pdfminer.six `extract_text` with its default layout parameters."""
    from pdfminer.high_level import extract_text

    return _write(dst_dir, "pdfminer.txt", extract_text(str(src)))


# --- PDF → Markdown ----------------------------------------------------------------------------------------

def markitdown(src: Path, dst_dir: Path) -> Path:
    """Microsoft markitdown's Markdown of a PDF."""
    from markitdown import MarkItDown

    return _write(dst_dir, "markitdown.md", MarkItDown(enable_plugins=False).convert(str(src)).text_content)


def pymupdf4llm(src: Path, dst_dir: Path) -> Path:
    """pymupdf4llm's `to_markdown` of a PDF (its default layout and table detection) from the text layer:
    its OCR of pages it judges image-like is off, because it runs whatever OCR engine is installed (here the
    project's own) and a user's copy of a text PDF carries the text layer; scans are their own kinds."""
    import pymupdf4llm as p4l

    return _write(dst_dir, "pymupdf4llm.md", p4l.to_markdown(str(src), show_progress=False, use_ocr=False))


# --- HTML → PDF / DOCX -------------------------------------------------------------------------------------

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--host-resolver-rules=MAP * ~NOTFOUND"]  # a page's remote images and scripts fail at once


NO_RULES = "<style>table, tr, td, th { border: 0 !important; border-style: none !important; }</style>"


def _styled(html: bytes, style: str) -> bytes:
    """The page with `style` at the start of its head (before anything when it has none)."""
    m = re.search(rb"<head[^>]*>", html, re.I)
    at = m.end() if m else 0
    return html[:at] + style.encode("utf-8") + html[at:]


def _chromium(src: Path, dst_dir: Path, name: str, header: bool, style: str = "") -> Path:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        raise ConversionError("chromium not installed")
    dst_dir.mkdir(parents=True, exist_ok=True)
    out = dst_dir / f"{name}.pdf"
    with tempfile.TemporaryDirectory(prefix="variants-chromium-") as tmp:
        page = Path(tmp) / f"report{src.suffix}"
        page.write_bytes(_styled(src.read_bytes(), style) if style else src.read_bytes())
        profile = Path(tmp) / "profile"
        flags = [] if header else ["--no-pdf-header-footer"]
        _run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *flags, f"--print-to-pdf={out}", page.as_uri()])
    if not out.exists() or out.stat().st_size == 0:
        raise ConversionError("chromium printed nothing")
    return out


def chromium_pdf(src: Path, dst_dir: Path) -> Path:
    """Headless Chromium's print to PDF, without the header/footer line."""
    return _chromium(src, dst_dir, "chromium_pdf", header=False)


def chromium_pdf_borderless(src: Path, dst_dir: Path) -> Path:
    """Headless Chromium's print to PDF with every table border taken away by a style sheet: a report whose
    tables are laid out by alignment alone, no ruling lines (scanned, issue #14 item 4)."""
    return _chromium(src, dst_dir, "chromium_pdf_borderless", header=False, style=NO_RULES)


def chromium_pdf_header(src: Path, dst_dir: Path) -> Path:
    """Headless Chromium's print to PDF with its default header and footer (print date and time, page title,
    URL, page counter), as users' prints carry them."""
    return _chromium(src, dst_dir, "chromium_pdf_header", header=True)


def _libreoffice(src: Path, dst_dir: Path, name: str, target: str, infilter: str | None) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise ConversionError("libreoffice not installed")
    dst_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="variants-lo-") as tmp:
        doc = Path(tmp) / f"report{src.suffix}"
        shutil.copyfile(src, doc)
        profile = Path(tmp) / "profile"  # an own profile: concurrent soffice runs never share one
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        _run([*cmd, "--convert-to", target, "--outdir", str(Path(tmp) / "out"), str(doc)])
        made = list((Path(tmp) / "out").glob("report.*"))
        if not made:
            raise ConversionError("libreoffice wrote nothing")
        out = dst_dir / f"{name}{made[0].suffix}"
        shutil.move(str(made[0]), out)
    return out


def libreoffice_pdf(src: Path, dst_dir: Path) -> Path:
    """LibreOffice's PDF export of an HTML page, opened as a double-click opens it (Writer/Web)."""
    return _libreoffice(src, dst_dir, "libreoffice_pdf", "pdf", None)


def libreoffice_docx(src: Path, dst_dir: Path) -> Path:
    """LibreOffice's DOCX of an HTML page (opened in Writer) or of a text copy (UTF-8 text import)."""
    infilter = "HTML (StarWriter)" if src.suffix.lower() in (".html", ".htm") else "Text (encoded):UTF8,LF,,,"
    return _libreoffice(src, dst_dir, "libreoffice_docx", "docx:MS Word 2007 XML", infilter)


# step name → (converter, formats it applies to, format it makes)
STEPS = {
    "squeezed": (squeezed, ("txt", "md"), None),  # None: keeps its input's format
    "one_line": (one_line, ("txt", "md"), None),
    "pdftotext": (pdftotext, ("pdf",), "txt"),
    "pdftotext_layout": (pdftotext_layout, ("pdf",), "txt"),
    "pdftotext_raw": (pdftotext_raw, ("pdf",), "txt"),
    "pdfminer": (pdfminer, ("pdf",), "txt"),
    "markitdown": (markitdown, ("pdf",), "md"),
    "pymupdf4llm": (pymupdf4llm, ("pdf",), "md"),
    "chromium_pdf": (chromium_pdf, ("html",), "pdf"),
    "chromium_pdf_header": (chromium_pdf_header, ("html",), "pdf"),
    "chromium_pdf_borderless": (chromium_pdf_borderless, ("html",), "pdf"),
    "libreoffice_pdf": (libreoffice_pdf, ("html",), "pdf"),
    "libreoffice_docx": (libreoffice_docx, ("html", "txt", "md"), "docx"),
}
