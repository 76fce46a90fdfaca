import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Store
import Synchronization

/// Who the current request authenticated as, filled in by `GatewayAPI.authenticate` and read by the audit
/// middleware once the response is known (a task-local box, so handlers need not pass it along).
final class RequestPrincipal: Sendable {
    let value = Mutex<Principal?>(nil)
    @TaskLocal static var current: RequestPrincipal?
}

/// Records every state-changing request (anything but GET/HEAD/OPTIONS) of an authenticated tenant key in
/// `gateway.audit_log`, append-only: who (key id and role), what (method and route), target, outcome (HTTP status),
/// when, source IP and request id. Outermost middleware, so it sees the final status of errors too.
struct AuditMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let database: Database
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method) else { return try await next(request, context) }
        let box = RequestPrincipal()
        let response = try await RequestPrincipal.$current.withValue(box) { try await next(request, context) }
        guard let p = box.value.withLock({ $0 }) else { return response }
        let route = context.endpointPath ?? request.uri.path
        let target = context.parameters.get("id") ?? context.parameters.get("tenant") ?? ""
        let ip = request.headers[HTTPField.Name("X-Forwarded-For")!]?.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
            ?? context.remoteAddress?.ipAddress ?? ""
        let requestID = response.headers[.requestID] ?? ""
        let action = "\(request.method.rawValue) \(route)"
        let status = Int(response.status.code)
        do {
            _ = try await database.withTransaction(tenant: p.tenantID) { conn in
                try conn.query("""
                    INSERT INTO gateway.audit_log (tenant_id, actor, role, action, target, outcome, source_ip, request_id)
                    VALUES (\(p.tenantID)::uuid, \(p.keyID), \(p.role), \(action), \(target), \(status), \(ip), \(requestID))
                    """)
            }
        } catch {
            // The request already happened; losing its audit row is logged loudly rather than hidden.
            logger.error("audit record failed", metadata: ["tenant.id": "\(p.tenantID)", "action": "\(action)", "error": "\(error)"])
        }
        return response
    }
}

extension GatewayAPI {
    /// `GET /v1/audit?actor&action&outcome&since&until&limit&page_token`, newest first (admin).
    func listAudit(_ request: Request) async throws -> Response {
        let p = try await authenticate(request, .readAudit)
        let q = request.uri.queryParameters
        var limit = 50
        if let l = q["limit"] {
            guard let n = Int(l), (1...500).contains(n) else { throw APIError.badRequest("limit must be 1 to 500") }
            limit = n
        }
        var before = Int64.max
        if let t = q["page_token"] {
            guard let n = Int64(t), n > 0 else { throw APIError.badRequest("page_token is not one this API gave") }
            before = n
        }
        func time(_ k: String) throws -> Int64 {
            guard let s = q[Substring(k)] else { return 0 }
            let plain = ISO8601DateFormatter()
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let d = plain.date(from: String(s)) ?? fractional.date(from: String(s)) else {
                throw APIError.badRequest("\(k) must be an RFC 3339 time such as 2026-11-01T00:00:00Z")
            }
            return Int64(d.timeIntervalSince1970 * 1000)
        }
        let since = try time("since"), until = try time("until")
        let actor = q["actor"].map(String.init) ?? ""
        let action = q["action"].map(String.init) ?? ""
        var outcome = 0
        if let o = q["outcome"] {
            guard let n = Int(o), (100...599).contains(n) else { throw APIError.badRequest("outcome must be an HTTP status such as 403") }
            outcome = n
        }
        let rows = try await runtime.database.query("""
            SELECT id, actor, role, action, target, outcome, source_ip, request_id,
                   (extract(epoch FROM created_at) * 1000)::bigint AS created_ms
            FROM gateway.audit_log
            WHERE id < \(before)
              AND (\(actor) = '' OR actor = \(actor))
              AND (\(action) = '' OR starts_with(action, \(action)))
              AND (\(outcome)::int = 0 OR outcome = \(outcome)::int)
              AND (\(since)::bigint = 0 OR created_at >= to_timestamp(\(since)::bigint / 1000.0))
              AND (\(until)::bigint = 0 OR created_at <= to_timestamp(\(until)::bigint / 1000.0))
            ORDER BY id DESC LIMIT \(limit + 1)
            """, tenant: p.tenantID)
        let page = rows.prefix(limit)
        let entries: [[String: Any]] = try page.map { r in
            ["id": try r.string("id"), "actor": try r.string("actor"), "role": try r.string("role"), "action": try r.string("action"),
             "target": try r.string("target"), "outcome": try r.int("outcome"), "source_ip": try r.string("source_ip"),
             "request_id": try r.string("request_id"), "created_at": Self.iso(try r.int64("created_ms"))]
        }
        var out: [String: Any] = ["entries": entries]
        if rows.count > limit, let last = page.last { out["next_page_token"] = try last.string("id") }
        return try json(out)
    }
}
