/// Decides requests the way AWS does for a single account (with a cross-account rule), in this order:
///
/// 1. Any matching Deny in any policy (identity, resource, boundary, SCP) gives `.explicitDeny`.
/// 2. Each SCP level must have a matching Allow, else `.implicitDeny`.
/// 3. Same account: an Allow in an identity policy, or in a resource policy whose `Principal` matches the caller, is
///    needed. A permissions boundary must also allow, except for a resource-policy Allow that names the caller's own
///    ARN (IAM applies the boundary to identity grants and to grants that name the account or a session).
/// 4. Cross account (the resource's account differs from the caller's): both an identity Allow (through the
///    boundary) and a resource-policy Allow are needed.
///
/// Simplifications, on purpose: no session policies, no ACLs, no KMS grants; the caller's account is read from its
/// ARN; resources whose ARN has no account (S3) count as the caller's unless `AccessRequest.resourceAccount` says
/// otherwise. Statements in identity policies, boundaries and SCPs ignore `Principal`; statements in resource
/// policies without a `Principal` never match.
public struct PolicyEvaluator: Sendable {
    public init() {}

    public func evaluate(_ request: AccessRequest, policies: PolicySet) -> EvaluationResult {
        let context = request.derivedContext
        var denies: [MatchedStatement] = []

        func matches(_ doc: PolicyDocument, source: PolicySource, usesPrincipal: Bool) -> [(MatchedStatement, Bool)] {
            var out: [(MatchedStatement, Bool)] = []
            for statement in doc.statements {
                var namesCaller = false
                if usesPrincipal {
                    let principalMatch = Self.principalMatches(statement.principal, request: request)
                    guard principalMatch.matches else { continue }
                    namesCaller = principalMatch.namesCallerExactly
                }
                guard Self.statementMatches(statement, document: doc, request: request, context: context) else { continue }
                out.append((MatchedStatement(source: source, statementIndex: statement.index, sid: statement.sid,
                                             effect: statement.effect), namesCaller))
            }
            return out
        }

        var identityAllows: [MatchedStatement] = []
        for (i, doc) in policies.identityPolicies.enumerated() {
            for (m, _) in matches(doc, source: .identity(i), usesPrincipal: false) {
                if m.effect == .deny { denies.append(m) } else { identityAllows.append(m) }
            }
        }
        var resourceAllows: [MatchedStatement] = []
        var resourceAllowsNamingCaller: [MatchedStatement] = []
        for (i, doc) in policies.resourcePolicies.enumerated() {
            for (m, namesCaller) in matches(doc, source: .resource(i), usesPrincipal: true) {
                if m.effect == .deny {
                    denies.append(m)
                } else {
                    resourceAllows.append(m)
                    if namesCaller { resourceAllowsNamingCaller.append(m) }
                }
            }
        }
        var boundaryAllows: [MatchedStatement] = []
        if let boundary = policies.permissionsBoundary {
            for (m, _) in matches(boundary, source: .permissionsBoundary, usesPrincipal: false) {
                if m.effect == .deny { denies.append(m) } else { boundaryAllows.append(m) }
            }
        }
        var scpAllowsByLevel: [[MatchedStatement]] = []
        for (level, scps) in policies.serviceControlPolicies.enumerated() {
            var allows: [MatchedStatement] = []
            for (i, doc) in scps.enumerated() {
                for (m, _) in matches(doc, source: .serviceControlPolicy(level: level, index: i), usesPrincipal: false) {
                    if m.effect == .deny { denies.append(m) } else { allows.append(m) }
                }
            }
            scpAllowsByLevel.append(allows)
        }

        if !denies.isEmpty {
            return EvaluationResult(decision: .explicitDeny, decidingStatements: denies,
                                    reason: "an explicit Deny matched: " + denies.map(\.description).joined(separator: "; "))
        }
        for (level, allows) in scpAllowsByLevel.enumerated() where allows.isEmpty {
            return EvaluationResult(decision: .implicitDeny, decidingStatements: identityAllows + resourceAllows,
                                    reason: "no service control policy at organization level \(level) allows the action")
        }
        let scpAllows = scpAllowsByLevel.flatMap { $0 }
        let boundaryOK = policies.permissionsBoundary == nil || !boundaryAllows.isEmpty

        let callerAccount = request.principalAccount
        let resourceAccount = request.effectiveResourceAccount
        let crossAccount = callerAccount != nil && resourceAccount != nil && callerAccount != resourceAccount

        if crossAccount {
            guard !identityAllows.isEmpty else {
                return EvaluationResult(decision: .implicitDeny, decidingStatements: resourceAllows,
                                        reason: "cross-account request: no identity policy of the caller allows it")
            }
            guard boundaryOK else {
                return EvaluationResult(decision: .implicitDeny, decidingStatements: identityAllows,
                                        reason: "the permissions boundary does not allow the action")
            }
            guard !resourceAllows.isEmpty else {
                return EvaluationResult(decision: .implicitDeny, decidingStatements: identityAllows,
                                        reason: "cross-account request: the resource policy does not allow the caller")
            }
            return EvaluationResult(decision: .allow,
                                    decidingStatements: identityAllows + resourceAllows + boundaryAllows + scpAllows,
                                    reason: "allowed by both the caller's identity policy and the resource policy")
        }

        if !identityAllows.isEmpty && boundaryOK {
            return EvaluationResult(decision: .allow, decidingStatements: identityAllows + boundaryAllows + scpAllows,
                                    reason: "allowed by an identity policy")
        }
        if !resourceAllowsNamingCaller.isEmpty || (!resourceAllows.isEmpty && boundaryOK) {
            let grants = boundaryOK ? resourceAllows : resourceAllowsNamingCaller
            return EvaluationResult(decision: .allow, decidingStatements: grants + boundaryAllows + scpAllows,
                                    reason: "allowed by a resource policy that names the caller")
        }
        if !boundaryOK && !(identityAllows.isEmpty && resourceAllows.isEmpty) {
            return EvaluationResult(decision: .implicitDeny, decidingStatements: identityAllows + resourceAllows,
                                    reason: "the permissions boundary does not allow the action")
        }
        return EvaluationResult(decision: .implicitDeny, decidingStatements: [],
                                reason: "no statement allows the action on this resource")
    }

    /// Whether action, resource and conditions of `statement` match (the principal is not looked at).
    public static func statementMatches(_ statement: PolicyStatement, document: PolicyDocument, request: AccessRequest,
                                        context: RequestContext) -> Bool {
        let actionHit = statement.action.patterns.contains { Wildcard.matchesAction($0, request.action) }
        guard actionHit != statement.action.isNegated else { return false }
        if let resource = statement.resource {
            let substitute = document.substitutesPolicyVariables
            let resourceHit = resource.patterns.contains { pattern in
                let compiled: WildcardPattern?
                if substitute {
                    compiled = PolicyVariables.compile(pattern, context: context)
                } else {
                    compiled = WildcardPattern(pattern)
                }
                // An unresolvable policy variable makes the pattern match nothing.
                guard let usable = compiled else { return false }
                return Wildcard.matchesARN(usable, request.resource)
            }
            guard resourceHit != resource.isNegated else { return false }
        }
        return ConditionEvaluator.evaluateAll(statement.conditions, context: context,
                                              substituteVariables: document.substitutesPolicyVariables)
    }

    /// Whether a resource-policy principal element covers the caller, and whether it names the caller's own ARN.
    public static func principalMatches(_ clause: PrincipalClause?, request: AccessRequest)
        -> (matches: Bool, namesCallerExactly: Bool) {
        guard let clause else { return (false, false) }
        var hit = false
        var exact = false
        switch clause.value {
        case .everyone:
            hit = true
        case .entries(let entries):
            for entry in entries {
                let (m, e) = entryMatches(entry, request: request)
                if m { hit = true }
                if e { exact = true }
            }
        }
        if clause.isNegated { return (!hit, false) }
        return (hit, exact)
    }

    private static func entryMatches(_ entry: PrincipalEntry, request: AccessRequest) -> (Bool, Bool) {
        let caller = request.principal
        switch entry.type {
        case .aws:
            if entry.value == "*" { return (true, false) }
            if entry.value == caller { return (true, true) }
            let parts = entry.value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            // `123456789012` or `arn:aws:iam::123456789012:root` stands for every principal of that account.
            if let account = entry.awsAccount, parts.count != 6 || parts[5] == "root" {
                return (request.principalAccount == account, false)
            }
            // A role ARN covers the role's sessions.
            if parts.count == 6, parts[2] == "iam", parts[5].hasPrefix("role/") {
                let callerParts = caller.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
                if callerParts.count == 6, callerParts[2] == "sts", callerParts[4] == parts[4],
                   callerParts[5].hasPrefix("assumed-role/") {
                    let roleName = parts[5].split(separator: "/").last.map(String.init) ?? ""
                    let sessionRole = callerParts[5].split(separator: "/").dropFirst().first.map(String.init) ?? ""
                    if roleName == sessionRole { return (true, false) }
                }
            }
            return (false, false)
        case .service:
            let m = entry.value.lowercased() == caller.lowercased()
            return (m, m)
        case .federated, .canonicalUser:
            return (entry.value == caller, entry.value == caller)
        }
    }
}
