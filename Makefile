# Two commands for a newcomer: `make run` and `make test`. Both create .venv when absent.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false

.PHONY: run test chaos eval eval-variants bench install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,ocr]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/xxgk run

test: install-test
	$(BIN)/python -m pytest

# Random kills (tests/chaos.py): `xxgk run` / `xxgk crawl` SIGKILLed at KILLS moments spread over discovery,
# fetching, extraction, loading and publishing, each followed by a rerun that must equal a clean run (CI runs 1).
# SEED=n replays the moments of an earlier run (its failures name the seed).
KILLS ?= 20
chaos: install-test
	XXGK_CHAOS_KILLS=$(KILLS) XXGK_CHAOS_SEED=$(SEED) nice -n 10 $(BIN)/python -m pytest -s tests/test_chaos.py

eval: install
	$(BIN)/python tests/score_corpus.py

# Every sample copied as users' tools copy it (page text, Markdown, PDF prints, DOCX, scans), each scored
# against the sample's gold: one table, also written to bench/variants/RESULTS.md. SCANS=0 skips the (slow) scans.
SCANS ?= 1
JOBS ?= 2
$(VENV)/.installed-eval: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[eval,ocr,test]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed

eval-variants: $(VENV)/.installed-eval
	nice -n 10 $(BIN)/python bench/variants/run.py --jobs $(JOBS) $(if $(filter 0,$(SCANS)),,--scans)

# The benchmark of bench/ (docs/benchmarks.md): a real-world mix of formats, cold growth steps into one
# warehouse (SIZES: documents held after each step), a nightly rerun with 1% changed, 1- vs 2-worker speed-up,
# scans' OCR seconds per page and a national-year projection → bench/results.json and one table.
# Smaller: `make bench SIZES="200 500" BENCH_ARGS="--speedup-n 100 --repeat 1 --scans 2"`.
SIZES ?= 1000 5000 20000
BENCH_ARGS ?=
bench: install-test
	nice -n 10 $(BIN)/python bench/run.py --sizes $(SIZES) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data/warehouse.duckdb data/raw
