import Foundation
import Logging
import Store
import Testing
import TestSupport

/// Against a real PostgreSQL, connected as the application role (no superuser, no BYPASSRLS).
@Suite("Store against PostgreSQL")
struct StoreTests {
    static let logger = Logger(label: "test.store")

    static func database() async throws -> (Database, PostgresServer) {
        let pg = try await SharedServers.shared.postgresServer()
        return (Database(.init(url: pg.appURL, poolSize: 4), logger: logger), pg)
    }

    static func notesMigrator(_ schema: String) -> Migrator {
        Migrator(schema: schema, migrations: [
            Migration(1, "notes", """
                CREATE TABLE notes (
                    id bigserial PRIMARY KEY,
                    tenant_id uuid NOT NULL,
                    body text NOT NULL,
                    UNIQUE (tenant_id, body)
                );
                """ + TenantIsolation.sql(table: "notes")),
            Migration(2, "notes.created_at", "ALTER TABLE notes ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();"),
        ])
    }

    static func freshSchema() -> String { "t_" + UUID().uuidString.prefix(8).lowercased() }

    @Test("a TextArray parameter round-trips quotes, backslashes, commas, braces, NULL-like text and unicode")
    func textArrayRoundTrip() async throws {
        let (db, _) = try await Self.database()
        let values = ["plain", "with \"quotes\"", "back\\slash", "a,b", "{braces}", "NULL", "", " spaced ", "é✓"]
        let rows = try await db.query("SELECT v FROM unnest(\(TextArray(values))::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n")
        #expect(try rows.map { try $0.string("v") } == values)
        await db.shutdown()
    }

    @Test("migrations apply once, in order, and a second start applies nothing")
    func migrationsAreVersioned() async throws {
        let (db, _) = try await Self.database()
        defer { Task { await db.shutdown() } }
        let schema = Self.freshSchema()
        let first = try await Self.notesMigrator(schema).migrate(db, logger: Self.logger)
        #expect(first == [1, 2])
        let second = try await Self.notesMigrator(schema).migrate(db, logger: Self.logger)
        #expect(second.isEmpty)
        let rows = try await db.query(SQL(stringLiteral: "SELECT version FROM \(schema).schema_migrations ORDER BY version"))
        #expect(rows.compactMap { $0["version"] } == ["1", "2"])
    }

    @Test("concurrent instances starting together apply each migration once")
    func concurrentMigrations() async throws {
        let (db, _) = try await Self.database()
        defer { Task { await db.shutdown() } }
        let schema = Self.freshSchema()
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 { group.addTask { try await Self.notesMigrator(schema).migrate(db, logger: Self.logger) } }
            var all: [Int] = []
            for try await a in group { all += a }
            return all
        }
        #expect(applied.sorted() == [1, 2])
    }

    @Test("row-level security keeps tenants apart, and a session without a tenant sees nothing")
    func rowLevelSecurity() async throws {
        let (db, pg) = try await Self.database()
        defer { Task { await db.shutdown() } }
        let schema = Self.freshSchema()
        try await Self.notesMigrator(schema).migrate(db, logger: Self.logger)
        let a = UUID().uuidString.lowercased()
        let b = UUID().uuidString.lowercased()
        try await db.query(SQL(stringLiteral: "INSERT INTO \(schema).notes (tenant_id, body) VALUES ($1::uuid, $2)").binding(a, "a-secret"), tenant: a)
        try await db.query(SQL(stringLiteral: "INSERT INTO \(schema).notes (tenant_id, body) VALUES ($1::uuid, $2)").binding(b, "b-secret"), tenant: b)

        let asA = try await db.query(SQL(stringLiteral: "SELECT body FROM \(schema).notes"), tenant: a)
        #expect(asA.compactMap { $0["body"] } == ["a-secret"])
        let asB = try await db.query(SQL(stringLiteral: "SELECT body FROM \(schema).notes"), tenant: b)
        #expect(asB.compactMap { $0["body"] } == ["b-secret"])
        let noTenant = try await db.query(SQL(stringLiteral: "SELECT body FROM \(schema).notes"))
        #expect(noTenant.isEmpty)

        // Writing a row for another tenant is refused by the policy's WITH CHECK.
        await #expect(throws: StoreError.self) {
            try await db.query(SQL(stringLiteral: "INSERT INTO \(schema).notes (tenant_id, body) VALUES ($1::uuid, 'x')").binding(b), tenant: a)
        }
        // Both rows exist (the superuser sees them), so the filtering above was RLS, not absence.
        #expect(try await pg.adminSQL("SELECT count(*) FROM \(schema).notes").trimmingCharacters(in: .whitespacesAndNewlines) == "2")
    }

    @Test("the services' role cannot bypass row-level security")
    func roleHasNoBypass() async throws {
        let (db, _) = try await Self.database()
        defer { Task { await db.shutdown() } }
        let rows = try await db.query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        #expect(rows.first?["rolsuper"] == "f")
        #expect(rows.first?["rolbypassrls"] == "f")
    }

    @Test("interpolated values are bound parameters, never SQL")
    func parametersAreNotSQL() async throws {
        let (db, _) = try await Self.database()
        defer { Task { await db.shutdown() } }
        let hostile = "x'); DROP TABLE pg_class; --"
        let quoted = "O'Brien \"quoted\" \\ back"
        let rows = try await db.query("SELECT \(hostile)::text AS a, \(quoted)::text AS b, \(42)::int AS n, \(true)::bool AS t, \(nil as String?)::text AS z")
        #expect(rows.first?["a"] == hostile)
        #expect(rows.first?["b"] == quoted)
        #expect(rows.first?["n"] == "42")
        #expect(rows.first?["t"] == "t")
        #expect(rows.first?["z"] == nil)
        let bytes: [UInt8] = [0, 1, 2, 255, 39, 92]
        let back = try await db.query("SELECT \(bytes)::bytea AS b")
        #expect(try back.first?.bytes("b") == bytes)
        let arr = try await db.query("SELECT \(TextArray(["a", "b,c", "d\"e", ""]))::text[] AS arr")
        #expect(try arr.first?.textArray("arr") == ["a", "b,c", "d\"e", ""])
    }

    @Test("a transaction rolls back when its body throws; unique violations have their own code")
    func transactionsAndErrors() async throws {
        let (db, _) = try await Self.database()
        defer { Task { await db.shutdown() } }
        let schema = Self.freshSchema()
        try await Self.notesMigrator(schema).migrate(db, logger: Self.logger)
        let t = UUID().uuidString.lowercased()
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await db.withTransaction(tenant: t) { conn in
                try conn.query(SQL(stringLiteral: "INSERT INTO \(schema).notes (tenant_id, body) VALUES ($1::uuid, 'kept?')").binding(t))
                throw Boom()
            }
        }
        #expect(try await db.query(SQL(stringLiteral: "SELECT 1 FROM \(schema).notes"), tenant: t).isEmpty)

        try await db.query(SQL(stringLiteral: "INSERT INTO \(schema).notes (tenant_id, body) VALUES ($1::uuid, 'one')").binding(t), tenant: t)
        do {
            try await db.query(SQL(stringLiteral: "INSERT INTO \(schema).notes (tenant_id, body) VALUES ($1::uuid, 'one')").binding(t), tenant: t)
            Issue.record("duplicate insert succeeded")
        } catch let e as StoreError {
            #expect(e.code == .uniqueViolation)
            #expect(e.sqlState == "23505")
            #expect(!e.description.contains("INSERT"), "the error must not leak SQL: \(e.description)")
        }
        // The pool still works after errors (connections left in a failed transaction are not reused).
        #expect(try await db.query("SELECT 1 AS one").first?["one"] == "1")
    }

    @Test("many concurrent queries share a small pool")
    func poolUnderLoad() async throws {
        let (db, _) = try await Self.database()
        defer { Task { await db.shutdown() } }
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<100 {
                group.addTask { Int(try await db.query("SELECT \(i)::int + 1 AS v").first?["v"] ?? "") ?? -1 }
            }
            var all: [Int] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.sorted() == Array(1...100))
    }

    @Test("a server that is not there gives a connection error that does not leak the password")
    func connectionFailure() async throws {
        let port = try TestEnvironment.freePort()
        let db = Database(.init(url: "postgresql://cloudloom:s3cret-pw@127.0.0.1:\(port)/cloudloom", connectTimeoutSeconds: 2),
                          logger: Self.logger)
        defer { Task { await db.shutdown() } }
        do {
            try await db.query("SELECT 1")
            Issue.record("query succeeded without a server")
        } catch let e as StoreError {
            #expect(e.code == .connection)
            #expect(!e.description.contains("s3cret-pw"))
        }
    }
}
