#!/usr/bin/env bash
# Starts the machine's PostgreSQL 15 (installed, stopped) and makes sure the current
# user may create databases over the local socket. Prints the admin URL the tests use.
# Safe to run again.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "postgres: installing postgresql" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  else
    echo "postgres: PostgreSQL is not installed and cannot be installed here" >&2
    exit 1
  fi
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
  pg_ctlcluster "$version" main start >&2
fi
for _ in $(seq 1 30); do
  if su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done
user=$(id -un)
su postgres -c "psql -qc \"CREATE ROLE \\\"$user\\\" SUPERUSER LOGIN\"" >/dev/null 2>&1 || true
echo "postgresql:///postgres?host=/var/run/postgresql"
