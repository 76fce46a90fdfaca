-- CloudLoom database bootstrap. Run once by a superuser (the postgres image runs it from
-- /docker-entrypoint-initdb.d with psql on an empty data directory). Safe to run again.
--
-- The services connect as `cloudloom`: no superuser, no BYPASSRLS, so row-level security
-- applies to every query. Each service creates its own schema (CREATE on the database)
-- and applies its own migrations at start.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudloom') THEN
        CREATE ROLE cloudloom LOGIN PASSWORD 'cloudloom'
            NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    ELSE
        ALTER ROLE cloudloom LOGIN PASSWORD 'cloudloom'
            NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;

-- CREATE DATABASE cannot run inside a DO block or a transaction: build it conditionally
-- and run it with psql's \gexec.
SELECT 'CREATE DATABASE cloudloom ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'cloudloom')
\gexec

GRANT CONNECT, CREATE ON DATABASE cloudloom TO cloudloom;
