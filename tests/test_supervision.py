"""What supervisors measure (issue 18, docs/supervision.md): section texts, prose facts and X3, publication
dates and timeliness against the rule data, completeness and missing years, section 五 copied from the year
before, and the quality leaderboard.

The samples as the real Prefect flow loads them come from the session's `warehouse` fixture; the crawl
fixture site's detail-page dates are tested in test_crawl.py. The constructed cases below are the real
2021 广州市统计局 report read from its text (one figure of its prose changed, a closing date added), loaded
as several agencies and years into a real DuckDB file.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from conftest import SAMPLES, query

GZ = SAMPLES / "2021_guangzhou_tjj.txt"


def read(text: str, source: str):
    from flows.pipeline import extract_bytes

    data = text.encode("utf-8")
    return extract_bytes(data, source, hashlib.sha256(data).hexdigest())


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    """Reports of known indicators, all from the one real report (see the module docstring)."""
    from load import warehouse
    from load.rows import report_rows

    text = GZ.read_text(encoding="utf-8")
    base = read(text, "cases/base.txt")
    late = read(text + "\n广州市民政局\n2022年2月10日\n", "cases/late.txt")  # a closing date line, 10 days late
    prose = read(text.replace("共受理信息公开申请44件", "共受理信息公开申请45件"), "cases/prose.txt")
    section5 = next(s for s in base.sections if s.kind == "problems")

    def as_year(r, agency: str, year: int, source: str):
        """The report as `agency`'s of `year`: every year it prints moved along, so that only the year differs."""
        def moved(s: str) -> str:
            return s.replace("2021", str(year)).replace("2022", str(year + 1))
        secs = [replace(s, text=moved(s.text)) for s in r.sections]
        return replace(r, agency=agency, year=year, source=source, sections=secs)

    reports = [
        replace(base, agency="广州市统计局", source="cases/a.txt", published_on=date(2022, 1, 20),
                published_on_source="page"),                                   # on time, all holds: best
        replace(late, agency="广州市民政局", source="cases/b.txt"),            # late
        replace(prose, agency="广州市财政局", source="cases/c.txt", published_on=date(2022, 1, 20),
                published_on_source="page"),                                   # prose disagrees
        replace(base, agency="广州市教育局", source="cases/d.txt"),            # date unknown
        # 广州市司法局: 2019, 2020 (section 五 of 2019 again), 2022 — 2021 missing; crawled, so last year is due
        as_year(base, "广州市司法局", 2019, "https://example.gov.cn/sfj/2019.htm"),
        as_year(base, "广州市司法局", 2020, "https://example.gov.cn/sfj/2020.htm"),
        replace(as_year(base, "广州市司法局", 2022, "https://example.gov.cn/sfj/2022.htm"),
                sections=[replace(s, text="今年的问题与去年完全不同。" * 8) if s.kind == "problems" else s
                          for s in base.sections]),
    ]
    db = tmp_path_factory.mktemp("supervision") / "w.duckdb"
    with warehouse.writing(db) as con:
        warehouse.load(con, (report_rows(r, "test") for r in reports))
    return db, {"base": base, "late": late, "prose": prose, "section5": section5}


def test_section_texts_of_a_sample(cases):
    _, r = cases
    got = [(s.section, s.kind, s.title) for s in r["base"].sections]
    assert got == [("一", "overview", "总体情况"), ("二", "active", "主动公开政府信息情况"),
                   ("三", "requests", "收到和处理政府信息公开申请情况"), ("四", "review", "政府信息公开行政复议、行政诉讼情况"),
                   ("五", "problems", "存在的主要问题及改进情况"), ("六", "other", "其他需要报告的事项")]
    assert r["section5"].text.startswith("存在的主要问题:**一是**社会公众对统计数据的关注和需求趋于多元化")
    assert "六、" not in r["section5"].text  # the section ends where the next begins


def test_sections_and_prose_facts_in_the_flow_warehouse(warehouse):
    db, *_ = warehouse
    rows = query(db, "SELECT s.section, s.title FROM sections s JOIN reports r USING (report_id) "
                     "WHERE r.source LIKE '%2021_guangzhou_tjj.txt' ORDER BY s.section")
    assert [n for n, _ in rows] == sorted("一二三四五六") and ("五", "存在的主要问题及改进情况") in rows
    # a supervisor's search across agencies: who writes about 培训 in section 五
    hits = query(db, "SELECT DISTINCT r.agency FROM sections s JOIN reports r USING (report_id) "
                     "WHERE s.kind = 'problems' AND s.text LIKE '%培训%'")
    assert ("广州市统计局",) in hits
    facts = query(db, "SELECT table_name, row_key, col_key, value, unit FROM prose_facts JOIN reports r USING (report_id) "
                      "WHERE r.source LIKE '%2021_guangzhou_tjj.txt' ORDER BY row_key")
    assert facts == [("requests", "new_received", "total", 44.0, "件"), ("prose", "processing_fee", "cny", 0.0, "元")]
    assert query(db, "SELECT processing_fee_cny FROM agency_year WHERE source LIKE '%2021_guangzhou_tjj.txt'") == [(0.0,)]
    assert query(db, "SELECT processing_fee_cny FROM agency_year WHERE source LIKE '%2025_suqian_shuyang_xzf%'") == [(380.0,)]
    # every X3 check of the samples holds: their prose agrees with their tables
    assert query(db, "SELECT count(*) > 10, bool_and(ok) FROM checks WHERE rule = 'X3'") == [(True, True)]


def test_prose_that_disagrees_with_its_table_is_an_x3_warning(cases):
    db, r = cases
    (x3,) = [c for c in r["prose"].checks if c.rule == "X3"]
    assert (x3.where, x3.ok, x3.expected, x3.actual) == ("requests/new_received/total", False, 45.0, 44.0)
    assert r["prose"].status == "flagged" and r["base"].status == "ok"
    got = query(db, "SELECT kind, code, table_name, row_key, col_key FROM report_issues "
                    "WHERE source = 'cases/c.txt' ORDER BY kind")
    assert got == [("check", "X3", "requests", "new_received", "total"),
                   ("warning", "prose_disagrees", "requests", "new_received", "total")]
    assert query(db, "SELECT prose_agrees FROM quality WHERE source = 'cases/c.txt'") == [(False,)]


def test_published_on_from_the_closing_date_line(warehouse, cases):
    db, *_ = warehouse
    assert query(db, "SELECT published_on, published_on_source FROM reports WHERE source LIKE '%2021_pingtan_czj.txt'") \
        == [(date(2022, 1, 13), "document")]
    _, r = cases
    assert (r["late"].published_on, r["late"].published_on_source) == (date(2022, 2, 10), "document")
    assert r["base"].published_on is None  # no date printed: none guessed


def test_days_late_against_the_rule_data(cases, tmp_path):
    from load import supervision, warehouse

    db, _ = cases
    sql = "SELECT agency, level, deadline, days_late, on_time, published_on_source FROM timeliness WHERE year = 2021 ORDER BY agency"
    want = {"广州市统计局": ("department", date(2022, 1, 31), 0, True, "page"),      # 条例 第四十九条: 1月31日
            "广州市民政局": ("department", date(2022, 1, 31), 10, False, "document"),
            "广州市教育局": ("department", date(2022, 1, 31), None, None, None)}  # no date: days late unknown
    got = {a: rest for a, *rest in query(db, sql)}
    assert {a: tuple(got[a]) for a in want} == want
    # the rule is data: a deadline moved to 15 February in data/deadlines.csv moves the days late
    rules = tmp_path / "deadlines.csv"
    with supervision.DEADLINES_CSV.open(encoding="utf-8") as f, rules.open("w", encoding="utf-8", newline="") as out:
        rows = list(csv.DictReader(f))
        w = csv.DictWriter(out, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows({**r, "month": 2, "day": 15} if r["level"] == "department" else r for r in rows)
    with warehouse.connect(db) as con:
        supervision.rule_data(con, deadlines=rules)
        assert con.execute("SELECT days_late, on_time FROM timeliness WHERE agency = '广州市民政局'").fetchall() == [(0, True)]
        supervision.rule_data(con)


def test_completeness_and_a_missing_year(cases):
    db, _ = cases
    assert query(db, "SELECT complete, template_ok, missing_sections, tables_present, tables_not_whole "
                     "FROM completeness WHERE source = 'cases/a.txt'") == [(True, True, [], 3, [])]
    today = date.today()
    due = today.year - (1 if today > date(today.year, 3, 31) else 2)
    missing = query(db, "SELECT year, reason FROM missing_reports WHERE agency = '广州市司法局' ORDER BY year")
    assert (2021, "gap") in missing
    assert ((due, "overdue") in missing) == (due > 2022)  # a crawled listing without last year's report


def test_completeness_of_the_samples(warehouse):
    db, *_ = warehouse
    got = dict(query(db, "SELECT split_part(source, '/', -1), complete FROM completeness"))
    assert got["2021_guangzhou_tjj.txt"] is True
    assert got["2018_pingtan_gwh.txt"] is None  # a report of the 2008 format before 2019: not judged
    # the 2025 Shanghai copy has lost its section 五 heading: incomplete, and it says which section
    assert query(db, "SELECT missing_sections FROM completeness WHERE source LIKE '%2025_shanghai%'") == [(["problems"],)]
    gaps = query(db, "SELECT agency, year FROM missing_reports WHERE reason = 'gap' ORDER BY agency, year")
    assert ("平潭综合实验区", 2019) in gaps and ("平潭综合实验区", 2020) in gaps  # 2018 and 2021 present


def test_section_five_copied_from_the_year_before(cases):
    from load.copypaste import THRESHOLD, repeated, similarity

    db, r = cases
    text = r["section5"].text
    assert similarity(text, text.replace("2021", "2020")) == 100.0  # years updated: still a copy
    assert repeated(similarity(text, "今年的问题与去年完全不同。" * 8)) is False
    assert similarity("无", text) is None  # too short to judge
    got = query(db, "SELECT r.year, s.similarity, s.repeated FROM section_repeats s JOIN reports r USING (report_id) "
                    "WHERE r.agency = '广州市司法局' ORDER BY r.year")
    assert got[0][0] == 2020 and got[0][1] >= THRESHOLD and got[0][2] is True
    assert len(got) == 1  # 2022 has no 2021 to compare with
    assert query(db, "SELECT section5_new FROM quality WHERE agency = '广州市司法局' ORDER BY year") == [(None,), (False,), (None,)]


def test_the_leaderboard_orders_the_constructed_cases(cases):
    db, _ = cases
    got = query(db, "SELECT rank, agency, score, weight_known FROM quality WHERE year = 2021 ORDER BY rank")
    # weights (data/quality_weights.csv): on time 2, complete 2, arithmetic 2, prose 1; cross-year and
    # section 五 unknown (no 2020 report): out of the score, neither helping nor hurting
    assert got == [(1, "广州市统计局", 100.0, 7.0),     # all known and held
                   (2, "广州市教育局", 100.0, 5.0),     # as good, but its date is unknown: ranked after
                   (3, "广州市财政局", 85.7, 7.0),      # prose disagrees (1 of 7)
                   (4, "广州市民政局", 71.4, 7.0)]      # late (2 of 7)


def test_every_query_of_docs_supervision_runs(warehouse):
    """The example queries of docs/supervision.md, each run on the samples' warehouse."""
    import re

    from conftest import ROOT

    db, *_ = warehouse
    text = (ROOT / "docs" / "supervision.md").read_text(encoding="utf-8")
    statements = [s for block in re.findall(r"```sql\n(.*?)```", text, re.S)
                  for s in re.sub(r"--[^\n]*", "", block).split(";") if s.strip()]
    assert len(statements) >= 9
    for sql in statements:
        query(db, sql)


def test_published_on_from_last_modified_only_where_nothing_else_dates_it(cases):
    """A crawled report without a page date or closing line takes the HTTP Last-Modified of its fetch, if that
    falls within the two years after the report's year; a later one (a site redeployed) dates nothing."""
    from load import supervision, warehouse

    db, _ = cases
    fetched = [("https://example.gov.cn/sfj/2022.htm", "Tue, 14 Mar 2023 08:00:00 GMT"),
               ("https://example.gov.cn/sfj/2019.htm", "Sun, 06 Dec 2026 01:25:49 GMT")]
    with warehouse.connect(db) as con:
        con.executemany("INSERT INTO fetches (url, status, last_modified) VALUES (?, 200, ?)", fetched)
        supervision.refresh(con)
        got = con.execute("SELECT year, published_on, published_on_source FROM reports "
                          "WHERE agency = '广州市司法局' ORDER BY year").fetchall()
        con.execute("DELETE FROM fetches")
    assert got == [(2019, None, None), (2020, None, None), (2022, date(2023, 3, 14), "last_modified")]
