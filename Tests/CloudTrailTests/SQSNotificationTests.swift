import CloudTrail
import Foundation
import Testing

// MARK: - Fixtures

/// Bodies shaped as AWS delivers them to an SQS queue. Identifiers are made up; the structure follows the S3 event
/// notification, SNS, EventBridge and CloudTrail documentation.
private enum SQSFixtures {
    static let bucket = "acme-cloudtrail-logs"
    static let topic = "arn:aws:sns:us-east-1:123456789012:cloudtrail-log-delivery"

    static let logKey = "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/"
        + "123456789012_CloudTrail_us-east-1_20261122T0005Z_Yp3kQ2vR8sT1uW4x.json.gz"
    static let logKeyEU = "AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/22/"
        + "123456789012_CloudTrail_eu-west-1_20261122T0005Z_Lm9nB3vC7xZ2qW5e.json.gz"
    static let logKeyLater = "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/"
        + "123456789012_CloudTrail_us-east-1_20261122T0010Z_Hj4kL8mN2pQ6rS0t.json.gz"
    static let digestKey = "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/22/"
        + "123456789012_CloudTrail-Digest_us-east-1_management-events_us-east-1_20261122T010000Z.json.gz"

    /// One record of an S3 event notification; `key` is written as given (already URL-encoded by the caller).
    static func s3Record(eventName: String = "ObjectCreated:Put", bucket: String = SQSFixtures.bucket, key: String,
                         size: Int = 4821, region: String = "us-east-1") -> String {
        #"""
                {
                    "eventVersion": "2.1",
                    "eventSource": "aws:s3",
                    "awsRegion": "\#(region)",
                    "eventTime": "2026-11-22T00:05:12.345Z",
                    "eventName": "\#(eventName)",
                    "userIdentity": {"principalId": "AWS:AROA4EXAMPLEDELIVERY:cloudtrail-delivery"},
                    "requestParameters": {"sourceIPAddress": "203.0.113.10"},
                    "responseElements": {
                        "x-amz-request-id": "C3D13FE58DE4C810",
                        "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"
                    },
                    "s3": {
                        "s3SchemaVersion": "1.0",
                        "configurationId": "cloudloom-ingest",
                        "bucket": {
                            "name": "\#(bucket)",
                            "ownerIdentity": {"principalId": "A3NL1KOZZKEXAMPLE"},
                            "arn": "arn:aws:s3:::\#(bucket)"
                        },
                        "object": {
                            "key": "\#(key)",
                            "size": \#(size),
                            "eTag": "0b9e5f4a6c1d2e3f4a5b6c7d8e9f0a1b",
                            "sequencer": "0067405A1C2D3E4F50"
                        }
                    }
                }
        """#
    }

    static func s3Body(_ records: [String]) -> String {
        "{\n    \"Records\": [\n" + records.joined(separator: ",\n") + "\n    ]\n}\n"
    }

    static let s3Notification = s3Body([s3Record(key: logKey)])

    static let s3TestEvent = #"""
        {"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-22T00:00:01.123Z","Bucket":"acme-cloudtrail-logs","RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"}
        """#

    /// CloudTrail's own SNS notification (keys are not URL-encoded).
    static let cloudTrailNotification =
        #"{"s3Bucket":"acme-cloudtrail-logs","s3ObjectKey":["\#(logKey)","\#(logKeyEU)","\#(logKeyLater)"]}"#

    /// SNS → SQS without raw message delivery; SNS writes `" : "` between names and values.
    static func snsNotification(_ message: String, topic: String = SQSFixtures.topic) -> String {
        #"""
        {
          "Type" : "Notification",
          "MessageId" : "2d4f6a8c-1b3e-4d5f-8a7c-9e0b1d2f3a4c",
          "TopicArn" : "\#(topic)",
          "Subject" : "[AWS Notification Message]",
          "Message" : \#(jsonString(message)),
          "Timestamp" : "2026-11-22T00:10:04.512Z",
          "SignatureVersion" : "1",
          "Signature" : "EXAMPLEo2y9FXe0x7S2Yb5cGbJ4QOsqdGyP3f8N2aQ0kDk1m5yH4t3iE9r6w7u8pZ1xC3vB5nM7==",
          "SigningCertURL" : "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem",
          "UnsubscribeURL" : "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=\#(topic):6b1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
        }
        """#
    }

    static let subscriptionToken = "2336412f37fb687f5d51e6e2425dacbba7d2f6d1e2f3a4b5c6d7e8f9EXAMPLETOKEN"

    static let subscriptionConfirmation = #"""
        {
          "Type" : "SubscriptionConfirmation",
          "MessageId" : "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
          "Token" : "\#(subscriptionToken)",
          "TopicArn" : "\#(topic)",
          "Message" : "You have chosen to subscribe to the topic \#(topic).\nTo confirm the subscription, visit the SubscribeURL included in this message.",
          "SubscribeURL" : "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=\#(topic)&Token=\#(subscriptionToken)",
          "Timestamp" : "2026-11-22T00:00:00.000Z",
          "SignatureVersion" : "1",
          "Signature" : "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
          "SigningCertURL" : "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem"
        }
        """#

    /// EventBridge "Object Created"; the key is not URL-encoded here, so `+` is a literal plus.
    static let eventBridgeKey = "audit+archive/AWSLogs/123456789012/CloudTrail/ca-central-1/2026/11/22/"
        + "123456789012_CloudTrail_ca-central-1_20261122T0015Z_Qw8eR4tY2uI6oP0a.json.gz"

    static func eventBridgeS3(detailType: String = "Object Created", key: String = SQSFixtures.eventBridgeKey) -> String {
        #"""
        {
          "version": "0",
          "id": "17793124-05d4-b198-2fde-7ededc63b103",
          "detail-type": "\#(detailType)",
          "source": "aws.s3",
          "account": "123456789012",
          "time": "2026-11-22T00:15:31Z",
          "region": "ca-central-1",
          "resources": ["arn:aws:s3:::acme-cloudtrail-logs"],
          "detail": {
            "version": "0",
            "bucket": {"name": "acme-cloudtrail-logs"},
            "object": {
              "key": "\#(key)",
              "size": 2714,
              "etag": "b1946ac92492d2347c6235b4d2611184",
              "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
              "sequencer": "617f08299329d189"
            },
            "request-id": "N4N7GDK58NMKJ12R",
            "requester": "123456789012",
            "source-ip-address": "203.0.113.15",
            "reason": "PutObject"
          }
        }
        """#
    }

    static let createAccessKey = #"""
        {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA4EXAMPLEBOB00001","arn":"arn:aws:iam::123456789012:user/bob","accountId":"123456789012","accessKeyId":"AKIA4EXAMPLEBOB00001","userName":"bob"},"eventTime":"2026-11-22T00:03:41Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.17.0 Python/3.11.8","requestParameters":{"userName":"deploy-bot"},"responseElements":{"accessKey":{"accessKeyId":"AKIA4EXAMPLEDEPLOY01","status":"Active","userName":"deploy-bot","createDate":"Nov 22, 2026 12:03:41 AM"}},"requestID":"8f2e6c1a-3b5d-4e7f-9a0b-1c2d3e4f5a6b","eventID":"d41c7e2b-9a3f-4b6e-8c1d-2e3f4a5b6c7d","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}
        """#

    static let cloudTrailEnvelope = #"""
        {
          "version": "0",
          "id": "6f2b9c1e-4d8a-4b3f-a5e7-2c9d1f0b8e36",
          "detail-type": "AWS API Call via CloudTrail",
          "source": "aws.iam",
          "account": "123456789012",
          "time": "2026-11-22T00:03:41Z",
          "region": "us-east-1",
          "resources": [],
          "detail": \#(createAccessKey)
        }
        """#

    static let deliveryFile = "{\"Records\":[" + createAccessKey + "]}"
}

/// `s` as a JSON string literal, the way SNS writes the Message.
private func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 {
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

private func classify(_ body: String) throws(IngestBodyError) -> SQSNotification {
    try SQSNotification.classify(Array(body.utf8))
}

/// Classifies `body`, expecting it to be refused, and returns the error.
private func classifyError(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> IngestBodyError? {
    do throws(IngestBodyError) {
        let n = try SQSNotification.classify(body)
        Issue.record("expected IngestBodyError, got \(n)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

private func classifyError(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) -> IngestBodyError? {
    classifyError(Array(body.utf8), sourceLocation: sourceLocation)
}

private func objects(_ n: SQSNotification, sourceLocation: SourceLocation = #_sourceLocation) -> [S3ObjectReference] {
    guard case .objects(let references) = n else {
        Issue.record("expected .objects, got \(n)", sourceLocation: sourceLocation)
        return []
    }
    return references
}

private func ignorableReason(_ n: SQSNotification, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    guard case .ignorable(let reason) = n else {
        Issue.record("expected .ignorable, got \(n)", sourceLocation: sourceLocation)
        return ""
    }
    return reason
}

// MARK: - S3 event notifications

@Suite struct SQSNotificationS3EventTests {
    @Test func objectCreated() throws {
        let n = try classify(SQSFixtures.s3Notification)
        let expected = S3ObjectReference(bucket: SQSFixtures.bucket, key: SQSFixtures.logKey, size: 4821,
                                         etag: "0b9e5f4a6c1d2e3f4a5b6c7d8e9f0a1b", region: "us-east-1")
        #expect(n == .objects([expected]))
        #expect(objects(n).first?.isCloudTrailLogFile == true)
    }

    @Test func keysAreURLDecodedFormStyle() throws {
        // S3 writes "audit logs+café/…/a b+c.json.gz" as below: '+' for a space, %XX for bytes.
        let encoded = "audit+logs%2Bcaf%C3%A9/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/a+b%2Bc.json.gz"
        let n = try classify(SQSFixtures.s3Body([SQSFixtures.s3Record(key: encoded)]))
        let refs = objects(n)
        #expect(refs.map(\.key) == ["audit logs+café/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/a b+c.json.gz"])
        #expect(refs.first?.isCloudTrailLogFile == true)
    }

    @Test func decodeNotificationKey() throws {
        #expect(try S3ObjectReference.decodeNotificationKey("a+b%2Bc") == "a b+c")
        #expect(try S3ObjectReference.decodeNotificationKey("caf%C3%A9") == "café")
        #expect(try S3ObjectReference.decodeNotificationKey("x%7ey%7E") == "x~y~", "hex digits in either case")
        #expect(try S3ObjectReference.decodeNotificationKey("100%25") == "100%")
        #expect(try S3ObjectReference.decodeNotificationKey("%2B%2B++") == "++  ")
        #expect(try S3ObjectReference.decodeNotificationKey(SQSFixtures.logKey) == SQSFixtures.logKey)
        #expect(try S3ObjectReference.decodeNotificationKey("") == "")
    }

    @Test(arguments: ["%", "a%2", "a%G1", "%%41", "caf%C3", "%FF%FE"])
    func malformedKeyEscapesAreRefused(_ encoded: String) throws {
        #expect(throws: IngestBodyError.self) { try S3ObjectReference.decodeNotificationKey(encoded) }
        let e = try #require(classifyError(SQSFixtures.s3Body([SQSFixtures.s3Record(key: encoded)])))
        #expect(e.message.contains("S3 event record 0"), "\(e)")
        #expect(e.message.contains(encoded), "the key is named: \(e)")
    }

    @Test func digestFilesAreReturnedButAreNotLogFiles() throws {
        let n = try classify(SQSFixtures.s3Body([SQSFixtures.s3Record(key: SQSFixtures.digestKey, size: 911)]))
        let refs = objects(n)
        #expect(refs.map(\.key) == [SQSFixtures.digestKey])
        #expect(refs.first?.isCloudTrailLogFile == false)
    }

    @Test func objectRemovedIsIgnored() throws {
        let n = try classify(SQSFixtures.s3Body([
            SQSFixtures.s3Record(eventName: "ObjectRemoved:Delete", key: SQSFixtures.logKey),
        ]))
        let reason = ignorableReason(n)
        #expect(reason.contains("ObjectRemoved:Delete"), "\(reason)")
        #expect(reason.contains("ObjectCreated"), "\(reason)")
    }

    @Test func everyNonCreateEventIsNamedOnce() throws {
        let n = try classify(SQSFixtures.s3Body([
            SQSFixtures.s3Record(eventName: "ObjectRemoved:Delete", key: SQSFixtures.logKey),
            SQSFixtures.s3Record(eventName: "LifecycleExpiration:Delete", key: SQSFixtures.logKeyEU),
            SQSFixtures.s3Record(eventName: "ObjectRemoved:Delete", key: SQSFixtures.logKeyLater),
        ]))
        let reason = ignorableReason(n)
        #expect(reason.contains("LifecycleExpiration:Delete"))
        #expect(reason.components(separatedBy: "ObjectRemoved:Delete").count == 2, "named once: \(reason)")
    }

    @Test func onlyCreatedObjectsAreKeptDeduplicatedInOrder() throws {
        let n = try classify(SQSFixtures.s3Body([
            SQSFixtures.s3Record(eventName: "ObjectCreated:Put", key: SQSFixtures.logKeyLater, size: 100),
            SQSFixtures.s3Record(eventName: "ObjectRemoved:Delete", key: SQSFixtures.digestKey),
            SQSFixtures.s3Record(eventName: "ObjectCreated:CompleteMultipartUpload", key: SQSFixtures.logKey, size: 200),
            SQSFixtures.s3Record(eventName: "ObjectCreated:Copy", key: SQSFixtures.logKeyLater, size: 300),
            SQSFixtures.s3Record(eventName: "ObjectCreated:Put", bucket: "acme-cloudtrail-replica",
                                 key: SQSFixtures.logKeyLater, size: 400, region: "us-west-2"),
        ]))
        let refs = objects(n)
        #expect(refs.map(\.key) == [SQSFixtures.logKeyLater, SQSFixtures.logKey, SQSFixtures.logKeyLater])
        #expect(refs.map(\.bucket) == [SQSFixtures.bucket, SQSFixtures.bucket, "acme-cloudtrail-replica"],
                "the same key in another bucket is another object")
        #expect(refs.map(\.size) == [100, 200, 400], "the first of two duplicates is kept")
        #expect(refs.map(\.region) == ["us-east-1", "us-east-1", "us-west-2"])
    }

    @Test func s3PrefixedEventNamesCount() throws {
        let n = try classify(SQSFixtures.s3Body([
            SQSFixtures.s3Record(eventName: "s3:ObjectCreated:Put", key: SQSFixtures.logKey),
        ]))
        #expect(objects(n).count == 1)
    }

    @Test func sizeThatIsNotACountIsDropped() throws {
        let body = SQSFixtures.s3Notification.replacingOccurrences(of: "\"size\": 4821", with: "\"size\": -1.5")
        #expect(body != SQSFixtures.s3Notification)
        let refs = objects(try classify(body))
        #expect(refs.count == 1)
        #expect(refs.first?.size == nil)
    }

    @Test func testEventIsIgnorable() throws {
        let reason = ignorableReason(try classify(SQSFixtures.s3TestEvent))
        #expect(reason.contains("test event"))
        #expect(reason.contains(SQSFixtures.bucket))
    }

    @Test func emptyRecordsListIsIgnorable() throws {
        #expect(ignorableReason(try classify(#"{"Records":[]}"#)).contains("empty"))
    }

    @Test func createdRecordWithoutKeyOrBucketIsRefused() throws {
        let noKey = SQSFixtures.s3Notification.replacingOccurrences(of: "\"key\"", with: "\"Key\"")
        let e1 = try #require(classifyError(noKey))
        #expect(e1.message.contains("s3.object.key"), "\(e1)")
        let noBucket = SQSFixtures.s3Notification.replacingOccurrences(of: "\"name\": \"acme", with: "\"label\": \"acme")
        let e2 = try #require(classifyError(noBucket))
        #expect(e2.message.contains("s3.bucket.name"), "\(e2)")
        let noEventName = SQSFixtures.s3Notification.replacingOccurrences(of: "\"eventName\"", with: "\"event\"")
        let e3 = try #require(classifyError(noEventName))
        #expect(e3.message.contains("eventName"), "\(e3)")
    }

    @Test func removedRecordNeedsNoKey() throws {
        let n = try classify(#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectRemoved:Delete"}]}"#)
        #expect(ignorableReason(n).contains("ObjectRemoved:Delete"))
    }

    @Test func s3AndCloudTrailRecordsDoNotMix() throws {
        let body = "{\"Records\":[" + SQSFixtures.s3Record(key: SQSFixtures.logKey) + "," + SQSFixtures.createAccessKey + "]}"
        let e = try #require(classifyError(body))
        #expect(e.message.contains("mixes"), "\(e)")
    }

    @Test func s3NotificationWithAStrayItemIsRefused() throws {
        let body = "{\"Records\":[" + SQSFixtures.s3Record(key: SQSFixtures.logKey) + ", 42]}"
        let e = try #require(classifyError(body))
        #expect(e.message.contains("Records item 1"), "\(e)")
        #expect(e.message.contains("a number"), "\(e)")
    }
}

// MARK: - Object keys

@Suite struct S3ObjectReferenceTests {
    @Test(arguments: [
        "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/123456789012_CloudTrail_us-east-1_20261122T0005Z_Yp3kQ2vR8sT1uW4x.json.gz",
        "AWSLogs/o-exampleorgid/123456789012/CloudTrail/eu-west-1/2026/11/22/123456789012_CloudTrail_eu-west-1_20261122T0005Z_a1.json.gz",
        "prod/audit/AWSLogs/123456789012/CloudTrail/ap-southeast-2/2026/11/22/123456789012_CloudTrail_ap-southeast-2_20261122T2355Z_z9.json.gz",
    ])
    func logFiles(_ key: String) {
        #expect(S3ObjectReference(bucket: "b", key: key).isCloudTrailLogFile)
    }

    @Test(arguments: [
        "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/22/123456789012_CloudTrail-Digest_us-east-1_management-events_us-east-1_20261122T010000Z.json.gz",
        "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/123456789012_CloudTrail-Digest_us-east-1_x_us-east-1_20261122T010000Z.json.gz",
        "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/",
        "AWSLogs/123456789012/CloudTrail/",
        "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/.json.gz",
        "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/readme.txt",
        "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/123456789012_CloudTrail_us-east-1_20261122T0005Z_x.json",
        "AWSLogs/123456789012/CloudTrail-Insight/us-east-1/2026/11/22/123456789012_CloudTrail-Insight_us-east-1_20261122T0005Z_x.json.gz",
        "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-0abc_20261122T0005Z_h.log.gz",
        "AWSLogs/123456789012/CloudTrailArchive/us-east-1/2026/11/22/x.json.gz",
        "123456789012_CloudTrail_us-east-1_20261122T0005Z_x.json.gz",
        "",
    ])
    func notLogFiles(_ key: String) {
        #expect(!S3ObjectReference(bucket: "b", key: key).isCloudTrailLogFile)
    }
}

// MARK: - SNS

@Suite struct SQSNotificationSNSTests {
    @Test func cloudTrailKeyListOfThree() throws {
        let n = try classify(SQSFixtures.snsNotification(SQSFixtures.cloudTrailNotification))
        #expect(n == .objects([
            S3ObjectReference(bucket: SQSFixtures.bucket, key: SQSFixtures.logKey),
            S3ObjectReference(bucket: SQSFixtures.bucket, key: SQSFixtures.logKeyEU),
            S3ObjectReference(bucket: SQSFixtures.bucket, key: SQSFixtures.logKeyLater),
        ]))
        let refs = objects(n)
        #expect(refs.allSatisfy { $0.isCloudTrailLogFile })
    }

    @Test func cloudTrailKeysAreNotDecoded() throws {
        let key = "team+a%20b/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/x.json.gz"
        let message = #"{"s3Bucket":"acme-cloudtrail-logs","s3ObjectKey":["\#(key)"]}"#
        #expect(objects(try classify(SQSFixtures.snsNotification(message))).map(\.key) == [key])
    }

    @Test func cloudTrailNotificationWithRawMessageDelivery() throws {
        let n = try classify(SQSFixtures.cloudTrailNotification)
        #expect(objects(n).map(\.key) == [SQSFixtures.logKey, SQSFixtures.logKeyEU, SQSFixtures.logKeyLater])
    }

    @Test func cloudTrailNotificationDuplicatesAndSingleKey() throws {
        let dup = #"{"s3Bucket":"b","s3ObjectKey":["k1","k2","k1"]}"#
        #expect(objects(try classify(dup)).map(\.key) == ["k1", "k2"])
        let single = #"{"s3Bucket":"b","s3ObjectKey":"k1"}"#
        #expect(objects(try classify(single)).map(\.key) == ["k1"], "a lone string counts as a one-key list")
        #expect(ignorableReason(try classify(#"{"s3Bucket":"b","s3ObjectKey":[]}"#)).contains("no objects"))
    }

    @Test func cloudTrailNotificationErrors() throws {
        let e1 = try #require(classifyError(#"{"s3Bucket":"b","s3ObjectKey":["k1",7]}"#))
        #expect(e1.message.contains("s3ObjectKey item 1"), "\(e1)")
        let e2 = try #require(classifyError(#"{"s3ObjectKey":["k1"]}"#))
        #expect(e2.message.contains("s3Bucket"), "\(e2)")
        let e3 = try #require(classifyError(#"{"s3Bucket":"b"}"#))
        #expect(e3.message.contains("s3ObjectKey"), "\(e3)")
    }

    @Test func s3NotificationInsideSNS() throws {
        let inner = SQSFixtures.s3Body([SQSFixtures.s3Record(key: "AWSLogs/1/CloudTrail/us-east-1/a+b%2Bc.json.gz")])
        let n = try classify(SQSFixtures.snsNotification(inner))
        #expect(objects(n).map(\.key) == ["AWSLogs/1/CloudTrail/us-east-1/a b+c.json.gz"], "S3's encoding is undone")
        #expect(objects(n).first?.region == "us-east-1")
    }

    @Test func s3TestEventInsideSNS() throws {
        #expect(ignorableReason(try classify(SQSFixtures.snsNotification(SQSFixtures.s3TestEvent))).contains("test event"))
    }

    @Test func subscriptionConfirmationIsIgnorable() throws {
        let reason = ignorableReason(try classify(SQSFixtures.subscriptionConfirmation))
        #expect(reason.contains("SubscriptionConfirmation"))
        #expect(reason.contains(SQSFixtures.topic))
        #expect(!reason.contains(SQSFixtures.subscriptionToken), "the token is not logged")
        let unsubscribe = SQSFixtures.subscriptionConfirmation
            .replacingOccurrences(of: "\"SubscriptionConfirmation\"", with: "\"UnsubscribeConfirmation\"")
        #expect(ignorableReason(try classify(unsubscribe)).contains("UnsubscribeConfirmation"))
    }

    @Test func cloudTrailEnvelopeInsideSNSHandsOverTheMessage() throws {
        let n = try classify(SQSFixtures.snsNotification(SQSFixtures.cloudTrailEnvelope))
        #expect(n == .cloudTrail(body: Array(SQSFixtures.cloudTrailEnvelope.utf8)))
        guard case .cloudTrail(let body) = n else { return }
        let result = try CloudTrailNormalizer.normalize(body, tenant: "t", source: "sqs", receivedAtMs: 0)
        #expect(result.events.map(\.eventName) == ["CreateAccessKey"])
        #expect(result.rejections.isEmpty)
    }

    @Test func snsInsideSNSIsRefused() throws {
        let twice = SQSFixtures.snsNotification(SQSFixtures.snsNotification(SQSFixtures.cloudTrailNotification))
        let e = try #require(classifyError(twice))
        #expect(e.message.contains("SNS envelope"), "\(e)")
        #expect(e.message.contains("one level"), "\(e)")
        // Deeper nesting stops at the same place, without recursing further.
        var body = SQSFixtures.cloudTrailNotification
        for _ in 0..<6 { body = SQSFixtures.snsNotification(body) }
        #expect(classifyError(body)?.message == e.message)
    }

    @Test func messageThatIsNotJSON() throws {
        let e = try #require(classifyError(SQSFixtures.snsNotification("Hello from SNS")))
        #expect(e.message.hasPrefix("the SNS Message is not JSON at byte 0"), "\(e)")
        let empty = try #require(classifyError(SQSFixtures.snsNotification("")))
        #expect(empty.message.contains("the SNS Message is empty"), "\(empty)")
    }

    @Test func notificationWithoutAMessageString() throws {
        let noMessage = #"{"Type":"Notification","MessageId":"m-1","TopicArn":"arn:aws:sns:us-east-1:123456789012:t"}"#
        let e1 = try #require(classifyError(noMessage))
        #expect(e1.message.contains("no Message"), "\(e1)")
        let numeric = #"{"Type":"Notification","MessageId":"m-1","TopicArn":"arn:aws:sns:us-east-1:123456789012:t","Message":5}"#
        let e2 = try #require(classifyError(numeric))
        #expect(e2.message.contains("a number"), "\(e2)")
    }

    @Test func unknownSNSType() throws {
        let e = try #require(classifyError(#"{"Type":"Mystery","MessageId":"m-1","TopicArn":"t"}"#))
        #expect(e.message.contains("\"Mystery\""), "\(e)")
    }
}

// MARK: - EventBridge

@Suite struct SQSNotificationEventBridgeTests {
    @Test func objectCreated() throws {
        let n = try classify(SQSFixtures.eventBridgeS3())
        #expect(n == .objects([S3ObjectReference(bucket: SQSFixtures.bucket, key: SQSFixtures.eventBridgeKey, size: 2714,
                                                 etag: "b1946ac92492d2347c6235b4d2611184", region: "ca-central-1")]),
                "the key is taken as written: '+' stays a plus")
        #expect(objects(n).first?.isCloudTrailLogFile == true)
    }

    @Test func otherS3EventsAreIgnorable() throws {
        let reason = ignorableReason(try classify(SQSFixtures.eventBridgeS3(detailType: "Object Deleted")))
        #expect(reason.contains("Object Deleted"))
    }

    @Test func objectCreatedWithoutKey() throws {
        let body = SQSFixtures.eventBridgeS3().replacingOccurrences(of: "\"key\"", with: "\"name\"")
        let e = try #require(classifyError(body))
        #expect(e.message.contains("detail.object.key"), "\(e)")
    }

    @Test func cloudTrailEnvelopeIsHandedOverWhole() throws {
        let body = Array(SQSFixtures.cloudTrailEnvelope.utf8)
        #expect(try SQSNotification.classify(body) == .cloudTrail(body: body))
    }

    @Test func otherEventBridgeEventsAreRefused() throws {
        let ec2 = #"""
            {"version":"0","id":"0d5b3c1a-9f8e-4d7c-b6a5-4e3d2c1b0a99","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012","time":"2026-11-22T00:20:00Z","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-0abcd1234efgh5678"],"detail":{"instance-id":"i-0abcd1234efgh5678","state":"running"}}
            """#
        let e = try #require(classifyError(ec2))
        #expect(e.message.contains("EC2 Instance State-change Notification"), "\(e)")
        #expect(e.message.contains("aws.ec2"), "\(e)")
    }
}

// MARK: - CloudTrail bodies

@Suite struct SQSNotificationCloudTrailTests {
    @Test func deliveryFileBody() throws {
        let body = Array(SQSFixtures.deliveryFile.utf8)
        #expect(try SQSNotification.classify(body) == .cloudTrail(body: body))
        let result = try CloudTrailNormalizer.normalize(body, tenant: "t", source: "sqs", receivedAtMs: 0)
        #expect(result.events.map(\.eventID) == ["d41c7e2b-9a3f-4b6e-8c1d-2e3f4a5b6c7d"])
    }

    @Test func singleRecordArrayAndNDJSON() throws {
        for text in [
            SQSFixtures.createAccessKey,
            "[" + SQSFixtures.createAccessKey + "," + SQSFixtures.cloudTrailEnvelope + "]",
            SQSFixtures.createAccessKey + "\n" + SQSFixtures.createAccessKey + "\n",
            "{\"Records\":[" + SQSFixtures.cloudTrailEnvelope + "]}",
        ] {
            let body = Array(text.utf8)
            #expect(try SQSNotification.classify(body) == .cloudTrail(body: body), "\(text.prefix(60))")
        }
    }

    @Test func recordsWithoutEventVersionStillCount() throws {
        let record = #"{"eventTime":"2026-11-22T00:01:00Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketAcl","eventID":"3c0f6e9a-8d2b-4f1e-a7c5-1b9d2e4f6a80"}"#
        let body = Array(("{\"Records\":[" + record + "]}").utf8)
        #expect(try SQSNotification.classify(body) == .cloudTrail(body: body))
    }

    @Test func strayItemsAmongRecordsAreLeftToTheNormalizer() throws {
        // The normalizer keeps the stray item as a rejection, so nothing is lost by accepting the body.
        let body = Array(("{\"Records\":[" + SQSFixtures.createAccessKey + ", 42, {}]}").utf8)
        #expect(try SQSNotification.classify(body) == .cloudTrail(body: body))
        let result = try CloudTrailNormalizer.normalize(body, tenant: "t", source: "sqs", receivedAtMs: 0)
        #expect(result.events.count == 1)
        #expect(result.rejections.count == 2)
    }

    @Test func ndjsonWithSomethingElseIsRefused() throws {
        let e = try #require(classifyError(SQSFixtures.createAccessKey + "\n" + SQSFixtures.s3TestEvent))
        #expect(e.message.contains("document 2"), "\(e)")
        #expect(e.message.contains("\"Service\""), "\(e)")
    }

    @Test func otherLambdaStyleRecordsAreNotCloudTrail() throws {
        let ses = #"{"Records":[{"eventVersion":"1.0","eventSource":"aws:ses","ses":{"mail":{}}}]}"#
        let e = try #require(classifyError(ses))
        #expect(e.message.contains("Records item 0"), "\(e)")
    }
}

// MARK: - Body errors

@Suite struct SQSNotificationBodyErrorTests {
    @Test func malformedJSONNamesTheByte() throws {
        let e = try #require(classifyError(#"{"Records": [}"#))
        #expect(e.message == "the body is not JSON at byte 13 (line 1, column 14): expected a value, found '}'")
        #expect(e.description == e.message)
        let truncated = try #require(classifyError(String(SQSFixtures.s3Notification.dropLast(20))))
        #expect(truncated.message.hasPrefix("the body is not JSON at byte"), "\(truncated)")
        #expect(truncated.message.contains("line"), "\(truncated)")
    }

    @Test func emptyBodies() throws {
        for body in ["", " \n\t\r\n "] {
            let e = try #require(classifyError(body))
            #expect(e.message.hasPrefix("the body is empty"), "\(e)")
        }
    }

    @Test(arguments: ["42", "-1.5e3", "true", "null", #""{\"Records\":[]}""#])
    func scalarBodies(_ body: String) throws {
        let e = try #require(classifyError(body))
        #expect(e.message.contains("expected a JSON object"), "\(e)")
    }

    @Test func aNumberIsNamed() throws {
        let e = try #require(classifyError("42"))
        #expect(e.message.hasPrefix("the body is a number"), "\(e)")
    }

    @Test func unknownObjectNamesItsKeys() throws {
        let e = try #require(classifyError(#"{"a": 1, "b": [2], "c": {"d": 3}}"#))
        #expect(e.message == #"the body is an object with keys "a", "b", "c", which is not an S3 notification, "#
            + "SNS envelope, EventBridge event or CloudTrail record")
        let empty = try #require(classifyError("{}"))
        #expect(empty.message.contains("an empty object"), "\(empty)")
    }

    @Test func errorsStayShort() throws {
        let manyKeys = "{" + (0..<50).map { "\"key\($0)\": \($0)" }.joined(separator: ",") + "}"
        let e1 = try #require(classifyError(manyKeys))
        #expect(e1.message.contains("and 42 more"), "\(e1)")
        #expect(e1.message.count < 300, "\(e1)")
        let long = String(repeating: "x", count: 100_000)
        let e2 = try #require(classifyError(#"{"detail-type":"\#(long)","source":"\#(long)"}"#))
        #expect(e2.message.count < 600, "\(e2.message.count) characters")
        let e3 = try #require(classifyError(#"{"\#(long)" 1}"#))
        #expect(e3.message.count < 600, "\(e3.message.count) characters")
    }

    @Test func recordsMustBeAnArray() throws {
        let e = try #require(classifyError(#"{"Records": {"eventSource": "aws:s3"}}"#))
        #expect(e.message.contains("\"Records\""), "\(e)")
        #expect(e.message.contains("an object"), "\(e)")
        #expect(classifyError(#"{"Records": null}"#) != nil)
        let numbers = try #require(classifyError(#"{"Records": [1, 2]}"#))
        #expect(numbers.message.contains("Records item 0 is a number"), "\(numbers)")
    }

    @Test func arraysOfOtherThings() throws {
        #expect(ignorableReason(try classify("[]")).contains("empty"))
        let e = try #require(classifyError(#"[{"a":1}, 2]"#))
        #expect(e.message.contains("no item is a CloudTrail record"), "\(e)")
    }

    @Test func hostileInput() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let e = try #require(classifyError(deep))
        #expect(e.message.contains("nesting"), "\(e)")
        #expect(classifyError(Array(SQSFixtures.s3TestEvent.utf8) + [0xFF]) != nil)
        #expect(classifyError([0xEF, 0xBB, 0xBF] + Array(SQSFixtures.s3TestEvent.utf8)) != nil, "a BOM is not JSON")
        #expect(classifyError(SQSFixtures.s3TestEvent + " ]") != nil)
    }
}

// MARK: - Fuzzing

@Suite struct SQSNotificationFuzzTests {
    static let seeds: [String] = [
        SQSFixtures.s3Notification,
        SQSFixtures.s3Body([SQSFixtures.s3Record(key: "a+b%2Bc/AWSLogs/1/CloudTrail/x.json.gz"),
                                    SQSFixtures.s3Record(eventName: "ObjectRemoved:Delete", key: SQSFixtures.logKey)]),
        SQSFixtures.s3TestEvent,
        SQSFixtures.snsNotification(SQSFixtures.cloudTrailNotification),
        SQSFixtures.snsNotification(SQSFixtures.s3Notification),
        SQSFixtures.snsNotification(SQSFixtures.cloudTrailEnvelope),
        SQSFixtures.subscriptionConfirmation,
        SQSFixtures.eventBridgeS3(),
        SQSFixtures.cloudTrailEnvelope,
        SQSFixtures.deliveryFile,
    ]

    @Test func everySeedClassifies() throws {
        for seed in Self.seeds {
            _ = try classify(seed)
        }
    }

    @Test("fuzz: 2,000 seeded mutations either classify or throw a short error, never crash")
    func mutationsNeverCrash() {
        let seeds = Self.seeds.map { Array($0.utf8) }
        let interesting = Array("{}[],:\"\\+%0123456789-.eEtfnu \n\t".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF]
        var rng = JSONFuzzRNG(seed: 0x5051_5345_4E44)
        var classified = 0
        var failed = 0
        for _ in 0..<2_000 {
            var doc = seeds.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                switch Int.random(in: 0..<6, using: &rng) {
                case 0 where !doc.isEmpty: // flip a bit
                    let i = Int.random(in: 0..<doc.count, using: &rng)
                    doc[i] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                case 1 where !doc.isEmpty: // replace a byte with a structural or otherwise interesting one
                    doc[Int.random(in: 0..<doc.count, using: &rng)] = interesting.randomElement(using: &rng)!
                case 2: // insert
                    doc.insert(interesting.randomElement(using: &rng)!, at: Int.random(in: 0...doc.count, using: &rng))
                case 3 where !doc.isEmpty: // delete a range
                    let start = Int.random(in: 0..<doc.count, using: &rng)
                    doc.removeSubrange(start..<min(doc.count, start + Int.random(in: 1...16, using: &rng)))
                case 4 where !doc.isEmpty: // truncate
                    doc.removeLast(Int.random(in: 1...doc.count, using: &rng))
                case 5 where doc.count > 1: // duplicate a chunk somewhere else
                    let start = Int.random(in: 0..<doc.count, using: &rng)
                    let chunk = Array(doc[start..<min(doc.count, start + Int.random(in: 1...32, using: &rng))])
                    doc.insert(contentsOf: chunk, at: Int.random(in: 0...doc.count, using: &rng))
                default:
                    break
                }
            }
            do throws(IngestBodyError) {
                switch try SQSNotification.classify(doc) {
                case .cloudTrail(let body):
                    #expect(!body.isEmpty)
                case .objects(let references):
                    #expect(!references.isEmpty)
                    #expect(references.allSatisfy { !$0.bucket.isEmpty && !$0.key.isEmpty })
                    #expect(Set(references.map { [$0.bucket, $0.key] }).count == references.count, "deduplicated")
                case .ignorable(let reason):
                    #expect(!reason.isEmpty)
                }
                classified += 1
            } catch {
                failed += 1
                #expect(!error.message.isEmpty)
                #expect(error.message.count < 2_000, "\(error.message.count) characters")
            }
        }
        #expect(classified > 0, "some mutations still classify")
        #expect(failed > 0, "some mutations are refused")
    }
}
