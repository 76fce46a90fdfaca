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
/// these two tables are not row-level-security scoped; nothing else in the gateway is, and no key is ever returned.
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
}
