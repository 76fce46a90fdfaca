import AWS
import Foundation
import Testing
import TestSupport

extension EndToEndTests {
    /// Exactly once through a crash: the ingestor is killed with SIGKILL in the middle of a backfill and restarted;
    /// a second backfill finishes the job, and every event is in CL_EVENTS exactly once.
    @Suite("Ingest through a crash", .serialized)
    struct IngestCrashTests {
        typealias H = IngestSourcesTests

        @Test("kill -9 the ingestor in the middle of a large S3 backfill, restart it, backfill again: every event exactly once")
        func killDuringBackfill() async throws {
            let stack = try await StackHolder.shared.stack()
            let moto = try await SharedServers.shared.motoServer()
            let t = try await stack.createTenant(H.unique("crash-"))
            let files = 120, perFile = 250
            let account = H.awsAccountID()
            var all: [String] = []
            try await H.withMoto { aws in
                let s3 = S3(aws)
                let bucket = H.unique("cl-crash-")
                try await s3.createBucket(bucket: bucket)
                var batches: [(String, [UInt8])] = []
                for f in 0..<files {
                    let ids = (0..<perFile).map { _ in UUID().uuidString.lowercased() }
                    all += ids
                    let stamp = String(format: "20261122T%02d%02dZ", f / 60, f % 60)
                    batches.append((H.deliveryKey(account: account, day: "2026/11/22", stamp: stamp, suffix: "f\(f)"),
                                    H.deliveryFile(ids.map { H.record($0, account: account, time: "2026-11-22T01:02:03Z") })))
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for chunk in stride(from: 0, to: batches.count, by: 15) {
                        let slice = batches[chunk..<min(chunk + 15, batches.count)]
                        group.addTask { for (key, body) in slice { try await s3.putObject(bucket: bucket, key: key, body: body) } }
                    }
                    try await group.waitForAll()
                }
                let created = try await stack.post("/v1/accounts", key: t.key, json: try H.json([
                    "name": H.unique("crash-"), "account_id": account, "regions": ["us-east-1"], "access_key_id": "AKIDTEST",
                    "secret_access_key": "moto-secret", "endpoint_url": moto.endpoint, "cloudtrail_bucket": bucket,
                ]))
                let id = try #require(created.object["id"] as? String, "\(created.text)")
                let range = #"{"since":"2026-11-22T00:00:00Z","until":"2026-11-22T23:59:59Z"}"#

                try await H.withTap(stack, tenant: t.id) { tap in
                    // The first backfill dies with the ingestor; its answer (an error) does not matter.
                    let first = Task { try? await stack.post("/v1/accounts/\(id)/backfill", key: t.key, json: range) }
                    let before = try await tap.events(atLeast: 2 * perFile, timeout: .seconds(60), quiet: .zero)
                    let status = await stack.kill("ingestor")
                    #expect(status == 128 + SIGKILL || status == SIGKILL, "exit status \(status)")
                    let firstReply = await first.value
                    #expect(firstReply?.status != 200, "the first backfill finished before the kill; the test proves nothing")
                    #expect(before.count < all.count)

                    try await stack.start("ingestor")
                    try await TestEnvironment.wait("the restarted ingestor to answer", timeout: .seconds(30), every: .milliseconds(100)) {
                        try await stack.get("/v1/accounts", key: t.key).status == 200
                    }
                    let second = try await stack.post("/v1/accounts/\(id)/backfill", key: t.key, json: range)
                    #expect(second.status == 200, "\(second.text)")
                    #expect(second.object["failed_objects"] as? Int == 0, "\(second.text)")
                    let events = try await tap.events(atLeast: all.count, timeout: .seconds(120), quiet: .seconds(2))
                    let ids = events.map(\.eventID)
                    #expect(ids.count == all.count, "\(ids.count) events for \(all.count) records: duplicates or losses")
                    #expect(Set(ids) == Set(all))
                }
            }
            for service in ServiceStack.all {
                #expect(stack.process(service)?.isRunning == true, "\(service) is not running after the crash test")
            }
        }
    }
}
