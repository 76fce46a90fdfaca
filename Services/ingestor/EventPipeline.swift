import Bus
import CloudTrail
import Foundation
import Logging
import Metrics
import ServiceKit
import Store
import Synchronization
import Wire

/// Normalizes bodies and publishes every accepted record exactly once to `cl.events.<tenant>.cloudtrail`.
///
/// Exactly once, across restarts and instances, for at least `dedupDays`:
/// 1. ids already recorded in `ingestor.seen_events` (committed earlier, by any instance) are dropped as duplicates;
/// 2. the rest are published with `Nats-Msg-Id = <tenant>:<eventID>`, so JetStream drops a repeat that races in
///    from another instance or a retry inside its 10-minute window;
/// 3. after JetStream acknowledged them, the ids are recorded in `seen_events`.
/// A crash between 2 and 3 is covered by step 2 when the source retries within the window (SQS redelivers after
/// its visibility timeout; webhook callers retry on 503).
struct EventPipeline: Sendable {
    let jetStream: JetStream
    let database: Database
    let deadLetters: DeadLetterStore
    let dedupDays: Int
    let logger: Logger
    let codec = FrameCodec()
    /// When each tenant's expired dedup rows were last purged by this instance.
    let lastPurge = PurgeTimes()
    static let batchSize = 1000
    private let accepted = Counter(label: "cloudloom_ingest_records_total", dimensions: [("outcome", "accepted")])
    private let duplicates = Counter(label: "cloudloom_ingest_records_total", dimensions: [("outcome", "duplicate")])
    private let rejected = Counter(label: "cloudloom_ingest_records_total", dimensions: [("outcome", "rejected")])

    init(jetStream: JetStream, database: Database, deadLetters: DeadLetterStore, dedupDays: Int, logger: Logger) {
        self.jetStream = jetStream
        self.database = database
        self.deadLetters = deadLetters
        self.dedupDays = dedupDays
        self.logger = logger
    }

    /// Decompresses (when asked) and ingests one body. Body-level problems throw `invalidArgument` naming them.
    func ingest(body: [UInt8], contentEncoding: String, tenant: String, source: String, requestID: String) async throws -> CLIngestResponse {
        guard UUID(uuidString: tenant) != nil else { throw BusError(.invalidArgument, "tenant id is not a UUID") }
        var body = body
        switch contentEncoding.lowercased() {
        case "", "identity": break
        case "gzip", "x-gzip":
            do { body = try Gzip.decompress(body) } catch { throw BusError(.invalidArgument, error.message) }
        default:
            throw BusError(.invalidArgument, "Content-Encoding \(contentEncoding) is not supported: send identity or gzip")
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let result: CloudTrailNormalizer.Result
        do {
            result = try CloudTrailNormalizer.normalize(body, tenant: tenant, source: source, receivedAtMs: now)
        } catch {
            throw BusError(.invalidArgument, error.message)
        }
        return try await publish(result, tenant: tenant, source: source, requestID: requestID)
    }

    /// Publishes normalized events and dead-letters the rejections; answers the counts.
    func publish(_ result: CloudTrailNormalizer.Result, tenant: String, source: String, requestID: String) async throws -> CLIngestResponse {
        var response = CLIngestResponse()
        if !result.rejections.isEmpty {
            try await deadLetters.record(result.rejections.map {
                DeadLetterStore.Entry(index: $0.index, eventID: $0.eventID, reason: $0.message, payload: $0.raw)
            }, tenant: tenant, source: source, requestID: requestID)
            for r in result.rejections {
                var e = CLIngestError()
                e.index = Int32(r.index)
                e.eventID = r.eventID
                e.message = r.message
                response.errors.append(e)
            }
            response.rejected = Int32(result.rejections.count)
        }
        var start = 0
        while start < result.events.count {
            let batch = Array(result.events[start..<min(start + Self.batchSize, result.events.count)])
            let (a, d) = try await publishBatch(batch, tenant: tenant)
            response.accepted += Int32(a)
            response.duplicates += Int32(d)
            start += Self.batchSize
        }
        accepted.increment(by: Int(response.accepted))
        duplicates.increment(by: Int(response.duplicates))
        rejected.increment(by: Int(response.rejected))
        return response
    }

    private func publishBatch(_ events: [CLCloudTrailEvent], tenant: String) async throws -> (accepted: Int, duplicates: Int) {
        // A body may repeat an event; only its first copy goes on.
        var seenInBatch = Set<String>()
        var unique: [CLCloudTrailEvent] = []
        for e in events where seenInBatch.insert(e.eventID).inserted { unique.append(e) }
        var duplicateCount = events.count - unique.count
        let ids = unique.map(\.eventID)
        let known = try await database.query("""
            SELECT event_id FROM ingestor.seen_events WHERE event_id = ANY(\(TextArray(ids))::text[])
            """, tenant: tenant)
        let knownIDs = Set(try known.map { try $0.string("event_id") })
        let fresh = unique.filter { !knownIDs.contains($0.eventID) }
        duplicateCount += unique.count - fresh.count
        guard !fresh.isEmpty else { return (0, duplicateCount) }

        var messages: [BusMessage] = []
        messages.reserveCapacity(fresh.count)
        for event in fresh {
            messages.append(BusMessage(subject: Streams.cloudTrailSubject(tenant: tenant),
                                       headers: [WireHeader.tenant: tenant, WireHeader.type: CLCloudTrailEvent.protoMessageName,
                                                 WireHeader.schema: WireHeader.schemaVersion,
                                                 WireHeader.messageID: "\(tenant):\(event.eventID)"],
                                       data: try codec.encode(event)))
        }
        let results = try await jetStream.publish(batch: messages)
        var acceptedCount = 0
        var stored: [String] = []
        var failed = 0
        for (i, r) in results.enumerated() {
            if !r.stored {
                failed += 1
                logger.error("publish failed", metadata: ["event.id": "\(fresh[i].eventID)", "error": "\(r.error ?? "")"])
                continue
            }
            stored.append(fresh[i].eventID)
            if r.duplicate { duplicateCount += 1 } else { acceptedCount += 1 }
        }
        try await remember(stored, tenant: tenant)
        guard failed == 0 else {
            // Retrying the whole body is safe: what was stored comes back as duplicates.
            throw BusError(.unavailable, "\(failed) of \(results.count) records could not be stored; retry the request")
        }
        return (acceptedCount, duplicateCount)
    }

    /// Records published ids for the long-term dedup, and now and then drops this tenant's expired ones.
    private func remember(_ ids: [String], tenant: String) async throws {
        guard !ids.isEmpty else { return }
        let now = ContinuousClock.now
        let purge = lastPurge.times.withLock { last -> Bool in
            if let t = last[tenant], now - t < .seconds(600) { return false }
            last[tenant] = now
            return true
        }
        let days = dedupDays
        try await database.withTransaction(tenant: tenant) { conn in
            try conn.query("""
                INSERT INTO ingestor.seen_events (tenant_id, event_id)
                SELECT \(tenant)::uuid, id FROM unnest(\(TextArray(ids))::text[]) AS id
                ON CONFLICT DO NOTHING
                """)
            if purge {
                try conn.query("DELETE FROM ingestor.seen_events WHERE seen_at < now() - make_interval(days => \(days))")
            }
        }
    }
}

/// When each tenant's expired dedup rows were last purged (shared by every copy of the pipeline).
final class PurgeTimes: Sendable {
    let times = Mutex<[String: ContinuousClock.Instant]>([:])
}
