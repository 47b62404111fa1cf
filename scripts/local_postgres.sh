#!/usr/bin/env bash
# Start the machine's PostgreSQL 15 cluster if it is installed and we may, make sure a `bahi`
# role can log in over TCP, and print a URL for the tests. Prints nothing when it cannot.
set -euo pipefail
command -v pg_ctlcluster >/dev/null || exit 0
pg_lsclusters 2>/dev/null | grep -q '^15 *main' || exit 0
if ! pg_lsclusters | grep -q '^15 *main .*online'; then
  pg_ctlcluster 15 main start >/dev/null 2>&1 || exit 0
fi
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -n -u postgres sh -c "$1"; fi; }
as_postgres "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='bahi'\"" 2>/dev/null | grep -q 1 \
  || as_postgres "psql -qc \"CREATE ROLE bahi LOGIN SUPERUSER PASSWORD 'bahi'\"" >/dev/null 2>&1 || exit 0
echo "postgresql+psycopg://bahi:bahi@127.0.0.1:5432/postgres"
