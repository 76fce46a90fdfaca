import CloudTrail
import Wire

/// A single-event rule written as data plus a match closure: most CloudTrail rules are "these calls, succeeding,
/// with this detail in their parameters".
public struct SimpleRule: EventRule {
    public typealias Matcher = @Sendable (CLCloudTrailEvent, JSONValue?) -> RuleMatch?

    public let metadata: RuleMetadata
    public let triggers: [EventKey]
    private let matcher: Matcher

    public init(_ metadata: RuleMetadata, triggers: [EventKey], match: @escaping Matcher) {
        self.metadata = metadata
        self.triggers = triggers
        self.matcher = match
    }

    public func evaluate(_ event: CLCloudTrailEvent, request: JSONValue?) -> RuleMatch? { matcher(event, request) }
}

/// `source` with each of `names`.
public func events(_ source: String, _ names: [String]) -> [EventKey] { names.map { EventKey(source, $0) } }

/// Every event of every source (use the narrower keys below when they fit: they let scanners skip most events).
public let anyEvent = EventKey("*", "*")
/// Every call that failed (has an errorCode), whatever the API.
public let anyFailedCall = EventKey("*", "*error")
/// Every call made by the root user, whatever the API.
public let anyRootCall = EventKey("*", "*root")

/// Builders for common matches.
public enum Match {
    /// The call succeeded; the finding is about the resource named by the first present request key.
    public static func succeeded(resourceType: String, keys: [String]) -> SimpleRule.Matcher {
        { event, request in
            guard event.errorCode.isEmpty else { return nil }
            return RuleMatch(resourceType: resourceType, resourceID: Fields.first(request, keys) ?? "",
                             evidence: Fields.evidence(request, keys))
        }
    }
}

/// Reading CloudTrail request parameters.
public enum Fields {
    /// The first of `keys` (dot paths allowed) that holds a scalar.
    public static func first(_ request: JSONValue?, _ keys: [String]) -> String? {
        for key in keys {
            if let v = path(request, key)?.scalarText, !v.isEmpty { return v }
        }
        return nil
    }

    /// `a.b.c` lookup; array elements are searched for the first that has the rest of the path.
    public static func path(_ value: JSONValue?, _ dotted: String) -> JSONValue? {
        var current: [JSONValue] = value.map { [$0] } ?? []
        for part in dotted.split(separator: ".") {
            var next: [JSONValue] = []
            for v in current {
                switch v {
                case .array(let items): next += items.compactMap { $0.value[String(part)] }
                default: if let x = v[String(part)] { next.append(x) }
                }
            }
            current = next
            if current.isEmpty { return nil }
        }
        return current.first
    }

    /// All scalar values found under a dot path (through arrays).
    public static func all(_ value: JSONValue?, _ dotted: String) -> [String] {
        var current: [JSONValue] = value.map { [$0] } ?? []
        for part in dotted.split(separator: ".") {
            var next: [JSONValue] = []
            for v in current {
                for item in v.elements { if let x = item[String(part)] { next.append(x) } }
            }
            current = next
        }
        return current.flatMap { $0.elements }.compactMap(\.scalarText)
    }

    static func evidence(_ request: JSONValue?, _ keys: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for key in keys { if let v = path(request, key)?.scalarText { out["requestParameters.\(key)"] = v } }
        return out
    }

    /// The account id inside an ARN (`arn:aws:iam::123456789012:root` → `123456789012`).
    public static func accountOfARN(_ arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 5, parts[0] == "arn" else { return nil }
        let account = String(parts[4])
        return account.isEmpty ? nil : account
    }

    /// The account the event happened in.
    public static func ownAccount(_ e: CLCloudTrailEvent) -> String {
        e.recipientAccountID.isEmpty ? e.userIdentity.accountID : e.recipientAccountID
    }

    /// Parses a policy document given as a JSON string (how CloudTrail records most policies) or as an object.
    public static func policy(_ value: JSONValue?) -> JSONValue? {
        guard let value else { return nil }
        if case .string(let text) = value {
            return try? JSONParser.parse(Array(text.utf8)).value
        }
        return value.isObject ? value : nil
    }

    /// Principals of Allow statements in a resource or trust policy: `*` for anyone, else the ARNs, account ids and
    /// service names listed.
    public static func allowedPrincipals(_ policy: JSONValue?) -> [String] {
        guard let policy else { return [] }
        var out: [String] = []
        for statement in policy["Statement"]?.elements ?? [] where statement["Effect"]?.string == "Allow" {
            guard let principal = statement["Principal"] else { continue }
            if principal.string == "*" { out.append("*"); continue }
            for kind in ["AWS", "Federated", "CanonicalUser"] {
                out += principal[kind]?.elements.compactMap(\.string) ?? []
            }
        }
        return out
    }

    /// An Allow statement grants to anyone unless a condition narrows it to an account, organization or VPC.
    public static func grantsToAnyone(_ policy: JSONValue?) -> Bool {
        guard let policy else { return false }
        let narrowing = ["aws:sourceaccount", "aws:sourcearn", "aws:principalorgid", "aws:principalaccount", "aws:sourcevpce",
                         "aws:sourcevpc", "aws:sourceip", "aws:principalarn", "aws:sourceorgid"]
        for statement in policy["Statement"]?.elements ?? [] where statement["Effect"]?.string == "Allow" {
            guard let principal = statement["Principal"] else { continue }
            let anyone = principal.string == "*" || (principal["AWS"]?.elements.contains { $0.string == "*" } ?? false)
            guard anyone else { continue }
            var keys: [String] = []
            if case .object(let ops) = statement["Condition"] ?? .null {
                for op in ops { if case .object(let ks) = op.node.value { keys += ks.map { $0.key.lowercased() } } }
            }
            if !keys.contains(where: narrowing.contains) { return true }
        }
        return false
    }

    /// Accounts other than `own` named by a list of principals (ARNs or bare account ids).
    public static func foreignAccounts(_ principals: [String], own: String) -> [String] {
        var out: [String] = []
        for p in principals {
            let account = accountOfARN(p) ?? (p.count == 12 && p.allSatisfy(\.isNumber) ? p : nil)
            if let account, account != own, !out.contains(account) { out.append(account) }
        }
        return out
    }
}
