"""Normalise printed labels so that spacing, line breaks, bracket widths, 1. vs 1、,
Kangxi-radical code points and full-width forms do not matter, then match them."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

_DROP = re.compile(r"[\s\u3000\"'“”‘’「」『』《》<>()（）\[\]【】、，,。.：:；;·•\-—–_/\\|*#]+")
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.．、])")


# CJK Radicals Supplement code points that PDF fonts use for whole characters (上海市人⺠政府): NFKC folds
# the Kangxi radicals (U+2F00…) but not these, so they are mapped to the character they stand for.
_RADICALS = str.maketrans(
    "⺟⺠⺫⺬⺮⻄⻅⻆⻈⻉⻋⻓⻔⻘⻚⻛⻜⻝⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
    "母民目示竹西见角讠贝车长门青页风飞食饣马骨鬼鱼鸟卤麦黄黾齐齿龙龟")


def nfkc(text: str) -> str:
    """NFKC folds full-width digits/brackets and Kangxi radicals (⾏ U+2F8F → 行); the radicals that
    NFKC leaves (⺠ U+2EA0) are mapped too."""
    return unicodedata.normalize("NFKC", text).translate(_RADICALS)


@lru_cache(maxsize=1 << 16)  # column alignment asks for the same few hundred labels thousands of times a document
def norm(text: str) -> str:
    """The comparable form of a label: NFKC, no whitespace, no punctuation (NFKC again: a mark freed of the
    punctuation before it composes with its letter, 't¨' → 'ẗ', so that norm(norm(x)) == norm(x))."""
    return nfkc(_DROP.sub("", nfkc(text)))


def strip_enum(text: str) -> str:
    """Drop leading enumerators (一、 （三） 2. 2、) repeatedly: '（四）无法提供1.本机关…' → '无法提供1.本机关…'."""
    t = nfkc(text).strip()
    while True:
        m = _ENUM.match(t)
        if not m:
            return t
        t = t[m.end():].strip()


@lru_cache(maxsize=1 << 18)  # the row alignment weighs each label against the same texts beside a value once per
# row length it tries and per table it tries; a partial ratio costs far more than the lookup
def similarity(label: str, text: str) -> float:
    """0..100: how well `text` (normalised) contains canonical `label` (normalised)."""
    if not label or not text:
        return 0.0
    if len(label) < 4:  # 其他, 总计: the row's own label is the last label cell, after any group label
        return 100.0 if text.endswith(label) else 0.0
    if label in text:
        return 100.0
    if starts_label(label, text):
        return 95.0
    if len(text) < max(4, len(label) // 3):
        return 0.0  # a fragment too short to tell one long label from another
    return float(fuzz.partial_ratio(label, text))


def starts_label(label: str, text: str) -> bool:
    """`text` ends with the first half (6+ characters) of `label`: a label wrapped onto the next
    line after its values ('1.本机关不掌握相关政' | 31 0 … | '府信息')."""
    need = max(6, len(label) // 2)
    return len(label) > need and any(text.endswith(label[:k]) for k in range(len(label) - 1, need - 1, -1))
