import CloudTrail
import Detection
import Foundation
import Testing
import Wire

/// Builds a CloudTrail record as JSON text. Written by us for these tests.
func ctRecord(_ source: String, _ name: String, params: String = "null", response: String = "null", extra: String = "null",
              error: String? = nil, identity: String? = nil, time: String = "2026-11-20T10:00:00Z",
              id: String = UUID().uuidString.lowercased(), readOnly: Bool = false, region: String = "us-east-1") -> String {
    let who = identity ?? #"{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAALICE","userName":"alice"}"#
    let err = error.map { #""errorCode":"\#($0)","errorMessage":"denied","# } ?? ""
    return #"{"eventVersion":"1.09","userIdentity":\#(who),"eventTime":"\#(time)","eventSource":"\#(source)","eventName":"\#(name)","awsRegion":"\#(region)","sourceIPAddress":"198.51.100.20","userAgent":"aws-cli/2","requestParameters":\#(params),"responseElements":\#(response),"additionalEventData":\#(extra),\#(err)"requestID":"r-1","eventID":"\#(id)","readOnly":\#(readOnly),"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}"#
}

func ctEvent(_ json: String) throws -> CLCloudTrailEvent {
    let r = try CloudTrailNormalizer.normalize(Array(json.utf8), tenant: "11111111-1111-1111-1111-111111111111",
                                               source: "webhook", receivedAtMs: 0)
    guard let e = r.events.first else { throw IngestBodyError("fixture did not normalize: \(r.rejections.first?.message ?? "")") }
    return e
}

let rootIdentity = #"{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"}"#
let roleIdentity = #"{"type":"AssumedRole","principalId":"AROA:ops","arn":"arn:aws:sts::111122223333:assumed-role/ops/bob","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/ops","userName":"ops"}}}"#

/// One positive and one negative record for every single-event rule.
let fixtures: [String: (positive: String, negative: String)] = [
    "CL-CT-001": (ctRecord("s3.amazonaws.com", "PutBucketAcl", params: #"{"bucketName":"b","AccessControlPolicy":{"AccessControlList":{"Grant":{"Grantee":{"URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"READ"}}}}"#),
                  ctRecord("s3.amazonaws.com", "PutBucketAcl", params: #"{"bucketName":"b","AccessControlPolicy":{"AccessControlList":{"Grant":{"Grantee":{"ID":"abc"},"Permission":"FULL_CONTROL"}}}}"#)),
    "CL-CT-002": (ctRecord("cloudtrail.amazonaws.com", "StopLogging", params: #"{"name":"main"}"#),
                  ctRecord("cloudtrail.amazonaws.com", "StopLogging", params: #"{"name":"main"}"#, error: "AccessDenied")),
    "CL-CT-003": (ctRecord("ec2.amazonaws.com", "DescribeInstances", error: "Client.UnauthorizedOperation"),
                  ctRecord("ec2.amazonaws.com", "DescribeInstances", error: "InvalidParameterValue")),
    "CL-CT-004": (ctRecord("signin.amazonaws.com", "ConsoleLogin", response: #"{"ConsoleLogin":"Success"}"#, extra: #"{"MFAUsed":"No"}"#),
                  ctRecord("signin.amazonaws.com", "ConsoleLogin", response: #"{"ConsoleLogin":"Success"}"#, extra: #"{"MFAUsed":"Yes"}"#)),
    "CL-CT-005": (ctRecord("s3.amazonaws.com", "ListBuckets", identity: rootIdentity, readOnly: true),
                  ctRecord("s3.amazonaws.com", "ListBuckets", readOnly: true)),
    "CL-CT-006": (ctRecord("iam.amazonaws.com", "PutRolePolicy", params: #"{"roleName":"app","policyName":"p"}"#),
                  ctRecord("iam.amazonaws.com", "GetRolePolicy", params: #"{"roleName":"app","policyName":"p"}"#)),
    "CL-CT-007": (ctRecord("cloudtrail.amazonaws.com", "UpdateTrail", params: #"{"name":"main"}"#),
                  ctRecord("cloudtrail.amazonaws.com", "DescribeTrails", readOnly: true)),
    "CL-CT-008": (ctRecord("signin.amazonaws.com", "ConsoleLogin", response: #"{"ConsoleLogin":"Failure"}"#, error: "Failed authentication"),
                  ctRecord("signin.amazonaws.com", "ConsoleLogin", response: #"{"ConsoleLogin":"Success"}"#, extra: #"{"MFAUsed":"Yes"}"#)),
    "CL-CT-009": (ctRecord("kms.amazonaws.com", "ScheduleKeyDeletion", params: #"{"keyId":"k-1","pendingWindowInDays":7}"#),
                  ctRecord("kms.amazonaws.com", "EnableKey", params: #"{"keyId":"k-1"}"#)),
    "CL-CT-010": (ctRecord("s3.amazonaws.com", "DeleteBucketPolicy", params: #"{"bucketName":"b"}"#),
                  ctRecord("s3.amazonaws.com", "GetBucketPolicy", params: #"{"bucketName":"b"}"#, readOnly: true)),
    "CL-CT-011": (ctRecord("config.amazonaws.com", "StopConfigurationRecorder", params: #"{"configurationRecorderName":"default"}"#),
                  ctRecord("config.amazonaws.com", "StartConfigurationRecorder", params: #"{"configurationRecorderName":"default"}"#)),
    "CL-CT-012": (ctRecord("ec2.amazonaws.com", "CreateSecurityGroup", params: #"{"groupName":"web"}"#),
                  ctRecord("ec2.amazonaws.com", "DescribeSecurityGroups", readOnly: true)),
    "CL-CT-013": (ctRecord("ec2.amazonaws.com", "CreateNetworkAclEntry", params: #"{"networkAclId":"acl-1"}"#),
                  ctRecord("ec2.amazonaws.com", "DescribeNetworkAcls", readOnly: true)),
    "CL-CT-014": (ctRecord("ec2.amazonaws.com", "AttachInternetGateway", params: #"{"internetGatewayId":"igw-1","vpcId":"vpc-1"}"#),
                  ctRecord("ec2.amazonaws.com", "AttachInternetGateway", params: #"{"internetGatewayId":"igw-1"}"#, error: "AccessDenied")),
    "CL-CT-015": (ctRecord("ec2.amazonaws.com", "CreateRoute", params: #"{"routeTableId":"rtb-1"}"#),
                  ctRecord("ec2.amazonaws.com", "DescribeRouteTables", readOnly: true)),
    "CL-CT-016": (ctRecord("ec2.amazonaws.com", "CreateVpcPeeringConnection", params: #"{"vpcId":"vpc-1"}"#),
                  ctRecord("ec2.amazonaws.com", "DescribeVpcs", readOnly: true)),
    "CL-CT-017": (ctRecord("organizations.amazonaws.com", "DetachPolicy", params: #"{"policyId":"p-1","targetId":"ou-1"}"#),
                  ctRecord("organizations.amazonaws.com", "ListPolicies", readOnly: true)),
    "CL-CT-018": (ctRecord("securityhub.amazonaws.com", "DisableSecurityHub"),
                  ctRecord("securityhub.amazonaws.com", "EnableSecurityHub")),
    "CL-CT-020": (ctRecord("cloudtrail.amazonaws.com", "PutEventSelectors", params: #"{"trailName":"main","eventSelectors":[{"readWriteType":"All","includeManagementEvents":false}]}"#),
                  ctRecord("cloudtrail.amazonaws.com", "PutEventSelectors", params: #"{"trailName":"main","eventSelectors":[{"readWriteType":"All","includeManagementEvents":true}]}"#)),
    "CL-CT-021": (ctRecord("s3.amazonaws.com", "PutBucketLifecycle", params: #"{"bucketName":"trail-logs","LifecycleConfiguration":{"Rule":{"ID":"x","Status":"Enabled","Expiration":{"Days":1}}}}"#),
                  ctRecord("s3.amazonaws.com", "PutBucketLifecycle", params: #"{"bucketName":"trail-logs","LifecycleConfiguration":{"Rule":{"ID":"x","Status":"Enabled","Expiration":{"Days":365}}}}"#)),
    "CL-CT-022": (ctRecord("guardduty.amazonaws.com", "UpdateDetector", params: #"{"detectorId":"d-1","enable":false}"#),
                  ctRecord("guardduty.amazonaws.com", "UpdateDetector", params: #"{"detectorId":"d-1","enable":true}"#)),
    "CL-CT-023": (ctRecord("ec2.amazonaws.com", "DeleteFlowLogs", params: #"{"DeleteFlowLogsRequest":{"FlowLogId":{"content":"fl-1","tag":1}}}"#),
                  ctRecord("ec2.amazonaws.com", "CreateFlowLogs", params: #"{"resourceIds":["vpc-1"]}"#)),
    "CL-CT-024": (ctRecord("route53resolver.amazonaws.com", "DeleteResolverQueryLogConfig", params: #"{"resolverQueryLogConfigId":"rqlc-1"}"#),
                  ctRecord("route53resolver.amazonaws.com", "CreateResolverQueryLogConfig", params: #"{"name":"x"}"#)),
    "CL-CT-025": (ctRecord("organizations.amazonaws.com", "LeaveOrganization"),
                  ctRecord("organizations.amazonaws.com", "LeaveOrganization", error: "AccessDeniedException")),
    "CL-CT-026": (ctRecord("iam.amazonaws.com", "AttachUserPolicy", params: #"{"userName":"eve","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}"#),
                  ctRecord("iam.amazonaws.com", "AttachUserPolicy", params: #"{"userName":"eve","policyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}"#)),
    "CL-CT-027": (ctRecord("iam.amazonaws.com", "UpdateAssumeRolePolicy", params: #"{"roleName":"ops","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999988887777:root\"},\"Action\":\"sts:AssumeRole\"}]}"}"#),
                  ctRecord("iam.amazonaws.com", "UpdateAssumeRolePolicy", params: #"{"roleName":"ops","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"sts:AssumeRole\"}]}"}"#)),
    "CL-CT-028": (ctRecord("iam.amazonaws.com", "CreateAccessKey", params: #"{"userName":"bob"}"#),
                  ctRecord("iam.amazonaws.com", "CreateAccessKey", params: #"{"userName":"alice"}"#)),
    "CL-CT-029": (ctRecord("iam.amazonaws.com", "CreateLoginProfile", params: #"{"userName":"bob","passwordResetRequired":false}"#),
                  ctRecord("iam.amazonaws.com", "UpdateLoginProfile", params: #"{"userName":"alice"}"#)),
    "CL-CT-030": (ctRecord("lambda.amazonaws.com", "AddPermission20150331v2", params: #"{"functionName":"f","principal":"*","action":"lambda:InvokeFunction"}"#),
                  ctRecord("lambda.amazonaws.com", "AddPermission20150331v2", params: #"{"functionName":"f","principal":"*","sourceAccount":"111122223333"}"#)),
    "CL-CT-031": (ctRecord("lambda.amazonaws.com", "UpdateFunctionCode20150331v2", params: #"{"functionName":"f"}"#),
                  ctRecord("lambda.amazonaws.com", "GetFunction20150331v2", params: #"{"functionName":"f"}"#)),
    "CL-CT-032": (ctRecord("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2", params: #"{"functionName":"f","layers":["arn:aws:lambda:us-east-1:999988887777:layer:x:1"]}"#),
                  ctRecord("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2", params: #"{"functionName":"f","timeout":30}"#)),
    "CL-CT-033": (ctRecord("ec2.amazonaws.com", "ModifySnapshotAttribute", params: #"{"snapshotId":"snap-1","attributeType":"CREATE_VOLUME_PERMISSION","createVolumePermission":{"add":{"items":[{"group":"all"}]}}}"#),
                  ctRecord("ec2.amazonaws.com", "ModifySnapshotAttribute", params: #"{"snapshotId":"snap-1","createVolumePermission":{"remove":{"items":[{"group":"all"}]}}}"#)),
    "CL-CT-034": (ctRecord("ec2.amazonaws.com", "ModifyImageAttribute", params: #"{"imageId":"ami-1","launchPermission":{"add":{"items":[{"userId":"999988887777"}]}}}"#),
                  ctRecord("ec2.amazonaws.com", "ModifyImageAttribute", params: #"{"imageId":"ami-1","launchPermission":{"add":{"items":[{"userId":"111122223333"}]}}}"#)),
    "CL-CT-035": (ctRecord("rds.amazonaws.com", "ModifyDBSnapshotAttribute", params: #"{"dBSnapshotIdentifier":"s1","attributeName":"restore","valuesToAdd":["999988887777"]}"#),
                  ctRecord("rds.amazonaws.com", "ModifyDBSnapshotAttribute", params: #"{"dBSnapshotIdentifier":"s1","attributeName":"restore","valuesToRemove":["999988887777"]}"#)),
    "CL-CT-036": (ctRecord("s3.amazonaws.com", "PutBucketPolicy", params: #"{"bucketName":"b","bucketPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}}"#),
                  ctRecord("s3.amazonaws.com", "PutBucketPolicy", params: #"{"bucketName":"b","bucketPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}}"#)),
    "CL-CT-037": (ctRecord("s3.amazonaws.com", "PutBucketReplication", params: #"{"bucketName":"b","ReplicationConfiguration":{"Role":"r","Rule":{"Destination":{"Bucket":"arn:aws:s3:::x","Account":"999988887777"}}}}"#),
                  ctRecord("s3.amazonaws.com", "PutBucketReplication", params: #"{"bucketName":"b","ReplicationConfiguration":{"Role":"r","Rule":{"Destination":{"Bucket":"arn:aws:s3:::x"}}}}"#)),
    "CL-CT-038": (ctRecord("ssm.amazonaws.com", "GetParameter", params: #"{"name":"/db/password","withDecryption":true}"#),
                  ctRecord("ssm.amazonaws.com", "GetParameter", params: #"{"name":"/app/colour","withDecryption":false}"#)),
    "CL-CT-040": (ctRecord("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", params: #"{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":0,"toPort":1024,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}"#),
                  ctRecord("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", params: #"{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}"#)),
    "CL-CT-041": (ctRecord("s3.amazonaws.com", "PutBucketPublicAccessBlock", params: #"{"bucketName":"b","PublicAccessBlockConfiguration":{"BlockPublicAcls":false,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}}"#),
                  ctRecord("s3.amazonaws.com", "PutBucketPublicAccessBlock", params: #"{"bucketName":"b","PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}}"#)),
    "CL-CT-042": (ctRecord("rds.amazonaws.com", "ModifyDBInstance", params: #"{"dBInstanceIdentifier":"db1","publiclyAccessible":true}"#),
                  ctRecord("rds.amazonaws.com", "ModifyDBInstance", params: #"{"dBInstanceIdentifier":"db1","publiclyAccessible":false}"#)),
    "CL-CT-043": (ctRecord("ec2.amazonaws.com", "ModifyInstanceMetadataOptions", params: #"{"ModifyInstanceMetadataOptionsRequest":{"InstanceId":"i-1","HttpTokens":"optional"}}"#),
                  ctRecord("ec2.amazonaws.com", "ModifyInstanceMetadataOptions", params: #"{"ModifyInstanceMetadataOptionsRequest":{"InstanceId":"i-1","HttpTokens":"required"}}"#)),
    "CL-CT-044": (ctRecord("iam.amazonaws.com", "UpdateAccountPasswordPolicy", params: #"{"minimumPasswordLength":8,"passwordReusePrevention":24}"#),
                  ctRecord("iam.amazonaws.com", "UpdateAccountPasswordPolicy", params: #"{"minimumPasswordLength":16,"passwordReusePrevention":24}"#)),
    "CL-CT-045": (ctRecord("ec2.amazonaws.com", "GetPasswordData", params: #"{"instanceId":"i-1"}"#),
                  ctRecord("ec2.amazonaws.com", "GetPasswordData", params: #"{"instanceId":"i-1"}"#, error: "AccessDenied")),
    "CL-CT-046": (ctRecord("sts.amazonaws.com", "GetFederationToken", params: #"{"name":"x"}"#),
                  ctRecord("sts.amazonaws.com", "GetSessionToken")),
    "CL-CT-047": (ctRecord("rolesanywhere.amazonaws.com", "CreateTrustAnchor", params: #"{"name":"ta"}"#),
                  ctRecord("rolesanywhere.amazonaws.com", "ListTrustAnchors", readOnly: true)),
    "CL-CT-048": (ctRecord("ec2-instance-connect.amazonaws.com", "SendSSHPublicKey", params: #"{"instanceId":"i-1","instanceOSUser":"ec2-user"}"#),
                  ctRecord("ec2-instance-connect.amazonaws.com", "SendSSHPublicKey", params: #"{"instanceId":"i-1"}"#, error: "AccessDenied")),
    "CL-CT-049": (ctRecord("ssm.amazonaws.com", "SendCommand", params: #"{"documentName":"AWS-RunShellScript","instanceIds":["i-1"]}"#),
                  ctRecord("ssm.amazonaws.com", "ListCommands", readOnly: true)),
    "CL-CT-050": (ctRecord("ec2.amazonaws.com", "ModifyInstanceAttribute", params: #"{"instanceId":"i-1","userData":"<sensitive>"}"#),
                  ctRecord("ec2.amazonaws.com", "ModifyInstanceAttribute", params: #"{"instanceId":"i-1","instanceType":{"value":"t3.large"}}"#)),
    "CL-CT-051": (ctRecord("iam.amazonaws.com", "CreatePolicyVersion", params: #"{"policyArn":"arn:aws:iam::111122223333:policy/p","setAsDefault":true}"#),
                  ctRecord("iam.amazonaws.com", "CreatePolicyVersion", params: #"{"policyArn":"arn:aws:iam::111122223333:policy/p","setAsDefault":false}"#)),
    "CL-CT-052": (ctRecord("ec2.amazonaws.com", "RunInstances", params: #"{"instanceType":"p4d.24xlarge"}"#),
                  ctRecord("ec2.amazonaws.com", "RunInstances", params: #"{"instanceType":"t3.micro"}"#)),
    "CL-CT-053": (ctRecord("ses.amazonaws.com", "GetAccountSendingEnabled", readOnly: true),
                  ctRecord("ses.amazonaws.com", "GetAccountSendingEnabled", error: "AccessDenied", readOnly: true)),
]

@Suite("Rule catalog fixtures")
struct CatalogFixtureTests {
    let engine = RuleEngine()

    @Test("every single-event rule has a positive and a negative fixture")
    func everyRuleHasFixtures() {
        let ids = Set(RuleCatalog.all.map(\.metadata.id))
        #expect(ids.subtracting(fixtures.keys).isEmpty, "rules without fixtures: \(ids.subtracting(fixtures.keys).sorted())")
        #expect(Set(fixtures.keys).subtracting(ids).isEmpty, "fixtures without rules: \(Set(fixtures.keys).subtracting(ids).sorted())")
    }

    @Test("positive fixtures fire their rule", arguments: fixtures.keys.sorted())
    func positive(_ id: String) throws {
        let event = try ctEvent(fixtures[id]!.positive)
        let fired = engine.evaluate(event).map(\.rule.id)
        #expect(fired.contains(id), "\(id) did not fire; fired: \(fired)")
    }

    @Test("negative fixtures do not fire their rule", arguments: fixtures.keys.sorted())
    func negative(_ id: String) throws {
        let event = try ctEvent(fixtures[id]!.negative)
        let fired = engine.evaluate(event).map(\.rule.id)
        #expect(!fired.contains(id), "\(id) fired on its negative fixture")
    }

    @Test("every rule, stateful ones included, is documented and referenced")
    func metadataComplete() {
        let all = engine.catalog
        #expect(Set(all.map(\.id)).count == all.count, "duplicate rule ids")
        for m in all {
            #expect(!m.title.isEmpty && !m.description.isEmpty && !m.rationale.isEmpty && !m.remediation.isEmpty, "\(m.id)")
            #expect(!m.references.isEmpty, "\(m.id) has no references")
            #expect(m.severity != .unspecified, "\(m.id)")
        }
        // Every CIS v3.0 monitoring control 4.1 to 4.16 is covered.
        let cis = Set(all.flatMap(\.references).filter { $0.framework == "CIS-AWS-3.0" }.map(\.id))
        for n in 1...16 { #expect(cis.contains("4.\(n)"), "CIS 4.\(n) not covered") }
    }

    @Test("a specific finding replaces the generic change finding on the same event")
    func supersession() throws {
        let public_ = try ctEvent(fixtures["CL-CT-001"]!.positive)
        #expect(engine.evaluate(public_).map(\.rule.id) == ["CL-CT-001"])
        let private_ = try ctEvent(fixtures["CL-CT-001"]!.negative)
        #expect(engine.evaluate(private_).map(\.rule.id) == ["CL-CT-010"])
        let admin = try ctEvent(fixtures["CL-CT-026"]!.positive)
        #expect(engine.evaluate(admin).map(\.rule.id) == ["CL-CT-026"])
        let readOnly = try ctEvent(fixtures["CL-CT-026"]!.negative)
        #expect(engine.evaluate(readOnly).map(\.rule.id) == ["CL-CT-006"])
    }

    @Test("stateful: ten failed sign-ins in five minutes fire once; nine, or ten spread over an hour, do not")
    func bruteForceThreshold() throws {
        func failure(_ second: Int, user: String = "carol", id: String? = nil) throws -> CLCloudTrailEvent {
            let t = ISO8601.format(milliseconds: 1_795_000_000_000 + Int64(second) * 1000)
            return try ctEvent(ctRecord("signin.amazonaws.com", "ConsoleLogin", response: #"{"ConsoleLogin":"Failure"}"#,
                                        error: "Failed authentication",
                                        identity: #"{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/\#(user)","accountId":"111122223333","userName":"\#(user)"}"#,
                                        time: t, id: id ?? UUID().uuidString))
        }
        var state = DetectionState()
        var fired: [Detection] = []
        // Out of order within the window, plus one duplicate delivery that must not count.
        let seconds = [0, 30, 60, 20, 90, 120, 150, 180, 40, 210]
        for (i, s) in seconds.enumerated() {
            let e = try failure(s, id: "e\(i)")
            fired += engine.evaluateStateful(e, state: &state).filter { $0.rule.id == "CL-ST-001" }
            if i == 3 { fired += engine.evaluateStateful(e, state: &state).filter { $0.rule.id == "CL-ST-001" } }
        }
        #expect(fired.count == 1)
        #expect(fired.first.map { Set($0.eventIDs) } == Set((0..<10).map { "e\($0)" }))
        // The state survives a round trip through its stored form.
        let restored = try JSONDecoder().decode(DetectionState.self, from: JSONEncoder().encode(state))
        #expect(restored == state)

        var sparse = DetectionState()
        var late: [Detection] = []
        for i in 0..<10 { late += engine.evaluateStateful(try failure(i * 400, user: "dave"), state: &sparse).filter { $0.rule.id == "CL-ST-001" } }
        #expect(late.isEmpty)
        var nine = DetectionState()
        var few: [Detection] = []
        for i in 0..<9 { few += engine.evaluateStateful(try failure(i, user: "erin"), state: &nine).filter { $0.rule.id == "CL-ST-001" } }
        #expect(few.isEmpty)
    }

    @Test("stateful: create user, make it admin, give it a key, within an hour by one actor")
    func adminUserSequence() throws {
        var state = DetectionState()
        let base: Int64 = 1_795_000_000_000
        func at(_ minutes: Int64) -> String { ISO8601.format(milliseconds: base + minutes * 60_000) }
        let steps = [
            ctRecord("iam.amazonaws.com", "CreateUser", params: #"{"userName":"backdoor"}"#, time: at(0)),
            ctRecord("iam.amazonaws.com", "AttachUserPolicy", params: #"{"userName":"backdoor","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}"#, time: at(5)),
            ctRecord("iam.amazonaws.com", "CreateAccessKey", params: #"{"userName":"backdoor"}"#, time: at(10)),
        ]
        var fired: [Detection] = []
        for s in steps { fired += engine.evaluateStateful(try ctEvent(s), state: &state).filter { $0.rule.id == "CL-ST-003" } }
        #expect(fired.count == 1)
        #expect(fired.first?.eventIDs.count == 3)
        #expect(fired.first?.match.evidence["user"] == "backdoor")

        // The key for a different user does not complete the sequence; nor does a gap over an hour.
        var other = DetectionState()
        var none: [Detection] = []
        for s in [steps[0], steps[1], ctRecord("iam.amazonaws.com", "CreateAccessKey", params: #"{"userName":"someone-else"}"#, time: at(12))] {
            none += engine.evaluateStateful(try ctEvent(s), state: &other).filter { $0.rule.id == "CL-ST-003" }
        }
        var slow = DetectionState()
        for s in [steps[0], steps[1], ctRecord("iam.amazonaws.com", "CreateAccessKey", params: #"{"userName":"backdoor"}"#, time: at(90))] {
            none += engine.evaluateStateful(try ctEvent(s), state: &slow).filter { $0.rule.id == "CL-ST-003" }
        }
        #expect(none.isEmpty)
    }

    @Test("stateful state stays bounded")
    func boundedState() throws {
        var state = DetectionState(maxKeysPerRule: 100)
        for i in 0..<1_000 {
            let e = try ctEvent(ctRecord("signin.amazonaws.com", "ConsoleLogin", response: #"{"ConsoleLogin":"Failure"}"#,
                                         error: "Failed authentication",
                                         identity: #"{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u\#(i)","accountId":"111122223333","userName":"u\#(i)"}"#))
            _ = engine.evaluateStateful(e, state: &state)
        }
        #expect((state.rules["CL-ST-001"]?.count ?? 0) <= 100)
    }

    @Test("a security group rule covering port 22 by range is caught, IPv6 too; a narrow CIDR is not")
    func securityGroupRanges() throws {
        let v6 = try ctEvent(ctRecord("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", params: #"{"groupId":"sg-2","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":20,"toPort":25,"ipv6Ranges":{"items":[{"cidrIpv6":"::/0"}]}}]}}"#))
        #expect(engine.evaluate(v6).contains { $0.rule.id == "CL-CT-040" && $0.match.evidence["exposed"]?.contains("SSH") == true })
        let all = try ctEvent(ctRecord("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", params: #"{"groupId":"sg-3","ipPermissions":{"items":[{"ipProtocol":"-1","ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}"#))
        #expect(engine.evaluate(all).contains { $0.rule.id == "CL-CT-040" && $0.match.evidence["exposed"] == "all traffic" })
        let narrow = try ctEvent(ctRecord("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", params: #"{"groupId":"sg-4","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}}]}}"#))
        #expect(!engine.evaluate(narrow).contains { $0.rule.id == "CL-CT-040" })
    }
}
