import Store

/// Records the ingestor could not accept, kept whole with the reason so they can be inspected and re-posted.
struct DeadLetterStore: Sendable {
    let database: Database

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
    ])

    struct Entry: Sendable {
        var index: Int
        var eventID: String
        var reason: String
        var payload: [UInt8]
    }

    func record(_ entries: [Entry], tenant: String, source: String, requestID: String) async throws {
        guard !entries.isEmpty else { return }
        try await database.withTransaction(tenant: tenant) { conn in
            for e in entries {
                try conn.query("""
                    INSERT INTO ingestor.dead_letters (tenant_id, source, request_id, record_index, event_id, reason, payload)
                    VALUES (\(tenant)::uuid, \(source), \(requestID), \(e.index), \(e.eventID), \(e.reason), \(e.payload))
                    """)
            }
        }
    }
}
