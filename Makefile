# The two commands of the README: `make run` and `make test`. Everything else is a step they use.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.10: on PATH, or pyenv's build of it, or the system's.
PYTHON ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { command -v "$$p"; break; }; done)
VENV := .venv
RASA_VENV := .venv-rasa
BENCH_VENV := .venv-bench
BOT := $(VENV)/bin/python -m bot
# make test works on its own database and ports, so it can run beside `make run`.
TEST_ENV := BOT_VAR_DIR=var/test DATABASE_URL= BOT_WEB_PORT=8100 BOT_RASA_PORT=5105 BOT_ACTIONS_PORT=5155

.PHONY: help setup run db demo-data train test lint validate pytest conversation-tests nlu-tests bench clean browsers \
	redis lock scale-servers scale-demo scale-test bench-tools

help:
	@echo "make run    set up, migrate, load demo data, train if needed, start everything"
	@echo "make test   set up, train if needed, run every check"
	@echo "make bench  measure speed and accuracy into bench/results/latest.md"
	@echo "make scale-demo  the production shape on this machine (nginx, 2 of each service, PostgreSQL, Redis)"
	@echo "make scale-test  the drills against that shape, into bench/results/scale.md"

$(if $(PYTHON),,$(error Python 3.10 not found: install python3.10 or set PYTHON=/path/to/python3.10))

# Every package is installed by hash from a lock file (requirements/*.txt, written by `make lock` from the
# requirements/*.in beside them): a file whose hash is not in the lock is refused, whichever index served it.
# tools.txt comes first: source-only packages are built with its pip, setuptools and wheel (no build isolation,
# which would download build tools unhashed).
PIP_LOCKED = pip install --quiet --require-hashes --no-build-isolation

$(RASA_VENV)/.installed: requirements/tools.txt requirements/rasa.txt requirements/rasa-encoder.txt
	test -x $(RASA_VENV)/bin/python || $(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/$(PIP_LOCKED) -r requirements/tools.txt
	$(RASA_VENV)/bin/$(PIP_LOCKED) -r requirements/rasa.txt
	$(RASA_VENV)/bin/$(PIP_LOCKED) --no-deps -r requirements/rasa-encoder.txt
	touch $@

# What runs (app.txt) and what the checks need (test.txt); a production install takes app.txt alone. Our own
# package is built by the locked setuptools too.
$(VENV)/.installed: requirements/tools.txt requirements/app.txt requirements/test.txt pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/$(PIP_LOCKED) -r requirements/tools.txt
	$(VENV)/bin/$(PIP_LOCKED) -r requirements/app.txt -r requirements/test.txt
	$(VENV)/bin/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Rewrite the lock files from requirements/*.in with pip-tools (itself installed by hash, in a throwaway
# environment), keeping every pin that still fits: `make lock UPGRADE=aiohttp` moves one package to its newest
# version that fits, `make lock UPGRADE=all` every package. Hashes are those of every file the indexes this
# machine's pip uses offer for each pinned version.
LOCK_VENV := $(or $(TMPDIR),/tmp)/herts-pcc-lock
LOCKS := tools pip-tools app test rasa bench
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --no-emit-index-url --no-emit-find-links --strip-extras \
	$(if $(filter all,$(UPGRADE)),--upgrade,$(if $(UPGRADE),--upgrade-package $(UPGRADE)))

lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/$(PIP_LOCKED) -r requirements/pip-tools.txt
	cd requirements && for name in $(LOCKS); do $(PIP_COMPILE) -o $$name.txt $$name.in || exit 1; done
	rm -rf $(LOCK_VENV)

# The two environments install side by side: it is mostly downloading and unpacking.
setup:
	$(MAKE) --no-print-directory -j2 $(RASA_VENV)/.installed $(VENV)/.installed

db: setup
	$(BOT) db upgrade

demo-data: db
	$(BOT) demo-data --skip-in-production

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

# The shared state's Redis tests start a throwaway redis-server of their own (Debian's package).
redis:
	test -x /usr/bin/redis-server || { $(SUDO) apt-get update -qq && $(APT_INSTALL) redis-server >/dev/null; }

# The production shape's servers: Debian's nginx, redis-server and postgresql, installed only when missing.
scale-servers:
	@missing=""; \
	command -v nginx >/dev/null || test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then echo "installing$$missing (Debian packages)…"; \
		$(SUDO) apt-get update -qq && $(APT_INSTALL) $$missing >/dev/null; fi

# Load-testing and profiling tools (locust, py-spy) in their own environment: nothing that runs needs them.
$(BENCH_VENV)/.installed: requirements/tools.txt requirements/bench.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/$(PIP_LOCKED) -r requirements/tools.txt
	$(BENCH_VENV)/bin/$(PIP_LOCKED) -r requirements/bench.txt
	touch $@

bench-tools: $(BENCH_VENV)/.installed

# Two workers, one a core, each taking whole test files (so a module's shared fixture is made once); each worker
# starts the session's real stacks the first time one of its tests needs them.
TEST_WORKERS ?= 2
pytest: train browsers scale-servers redis
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=30

conversation-tests: train
	rm -rf var/test && $(TEST_ENV) $(BOT) db upgrade && $(TEST_ENV) $(BOT) demo-data --force
	$(TEST_ENV) $(BOT) test-conversations

nlu-tests: train
	$(TEST_ENV) BOT_VAR_DIR=var/test-nlu $(BOT) test-nlu

# The conversation tests and the held-out NLU split each load the model in a Rasa process of their own (the NLU
# one in its own var dir): they run side by side, after pytest.
test: lint validate pytest
	$(MAKE) --no-print-directory -j2 conversation-tests nlu-tests
	@echo "make test: all checks passed"

bench: train bench-tools  # the bench makes its own throwaway databases
	$(VENV)/bin/python -m bench
	$(VENV)/bin/python -m bench.flood  # one address floods through a trusted proxy; the others still get through

scale-demo: train scale-servers
	$(BOT) scale-demo

scale-test: train scale-servers bench-tools  # its own databases and ports (var/scale-test), beside make run
	$(VENV)/bin/python -m bench.scale

clean:
	rm -rf $(VENV) $(RASA_VENV) $(BENCH_VENV) var models/*.tar.gz .rasa results node_modules tests/artifacts
