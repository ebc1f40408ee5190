"""Every bad document fails alone with its own error; good ones in the same run still load.

Runs the real CLI (`python -m flows.cli run`) in a subprocess on the case files of
tests/bad_inputs/ (written by make_cases.py) plus a few real reports.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, SAMPLES

CASES = Path(__file__).parent / "bad_inputs"
GOOD = ["2021_guangzhou_tjj.txt", "2019_pingtan_jjf.txt", "2025_suqian_shuyang_xzf.txt", "2019_shanghai_szfbgt.html"]
EXPECTED = {
    "empty.pdf": "empty file",
    "truncated.pdf": "truncated PDF: no %%EOF end marker",
    "corrupt.pdf": "corrupt PDF:",
    "encrypted.pdf": "encrypted PDF: a password is needed",
    "html_saved_as.pdf": "content does not match the extension: an HTML page, not a PDF, named .pdf",
    "zip_named.docx": "content does not match the extension: a ZIP archive without word/document.xml named .docx",
    "truncated.docx": "corrupt ZIP container",
    "error_404.html": "web error page, not a report",
    "login.html": "login or captcha page, not a report",
    "scanned.pdf": "scanned PDF: no text layer",
    "no_tables.txt": "no standard tables found",
    "too_large.txt": "file too large:",
    "deep.html": "HTML nested too deeply",
    "malformed.html": "malformed HTML: its text sits inside broken markup",
    "zip_bomb.docx": "zip bomb:",
    "slow.pdf": "timed out: reading took over 3 s of CPU",
}


def cli_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a CLI subprocess: the session's Prefect test server (no server start of its own),
    its own raw store, wide output. Call it inside a test that uses the `prefect_harness` fixture."""
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "XXGK_RAW": str(tmp / "raw"),
            "COLUMNS": "400", "PREFECT_LOGGING_LEVEL": "WARNING", **extra}


@pytest.fixture(scope="module")
def bad_run(prefect_harness, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    inputs = tmp / "in"
    inputs.mkdir()
    for name in EXPECTED:
        if (CASES / name).exists():
            shutil.copy(CASES / name, inputs / name)
    (inputs / "too_large.txt").write_text("2022年政府信息公开工作年度报告\n" + "本年度主动公开政府信息。\n" * 12000, "utf-8")
    for name in GOOD:
        shutil.copy(SAMPLES / name, inputs / name)
    db = tmp / "wh.duckdb"
    env = cli_env(tmp, XXGK_DOC_TIMEOUT="3", XXGK_MAX_DOC_MB="0.1", XXGK_OCR="off")  # the scan case: no OCR
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "run", "--input", str(inputs), "--db", str(db)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    con = duckdb.connect(str(db), read_only=True)
    rows = {Path(s).name: (st, err) for s, st, err in con.execute("select source, status, error from reports").fetchall()}
    con.close()
    return proc, rows


def test_case_files_are_all_present():
    assert sorted(p.name for p in CASES.iterdir() if p.suffix != ".py") == sorted(set(EXPECTED) - {"too_large.txt"})


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_document_fails_with_its_own_error(bad_run, name):
    proc, rows = bad_run
    status, error = rows[name]
    assert status == "failed"
    assert error.startswith(EXPECTED[name]) or EXPECTED[name] in error, error
    assert f"{name}: {error}" in proc.stdout  # the summary names it too


def test_good_documents_load_beside_bad_ones(bad_run):
    proc, rows = bad_run
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert {name: rows[name][0] for name in GOOD} == {name: "ok" for name in GOOD} | {
        name: "flagged" for name in GOOD if rows[name][0] == "flagged"}
    assert len(rows) == len(EXPECTED) + len(GOOD)


def test_a_listing_of_reports_is_skipped_not_failed():
    """A report column's index page names many years' reports but is none: skipped, while a report that prints
    the table sections but whose tables cannot be found fails (no_tables.txt above)."""
    from extract.readers import read_document
    from transform import to_report

    links = "".join(f'<li><a href="/{y}.htm">某某区{y}年度政府信息公开工作年度报告</a></li>' for y in range(2018, 2025))
    page = f"<html><head><title>政府信息公开年报</title></head><body><ul>{links}</ul></body></html>".encode()
    report = to_report(read_document(page, "index.html"), "index.html")
    assert report.status == "skipped" and report.error is None
