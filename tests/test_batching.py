"""Extraction in batches: one Prefect task per batch, each document still isolated and failing on its own."""
from __future__ import annotations

from conftest import SAMPLES
from extract.rawstore import RawStore
from flows.extraction import document_report
from flows.pipeline import BATCH_MAX, batches, extract_batch, extract_bytes
from flows.planning import Item

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


def _batches_still_held(todo: list, raw_root: str) -> tuple[list[int], int]:
    """In a flow, as the run flow does: for each batch taken, how many Reports of the batches before the
    previous one are alive; and, after the last batch, how many of all the earlier batches' Reports are."""
    import gc
    import weakref

    from flows.pipeline import extracted_batches

    held, earlier, previous = [], [], []
    for reports in extracted_batches(todo, raw_root, "local", 1, None):
        gc.collect()
        held.append(sum(ref() is not None for ref in earlier))
        earlier, previous = earlier + previous, [weakref.ref(r) for r in reports]
        del reports
    gc.collect()
    return held, sum(ref() is not None for ref in earlier)


def test_a_loaded_batch_is_let_go_before_the_run_ends(prefect_harness, tmp_path):
    """Memory stays flat as the corpus grows: once the flow has taken a batch's Reports, nothing of the
    runner keeps them (prefect.futures.as_completed kept every future's result until the last one)."""
    from prefect import flow

    store = RawStore(tmp_path / "raw")
    todo = [(Item(p.name, store.put(p.read_bytes())), "new") for p in sorted(SAMPLES.iterdir())]
    chunks = batches([it for it, _ in todo], 1)
    held, at_end = flow(name="batches-held")(_batches_still_held)(todo, str(tmp_path / "raw"))
    assert len(held) == len(chunks) >= 4
    # Prefect's engine may keep the last tasks' results a little longer: a batch or two, never a growing number
    assert max(held + [at_end]) <= 2 * max(map(len, chunks)) < len(todo) - 2 * max(map(len, chunks))
