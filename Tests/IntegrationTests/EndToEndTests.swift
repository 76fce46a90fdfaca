import CloudTrail
import Foundation
import Testing
import TestSupport

/// One stack of real services (NATS JetStream, PostgreSQL, every executable) shared by this suite.
actor StackHolder {
    static let shared = StackHolder()
    private var task: Task<ServiceStack, any Error>?

    func stack() async throws -> ServiceStack {
        if task == nil {
            task = Task {
                let nats = try await SharedServers.shared.natsServer()
                let pg = try await SharedServers.shared.postgresServer()
                let stack = try ServiceStack(nats: nats, postgres: pg)
                try await stack.startAll()
                return stack
            }
        }
        return try await task!.value
    }
}

/// A CloudTrail PutBucketAcl record granting READ to AllUsers.
func publicACLRecord(eventID: String, bucket: String = "invoices") -> String {
    """
    {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/mallory","accountId":"123456789012","accessKeyId":"AKIAEXAMPLE","userName":"mallory"},"eventTime":"2026-11-20T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketAcl","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","requestParameters":{"bucketName":"\(bucket)","Host":"\(bucket).s3.amazonaws.com","acl":"","AccessControlPolicy":{"AccessControlList":{"Grant":[{"Grantee":{"xsi:type":"CanonicalUser","ID":"abc"},"Permission":"FULL_CONTROL"},{"Grantee":{"xsi:type":"Group","URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"READ"}]},"Owner":{"ID":"abc"}}},"responseElements":null,"requestID":"R\(eventID.prefix(8))","eventID":"\(eventID)","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}
    """
}

func findings(_ stack: ServiceStack, key: String) async throws -> [[String: Any]] {
    var all: [[String: Any]] = []
    var token: String?
    repeat {
        let path = "/v1/findings?limit=500" + (token.map { "&page_token=\($0)" } ?? "")
        let r = try await stack.get(path, key: key)
        guard r.status == 200 else { throw TestEnvironmentError("GET /v1/findings: \(r.status) \(r.text)") }
        all += (r.object["findings"] as? [[String: Any]]) ?? []
        token = r.object["next_page_token"] as? String
    } while token != nil
    return all
}

@Suite("End to end through the real services", .serialized)
struct EndToEndTests {
    @Test("a public-ACL event becomes one finding for its tenant only, once")
    func tenantIsolationAndDedup() async throws {
        let stack = try await StackHolder.shared.stack()
        let a = try await stack.createTenant("tenant-a")
        let b = try await stack.createTenant("tenant-b")
        let eventID = UUID().uuidString.lowercased()
        let started = ContinuousClock.now
        let posted = try await stack.post("/v1/events/cloudtrail", key: a.key, json: publicACLRecord(eventID: eventID))
        #expect(posted.status == 200, "\(posted.text)")
        #expect(posted.object["accepted"] as? Int == 1)

        var seen: [[String: Any]] = []
        try await TestEnvironment.wait("tenant A's finding", timeout: .seconds(2), every: .milliseconds(20)) {
            seen = try await findings(stack, key: a.key)
            return !seen.isEmpty
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(2))
        #expect(seen.count == 1)
        let finding = try #require(seen.first)
        #expect(finding["rule_id"] as? String == "CL-CT-001")
        #expect(finding["severity"] as? String == "high")
        #expect(finding["event_ids"] as? [String] == [eventID])
        #expect((finding["evidence"] as? [String: String])?["eventID"] == eventID)
        #expect(finding["tenant_id"] as? String == a.id)
        let id = try #require(finding["id"] as? String)

        let own = try await stack.get("/v1/findings/\(id)", key: a.key)
        #expect(own.status == 200)
        #expect(own.object["id"] as? String == id)

        // Tenant B sees nothing and cannot learn that A's finding exists.
        #expect(try await findings(stack, key: b.key).isEmpty)
        let other = try await stack.get("/v1/findings/\(id)", key: b.key)
        #expect(other.status == 404)
        #expect((other.object["error"] as? [String: Any])?["code"] as? String == "not_found")

        // The same event again: reported as a duplicate, still one finding.
        let again = try await stack.post("/v1/events/cloudtrail", key: a.key, json: publicACLRecord(eventID: eventID))
        #expect(again.status == 200)
        #expect(again.object["duplicates"] as? Int == 1)
        #expect(again.object["accepted"] as? Int == 0)
        try await Task.sleep(for: .milliseconds(800))
        #expect(try await findings(stack, key: a.key).count == 1)
    }

    @Test("bad input gets a clear error and no service falls over")
    func badInput() async throws {
        let stack = try await StackHolder.shared.stack()
        let t = try await stack.createTenant("tenant-bad-input")

        let malformed = try await stack.post("/v1/events/cloudtrail", key: t.key, json: #"{"Records": [ {"eventID": "x", }"#)
        #expect(malformed.status == 400)
        let message = ((malformed.object["error"] as? [String: Any])?["message"] as? String) ?? ""
        #expect(message.contains("JSON") && message.contains("line 1"), "\(message)")
        #expect((malformed.object["error"] as? [String: Any])?["code"] as? String == "invalid_argument")

        let unknownKey = try await stack.post("/v1/events/cloudtrail", key: "clk_" + String(repeating: "0", count: 64),
                                              json: publicACLRecord(eventID: UUID().uuidString))
        #expect(unknownKey.status == 401)
        #expect((unknownKey.object["error"] as? [String: Any])?["code"] as? String == "unauthenticated")
        #expect(try await stack.get("/v1/findings", key: nil).status == 401)

        let huge = "{\"Records\":[" + String(repeating: " ", count: 1_100_000) + "]}"
        let tooBig = try await stack.post("/v1/events/cloudtrail", key: t.key, json: huge)
        #expect(tooBig.status == 413)
        #expect((tooBig.object["error"] as? [String: Any])?["code"] as? String == "payload_too_large")

        // A record that is not CloudTrail is rejected by name and kept in the ingestor's dead letters.
        let notCT = try await stack.post("/v1/events/cloudtrail", key: t.key, json: #"{"Records":[{"eventID":"zz-1","hello":"world"}]}"#)
        #expect(notCT.status == 200)
        #expect(notCT.object["rejected"] as? Int == 1)
        let dead = try await stack.postgres.adminSQL(
            "SELECT reason FROM ingestor.dead_letters WHERE tenant_id = '\(t.id)' AND event_id = 'zz-1'")
        #expect(dead.contains("missing eventTime"), "\(dead)")

        let xml = try await stack.request("POST", "/v1/events/cloudtrail", key: t.key, body: Array("<a/>".utf8),
                                          headers: [("Content-Type", "application/xml")])
        #expect(xml.status == 415)
        let brotli = try await stack.request("POST", "/v1/events/cloudtrail", key: t.key, body: Array("{}".utf8),
                                             headers: [("Content-Encoding", "br")])
        #expect(brotli.status == 415)
        #expect((brotli.object["error"] as? [String: Any])?["code"] as? String == "unsupported_media_type")

        #expect(try await stack.get("/v1/findings/not-a-uuid", key: t.key).status == 404)
        #expect(try await stack.get("/v1/findings?limit=9999", key: t.key).status == 400)
        #expect(try await stack.get("/v1/no-such-thing", key: t.key).status == 404)

        for service in ServiceStack.all {
            #expect(stack.process(service)?.isRunning == true, "\(service) stopped")
        }
        let services = try await stack.get("/v1/services", key: t.key)
        let list = (services.object["services"] as? [[String: Any]]) ?? []
        #expect(list.count == 8)
        #expect(list.allSatisfy { $0["status"] as? String == "up" }, "\(services.text)")
    }

    @Test("events posted while policy-engine is down are all processed once it returns, none twice")
    func restartProcessesEverythingOnce() async throws {
        let stack = try await StackHolder.shared.stack()
        let t = try await stack.createTenant("tenant-restart")
        let status = await stack.stop("policy-engine")
        #expect(status == 0, "policy-engine did not shut down gracefully")

        var ids: [String] = []
        for batch in 0..<4 {
            var records: [String] = []
            for i in 0..<250 {
                let id = "00000000-0000-4000-8000-\(String(format: "%012d", batch * 250 + i))"
                ids.append(id)
                records.append(publicACLRecord(eventID: id, bucket: "bucket-\(batch)-\(i)"))
            }
            let r = try await stack.post("/v1/events/cloudtrail", key: t.key,
                                         json: "{\"Records\":[" + records.joined(separator: ",") + "]}")
            #expect(r.status == 200, "\(r.text)")
            #expect(r.object["accepted"] as? Int == 250)
        }
        // With the findings' owner down, the gateway says so instead of inventing an empty list.
        let down = try await stack.get("/v1/findings", key: t.key)
        #expect(down.status == 503)
        #expect((down.object["error"] as? [String: Any])?["code"] as? String == "unavailable")

        try await stack.start("policy-engine")
        var seen: [[String: Any]] = []
        try await TestEnvironment.wait("1,000 findings", timeout: .seconds(60), every: .milliseconds(250)) {
            seen = try await findings(stack, key: t.key)
            return seen.count >= 1000
        }
        // Give any duplicate processing a chance to show up before counting.
        try await Task.sleep(for: .seconds(1))
        seen = try await findings(stack, key: t.key)
        #expect(seen.count == 1000)
        let eventIDs = seen.compactMap { ($0["event_ids"] as? [String])?.first }
        #expect(Set(eventIDs) == Set(ids))
        #expect(Set(seen.compactMap { $0["id"] as? String }).count == 1000)
        let rows = try await stack.postgres.adminSQL("SELECT count(*) FROM policy_engine.findings WHERE tenant_id = '\(t.id)'")
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "1000")
    }

    @Test("a gzip-compressed EventBridge delivery of StopLogging becomes a critical finding")
    func gzipEventBridge() async throws {
        let stack = try await StackHolder.shared.stack()
        let t = try await stack.createTenant("tenant-gzip")
        let eventID = UUID().uuidString.lowercased()
        let envelope = """
            {"version":"0","id":"\(UUID().uuidString)","detail-type":"AWS API Call via CloudTrail","source":"aws.cloudtrail",
             "account":"123456789012","time":"2026-11-20T10:05:00Z","region":"eu-west-1","resources":[],
             "detail":{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/ops/eve","accountId":"123456789012"},
             "eventTime":"2026-11-20T10:05:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"eu-west-1",
             "sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2","requestParameters":{"name":"org-trail"},"responseElements":null,
             "eventID":"\(eventID)","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012"}}
            """
        let r = try await stack.request("POST", "/v1/events/cloudtrail", key: t.key, body: Gzip.compress(Array(envelope.utf8)),
                                        headers: [("Content-Encoding", "gzip")])
        #expect(r.status == 200, "\(r.text)")
        #expect(r.object["accepted"] as? Int == 1)
        var seen: [[String: Any]] = []
        try await TestEnvironment.wait("the StopLogging finding", timeout: .seconds(5)) {
            seen = try await findings(stack, key: t.key)
            return !seen.isEmpty
        }
        #expect(seen.first?["rule_id"] as? String == "CL-CT-002")
        #expect(seen.first?["severity"] as? String == "critical")
        #expect(seen.first?["resource_id"] as? String == "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-trail")
        // A body claiming gzip that is not gzip is refused by name.
        let bad = try await stack.request("POST", "/v1/events/cloudtrail", key: t.key, body: Array("{}".utf8),
                                          headers: [("Content-Encoding", "gzip")])
        #expect(bad.status == 400)
        #expect(bad.text.contains("not gzip"))
    }

    @Test("a repeat on the same resource raises the count; a brute-force burst is detected across a restart")
    func countsAndStatefulAcrossRestart() async throws {
        let stack = try await StackHolder.shared.stack()
        let t = try await stack.createTenant("tenant-stateful")
        // Two different events opening the same bucket: one finding, count 2, both event ids.
        let first = UUID().uuidString.lowercased()
        let second = UUID().uuidString.lowercased()
        _ = try await stack.post("/v1/events/cloudtrail", key: t.key, json: publicACLRecord(eventID: first, bucket: "same-bucket"))
        _ = try await stack.post("/v1/events/cloudtrail", key: t.key, json: publicACLRecord(eventID: second, bucket: "same-bucket"))
        var acl: [String: Any]?
        try await TestEnvironment.wait("count 2 on the bucket finding", timeout: .seconds(5)) {
            acl = try await findings(stack, key: t.key).first { $0["rule_id"] as? String == "CL-CT-001" }
            return (acl?["count"] as? Int) == 2
        }
        #expect(Set(acl?["event_ids"] as? [String] ?? []) == [first, second])

        func failedLogin(_ i: Int) -> String {
            let minute = String(format: "%02d", i / 6)
            let second = String(format: "%02d", (i % 6) * 10)
            return """
                {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/carol","accountId":"123456789012","userName":"carol"},"eventTime":"2026-11-20T11:\(minute):\(second)Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.50","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"MFAUsed":"No"},"errorMessage":"Failed authentication","eventID":"login-\(t.id)-\(i)","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"123456789012"}
                """
        }
        // Five failures, processed; then policy-engine restarts; then five more inside the same 5 minutes.
        let before = try await stack.post("/v1/events/cloudtrail", key: t.key,
                                          json: "{\"Records\":[" + (0..<5).map(failedLogin).joined(separator: ",") + "]}")
        #expect(before.object["accepted"] as? Int == 5)
        try await TestEnvironment.wait("the single failures to be processed", timeout: .seconds(5)) {
            try await findings(stack, key: t.key).contains { $0["rule_id"] as? String == "CL-CT-008" && ($0["count"] as? Int) == 5 }
        }
        #expect(try await findings(stack, key: t.key).contains { $0["rule_id"] as? String == "CL-ST-001" } == false)
        #expect(await stack.stop("policy-engine") == 0)
        try await stack.start("policy-engine")
        let after = try await stack.post("/v1/events/cloudtrail", key: t.key,
                                         json: "{\"Records\":[" + (5..<10).map(failedLogin).joined(separator: ",") + "]}")
        #expect(after.object["accepted"] as? Int == 5)
        var burst: [String: Any]?
        try await TestEnvironment.wait("the brute-force finding", timeout: .seconds(10)) {
            burst = try await findings(stack, key: t.key).first { $0["rule_id"] as? String == "CL-ST-001" }
            return burst != nil
        }
        #expect(burst?["severity"] as? String == "high")
        #expect((burst?["event_ids"] as? [String])?.count == 10, "the burst rests on all ten failures: \(burst?["event_ids"] ?? "")")
    }

    @Test("POST /v1/iam/policies/lint scores documents and names the bad one")
    func lintPolicies() async throws {
        let stack = try await StackHolder.shared.stack()
        let t = try await stack.createTenant("tenant-lint")
        let body = #"{"policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]},"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::reports/*\"}]}"]}"#
        let r = try await stack.post("/v1/iam/policies/lint", key: t.key, json: body)
        #expect(r.status == 200, "\(r.text)")
        let results = (r.object["results"] as? [[String: Any]]) ?? []
        #expect(results.count == 2)
        #expect((results.first?["findings"] as? [[String: Any]])?.contains { $0["category"] as? String == "admin-access" } == true)
        #expect(results.last?["grade"] as? String == "A")
        let bad = try await stack.post("/v1/iam/policies/lint", key: t.key,
                                       json: #"{"policy":{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]}}"#)
        #expect(bad.status == 400)
        #expect(bad.text.contains("policies[0]") && bad.text.contains("Statement[0].Effect"), "\(bad.text)")
        #expect(try await stack.post("/v1/iam/policies/lint", key: nil, json: "{}").status == 401)
        #expect(try await stack.post("/v1/iam/policies/lint", key: t.key, json: #"{"nothing":1}"#).status == 400)
    }

    @Test("status changes and suppressions: a suppressed resource's findings arrive suppressed until it expires")
    func lifecycleAndSuppressions() async throws {
        let stack = try await StackHolder.shared.stack()
        let t = try await stack.createTenant("tenant-suppress")
        // Validation errors name the problem.
        #expect(try await stack.post("/v1/suppressions", key: t.key, json: #"{"reason":"x"}"#).status == 400)
        #expect(try await stack.post("/v1/suppressions", key: t.key, json: #"{"rule_id":"CL-CT-001"}"#).status == 400)
        #expect(try await stack.post("/v1/suppressions", key: t.key,
                                     json: #"{"rule_id":"CL-CT-001","reason":"x","expires_at":"2001-01-01T00:00:00Z"}"#).status == 400)
        let created = try await stack.post("/v1/suppressions", key: t.key,
                                           json: #"{"rule_id":"CL-CT-001","resource":"arn:aws:s3:::website-*","reason":"public by design"}"#)
        #expect(created.status == 201, "\(created.text)")
        let suppressionID = try #require(created.object["id"] as? String)
        let soon = ISO8601.format(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) + 1500)
        let expiring = try await stack.post("/v1/suppressions", key: t.key,
                                            json: #"{"rule_id":"CL-CT-001","resource":"arn:aws:s3:::temp-*","reason":"short","expires_at":"\#(soon)"}"#)
        #expect(expiring.status == 201)
        try await Task.sleep(for: .seconds(2))

        for (bucket, id) in [("website-assets", "sup-1"), ("invoices", "sup-2"), ("temp-upload", "sup-3")] {
            _ = try await stack.post("/v1/events/cloudtrail", key: t.key, json: publicACLRecord(eventID: "\(t.id)-\(id)", bucket: bucket))
        }
        var all: [[String: Any]] = []
        try await TestEnvironment.wait("three findings", timeout: .seconds(5)) {
            all = try await findings(stack, key: t.key)
            return all.count == 3
        }
        func status(_ bucket: String) -> String? {
            all.first { $0["resource_id"] as? String == "arn:aws:s3:::\(bucket)" }?["status"] as? String
        }
        #expect(status("website-assets") == "suppressed")
        #expect(status("invoices") == "open")
        #expect(status("temp-upload") == "open", "an expired suppression no longer applies")
        let suppressedOnly = try await stack.get("/v1/findings?status=suppressed", key: t.key)
        #expect((suppressedOnly.object["findings"] as? [[String: Any]])?.count == 1)
        // Filters by resource glob and by time.
        let byResource = try await stack.get("/v1/findings?resource=arn:aws:s3:::temp-*", key: t.key)
        #expect((byResource.object["findings"] as? [[String: Any]])?.count == 1)
        let recent = try await stack.get("/v1/findings?since=2026-11-20T09:00:00Z&until=2026-11-20T11:00:00Z", key: t.key)
        #expect((recent.object["findings"] as? [[String: Any]])?.count == 3)
        let later = try await stack.get("/v1/findings?since=2026-11-21T00:00:00Z", key: t.key)
        #expect((later.object["findings"] as? [[String: Any]])?.isEmpty == true)
        #expect(try await stack.get("/v1/findings?since=yesterday", key: t.key).status == 400)

        // Lifecycle: resolve one; a viewer may not; an unknown status is refused.
        let invoices = try #require(all.first { $0["resource_id"] as? String == "arn:aws:s3:::invoices" }?["id"] as? String)
        let resolved = try await stack.request("PATCH", "/v1/findings/\(invoices)", key: t.key,
                                               body: Array(#"{"status":"resolved","reason":"ACL reverted"}"#.utf8))
        #expect(resolved.status == 200, "\(resolved.text)")
        #expect(resolved.object["status"] as? String == "resolved")
        let bogus = try await stack.request("PATCH", "/v1/findings/\(invoices)", key: t.key, body: Array(#"{"status":"gone"}"#.utf8))
        #expect(bogus.status == 400)
        let other = try await stack.createTenant("tenant-suppress-other")
        let foreign = try await stack.request("PATCH", "/v1/findings/\(invoices)", key: other.key, body: Array(#"{"status":"resolved"}"#.utf8))
        #expect(foreign.status == 404)

        let list = try await stack.get("/v1/suppressions", key: t.key)
        #expect((list.object["suppressions"] as? [[String: Any]])?.count == 2)
        let otherList = try await stack.get("/v1/suppressions", key: other.key)
        #expect((otherList.object["suppressions"] as? [Any])?.isEmpty == true, "another tenant sees none: \(otherList.text)")
        #expect(try await stack.request("DELETE", "/v1/suppressions/\(suppressionID)", key: other.key).status == 404)
        #expect(try await stack.request("DELETE", "/v1/suppressions/\(suppressionID)", key: t.key).status == 204)
    }

    @Test("a tenant's custom rule is validated on upload and evaluated like a built-in one, for that tenant only")
    func customRules() async throws {
        let stack = try await StackHolder.shared.stack()
        let t = try await stack.createTenant("tenant-custom")
        let other = try await stack.createTenant("tenant-custom-other")
        let bad = try await stack.post("/v1/rules/custom", key: t.key,
                                       json: #"{"id":"CUSTOM-x","title":"t","severity":"high","description":"d","match":{"field":"sourceIPAddress","cidr":"1.2.3.4/40"}}"#)
        #expect(bad.status == 400)
        #expect(bad.text.contains("match.cidr"), "\(bad.text)")
        let rule = #"{"id":"CUSTOM-no-deletes","title":"Bucket deleted","severity":"medium","description":"Nobody deletes buckets here.","match":{"all":[{"field":"eventSource","equals":"s3.amazonaws.com"},{"field":"eventName","equals":"DeleteBucket"}]}}"#
        let created = try await stack.post("/v1/rules/custom", key: t.key, json: rule)
        #expect(created.status == 201, "\(created.text)")
        #expect(((try await stack.get("/v1/rules/custom", key: t.key)).object["rules"] as? [Any])?.count == 1)
        #expect(((try await stack.get("/v1/rules/custom", key: other.key)).object["rules"] as? [Any])?.isEmpty == true)

        let delete = publicACLRecord(eventID: "\(t.id)-del", bucket: "old-bucket").replacingOccurrences(of: "PutBucketAcl", with: "DeleteBucket")
        _ = try await stack.post("/v1/events/cloudtrail", key: t.key, json: delete)
        _ = try await stack.post("/v1/events/cloudtrail", key: other.key,
                                 json: delete.replacingOccurrences(of: "\(t.id)-del", with: "\(other.id)-del"))
        var mine: [[String: Any]] = []
        try await TestEnvironment.wait("the custom finding", timeout: .seconds(5)) {
            mine = try await findings(stack, key: t.key).filter { $0["rule_id"] as? String == "CUSTOM-no-deletes" }
            return !mine.isEmpty
        }
        #expect(mine.first?["severity"] as? String == "medium")
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await findings(stack, key: other.key).contains { $0["rule_id"] as? String == "CUSTOM-no-deletes" } == false)
        #expect(try await stack.request("DELETE", "/v1/rules/custom/CUSTOM-no-deletes", key: t.key).status == 204)
        #expect(try await stack.request("DELETE", "/v1/rules/custom/CUSTOM-no-deletes", key: t.key).status == 404)
    }

    @Test("cloudloom tenant create --format json prints a working admin key")
    func cliTenantCreate() async throws {
        let stack = try await StackHolder.shared.stack()
        let out = try await TestEnvironment.run("\(TestEnvironment.binDirectory)/cloudloom",
                                          ["tenant", "create", "cli-tenant", "--format", "json", "--gateway-url", stack.gatewayURL,
                                           "--operator-key", stack.operatorKey])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: String])
        #expect(Set(object.keys) == ["tenant_id", "api_key"])
        let whoami = try await stack.get("/v1/whoami", key: object["api_key"])
        #expect(whoami.status == 200)
        #expect(whoami.object["tenant_id"] as? String == object["tenant_id"])
        #expect(whoami.object["role"] as? String == "admin")
        // Without the operator key, creating a tenant is refused.
        let denied = try await stack.post("/v1/tenants", key: object["api_key"], json: #"{"name":"x"}"#)
        #expect(denied.status == 401)
    }
}
