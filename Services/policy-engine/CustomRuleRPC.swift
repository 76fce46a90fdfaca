import Bus
import Detection
import Foundation
import Store
import Wire

/// Upload, list and delete a tenant's custom rules. Validation happens here, with the offending field named.
struct CustomRuleRPC: Sendable {
    let database: Database
    static let maxRulesPerTenant = 200

    func register(on server: RPCServer) {
        let database = self.database
        server.register("putCustomRule", CLPutCustomRuleRequest.self) { req, ctx in
            let tenant = try ctx.requireTenant()
            guard req.definition.utf8.count <= 64 * 1024 else { throw BusError(.invalidArgument, "a rule is at most 64 KiB") }
            let definition: CustomRuleDefinition
            do { definition = try CustomRuleDefinition.parse(Array(req.definition.utf8)) } catch {
                throw BusError(.invalidArgument, "invalid rule: \(error)")
            }
            let id = definition.metadata.id
            try await database.withTransaction(tenant: tenant) { conn in
                let count = try conn.query("SELECT count(*) AS n FROM policy_engine.custom_rules WHERE id <> \(id)").first?["n"] ?? "0"
                guard (Int(count) ?? 0) < Self.maxRulesPerTenant else {
                    throw BusError(.resourceExhausted, "at most \(Self.maxRulesPerTenant) custom rules per tenant")
                }
                try conn.query("""
                    INSERT INTO policy_engine.custom_rules (tenant_id, id, definition, owner)
                    VALUES (\(tenant)::uuid, \(id), \(req.definition), \(req.owner))
                    ON CONFLICT (tenant_id, id) DO UPDATE SET definition = EXCLUDED.definition, owner = EXCLUDED.owner,
                        created_at = now()
                    """)
            }
            var rule = CLCustomRule()
            rule.id = id
            rule.definition = req.definition
            rule.owner = req.owner
            rule.createdAtMs = Int64(Date().timeIntervalSince1970 * 1000)
            var resp = CLListCustomRulesResponse()
            resp.rules = [rule]
            return resp
        }
        server.register("listCustomRules", CLListCustomRulesRequest.self) { _, ctx in
            let tenant = try ctx.requireTenant()
            let rows = try await database.query("""
                SELECT id, definition, owner, (extract(epoch FROM created_at) * 1000)::bigint AS created_ms
                FROM policy_engine.custom_rules ORDER BY id
                """, tenant: tenant)
            var resp = CLListCustomRulesResponse()
            resp.rules = try rows.map { row in
                var r = CLCustomRule()
                r.id = try row.string("id")
                r.definition = try row.string("definition")
                r.owner = try row.string("owner")
                r.createdAtMs = try row.int64("created_ms")
                return r
            }
            return resp
        }
        server.register("deleteCustomRule", CLDeleteCustomRuleRequest.self) { req, ctx in
            let tenant = try ctx.requireTenant()
            let rows = try await database.query("DELETE FROM policy_engine.custom_rules WHERE id = \(req.id) RETURNING id", tenant: tenant)
            guard !rows.isEmpty else { throw BusError(.notFound, "custom rule \(req.id) not found") }
            return CLDeleteSuppressionResponse()
        }
    }
}
