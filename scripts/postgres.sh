#!/usr/bin/env bash
# Start (or reuse) a throw-away PostgreSQL server on loopback for tests and benchmarks, installing
# Debian's package first if needed. Prints the SQLAlchemy URL of a ready database on stdout.
#   scripts/postgres.sh start | stop | url
set -euo pipefail

PORT="${CUSTSEG_PG_PORT:-54329}"
DATA="${CUSTSEG_PG_DIR:-/tmp/custseg-pg-$PORT}"
DB="${CUSTSEG_PG_DB:-custseg_test}"
URL="postgresql+psycopg://custseg@127.0.0.1:$PORT/$DB"

log() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    log "PostgreSQL server not found; installing Debian's postgresql package"
    if [ "$(id -u)" -ne 0 ]; then
      log "need root (or sudo) to apt-get install postgresql"; exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

# PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin
  bin=$(find_bin)
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    [ "$(id -u)" -eq 0 ] && chown postgres "$DATA"
    as_pg "$bin/initdb" -D "$DATA" -U custseg -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$DATA" -w -t 60 -l "$DATA/server.log" \
      -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null || { cat "$DATA/server.log" >&2; exit 1; }
  fi
  if ! as_pg "$bin/psql" -h 127.0.0.1 -p "$PORT" -U custseg -d postgres -tAc "select 1 from pg_database where datname='$DB'" | grep -q 1; then
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U custseg "$DB"
  fi
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$PORT"
  echo "$URL"
}

stop() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$bin" ] && [ -f "$DATA/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
