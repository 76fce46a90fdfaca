import Foundation

/// Evaluates one condition entry against a request context, following IAM's rules:
///
/// - Without a set qualifier, the entry holds when any request value matches any policy value; a negated operator
///   (`StringNotEquals`, `NotIpAddress`, ...) holds when no request value matches any policy value.
/// - A key absent from the request fails a positive operator and satisfies a negated one; with `IfExists` an absent
///   key satisfies the entry either way.
/// - `ForAnyValue:` holds when at least one request value matches; an absent or empty key fails (unless `IfExists`).
/// - `ForAllValues:` holds when every request value matches; an absent or empty key holds (vacuous truth), which is
///   why an Allow guarded only by `ForAllValues:` is weaker than it looks.
/// - `Null` with `true` holds when the key is absent (or empty), with `false` when it is present.
/// - An operator IAM does not know never holds (IAM would have rejected the policy).
public enum ConditionEvaluator {
    /// Whether `entry` holds. `substituteVariables` is true for Version 2012-10-17 documents.
    public static func evaluate(_ entry: ConditionEntry, context: RequestContext, substituteVariables: Bool = true) -> Bool {
        guard let op = entry.conditionOperator else { return false }
        let requestValues = context[entry.key]
        let present = !(requestValues?.isEmpty ?? true)

        if op.base == .null {
            return entry.values.contains { value in
                switch value.lowercased() {
                case "true": !present
                case "false": present
                default: false
                }
            }
        }

        let matcher = ValueMatcher(base: op.base.positive, policyValues: entry.values, context: context,
                                   substituteVariables: substituteVariables)
        let negated = op.base.isNegated
        func valueHolds(_ requestValue: String) -> Bool {
            let hit = matcher.matches(requestValue)
            return negated ? !hit : hit
        }

        switch op.setQualifier {
        case .none:
            guard present, let values = requestValues else { return op.ifExists || negated }
            let anyHit = values.contains { matcher.matches($0) }
            return negated ? !anyHit : anyHit
        case .forAnyValue:
            guard present, let values = requestValues else { return op.ifExists }
            return values.contains(where: valueHolds)
        case .forAllValues:
            guard present, let values = requestValues else { return true }
            return values.allSatisfy(valueHolds)
        }
    }

    /// Whether all entries hold (entries are AND'ed).
    public static func evaluateAll(_ entries: [ConditionEntry], context: RequestContext, substituteVariables: Bool = true) -> Bool {
        entries.allSatisfy { evaluate($0, context: context, substituteVariables: substituteVariables) }
    }
}

/// Compares one request value with the policy values of an entry using a positive operator.
struct ValueMatcher {
    let base: ConditionOperator.Base
    let policyValues: [String]
    let context: RequestContext
    let substituteVariables: Bool

    func matches(_ requestValue: String) -> Bool {
        policyValues.contains { compare(requestValue, $0) }
    }

    private func resolved(_ policyValue: String) -> String? {
        substituteVariables ? PolicyVariables.substitute(policyValue, context: context) : policyValue
    }

    private func compiled(_ policyValue: String, caseInsensitive: Bool = false) -> WildcardPattern? {
        substituteVariables
            ? PolicyVariables.compile(policyValue, context: context, caseInsensitive: caseInsensitive)
            : WildcardPattern(policyValue, caseInsensitive: caseInsensitive)
    }

    private func compare(_ requestValue: String, _ policyValue: String) -> Bool {
        switch base {
        case .stringEquals:
            return resolved(policyValue) == requestValue
        case .stringEqualsIgnoreCase:
            return resolved(policyValue)?.lowercased() == requestValue.lowercased()
        case .stringLike:
            return compiled(policyValue)?.matches(requestValue) ?? false
        case .numericEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
            guard let r = Double(requestValue.trimmingSpaces()), let p = Double(policyValue.trimmingSpaces()) else { return false }
            return order(r, p)
        case .dateEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let r = PolicyDate.parse(requestValue), let p = PolicyDate.parse(policyValue) else { return false }
            return order(r, p)
        case .bool:
            return requestValue.lowercased() == policyValue.lowercased()
        case .binaryEquals:
            if let r = Data(base64Encoded: requestValue), let p = Data(base64Encoded: policyValue) { return r == p }
            return requestValue == policyValue
        case .ipAddress:
            guard let range = IPAddressRange(policyValue), let address = IPAddressRange(requestValue) else { return false }
            return range.contains(address)
        case .arnEquals, .arnLike:
            guard let pattern = compiled(policyValue) else { return false }
            return Wildcard.matchesARN(pattern, requestValue)
        default:
            // Negated operators are turned into their positive form before they get here; Null is handled above.
            return false
        }
    }

    /// `request <op> policy` for the ordering operators.
    private func order(_ r: Double, _ p: Double) -> Bool {
        switch base {
        case .numericEquals, .dateEquals: r == p
        case .numericLessThan, .dateLessThan: r < p
        case .numericLessThanEquals, .dateLessThanEquals: r <= p
        case .numericGreaterThan, .dateGreaterThan: r > p
        case .numericGreaterThanEquals, .dateGreaterThanEquals: r >= p
        default: false
        }
    }
}
