import Foundation
import Testing
@testable import IAMPolicy

@Suite("Wildcards and policy variables")
struct WildcardTests {
    @Test(arguments: [
        ("s3:Get*", "S3:GetObject", true),
        ("s3:get*", "s3:GetObject", true),
        ("s3:*", "s3:PutObject", true),
        ("*", "ec2:RunInstances", true),
        ("s3:GetObject", "s3:GetObjectAcl", false),
        ("s3:GetObject?cl", "s3:GetObjectAcl", true),
        ("s3:*Object*", "s3:PutObjectTagging", true),
        ("iam:*Policy", "iam:PutUserPolicy", true),
        ("iam:*Policy", "iam:PutUserPolicyX", false),
        ("ec2:Describe*", "ec2:RunInstances", false),
        ("s3:?", "s3:", false),
    ])
    func actionMatching(pattern: String, action: String, expected: Bool) {
        #expect(Wildcard.matchesAction(pattern, action) == expected, "\(pattern) vs \(action)")
    }

    @Test(arguments: [
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b.txt", true),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/a", false),
        ("arn:aws:s3:::bucket", "arn:aws:s3:::bucket/a", false),
        ("arn:aws:iam::*:role/app-?", "arn:aws:iam::123456789012:role/app-1", true),
        ("arn:aws:iam::*:role/app-?", "arn:aws:iam::123456789012:role/app-12", false),
        ("*", "arn:aws:sqs:us-east-1:123456789012:q", true),
        ("arn:aws:logs:*:*:log-group:/aws/*", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x:*", true),
        // Per-part matching: a `*` in the region cannot swallow the account.
        ("arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ec2:us-east-1:999999999999:instance/i-1", false),
        ("arn:aws:*", "arn:aws:s3:::anything", true),
    ])
    func arnMatching(pattern: String, arn: String, expected: Bool) {
        #expect(Wildcard.matchesARN(pattern, arn) == expected, "\(pattern) vs \(arn)")
    }

    @Test func emptyAndEdgePatterns() {
        #expect(WildcardPattern("").matches(""))
        #expect(!WildcardPattern("").matches("a"))
        #expect(WildcardPattern("*").matches(""))
        #expect(WildcardPattern("**").matches("abc"))
        #expect(WildcardPattern("a*b*c").matches("abc"))
        #expect(WildcardPattern("a*b*c").matches("aXbYbZc"))
        #expect(!WildcardPattern("a*b*c").matches("acb"))
        #expect(WildcardPattern("*ab").matches("aab"))
        #expect(!WildcardPattern("ab*ab").matches("ab"))
        #expect(WildcardPattern("ab*ab").matches("abab"))
        #expect(WildcardPattern("é?").matches("éx"))
        #expect(WildcardPattern("?").matches("😀"))
    }

    @Test func pathologicalPatternIsFast() {
        // 10,000 characters of `*a` against a string of a's that fails at the end: exponential for naive
        // backtracking, linear here.
        let pattern = String(repeating: "*a", count: 5_000) + "b"
        let text = String(repeating: "a", count: 10_000)
        let start = ContinuousClock.now
        #expect(!WildcardPattern(pattern).matches(text))
        #expect(!Wildcard.matchesARN("arn:aws:s3:::" + pattern, "arn:aws:s3:::" + text))
        let q = String(repeating: "?*", count: 5_000)
        #expect(WildcardPattern(q).matches(text))
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func policyVariablesSubstitute() throws {
        let context = RequestContext(["aws:username": ["alice"], "aws:PrincipalTag/team": ["blue"],
                                      "aws:TagKeys": ["a", "b"]])
        let user = try #require(PolicyVariables.compile("arn:aws:s3:::home/${aws:username}/*", context: context))
        #expect(Wildcard.matchesARN(user, "arn:aws:s3:::home/alice/notes.txt"))
        #expect(!Wildcard.matchesARN(user, "arn:aws:s3:::home/bob/notes.txt"))
        // Keys are case-insensitive.
        #expect(PolicyVariables.substitute("team-${aws:principaltag/TEAM}", context: context) == "team-blue")
        // Missing key without a default: unusable. With a default: the default.
        #expect(PolicyVariables.compile("${aws:userid}", context: context) == nil)
        #expect(PolicyVariables.substitute("${aws:userid, 'nobody'}", context: context) == "nobody")
        // Multi-valued keys cannot be substituted.
        #expect(PolicyVariables.compile("${aws:TagKeys}", context: context) == nil)
    }

    @Test func escapesAreLiteral() throws {
        let pattern = try #require(PolicyVariables.compile("file${*}name${?}${$}", context: RequestContext()))
        #expect(pattern.matches("file*name?$"))
        #expect(!pattern.matches("fileXname?$"))
        #expect(!pattern.matches("file*nameX$"))
        // A substituted value is literal too: a `*` in a user name does not widen the pattern.
        let star = try #require(PolicyVariables.compile("home/${aws:username}", context: RequestContext(["aws:username": ["*"]])))
        #expect(star.matches("home/*"))
        #expect(!star.matches("home/alice"))
        #expect(PolicyVariables.variableNames(in: "a/${aws:username}/${*}/${s3:prefix, 'x'}") == ["aws:username", "s3:prefix"])
    }

    @Test func ipRangesAndDates() throws {
        let v4 = try #require(IPAddressRange("203.0.113.0/24"))
        #expect(v4.contains(try #require(IPAddressRange("203.0.113.77"))))
        #expect(!v4.contains(try #require(IPAddressRange("203.0.114.1"))))
        #expect(IPAddressRange("300.1.1.1") == nil)
        #expect(IPAddressRange("10.0.0.0/33") == nil)
        let v6 = try #require(IPAddressRange("2001:db8::/32"))
        #expect(v6.contains(try #require(IPAddressRange("2001:db8:1234::1"))))
        #expect(!v6.contains(try #require(IPAddressRange("2001:db9::1"))))
        #expect(!v6.contains(try #require(IPAddressRange("10.0.0.1"))))
        #expect(IPAddressRange("::ffff:192.0.2.1")?.bytes.suffix(4) == [192, 0, 2, 1])
        #expect(IPAddressRange("1::2::3") == nil)
        #expect(IPAddressRange("::")?.bytes == [UInt8](repeating: 0, count: 16))
        #expect(PolicyDate.parse("1970-01-02") == 86_400)
        #expect(PolicyDate.parse("2024-02-29T12:00:00Z") == 1_709_208_000)
        #expect(PolicyDate.parse("2024-02-29T14:00:00+02:00") == 1_709_208_000)
        #expect(PolicyDate.parse("2024-02-29T12:00:00.5Z") == 1_709_208_000.5)
        #expect(PolicyDate.parse("1709208000") == 1_709_208_000)
        #expect(PolicyDate.parse("2023-02-29") == nil)
        #expect(PolicyDate.parse("yesterday") == nil)
    }
}
