#!/usr/bin/env bash
# One command: set up, load the demo city and serve it on http://127.0.0.1:8000 (SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
# The demo city's government service management office (its supervisor sees every department).
export ECITY_SUPERVISION_DEPARTMENT_CODE="${ECITY_SUPERVISION_DEPARTMENT_CODE:-ZWB}"
# The demo identity provider: online real-name verification that verifies whoever confirms on its
# page (for the demo only; a real city names its e-ID, bank-card or telecom provider here).
export ECITY_IDENTITY_PROVIDERS="${ECITY_IDENTITY_PROVIDERS:-ecity.identity.providers.demo.DemoProvider}"
# Demo and training tools (moving demo cases back in time so that some are due soon or overdue).
export ECITY_TRAINING_MODE="${ECITY_TRAINING_MODE:-true}"
# The demo city's bounding box (south,west,north,east): hotline tickets' coordinates must lie in it.
export ECITY_HOTLINE_CITY_BBOX="${ECITY_HOTLINE_CITY_BBOX:-30.17,119.96,30.45,120.34}"
exec .venv/bin/ecity run "$@"
