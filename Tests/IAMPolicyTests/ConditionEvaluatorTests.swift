import Foundation
import Testing
@testable import IAMPolicy

@Suite("Condition operators")
struct ConditionEvaluatorTests {
    private func holds(_ op: String, _ key: String, _ values: [String], _ context: [String: [String]],
                       substitute: Bool = true) -> Bool {
        ConditionEvaluator.evaluate(ConditionEntry(operatorName: op, key: key, values: values),
                                    context: RequestContext(context), substituteVariables: substitute)
    }

    @Test func stringOperators() {
        let ctx = ["aws:PrincipalTag/team": ["Blue"]]
        #expect(holds("StringEquals", "aws:PrincipalTag/team", ["Red", "Blue"], ctx))
        #expect(!holds("StringEquals", "aws:PrincipalTag/team", ["blue"], ctx))
        #expect(holds("StringEquals", "AWS:principaltag/TEAM", ["Blue"], ctx), "keys are case-insensitive")
        #expect(!holds("StringEquals", "aws:PrincipalTag/team", ["Blue"], [:]), "missing key fails a positive operator")
        #expect(holds("StringNotEquals", "aws:PrincipalTag/team", ["Red"], ctx))
        #expect(!holds("StringNotEquals", "aws:PrincipalTag/team", ["Red", "Blue"], ctx))
        #expect(holds("StringNotEquals", "aws:PrincipalTag/team", ["Red"], [:]), "missing key satisfies a negated operator")
        #expect(holds("StringEqualsIgnoreCase", "aws:PrincipalTag/team", ["BLUE"], ctx))
        #expect(!holds("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", ["blue"], ctx))
        #expect(holds("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", ["green"], ctx))
        #expect(holds("StringLike", "s3:prefix", ["home/*"], ["s3:prefix": ["home/alice/x"]]))
        #expect(!holds("StringLike", "s3:prefix", ["home/?"], ["s3:prefix": ["home/ab"]]))
        #expect(holds("StringNotLike", "s3:prefix", ["tmp/*"], ["s3:prefix": ["home/alice"]]))
        #expect(!holds("StringNotLike", "s3:prefix", ["home/*"], ["s3:prefix": ["home/alice"]]))
    }

    @Test func numericOperators() {
        let ctx = ["s3:max-keys": ["10"]]
        #expect(holds("NumericEquals", "s3:max-keys", ["10.0"], ctx))
        #expect(holds("NumericNotEquals", "s3:max-keys", ["11"], ctx))
        #expect(!holds("NumericNotEquals", "s3:max-keys", ["10"], ctx))
        #expect(holds("NumericLessThan", "s3:max-keys", ["11"], ctx))
        #expect(!holds("NumericLessThan", "s3:max-keys", ["10"], ctx))
        #expect(holds("NumericLessThanEquals", "s3:max-keys", ["10"], ctx))
        #expect(holds("NumericGreaterThan", "s3:max-keys", ["9"], ctx))
        #expect(!holds("NumericGreaterThan", "s3:max-keys", ["10"], ctx))
        #expect(holds("NumericGreaterThanEquals", "s3:max-keys", ["10"], ctx))
        #expect(!holds("NumericEquals", "s3:max-keys", ["ten"], ctx), "a value that is not a number never matches")
    }

    @Test func dateOperators() {
        let ctx = ["aws:CurrentTime": ["2025-06-01T12:00:00Z"]]
        #expect(holds("DateEquals", "aws:CurrentTime", ["2025-06-01T14:00:00+02:00"], ctx))
        #expect(holds("DateNotEquals", "aws:CurrentTime", ["2025-06-02"], ctx))
        #expect(holds("DateLessThan", "aws:CurrentTime", ["2025-12-31T00:00:00Z"], ctx))
        #expect(!holds("DateLessThan", "aws:CurrentTime", ["2025-01-01"], ctx))
        #expect(holds("DateLessThanEquals", "aws:CurrentTime", ["1748779200"], ctx), "epoch seconds")
        #expect(holds("DateGreaterThan", "aws:CurrentTime", ["2025-01-01"], ctx))
        #expect(holds("DateGreaterThanEquals", "aws:CurrentTime", ["2025-06-01T12:00:00Z"], ctx))
        #expect(!holds("DateGreaterThan", "aws:CurrentTime", ["2025-06-01T12:00:00Z"], ctx))
    }

    @Test func boolBinaryAndNull() {
        #expect(holds("Bool", "aws:SecureTransport", ["true"], ["aws:SecureTransport": ["true"]]))
        #expect(holds("Bool", "aws:SecureTransport", ["TRUE"], ["aws:SecureTransport": ["true"]]))
        #expect(!holds("Bool", "aws:SecureTransport", ["false"], ["aws:SecureTransport": ["true"]]))
        #expect(!holds("Bool", "aws:MultiFactorAuthPresent", ["false"], [:]), "Bool fails when the key is absent")
        #expect(holds("BoolIfExists", "aws:MultiFactorAuthPresent", ["false"], [:]))
        #expect(holds("BinaryEquals", "k:bin", ["QmluYXJ5VmFsdWU="], ["k:bin": ["QmluYXJ5VmFsdWU="]]))
        #expect(!holds("BinaryEquals", "k:bin", ["QmluYXJ5VmFsdWU="], ["k:bin": ["T3RoZXI="]]))
        #expect(holds("Null", "aws:TokenIssueTime", ["true"], [:]))
        #expect(!holds("Null", "aws:TokenIssueTime", ["true"], ["aws:TokenIssueTime": ["2025-01-01"]]))
        #expect(holds("Null", "aws:TokenIssueTime", ["false"], ["aws:TokenIssueTime": ["2025-01-01"]]))
        #expect(holds("Null", "aws:TagKeys", ["true"], ["aws:TagKeys": []]), "an empty set counts as absent")
    }

    @Test func ipAddressOperators() {
        let ctx = ["aws:SourceIp": ["203.0.113.9"]]
        #expect(holds("IpAddress", "aws:SourceIp", ["198.51.100.0/24", "203.0.113.0/24"], ctx))
        #expect(!holds("IpAddress", "aws:SourceIp", ["198.51.100.0/24"], ctx))
        #expect(holds("NotIpAddress", "aws:SourceIp", ["198.51.100.0/24"], ctx))
        #expect(!holds("NotIpAddress", "aws:SourceIp", ["203.0.113.9/32"], ctx))
        #expect(holds("IpAddress", "aws:SourceIp", ["2001:db8::/32"], ["aws:SourceIp": ["2001:db8::42"]]))
        #expect(!holds("IpAddress", "aws:SourceIp", ["2001:db8::/32"], ctx))
    }

    @Test func arnOperators() {
        let ctx = ["aws:SourceArn": ["arn:aws:sns:us-east-1:123456789012:orders"]]
        #expect(holds("ArnEquals", "aws:SourceArn", ["arn:aws:sns:us-east-1:123456789012:orders"], ctx))
        #expect(holds("ArnLike", "aws:SourceArn", ["arn:aws:sns:*:123456789012:*"], ctx))
        #expect(!holds("ArnLike", "aws:SourceArn", ["arn:aws:sns:*:999999999999:*"], ctx))
        #expect(holds("ArnNotEquals", "aws:SourceArn", ["arn:aws:sns:us-east-1:123456789012:other"], ctx))
        #expect(!holds("ArnNotLike", "aws:SourceArn", ["arn:aws:sns:*"], ctx))
        #expect(holds("ArnNotLike", "aws:SourceArn", ["arn:aws:sqs:*"], ctx))
    }

    @Test func ifExists() {
        #expect(holds("StringEqualsIfExists", "ec2:InstanceType", ["t3.micro"], [:]))
        #expect(holds("StringEqualsIfExists", "ec2:InstanceType", ["t3.micro"], ["ec2:InstanceType": ["t3.micro"]]))
        #expect(!holds("StringEqualsIfExists", "ec2:InstanceType", ["t3.micro"], ["ec2:InstanceType": ["m5.large"]]))
        #expect(holds("NumericLessThanIfExists", "aws:MultiFactorAuthAge", ["3600"], [:]))
    }

    @Test func forAnyValue() {
        let key = "aws:TagKeys"
        #expect(holds("ForAnyValue:StringEquals", key, ["env", "team"], [key: ["owner", "team"]]))
        #expect(!holds("ForAnyValue:StringEquals", key, ["env"], [key: ["owner", "team"]]))
        #expect(!holds("ForAnyValue:StringEquals", key, ["env"], [:]), "missing key: false")
        #expect(!holds("ForAnyValue:StringEquals", key, ["env"], [key: []]), "empty set: false")
        #expect(holds("ForAnyValue:StringEqualsIfExists", key, ["env"], [:]))
        #expect(holds("ForAnyValue:StringNotEquals", key, ["env"], [key: ["env", "team"]]), "team is not env")
        #expect(!holds("ForAnyValue:StringNotEquals", key, ["env"], [key: ["env"]]))
    }

    @Test func forAllValues() {
        let key = "aws:TagKeys"
        #expect(holds("ForAllValues:StringEquals", key, ["env", "team"], [key: ["env"]]))
        #expect(holds("ForAllValues:StringEquals", key, ["env", "team"], [key: ["env", "team"]]))
        #expect(!holds("ForAllValues:StringEquals", key, ["env", "team"], [key: ["env", "owner"]]))
        #expect(holds("ForAllValues:StringEquals", key, ["env"], [:]), "missing key: vacuously true")
        #expect(holds("ForAllValues:StringEquals", key, ["env"], [key: []]), "empty set: vacuously true")
        #expect(holds("ForAllValues:StringLike", key, ["team-*"], [key: ["team-a", "team-b"]]))
        #expect(holds("ForAllValues:StringNotEquals", key, ["secret"], [key: ["env", "team"]]))
        #expect(!holds("ForAllValues:StringNotEquals", key, ["secret"], [key: ["env", "secret"]]))
    }

    @Test func policyVariablesInConditionValues() {
        let ctx = ["aws:username": ["alice"], "aws:ResourceTag/owner": ["alice"]]
        #expect(holds("StringEquals", "aws:ResourceTag/owner", ["${aws:username}"], ctx))
        #expect(!holds("StringEquals", "aws:ResourceTag/owner", ["${aws:username}"], ["aws:ResourceTag/owner": ["alice"]]))
        #expect(!holds("StringEquals", "aws:ResourceTag/owner", ["${aws:username}"], ctx, substitute: false),
                "Version 2008-10-17 compares the literal text")
        #expect(holds("StringLike", "s3:prefix", ["home/${aws:username}/*"], ["aws:username": ["bob"], "s3:prefix": ["home/bob/a"]]))
    }

    @Test func unknownOperatorNeverHolds() {
        #expect(!holds("StringEqualz", "aws:SourceVpce", ["vpce-1"], ["aws:SourceVpce": ["vpce-1"]]))
        #expect(!holds("StringEqualz", "aws:SourceVpce", ["vpce-1"], [:]))
    }
}
