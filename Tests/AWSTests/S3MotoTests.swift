@testable import AWS
import CLCrypto
import Foundation
import Testing
import TestSupport

/// S3 and S3 Control calls against the shared moto server.
///
/// moto is shared by every test of the process and never reset, so every bucket name carries a UUID fragment.
/// Account-level state (the S3 Control public access block) is set, read and deleted within one test.
@Suite("S3 against moto")
struct S3MotoTests {
    // MARK: Buckets

    @Test("buckets in us-east-1 and eu-west-1: created, listed, located")
    func bucketsAndLocations() async throws {
        try await Self.withMotoClient { client in
            let s3 = S3(client)
            let east = Self.bucketName("use1")
            let west = Self.bucketName("euw1")
            try await s3.createBucket(bucket: east)
            // Outside us-east-1 the region travels in a CreateBucketConfiguration body; moto refuses the call
            // (IllegalLocationConstraintException) when that body does not arrive intact.
            try await S3(client, region: "eu-west-1").createBucket(bucket: west)

            let buckets = try await s3.listBuckets()
            let names = Set(buckets.map(\.name))
            #expect(names.contains(east))
            #expect(names.contains(west))
            #expect(buckets.first { $0.name == east }?.creationDate != nil)

            #expect(try await s3.getBucketLocation(bucket: east) == "us-east-1")
            #expect(try await s3.getBucketLocation(bucket: west) == "eu-west-1")
        }
    }

    @Test("a missing bucket is a NoSuchBucket service error with a request id")
    func missingBucket() async throws {
        try await Self.withMotoClient { client in
            let missing = Self.bucketName("missing")
            let error = await #expect(throws: AWSError.self) { try await S3(client).getBucketLocation(bucket: missing) }
            #expect(error?.kind == .service)
            #expect(error?.code == "NoSuchBucket")
            #expect(error?.statusCode == 404)
            #expect(error?.requestId?.isEmpty == false)
            #expect(error?.operation == "s3.GetBucketLocation")
        }
    }

    @Test("an invalid bucket name (or account id) fails before any request is sent")
    func invalidNamesSendNothing() async throws {
        // Nothing listens on this port: a request that went out would fail as `.transport`, not `.invalidRequest`.
        let port = try TestEnvironment.freePort()
        let client = AWSClient(credentials: StaticCredentialProvider(accessKeyId: "AKIDTEST", secretAccessKey: "secret"),
                               configuration: .init(region: "us-east-1", endpoint: "http://127.0.0.1:\(port)", retry: .none,
                                                    timeout: .seconds(5)))
        let s3 = S3(client)
        for name in ["Upper_Case", "ab", "-leading-hyphen", "trailing-hyphen-", "has space", String(repeating: "a", count: 64)] {
            let error = await #expect(throws: AWSError.self) { try await s3.getBucketAcl(bucket: name) }
            #expect(error?.kind == .invalidRequest, "bucket name \(name)")
            #expect(error?.code == "InvalidBucketName", "bucket name \(name)")
            #expect(error?.statusCode == nil)
            #expect(error?.requestId == nil)
        }
        let badAccount = await #expect(throws: AWSError.self) { try await S3Control(client, accountId: "12345").getPublicAccessBlock() }
        #expect(badAccount?.kind == .invalidRequest)
        #expect(badAccount?.code == "InvalidAccountId")
        // The control: a valid name does go out, and fails on the dead port.
        let sent = await #expect(throws: AWSError.self) { try await s3.getBucketAcl(bucket: "valid-name") }
        #expect(sent?.kind == .transport)
        await client.shutdown()
    }

    // MARK: ACL

    @Test("bucket ACL: the owner's FULL_CONTROL, canned public-read, then a grant list back to private")
    func bucketACL() async throws {
        try await Self.withMotoClient { client in
            let s3 = S3(client)
            let bucket = Self.bucketName("acl")
            try await s3.createBucket(bucket: bucket)

            let initial = try await s3.getBucketAcl(bucket: bucket)
            let owner = try #require(initial.ownerId)
            #expect(!owner.isEmpty)
            #expect(initial.grants.count == 1)
            let ownerGrant = try #require(initial.grants.first)
            #expect(ownerGrant.granteeType == "CanonicalUser")
            #expect(ownerGrant.granteeId == owner)
            #expect(ownerGrant.permission == "FULL_CONTROL")
            #expect(!ownerGrant.isPublic)

            try await s3.putBucketAcl(bucket: bucket, .canned("public-read"))
            let opened = try await s3.getBucketAcl(bucket: bucket)
            let publicGrants = opened.grants.filter(\.isPublic)
            #expect(publicGrants.count == 1)
            #expect(publicGrants.first?.granteeType == "Group")
            #expect(publicGrants.first?.granteeURI == "http://acs.amazonaws.com/groups/global/AllUsers")
            #expect(publicGrants.first?.permission == "READ")
            #expect(opened.grants.contains { $0.granteeId == owner && $0.permission == "FULL_CONTROL" })

            // Back to private by sending the list without the public grants.
            var closed = opened
            closed.grants.removeAll(where: \.isPublic)
            try await s3.putBucketAcl(bucket: bucket, .grants(closed))
            let after = try await s3.getBucketAcl(bucket: bucket)
            #expect(after.ownerId == owner)
            #expect(!after.grants.contains { $0.isPublic })
            #expect(after.grants.map(\.permission) == ["FULL_CONTROL"])
            #expect(after.grants.first?.granteeId == owner)
        }
    }

    // MARK: Policy

    @Test("bucket policy: absent, put, read back, status, deleted")
    func bucketPolicy() async throws {
        try await Self.withMotoClient { client in
            let s3 = S3(client)
            let bucket = Self.bucketName("policy")
            try await s3.createBucket(bucket: bucket)
            #expect(try await s3.getBucketPolicy(bucket: bucket) == nil)

            let policy = #"{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::\#(bucket)/*"}]}"#
            try await s3.putBucketPolicy(bucket: bucket, policy: policy)

            let stored = try #require(try await s3.getBucketPolicy(bucket: bucket))
            let document = try #require(try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String: Any])
            let statements = try #require(document["Statement"] as? [[String: Any]])
            #expect(statements.count == 1)
            #expect(statements.first?["Sid"] as? String == "PublicRead")
            #expect(statements.first?["Principal"] as? String == "*")
            #expect(statements.first?["Resource"] as? String == "arn:aws:s3:::\(bucket)/*")

            // On AWS this policy makes the status IsPublic=true. moto 5.2.1 does not implement GetBucketPolicyStatus:
            // `GET /bucket?policyStatus` answers 200 with a ListBucketResult. The client must not read that as
            // "not public": it reports a malformed answer. If moto learns the call, this must become `true`.
            do {
                let status = try await s3.getBucketPolicyStatus(bucket: bucket)
                #expect(status == true)
            } catch {
                let e = error as? AWSError
                #expect(e?.kind == .malformedResponse && e?.code == "UnexpectedDocument", "\(error)")
            }

            try await s3.deleteBucketPolicy(bucket: bucket)
            #expect(try await s3.getBucketPolicy(bucket: bucket) == nil)
            // Deleting what is not there succeeds (S3 and moto both answer 204).
            try await s3.deleteBucketPolicy(bucket: bucket)
        }
    }

    // MARK: Public access block

    @Test("public access block: bucket level (nil when absent) and account level through S3 Control")
    func publicAccessBlock() async throws {
        try await Self.withMotoClient { client in
            let s3 = S3(client)
            let bucket = Self.bucketName("pab")
            try await s3.createBucket(bucket: bucket)

            #expect(try await s3.getPublicAccessBlock(bucket: bucket) == nil)
            // Mixed values, so that swapped fields would show.
            let mixed = S3.PublicAccessBlock(blockPublicAcls: true, ignorePublicAcls: false, blockPublicPolicy: true, restrictPublicBuckets: false)
            try await s3.putPublicAccessBlock(bucket: bucket, mixed)
            let read = try await s3.getPublicAccessBlock(bucket: bucket)
            #expect(read == mixed)
            #expect(read?.blocksEverything == false)
            try await s3.putPublicAccessBlock(bucket: bucket, .all)
            #expect(try await s3.getPublicAccessBlock(bucket: bucket)?.blocksEverything == true)
            try await s3.deletePublicAccessBlock(bucket: bucket)
            #expect(try await s3.getPublicAccessBlock(bucket: bucket) == nil)

            // The account-level block is shared by every test in this process: set, read and delete it here only.
            let control = S3Control(client, accountId: "123456789012")
            let account = S3.PublicAccessBlock(blockPublicAcls: false, ignorePublicAcls: true, blockPublicPolicy: false, restrictPublicBuckets: true)
            try await control.putPublicAccessBlock(account)
            #expect(try await control.getPublicAccessBlock() == account)
            try await control.putPublicAccessBlock(.all)
            #expect(try await control.getPublicAccessBlock() == S3.PublicAccessBlock.all)
            try await control.deletePublicAccessBlock()
            #expect(try await control.getPublicAccessBlock() == nil)
        }
    }

    // MARK: Encryption, versioning, logging

    @Test("a new bucket: no encryption configuration in moto, versioning never enabled, logging off")
    func newBucketSettings() async throws {
        try await Self.withMotoClient { client in
            let s3 = S3(client)
            let bucket = Self.bucketName("settings")
            try await s3.createBucket(bucket: bucket)

            // AWS has applied SSE-S3 to every new bucket since January 2023, so GetBucketEncryption there answers an
            // AES256 rule. moto 5.2.1 still answers ServerSideEncryptionConfigurationNotFoundError (404) for a new
            // bucket, which the client maps to nil.
            #expect(try await s3.getBucketEncryption(bucket: bucket) == nil)

            let versioning = try await s3.getBucketVersioning(bucket: bucket)
            #expect(versioning.status == nil)
            #expect(versioning.mfaDelete == nil)

            #expect(try await s3.getBucketLogging(bucket: bucket) == nil)

            // The client has no PutBucketVersioning; send it raw to see the status change.
            let body = Array(#"<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>"#.utf8)
            let request = AWSRequest(service: .s3, operation: "PutBucketVersioning", method: "PUT", path: "/\(bucket)",
                                     query: [.subresource("versioning")],
                                     headers: [("Content-Type", "application/xml"), ("Content-MD5", Data(MD5.hash(body)).base64EncodedString())],
                                     body: body)
            let response = try await client.send(request)
            #expect(response.status == 200)
            #expect(try await s3.getBucketVersioning(bucket: bucket).status == "Enabled")
        }
    }

    // MARK: Objects

    @Test("objects round-trip under keys that need encoding, and list back verbatim")
    func encodedKeys() async throws {
        try await Self.withMotoClient { client in
            let s3 = S3(client)
            let bucket = Self.bucketName("keys")
            try await s3.createBucket(bucket: bucket)
            // "é" is U+00E9, two bytes in UTF-8. "x//y" keeps its empty segment and "a/./b" its dot segment: S3 keys
            // are opaque, so neither the client nor the HTTP layer may normalize the path (curl removes dot
            // segments unless told not to).
            let objects: [(key: String, body: [UInt8], contentType: String)] = [
                ("dir/a b+c=d~\u{E9}.json", Array(#"{"hello":"world"}"#.utf8), "application/json"),
                ("x//y", Array("double slash".utf8), "text/plain"),
                ("a/./b", Array("dot segment".utf8), "text/plain"),
            ]
            for object in objects {
                let etag = try await s3.putObject(bucket: bucket, key: object.key, body: object.body, contentType: object.contentType)
                #expect(etag == Hex.encode(MD5.hash(object.body)), "ETag of \(object.key)")
            }
            for object in objects {
                let read = try await s3.getObject(bucket: bucket, key: object.key)
                #expect(read.body == object.body, "body of \(object.key)")
                #expect(read.etag == Hex.encode(MD5.hash(object.body)), "ETag of \(object.key)")
                #expect(read.contentType == object.contentType, "content type of \(object.key)")
                #expect(read.lastModified != nil)
            }
            let listed = try await s3.listObjectsV2(bucket: bucket).collect()
            #expect(Set(listed.map(\.key)) == Set(objects.map(\.key)))
            #expect(listed.count == objects.count)
            for object in objects {
                let entry = listed.first { $0.key == object.key }
                #expect(entry?.size == object.body.count, "size of \(object.key)")
                #expect(entry?.etag == Hex.encode(MD5.hash(object.body)), "listed ETag of \(object.key)")
            }
        }
    }

    @Test("a binary body with every byte value survives, uploaded without a content type")
    func binaryBody() async throws {
        try await Self.withMotoClient { client in
            let s3 = S3(client)
            let bucket = Self.bucketName("binary")
            try await s3.createBucket(bucket: bucket)
            let body: [UInt8] = (0...255).map { UInt8($0) } + (0...255).reversed().map { UInt8($0) }
            // No content type, as most callers upload: the HTTP layer must not invent a form content type
            // (libcurl adds `application/x-www-form-urlencoded` to a body sent without one, and moto then parses
            // the body as a form and stores an empty object).
            let etag = try await s3.putObject(bucket: bucket, key: "bytes.bin", body: body)
            #expect(etag == Hex.encode(MD5.hash(body)))
            let read = try await s3.getObject(bucket: bucket, key: "bytes.bin")
            #expect(read.body.count == body.count)
            #expect(read.body == body)
            #expect(read.etag == etag)
            #expect(read.contentType != "application/x-www-form-urlencoded")
        }
    }

    @Test("an upload with an unsigned payload is stored like any other")
    func unsignedPayload() async throws {
        try await Self.withMotoClient { client in
            let s3 = S3(client)
            let bucket = Self.bucketName("unsigned")
            try await s3.createBucket(bucket: bucket)
            let body = Array("sent with x-amz-content-sha256: UNSIGNED-PAYLOAD\n".utf8)
            let etag = try await s3.putObject(bucket: bucket, key: "unsigned.txt", body: body, contentType: "text/plain", unsignedPayload: true)
            #expect(etag == Hex.encode(MD5.hash(body)))
            let read = try await s3.getObject(bucket: bucket, key: "unsigned.txt")
            #expect(read.body == body)
            #expect(read.contentType == "text/plain")
        }
    }

    @Test("ListObjectsV2 pages 250 objects 100 at a time, and filters by prefix")
    func listObjectsPagination() async throws {
        try await Self.withMotoClient { client in
            let s3 = S3(client)
            let bucket = Self.bucketName("list")
            try await s3.createBucket(bucket: bucket)
            let objects = (0..<250).map { i in
                let key = "obj/" + String(repeating: "0", count: 3 - String(i).count) + String(i)
                return TestObject(key: key, body: Array("object number \(i)\n".utf8))
            }
            try await Self.upload(objects, to: bucket, with: s3, concurrency: 8)

            var iterator = s3.listObjectsV2(bucket: bucket, pageSize: 100).makeAsyncIterator()
            var listed: [S3.Object] = []
            while let object = try await iterator.next() { listed.append(object) }
            #expect(iterator.pages == 3)
            #expect(listed.count == 250)
            // S3 lists keys in UTF-8 byte order; the zero-padded names sort the same way.
            #expect(listed.map(\.key) == objects.map(\.key))
            let expectedETags = Dictionary(uniqueKeysWithValues: objects.map { ($0.key, Hex.encode(MD5.hash($0.body))) })
            let wrongETags = listed.filter { expectedETags[$0.key] != $0.etag }.map(\.key)
            #expect(wrongETags.isEmpty, "keys whose ETag is not the MD5 of their body: \(wrongETags.prefix(5))")
            let expectedSizes = Dictionary(uniqueKeysWithValues: objects.map { ($0.key, $0.body.count) })
            #expect(listed.allSatisfy { expectedSizes[$0.key] == $0.size })

            var prefixed = s3.listObjectsV2(bucket: bucket, prefix: "obj/24", pageSize: 100).makeAsyncIterator()
            var keys: [String] = []
            while let object = try await prefixed.next() { keys.append(object.key) }
            #expect(keys == (240...249).map { "obj/\($0)" })
            #expect(prefixed.pages == 1)
        }
    }

    // MARK: Helpers

    struct TestObject: Sendable {
        var key: String
        var body: [UInt8]
    }

    /// Uploads with at most `concurrency` requests in flight.
    static func upload(_ objects: [TestObject], to bucket: String, with s3: S3, concurrency: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            for _ in 0..<min(concurrency, objects.count) {
                let object = objects[next]
                next += 1
                group.addTask { _ = try await s3.putObject(bucket: bucket, key: object.key, body: object.body, contentType: "text/plain") }
            }
            while try await group.next() != nil {
                guard next < objects.count else { continue }
                let object = objects[next]
                next += 1
                group.addTask { _ = try await s3.putObject(bucket: bucket, key: object.key, body: object.body, contentType: "text/plain") }
            }
        }
    }

    /// A lower-case bucket name unique to this run.
    static func bucketName(_ label: String) -> String {
        "cl-\(label)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A client for the shared moto server, shut down when `body` returns or throws.
    static func withMotoClient(_ body: (AWSClient) async throws -> Void) async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = AWSClient(credentials: StaticCredentialProvider(accessKeyId: "AKIDTEST", secretAccessKey: "secret"),
                               configuration: .init(region: "us-east-1", endpoint: moto.endpoint))
        do {
            try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }
}
