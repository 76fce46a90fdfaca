/// The fixed list of finding categories (issue 7). The raw values appear in CLI and API output.
public enum FindingCategory: String, Sendable, Hashable, CaseIterable, Codable {
    case adminAccess = "admin-access"
    case serviceWildcard = "service-wildcard"
    case resourceWildcardWrite = "resource-wildcard-write"
    case privilegeEscalation = "privilege-escalation"
    case dataExfiltration = "data-exfiltration"
    case credentialsExposure = "credentials-exposure"
    case resourceExposure = "resource-exposure"
    case notActionAllow = "not-action-allow"
    case notResourceAllow = "not-resource-allow"
    case anyPrincipal = "any-principal"
    case publicAccess = "public-access"
    case crossAccountTrust = "cross-account-trust"
    case unknownAction = "unknown-action"
    case unknownService = "unknown-service"
    case invalidARN = "invalid-arn"
    case resourceTypeMismatch = "resource-type-mismatch"
    case invalidCondition = "invalid-condition"
    case invalidVersion = "invalid-version"
    /// A statement that another statement of the same policy already covers (a validation finding, like the six above).
    case redundantStatement = "redundant-statement"
}

/// How bad a finding is. The score deduction per severity is in ``PolicyScore``.
public enum Severity: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case critical, high, medium, low, info

    private var rank: Int {
        switch self {
        case .critical: 4
        case .high: 3
        case .medium: 2
        case .low: 1
        case .info: 0
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    /// One step less severe (info stays info); used when a condition narrows a grant.
    public var lowered: Severity {
        switch self {
        case .critical: .high
        case .high: .medium
        case .medium: .low
        case .low, .info: .info
        }
    }
}

/// One thing the analyzer found in a policy.
public struct Finding: Sendable, Hashable {
    /// Stable identifier, e.g. `IAM-PRIVESC-CreatePolicyVersion`, `IAM-SERVICE-WILDCARD-s3`.
    public var id: String
    public var category: FindingCategory
    public var severity: Severity
    /// The statement the finding is about (nil for document-level findings such as a missing Version).
    public var statementIndex: Int?
    public var sid: String?
    /// A plain-language explanation in our own words, including any condition that lowered the severity.
    public var message: String
    /// The actions involved, as written in the policy or as catalog names.
    public var actions: [String]
    /// Equivalent checks elsewhere, by framework: `securityHub` (AWS Security Hub control ids), `cis` (CIS AWS
    /// Foundations Benchmark), `parliament` and `cloudsplaining` (their issue names).
    public var references: [String: [String]]

    public init(id: String, category: FindingCategory, severity: Severity, statementIndex: Int? = nil,
                sid: String? = nil, message: String, actions: [String] = [], references: [String: [String]] = [:]) {
        self.id = id
        self.category = category
        self.severity = severity
        self.statementIndex = statementIndex
        self.sid = sid
        self.message = message
        self.actions = actions
        self.references = references
    }

    /// `Statement[2] (Sid "X")`, `Statement[2]`, or nil for the whole document.
    public var statementLabel: String? {
        guard let statementIndex else { return nil }
        if let sid, !sid.isEmpty { return "Statement[\(statementIndex)] (Sid \"\(sid)\")" }
        return "Statement[\(statementIndex)]"
    }
}

/// The kind of policy document, which decides which checks apply.
public enum PolicyKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Attached to a user, group or role (also SCPs and permissions boundaries).
    case identity
    /// Attached to a resource (bucket, queue, key, ...); has `Principal`.
    case resource
    /// A role's trust policy: `Principal` plus `sts:AssumeRole*` actions.
    case trust

    /// Guesses the kind: no `Principal` anywhere → identity; principals with only `sts:AssumeRole*`,
    /// `sts:TagSession`, `sts:SetSourceIdentity` or `sts:SetContext` actions → trust; otherwise resource.
    public static func detect(_ document: PolicyDocument) -> PolicyKind {
        let withPrincipal = document.statements.filter { $0.principal != nil }
        guard !withPrincipal.isEmpty else { return .identity }
        let trustActions: Set<String> = ["sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
                                         "sts:tagsession", "sts:setsourceidentity", "sts:setcontext", "sts:*"]
        let onlyTrust = withPrincipal.allSatisfy { statement in
            !statement.action.isNegated && statement.action.patterns.allSatisfy { trustActions.contains($0.lowercased()) }
        }
        return onlyTrust ? .trust : .resource
    }
}

/// Points taken off the score for one finding.
public struct ScoreDeduction: Sendable, Hashable {
    public var findingID: String
    public var statementIndex: Int?
    public var severity: Severity
    public var points: Int

    public init(findingID: String, statementIndex: Int?, severity: Severity, points: Int) {
        self.findingID = findingID
        self.statementIndex = statementIndex
        self.severity = severity
        self.points = points
    }
}

/// Letter grade for a score.
public enum Grade: String, Sendable, Hashable, CaseIterable, Codable {
    case a = "A", b = "B", c = "C", d = "D", f = "F"
}

/// The analyzer's answer for one document.
public struct PolicyReport: Sendable, Hashable {
    public var kind: PolicyKind
    /// Sorted by severity (worst first), then statement, then id.
    public var findings: [Finding]
    public var score: Int
    public var grade: Grade
    /// One line per finding that cost points, in the order of `findings`.
    public var deductions: [ScoreDeduction]

    public init(kind: PolicyKind, findings: [Finding], score: Int, grade: Grade, deductions: [ScoreDeduction]) {
        self.kind = kind
        self.findings = findings
        self.score = score
        self.grade = grade
        self.deductions = deductions
    }
}
