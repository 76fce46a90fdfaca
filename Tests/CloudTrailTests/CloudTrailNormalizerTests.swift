import CloudTrail
import Foundation
import Testing
import Wire

// MARK: - Fixtures

private let tenant = "11111111-1111-1111-1111-111111111111"
private let receivedAt: Int64 = 1_741_090_000_000

/// Records whose exact text the tests know, so bodies can be assembled from them and every record's raw bytes and
/// JSON sub-documents can be checked byte for byte.
private enum Fixtures {
    /// Odd spacing on purpose: the normalizer must keep the source text, not a re-serialization.
    static let requestParametersA =
        #"{ "name" :  "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events", "n": [1, 2.50] }"#
    static let additionalEventDataA = #"{"note": "caf\u00e9"}"#

    /// A StopLogging record with every mapped field set.
    static let recordA = #"""
        {
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "AssumedRole",
                "principalId": "AROA4EXAMPLEOPSROLE1:ci-deploy-7731",
                "arn": "arn:aws:sts::123456789012:assumed-role/ops-automation/ci-deploy-7731",
                "accountId": "123456789012",
                "accessKeyId": "ASIA4EXAMPLESESSION1",
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": "AROA4EXAMPLEOPSROLE1",
                        "arn": "arn:aws:iam::123456789012:role/ops-automation",
                        "accountId": "123456789012",
                        "userName": "ops-automation"
                    },
                    "webIdFederationData": {},
                    "attributes": {
                        "creationDate": "2025-03-04T10:02:11Z",
                        "mfaAuthenticated": "true"
                    }
                }
            },
            "eventTime": "2025-03-04T10:14:05Z",
            "eventSource": "cloudtrail.amazonaws.com",
            "eventName": "StopLogging",
            "awsRegion": "us-east-1",
            "sourceIPAddress": "198.51.100.23",
            "userAgent": "Boto3/1.34.69 md/Botocore/1.34.69 \"quoted\"",
            "requestParameters": \#(requestParametersA),
            "responseElements": null,
            "additionalEventData": \#(additionalEventDataA),
            "requestID": "a4e1c7b2-5d3f-4e8a-9b6c-2f1d0e3a7c54",
            "eventID": "5f8c2a7e-3b1d-4c9a-9e2f-7a6b5c4d3e21",
            "readOnly": false,
            "errorCode": "AccessDenied",
            "errorMessage": "User is not authorized to perform: cloudtrail:StopLogging",
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": "123456789012",
            "eventCategory": "Management"
        }
        """#

    /// One line; `readOnly` as the string "true" and fractional seconds in the time.
    static let recordB = #"{"eventVersion":"1.08","eventTime":"2025-03-04T10:09:17.250Z","eventSource":"s3.amazonaws.com","#
        + #""eventName":"ListBuckets","awsRegion":"us-east-1","eventID":"b7d1e3f5-2a4c-4e6b-8d0f-1a3c5e7b9d02","#
        + #""readOnly":"true","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/alice","#
        + #""accountId":"123456789012","accessKeyId":"AKIA4EXAMPLEALICE001","userName":"alice"}}"#

    /// One line; no readOnly, no userIdentity.
    static let recordC = #"{"eventTime":"2025-03-04T10:11:42Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketAcl","#
        + #""eventID":"3c0f6e9a-8d2b-4f1e-a7c5-1b9d2e4f6a80","recipientAccountId":"123456789012","#
        + #""requestParameters":{"bucketName":"demo-invoices","x-amz-acl":["public-read"]}}"#

    /// Not a CloudTrail record: eventName is missing.
    static let missingEventName = #"""
        {
              "eventTime": "2025-03-04T10:12:00Z",
              "eventSource": "s3.amazonaws.com",
              "eventID": "bad-0001",
              "awsRegion": "us-east-1"
            }
        """#

    /// The time has month 13.
    static let badTime = #"{"eventTime":"2025-13-04T10:12:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","#
        + #""eventID":"bad-time"}"#

    static let detailStopLogging = #"""
        {
                "eventVersion": "1.09",
                "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/ops-automation/ci-deploy-7731", "accountId": "123456789012"},
                "eventTime": "2025-03-04T11:02:30Z",
                "eventSource": "cloudtrail.amazonaws.com",
                "eventName": "StopLogging",
                "awsRegion": "us-east-1",
                "requestParameters": {"name": "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events"},
                "eventID": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                "readOnly": false,
                "recipientAccountId": "123456789012"
            }
        """#

    static let eventBridgeEnvelope = #"""
        {
            "version": "0",
            "id": "6f2b9c1e-4d8a-4b3f-a5e7-2c9d1f0b8e36",
            "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.cloudtrail",
            "account": "123456789012",
            "time": "2025-03-04T11:02:30Z",
            "region": "us-east-1",
            "resources": [],
            "detail": \#(detailStopLogging)
        }
        """#

    static let ec2StateChange = #"""
        {
            "version": "0",
            "id": "0d5b3c1a-9f8e-4d7c-b6a5-4e3d2c1b0a99",
            "detail-type": "EC2 Instance State-change Notification",
            "source": "aws.ec2",
            "account": "123456789012",
            "time": "2025-03-04T11:05:00Z",
            "region": "us-east-1",
            "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-0abcd1234efgh5678"],
            "detail": {"instance-id": "i-0abcd1234efgh5678", "state": "running"}
        }
        """#
}

private func normalized(_ body: String, source: String = "webhook") throws(IngestBodyError) -> CloudTrailNormalizer.Result {
    try CloudTrailNormalizer.normalize(Array(body.utf8), tenant: tenant, source: source, receivedAtMs: receivedAt)
}

/// Normalizes `body`, expecting the body as a whole to be refused, and returns the error.
private func bodyError(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> IngestBodyError? {
    do throws(IngestBodyError) {
        let result = try CloudTrailNormalizer.normalize(body, tenant: tenant, source: "webhook", receivedAtMs: receivedAt)
        Issue.record("expected IngestBodyError, got \(result.events.count) events and \(result.rejections.count) rejections",
                     sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

private func bodyError(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) -> IngestBodyError? {
    bodyError(Array(body.utf8), sourceLocation: sourceLocation)
}

private func data(_ s: String) -> Data { Data(s.utf8) }

// MARK: - Body shapes

@Suite struct CloudTrailNormalizerShapeTests {
    @Test func singleRecord() throws {
        let result = try normalized("\n  " + Fixtures.recordA + "\n")
        #expect(result.rejections.isEmpty)
        try #require(result.events.count == 1)
        let e = result.events[0]
        #expect(e.eventID == "5f8c2a7e-3b1d-4c9a-9e2f-7a6b5c4d3e21")
        #expect(e.raw == data(Fixtures.recordA), "raw is the record without the surrounding whitespace")
        #expect(e.tenantID == tenant)
        #expect(e.ingestSource == "webhook")
        #expect(e.receivedAtMs == receivedAt)
    }

    @Test func recordsDeliveryFile() throws {
        let body = "{\n  \"Records\": [\n    " + Fixtures.recordA + ",\n    " + Fixtures.recordB + ",  "
            + Fixtures.recordC + "\n  ]\n}\n"
        let result = try normalized(body)
        #expect(result.rejections.isEmpty)
        try #require(result.events.count == 3)
        #expect(result.events.map(\.eventName) == ["StopLogging", "ListBuckets", "PutBucketAcl"])
        #expect(result.events.map(\.raw) == [data(Fixtures.recordA), data(Fixtures.recordB), data(Fixtures.recordC)])
        #expect(result.events.allSatisfy { $0.tenantID == tenant && $0.ingestSource == "webhook" })
    }

    @Test func recordsMayShareTheFileWithOtherKeys() throws {
        let body = #"{"Records": ["# + Fixtures.recordC + #"], "Digest": {"x": 1}}"#
        let result = try normalized(body)
        #expect(result.events.map(\.eventID) == ["3c0f6e9a-8d2b-4f1e-a7c5-1b9d2e4f6a80"])
    }

    @Test func emptyRecordsList() throws {
        let result = try normalized(#"{"Records": []}"#)
        #expect(result.events.isEmpty)
        #expect(result.rejections.isEmpty)
    }

    @Test func jsonArrayOfRecords() throws {
        let body = "[" + Fixtures.recordB + ",\n" + Fixtures.recordC + " , " + Fixtures.recordA + "]"
        let result = try normalized(body)
        #expect(result.rejections.isEmpty)
        #expect(result.events.map(\.eventName) == ["ListBuckets", "PutBucketAcl", "StopLogging"])
        #expect(result.events.map(\.raw) == [data(Fixtures.recordB), data(Fixtures.recordC), data(Fixtures.recordA)])
    }

    @Test func ndjson() throws {
        let body = Fixtures.recordB + "\n" + Fixtures.recordC + "\n"
        let result = try normalized(body)
        #expect(result.rejections.isEmpty)
        #expect(result.events.map(\.eventID) == ["b7d1e3f5-2a4c-4e6b-8d0f-1a3c5e7b9d02", "3c0f6e9a-8d2b-4f1e-a7c5-1b9d2e4f6a80"])
        #expect(result.events.map(\.raw) == [data(Fixtures.recordB), data(Fixtures.recordC)])
        // CRLF line ends too.
        let crlf = try normalized(Fixtures.recordB + "\r\n" + Fixtures.recordC + "\r\n")
        #expect(crlf.events.count == 2)
    }

    @Test func eventBridgeEnvelopeFromWebhook() throws {
        let result = try normalized(Fixtures.eventBridgeEnvelope, source: "webhook")
        #expect(result.rejections.isEmpty)
        try #require(result.events.count == 1)
        let e = result.events[0]
        #expect(e.ingestSource == "eventbridge")
        #expect(e.eventID == "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
        #expect(e.eventName == "StopLogging")
        #expect(e.eventTimeMs == 1_741_086_150_000)
        #expect(e.raw == data(Fixtures.detailStopLogging), "raw is the CloudTrail record inside the envelope")
        #expect(e.requestParametersJson
            == #"{"name": "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events"}"#)
        #expect(e.userIdentity.arn == "arn:aws:sts::123456789012:assumed-role/ops-automation/ci-deploy-7731")
    }

    @Test func eventBridgeEnvelopeKeepsOtherSources() throws {
        let result = try normalized(Fixtures.eventBridgeEnvelope, source: "sqs")
        #expect(result.events.map(\.ingestSource) == ["sqs"])
    }

    @Test func eventBridgeEnvelopesInAListAndMixedWithPlainRecords() throws {
        let body = "[" + Fixtures.eventBridgeEnvelope + "," + Fixtures.recordC + "]"
        let result = try normalized(body)
        #expect(result.rejections.isEmpty)
        #expect(result.events.map(\.ingestSource) == ["eventbridge", "webhook"])
        #expect(result.events.map(\.raw) == [data(Fixtures.detailStopLogging), data(Fixtures.recordC)])
    }

    @Test func nonCloudTrailEventBridgeEventIsRejected() throws {
        let result = try normalized("  " + Fixtures.ec2StateChange + "  ")
        #expect(result.events.isEmpty)
        try #require(result.rejections.count == 1)
        let r = result.rejections[0]
        #expect(r.index == 0)
        #expect(r.message.contains("EC2 Instance State-change Notification"))
        #expect(r.raw == Array(Fixtures.ec2StateChange.utf8))
    }

    @Test func envelopeWithoutDetailIsRejected() throws {
        let result = try normalized(#"{"detail-type": "AWS API Call via CloudTrail", "source": "aws.cloudtrail"}"#)
        #expect(result.events.isEmpty)
        #expect(result.rejections.count == 1)
        #expect(result.rejections.first?.message.contains("detail") == true)
        let notObject = try normalized(#"{"detail-type": "AWS API Call via CloudTrail", "detail": "x"}"#)
        #expect(notObject.events.isEmpty)
        #expect(notObject.rejections.count == 1)
    }
}

// MARK: - Partial acceptance

@Suite struct CloudTrailNormalizerRejectionTests {
    @Test func goodAndBadRecordsInOneFile() throws {
        let body = "{\"Records\":[\n" + Fixtures.recordB + ",\n" + Fixtures.missingEventName + "\n]}"
        let result = try normalized(body)
        #expect(result.events.map(\.eventID) == ["b7d1e3f5-2a4c-4e6b-8d0f-1a3c5e7b9d02"])
        try #require(result.rejections.count == 1)
        let r = result.rejections[0]
        #expect(r.index == 1)
        #expect(r.eventID == "bad-0001")
        #expect(r.message.contains("eventName"))
        #expect(!r.message.contains("eventID"), "only the missing fields are named: \(r.message)")
        #expect(r.raw == Array(Fixtures.missingEventName.utf8))
    }

    @Test func rejectionIndexesFollowRecordPositions() throws {
        let body = "[" + [Fixtures.badTime, Fixtures.recordB, "42", Fixtures.missingEventName, Fixtures.recordC, "{}"]
            .joined(separator: ",") + "]"
        let result = try normalized(body)
        #expect(result.events.map(\.eventName) == ["ListBuckets", "PutBucketAcl"])
        #expect(result.rejections.map(\.index) == [0, 2, 3, 5])
        #expect(result.rejections.map(\.eventID) == ["bad-time", "", "bad-0001", ""])
        #expect(result.rejections.map { String(decoding: $0.raw, as: UTF8.self) }
            == [Fixtures.badTime, "42", Fixtures.missingEventName, "{}"])
        #expect(result.rejections[0].message.contains("eventTime"))
        #expect(result.rejections[1].message.contains("object"))
        #expect(result.rejections[3].message.contains("eventID"))
        #expect(result.rejections[3].message.contains("eventTime"))
    }

    @Test func emptyRequiredFieldsCountAsMissing() throws {
        let result = try normalized(
            #"{"eventID":"","eventTime":"2025-03-04T10:12:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}"#)
        #expect(result.events.isEmpty)
        #expect(result.rejections.first?.message.contains("eventID") == true)
        let nonString = try normalized(
            #"{"eventID":7,"eventTime":"2025-03-04T10:12:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}"#)
        #expect(nonString.events.isEmpty)
        #expect(nonString.rejections.count == 1)
    }
}

// MARK: - Body errors

@Suite struct CloudTrailNormalizerBodyErrorTests {
    @Test func malformedJSONNamesTheLine() throws {
        let e = try #require(bodyError("{\"Records\": [\n" + Fixtures.recordB + ",\n  {\"eventID\": }\n]}"))
        #expect(e.message.contains("line"))
        #expect(e.message.contains("line 3"))
        #expect(e.description == e.message)
    }

    @Test func emptyBodiesAreRefused() {
        #expect(bodyError([UInt8]()) != nil)
        #expect(bodyError(" \n\t\r\n ") != nil)
    }

    @Test func recordsMustBeAnArray() throws {
        let e = try #require(bodyError(#"{"Records": 5}"#))
        #expect(e.message.contains("Records"))
        #expect(bodyError(#"{"Records": {"eventID": "x"}}"#) != nil)
        #expect(bodyError(#"{"Records": null}"#) != nil)
    }

    @Test(arguments: [#""a string""#, "42", "true", "null"])
    func scalarBodiesAreRefused(_ body: String) {
        #expect(bodyError(body) != nil)
    }

    @Test func trailingGarbageIsRefused() {
        #expect(bodyError(Fixtures.recordC + " ]") != nil)
        #expect(bodyError(Array(Fixtures.recordC.utf8) + [0xFF]) != nil)
    }
}

// MARK: - Field mapping

@Suite struct CloudTrailNormalizerFieldTests {
    @Test func everyMappedField() throws {
        let result = try normalized(Fixtures.recordA)
        let e = try #require(result.events.first)
        #expect(e.tenantID == tenant)
        #expect(e.eventID == "5f8c2a7e-3b1d-4c9a-9e2f-7a6b5c4d3e21")
        #expect(e.eventTime == "2025-03-04T10:14:05Z")
        #expect(e.eventTimeMs == 1_741_083_245_000)
        #expect(e.eventVersion == "1.09")
        #expect(e.eventSource == "cloudtrail.amazonaws.com")
        #expect(e.eventName == "StopLogging")
        #expect(e.awsRegion == "us-east-1")
        #expect(e.sourceIpAddress == "198.51.100.23")
        #expect(e.userAgent == "Boto3/1.34.69 md/Botocore/1.34.69 \"quoted\"")

        #expect(e.hasUserIdentity)
        let u = e.userIdentity
        #expect(u.type == "AssumedRole")
        #expect(u.arn == "arn:aws:sts::123456789012:assumed-role/ops-automation/ci-deploy-7731")
        #expect(u.accountID == "123456789012")
        #expect(u.principalID == "AROA4EXAMPLEOPSROLE1:ci-deploy-7731")
        #expect(u.accessKeyID == "ASIA4EXAMPLESESSION1")
        #expect(u.userName == "")
        #expect(u.sessionIssuerType == "Role")
        #expect(u.sessionIssuerArn == "arn:aws:iam::123456789012:role/ops-automation")
        #expect(u.sessionIssuerUserName == "ops-automation")
        #expect(u.mfaAuthenticated, "the string \"true\" means true")

        #expect(e.requestParametersJson == Fixtures.requestParametersA, "exact source text, spacing and all")
        #expect(e.responseElementsJson == "", "null is absent")
        #expect(e.additionalEventDataJson == Fixtures.additionalEventDataA, "escapes are kept as written")

        #expect(e.hasReadOnly_p)
        #expect(e.readOnly == false)
        #expect(e.errorCode == "AccessDenied")
        #expect(e.errorMessage == "User is not authorized to perform: cloudtrail:StopLogging")
        #expect(e.eventType == "AwsApiCall")
        #expect(e.managementEvent)
        #expect(e.recipientAccountID == "123456789012")
        #expect(e.requestID == "a4e1c7b2-5d3f-4e8a-9b6c-2f1d0e3a7c54")
        #expect(e.raw == data(Fixtures.recordA))
        #expect(e.ingestSource == "webhook")
        #expect(e.receivedAtMs == receivedAt)
    }

    @Test func readOnlyAsStringAndFractionalTime() throws {
        let e = try #require(try normalized(Fixtures.recordB).events.first)
        #expect(e.hasReadOnly_p)
        #expect(e.readOnly)
        #expect(e.eventTimeMs == 1_741_082_957_250)
        #expect(e.eventVersion == "1.08")
        #expect(e.userIdentity.type == "IAMUser")
        #expect(e.userIdentity.userName == "alice")
        #expect(e.userIdentity.accessKeyID == "AKIA4EXAMPLEALICE001")
        #expect(e.userIdentity.sessionIssuerArn == "")
        #expect(!e.userIdentity.mfaAuthenticated)
        #expect(e.requestParametersJson == "")
        #expect(e.errorCode == "")
    }

    @Test func absentOptionalFields() throws {
        let e = try #require(try normalized(Fixtures.recordC).events.first)
        #expect(!e.hasReadOnly_p)
        #expect(!e.readOnly)
        #expect(!e.hasUserIdentity)
        #expect(e.awsRegion == "")
        #expect(e.sourceIpAddress == "")
        #expect(e.eventVersion == "")
        #expect(!e.managementEvent)
        #expect(e.requestParametersJson == #"{"bucketName":"demo-invoices","x-amz-acl":["public-read"]}"#)
    }

    @Test func mfaAndVersionVariants() throws {
        func record(_ mfa: String, version: String) -> String {
            #"{"eventVersion":\#(version),"eventTime":"2025-03-04T10:12:00Z","eventSource":"s3.amazonaws.com","#
                + #""eventName":"GetObject","eventID":"e-1","userIdentity":{"type":"IAMUser","sessionContext":"#
                + #"{"attributes":{"mfaAuthenticated":\#(mfa)}}}}"#
        }
        let cases: [(String, String, Bool, String)] = [
            (#""true""#, #""1.09""#, true, "1.09"),
            (#""false""#, "1.05", false, "1.05"),
            ("true", #""1.10""#, true, "1.10"),
            (#""yes""#, #""1.10""#, false, "1.10"),
        ]
        for (mfa, version, expectedMFA, expectedVersion) in cases {
            let e = try #require(try normalized(record(mfa, version: version)).events.first)
            #expect(e.userIdentity.mfaAuthenticated == expectedMFA, "mfaAuthenticated \(mfa)")
            #expect(e.eventVersion == expectedVersion, "eventVersion \(version)")
        }
    }

    @Test func normalizedEventsSurviveTheWire() throws {
        let body = "[" + Fixtures.recordA + "," + Fixtures.recordB + "," + Fixtures.recordC + "]"
        let events = try normalized(body).events
        let codec = FrameCodec()
        let wire = try codec.encode(events)
        #expect(try codec.decode(CLCloudTrailEvent.self, from: wire) == events)
    }
}

// MARK: - ISO 8601

@Suite struct ISO8601Tests {
    @Test func wholeSecondsUTC() {
        #expect(CloudTrail.ISO8601.parseMilliseconds("2024-05-01T12:34:56Z") == 1_714_566_896_000)
        #expect(CloudTrail.ISO8601.parseMilliseconds("1970-01-01T00:00:00Z") == 0)
        #expect(CloudTrail.ISO8601.parseMilliseconds("2024-02-29T00:00:00Z") == 1_709_164_800_000)
        #expect(CloudTrail.ISO8601.parseMilliseconds("2000-03-01T00:00:00Z") == 951_868_800_000)
        #expect(CloudTrail.ISO8601.parseMilliseconds("1999-12-31T23:59:59Z") == 946_684_799_000)
    }

    @Test func fractionalSeconds() {
        #expect(CloudTrail.ISO8601.parseMilliseconds("2024-05-01T12:34:56.5Z") == 1_714_566_896_500)
        #expect(CloudTrail.ISO8601.parseMilliseconds("2024-05-01T12:34:56.12Z") == 1_714_566_896_120)
        #expect(CloudTrail.ISO8601.parseMilliseconds("2024-05-01T12:34:56.123Z") == 1_714_566_896_123)
        #expect(CloudTrail.ISO8601.parseMilliseconds("2024-05-01T12:34:56.123999Z") == 1_714_566_896_123)
        #expect(CloudTrail.ISO8601.parseMilliseconds("2024-05-01T12:34:56.000Z") == 1_714_566_896_000)
    }

    @Test func offsets() {
        #expect(CloudTrail.ISO8601.parseMilliseconds("2024-05-01T14:34:56+02:00") == 1_714_566_896_000)
        #expect(CloudTrail.ISO8601.parseMilliseconds("2024-05-01T10:04:56-02:30") == 1_714_566_896_000)
        #expect(CloudTrail.ISO8601.parseMilliseconds("2024-05-01T12:34:56+00:00") == 1_714_566_896_000)
        #expect(CloudTrail.ISO8601.parseMilliseconds("2024-05-02T00:34:56.5+12:00") == 1_714_566_896_500)
    }

    @Test(arguments: [
        "2024-13-01T12:34:56Z", // month 13
        "2024-00-01T12:34:56Z", // month 0
        "2024-05-32T12:34:56Z", // day 32
        "2024-05-00T12:34:56Z", // day 0
        "2024-05-01T24:00:00Z", // hour 24
        "2024-05-01T12:60:00Z", // minute 60
        "2024-05-01T12:34:56", // no zone
        "2024-05-01T12:34:56.123", // no zone after fraction
        "2024-05-01T12:34:56.Z", // empty fraction
        "2024-05-01T12:34:56+0200", // offset without colon
        "2024-05-01T12:34:56+02:0", // short offset
        "2024-05-01T12:34:56ZZ", // trailing data
        "2024-05-01T12:34:56Z ", // trailing space
        "2024/05/01T12:34:56Z", // wrong separators
        "2024-05-01X12:34:56Z",
        "24-05-01T12:34:56Z",
        "2024-5-1T12:34:56Z",
        "not a timestamp at all",
        "",
    ])
    func invalidTimestamps(_ s: String) {
        #expect(CloudTrail.ISO8601.parseMilliseconds(s) == nil)
    }

    @Test func format() {
        #expect(CloudTrail.ISO8601.format(milliseconds: 1_714_566_896_123) == "2024-05-01T12:34:56.123Z")
        #expect(CloudTrail.ISO8601.format(milliseconds: 1_714_566_896_000) == "2024-05-01T12:34:56.000Z")
        #expect(CloudTrail.ISO8601.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(CloudTrail.ISO8601.format(milliseconds: 1_709_164_800_007) == "2024-02-29T00:00:00.007Z")
        #expect(CloudTrail.ISO8601.format(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
    }

    @Test func formatThenParseRoundTrips() {
        var rng = JSONFuzzRNG(seed: 8601)
        for _ in 0..<2_000 {
            // 1970 through 9999.
            let ms = Int64.random(in: 0...253_402_300_799_999, using: &rng)
            let text = CloudTrail.ISO8601.format(milliseconds: ms)
            #expect(CloudTrail.ISO8601.parseMilliseconds(text) == ms, "\(ms) formatted as \(text)")
        }
    }
}
