import Bus
import CloudTrail
import Foundation
import Wire

/// `listDeadLetters` and `retryDeadLetter`: what the ingestor refused, and re-driving it once the cause is fixed
/// (for example a rule or parser update). A retry that fails again does not add a second dead letter: the existing
/// one is marked `failed` and keeps its payload.
struct DeadLetterRPC: Sendable {
    let deadLetters: DeadLetterStore
    let pipeline: EventPipeline

    func register(on server: RPCServer) {
        let deadLetters = self.deadLetters, pipeline = self.pipeline
        server.register("listDeadLetters", CLListDeadLettersRequest.self) { req, ctx in
            try await deadLetters.list(req, tenant: try ctx.requireTenant())
        }
        server.register("retryDeadLetter", CLRetryDeadLetterRequest.self) { req, ctx in
            let tenant = try ctx.requireTenant()
            guard let letter = try await deadLetters.get(id: req.id, tenant: tenant) else {
                throw BusError(.notFound, "dead letter \(req.id) not found")
            }
            guard letter.status != "retried" else {
                throw BusError(.failedPrecondition, "dead letter \(req.id) was already re-driven successfully")
            }
            var resp = CLRetryDeadLetterResponse()
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            var result: CloudTrailNormalizer.Result
            do {
                var payload = Array(letter.payload)
                if letter.source == "sqs" {
                    // A whole SQS message: unwrap it the way the poller does.
                    switch try SQSNotification.classify(payload) {
                    case .cloudTrail(let body): payload = body
                    case .objects(let refs):
                        throw IngestBodyError("this SQS message names \(refs.count) S3 object(s); re-drive them with POST /v1/accounts/{id}/backfill or by sending the notification again")
                    case .ignorable(let reason): throw IngestBodyError("this SQS message carries no records: \(reason)")
                    }
                }
                result = try CloudTrailNormalizer.normalize(payload, tenant: tenant, source: letter.source, receivedAtMs: now)
            } catch {
                result = CloudTrailNormalizer.Result()
                var e = CLIngestError()
                e.index = -1
                e.message = (error as? IngestBodyError)?.message ?? "\(error)"
                resp.result.errors = [e]
                resp.result.rejected = 1
            }
            if !result.rejections.isEmpty || result.events.isEmpty {
                for r in result.rejections {
                    var e = CLIngestError()
                    e.index = Int32(r.index)
                    e.eventID = r.eventID
                    e.message = r.message
                    resp.result.errors.append(e)
                }
                resp.result.rejected = Int32(max(1, result.rejections.count))
                resp.deadLetter = Self.trimmed(try await deadLetters.mark(id: req.id, tenant: tenant, status: "failed") ?? letter)
                return resp
            }
            resp.result = try await pipeline.publish(result, tenant: tenant, source: letter.source, requestID: "deadletter:\(req.id)")
            resp.deadLetter = Self.trimmed(try await deadLetters.mark(id: req.id, tenant: tenant, status: "retried") ?? letter)
            return resp
        }
    }

    /// The answer carries the payload's start only, like the list (a reply must fit in one NATS message).
    static func trimmed(_ letter: CLDeadLetter) -> CLDeadLetter {
        var d = letter
        if d.payload.count > 16384 {
            d.payload = d.payload.prefix(16384)
            d.payloadTruncated = true
        }
        return d
    }
}
