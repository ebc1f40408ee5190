"""Scanned copies of a PDF: each page rendered to an image, degraded as a scanner or a photocopy degrades it,
and bound into an image-only PDF (no text layer), so reading it takes OCR.

`make_scan` is the one mechanism; `SCAN_KINDS` names the degradations the harness runs.
"""
from __future__ import annotations

from io import BytesIO
from pathlib import Path


def make_scan(pdf: Path, out: Path, dpi: int = 200, grey: bool = False, jpeg_quality: int | None = None,
              rotate: float = 0.0) -> Path:
    """Render every page of `pdf` at `dpi` (pypdfium2), optionally to greyscale, re-encode as JPEG of
    `jpeg_quality` (compression artefacts), rotate by `rotate` degrees counter-clockwise (a page fed askew;
    the canvas grows, the corners are white), and write the pages as an image-only PDF at `out`."""
    import pypdfium2 as pdfium
    from PIL import Image

    pages: list[Image.Image] = []
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for i in range(len(doc)):
            img = doc[i].render(scale=dpi / 72).to_pil().convert("L" if grey else "RGB")
            if jpeg_quality is not None:
                buf = BytesIO()
                img.save(buf, "JPEG", quality=jpeg_quality)
                img = Image.open(BytesIO(buf.getvalue()))
                img.load()
            if rotate:
                img = img.rotate(rotate, resample=Image.Resampling.BICUBIC, expand=True,
                                 fillcolor=255 if grey else (255, 255, 255))
            pages.append(img)
    finally:
        doc.close()
    if not pages:
        raise ValueError(f"{pdf}: no pages")
    out.parent.mkdir(parents=True, exist_ok=True)
    # Pillow stores each page as JPEG; quality 95 unless the kind degrades it (then the artefacts are in already)
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi), quality=95)
    return out


# kind → make_scan's keyword arguments
SCAN_KINDS: dict[str, dict] = {
    "scan_150": {"dpi": 150},
    "scan_200": {"dpi": 200},
    "scan_300": {"dpi": 300},
    "scan_grey": {"dpi": 200, "grey": True},
    "scan_jpeg50": {"dpi": 200, "jpeg_quality": 50},
    "scan_jpeg80": {"dpi": 200, "jpeg_quality": 80},
    "scan_rot+2": {"dpi": 200, "rotate": 2.0},
    "scan_rot-2": {"dpi": 200, "rotate": -2.0},
}


def scan_step(kind: str):
    """The converter `(src, dst_dir) -> Path` of one scan kind."""
    options = SCAN_KINDS[kind]

    def convert(src: Path, dst_dir: Path) -> Path:
        return make_scan(src, dst_dir / f"{kind}.pdf", **options)

    convert.__name__ = convert.__qualname__ = kind
    convert.__doc__ = f"Scan of a PDF: {options}."
    return convert
