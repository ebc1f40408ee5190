"""The date a report closes with (平潭综合实验区财政金融局 2022年1月13日): its own publication date, when
no page states one. Pure functions of the text."""
from __future__ import annotations

import re
from datetime import date

from transform.labels import nfkc

_CN = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}
_DATE = re.compile(r"((?:19|20)\d{2}|[〇零○一二][〇零○一二三四五六七八九]{3})\s*年\s*"
                   r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,4})\s*日")
TAIL_CHARS = 200  # the closing date is on the last lines: the signature block


def _cn_number(text: str) -> int:
    """一 … 三十一 and digit strings written with 〇…九 (二〇二二) as integers."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return int("".join(str(_CN[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_CN[tens] if tens else 1) * 10 + (_CN[ones] if ones else 0)


def parse_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(_cn_number(year), _cn_number(month), _cn_number(day))
    except (ValueError, KeyError):
        return None


def closing_date(text: str, report_year: int | None) -> date | None:
    """The last date in the report's last TAIL_CHARS characters, if it falls after the report's year ends and
    within two years of it (a date inside the year is a period or an event, not the day of publication)."""
    tail = re.sub(r"\s+", "", nfkc(text))[-TAIL_CHARS:]
    found = [d for m in _DATE.finditer(tail) if (d := parse_date(*m.groups()))]
    if not found or report_year is None:
        return None
    d = found[-1]
    return d if report_year < d.year <= report_year + 2 else None
