/// Validation findings: version, actions and services, ARNs, resource types, condition operators and keys.
extension PolicyAnalyzer {
    static let partitions: Set<String> = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e",
                                          "aws-iso-f", "aws-eusc"]

    func checkVersion(_ document: PolicyDocument, into collector: inout FindingCollector) {
        let usesVariables = document.statements.contains { statement in
            (statement.resource?.patterns ?? []).contains(where: PolicyVariables.containsVariables)
                || statement.conditions.contains { $0.values.contains(where: PolicyVariables.containsVariables) }
        }
        let variableNote = usesVariables
            ? " The document uses ${...} policy variables, which IAM then treats as literal text, so they will not match."
            : ""
        guard let version = document.version else {
            collector.add(Finding(
                id: "IAM-VERSION-MISSING", category: .invalidVersion, severity: usesVariables ? .medium : .low,
                message: "The policy has no Version, so IAM reads it with the 2008-10-17 language. Add "
                    + "\"Version\": \"2012-10-17\"." + variableNote,
                references: FindingReferences.noVersion))
            return
        }
        if version == PolicyDocument.oldVersion {
            collector.add(Finding(
                id: "IAM-VERSION-OLD", category: .invalidVersion, severity: usesVariables ? .medium : .low,
                message: "Version 2008-10-17 is the old policy language; use 2012-10-17." + variableNote,
                references: FindingReferences.oldVersion))
        } else if version != PolicyDocument.currentVersion {
            collector.add(Finding(
                id: "IAM-VERSION-INVALID", category: .invalidVersion, severity: .high,
                message: "Version \"\(Self.shortened(version))\" is not a policy language version; IAM accepts only "
                    + "2012-10-17 (current) and 2008-10-17, and rejects the policy otherwise.",
                references: FindingReferences.invalidVersion))
        }
    }

    /// A statement that does not take effect is a bigger problem in a Deny (it protects nothing) than in an Allow.
    static func validationSeverity(_ statement: PolicyStatement, allow: Severity, deny: Severity) -> Severity {
        statement.effect == .allow ? allow : deny
    }

    func checkActions(_ statement: PolicyStatement, into collector: inout FindingCollector) {
        guard !catalog.isEmpty else { return }
        let element = statement.action.isNegated ? "NotAction" : "Action"
        let consequence = statement.effect == .deny
            ? "so this Deny does not block what it seems to."
            : "so it grants nothing."
        for pattern in statement.action.patterns where pattern != "*" {
            guard let colon = pattern.firstIndex(of: ":") else {
                collector.add(Finding(
                    id: "IAM-UNKNOWN-ACTION-\(Self.shortened(pattern))", category: .unknownAction,
                    severity: Self.validationSeverity(statement, allow: .low, deny: .high),
                    statementIndex: statement.index, sid: statement.sid,
                    message: "\(statement.label): \(element) \"\(Self.shortened(pattern))\" is not of the form "
                        + "service:Action, \(consequence)",
                    actions: [pattern], references: FindingReferences.unknownAction))
                continue
            }
            let service = String(pattern[..<colon])
            let actionPart = String(pattern[pattern.index(after: colon)...])
            if service.contains("*") || service.contains("?") { continue }
            guard catalog.hasService(service) else {
                let hint = catalog.suggest(for: service).map { " Did you mean \"\($0)\"?" } ?? ""
                collector.add(Finding(
                    id: "IAM-UNKNOWN-SERVICE-\(Self.shortened(service))", category: .unknownService,
                    severity: Self.validationSeverity(statement, allow: .low, deny: .high),
                    statementIndex: statement.index, sid: statement.sid,
                    message: "\(statement.label): \"\(Self.shortened(service))\" is not an AWS service prefix, "
                        + "\(consequence)\(hint)",
                    actions: [pattern], references: FindingReferences.unknownService))
                continue
            }
            if actionPart.contains("*") || actionPart.contains("?") {
                if catalog.expand(pattern).isEmpty {
                    collector.add(Finding(
                        id: "IAM-UNKNOWN-ACTION-\(Self.shortened(pattern))", category: .unknownAction,
                        severity: Self.validationSeverity(statement, allow: .low, deny: .high),
                        statementIndex: statement.index, sid: statement.sid,
                        message: "\(statement.label): \"\(Self.shortened(pattern))\" matches no \(service) action, "
                            + consequence,
                        actions: [pattern], references: FindingReferences.unknownAction))
                }
            } else if catalog.action(pattern) == nil {
                let hint = catalog.suggest(for: pattern).map { " Did you mean \"\($0)\"?" } ?? ""
                collector.add(Finding(
                    id: "IAM-UNKNOWN-ACTION-\(Self.shortened(pattern))", category: .unknownAction,
                    severity: Self.validationSeverity(statement, allow: .low, deny: .high),
                    statementIndex: statement.index, sid: statement.sid,
                    message: "\(statement.label): \(service) has no action \"\(Self.shortened(actionPart))\", "
                        + "\(consequence)\(hint)",
                    actions: [pattern], references: FindingReferences.unknownAction))
            }
        }
    }

    /// Whether a Resource pattern is a well-formed ARN (wildcards and policy variables allowed) or `*`.
    static func isValidARNPattern(_ pattern: String) -> Bool {
        if pattern == "*" { return true }
        guard pattern.hasPrefix("arn:") else { return false }
        let parts = pattern.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6 else {
            // `arn:aws:s3*` style patterns can still match: a `*` may span the missing separators.
            return pattern.contains("*")
        }
        func flexible(_ part: Substring) -> Bool { part.contains("*") || part.contains("?") || part.contains("${") }
        let partition = parts[1]
        guard flexible(partition) || partitions.contains(String(partition)) else { return false }
        guard !parts[2].isEmpty else { return false }
        let region = parts[3]
        if !region.isEmpty && !flexible(region) {
            let pieces = region.split(separator: "-", omittingEmptySubsequences: false)
            guard pieces.count >= 3, pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
            else { return false }
        }
        let account = parts[4]
        if !account.isEmpty && !flexible(account) && account != "aws" {
            guard account.count == 12, account.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        }
        return !parts[5].isEmpty
    }

    func checkResources(_ statement: PolicyStatement, kind: PolicyKind, into collector: inout FindingCollector) {
        guard let resource = statement.resource else {
            if kind == .identity {
                collector.add(Finding(
                    id: "IAM-RESOURCE-MISSING", category: .invalidARN, severity: .medium,
                    statementIndex: statement.index, sid: statement.sid,
                    message: "\(statement.label) has neither Resource nor NotResource; identity policies need one "
                        + "and IAM rejects the policy without it.",
                    references: FindingReferences.invalidARN))
            }
            return
        }
        let invalid = resource.patterns.filter { !Self.isValidARNPattern($0) }
        if !invalid.isEmpty {
            collector.add(Finding(
                id: "IAM-INVALID-ARN", category: .invalidARN,
                severity: Self.validationSeverity(statement, allow: .medium, deny: .high),
                statementIndex: statement.index, sid: statement.sid,
                message: "\(statement.label): \(invalid.count == 1 ? "this resource is" : "these resources are") not "
                    + "a valid ARN (arn:partition:service:region:account:resource) or \"*\": "
                    + Self.list(invalid.map { "\"\(Self.shortened($0))\"" }, limit: 4) + ".",
                references: FindingReferences.invalidARN))
        }
        checkResourceTypes(statement, resource: resource, into: &collector)
    }

    /// For each action named exactly, at least one resource must be of a type the action works on.
    func checkResourceTypes(_ statement: PolicyStatement, resource: PatternList, into collector: inout FindingCollector) {
        guard !catalog.isEmpty, !resource.isNegated, !statement.action.isNegated,
              !resource.patterns.contains(where: { $0 == "*" }) else { return }
        let resources = resource.patterns.filter { Self.isValidARNPattern($0) }
        guard !resources.isEmpty, resources.count == resource.patterns.count else { return }
        for pattern in statement.action.patterns where !pattern.contains("*") && !pattern.contains("?") {
            guard let action = catalog.action(pattern) else { continue }
            let types = catalog.resourceTypes(of: action)
            guard types.count == action.resourceTypes.count else { continue }
            let fits: Bool
            if types.isEmpty {
                fits = false
            } else {
                fits = resources.contains { arn in types.contains { $0.admits(arn) } }
            }
            guard !fits else { continue }
            let expectation = types.isEmpty
                ? "it does not support resource-level permissions and needs \"Resource\": \"*\""
                : "it works on \(types.map(\.name).joined(separator: ", ")) (\(types.map(\.arnFormat).prefix(2).joined(separator: ", ")))"
            collector.add(Finding(
                id: "IAM-RESOURCE-MISMATCH-\(action.fullName)", category: .resourceTypeMismatch,
                severity: Self.validationSeverity(statement, allow: .medium, deny: .high),
                statementIndex: statement.index, sid: statement.sid,
                message: "\(statement.label): \(action.fullName) cannot apply to "
                    + Self.list(resources.map { Self.shortened($0) }, limit: 3) + "; \(expectation). "
                    + (statement.effect == .allow ? "The grant has no effect." : "The Deny has no effect."),
                actions: [action.fullName], references: FindingReferences.resourceMismatch))
        }
    }

    func checkPrincipalSyntax(_ statement: PolicyStatement, into collector: inout FindingCollector) {
        guard let principal = statement.principal, case .entries(let entries) = principal.value else { return }
        let bad = entries.filter { entry in
            guard entry.type == .aws, entry.value != "*", entry.awsAccount == nil else { return false }
            // Role and user ARNs without an account (or with wildcards) are not accepted as principals.
            return true
        }
        guard !bad.isEmpty else { return }
        collector.add(Finding(
            id: "IAM-INVALID-PRINCIPAL", category: .invalidARN,
            severity: Self.validationSeverity(statement, allow: .medium, deny: .high),
            statementIndex: statement.index, sid: statement.sid,
            message: "\(statement.label): AWS principals must be \"*\", a 12-digit account id or an IAM ARN with an "
                + "account; not " + Self.list(bad.map { "\"\(Self.shortened($0.value))\"" }, limit: 3)
                + ". Wildcards are not allowed inside a principal ARN.",
            references: FindingReferences.invalidPrincipal))
    }

    func checkConditions(_ statement: PolicyStatement, into collector: inout FindingCollector) {
        for entry in statement.conditions {
            let key = Self.shortened(entry.key)
            let opName = Self.shortened(entry.operatorName)
            func add(_ suffix: String, _ severity: Severity, _ message: String, _ refs: [String: [String]]) {
                collector.add(Finding(
                    id: "IAM-INVALID-CONDITION-\(suffix)", category: .invalidCondition, severity: severity,
                    statementIndex: statement.index, sid: statement.sid,
                    message: "\(statement.label): \(message)", references: refs))
            }
            guard let op = entry.conditionOperator else {
                add("OPERATOR", .medium, "\"\(opName)\" is not a condition operator IAM knows (for example StringEquals, "
                    + "ArnLike, IpAddress, optionally with IfExists or a ForAllValues:/ForAnyValue: prefix); IAM "
                    + "rejects the policy.", FindingReferences.unknownOperator)
                continue
            }
            let lowerKey = entry.key.lowercased()
            var keyType: String?
            if lowerKey.hasPrefix("aws:") {
                keyType = GlobalConditionKeys.type(of: entry.key)
                if keyType == nil {
                    add("KEY", .medium, "\"\(key)\" is not a global condition key, so the condition can never see a "
                        + "value.", FindingReferences.unknownConditionKey)
                }
            } else if let colon = lowerKey.firstIndex(of: ":"), catalog.hasService(String(lowerKey[..<colon])) {
                keyType = catalog.conditionKeyType(entry.key)
                if keyType == nil {
                    add("KEY", .low, "\"\(key)\" is not a condition key of the \(lowerKey[..<colon]) service.",
                        FindingReferences.unknownConditionKey)
                }
            }
            if let keyType {
                let base = keyType.hasPrefix("ArrayOf") ? String(keyType.dropFirst("ArrayOf".count)) : keyType
                let expected: String? = switch op.base.family {
                case .numeric: base == "Numeric" ? nil : "Numeric"
                case .date: base == "Date" || base == "Numeric" ? nil : "Date"
                case .ipAddress: base == "IPAddress" ? nil : "IPAddress"
                case .bool: base == "Bool" ? nil : "Bool"
                default: nil
                }
                if let expected {
                    add("TYPE", .medium, "\(op.base.rawValue) compares \(expected) values but \"\(key)\" holds "
                        + "\(keyType) values, so the condition does not work as written.", FindingReferences.mismatchedType)
                }
                let multiValued = keyType.hasPrefix("ArrayOf")
                if op.setQualifier != .none && !multiValued {
                    add("SET-OPERATOR", .low, "\(op.setQualifier.rawValue): is for multi-valued keys, but \"\(key)\" "
                        + "has a single value; use the operator without the prefix.", FindingReferences.mismatchedType)
                } else if op.setQualifier == .none && multiValued && op.base != .null {
                    add("SET-OPERATOR", .low, "\"\(key)\" can hold several values; say ForAnyValue: or ForAllValues: "
                        + "to make the meaning explicit.", FindingReferences.mismatchedType)
                }
            }
            if op.setQualifier == .forAllValues && statement.effect == .allow && !op.ifExists {
                let hasNullCheck = statement.conditions.contains {
                    $0.conditionOperator?.base == .null && $0.key.lowercased() == lowerKey
                }
                if !hasNullCheck {
                    add("FORALLVALUES", .low, "ForAllValues: is also true when the request has no \"\(key)\" at all, "
                        + "so this Allow applies to requests without the key; add a Null check (\"\(key)\": \"false\").",
                        FindingReferences.mismatchedType)
                }
            }
            checkConditionValues(entry, op: op, statement: statement, add: add)
        }
    }

    private func checkConditionValues(_ entry: ConditionEntry, op: ConditionOperator, statement: PolicyStatement,
                                      add: (String, Severity, String, [String: [String]]) -> Void) {
        let key = Self.shortened(entry.key)
        let values = entry.values.filter { !PolicyVariables.containsVariables($0) }
        let bad: [String]
        switch op.base.family {
        case .numeric: bad = values.filter { Double($0.trimmingSpaces()) == nil }
        case .date: bad = values.filter { PolicyDate.parse($0) == nil }
        case .ipAddress: bad = values.filter { IPAddressRange($0) == nil }
        case .bool, .null: bad = values.filter { $0.lowercased() != "true" && $0.lowercased() != "false" }
        default: bad = []
        }
        if !bad.isEmpty {
            let what = switch op.base.family {
            case .numeric: "numbers"
            case .date: "ISO 8601 dates or epoch seconds"
            case .ipAddress: "IP addresses or CIDR blocks"
            default: "true or false"
            }
            add("VALUE", .medium, "\(op.base.rawValue) on \"\(key)\" needs \(what); "
                + Self.list(bad.map { "\"\(Self.shortened($0))\"" }, limit: 3) + " will never match.",
                op.base == .null ? FindingReferences.nullMisuse : FindingReferences.mismatchedType)
        }
        if statement.effect == .deny, op.base == .bool, !op.ifExists,
           entry.key.lowercased() == "aws:multifactorauthpresent",
           entry.values.contains(where: { $0.lowercased() == "false" }) {
            add("MFA", .medium, "Bool with aws:MultiFactorAuthPresent = false does not deny requests made with "
                + "long-term access keys, because those requests carry no such key; use BoolIfExists.",
                FindingReferences.mfaPattern)
        }
    }
}
