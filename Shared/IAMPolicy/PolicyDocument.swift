/// An IAM policy document: identity-based, resource-based or a role trust policy.
///
/// Parse one with ``PolicyDocument/parse(_:maximumSize:)``; the model keeps the document's order and its values as
/// written (condition values are strings even when the JSON had numbers or booleans, as IAM treats them).
public struct PolicyDocument: Sendable, Hashable {
    /// The two policy language versions IAM knows. `2012-10-17` is current; only it substitutes policy variables.
    public static let currentVersion = "2012-10-17"
    public static let oldVersion = "2008-10-17"

    /// The size limit the parser enforces by default: 1 MiB. AWS's own limits are far lower (6,144 characters for a
    /// managed policy, 20 KiB for a bucket policy), so anything bigger is not a real policy.
    public static let defaultMaximumSize = 1 << 20

    public var version: String?
    public var id: String?
    public var statements: [PolicyStatement]
    /// Whether `Statement` was a single object rather than an array (both are valid).
    public var statementIsSingleObject: Bool

    public init(version: String? = PolicyDocument.currentVersion, id: String? = nil, statements: [PolicyStatement],
                statementIsSingleObject: Bool = false) {
        self.version = version
        self.id = id
        self.statements = statements
        self.statementIsSingleObject = statementIsSingleObject
    }

    /// Whether IAM substitutes `${...}` policy variables in this document (only with Version 2012-10-17).
    public var substitutesPolicyVariables: Bool { version == Self.currentVersion }
}

/// `Allow` or `Deny`. The JSON spelling is case-sensitive.
public enum Effect: String, Sendable, Hashable, CaseIterable {
    case allow = "Allow"
    case deny = "Deny"
}

/// A list of action or resource patterns, either as written under `Action`/`Resource` or negated under
/// `NotAction`/`NotResource`.
public struct PatternList: Sendable, Hashable {
    /// True for `NotAction`/`NotResource`: the statement covers everything the patterns do *not* match.
    public var isNegated: Bool
    public var patterns: [String]
    /// Whether the JSON held a single string rather than an array.
    public var wasSingleString: Bool

    public init(isNegated: Bool = false, patterns: [String], wasSingleString: Bool = false) {
        self.isNegated = isNegated
        self.patterns = patterns
        self.wasSingleString = wasSingleString
    }

    /// `["*"]` (not negated): matches everything.
    public var isWildcardOnly: Bool { !isNegated && patterns.contains("*") }
}
