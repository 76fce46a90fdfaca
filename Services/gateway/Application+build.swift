import Bus
import CloudTrail
import CLCrypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceKit
import Wire

/// The services the gateway pings for `GET /v1/services`.
let cloudLoomServices = ["gateway", "ingestor", "inventory", "policy-engine", "ai-reasoner", "remediation-executor",
                         "approvals", "billing"]

func buildApplication(runtime: ServiceRuntime, settings: GatewaySettings) -> some ApplicationProtocol {
    let tenants = TenantStore(database: runtime.database)
    let api = GatewayAPI(runtime: runtime, settings: settings, tenants: tenants,
                         limiter: RateLimiter(rate: Double(settings.rateLimitPerSecond), burst: Double(settings.rateLimitBurst)))
    let router = Router(context: GatewayRequestContext.self)
    // The audit middleware is outermost so it records the final status, errors included.
    router.add(middleware: AuditMiddleware(database: runtime.database, logger: runtime.logger))
    router.add(middleware: ErrorMiddleware())
    OperationalRoutes.add(to: router, health: runtime.health, registry: runtime.metrics)
    api.addRoutes(to: router)
    let logger = runtime.logger
    return Application(router: router,
                       configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "cloudloom"),
                       onServerRunning: { channel in
                           logger.info("gateway listening", metadata: ["http.address": "\(channel.localAddress?.description ?? "?")"])
                       },
                       logger: logger)
}

/// The `/v1` handlers.
struct GatewayAPI: Sendable {
    let runtime: ServiceRuntime
    let settings: GatewaySettings
    let tenants: TenantStore
    let limiter: RateLimiter
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func addRoutes(to router: Router<GatewayRequestContext>) {
        let v1 = router.group("v1")
        v1.post("tenants") { request, context in try await createTenant(request, context) }
        v1.get("whoami") { request, _ in
            let p = try await authenticate(request, .read)
            return try json(["tenant_id": p.tenantID, "tenant_name": p.tenantName, "key_id": p.keyID, "role": p.role])
        }
        v1.post("events/cloudtrail") { request, context in try await ingest(request, context) }
        addIngestRoutes(to: v1)
        addKeyRoutes(to: v1)
        addCreditRoutes(to: v1)
        v1.get("findings") { request, _ in try await listFindings(request) }
        v1.get("findings/:id") { request, context in
            let p = try await authenticate(request, .read)
            let id = context.parameters.get("id") ?? ""
            var req = CLGetFindingRequest()
            req.id = id
            let resp = try await runtime.rpc.call("policy-engine", "getFinding", req, as: CLGetFindingResponse.self,
                                                  tenant: p.tenantID, traceparent: traceparent(request))
            return try json(FindingJSON(resp.finding))
        }
        v1.post("iam/policies/lint") { request, _ in try await lintPolicies(request) }
        v1.patch("findings/:id") { request, context in try await updateFinding(request, id: context.parameters.get("id") ?? "") }
        v1.post("suppressions") { request, _ in try await createSuppression(request) }
        v1.post("rules/custom") { request, _ in
            let p = try await authenticate(request, .manageSettings)
            var request = request
            let body = try await request.collectBody(upTo: 64 * 1024)
            var req = CLPutCustomRuleRequest()
            req.definition = String(decoding: Data(buffer: body), as: UTF8.self)
            req.owner = p.keyID
            let resp = try await runtime.rpc.call("policy-engine", "putCustomRule", req, as: CLListCustomRulesResponse.self,
                                                  tenant: p.tenantID)
            return try json(customRuleJSON(resp.rules.first ?? CLCustomRule()), status: .created)
        }
        v1.get("rules/custom") { request, _ in
            let p = try await authenticate(request, .read)
            let resp = try await runtime.rpc.call("policy-engine", "listCustomRules", CLListCustomRulesRequest(),
                                                  as: CLListCustomRulesResponse.self, tenant: p.tenantID)
            return try json(["rules": resp.rules.map(customRuleJSON)])
        }
        v1.delete("rules/custom/:id") { request, context in
            let p = try await authenticate(request, .manageSettings)
            var req = CLDeleteCustomRuleRequest()
            req.id = context.parameters.get("id") ?? ""
            _ = try await runtime.rpc.call("policy-engine", "deleteCustomRule", req, as: CLDeleteSuppressionResponse.self,
                                           tenant: p.tenantID)
            return Response(status: .noContent)
        }
        v1.get("suppressions") { request, _ in
            let p = try await authenticate(request, .read)
            let resp = try await runtime.rpc.call("policy-engine", "listSuppressions", CLListSuppressionsRequest(),
                                                  as: CLListSuppressionsResponse.self, tenant: p.tenantID)
            return try json(["suppressions": resp.suppressions.map(suppressionJSON)])
        }
        v1.delete("suppressions/:id") { request, context in
            let p = try await authenticate(request, .manageSettings)
            var req = CLDeleteSuppressionRequest()
            req.id = context.parameters.get("id") ?? ""
            _ = try await runtime.rpc.call("policy-engine", "deleteSuppression", req, as: CLDeleteSuppressionResponse.self,
                                           tenant: p.tenantID)
            return Response(status: .noContent)
        }
        v1.get("services") { request, _ in
            _ = try await authenticate(request, .read)
            return try await services()
        }
    }

    // MARK: auth

    func bearer(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }

    /// The key's principal, once it is live, allowed `permission` (403 otherwise) and under its rate limit (429).
    func authenticate(_ request: Request, _ permission: Permission) async throws -> Principal {
        guard let key = bearer(request) else { throw APIError.unauthenticated("missing Authorization: Bearer <API key>") }
        guard let principal = try await tenants.authenticate(key: key) else { throw APIError.unauthenticated("unknown, revoked or expired API key") }
        RequestPrincipal.current?.value.withLock { $0 = principal }
        if let wait = limiter.take(principal.keyID) {
            var e = APIError(.tooManyRequests, "rate_limited",
                             "this API key is over \(settings.rateLimitPerSecond) requests per second; retry in \(wait) s")
            e.headers[.retryAfter] = String(wait)
            throw e
        }
        try RolePolicy.require(principal, permission)
        return principal
    }

    // MARK: handlers

    func createTenant(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        guard let expected = settings.operatorKey else {
            throw APIError(.forbidden, "permission_denied", "tenant creation is disabled: CL_OPERATOR_KEY is not set")
        }
        guard let key = bearer(request), ConstantTime.equals(key, expected) else {
            throw APIError.unauthenticated("POST /v1/tenants needs the operator key")
        }
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024)
        let object = try parseObject(body)
        guard let name = (object["name"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty,
              name.count <= 200 else {
            throw APIError.badRequest("\"name\" is required: a string of 1 to 200 characters")
        }
        let created = try await tenants.createTenant(name: name)
        runtime.logger.info("tenant created", metadata: ["tenant.id": "\(created.tenantID)"])
        return try json(["tenant_id": created.tenantID, "name": name, "api_key": created.apiKey, "key_id": created.keyID,
                         "role": "admin"], status: .created)
    }

    /// Content types that can carry CloudTrail JSON (curl's default form type included, since `curl -d @file` sends it).
    static let ingestContentTypes: Set<String> = ["application/json", "application/x-ndjson", "application/jsonl",
                                                  "application/x-json-stream", "text/plain", "application/octet-stream",
                                                  "application/x-www-form-urlencoded"]

    func ingest(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        let p = try await authenticate(request, .ingest)
        if let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased(),
           !type.isEmpty, !Self.ingestContentTypes.contains(type), !type.hasSuffix("+json") {
            throw APIError(.unsupportedMediaType, "unsupported_media_type",
                           "Content-Type \(type) is not supported: send application/json or application/x-ndjson")
        }
        if let encoding = request.headers[.contentEncoding]?.lowercased(), !["", "identity", "gzip", "x-gzip"].contains(encoding) {
            throw APIError(.unsupportedMediaType, "unsupported_media_type",
                           "Content-Encoding \(encoding) is not supported: send identity or gzip")
        }
        var request = request
        let body = try await request.collectBody(upTo: settings.maxBodyBytes)
        guard body.readableBytes > 0 else { throw APIError.badRequest("the body is empty: expected CloudTrail JSON") }
        var req = CLIngestRequest()
        req.body = Data(buffer: body)
        req.contentType = request.headers[.contentType] ?? ""
        req.contentEncoding = request.headers[.contentEncoding] ?? ""
        req.source = "webhook"
        req.requestID = request.headers[.requestID] ?? ""
        let resp = try await runtime.rpc.call("ingestor", "ingest", req, as: CLIngestResponse.self, tenant: p.tenantID,
                                              traceparent: traceparent(request), timeout: .seconds(30))
        let errors: [[String: Any]] = resp.errors.map { ["index": Int($0.index), "event_id": $0.eventID, "message": $0.message] }
        return try json(["accepted": Int(resp.accepted), "duplicates": Int(resp.duplicates), "rejected": Int(resp.rejected),
                         "errors": errors])
    }



    func updateFinding(_ request: Request, id: String) async throws -> Response {
        let p = try await authenticate(request, .triage)
        var request = request
        let object = try parseObject(try await request.collectBody(upTo: 64 * 1024))
        guard let status = object["status"] as? String else { throw APIError.badRequest("\"status\" is required") }
        var req = CLUpdateFindingRequest()
        req.id = id
        req.status = status
        req.reason = object["reason"] as? String ?? ""
        req.actor = p.keyID
        let resp = try await runtime.rpc.call("policy-engine", "updateFinding", req, as: CLGetFindingResponse.self,
                                              tenant: p.tenantID, traceparent: traceparent(request))
        return try json(FindingJSON(resp.finding))
    }

    func createSuppression(_ request: Request) async throws -> Response {
        let p = try await authenticate(request, .manageSettings)
        var request = request
        let object = try parseObject(try await request.collectBody(upTo: 64 * 1024))
        var s = CLSuppression()
        for (key, path) in [("rule_id", \CLSuppression.ruleID), ("account_id", \CLSuppression.accountID),
                            ("region", \CLSuppression.region), ("resource", \CLSuppression.resource),
                            ("reason", \CLSuppression.reason)] {
            if let v = object[key] {
                guard let text = v as? String else { throw APIError.badRequest("\"\(key)\" must be a string") }
                s[keyPath: path] = text
            }
        }
        if let e = object["expires_at"], !(e is NSNull) {
            guard let text = e as? String, let ms = ISO8601.parseMilliseconds(text) else {
                throw APIError.badRequest("\"expires_at\" must be an RFC 3339 time such as 2026-12-31T00:00:00Z")
            }
            s.expiresAtMs = ms
        }
        s.owner = p.keyID
        var req = CLCreateSuppressionRequest()
        req.suppression = s
        let resp = try await runtime.rpc.call("policy-engine", "createSuppression", req, as: CLListSuppressionsResponse.self,
                                              tenant: p.tenantID, traceparent: traceparent(request))
        return try json(suppressionJSON(resp.suppressions.first ?? s), status: .created)
    }

    func customRuleJSON(_ r: CLCustomRule) -> [String: Any] {
        let definition = (try? JSONSerialization.jsonObject(with: Data(r.definition.utf8))) ?? r.definition
        return ["id": r.id, "definition": definition, "owner": r.owner, "created_at": ISO8601.format(milliseconds: r.createdAtMs)]
    }

    func suppressionJSON(_ s: CLSuppression) -> [String: Any] {
        ["id": s.id, "rule_id": s.ruleID, "account_id": s.accountID, "region": s.region, "resource": s.resource,
         "reason": s.reason, "owner": s.owner,
         "expires_at": s.expiresAtMs == 0 ? NSNull() : ISO8601.format(milliseconds: s.expiresAtMs) as Any,
         "created_at": ISO8601.format(milliseconds: s.createdAtMs)]
    }

    /// `{"policy": <document>, "kind": ...}` or `{"policies": [...]}`; a document may be a JSON object or a string.
    func lintPolicies(_ request: Request) async throws -> Response {
        let p = try await authenticate(request, .scan)
        var request = request
        let body = try await request.collectBody(upTo: settings.maxBodyBytes)
        let object = try parseObject(body)
        var documents: [Any] = []
        if let one = object["policy"] { documents = [one] }
        if let many = object["policies"] {
            guard let list = many as? [Any] else { throw APIError.badRequest("\"policies\" must be an array of policy documents") }
            documents += list
        }
        guard !documents.isEmpty else { throw APIError.badRequest("give \"policy\" (one document) or \"policies\" (an array)") }
        var req = CLLintPoliciesRequest()
        for (i, d) in documents.enumerated() {
            if let text = d as? String {
                req.documents.append(text)
            } else if d is [String: Any] {
                req.documents.append(String(decoding: try JSONSerialization.data(withJSONObject: d, options: [.sortedKeys]), as: UTF8.self))
            } else {
                throw APIError.badRequest("policies[\(i)] must be a JSON object or a string holding one")
            }
        }
        req.kind = object["kind"] as? String ?? ""
        guard ["", "auto", "identity", "resource", "trust"].contains(req.kind) else {
            throw APIError.badRequest("\"kind\" must be identity, resource, trust or auto")
        }
        req.accountID = object["account_id"] as? String ?? ""
        guard req.accountID.isEmpty || (req.accountID.count == 12 && req.accountID.allSatisfy(\.isNumber)) else {
            throw APIError.badRequest("\"account_id\" must be a 12-digit AWS account id")
        }
        // Validated: from here the lint is paid (iam_lint), and only charged when it succeeds.
        let fingerprint = Array((req.documents + [req.kind, req.accountID]).joined(separator: "\u{0}").utf8)
        let (resp, reservation) = try await charged(p, action: "iam_lint", request: request, fingerprint: fingerprint) {
            try await runtime.rpc.call("policy-engine", "lintPolicies", req, as: CLLintPoliciesResponse.self,
                                       tenant: p.tenantID, traceparent: traceparent(request))
        }
        let results: [[String: Any]] = resp.results.map { r in
            ["index": Int(r.index), "kind": r.kind, "score": Int(r.score), "grade": r.grade,
             "findings": r.findings.map { f -> [String: Any] in
                ["id": f.id, "category": f.category, "severity": f.severity, "statement": f.statement, "message": f.message,
                 "actions": f.actions, "references": f.references.mapValues { $0.split(separator: ",").map(String.init) }]
             }]
        }
        return try json(["results": results, "credits_charged": Int(reservation.credits)])
    }

    func listFindings(_ request: Request) async throws -> Response {
        let p = try await authenticate(request, .read)
        let q = request.uri.queryParameters
        var req = CLListFindingsRequest()
        if let limit = q["limit"] {
            guard let n = Int(String(limit)), (1...500).contains(n) else { throw APIError.badRequest("limit must be an integer from 1 to 500") }
            req.limit = Int32(n)
        }
        req.pageToken = q["page_token"].map(String.init) ?? ""
        req.ruleID = q["rule_id"].map(String.init) ?? ""
        req.severity = q["severity"].map(String.init) ?? ""
        req.status = q["status"].map(String.init) ?? ""
        req.resource = q["resource"].map(String.init) ?? ""
        for (name, path) in [("since", \CLListFindingsRequest.sinceMs), ("until", \CLListFindingsRequest.untilMs)] {
            if let text = q[Substring(name)].map(String.init) {
                guard let ms = ISO8601.parseMilliseconds(text) else {
                    throw APIError.badRequest("\(name) must be an RFC 3339 time such as 2026-11-20T00:00:00Z")
                }
                req[keyPath: path] = ms
            }
        }
        let resp = try await runtime.rpc.call("policy-engine", "listFindings", req, as: CLListFindingsResponse.self,
                                              tenant: p.tenantID, traceparent: traceparent(request))
        return try json(FindingListJSON(findings: resp.findings.map(FindingJSON.init),
                                        next_page_token: resp.nextPageToken.isEmpty ? nil : resp.nextPageToken))
    }

    struct ServiceStatus: Encodable, Sendable {
        var service: String
        var status: String
        var instance: String?
        var version: String?
        var uptime_ms: Int64?
        var error: String?
    }

    struct ServiceList: Encodable {
        var services: [ServiceStatus]
    }

    func services() async throws -> Response {
        let rpc = runtime.rpc
        let results = await withTaskGroup(of: ServiceStatus.self) { group in
            for name in cloudLoomServices {
                group.addTask {
                    do {
                        let r = try await rpc.call(name, "ping", CLPingRequest(), as: CLPingResponse.self, timeout: .seconds(2))
                        return ServiceStatus(service: name, status: "up", instance: r.instance, version: r.version,
                                             uptime_ms: r.uptimeMs)
                    } catch {
                        return ServiceStatus(service: name, status: "down", error: "\(error)")
                    }
                }
            }
            var all: [ServiceStatus] = []
            for await r in group { all.append(r) }
            return all.sorted { $0.service < $1.service }
        }
        return try json(ServiceList(services: results))
    }

    // MARK: helpers

    func traceparent(_ request: Request) -> String {
        if let tp = request.headers[HTTPField.Name("traceparent")!], tp.split(separator: "-").count == 4 { return tp }
        return "00-\(Hex.encode(SecureRandom.bytes(16)))-\(Hex.encode(SecureRandom.bytes(8)))-01"
    }

    func parseObject(_ body: ByteBuffer) throws -> [String: Any] {
        let data = Data(buffer: body)
        let value: Any
        do { value = try JSONSerialization.jsonObject(with: data) } catch {
            throw APIError.badRequest("malformed JSON body")
        }
        guard let object = value as? [String: Any] else { throw APIError.badRequest("expected a JSON object") }
        return object
    }

    func json(_ object: Any, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
