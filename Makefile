# Vigil — every target bootstraps .venv itself (Python 3.11).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HASH := $(shell cat pyproject.toml | sha1sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(HASH)
RUN_STAMP := $(VENV)/.installed-run-$(HASH)
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres lint format typecheck messages bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

# What running needs, without the developer tools (pytest, Playwright, ruff, mypy): a first
# `make run` installs a third less. A venv that already has the dev install is enough.
$(RUN_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@if [ ! -e $(STAMP) ]; then \
		$(BIN)/python -m pip install --quiet --upgrade pip && \
		$(BIN)/python -m pip install --quiet -e . ; \
	fi
	@rm -f $(VENV)/.installed-run-* && touch $(RUN_STAMP)

## run: install, migrate, create the first admin, load the demo, serve on :8000
run: $(RUN_STAMP)
	$(BIN)/vigil run

## test: ruff, then the whole suite on SQLite, then on PostgreSQL when CI=true or it answers
test: $(STAMP) lint typecheck test-sqlite test-postgres

lint: $(STAMP)
	$(BIN)/ruff format --check vigil tests bench tools
	$(BIN)/ruff check vigil tests bench tools

test-sqlite: $(STAMP)
	VIGIL_DATA_DIR=var/test-sqlite VIGIL_ALLOW_PRIVATE_FETCH=1 $(BIN)/python -m pytest

test-postgres: $(STAMP)
	@if [ "$$CI" = "true" ] || $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 0.5)" 2>/dev/null; then \
		echo "== PostgreSQL pass ($(PG_URL)) =="; \
		VIGIL_DATA_DIR=var/test-postgres VIGIL_ALLOW_PRIVATE_FETCH=1 DATABASE_URL=$(PG_URL) \
			$(BIN)/python -m pytest -m "not browser" ; \
	else \
		echo "== PostgreSQL pass SKIPPED: nothing answers on 127.0.0.1:5432 (set CI=true to require it) =="; \
	fi

format: $(STAMP)
	$(BIN)/ruff format vigil tests bench tools
	$(BIN)/ruff check --fix vigil tests bench tools

## typecheck: mypy (strict defs) on the pure cores
PURE_CORES := vigil/lib vigil/monitoring/query vigil/alerts/detectors vigil/analysis/sentiment \
	vigil/analysis/dedup.py vigil/analysis/stories.py vigil/analysis/impact.py vigil/analysis/emotion.py \
	vigil/analysis/keywords.py vigil/analysis/entities vigil/analysis/langid.py \
	vigil/sources/failures.py vigil/alerts/failures.py vigil/analysis/propagation.py \
	vigil/analysis/stories_eval.py vigil/alerts/mail_html.py
typecheck: $(STAMP)
	VIGIL_DATA_DIR=var/typecheck $(BIN)/mypy $(PURE_CORES)

## messages: refresh and compile the translation catalogs (needs gettext)
messages: $(STAMP)
	cd vigil && DJANGO_SETTINGS_MODULE=vigil.settings ../$(BIN)/django-admin makemessages -l zh_Hans -l en --ignore 'demo/scenario/*'
	$(BIN)/python tools/fill_po.py vigil/locale/zh_Hans/LC_MESSAGES/django.po tools/zh_hans.json
	cd vigil && DJANGO_SETTINGS_MODULE=vigil.settings ../$(BIN)/django-admin compilemessages

bench: $(STAMP)
	$(BIN)/vigil bench match --queries 10000 --docs 20000
	$(BIN)/vigil bench spikes

clean:
	rm -rf var/test-sqlite var/test-postgres .pytest_cache .ruff_cache .mypy_cache
