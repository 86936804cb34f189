#!/usr/bin/env bash
# The database's two roles, created once by the postgres image on an empty volume
# (/docker-entrypoint-initdb.d; docker-compose.yml). docs/decisions/0012-tamper-evident-audit.md.
#   clinic_owner  owns the database, its schema and every table: `manage.py migrate` runs as it.
#   clinic_app    what web, workers and beat run as: reads and writes the tables, owns none, so
#                 it cannot ALTER, DROP, TRUNCATE or disable a trigger; not a superuser, so no
#                 session_replication_role. After every migrate, audit/apps.py takes back all
#                 but SELECT and INSERT on the audit trail and SELECT on its checks.
set -euo pipefail
: "${CLINIC_OWNER_PASSWORD:?set CLINIC_OWNER_PASSWORD}" "${CLINIC_APP_PASSWORD:?set CLINIC_APP_PASSWORD}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" -v owner_password="$CLINIC_OWNER_PASSWORD" \
  -v app_password="$CLINIC_APP_PASSWORD" <<'SQL'
CREATE ROLE clinic_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE clinic_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';

-- The owner of the database owns its public schema too (PostgreSQL 15: pg_database_owner).
ALTER DATABASE :"db" OWNER TO clinic_owner;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO clinic_app;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO clinic_app;

-- Whatever the owner creates from now on, the app may use (never UPDATE on a sequence:
-- setval would let it number rows out of order).
ALTER DEFAULT PRIVILEGES FOR ROLE clinic_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO clinic_app;
ALTER DEFAULT PRIVILEGES FOR ROLE clinic_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO clinic_app;
SQL
