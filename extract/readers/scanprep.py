"""A scanned page made fit to read before any recognition: red seals taken out, the page turned level.

Why: Chinese official reports are stamped with a red seal, often over the table; the recogniser reads
a seal's strokes as characters and its ring cuts rules into pieces. Red ink is bright in the red
channel and dark in green and blue, while black print is dark in all three, so a reddish pixel is
given its red value as its grey (the seal fades to white, black print under a translucent seal stays
dark). A page fed in askew has rows that drift across the rules; the angle comes from the projection
profile of the ink (rules and text lines make the sharpest profile when level), so no rule is needed.
"""
from __future__ import annotations

import numpy as np

REDDISH = 50  # R − G and R − B above this: red ink (a seal, a signature stamp)
MAX_SKEW = 5.0  # degrees searched either way
MIN_SKEW = 0.1  # degrees: a page turned less is left as it is
PROFILE_WIDTH = 600  # px: the ink mask is measured at this width (the angle, not the detail, matters)
INK = 160


def without_seals(rgb: np.ndarray) -> np.ndarray:
    """Grey image of an RGB page with red ink removed (see the module docstring)."""
    r, g, b = (rgb[..., i].astype(np.int16) for i in range(3))
    grey = (0.299 * r + 0.587 * g + 0.114 * b).astype(np.uint8)
    red = ((r - g) > REDDISH) & ((r - b) > REDDISH)
    grey[red] = rgb[..., 0][red]
    return grey


def skew_angle(grey: np.ndarray) -> float:
    """Degrees the page is turned counter-clockwise (a rotation by −angle levels it); 0 when it is level."""
    import cv2

    h, w = grey.shape
    f = min(1.0, PROFILE_WIDTH / w)
    ink = cv2.resize((grey < INK).astype(np.float32), (max(1, int(w * f)), max(1, int(h * f))),
                     interpolation=cv2.INTER_AREA)
    if ink.sum() < 50:
        return 0.0

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D((ink.shape[1] / 2, ink.shape[0] / 2), angle, 1.0)
        rows = cv2.warpAffine(ink, m, (ink.shape[1], ink.shape[0])).sum(axis=1)
        return float((rows.astype(np.float64) ** 2).sum())

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25), key=sharpness)
    best = max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05), key=sharpness)
    return -float(best)


def level(image: np.ndarray, angle: float) -> np.ndarray:
    """`image` (grey or RGB) turned by −`angle` degrees about its centre, the uncovered corners white."""
    import cv2

    if abs(angle) < MIN_SKEW:
        return image
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=(255, 255, 255) if image.ndim == 3 else 255)
