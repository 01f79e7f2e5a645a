# The two commands in the README: `make demo` and `make test`. Everything else is a step they use.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: demo test install lint typecheck pytest browser lock bench audit clean

demo: install
	REACHABLE_MODE=demo $(BIN)/reachable demo

test: install browser lint typecheck pytest

install: $(VENV)/.installed src/reachable/static/reachable/app.css

$(VENV)/.installed: requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

src/reachable/static/reachable/app.css: package.json package-lock.json assets/reachable.scss assets/copy.mjs assets/lines-map.js
	npm ci --no-audit --no-fund
	npm run build

# Debian's Chromium drives the browser tests; Playwright never downloads a browser of its own.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; }

lint:
	$(BIN)/ruff check src benchmarks
	$(BIN)/ruff format --check src benchmarks

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest -q

# Re-pin Python dependencies after changing pyproject.toml.
lock:
	$(PY) -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

bench: install
	$(PY) benchmarks/all.py

# Known vulnerabilities in the pinned dependencies. Needs an advisory service (PyPI's per-release
# JSON or OSV, and the npm registry's advisories): --strict fails if any package could not be
# checked. Accepted Python advisories, each with its reason, are in audit-exceptions.txt (npm
# audit cannot skip one: an accepted npm advisory is recorded there and its failure read by hand).
audit: install
	$(BIN)/pip-audit -r requirements.lock --disable-pip --no-deps --strict \
		$$(grep -v '^#' audit-exceptions.txt | awk 'NF {print "--ignore-vuln", $$1}')
	npm audit --omit=dev

clean:
	rm -rf $(VENV) node_modules src/reachable/static/reachable staticfiles var
