"""The seed document (2021_guangzhou_tjj.txt) must match its gold on every cell."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT, SAMPLES, gold, gold_cells


def test_extract_cli_matches_seed_gold_exactly():
    out = subprocess.run(
        [sys.executable, "-m", "flows.cli", "extract", str(SAMPLES / "2021_guangzhou_tjj.txt"), "--json"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    report = json.loads(out.stdout)
    want = gold("2021_guangzhou_tjj.txt")
    assert (report["agency"], report["year"], report["template"]) == (want["agency"], want["year"], want["template"])
    got = gold_cells(report)
    wrong = {k: (v, got.get(k, "<absent>")) for k, v in gold_cells(want).items() if got.get(k, "<absent>") != v}
    assert wrong == {}
    assert set(got) == set(gold_cells(want))
    assert report["schema"] == "xxgk.report/1" and len(report["sha256"]) == 64
