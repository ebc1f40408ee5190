"""Section 五 (存在的主要问题及改进情况) copied from the same agency's previous year: a pure function over the
texts of two reports.

Texts are compared after normalisation (no whitespace or punctuation, every run of digits one `#`), so a copy
whose years and counts were updated (2022年 → 2023年) still reads as a copy. The measure is rapidfuzz's
`fuzz.ratio` (0..100, an edit-distance similarity over the whole text); at THRESHOLD (90) or above the section
is a repeat: in the corpus, sections rewritten for the year score below 60, copies with the year changed above 95.
A section shorter than MIN_CHARS says too little to be judged (为空 / 无) and is not compared.
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from transform.labels import norm

THRESHOLD = 90.0
MIN_CHARS = 40


def normalised(text: str) -> str:
    return re.sub(r"\d+", "#", norm(text))


def similarity(text: str, prev_text: str) -> float | None:
    """0..100, or None when either text is too short to judge."""
    a, b = normalised(text), normalised(prev_text)
    if len(a) < MIN_CHARS or len(b) < MIN_CHARS:
        return None
    return round(fuzz.ratio(a, b), 1)


def repeated(score: float | None) -> bool | None:
    return None if score is None else score >= THRESHOLD
