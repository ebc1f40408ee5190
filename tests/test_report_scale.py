"""`xxgk report` at national scale (issue 15): 1,000 agencies × 5 years, drawn in headless Chromium with no
console error, the charts not blank, and the page's weight reported. The warehouse is built from synthetic
reports directly (the pipeline over 5,000 documents is `make bench`'s job, not CI's)."""
from __future__ import annotations

import random

from PIL import Image

from test_export_report import chromium, require_chromium


def synthetic_reports(agencies: int = 1000, years: range = range(2020, 2025)):
    """Reports of the 2021 template with table 三's main totals, sizes spread over four orders of magnitude."""
    from transform.checks import run_checks
    from transform.report import Cell, Report

    rnd = random.Random(15)
    for a in range(agencies):
        name = f"测试省第{a:04d}市人民政府"
        scale = 10 ** rnd.uniform(0, 4)
        for y in years:
            received = int(scale * rnd.uniform(0.5, 1.5))
            granted = int(received * rnd.uniform(0.2, 0.8))
            r = Report(source=f"https://example.gov.cn/{a}/{y}.html", sha256=f"{a}-{y}", format="html",
                       agency=name, year=y, template="2021")
            for row, v in (("new_received", received), ("carried_over_in", 0), ("granted", granted),
                           ("results_total", received), ("carried_over_out", 0)):
                r.cells[("requests", row, "total")] = Cell(v, "number", str(v), 1)
            r.checks = run_checks(r)
            if rnd.random() < 0.02:
                r.warn("requests", "granted", "total", "synthetic doubt", "ocr")
            yield r


def test_report_stays_readable_at_1000_agencies_by_5_years(tmp_path, capsys):
    require_chromium()
    from load import warehouse
    from load.publish.report import write_report
    from load.rows import report_rows

    db = tmp_path / "w.duckdb"
    with warehouse.writing(db) as con:
        warehouse.load(con, (report_rows(r, "test") for r in synthetic_reports()))
    page = write_report(db, tmp_path / "site" / "report.html")
    text = page.read_text(encoding="utf-8")
    assert text.count("<option>测试省") == 1000  # the agency panel lists every agency
    assert 'id="ranking"' in text and "数据质量排名" in text and "对数" in text
    weight = page.stat().st_size
    with capsys.disabled():
        print(f"\nreport at 1,000 agencies × 5 years: {weight / 1e6:.1f} MB")
    shot = tmp_path / "shot.png"
    _, console = chromium(page, tmp_path, "--window-size=1280,1500", f"--screenshot={shot}")
    assert console == []
    img = Image.open(shot).convert("RGB")
    for top in (120, 580, 1040):
        band = img.crop((0, top, img.width, top + 380))
        colored = sum(band.convert("HSV").getchannel("S").histogram()[80:])
        assert colored > 0.01 * band.width * band.height, top
