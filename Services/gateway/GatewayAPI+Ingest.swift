import Bus
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Wire

/// Connected accounts, backfills, dead letters and EventBridge API destinations (all served by the ingestor).
extension GatewayAPI {
    func addIngestRoutes(to v1: RouterGroup<GatewayRequestContext>) {
        v1.post("accounts") { request, _ in try await createAccount(request) }
        v1.get("accounts") { request, _ in
            let p = try await authenticate(request, .read)
            let resp = try await runtime.rpc.call("ingestor", "listAccounts", CLListAccountsRequest(), as: CLListAccountsResponse.self,
                                                  tenant: p.tenantID, traceparent: traceparent(request))
            return try json(["accounts": resp.accounts.map(Self.accountJSON)])
        }
        v1.get("accounts/:id") { request, context in
            let p = try await authenticate(request, .read)
            var req = CLAccountIdRequest()
            req.id = context.parameters.get("id") ?? ""
            let resp = try await runtime.rpc.call("ingestor", "getAccount", req, as: CLAccountResponse.self, tenant: p.tenantID,
                                                  traceparent: traceparent(request))
            return try json(Self.accountJSON(resp.account))
        }
        v1.delete("accounts/:id") { request, context in
            let p = try await authenticate(request, .manageSettings)
            var req = CLAccountIdRequest()
            req.id = context.parameters.get("id") ?? ""
            _ = try await runtime.rpc.call("ingestor", "deleteAccount", req, as: CLDeleteAccountResponse.self, tenant: p.tenantID,
                                           traceparent: traceparent(request))
            return Response(status: .noContent)
        }
        v1.post("accounts/:id/backfill") { request, context in
            try await backfill(request, id: context.parameters.get("id") ?? "")
        }
        v1.get("ingest/deadletters") { request, _ in
            let p = try await authenticate(request, .read)
            var req = CLListDeadLettersRequest()
            let q = request.uri.queryParameters
            if let limit = q["limit"] {
                guard let n = Int32(limit), (1...50).contains(n) else { throw APIError.badRequest("limit must be 1 to 50") }
                req.limit = n
            }
            if let before = q["page_token"] {
                guard let n = Int64(before), n > 0 else { throw APIError.badRequest("page_token is not one this API gave") }
                req.beforeID = n
            }
            req.status = q["status"].map(String.init) ?? ""
            let resp = try await runtime.rpc.call("ingestor", "listDeadLetters", req, as: CLListDeadLettersResponse.self,
                                                  tenant: p.tenantID, traceparent: traceparent(request))
            var out: [String: Any] = ["dead_letters": resp.deadLetters.map(Self.deadLetterJSON)]
            if resp.nextBeforeID > 0 { out["next_page_token"] = String(resp.nextBeforeID) }
            return try json(out)
        }
        v1.post("ingest/deadletters/:id/retry") { request, context in
            let p = try await authenticate(request, .ingest)
            guard let id = Int64(context.parameters.get("id") ?? ""), id > 0 else { throw APIError.notFound("dead letter not found") }
            var req = CLRetryDeadLetterRequest()
            req.id = id
            let resp = try await runtime.rpc.call("ingestor", "retryDeadLetter", req, as: CLRetryDeadLetterResponse.self,
                                                  tenant: p.tenantID, traceparent: traceparent(request), timeout: .seconds(30))
            return try json(["dead_letter": Self.deadLetterJSON(resp.deadLetter), "result": Self.ingestJSON(resp.result)])
        }
        v1.post("ingest/eventbridge/secret") { request, _ in
            let p = try await authenticate(request, .manageSettings)
            let resp = try await runtime.rpc.call("ingestor", "rotateEventBridgeSecret", CLRotateEventBridgeSecretRequest(),
                                                  as: CLRotateEventBridgeSecretResponse.self, tenant: p.tenantID,
                                                  traceparent: traceparent(request))
            return try json(["secret": resp.secret, "endpoint": "/v1/ingest/eventbridge/\(p.tenantID)"], status: .created)
        }
        v1.post("ingest/eventbridge/:tenant") { request, context in
            try await ingestEventBridge(request, tenant: context.parameters.get("tenant") ?? "")
        }
    }

    func createAccount(_ request: Request) async throws -> Response {
        let p = try await authenticate(request, .manageSettings)
        var request = request
        let o = try parseObject(try await request.collectBody(upTo: 64 * 1024))
        let known: Set<String> = ["name", "account_id", "regions", "role_arn", "external_id", "access_key_id", "secret_access_key",
                                  "endpoint_url", "sqs_queue_url", "cloudtrail_bucket", "cloudtrail_prefix"]
        if let unknown = o.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.badRequest("unknown field \"\(unknown)\"; allowed: \(known.sorted().joined(separator: ", "))")
        }
        func string(_ k: String) throws -> String {
            guard let v = o[k] else { return "" }
            guard let s = v as? String else { throw APIError.badRequest("\"\(k)\" must be a string") }
            return s
        }
        var req = CLCreateAccountRequest()
        req.account.name = try string("name")
        req.account.accountID = try string("account_id")
        guard let regions = o["regions"] as? [Any], regions.allSatisfy({ $0 is String }) else {
            throw APIError.badRequest("\"regions\" is required: an array of region names such as [\"us-east-1\"]")
        }
        req.account.regions = regions.compactMap { $0 as? String }
        req.account.roleArn = try string("role_arn")
        req.externalID = try string("external_id")
        req.account.accessKeyID = try string("access_key_id")
        req.secretAccessKey = try string("secret_access_key")
        req.account.endpointURL = try string("endpoint_url")
        req.account.sqsQueueURL = try string("sqs_queue_url")
        req.account.cloudtrailBucket = try string("cloudtrail_bucket")
        req.account.cloudtrailPrefix = try string("cloudtrail_prefix")
        req.account.createdBy = p.keyID
        let resp = try await runtime.rpc.call("ingestor", "createAccount", req, as: CLAccountResponse.self, tenant: p.tenantID,
                                              traceparent: traceparent(request))
        return try json(Self.accountJSON(resp.account), status: .created)
    }

    func backfill(_ request: Request, id: String) async throws -> Response {
        let p = try await authenticate(request, .ingest)
        var request = request
        let o = try parseObject(try await request.collectBody(upTo: 64 * 1024))
        if let unknown = o.keys.sorted().first(where: { !["since", "until", "regions"].contains($0) }) {
            throw APIError.badRequest("unknown field \"\(unknown)\"; allowed: regions, since, until")
        }
        func time(_ k: String) throws -> Int64 {
            guard let s = o[k] as? String else {
                throw APIError.badRequest("\"\(k)\" is required: an RFC 3339 time such as 2026-11-01T00:00:00Z")
            }
            let plain = ISO8601DateFormatter()
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let d = plain.date(from: s) ?? fractional.date(from: s) else {
                throw APIError.badRequest("\"\(k)\" is not an RFC 3339 time (for example 2026-11-01T00:00:00Z): \(s.prefix(40))")
            }
            return Int64(d.timeIntervalSince1970 * 1000)
        }
        var req = CLBackfillRequest()
        req.id = id
        req.sinceMs = try time("since")
        req.untilMs = try time("until")
        if let regions = o["regions"] {
            guard let list = regions as? [String] else { throw APIError.badRequest("\"regions\" must be an array of region names") }
            req.regions = list
        }
        let resp = try await runtime.rpc.call("ingestor", "backfill", req, as: CLBackfillResponse.self, tenant: p.tenantID,
                                              traceparent: traceparent(request), timeout: .seconds(300))
        return try json(["objects": Int(resp.objects), "skipped": Int(resp.skipped), "accepted": Int(resp.accepted),
                         "duplicates": Int(resp.duplicates), "rejected": Int(resp.rejected), "failed_objects": Int(resp.failedObjects),
                         "errors": resp.errors.map { ["index": Int($0.index), "event_id": $0.eventID, "message": $0.message] }])
    }

    /// EventBridge API destinations cannot send our API keys: the tenant's EventBridge secret authenticates instead.
    func ingestEventBridge(_ request: Request, tenant: String) async throws -> Response {
        guard UUID(uuidString: tenant) != nil else { throw APIError.notFound("no such EventBridge endpoint") }
        if let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased(),
           !type.isEmpty, !Self.ingestContentTypes.contains(type), !type.hasSuffix("+json") {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "Content-Type \(type) is not supported: send application/json")
        }
        if let encoding = request.headers[.contentEncoding]?.lowercased(), !["", "identity", "gzip", "x-gzip"].contains(encoding) {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "Content-Encoding \(encoding) is not supported: send identity or gzip")
        }
        let authorization = request.headers[.authorization] ?? ""
        let signature = request.headers[HTTPField.Name("X-CloudLoom-Signature")!] ?? ""
        guard !authorization.isEmpty || !signature.isEmpty else {
            throw APIError.unauthenticated("send the EventBridge secret as Authorization: Bearer <secret> or sign the body (X-CloudLoom-Signature: sha256=<hex>)")
        }
        var request = request
        let body = try await request.collectBody(upTo: settings.maxBodyBytes)
        guard body.readableBytes > 0 else { throw APIError.badRequest("the body is empty: expected an EventBridge event") }
        var req = CLEventBridgeIngestRequest()
        req.ingest.body = Data(buffer: body)
        req.ingest.contentType = request.headers[.contentType] ?? ""
        req.ingest.contentEncoding = request.headers[.contentEncoding] ?? ""
        req.ingest.source = "eventbridge"
        req.ingest.requestID = request.headers[.requestID] ?? ""
        req.authorization = authorization
        req.signature = signature
        let resp = try await runtime.rpc.call("ingestor", "ingestEventBridge", req, as: CLIngestResponse.self, tenant: tenant.lowercased(),
                                              traceparent: traceparent(request), timeout: .seconds(30))
        return try json(Self.ingestJSON(resp))
    }

    static func ingestJSON(_ r: CLIngestResponse) -> [String: Any] {
        ["accepted": Int(r.accepted), "duplicates": Int(r.duplicates), "rejected": Int(r.rejected),
         "errors": r.errors.map { ["index": Int($0.index), "event_id": $0.eventID, "message": $0.message] }]
    }

    static func accountJSON(_ a: CLAccount) -> [String: Any] {
        var o: [String: Any] = ["id": a.id, "name": a.name, "account_id": a.accountID, "regions": a.regions,
                                "created_at": iso(a.createdAtMs), "created_by": a.createdBy]
        if !a.roleArn.isEmpty { o["role_arn"] = a.roleArn; o["has_external_id"] = a.hasExternalID_p }
        if !a.accessKeyID.isEmpty { o["access_key_id"] = a.accessKeyID }
        if !a.endpointURL.isEmpty { o["endpoint_url"] = a.endpointURL }
        if !a.sqsQueueURL.isEmpty { o["sqs_queue_url"] = a.sqsQueueURL }
        if !a.cloudtrailBucket.isEmpty { o["cloudtrail_bucket"] = a.cloudtrailBucket }
        if !a.cloudtrailPrefix.isEmpty { o["cloudtrail_prefix"] = a.cloudtrailPrefix }
        return o
    }

    static func deadLetterJSON(_ d: CLDeadLetter) -> [String: Any] {
        ["id": String(d.id), "source": d.source, "request_id": d.requestID, "record_index": Int(d.recordIndex), "event_id": d.eventID,
         "reason": d.reason, "payload": String(decoding: d.payload, as: UTF8.self), "payload_bytes": Int(d.payloadBytes),
         "payload_truncated": d.payloadTruncated, "status": d.status, "retries": Int(d.retries),
         "created_at": iso(d.createdAtMs)]
    }

    static func iso(_ ms: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
