import CloudTrail
import IAMPolicy
import Wire

/// A tenant's own rule, uploaded as JSON:
///
///     {"id": "CUSTOM-prod-deletes", "title": "...", "severity": "high", "description": "...", "remediation": "...",
///      "match": {"all": [{"field": "eventSource", "equals": "s3.amazonaws.com"},
///                        {"field": "eventName", "in": ["DeleteBucket", "DeleteObjects"]},
///                        {"not": {"field": "sourceIPAddress", "cidr": "10.0.0.0/8"}}]},
///      "threshold": {"count": 5, "window_seconds": 300, "group_by": "userIdentity.arn"}}
///
/// Matchers: `equals`, `in`, `glob` (`*`, `?`), `cidr` (IPv4/IPv6), `range` (`{"min","max"}`, numbers), `exists`
/// (true/false); combined with `all`, `any`, `not`. Fields: the CloudTrail top-level names (`eventName`,
/// `sourceIPAddress`, `errorCode`, ...), `userIdentity.<field>`, and `requestParameters.<path>` /
/// `responseElements.<path>` into the call's JSON. Validation names the offending place (`match.all[2].cidr`).
public struct CustomRuleDefinition: Sendable {
    public indirect enum Condition: Sendable {
        case all([Condition])
        case any([Condition])
        case not(Condition)
        case field(String, Matcher)
    }

    public enum Matcher: Sendable {
        case equals(String)
        case oneOf(Set<String>)
        case glob(String)
        case cidr(IPAddressRange)
        case range(Double?, Double?)
        case exists(Bool)
    }

    public var metadata: RuleMetadata
    public var condition: Condition
    public var threshold: (count: Int, windowSeconds: Int, groupBy: String)?

    static let topLevelFields: Set<String> = ["eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent",
                                               "errorCode", "errorMessage", "eventType", "recipientAccountId", "readOnly",
                                               "eventVersion", "managementEvent"]
    static let identityFields: Set<String> = ["type", "arn", "accountId", "principalId", "accessKeyId", "userName",
                                               "invokedBy", "sessionIssuer.arn", "sessionIssuer.userName"]

    /// Parses and validates a rule; the error names the JSON path of the problem.
    public static func parse(_ json: [UInt8]) throws(CustomRuleError) -> CustomRuleDefinition {
        let doc: JSONValue
        do { doc = try JSONParser.parse(json).value } catch { throw CustomRuleError(path: "", message: "\(error)") }
        guard doc.isObject else { throw CustomRuleError(path: "", message: "a rule is a JSON object") }
        func text(_ key: String, required: Bool = true, max: Int = 2000) throws(CustomRuleError) -> String {
            guard let v = doc[key] else {
                if required { throw CustomRuleError(path: key, message: "is required") }
                return ""
            }
            guard let s = v.string else { throw CustomRuleError(path: key, message: "must be a string") }
            guard !s.isEmpty || !required else { throw CustomRuleError(path: key, message: "must not be empty") }
            guard s.count <= max else { throw CustomRuleError(path: key, message: "is longer than \(max) characters") }
            return s
        }
        let id = try text("id", max: 64)
        guard id.hasPrefix("CUSTOM-"), id.dropFirst(7).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
              id.count > 7 else {
            throw CustomRuleError(path: "id", message: "must look like CUSTOM-<letters, digits, - or _>")
        }
        let severities: [String: CLSeverity] = ["info": .info, "low": .low, "medium": .medium, "high": .high, "critical": .critical]
        let severityText = try text("severity", max: 16)
        guard let severity = severities[severityText] else {
            throw CustomRuleError(path: "severity", message: "must be one of info, low, medium, high, critical")
        }
        let title = try text("title", max: 200)
        let description = try text("description")
        let remediation = try text("remediation", required: false)
        let category = try text("category", required: false, max: 64)
        guard let match = doc["match"] else { throw CustomRuleError(path: "match", message: "is required") }
        let condition = try parseCondition(match, path: "match", depth: 0)
        var threshold: (Int, Int, String)?
        if let t = doc["threshold"] {
            guard t.isObject else { throw CustomRuleError(path: "threshold", message: "must be an object") }
            guard let count = t["count"]?.scalarText.flatMap(Int.init), (2...100_000).contains(count) else {
                throw CustomRuleError(path: "threshold.count", message: "must be an integer from 2 to 100000")
            }
            guard let window = t["window_seconds"]?.scalarText.flatMap(Int.init), (1...86_400).contains(window) else {
                throw CustomRuleError(path: "threshold.window_seconds", message: "must be an integer from 1 to 86400")
            }
            let group = t["group_by"]?.string ?? "userIdentity.arn"
            guard isKnownField(group) else { throw CustomRuleError(path: "threshold.group_by", message: "unknown field \"\(group)\"") }
            threshold = (count, window, group)
        }
        return CustomRuleDefinition(
            metadata: RuleMetadata(id: id, title: title, severity: severity, category: category.isEmpty ? "custom" : category,
                                   description: description, rationale: "A rule written by this tenant.",
                                   remediation: remediation, evidenceFields: [], references: [("TENANT", id)]),
            condition: condition, threshold: threshold)
    }

    static func isKnownField(_ f: String) -> Bool {
        if topLevelFields.contains(f) { return true }
        if f.hasPrefix("userIdentity.") { return identityFields.contains(String(f.dropFirst(13))) }
        return (f.hasPrefix("requestParameters.") && f.count > 18) || (f.hasPrefix("responseElements.") && f.count > 17)
    }

    static func parseCondition(_ v: JSONValue, path: String, depth: Int) throws(CustomRuleError) -> Condition {
        guard depth < 16 else { throw CustomRuleError(path: path, message: "conditions nest deeper than 16 levels") }
        guard case .object(let members) = v, members.count >= 1 else {
            throw CustomRuleError(path: path, message: "must be an object with all, any, not, or field and a matcher")
        }
        for combinator in ["all", "any"] {
            if let list = v[combinator] {
                guard members.count == 1 else { throw CustomRuleError(path: path, message: "\(combinator) must stand alone") }
                guard case .array(let items) = list, !items.isEmpty, items.count <= 100 else {
                    throw CustomRuleError(path: "\(path).\(combinator)", message: "must be a list of 1 to 100 conditions")
                }
                var parts: [Condition] = []
                for (i, item) in items.enumerated() {
                    parts.append(try parseCondition(item.value, path: "\(path).\(combinator)[\(i)]", depth: depth + 1))
                }
                return combinator == "all" ? .all(parts) : .any(parts)
            }
        }
        if let inner = v["not"] {
            guard members.count == 1 else { throw CustomRuleError(path: path, message: "not must stand alone") }
            return .not(try parseCondition(inner, path: "\(path).not", depth: depth + 1))
        }
        guard let field = v["field"]?.string else { throw CustomRuleError(path: "\(path).field", message: "is required (a string)") }
        guard isKnownField(field) else { throw CustomRuleError(path: "\(path).field", message: "unknown field \"\(field)\"") }
        let ops = members.map(\.key).filter { $0 != "field" }
        guard ops.count == 1, let op = ops.first else {
            throw CustomRuleError(path: path, message: "needs exactly one matcher: equals, in, glob, cidr, range or exists")
        }
        let value = v[op]!
        let at = "\(path).\(op)"
        switch op {
        case "equals":
            guard let s = value.scalarText else { throw CustomRuleError(path: at, message: "must be a string, number or boolean") }
            return .field(field, .equals(s))
        case "in":
            guard case .array(let items) = value, !items.isEmpty, items.count <= 1000 else {
                throw CustomRuleError(path: at, message: "must be a list of 1 to 1000 values")
            }
            var set = Set<String>()
            for (i, item) in items.enumerated() {
                guard let s = item.value.scalarText else { throw CustomRuleError(path: "\(at)[\(i)]", message: "must be a scalar") }
                set.insert(s)
            }
            return .field(field, .oneOf(set))
        case "glob":
            guard let s = value.string, !s.isEmpty, s.count <= 1024 else { throw CustomRuleError(path: at, message: "must be a non-empty string") }
            return .field(field, .glob(s))
        case "cidr":
            guard let s = value.string, s.contains("/"), let range = IPAddressRange(s) else {
                throw CustomRuleError(path: at, message: "\"\(value.scalarText ?? "")\" is not a CIDR block such as 10.0.0.0/8 or 2001:db8::/32")
            }
            return .field(field, .cidr(range))
        case "range":
            let min = value["min"]?.scalarText.flatMap(Double.init)
            let max = value["max"]?.scalarText.flatMap(Double.init)
            guard value.isObject, min != nil || max != nil else { throw CustomRuleError(path: at, message: "needs min and/or max numbers") }
            if let min, let max, min > max { throw CustomRuleError(path: at, message: "min is greater than max") }
            return .field(field, .range(min, max))
        case "exists":
            guard let b = value.bool, case .bool = value else { throw CustomRuleError(path: at, message: "must be true or false") }
            return .field(field, .exists(b))
        default:
            throw CustomRuleError(path: at, message: "unknown matcher; use equals, in, glob, cidr, range or exists")
        }
    }

    /// The event keys the rule can fire on: exact source/name pairs when its top level pins them, else every event.
    public var triggers: [EventKey] {
        guard case .all(let parts) = condition else { return [anyEvent] }
        var sources: Set<String>?
        var names: Set<String>?
        for p in parts {
            if case .field("eventSource", let m) = p { sources = values(m) }
            if case .field("eventName", let m) = p { names = values(m) }
        }
        guard let sources, let names else { return [anyEvent] }
        return sources.flatMap { s in names.map { EventKey(s, $0) } }
    }

    private func values(_ m: Matcher) -> Set<String>? {
        switch m {
        case .equals(let v): [v]
        case .oneOf(let set): set
        default: nil
        }
    }
}

/// A rule that does not validate; `path` names the place, e.g. `match.all[2].cidr`.
public struct CustomRuleError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// A custom rule as an engine rule (the single-event part; thresholds run as `ThresholdRule`s).
public struct CustomEventRule: EventRule {
    public let definition: CustomRuleDefinition
    public var metadata: RuleMetadata { definition.metadata }
    public var triggers: [EventKey] { definition.triggers }

    public init(_ definition: CustomRuleDefinition) { self.definition = definition }

    public func evaluate(_ event: CLCloudTrailEvent, request: JSONValue?) -> RuleMatch? {
        guard Self.holds(definition.condition, event, request) else { return nil }
        return RuleMatch(resourceType: "AWS::Custom", resourceID: Fields.first(request, ["bucketName", "roleName", "userName",
                                                                                          "groupId", "instanceId", "name"]) ?? "")
    }

    public static func holds(_ c: CustomRuleDefinition.Condition, _ e: CLCloudTrailEvent, _ request: JSONValue?) -> Bool {
        switch c {
        case .all(let parts): return parts.allSatisfy { holds($0, e, request) }
        case .any(let parts): return parts.contains { holds($0, e, request) }
        case .not(let inner): return !holds(inner, e, request)
        case .field(let field, let m):
            let value = Self.value(field, e, request)
            switch m {
            case .exists(let want): return (value != nil) == want
            case .equals(let v): return value == v
            case .oneOf(let set): return value.map(set.contains) ?? false
            case .glob(let g): return value.map { SuppressionRule.glob(g, $0) } ?? false
            case .cidr(let range): return value.flatMap(IPAddressRange.init).map { range.contains($0) } ?? false
            case .range(let lo, let hi):
                guard let n = value.flatMap(Double.init) else { return false }
                return (lo.map { n >= $0 } ?? true) && (hi.map { n <= $0 } ?? true)
            }
        }
    }

    public static func value(_ field: String, _ e: CLCloudTrailEvent, _ request: JSONValue?) -> String? {
        func nonEmpty(_ s: String) -> String? { s.isEmpty ? nil : s }
        switch field {
        case "eventSource": return nonEmpty(e.eventSource)
        case "eventName": return nonEmpty(e.eventName)
        case "awsRegion": return nonEmpty(e.awsRegion)
        case "sourceIPAddress": return nonEmpty(e.sourceIpAddress)
        case "userAgent": return nonEmpty(e.userAgent)
        case "errorCode": return nonEmpty(e.errorCode)
        case "errorMessage": return nonEmpty(e.errorMessage)
        case "eventType": return nonEmpty(e.eventType)
        case "eventVersion": return nonEmpty(e.eventVersion)
        case "recipientAccountId": return nonEmpty(e.recipientAccountID)
        case "readOnly": return e.hasReadOnly_p ? (e.readOnly ? "true" : "false") : nil
        case "managementEvent": return e.managementEvent ? "true" : "false"
        case "userIdentity.type": return nonEmpty(e.userIdentity.type)
        case "userIdentity.arn": return nonEmpty(e.userIdentity.arn)
        case "userIdentity.accountId": return nonEmpty(e.userIdentity.accountID)
        case "userIdentity.principalId": return nonEmpty(e.userIdentity.principalID)
        case "userIdentity.accessKeyId": return nonEmpty(e.userIdentity.accessKeyID)
        case "userIdentity.userName": return nonEmpty(e.userIdentity.userName)
        case "userIdentity.invokedBy": return nonEmpty(e.userIdentity.invokedBy)
        case "userIdentity.sessionIssuer.arn": return nonEmpty(e.userIdentity.sessionIssuerArn)
        case "userIdentity.sessionIssuer.userName": return nonEmpty(e.userIdentity.sessionIssuerUserName)
        default:
            if field.hasPrefix("requestParameters.") { return Fields.path(request, String(field.dropFirst(18)))?.scalarText }
            if field.hasPrefix("responseElements.") {
                let response = e.responseElementsJson.isEmpty ? nil : (try? JSONParser.parse(Array(e.responseElementsJson.utf8)))?.value
                return Fields.path(response, String(field.dropFirst(17)))?.scalarText
            }
            return nil
        }
    }
}
