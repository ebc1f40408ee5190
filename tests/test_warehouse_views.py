"""The comparison views on a warehouse loaded with the gold reports: figures, one row per agency and year,
cross-year rules, and the agency dimension."""
from __future__ import annotations

import duckdb
import pytest

from conftest import gold, gold_cells
from gold_reports import gold_names, load_gold

DIRECT = {  # agency_year column → (table, row, col) printed in the report
    "received": ("requests", "new_received", "total"),
    "carried_in": ("requests", "carried_over_in", "total"),
    "granted": ("requests", "granted", "total"),
    "partially_granted": ("requests", "partially_granted", "total"),
    "total": ("requests", "results_total", "total"),
    "carried_out": ("requests", "carried_over_out", "total"),
    "review_total": ("review_litigation", "review", "total"),
    "review_corrected": ("review_litigation", "review", "corrected"),
    "licensing_decisions": ("active", "licensing", "decisions"),
    "penalty_decisions": ("active", "penalty", "decisions"),
    "coercion_decisions": ("active", "coercion", "decisions"),
    "fees_10k_cny": ("active", "fees", "amount_10k_cny"),
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = tmp_path_factory.mktemp("views") / "warehouse.duckdb"
    load_gold(db)
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def rows(con, sql: str, *params) -> list[dict]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def test_agency_year_gives_the_gold_figures(con):
    got = rows(con, "SELECT * FROM agency_year WHERE template <> 'pre2019'")
    assert len(got) == 14
    for r in got:
        cells = gold_cells(gold(r["source"].rsplit("/", 1)[1]))
        for col, key in DIRECT.items():
            want = cells.get(key)
            if r.get(f"{col}_trust") == "derived":  # 总计 blank: the sum of the printed applicant columns
                assert want is None
                want = sum(v for (t, k, c), v in cells.items() if (t, k) == key[:2] and c != "total" and v is not None)
            assert r[col] == want, (r["source"], col)
        def row_total(k):  # printed 总计, or the sum of the printed applicant columns where 总计 is blank
            v = cells.get(("requests", k, "total"))
            parts = [x for (t, kk, c), x in cells.items() if t == "requests" and kk == k and c != "total" and x is not None]
            return v if v is not None else (sum(parts) if parts else None)

        denied = [row_total(k) for (t, k, c) in cells if t == "requests" and k.startswith("denied") and c == "total"]
        printed = [v for v in denied if v is not None]
        assert len(denied) == 8 and r["denied"] == (sum(printed) if printed else None)  # all blank stays blank
        if r["total"] and r["granted"] is not None:
            assert r["grant_rate"] == pytest.approx(r["granted"] / r["total"], abs=5e-5)  # rounded to 4 places


def test_requests_wide_gives_every_gold_cell_of_table_three(con):
    got = rows(con, "SELECT * FROM requests_wide")
    primaries = {r["source"].rsplit("/", 1)[1] for r in got}
    assert len(primaries) == 14
    for name in primaries:
        expected = {(k, c): v for (t, k, c), v in gold_cells(gold(name)).items() if t == "requests"}
        have = {(r["row_key"], c): r[c] for r in got if r["source"].endswith("/" + name) for c in
                ("natural_person", "commercial_enterprise", "research_institution", "public_welfare_org",
                 "legal_service_org", "other_org", "total")}
        assert {k: v for k, v in have.items() if k in expected} == expected, name


def test_pingtan_2023_html_and_text_are_one_row(con):
    got = rows(con, "SELECT agency, received, source, primary_reason FROM agency_year "
                    "WHERE agency LIKE '平潭综合实验区%' AND year = 2023")
    assert len(got) == 1 and got[0]["received"] == 81
    docs = rows(con, "SELECT source, is_primary, primary_reason FROM reports WHERE year = 2023 AND agency_id = "
                     "(SELECT agency_id FROM agency_year WHERE agency LIKE '平潭综合实验区%' AND year = 2023)")
    assert sorted(d["source"] for d in docs) == ["data/samples/2023_pingtan_gwh.html", "data/samples/2023_pingtan_gwh.txt"]
    assert [d["is_primary"] for d in docs].count(True) == 1
    assert all(d["primary_reason"] for d in docs)


def test_consecutive_pingtan_years_give_x1_rows(con):
    got = rows(con, "SELECT year, prev_year, where_, expected, actual, ok FROM cross_year "
                    "WHERE rule = 'X1' AND agency LIKE '平潭综合实验区%' AND where_ LIKE '%/total'")
    assert {(r["prev_year"], r["year"]) for r in got} == {(2021, 2022), (2022, 2023)}
    by_year = {r["year"]: r for r in got}
    assert (by_year[2022]["expected"], by_year[2022]["actual"], by_year[2022]["ok"]) == (1, 1, True)


def test_check_failures_hold_report_rules_and_cross_year_failures(con):
    got = rows(con, "SELECT agency, year, rule, where_, expected, actual FROM check_failures")
    assert ("洪泽区人民政府", 2023, "R4") in {(r["agency"], r["year"], r["rule"]) for r in got}
    x2 = [r for r in got if r["rule"] == "X2"]
    assert [(r["year"], r["where_"], r["expected"], r["actual"]) for r in x2] == \
        [(2023, "active/normative_docs/in_force", 643, 470)]


def test_agencies_carry_region_code_level_and_parent(con):
    a = {r["name"]: r for r in rows(con, "SELECT * FROM agencies")}
    hongze = a["洪泽区人民政府"]
    assert (hongze["region_code"], hongze["level"], hongze["city"]) == ("320813", "county", "淮安市")
    assert a["淮安市人民政府"]["agency_id"] == hongze["parent_id"]
    assert a["沭阳县发展和改革局"]["level"] == "department"
    assert a["沭阳县发展和改革局"]["parent_id"] == a["沭阳县人民政府"]["agency_id"]
    assert a["广州市统计局"]["region_code"] == "440100"
    assert a["上海市人民政府办公厅"]["region_code"] == "310000"
    pingtan = [r for n, r in a.items() if n.startswith("平潭综合实验区") and r["level"] == "city"]
    assert len(pingtan) == 1 and pingtan[0]["region_code"] == "350128"


def test_every_view_is_keyed_by_agency_and_year(con):
    for view in ("requests_wide", "agency_year", "check_failures", "cross_year"):
        cols = [d[0] for d in con.execute(f"SELECT * FROM {view} LIMIT 0").description]
        assert cols[:3] == ["agency_id", "agency", "year"], view
    dup = con.execute("SELECT agency_id, year FROM agency_year GROUP BY ALL HAVING count(*) > 1").fetchall()
    assert dup == []


def test_gold_names_cover_the_samples():
    assert len(gold_names()) == 16
