"""Extraction in batches: one Prefect task per batch, each document still isolated and failing on its own."""
from __future__ import annotations

from conftest import SAMPLES
from extract.rawstore import RawStore
from flows.extraction import document_report
from flows.pipeline import BATCH_MAX, Item, batches, extract_batch, extract_bytes

SAMPLE = SAMPLES / "2019_shanghai_szfbgt.html"


def test_batches_cover_every_document_once_in_order():
    items = [Item(f"d{i}", f"{i:064x}") for i in range(1001)]
    for workers in (1, 2, 8):
        chunks = batches(items, workers)
        assert [it for c in chunks for it in c] == items
        assert max(map(len, chunks)) <= BATCH_MAX
    assert len(batches(items[:8], 2)) == 8  # few documents: one per batch, so both workers get some


def test_isolated_report_equals_in_process_report():
    data = SAMPLE.read_bytes()
    isolated = extract_bytes(data, SAMPLE.name, "", isolate=True)
    assert isolated.status != "failed"
    assert isolated == document_report(data, SAMPLE.name, "")


def test_a_failing_document_fails_alone_in_its_batch(tmp_path):
    store = RawStore(tmp_path)
    good = store.put(SAMPLE.read_bytes())
    blank = store.put(b"   ")
    missing = "f" * 64  # not in the raw store
    reports = extract_batch.fn([("good", good), ("blank", blank), ("missing", missing), ("again", good)], str(tmp_path))
    assert [r.source for r in reports] == ["good", "blank", "missing", "again"]
    assert reports[0].status != "failed" and reports[3].status != "failed"
    assert reports[1].status == "failed" and "empty file" in reports[1].error
    assert reports[2].status == "failed" and reports[2].error.startswith("extraction crashed: FileNotFoundError")
