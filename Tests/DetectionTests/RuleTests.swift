import CloudTrail
import Detection
import Foundation
import Testing
import Wire

// MARK: - Helpers

private let tenant = "11111111-1111-1111-1111-111111111111"
private let aliceArn = "arn:aws:iam::123456789012:user/alice"

/// A CloudTrail record as JSON text. `requestParameters` is inserted verbatim (nil leaves the field out).
private func record(eventSource: String, eventName: String, requestParameters: String?, errorCode: String? = nil,
                    region: String = "us-east-1", recipientAccountId: String? = "123456789012",
                    eventID: String = "3c0f6e9a-8d2b-4f1e-a7c5-1b9d2e4f6a80") -> String {
    var fields = [
        #""eventVersion":"1.09""#,
        #""userIdentity":{"type":"IAMUser","arn":"\#(aliceArn)","accountId":"123456789012","userName":"alice"}"#,
        #""eventTime":"2025-03-04T10:11:42Z""#,
        #""eventSource":"\#(eventSource)""#,
        #""eventName":"\#(eventName)""#,
        #""awsRegion":"\#(region)""#,
        #""sourceIPAddress":"203.0.113.45""#,
        #""eventID":"\#(eventID)""#,
    ]
    if let requestParameters { fields.append(#""requestParameters":\#(requestParameters)"#) }
    if let errorCode { fields.append(#""errorCode":"\#(errorCode)","errorMessage":"Access Denied""#) }
    if let recipientAccountId { fields.append(#""recipientAccountId":"\#(recipientAccountId)""#) }
    return "{" + fields.joined(separator: ",") + "}"
}

/// Normalizes one JSON record into an event, the way the ingest path does.
private func event(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CLCloudTrailEvent {
    let result = try CloudTrailNormalizer.normalize(Array(json.utf8), tenant: tenant, source: "webhook",
                                                    receivedAtMs: 1_741_090_000_000)
    #expect(result.rejections.isEmpty, "\(result.rejections.map(\.message))", sourceLocation: sourceLocation)
    return try #require(result.events.first, sourceLocation: sourceLocation)
}

private func putBucketAcl(_ requestParameters: String?, errorCode: String? = nil) throws -> CLCloudTrailEvent {
    try event(record(eventSource: "s3.amazonaws.com", eventName: "PutBucketAcl", requestParameters: requestParameters,
                     errorCode: errorCode))
}

private let canonicalOwner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"

private enum ACLs {
    /// The grant list as CloudTrail records it for `aws s3api put-bucket-acl` with a public-read grant.
    static let allUsersGrantArray = #"{"bucketName":"demo-invoices","Host":"demo-invoices.s3.amazonaws.com","acl":"","#
        + #""AccessControlPolicy":{"AccessControlList":{"Grant":[{"Grantee":{"xsi:type":"CanonicalUser","ID":"\#(canonicalOwner)"},"#
        + #""Permission":"FULL_CONTROL"},{"Grantee":{"xsi:type":"Group","URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"#
        + #""Permission":"READ"}]},"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","Owner":{"ID":"\#(canonicalOwner)"}}}"#

    /// CloudTrail collapses a one-element Grant list into the element itself.
    static let allUsersGrantObject = #"{"bucketName":"open-bucket","AccessControlPolicy":{"AccessControlList":{"Grant":"#
        + #"{"Grantee":{"xsi:type":"Group","URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"WRITE"}},"#
        + #""Owner":{"ID":"\#(canonicalOwner)"}}}"#

    static let authenticatedUsersGrant = #"{"bucketName":"partner-drop","AccessControlPolicy":{"AccessControlList":{"Grant":["#
        + #"{"Grantee":{"xsi:type":"Group","URI":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},"#
        + #""Permission":"READ_ACP"}]},"Owner":{"ID":"\#(canonicalOwner)"}}}"#

    static let grantReadHeader =
        #"{"bucketName":"hdr-bucket","x-amz-grant-read":"uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""}"#

    static let grantFullControlHeaderList = #"{"bucketName":"hdr-list-bucket","x-amz-grant-full-control":["#
        + #""id=\"\#(canonicalOwner)\", uri=\"http://acs.amazonaws.com/groups/global/AuthenticatedUsers\""]}"#

    static let cannedPublicRead = #"{"bucketName":"canned-bucket","x-amz-acl":["public-read"]}"#

    static let cannedPublicReadWriteString = #"{"bucketName":"canned-rw-bucket","x-amz-acl":"public-read-write"}"#

    /// Only the owner's CanonicalUser grant: nothing public.
    static let privateACL = #"{"bucketName":"private-bucket","x-amz-acl":["private"],"AccessControlPolicy":{"#
        + #""AccessControlList":{"Grant":[{"Grantee":{"xsi:type":"CanonicalUser","ID":"\#(canonicalOwner)"},"#
        + #""Permission":"FULL_CONTROL"}]},"Owner":{"ID":"\#(canonicalOwner)"}}}"#
}

// MARK: - CL-CT-001 public bucket ACL

@Suite struct PublicBucketACLRuleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var requestParameters: String
        var bucket: String
        var grants: String
        var testDescription: String { name }
    }

    static let firing: [Case] = [
        Case(name: "Grant list with AllUsers", requestParameters: ACLs.allUsersGrantArray, bucket: "demo-invoices",
             grants: "AllUsers:READ"),
        Case(name: "single Grant object with AllUsers", requestParameters: ACLs.allUsersGrantObject, bucket: "open-bucket",
             grants: "AllUsers:WRITE"),
        Case(name: "AuthenticatedUsers grant", requestParameters: ACLs.authenticatedUsersGrant, bucket: "partner-drop",
             grants: "AuthenticatedUsers:READ_ACP"),
        Case(name: "x-amz-grant-read header", requestParameters: ACLs.grantReadHeader, bucket: "hdr-bucket",
             grants: "AllUsers:READ"),
        Case(name: "x-amz-grant-full-control header list", requestParameters: ACLs.grantFullControlHeaderList,
             bucket: "hdr-list-bucket", grants: "AuthenticatedUsers:FULL-CONTROL"),
        Case(name: "canned public-read", requestParameters: ACLs.cannedPublicRead, bucket: "canned-bucket",
             grants: "canned:public-read"),
        Case(name: "canned public-read-write as a string", requestParameters: ACLs.cannedPublicReadWriteString,
             bucket: "canned-rw-bucket", grants: "canned:public-read-write"),
    ]

    @Test(arguments: PublicBucketACLRuleTests.firing)
    func fires(_ c: Case) throws {
        let e = try putBucketAcl(c.requestParameters)
        let detections = RuleEngine(rules: [PublicBucketACLRule()], statefulRules: []).evaluate(e)
        try #require(detections.count == 1)
        let d = detections[0]
        #expect(d.rule.id == "CL-CT-001")
        #expect(d.match.resourceID == "arn:aws:s3:::\(c.bucket)")
        #expect(d.match.evidence["publicGrants"] == c.grants)
        #expect(d.match.evidence["requestParameters.bucketName"] == c.bucket)
        #expect(d.match.title == "S3 bucket \(c.bucket) ACL opened to the public")
    }

    @Test func findingFields() throws {
        let e = try putBucketAcl(ACLs.allUsersGrantArray)
        let detections = RuleEngine(rules: [PublicBucketACLRule()], statefulRules: []).evaluate(e)
        try #require(detections.count == 1)
        let f = detections[0].finding(tenant: tenant)
        #expect(f.tenantID == tenant)
        #expect(f.ruleID == "CL-CT-001")
        #expect(f.severity == CLSeverity.high)
        #expect(f.status == CLFindingStatus.open)
        #expect(f.category == "data-exposure")
        #expect(f.title == "S3 bucket demo-invoices ACL opened to the public")
        #expect(f.resourceType == "AWS::S3::Bucket")
        #expect(f.resourceID == "arn:aws:s3:::demo-invoices")
        #expect(f.accountID == "123456789012")
        #expect(f.region == "us-east-1")
        #expect(f.actorArn == aliceArn)
        #expect(f.eventIds == [e.eventID])
        #expect(f.eventIds == ["3c0f6e9a-8d2b-4f1e-a7c5-1b9d2e4f6a80"])
        #expect(f.evidence["eventID"] == e.eventID)
        #expect(f.evidence["eventName"] == "PutBucketAcl")
        #expect(f.evidence["eventSource"] == "s3.amazonaws.com")
        #expect(f.evidence["eventTime"] == "2025-03-04T10:11:42Z")
        #expect(f.evidence["sourceIPAddress"] == "203.0.113.45")
        #expect(f.evidence["userIdentity.arn"] == aliceArn)
        #expect(f.evidence["publicGrants"] == "AllUsers:READ")
        #expect(f.references.contains { $0.framework == "MITRE-ATTACK" && $0.id == "T1530" })
        #expect(f.references.contains { $0.framework == "AWS-SECURITY-HUB" && $0.id == "S3.2" })
        #expect(!f.description_p.isEmpty)
        #expect(!f.remediation.isEmpty)
        #expect(f.firstSeenMs == e.eventTimeMs)
        #expect(f.lastSeenMs == e.eventTimeMs)
        #expect(f.dedupKey == "CL-CT-001|123456789012|us-east-1|arn:aws:s3:::demo-invoices")
        #expect(detections[0].dedupKey == f.dedupKey)
    }

    @Test func doesNotFireForPrivateACL() throws {
        let e = try putBucketAcl(ACLs.privateACL)
        #expect(RuleEngine(rules: [PublicBucketACLRule()], statefulRules: []).evaluate(e).isEmpty)
        // The rule on its own agrees.
        let request = try JSONParser.parse(Array(e.requestParametersJson.utf8)).value
        let fired = PublicBucketACLRule().evaluate(e, request: request) != nil
        #expect(!fired)
    }

    @Test func doesNotFireWhenTheCallFailed() throws {
        let e = try putBucketAcl(ACLs.allUsersGrantArray, errorCode: "AccessDenied")
        #expect(e.errorCode == "AccessDenied")
        #expect(RuleEngine(rules: [PublicBucketACLRule()], statefulRules: []).evaluate(e).isEmpty)
    }

    @Test func doesNotFireWithoutRequestParameters() throws {
        for requestParameters in [nil, "null", #"{"bucketName":"b","acl":""}"#, "{}"] as [String?] {
            let e = try putBucketAcl(requestParameters)
            #expect(RuleEngine(rules: [PublicBucketACLRule()], statefulRules: []).evaluate(e).isEmpty, "requestParameters \(requestParameters ?? "absent")")
        }
    }

    @Test func doesNotFireForGetBucketAcl() throws {
        // Same public-looking request, but reading an ACL changes nothing.
        let e = try event(record(eventSource: "s3.amazonaws.com", eventName: "GetBucketAcl",
                                 requestParameters: ACLs.allUsersGrantArray))
        #expect(RuleEngine(rules: [PublicBucketACLRule()], statefulRules: []).evaluate(e).isEmpty)
    }

    @Test func doesNotFireForTheSameNameFromAnotherService() throws {
        let e = try event(record(eventSource: "ec2.amazonaws.com", eventName: "PutBucketAcl",
                                 requestParameters: ACLs.allUsersGrantArray))
        #expect(RuleEngine(rules: [PublicBucketACLRule()], statefulRules: []).evaluate(e).isEmpty)
    }

    @Test func missingBucketNameKeepsTheGenericTitle() throws {
        let e = try putBucketAcl(#"{"x-amz-acl":"public-read"}"#)
        let detections = RuleEngine(rules: [PublicBucketACLRule()], statefulRules: []).evaluate(e)
        try #require(detections.count == 1)
        let f = detections[0].finding(tenant: tenant)
        #expect(f.resourceID == "")
        #expect(f.title == PublicBucketACLRule().metadata.title)
    }

    @Test func severalPublicGrantsAreAllListed() throws {
        let request = #"{"bucketName":"wide-open","x-amz-acl":"authenticated-read","#
            + #""x-amz-grant-write":"uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""}"#
        let e = try putBucketAcl(request)
        let detections = RuleEngine(rules: [PublicBucketACLRule()], statefulRules: []).evaluate(e)
        try #require(detections.count == 1)
        let grants = detections[0].match.evidence["publicGrants"] ?? ""
        #expect(grants.contains("AllUsers:WRITE"))
        #expect(grants.contains("canned:authenticated-read"))
    }
}

// MARK: - CL-CT-002 CloudTrail logging disabled

@Suite struct CloudTrailLoggingDisabledRuleTests {
    private func cloudTrailEvent(_ name: String, trail: String?, errorCode: String? = nil, region: String = "us-east-1",
                                 recipientAccountId: String? = "123456789012") throws -> CLCloudTrailEvent {
        let request = trail.map { #"{"name":"\#($0)"}"# }
        return try event(record(eventSource: "cloudtrail.amazonaws.com", eventName: name, requestParameters: request,
                                errorCode: errorCode, region: region, recipientAccountId: recipientAccountId,
                                eventID: "5f8c2a7e-3b1d-4c9a-9e2f-7a6b5c4d3e21"))
    }

    @Test func stopLoggingWithTrailARN() throws {
        let arn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events"
        let e = try cloudTrailEvent("StopLogging", trail: arn)
        let detections = RuleEngine(rules: [CloudTrailLoggingDisabledRule()], statefulRules: []).evaluate(e)
        try #require(detections.count == 1)
        let f = detections[0].finding(tenant: tenant)
        #expect(f.ruleID == "CL-CT-002")
        #expect(f.severity == CLSeverity.critical)
        #expect(f.resourceType == "AWS::CloudTrail::Trail")
        #expect(f.resourceID == arn)
        #expect(f.title == "CloudTrail trail management-events stopped")
        #expect(f.evidence["requestParameters.name"] == arn)
        #expect(f.evidence["eventID"] == e.eventID)
        #expect(f.eventIds == [e.eventID])
        #expect(f.references.contains { $0.framework == "MITRE-ATTACK" && $0.id == "T1562.008" })
    }

    @Test func stopLoggingWithPlainNameBuildsTheARN() throws {
        let e = try cloudTrailEvent("StopLogging", trail: "management-events", region: "eu-west-1",
                                    recipientAccountId: "210987654321")
        let detections = RuleEngine(rules: [CloudTrailLoggingDisabledRule()], statefulRules: []).evaluate(e)
        try #require(detections.count == 1)
        #expect(detections[0].match.resourceID == "arn:aws:cloudtrail:eu-west-1:210987654321:trail/management-events")
        #expect(detections[0].match.title == "CloudTrail trail management-events stopped")
    }

    @Test func plainNameFallsBackToTheCallersAccount() throws {
        let e = try cloudTrailEvent("StopLogging", trail: "audit", region: "ap-southeast-2", recipientAccountId: nil)
        let detections = RuleEngine(rules: [CloudTrailLoggingDisabledRule()], statefulRules: []).evaluate(e)
        try #require(detections.count == 1)
        #expect(detections[0].match.resourceID == "arn:aws:cloudtrail:ap-southeast-2:123456789012:trail/audit")
        #expect(detections[0].finding(tenant: tenant).accountID == "123456789012")
    }

    @Test func deleteTrail() throws {
        let arn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/data-events-s3"
        let e = try cloudTrailEvent("DeleteTrail", trail: arn)
        let detections = RuleEngine(rules: [CloudTrailLoggingDisabledRule()], statefulRules: []).evaluate(e)
        try #require(detections.count == 1)
        #expect(detections[0].rule.id == "CL-CT-002")
        #expect(detections[0].match.resourceID == arn)
        #expect(detections[0].match.title == "CloudTrail trail data-events-s3 deleted")
    }

    @Test func withoutATrailNameItStillFires() throws {
        let e = try cloudTrailEvent("StopLogging", trail: nil)
        let detections = RuleEngine(rules: [CloudTrailLoggingDisabledRule()], statefulRules: []).evaluate(e)
        try #require(detections.count == 1)
        #expect(detections[0].match.resourceID == "")
        #expect(detections[0].finding(tenant: tenant).title == CloudTrailLoggingDisabledRule().metadata.title)
    }

    @Test func startLoggingDoesNotFire() throws {
        let e = try cloudTrailEvent("StartLogging", trail: "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events")
        #expect(RuleEngine(rules: [CloudTrailLoggingDisabledRule()], statefulRules: []).evaluate(e).isEmpty)
    }

    @Test(arguments: ["StopLogging", "DeleteTrail"])
    func failedCallsDoNotFire(_ name: String) throws {
        let e = try cloudTrailEvent(name, trail: "management-events", errorCode: "AccessDenied")
        #expect(RuleEngine(rules: [CloudTrailLoggingDisabledRule()], statefulRules: []).evaluate(e).isEmpty)
    }

    @Test func eventBridgeDeliveryFires() throws {
        let detail = record(eventSource: "cloudtrail.amazonaws.com", eventName: "StopLogging",
                            requestParameters: #"{"name":"management-events"}"#)
        let envelope = #"{"version":"0","detail-type":"AWS API Call via CloudTrail","source":"aws.cloudtrail","detail":"#
            + detail + "}"
        let e = try event(envelope)
        #expect(e.ingestSource == "eventbridge")
        let detections = RuleEngine(rules: [CloudTrailLoggingDisabledRule()], statefulRules: []).evaluate(e)
        #expect(detections.map(\.rule.id) == ["CL-CT-002"])
    }
}

// MARK: - Engine and catalog

/// A rule that matches every event it is shown, so the tests can see which events the engine shows it.
private struct MatchEverything: EventRule {
    let metadata = RuleMetadata(
        id: "TEST-001", title: "test rule", severity: .low, category: "test", description: "matches everything",
        rationale: "testing", remediation: "none", evidenceFields: [], references: [("TEST", "1")])
    let triggers = [EventKey("s3.amazonaws.com", "GetObject")]

    func evaluate(_ event: CLCloudTrailEvent, request: JSONValue?) -> RuleMatch? {
        RuleMatch(resourceType: "test", resourceID: request?["bucketName"]?.string ?? "no-request")
    }
}

@Suite struct RuleEngineTests {
    @Test func unrelatedEventGivesNothing() throws {
        let e = try event(record(eventSource: "s3.amazonaws.com", eventName: "ListBuckets", requestParameters: nil))
        #expect(RuleEngine().evaluate(e).isEmpty)
        let ec2 = try event(record(eventSource: "ec2.amazonaws.com", eventName: "DescribeInstances",
                                   requestParameters: #"{"instancesSet":{},"filterSet":{}}"#))
        #expect(RuleEngine().evaluate(ec2).isEmpty)
    }

    @Test func onlyIndexedRulesAreEvaluated() throws {
        let engine = RuleEngine(rules: [MatchEverything()])
        let getObject = try event(record(eventSource: "s3.amazonaws.com", eventName: "GetObject",
                                         requestParameters: #"{"bucketName":"logs","key":"a.txt"}"#))
        let detections = engine.evaluate(getObject)
        #expect(detections.map(\.rule.id) == ["TEST-001"])
        #expect(detections.first?.match.resourceID == "logs", "the rule receives the parsed requestParameters")

        let noRequest = try event(record(eventSource: "s3.amazonaws.com", eventName: "GetObject", requestParameters: nil))
        #expect(engine.evaluate(noRequest).first?.match.resourceID == "no-request")

        // A rule that would match anything is never shown events outside its triggers.
        for (source, name) in [("s3.amazonaws.com", "PutObject"), ("s3.amazonaws.com", "PutBucketAcl"),
                               ("cloudtrail.amazonaws.com", "StopLogging"), ("ec2.amazonaws.com", "GetObject")] {
            let other = try event(record(eventSource: source, eventName: name, requestParameters: #"{"bucketName":"x"}"#))
            #expect(engine.evaluate(other).isEmpty, "\(source) \(name)")
        }
    }

    @Test func emptyEngineFindsNothing() throws {
        let engine = RuleEngine(rules: [])
        #expect(engine.rules.isEmpty)
        let e = try event(record(eventSource: "cloudtrail.amazonaws.com", eventName: "StopLogging",
                                 requestParameters: #"{"name":"t"}"#))
        #expect(engine.evaluate(e).isEmpty)
        #expect(RuleEngine().evaluate(e).count == 1)
    }

    @Test func rulesSharingATriggerAllRun() throws {
        let engine = RuleEngine(rules: RuleCatalog.all + [MatchEverything(), MatchEverything()])
        let e = try event(record(eventSource: "s3.amazonaws.com", eventName: "GetObject", requestParameters: nil))
        #expect(engine.evaluate(e).count == 2)
    }

    @Test func defaultEngineUsesTheCatalog() {
        #expect(RuleEngine().rules.map(\.metadata.id) == RuleCatalog.all.map(\.metadata.id))
    }

    @Test func catalogRulesAreWellFormed() {
        let rules = RuleCatalog.all
        #expect(!rules.isEmpty)
        let ids = rules.map(\.metadata.id)
        #expect(Set(ids).count == ids.count, "rule ids must be unique: \(ids)")
        #expect(ids.contains("CL-CT-001"))
        #expect(ids.contains("CL-CT-002"))
        for rule in rules {
            let m = rule.metadata
            #expect(m.id.hasPrefix("CL-"), "\(m.id)")
            #expect(!m.title.isEmpty, "\(m.id) title")
            #expect(!m.description.isEmpty, "\(m.id) description")
            #expect(!m.rationale.isEmpty, "\(m.id) rationale")
            #expect(!m.remediation.isEmpty, "\(m.id) remediation")
            #expect(!m.category.isEmpty, "\(m.id) category")
            #expect(m.severity != CLSeverity.unspecified, "\(m.id) severity")
            #expect(!m.references.isEmpty, "\(m.id) references")
            #expect(m.references.allSatisfy { !$0.framework.isEmpty && !$0.id.isEmpty }, "\(m.id) references")
            #expect(!rule.triggers.isEmpty, "\(m.id) triggers")
        }
    }
}
