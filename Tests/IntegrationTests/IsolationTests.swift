import Foundation
import Testing
import TestSupport

extension EndToEndTests {
    /// Row-level security on every tenant table of every service, checked in the database itself.
    @Suite("Tenant isolation in the database", .serialized)
    struct IsolationTests {
        /// Tables that hold a tenant_id but must be readable before a tenant is known. Each holds no tenant data
        /// beyond pointers: the credentials directory (a key is looked up before its tenant is known) and the
        /// registries that background workers scan across tenants.
        static let directories: Set<String> = ["gateway.api_keys", "ingestor.queue_sources", "billing.reservation_expiries"]

        @Test("every table with tenant_id forces row-level security; tenant A's session sees none of B's rows, no tenant sees nothing")
        func everyTenantTable() async throws {
            let stack = try await StackHolder.shared.stack()
            // Two tenants with data in the tables the API writes to.
            let a = try await stack.createTenant(IngestSourcesTests.unique("iso-a-"))
            let b = try await stack.createTenant(IngestSourcesTests.unique("iso-b-"))
            for t in [a, b] {
                let account = IngestSourcesTests.awsAccountID()
                let body = "{\"Records\":[" + IngestSourcesTests.record(UUID().uuidString.lowercased(), account: account, name: "StopLogging",
                                                                         source: "cloudtrail.amazonaws.com") + ",{\"eventID\":\"x\"}]}"
                #expect(try await stack.post("/v1/events/cloudtrail", key: t.key, json: body).status == 200)
                #expect(try await stack.post("/v1/suppressions", key: t.key, json: #"{"rule_id":"CL-CT-999","reason":"isolation"}"#).status == 201)
            }
            let tables = try await stack.postgres.adminSQL("""
                SELECT c.table_schema || '.' || c.table_name || '|' || cl.relrowsecurity || '|' || cl.relforcerowsecurity
                FROM information_schema.columns c
                JOIN pg_class cl ON cl.relname = c.table_name
                JOIN pg_namespace n ON n.oid = cl.relnamespace AND n.nspname = c.table_schema
                WHERE c.column_name = 'tenant_id' AND c.table_schema NOT IN ('pg_catalog', 'information_schema', 'public')
                  AND cl.relkind = 'r'
                ORDER BY 1
                """).split(separator: "\n").map(String.init)
            #expect(tables.count >= 10, "\(tables)")
            var checked: [String] = []
            for line in tables {
                let parts = line.split(separator: "|").map(String.init)
                guard parts.count == 3 else { continue }
                let table = parts[0]
                if Self.directories.contains(table) { continue }
                #expect(parts[1] == "true" && parts[2] == "true", "\(table) does not force row-level security: \(line)")
                let foreign = try await stack.postgres.appSQLStatus(
                    "SET cl.tenant_id = '\(a.id)'; SELECT count(*) FROM \(table) WHERE tenant_id <> '\(a.id)'")
                #expect(foreign.status == 0, "\(table): \(foreign.output)")
                #expect(foreign.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(table) leaked other tenants' rows")
                // Without a tenant nothing is visible, except rows that belong to no tenant at all ('' in a text column).
                let none = try await stack.postgres.appSQLStatus("SELECT count(*) FROM \(table) WHERE tenant_id::text <> ''")
                #expect(none.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(table) is readable without a tenant")
                checked.append(table)
            }
            // The tables the two tenants just wrote to really hold both, so the checks above had something to hide.
            for table in ["policy_engine.suppressions", "ingestor.dead_letters", "gateway.audit_log"] {
                #expect(checked.contains(table), "\(table) was not checked")
                let both = try await stack.postgres.adminSQL(
                    "SELECT count(DISTINCT tenant_id) FROM \(table) WHERE tenant_id IN ('\(a.id)', '\(b.id)')")
                #expect(both.trimmingCharacters(in: .whitespacesAndNewlines) == "2", "\(table): \(both)")
            }
        }
    }
}
