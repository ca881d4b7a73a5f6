#!/usr/bin/env bash
# One command: set up and run every check: ruff, import contracts, mypy, migrations, the test suite on SQLite,
# then on PostgreSQL when reachable (with CI=true PostgreSQL is mandatory); the exchange tests run
# against NATS JetStream, started here when not running (with CI=true it is mandatory).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: chromium for browser tests, gettext for translations, a CJK font.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
command -v pg_dump >/dev/null 2>&1 || need+=(postgresql-client)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || need+=(fonts-wqy-zenhei)
# The exchange tests need a NATS JetStream broker (started below when none is running).
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
if ((${#need[@]})); then
  echo "== installing Debian packages: ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

scripts/bootstrap.sh dev
export PATH="$PWD/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=ecity.conf.test
export ECITY_DATA_DIR="${ECITY_DATA_DIR:-$(mktemp -d)}"

echo "== translations"
(cd src/ecity && django-admin compilemessages --ignore=.venv -v 0)
echo "== ruff"
ruff format --check src benchmarks scripts
ruff check src benchmarks scripts
echo "== import contracts (floors, no cycles)"
lint-imports --no-cache
echo "== mypy (services and selectors)"
# Packages split by concept keep their services and selectors in subpackages: check those too.
mapfile -t typed < <(ls src/ecity/*/services.py src/ecity/*/selectors.py src/ecity/*/services/*.py \
  src/ecity/*/services/*/*.py src/ecity/*/selectors/*.py src/ecity/core/*.py \
  src/ecity/*/*/services.py src/ecity/*/*/selectors.py 2>/dev/null)
mypy "${typed[@]}"
echo "== migrations are up to date"
python manage.py makemigrations --check --dry-run -v 1
echo "== OpenAPI schema is valid"
python manage.py spectacular --validate --fail-on-warn --file "$ECITY_DATA_DIR/openapi.yaml"

echo "== upgrade a database of the previous release (SQLite): nothing lost"
python scripts/upgrade_check.py

# Local services the suite uses (PostgreSQL, MariaDB as a connector source): start any that is
# installed but down (best effort; with CI=true the tests that need one fail when it is missing).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for svc in "5432 postgresql" "3306 mariadb"; do
  set -- $svc
  if ! port_open "$1" && command -v service >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo -n"
    $sudo_cmd service "$2" start >/dev/null 2>&1 && echo "started $2" || true
  fi
done
set --

echo "== NATS JetStream (exchange transport tests)"
# The exchange tests run against the real broker: start a throw-away nats-server with JetStream
# when nothing listens on 127.0.0.1:4222, stop it at exit. With CI=true a missing broker fails.
nats_reachable() { (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; }
nats_pid=""
nats_dir=""
nats_stop() {
  if [ -n "$nats_pid" ]; then
    kill "$nats_pid" 2>/dev/null || true
    wait "$nats_pid" 2>/dev/null || true
  fi
  [ -z "$nats_dir" ] || rm -rf "$nats_dir"
}
trap nats_stop EXIT
if ! nats_reachable; then
  nats_bin="$(command -v nats-server || true)"
  [ -n "$nats_bin" ] || [ ! -x /usr/sbin/nats-server ] || nats_bin=/usr/sbin/nats-server
  if [ -n "$nats_bin" ]; then
    nats_dir="$(mktemp -d)"
    "$nats_bin" -js -a 127.0.0.1 -p 4222 -sd "$nats_dir/jetstream" >"$nats_dir/nats.log" 2>&1 &
    nats_pid=$!
    for _ in $(seq 100); do nats_reachable && break; sleep 0.1; done
    nats_reachable && echo "started nats-server (pid $nats_pid, store $nats_dir)"
  fi
fi
if ! nats_reachable; then
  if [ "${CI:-}" = "true" ]; then
    echo "CI=true but NATS JetStream is not reachable at 127.0.0.1:4222: failing." >&2
    exit 1
  fi
  echo "NATS JetStream not reachable at 127.0.0.1:4222: the NATS tests will be skipped"
fi
# Tests take from a few milliseconds to minutes (migration tests, started first by the root
# conftest): with --dist worksteal an idle worker takes the other's remaining tests, so neither
# waits at the end (the default "load" hands out fixed chunks in advance).
xdist=(-n 2 --dist worksteal)
# The slowest tests of each run are listed at its end, to see where the time goes.
report=(--durations=25)

echo "== tests on SQLite (with the browser journeys, without the migration tests)"
# The migration tests (marked "migrations") migrate the whole schema back and forth, a minute or
# two each, nearly all of it Django building model states: they run once, on PostgreSQL, the
# production database. Upgrading a SQLite database is checked end to end by upgrade_check.py
# above (a database of the previous release, every row kept).
unset DATABASE_URL
pytest -q -p no:cacheprovider "${xdist[@]}" "${report[@]}" -m "not migrations" "$@"

echo "== schema conformance: schemathesis against a live server (anonymous, citizen, reviewer)"
python scripts/schema_check.py

pg_url="${ECITY_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/ecity}"
if python - "$pg_url" <<'PY'
import sys, psycopg
url = sys.argv[1].rsplit("/", 1)[0] + "/postgres"
try:
    psycopg.connect(url, connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}")
    sys.exit(1)
PY
then
  # The whole suite again, except the browser journeys (tests/e2e/): they drive the same services
  # through the pages and ran above; they are the slowest tests (a minute or more each), and the
  # service and view tests already run every query of those services on PostgreSQL.
  echo "== tests on PostgreSQL (without the browser journeys and the embedded-default runs, which ran on SQLite)"
  # Also without the tests marked "embedded" (ecity run on SQLite whatever DATABASE_URL says)
  # and the tests that never touch a database (ECITY_TEST_DATABASE_ONLY, src/ecity/conftest.py):
  # they ran above, and would only run the same again.
  ECITY_TEST_DATABASE_ONLY=true DATABASE_URL="$pg_url" pytest -q -p no:cacheprovider "${xdist[@]}" "${report[@]}" \
    --ignore-glob='*/tests/e2e/*' -m "not embedded" "$@"
  echo "== upgrade a database of the previous release (PostgreSQL): nothing lost"
  python scripts/upgrade_check.py --database-url "${pg_url%/*}/ecity_upgrade_check"
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true but PostgreSQL is not reachable at $pg_url: failing." >&2
  exit 1
else
  echo "== PostgreSQL not reachable: skipped the PostgreSQL run (CI=true makes it mandatory)"
fi
