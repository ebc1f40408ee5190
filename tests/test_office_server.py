"""The long-lived LibreOffice (extract/readers/office_server.py): one per process, the same cells as a start per
file, a bad DOC fails alone, a crash or an overrun replaces it, and no soffice outlives a run."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from conftest import SAMPLES
from docgen import html_to, need_soffice

from extract.document import ReadError
from extract.readers import office, office_server, read_document
from flows.pipeline import extract_bytes, run_flow

HTMLS = ["2023_pingtan_gwh.html", "2023_suqian_shuyang_fgj.html"]  # the second's form fields aborted a viewed load


def need_uno() -> None:
    """Skip without LibreOffice's UNO bridge (python3-uno), except in CI, where its absence is a failure."""
    need_soffice()
    python = office_server.uno_python(office.soffice() or "soffice")
    if python is None or os.system(f"{python} -c 'import uno' 2>/dev/null") != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice's UNO bridge (python3-uno) is required in CI")
        pytest.skip("no Python with LibreOffice's UNO bridge (python3-uno)")


@pytest.fixture(scope="module")
def docs() -> dict[str, bytes]:
    need_uno()
    return {name: html_to((SAMPLES / name).read_bytes(), "doc:MS Word 97") for name in HTMLS}


def cells(report) -> dict:
    return {k: c.value for k, c in report.cells.items()}


def group_alive(pgid: int) -> bool:
    """Whether any process other than a zombie is still in process group `pgid`."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def test_one_libreoffice_converts_every_doc_and_reads_as_a_start_per_file(docs, monkeypatch):
    served, pids = {}, set()
    for name, data in docs.items():
        served[name] = extract_bytes(data, "report.doc", "")
        pids.add(office_server.pid())
    assert len(pids) == 1 and None not in pids
    monkeypatch.setenv("XXGK_OFFICE_SERVER", "0")
    for name, data in docs.items():
        alone = extract_bytes(data, "report.doc", "")
        assert served[name].error is None and cells(served[name]) == cells(alone) and len(cells(alone)) > 50
    assert office_server.pid() in pids  # the per-file path left the converter alone


def _corrupt(data: bytes) -> bytes:
    """The DOC with its File Information Block overwritten: still an OLE2 file with a WordDocument stream."""
    fib = data.find(b"\xec\xa5")
    assert fib > 0
    return data[:fib + 2] + b"\xff" * 900 + data[fib + 902:]


def test_a_doc_libreoffice_refuses_fails_alone(docs):
    first, second = docs.values()
    read_document(first, "a.doc")
    pid = office_server.pid()
    report = extract_bytes(_corrupt(first), "bad.doc", "")
    assert report.status == "failed" and report.error.startswith("LibreOffice could not convert .doc")
    assert read_document(second, "b.doc").format == "doc" and office_server.pid() == pid


def test_a_crashed_libreoffice_is_replaced_and_the_document_read(docs):
    first, second = docs.values()
    read_document(first, "a.doc")
    pid = office_server.pid()
    for stat in Path("/proc").glob("[0-9]*/stat"):  # soffice.bin dies under the converter, as in a crash
        fields = stat.read_text().rsplit(")", 1)
        if "soffice" in fields[0] and int(fields[1].split()[2]) == pid:
            os.kill(int(stat.parent.name), signal.SIGKILL)
    assert read_document(second, "b.doc").format == "doc"
    assert office_server.pid() not in (None, pid) and not group_alive(pid)


def test_an_overrun_kills_the_converter_and_names_the_timeout(docs, monkeypatch):
    first, second = docs.values()
    read_document(first, "a.doc")
    pid = office_server.pid()
    monkeypatch.setattr(office, "TIMEOUT_S", 0.001)
    with pytest.raises(ReadError, match="LibreOffice took over 0.001s"):
        read_document(second, "b.doc")
    assert office_server.pid() is None and not group_alive(pid)
    monkeypatch.undo()
    assert read_document(second, "b.doc").format == "doc"


def test_without_uno_each_file_gets_its_own_libreoffice(docs, monkeypatch):
    monkeypatch.setenv("XXGK_UNO_PYTHON", "no-such-python")
    monkeypatch.setattr(office_server, "_unavailable", None)
    assert read_document(next(iter(docs.values())), "a.doc").format == "doc"
    assert office_server.pid() is None and office_server._unavailable


def _orphaned_converters() -> set[int]:
    """Living converters and soffice processes that lost their owner (re-parented to init)."""
    out = set()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmd = (proc / "cmdline").read_bytes()
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if (b"uno_convert.py" in cmd or b"xxgk-lo-" in cmd) and fields[1] == "1" and fields[0] != "Z":
            out.add(int(proc.name))
    return out


def test_no_libreoffice_outlives_a_flow_run(prefect_harness, docs, tmp_path):
    before = _orphaned_converters()
    d = tmp_path / "docs"
    d.mkdir()
    for i, data in enumerate(docs.values()):
        (d / f"report_{i}.doc").write_bytes(data)
    (d / "bad.doc").write_bytes(_corrupt(next(iter(docs.values()))))
    s = run_flow(inputs=[str(d)], db=str(tmp_path / "w.duckdb"), raw_root=str(tmp_path / "raw"), workers=2)
    status = {r["source"].rsplit("/", 1)[-1]: (r["status"], r.get("error") or "") for r in s.rows}
    assert status["bad.doc"][0] == "failed" and "LibreOffice could not convert" in status["bad.doc"][1]
    assert all(st in ("ok", "flagged") for name, (st, _) in status.items() if name != "bad.doc")
    assert not _orphaned_converters() - before
