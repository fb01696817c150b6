#!/bin/sh
# Makes the cluster on first start the way the official image does, then runs the server.
set -eu
if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  user=${POSTGRES_USER:-postgres}
  method=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [ "$method" != trust ] && [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "POSTGRES_PASSWORD is required (or POSTGRES_HOST_AUTH_METHOD=trust, for local development only)" >&2
    exit 1
  fi
  set -- "$@"
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb -D "$PGDATA" --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host="$method" >/dev/null
    rm -f "$pwfile"
  else
    initdb -D "$PGDATA" --username="$user" --auth-local=trust --auth-host="$method" >/dev/null
  fi
  printf 'host all all all %s\n' "$method" >> "$PGDATA/pg_hba.conf"
  printf "listen_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
  db=${POSTGRES_DB:-$user}
  if [ "$db" != postgres ]; then
    # A server on the socket only, so that nobody connects before the database exists.
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    psql -v ON_ERROR_STOP=1 --username="$user" --dbname=postgres -q -c "CREATE DATABASE \"$db\"" >/dev/null
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  fi
fi
exec "$@"
