import CLCrypto
import Foundation
import Store

/// Who a request acts as, derived from its API key.
struct Principal: Sendable {
    var tenantID: String
    var tenantName: String
    var keyID: String
    var role: String
}

/// Tenants and their API keys. Keys are 32 random bytes shown once and stored only as SHA-256 hashes.
///
/// `tenants` and `api_keys` are the credentials directory: a key must be looked up before any tenant is known, so
/// these two tables are not row-level-security scoped (every query on them names the tenant); the audit log is, and
/// no key is ever returned after its creation.
struct TenantStore: Sendable {
    let database: Database
    static let keyPrefix = "clk_"
    static let roles = ["admin", "approver", "operator", "viewer"]

    static let migrator = Migrator(schema: "gateway", migrations: [
        Migration(1, "tenants and keys", """
            CREATE TABLE tenants (
                id uuid PRIMARY KEY,
                name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE api_keys (
                id uuid PRIMARY KEY,
                tenant_id uuid NOT NULL REFERENCES tenants(id),
                name text NOT NULL DEFAULT '',
                role text NOT NULL CHECK (role IN ('admin', 'approver', 'operator', 'viewer')),
                key_hash bytea NOT NULL UNIQUE,
                created_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz,
                revoked_at timestamptz
            );
            CREATE INDEX api_keys_tenant ON api_keys (tenant_id);
            """),
        Migration(2, "audit trail", """
            CREATE TABLE audit_log (
                id bigserial PRIMARY KEY,
                tenant_id uuid NOT NULL,
                actor text NOT NULL,
                role text NOT NULL,
                action text NOT NULL,
                target text NOT NULL DEFAULT '',
                outcome integer NOT NULL,
                source_ip text NOT NULL DEFAULT '',
                request_id text NOT NULL DEFAULT '',
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id DESC);
            -- Append-only: rows are written once and never changed or removed by the application.
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only';
            END $$;
            CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
            """ + TenantIsolation.sql(table: "audit_log")),
    ])

    static func newKey() -> String { keyPrefix + Hex.encode(SecureRandom.bytes(32)) }
    static func hash(_ key: String) -> [UInt8] { SHA256.hash(Array(key.utf8)) }

    /// Creates a tenant with one admin key; returns the key (the only time it is shown).
    func createTenant(name: String) async throws -> (tenantID: String, keyID: String, apiKey: String) {
        let tenantID = UUID().uuidString.lowercased()
        let keyID = UUID().uuidString.lowercased()
        let key = Self.newKey()
        let hash = Self.hash(key)
        try await database.withTransaction { conn in
            try conn.query("INSERT INTO gateway.tenants (id, name) VALUES (\(tenantID)::uuid, \(name))")
            try conn.query("""
                INSERT INTO gateway.api_keys (id, tenant_id, name, role, key_hash)
                VALUES (\(keyID)::uuid, \(tenantID)::uuid, 'initial admin key', 'admin', \(hash))
                """)
        }
        return (tenantID, keyID, key)
    }

    /// The principal of a live key, or nil (unknown, revoked or expired).
    func authenticate(key: String) async throws -> Principal? {
        guard key.hasPrefix(Self.keyPrefix), key.count == Self.keyPrefix.count + 64 else { return nil }
        let rows = try await database.query("""
            SELECT k.id::text AS key_id, k.role, t.id::text AS tenant_id, t.name AS tenant_name
            FROM gateway.api_keys k JOIN gateway.tenants t ON t.id = k.tenant_id
            WHERE k.key_hash = \(Self.hash(key)) AND k.revoked_at IS NULL
              AND (k.expires_at IS NULL OR k.expires_at > now())
            """)
        guard let row = rows.first else { return nil }
        return Principal(tenantID: try row.string("tenant_id"), tenantName: try row.string("tenant_name"),
                         keyID: try row.string("key_id"), role: try row.string("role"))
    }

    func exists(_ tenant: String) async throws -> Bool {
        !(try await database.query("SELECT 1 FROM gateway.tenants WHERE id = \(tenant)::uuid")).isEmpty
    }

    struct KeyInfo: Sendable {
        var id: String
        var name: String
        var role: String
        var createdAtMs: Int64
        var expiresAtMs: Int64?
        var revokedAtMs: Int64?
    }

    static let keyColumns = SQLFragment("""
        id::text AS id, name, role, (extract(epoch FROM created_at) * 1000)::bigint AS created_ms,
        (extract(epoch FROM expires_at) * 1000)::bigint AS expires_ms, (extract(epoch FROM revoked_at) * 1000)::bigint AS revoked_ms
        """)

    static func keyInfo(_ row: Row) throws -> KeyInfo {
        KeyInfo(id: try row.string("id"), name: try row.string("name"), role: try row.string("role"),
                createdAtMs: try row.int64("created_ms"), expiresAtMs: row["expires_ms"].flatMap { Int64($0) },
                revokedAtMs: row["revoked_ms"].flatMap { Int64($0) })
    }

    /// A new key for the tenant; the key itself is returned this once.
    func createKey(tenant: String, name: String, role: String, expiresAtMs: Int64?) async throws -> (KeyInfo, String) {
        let id = UUID().uuidString.lowercased()
        let key = Self.newKey()
        let hash = Self.hash(key)
        let rows = try await database.query("""
            INSERT INTO gateway.api_keys (id, tenant_id, name, role, key_hash, expires_at)
            VALUES (\(id)::uuid, \(tenant)::uuid, \(name), \(role), \(hash),
                    CASE WHEN \(expiresAtMs ?? 0)::bigint = 0 THEN NULL ELSE to_timestamp(\(expiresAtMs ?? 0)::bigint / 1000.0) END)
            RETURNING \(Self.keyColumns)
            """)
        guard let row = rows.first else { throw APIError(.internalServerError, "internal", "the key was not stored") }
        return (try Self.keyInfo(row), key)
    }

    /// The tenant's keys, newest first (never the keys themselves).
    func listKeys(tenant: String) async throws -> [KeyInfo] {
        try await database.query("""
            SELECT \(Self.keyColumns) FROM gateway.api_keys WHERE tenant_id = \(tenant)::uuid ORDER BY created_at DESC, id
            """).map(Self.keyInfo)
    }

    /// Revokes a key of the tenant at once; false when the tenant has no such key (another tenant's key included).
    func revokeKey(tenant: String, id: String) async throws -> Bool {
        guard UUID(uuidString: id) != nil else { return false }
        let rows = try await database.query("""
            UPDATE gateway.api_keys SET revoked_at = COALESCE(revoked_at, now())
            WHERE id = \(id)::uuid AND tenant_id = \(tenant)::uuid RETURNING id
            """)
        return !rows.isEmpty
    }
}
