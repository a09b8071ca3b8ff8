#!/usr/bin/env bash
# Installs everything (system packages, .venv with dev extras), makes sure PostgreSQL and Redis answer,
# then runs the linter, the format check, the type check and the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --dev --acestep  # the acestep engine's tests build tiny random checkpoints on the CPU
scripts/ensure-services.sh
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
.venv/bin/mypy
# In parallel (pytest-xdist), one test process per CPU (PYTEST_XDIST_AUTO_NUM_WORKERS=N picks another number):
# whole files to a process, so that a module's shared service starts once, the longest files first
# (tests/support/slow_first.py; xdist's own reorder would put the files with the most tests first).
.venv/bin/python -m pytest -q -p no:cacheprovider -n logical --dist loadfile --no-loadscope-reorder "$@"
