/// The policies that take part in one evaluation.
public struct PolicySet: Sendable, Hashable {
    /// Identity-based policies attached to the caller (inline and managed, directly or through groups).
    public var identityPolicies: [PolicyDocument]
    /// Resource-based policies on the target resource (bucket policy, key policy, trust policy, ...).
    public var resourcePolicies: [PolicyDocument]
    /// The caller's permissions boundary, if it has one.
    public var permissionsBoundary: PolicyDocument?
    /// Service control policies by level of the organization (root, each OU, the account). At every level at least
    /// one SCP must allow the request. Empty means the account is not governed by SCPs.
    public var serviceControlPolicies: [[PolicyDocument]]

    public init(identityPolicies: [PolicyDocument] = [], resourcePolicies: [PolicyDocument] = [],
                permissionsBoundary: PolicyDocument? = nil, serviceControlPolicies: [[PolicyDocument]] = []) {
        self.identityPolicies = identityPolicies
        self.resourcePolicies = resourcePolicies
        self.permissionsBoundary = permissionsBoundary
        self.serviceControlPolicies = serviceControlPolicies
    }
}

/// Where a statement came from.
public enum PolicySource: Sendable, Hashable, CustomStringConvertible {
    case identity(Int)
    case resource(Int)
    case permissionsBoundary
    case serviceControlPolicy(level: Int, index: Int)

    public var description: String {
        switch self {
        case .identity(let i): "identity policy \(i)"
        case .resource(let i): "resource policy \(i)"
        case .permissionsBoundary: "permissions boundary"
        case .serviceControlPolicy(let level, let index): "SCP \(index) at level \(level)"
        }
    }
}

/// A statement that matched the request.
public struct MatchedStatement: Sendable, Hashable, CustomStringConvertible {
    public var source: PolicySource
    public var statementIndex: Int
    public var sid: String?
    public var effect: Effect

    public init(source: PolicySource, statementIndex: Int, sid: String?, effect: Effect) {
        self.source = source
        self.statementIndex = statementIndex
        self.sid = sid
        self.effect = effect
    }

    public var description: String {
        "\(source) Statement[\(statementIndex)]" + (sid.map { " (Sid \"\($0)\")" } ?? "") + " \(effect.rawValue)"
    }
}

/// The outcome of an evaluation.
public enum Decision: String, Sendable, Hashable {
    case allow
    /// A Deny statement matched; nothing can override it.
    case explicitDeny
    /// No applicable Allow (or a boundary or SCP did not allow): denied by default.
    case implicitDeny
}

/// A decision with the statements that made it and a sentence saying why.
public struct EvaluationResult: Sendable, Hashable {
    public var decision: Decision
    /// For `.explicitDeny` the matching Deny statements; for `.allow` the Allow statements that granted (and the
    /// boundary/SCP statements that let it through); for `.implicitDeny` the allows that were filtered out, if any.
    public var decidingStatements: [MatchedStatement]
    public var reason: String

    public init(decision: Decision, decidingStatements: [MatchedStatement], reason: String) {
        self.decision = decision
        self.decidingStatements = decidingStatements
        self.reason = reason
    }
}
