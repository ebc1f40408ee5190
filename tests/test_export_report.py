"""`xxgk export` and `xxgk report` on a warehouse of the gold reports; the report is opened in headless
Chromium: charts drawn, chart area not blank, no console message."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pyarrow.dataset as ds
import pytest
from PIL import Image
from typer.testing import CliRunner

from flows.cli import app
from gold_reports import load_gold

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pub") / "warehouse.duckdb"
    load_gold(path)
    return path


def xxgk(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


def test_parquet_export_is_partitioned_by_year(db, tmp_path):
    xxgk("export", "--format", "parquet", "--out", str(tmp_path), "--db", str(db))
    assert sorted(p.name for p in (tmp_path / "agency_year").iterdir())[:2] == ["year=2018", "year=2019"]
    t = ds.dataset(tmp_path / "agency_year", partitioning="hive").to_table().to_pylist()
    pingtan = [r for r in t if r["agency"] == "平潭综合实验区" and r["year"] == 2023]
    assert len(t) == 15 and len(pingtan) == 1 and pingtan[0]["received"] == 81
    assert (tmp_path / "agencies.parquet").exists()


def test_csv_export_has_every_table_and_view(db, tmp_path):
    xxgk("export", "--format", "csv", "--out", str(tmp_path), "--db", str(db))
    names = {p.stem for p in tmp_path.glob("*.csv")}
    assert names == {"agencies", "reports", "facts", "checks", "agency_year", "requests_wide", "check_failures",
                     "cross_year", "report_issues", "sections", "prose_facts", "timeliness", "completeness",
                     "missing_reports", "quality", "labels"}
    assert (tmp_path / "agency_year.csv").read_text(encoding="utf-8").startswith("agency_id,agency,year,")


def test_excel_has_one_sheet_per_view_with_chinese_headers(db, tmp_path):
    xxgk("export", "--format", "xlsx", "--out", str(tmp_path), "--db", str(db))
    wb = openpyxl.load_workbook(tmp_path / "xxgk.xlsx", read_only=True)
    assert wb.sheetnames == ["机关年度", "依申请公开明细", "校验未通过", "跨年度校验", "公开时限", "报告完整性", "缺失年报",
                             "数据质量排名", "存疑原因", "机关"]
    head = [c.value for c in next(wb["机关年度"].iter_rows(max_row=1))]
    assert head[:6] == ["机关编号", "机关", "年度", "模板", "状态", "本年新收申请"]
    assert wb["机关年度"].max_row == 16
    rows = list(wb["机关年度"].iter_rows(min_row=2, max_row=16, values_only=True))
    assert {r[4] for r in rows} <= {"正常", "存疑", "失败", "已跳过"}  # statuses in Chinese
    received = [r[5] for r in rows if r[5] is not None]
    assert received and all(isinstance(v, int) for v in received)  # counts are integers, not 859.0
    full = openpyxl.load_workbook(tmp_path / "xxgk.xlsx")["机关年度"]
    assert full.freeze_panes == "A2" and full.auto_filter.ref
    rate = head.index("予以公开率") + 1
    assert full.cell(2, rate).number_format == "0.00%" and full.column_dimensions["B"].width > 10


def test_csv_with_bom_for_excel(db, tmp_path):
    xxgk("export", "--format", "csv", "--bom", "--out", str(tmp_path), "--db", str(db))
    assert (tmp_path / "agency_year.csv").read_bytes().startswith(b"\xef\xbb\xbfagency_id,")


def test_bad_export_format_is_a_usage_error(db, tmp_path):
    assert runner.invoke(app, ["export", "--format", "json", "--out", str(tmp_path), "--db", str(db)]).exit_code == 2


def chromium(page: Path, tmp_path: Path, *args: str) -> tuple[str, list[str]]:
    """Open `page` in headless Chromium; stdout and the page's console messages."""
    profile = tmp_path / f"profile{len(list(tmp_path.iterdir()))}"
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
         *args, page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]


def require_chromium() -> None:
    if not HAVE_CHROMIUM:
        assert os.environ.get("CI") != "true", "chromium is required in CI"
        pytest.skip("chromium not installed")


def test_console_detection_catches_a_script_error(tmp_path):
    require_chromium()
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>undefinedFunction();</script></body></html>")
    _, console = chromium(bad, tmp_path, "--dump-dom")
    assert any("undefinedFunction" in line for line in console)


def test_html_report_renders_its_charts_in_chromium(db, tmp_path):
    require_chromium()
    page = tmp_path / "report.html"
    xxgk("report", "--out", str(page), "--db", str(db))
    text = page.read_text(encoding="utf-8")
    assert "<script src=" not in text and "cdn" not in text.split("<body>")[0].lower()  # self-contained
    assert "2023_pingtan_gwh.html</a>" in text

    shot = tmp_path / "shot.png"
    _, console = chromium(page, tmp_path, "--window-size=1280,1500", f"--screenshot={shot}")
    assert console == []
    img = Image.open(shot).convert("RGB")
    for top in (120, 580, 1040):  # the three charts, 450 px each, above the tables
        band = img.crop((0, top, img.width, top + 380))
        colored = sum(band.convert("HSV").getchannel("S").histogram()[80:])
        assert colored > 0.01 * band.width * band.height, top  # bars / heat map drawn, not blank
