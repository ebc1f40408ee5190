"""Text copies with fused cells: every gold cell is read exactly, or left out with a warning naming it
where the table's arithmetic allows more than one split."""
from __future__ import annotations

import pytest

from conftest import SAMPLES, gold, gold_cells
from extract.readers import read_document
from transform import to_report

_DOCS21 = {("active", "normative_docs", c) for c in ("issued", "repealed", "in_force")}
# cells whose digits split in more than one way that fits every rule the table has
AMBIGUOUS = {
    "2019_pingtan_jjf.txt": set(),
    "2020_pingtan_shs.txt": {("active", "licensing", c) for c in ("items_prev_year", "items_change", "decisions")}
    | {("active", "penalty", "items_change"), ("active", "penalty", "decisions")}
    | {("active", "procurement", "procurement_items"), ("active", "procurement", "procurement_amount")},
    "2021_pingtan_czj.txt": set(),
    "2021_pingtan_gaj.txt": set(),
    "2021_pingtan_gwh.txt": _DOCS21,
    "2021_pingtan_scj.txt": set(),  # 6045: 60 | 4 | 5 would leave fewer in force than issued less repealed
    "2022_pingtan_gwh.txt": set(),  # the prose states 本年度制发…88件 and 现行有效…698件: one reading of 8855698 fits
    "2023_pingtan_gwh.txt": _DOCS21 - {("active", "normative_docs", "issued")},  # 制发…77件; 现行有效…393件 fits none
}


@pytest.mark.parametrize("name", sorted(AMBIGUOUS))
def test_fused_text_copy_matches_gold_or_warns(name):
    path = SAMPLES / name
    report = to_report(read_document(path.read_bytes(), path.name), source=name)
    got = {(t, r, c): cell.value for (t, r, c), cell in report.cells.items()}
    want = gold_cells(gold(name))
    assert (report.agency, report.year, report.template) == (gold(name)["agency"], gold(name)["year"],
                                                            gold(name)["template"])
    wrong = {k: (v, got.get(k, "<absent>")) for k, v in want.items() if k not in AMBIGUOUS[name] and got.get(k, "<absent>") != v}
    assert wrong == {}
    assert set(got) == set(want) - AMBIGUOUS[name]
    for t, r, c in AMBIGUOUS[name]:
        assert any(w.startswith(f"{t}/{r}/{c}:") for w in report.warnings), (t, r, c)


def test_report_that_breaks_r1_itself_is_read_as_printed_and_flagged():
    path = SAMPLES / "2021_pingtan_gaj.txt"
    report = to_report(read_document(path.read_bytes(), path.name))
    failed = {c.where for c in report.checks if not c.ok and c.rule == "R1"}
    assert failed == {"requests/*/natural_person", "requests/*/total"}
    assert report.get("requests", "carried_over_out", "natural_person") == 1


def test_prose_chooses_among_readings_and_says_so():
    path = SAMPLES / "2022_pingtan_gwh.txt"
    report = to_report(read_document(path.read_bytes(), path.name))
    assert [report.get("active", "normative_docs", c) for c in ("issued", "repealed", "in_force")] == [88, 55, 698]
    assert any(w.startswith("active/normative_docs/issued:") and "report's text" in w for w in report.warnings)
