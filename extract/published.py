"""The date a detail page says its report was published: the page's metadata (<meta name="PubDate">,
and the block above the article: 发布日期 / 发布时间 / 时间 / 发文日期). A pure function of the page."""
from __future__ import annotations

import re
from datetime import date

from lxml import html as lhtml

from extract.document import ReadError
from extract.readers.encoding import decode

# <meta> names content-management systems give the publication date (TRS, Hanweb, Dublin Core, Open Graph)
META_NAMES = ("pubdate", "publishdate", "publish_date", "firstpublishedtime", "article:published_time",
              "dc.date", "dc.date.issued", "dcterms.issued")
# labels of the metadata block, most specific first: 发文日期 / 成文日期 date the document, not the page
LABELS = (r"发布(?:日期|时间)", r"(?<![\u4e00-\u9fff])(?:时间|日期)", r"(?:发文|成文)日期")
_YMD = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
_ISO = re.compile(_YMD)


def _date(text: str) -> date | None:
    m = _ISO.search(text or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def published_on(page: str | bytes) -> date | None:
    """The publication date a detail page states, or None (never a guess from other dates on the page)."""
    if isinstance(page, bytes):
        try:
            page = decode(page, None)
        except ReadError:
            return None
    try:
        root = lhtml.fromstring(page)
    except (ValueError, lhtml.etree.ParserError):
        return None
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        if name in META_NAMES and (d := _date(meta.get("content", ""))):
            return d
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    text = re.sub(r"\s+", " ", root.text_content())
    for label in LABELS:
        m = re.search(rf"{label}\s*[:：]\s*{_YMD}", text)
        if m and (d := _date(m.group(0)[m.group(0).find(m.group(1)):])):
            return d
    return None
