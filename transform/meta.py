"""Agency, year and template from a document's own words (title first, body second)."""
from __future__ import annotations

import re

from transform.labels import nfkc

_TITLE = re.compile(r"(?:信息|政务)公开(?:工作)?\s*(?:年度)?\s*(?:报告|年报)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PREFIX = re.compile(r"^(?:标题|题目|关于)[:：]?\s*")
_TAIL = re.compile(r"\s*(?:的)?\s*(?:政府)?(?:信息|政务)公开.*$")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_MARKUP = re.compile(r"^[#>*\s]+|[*\s]+$")
_SITE_SEP = re.compile(r"\s*(?:_|\||｜|--|—|-(?=[^\d]))\s*")
# an agency name: ends in the word of an administrative body
_AGENCY = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,30}?(?:人民政府(?:办公室|办公厅)?|政府|委员会|管委会|办公室|办公厅|局|厅|委|署|院|中心|"
    r"实验区|新区|开发区|[省市县区镇乡街道]{1,2}(?:办事处)?)$"
)
_REPORT_BODY = re.compile(r"总体情况|统计期限|主动公开政府信息情况|收到和处理政府信息公开申请|存在的主要问题|本(?:年度)?报告")
_BODY_AGENCY = (
    re.compile(r"汇总([\u4e00-\u9fff]{2,20}?)(?:各有关单位|各单位|本级)"),
    re.compile(r"(?:19|20)\d{2}\s*年\s*[，,]\s*([\u4e00-\u9fff]{2,20}?)(?:坚持|深入|认真|全面|紧紧|持续|始终|在)"),
)


def _is_title(t: str) -> bool:
    return 6 <= len(t) <= 80 and bool(_TITLE.search(t)) and bool(_YEAR.search(t.translate(_CN_DIGITS)))


def _clean(text: str) -> str:
    """Markdown heading marks and surrounding space off a line."""
    return _MARKUP.sub("", nfkc(text)).strip()


def find_title(lines: list[str], container_title: str = "") -> str:
    """The report's title: the first short line naming 政府信息公开…年度报告 with a year.

    A page <title> is cut at its site-name separators (`报告_栏目_网站`); a title wrapped
    over two lines is joined.
    """
    for piece in _SITE_SEP.split(nfkc(container_title)):
        if _is_title(piece.strip()):
            return piece.strip()
    head = [_clean(t) for t in lines[:200]]
    for i, t in enumerate(head):
        if _is_title(t):
            return t
        nxt = head[i + 1] if i + 1 < len(head) else ""
        if len(nxt) <= 12 and _YEAR.search(t.translate(_CN_DIGITS)) and _is_title(t + nxt) and not _is_title(nxt):
            return t + head[i + 1]
    for text in lines[:300]:  # a whole page run into one line: cut the title out of it
        t = nfkc(text)
        m = _RUN_TITLE.search(t)
        if m:
            return re.sub(r"\s+", "", m.group(1))
    return ""


# a title inside a line of running text: agency then year (沐阳县人民政府 2025 年 政府信息公开工作年度报告)
# or year then agency (2021年广州市统计局政府信息公开工作 年度报告); the first such phrase is the title
_RUN_TITLE = re.compile(
    r"((?:[^\s，。：:()（）]{2,40}?\s*(?:19|20)\d{2}\s*年\s*度?|(?:19|20)\d{2}\s*年\s*度?\s*[^\s，。：:()（）]{2,40}?)"
    r"\s*政府信息公开(?:工作)?\s*年度报告)")


def year_of(title: str, body: str) -> int | None:
    m = _YEAR.search(title.translate(_CN_DIGITS))
    if m:
        return int(m.group(1))
    m = re.search(r"统计期限.{0,4}((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日", nfkc(body))
    return int(m.group(1)) if m else None


def agency_of(title: str) -> str | None:
    """The title minus its year and the words 政府信息公开工作年度报告."""
    t = _PREFIX.sub("", _clean(title))
    t = _TAIL.sub("", t)
    t = re.sub(r"(?:(?:19|20)\d{2}|[〇零一二][〇零一二三四五六七八九]{3})\s*年\s*度?", "", t)
    t = re.sub(r"\s+", "", t).strip("“”\"《》")
    t = re.sub(r"(?:关于|的)$", "", t)
    t = _PREFIX.sub("", _NOT_NAME.sub("", t))  # what a print put before the title (date, time, URL)
    return t or None


# what an agency's name ends with (the word for an administrative body or an area's government)
_BODY_SUFFIX = re.compile(
    r"(?:人民政府|政府|委员会|管委会|管理委员会|办公室|办公厅|局|厅|委|署|院|中心|办事处|街道|实验区|新区|开发区|"
    r"示范区|试验区|自治区|自治州|自治县|[省市县区镇乡旗盟]|部|会|所|站|队|处|署|馆|社|团)$")
_NOT_NAME = re.compile(r"^[^\u4e00-\u9fff（(]+")  # what comes before the name: a print date, a time, a URL


def clean_agency(name: str | None) -> str | None:
    """The agency name without what a print or a page put before it (`12/5/26,2:38PM平潭综合实验区`:
    a browser's header line); None when nothing like a name is left."""
    if not name:
        return None
    name = _NOT_NAME.sub("", re.sub(r"\s+", "", nfkc(name))).strip("“”\"《》")
    return name if len(name) >= 2 else None


def agency_doubt(name: str | None) -> str | None:
    """Why `name` may not be an agency's name (digits, Latin letters, no word of a body at its end), or None."""
    if not name:
        return "no agency name found"
    if re.search(r"[0-9A-Za-z:/@]", name):
        return f"agency name {name!r} holds digits, letters or a URL"
    if not _BODY_SUFFIX.search(name) or len(name) > 40:
        return f"agency name {name!r} does not end like an agency's name"
    return None


def year_doubt(year: int | None, template: str | None, this_year: int) -> str | None:
    """Why the year may be wrong for the report, or None: outside the years of such reports (2008 on),
    after the year the report could be published, or a template not used in that year."""
    if year is None:
        return "no report year found"
    if not 2008 <= year <= this_year:
        return f"report year {year} is not a year of such reports"
    if template == "2021" and year < 2020:
        return f"the 2021 format on a report for {year}"
    if template == "2019" and year < 2019:
        return f"the 2019 format on a report for {year}"
    return None


def find_agency(title: str, lines: list[str]) -> str | None:
    """The agency as the report names itself: in its title; else the name printed on the line
    above the title; else the body's own words (汇总X各有关单位…, 2023年，X坚持…)."""
    named = agency_of(title) if title else None
    if named:
        return named
    head = [_clean(t) for t in lines[:200]]
    if title and title in head:
        i = head.index(title)
        for t in reversed(head[max(0, i - 2):i]):
            t = re.sub(r"\s+", "", t)
            if _AGENCY.match(t):
                return t
    body = nfkc("".join(lines[:400]))
    for pattern in _BODY_AGENCY:
        for m in pattern.finditer(body):
            name = m.group(1)
            if not name.startswith(("我", "本", "全")) and _AGENCY.match(name):
                return name
    return None


_SECTION = re.compile(r"主动公开政府信息情况|政府信息公开行政复议")  # headings 二 and 四 of the standard format


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
    if year and year >= 2019 and _SECTION.search(b):  # the standard format, tables unreadable: not a free-form report
        return "2021" if year >= 2021 else "2019"
    return "pre2019"


_LISTED_YEAR = re.compile(r"((?:19|20)\d{2})年度?政府信息公开(?:工作)?年度?报告")


def is_annual_report(title: str, body: str) -> bool:
    """A page that prints the standard tables, or one titled as an annual report whose body reads
    as one (本报告…, 总体情况, 统计期限). Letters, notices and a column's list of reports are not."""
    b = re.sub(r"\s+", "", nfkc(body))
    if "本年新收政府信息公开申请数量" in b or re.search(r"本(?:年度)?报告(?:根据|由|是|中所列|所列)", b):
        return True
    if len(set(_LISTED_YEAR.findall(b))) >= 3:
        return False  # a listing page: links to the reports of several years, no tables of its own
    return bool(title) and bool(_REPORT_BODY.search(b))
