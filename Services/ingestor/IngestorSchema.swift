import Store

/// The ingestor's tables (schema `ingestor`).
enum IngestorSchema {
    static let migrator = Migrator(schema: "ingestor", migrations: [
        Migration(1, "dead letters", """
            CREATE TABLE dead_letters (
                id bigserial PRIMARY KEY,
                tenant_id uuid NOT NULL,
                source text NOT NULL,
                request_id text NOT NULL DEFAULT '',
                record_index integer NOT NULL,
                event_id text NOT NULL DEFAULT '',
                reason text NOT NULL,
                payload bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX dead_letters_tenant ON dead_letters (tenant_id, created_at DESC);
            """ + TenantIsolation.sql(table: "dead_letters")),
        Migration(2, "connected accounts, durable dedup, processed delivery files, EventBridge secrets", """
            ALTER TABLE dead_letters ADD COLUMN status text NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'retried', 'failed'));
            ALTER TABLE dead_letters ADD COLUMN retries integer NOT NULL DEFAULT 0;

            CREATE TABLE accounts (
                id uuid PRIMARY KEY,
                tenant_id uuid NOT NULL,
                name text NOT NULL,
                account_id text NOT NULL CHECK (account_id ~ '^[0-9]{12}$'),
                regions text[] NOT NULL,
                role_arn text NOT NULL DEFAULT '',
                external_id_enc bytea,
                access_key_id text NOT NULL DEFAULT '',
                secret_enc bytea,
                endpoint_url text NOT NULL DEFAULT '',
                sqs_queue_url text NOT NULL DEFAULT '',
                cloudtrail_bucket text NOT NULL DEFAULT '',
                cloudtrail_prefix text NOT NULL DEFAULT '',
                created_by text NOT NULL DEFAULT '',
                created_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (tenant_id, name)
            );
            """ + TenantIsolation.sql(table: "accounts") + """

            -- The SQS pollers must find every tenant's queues. This registry holds pointers only (no names, URLs
            -- or secrets); a poller then reads the account itself inside that tenant's RLS session.
            CREATE TABLE queue_sources (
                account_uuid uuid PRIMARY KEY,
                tenant_id uuid NOT NULL
            );

            CREATE TABLE seen_events (
                tenant_id uuid NOT NULL,
                event_id text NOT NULL,
                seen_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, event_id)
            );
            CREATE INDEX seen_events_age ON seen_events (tenant_id, seen_at);
            """ + TenantIsolation.sql(table: "seen_events") + """

            CREATE TABLE processed_objects (
                tenant_id uuid NOT NULL,
                account_uuid uuid NOT NULL,
                bucket text NOT NULL,
                key text NOT NULL,
                etag text NOT NULL,
                records integer NOT NULL,
                processed_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, bucket, key, etag)
            );
            """ + TenantIsolation.sql(table: "processed_objects") + """

            CREATE TABLE eventbridge_secrets (
                tenant_id uuid PRIMARY KEY,
                secret_enc bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            """ + TenantIsolation.sql(table: "eventbridge_secrets")),
    ])
}
