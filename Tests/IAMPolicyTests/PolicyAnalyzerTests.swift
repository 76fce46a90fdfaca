import Foundation
import Testing
@testable import IAMPolicy

/// What the analyzer must (and must not) report for one corpus document.
struct CorpusCase: Sendable, CustomStringConvertible {
    var file: String
    var includes: [FindingCategory] = []
    var excludes: [FindingCategory] = []
    /// The document must produce no findings at all.
    var clean = false
    var ids: [String] = []
    var kind: PolicyKind? = nil
    /// The document itself, for cases written here rather than in `Tests/Fixtures/iam` (`file` then only names it).
    var json: String? = nil

    var description: String { file }
}

@Suite("Policy analyzer")
struct PolicyAnalyzerTests {
    static let corpus: [CorpusCase] = [
        CorpusCase(file: "admin-full-access.json", includes: [.adminAccess],
                   excludes: [.privilegeEscalation, .serviceWildcard], ids: ["IAM-ADMIN-ACCESS"], kind: .identity),
        CorpusCase(file: "admin-notaction.json", includes: [.adminAccess, .notActionAllow]),
        CorpusCase(file: "readonly-scoped-bucket.json",
                   excludes: [.adminAccess, .dataExfiltration, .credentialsExposure, .resourceExposure, .notResourceAllow,
                              .unknownAction, .unknownService, .resourceTypeMismatch, .invalidVersion],
                   clean: true, kind: .identity),
        CorpusCase(file: "service-wildcard-s3.json", includes: [.serviceWildcard, .resourceExposure],
                   excludes: [.adminAccess, .resourceWildcardWrite], ids: ["IAM-SERVICE-WILDCARD-s3"]),
        CorpusCase(file: "resource-wildcard-write.json", includes: [.resourceWildcardWrite], excludes: [.serviceWildcard]),
        CorpusCase(file: "resource-wildcard-write-vpce.json", includes: [.resourceWildcardWrite]),
        CorpusCase(file: "ec2-operator-tag-scoped.json", excludes: [.resourceWildcardWrite, .invalidCondition], clean: true),
        CorpusCase(file: "privesc-create-policy-version.json", includes: [.privilegeEscalation],
                   ids: ["IAM-PRIVESC-CreatePolicyVersion"]),
        CorpusCase(file: "privesc-passrole-ec2.json", includes: [.privilegeEscalation, .resourceWildcardWrite],
                   ids: ["IAM-PRIVESC-PassRoleToEC2"]),
        CorpusCase(file: "privesc-passrole-lambda.json", includes: [.privilegeEscalation],
                   ids: ["IAM-PRIVESC-PassRoleToLambda"]),
        CorpusCase(file: "passrole-scoped-no-lambda.json", excludes: [.privilegeEscalation, .credentialsExposure], clean: true),
        CorpusCase(file: "data-exfiltration.json", includes: [.dataExfiltration], ids: ["IAM-DATA-EXFILTRATION"]),
        CorpusCase(file: "credentials-exposure.json", includes: [.credentialsExposure, .privilegeEscalation],
                   ids: ["IAM-CREDENTIALS-EXPOSURE", "IAM-PRIVESC-CreateAccessKey"]),
        CorpusCase(file: "self-service-credentials.json", includes: [.credentialsExposure], excludes: [.privilegeEscalation]),
        CorpusCase(file: "resource-exposure.json", includes: [.resourceExposure, .resourceWildcardWrite]),
        CorpusCase(file: "not-resource-allow.json", includes: [.notResourceAllow]),
        CorpusCase(file: "scp-region-guard.json", excludes: [.notActionAllow, .adminAccess], clean: true),
        CorpusCase(file: "bucket-policy-public-read.json", includes: [.publicAccess, .anyPrincipal],
                   ids: ["IAM-PUBLIC-READ"], kind: .resource),
        CorpusCase(file: "bucket-policy-public-write.json", includes: [.publicAccess], ids: ["IAM-PUBLIC-WRITE"]),
        CorpusCase(file: "bucket-policy-org-only.json", includes: [.anyPrincipal], excludes: [.publicAccess]),
        CorpusCase(file: "bucket-policy-vpce-deny.json", includes: [.anyPrincipal], excludes: [.publicAccess]),
        CorpusCase(file: "bucket-policy-tls-only.json", excludes: [.anyPrincipal, .publicAccess, .crossAccountTrust],
                   clean: true, kind: .resource),
        CorpusCase(file: "trust-ec2-service.json", excludes: [.anyPrincipal, .crossAccountTrust], clean: true, kind: .trust),
        CorpusCase(file: "trust-any-principal.json", includes: [.anyPrincipal], kind: .trust),
        CorpusCase(file: "trust-cross-account.json", includes: [.crossAccountTrust], kind: .trust),
        CorpusCase(file: "trust-github-oidc.json", excludes: [.anyPrincipal], clean: true, kind: .trust),
        CorpusCase(file: "trust-oidc-unconditioned.json", includes: [.anyPrincipal], ids: ["IAM-ANY-PRINCIPAL-FEDERATED"]),
        CorpusCase(file: "unknown-action.json", includes: [.unknownAction], excludes: [.unknownService]),
        CorpusCase(file: "unknown-service.json", includes: [.unknownService], excludes: [.unknownAction]),
        CorpusCase(file: "invalid-arn.json", includes: [.invalidARN]),
        CorpusCase(file: "resource-type-mismatch.json", includes: [.resourceTypeMismatch],
                   ids: ["IAM-RESOURCE-MISMATCH-s3:GetObject"]),
        CorpusCase(file: "invalid-condition.json", includes: [.invalidCondition],
                   ids: ["IAM-INVALID-CONDITION-OPERATOR", "IAM-INVALID-CONDITION-TYPE"]),
        CorpusCase(file: "deny-mfa-bad-pattern.json", includes: [.invalidCondition], ids: ["IAM-INVALID-CONDITION-MFA"]),
        CorpusCase(file: "invalid-version-missing.json", includes: [.invalidVersion], ids: ["IAM-VERSION-MISSING"]),
        CorpusCase(file: "invalid-version-old.json", includes: [.invalidVersion], ids: ["IAM-VERSION-OLD"]),
        CorpusCase(file: "lambda-basic-execution.json",
                   excludes: [.resourceTypeMismatch, .invalidARN, .unknownAction, .redundantStatement]),
        CorpusCase(file: "kms-key-policy-default.json", includes: [.serviceWildcard], excludes: [.anyPrincipal, .publicAccess],
                   kind: .resource),
        CorpusCase(file: "sqs-queue-policy-sns.json", excludes: [.anyPrincipal, .publicAccess], clean: true, kind: .resource),
        CorpusCase(file: "(inline) statement covered by a wider one", includes: [.redundantStatement],
                   ids: ["IAM-REDUNDANT-STATEMENT"], kind: .identity, json: """
                   {"Version":"2012-10-17","Statement":[
                     {"Sid":"ReadMonthly","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-reports/monthly/*"},
                     {"Sid":"ReadAll","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::acme-reports/*"}]}
                   """),
    ]

    private func makeAnalyzer(accountID: String? = nil) throws -> PolicyAnalyzer {
        try #require(!ActionCatalog.bundled.isEmpty, "catalog: \(ActionCatalog.bundled.loadError ?? "?")")
        return PolicyAnalyzer(options: .init(accountID: accountID))
    }

    private func lint(_ file: String, accountID: String? = nil) throws -> PolicyReport {
        try makeAnalyzer(accountID: accountID).analyze(Fixtures.document(file))
    }

    @Test(arguments: PolicyAnalyzerTests.corpus)
    func corpusDocument(_ expectation: CorpusCase) throws {
        let report = try expectation.json.map { try makeAnalyzer().analyze(json: $0) } ?? lint(expectation.file)
        let categories = Set(report.findings.map(\.category))
        let summary = report.findings.map { "\($0.id) [\($0.severity.rawValue)]" }.joined(separator: ", ")
        for category in expectation.includes {
            #expect(categories.contains(category), "\(expectation.file) should report \(category.rawValue); got \(summary)")
        }
        for category in expectation.excludes {
            #expect(!categories.contains(category), "\(expectation.file) should not report \(category.rawValue); got \(summary)")
        }
        for id in expectation.ids {
            #expect(report.findings.contains { $0.id == id }, "\(expectation.file) should have \(id); got \(summary)")
        }
        if expectation.clean {
            #expect(report.findings.isEmpty, "\(expectation.file): \(summary)")
            #expect(report.score == 100)
            #expect(report.grade == .a)
        }
        if let kind = expectation.kind {
            #expect(report.kind == kind)
        }
    }

    @Test func everyCategoryHasAPositiveAndANegativeDocument() {
        for category in FindingCategory.allCases {
            let positive = Self.corpus.contains { $0.includes.contains(category) }
            let negative = Self.corpus.contains { $0.excludes.contains(category) || $0.clean }
            #expect(positive, "no positive document for \(category.rawValue)")
            #expect(negative, "no negative document for \(category.rawValue)")
        }
    }

    @Test func adminAccessScoresByTheTable() throws {
        let report = try lint("admin-full-access.json")
        #expect(report.findings.map(\.id) == ["IAM-ADMIN-ACCESS"])
        let admin = try #require(report.findings.first)
        #expect(admin.severity == .critical)
        #expect(admin.references["securityHub"] == ["IAM.1"])
        #expect(admin.statementIndex == 0)
        #expect(admin.sid == "EverythingEverywhere")
        #expect(report.score == 60)
        #expect(report.grade == .d)
        #expect(report.deductions == [ScoreDeduction(findingID: "IAM-ADMIN-ACCESS", statementIndex: 0, severity: .critical, points: 40)])
    }

    @Test func publicReadScore() throws {
        let report = try lint("bucket-policy-public-read.json")
        let read = try #require(report.findings.first { $0.id == "IAM-PUBLIC-READ" })
        #expect(read.severity == .high)
        #expect(read.references["securityHub"] == ["S3.2"])
        let any = try #require(report.findings.first { $0.category == .anyPrincipal })
        #expect(any.severity == .medium)
        #expect(report.score == 100 - 20 - 10)
        #expect(report.grade == .c)
        #expect(report.findings.first?.id == "IAM-PUBLIC-READ", "sorted worst first")
    }

    @Test func scoreArithmetic() {
        func findings(_ severities: [Severity]) -> [Finding] {
            severities.enumerated().map { Finding(id: "F\($0.offset)", category: .unknownAction, severity: $0.element, message: "") }
        }
        #expect(PolicyScore.score([]).score == 100)
        #expect(PolicyScore.score(findings([.high, .medium, .low, .info])).score == 100 - 20 - 10 - 4)
        #expect(PolicyScore.score(findings([.high, .medium, .low, .info])).deductions.count == 3)
        #expect(PolicyScore.score(findings([.critical, .critical, .high])).score == 0)
        #expect(PolicyScore.score(findings([.critical, .critical, .critical])).score == 0, "never below zero")
        #expect(PolicyScore.grade(for: 100) == .a)
        #expect(PolicyScore.grade(for: 90) == .a)
        #expect(PolicyScore.grade(for: 89) == .b)
        #expect(PolicyScore.grade(for: 80) == .b)
        #expect(PolicyScore.grade(for: 79) == .c)
        #expect(PolicyScore.grade(for: 70) == .c)
        #expect(PolicyScore.grade(for: 69) == .d)
        #expect(PolicyScore.grade(for: 60) == .d)
        #expect(PolicyScore.grade(for: 59) == .f)
        #expect(PolicyScore.grade(for: 0) == .f)
    }

    @Test func narrowingConditionLowersAndSaysSo() throws {
        let plain = try #require(try lint("resource-wildcard-write.json").findings.first { $0.category == .resourceWildcardWrite })
        let narrowed = try #require(try lint("resource-wildcard-write-vpce.json").findings.first { $0.category == .resourceWildcardWrite })
        #expect(plain.severity == .medium)
        #expect(narrowed.severity == .low)
        #expect(narrowed.message.contains("aws:SourceVpce"))
        #expect(narrowed.message.contains("Lowered from medium to low"))
        // A bucket policy open to "*" but restricted to the organization is not public.
        let org = try lint("bucket-policy-org-only.json")
        let any = try #require(org.findings.first { $0.category == .anyPrincipal })
        #expect(any.severity == .low)
        #expect(any.message.contains("aws:PrincipalOrgID"))
        // The same through a Deny-unless-endpoint statement.
        let vpce = try lint("bucket-policy-vpce-deny.json")
        #expect(vpce.findings.first { $0.category == .anyPrincipal }?.message.contains("aws:SourceVpce") == true)
    }

    @Test func crossAccountTrustWithAccountID() throws {
        let external = try lint("trust-cross-account.json", accountID: "123456789012")
        let finding = try #require(external.findings.first { $0.category == .crossAccountTrust })
        #expect(finding.id == "IAM-CROSS-ACCOUNT-999988887777")
        #expect(finding.severity == .high)
        #expect(finding.message.contains("sts:ExternalId"))
        let withExternalID = try lint("trust-cross-account-external-id.json", accountID: "123456789012")
        let lowered = try #require(withExternalID.findings.first { $0.category == .crossAccountTrust })
        #expect(lowered.severity == .medium)
        #expect(lowered.message.contains("sts:ExternalId"))
        // Trusting one's own account is not cross-account.
        let own = try lint("trust-cross-account.json", accountID: "999988887777")
        #expect(!own.findings.contains { $0.category == .crossAccountTrust })
        // Without the account id, only an informational note (no points).
        let unknown = try lint("trust-cross-account.json")
        #expect(unknown.findings.first { $0.category == .crossAccountTrust }?.severity == .info)
        #expect(unknown.score == 100)
    }

    @Test func privilegeEscalationNamesPathAndActions() throws {
        let report = try lint("privesc-passrole-ec2.json")
        let finding = try #require(report.findings.first { $0.id == "IAM-PRIVESC-PassRoleToEC2" })
        #expect(finding.actions == ["iam:PassRole", "ec2:RunInstances"])
        #expect(finding.severity == .high)
        #expect(finding.message.contains("PassRoleToEC2"))
        #expect(finding.references["cloudsplaining"] == ["PrivilegeEscalation"])
        #expect(finding.references["parliament"] == ["PRIVILEGE_ESCALATION"])
        let cpv = try self.lint("privesc-create-policy-version.json")
        #expect(cpv.findings.first { $0.id == "IAM-PRIVESC-CreatePolicyVersion" }?.severity == .critical)
        // A Deny on every resource closes the path.
        let closed = try makeAnalyzer().analyze(PolicyDocument.parse("""
        {"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Action":["iam:CreatePolicyVersion"],"Resource":"*"},
          {"Effect":"Deny","Action":"iam:CreatePolicyVersion","Resource":"*"}]}
        """))
        #expect(!closed.findings.contains { $0.category == .privilegeEscalation })
    }

    @Test func unknownActionSuggestsTheRightName() throws {
        let report = try lint("unknown-action.json")
        let finding = try #require(report.findings.first { $0.category == .unknownAction })
        #expect(finding.id == "IAM-UNKNOWN-ACTION-s3:GetObjekt")
        #expect(finding.message.contains("Did you mean \"s3:GetObject\""))
        #expect(finding.severity == .low)
        // In a Deny, a typo is worse: the Deny protects nothing.
        let deny = try makeAnalyzer().analyze(PolicyDocument.parse(#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObjekt","Resource":"*"}]}"#))
        #expect(deny.findings.first { $0.category == .unknownAction }?.severity == .high)
    }

    @Test func versionFindings() throws {
        let missing = try lint("invalid-version-missing.json")
        #expect(missing.findings.first { $0.id == "IAM-VERSION-MISSING" }?.severity == .medium, "uses policy variables")
        let invalid = try makeAnalyzer().analyze(PolicyDocument.parse(#"{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::a"}]}"#))
        #expect(invalid.findings.map(\.id) == ["IAM-VERSION-INVALID"])
        #expect(invalid.findings.first?.severity == .high)
    }

    @Test func kindDetection() throws {
        #expect(PolicyKind.detect(try Fixtures.document("trust-ec2-service.json")) == .trust)
        #expect(PolicyKind.detect(try Fixtures.document("bucket-policy-public-read.json")) == .resource)
        #expect(PolicyKind.detect(try Fixtures.document("admin-full-access.json")) == .identity)
    }

    @Test func analyzeJSONReportsParseErrors() throws {
        let analyzer = try makeAnalyzer()
        #expect(throws: PolicyParseError.self) { try analyzer.analyze(json: "{") }
        #expect(try analyzer.analyze(json: #"{"Version":"2012-10-17","Statement":[]}"#).score == 100)
    }

    @Test func worksWithoutACatalog() throws {
        let bare = PolicyAnalyzer(catalog: ActionCatalog(tsv: ""))
        let report = bare.analyze(try Fixtures.document("bucket-policy-public-write.json"))
        #expect(report.findings.contains { $0.id == "IAM-PUBLIC-WRITE" })
        let privesc = bare.analyze(try Fixtures.document("privesc-passrole-lambda.json"))
        #expect(privesc.findings.contains { $0.id == "IAM-PRIVESC-PassRoleToLambda" })
        #expect(!privesc.findings.contains { $0.category == .unknownAction })
    }
}
