/// The `Principal` or `NotPrincipal` element of a resource-based or trust policy.
public struct PrincipalClause: Sendable, Hashable {
    public var isNegated: Bool
    public var value: PrincipalValue

    public init(isNegated: Bool = false, value: PrincipalValue) {
        self.isNegated = isNegated
        self.value = value
    }

    /// True for `"Principal": "*"` and `"Principal": {"AWS": "*"}`: everyone, including anonymous callers.
    public var isEveryone: Bool {
        guard !isNegated else { return false }
        switch value {
        case .everyone: return true
        case .entries(let entries): return entries.contains { $0.type == .aws && $0.value == "*" }
        }
    }
}

/// Who a principal element names.
public enum PrincipalValue: Sendable, Hashable {
    /// `"*"`.
    case everyone
    /// The `{"AWS": ..., "Service": ..., "Federated": ..., "CanonicalUser": ...}` form, flattened.
    case entries([PrincipalEntry])
}

/// One named principal.
public struct PrincipalEntry: Sendable, Hashable {
    public var type: PrincipalType
    public var value: String

    public init(type: PrincipalType, value: String) {
        self.type = type
        self.value = value
    }

    /// The 12-digit account of an `AWS` principal (`123456789012` or any ARN in it), or nil.
    public var awsAccount: String? {
        guard type == .aws else { return nil }
        if value.count == 12, value.allSatisfy({ $0.isASCII && $0.isNumber }) { return value }
        let parts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        if parts.count == 6, parts[0] == "arn" {
            let account = String(parts[4])
            if account.count == 12, account.allSatisfy({ $0.isASCII && $0.isNumber }) { return account }
        }
        return nil
    }
}

/// The principal types IAM accepts as keys of a principal object.
public enum PrincipalType: String, Sendable, Hashable, CaseIterable {
    case aws = "AWS"
    case service = "Service"
    case federated = "Federated"
    case canonicalUser = "CanonicalUser"
}
