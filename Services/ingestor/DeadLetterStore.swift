import Bus
import Foundation
import Store
import Wire

/// Records the ingestor could not accept, kept whole with the reason so they can be listed and re-driven.
/// Each one is also announced on `cl.deadletter.<tenant>` (core NATS) for whoever watches.
struct DeadLetterStore: Sendable {
    let database: Database
    let nats: NATSClient?

    struct Entry: Sendable {
        var index: Int
        var eventID: String
        var reason: String
        var payload: [UInt8]
    }

    func record(_ entries: [Entry], tenant: String, source: String, requestID: String) async throws {
        guard !entries.isEmpty else { return }
        let ids: [Int64] = try await database.withTransaction(tenant: tenant) { conn in
            var ids: [Int64] = []
            for e in entries {
                let rows = try conn.query("""
                    INSERT INTO ingestor.dead_letters (tenant_id, source, request_id, record_index, event_id, reason, payload)
                    VALUES (\(tenant)::uuid, \(source), \(requestID), \(e.index), \(e.eventID), \(e.reason), \(e.payload))
                    RETURNING id
                    """)
                ids.append(try rows.first?.int64("id") ?? 0)
            }
            return ids
        }
        guard let nats else { return }
        for (id, e) in zip(ids, entries) {
            var letter = CLDeadLetter()
            letter.id = id
            letter.source = source
            letter.requestID = requestID
            letter.recordIndex = Int32(e.index)
            letter.eventID = e.eventID
            letter.reason = e.reason
            letter.status = "open"
            // The payload stays in the database; the notice says where to find it.
            try? nats.publish(BusMessage(subject: "cl.deadletter.\(tenant)", headers: [WireHeader.tenant: tenant,
                                                                                      WireHeader.type: CLDeadLetter.protoMessageName],
                                         data: try letter.serializedBytes()))
        }
    }

    static let columns = SQLFragment("""
        id, source, request_id, record_index, event_id, reason, payload, status, retries, octet_length(payload) AS payload_bytes,
        (extract(epoch FROM created_at) * 1000)::bigint AS created_ms
        """)

    /// Lists carry the start of each payload only: a page must fit in one NATS message (1 MiB by default), and a
    /// refused record can be far larger. The retry reads the whole payload from the database.
    static let listColumns = SQLFragment("""
        id, source, request_id, record_index, event_id, reason, substring(payload FROM 1 FOR 16384) AS payload, status, retries,
        octet_length(payload) AS payload_bytes, (extract(epoch FROM created_at) * 1000)::bigint AS created_ms
        """)

    static func letter(_ row: Row) throws -> CLDeadLetter {
        var d = CLDeadLetter()
        d.id = try row.int64("id")
        d.source = try row.string("source")
        d.requestID = try row.string("request_id")
        d.recordIndex = Int32(try row.int("record_index"))
        d.eventID = try row.string("event_id")
        d.reason = try row.string("reason")
        d.payload = Data(try row.bytes("payload"))
        d.status = try row.string("status")
        d.retries = Int32(try row.int("retries"))
        d.createdAtMs = try row.int64("created_ms")
        d.payloadBytes = try row.int64("payload_bytes")
        d.payloadTruncated = d.payloadBytes > Int64(d.payload.count)
        return d
    }

    func list(_ req: CLListDeadLettersRequest, tenant: String) async throws -> CLListDeadLettersResponse {
        // 16 KiB of payload per letter: 50 letters stay under NATS's 1 MiB message limit.
        let limit = req.limit <= 0 ? 20 : min(Int(req.limit), 50)
        guard req.status.isEmpty || ["open", "retried", "failed"].contains(req.status) else {
            throw BusError(.invalidArgument, "status must be open, retried or failed")
        }
        let before = req.beforeID > 0 ? req.beforeID : Int64.max
        let rows = try await database.query("""
            SELECT \(Self.listColumns) FROM ingestor.dead_letters
            WHERE id < \(before) AND (\(req.status) = '' OR status = \(req.status))
            ORDER BY id DESC LIMIT \(limit + 1)
            """, tenant: tenant)
        var resp = CLListDeadLettersResponse()
        resp.deadLetters = try rows.prefix(limit).map(Self.letter)
        if rows.count > limit, let last = resp.deadLetters.last { resp.nextBeforeID = last.id }
        return resp
    }

    func get(id: Int64, tenant: String) async throws -> CLDeadLetter? {
        try await database.query("SELECT \(Self.columns) FROM ingestor.dead_letters WHERE id = \(id)", tenant: tenant).first.map(Self.letter)
    }

    /// Marks the outcome of a retry.
    func mark(id: Int64, tenant: String, status: String) async throws -> CLDeadLetter? {
        try await database.query("""
            UPDATE ingestor.dead_letters SET status = \(status), retries = retries + 1 WHERE id = \(id)
            RETURNING \(Self.columns)
            """, tenant: tenant).first.map(Self.letter)
    }
}
