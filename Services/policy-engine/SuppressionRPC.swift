import Bus
import Detection
import Foundation
import Store
import Wire

/// Finding lifecycle and suppressions: `updateFinding`, `createSuppression`, `listSuppressions`,
/// `deleteSuppression`, all scoped to the caller's tenant by row-level security.
struct SuppressionRPC: Sendable {
    let database: Database
    static let statuses = ["open", "acknowledged", "resolved", "suppressed"]

    func register(on server: RPCServer) {
        let database = self.database
        server.register("updateFinding", CLUpdateFindingRequest.self) { req, ctx in
            let tenant = try ctx.requireTenant()
            guard Self.statuses.contains(req.status) else {
                throw BusError(.invalidArgument, "status must be one of \(Self.statuses.joined(separator: ", "))")
            }
            guard req.reason.count <= 2000 else { throw BusError(.invalidArgument, "reason is longer than 2000 characters") }
            guard UUID(uuidString: req.id) != nil else { throw BusError(.notFound, "finding \(req.id) not found") }
            let updated: Bool = try await database.withTransaction(tenant: tenant) { conn in
                let rows = try conn.query("""
                    UPDATE policy_engine.findings SET status = \(req.status) WHERE id = \(req.id)::uuid RETURNING id
                    """)
                guard !rows.isEmpty else { return false }
                try conn.query("""
                    INSERT INTO policy_engine.finding_history (tenant_id, finding_id, status, reason, actor)
                    VALUES (\(tenant)::uuid, \(req.id)::uuid, \(req.status), \(req.reason), \(req.actor))
                    """)
                return true
            }
            guard updated else { throw BusError(.notFound, "finding \(req.id) not found") }
            var r = CLGetFindingRequest()
            r.id = req.id
            guard let f = try await FindingStore(database: database).get(id: req.id, tenant: tenant) else {
                throw BusError(.notFound, "finding \(req.id) not found")
            }
            var resp = CLGetFindingResponse()
            resp.finding = f
            return resp
        }
        server.register("createSuppression", CLCreateSuppressionRequest.self) { req, ctx in
            let tenant = try ctx.requireTenant()
            var s = req.suppression
            let rule = SuppressionRule(id: "", ruleID: s.ruleID, accountID: s.accountID, region: s.region, resource: s.resource,
                                       expiresAtMs: s.expiresAtMs)
            guard !rule.isEmpty else {
                throw BusError(.invalidArgument, "a suppression needs at least one of rule_id, account_id, region, resource")
            }
            guard !s.reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw BusError(.invalidArgument, "reason is required") }
            guard s.resource.count <= 1024, s.reason.count <= 2000 else { throw BusError(.invalidArgument, "resource or reason too long") }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            guard s.expiresAtMs == 0 || s.expiresAtMs > now else { throw BusError(.invalidArgument, "expires_at must be in the future") }
            s.id = UUID().uuidString.lowercased()
            s.createdAtMs = now
            let stored = s
            try await database.withTransaction(tenant: tenant) { conn in
                try conn.query("""
                    INSERT INTO policy_engine.suppressions (id, tenant_id, rule_id, account_id, region, resource, reason, owner, expires_at)
                    VALUES (\(stored.id)::uuid, \(tenant)::uuid, \(stored.ruleID), \(stored.accountID), \(stored.region),
                            \(stored.resource), \(stored.reason), \(stored.owner),
                            CASE WHEN \(stored.expiresAtMs)::bigint = 0 THEN NULL ELSE to_timestamp(\(stored.expiresAtMs)::bigint / 1000.0) END)
                    """)
            }
            var resp = CLListSuppressionsResponse()
            resp.suppressions = [stored]
            return resp
        }
        server.register("listSuppressions", CLListSuppressionsRequest.self) { _, ctx in
            let tenant = try ctx.requireTenant()
            let rows = try await database.query("""
                SELECT id::text AS id, rule_id, account_id, region, resource, reason, owner,
                       COALESCE((extract(epoch FROM expires_at) * 1000)::bigint, 0) AS expires_ms,
                       (extract(epoch FROM created_at) * 1000)::bigint AS created_ms
                FROM policy_engine.suppressions ORDER BY created_at DESC
                """, tenant: tenant)
            var resp = CLListSuppressionsResponse()
            resp.suppressions = try rows.map { row in
                var s = CLSuppression()
                s.id = try row.string("id")
                s.ruleID = try row.string("rule_id")
                s.accountID = try row.string("account_id")
                s.region = try row.string("region")
                s.resource = try row.string("resource")
                s.reason = try row.string("reason")
                s.owner = try row.string("owner")
                s.expiresAtMs = try row.int64("expires_ms")
                s.createdAtMs = try row.int64("created_ms")
                return s
            }
            return resp
        }
        server.register("deleteSuppression", CLDeleteSuppressionRequest.self) { req, ctx in
            let tenant = try ctx.requireTenant()
            guard UUID(uuidString: req.id) != nil else { throw BusError(.notFound, "suppression \(req.id) not found") }
            let rows = try await database.query("DELETE FROM policy_engine.suppressions WHERE id = \(req.id)::uuid RETURNING id",
                                                tenant: tenant)
            guard !rows.isEmpty else { throw BusError(.notFound, "suppression \(req.id) not found") }
            return CLDeleteSuppressionResponse()
        }
    }
}
