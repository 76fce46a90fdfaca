import CloudTrail
import Foundation
import Testing
import TestSupport

/// The `cloudloom` binary run as a user would, on files written by the test.
@Suite("cloudloom CLI")
struct CLITests {
    static var cli: String { "\(TestEnvironment.binDirectory)/cloudloom" }

    static func record(_ name: String, _ source: String, _ params: String, id: String, time: String = "2026-11-20T10:00:00Z") -> String {
        #"{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","userName":"mallory"},"eventTime":"\#(time)","eventSource":"\#(source)","eventName":"\#(name)","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.1","requestParameters":\#(params),"responseElements":null,"eventID":"\#(id)","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}"#
    }

    @Test("detect reads folders of .json and .json.gz, reports findings as JSON with every event id, and sets the exit status")
    func detect() async throws {
        let dir = try TestEnvironment.temporaryDirectory("cl-detect")
        let sub = dir.appendingPathComponent("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let stop = Self.record("StopLogging", "cloudtrail.amazonaws.com", #"{"name":"main"}"#, id: "ev-stop")
        let acl1 = Self.record("PutBucketAcl", "s3.amazonaws.com", #"{"bucketName":"data","AccessControlPolicy":{"AccessControlList":{"Grant":{"Grantee":{"URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"READ"}}}}"#, id: "ev-acl-1")
        let acl2 = Self.record("PutBucketAcl", "s3.amazonaws.com", #"{"bucketName":"data","AccessControlPolicy":{"AccessControlList":{"Grant":{"Grantee":{"URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"WRITE"}}}}"#, id: "ev-acl-2", time: "2026-11-20T10:05:00Z")
        let benign = Self.record("DescribeInstances", "ec2.amazonaws.com", "null", id: "ev-benign")
        try Data(Gzip.compress(Array("{\"Records\":[\(stop),\(benign)]}".utf8))).write(to: sub.appendingPathComponent("a.json.gz"))
        try Data("{\"Records\":[\(acl1)]}".utf8).write(to: sub.appendingPathComponent("b.json"))
        try Data((acl2 + "\n" + benign.replacingOccurrences(of: "ev-benign", with: "ev-benign-2")).utf8).write(to: dir.appendingPathComponent("c.ndjson"))
        try Data("ignored".utf8).write(to: sub.appendingPathComponent("notes.txt"))

        let (status, output) = try await TestEnvironment.runStatus(Self.cli, ["detect", dir.path, "--format", "json"])
        #expect(status == 1, "\(output)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let findings = try #require(doc["findings"] as? [[String: Any]])
        let stats = try #require(doc["stats"] as? [String: Any])
        #expect(stats["files"] as? Int == 3)
        #expect(stats["events"] as? Int == 5)
        #expect(stats["rejected"] as? Int == 0)
        let byRule = Dictionary(grouping: findings) { $0["rule_id"] as? String ?? "" }
        #expect(byRule["CL-CT-002"]?.first?["event_ids"] as? [String] == ["ev-stop"])
        let acl = try #require(byRule["CL-CT-001"]?.first)
        #expect(Set(acl["event_ids"] as? [String] ?? []) == ["ev-acl-1", "ev-acl-2"])
        #expect(acl["count"] as? Int == 2)
        #expect(acl["first_seen"] as? String == "2026-11-20T10:00:00.000Z")
        #expect(acl["last_seen"] as? String == "2026-11-20T10:05:00.000Z")
        #expect(acl["resource"] as? String == "arn:aws:s3:::data")
        let refs = try #require(acl["references"] as? [String: [String]])
        #expect(refs["mitre_attack"] == ["T1530"])
        #expect(Set(refs.keys).isSuperset(of: ["cis_aws", "fsbp", "mitre_attack", "stratus"]))

        // Only findings below --fail-on: exit 0. Table output names the rules.
        let (quiet, _) = try await TestEnvironment.runStatus(Self.cli, ["detect", sub.appendingPathComponent("b.json").path, "--fail-on", "critical"])
        #expect(quiet == 0)
        let (_, tableOut) = try await TestEnvironment.runStatus(Self.cli, ["detect", dir.path])
        #expect(tableOut.contains("CL-CT-002") && tableOut.contains("finding(s) from 5 event(s)"))
    }

    @Test("detect: unreadable input gives exit 3 after processing the rest; a bad flag gives exit 2")
    func detectErrors() async throws {
        let dir = try TestEnvironment.temporaryDirectory("cl-detect-bad")
        try Data("{\"Records\":[\(Self.record("StopLogging", "cloudtrail.amazonaws.com", #"{"name":"t"}"#, id: "ok-1"))]}".utf8)
            .write(to: dir.appendingPathComponent("good.json"))
        try Data("{\"Records\":[{\"eventID\":\"x\",".utf8).write(to: dir.appendingPathComponent("broken.json"))
        try Data([0x1f, 0x8b, 0x08, 0x00, 0x01]).write(to: dir.appendingPathComponent("truncated.json.gz"))
        let (status, output) = try await TestEnvironment.runStatus(Self.cli, ["detect", dir.path, "--format", "json", dir.path + "/missing.json"])
        #expect(status == 3, "\(output)")
        #expect(output.contains("broken.json") && output.contains("line 1"))
        #expect(output.contains("truncated.json.gz"))
        #expect(output.contains("missing.json: no such file"))
        #expect(output.contains("\"rule_id\":\"CL-CT-002\""), "the good file is still processed")
        let (usage, _) = try await TestEnvironment.runStatus(Self.cli, ["detect", dir.path, "--fail-on", "severe"])
        #expect(usage == 2)
        let (none, _) = try await TestEnvironment.runStatus(Self.cli, ["detect"])
        #expect(none == 2)
    }

    @Test("lint-policy scores documents and reports malformed ones with the JSON path")
    func lintPolicy() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let fixtures = root.appendingPathComponent("Fixtures/iam")
        let (status, output) = try await TestEnvironment.runStatus(Self.cli, ["lint-policy", "--format", "json",
                                                                        fixtures.appendingPathComponent("admin-full-access.json").path,
                                                                        fixtures.appendingPathComponent("readonly-scoped-bucket.json").path])
        #expect(status == 1)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let results = try #require(doc["results"] as? [[String: Any]])
        #expect(results.count == 2)
        let admin = try #require(results.first)
        #expect((admin["findings"] as? [[String: Any]])?.contains { $0["category"] as? String == "admin-access" } == true)
        #expect((admin["score"] as? Int ?? 100) < 70)
        #expect(results.last?["grade"] as? String == "A")

        let bad = try TestEnvironment.temporaryDirectory("cl-lint").appendingPathComponent("bad.json")
        try Data(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":5,"Resource":"*"}]}"#.utf8).write(to: bad)
        let (badStatus, badOut) = try await TestEnvironment.runStatus(Self.cli, ["lint-policy", bad.path])
        #expect(badStatus == 3)
        #expect(badOut.contains("Statement[0].Action"), "\(badOut)")
    }
}
