# Metodset: `make run` to try it, `make test` for the whole suite, `make lint` before a commit.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

PORT ?= 8000
# Links in letters and the printed logins point at the port actually served.
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when pyproject.toml changed since the last install.
STAMP := $(VENV)/.installed
# Two workers on two cores: the suite is database-bound, and each worker has its own
# test database (and, for browser tests, its own live server and Chromium).
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
# Browser tests run in the SQLite pass only. Measured on 2 cores: the 8 of today add 34 s
# to the PostgreSQL pass (25 s → 59 s), and at one journey per user workflow they would
# push `make test` in CI toward 15 minutes; they check pages, not SQL. PG_BROWSER=1 runs
# them on PostgreSQL too.
PG_BROWSER ?= 0

.PHONY: venv migrate demo run test test-sqlite test-postgres lint fmt clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -e ".[dev]"
	@touch $@

migrate: venv
	$(BIN)/metodset migrate --no-input -v 0

demo: migrate
	$(BIN)/metodset seed_demo --if-empty
	$(BIN)/metodset seed_demo_library --if-empty
	$(BIN)/metodset seed_demo_groups --if-empty
	$(BIN)/metodset seed_demo_events --if-empty
	$(BIN)/metodset seed_demo_expertise --if-empty
	$(BIN)/metodset seed_demo_testing --if-empty
	$(BIN)/metodset reindex --if-empty

# The site with demo data, in one process (web server + task worker).
run: demo
	$(BIN)/metodset serve 127.0.0.1:$(PORT)

# A shell function for one pytest pass: its exit code kept, 5 ("no tests collected")
# turned into a failure, and its own var/ (test SQLite files, cache) so that two runs in
# one tree do not collide.
PYTEST_PASS = pytest_pass() { \
	  local label=$$1; shift; local var_dir rc=0; var_dir=$$(mktemp -d); \
	  METODSET_VAR_DIR="$$var_dir" $(BIN)/pytest -n $(PYTEST_WORKERS) "$$@" $(PYTEST_ARGS) || rc=$$?; \
	  rm -rf "$$var_dir"; \
	  if [ $$rc -eq 5 ]; then echo "ОШИБКА: pytest не нашёл ни одного теста ($$label)." >&2; rc=1; fi; \
	  return $$rc; \
	}

# Both passes run even when the first fails, so one run shows every failure.
test: venv
	@start=$$(date +%s); rc_sqlite=0; rc_pg=0; \
	$(MAKE) --no-print-directory test-sqlite || rc_sqlite=$$?; \
	$(MAKE) --no-print-directory test-postgres || rc_pg=$$?; \
	pg=$$([ $$rc_pg -eq 0 ] && echo OK || echo FAILED); \
	scripts/pg-test-cluster.sh check || pg="$$pg (SKIPPED: PostgreSQL is not installed)"; \
	echo "== make test: SQLite — $$([ $$rc_sqlite -eq 0 ] && echo OK || echo FAILED)," \
	     "PostgreSQL — $$pg, $$(( $$(date +%s) - start )) s"; \
	[ $$rc_sqlite -eq 0 ] && [ $$rc_pg -eq 0 ]

test-sqlite: venv
	@echo "== Tests on SQLite (browser tests included)"; \
	unset DATABASE_URL; \
	$(PYTEST_PASS); \
	pytest_pass SQLite

test-postgres: venv
	@if ! scripts/pg-test-cluster.sh check; then \
	  if [ "$${METODSET_REQUIRE_ALL:-}" = 1 ]; then \
	    echo "ОШИБКА: PostgreSQL не установлен, а METODSET_REQUIRE_ALL=1 требует прогона на нём." >&2; \
	    exit 1; \
	  fi; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2; \
	  echo "!! ВНИМАНИЕ: PostgreSQL не установлен — прогон тестов на PostgreSQL ПРОПУЩЕН." >&2; \
	  echo "!! Установите его (apt-get install postgresql); CI делает это сам."          >&2; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2; \
	  exit 0; \
	fi; \
	args=(); \
	if [ "$(PG_BROWSER)" = 1 ]; then label=""; else args=(-m "not browser"); label=" (without browser tests)"; fi; \
	echo "== Tests on PostgreSQL$$label"; \
	cluster=$$(mktemp -d /tmp/metodset-pg.XXXXXX); \
	trap 'scripts/pg-test-cluster.sh stop "$$cluster"' EXIT; \
	trap 'exit 130' INT TERM; \
	url=$$(scripts/pg-test-cluster.sh start "$$cluster"); \
	export DATABASE_URL="$$url"; \
	$(PYTEST_PASS); \
	pytest_pass PostgreSQL "$${args[@]}"

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy metodset tests bench
	$(BIN)/lint-imports

fmt: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Keeps var/ (the development database and uploaded files): delete it by hand to start over.
clean:
	rm -rf $(VENV) staticfiles test-artifacts .mypy_cache .ruff_cache .pytest_cache *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
