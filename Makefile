# Zugong — developer and CI entry points (GNU make).
#
#   make setup          .venv + Python deps, npm deps vendored into zugong/static/vendor/, migrate
#   make run            setup, demo data, findings, background worker, dev server on 127.0.0.1:8000
#   make test           setup, ruff, migrations check, pytest on SQLite (+ PostgreSQL when
#                       ZUGONG_TEST_DATABASE_URL is set; see scripts/pg_throwaway.sh)
#   make lint | format | collectstatic | clean
#   make deploy-up | deploy-check | deploy-down
#                       the multi-server deployment on one machine (docs/deploy.md)
#
# Every setup step leaves a stamp (.venv/.zugong-*.stamp, var/.stamps/*) keyed on its inputs,
# so a second run does nothing that is already up to date.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

# Python 3.11 for the virtualenv (python3 is 3.11 on the project machines).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
RUFF := $(VENV)/bin/ruff
MANAGE := $(PY) manage.py
PYTEST := $(PY) -m pytest
PYTEST_ARGS ?=

# Sources ruff looks at (benchmarks/ may not exist yet in a fresh clone).
PY_SRC := $(wildcard zugong benchmarks deploy)

# pip prints harmless "Location ... is ignored" warnings for the local indexes: drop them,
# keep pip's exit status (pipefail).
PIP_FILTER := { grep -v 'is ignored' || true; }

STAMPS := var/.stamps
PIP_STAMP := $(VENV)/.zugong-requirements.stamp
NPM_STAMP := $(STAMPS)/npm
VENDOR_STAMP := $(STAMPS)/vendor
LOCKFILE := $(wildcard package-lock.json)
MIGRATIONS := $(shell find zugong -path '*/migrations/*.py' -not -path '*/__pycache__/*' 2>/dev/null)

# The migrate stamp is per database: DATABASE_URL (or the SQLite file under ZUGONG_VAR_DIR).
DB_KEY := $(shell printf '%s|%s' "$${DATABASE_URL:-}" "$${ZUGONG_VAR_DIR:-}" | md5sum | cut -c1-12)
MIGRATE_STAMP := $(STAMPS)/migrate-$(DB_KEY)
SQLITE_DB := $(or $(ZUGONG_VAR_DIR),var)/zugong.sqlite3

# A stamp also goes stale when what it stands for was deleted by hand.
FORCE_NPM := $(if $(wildcard node_modules/.package-lock.json),,FORCE)
FORCE_VENDOR := $(if $(wildcard zugong/static/vendor/htmx/htmx.min.js),,FORCE)
FORCE_MIGRATE := $(if $(DATABASE_URL),,$(if $(wildcard $(SQLITE_DB)),,FORCE))

# Development commands run with DEBUG on unless the caller says otherwise (settings need
# SECRET_KEY when DEBUG is off). Tests run with ZUGONG_TESTING=1 and never with DEBUG.
DEV_ENV := DEBUG="$${DEBUG:-1}"
SQLITE_TEST_ENV := env -u DEBUG -u DATABASE_URL ZUGONG_TESTING=1
PG_TEST_ENV := env -u DEBUG ZUGONG_TESTING=1 DATABASE_URL='$(ZUGONG_TEST_DATABASE_URL)'

.PHONY: help setup run test lint format clean collectstatic deploy-up deploy-check deploy-down FORCE

help:
	@echo "make setup          create .venv, install Python and npm dependencies, vendor assets, migrate"
	@echo "make run            setup, seed demo data, refresh findings, start the worker and the dev server"
	@echo "make test           setup, ruff, migrations check, pytest on SQLite"
	@echo "                    (and on PostgreSQL when ZUGONG_TEST_DATABASE_URL is set)"
	@echo "make lint           ruff check + ruff format --check"
	@echo "make format         ruff format + ruff check --fix"
	@echo "make collectstatic  collect static files into staticfiles/ (manifest storage)"
	@echo "make clean          remove var/ (incl. the SQLite database), staticfiles/ and the stamps"
	@echo "make deploy-up      two app servers behind nginx, PostgreSQL primary + replica, Redis,"
	@echo "                    a worker, on 127.0.0.1 (root; docs/deploy.md); deploy-check, deploy-down"

# --- setup -------------------------------------------------------------------------------

setup: $(PIP_STAMP) $(VENDOR_STAMP) $(MIGRATE_STAMP)

$(PY):
	@echo "==> creating $(VENV) with $(PYTHON)"
	@test -n "$(PYTHON)" || { echo "python3.11 not found" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "$(PYTHON) is not Python 3.11" >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV)

$(PIP_STAMP): requirements.txt requirements-dev.txt | $(PY)
	@echo "==> pip install -r requirements-dev.txt"
	@$(PIP) install -q -r requirements-dev.txt 2>&1 | $(PIP_FILTER)
	@touch $@

$(NPM_STAMP): package.json $(LOCKFILE) $(FORCE_NPM)
	@mkdir -p $(@D)
	@if [ -f package-lock.json ]; then \
		echo "==> npm ci"; \
		npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null; \
	else \
		echo "==> npm install (no package-lock.json yet)"; \
		npm install --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null; \
	fi
	@touch $@

$(VENDOR_STAMP): $(NPM_STAMP) scripts/vendor_assets.mjs $(FORCE_VENDOR)
	@mkdir -p $(@D)
	@node scripts/vendor_assets.mjs
	@touch $@

$(MIGRATE_STAMP): $(PIP_STAMP) $(MIGRATIONS) $(FORCE_MIGRATE)
	@mkdir -p $(@D)
	@echo "==> manage.py migrate"
	@$(DEV_ENV) $(MANAGE) migrate --noinput -v 0
	@touch $@

# --- run ---------------------------------------------------------------------------------

# The worker runs in the background in its own process group (it reloads on code changes, so
# it is two processes); its pid, which is also the group id, is in var/worker.pid. The group is
# stopped when the server stops (Ctrl-C included), and a worker left over from a killed run is
# stopped before a new one starts.
run: setup
	@export DEBUG=1; \
	$(MANAGE) seed_demo --if-empty; \
	$(MANAGE) refresh_findings; \
	mkdir -p var; \
	if [ -f var/worker.pid ] && grep -qs db_worker /proc/$$(cat var/worker.pid)/cmdline; then \
		kill -TERM -- -$$(cat var/worker.pid) 2>/dev/null || true; \
	fi; \
	setsid $(MANAGE) db_worker & echo $$! > var/worker.pid; \
	trap 'kill -TERM -- -$$(cat var/worker.pid) 2>/dev/null || true; rm -f var/worker.pid' EXIT; \
	trap 'exit 130' INT TERM; \
	echo "==> background worker started (pid $$(cat var/worker.pid))"; \
	$(MANAGE) runserver 127.0.0.1:8000

# --- test --------------------------------------------------------------------------------

# The PostgreSQL command is not echoed: the URL may hold a password (the header shows it masked).
test: setup
	@echo "==> ruff"
	$(RUFF) check $(PY_SRC)
	$(RUFF) format --check $(PY_SRC)
	@echo "==> migrations are up to date"
	$(SQLITE_TEST_ENV) $(MANAGE) makemigrations --check --dry-run
ifeq ($(strip $(ZUGONG_TEST_DATABASE_URL)),)
	@echo "(ZUGONG_TEST_DATABASE_URL is not set: the PostgreSQL run is skipped; see scripts/pg_throwaway.sh)"
endif
	@echo
	@echo "================ pytest on SQLite ================"
	$(SQLITE_TEST_ENV) $(PYTEST) $(PYTEST_ARGS)
ifneq ($(strip $(ZUGONG_TEST_DATABASE_URL)),)
	@echo
	@echo "================ pytest on PostgreSQL: $$(sed -E 's#//([^:@/]+):[^@/]*@#//\1:***@#' <<< '$(ZUGONG_TEST_DATABASE_URL)') ================"
	@$(PG_TEST_ENV) $(PYTEST) $(PYTEST_ARGS)
endif

# --- lint, format ------------------------------------------------------------------------

lint: $(PIP_STAMP)
	$(RUFF) check $(PY_SRC)
	$(RUFF) format --check $(PY_SRC)

format: $(PIP_STAMP)
	$(RUFF) format $(PY_SRC)
	$(RUFF) check --fix $(PY_SRC)

# --- static files, clean -----------------------------------------------------------------

# Runs with DEBUG off so whitenoise's manifest storage is used, as in production; it needs no
# real secret, so a placeholder is used when SECRET_KEY is not set.
collectstatic: $(PIP_STAMP) $(VENDOR_STAMP)
	SECRET_KEY="$${SECRET_KEY:-collectstatic-only}" DEBUG=0 $(MANAGE) collectstatic --noinput -v 1

clean:
	rm -rf var/ staticfiles/ $(VENV)/.zugong-*.stamp

# --- the multi-server deployment on one machine (docs/deploy.md) ----------------------------

deploy-up: $(PIP_STAMP) $(VENDOR_STAMP)
	bash deploy/up.sh

deploy-check: $(PIP_STAMP)
	bash deploy/check.sh

deploy-down:
	bash deploy/down.sh

FORCE:
