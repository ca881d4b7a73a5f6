#!/usr/bin/env bash
# One command: set up, load the demo city and serve it on http://127.0.0.1:8000 (SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/ecity run "$@"
