@testable import AWS
import CLCrypto
import Foundation
import Testing
import TestSupport

/// RDS, SQS, CloudTrail, KMS and Lambda calls against the shared moto server. Every resource name carries a UUID
/// fragment because moto is shared by the whole process and never reset.
@Suite("RDS, SQS, CloudTrail, KMS and Lambda against moto")
struct ServiceMotoTests {
    // MARK: RDS

    @Test("RDS: a public instance is described, made private, and an unknown one is DBInstanceNotFound")
    func rdsInstances() async throws {
        try await Self.withMotoClient { client in
            let rds = RDS(client)
            let identifier = "cl-db-\(Self.unique())"
            var params = QueryParameters()
            params.add("DBInstanceIdentifier", identifier)
            params.add("DBInstanceClass", "db.t3.micro")
            params.add("Engine", "postgres")
            params.add("MasterUsername", "cloudloom")
            params.add("MasterUserPassword", "not-a-secret-123")
            params.add("AllocatedStorage", 20)
            params.add("PubliclyAccessible", true)
            let created = try await client.query(.rds, "CreateDBInstance", params)
            #expect(created.string("DBInstance", "DBInstanceIdentifier") == identifier)

            let described = try await rds.describeDBInstances(identifier: identifier).collect()
            #expect(described.map(\.identifier) == [identifier])
            let instance = try #require(described.first)
            #expect(instance.publiclyAccessible == true)
            #expect(instance.engine == "postgres")
            #expect(instance.instanceClass == "db.t3.micro")
            #expect(instance.arn == "arn:aws:rds:us-east-1:123456789012:db:\(identifier)")
            #expect(instance.status == "available")
            #expect(instance.endpointPort == 5432)

            let modified = try await rds.modifyDBInstance(identifier: identifier, RDS.Modification(publiclyAccessible: false))
            #expect(modified.identifier == identifier)
            #expect(modified.publiclyAccessible == false)
            // moto applies the change at once; AWS shows it in describe after the modification completes.
            let after = try await rds.describeDBInstances(identifier: identifier).collect()
            #expect(after.map(\.publiclyAccessible) == [false])

            let missing = "cl-db-missing-\(Self.unique())"
            let error = await #expect(throws: AWSError.self) { try await rds.describeDBInstances(identifier: missing).collect() }
            #expect(error?.kind == .service)
            #expect(error?.code == "DBInstanceNotFound")
            #expect(error?.statusCode == 404)
            #expect(error?.requestId?.isEmpty == false)
        }
    }

    // MARK: SQS

    @Test("SQS: send three, receive them with handles and MD5s, change visibility, delete, then the queue is empty")
    func sqsMessages() async throws {
        try await Self.withMotoClient { client in
            let sqs = SQS(client)
            let name = "cl-queue-\(Self.unique())"
            let url = try await sqs.createQueue(name: name)
            #expect(url.hasSuffix("/123456789012/\(name)"))
            #expect(try await sqs.getQueueUrl(queueName: name) == url)

            let bodies = ["first message", #"{"eventName":"StopLogging","n":2}"#, "third: ünïcödé ✓"]
            var sentIds: [String] = []
            for (i, body) in bodies.enumerated() {
                sentIds.append(try await sqs.sendMessage(queueUrl: url, body: body, messageAttributes: ["index": "\(i)"]))
            }
            #expect(Set(sentIds).count == 3)

            var received: [SQS.Message] = []
            for _ in 0..<5 where received.count < bodies.count {
                received += try await sqs.receiveMessages(queueUrl: url, maxMessages: 10, waitTimeSeconds: 1)
            }
            #expect(received.count == 3)
            #expect(Set(received.map(\.body)) == Set(bodies))
            #expect(Set(received.map(\.messageId)) == Set(sentIds))
            for message in received {
                #expect(!message.receiptHandle.isEmpty)
                #expect(message.md5OfBody == Hex.encode(MD5.hash(Array(message.body.utf8))))
                #expect(message.receiveCount == 1)
                #expect(message.sentAt != nil)
                let index = try #require(bodies.firstIndex(of: message.body))
                #expect(message.messageAttributes == ["index": "\(index)"])
            }

            // Visible again at once: the next receive gets that message a second time, with a new handle.
            let returned = try #require(received.first)
            try await sqs.changeMessageVisibility(queueUrl: url, receiptHandle: returned.receiptHandle, visibilityTimeout: 0)
            var again: [SQS.Message] = []
            for _ in 0..<5 where again.isEmpty {
                again = try await sqs.receiveMessages(queueUrl: url, maxMessages: 10, waitTimeSeconds: 1)
            }
            #expect(again.map(\.messageId) == [returned.messageId])
            #expect(again.first?.receiveCount == 2)

            var handles = Dictionary(uniqueKeysWithValues: received.map { ($0.messageId, $0.receiptHandle) })
            for message in again { handles[message.messageId] = message.receiptHandle }
            for handle in handles.values { try await sqs.deleteMessage(queueUrl: url, receiptHandle: handle) }
            #expect(try await sqs.receiveMessages(queueUrl: url, maxMessages: 10, waitTimeSeconds: 1).isEmpty)
        }
    }

    @Test("SQS: an unknown queue answers the query-era code (as botocore reports it), with the JSON type in the message")
    func sqsUnknownQueue() async throws {
        try await Self.withMotoClient { client in
            let error = await #expect(throws: AWSError.self) {
                try await SQS(client).getQueueUrl(queueName: "cl-missing-\(Self.unique())")
            }
            // SQS sends both `X-Amzn-ErrorType: com.amazonaws.sqs#QueueDoesNotExist` and
            // `x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender`; like botocore, the code is the
            // query-era one and the JSON type goes into the message.
            #expect(error?.kind == .service)
            #expect(error?.code == "AWS.SimpleQueueService.NonExistentQueue")
            #expect(error?.message.contains("QueueDoesNotExist") == true)
            #expect(error?.statusCode == 400)
            #expect(error?.requestId?.isEmpty == false)
        }
    }

    // MARK: CloudTrail

    @Test("CloudTrail: a trail is created, described, started and given log file validation")
    func cloudTrail() async throws {
        try await Self.withMotoClient { client in
            let trails = CloudTrailAPI(client)
            let suffix = Self.unique()
            let bucket = "cl-trail-\(suffix)"
            let name = "cl-trail-\(suffix)"
            try await S3(client).createBucket(bucket: bucket)

            let created = try await trails.createTrail(name: name, s3BucketName: bucket)
            #expect(created.name == name)
            #expect(created.s3BucketName == bucket)
            #expect(created.trailARN == "arn:aws:cloudtrail:us-east-1:123456789012:trail/\(name)")
            #expect(created.isMultiRegionTrail == false)
            #expect(created.logFileValidationEnabled == false)

            // moto ignores trailNameList and answers every trail of the region, so the answer is filtered here.
            let described = try await trails.describeTrails(trailNames: [name]).filter { $0.name == name }
            #expect(described.count == 1)
            #expect(described.first?.trailARN == created.trailARN)
            #expect(described.first?.homeRegion == "us-east-1")
            #expect(described.first?.s3BucketName == bucket)
            #expect(described.first?.hasCustomEventSelectors == false)

            let stopped = try await trails.getTrailStatus(name: name)
            #expect(stopped.isLogging == false)
            #expect(stopped.startLoggingTime == nil)

            try await trails.startLogging(name: name)
            let logging = try await trails.getTrailStatus(name: created.trailARN)
            #expect(logging.isLogging == true)
            #expect(logging.startLoggingTime != nil)

            let updated = try await trails.updateTrail(name: name, enableLogFileValidation: true)
            #expect(updated.name == name)
            #expect(updated.logFileValidationEnabled == true)
            let redescribed = try await trails.describeTrails().filter { $0.name == name }
            #expect(redescribed.map(\.logFileValidationEnabled) == [true])

            // AWS gives a new trail one selector (all management events); moto answers empty lists.
            let selectors = try await trails.getEventSelectors(trailName: name)
            #expect(selectors.trailARN == created.trailARN)
            #expect(selectors.eventSelectors.isEmpty)
            #expect(selectors.advancedEventSelectors.isEmpty)

            let error = await #expect(throws: AWSError.self) { try await trails.getTrailStatus(name: "cl-missing-\(suffix)") }
            #expect(error?.code == "TrailNotFoundException")
        }
    }

    // MARK: KMS

    @Test("KMS: two keys are listed and described; rotation turns on for one; an unknown key is NotFoundException")
    func kmsKeys() async throws {
        try await Self.withMotoClient { client in
            let kms = KMS(client)
            let suffix = Self.unique()
            let first = try await kms.createKey(description: "CloudLoom test key A \(suffix)")
            let second = try await kms.createKey(description: "CloudLoom test key B \(suffix)")
            #expect(first.keyId != second.keyId)
            #expect(first.arn == "arn:aws:kms:us-east-1:123456789012:key/\(first.keyId)")

            let listed = try await kms.listKeys().collect()
            let listedIds = Set(listed.map(\.keyId))
            #expect(listedIds.contains(first.keyId))
            #expect(listedIds.contains(second.keyId))
            #expect(listed.first { $0.keyId == second.keyId }?.keyArn == second.arn)

            let described = try await kms.describeKey(keyId: first.keyId)
            #expect(described.keyId == first.keyId)
            #expect(described.arn == first.arn)
            #expect(described.enabled == true)
            #expect(described.keyState == "Enabled")
            #expect(described.keyManager == "CUSTOMER")
            #expect(described.keySpec == "SYMMETRIC_DEFAULT")
            #expect(described.origin == "AWS_KMS")
            #expect(described.description == "CloudLoom test key A \(suffix)")
            #expect(described.creationDate != nil)
            #expect(described.deletionDate == nil)
            // By ARN too.
            #expect(try await kms.describeKey(keyId: first.arn).keyId == first.keyId)

            #expect(try await kms.getKeyRotationStatus(keyId: first.keyId) == false)
            try await kms.enableKeyRotation(keyId: first.keyId)
            #expect(try await kms.getKeyRotationStatus(keyId: first.keyId) == true)
            #expect(try await kms.getKeyRotationStatus(keyId: second.keyId) == false)

            let unknown = UUID().uuidString.lowercased()
            let error = await #expect(throws: AWSError.self) { try await kms.describeKey(keyId: unknown) }
            #expect(error?.kind == .service)
            #expect(error?.code == "NotFoundException")
            #expect(error?.statusCode == 400)
        }
    }

    // MARK: Lambda

    @Test("Lambda: a function is created from a zip, listed without its environment values, and given a policy")
    func lambdaFunctions() async throws {
        try await Self.withMotoClient { client in
            let lambda = Lambda(client)
            let suffix = Self.unique()

            // moto checks that the execution role exists (not what it trusts); it is made raw, as IAM's own tests do.
            let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
            var roleParams = QueryParameters()
            roleParams.add("RoleName", "cl-lambda-exec-\(suffix)")
            roleParams.add("AssumeRolePolicyDocument", trust)
            let role = try await client.query(.iam, "CreateRole", roleParams)
            let roleArn = try #require(role.string("Role", "Arn"))

            // moto does not open the archive (any bytes pass), but AWS does, so the test sends a real one.
            let source = Array("def handler(event, context):\n    return {'ok': True}\n".utf8)
            let zip = StoredZip.archive(fileName: "index.py", contents: source)
            let name = "cl-fn-\(suffix)"
            let secretValue = "s3cr3t-\(suffix)"
            let function = try await lambda.createFunction(name: name, roleArn: roleArn, zipFile: zip, runtime: "python3.12",
                                                           handler: "index.handler",
                                                           environment: ["DB_PASSWORD": secretValue, "STAGE": "test"], timeout: 10)
            #expect(function.functionName == name)
            #expect(function.functionArn == "arn:aws:lambda:us-east-1:123456789012:function:\(name)")
            #expect(function.runtime == "python3.12")
            #expect(function.handler == "index.handler")
            #expect(function.role == roleArn)
            #expect(function.timeout == 10)
            #expect(function.environmentVariableNames == ["DB_PASSWORD", "STAGE"])
            #expect(function.vpcConfig == nil)
            #expect(function.lastModified != nil)

            let listed = try await lambda.listFunctions().collect()
            let mine = try #require(listed.first { $0.functionName == name })
            #expect(mine.functionArn == function.functionArn)
            #expect(mine.environmentVariableNames == ["DB_PASSWORD", "STAGE"])
            // Only the names are kept: the values (often secrets) appear nowhere in what the client returns.
            #expect(!String(describing: mine).contains(secretValue))
            #expect(!String(describing: function).contains(secretValue))

            #expect(try await lambda.getPolicy(functionName: name) == nil)
            let statementId = "cl-allow-s3-\(suffix)"
            let statement = try await lambda.addPermission(functionName: name, statementId: statementId, action: "lambda:InvokeFunction",
                                                           principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::cl-source-\(suffix)")
            #expect(statement.contains(statementId))

            let policy = try #require(try await lambda.getPolicy(functionName: name))
            let document = try #require(try JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any])
            let statements = try #require(document["Statement"] as? [[String: Any]])
            let added = try #require(statements.first { $0["Sid"] as? String == statementId })
            #expect(added["Effect"] as? String == "Allow")
            #expect(added["Action"] as? String == "lambda:InvokeFunction")
            #expect((added["Principal"] as? [String: Any])?["Service"] as? String == "s3.amazonaws.com")
            #expect((added["Resource"] as? String)?.hasSuffix(":function:\(name)") == true)
        }
    }

    @Test("the test's CRC-32 and zip writer produce what zip readers expect")
    func zipWriter() {
        #expect(StoredZip.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(StoredZip.crc32([]) == 0)
        let contents = Array("hello\n".utf8)
        let zip = StoredZip.archive(fileName: "a.txt", contents: contents)
        // Local header + name + data, central directory entry + name, end record.
        #expect(zip.count == (30 + 5 + contents.count) + (46 + 5) + 22)
        #expect(Array(zip.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
        #expect(Array(zip.suffix(22).prefix(4)) == [0x50, 0x4B, 0x05, 0x06])
        // The CRC sits at offset 14 of the local header, little-endian.
        let crc = StoredZip.crc32(contents)
        #expect(Array(zip[14..<18]) == [UInt8(crc & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8((crc >> 16) & 0xFF), UInt8(crc >> 24)])
    }

    // MARK: Helpers

    /// A lower-case fragment that makes names unique in the shared moto server.
    static func unique() -> String { String(UUID().uuidString.prefix(8)).lowercased() }

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

/// A one-file zip archive with the file stored (not compressed): enough for a Lambda deployment package.
private enum StoredZip {
    static func archive(fileName: String, contents: [UInt8]) -> [UInt8] {
        let name = Array(fileName.utf8)
        let crc = crc32(contents)
        let size = UInt32(contents.count)
        var out: [UInt8] = []
        func u16(_ v: Int) { out += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: UInt32) { out += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }
        // 1980-01-01 00:00, the earliest DOS date.
        let dosTime = 0, dosDate = (0 << 9) | (1 << 5) | 1

        // Local file header: signature, version needed, flags, method 0 (stored), time, date, CRC, sizes, name.
        u32(0x0403_4B50); u16(20); u16(0); u16(0); u16(dosTime); u16(dosDate)
        u32(crc); u32(size); u32(size); u16(name.count); u16(0)
        out += name
        out += contents

        // Central directory entry, pointing at the local header at offset 0.
        let directoryOffset = out.count
        u32(0x0201_4B50); u16(20); u16(20); u16(0); u16(0); u16(dosTime); u16(dosDate)
        u32(crc); u32(size); u32(size); u16(name.count); u16(0); u16(0); u16(0); u16(0); u32(0); u32(0)
        out += name
        let directorySize = out.count - directoryOffset

        // End of central directory: one entry on this one disk.
        u32(0x0605_4B50); u16(0); u16(0); u16(1); u16(1); u32(UInt32(directorySize)); u32(UInt32(directoryOffset)); u16(0)
        return out
    }

    /// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip uses it.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
