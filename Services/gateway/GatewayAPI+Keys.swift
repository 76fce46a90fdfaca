import Foundation
import Hummingbird

/// `POST/GET /v1/keys`, `DELETE /v1/keys/{id}` (admin) and `GET /v1/audit`.
extension GatewayAPI {
    func addKeyRoutes(to v1: RouterGroup<GatewayRequestContext>) {
        v1.post("keys") { request, _ in try await createKey(request) }
        v1.get("keys") { request, _ in
            let p = try await authenticate(request, .manageKeys)
            return try json(["keys": try await tenants.listKeys(tenant: p.tenantID).map(Self.keyJSON)])
        }
        v1.delete("keys/:id") { request, context in
            let p = try await authenticate(request, .manageKeys)
            let id = context.parameters.get("id") ?? ""
            guard id.lowercased() != p.keyID else {
                throw APIError(.conflict, "failed_precondition", "a key cannot revoke itself; use another admin key")
            }
            // Another tenant's key is answered like an unknown one: its existence is not confirmed.
            guard try await tenants.revokeKey(tenant: p.tenantID, id: id.lowercased()) else { throw APIError.notFound("key \(id) not found") }
            return Response(status: .noContent)
        }
        v1.get("audit") { request, _ in try await listAudit(request) }
    }

    func createKey(_ request: Request) async throws -> Response {
        let p = try await authenticate(request, .manageKeys)
        var request = request
        let o = try parseObject(try await request.collectBody(upTo: 16 * 1024))
        if let unknown = o.keys.sorted().first(where: { !["name", "role", "expires_at"].contains($0) }) {
            throw APIError.badRequest("unknown field \"\(unknown)\"; allowed: expires_at, name, role")
        }
        guard let raw = o["name"] as? String, case let name = raw.trimmingCharacters(in: .whitespacesAndNewlines), (1...200).contains(name.count) else {
            throw APIError.badRequest("\"name\" is required: a string of 1 to 200 characters")
        }
        guard let role = o["role"] as? String, TenantStore.roles.contains(role) else {
            throw APIError.badRequest("\"role\" must be one of \(TenantStore.roles.joined(separator: ", "))")
        }
        var expires: Int64?
        if let raw = o["expires_at"], !(raw is NSNull) {
            let plain = ISO8601DateFormatter()
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let s = raw as? String, let d = plain.date(from: s) ?? fractional.date(from: s) else {
                throw APIError.badRequest("\"expires_at\" must be an RFC 3339 time such as 2027-01-01T00:00:00Z")
            }
            guard d > Date() else { throw APIError.badRequest("\"expires_at\" must be in the future") }
            expires = Int64(d.timeIntervalSince1970 * 1000)
        }
        let (info, key) = try await tenants.createKey(tenant: p.tenantID, name: name, role: role, expiresAtMs: expires)
        var out = Self.keyJSON(info)
        out["api_key"] = key
        return try json(out, status: .created)
    }

    static func keyJSON(_ k: TenantStore.KeyInfo) -> [String: Any] {
        var o: [String: Any] = ["id": k.id, "name": k.name, "role": k.role, "created_at": iso(k.createdAtMs),
                                "expires_at": k.expiresAtMs.map { iso($0) as Any } ?? NSNull(),
                                "revoked_at": k.revokedAtMs.map { iso($0) as Any } ?? NSNull()]
        o["active"] = k.revokedAtMs == nil && (k.expiresAtMs.map { $0 > Int64(Date().timeIntervalSince1970 * 1000) } ?? true)
        return o
    }
}
