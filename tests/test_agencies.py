"""Agency resolution: one id however a report names the agency, OCR slips apart unless an alias joins them."""
from __future__ import annotations

import duckdb

from gold_reports import load_gold
from load.agencies import Resolver


def test_region_prefix_variants_are_one_agency():
    r = Resolver(aliases={})
    ids = {r.agency_id(n) for n in ("淮安市洪泽区人民政府", "洪泽区人民政府", "江苏省淮安市洪泽区人民政府", "洪泽区 人民政府")}
    assert len(ids) == 1
    assert r.resolve("洪泽区人民政府").region.code == "320813"
    assert r.agency_id("平潭综合实验区") == r.agency_id("平潭综合实验区管委会")


def test_ocr_slip_stays_apart_without_alias_and_joins_with_one():
    bare = Resolver(aliases={})
    assert bare.agency_id("沐阳县人民政府") != bare.agency_id("沭阳县人民政府")
    assert bare.resolve("沐阳县人民政府").region is None
    aliased = Resolver(aliases={"沐阳县人民政府": "沭阳县人民政府"})
    assert aliased.agency_id("沐阳县人民政府") == aliased.agency_id("沭阳县人民政府")


def test_levels_and_parents():
    r = Resolver(aliases={})
    town = r.resolve("淮安市洪泽区高良涧街道办事处")
    assert town.level == "township" and town.parent.key == r.resolve("洪泽区人民政府").key
    dept = r.resolve("广州市统计局")
    assert dept.level == "department" and dept.parent.level == "city" and dept.parent.parent.level == "province"
    assert r.resolve("城乡建设局").level is None  # no region: nothing guessed


def test_ambiguous_district_is_not_guessed():
    r = Resolver(aliases={})
    assert r.resolve("朝阳区人民政府").region is None  # 北京 and 长春 both have one
    assert r.resolve("北京市朝阳区人民政府").region.code == "110105"


def test_an_edited_alias_file_rekeys_the_warehouse_at_the_next_load(tmp_path):
    db = tmp_path / "w.duckdb"
    names = ["2025_suqian_shuyang_xzf.txt", "2023_suqian_shuyang_fgj.html"]
    load_gold(db, names, resolver=Resolver(aliases={}))
    sql = "SELECT a.name, a.level, a.region_code FROM reports r JOIN agencies a USING (agency_id) WHERE r.year = 2025"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(sql).fetchall() == [("沐阳县人民政府", None, None)]
    load_gold(db, names, resolver=Resolver(aliases={"沐阳县人民政府": "沭阳县人民政府"}))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(sql).fetchall() == [("沭阳县人民政府", "county", "321322")]
        parent = con.execute("SELECT p.name FROM agencies a JOIN agencies p ON a.parent_id = p.agency_id "
                             "WHERE a.name = '沭阳县发展和改革局'").fetchall()
        assert parent == [("沭阳县人民政府",)]
        orphans = con.execute("SELECT count(*) FROM facts f LEFT JOIN agencies a USING (agency_id) "
                              "WHERE a.agency_id IS NULL").fetchone()[0]
        assert orphans == 0
