/// Security findings: admin access, wildcards, escalation and exposure, principals.
extension PolicyAnalyzer {
    /// Reports `admin-access` and returns true when the statement grants everything (`*`), or everything except a
    /// few actions through NotAction while still allowing IAM policy changes (which lead to everything).
    func checkAdminAccess(_ statement: PolicyStatement, narrowing: [String], into collector: inout FindingCollector) -> Bool {
        guard Self.isUnscoped(statement.resource) else { return false }
        let literal = !statement.action.isNegated && statement.action.patterns.contains { $0 == "*" || $0 == "*:*" }
        let equivalent = statement.action.isNegated
            && ["iam:AttachUserPolicy", "iam:PutRolePolicy", "iam:CreatePolicyVersion", "iam:AttachRolePolicy"]
                .contains { Self.covers(statement, $0) }
        guard literal || equivalent else { return false }
        let (severity, note) = Self.narrowed(.critical, by: narrowing)
        let what = literal
            ? "allows every action on every resource: full administrator access"
            : "allows every action except \(Self.list(statement.action.patterns, limit: 4)) on every resource, and "
                + "what it leaves includes changing IAM policies, which amounts to full administrator access"
        collector.add(Finding(
            id: "IAM-ADMIN-ACCESS", category: .adminAccess, severity: severity,
            statementIndex: statement.index, sid: statement.sid,
            message: "\(statement.label) \(what). Every privilege-escalation path is open as well. Grant only the "
                + "actions the workload needs." + note,
            actions: statement.action.patterns, references: FindingReferences.adminAccess))
        return true
    }

    func checkServiceWildcards(_ statement: PolicyStatement, kind: PolicyKind, narrowing: [String],
                               into collector: inout FindingCollector) {
        guard !statement.action.isNegated else { return }
        for pattern in statement.action.patterns {
            guard let colon = pattern.firstIndex(of: ":") else { continue }
            let service = String(pattern[..<colon]).lowercased()
            let rest = pattern[pattern.index(after: colon)...]
            guard rest == "*", !service.isEmpty, !service.contains("*"), !service.contains("?") else { continue }
            if kind == .trust && service == "sts" { continue }
            var severity: Severity = SensitiveActions.sensitiveServices.contains(service) ? .high : .medium
            var note = ""
            if !Self.isUnscoped(statement.resource) {
                severity = severity.lowered
                note = " Lowered one step because the statement is limited to specific resources."
            }
            let (finalSeverity, narrowNote) = Self.narrowed(severity, by: narrowing)
            let count = catalog.actions(inService: service).count
            let countText = count > 0 ? " (\(count) actions, including any added later)" : ""
            collector.add(Finding(
                id: "IAM-SERVICE-WILDCARD-\(Self.shortened(service))", category: .serviceWildcard,
                severity: finalSeverity, statementIndex: statement.index, sid: statement.sid,
                message: "\(statement.label) allows every \(Self.shortened(service)) action\(countText). List the "
                    + "actions that are needed instead of \"\(Self.shortened(pattern))\"." + note + narrowNote,
                actions: [pattern], references: FindingReferences.serviceWildcard))
        }
    }

    func checkResourceWildcardWrite(_ statement: PolicyStatement, narrowing: [String],
                                    into collector: inout FindingCollector) {
        guard !catalog.isEmpty, let resource = statement.resource, !resource.isNegated,
              Self.isUnscoped(resource) else { return }
        // Only actions that could have been scoped to resources: the others need "*" anyway.
        let writes = expandedActions(statement).filter {
            ($0.accessLevel == .write || $0.accessLevel == .permissionsManagement) && !$0.resourceTypes.isEmpty
        }
        guard !writes.isEmpty else { return }
        let permissions = writes.contains { $0.accessLevel == .permissionsManagement }
        let (severity, note) = Self.narrowed(permissions ? .high : .medium, by: narrowing)
        let names = writes.map(\.fullName)
        collector.add(Finding(
            id: "IAM-RESOURCE-WILDCARD-WRITE", category: .resourceWildcardWrite, severity: severity,
            statementIndex: statement.index, sid: statement.sid,
            message: "\(statement.label) allows \(names.count) write\(permissions ? " and permissions-management" : "") "
                + "action\(names.count == 1 ? "" : "s") on every resource (\(Self.list(names))). These actions can be "
                + "limited to specific ARNs." + note,
            actions: Array(names.prefix(50)), references: FindingReferences.resourceWildcardWrite))
    }

    /// Data exfiltration, credentials exposure and resource exposure for one Allow statement.
    func checkSensitiveActions(_ statement: PolicyStatement, narrowing: [String], into collector: inout FindingCollector) {
        let unscoped = Self.isUnscoped(statement.resource)
        let scopeNote = unscoped ? "on every resource" : "on the listed resources"

        let exfiltration = SensitiveActions.dataExfiltration.filter { Self.covers(statement, $0) }
        if !exfiltration.isEmpty && unscoped {
            let (severity, note) = Self.narrowed(.high, by: narrowing)
            collector.add(Finding(
                id: "IAM-DATA-EXFILTRATION", category: .dataExfiltration, severity: severity,
                statementIndex: statement.index, sid: statement.sid,
                message: "\(statement.label) can read data or secrets from any resource in the account "
                    + "(\(Self.list(exfiltration))). Limit these reads to the buckets, parameters, secrets or keys "
                    + "the workload owns." + note,
                actions: exfiltration, references: FindingReferences.dataExfiltration))
        }

        let credentials = SensitiveActions.credentialsExposure.filter { Self.covers(statement, $0) }
        if !credentials.isEmpty {
            let selfOnly = Self.isLimitedToSelf(statement)
            var (severity, note) = Self.narrowed(unscoped ? .high : .medium, by: narrowing)
            if selfOnly {
                severity = .low
                note = " Low because the resources are limited to the caller's own user (${aws:username})."
            }
            collector.add(Finding(
                id: "IAM-CREDENTIALS-EXPOSURE", category: .credentialsExposure, severity: severity,
                statementIndex: statement.index, sid: statement.sid,
                message: "\(statement.label) can create or return credentials, keys or tokens \(scopeNote) "
                    + "(\(Self.list(credentials))). Whoever holds them can act with another identity." + note,
                actions: credentials, references: FindingReferences.credentialsExposure))
        }

        var exposure = SensitiveActions.resourceExposure.filter { Self.covers(statement, $0) }
        if !catalog.isEmpty {
            var seen = Set(exposure.map { $0.lowercased() })
            for action in expandedActions(statement) where action.accessLevel == .permissionsManagement {
                guard !["iam", "sts", "organizations"].contains(action.service) else { continue }
                if seen.insert(action.fullName.lowercased()).inserted { exposure.append(action.fullName) }
            }
        }
        if !exposure.isEmpty {
            let (severity, note) = Self.narrowed(unscoped ? .high : .medium, by: narrowing)
            collector.add(Finding(
                id: "IAM-RESOURCE-EXPOSURE", category: .resourceExposure, severity: severity,
                statementIndex: statement.index, sid: statement.sid,
                message: "\(statement.label) can change who may access resources \(scopeNote) — resource policies, "
                    + "ACLs or sharing (\(Self.list(exposure))). It can make data public or share it with other "
                    + "accounts." + note,
                actions: Array(exposure.prefix(50)), references: FindingReferences.resourceExposure))
        }
    }

    func checkNotAction(_ statement: PolicyStatement, narrowing: [String], into collector: inout FindingCollector) {
        guard statement.action.isNegated else { return }
        let (severity, note) = Self.narrowed(Self.isUnscoped(statement.resource) ? .high : .medium, by: narrowing)
        collector.add(Finding(
            id: "IAM-NOT-ACTION-ALLOW", category: .notActionAllow, severity: severity,
            statementIndex: statement.index, sid: statement.sid,
            message: "\(statement.label) uses Allow with NotAction: it grants every action except "
                + "\(Self.list(statement.action.patterns, limit: 4)), including actions AWS adds in the future. "
                + "List the allowed actions instead." + note,
            actions: statement.action.patterns, references: FindingReferences.notActionAllow))
    }

    func checkNotResource(_ statement: PolicyStatement, narrowing: [String], into collector: inout FindingCollector) {
        guard let resource = statement.resource, resource.isNegated else { return }
        let broadActions = statement.action.isNegated || statement.action.patterns.contains { $0 == "*" || $0.hasSuffix(":*") }
        let (severity, note) = Self.narrowed(broadActions ? .high : .medium, by: narrowing)
        collector.add(Finding(
            id: "IAM-NOT-RESOURCE-ALLOW", category: .notResourceAllow, severity: severity,
            statementIndex: statement.index, sid: statement.sid,
            message: "\(statement.label) uses Allow with NotResource: it grants its actions on every resource except "
                + "\(Self.list(resource.patterns.map { Self.shortened($0) }, limit: 3)), including resources created "
                + "later. List the allowed resources instead." + note,
            actions: statement.action.patterns, references: FindingReferences.notResourceAllow))
    }

    /// any-principal, public-access and cross-account-trust for resource and trust policies.
    func checkPrincipals(_ statement: PolicyStatement, document: PolicyDocument, kind: PolicyKind, narrowing: [String],
                         into collector: inout FindingCollector) {
        guard let principal = statement.principal else { return }
        let everyone = principal.isEveryone || principal.isNegated

        if everyone {
            let base: Severity = kind == .trust ? .critical : .medium
            let who = principal.isNegated
                ? "uses Allow with NotPrincipal, which grants everyone except the listed principals"
                : "allows any principal (\"*\"), including anonymous callers and every AWS account"
            let consequence = kind == .trust ? " Anyone could assume this role." : ""
            let severity: Severity
            let note: String
            if narrowing.isEmpty {
                severity = base
                note = ""
            } else {
                severity = .low
                note = " Lowered from \(base.rawValue) to low because access is restricted by "
                    + "\(narrowing.joined(separator: ", ")), so it is not open to the public."
            }
            collector.add(Finding(
                id: principal.isNegated ? "IAM-ANY-PRINCIPAL-NOTPRINCIPAL" : "IAM-ANY-PRINCIPAL",
                category: .anyPrincipal, severity: severity, statementIndex: statement.index, sid: statement.sid,
                message: "\(statement.label) \(who).\(consequence)" + note,
                actions: statement.action.patterns,
                references: principal.isNegated ? FindingReferences.notPrincipalAllow : FindingReferences.anyPrincipal))

            if kind == .resource && narrowing.isEmpty {
                checkPublicAccess(statement, into: &collector)
            }
        }

        guard case .entries(let entries) = principal.value, !principal.isNegated else { return }

        if kind == .trust {
            for entry in entries where entry.type == .federated {
                let providerKeys = statement.conditions.filter { !$0.key.lowercased().hasPrefix("aws:") }
                if providerKeys.isEmpty {
                    collector.add(Finding(
                        id: "IAM-ANY-PRINCIPAL-FEDERATED", category: .anyPrincipal, severity: .high,
                        statementIndex: statement.index, sid: statement.sid,
                        message: "\(statement.label) trusts the identity provider \"\(Self.shortened(entry.value))\" "
                            + "without conditions on its claims (for example the audience and subject), so any "
                            + "identity that provider issues can assume the role.",
                        actions: statement.action.patterns, references: FindingReferences.anyPrincipal))
                }
            }
        }

        // sts:ExternalId with a specific value is the standard guard for third-party trust.
        var trustConditions: [String] = []
        for entry in statement.conditions where entry.key.lowercased() == "sts:externalid" {
            guard let op = entry.conditionOperator, !op.base.isNegated, !op.ifExists,
                  Self.valuesAreSpecific(entry.values) else { continue }
            trustConditions.append(entry.key)
        }
        var accounts: [String] = []
        for entry in entries where entry.type == .aws {
            guard let account = entry.awsAccount, !accounts.contains(account) else { continue }
            accounts.append(account)
            let wholeAccount = entry.value == account || entry.value.hasSuffix(":root")
            let whom = wholeAccount ? "every principal of account \(account) that its admins allow"
                : "\(Self.shortened(entry.value))"
            if let own = options.accountID {
                guard account != own else { continue }
                let base: Severity = wholeAccount ? .high : .medium
                let restrictions = narrowing + trustConditions
                let (severity, note) = Self.narrowed(base, by: restrictions)
                collector.add(Finding(
                    id: "IAM-CROSS-ACCOUNT-\(account)", category: .crossAccountTrust, severity: severity,
                    statementIndex: statement.index, sid: statement.sid,
                    message: "\(statement.label) grants access to another account: \(whom)."
                        + (kind == .trust && trustConditions.isEmpty
                            ? " Third-party roles should require sts:ExternalId." : "") + note,
                    actions: statement.action.patterns, references: FindingReferences.crossAccount))
            } else if kind == .trust {
                collector.add(Finding(
                    id: "IAM-CROSS-ACCOUNT-\(account)", category: .crossAccountTrust, severity: .info,
                    statementIndex: statement.index, sid: statement.sid,
                    message: "\(statement.label) trusts \(whom). If \(account) is not this role's own account, this "
                        + "is cross-account trust; pass the owning account id to tell.",
                    actions: statement.action.patterns, references: FindingReferences.crossAccount))
            }
        }
    }

    /// public-access: a resource policy statement open to everyone without a narrowing condition.
    func checkPublicAccess(_ statement: PolicyStatement, into collector: inout FindingCollector) {
        var services = Set<String>()
        for pattern in statement.action.patterns {
            if let colon = pattern.firstIndex(of: ":") { services.insert(pattern[..<colon].lowercased()) }
        }
        let write: Bool
        if catalog.isEmpty {
            write = statement.action.isNegated || statement.action.patterns.contains { p in
                let lower = p.lowercased()
                return lower == "*" || lower.hasSuffix(":*") || ["put", "delete", "create", "update", "set", "add"]
                    .contains { lower.contains(":" + $0) }
            }
        } else {
            write = expandedActions(statement).contains { $0.accessLevel.isMutating }
        }
        let actions = statement.action.patterns
        collector.add(Finding(
            id: write ? "IAM-PUBLIC-WRITE" : "IAM-PUBLIC-READ", category: .publicAccess,
            severity: write ? .critical : .high, statementIndex: statement.index, sid: statement.sid,
            message: "\(statement.label) makes the resource \(write ? "writable (or changeable)" : "readable") by "
                + "anyone on the internet (\(Self.list(actions, limit: 5))). Restrict the principal, or add a condition "
                + "such as aws:PrincipalOrgID, aws:SourceVpce or aws:SourceAccount.",
            actions: actions, references: FindingReferences.publicAccess(write: write, services: services)))
    }

    /// privilege-escalation: each known path whose actions the document allows together.
    func checkPrivilegeEscalation(_ document: PolicyDocument, documentNarrowing: [String],
                                  into collector: inout FindingCollector) {
        let allows = document.statements.filter { $0.effect == .allow }
        // Unconditional Deny statements on every resource remove actions from the picture.
        let blanketDenies = document.statements.filter {
            $0.effect == .deny && $0.conditions.isEmpty && Self.isUnscoped($0.resource) && $0.resource?.isNegated != true
        }
        for path in PrivilegeEscalationPath.known {
            var granting: [PolicyStatement] = []
            var complete = true
            for action in path.actions {
                guard !blanketDenies.contains(where: { Self.covers($0, action) }),
                      let statement = allows.first(where: { Self.covers($0, action) }) else {
                    complete = false
                    break
                }
                granting.append(statement)
            }
            guard complete, let first = granting.first else { continue }
            // Managing one's own access keys or password (Resource limited to `user/${aws:username}`) is self-service,
            // not escalation; these paths are about acting as someone else.
            if Self.selfServicePaths.contains(path.name), granting.allSatisfy(Self.isLimitedToSelf) { continue }
            // Lowered only when every statement involved is narrowed.
            var narrowing: [String] = documentNarrowing
            let perStatement = granting.map { narrowingKeys($0) }
            if documentNarrowing.isEmpty, perStatement.allSatisfy({ !$0.isEmpty }) {
                narrowing = perStatement.flatMap { $0 }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            }
            var severity = path.severity
            var scopeNote = ""
            if path.actions.contains("iam:PassRole"),
               let passRole = granting.first(where: { Self.covers($0, "iam:PassRole") }),
               !Self.isUnscoped(passRole.resource) {
                severity = severity.lowered
                scopeNote = " Lowered one step because iam:PassRole is limited to specific roles; check that none "
                    + "of them is more privileged than this principal."
            }
            let (finalSeverity, note) = Self.narrowed(severity, by: narrowing)
            let statements = granting.map(\.label).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            collector.add(Finding(
                id: "IAM-PRIVESC-\(path.name)", category: .privilegeEscalation, severity: finalSeverity,
                statementIndex: first.index, sid: first.sid,
                message: "Privilege escalation (\(path.name)): with \(path.actions.joined(separator: " + ")) "
                    + "(granted by \(statements.joined(separator: ", "))) a principal \(path.explanation)."
                    + scopeNote + note,
                actions: path.actions, references: FindingReferences.privilegeEscalation))
        }
    }

    static let selfServicePaths: Set<String> = ["CreateAccessKey", "CreateLoginProfile", "UpdateLoginProfile"]

    /// True when every Resource of the statement names the caller's own user through `${aws:username}`.
    static func isLimitedToSelf(_ statement: PolicyStatement) -> Bool {
        guard let resource = statement.resource, !resource.isNegated, !resource.patterns.isEmpty else { return false }
        return resource.patterns.allSatisfy { $0.hasSuffix("user/${aws:username}") }
    }
}
