import Logging

/// A versioned schema change owned by one service.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(_ version: Int, _ name: String, _ sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Applies a service's migrations in order, once each, at start. Instances starting together serialize on an
/// advisory lock, so a migration never runs twice.
public struct Migrator: Sendable {
    public var schema: String
    public var migrations: [Migration]

    public init(schema: String, migrations: [Migration]) {
        precondition(schema.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && !schema.isEmpty,
                     "schema names are identifiers")
        precondition(Set(migrations.map(\.version)).count == migrations.count, "migration versions must be unique")
        self.schema = schema
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Applies what is missing; returns the versions applied now.
    @discardableResult
    public func migrate(_ database: Database, logger: Logger) async throws -> [Int] {
        let schema = self.schema
        let migrations = self.migrations
        let applied: [Int] = try await database.withTransaction { conn in
            // The lock key is derived from the schema name so services do not block each other.
            try conn.query("SELECT pg_advisory_xact_lock(hashtext(\("cl.migrate." + schema)))")
            try conn.execute(script: """
                CREATE SCHEMA IF NOT EXISTS \(schema);
                CREATE TABLE IF NOT EXISTS \(schema).schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """)
            let done = Set(try conn.query(SQL(stringLiteral: "SELECT version FROM \(schema).schema_migrations"))
                .compactMap { $0["version"].flatMap(Int.init) })
            var now: [Int] = []
            for m in migrations where !done.contains(m.version) {
                do {
                    try conn.execute(script: "SET LOCAL search_path TO \(schema), public;\n" + m.sql)
                } catch let e as StoreError {
                    throw StoreError(.migration, "migration \(schema) v\(m.version) (\(m.name)) failed",
                                     sqlState: e.sqlState, serverMessage: e.serverMessage)
                }
                try conn.query(SQL(stringLiteral: "INSERT INTO \(schema).schema_migrations (version, name) VALUES ($1, $2)")
                    .binding(m.version, m.name))
                now.append(m.version)
            }
            return now
        }
        if !applied.isEmpty {
            logger.info("migrations applied", metadata: ["db.schema": "\(schema)", "db.versions": "\(applied)"])
        }
        return applied
    }
}

extension SQL {
    /// Binds positional values to a statement written with `$1`, `$2` placeholders (for statements whose
    /// identifiers come from trusted code, like a schema name, and so cannot be one interpolated literal).
    public func binding(_ values: any PostgresEncodable...) -> SQL {
        var copy = self
        copy.appendParameters(values.map(\.postgresValue))
        return copy
    }
}

/// SQL for the standard tenant-isolation policy, so every service's tenant-owned table gets exactly the same one:
/// RLS enabled and forced (so the owning role is subject to it too), and rows visible and writable only when their
/// `tenant_id` equals the session's `cl.tenant_id` (unset means no rows).
public enum TenantIsolation {
    public static func sql(table: String) -> String {
        precondition(table.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }, "table names are identifiers")
        return """
            ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY;
            ALTER TABLE \(table) FORCE ROW LEVEL SECURITY;
            CREATE POLICY tenant_isolation ON \(table)
                USING (tenant_id = NULLIF(current_setting('cl.tenant_id', true), '')::uuid)
                WITH CHECK (tenant_id = NULLIF(current_setting('cl.tenant_id', true), '')::uuid);
            """
    }
}
