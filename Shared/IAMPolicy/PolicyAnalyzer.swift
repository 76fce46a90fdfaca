/// Lints a policy document: validation findings (unknown actions, bad ARNs, misused conditions, version, redundant
/// statements) and security findings (admin access, wildcards, privilege escalation, exposure, public and
/// cross-account access), each with a severity, and a transparent 0-100 score (see ``PolicyScore``).
///
/// Pure and `Sendable`: no I/O besides the lazily loaded bundled catalog.
public struct PolicyAnalyzer: Sendable {
    public struct Options: Sendable, Hashable {
        /// The account that owns the policy. With it, principals of other accounts are reported as cross-account
        /// trust; without it, trust policies get an informational note for each account they trust.
        public var accountID: String?

        public init(accountID: String? = nil) {
            self.accountID = accountID
        }
    }

    public var catalog: ActionCatalog
    public var options: Options

    public init(catalog: ActionCatalog = .bundled, options: Options = Options()) {
        self.catalog = catalog
        self.options = options
    }

    /// Parses and analyzes JSON text. Throws ``PolicyParseError`` when the document cannot be read.
    public func analyze(json: String, kind: PolicyKind? = nil) throws -> PolicyReport {
        analyze(try PolicyDocument.parse(json), kind: kind)
    }

    /// Analyzes a parsed document. `kind` nil means ``PolicyKind/detect(_:)``.
    public func analyze(_ document: PolicyDocument, kind: PolicyKind? = nil) -> PolicyReport {
        let kind = kind ?? PolicyKind.detect(document)
        var collector = FindingCollector()
        checkVersion(document, into: &collector)
        let documentNarrowing = denyNarrowingKeys(document)
        var sawAdmin = false
        for statement in document.statements {
            checkActions(statement, into: &collector)
            checkResources(statement, kind: kind, into: &collector)
            checkConditions(statement, into: &collector)
            if kind != .identity { checkPrincipalSyntax(statement, into: &collector) }
            guard statement.effect == .allow else { continue }
            var narrowing = narrowingKeys(statement)
            for key in documentNarrowing where !narrowing.contains(key) { narrowing.append(key) }
            var isAdmin = false
            if kind == .identity {
                isAdmin = checkAdminAccess(statement, narrowing: narrowing, into: &collector)
            }
            sawAdmin = sawAdmin || isAdmin
            if !isAdmin {
                checkServiceWildcards(statement, kind: kind, narrowing: narrowing, into: &collector)
                if kind == .identity {
                    checkResourceWildcardWrite(statement, narrowing: narrowing, into: &collector)
                    checkSensitiveActions(statement, narrowing: narrowing, into: &collector)
                }
            }
            checkNotAction(statement, narrowing: narrowing, into: &collector)
            checkNotResource(statement, narrowing: narrowing, into: &collector)
            if kind != .identity {
                checkPrincipals(statement, document: document, kind: kind, narrowing: narrowing, into: &collector)
            }
        }
        checkRedundantStatements(document, into: &collector)
        if kind == .identity && !sawAdmin {
            checkPrivilegeEscalation(document, documentNarrowing: documentNarrowing, into: &collector)
        }
        let findings = collector.sorted()
        let (score, deductions) = PolicyScore.score(findings)
        return PolicyReport(kind: kind, findings: findings, score: score, grade: PolicyScore.grade(for: score),
                            deductions: deductions)
    }

    // MARK: - Shared helpers

    /// Whether the statement's Action/NotAction covers `action`.
    static func covers(_ statement: PolicyStatement, _ action: String) -> Bool {
        let hit = statement.action.patterns.contains { Wildcard.matchesAction($0, action) }
        return hit != statement.action.isNegated
    }

    /// True when the statement applies to every resource, or to every resource of a service or account:
    /// no Resource, NotResource, `*`, or an ARN whose resource part is `*` (`arn:aws:s3:::*`).
    static func isUnscoped(_ resource: PatternList?) -> Bool {
        guard let resource else { return true }
        if resource.isNegated { return true }
        return resource.patterns.contains { pattern in
            if pattern == "*" { return true }
            let parts = pattern.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            return parts.count == 6 && parts[0] == "arn" && parts[5] == "*"
        }
    }

    /// Condition keys of this statement that really narrow it: a positive operator (not `IfExists`, not
    /// `ForAllValues:`) on a key of ``GlobalConditionKeys/narrowing`` with specific values.
    func narrowingKeys(_ statement: PolicyStatement) -> [String] {
        var keys: [String] = []
        for entry in statement.conditions {
            guard let op = entry.conditionOperator, !op.ifExists, op.setQualifier != .forAllValues,
                  !op.base.isNegated, [.string, .arn, .ipAddress].contains(op.base.family),
                  GlobalConditionKeys.narrowing.contains(entry.key.lowercased()),
                  Self.valuesAreSpecific(entry.values), !keys.contains(entry.key) else { continue }
            keys.append(entry.key)
        }
        return keys
    }

    /// Narrowing that comes from a Deny statement with a negated operator, the usual bucket-policy pattern
    /// ("deny everything unless aws:SourceVpce is vpce-1"). It narrows every Allow of the document.
    func denyNarrowingKeys(_ document: PolicyDocument) -> [String] {
        var keys: [String] = []
        for statement in document.statements where statement.effect == .deny {
            guard statement.principal == nil || statement.principal?.isEveryone == true else { continue }
            guard !statement.action.isNegated, statement.action.patterns.contains(where: { $0 == "*" || $0.hasSuffix(":*") })
            else { continue }
            for entry in statement.conditions {
                guard let op = entry.conditionOperator, op.base.isNegated, op.setQualifier == .none,
                      GlobalConditionKeys.narrowing.contains(entry.key.lowercased()),
                      Self.valuesAreSpecific(entry.values), !keys.contains(entry.key) else { continue }
                keys.append(entry.key)
            }
        }
        return keys
    }

    static func valuesAreSpecific(_ values: [String]) -> Bool {
        !values.isEmpty && !values.contains { $0 == "*" || $0 == "0.0.0.0/0" || $0 == "::/0" || $0.isEmpty }
    }

    /// The severity after narrowing and the sentence that explains the change.
    static func narrowed(_ severity: Severity, by keys: [String]) -> (Severity, String) {
        guard !keys.isEmpty else { return (severity, "") }
        let lowered = severity.lowered
        return (lowered, " Lowered from \(severity.rawValue) to \(lowered.rawValue) because the grant only applies "
            + "when \(keys.joined(separator: ", ")) matches specific values.")
    }

    /// Up to `limit` names, then "and N more".
    static func list(_ names: [String], limit: Int = 8) -> String {
        if names.count <= limit { return names.joined(separator: ", ") }
        return names.prefix(limit).joined(separator: ", ") + " and \(names.count - limit) more"
    }

    static func shortened(_ s: String) -> String { PolicyJSON.shorten(s) }

    /// The statement's actions expanded through the catalog (NotAction: everything it does not exclude).
    func expandedActions(_ statement: PolicyStatement) -> [ActionDefinition] {
        if statement.action.isNegated {
            let patterns = statement.action.patterns.map { WildcardPattern($0, caseInsensitive: true) }
            return catalog.allActions.filter { action in
                let name = action.fullName
                return !patterns.contains { $0.matches(name) }
            }
        }
        var seen = Set<String>()
        var out: [ActionDefinition] = []
        for pattern in statement.action.patterns {
            for action in catalog.expand(pattern) where seen.insert(action.key).inserted {
                out.append(action)
            }
        }
        return out
    }
}

/// Collects findings, dropping repeats of the same id for the same statement.
struct FindingCollector {
    private(set) var findings: [Finding] = []
    private var seen = Set<String>()

    mutating func add(_ finding: Finding) {
        let key = finding.id + "|" + (finding.statementIndex.map(String.init) ?? "-")
        if seen.insert(key).inserted { findings.append(finding) }
    }

    /// Worst first, then by statement (document-level first), then by id.
    func sorted() -> [Finding] {
        findings.enumerated().sorted { a, b in
            if a.element.severity != b.element.severity { return a.element.severity > b.element.severity }
            let sa = a.element.statementIndex ?? -1
            let sb = b.element.statementIndex ?? -1
            if sa != sb { return sa < sb }
            if a.element.id != b.element.id { return a.element.id < b.element.id }
            return a.offset < b.offset
        }.map(\.element)
    }
}
