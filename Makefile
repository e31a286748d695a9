# Reproducible survey reports. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KERNEL := survey-analysis
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python ($(KERNEL))" >/dev/null
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its kernel (done by the other targets)

reports: $(STAMP) ## Render every demo wave, the trends page and the index into reports/
	$(BIN)/survey-report render --source demo

reports-kaggle: $(STAMP) ## Render every Kaggle wave (needs the raw files: see README)
	$(BIN)/survey-report render --source kaggle

test: $(STAMP) ## Run the whole test suite (lint included)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP) ## ruff check
	$(BIN)/ruff check .

benchmarks: $(STAMP) ## Print the coverage, calibration, render and performance benchmarks (docs/performance.md)
	$(BIN)/python benchmarks/coverage.py
	$(BIN)/python benchmarks/demo_calibration.py
	$(BIN)/python benchmarks/render_noop.py
	$(BIN)/python benchmarks/loader.py --data-dir "$${SURVEY_DATA_DIR:-$(CURDIR)/../shared/data}"
	$(BIN)/python benchmarks/loader.py --wave 2017 --data-dir "$${SURVEY_DATA_DIR:-$(CURDIR)/../shared/data}"
	$(BIN)/python benchmarks/render_floor.py --repeat 5
	$(BIN)/python benchmarks/scale.py --repeat 5

demo-data: $(STAMP) ## Regenerate the synthetic demo waves in data/demo/
	$(BIN)/survey-report demo-data

clean: ## Remove generated reports and caches (keeps .venv)
	rm -rf reports .pytest_cache .ruff_cache .hypothesis

.PHONY: help install reports reports-kaggle test lint benchmarks demo-data clean
