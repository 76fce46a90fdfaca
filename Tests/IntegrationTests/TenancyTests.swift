import Foundation
import HTTP
import Testing
import TestSupport

extension EndToEndTests {
    /// API keys with roles, what each role may do, tenant isolation of ids, the audit trail and rate limits,
    /// through the real gateway and services.
    @Suite("Tenancy, roles and audit", .serialized)
    struct TenancyTests {
        typealias H = IngestSourcesTests

        struct Keys {
            var tenant: String
            var admin: String
            var byRole: [String: String]
        }

        /// A tenant with one key of each role (created by its admin).
        static func tenantWithKeys(_ stack: ServiceStack, _ prefix: String) async throws -> Keys {
            let t = try await stack.createTenant(H.unique(prefix))
            var byRole: [String: String] = ["admin": t.key]
            for role in ["approver", "operator", "viewer"] {
                let r = try await stack.post("/v1/keys", key: t.key, json: #"{"name":"\#(role) key","role":"\#(role)"}"#)
                guard r.status == 201, let key = r.object["api_key"] as? String else {
                    throw TestEnvironmentError("POST /v1/keys \(role): \(r.status) \(r.text)")
                }
                byRole[role] = key
            }
            return Keys(tenant: t.id, admin: t.key, byRole: byRole)
        }

        @Test("keys: created with a role and shown once, listed without the key, revoked at once; another tenant's key is 404")
        func keys() async throws {
            let stack = try await StackHolder.shared.stack()
            let k = try await Self.tenantWithKeys(stack, "keys-")
            let other = try await stack.createTenant(H.unique("keys-other-"))
            let who = try await stack.get("/v1/whoami", key: k.byRole["operator"])
            #expect(who.status == 200)
            #expect(who.object["role"] as? String == "operator")
            #expect(who.object["tenant_id"] as? String == k.tenant)

            let list = try await stack.get("/v1/keys", key: k.admin)
            #expect(list.status == 200)
            let keys = (list.object["keys"] as? [[String: Any]]) ?? []
            #expect(keys.count == 4)
            #expect(Set(keys.compactMap { $0["role"] as? String }) == ["admin", "approver", "operator", "viewer"])
            #expect(!list.text.contains("clk_"), "a key was shown again")
            #expect(keys.allSatisfy { $0["api_key"] == nil })

            // Validation names the field.
            let bad = try await stack.post("/v1/keys", key: k.admin, json: #"{"name":"x","role":"root"}"#)
            #expect(bad.status == 400)
            #expect(H.error(bad).message.contains("role"))
            let past = try await stack.post("/v1/keys", key: k.admin, json: #"{"name":"x","role":"viewer","expires_at":"2020-01-01T00:00:00Z"}"#)
            #expect(past.status == 400)
            #expect(H.error(past).message.contains("expires_at"))

            // Revocation takes effect on the next request.
            let viewerID = try #require(keys.first { $0["role"] as? String == "viewer" }?["id"] as? String)
            #expect(try await stack.get("/v1/findings", key: k.byRole["viewer"]).status == 200)
            let foreign = try await stack.request("DELETE", "/v1/keys/\(viewerID)", key: other.key)
            #expect(foreign.status == 404, "another tenant's key must look unknown")
            #expect(try await stack.get("/v1/findings", key: k.byRole["viewer"]).status == 200)
            let revoke = try await stack.request("DELETE", "/v1/keys/\(viewerID)", key: k.admin)
            #expect(revoke.status == 204, "\(revoke.text)")
            #expect(try await stack.get("/v1/findings", key: k.byRole["viewer"]).status == 401)
            let after = try await stack.get("/v1/keys", key: k.admin)
            let revoked = ((after.object["keys"] as? [[String: Any]]) ?? []).first { $0["id"] as? String == viewerID }
            #expect(revoked?["active"] as? Bool == false)
            #expect(!(revoked?["revoked_at"] is NSNull))

            // An admin key cannot revoke itself (it would lock the tenant out by accident).
            let adminID = try #require(who.object["key_id"] as? String).isEmpty ? "" :
                ((try await stack.get("/v1/whoami", key: k.admin)).object["key_id"] as? String ?? "")
            let selfRevoke = try await stack.request("DELETE", "/v1/keys/\(adminID)", key: k.admin)
            #expect(selfRevoke.status == 409, "\(selfRevoke.text)")
        }

        @Test("each role can do exactly what the role table allows; everything else is 403")
        func roleMatrix() async throws {
            let stack = try await StackHolder.shared.stack()
            let k = try await Self.tenantWithKeys(stack, "roles-")
            let account = H.awsAccountID()
            // (method, path, body, permission). Bodies are invalid on purpose where possible: a role that may act gets
            // past the permission check to a 400/404, one that may not gets 403 before anything happens.
            let cases: [(String, String, String, String)] = [
                ("GET", "/v1/findings", "", "read"),
                ("GET", "/v1/suppressions", "", "read"),
                ("GET", "/v1/rules/custom", "", "read"),
                ("GET", "/v1/accounts", "", "read"),
                ("GET", "/v1/ingest/deadletters", "", "read"),
                ("GET", "/v1/services", "", "read"),
                ("GET", "/v1/credits", "", "read"),
                ("GET", "/v1/keys", "", "manageKeys"),
                ("GET", "/v1/audit", "", "readAudit"),
                ("POST", "/v1/keys", #"{"name":"","role":"viewer"}"#, "manageKeys"),
                ("DELETE", "/v1/keys/00000000-0000-0000-0000-000000000000", "", "manageKeys"),
                ("POST", "/v1/suppressions", #"{}"#, "manageSettings"),
                ("DELETE", "/v1/suppressions/00000000-0000-0000-0000-000000000000", "", "manageSettings"),
                ("POST", "/v1/rules/custom", #"{}"#, "manageSettings"),
                ("DELETE", "/v1/rules/custom/00000000-0000-0000-0000-000000000000", "", "manageSettings"),
                ("POST", "/v1/accounts", #"{}"#, "manageSettings"),
                ("DELETE", "/v1/accounts/00000000-0000-0000-0000-000000000000", "", "manageSettings"),
                ("POST", "/v1/ingest/eventbridge/secret", "", "manageSettings"),
                ("PATCH", "/v1/findings/00000000-0000-0000-0000-000000000000", #"{"status":"resolved"}"#, "triage"),
                ("POST", "/v1/events/cloudtrail", H.record(UUID().uuidString.lowercased(), account: account), "ingest"),
                ("POST", "/v1/accounts/00000000-0000-0000-0000-000000000000/backfill",
                 #"{"since":"2026-11-22T00:00:00Z","until":"2026-11-22T01:00:00Z"}"#, "ingest"),
                ("POST", "/v1/ingest/deadletters/999999999/retry", "", "ingest"),
                ("POST", "/v1/iam/policies/lint", #"{"policy":{"Version":"2012-10-17","Statement":[]}}"#, "scan"),
            ]
            let allowed: [String: Set<String>] = [
                "admin": ["read", "manageKeys", "readAudit", "manageSettings", "triage", "ingest", "scan", "approve"],
                "approver": ["read", "approve"],
                "operator": ["read", "triage", "ingest", "scan"],
                "viewer": ["read"],
            ]
            var checked = 0
            for (role, key) in k.byRole {
                for (method, path, body, permission) in cases {
                    let r = try await stack.request(method, path, key: key, body: Array(body.utf8))
                    if allowed[role]!.contains(permission) {
                        #expect(r.status != 403, "\(role) \(method) \(path) was refused: \(r.text)")
                        #expect(r.status < 500, "\(role) \(method) \(path): \(r.status) \(r.text)")
                    } else {
                        #expect(r.status == 403, "\(role) \(method) \(path) should be 403, got \(r.status) \(r.text)")
                        #expect(H.error(r).code == "permission_denied")
                    }
                    checked += 1
                }
            }
            #expect(checked == 4 * cases.count)
        }

        @Test("the audit trail records every change with actor, role, route, target, outcome, source and request id; admins read it")
        func auditTrail() async throws {
            let stack = try await StackHolder.shared.stack()
            let k = try await Self.tenantWithKeys(stack, "audit-")
            let other = try await Self.tenantWithKeys(stack, "audit-other-")
            let requestID = "req-" + UUID().uuidString.lowercased()
            let created = try await stack.request("POST", "/v1/suppressions", key: k.admin,
                                                  body: Array(#"{"rule_id":"CL-CT-001","reason":"audit test"}"#.utf8),
                                                  headers: [("X-Request-Id", requestID)])
            #expect(created.status == 201, "\(created.text)")
            let sid = try #require(created.object["id"] as? String)
            let refused = try await stack.request("DELETE", "/v1/suppressions/\(sid)", key: k.byRole["viewer"])
            #expect(refused.status == 403)
            let deleted = try await stack.request("DELETE", "/v1/suppressions/\(sid)", key: k.admin)
            #expect(deleted.status == 204)
            // Reads are not audited.
            _ = try await stack.get("/v1/findings", key: k.admin)

            let audit = try await stack.get("/v1/audit", key: k.admin)
            #expect(audit.status == 200, "\(audit.text)")
            let entries = (audit.object["entries"] as? [[String: Any]]) ?? []
            let post = entries.first { $0["request_id"] as? String == requestID }
            #expect(post?["action"] as? String == "POST /v1/suppressions")
            #expect(post?["role"] as? String == "admin")
            #expect(post?["outcome"] as? Int == 201)
            #expect((post?["source_ip"] as? String)?.isEmpty == false)
            // The action names the route pattern (the id is the target), so one route's entries group together.
            func isDelete(_ e: [String: Any]) -> Bool {
                let a = e["action"] as? String ?? ""
                return a.hasPrefix("DELETE /v1/suppressions/") && !a.contains(sid)
            }
            #expect(entries.contains { isDelete($0) && $0["outcome"] as? Int == 403 && $0["role"] as? String == "viewer"
                && $0["target"] as? String == sid }, "\(entries.map { $0["action"] ?? "" })")
            #expect(entries.contains { isDelete($0) && $0["outcome"] as? Int == 204 })
            #expect(!entries.contains { ($0["action"] as? String)?.hasPrefix("GET") == true })
            // Key creations are audited too.
            #expect(entries.filter { $0["action"] as? String == "POST /v1/keys" }.count == 3)

            // Filters.
            let refusals = try await stack.get("/v1/audit?outcome=403", key: k.admin)
            let refusedEntries = (refusals.object["entries"] as? [[String: Any]]) ?? []
            #expect(!refusedEntries.isEmpty && refusedEntries.allSatisfy { $0["outcome"] as? Int == 403 })
            // Only admins read it, and each tenant sees its own.
            #expect(try await stack.get("/v1/audit", key: k.byRole["operator"]).status == 403)
            let theirs = try await stack.get("/v1/audit", key: other.admin)
            #expect(!theirs.text.contains(requestID))
            // Append-only, even for the application's own database role.
            let tamper = try await stack.postgres.appSQLStatus("""
                SET cl.tenant_id = '\(k.tenant)'; UPDATE gateway.audit_log SET outcome = 200 WHERE request_id = '\(requestID)';
                """)
            #expect(tamper.status != 0, "the audit log accepted an UPDATE: \(tamper.output)")
            #expect(tamper.output.contains("append-only"), "\(tamper.output)")
        }

        @Test("a key over its rate limit gets 429 with Retry-After; other keys are unaffected")
        func rateLimit() async throws {
            let stack = try await StackHolder.shared.stack()
            let t = try await stack.createTenant(H.unique("rate-"))
            let second = try await stack.post("/v1/keys", key: t.key, json: #"{"name":"second","role":"viewer"}"#)
            let otherKey = try #require(second.object["api_key"] as? String)
            // A gateway of its own with a small limit: 1 request per second, bursts of 3.
            var env = try await stack.environment(for: "gateway")
            let port = try TestEnvironment.freePort()
            env["GATEWAY_PORT"] = "\(port)"
            env["CL_RATE_LIMIT_PER_SECOND"] = "1"
            env["CL_RATE_LIMIT_BURST"] = "3"
            let process = try TestProcess(name: "gateway-ratelimit", executable: "\(TestEnvironment.binDirectory)/gateway",
                                          environment: env, logDirectory: stack.logDirectory)
            let client = HTTPClient()
            func get(_ key: String) async throws -> HTTPResponse {
                try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/v1/findings", headers: [("Authorization", "Bearer \(key)")]))
            }
            do {
                try await TestEnvironment.wait("the second gateway", timeout: .seconds(30)) { TestEnvironment.portOpen(port) }
                var statuses: [Int] = []
                for _ in 0..<5 { statuses.append(try await get(t.key).status) }
                #expect(Array(statuses.prefix(3)) == [200, 200, 200], "\(statuses)")
                #expect(statuses.last == 429, "\(statuses)")
                let limited = try await get(t.key)
                #expect(limited.status == 429)
                #expect(Int(limited.header("Retry-After") ?? "") ?? 0 >= 1, "\(limited.headers)")
                #expect(limited.text.contains("rate_limited"))
                // Another key of the same tenant has its own bucket.
                #expect(try await get(otherKey).status == 200)
                // After the wait, the key works again.
                try await Task.sleep(for: .milliseconds(1100 * (Int(limited.header("Retry-After") ?? "1") ?? 1)))
                #expect(try await get(t.key).status == 200)
            } catch {
                await process.stop()
                await client.shutdown()
                throw error
            }
            await process.stop()
            await client.shutdown()
        }
    }
}
