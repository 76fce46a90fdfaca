/// A parsed condition operator: the base comparison, the `IfExists` suffix and the `ForAllValues:`/`ForAnyValue:`
/// set prefix. Operator names are matched without regard to case.
public struct ConditionOperator: Sendable, Hashable, CustomStringConvertible {
    /// The comparison itself.
    public enum Base: String, Sendable, Hashable, CaseIterable {
        case stringEquals = "StringEquals"
        case stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
        case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike"
        case stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals"
        case numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan"
        case numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan"
        case numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals"
        case dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan"
        case dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan"
        case dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool"
        case binaryEquals = "BinaryEquals"
        case ipAddress = "IpAddress"
        case notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals"
        case arnLike = "ArnLike"
        case arnNotEquals = "ArnNotEquals"
        case arnNotLike = "ArnNotLike"
        case null = "Null"

        /// The kind of value the operator compares.
        public var family: Family {
            switch self {
            case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .stringLike,
                 .stringNotLike: .string
            case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
                 .numericGreaterThanEquals: .numeric
            case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan,
                 .dateGreaterThanEquals: .date
            case .bool: .bool
            case .binaryEquals: .binary
            case .ipAddress, .notIpAddress: .ipAddress
            case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike: .arn
            case .null: .null
            }
        }

        /// Negated operators match when the request value matches none of the policy values, and (as AWS does) they
        /// match when the key is absent from the request.
        public var isNegated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals,
                 .notIpAddress, .arnNotEquals, .arnNotLike: true
            default: false
            }
        }

        /// The positive operator a negated one inverts (itself for positive operators).
        public var positive: Base {
            switch self {
            case .stringNotEquals: .stringEquals
            case .stringNotEqualsIgnoreCase: .stringEqualsIgnoreCase
            case .stringNotLike: .stringLike
            case .numericNotEquals: .numericEquals
            case .dateNotEquals: .dateEquals
            case .notIpAddress: .ipAddress
            case .arnNotEquals: .arnEquals
            case .arnNotLike: .arnLike
            default: self
            }
        }
    }

    public enum Family: String, Sendable, Hashable {
        case string, numeric, date, bool, binary, ipAddress, arn, null
    }

    public enum SetQualifier: String, Sendable, Hashable {
        case none = ""
        case forAllValues = "ForAllValues"
        case forAnyValue = "ForAnyValue"
    }

    public var base: Base
    public var ifExists: Bool
    public var setQualifier: SetQualifier

    public init(base: Base, ifExists: Bool = false, setQualifier: SetQualifier = .none) {
        self.base = base
        self.ifExists = ifExists
        self.setQualifier = setQualifier
    }

    /// Parses an operator name such as `ForAnyValue:StringLikeIfExists`; nil when IAM does not know it.
    public init?(_ name: String) {
        var rest = Substring(name)
        var qualifier = SetQualifier.none
        if let colon = rest.firstIndex(of: ":") {
            let prefix = rest[..<colon].lowercased()
            if prefix == "forallvalues" {
                qualifier = .forAllValues
            } else if prefix == "foranyvalue" {
                qualifier = .forAnyValue
            } else {
                return nil
            }
            rest = rest[rest.index(after: colon)...]
        }
        var lower = rest.lowercased()
        var ifExists = false
        if lower.hasSuffix("ifexists") {
            ifExists = true
            lower.removeLast("ifexists".count)
        }
        guard let base = Self.byLowercasedName[lower] else { return nil }
        // `Null` takes no suffix: it already asks whether the key exists.
        if base == .null && (ifExists || qualifier != .none) { return nil }
        self.init(base: base, ifExists: ifExists, setQualifier: qualifier)
    }

    private static let byLowercasedName: [String: Base] = {
        var map: [String: Base] = [:]
        for base in Base.allCases { map[base.rawValue.lowercased()] = base }
        return map
    }()

    /// The canonical spelling, e.g. `ForAllValues:StringEqualsIfExists`.
    public var description: String {
        (setQualifier == .none ? "" : setQualifier.rawValue + ":") + base.rawValue + (ifExists ? "IfExists" : "")
    }
}
