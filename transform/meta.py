"""Agency, year and template from a document's own words (title first, body second)."""
from __future__ import annotations

import re

from transform.labels import nfkc

_TITLE = re.compile(r"政府信息公开(?:工作)?\s*(?:年度)?\s*(?:报告|年报)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PREFIX = re.compile(r"^(?:标题|题目|关于)[:：]?\s*")
_TAIL = re.compile(r"\s*(?:的)?\s*政府信息公开.*$")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def find_title(lines: list[str], container_title: str = "") -> str:
    """The report's title: the first short line naming 政府信息公开…年度报告 with a year."""
    for text in [container_title, *lines[:200]]:
        t = nfkc(text).strip()
        if 6 <= len(t) <= 80 and _TITLE.search(t) and _YEAR.search(t.translate(_CN_DIGITS)):
            return t
    for text in lines[:300]:  # a whole page run into one line: cut the title out of it
        t = nfkc(text)
        m = re.search(r"([^\s，。：:]{2,40}?(?:19|20)\d{2}\s*年(?:度)?\s*政府信息公开(?:工作)?\s*年度报告)", t)
        if m:
            return m.group(1)
    return ""


def year_of(title: str, body: str) -> int | None:
    m = _YEAR.search(title.translate(_CN_DIGITS))
    if m:
        return int(m.group(1))
    m = re.search(r"统计期限.{0,4}((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日", nfkc(body))
    return int(m.group(1)) if m else None


def agency_of(title: str) -> str | None:
    """The title minus its year and the words 政府信息公开工作年度报告."""
    t = _PREFIX.sub("", nfkc(title).strip())
    t = _TAIL.sub("", t)
    t = re.sub(r"(?:19|20)\d{2}\s*年\s*度?", "", t)
    t = re.sub(r"\s+", "", t).strip("“”\"《》")
    return t or None


def detect_template(body: str, year: int | None) -> str:
    """2021 format (国办公开办函〔2021〕30号), the 2019 trial format, or pre2019, by content."""
    b = re.sub(r"\s+", "", nfkc(body))
    has_tables = "收到和处理政府信息公开申请情况" in b or "本年新收政府信息公开申请数量" in b
    if has_tables:
        if "本年制发件数" in b or "现行有效件数" in b or "本年废止件数" in b:
            return "2021"
        if "本年新制作数量" in b or "对外公开总数量" in b or "上一年项目数量" in b:
            return "2019"
        if year:
            return "2021" if year >= 2021 else "2019"
        return "2021"
    if year and year >= 2019:  # a report on 2019 or later has the standard tables, even when we cannot find them
        return "2021" if year >= 2021 else "2019"
    return "pre2019"


def is_annual_report(title: str, body: str) -> bool:
    b = nfkc(body)
    return bool(title) or ("政府信息公开" in b and ("年度报告" in b or "年报" in b))
