import Store

/// The billing service's tables (schema `billing`).
///
/// - `ledger`: every credit movement, append-only (a trigger refuses UPDATE, DELETE and TRUNCATE). Grants and
///   refunds are positive, charges zero or negative; a tenant's balance is the sum of its entries. A reservation is
///   charged at most once (a unique index on charges per reservation), and a monthly grant is given at most once
///   per tenant and month (a unique `grant_key`).
/// - `balances`: the running sum of the ledger (`balance`) and the credits held by open reservations (`held`),
///   kept in the same transaction as each ledger entry. The CHECKs make the database refuse a negative balance, a
///   negative hold and a hold larger than the balance (so `balance - held`, what may still be reserved, is never
///   negative either).
/// - `reservations`: one per (tenant, idempotency key): held, then committed, released or expired.
/// - `reservation_expiries`: pointers (reservation id, tenant id, expiry) to the held reservations, without RLS so
///   the reaper finds every tenant's; it then releases each inside that tenant's own RLS session. Like the
///   ingestor's `queue_sources`, it holds no amounts, actions or keys.
///
/// Every tenant-owned table has the standard tenant-isolation policy.
enum BillingSchema {
    static let migrator = Migrator(schema: "billing", migrations: [
        Migration(1, "baseline", "COMMENT ON SCHEMA billing IS 'CloudLoom billing: credit ledger, reservations and plans';"),
        Migration(2, "credit ledger, balances, reservations and their expiries", """
            CREATE TABLE ledger (
                id bigserial PRIMARY KEY,
                tenant_id uuid NOT NULL,
                kind text NOT NULL CHECK (kind IN ('grant', 'charge', 'refund')),
                credits bigint NOT NULL,
                action text NOT NULL DEFAULT '',
                reservation_id uuid,
                reason text NOT NULL DEFAULT '',
                grant_key text,
                created_at timestamptz NOT NULL DEFAULT now(),
                CHECK ((kind = 'charge' AND credits <= 0 AND reservation_id IS NOT NULL) OR (kind <> 'charge' AND credits > 0)),
                UNIQUE (tenant_id, grant_key)
            );
            CREATE UNIQUE INDEX ledger_one_charge_per_reservation ON ledger (reservation_id) WHERE kind = 'charge';
            CREATE INDEX ledger_tenant ON ledger (tenant_id, id DESC);

            CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'billing.ledger is append-only: % refused', TG_OP;
            END;
            $$;
            CREATE TRIGGER ledger_no_update_or_delete BEFORE UPDATE OR DELETE ON ledger
                FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
            CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger
                FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
            """ + TenantIsolation.sql(table: "ledger") + """

            CREATE TABLE balances (
                tenant_id uuid PRIMARY KEY,
                balance bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
                held bigint NOT NULL DEFAULT 0 CHECK (held >= 0),
                updated_at timestamptz NOT NULL DEFAULT now(),
                CHECK (balance - held >= 0)
            );
            """ + TenantIsolation.sql(table: "balances") + """

            CREATE TABLE reservations (
                id uuid PRIMARY KEY,
                seq bigserial NOT NULL UNIQUE,
                tenant_id uuid NOT NULL,
                action text NOT NULL,
                credits bigint NOT NULL CHECK (credits >= 0),
                idempotency_key text NOT NULL,
                status text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'committed', 'released', 'expired')),
                expires_at timestamptz NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                settled_at timestamptz,
                UNIQUE (tenant_id, idempotency_key),
                CHECK ((status = 'held') = (settled_at IS NULL))
            );
            CREATE INDEX reservations_tenant ON reservations (tenant_id, seq DESC);
            CREATE INDEX reservations_held ON reservations (tenant_id, expires_at) WHERE status = 'held';
            """ + TenantIsolation.sql(table: "reservations") + """

            -- The reaper must find every tenant's overdue reservations. This registry holds pointers only (no
            -- amounts, actions or idempotency keys); the reaper releases each one inside that tenant's RLS session.
            CREATE TABLE reservation_expiries (
                reservation_id uuid PRIMARY KEY,
                tenant_id uuid NOT NULL,
                expires_at timestamptz NOT NULL
            );
            CREATE INDEX reservation_expiries_due ON reservation_expiries (expires_at);
            """),
    ])
}
