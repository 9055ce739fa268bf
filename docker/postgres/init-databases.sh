#!/usr/bin/env bash
# Runs once, when the postgres volume is first initialised: one database and one login role
# per mall, so that each middleware sees only its own read model and outbox.
set -euo pipefail

create_mall_db() {
  local db=$1 password=$2
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v db="$db" -v password="$password" <<'SQL'
CREATE ROLE :"db" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"db";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
}

create_mall_db mall_a "${MALL_A_DB_PASSWORD:?MALL_A_DB_PASSWORD is required}"
create_mall_db mall_b "${MALL_B_DB_PASSWORD:?MALL_B_DB_PASSWORD is required}"
