"""The benchmark harness on a tiny corpus: generated documents carry answers consistent with their bytes,
and the runner completes and writes every figure the issue asks for (no timing is asserted)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import GOLD, ROOT, SAMPLES, gold_cells

sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from bench.generate import generate

    out = tmp_path_factory.mktemp("corpus")
    return out, generate(len(list(SAMPLES.iterdir())), out)


def test_numbers_are_rewritten_as_whole_cells_only():
    from bench.generate import rewrite_numbers, scale

    assert scale("-", "3", 4) == "-12" and scale("", "2.50", 3) == "7.50"
    assert rewrite_numbers("规章\t1\t0\t12\n2021 年\n77132470行\n", "txt", 3) == "规章\t3\t0\t36\n2021 年\n77132470行\n"
    assert rewrite_numbers("<p>7</p><table><td><span>5</span></td><td>1.属于</td></table>", "html", 2) == \
        "<p>7</p><table><td><span>10</span></td><td>1.属于</td></table>"


def test_generated_answers_scale_with_the_documents(corpus):
    out, summary = corpus
    docs = summary["docs"]
    assert len(docs) == len(list((out / "docs").iterdir())) == len(list(SAMPLES.iterdir()))
    scaled = [d for d in docs if d["k"] == 2]
    assert scaled, "the first copy of the corpus uses k = 2 where that is safe"
    for d in docs:
        original = gold_cells(json.loads((GOLD / f"{d['sample']}.json").read_text(encoding="utf-8")))
        answer = json.loads((out / "gold" / f"{d['doc']}.json").read_text(encoding="utf-8"))
        assert gold_cells(answer) == {key: None if v is None else v * d["k"] for key, v in original.items()}
        if d["renamed"]:
            assert answer["agency"] != json.loads((GOLD / f"{d['sample']}.json").read_text())["agency"]
    pdf = next(d for d in docs if d["format"] == "pdf")
    assert (out / "docs" / pdf["doc"]).read_bytes() != (SAMPLES / pdf["sample"]).read_bytes()


def test_runner_writes_every_figure(tmp_path):
    """A tiny run of the mix (two growth steps, no scan): every figure of results.json is there."""
    results = tmp_path / "results.json"
    subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "8", "16", "--corpus",
                    str(tmp_path / "corpus"), "--work", str(tmp_path / "work"), "--speedup-n", "4", "--repeat", "1",
                    "--scans", "0", "--doc-rounds", "1", "--pdf-sample", "1", "--text-sample", "2",
                    "--results", str(results)],
                   check=True, cwd=ROOT, capture_output=True, timeout=900)
    r = json.loads(results.read_text())
    for key in ("documents", "docs_per_s_cold", "cpu_s_cold", "peak_rss_mb", "peak_rss_mb_quarter", "warm_fraction",
                "warm_wall_s_flow", "warm_wall_s_temporary_server", "overhead_fraction",
                "pdf_ratio_vs_naive", "speedup_2_workers", "accuracy", "agency_year_query_s", "machine",
                "mix", "growth", "nightly_1pct_fraction", "ocr_s_per_page", "national_year_projection_h",
                "doc_s_per_doc"):
        assert key in r, key
    assert r["detail"]["accuracy"]["documents_loaded"] == r["documents"] == 16 == sum(r["mix"].values())
    assert [g["n"] for g in r["growth"]] == [8, 16] and r["growth"][1]["held_before"] == 8
    assert r["nightly"]["extracted"] == r["nightly"]["changed_seen"] + r["nightly"]["new_seen"] > 0
    assert 0 < r["accuracy"] <= 1 and r["peak_rss_mb"] > 0 and r["pdf_ratio_vs_naive"] > 0
    assert r["machine"]["cores"] >= 1 and r["doc_s_per_doc"]["ratio"] > 0
    assert json.loads((tmp_path / "work" / "growth" / "growth.json").read_text()) == r["growth"]
