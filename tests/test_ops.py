"""Operations: the warehouse as extraction cache, year reruns, failure isolation, the Dask runner,
the run artifact, the 80-column summary and the nightly deployment."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from conftest import ROOT, SAMPLES, query

DOCS = ["2019_pingtan_jjf.txt", "2021_guangzhou_tjj.txt", "2023_pingtan_gwh.html", "2023_suqian_shuyang_fgj.html",
        "2025_suqian_shuyang_xzf.txt"]
SNAPSHOT = {"facts": "*", "checks": "*", "reports": "report_id, agency_id, agency, year, template, source, sha256, "
            "format, status, error, parser_version"}  # what a run on another runner must reproduce
OTHER_YEARS = "select * from {t} where report_id in (select report_id from reports where year <> 2023) order by all"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("docs")
    for name in DOCS:
        shutil.copy(SAMPLES / name, d / name)
    return d


@pytest.fixture(scope="module")
def first(prefect_harness, corpus, tmp_path_factory):
    from flows.pipeline import run_flow

    work = tmp_path_factory.mktemp("ops")
    db, raw = work / "w.duckdb", work / "raw"
    summary = run_flow(inputs=[str(corpus)], db=str(db), raw_root=str(raw), workers=2)
    return db, raw, summary, {t: query(db, f"select {c} from {t} order by all") for t, c in SNAPSHOT.items()}


def test_first_run_extracts_every_document_as_new(first):
    _, _, s, _ = first
    assert s.work == {"new": len(DOCS), "changed": 0, "reparsed": 0, "forced": 0, "unchanged": 0}
    assert s.documents == len(DOCS) and s.exit_code == 0


def test_second_run_reextracts_nothing_and_touches_nothing(first, corpus):
    from flows.pipeline import run_flow

    db, raw, s1, _ = first
    before = query(db, "select report_id, loaded_at from reports order by all")
    mtime = db.stat().st_mtime_ns
    s2 = run_flow(inputs=[str(corpus)], db=str(db), raw_root=str(raw))
    assert db.stat().st_mtime_ns == mtime  # nothing changed: the warehouse file is not rewritten
    assert s2.extracted == 0 and s2.work["unchanged"] == len(DOCS)
    assert query(db, "select report_id, loaded_at from reports order by all") == before
    assert s2.by_status == s1.by_status and s2.counts == s1.counts
    assert sorted(r["received"] or 0 for r in s2.rows) == sorted(r["received"] or 0 for r in s1.rows)


def test_cli_rerun_with_nothing_changed_ends_before_prefect_and_says_so(first, corpus, tmp_path, monkeypatch):
    """A nightly `xxgk run` over unchanged files answers from the warehouse without a flow run; a changed
    file, or --always-flow, runs the flow."""
    from prefect import get_client
    from prefect.utilities.asyncutils import run_coro_as_sync

    from flows import cli

    db, raw, s1, _ = first
    monkeypatch.setenv("XXGK_RAW", str(raw))

    async def flow_runs() -> int:
        async with get_client() as client:
            return len(await client.read_flow_runs())

    before, mtime = run_coro_as_sync(flow_runs()), db.stat().st_mtime_ns
    out = CliRunner().invoke(cli.app, ["run", "--input", str(corpus), "--db", str(db)])
    assert out.exit_code == s1.exit_code and "nothing changed since the last run" in out.output
    assert "unchanged 5" in out.output and db.stat().st_mtime_ns == mtime
    assert run_coro_as_sync(flow_runs()) == before

    out = CliRunner().invoke(cli.app, ["run", "--input", str(corpus), "--db", str(db), "--always-flow"])
    assert out.exit_code == s1.exit_code and "nothing changed" not in out.output and "unchanged 5" in out.output
    assert run_coro_as_sync(flow_runs()) == before + 1

    from flows.planning import unchanged_summary

    doc = corpus / DOCS[0]
    original = doc.read_bytes()
    try:
        doc.write_bytes(original + b"\n")  # one file changed: the flow must run
        assert unchanged_summary([corpus], db) is None
    finally:
        doc.write_bytes(original)
    assert unchanged_summary([corpus], db).work["unchanged"] == len(DOCS)


def test_year_rerun_replaces_only_that_year(first, corpus, tmp_path):
    from flows.pipeline import run_flow

    db, raw, _, _ = first
    other = {t: query(db, OTHER_YEARS.format(t=t)) for t in ("facts", "checks", "reports")}
    before_2023 = dict(query(db, "select source, loaded_at from reports where year = 2023"))
    assert len(before_2023) == 2

    kept = run_flow(inputs=[str(corpus)], db=str(db), raw_root=str(raw), year=2023)  # unchanged: nothing to do
    assert kept.extracted == 0 and kept.work["unchanged"] == 2 and kept.other_years == len(DOCS) - 2
    assert dict(query(db, "select source, loaded_at from reports where year = 2023")) == before_2023

    forced = run_flow(inputs=[str(corpus)], db=str(db), raw_root=str(raw), year=2023, force=True)
    assert forced.work["forced"] == 2 and forced.extracted == 2
    after_2023 = dict(query(db, "select source, loaded_at from reports where year = 2023"))
    assert after_2023.keys() == before_2023.keys()
    assert all(after_2023[k] > before_2023[k] for k in after_2023)
    assert {t: query(db, OTHER_YEARS.format(t=t)) for t in other} == other  # byte for byte, loaded_at too

    # a year rerun over one 2023 document replaces the year: the other 2023 report goes, other years stay
    only = tmp_path / "only"
    only.mkdir()
    shutil.copy(corpus / "2023_pingtan_gwh.html", only / "2023_pingtan_gwh.html")
    one = run_flow(inputs=[str(only)], db=str(db), raw_root=str(raw), year=2023)
    assert one.documents == 1 and one.work["new"] == 1
    assert [s.rsplit("/", 1)[-1] for (s,) in query(db, "select source from reports where year = 2023")] == [
        "2023_pingtan_gwh.html"]
    assert {t: query(db, OTHER_YEARS.format(t=t)) for t in other} == other


def test_changed_document_is_reextracted(prefect_harness, corpus, tmp_path):
    from flows.pipeline import run_flow

    d = tmp_path / "docs"
    shutil.copytree(corpus, d)
    db, raw = tmp_path / "w.duckdb", tmp_path / "raw"
    run_flow(inputs=[str(d)], db=str(db), raw_root=str(raw), workers=1)
    with open(d / "2021_guangzhou_tjj.txt", "a", encoding="utf-8") as f:
        f.write("\n")  # republished with a trailing line: new bytes, same figures
    s = run_flow(inputs=[str(d)], db=str(db), raw_root=str(raw), workers=1)
    assert s.work["changed"] == 1 and s.work["unchanged"] == len(DOCS) - 1
    assert [r["source"].rsplit("/", 1)[-1] for r in s.rows if r["work"] == "changed"] == ["2021_guangzhou_tjj.txt"]


def test_corrupt_document_is_isolated_and_exits_1(prefect_harness, corpus, tmp_path, monkeypatch):
    from prefect.artifacts import Artifact

    from flows.cli import app

    for var in ("PREFECT_LOGGING_LEVEL", "PREFECT_LOGGING_TO_API_ENABLED", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"):
        monkeypatch.delenv(var, raising=False)  # restored after the test: the CLI sets them for its own process
    d = tmp_path / "docs"
    shutil.copytree(corpus, d)
    (d / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj garbage \x00\x01\x02 trailer")
    db = tmp_path / "w.duckdb"
    result = CliRunner().invoke(app, ["run", "--input", str(d), "--db", str(db), "--workers", "2"])
    assert result.exit_code == 1, result.output
    assert "corrupt.pdf" in result.output
    status = {s.rsplit("/", 1)[-1]: (st, e) for s, st, e in query(db, "select source, status, error from reports")}
    assert status["corrupt.pdf"][0] == "failed" and "PDF" in status["corrupt.pdf"][1]
    assert all(st in ("ok", "flagged") for name, (st, _) in status.items() if name != "corrupt.pdf")
    assert len(status) == len(DOCS) + 1
    assert query(db, "select count(*) from facts")[0][0] > 100

    artifact = Artifact.get("xxgk-run-summary")
    assert artifact is not None
    md = artifact.data
    assert "## Failures (1)" in md and "corrupt.pdf" in md and "| failed | 1 |" in md and "| new | 6 |" in md


def test_usage_errors_exit_2():
    from flows.cli import app

    assert CliRunner().invoke(app, ["run", "--runner", "spark"]).exit_code == 2
    assert CliRunner().invoke(app, ["run", "--address", "tcp://127.0.0.1:1"]).exit_code == 2
    assert CliRunner().invoke(app, ["run", "--workers", "0"]).exit_code == 2
    assert CliRunner().invoke(app, ["serve", "--cron", "at two"]).exit_code == 2
    assert CliRunner().invoke(app, ["serve", "--timezone", "Mars/Olympus"]).exit_code == 2


def test_dask_run_equals_default_run(first, corpus, tmp_path):
    from flows.pipeline import run_flow

    _, _, default, snapshot = first
    dask_db = tmp_path / "dask.duckdb"
    s = run_flow(inputs=[str(corpus)], db=str(dask_db), raw_root=str(tmp_path / "raw"), runner="dask", workers=2)
    assert s.exit_code == 0 and s.by_status == default.by_status and s.work == default.work
    assert {t: query(dask_db, f"select {c} from {t} order by all") for t, c in SNAPSHOT.items()} == snapshot


def test_summary_fits_80_columns(first):
    from flows import cli

    _, _, s, _ = first
    console = Console(width=80, record=True, force_terminal=False)
    old, cli.console = cli.console, console
    try:
        cli.print_summary(s)
    finally:
        cli.console = old
    text = console.export_text()
    assert max(console.measure(line).maximum for line in text.splitlines()) <= 80
    for r in s.rows:
        assert str(r["year"]) in text
    assert "new 5" in text and "unchanged 0" in text and "reading and parsing took" in text


def test_nightly_deployment_schedule(monkeypatch):
    from flows.serve import ScheduleError, nightly_deployment

    d = nightly_deployment(parameters={"db": "/srv/xxgk/warehouse.duckdb"})
    (sched,) = d.schedules
    assert (sched.schedule.cron, sched.schedule.timezone) == ("0 2 * * *", "Asia/Shanghai")
    assert d.name == "nightly" and d.parameters == {"db": "/srv/xxgk/warehouse.duckdb"}
    assert d.entrypoint.endswith("flows/pipeline.py:run_flow") and d.concurrency_limit == 1

    monkeypatch.setenv("XXGK_CRON", "30 3 * * 1-5")
    monkeypatch.setenv("XXGK_TIMEZONE", "UTC")
    (sched,) = nightly_deployment().schedules
    assert (sched.schedule.cron, sched.schedule.timezone) == ("30 3 * * 1-5", "UTC")
    (sched,) = nightly_deployment(cron="0 4 * * *", timezone="Asia/Urumqi").schedules
    assert (sched.schedule.cron, sched.schedule.timezone) == ("0 4 * * *", "Asia/Urumqi")
    with pytest.raises(ScheduleError):
        nightly_deployment(cron="61 2 * * *")


def test_prefect_yaml_matches_serve():
    import yaml

    from flows.serve import DEFAULT_CRON, DEFAULT_TIMEZONE, DEPLOYMENT

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    nightly = {d["name"]: d for d in spec["deployments"]}[DEPLOYMENT]
    assert nightly["schedules"] == [{"cron": DEFAULT_CRON, "timezone": DEFAULT_TIMEZONE}]
    for d in spec["deployments"]:
        path, name = d["entrypoint"].split(":")
        assert (ROOT / path).is_file() and f"def {name}(" in (ROOT / path).read_text(encoding="utf-8")


def test_plan_reasons():
    from flows.planning import Item, plan
    from load.catalog import Stored
    from transform import PARSER_VERSION

    def stored(src, sha, year, pv=PARSER_VERSION):
        return Stored(src, src, sha, pv, "a", year, "2021", "ok", None, 1.0, None, None, 0, ())

    items = [Item("new", "1"), Item("changed", "2"), Item("reparsed", "3"), Item("same", "4"), Item("old", "5")]
    db = {"changed": stored("changed", "x", 2023), "reparsed": stored("reparsed", "3", 2023, pv="0.0.0"),
          "same": stored("same", "4", 2023), "old": stored("old", "5", 2022)}
    p = plan(items, db, force=False, year=None)
    assert [(i.source, w) for i, w in p.todo] == [("new", "new"), ("changed", "changed"), ("reparsed", "reparsed")]
    assert [s.source for s in p.kept] == ["same", "old"]
    p = plan(items, db, force=True, year=2023)
    assert [w for _, w in p.todo] == ["new", "changed", "reparsed", "forced"] and p.kept == [] and p.other_years == 1


def test_summary_of_a_large_run_lists_the_documents_needing_attention_first(first, monkeypatch):
    from flows import cli

    _, _, s, _ = first
    monkeypatch.setattr(cli, "SUMMARY_ROWS", 2)
    console = Console(width=200, record=True, force_terminal=False)
    monkeypatch.setattr(cli, "console", console)
    cli.print_summary(s)
    text = console.export_text()
    # the summary lists by agency, then the worst first (a stable sort: ties keep the agency order, whatever
    # order the run finished its documents in)
    by_agency = sorted(s.rows, key=lambda r: (str(r["agency"]), r["year"] or 0, r["source"]))
    worst = sorted(by_agency, key=lambda r: ({"failed": 0, "flagged": 1, "skipped": 2, "ok": 3}[r["status"]], r["confidence"]))
    assert Path(worst[0]["source"]).name in text and Path(worst[-1]["source"]).name not in text
    assert f"… {len(s.rows) - 2} more documents" in text
