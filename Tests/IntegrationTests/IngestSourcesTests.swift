import AWS
import Bus
import CLCrypto
import CloudTrail
import Foundation
import Logging
import Testing
import TestSupport
import Wire

// Nested in `EndToEndTests` on purpose: that suite is `.serialized`, which applies to its sub-suites too, so these
// tests never run beside the end-to-end ones. They share one stack, and one of them restarts the ingestor, which
// would fail any webhook post another test made at that moment (and the end-to-end tests time their findings).
extension EndToEndTests {
    /// The ingestor's intake paths through the real gateway, ingestor, NATS JetStream, PostgreSQL and moto:
    /// connected accounts, SQS notifications of S3 delivery files, backfills, dead letters with retry, EventBridge
    /// API destinations and the durable dedup. Moto and the stack are shared by the whole test process, so every
    /// tenant, bucket, queue, account name and event id is unique.
    @Suite("Ingest sources through the real services", .serialized)
    struct IngestSourcesTests {
        // MARK: Accounts

        @Test("accounts: created with keys or a role, secrets never answered, validation names the field, tenants isolated, delete")
        func accounts() async throws {
            let stack = try await StackHolder.shared.stack()
            let moto = try await SharedServers.shared.motoServer()
            let t = try await stack.createTenant(Self.unique("accounts-"))
            let other = try await stack.createTenant(Self.unique("accounts-other-"))
            let account = Self.awsAccountID()
            let secret = "moto-secret-" + UUID().uuidString
            let name = Self.unique("dev-")

            let created = try await stack.post("/v1/accounts", key: t.key, json: try Self.json([
                "name": name, "account_id": account, "regions": ["us-east-1", "eu-west-1"],
                "access_key_id": "AKIDTEST", "secret_access_key": secret, "endpoint_url": moto.endpoint,
            ]))
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.object["id"] as? String, "\(created.text)")
            #expect(UUID(uuidString: id) != nil)
            #expect(created.object["name"] as? String == name)
            #expect(created.object["account_id"] as? String == account)
            #expect(created.object["regions"] as? [String] == ["us-east-1", "eu-west-1"])
            #expect(created.object["access_key_id"] as? String == "AKIDTEST")
            #expect(created.object["endpoint_url"] as? String == moto.endpoint)
            #expect(created.object["role_arn"] == nil)
            let whoami = try await stack.get("/v1/whoami", key: t.key)
            #expect(created.object["created_by"] as? String == whoami.object["key_id"] as? String)
            #expect((created.object["created_at"] as? String)?.hasSuffix("Z") == true)

            // Production shape: a role in the same account with an external ID, which is stored but never shown.
            let externalID = "ext-" + UUID().uuidString
            let roleArn = "arn:aws:iam::\(account):role/CloudLoomReadOnly"
            let roleName = Self.unique("prod-")
            let role = try await stack.post("/v1/accounts", key: t.key, json: try Self.json([
                "name": roleName, "account_id": account, "regions": ["us-east-1"], "role_arn": roleArn, "external_id": externalID,
            ]))
            #expect(role.status == 201, "\(role.text)")
            let roleID = try #require(role.object["id"] as? String, "\(role.text)")
            #expect(role.object["role_arn"] as? String == roleArn)
            #expect(role.object["has_external_id"] as? Bool == true)
            #expect(role.object["external_id"] == nil)
            #expect(role.object["access_key_id"] == nil)

            let list = try await stack.get("/v1/accounts", key: t.key)
            #expect(list.status == 200, "\(list.text)")
            let listed = (list.object["accounts"] as? [[String: Any]]) ?? []
            #expect(Set(listed.compactMap { $0["id"] as? String }) == [id, roleID])
            #expect(listed.first { $0["id"] as? String == roleID }?["has_external_id"] as? Bool == true)
            let one = try await stack.get("/v1/accounts/\(id)", key: t.key)
            #expect(one.status == 200, "\(one.text)")
            #expect(one.object["id"] as? String == id)
            #expect(one.object["account_id"] as? String == account)
            let oneRole = try await stack.get("/v1/accounts/\(roleID)", key: t.key)
            #expect(oneRole.status == 200)
            #expect(oneRole.object["has_external_id"] as? Bool == true)

            // No answer carries a secret, by value or by field name.
            for reply in [created, role, list, one, oneRole] {
                #expect(!reply.text.contains(secret), "the secret access key leaked: \(reply.text)")
                #expect(!reply.text.contains(externalID), "the external ID leaked: \(reply.text)")
                #expect(!reply.text.contains("secret_access_key"))
                #expect(!reply.text.contains("\"external_id\""))
            }
            // At rest both are encrypted: the stored bytes do not contain the plaintext.
            let sealed = try await stack.postgres.adminSQL("""
                SELECT count(*) FROM ingestor.accounts
                WHERE (id = '\(id)' AND secret_enc IS NOT NULL AND external_id_enc IS NULL
                       AND position(convert_to('\(secret)', 'UTF8') in secret_enc) = 0)
                   OR (id = '\(roleID)' AND external_id_enc IS NOT NULL AND secret_enc IS NULL
                       AND position(convert_to('\(externalID)', 'UTF8') in external_id_enc) = 0)
                """)
            #expect(sealed.trimmingCharacters(in: .whitespacesAndNewlines) == "2")

            // Validation: a 400 whose message names the field.
            let keys: [String: Any] = ["name": Self.unique("bad-"), "account_id": account, "regions": ["us-east-1"],
                                       "access_key_id": "AKIDTEST", "secret_access_key": secret, "endpoint_url": moto.endpoint]
            let roleFields: [String: Any] = ["name": Self.unique("bad-"), "account_id": account, "regions": ["us-east-1"],
                                             "role_arn": roleArn, "external_id": externalID]
            func with(_ base: [String: Any], _ changes: [String: Any?]) -> [String: Any] {
                var o = base
                for (k, v) in changes { o[k] = v }
                return o
            }
            let otherAccount = account == "111122223333" ? "444455556666" : "111122223333"
            let cases: [(String, [String: Any], [String])] = [
                ("an account id that is too short", with(keys, ["account_id": "12345"]), ["account_id"]),
                ("an account id with a letter", with(keys, ["account_id": "12345678901a"]), ["account_id"]),
                ("no regions", with(keys, ["regions": nil]), ["regions"]),
                ("empty regions", with(keys, ["regions": [String]()]), ["regions"]),
                ("a malformed region", with(keys, ["regions": ["us_east_1"]]), ["us_east_1"]),
                ("a role in another account", with(roleFields, ["role_arn": "arn:aws:iam::\(otherAccount):role/CloudLoomReadOnly"]),
                 ["role_arn"]),
                ("a role without external_id", with(roleFields, ["external_id": nil]), ["external_id"]),
                ("both a role and keys", with(keys, ["role_arn": roleArn, "external_id": externalID]), ["role_arn", "access_key_id"]),
                ("keys without an endpoint", with(keys, ["endpoint_url": nil]), ["endpoint_url"]),
                ("an unknown field", with(keys, ["secret": "x"]), ["\"secret\""]),
            ]
            for (what, body, needles) in cases {
                let r = try await stack.post("/v1/accounts", key: t.key, json: try Self.json(body))
                #expect(r.status == 400, "\(what): \(r.status) \(r.text)")
                let e = Self.error(r)
                #expect(e.code == "invalid_argument", "\(what): \(r.text)")
                for needle in needles { #expect(e.message.contains(needle), "\(what): \(e.message)") }
                #expect(!r.text.contains(secret) && !r.text.contains(externalID), "\(what) echoed a secret: \(r.text)")
            }
            // The same name twice in a tenant is a conflict.
            let again = try await stack.post("/v1/accounts", key: t.key, json: try Self.json(with(keys, ["name": name])))
            #expect(again.status == 409, "\(again.text)")
            // Nothing invalid was stored.
            let after = try await stack.get("/v1/accounts", key: t.key)
            #expect((after.object["accounts"] as? [Any])?.count == 2, "\(after.text)")

            // Another tenant can neither see nor delete them, and cannot learn that they exist.
            let otherList = try await stack.get("/v1/accounts", key: other.key)
            #expect(otherList.status == 200)
            #expect((otherList.object["accounts"] as? [Any])?.isEmpty == true, "\(otherList.text)")
            let foreign = try await stack.get("/v1/accounts/\(id)", key: other.key)
            #expect(foreign.status == 404)
            #expect(Self.error(foreign).code == "not_found")
            #expect(try await stack.request("DELETE", "/v1/accounts/\(id)", key: other.key).status == 404)
            #expect(try await stack.get("/v1/accounts/\(id)", key: t.key).status == 200, "a foreign delete must not remove it")
            #expect(try await stack.get("/v1/accounts/not-a-uuid", key: t.key).status == 404)
            #expect(try await stack.get("/v1/accounts", key: nil).status == 401)

            // Delete: 204, then it is gone.
            #expect(try await stack.request("DELETE", "/v1/accounts/\(id)", key: t.key).status == 204)
            #expect(try await stack.get("/v1/accounts/\(id)", key: t.key).status == 404)
            #expect(try await stack.request("DELETE", "/v1/accounts/\(id)", key: t.key).status == 404)
            let rest = try await stack.get("/v1/accounts", key: t.key)
            #expect(((rest.object["accounts"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [roleID])
            #expect(try await stack.request("DELETE", "/v1/accounts/\(roleID)", key: t.key).status == 204)
            // Viewer keys (403 on create/delete) are not tested: the API can create only a tenant's first admin key.
        }

        // MARK: SQS and S3

        @Test("SQS + S3: a delivery file is published once, a repeat is skipped, EventBridge goes straight through, non-JSON is dead-lettered, every message is deleted")
        func sqsAndS3() async throws {
            let stack = try await StackHolder.shared.stack()
            let moto = try await SharedServers.shared.motoServer()
            let t = try await stack.createTenant(Self.unique("sqs-"))
            try await Self.withMoto { aws in
                let s3 = S3(aws)
                let sqs = SQS(aws)
                let bucket = Self.unique("cl-trail-")
                try await s3.createBucket(bucket: bucket)
                let queue = try await sqs.createQueue(name: Self.unique("cl-trail-"))
                #expect(try await Self.queueDepth(aws, queue) == 0)
                let account = Self.awsAccountID()
                let ids = (0..<4).map { _ in UUID().uuidString.lowercased() }
                let key = Self.deliveryKey(account: account, day: "2026/11/22", stamp: "20261122T0105Z", suffix: "x")
                let file = Self.deliveryFile(ids.map { Self.record($0, account: account) })
                let etag = try await s3.putObject(bucket: bucket, key: key, body: file)
                #expect(!etag.isEmpty)

                let created = try await stack.post("/v1/accounts", key: t.key, json: try Self.json([
                    "name": Self.unique("sqs-"), "account_id": account, "regions": ["us-east-1"], "access_key_id": "AKIDTEST",
                    "secret_access_key": "moto-secret", "endpoint_url": moto.endpoint, "sqs_queue_url": queue,
                    "cloudtrail_bucket": bucket,
                ]))
                #expect(created.status == 201, "\(created.text)")
                let accountUUID = try #require(created.object["id"] as? String, "\(created.text)")
                #expect(created.object["sqs_queue_url"] as? String == queue)
                #expect(created.object["cloudtrail_bucket"] as? String == bucket)

                try await Self.withTap(stack, tenant: t.id) { tap in
                    // 1. The notification leads to the file: every record once, for this tenant, and the message is deleted.
                    let notification = try Self.s3Notification(bucket: bucket, key: key, etag: etag, size: file.count)
                    _ = try await sqs.sendMessage(queueUrl: queue, body: notification)
                    var events = try await tap.events(atLeast: ids.count)
                    #expect(events.count == ids.count, "\(events.map(\.eventID))")
                    #expect(events.map(\.eventID).sorted() == ids.sorted())
                    #expect(events.allSatisfy { $0.tenantID == t.id && $0.ingestSource == "s3" && $0.recipientAccountID == account })
                    #expect(events.allSatisfy { $0.eventName == "ListBuckets" && $0.eventSource == "s3.amazonaws.com" })
                    try await Self.waitUntilDrained(aws, queue)
                    let processed = try await stack.postgres.adminSQL("""
                        SELECT records FROM ingestor.processed_objects
                        WHERE tenant_id = '\(t.id)' AND account_uuid = '\(accountUUID)' AND bucket = '\(bucket)' AND key = '\(key)'
                          AND etag = '\(etag)'
                        """)
                    #expect(processed.trimmingCharacters(in: .whitespacesAndNewlines) == "4")

                    // 2. The same notification again: nothing new, and the message is still deleted.
                    _ = try await sqs.sendMessage(queueUrl: queue, body: notification)
                    try await Self.waitUntilDrained(aws, queue)
                    events = try await tap.events(atLeast: ids.count, quiet: .seconds(2))
                    #expect(events.count == ids.count, "a repeated notification published again: \(events.map(\.eventID))")

                    // 3. A processed (bucket, key, ETag) is skipped before it is downloaded: overwrite the object with a
                    // different record and repeat the old notification; the new content must not be read. Then the
                    // notification S3 would send for the overwrite (new ETag) does read it.
                    let canary = UUID().uuidString.lowercased()
                    let rewritten = Self.deliveryFile([Self.record(canary, account: account)])
                    let etag2 = try await s3.putObject(bucket: bucket, key: key, body: rewritten)
                    #expect(etag2 != etag)
                    _ = try await sqs.sendMessage(queueUrl: queue, body: notification)
                    try await Self.waitUntilDrained(aws, queue)
                    events = try await tap.events(atLeast: ids.count, quiet: .seconds(2))
                    #expect(!events.contains { $0.eventID == canary }, "an already-processed notification downloaded the object again")
                    _ = try await sqs.sendMessage(queueUrl: queue,
                                                  body: try Self.s3Notification(bucket: bucket, key: key, etag: etag2, size: rewritten.count))
                    events = try await tap.events(atLeast: ids.count + 1)
                    #expect(events.count == ids.count + 1)
                    #expect(events.filter { $0.eventID == canary }.count == 1)
                    try await Self.waitUntilDrained(aws, queue)
                    let rows = try await stack.postgres.adminSQL(
                        "SELECT count(*) FROM ingestor.processed_objects WHERE tenant_id = '\(t.id)' AND key = '\(key)'")
                    #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "2")

                    // 4. An EventBridge event sent to the queue directly: its record is published.
                    let bridged = UUID().uuidString.lowercased()
                    _ = try await sqs.sendMessage(queueUrl: queue,
                                                  body: Self.eventBridge(Self.record(bridged, account: account, name: "GetBucketAcl"),
                                                                         account: account))
                    events = try await tap.events(atLeast: ids.count + 2)
                    #expect(events.count == ids.count + 2)
                    let fromBridge = events.filter { $0.eventID == bridged }
                    #expect(fromBridge.count == 1)
                    #expect(fromBridge.first?.eventName == "GetBucketAcl")
                    #expect(fromBridge.first?.ingestSource == "sqs")
                    try await Self.waitUntilDrained(aws, queue)

                    // 5. A body that is not JSON can never succeed: dead-lettered at once, deleted, nothing published.
                    let junk = "this is not JSON \(UUID().uuidString)"
                    let junkID = try await sqs.sendMessage(queueUrl: queue, body: junk)
                    try await Self.waitUntilDrained(aws, queue)
                    var letter: [String: Any]?
                    try await TestEnvironment.wait("the SQS dead letter", timeout: .seconds(20), every: .milliseconds(200)) {
                        letter = try await Self.deadLetters(stack, key: t.key).first { $0["payload"] as? String == junk }
                        return letter != nil
                    }
                    #expect(letter?["source"] as? String == "sqs")
                    #expect(letter?["status"] as? String == "open")
                    #expect(letter?["retries"] as? Int == 0)
                    #expect(letter?["request_id"] as? String == "sqs:\(junkID)")
                    #expect((letter?["reason"] as? String)?.contains("not JSON") == true, "\(letter?["reason"] ?? "")")
                    #expect(try await Self.deadLetters(stack, key: t.key).count == 1, "only the junk message is a dead letter")
                    events = try await tap.events(atLeast: ids.count + 2, quiet: .seconds(1))
                    #expect(events.count == ids.count + 2)
                    #expect(Set(events.map(\.eventID)).count == events.count, "an event was published twice")
                }

                // Disconnecting the account stops its polling: a message sent afterwards stays in the queue.
                #expect(try await stack.request("DELETE", "/v1/accounts/\(accountUUID)", key: t.key).status == 204)
                // Negative check: give the poller its refresh (1 s) and an in-flight long poll (1 s) to wind down.
                try await Task.sleep(for: .seconds(4))
                _ = try await sqs.sendMessage(queueUrl: queue,
                                              body: try Self.s3Notification(bucket: bucket, key: key, etag: etag, size: file.count))
                try await Task.sleep(for: .seconds(4))
                #expect(try await Self.queueDepth(aws, queue) == 1, "a disconnected account's queue is still being read")
            }
        }

        /// SNS → SQS without raw message delivery wraps the event in an SNS envelope; `SQSNotification.classify`
        /// unwraps it and answers the inner body in `.cloudTrail(body:)`. The poller must ingest that body.
        @Test("SQS: an SNS-wrapped EventBridge CloudTrail event is published, not dead-lettered")
        func snsWrappedCloudTrail() async throws {
            let stack = try await StackHolder.shared.stack()
            let moto = try await SharedServers.shared.motoServer()
            let t = try await stack.createTenant(Self.unique("sns-"))
            try await Self.withMoto { aws in
                let sqs = SQS(aws)
                let queue = try await sqs.createQueue(name: Self.unique("cl-sns-"))
                let account = Self.awsAccountID()
                let created = try await stack.post("/v1/accounts", key: t.key, json: try Self.json([
                    "name": Self.unique("sns-"), "account_id": account, "regions": ["us-east-1"], "access_key_id": "AKIDTEST",
                    "secret_access_key": "moto-secret", "endpoint_url": moto.endpoint, "sqs_queue_url": queue,
                ]))
                #expect(created.status == 201, "\(created.text)")
                let accountUUID = try #require(created.object["id"] as? String)
                let id = UUID().uuidString.lowercased()
                let inner = Self.eventBridge(Self.record(id, account: account, name: "DeleteTrail", source: "cloudtrail.amazonaws.com"),
                                             account: account)
                let envelope = try Self.json([
                    "Type": "Notification", "MessageId": UUID().uuidString.lowercased(),
                    "TopicArn": "arn:aws:sns:us-east-1:\(account):cloudtrail-events", "Subject": "",
                    "Message": inner, "Timestamp": "2026-11-22T01:12:00.000Z", "SignatureVersion": "1",
                ])
                try await Self.withTap(stack, tenant: t.id) { tap in
                    _ = try await sqs.sendMessage(queueUrl: queue, body: envelope)
                    try await Self.waitUntilDrained(aws, queue)
                    let letters = try await Self.deadLetters(stack, key: t.key)
                    #expect(letters.isEmpty, "the SNS envelope was dead-lettered: \(letters.map { $0["reason"] ?? "" })")
                    let events = try await tap.events(atLeast: 1, timeout: .seconds(10))
                    #expect(events.map(\.eventID) == [id])
                    #expect(events.first?.eventName == "DeleteTrail")
                }
                #expect(try await stack.request("DELETE", "/v1/accounts/\(accountUUID)", key: t.key).status == 204)
            }
        }

        // MARK: Backfill

        @Test("backfill reads the range's delivery files once; a second identical call skips every one")
        func backfill() async throws {
            let stack = try await StackHolder.shared.stack()
            let moto = try await SharedServers.shared.motoServer()
            let t = try await stack.createTenant(Self.unique("backfill-"))
            let other = try await stack.createTenant(Self.unique("backfill-other-"))
            try await Self.withMoto { aws in
                let s3 = S3(aws)
                let bucket = Self.unique("cl-backfill-")
                try await s3.createBucket(bucket: bucket)
                let account = Self.awsAccountID()
                let morning = (0..<3).map { _ in UUID().uuidString.lowercased() }
                let afternoon = (0..<2).map { _ in UUID().uuidString.lowercased() }
                let nextDay = UUID().uuidString.lowercased()
                try await s3.putObject(bucket: bucket, key: Self.deliveryKey(account: account, day: "2026/11/22", stamp: "20261122T0105Z", suffix: "a1"),
                                       body: Self.deliveryFile(morning.map { Self.record($0, account: account, time: "2026-11-22T00:58:00Z") }))
                try await s3.putObject(bucket: bucket, key: Self.deliveryKey(account: account, day: "2026/11/22", stamp: "20261122T1420Z", suffix: "b2"),
                                       body: Self.deliveryFile(afternoon.map { Self.record($0, account: account, time: "2026-11-22T14:12:00Z") }))
                // Outside the range: never listed.
                try await s3.putObject(bucket: bucket, key: Self.deliveryKey(account: account, day: "2026/11/23", stamp: "20261123T0005Z", suffix: "c3"),
                                       body: Self.deliveryFile([Self.record(nextDay, account: account, time: "2026-11-23T00:01:00Z")]))

                let created = try await stack.post("/v1/accounts", key: t.key, json: try Self.json([
                    "name": Self.unique("backfill-"), "account_id": account, "regions": ["us-east-1"], "access_key_id": "AKIDTEST",
                    "secret_access_key": "moto-secret", "endpoint_url": moto.endpoint, "cloudtrail_bucket": bucket,
                ]))
                #expect(created.status == 201, "\(created.text)")
                let id = try #require(created.object["id"] as? String)
                let range = #"{"since":"2026-11-22T00:00:00Z","until":"2026-11-22T23:59:59Z"}"#

                try await Self.withTap(stack, tenant: t.id) { tap in
                    let first = try await stack.post("/v1/accounts/\(id)/backfill", key: t.key, json: range)
                    #expect(first.status == 200, "\(first.text)")
                    #expect(first.object["objects"] as? Int == 2)
                    #expect(first.object["skipped"] as? Int == 0)
                    #expect(first.object["accepted"] as? Int == 5)
                    #expect(first.object["duplicates"] as? Int == 0)
                    #expect(first.object["rejected"] as? Int == 0)
                    #expect(first.object["failed_objects"] as? Int == 0)
                    #expect((first.object["errors"] as? [Any])?.isEmpty == true, "\(first.text)")
                    var events = try await tap.events(atLeast: 5)
                    #expect(events.map(\.eventID).sorted() == (morning + afternoon).sorted())
                    #expect(events.allSatisfy { $0.ingestSource == "s3" && $0.tenantID == t.id })

                    let second = try await stack.post("/v1/accounts/\(id)/backfill", key: t.key, json: range)
                    #expect(second.status == 200, "\(second.text)")
                    #expect(second.object["skipped"] as? Int == first.object["objects"] as? Int)
                    #expect(second.object["objects"] as? Int == 0)
                    #expect(second.object["accepted"] as? Int == 0)
                    #expect(second.object["duplicates"] as? Int == 0)
                    events = try await tap.events(atLeast: 5, quiet: .seconds(1))
                    #expect(events.count == 5, "the second backfill published again: \(events.map(\.eventID))")
                    #expect(!events.contains { $0.eventID == nextDay })
                }

                // Errors: another tenant's account, a bad range, an account without a bucket.
                let foreign = try await stack.post("/v1/accounts/\(id)/backfill", key: other.key, json: range)
                #expect(foreign.status == 404, "\(foreign.text)")
                let noSince = try await stack.post("/v1/accounts/\(id)/backfill", key: t.key, json: #"{"until":"2026-11-22T23:59:59Z"}"#)
                #expect(noSince.status == 400)
                #expect(Self.error(noSince).message.contains("since"), "\(noSince.text)")
                let backwards = try await stack.post("/v1/accounts/\(id)/backfill", key: t.key,
                                                     json: #"{"since":"2026-11-22T00:00:00Z","until":"2026-11-21T00:00:00Z"}"#)
                #expect(backwards.status == 400, "\(backwards.text)")
                let tooLong = try await stack.post("/v1/accounts/\(id)/backfill", key: t.key,
                                                   json: #"{"since":"2026-01-01T00:00:00Z","until":"2026-11-22T00:00:00Z"}"#)
                #expect(tooLong.status == 400, "\(tooLong.text)")
                let bucketless = try await stack.post("/v1/accounts", key: t.key, json: try Self.json([
                    "name": Self.unique("nobucket-"), "account_id": account, "regions": ["us-east-1"],
                    "role_arn": "arn:aws:iam::\(account):role/CloudLoomReadOnly", "external_id": "ext-\(UUID().uuidString)",
                ]))
                let bucketlessID = try #require(bucketless.object["id"] as? String, "\(bucketless.text)")
                let noBucket = try await stack.post("/v1/accounts/\(bucketlessID)/backfill", key: t.key, json: range)
                #expect(noBucket.status == 409, "\(noBucket.text)")
                #expect(Self.error(noBucket).code == "failed_precondition")
                #expect(Self.error(noBucket).message.contains("cloudtrail_bucket"))
            }
        }

        // MARK: Dead letters

        @Test("a webhook record without eventSource is dead-lettered with its payload; a retry that fails again marks it failed and adds none")
        func deadLettersAndRetry() async throws {
            let stack = try await StackHolder.shared.stack()
            let t = try await stack.createTenant(Self.unique("dead-"))
            let other = try await stack.createTenant(Self.unique("dead-other-"))
            let account = Self.awsAccountID()
            let good1 = UUID().uuidString.lowercased()
            let badID = UUID().uuidString.lowercased()
            let good2 = UUID().uuidString.lowercased()
            let bad = Self.record(badID, account: account).replacingOccurrences(of: #""eventSource":"s3.amazonaws.com","#, with: "")
            #expect(!bad.contains("eventSource"))
            let requestID = "req-" + UUID().uuidString.lowercased()

            try await Self.withTap(stack, tenant: t.id) { tap in
                let posted = try await stack.request("POST", "/v1/events/cloudtrail", key: t.key,
                                                     body: Array(#"{"Records":[\#(Self.record(good1, account: account)),\#(bad),\#(Self.record(good2, account: account))]}"#.utf8),
                                                     headers: [("X-Request-Id", requestID)])
                #expect(posted.status == 200, "\(posted.text)")
                #expect(posted.object["accepted"] as? Int == 2)
                #expect(posted.object["rejected"] as? Int == 1)
                #expect(posted.object["duplicates"] as? Int == 0)
                let postError = try #require((posted.object["errors"] as? [[String: Any]])?.first, "\(posted.text)")
                #expect(postError["index"] as? Int == 1)
                #expect(postError["event_id"] as? String == badID)
                #expect((postError["message"] as? String)?.contains("eventSource") == true)

                var letters = try await Self.deadLetters(stack, key: t.key)
                #expect(letters.count == 1, "\(letters)")
                let letter = try #require(letters.first)
                let letterID = try #require(letter["id"] as? String)
                #expect(letter["source"] as? String == "webhook")
                #expect(letter["status"] as? String == "open")
                #expect(letter["retries"] as? Int == 0)
                #expect(letter["event_id"] as? String == badID)
                #expect(letter["record_index"] as? Int == 1)
                #expect(letter["request_id"] as? String == requestID)
                #expect((letter["reason"] as? String)?.contains("missing eventSource") == true, "\(letter["reason"] ?? "")")
                #expect(letter["payload"] as? String == bad, "the payload is the record exactly as received")

                // Retry: the record still lacks eventSource, so it fails again; the same dead letter records it.
                let retried = try await stack.request("POST", "/v1/ingest/deadletters/\(letterID)/retry", key: t.key)
                #expect(retried.status == 200, "\(retried.text)")
                let after = try #require(retried.object["dead_letter"] as? [String: Any], "\(retried.text)")
                #expect(after["id"] as? String == letterID)
                #expect(after["status"] as? String == "failed")
                #expect(after["retries"] as? Int == 1)
                #expect(after["payload"] as? String == bad)
                let result = try #require(retried.object["result"] as? [String: Any])
                #expect(result["accepted"] as? Int == 0)
                #expect(result["rejected"] as? Int == 1)
                #expect(((result["errors"] as? [[String: Any]])?.first?["message"] as? String)?.contains("eventSource") == true,
                        "\(retried.text)")

                letters = try await Self.deadLetters(stack, key: t.key)
                #expect(letters.count == 1, "a failed retry added a dead letter: \(letters)")
                #expect(letters.first?["id"] as? String == letterID)
                #expect(letters.first?["status"] as? String == "failed")
                #expect(letters.first?["retries"] as? Int == 1)
                #expect(try await Self.deadLetters(stack, key: t.key, query: "?status=open").isEmpty)
                #expect(try await Self.deadLetters(stack, key: t.key, query: "?status=failed").count == 1)
                #expect(try await stack.get("/v1/ingest/deadletters?status=lost", key: t.key).status == 400)
                let stored = try await stack.postgres.adminSQL("SELECT count(*) FROM ingestor.dead_letters WHERE tenant_id = '\(t.id)'")
                #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == "1")

                // A second retry counts up; still one letter.
                let twice = try await stack.request("POST", "/v1/ingest/deadletters/\(letterID)/retry", key: t.key)
                #expect((twice.object["dead_letter"] as? [String: Any])?["retries"] as? Int == 2, "\(twice.text)")
                #expect(try await Self.deadLetters(stack, key: t.key).count == 1)

                // Tenants are isolated; unknown ids are 404.
                #expect(try await Self.deadLetters(stack, key: other.key).isEmpty)
                #expect(try await stack.request("POST", "/v1/ingest/deadletters/\(letterID)/retry", key: other.key).status == 404)
                #expect(try await stack.request("POST", "/v1/ingest/deadletters/999999999999/retry", key: t.key).status == 404)
                #expect(try await stack.request("POST", "/v1/ingest/deadletters/abc/retry", key: t.key).status == 404)

                // Only the two good records were published.
                let events = try await tap.events(atLeast: 2)
                #expect(events.map(\.eventID).sorted() == [good1, good2].sorted())
                #expect(events.allSatisfy { $0.ingestSource == "webhook" })
            }
        }

        // MARK: EventBridge API destinations

        @Test("EventBridge API destination: bearer secret or HMAC signature accepted; wrong, missing, rotated or foreign secrets refused")
        func eventBridgeDestination() async throws {
            let stack = try await StackHolder.shared.stack()
            let t = try await stack.createTenant(Self.unique("eb-"))
            let other = try await stack.createTenant(Self.unique("eb-other-"))
            let account = Self.awsAccountID()

            let rotated = try await stack.post("/v1/ingest/eventbridge/secret", key: t.key, json: "{}")
            #expect(rotated.status == 201, "\(rotated.text)")
            let secret = try #require(rotated.object["secret"] as? String, "\(rotated.text)")
            #expect(secret.hasPrefix("clebs_") && secret.count == 6 + 64)
            let endpoint = try #require(rotated.object["endpoint"] as? String)
            #expect(endpoint == "/v1/ingest/eventbridge/\(t.id)")
            #expect(try await stack.post("/v1/ingest/eventbridge/secret", key: nil, json: "{}").status == 401)

            func send(_ body: String, to path: String? = nil, headers: [(String, String)]) async throws -> ServiceStack.Reply {
                try await stack.request("POST", path ?? endpoint, key: nil, body: Array(body.utf8), headers: headers)
            }
            func signature(_ body: String, _ key: String) -> String {
                "sha256=" + Hex.encode(HMACSHA256.authenticate(Array(body.utf8), key: Array(key.utf8)))
            }
            let byBearer = UUID().uuidString.lowercased()
            let bySignature = UUID().uuidString.lowercased()
            let refused = UUID().uuidString.lowercased()
            let bearerBody = Self.eventBridge(Self.record(byBearer, account: account, name: "PutBucketPolicy"), account: account)
            let signedBody = Self.eventBridge(Self.record(bySignature, account: account, name: "DeleteBucketPolicy"), account: account)
            let refusedBody = Self.eventBridge(Self.record(refused, account: account), account: account)

            try await Self.withTap(stack, tenant: t.id) { tap in
                let bearer = try await send(bearerBody, headers: [("Authorization", "Bearer \(secret)")])
                #expect(bearer.status == 200, "\(bearer.text)")
                #expect(bearer.object["accepted"] as? Int == 1)
                #expect(bearer.object["rejected"] as? Int == 0)

                let signed = try await send(signedBody, headers: [("X-CloudLoom-Signature", signature(signedBody, secret))])
                #expect(signed.status == 200, "\(signed.text)")
                #expect(signed.object["accepted"] as? Int == 1)

                let refusals: [(String, [(String, String)])] = [
                    ("a wrong secret", [("Authorization", "Bearer clebs_" + String(repeating: "0", count: 64))]),
                    ("no credentials", []),
                    ("the tenant's API key", [("Authorization", "Bearer \(t.key)")]),
                    ("a signature of another body", [("X-CloudLoom-Signature", signature(signedBody, secret))]),
                    ("a signature under another key", [("X-CloudLoom-Signature", signature(refusedBody, t.key))]),
                    ("a malformed signature", [("X-CloudLoom-Signature", "sha256=zz")]),
                ]
                for (what, headers) in refusals {
                    let r = try await send(refusedBody, headers: headers)
                    #expect(r.status == 401, "\(what): \(r.status) \(r.text)")
                    #expect(Self.error(r).code == "unauthenticated", "\(what): \(r.text)")
                    #expect(!r.text.contains(secret))
                }

                // A tenant id nobody registered a secret for (or that does not exist): 401, same as a wrong secret.
                let stranger = UUID().uuidString.lowercased()
                let unknown = try await send(refusedBody, to: "/v1/ingest/eventbridge/\(stranger)", headers: [("Authorization", "Bearer \(secret)")])
                #expect(unknown.status == 401, "\(unknown.text)")
                #expect(Self.error(unknown).code == "unauthenticated")
                let notUUID = try await send(refusedBody, to: "/v1/ingest/eventbridge/not-a-tenant", headers: [("Authorization", "Bearer \(secret)")])
                #expect(notUUID.status == 404, "\(notUUID.text)")
                // Another real tenant's endpoint with this tenant's secret: refused before and after it sets its own.
                let otherPath = "/v1/ingest/eventbridge/\(other.id)"
                #expect(try await send(refusedBody, to: otherPath, headers: [("Authorization", "Bearer \(secret)")]).status == 401)
                #expect(try await stack.post("/v1/ingest/eventbridge/secret", key: other.key, json: "{}").status == 201)
                #expect(try await send(refusedBody, to: otherPath, headers: [("Authorization", "Bearer \(secret)")]).status == 401)
                #expect(try await send(refusedBody, to: otherPath, headers: [("X-CloudLoom-Signature", signature(refusedBody, secret))]).status == 401)

                // Rotation: the old secret stops working, the new one works (a repeat is reported as a duplicate).
                let rotatedAgain = try await stack.post("/v1/ingest/eventbridge/secret", key: t.key, json: "{}")
                #expect(rotatedAgain.status == 201)
                let newSecret = try #require(rotatedAgain.object["secret"] as? String)
                #expect(newSecret != secret)
                #expect(try await send(refusedBody, headers: [("Authorization", "Bearer \(secret)")]).status == 401)
                let repeated = try await send(bearerBody, headers: [("Authorization", "Bearer \(newSecret)")])
                #expect(repeated.status == 200, "\(repeated.text)")
                #expect(repeated.object["accepted"] as? Int == 0)
                #expect(repeated.object["duplicates"] as? Int == 1)

                let events = try await tap.events(atLeast: 2, quiet: .seconds(1))
                #expect(events.map(\.eventID).sorted() == [byBearer, bySignature].sorted())
                #expect(events.allSatisfy { $0.ingestSource == "eventbridge" && $0.tenantID == t.id })
                #expect(!events.contains { $0.eventID == refused })
                try await Self.withTap(stack, tenant: stranger) { strangerTap in
                    let seen = try await strangerTap.events(atLeast: 0, quiet: .milliseconds(500))
                    #expect(seen.isEmpty, "\(seen.map(\.eventID))")
                }
                try await Self.withTap(stack, tenant: other.id) { otherTap in
                    let seen = try await otherTap.events(atLeast: 0, quiet: .milliseconds(500))
                    #expect(seen.isEmpty, "\(seen.map(\.eventID))")
                }
            }
        }

        // MARK: Durable dedup

        /// JetStream's duplicate window is 10 minutes, too long to wait out; so the durable layer is proved twice:
        /// the same records after an ingestor restart are duplicates, and an id recorded days ago only in
        /// `ingestor.seen_events` (never published, so JetStream cannot know it) is refused as a duplicate too.
        @Test("durable dedup: the same records after an ingestor restart are all duplicates; an id seen days ago is refused")
        func durableDedupAcrossRestart() async throws {
            let stack = try await StackHolder.shared.stack()
            let t = try await stack.createTenant(Self.unique("dedup-"))
            let account = Self.awsAccountID()
            let ids = (0..<6).map { _ in UUID().uuidString.lowercased() }
            let body = "{\"Records\":[" + ids.map { Self.record($0, account: account) }.joined(separator: ",") + "]}"

            try await Self.withTap(stack, tenant: t.id) { tap in
                let first = try await stack.post("/v1/events/cloudtrail", key: t.key, json: body)
                #expect(first.status == 200, "\(first.text)")
                #expect(first.object["accepted"] as? Int == ids.count)
                #expect(first.object["duplicates"] as? Int == 0)
                let seen = try await stack.postgres.adminSQL("""
                    SELECT count(*) FROM ingestor.seen_events
                    WHERE tenant_id = '\(t.id)' AND event_id IN (\(ids.map { "'\($0)'" }.joined(separator: ",")))
                    """)
                #expect(seen.trimmingCharacters(in: .whitespacesAndNewlines) == "\(ids.count)")

                #expect(await stack.stop("ingestor") == 0, "the ingestor did not shut down gracefully")
                // While it is down the webhook says so (callers retry) instead of dropping the records.
                let down = try await stack.post("/v1/events/cloudtrail", key: t.key, json: body)
                #expect(down.status == 503, "\(down.text)")
                #expect(Self.error(down).code == "unavailable")
                try await stack.start("ingestor")
                try await TestEnvironment.wait("the restarted ingestor to answer", timeout: .seconds(20), every: .milliseconds(100)) {
                    try await stack.get("/v1/ingest/deadletters", key: t.key).status == 200
                }

                let again = try await stack.post("/v1/events/cloudtrail", key: t.key, json: body)
                #expect(again.status == 200, "\(again.text)")
                #expect(again.object["duplicates"] as? Int == ids.count)
                #expect(again.object["accepted"] as? Int == 0)

                // An id the durable layer recorded three days ago and JetStream never saw.
                let old = UUID().uuidString.lowercased()
                try await stack.postgres.adminSQL("""
                    INSERT INTO ingestor.seen_events (tenant_id, event_id, seen_at) VALUES ('\(t.id)', '\(old)', now() - interval '3 days')
                    """)
                let oldPost = try await stack.post("/v1/events/cloudtrail", key: t.key, json: Self.record(old, account: account))
                #expect(oldPost.status == 200, "\(oldPost.text)")
                #expect(oldPost.object["duplicates"] as? Int == 1)
                #expect(oldPost.object["accepted"] as? Int == 0)
                // The same id for another tenant is a different event.
                let other = try await stack.createTenant(Self.unique("dedup-other-"))
                let otherPost = try await stack.post("/v1/events/cloudtrail", key: other.key, json: Self.record(old, account: account))
                #expect(otherPost.object["accepted"] as? Int == 1, "\(otherPost.text)")

                let events = try await tap.events(atLeast: ids.count, quiet: .seconds(1))
                #expect(events.count == ids.count, "\(events.map(\.eventID))")
                #expect(events.map(\.eventID).sorted() == ids.sorted())
            }
            for service in ServiceStack.all {
                #expect(stack.process(service)?.isRunning == true, "\(service) is not running after the restart")
            }
        }

        // MARK: Helpers

        /// A name no other test uses: `prefix` and 10 hex characters.
        static func unique(_ prefix: String) -> String {
            prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        }

        /// A random 12-digit AWS account id.
        static func awsAccountID() -> String { String((0..<12).map { _ in Character(String(Int.random(in: 0...9))) }) }

        static func json(_ object: [String: Any]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
                   as: UTF8.self)
        }

        static func error(_ r: ServiceStack.Reply) -> (code: String, message: String) {
            let e = r.object["error"] as? [String: Any]
            return (e?["code"] as? String ?? "", e?["message"] as? String ?? "")
        }

        /// A CloudTrail record in the shape AWS writes it.
        static func record(_ id: String, account: String, name: String = "ListBuckets", source: String = "s3.amazonaws.com",
                           time: String = "2026-11-22T01:02:03Z") -> String {
            #"{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::\#(account):user/alice","accountId":"\#(account)","accessKeyId":"AKIAEXAMPLE","userName":"alice"},"eventTime":"\#(time)","eventSource":"\#(source)","eventName":"\#(name)","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"requestID":"R\#(id.prefix(8))","eventID":"\#(id)","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"\#(account)","eventCategory":"Management"}"#
        }

        /// An EventBridge event carrying a CloudTrail record, as an API destination or an SQS target receives it.
        static func eventBridge(_ record: String, account: String) -> String {
            #"{"version":"0","id":"\#(UUID().uuidString.lowercased())","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","account":"\#(account)","time":"2026-11-22T01:02:03Z","region":"us-east-1","resources":[],"detail":\#(record)}"#
        }

        /// A gzip delivery file `{"Records":[...]}`.
        static func deliveryFile(_ records: [String]) -> [UInt8] {
            Gzip.compress(Array(("{\"Records\":[" + records.joined(separator: ",") + "]}").utf8))
        }

        /// `AWSLogs/<account>/CloudTrail/us-east-1/<day>/<account>_CloudTrail_us-east-1_<stamp>_<suffix>.json.gz`.
        static func deliveryKey(account: String, day: String, stamp: String, suffix: String) -> String {
            "AWSLogs/\(account)/CloudTrail/us-east-1/\(day)/\(account)_CloudTrail_us-east-1_\(stamp)_\(suffix).json.gz"
        }

        /// The S3 event notification S3 sends to SQS for a new object.
        static func s3Notification(bucket: String, key: String, etag: String, size: Int) throws -> String {
            let object: [String: Any] = ["key": key, "size": size, "eTag": etag, "sequencer": "0055AED6DCD90281E5"]
            let bucketInfo: [String: Any] = ["name": bucket, "arn": "arn:aws:s3:::\(bucket)", "ownerIdentity": ["principalId": "A1EXAMPLE"]]
            let s3: [String: Any] = ["s3SchemaVersion": "1.0", "configurationId": "cloudtrail-delivery", "bucket": bucketInfo,
                                     "object": object]
            let record: [String: Any] = [
                "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1", "eventTime": "2026-11-22T01:06:00.000Z",
                "eventName": "ObjectCreated:Put", "userIdentity": ["principalId": "AWS:AROAEXAMPLE:regionalDeliverySession"], "s3": s3,
            ]
            return try json(["Records": [record]])
        }

        static func deadLetters(_ stack: ServiceStack, key: String, query: String = "") async throws -> [[String: Any]] {
            let r = try await stack.get("/v1/ingest/deadletters" + query, key: key)
            guard r.status == 200 else { throw TestEnvironmentError("GET /v1/ingest/deadletters\(query): \(r.status) \(r.text)") }
            return (r.object["dead_letters"] as? [[String: Any]]) ?? []
        }

        /// A client for the shared moto server (its default account), shut down when `body` returns or throws.
        static func withMoto<T>(_ body: (AWSClient) async throws -> T) async throws -> T {
            let moto = try await SharedServers.shared.motoServer()
            let client = AWSClient(credentials: StaticCredentialProvider(accessKeyId: "AKIDTEST", secretAccessKey: "moto-secret"),
                                   configuration: .init(region: "us-east-1", endpoint: moto.endpoint))
            do {
                let result = try await body(client)
                await client.shutdown()
                return result
            } catch {
                await client.shutdown()
                throw error
            }
        }

        /// Messages in the queue, visible or received and not yet deleted (`GetQueueAttributes`, which our SQS type
        /// does not wrap, sent through the client as a JSON-protocol call).
        static func queueDepth(_ aws: AWSClient, _ queueURL: String) async throws -> Int {
            let request: [String: Any] = [
                "QueueUrl": queueURL,
                "AttributeNames": ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            ]
            let input = try JSONSerialization.data(withJSONObject: request)
            let response = try await aws.send(AWSRequest(service: .sqs, operation: "GetQueueAttributes",
                                                         headers: [("Content-Type", "application/x-amz-json-1.0"),
                                                                   ("X-Amz-Target", "AmazonSQS.GetQueueAttributes")],
                                                         body: Array(input)))
            let attributes = ((try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["Attributes"]
                as? [String: String]) ?? [:]
            guard let visible = attributes["ApproximateNumberOfMessages"].flatMap({ Int($0) }),
                  let inFlight = attributes["ApproximateNumberOfMessagesNotVisible"].flatMap({ Int($0) }) else {
                throw TestEnvironmentError("GetQueueAttributes answered \(String(decoding: response.body, as: UTF8.self))")
            }
            return visible + inFlight
        }

        /// Waits (up to 20 s) until every message of the queue was deleted.
        static func waitUntilDrained(_ aws: AWSClient, _ queueURL: String) async throws {
            var depth = -1
            do {
                try await TestEnvironment.wait("the queue to be drained", timeout: .seconds(20), every: .milliseconds(200)) {
                    depth = try await queueDepth(aws, queueURL)
                    return depth == 0
                }
            } catch {
                throw TestEnvironmentError("\(error); \(depth) message(s) still in \(queueURL)")
            }
        }

        /// Runs `body` with a tap on the tenant's CloudTrail subject, closed afterwards.
        static func withTap<T>(_ stack: ServiceStack, tenant: String, _ body: (EventTap) async throws -> T) async throws -> T {
            let tap = try await EventTap.open(natsURL: stack.nats.url, tenant: tenant)
            do {
                let result = try await body(tap)
                await tap.close()
                return result
            } catch {
                await tap.close()
                throw error
            }
        }
    }
}

/// Reads one tenant's events from `CL_EVENTS` (subject `cl.events.<tenant>.cloudtrail`) through a durable pull
/// consumer of its own, from the start of the stream, so it sees events published before it was opened too.
actor EventTap {
    static let logger = Logger(label: "test.ingest-sources")
    private let client: NATSClient
    private let subscription: PullSubscription
    private let durable: String
    private let codec = FrameCodec()
    private var received: [CLCloudTrailEvent] = []

    private init(client: NATSClient, subscription: PullSubscription, durable: String) {
        self.client = client
        self.subscription = subscription
        self.durable = durable
    }

    static func open(natsURL: String, tenant: String) async throws -> EventTap {
        let client = try await NATSClient.connect(.init(url: natsURL, name: "ingest-sources-test"), logger: logger)
        let durable = "it_tap_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let spec = ConsumerSpec(stream: "CL_EVENTS", durable: durable, filterSubject: "cl.events.\(tenant).cloudtrail")
        let js = JetStream(client: client)
        do {
            try await js.ensureConsumer(spec)
            return EventTap(client: client, subscription: try await js.pullSubscription(spec), durable: durable)
        } catch {
            await client.close()
            throw error
        }
    }

    /// Reads what arrives within `wait`; answers how many messages came.
    @discardableResult
    private func poll(wait: Duration) async throws -> Int {
        let messages = try await subscription.fetch(batch: 256, wait: wait)
        for m in messages {
            received += try codec.decode(CLCloudTrailEvent.self, from: m.data)
            try m.ack()
        }
        return messages.count
    }

    /// Every event seen so far, once at least `count` arrived (failing after `timeout`) and then none for `quiet`,
    /// so a duplicate published late is still counted.
    func events(atLeast count: Int, timeout: Duration = .seconds(20), quiet: Duration = .milliseconds(1500)) async throws -> [CLCloudTrailEvent] {
        let deadline = ContinuousClock.now + timeout
        while received.count < count {
            guard ContinuousClock.now < deadline else {
                throw TestEnvironmentError("timed out after \(timeout) with \(received.count) of \(count) events: \(received.map(\.eventID))")
            }
            try await poll(wait: .milliseconds(500))
        }
        let hardStop = ContinuousClock.now + timeout
        var lastArrival = ContinuousClock.now
        while ContinuousClock.now - lastArrival < quiet, ContinuousClock.now < hardStop {
            if try await poll(wait: .milliseconds(250)) > 0 { lastArrival = ContinuousClock.now }
        }
        return received
    }

    /// Deletes the consumer and closes the connection.
    func close() async {
        _ = try? await client.request(BusMessage(subject: "$JS.API.CONSUMER.DELETE.CL_EVENTS.\(durable)"), timeout: .seconds(5))
        await client.close()
    }
}
