# peelpipe: `make demo` runs the pipeline against the bundled sample site, `make test` runs the tests.
# Both build .venv first when it is missing or the lock file changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export PREFECT_HOME := $(CURDIR)/.prefect-home
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: demo test lint bench fuzz venv clean browser test-latest lock

$(BIN)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) 2>&1 | grep -v "is ignored" || true
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

venv: $(BIN)/.installed

demo: $(BIN)/.installed
	$(BIN)/peelpipe demo

# The report page test drives Debian's chromium; install it when missing (needs root, as in CI).
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  echo "installing Debian's chromium for the report page test"; \
	  if [ "$$(id -u)" != 0 ]; then echo "make test needs chromium: run 'sudo apt-get install chromium'" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# ruff (lint and format), mypy (strict on src/), import-linter (the layer contracts).
lint: $(BIN)/.installed
	$(BIN)/ruff check src flows tests bench tools
	$(BIN)/ruff format --check src flows tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports

test: $(BIN)/.installed browser lint
	$(BIN)/python -m pytest -q

# The presentation-invariance tests with a large budget: the same facts in thousands of drawn layouts;
# and the response property test: thousands of drawn sites (about 45 responses each) through a whole run.
FUZZ_EXAMPLES ?= 3000
fuzz: $(BIN)/.installed
	PEELPIPE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_presentation.py tests/test_response_property.py

# A throwaway venv with the newest versions pyproject.toml allows, then the whole suite in it.
LATEST := .venv-latest
test-latest: browser
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	@$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) 2>&1 | grep -v "is ignored" || true
	$(LATEST)/bin/uv pip install --quiet --python $(LATEST)/bin/python --upgrade -e '.[dev,bench]'
	$(LATEST)/bin/uv pip list --python $(LATEST)/bin/python 2>/dev/null | grep -iE '^(prefect|httpx|selectolax|pandas|pyarrow|duckdb|apprise|openpyxl) '
	$(LATEST)/bin/python -m pytest -q

# Regenerate the lock from pyproject.toml's ranges (newest allowed versions).
lock: $(BIN)/.installed
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra bench --python-version 3.11 -o requirements.lock

# make bench: the benchmarks, ratios against baselines run in the same process; writes docs/performance.md.
bench: $(BIN)/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(LATEST) .prefect-home .pytest_cache .mypy_cache .ruff_cache
