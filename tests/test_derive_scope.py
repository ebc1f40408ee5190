"""Publishing derives only what a load touched (load/scope.py): a second load over a warehouse that already
holds other agencies and years leaves the derived rows (agency dimension, agency ids of reports and cells,
primary reports, section 五 repeats, warning rows) exactly as deriving every report again would.

Real DuckDB files; the reports are the gold reports (several documents of one agency and year: a primary to
choose) and one real report read from its text as one agency's consecutive years (section 五 pairs).
"""
from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb

from conftest import SAMPLES
from gold_reports import gold_names, gold_report
from load import warehouse
from load.agencies import Resolver
from load.rows import report_id, report_rows
from transform.labels import norm
from transform.report import Report

# every table a load writes or derives; loaded_at differs between loads of the same report, so it is left out
TABLES = {
    "agencies": "SELECT * FROM agencies",
    "reports": "SELECT * EXCLUDE (loaded_at) FROM reports",
    "facts": "SELECT * FROM facts",
    "checks": "SELECT * FROM checks",
    "sections": "SELECT * FROM sections",
    "prose_facts": "SELECT * FROM prose_facts",
    "report_warnings": "SELECT * FROM report_warnings",
    "section_repeats": "SELECT * FROM section_repeats",
    "derivations": "SELECT * FROM derivations",
}


def contents(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: sorted(con.execute(sql).fetchall(), key=repr) for t, sql in TABLES.items()}


def years_of_one_agency() -> list[Report]:
    """广州市统计局's 2021 report as 广州市司法局's of 2019–2023, each year's section 五 that of the year before."""
    from flows.pipeline import extract_bytes

    data = (SAMPLES / "2021_guangzhou_tjj.txt").read_bytes()
    base = extract_bytes(data, "sfj/base.txt", hashlib.sha256(data).hexdigest())

    def as_year(year: int) -> Report:
        secs = [replace(s, text=s.text.replace("2021", str(year)).replace("2022", str(year + 1))) for s in base.sections]
        return replace(base, agency="广州市司法局", year=year, source=f"sfj/{year}.txt", sections=secs)

    return [as_year(y) for y in range(2019, 2024)]


def load(db: Path, reports: list[Report], resolver: Resolver | None = None, remove: list[str] = ()) -> None:
    with warehouse.writing(db) as con:
        loading = warehouse.Load(con, resolver=resolver)
        loading.remove(remove)
        loading.add(report_rows(r, "test") for r in reports)
        loading.finish()


def derive_everything(db: Path, resolver: Resolver | None = None) -> None:
    with warehouse.writing(db) as con, warehouse._transaction(con):
        warehouse.derive(con, resolver)


def test_a_second_load_derives_what_deriving_everything_would(tmp_path):
    gold = [gold_report(n) for n in gold_names()]
    years = years_of_one_agency()
    first = [r for r in gold if "2023_pingtan_gwh" not in r.source] + [years[0], years[2], years[4]]
    db = tmp_path / "w.duckdb"
    load(db, first)
    held = contents(db)
    reference = tmp_path / "reference.duckdb"
    shutil.copyfile(db, reference)
    derive_everything(reference)
    assert contents(reference) == held  # the first load (nothing held: everything in scope) is whole
    assert held["derivations"] == [(warehouse.DERIVATIONS,)]

    # the second: the years between (each a new pair for an unchanged report), a second document of an agency's
    # year already held (the primary chosen again), one report re-published with fewer cells, one removed,
    # and an alias that joins two agencies of reports this load does not touch (re-keyed, cells and all)
    pingtan = [r for r in gold if "2023_pingtan_gwh" in r.source]
    shuyang = next(r for r in first if "2023_suqian_shuyang_fgj" in r.source)
    fewer = replace(shuyang, cells=dict(list(shuyang.cells.items())[:5]))
    gone = next(r for r in first if "2021_pingtan_czj" in r.source)
    aliases = {norm("平潭综合实验区公安局"): "平潭综合实验区市场监督管理局"}  # both of 2021
    resolver = Resolver(aliases=aliases)
    load(db, pingtan + [years[1], years[3], fewer], resolver, remove=[report_id(gone.source)])
    second = contents(db)
    shutil.copyfile(db, reference)
    derive_everything(reference, Resolver(aliases=aliases))
    assert contents(reference) == second

    # what the second load had to change, so that the comparison above is of something
    assert len(second["section_repeats"]) > len(held["section_repeats"])
    assert {r[0] for r in second["reports"]} == {r[0] for r in held["reports"]} - {report_id(gone.source)} | {
        report_id(r.source) for r in pingtan + [years[1], years[3]]}


def test_a_warehouse_derived_by_other_rules_is_derived_whole(tmp_path):
    """Derived values the scope would not reach (a group no load touches) are made again once the rules
    change (load/warehouse.py DERIVATIONS), then left to the loads."""
    gold = [gold_report(n) for n in gold_names()]
    db = tmp_path / "w.duckdb"
    load(db, gold[:-1])
    with warehouse.writing(db) as con:
        con.execute("UPDATE reports SET is_primary = NULL, primary_reason = NULL")
        con.execute("UPDATE derivations SET version = version - 1")
    load(db, gold[-1:])
    got = contents(db)
    reference = tmp_path / "reference.duckdb"
    shutil.copyfile(db, reference)
    derive_everything(reference)
    assert got == contents(reference)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports WHERE is_primary IS NULL").fetchone()[0] == 0
