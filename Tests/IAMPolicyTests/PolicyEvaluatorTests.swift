import Foundation
import Testing
@testable import IAMPolicy

@Suite("Policy evaluation")
struct PolicyEvaluatorTests {
    private let alice = "arn:aws:iam::111122223333:user/alice"
    private let evaluator = PolicyEvaluator()

    private func policy(_ json: String) throws -> PolicyDocument {
        try PolicyDocument.parse(json)
    }

    private func decide(_ action: String, _ resource: String, principal: String? = nil,
                        context: [String: [String]] = [:], resourceAccount: String? = nil,
                        _ policies: PolicySet) -> EvaluationResult {
        evaluator.evaluate(AccessRequest(principal: principal ?? alice, action: action, resource: resource,
                                         context: RequestContext(context), resourceAccount: resourceAccount),
                           policies: policies)
    }

    @Test func explicitDenyWins() throws {
        let identity = try policy("""
        {"Version":"2012-10-17","Statement":[
          {"Sid":"All","Effect":"Allow","Action":"s3:*","Resource":"*"},
          {"Sid":"NoDelete","Effect":"Deny","Action":"s3:Delete*","Resource":"arn:aws:s3:::prod/*"}]}
        """)
        let set = PolicySet(identityPolicies: [identity])
        let denied = decide("s3:DeleteObject", "arn:aws:s3:::prod/a", set)
        #expect(denied.decision == .explicitDeny)
        #expect(denied.decidingStatements.map(\.sid) == ["NoDelete"])
        #expect(decide("s3:DeleteObject", "arn:aws:s3:::dev/a", set).decision == .allow)
        #expect(decide("s3:GetObject", "arn:aws:s3:::prod/a", set).decidingStatements.map(\.sid) == ["All"])
        // A Deny in a resource policy also wins over an identity Allow.
        let bucket = try policy("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject",
          "Resource":"arn:aws:s3:::dev/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
        """)
        let both = PolicySet(identityPolicies: [identity], resourcePolicies: [bucket])
        #expect(decide("s3:GetObject", "arn:aws:s3:::dev/a", context: ["aws:SecureTransport": ["false"]], both).decision
            == .explicitDeny)
        #expect(decide("s3:GetObject", "arn:aws:s3:::dev/a", context: ["aws:SecureTransport": ["true"]], both).decision
            == .allow)
    }

    @Test func implicitDenyWithoutAllow() throws {
        let set = PolicySet(identityPolicies: [try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"}]}"#)])
        let result = decide("s3:PutObject", "arn:aws:s3:::a/x", set)
        #expect(result.decision == .implicitDeny)
        #expect(result.decidingStatements.isEmpty)
        #expect(decide("s3:GetObject", "arn:aws:s3:::b/x", set).decision == .implicitDeny)
        #expect(decide("s3:GetObject", "arn:aws:s3:::a/x", PolicySet()).decision == .implicitDeny)
    }

    @Test func notAction() throws {
        let set = PolicySet(identityPolicies: [try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}"#)])
        #expect(decide("s3:GetObject", "arn:aws:s3:::a/x", set).decision == .allow)
        #expect(decide("iam:CreateUser", "arn:aws:iam::111122223333:user/bob", set).decision == .implicitDeny)
        #expect(decide("IAM:createuser", "arn:aws:iam::111122223333:user/bob", set).decision == .implicitDeny)
        // Deny with NotAction denies everything except the listed actions.
        let guardrail = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#)
        let admin = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
        let guarded = PolicySet(identityPolicies: [admin, guardrail])
        #expect(decide("ec2:RunInstances", "*", guarded).decision == .explicitDeny)
        #expect(decide("s3:ListBucket", "arn:aws:s3:::a", guarded).decision == .allow)
    }

    @Test func notResource() throws {
        let set = PolicySet(identityPolicies: [try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secrets/*"}]}"#)])
        #expect(decide("s3:GetObject", "arn:aws:s3:::public/x", set).decision == .allow)
        #expect(decide("s3:GetObject", "arn:aws:s3:::secrets/x", set).decision == .implicitDeny)
        let deny = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::team","arn:aws:s3:::team/*"]}]}"#)
        let fenced = PolicySet(identityPolicies: [deny])
        #expect(decide("s3:PutObject", "arn:aws:s3:::team/x", fenced).decision == .allow)
        #expect(decide("s3:PutObject", "arn:aws:s3:::other/x", fenced).decision == .explicitDeny)
    }

    @Test func conditionsInStatements() throws {
        let set = PolicySet(identityPolicies: [try policy("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"*",
          "Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"},
                       "StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}]}
        """)])
        let good = ["aws:SourceIp": ["203.0.113.5"], "aws:ResourceTag/team": ["blue"], "aws:PrincipalTag/team": ["blue"]]
        #expect(decide("ec2:StartInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", context: good, set).decision == .allow)
        var wrongIP = good
        wrongIP["aws:SourceIp"] = ["198.51.100.1"]
        #expect(decide("ec2:StartInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", context: wrongIP, set).decision == .implicitDeny)
        var otherTeam = good
        otherTeam["aws:ResourceTag/team"] = ["red"]
        #expect(decide("ec2:StartInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", context: otherTeam, set).decision == .implicitDeny)
    }

    @Test func policyVariablesInResources() throws {
        let current = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}"#)
        let set = PolicySet(identityPolicies: [current])
        // aws:username is derived from the caller's ARN when the request does not carry it.
        #expect(decide("s3:GetObject", "arn:aws:s3:::home/alice/notes", set).decision == .allow)
        #expect(decide("s3:GetObject", "arn:aws:s3:::home/bob/notes", set).decision == .implicitDeny)
        // Role sessions have no aws:username: the variable cannot be resolved and the statement does not match.
        let session = "arn:aws:sts::111122223333:assumed-role/app/i-0abc"
        #expect(decide("s3:GetObject", "arn:aws:s3:::home/app/x", principal: session, set).decision == .implicitDeny)
        // Without Version 2012-10-17 the variable is literal text.
        let old = try policy(#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}"#)
        #expect(decide("s3:GetObject", "arn:aws:s3:::home/alice/notes", PolicySet(identityPolicies: [old])).decision == .implicitDeny)
    }

    @Test func permissionsBoundaryFilters() throws {
        let identity = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","ec2:*"],"Resource":"*"}]}"#)
        let boundary = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","sqs:*"],"Resource":"*"}]}"#)
        let set = PolicySet(identityPolicies: [identity], permissionsBoundary: boundary)
        #expect(decide("s3:GetObject", "arn:aws:s3:::a/x", set).decision == .allow)
        let ec2 = decide("ec2:RunInstances", "*", set)
        #expect(ec2.decision == .implicitDeny)
        #expect(ec2.reason.contains("boundary"))
        // The boundary alone grants nothing.
        #expect(decide("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q", set).decision == .implicitDeny)
        // A Deny in the boundary is an explicit deny.
        let denyBoundary = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#)
        #expect(decide("s3:DeleteBucket", "arn:aws:s3:::a", PolicySet(identityPolicies: [identity], permissionsBoundary: denyBoundary)).decision
            == .explicitDeny)
        // A resource policy that names the user's own ARN is not limited by the boundary.
        let queue = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"ec2:RunInstances","Resource":"*"}]}"#)
        #expect(decide("ec2:RunInstances", "*", PolicySet(identityPolicies: [identity], resourcePolicies: [queue], permissionsBoundary: boundary)).decision
            == .allow)
    }

    @Test func serviceControlPolicies() throws {
        let identity = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
        let fullAccess = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
        let onlyS3 = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#)
        let regionGuard = try policy("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*",
          "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}
        """)
        let set = PolicySet(identityPolicies: [identity], serviceControlPolicies: [[fullAccess, regionGuard], [onlyS3]])
        let eu = ["aws:RequestedRegion": ["eu-west-1"]]
        #expect(decide("s3:GetObject", "arn:aws:s3:::a/x", context: eu, set).decision == .allow)
        let ec2 = decide("ec2:RunInstances", "*", context: eu, set)
        #expect(ec2.decision == .implicitDeny)
        #expect(ec2.reason.contains("level 1"))
        let us = decide("s3:GetObject", "arn:aws:s3:::a/x", context: ["aws:RequestedRegion": ["us-east-1"]], set)
        #expect(us.decision == .explicitDeny)
        #expect(us.decidingStatements.first?.source == .serviceControlPolicy(level: 0, index: 1))
        // IAM is exempt from the region guard but still needs the level-1 SCP to allow it.
        #expect(decide("iam:ListUsers", "*", context: ["aws:RequestedRegion": ["us-east-1"]], set).decision == .implicitDeny)
    }

    @Test func resourcePolicySameAccount() throws {
        let bucket = try policy(#"{"Version":"2012-10-17","Statement":[{"Sid":"Alice","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]}"#)
        let set = PolicySet(resourcePolicies: [bucket])
        let result = decide("s3:GetObject", "arn:aws:s3:::shared/x", set)
        #expect(result.decision == .allow)
        #expect(result.decidingStatements.first?.source == .resource(0))
        #expect(decide("s3:GetObject", "arn:aws:s3:::shared/x", principal: "arn:aws:iam::111122223333:user/bob", set).decision
            == .implicitDeny)
        // The account principal covers every principal of the account; a role ARN covers its sessions.
        let account = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:SendMessage","Resource":"*"}]}"#)
        #expect(decide("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q", principal: "arn:aws:iam::111122223333:user/bob",
                       PolicySet(resourcePolicies: [account])).decision == .allow)
        let role = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"sqs:SendMessage","Resource":"*"}]}"#)
        #expect(decide("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q",
                       principal: "arn:aws:sts::111122223333:assumed-role/app/session-1",
                       PolicySet(resourcePolicies: [role])).decision == .allow)
        // A statement in a resource policy without a Principal never matches.
        let noPrincipal = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}"#)
        #expect(decide("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q", PolicySet(resourcePolicies: [noPrincipal])).decision
            == .implicitDeny)
    }

    @Test func crossAccountNeedsBothSides() throws {
        let caller = "arn:aws:iam::111122223333:user/alice"
        let identity = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}"#)
        let queuePolicy = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:SendMessage","Resource":"*"}]}"#)
        let queue = "arn:aws:sqs:us-east-1:444455556666:orders"
        #expect(decide("sqs:SendMessage", queue, principal: caller, PolicySet(identityPolicies: [identity])).decision == .implicitDeny)
        #expect(decide("sqs:SendMessage", queue, principal: caller, PolicySet(resourcePolicies: [queuePolicy])).decision == .implicitDeny)
        #expect(decide("sqs:SendMessage", queue, principal: caller,
                       PolicySet(identityPolicies: [identity], resourcePolicies: [queuePolicy])).decision == .allow)
        // S3 ARNs carry no account: the owner comes from resourceAccount.
        let bucketPolicy = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::theirs/*"}]}"#)
        #expect(decide("s3:GetObject", "arn:aws:s3:::theirs/x", principal: caller, resourceAccount: "444455556666",
                       PolicySet(resourcePolicies: [bucketPolicy])).decision == .implicitDeny)
    }

    @Test func anonymousAndServicePrincipals() throws {
        let publicRead = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}"#)
        #expect(decide("s3:GetObject", "arn:aws:s3:::site/index.html", principal: "arn:aws:iam::999999999999:user/x",
                       PolicySet(resourcePolicies: [publicRead])).decision == .allow)
        let sns = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:t"}}}]}"#)
        let set = PolicySet(resourcePolicies: [sns])
        #expect(decide("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q", principal: "sns.amazonaws.com",
                       context: ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:t"]], set).decision == .allow)
        #expect(decide("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q", principal: "sns.amazonaws.com",
                       context: ["aws:SourceArn": ["arn:aws:sns:us-east-1:999999999999:t"]], set).decision == .implicitDeny)
        // NotPrincipal with Deny: everyone except the named role is denied.
        let fence = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"*"}]}"#)
        #expect(decide("s3:GetObject", "arn:aws:s3:::b/x", PolicySet(resourcePolicies: [fence])).decision == .allow)
        #expect(decide("s3:GetObject", "arn:aws:s3:::b/x", principal: "arn:aws:iam::111122223333:user/bob",
                       PolicySet(resourcePolicies: [fence])).decision == .explicitDeny)
    }
}
