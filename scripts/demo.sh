#!/usr/bin/env bash
# One command: set up, load the demo city and serve it on http://127.0.0.1:8000 (SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
# The demo city's government service management office (its supervisor sees every department).
export ECITY_SUPERVISION_DEPARTMENT_CODE="${ECITY_SUPERVISION_DEPARTMENT_CODE:-ZWB}"
exec .venv/bin/ecity run "$@"
