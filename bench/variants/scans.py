"""Scanned copies of a PDF: each page rendered to an image, degraded as a scanner or a photocopy degrades it,
and bound into an image-only PDF (no text layer), so reading it takes OCR.

`make_scan` is the one mechanism; `SCAN_KINDS` names the degradations the harness runs.
"""
from __future__ import annotations

from io import BytesIO
from pathlib import Path


def stamp_seal(img: "Image.Image") -> "Image.Image":
    """A red seal stamped over the page's first table, as an agency stamps its report: a translucent red
    ring with a star and a line of text, centred on the table's upper right part (where a signature block
    or a seal often lands), found from the page's ink (the densest block of dark rows), not from any document."""
    import numpy as np
    from PIL import Image, ImageDraw

    rgb = img.convert("RGB")
    dark = (np.asarray(rgb.convert("L")) < 160).sum(axis=1)
    h, w = dark.shape[0], rgb.width
    rows = np.flatnonzero(dark > 0.5 * w)  # rows crossed by a long rule: a table's
    cy = int(rows[0] + (rows[-1] - rows[0]) * 0.3) if len(rows) else h // 3
    cx, r = int(w * 0.62), int(w * 0.13)
    layer = Image.new("RGBA", rgb.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    red = (220, 30, 30, 150)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=max(3, r // 14))
    star = [(cx + r * 0.35 * np.cos(np.pi / 2 + k * 4 * np.pi / 5), cy - r * 0.35 * np.sin(np.pi / 2 + k * 4 * np.pi / 5))
            for k in range(5)]
    draw.polygon(star, fill=red)
    for k in range(12):  # the agency's name set round the ring: short red strokes like characters
        a = np.pi * (0.15 + 0.7 * k / 11)
        x, y = cx - r * 0.72 * np.cos(a), cy - r * 0.72 * np.sin(a)
        draw.rectangle((x - r * 0.06, y - r * 0.06, x + r * 0.06, y + r * 0.06), outline=red, width=max(2, r // 30))
    draw.line((cx - r * 0.5, cy + r * 0.55, cx + r * 0.5, cy + r * 0.55), fill=red, width=max(2, r // 20))
    out = Image.alpha_composite(rgb.convert("RGBA"), layer).convert("RGB")
    return out.convert(img.mode) if img.mode == "L" else out


def make_scan(pdf: Path, out: Path, dpi: int = 200, grey: bool = False, jpeg_quality: int | None = None,
              rotate: float = 0.0, seal: bool = False) -> Path:
    """Render every page of `pdf` at `dpi` (pypdfium2), optionally stamp a red seal over its table
    (`stamp_seal`), turn it to greyscale, re-encode as JPEG of `jpeg_quality` (compression artefacts),
    rotate by `rotate` degrees counter-clockwise (a page fed askew; the canvas grows, the corners are
    white), and write the pages as an image-only PDF at `out`."""
    import pypdfium2 as pdfium
    from PIL import Image

    pages: list[Image.Image] = []
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for i in range(len(doc)):
            img = doc[i].render(scale=dpi / 72).to_pil().convert("RGB")
            if seal:
                img = stamp_seal(img)
            img = img.convert("L" if grey else "RGB")
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
    "scan_rot+3": {"dpi": 200, "rotate": 3.0},
    "scan_rot-3": {"dpi": 200, "rotate": -3.0},
    "scan_150_jpeg50": {"dpi": 150, "jpeg_quality": 50},
    "scan_seal": {"dpi": 200, "seal": True},
}


def scan_step(kind: str):
    """The converter `(src, dst_dir) -> Path` of one scan kind."""
    options = SCAN_KINDS[kind]

    def convert(src: Path, dst_dir: Path) -> Path:
        return make_scan(src, dst_dir / f"{kind}.pdf", **options)

    convert.__name__ = convert.__qualname__ = kind
    convert.__doc__ = f"Scan of a PDF: {options}."
    return convert
