# Everything runs inside .venv/, created and kept up to date by these targets.
VENV    := .venv
PYTHON  := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
PORT    ?= 5000
# pytest-xdist workers for make test: one per core; WORKERS=0 runs in this process.
WORKERS ?= auto
PO      := $(wildcard matchmaker/translations/*/LC_MESSAGES/messages.po)
MO      := $(PO:.po=.mo)

.PHONY: install run test wheel bench load lint browser translations extract-messages clean

$(PYTHON):
	python3.11 -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): pyproject.toml setup.py | $(PYTHON)
	$(PYTHON) -m pip install --quiet --upgrade pip setuptools wheel
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -i $< -o $@

translations: $(MO)

install: $(STAMP) translations

run: install
	$(VENV)/bin/matchmaker db upgrade
	$(VENV)/bin/matchmaker seed-demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(VENV)/bin/matchmaker run --host 127.0.0.1 --port $(PORT)

# Browser tests drive Debian's Chromium; install it when it is missing (needs root, as on CI),
# and axe-core from the npm registry when node_modules/ lacks it.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: browser tests will be skipped (sudo apt-get install chromium)"; fi; }
	@test -f node_modules/axe-core/axe.min.js || { \
	  if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund; \
	  else echo "npm missing: accessibility tests will be skipped (apt-get install npm)"; fi; }

# Idle workers take tests from busy ones (worksteal evens out long tests); each worker has
# databases of its own (PostgreSQL <name>_gw0, <name>_gw1, ...; see tests/conftest.py).
test: install browser
	$(PYTHON) -m pytest -n $(WORKERS) --dist worksteal $(PYTEST_ARGS)

# The deployable artefact: dist/matchmaker-*.whl with templates, static files, migrations and the
# compiled catalogues inside (see README, "Deploying with PostgreSQL").
wheel: | $(PYTHON)
	rm -rf build  # setuptools never empties it: a deleted template would stay in the wheel
	$(PYTHON) -m pip wheel --quiet --no-deps --wheel-dir dist .

bench: install
	@for bench in benchmarks/bench_*.py; do echo "== $$bench"; $(PYTHON) $$bench $(BENCH_ARGS) || exit 1; done

# 500 participants against gunicorn + PostgreSQL on loopback (database matchmaker_load; see
# benchmarks/load/run.py for LOAD_ARGS such as --reseed or --page-seconds 120).
load: install
	$(PYTHON) -m pip install --quiet -e '.[load]'
	$(PYTHON) benchmarks/load/run.py $(LOAD_ARGS)

# Every suppression carries its reason next to it (# noqa / # nosec).
lint: install
	$(VENV)/bin/ruff check matchmaker tests benchmarks
	$(VENV)/bin/bandit -q -r matchmaker

# After changing UI strings: extract them and merge into the catalogues, then translate.
extract-messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o matchmaker/translations/messages.pot --ignore-dirs=".* _* .venv" .
	$(VENV)/bin/pybabel update -i matchmaker/translations/messages.pot -d matchmaker/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
