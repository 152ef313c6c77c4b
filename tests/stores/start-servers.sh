#!/usr/bin/env bash
# Starts the Redis and PostgreSQL servers that the idempotency stores are tested against, on
# loopback ports of their own, with their data in a temporary folder; installs Debian's
# redis-server and postgresql packages first when they are missing. Prints the variables the
# tests read, for `eval "$(tests/stores/start-servers.sh)"`. Diagnostics go to standard error.
set -euo pipefail

REDIS_PORT=${FPWEBHOOK_TEST_REDIS_PORT:-6390}
POSTGRES_PORT=${FPWEBHOOK_TEST_POSTGRES_PORT:-5439}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if ! command -v redis-server >/dev/null || [ -z "$(pg_bin)" ]; then
  echo "installing Debian's redis-server and postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q redis-server postgresql >&2 \
    || { apt-get update -q >&2 && apt-get install -y -q redis-server postgresql >&2; }
fi

data=$(mktemp -d /tmp/fpwebhook-stores.XXXXXX)

if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$data" --daemonize yes --logfile "$data/redis.log" >&2
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
redis-cli -p "$REDIS_PORT" ping >/dev/null

bin=$(pg_bin)
if ! "$bin/pg_isready" -h 127.0.0.1 -p "$POSTGRES_PORT" >/dev/null 2>&1; then
  # PostgreSQL refuses to run as root: its own user (which the package creates) runs it.
  as_postgres=()
  if [ "$(id -u)" = 0 ]; then as_postgres=(runuser -u postgres --); chown postgres "$data"; fi
  "${as_postgres[@]}" "$bin/initdb" -D "$data/postgres" -A trust -U fpwebhook >/dev/null
  "${as_postgres[@]}" "$bin/pg_ctl" -D "$data/postgres" -l "$data/postgres.log" -w \
    -o "-p $POSTGRES_PORT -k $data -c listen_addresses=127.0.0.1" start >&2
fi
"$bin/pg_isready" -h 127.0.0.1 -p "$POSTGRES_PORT" >/dev/null

echo "export FPWEBHOOK_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/"
echo "export FPWEBHOOK_TEST_POSTGRES_URL=postgres://fpwebhook@127.0.0.1:$POSTGRES_PORT/postgres"
