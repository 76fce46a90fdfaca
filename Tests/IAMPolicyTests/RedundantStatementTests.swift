import Foundation
import Testing
@testable import IAMPolicy

@Suite("Redundant statements")
struct RedundantStatementTests {
    private func analyzer() throws -> PolicyAnalyzer {
        try #require(!ActionCatalog.bundled.isEmpty, "catalog: \(ActionCatalog.bundled.loadError ?? "?")")
        return PolicyAnalyzer()
    }

    private func policy(_ statements: String...) -> String {
        #"{"Version":"2012-10-17","Statement":["# + statements.joined(separator: ",") + "]}"
    }

    /// The redundant-statement findings of a document, by statement index.
    private func redundant(_ json: String, kind: PolicyKind? = nil) throws -> [Finding] {
        try analyzer().analyze(json: json, kind: kind).findings.filter { $0.category == .redundantStatement }
    }

    private func statement(_ json: String) throws -> PolicyStatement {
        try #require(try PolicyDocument.parse(policy(json)).statements.first)
    }

    // MARK: - Duplicates

    @Test func exactDuplicateReportsTheLaterOne() throws {
        // The same statement written another way: string vs array, other order, other case of the action.
        let findings = try redundant(policy(
            #"{"Sid":"ReadReports","Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::reports/*","arn:aws:s3:::logs/*"]}"#,
            #"{"Sid":"ReadReportsAgain","Effect":"Allow","Action":["S3:GetObject"],"Resource":["arn:aws:s3:::logs/*","arn:aws:s3:::reports/*"]}"#))
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.id == "IAM-REDUNDANT-STATEMENT")
        #expect(finding.category.rawValue == "redundant-statement")
        #expect(finding.severity == .low)
        #expect(finding.statementIndex == 1)
        #expect(finding.sid == "ReadReportsAgain")
        #expect(finding.statementLabel == #"Statement[1] (Sid "ReadReportsAgain")"#)
        #expect(finding.message.hasPrefix(#"Statement[1] (Sid "ReadReportsAgain") is redundant"#))
        #expect(finding.message.contains(#"it repeats Statement[0] (Sid "ReadReports"), which allows exactly the same."#))
        #expect(finding.actions == ["S3:GetObject"])
        #expect(finding.references.isEmpty)
    }

    @Test func statementsWithoutSidAreNamedByIndexAndEveryLaterCopyIsReported() throws {
        let copy = #"{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::prod"}"#
        let findings = try redundant(policy(copy, copy, copy))
        #expect(findings.map(\.statementIndex) == [1, 2])
        for finding in findings {
            #expect(finding.sid == nil)
            #expect(finding.message.contains("it repeats Statement[0], which denies exactly the same."))
        }
        #expect(findings.first?.message.hasPrefix("Statement[1] is redundant") == true)
    }

    @Test func scoresLikeTheOtherLowValidationFindings() throws {
        let analyzer = try analyzer()
        let statement = #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}"#
        let report = try analyzer.analyze(json: policy(statement, statement))
        #expect(report.findings.map(\.id) == ["IAM-REDUNDANT-STATEMENT"])
        #expect(report.deductions == [ScoreDeduction(findingID: "IAM-REDUNDANT-STATEMENT", statementIndex: 1,
                                                     severity: .low, points: 4)])
        #expect(report.score == 96)
        #expect(report.grade == .a)
        // A misspelt action in an Allow is the same kind of validation warning and costs the same.
        let typo = try analyzer.analyze(json: policy(#"{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"arn:aws:s3:::reports/*"}"#))
        let unknown = try #require(typo.findings.first { $0.category == .unknownAction })
        #expect(unknown.severity == .low)
        #expect(typo.score == report.score)
        // One statement alone is never redundant.
        #expect(try analyzer.analyze(json: policy(statement)).score == 100)
    }

    // MARK: - Wildcards

    @Test func widerWildcardCoversNarrower() throws {
        // The earlier, narrower statement is the one that adds nothing.
        let narrowFirst = try redundant(policy(
            #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}"#,
            #"{"Sid":"ReadAll","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::reports/*"}"#))
        #expect(narrowFirst.map(\.statementIndex) == [0])
        #expect(narrowFirst.first?.message.contains(
            #"Statement[1] (Sid "ReadAll") already allows every action on every resource that it does."#) == true)

        let serviceWildcard = try redundant(policy(
            #"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#,
            #"{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"arn:aws:s3:::reports"}"#))
        #expect(serviceWildcard.map(\.statementIndex) == [1])

        let everything = try redundant(policy(
            #"{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}"#,
            #"{"Effect":"Allow","Action":"*","Resource":"*"}"#))
        #expect(everything.map(\.statementIndex) == [0])

        // s3:Get* covers s3:Get*Object, not the other way round.
        let middle = try redundant(policy(
            #"{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::reports/*"}"#,
            #"{"Effect":"Allow","Action":"s3:Get*Object","Resource":"arn:aws:s3:::reports/*"}"#))
        #expect(middle.map(\.statementIndex) == [1])

        // Every action must be covered, not just some.
        #expect(try redundant(policy(
            #"{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}"#,
            #"{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}"#)).isEmpty)
    }

    @Test(arguments: [
        // (pattern, other, pattern covers other)
        ("a*", "a*b", true),
        ("a*b", "a*", false),
        ("*", "?", true),
        ("?", "*", false),
        ("*", "", true),
        ("", "", true),
        ("", "*", false),
        ("?", "", false),
        ("", "a", false),
        ("a?", "ab", true),
        ("ab", "a?", false),
        ("**", "*", true),
        // Same language written two ways: proven both ways, which a token-by-token comparison would miss.
        ("*?", "?*", true),
        ("?*", "*?", true),
        ("a*?", "a?*", true),
        ("*a*", "*a*a*", true),
        ("*a*a*", "*a*", false),
        ("a*a", "a*a*a", true),
        ("a*a*a", "a*a", false),
        ("*?*", "??", true),
        ("??", "*?*", false),
        ("s3:*", "s3:Get*", true),
        ("s3:Get*", "s3:GetObject", true),
        ("s3:Get*Object", "s3:GetObject", true),
        ("s3:Get*Object", "s3:Get*", false),
        ("s3:Get*", "s3:Put*", false),
    ])
    func patternCoverage(pattern: String, other: String, expected: Bool) {
        #expect(WildcardPattern(pattern).covers(WildcardPattern(other)) == expected, "\(pattern) covers \(other)")
    }

    @Test(arguments: [
        ("s3:Get*", "s3:*Object", true),
        ("s3:Get*", "s3:Put*", false),
        ("a*", "*b", true),
        ("a?", "??c", false),
        ("", "*", true),
        ("", "?", false),
        ("*a", "*b", false),
    ])
    func patternOverlap(a: String, b: String, expected: Bool) {
        #expect(WildcardPattern(a).overlaps(WildcardPattern(b)) == expected, "\(a) meets \(b)")
        #expect(WildcardPattern(b).overlaps(WildcardPattern(a)) == expected, "\(b) meets \(a)")
    }

    @Test func patternCoverageAgreesWithBruteForce() {
        // Every string over {a, b, c} up to 7 characters; for patterns of up to 4 tokens a string that separates two
        // languages is always among them, so the answer must be exact, not just cautious.
        var strings = [""]
        var frontier = [""]
        for _ in 0..<7 {
            frontier = frontier.flatMap { s in ["a", "b", "c"].map { s + $0 } }
            strings += frontier
        }
        var rng = SplitMix64(seed: 0xC0FE_2024)
        let alphabet: [Character] = ["a", "b", "*", "?"]
        func randomPattern() -> String {
            String((0..<Int.random(in: 0...4, using: &rng)).map { _ in alphabet[Int.random(in: 0..<4, using: &rng)] })
        }
        for _ in 0..<400 {
            let p = WildcardPattern(randomPattern()), q = WildcardPattern(randomPattern())
            let matchedByQ = strings.filter { q.matches($0) }
            let covered = matchedByQ.allSatisfy { p.matches($0) }
            let shared = matchedByQ.contains { p.matches($0) }
            #expect(p.covers(q) == covered, "\(p) covers \(q)")
            #expect(p.overlaps(q) == shared, "\(p) meets \(q)")
        }
    }

    @Test func actionsAreCaseInsensitive() {
        #expect(Wildcard.actionPatternCovers("s3:get*", "S3:GetObject"))
        #expect(Wildcard.actionPatternCovers("S3:GETOBJECT", "s3:getobject"))
        #expect(Wildcard.actionPatternCovers("*", "iam:PassRole"))
        #expect(!Wildcard.actionPatternCovers("s3:*", "*"))
        #expect(!Wildcard.actionPatternCovers("s3:*", "s3*:Get*"))
        #expect(!Wildcard.actionPatternsOverlap("iam:*", "s3:Get*"))
        #expect(Wildcard.actionPatternsOverlap("IAM:*", "iam:PassRole"))
    }

    // MARK: - NotAction

    @Test func notActionCovers() throws {
        let everythingButIAM = #"{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}"#
        // Nothing of s3:GetObject or ec2:Describe* is excluded, so the NotAction statement covers both.
        let covered = try redundant(policy(
            everythingButIAM, #"{"Effect":"Allow","Action":["s3:GetObject","ec2:Describe*"],"Resource":"arn:aws:s3:::reports/*"}"#))
        #expect(covered.map(\.statementIndex) == [1])
        // iam:PassRole is excluded, so the second statement does grant something more.
        #expect(try redundant(policy(
            everythingButIAM, #"{"Effect":"Allow","Action":["s3:GetObject","iam:PassRole"],"Resource":"*"}"#)).isEmpty)
        // s3:Get* meets the excluded s3:GetObject*: not covered.
        #expect(try redundant(policy(
            #"{"Effect":"Allow","NotAction":"s3:GetObject*","Resource":"*"}"#,
            #"{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}"#)).isEmpty)
        // Two NotActions: excluding more grants less, so that one is covered.
        let both = try redundant(policy(
            #"{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}"#,
            #"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#))
        #expect(both.map(\.statementIndex) == [0])
        // A NotAction grants an open-ended set of actions: only "*" covers it.
        #expect(try redundant(policy(
            #"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#,
            #"{"Effect":"Allow","Action":"*","Resource":"*"}"#)).map(\.statementIndex) == [0])
        #expect(try redundant(policy(
            #"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#,
            #"{"Effect":"Allow","Action":["s3:*","ec2:*"],"Resource":"*"}"#)).map(\.statementIndex) == [1])
    }

    // MARK: - Resources

    @Test(arguments: [
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", true),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/*", true),
        ("arn:aws:s3:::bucket/a/*", "arn:aws:s3:::bucket/*", false),
        ("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket", true),
        // ARNs are case-sensitive.
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/a", false),
        ("*", "arn:aws:s3:::anything", true),
        ("arn:aws:s3:::*", "*", false),
        ("arn:aws:*", "arn:aws:s3:::bucket/*", true),
        ("arn:aws:*:*:*:*", "arn:aws:s3:::bucket", true),
        // A six-part pattern never matches an ARN with fewer parts, which arn:aws:* does.
        ("arn:aws:*:*:*:*", "arn:aws:*", false),
        // Part by part: a wildcard in the region does not cover another account.
        ("arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true),
        ("arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ec2:*:*:instance/*", false),
        // A policy variable may become anything; a pattern holding one covers only its own text.
        ("arn:aws:s3:::home/*", "arn:aws:s3:::home/${aws:username}/*", true),
        ("arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/${aws:username}/*", true),
        ("arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/alice/notes.txt", false),
        ("arn:aws:s3:::home/alice/*", "arn:aws:s3:::home/${aws:username}/*", false),
    ])
    func arnCoverage(pattern: String, other: String, expected: Bool) {
        #expect(Wildcard.arnPatternCovers(pattern, other) == expected, "\(pattern) covers \(other)")
    }

    @Test func resourcesMustAllBeCovered() throws {
        let wide = #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}"#
        #expect(try redundant(policy(
            wide, #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/a/b"}"#)).map(\.statementIndex) == [1])
        #expect(try redundant(policy(
            wide, #"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::bucket/a/b","arn:aws:s3:::bucket"]}"#)).isEmpty)
        // NotResource covers what it does not exclude.
        let notSecret = #"{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}"#
        #expect(try redundant(policy(
            notSecret, #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::public/*"}"#)).map(\.statementIndex) == [1])
        #expect(try redundant(policy(
            notSecret, #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::*"}"#)).isEmpty)
    }

    // MARK: - Effect and conditions

    @Test func differentEffectIsNeverRedundant() throws {
        #expect(try redundant(policy(
            #"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#,
            #"{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::prod"}"#)).isEmpty)
        #expect(try redundant(policy(
            #"{"Effect":"Deny","Action":"s3:*","Resource":"*"}"#,
            #"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#)).isEmpty)
        // Two Denies: the narrower one protects nothing more.
        let denies = try redundant(policy(
            #"{"Effect":"Deny","Action":"s3:Delete*","Resource":"arn:aws:s3:::prod/*"}"#,
            #"{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::prod/logs/*"}"#))
        #expect(denies.map(\.statementIndex) == [1])
        #expect(denies.first?.message.contains("Statement[0] already denies every action on every resource that it does.") == true)
    }

    @Test func onlyUnconditionedOrIdenticallyConditionedStatementsCover() throws {
        let plain = #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}"#
        let fromOffice = #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}"#
        // The unconditioned statement covers the conditioned one, in either order; never the other way round.
        let after = try redundant(policy(plain, fromOffice))
        #expect(after.map(\.statementIndex) == [1])
        #expect(after.first?.message.contains("already allows every action on every resource that it does, and without its conditions.") == true)
        #expect(try redundant(policy(fromOffice, plain)).map(\.statementIndex) == [0])

        // Identical conditions, written with other key case, value order and operator order, do cover.
        let same = try redundant(policy(
            #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":["red","blue"]},"Bool":{"aws:SecureTransport":"true"}}}"#,
            #"{"Effect":"Allow","Action":"s3:Get*","Resource":"*","Condition":{"Bool":{"AWS:SecureTransport":"true"},"StringEquals":{"aws:PrincipalTag/team":["blue","red"]}}}"#))
        #expect(same.map(\.statementIndex) == [0])
        #expect(same.first?.message.contains("under the same conditions.") == true)

        // Different values, another operator, or one more condition: not compared, so not reported.
        #expect(try redundant(policy(
            #"{"Effect":"Allow","Action":"s3:Get*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}}"#,
            #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}"#)).isEmpty)
        #expect(try redundant(policy(
            #"{"Effect":"Allow","Action":"s3:Get*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}}"#,
            #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/team":"red"}}}"#)).isEmpty)
        #expect(try redundant(policy(
            #"{"Effect":"Allow","Action":"s3:Get*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}}"#,
            #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"},"Bool":{"aws:SecureTransport":"true"}}}"#)).isEmpty)
    }

    // MARK: - Principals

    @Test func principalsInResourcePoliciesMustBeTheSame() throws {
        let reader = #""Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"}"#
        let readerAsList = #""Principal":{"AWS":["arn:aws:iam::111122223333:role/reader"]}"#
        func bucketPolicy(_ first: String, _ second: String) -> String {
            policy(#"{"Effect":"Allow",\#(first),"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-lake/*"}"#,
                   #"{"Effect":"Allow",\#(second),"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-lake/reports/*"}"#)
        }
        let same = try redundant(bucketPolicy(reader, readerAsList), kind: .resource)
        #expect(same.map(\.statementIndex) == [1])
        #expect(same.first?.message.contains("already allows every action on every resource that it does, for the same principal.") == true)
        // Entries are a set: order does not matter.
        #expect(try redundant(bucketPolicy(
            #""Principal":{"AWS":["arn:aws:iam::111122223333:role/a","arn:aws:iam::111122223333:role/b"],"Service":"sns.amazonaws.com"}"#,
            #""Principal":{"Service":["sns.amazonaws.com"],"AWS":["arn:aws:iam::111122223333:role/b","arn:aws:iam::111122223333:role/a"]}"#),
            kind: .resource).map(\.statementIndex) == [1])
        // Someone else, everyone written two ways, a NotPrincipal, or one more principal: compared exactly, not reported.
        let writer = #""Principal":{"AWS":"arn:aws:iam::111122223333:role/writer"}"#
        #expect(try redundant(bucketPolicy(reader, writer), kind: .resource).isEmpty)
        #expect(try redundant(bucketPolicy(#""Principal":"*""#, #""Principal":{"AWS":"*"}"#), kind: .resource).isEmpty)
        #expect(try redundant(bucketPolicy(reader, #""NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/reader"}"#),
                              kind: .resource).isEmpty)
        #expect(try redundant(bucketPolicy(reader, #""Principal":{"AWS":["arn:aws:iam::111122223333:role/reader","arn:aws:iam::111122223333:role/writer"]}"#),
                              kind: .resource).isEmpty)
    }

    @Test func trustPolicyStatementsWithoutResource() throws {
        let findings = try redundant(policy(
            #"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#,
            #"{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]}"#),
            kind: .trust)
        #expect(findings.map(\.statementIndex) == [0])
        // A statement with a Resource and one without are not compared.
        #expect(try redundant(policy(
            #"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}"#,
            #"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#), kind: .trust).isEmpty)
    }

    // MARK: - The statement API and whole documents

    @Test func statementCoverageAPI() throws {
        let wide = try statement(#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}"#)
        let narrow = try statement(#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/x"}"#)
        #expect(wide.covers(narrow))
        #expect(!narrow.covers(wide))
        #expect(!wide.duplicates(narrow))
        let again = try statement(#"{"Sid":"Other","Effect":"Allow","Action":["S3:*"],"Resource":["arn:aws:s3:::b/*"]}"#)
        #expect(wide.duplicates(again))
        #expect(wide.covers(again) && again.covers(wide))
        // Empty lists are left to the other checks.
        let empty = try statement(#"{"Effect":"Allow","Action":[],"Resource":"*"}"#)
        #expect(!wide.covers(empty))
        #expect(try redundant(policy(#"{"Effect":"Allow","Action":[],"Resource":"*"}"#,
                                     #"{"Effect":"Allow","Action":[],"Resource":"*"}"#)).isEmpty)
    }

    @Test func removingEveryReportedStatementChangesNoDecision() throws {
        let json = policy(
            #"{"Sid":"One","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a/*"}"#,
            #"{"Sid":"Wide","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}"#,
            #"{"Sid":"WideAgain","Effect":"Allow","Action":"S3:get*","Resource":"arn:aws:s3:::b/*"}"#,
            #"{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/keep/*"}"#,
            #"{"Sid":"NoDeleteAnywhere","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}"#)
        let findings = try redundant(json)
        // Of the two equal statements the later goes, and both reports name the one that stays.
        #expect(findings.map(\.sid) == ["One", "WideAgain", "NoDelete"])
        #expect(findings[0].message.contains(#"Statement[1] (Sid "Wide") already allows"#))
        #expect(findings[1].message.contains(#"repeats Statement[1] (Sid "Wide")"#))
        #expect(findings[2].message.contains(#"Statement[4] (Sid "NoDeleteAnywhere") already denies"#))

        let document = try PolicyDocument.parse(json)
        var pruned = document
        let removed = Set(findings.compactMap(\.statementIndex))
        pruned.statements.removeAll { removed.contains($0.index) }
        #expect(pruned.statements.map(\.sid) == ["Wide", "NoDeleteAnywhere"])
        let evaluator = PolicyEvaluator()
        for action in ["s3:GetObject", "s3:GetObjectAcl", "s3:DeleteObject", "s3:PutObject"] {
            for resource in ["arn:aws:s3:::b/a/x", "arn:aws:s3:::b/keep/x", "arn:aws:s3:::b/y", "arn:aws:s3:::c/z"] {
                let request = AccessRequest(principal: "arn:aws:iam::111122223333:user/alice", action: action, resource: resource)
                #expect(evaluator.evaluate(request, policies: PolicySet(identityPolicies: [document])).decision
                    == evaluator.evaluate(request, policies: PolicySet(identityPolicies: [pruned])).decision,
                        "\(action) on \(resource)")
            }
        }
    }

    @Test func coverageNeverClaimsMoreThanTheEvaluatorGrants() throws {
        // Random statement pairs; whenever one is said to cover the other, every request the covered one matches
        // must be matched by the coverer too, as the evaluator decides it.
        let actions = ["s3:*", "s3:Get*", "s3:GetObject", "s3:Get*Object", "s3:?etObject", "s3:PutObject", "*",
                       "S3:getobject", "s3:List*", "ec2:*"]
        let resources = ["*", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", "arn:aws:s3:::bucket/a/*",
                         "arn:aws:s3:::bucket/a/b", "arn:aws:s3:::*", "arn:aws:s3:::bucket*", "arn:aws:*:*:*:*",
                         "arn:aws:s3:::bucket/${aws:username}/*", "arn:aws:*", "arn:aws:iam::${aws:PrincipalAccount}:role/x",
                         "arn:aws:iam::*:role/x"]
        let conditions = ["", #","Condition":{"StringEquals":{"aws:username":"alice"}}"#,
                          #","Condition":{"StringEquals":{"AWS:UserName":["alice"]}}"#]
        let principals = ["", #","Principal":"*""#, #","Principal":{"AWS":"arn:aws:iam::111122223333:root"}"#,
                          #","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"}"#]
        let requestActions = ["s3:GetObject", "s3:GetObjectAcl", "s3:PutObject", "s3:ListBucket", "ec2:RunInstances",
                              "S3:GETOBJECT", "s3:GetXObject"]
        let requestResources = ["arn:aws:s3:::bucket/a/b", "arn:aws:s3:::bucket", "arn:aws:s3:::bucket/alice/x",
                                "arn:aws:s3:::bucketX", "arn:aws:s3:::Bucket/a", "arn:aws:iam::111122223333:role/x",
                                "arn:aws:iam::1:2:role/x", "*"]
        let contexts = [RequestContext(["aws:username": ["alice"], "aws:PrincipalAccount": ["111122223333"]]),
                        RequestContext(["aws:username": ["bob"], "aws:PrincipalAccount": ["1:2"]]), RequestContext()]
        let callers = ["arn:aws:iam::111122223333:user/alice", "arn:aws:iam::999988887777:user/bob"]
        var rng = SplitMix64(seed: 7)
        func some(_ pool: [String]) -> String {
            let picked = (0..<Int.random(in: 1...2, using: &rng)).map { _ in "\"\(pool[Int.random(in: 0..<pool.count, using: &rng)])\"" }
            return "[" + picked.joined(separator: ",") + "]"
        }
        func randomStatement(_ principal: String) -> String {
            let action = Int.random(in: 0..<5, using: &rng) == 0 ? "NotAction" : "Action"
            let resource = Int.random(in: 0..<5, using: &rng) == 0 ? "NotResource" : "Resource"
            return #"{"Effect":"Allow","\#(action)":\#(some(actions)),"\#(resource)":\#(some(resources))"#
                + conditions[Int.random(in: 0..<conditions.count, using: &rng)] + principal + "}"
        }
        var covering = 0
        for _ in 0..<4_000 {
            let principal = principals[Int.random(in: 0..<principals.count, using: &rng)]
            let document = try PolicyDocument.parse(policy(randomStatement(principal), randomStatement(principal)))
            let (coverer, covered) = (document.statements[0], document.statements[1])
            guard coverer.covers(covered) else { continue }
            covering += 1
            func matches(_ statement: PolicyStatement, _ request: AccessRequest) -> Bool {
                if statement.principal != nil && !PolicyEvaluator.principalMatches(statement.principal, request: request).matches {
                    return false
                }
                return PolicyEvaluator.statementMatches(statement, document: document, request: request, context: request.context)
            }
            for action in requestActions {
                for resource in requestResources {
                    for context in contexts {
                        for caller in callers {
                            let request = AccessRequest(principal: caller, action: action, resource: resource, context: context)
                            if matches(covered, request) {
                                #expect(matches(coverer, request), "\(coverer) should cover \(covered) for \(request)")
                            }
                        }
                    }
                }
            }
        }
        #expect(covering > 50, "the generator should produce covering pairs")
    }

    // MARK: - Real documents

    @Test func corpusDocumentsHaveNoRedundantStatements() throws {
        let analyzer = try analyzer()
        let names = try Fixtures.allNames()
        #expect(names.count > 30)
        for name in names {
            let document = try Fixtures.document(name)
            let findings = analyzer.analyze(document).findings.filter { $0.category == .redundantStatement }
            #expect(findings.isEmpty, "\(name): \(findings.map(\.message))")
        }
        // The Lambda basic-execution policy: the first statement's resource covers the second's, but the actions
        // differ, so neither statement is redundant.
        let lambda = try Fixtures.document("lambda-basic-execution.json")
        #expect(Wildcard.arnPatternCovers(try #require(lambda.statements[0].resource?.patterns.first),
                                          try #require(lambda.statements[1].resource?.patterns.first)))
        #expect(!lambda.statements[0].covers(lambda.statements[1]))
        #expect(!lambda.statements[1].covers(lambda.statements[0]))
    }

    /// AWS managed policies PowerUserAccess and SQSUnlockQueuePolicy, as AWS publishes them: statements that look
    /// alike but are not covered (the actions of the second are exactly what the NotAction excludes).
    @Test(arguments: [
        #"""
        {"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},
          {"Action":["account:GetAccountInformation","account:GetGovCloudAccountInformation","account:GetPrimaryEmail",
            "account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles",
            "organizations:DescribeEffectivePolicy","organizations:DescribeOrganization"],"Effect":"Allow","Resource":"*"}],
         "Version":"2012-10-17"}
        """#,
        #"""
        {"Statement":[{"Effect":"Deny","NotAction":["sqs:SetQueueAttributes","sqs:GetQueueAttributes","sqs:ListQueues",
            "sqs:GetQueueUrl"],"Resource":"*","Sid":"DenyAllOtherActionsOnAnyResource"},
          {"Action":["sqs:GetQueueAttributes"],"Condition":{"StringNotEqualsIfExists":{"aws:ResourceAccount":
            ["${aws:PrincipalAccount}"]}},"Effect":"Deny","Resource":"arn:aws:sqs:*:*:*",
            "Sid":"DenyGettingQueueAttributesOnNonOwnQueue"},
          {"Action":["sqs:SetQueueAttributes","sqs:GetQueueAttributes","sqs:ListQueues","sqs:GetQueueUrl"],
            "Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}},"Effect":"Deny","Resource":"*",
            "Sid":"DenyActionsForNonRootUser"}],"Version":"2012-10-17"}
        """#,
    ])
    func awsManagedPoliciesWithoutRedundancy(json: String) throws {
        #expect(try redundant(json).isEmpty)
    }

    @Test func awsManagedPolicyWithARedundantStatement() throws {
        // Two statements of AWSBackupServiceRolePolicyForRestores as AWS publishes it: the tagged-volume grant is
        // already given, without its condition, by the statement after it.
        let findings = try redundant(policy(
            #"{"Action":["fsx:CreateVolumeFromBackup","fsx:TagResource"],"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["aws:backup:source-resource"]}},"Effect":"Allow","Resource":["arn:aws:fsx:*:*:volume/*"],"Sid":"FsxVolumeTagPermissions"}"#,
            #"{"Action":["fsx:CreateVolumeFromBackup","fsx:TagResource"],"Effect":"Allow","Resource":["arn:aws:fsx:*:*:storage-virtual-machine/*","arn:aws:fsx:*:*:backup/*","arn:aws:fsx:*:*:volume/*"],"Sid":"FsxBackupTagPermissions"}"#))
        #expect(findings.map(\.sid) == ["FsxVolumeTagPermissions"])
        #expect(findings.first?.message.contains(#"Statement[1] (Sid "FsxBackupTagPermissions") already allows"#) == true)
    }

    // MARK: - Cost

    @Test func workIsBounded() throws {
        let analyzer = PolicyAnalyzer(catalog: ActionCatalog(tsv: ""))
        func document(_ statements: [String]) throws -> PolicyDocument {
            try PolicyDocument.parse(#"{"Version":"2012-10-17","Statement":["# + statements.joined(separator: ",") + "]}",
                                     maximumSize: 4 << 20)
        }
        // 500 copies of one statement: within the budget every later copy is reported.
        let copies = try document(Array(repeating: #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/k"}"#,
                                        count: 500))
        var all = FindingCollector()
        analyzer.checkRedundantStatements(copies, into: &all)
        #expect(all.findings.count == 499)
        // With a small budget the check stops early, and what it did report is still right.
        var some = FindingCollector()
        analyzer.checkRedundantStatements(copies, budget: 20_000, into: &some)
        #expect(!some.findings.isEmpty && some.findings.count < 499)
        for finding in some.findings {
            #expect(finding.message.contains("repeats Statement[0]"))
        }
        // Thousands of statements that all have to be compared (every one may cover every other): the budget, not
        // the number of pairs, decides the work.
        let distinct = try document((0..<3_000).map { #"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/k\#($0)"}"# })
        let start = ContinuousClock.now
        var none = FindingCollector()
        analyzer.checkRedundantStatements(distinct, budget: 200_000, into: &none)
        #expect(none.findings.isEmpty)
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
