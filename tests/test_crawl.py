"""Crawling a real HTTP server on 127.0.0.1: the saved pingtan column and the /edge/ column of misbehaviour.

One module fixture runs `run_flow(sources=…)` three times — first crawl, unchanged re-crawl, and a
re-crawl after one report changed — and the tests read the warehouse and the server's request log.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import query
from sitesrv import Site, touch_later

PINGTAN = "/zwgk/zfxxgk/zfxxgknb/"
SETTINGS = {"XXGK_FETCH_DELAY": "0", "XXGK_FETCH_TIMEOUT": "0.5", "XXGK_FETCH_RETRIES": "1",
            "XXGK_FETCH_BACKOFF": "0.05", "XXGK_FETCH_MAX_BYTES": "1000000", "XXGK_FETCH_MAX_REDIRECTS": "3",
            "XXGK_FETCH_PER_HOST": "4"}
# every annual report the two columns link and the server has (other listed reports answer 404)
REPORTS = {
    PINGTAN + "202403/t20240308_87885.htm",
    PINGTAN + "201204/t20120420_80678.htm",
    PINGTAN + "201402/t20140225_80774.htm",
    "/edge/gbk_report.htm", "/edge/flaky.htm", "/edge/notice.htm", "/edge/att.htm",
    "/edge/files/hongze.pdf", "/edge/szfbgt.html",
}


def write_sources(path: Path, site: Site) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["agency", "region", "level", "listing_url", "link_pattern", "encoding", "note"])
        w.writerow(["平潭综合实验区党工委管委会", "福建省平潭综合实验区", "city", site.url(PINGTAN), "", "", "saved column"])
        w.writerow(["测试栏目", "测试", "county", site.url("/edge/"), "", "", "edge cases"])
    return path


@pytest.fixture(scope="module")
def crawled(prefect_harness, tmp_path_factory):
    from flows.pipeline import run_flow

    tmp = tmp_path_factory.mktemp("crawl")
    site = Site(tmp / "www")
    db, raw = tmp / "warehouse.duckdb", tmp / "raw"
    sources = write_sources(tmp / "sources.csv", site)
    runs = {}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in SETTINGS.items():
            mp.setenv(k, v)
        runs["first"] = (run_flow(sources=str(sources), db=str(db), raw_root=str(raw)), site.hits)
        site.clear()
        runs["second"] = (run_flow(sources=str(sources), db=str(db), raw_root=str(raw)), site.hits)
        site.clear()
        flaky = site.root / "edge" / "flaky.htm"
        flaky.write_text(flaky.read_text(encoding="utf-8").replace("</body>", "<p>更正：补充说明。</p></body>"),
                         encoding="utf-8")
        touch_later(flaky)
        runs["changed"] = (run_flow(sources=str(sources), db=str(db), raw_root=str(raw)), site.hits)
    yield site, db, raw, runs
    site.close()


def path_of(site: Site, url: str) -> str:
    return url.removeprefix(site.url(""))


def test_every_report_found_and_loaded(crawled):
    site, db, _, runs = crawled
    rows = query(db, "select source, status, agency, year from reports")
    loaded = {path_of(site, s): (st, agency, year) for s, st, agency, year in rows}
    assert set(loaded) == REPORTS
    assert runs["first"][0].extracted == len(REPORTS)
    assert loaded[PINGTAN + "202403/t20240308_87885.htm"][1:] == ("平潭综合实验区", 2023)
    # GBK page announced only by its Content-Type header, decoded right
    assert loaded["/edge/gbk_report.htm"][1:] == ("沭阳县发展和改革局", 2023)
    assert loaded["/edge/gbk_report.htm"][0] in ("ok", "flagged")
    assert loaded["/edge/files/hongze.pdf"][0] in ("ok", "flagged")
    assert loaded["/edge/att.htm"][0] == "skipped"  # a page wrapping its attachment: judged in the PDF
    assert not any(st == "failed" for st, _, _ in loaded.values())


def test_not_a_report_is_skipped(crawled):
    site, db, _, runs = crawled
    status = dict(query(db, "select source, status from reports"))
    assert status[site.url("/edge/notice.htm")] == "skipped"
    # the letter filed in the column is left out at discovery (never fetched); see test_crawler_says_what_it_skipped
    assert not any("201412" in h.path for h in runs["first"][1])
    assert site.url(PINGTAN + "201412/t20141210_80787.htm") not in status


def test_crawler_says_what_it_skipped(crawled, tmp_path):
    from extract.crawl import Crawler
    from extract.fetch import Fetcher, FetchSettings
    from extract.rawstore import RawStore
    from extract.sources import Source

    site = crawled[0]
    settings = FetchSettings(delay=0, timeout=0.5, retries=0, max_bytes=1_000_000)
    with Fetcher(settings) as fetcher:
        result = Crawler(fetcher, RawStore(tmp_path)).crawl(Source("测试", "测试", "county", site.url("/edge/index_1.html")))
    assert [path_of(site, d.url) for d in result.documents] == ["/edge/att.htm", "/edge/szfbgt.html",
                                                                "/edge/files/hongze.pdf"]
    assert result.listing_pages == 2  # index_1, then index_2 by its 下一页 link
    with Fetcher(settings) as fetcher:
        result = Crawler(fetcher, RawStore(tmp_path)).crawl(Source("测试", "测试", "county", site.url("/edge/")))
    skipped = {path_of(site, u): (title, reason) for u, title, reason in result.skipped}
    assert skipped[PINGTAN + "201412/t20141210_80787.htm"][0] == "关于2014年政府信息公开工作要点落实情况的函"
    assert "not an annual report" in skipped[PINGTAN + "201412/t20141210_80787.htm"][1]
    assert result.off_site >= 2


def test_discovery_stays_on_site_and_follows_pagination(crawled):
    site, _, _, runs = crawled
    paths = {h.path for h in runs["first"][1]}
    assert {"/edge/", "/edge/index_1.html", "/edge/index_2.html"} <= paths
    assert "/private/r.htm" not in paths  # robots.txt
    assert "/robots.txt" in paths
    assert not any("pingtan.gov.cn" in p or "elsewhere" in p for p in paths)


def test_errors_recorded_and_crawl_completed(crawled):
    site, db, _, runs = crawled
    first_crawl = query(db, "select crawl_id from fetches order by fetched_at limit 1")[0][0]
    errors = dict(query(db, f"select url, error from fetches where crawl_id = '{first_crawl}' and error is not null"))
    errors = {path_of(site, u): e for u, e in errors.items()}
    assert "too many redirects" in errors["/edge/loop.htm"]
    assert errors["/edge/slow.htm"].startswith("timeout")
    assert errors["/edge/missing.htm"] == "HTTP 404"
    assert errors["/private/r.htm"] == "disallowed by robots.txt"
    assert errors["/edge/files/big.pdf"].startswith("too large: Content-Length")
    assert errors["/edge/files/endless.pdf"] == "too large: more than max 1000000 bytes"
    assert errors[PINGTAN + "202603/t20260313_105587.htm"] == "HTTP 404"
    # the 500 was retried and the retry loaded the report
    flaky = [h.status for h in runs["first"][1] if h.path == "/edge/flaky.htm"]
    assert flaky == [500, 200]
    assert query(db, f"select status, error from fetches where crawl_id = '{first_crawl}' "
                     f"and url = '{site.url('/edge/flaky.htm')}'") == [(200, None)]


def test_second_crawl_is_conditional_and_downloads_nothing(crawled):
    site, db, _, runs = crawled
    crawls = [c for (c,) in query(db, "select crawl_id from fetches group by crawl_id order by min(fetched_at)")]
    assert len(crawls) == 3
    first_ok = {path_of(site, u) for (u,) in query(
        db, f"select url from fetches where crawl_id = '{crawls[0]}' and status = 200 and error is null")}
    assert len(first_ok) == len(REPORTS) + 4  # and the listing pages: pingtan, /edge/, index_1, index_2
    second = [h for h in runs["second"][1] if h.path in first_ok]
    assert {h.path for h in second} == first_ok
    assert all(h.conditional and h.status == 304 for h in second)
    got = query(db, f"select count(*) filter (where status = 200 and error is null), sum(size), count(*) filter (where status = 304) "
                    f"from fetches where crawl_id = '{crawls[1]}'")
    assert got[0][:2] == (0, 0) and got[0][2] == len(first_ok)
    assert runs["second"][0].extracted == 0 and runs["second"][0].work["unchanged"] == len(REPORTS)
    # links that answered 404 are not asked again every night; the loop and the slow page are
    asked = {h.path for h in runs["second"][1]}
    assert "/edge/missing.htm" not in asked and PINGTAN + "202603/t20260313_105587.htm" not in asked
    assert {"/edge/loop.htm", "/edge/slow.htm"} <= asked


def test_changed_report_replaces_old_and_old_raw_stays(crawled):
    site, db, raw, runs = crawled
    url = site.url("/edge/flaky.htm")
    shas = query(db, f"select crawl_id, sha256, status from fetches where url = '{url}' and error is null "
                     "order by fetched_at")
    assert [s for _, _, s in shas] == [200, 304, 200]
    old, new = shas[0][1], shas[2][1]
    assert old != new
    assert query(db, f"select sha256 from reports where source = '{url}'") == [(new,)]
    assert (raw / old[:2] / f"{old}.bin").exists() and (raw / new[:2] / f"{new}.bin").exists()
    work = runs["changed"][0].work
    assert (work["changed"], work["unchanged"], runs["changed"][0].extracted) == (1, len(REPORTS) - 1, 1)


def test_crawl_cli_fetches_into_out_dir(crawled, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from flows.cli import app

    site = crawled[0]
    for k, v in SETTINGS.items():
        monkeypatch.setenv(k, v)
    sources = tmp_path / "one.csv"
    sources.write_text(f"agency,region,level,listing_url\n平潭,福建,city,{site.url(PINGTAN)}\n", encoding="utf-8")
    out = tmp_path / "raw"
    res = CliRunner().invoke(app, ["crawl", "--sources", str(sources), "--out", str(out),
                                   "--db", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 0, res.output
    assert "downloaded 2" in res.output  # the listing and the one saved report
    assert len(list(out.glob("*/*.bin"))) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("agency,listing_url\nx,ftp://nowhere\n", encoding="utf-8")
    assert CliRunner().invoke(app, ["crawl", "--sources", str(bad)]).exit_code == 2


def test_published_on_from_the_detail_page_and_timeliness(crawled):
    """The saved 2023 平潭 page states <meta name="PubDate" content="2024-03-08 15:34">: a city-level report for its
    area is due by 31 March (条例 第四十九条), so it is on time."""
    from datetime import date

    site, db, _, _ = crawled
    url = site.url(PINGTAN + "202403/t20240308_87885.htm")
    assert query(db, f"SELECT published_on, published_on_source FROM reports WHERE source = '{url}'") == \
        [(date(2024, 3, 8), "page")]
    assert query(db, f"SELECT level, deadline, days_late, on_time FROM timeliness WHERE source = '{url}'") == \
        [("city", date(2024, 3, 31), 0, True)]
    # the crawl found its 2011 report (old layout, skipped but there) and 2023's: the years between are missing,
    # and so is last year's once 31 March is past (a crawled listing column)
    missing = query(db, "SELECT year, reason FROM missing_reports WHERE agency = '平潭综合实验区' ORDER BY year")
    today = date.today()
    due = today.year - (1 if today > date(today.year, 3, 31) else 2)
    assert missing == [(y, "gap") for y in range(2012, 2023)] + ([(due, "overdue")] if due > 2023 else [])

