-- The two databases of a sohoa stand-up, each owned by its own login role:
--   sohoa    the application's tables (migrated by `sohoa db upgrade`)
--   prefect  the Prefect server's state
-- Run by psql with variables (see init-databases.sh): sohoa_db, sohoa_user, sohoa_password,
-- prefect_db, prefect_user, prefect_password. Passwords never live in this file.
\set ON_ERROR_STOP on

CREATE ROLE :"sohoa_user" LOGIN PASSWORD :'sohoa_password';
CREATE DATABASE :"sohoa_db" OWNER :"sohoa_user" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"sohoa_db" FROM PUBLIC;
-- Register imports and API batches check the office key once for a batch's offices rather than
-- once a row (models/register.py, _check_offices_once), in session_replication_role = replica;
-- without this grant they keep the per-row checks (same result, ~40% more server time). It lets
-- the role skip triggers, which as the owner of its tables it could already drop.
GRANT SET ON PARAMETER session_replication_role TO :"sohoa_user";

CREATE ROLE :"prefect_user" LOGIN PASSWORD :'prefect_password';
CREATE DATABASE :"prefect_db" OWNER :"prefect_user" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"prefect_db" FROM PUBLIC;

-- PostgreSQL 15+ no longer lets every role create objects in public: give it to each owner.
\connect :"sohoa_db"
ALTER SCHEMA public OWNER TO :"sohoa_user";
\connect :"prefect_db"
ALTER SCHEMA public OWNER TO :"prefect_user";
