# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
PORT   ?= 8501

.DEFAULT_GOAL := help
.PHONY: help venv data rebuild run test test-fast lint format bench bench-compare clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP) ## Create .venv and install the pinned requirements

data: $(STAMP) ## Build data/processed/ if it is missing or stale
	$(PY) -m pipeline build --if-stale

rebuild: $(STAMP) ## Build data/processed/ from scratch (every file extracted again)
	$(PY) -m pipeline build --full

run: data ## Set up, build the data if needed, start the app
	$(PY) -m streamlit run dashboard.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: data ## Set up, then run every test (browser tests included)
	$(PY) -m pytest

test-fast: $(STAMP) ## Every test except the slow and browser ones
	$(PY) -m pytest -m "not slow and not browser"

lint: $(STAMP) ## ruff check and format check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP) ## Apply ruff's formatting and safe fixes
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: $(STAMP) ## Benchmark the pipeline and the app (prints medians and ratios)
	$(PY) -m benchmarks

bench-compare: $(STAMP) ## Print the last two benchmark runs side by side
	$(PY) -m benchmarks.compare

clean: ## Remove the virtual environment and built data (every build, its cache and links)
	rm -rf $(VENV) .cache
	find data/processed -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
