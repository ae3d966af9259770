# The two commands of the README. Each needs only Python 3.11+ on the PATH:
# it makes a private venv with a pinned uv in .uv/, and uv installs the
# locked dependencies into .venv/ (never downloading a Python of its own).
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .uv/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never

.PHONY: install run test test-outage contract-ts fuzz fuzz-long

$(UV):
	$(PYTHON) -c 'import sys; sys.exit("Sanzhu needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv .uv
	.uv/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --frozen --extra dev --python $(PYTHON) --quiet

run: install
	.venv/bin/sanzhu migrate
	.venv/bin/sanzhu seed-demo
	.venv/bin/sanzhu serve --host $(HOST) --port $(PORT)

# The suite runs in parallel (pytest-xdist addopts in pyproject.toml; `-n 0` for one process).
test: install
	.venv/bin/pytest

# Stops and restarts a PostgreSQL server of the test's own (initdb and pg_ctl from
# /usr/lib/postgresql/*/bin or the PATH; as the postgres OS user when run as root).
test-outage: install
	.venv/bin/pytest -n 0 -m outage tests/core/test_database_outage.py

# The contract as a frontend uses it (issue 13): generate the TypeScript types from the
# committed openapi/openapi.json with the locked openapi-typescript, then type-check a small
# client against them. Needs Node.js 18+ and npm; `npm ci` installs exactly the lock file.
contract-ts:
	cd tests/contract && npm ci --no-audit --no-fund --loglevel=error
	cd tests/contract && npx --no-install openapi-typescript ../../openapi/openapi.json -o generated/api.d.ts
	cd tests/contract && npx --no-install tsc --noEmit --strict -p .

# The contract fuzzing gate (issue 17; docs/architecture.md): schemathesis against a server on a
# fresh demo database, once per role (admin, street officer, grid worker, social worker, partner
# client), with the settings of schemathesis.toml; fails on any failure of its checks.
# `fuzz` is bounded for CI (a few minutes on 2 cores); `fuzz-long` tries more cases per
# operation and adds the stateful phase, which follows the contract's links.
fuzz: install
	.venv/bin/python tests/fuzz/run.py --max-examples 5

fuzz-long: install
	.venv/bin/python tests/fuzz/run.py --max-examples 50 --stateful
