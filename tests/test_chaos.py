"""Random kills (tests/chaos.py): `xxgk run` or `xxgk crawl` SIGKILLed at a random moment of discovery,
fetching, extraction, loading, publishing or recording, then `xxgk run` again. After the kill the warehouse
is all or nothing (as before the run, or as a clean run leaves it); after the rerun it equals a clean run's
(row counts, checksum of facts, the URLs crawled), no lock or temporary file held it up, and the raw store
holds no partial file. CI runs the first XXGK_CHAOS_KILLS kills (default 3: publishing, loading, a crawl's
fetching; each costs two runs); `make chaos` runs all 20. XXGK_CHAOS_SEED replays a set of moments (each failure names its seed)."""
from __future__ import annotations

import os
import random

import pytest

from chaos import DOCUMENTS, Kill, Outcome, build_column, content, fingerprint, leftovers, plan, write_sources, xxgk
from sitesrv import Site
from test_bad_inputs import cli_env

KILLS = int(os.environ.get("XXGK_CHAOS_KILLS", "3"))
SEED = int(os.environ.get("XXGK_CHAOS_SEED") or random.randrange(1 << 30))
ENV = {"XXGK_FETCH_DELAY": "0.05", "XXGK_OCR": "off"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    s = Site(tmp_path_factory.mktemp("chaos") / "www")
    build_column(s)
    yield s
    s.close()


@pytest.fixture(scope="module")
def clean(prefect_harness, site, tmp_path_factory) -> tuple[Outcome, dict, list[Kill]]:
    """A run never killed: the warehouse every rerun must equal, and the windows kills are drawn in."""
    tmp = tmp_path_factory.mktemp("clean")
    db = tmp / "wh.duckdb"
    done = xxgk("run", write_sources(tmp / "sources.csv", site), db, cli_env(tmp, **ENV), site)
    assert done.returncode in (0, 1), done.output
    fp = fingerprint(db)
    assert fp["reports"] == DOCUMENTS and fp["fetched urls"] == DOCUMENTS + 2, (fp, done.output)  # + 2 listing pages
    return done, fp, plan(KILLS, SEED, done.timeline)


@pytest.mark.parametrize("i", range(KILLS))
def test_a_killed_run_is_all_or_nothing_and_the_rerun_equals_a_clean_run(i, site, clean, tmp_path):
    done, reference, kills = clean
    kill = kills[i]
    why = f"kill {kill} (XXGK_CHAOS_SEED={SEED})"
    db, raw = tmp_path / "wh.duckdb", tmp_path / "raw"
    sources, env = write_sources(tmp_path / "sources.csv", site), cli_env(tmp_path, **ENV)

    killed = xxgk(kill.command, sources, db, env, site, kill)
    print(f"{why}: landed in {killed.landed or 'nothing (the process had ended)'}")
    after_kill = content(fingerprint(db))
    assert after_kill in ({}, content(reference)) or after_kill["reports"] == after_kill["facts"] == 0, why

    again = xxgk("run", sources, db, env, site)
    assert again.returncode == done.returncode, f"{why}\n{again.output}"
    assert "being written by another run" not in again.output, why  # no stale lock held the rerun
    assert fingerprint(db) == reference, why
    assert leftovers(db, raw) == [], why
