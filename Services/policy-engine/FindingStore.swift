import CLCrypto
import CloudTrail
import Foundation
import Store
import Wire

/// The policy-engine's tables: findings (tenant-scoped by row-level security) and dead letters.
struct FindingStore: Sendable {
    let database: Database

    static let migrator = Migrator(schema: "policy_engine", migrations: [
        Migration(1, "findings", """
            CREATE TABLE findings (
                id uuid PRIMARY KEY,
                tenant_id uuid NOT NULL,
                rule_id text NOT NULL,
                dedup_key text NOT NULL,
                severity text NOT NULL,
                status text NOT NULL DEFAULT 'open',
                title text NOT NULL,
                resource_type text NOT NULL DEFAULT '',
                resource_id text NOT NULL DEFAULT '',
                event_ids text[] NOT NULL DEFAULT '{}',
                body bytea NOT NULL,
                first_seen timestamptz NOT NULL,
                last_seen timestamptz NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                UNIQUE (tenant_id, dedup_key)
            );
            CREATE INDEX findings_tenant_created ON findings (tenant_id, created_at DESC, id DESC);
            """ + TenantIsolation.sql(table: "findings") + """
            CREATE TABLE dead_letters (
                id bigserial PRIMARY KEY,
                tenant_id text NOT NULL DEFAULT '',
                subject text NOT NULL,
                reason text NOT NULL,
                payload bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            """),
    ])

    /// The stable id of a finding: the same tenant and dedup key always give the same id.
    static func findingID(tenant: String, dedupKey: String) -> String { ContentID.uuid("\(tenant)|\(dedupKey)") }

    /// Stores findings of one tenant in one transaction; ones already stored are left as they are.
    /// Returns how many were new.
    @discardableResult
    func insert(_ findings: [CLFinding], tenant: String) async throws -> Int {
        var rows: [(CLFinding, [UInt8])] = []
        for f in findings { rows.append((f, try f.serializedBytes())) }
        let prepared = rows
        return try await database.withTransaction(tenant: tenant) { conn in
            var inserted = 0
            for (f, body) in prepared {
                let result = try conn.query("""
                    INSERT INTO policy_engine.findings
                        (id, tenant_id, rule_id, dedup_key, severity, status, title, resource_type, resource_id,
                         event_ids, body, first_seen, last_seen, created_at)
                    VALUES (\(f.id)::uuid, \(f.tenantID)::uuid, \(f.ruleID), \(f.dedupKey), \(f.severity.name),
                            'open', \(f.title), \(f.resourceType), \(f.resourceID), \(TextArray(f.eventIds))::text[],
                            \(body), to_timestamp(\(f.firstSeenMs) / 1000.0), to_timestamp(\(f.lastSeenMs) / 1000.0),
                            to_timestamp(\(f.createdAtMs) / 1000.0))
                    ON CONFLICT (tenant_id, dedup_key) DO NOTHING
                    RETURNING id
                    """)
                inserted += result.count
            }
            return inserted
        }
    }

    func get(id: String, tenant: String) async throws -> CLFinding? {
        guard UUID(uuidString: id) != nil else { return nil }
        let rows = try await database.query("SELECT body FROM policy_engine.findings WHERE id = \(id)::uuid", tenant: tenant)
        guard let row = rows.first else { return nil }
        return try CLFinding(serializedBytes: try row.bytes("body"))
    }

    /// Newest first; `after` is the page token of the previous page.
    func list(tenant: String, limit: Int, after: PageToken?, ruleID: String?, severity: String?, status: String?) async throws
        -> (findings: [CLFinding], next: PageToken?) {
        let afterMs = after?.createdAtMicros ?? Int64.max
        let afterID = after?.id ?? "ffffffff-ffff-ffff-ffff-ffffffffffff"
        let rows = try await database.query("""
            SELECT body, (extract(epoch FROM created_at) * 1000000)::bigint AS created_us, id::text AS id
            FROM policy_engine.findings
            WHERE ((extract(epoch FROM created_at) * 1000000)::bigint, id) < (\(afterMs)::bigint, \(afterID)::uuid)
              AND (\(ruleID ?? "") = '' OR rule_id = \(ruleID ?? ""))
              AND (\(severity ?? "") = '' OR severity = \(severity ?? ""))
              AND (\(status ?? "") = '' OR status = \(status ?? ""))
            ORDER BY created_at DESC, id DESC
            LIMIT \(limit + 1)
            """, tenant: tenant)
        var findings: [CLFinding] = []
        for row in rows.prefix(limit) { findings.append(try CLFinding(serializedBytes: try row.bytes("body"))) }
        var next: PageToken?
        if rows.count > limit, let last = rows.prefix(limit).last {
            next = PageToken(createdAtMicros: try last.int64("created_us"), id: try last.string("id"))
        }
        return (findings, next)
    }

    func deadLetter(tenant: String, subject: String, reason: String, payload: [UInt8]) async throws {
        try await database.query("""
            INSERT INTO policy_engine.dead_letters (tenant_id, subject, reason, payload)
            VALUES (\(tenant), \(subject), \(reason), \(payload))
            """)
    }
}

/// Keyset pagination position: `<created_at in µs>.<id>`.
struct PageToken: Sendable {
    var createdAtMicros: Int64
    var id: String

    init(createdAtMicros: Int64, id: String) {
        self.createdAtMicros = createdAtMicros
        self.id = id
    }

    init?(_ text: String) {
        let parts = text.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let us = Int64(parts[0]), UUID(uuidString: String(parts[1])) != nil else { return nil }
        createdAtMicros = us
        id = String(parts[1])
    }

    var text: String { "\(createdAtMicros).\(id)" }
}

extension CLSeverity {
    var name: String {
        switch self {
        case .info: "info"
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .critical: "critical"
        default: "unspecified"
        }
    }
}
