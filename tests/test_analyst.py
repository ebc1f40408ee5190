"""The analyst's day (issue 15): why a report is flagged, figures with a trust flag, vanished sources,
a quiet `serve`, and CLI messages printed as written."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SAMPLES, query
from flows.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory):
    """The bundled samples read for real (no Prefect: extract_bytes) and loaded into a real DuckDB file."""
    from flows.pipeline import extract_bytes
    from load import warehouse
    from load.rows import report_rows
    from transform import PARSER_VERSION

    db = tmp_path_factory.mktemp("analyst") / "warehouse.duckdb"
    reports = []
    for p in sorted(SAMPLES.iterdir()):
        data = p.read_bytes()
        reports.append(extract_bytes(data, f"data/samples/{p.name}", hashlib.sha256(data).hexdigest()))
    with warehouse.writing(db) as con:
        warehouse.load(con, (report_rows(r, PARSER_VERSION) for r in reports))
    return db, {r.source: r for r in reports}


def test_report_issues_lists_the_real_reasons_of_each_flagged_sample(samples_db):
    db, reports = samples_db
    flagged = {s: r for s, r in reports.items() if r.status == "flagged"}
    assert len(flagged) >= 7
    for source, r in flagged.items():
        got = query(db, f"SELECT kind, code, table_name, row_key, col_key, message_en, message_zh FROM report_issues "
                        f"WHERE source = '{source}'")
        checks = {(c.rule, c.where) for c in r.checks if not c.ok}
        got_checks = {(code, "/".join([t, row or "*", col])) for kind, code, t, row, col, *_ in got if kind == "check"}
        assert got_checks == checks, source
        notes = sorted((n.code, n.table or None, n.row or None, n.col or None, str(n)) for n in r.notes())
        assert sorted((code, t, row, col, en) for kind, code, t, row, col, en, _ in got if kind == "warning") == notes
        assert got and all(zh for *_, zh in got), source  # each reason also in Chinese
    # the fused digits of the 2020 社会事业局 sample: named cell by cell, with a code to filter on
    shs = query(db, "SELECT DISTINCT code FROM report_issues WHERE source LIKE '%2020_pingtan_shs%' AND row_key = 'licensing'")
    assert ("ambiguous",) in shs


def test_summary_and_extract_say_why(samples_db, capsys):
    from flows.summary import report_row

    _, reports = samples_db
    hongze = next(r for s, r in reports.items() if "hongze" in s)
    assert report_row(hongze, "new")["reason"].startswith("R4 review_litigation/")
    out = runner.invoke(app, ["extract", str(SAMPLES / "2021_pingtan_gaj.txt")]).output
    assert "check R1 failed at requests/*/total" in out and "予以公开 / 总计" in out and "split" in out


def test_blank_total_is_derived_from_the_applicant_columns_and_flagged(samples_db):
    db, _ = samples_db
    (granted, trust, rate, received_trust), = query(
        db, "SELECT granted, granted_trust, grant_rate, received_trust FROM agency_year "
            "WHERE source LIKE '%2019_shanghai%'")
    assert (granted, trust, received_trust) == (258 + 12 + 1 + 1, "derived", "printed")
    total, = query(db, "SELECT total FROM agency_year WHERE source LIKE '%2019_shanghai%'")[0]
    assert rate == round(granted / total, 4)
    # a table that breaks R4 still shows its total, flagged
    assert query(db, "SELECT review_total_trust FROM agency_year WHERE source LIKE '%hongze%'") == [("fails_check",)]
    types = dict(query(db, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'agency_year'"))
    assert types["received"] == "BIGINT" and types["grant_rate"] == "DOUBLE"
    assert query(db, "SELECT label FROM labels WHERE row_key = 'granted' AND col_key = 'total'") == [("予以公开 / 总计",)]
    assert query(db, "SELECT comment FROM duckdb_columns() WHERE table_name = 'agency_year' "
                     "AND column_name = 'received'") == [("本年新收申请",)]
    assert query(db, "SELECT count(*) FROM duckdb_views() WHERE NOT internal AND view_name NOT LIKE 'stg_%' "
                     "AND comment IS NULL") == [(0,)]


def test_rename_is_reported_then_pruned(prefect_harness, tmp_path):
    from flows.pipeline import run_flow

    folder, db = tmp_path / "in", tmp_path / "w.duckdb"
    folder.mkdir()
    for name in ("2019_pingtan_jjf.txt", "2021_pingtan_czj.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    run_flow(inputs=[str(folder)], db=str(db), raw_root=str(tmp_path / "raw"), workers=1)
    (folder / "2021_pingtan_czj.txt").rename(folder / "renamed.txt")
    s = run_flow(inputs=[str(folder)], db=str(db), raw_root=str(tmp_path / "raw"), workers=1)
    assert [Path(v).name for v in s.vanished] == ["2021_pingtan_czj.txt"] and not s.pruned
    assert query(db, "SELECT count(*) FROM reports") == [(3,)]
    r = runner.invoke(app, ["prune", "--input", str(folder), "--db", str(db)])
    assert r.exit_code == 0 and "removed" in r.output and "2021_pingtan_czj.txt" in r.output, r.output
    assert sorted(Path(s).name for (s,) in query(db, "SELECT source FROM reports")) == ["2019_pingtan_jjf.txt", "renamed.txt"]
    assert query(db, "SELECT count(*) FROM agency_year WHERE year = 2021") == [(1,)]
    assert (tmp_path / "raw").exists() and any((tmp_path / "raw").rglob("*"))  # raw bytes stay
    assert "nothing to prune" in runner.invoke(app, ["prune", "--input", str(folder), "--db", str(db)]).output


def test_messages_keep_their_brackets(tmp_path):
    odd = tmp_path / "reports[2021]"
    r = runner.invoke(app, ["run", "--input", str(odd)])
    assert r.exit_code == 2 and "reports[2021]" in r.output
    r = runner.invoke(app, ["run", "--runner", "dask", "--db", str(tmp_path / "w.duckdb")])
    if r.exit_code == 2:  # without the dask extra: the hint must keep its [dask]
        assert "xxgk[dask]" in r.output, r.output
    assert runner.invoke(app, ["--version"]).output.startswith("xxgk ")


def test_sql_formats(samples_db):
    db, _ = samples_db
    q = "select agency, granted from agency_year where source like '%2019_shanghai%'"
    assert runner.invoke(app, ["sql", q, "--db", str(db), "--format", "csv"]).output.splitlines() == [
        "agency,granted", "上海市人民政府办公厅,272"]
    assert '"granted":272' in runner.invoke(app, ["sql", q, "--db", str(db), "--format", "json"]).output
    assert "| 上海市人民政府办公厅 | 272 |" in runner.invoke(app, ["sql", q, "--db", str(db), "--format", "markdown"]).output
    assert runner.invoke(app, ["sql", q, "--db", str(db), "--format", "xml"]).exit_code == 2


def test_show_a_stored_report(samples_db):
    db, _ = samples_db
    (rid,), = query(db, "SELECT report_id FROM reports WHERE source LIKE '%hongze%'")
    out = runner.invoke(app, ["show", rid, "--db", str(db)]).output
    assert "check R4 failed at review_litigation/review/total" in out and "review_litigation/review/total" in out
    assert runner.invoke(app, ["show", "no-such-report", "--db", str(db)]).exit_code == 2


def test_serve_starts_quietly_and_says_when_it_runs(tmp_path):
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "COLUMNS": "100"}
    for k in ("PREFECT_API_URL", "PREFECT_LOGGING_LEVEL", "PREFECT_SERVER_ANALYTICS_ENABLED"):
        env.pop(k, None)
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        p = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--db", str(tmp_path / "w.duckdb")],
                             cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while "stop with Ctrl-C" not in log.read_text() and time.monotonic() < deadline and p.poll() is None:
                time.sleep(0.5)
            time.sleep(15)  # Prefect's local server starts and the deployment is registered meanwhile
            assert p.poll() is None, log.read_text()
        finally:
            p.send_signal(signal.SIGINT)
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
    text = log.read_text()
    assert "schedule '0 2 * * *' in Asia/Shanghai" in text and "next run:" in text and "prefect deployment run" in text
    assert "ERROR" not in text and "Traceback" not in text and "database is locked" not in text, text


def test_help_shows_flags_as_flags_and_every_option_with_help():
    """Every command's --help: no `<bool>` beside a flag, and each option line carries its help text."""
    import re

    from typer.main import get_command

    names = list(get_command(app).commands)
    assert {"run", "extract", "sql", "prune", "crawl", "export", "report", "serve", "show"} <= set(names)
    wide = CliRunner(env={"COLUMNS": "200", "TERM": "dumb"})
    for args in [[], *([n] for n in names)]:
        out = wide.invoke(app, [*args, "--help"]).output
        assert "<bool>" not in out, (args, out)
        for line in out.splitlines():
            m = re.match(r"│\s+(?:\*\s+)?(--[\w-]+)(?:\s+-\w)?(?:\s+\S+)?\s*│", line)
            assert m is None, (args, f"{line.strip()!r}: an option without help text")


def test_every_command_quiets_prefect_before_importing_it(monkeypatch):
    """Prefect reads its settings once, at import: `flows.cli` must not import it, and every command must pass
    through the app callback that quiets it (flows/app.py quiet_prefect), --help included."""
    from typer.main import get_command

    import flows.app

    code = "import sys, flows.cli; sys.exit('prefect' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
    calls: list[bool] = []
    monkeypatch.setattr(flows.app, "quiet_prefect", lambda verbose=False: calls.append(verbose))
    for name in get_command(app).commands:
        calls.clear()
        assert runner.invoke(app, [name, "--help"]).exit_code == 0
        assert calls == [False], name
