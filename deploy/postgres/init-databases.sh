#!/usr/bin/env bash
# Creates the sohoa and prefect databases on the first start of the postgres container
# (mounted into /docker-entrypoint-initdb.d; the image runs it once, on an empty data dir).
# The passwords come from the container's environment, never from a committed file.
set -euo pipefail

: "${SOHOA_DB_PASSWORD:?set SOHOA_DB_PASSWORD}"
: "${PREFECT_DB_PASSWORD:?set PREFECT_DB_PASSWORD}"
sql="${SOHOA_INIT_SQL:-/etc/sohoa/init-databases.sql}"

psql --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
    -v ON_ERROR_STOP=1 \
    -v sohoa_db="${SOHOA_DB_NAME:-sohoa}" \
    -v sohoa_user="${SOHOA_DB_USER:-sohoa}" \
    -v sohoa_password="$SOHOA_DB_PASSWORD" \
    -v prefect_db="${PREFECT_DB_NAME:-prefect}" \
    -v prefect_user="${PREFECT_DB_USER:-prefect}" \
    -v prefect_password="$PREFECT_DB_PASSWORD" \
    --file "$sql"
