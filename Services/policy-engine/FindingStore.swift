import CLCrypto
import CloudTrail
import Detection
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
        Migration(2, "finding counts, finding events, detection state", """
            ALTER TABLE findings ADD COLUMN event_count bigint NOT NULL DEFAULT 1;
            CREATE TABLE finding_events (
                tenant_id uuid NOT NULL,
                finding_id uuid NOT NULL,
                event_id text NOT NULL,
                PRIMARY KEY (tenant_id, finding_id, event_id)
            );
            CREATE TABLE detection_state (
                tenant_id uuid PRIMARY KEY,
                state bytea NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            """ + TenantIsolation.sql(table: "finding_events") + "\n" + TenantIsolation.sql(table: "detection_state")),
        Migration(3, "suppressions and finding history", """
            CREATE TABLE suppressions (
                id uuid PRIMARY KEY,
                tenant_id uuid NOT NULL,
                rule_id text NOT NULL DEFAULT '',
                account_id text NOT NULL DEFAULT '',
                region text NOT NULL DEFAULT '',
                resource text NOT NULL DEFAULT '',
                reason text NOT NULL,
                owner text NOT NULL,
                expires_at timestamptz,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE finding_history (
                id bigserial PRIMARY KEY,
                tenant_id uuid NOT NULL,
                finding_id uuid NOT NULL,
                status text NOT NULL,
                reason text NOT NULL DEFAULT '',
                actor text NOT NULL DEFAULT '',
                at timestamptz NOT NULL DEFAULT now()
            );
            """ + TenantIsolation.sql(table: "suppressions") + "\n" + TenantIsolation.sql(table: "finding_history")),
        Migration(4, "custom rules", """
            CREATE TABLE custom_rules (
                tenant_id uuid NOT NULL,
                id text NOT NULL,
                definition text NOT NULL,
                owner text NOT NULL DEFAULT '',
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, id)
            );
            """ + TenantIsolation.sql(table: "custom_rules")),
        // Dead letters were readable across tenants. A message whose tenant header is missing or invalid has no
        // tenant to belong to: it is kept with tenant_id '' and only a session without a tenant sees it.
        Migration(5, "dead letters under row-level security", """
            ALTER TABLE dead_letters ENABLE ROW LEVEL SECURITY;
            ALTER TABLE dead_letters FORCE ROW LEVEL SECURITY;
            CREATE POLICY tenant_isolation ON dead_letters
                USING (tenant_id = COALESCE(current_setting('cl.tenant_id', true), ''))
                WITH CHECK (tenant_id = COALESCE(current_setting('cl.tenant_id', true), ''));
            """),
    ])

    /// The tenant's custom rules, compiled. A stored rule that no longer validates is skipped (it validated when
    /// uploaded; this only guards against a rule language change).
    static func customRules(tenant: String, conn: PostgresConnection) throws -> (single: [CustomEventRule], stateful: [ThresholdRule]) {
        var single: [CustomEventRule] = []
        var stateful: [ThresholdRule] = []
        for row in try conn.query("SELECT definition FROM policy_engine.custom_rules ORDER BY id") {
            guard let d = try? CustomRuleDefinition.parse(Array(try row.string("definition").utf8)) else { continue }
            let rule = CustomEventRule(d)
            if let t = d.threshold {
                stateful.append(ThresholdRule(d.metadata, triggers: rule.triggers, threshold: t.count, window: .seconds(t.windowSeconds),
                                              resourceType: "AWS::Custom") { event, request in
                    guard CustomEventRule.holds(d.condition, event, request),
                          let key = CustomEventRule.value(t.groupBy, event, request) else { return [] }
                    return [key]
                })
            } else {
                single.append(rule)
            }
        }
        return (single, stateful)
    }

    /// Suppressions in force for the tenant now.
    static func activeSuppressions(tenant: String, conn: PostgresConnection) throws -> [SuppressionRule] {
        try conn.query("""
            SELECT id::text AS id, rule_id, account_id, region, resource,
                   COALESCE((extract(epoch FROM expires_at) * 1000)::bigint, 0) AS expires_ms
            FROM policy_engine.suppressions WHERE expires_at IS NULL OR expires_at > now()
            """).map { row in
            SuppressionRule(id: try row.string("id"), ruleID: try row.string("rule_id"), accountID: try row.string("account_id"),
                            region: try row.string("region"), resource: try row.string("resource"),
                            expiresAtMs: try row.int64("expires_ms"))
        }
    }

    /// Event ids kept on a finding row; the count keeps counting past it.
    static let maxEventIDsPerFinding = 100

    /// The stable id of a finding: the same tenant and dedup key always give the same id.
    static func findingID(tenant: String, dedupKey: String) -> String { ContentID.uuid("\(tenant)|\(dedupKey)") }

    /// Stores findings inside the caller's tenant transaction. An event already counted for a finding is not
    /// counted again (redelivery); a new event for an existing finding raises its count and last_seen.
    /// Returns the findings that changed.
    static func upsert(_ findings: [CLFinding], tenant: String, conn: PostgresConnection) throws -> [CLFinding] {
        if findings.isEmpty { return [] }
        // 1. Which (finding, event) pairs are new? One statement for the whole batch.
        var pairFindings: [String] = []
        var pairEvents: [String] = []
        for f in findings {
            for e in f.eventIds {
                pairFindings.append(f.id)
                pairEvents.append(e)
            }
        }
        let fresh = try conn.query("""
            INSERT INTO policy_engine.finding_events (tenant_id, finding_id, event_id)
            SELECT \(tenant)::uuid, f::uuid, e FROM unnest(\(TextArray(pairFindings))::text[], \(TextArray(pairEvents))::text[]) AS t(f, e)
            ON CONFLICT DO NOTHING
            RETURNING finding_id::text AS f, event_id AS e
            """)
        var freshByFinding: [String: [String]] = [:]
        for row in fresh {
            if let f = row["f"], let e = row["e"] { freshByFinding[f, default: []].append(e) }
        }
        if freshByFinding.isEmpty { return [] }
        // 2. Fold the batch's detections per finding (one row may not be updated twice in one statement).
        var merged: [String: CLFinding] = [:]
        var order: [String] = []
        for var f in findings {
            guard let events = freshByFinding[f.id] else { continue }
            if var m = merged[f.id] {
                m.firstSeenMs = min(m.firstSeenMs, f.firstSeenMs)
                m.lastSeenMs = max(m.lastSeenMs, f.lastSeenMs)
                merged[f.id] = m
            } else {
                f.eventIds = events
                f.count = Int64(events.count)
                merged[f.id] = f
                order.append(f.id)
            }
        }
        let rows = order.map { merged[$0]! }
        var bodies: [String] = []
        for f in rows { let bytes: [UInt8] = try f.serializedBytes(); bodies.append(bytes.postgresValue.cString ?? "") }
        // event_ids travel as one JSON array per finding (text[] cannot nest ragged arrays).
        let idLists = try rows.map { f -> String in
            String(decoding: try JSONSerialization.data(withJSONObject: Array(f.eventIds.prefix(maxEventIDsPerFinding))), as: UTF8.self)
        }
        try conn.query("""
            INSERT INTO policy_engine.findings
                (id, tenant_id, rule_id, dedup_key, severity, status, title, resource_type, resource_id,
                 event_ids, event_count, body, first_seen, last_seen, created_at)
            SELECT id::uuid, \(tenant)::uuid, rule_id, dedup_key, severity, status, title, resource_type, resource_id,
                   ARRAY(SELECT jsonb_array_elements_text(ids::jsonb)), event_count::bigint, body::bytea,
                   to_timestamp(first_ms::bigint / 1000.0), to_timestamp(last_ms::bigint / 1000.0), to_timestamp(created_ms::bigint / 1000.0)
            FROM unnest(\(TextArray(rows.map(\.id)))::text[], \(TextArray(rows.map(\.ruleID)))::text[],
                        \(TextArray(rows.map(\.dedupKey)))::text[], \(TextArray(rows.map { $0.severity.name }))::text[],
                        \(TextArray(rows.map(\.title)))::text[], \(TextArray(rows.map(\.resourceType)))::text[],
                        \(TextArray(rows.map(\.resourceID)))::text[], \(TextArray(idLists))::text[],
                        \(TextArray(rows.map { String($0.count) }))::text[], \(TextArray(bodies))::text[],
                        \(TextArray(rows.map { String($0.firstSeenMs) }))::text[], \(TextArray(rows.map { String($0.lastSeenMs) }))::text[],
                        \(TextArray(rows.map { String($0.createdAtMs) }))::text[],
                        \(TextArray(rows.map { $0.status == .suppressed ? "suppressed" : "open" }))::text[])
                 AS t(id, rule_id, dedup_key, severity, title, resource_type, resource_id, ids, event_count, body,
                      first_ms, last_ms, created_ms, status)
            ON CONFLICT (tenant_id, dedup_key) DO UPDATE SET
                -- A new occurrence reopens a resolved finding; an open one becomes suppressed if a suppression now covers it.
                status = CASE WHEN findings.status = 'resolved' THEN EXCLUDED.status
                              WHEN findings.status = 'open' AND EXCLUDED.status = 'suppressed' THEN 'suppressed'
                              ELSE findings.status END,
                event_count = findings.event_count + EXCLUDED.event_count,
                first_seen = least(findings.first_seen, EXCLUDED.first_seen),
                last_seen = greatest(findings.last_seen, EXCLUDED.last_seen),
                event_ids = CASE WHEN cardinality(findings.event_ids) >= \(maxEventIDsPerFinding) THEN findings.event_ids
                                 ELSE (findings.event_ids || EXCLUDED.event_ids)[1:\(maxEventIDsPerFinding)] END
            """)
        return rows
    }

    /// The tenant's stateful-rule memory, locked for the rest of the transaction so instances take turns.
    static func loadState(tenant: String, conn: PostgresConnection) throws -> DetectionState {
        let rows = try conn.query("SELECT state FROM policy_engine.detection_state WHERE tenant_id = \(tenant)::uuid FOR UPDATE")
        guard let row = rows.first else { return DetectionState(maxKeysPerRule: 10_000) }
        return (try? JSONDecoder().decode(DetectionState.self, from: Data(try row.bytes("state"))))
            ?? DetectionState(maxKeysPerRule: 10_000)
    }

    static func saveState(_ state: DetectionState, tenant: String, conn: PostgresConnection) throws {
        let bytes = [UInt8](try JSONEncoder().encode(state))
        try conn.query("""
            INSERT INTO policy_engine.detection_state (tenant_id, state) VALUES (\(tenant)::uuid, \(bytes))
            ON CONFLICT (tenant_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()
            """)
    }

    /// Overlays the aggregate columns on the stored first occurrence.
    static func finding(from row: Row) throws -> CLFinding {
        var f = try CLFinding(serializedBytes: try row.bytes("body"))
        f.eventIds = try row.textArray("event_ids")
        f.count = try row.int64("event_count")
        f.firstSeenMs = try row.int64("first_ms")
        f.lastSeenMs = try row.int64("last_ms")
        switch try row.string("status") {
        case "acknowledged": f.status = .acknowledged
        case "resolved": f.status = .resolved
        case "suppressed": f.status = .suppressed
        default: f.status = .open
        }
        return f
    }

    static let columns = """
        body, event_ids, event_count, status,
        (extract(epoch FROM first_seen) * 1000)::bigint AS first_ms, (extract(epoch FROM last_seen) * 1000)::bigint AS last_ms
        """

    func get(id: String, tenant: String) async throws -> CLFinding? {
        guard UUID(uuidString: id) != nil else { return nil }
        let rows = try await database.query(SQL(stringLiteral: "SELECT \(Self.columns) FROM policy_engine.findings WHERE id = $1::uuid")
            .binding(id), tenant: tenant)
        guard let row = rows.first else { return nil }
        return try Self.finding(from: row)
    }

    /// Newest first; `after` is the page token of the previous page.
    func list(tenant: String, limit: Int, after: PageToken?, ruleID: String?, severity: String?, status: String?,
              resource: String = "", sinceMs: Int64 = 0, untilMs: Int64 = 0) async throws
        -> (findings: [CLFinding], next: PageToken?) {
        let afterMs = after?.createdAtMicros ?? Int64.max
        let afterID = after?.id ?? "ffffffff-ffff-ffff-ffff-ffffffffffff"
        let rows = try await database.query(SQL(stringLiteral: """
            SELECT \(Self.columns), (extract(epoch FROM created_at) * 1000000)::bigint AS created_us, id::text AS id
            FROM policy_engine.findings
            WHERE ((extract(epoch FROM created_at) * 1000000)::bigint, id) < ($1::bigint, $2::uuid)
              AND ($3 = '' OR rule_id = $3)
              AND ($4 = '' OR severity = $4)
              AND ($5 = '' OR status = $5)
              AND ($7 = '' OR resource_id LIKE $7)
              AND ($8::bigint = 0 OR last_seen >= to_timestamp($8::bigint / 1000.0))
              AND ($9::bigint = 0 OR first_seen <= to_timestamp($9::bigint / 1000.0))
            ORDER BY created_at DESC, id DESC
            LIMIT $6
            """).binding(afterMs, afterID, ruleID ?? "", severity ?? "", status ?? "", limit + 1, Self.likePattern(resource),
                         sinceMs, untilMs), tenant: tenant)
        var findings: [CLFinding] = []
        for row in rows.prefix(limit) { findings.append(try Self.finding(from: row)) }
        var next: PageToken?
        if rows.count > limit, let last = rows.prefix(limit).last {
            next = PageToken(createdAtMicros: try last.int64("created_us"), id: try last.string("id"))
        }
        return (findings, next)
    }

    /// A `*`/`?` glob as a LIKE pattern (LIKE's own metacharacters escaped).
    static func likePattern(_ glob: String) -> String {
        var out = ""
        for c in glob {
            switch c {
            case "%", "_", "\\": out += "\\" + String(c)
            case "*": out += "%"
            case "?": out += "_"
            default: out.append(c)
            }
        }
        return out
    }

    func deadLetter(tenant: String, subject: String, reason: String, payload: [UInt8]) async throws {
        // Under the tenant's own session when the message named a valid one; otherwise as a platform-level row.
        let owner = UUID(uuidString: tenant) != nil ? tenant.lowercased() : ""
        try await database.query("""
            INSERT INTO policy_engine.dead_letters (tenant_id, subject, reason, payload)
            VALUES (\(owner), \(subject), \(reason), \(payload))
            """, tenant: owner.isEmpty ? nil : owner)
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
