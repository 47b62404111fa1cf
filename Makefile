# Two commands for a new machine: `make run` (service with demo data) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
export BAHI_DATABASE_URL ?= sqlite:///$(CURDIR)/var/bahi.sqlite3

.PHONY: run test lint typecheck bench clean translations

$(BIN)/activate: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

var:
	mkdir -p var

run: $(BIN)/activate var
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	@echo "Bahi is serving on http://127.0.0.1:5000/  (API docs: http://127.0.0.1:5000/api/v1/docs)"
	@echo "The scheduler process (audit reports, large imports) runs beside it: var/scheduler.log"
	@$(BIN)/flask scheduler run > var/scheduler.log 2>&1 & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Runs the whole suite on SQLite, and on PostgreSQL when BAHI_TEST_DATABASE_URL is set or a
# local server can be started (scripts/local_postgres.sh); the browser tests when Debian's
# chromium and chromium-driver are installed.
test: $(BIN)/activate
	@url="$${BAHI_TEST_DATABASE_URL:-$$(scripts/local_postgres.sh 2>/dev/null)}"; \
	if [ -n "$$url" ]; then echo "PostgreSQL tests: on"; else echo "PostgreSQL tests: skipped (no server)"; fi; \
	if [ -x /usr/bin/chromium ]; then echo "Browser tests: on"; else echo "Browser tests: skipped (apt install chromium chromium-driver)"; fi; \
	BAHI_TEST_DATABASE_URL="$$url" $(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The ledger benchmark on PostgreSQL; `make bench BENCH_ARGS=--smoke` runs it at tiny sizes in
# seconds. Every scripts/bench_*.py takes --smoke, and `make test` runs each that way.
bench: $(BIN)/activate
	$(BIN)/python scripts/bench_ledger.py $(BENCH_ARGS)

# The pages' words: extract every _() of app/ into messages.pot and merge it into the Hindi and
# Odia catalogs (new words come in untranslated: tests/test_translations.py fails until they
# are). The .mo files are compiled from the .po when the app starts (app/i18n.py).
translations: $(BIN)/activate
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --omit-header \
		-o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations \
		--no-fuzzy-matching --ignore-obsolete --width 100

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
