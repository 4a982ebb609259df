# peelpipe: `make demo` runs the pipeline against the bundled sample site, `make test` runs the tests.
# Both build .venv first when it is missing or the lock file changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export PREFECT_HOME := $(CURDIR)/.prefect-home
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: demo test bench venv clean browser

$(BIN)/.installed: pyproject.toml requirements.lock hatch_build.py src/peelpipe/parse/_blockwalk.c src/peelpipe/parse/lexbor_layout.h
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) 2>&1 | grep -v "is ignored" || true
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@$(BIN)/python -c "from peelpipe.parse.blocks import BLOCK_WALK; print('peelpipe block walk:', BLOCK_WALK)"
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

test: $(BIN)/.installed browser
	$(BIN)/python -m pytest -q

# make bench: full-size synthetic site, about 5 minutes. Options: make bench BENCH_ARGS="--quick" (one run of
# each, about 2 minutes), BENCH_ARGS="--repeat 5", "--parse-only", "--keep DIR"; see bench/run.py --help.
bench: $(BIN)/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .prefect-home .pytest_cache
