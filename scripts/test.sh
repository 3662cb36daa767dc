#!/usr/bin/env bash
# The whole check suite: ruff and import-linter, then pytest against a throwaway PostgreSQL server,
# then pytest again against SQLite (the embedded default). Both databases run even when the first
# fails; exits non-zero on any failure, saying on which database pytest failed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV_BIN=${VENV_BIN:-.venv/bin}

echo "== ruff"
"$VENV_BIN/ruff" check .
"$VENV_BIN/ruff" format --check .

# The apps depend one way (pyproject.toml, [tool.importlinter]).
echo "== import-linter"
"$VENV_BIN/lint-imports" --no-cache

# PostgreSQL's server programs are not on PATH on Debian; find them.
PG_BIN=$(command -v pg_ctl >/dev/null 2>&1 && dirname "$(command -v pg_ctl)" || true)
if [ -z "$PG_BIN" ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  echo "PostgreSQL server programs (initdb, pg_ctl) not found: install PostgreSQL 15 or newer." >&2
  exit 1
fi

PG_DIR=$(mktemp -d /tmp/newsroom-pg.XXXXXX)
# PostgreSQL refuses to run as root: as root, hand the folder to the postgres user.
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$PG_DIR"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi
stop_services() {
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  [ -f "$PG_DIR/redis.pid" ] && kill "$(cat "$PG_DIR/redis.pid")" 2>/dev/null || true
  rm -rf "$PG_DIR"
}
trap stop_services EXIT INT TERM

echo "== starting PostgreSQL ($PG_BIN) in $PG_DIR"
as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
  || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
# Unix socket only: nothing listens on the network.
PG_OPTIONS="-c listen_addresses='' -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -o "$PG_OPTIONS" start >/dev/null \
  || { cat "$PG_DIR/server.log" >&2; exit 1; }
# For the test that stops this server and starts it again (tests/test_database_outage.py).
export NEWSROOM_TEST_PG_CTL="$PG_BIN/pg_ctl" NEWSROOM_TEST_PG_DATA="$PG_DIR/data" NEWSROOM_TEST_PG_OPTIONS="$PG_OPTIONS"

# Redis, for the page cache shared by app servers: a unix socket too, no persistence.
echo "== starting Redis"
redis-server --port 0 --unixsocket "$PG_DIR/redis.sock" --unixsocketperm 700 --save "" --appendonly no \
  --daemonize yes --pidfile "$PG_DIR/redis.pid" --logfile "$PG_DIR/redis.log" \
  || { cat "$PG_DIR/redis.log" >&2; exit 1; }
for _ in $(seq 50); do [ -S "$PG_DIR/redis.sock" ] && break; sleep 0.1; done
export NEWSROOM_TEST_REDIS_URL="unix://$PG_DIR/redis.sock"

SOCKET_HOST=$(printf '%s' "$PG_DIR" | sed 's|/|%2F|g')
# A failure on one database says nothing of the other: run both, then report (set -e stops at neither).
failed=()
echo "== pytest on PostgreSQL"
DATABASE_URL="postgres://postgres@$SOCKET_HOST/newsroom" "$VENV_BIN/python" -m pytest "$@" || failed+=(PostgreSQL)

echo "== pytest on SQLite"
env -u DATABASE_URL "$VENV_BIN/python" -m pytest "$@" || failed+=(SQLite)

if [ ${#failed[@]} -gt 0 ]; then
  echo "== pytest failed on: ${failed[*]}" >&2
  exit 1
fi
echo "== pytest passed on PostgreSQL and SQLite"
