import AWS
import CloudTrail
import Foundation
import Testing
import TestSupport

extension EndToEndTests {
    /// Bad input through the real gateway and ingestor: each gets the documented error, nothing crashes, and the
    /// valid records of the same batch or file are kept.
    @Suite("Malformed ingest input", .serialized)
    struct IngestMalformedTests {
        typealias H = IngestSourcesTests

        static func gzip(_ text: String) -> [UInt8] { Gzip.compress(Array(text.utf8)) }

        @Test("truncated gzip and invalid JSON are refused with 400 naming the problem; the body's offset is given")
        func bodyLevel() async throws {
            let stack = try await StackHolder.shared.stack()
            let t = try await stack.createTenant(H.unique("malformed-"))
            let account = H.awsAccountID()
            let good = H.record(UUID().uuidString.lowercased(), account: account)
            let full = Self.gzip("{\"Records\":[\(good)]}")
            let truncated = Array(full.prefix(full.count / 2))
            let r1 = try await stack.request("POST", "/v1/events/cloudtrail", key: t.key, body: truncated,
                                             headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
            #expect(r1.status == 400, "\(r1.text)")
            #expect(H.error(r1).code == "invalid_argument")
            #expect(H.error(r1).message.lowercased().contains("gzip"), "\(r1.text)")

            let r2 = try await stack.post("/v1/events/cloudtrail", key: t.key, json: #"{"Records":[{"eventID": "x", ]}"#)
            #expect(r2.status == 400, "\(r2.text)")
            #expect(H.error(r2).message.contains("malformed JSON"), "\(r2.text)")
            // The position of the problem is named (byte offset or line and column).
            #expect(H.error(r2).message.contains("byte") || H.error(r2).message.contains("column"), "\(r2.text)")
        }

        @Test("a gzip bomb (1 GiB of zeros) is stopped at the decompression cap with 400, and the ingestor keeps serving")
        func bomb() async throws {
            let stack = try await StackHolder.shared.stack()
            let t = try await stack.createTenant(H.unique("bomb-"))
            // 1 GiB of zeros compresses to about 1 MiB; gzip streams it so neither side holds the gigabyte.
            let dir = try TestEnvironment.temporaryDirectory("cl-bomb")
            let file = dir.appendingPathComponent("bomb.gz").path
            _ = try await TestEnvironment.run("/bin/sh", ["-c", "head -c 1073741824 /dev/zero | gzip -c -1 > '\(file)'"])
            let compressed = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            try? FileManager.default.removeItem(at: dir)
            #expect(compressed.count > 500_000 && compressed.count < 5_000_000, "\(compressed.count) bytes")
            let r = try await stack.request("POST", "/v1/events/cloudtrail", key: t.key, body: compressed,
                                            headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
            // Over the gateway's body limit (413) or refused at the ingestor's decompression cap (400): never accepted.
            #expect(r.status == 400 || r.status == 413, "\(r.status) \(r.text)")
            if r.status == 400 { #expect(H.error(r).message.contains("expands beyond"), "\(r.text)") }
            let after = try await stack.post("/v1/events/cloudtrail", key: t.key,
                                              json: H.record(UUID().uuidString.lowercased(), account: H.awsAccountID()))
            #expect(after.status == 200, "\(after.text)")
            #expect(after.object["accepted"] as? Int == 1)
        }

        @Test("records missing fields and a 10 MB record in an S3 delivery file are dead-lettered; the valid ones are published")
        func recordLevelInDeliveryFile() async throws {
            let stack = try await StackHolder.shared.stack()
            let moto = try await SharedServers.shared.motoServer()
            let t = try await stack.createTenant(H.unique("bigrecord-"))
            try await H.withMoto { aws in
                let s3 = S3(aws)
                let bucket = H.unique("cl-malformed-")
                try await s3.createBucket(bucket: bucket)
                let account = H.awsAccountID()
                let goodIDs = (0..<3).map { _ in UUID().uuidString.lowercased() }
                let hugeID = UUID().uuidString.lowercased()
                let huge = H.record(hugeID, account: account).replacingOccurrences(
                    of: #""userAgent":"aws-cli/2.15.0""#, with: #""userAgent":""# + String(repeating: "A", count: 10 << 20) + #"""#)
                let missing = #"{"eventID":"\#(UUID().uuidString.lowercased())","eventTime":"2026-11-22T01:02:03Z","eventName":"GetObject"}"#
                let records = [H.record(goodIDs[0], account: account), huge, H.record(goodIDs[1], account: account), missing,
                               H.record(goodIDs[2], account: account)]
                try await s3.putObject(bucket: bucket, key: H.deliveryKey(account: account, day: "2026/11/22", stamp: "20261122T0105Z", suffix: "m1"),
                                       body: H.deliveryFile(records))
                let created = try await stack.post("/v1/accounts", key: t.key, json: try H.json([
                    "name": H.unique("malformed-"), "account_id": account, "regions": ["us-east-1"], "access_key_id": "AKIDTEST",
                    "secret_access_key": "moto-secret", "endpoint_url": moto.endpoint, "cloudtrail_bucket": bucket,
                ]))
                let id = try #require(created.object["id"] as? String, "\(created.text)")
                try await H.withTap(stack, tenant: t.id) { tap in
                    let r = try await stack.post("/v1/accounts/\(id)/backfill", key: t.key,
                                                 json: #"{"since":"2026-11-22T00:00:00Z","until":"2026-11-22T23:59:59Z"}"#)
                    #expect(r.status == 200, "\(r.text)")
                    #expect(r.object["accepted"] as? Int == 3, "\(r.text)")
                    #expect(r.object["rejected"] as? Int == 2, "\(r.text)")
                    let events = try await tap.events(atLeast: 3)
                    #expect(events.map(\.eventID).sorted() == goodIDs.sorted())
                }
                let letters = try await H.deadLetters(stack, key: t.key)
                #expect(letters.count == 2, "\(letters.map { $0["reason"] ?? "" })")
                let big = letters.first { ($0["event_id"] as? String) == hugeID }
                #expect((big?["reason"] as? String)?.contains("limit for one CloudTrail record") == true, "\(String(describing: big?["reason"]))")
                // Kept whole in the database; the list carries its first 16 KiB.
                #expect((big?["payload_bytes"] as? Int ?? 0) > 10 << 20, "\(String(describing: big?["payload_bytes"]))")
                #expect(big?["payload_truncated"] as? Bool == true)
                #expect((big?["payload"] as? String)?.utf8.count == 16384)
                #expect(letters.contains { ($0["reason"] as? String)?.contains("missing eventSource") == true })
            }
        }
    }
}

