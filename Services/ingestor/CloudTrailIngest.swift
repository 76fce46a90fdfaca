import Bus
import CloudTrail
import Foundation
import Logging
import Metrics
import ServiceKit
import Wire

/// `cl.rpc.ingestor.ingest`: normalize a body, publish each accepted record with `Nats-Msg-Id = <tenant>:<eventID>`
/// (so a repeat inside the stream's window is dropped by JetStream), dead-letter the rest, and report counts.
/// The reply is sent only after JetStream acknowledged every accepted record.
struct CloudTrailIngest: Sendable {
    let jetStream: JetStream
    let deadLetters: DeadLetterStore
    let logger: Logger
    let codec = FrameCodec()
    private let accepted = Counter(label: "cloudloom_ingest_records_total", dimensions: [("outcome", "accepted")])
    private let duplicates = Counter(label: "cloudloom_ingest_records_total", dimensions: [("outcome", "duplicate")])
    private let rejected = Counter(label: "cloudloom_ingest_records_total", dimensions: [("outcome", "rejected")])

    init(jetStream: JetStream, deadLetters: DeadLetterStore, logger: Logger) {
        self.jetStream = jetStream
        self.deadLetters = deadLetters
        self.logger = logger
    }

    func register(on server: RPCServer) {
        server.register("ingest", CLIngestRequest.self) { req, ctx in
            try await ingest(req, tenant: try ctx.requireTenant(), logger: ctx.logger)
        }
    }

    func ingest(_ req: CLIngestRequest, tenant: String, logger: Logger) async throws -> CLIngestResponse {
        guard UUID(uuidString: tenant) != nil else { throw BusError(.invalidArgument, "tenant id is not a UUID") }
        var body = Array(req.body)
        switch req.contentEncoding.lowercased() {
        case "", "identity": break
        case "gzip", "x-gzip":
            do { body = try Gzip.decompress(body) } catch { throw BusError(.invalidArgument, error.message) }
        default:
            throw BusError(.invalidArgument, "Content-Encoding \(req.contentEncoding) is not supported: send identity or gzip")
        }
        let source = req.source.isEmpty ? "webhook" : req.source
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let result: CloudTrailNormalizer.Result
        do {
            result = try CloudTrailNormalizer.normalize(body, tenant: tenant, source: source, receivedAtMs: now)
        } catch {
            throw BusError(.invalidArgument, error.message)
        }
        var response = CLIngestResponse()
        var errors: [CLIngestError] = []
        var deadLetterEntries: [DeadLetterStore.Entry] = result.rejections.map {
            DeadLetterStore.Entry(index: $0.index, eventID: $0.eventID, reason: $0.message, payload: $0.raw)
        }
        for r in result.rejections {
            var e = CLIngestError()
            e.index = Int32(r.index)
            e.eventID = r.eventID
            e.message = r.message
            errors.append(e)
        }
        var messages: [BusMessage] = []
        messages.reserveCapacity(result.events.count)
        for event in result.events {
            messages.append(BusMessage(subject: Streams.cloudTrailSubject(tenant: tenant),
                                       headers: [WireHeader.tenant: tenant, WireHeader.type: CLCloudTrailEvent.protoMessageName,
                                                 WireHeader.schema: WireHeader.schemaVersion,
                                                 WireHeader.messageID: "\(tenant):\(event.eventID)"],
                                       data: try codec.encode(event)))
        }
        let results = try await jetStream.publish(batch: messages)
        var failed = 0
        for (i, r) in results.enumerated() {
            if !r.stored {
                failed += 1
                logger.error("publish failed", metadata: ["event.id": "\(result.events[i].eventID)", "error": "\(r.error ?? "")"])
            } else if r.duplicate {
                response.duplicates += 1
            } else {
                response.accepted += 1
            }
        }
        if !deadLetterEntries.isEmpty {
            try await deadLetters.record(deadLetterEntries, tenant: tenant, source: source, requestID: req.requestID)
            deadLetterEntries.removeAll()
        }
        guard failed == 0 else {
            // Retrying the whole body is safe: records already stored come back as duplicates.
            throw BusError(.unavailable, "\(failed) of \(results.count) records could not be stored; retry the request")
        }
        response.rejected = Int32(result.rejections.count)
        response.errors = errors
        accepted.increment(by: Int(response.accepted))
        duplicates.increment(by: Int(response.duplicates))
        rejected.increment(by: Int(response.rejected))
        return response
    }
}
