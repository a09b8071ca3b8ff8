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
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
