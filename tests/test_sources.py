"""The sources CSV reader, the report-title filter, link and pagination parsing, raw store names."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract.crawl import is_report_title, page_links, pagination, same_site
from extract.rawstore import RawStore
from extract.sources import SourcesError, read_sources

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_sources_file_reads():
    rows = read_sources(ROOT / "data" / "sources.csv")
    assert rows and all(r.listing_url.startswith("https://www.pingtan.gov.cn/") for r in rows)
    assert rows[0].agency == "平潭综合实验区党工委管委会" and rows[0].link_pattern is None


def test_sources_extra_columns_bom_blank_rows_and_duplicates(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("\ufeffagency,region,level,listing_url,encoding,note\n"
                 "甲局,某省,county,http://a.gov.cn/nb/,gbk,x\n,,,,,\n甲局,某省,county,http://a.gov.cn/nb/,gbk,y\n",
                 encoding="utf-8")
    rows = read_sources(f)
    assert len(rows) == 1 and rows[0].encoding == "gbk"


@pytest.mark.parametrize("text, message", [
    ("agency,region,listing_url\n", "missing column(s) level"),
    ("agency,region,level,listing_url\n甲,乙,city,\n", ":2: empty listing_url"),
    ("agency,region,level,listing_url\n甲,乙,city,ftp://x/\n", "not an http(s) URL"),
    ("agency,region,level,listing_url,link_pattern\n甲,乙,city,http://x/,(\n", "not a regular expression"),
    ("agency,region,level,listing_url,encoding\n甲,乙,city,http://x/,klingon\n", "unknown encoding"),
])
def test_sources_errors_name_the_problem(tmp_path, text, message):
    f = tmp_path / "s.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_sources(f)


@pytest.mark.parametrize("title, ok", [
    ("平潭综合实验区2023年度政府信息公开工作年度报告", True),
    ("平潭综合实验区地方税务局2013年信息公开年度报告", True),
    ("二〇二一年政府信息公开年报", True),
    ("关于2014年政府信息公开工作要点落实情况的函", False),
    ("政府信息公开年报", False),  # a column name, no year
    ("2023年政府工作报告", False),
])
def test_report_title(title, ok):
    assert is_report_title(title) is ok


def test_links_pseudo_links_and_pagination():
    page = """<html><body><a href="javascript:;">x</a><a href="#top">t</a><a ms-attr-href="el.url">m</a>
    <a href="./202403/t1.htm#p" title="标题">文字</a><a href="https://www.pingtan.gov.cn/a.htm">外</a>
    <a href="index_1.html">2</a><a href="/other/index_3.html">3</a><a href="list.htm">下一页</a>
    <script>createPageHTML(4, 0, "index", "shtml");</script></body></html>"""
    base = "http://127.0.0.1:9/zwgk/nb/"
    links = page_links(page, base)
    assert [(l.url, l.title) for l in links][:2] == [("http://127.0.0.1:9/zwgk/nb/202403/t1.htm", "标题"),
                                                     ("https://www.pingtan.gov.cn/a.htm", "外")]
    pages = pagination(page, links, base, base)
    assert pages == [base + "index_1.html", base + "list.htm", base + "index_1.shtml", base + "index_2.shtml",
                     base + "index_3.shtml"]
    assert same_site("https://127.0.0.1:9/x", base) and not same_site("http://127.0.0.1:10/x", base)


def test_raw_store_names_are_digests_only(tmp_path):
    store = RawStore(tmp_path / "raw")
    sha = store.put(b"abc")
    assert store.path(sha).parent.parent == tmp_path / "raw"
    for bad in ["../../etc/passwd", "a" * 63 + "/", "A" * 64]:
        with pytest.raises(ValueError):
            store.path(bad)
    (tmp_path / "raw" / "ff").symlink_to(tmp_path)  # a shard pointing outside the store
    with pytest.raises(ValueError, match="escapes"):
        store.path("f" * 64)
