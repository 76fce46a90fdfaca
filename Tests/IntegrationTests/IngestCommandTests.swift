import AWS
import CloudTrail
import Foundation
import Testing
import TestSupport

// Nested in `EndToEndTests` for the same reason as `IngestSourcesTests`: that suite is `.serialized`, so these runs
// never overlap a test that restarts a service of the shared stack.
extension EndToEndTests {
    /// The built `cloudloom ingest` run as a user would, against the shared stack's gateway and the shared moto server.
    /// The stack and moto are shared by the whole test process, so every tenant, bucket and event id is unique.
    @Suite("cloudloom ingest", .serialized)
    struct IngestCommandTests {
        static var cli: String { "\(TestEnvironment.binDirectory)/cloudloom" }

        struct Run {
            var status: Int32
            /// stdout and stderr together.
            var output: String
            /// The JSON document the command printed (`--format json`), empty when there was none.
            var json: [String: Any]
            var errors: [[String: Any]] { json["errors"] as? [[String: Any]] ?? [] }
            func count(_ key: String) -> Int? { json[key] as? Int }
        }

        /// Runs the CLI through `env`, which sets `environment` for it alone and unsets the variables that would
        /// otherwise leak from the test runner's environment (a `make run` shell exports them).
        static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
            var args: [String] = []
            for name in ["CL_API_KEY", "CL_GATEWAY_URL", "CL_AWS_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                         "AWS_SESSION_TOKEN", "XDG_STATE_HOME"] {
                args += ["-u", name]
            }
            for (name, value) in environment.sorted(by: { $0.key < $1.key }) { args.append("\(name)=\(value)") }
            let env = try TestEnvironment.which("env", install: "apt-get install coreutils")
            let (status, output) = try await TestEnvironment.runStatus(env, args + [cli] + arguments)
            let line = output.split(separator: "\n").first { $0.hasPrefix("{") }
            let json = line.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } ?? [:]
            return Run(status: status, output: output, json: json)
        }

        @Test("a folder of a .json.gz delivery file and NDJSON is accepted; sent again, it is all duplicates")
        func localFolder() async throws {
            let stack = try await StackHolder.shared.stack()
            let tenant = try await stack.createTenant(Self.unique("ingest-cli-"))
            let dir = try TestEnvironment.temporaryDirectory("cl-ingest")
            let sub = dir.appendingPathComponent("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            let delivered = (0..<3).map { _ in Self.eventID() }
            let streamed = (0..<2).map { _ in Self.eventID() }
            try Data(Self.deliveryFile(delivered.map { Self.record($0) }))
                .write(to: sub.appendingPathComponent("111122223333_CloudTrail_us-east-1_20261120T1005Z_abc.json.gz"))
            try Data(streamed.map { Self.record($0) }.joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("more.ndjson"))
            try Data("not CloudTrail".utf8).write(to: sub.appendingPathComponent("notes.txt"))
            let flags = ["--gateway-url", stack.gatewayURL, "--api-key", tenant.key, "--format", "json"]

            let first = try await Self.run(["ingest", dir.path] + flags)
            #expect(first.status == 0, "\(first.output)")
            #expect(first.count("files") == 2, "\(first.output)")
            #expect(first.count("accepted") == 5)
            #expect(first.count("duplicates") == 0)
            #expect(first.count("rejected") == 0)
            #expect(first.count("skipped") == 0)
            #expect(first.errors.isEmpty, "\(first.output)")
            #expect(!first.output.contains(tenant.key), "the API key was printed")

            let second = try await Self.run(["ingest", dir.path, "--jobs", "1"] + flags)
            #expect(second.status == 0, "\(second.output)")
            #expect(second.count("accepted") == 0, "\(second.output)")
            #expect(second.count("duplicates") == first.count("accepted"))

            // The key and URL from the environment, and the default table output.
            let table = try await Self.run(["ingest", dir.appendingPathComponent("more.ndjson").path],
                                           environment: ["CL_API_KEY": tenant.key, "CL_GATEWAY_URL": stack.gatewayURL])
            #expect(table.status == 0, "\(table.output)")
            #expect(table.output.contains("DUPLICATES"), "\(table.output)")
            #expect(!table.output.contains(tenant.key), "the API key was printed")
        }

        @Test("a delivery file over the gateway's body limit (413) is sent in batches of records, all accepted")
        func oversizedFile() async throws {
            let stack = try await StackHolder.shared.stack()
            let tenant = try await stack.createTenant(Self.unique("ingest-cli-big-"))
            let dir = try TestEnvironment.temporaryDirectory("cl-ingest-big")
            // Random payloads barely compress, so the gzip file stays above the stack's 1 MiB CL_MAX_BODY_BYTES.
            let ids = (0..<2000).map { _ in Self.eventID() }
            let records = ids.map { id in
                let noise = Data((0..<825).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
                return Self.record(id, parameters: #"{"bucketName":"b","noise":"\#(noise)"}"#)
            }
            let file = Self.deliveryFile(records)
            try #require(file.count > 1_200_000, "the test file must be over the gateway's limit; it is \(file.count) bytes")
            try Data(file).write(to: dir.appendingPathComponent("111122223333_CloudTrail_us-east-1_20261120T1010Z_big.json.gz"))

            let result = try await Self.run(["ingest", dir.path, "--gateway-url", stack.gatewayURL, "--api-key", tenant.key,
                                             "--format", "json"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.count("files") == 1)
            #expect(result.count("accepted") == ids.count, "\(result.output)")
            #expect(result.errors.isEmpty, "\(result.output)")
        }

        @Test("s3:// prefixes: delivery files are read (digests skipped), and a second run skips them by ETag")
        func s3Prefix() async throws {
            let stack = try await StackHolder.shared.stack()
            let moto = try await SharedServers.shared.motoServer()
            let tenant = try await stack.createTenant(Self.unique("ingest-cli-s3-"))
            let bucket = Self.unique("cl-ingest-cli-")
            let account = "444455556666"
            let early = (0..<2).map { _ in Self.eventID() }
            let late = (0..<3).map { _ in Self.eventID() }
            let earlyKey = "AWSLogs/\(account)/CloudTrail/us-east-1/2026/11/22/\(account)_CloudTrail_us-east-1_20261122T0105Z_a1.json.gz"
            let lateKey = "AWSLogs/\(account)/CloudTrail/us-east-1/2026/11/22/\(account)_CloudTrail_us-east-1_20261122T1420Z_b2.json.gz"
            let client = AWSClient(credentials: StaticCredentialProvider(accessKeyId: "AKIDTEST", secretAccessKey: "moto-secret"),
                                   configuration: .init(region: "us-east-1", endpoint: moto.endpoint))
            do {
                let s3 = S3(client)
                try await s3.createBucket(bucket: bucket)
                try await s3.putObject(bucket: bucket, key: earlyKey, body: Self.deliveryFile(early.map { Self.record($0) }))
                // Stored the way CloudTrail stores it: the HTTP client then hands the CLI the inflated JSON.
                try await s3.putObject(bucket: bucket, key: lateKey, body: Self.deliveryFile(late.map { Self.record($0) }),
                                       contentType: "application/json", contentEncoding: "gzip")
                try await s3.putObject(bucket: bucket,
                                       key: "AWSLogs/\(account)/CloudTrail-Digest/us-east-1/2026/11/22/\(account)_CloudTrail-Digest_us-east-1_trail_us-east-1_20261122T0205Z.json.gz",
                                       body: Gzip.compress(Array(#"{"awsAccountId":"\#(account)"}"#.utf8)))
                await client.shutdown()
            } catch {
                await client.shutdown()
                throw error
            }
            let stateDir = try TestEnvironment.temporaryDirectory("cl-ingest-state")
            let statePath = stateDir.appendingPathComponent("sub/ingest-state.json").path
            let aws = ["AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "moto-secret"]
            let flags = ["--endpoint", moto.endpoint, "--region", "us-east-1", "--gateway-url", stack.gatewayURL,
                         "--api-key", tenant.key, "--format", "json"]

            let first = try await Self.run(["ingest", "s3://\(bucket)/AWSLogs/", "--state", statePath] + flags, environment: aws)
            #expect(first.status == 0, "\(first.output)")
            #expect(first.count("files") == 2, "\(first.output)")
            #expect(first.count("accepted") == 5)
            #expect(first.count("skipped") == 0)
            let state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: statePath)))
                as? [String: String], "the state file was not written")
            #expect(Set(state.keys) == ["s3://\(bucket)/\(earlyKey)", "s3://\(bucket)/\(lateKey)"])
            #expect(state.values.allSatisfy { !$0.isEmpty && !$0.contains("\"") })

            let second = try await Self.run(["ingest", "s3://\(bucket)/AWSLogs/", "--state", statePath] + flags, environment: aws)
            #expect(second.status == 0, "\(second.output)")
            #expect(second.count("skipped") == 2, "\(second.output)")
            #expect(second.count("files") == 0)
            #expect(second.count("accepted") == 0)

            // Without the state, --since picks files by the delivery time in their names: only the later one.
            let since = try await Self.run(["ingest", "s3://\(bucket)", "--no-state", "--since", "2026-11-22T12:00:00Z"] + flags,
                                           environment: aws)
            #expect(since.status == 0, "\(since.output)")
            #expect(since.count("files") == 1, "\(since.output)")
            #expect(since.count("duplicates") == late.count)
            #expect(since.count("skipped") == 0)

            // The default state file lives under XDG_STATE_HOME.
            let xdg = try TestEnvironment.temporaryDirectory("cl-ingest-xdg")
            let until = try await Self.run(["ingest", "s3://\(bucket)/AWSLogs/\(account)/", "--until", "2026-11-22T12:00:00Z"] + flags,
                                           environment: aws.merging(["XDG_STATE_HOME": xdg.path]) { $1 })
            #expect(until.status == 0, "\(until.output)")
            #expect(until.count("files") == 1, "\(until.output)")
            #expect(until.count("duplicates") == early.count)
            let defaultState = xdg.appendingPathComponent("cloudloom/ingest-state.json").path
            #expect(FileManager.default.fileExists(atPath: defaultState))
        }

        @Test("unreadable input: exit 3, the rest is still sent, and the error names the file")
        func badInput() async throws {
            let stack = try await StackHolder.shared.stack()
            let tenant = try await stack.createTenant(Self.unique("ingest-cli-bad-"))
            let dir = try TestEnvironment.temporaryDirectory("cl-ingest-bad")
            let good = Self.eventID()
            try Data(("{\"Records\":[" + Self.record(good) + "]}").utf8).write(to: dir.appendingPathComponent("good.json"))
            try Data("{\"Records\":[{\"eventID\":\"x\",".utf8).write(to: dir.appendingPathComponent("broken.json"))
            let missing = dir.appendingPathComponent("missing.json").path

            let result = try await Self.run(["ingest", dir.path, missing, "--gateway-url", stack.gatewayURL, "--api-key", tenant.key,
                                             "--format", "json"])
            #expect(result.status == 3, "\(result.output)")
            #expect(result.count("accepted") == 1, "\(result.output)")
            #expect(result.count("files") == 2)
            let broken = result.errors.first { ($0["file"] as? String)?.hasSuffix("broken.json") == true }
            #expect((broken?["message"] as? String)?.contains("JSON") == true, "\(result.output)")
            #expect(broken?["index"] is NSNull)
            #expect(result.errors.contains { $0["file"] as? String == missing && ($0["message"] as? String)?.contains("no such file") == true },
                    "\(result.output)")
        }

        @Test("usage errors exit 2; a key the gateway refuses exits 4 without being printed")
        func usageAndRefusal() async throws {
            let stack = try await StackHolder.shared.stack()
            let dir = try TestEnvironment.temporaryDirectory("cl-ingest-usage")
            try Data(("{\"Records\":[" + Self.record(Self.eventID()) + "]}").utf8).write(to: dir.appendingPathComponent("a.json"))

            let noKey = try await Self.run(["ingest", dir.path, "--gateway-url", stack.gatewayURL])
            #expect(noKey.status == 2, "\(noKey.output)")
            #expect(noKey.output.contains("API key"), "\(noKey.output)")
            let badSince = try await Self.run(["ingest", dir.path, "--api-key", "k", "--since", "yesterday"])
            #expect(badSince.status == 2, "\(badSince.output)")
            let badJobs = try await Self.run(["ingest", dir.path, "--api-key", "k", "--jobs", "0"])
            #expect(badJobs.status == 2, "\(badJobs.output)")
            let none = try await Self.run(["ingest", "--api-key", "k"])
            #expect(none.status == 2, "\(none.output)")
            let noCredentials = try await Self.run(["ingest", "s3://some-bucket/AWSLogs/", "--api-key", "k", "--no-state"])
            #expect(noCredentials.status == 2, "\(noCredentials.output)")

            let wrongKey = "clk-not-a-key-" + UUID().uuidString
            let refused = try await Self.run(["ingest", dir.path, "--gateway-url", stack.gatewayURL, "--api-key", wrongKey])
            #expect(refused.status == 4, "\(refused.output)")
            #expect(!refused.output.contains(wrongKey), "the API key was printed: \(refused.output)")
        }

        // MARK: Helpers

        static func unique(_ prefix: String) -> String {
            prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        }

        static func eventID() -> String { UUID().uuidString.lowercased() }

        /// A CloudTrail record in the shape AWS writes it.
        static func record(_ id: String, parameters: String = "null") -> String {
            #"{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::444455556666:user/alice","accountId":"444455556666","accessKeyId":"AKIAEXAMPLE","userName":"alice"},"eventTime":"2026-11-22T01:02:03Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.0","requestParameters":\#(parameters),"responseElements":null,"requestID":"R\#(id.prefix(8))","eventID":"\#(id)","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"444455556666","eventCategory":"Management"}"#
        }

        /// A gzip delivery file `{"Records":[...]}`.
        static func deliveryFile(_ records: [String]) -> [UInt8] {
            Gzip.compress(Array(("{\"Records\":[" + records.joined(separator: ",") + "]}").utf8))
        }
    }
}
