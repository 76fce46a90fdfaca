import CloudTrail
import Wire

/// One rule firing on one event.
public struct Detection: Sendable {
    public var rule: RuleMetadata
    public var match: RuleMatch
    public var event: CLCloudTrailEvent

    /// The key under which repeated deliveries of the same event collapse into one finding.
    public var dedupKey: String { "\(rule.id)|\(event.eventID)" }

    /// The finding this detection produces (id and tenant are filled in by the caller).
    public func finding(tenant: String) -> CLFinding {
        var f = CLFinding()
        f.tenantID = tenant
        f.ruleID = rule.id
        f.title = match.title ?? rule.title
        f.severity = rule.severity
        f.category = rule.category
        f.status = .open
        f.resourceType = match.resourceType
        f.resourceID = match.resourceID
        f.accountID = event.recipientAccountID.isEmpty ? event.userIdentity.accountID : event.recipientAccountID
        f.region = event.awsRegion
        f.actorArn = event.userIdentity.arn
        f.eventIds = [event.eventID]
        var evidence = match.evidence
        evidence["eventID"] = event.eventID
        evidence["eventName"] = event.eventName
        evidence["eventSource"] = event.eventSource
        evidence["eventTime"] = event.eventTime
        if !event.sourceIpAddress.isEmpty { evidence["sourceIPAddress"] = event.sourceIpAddress }
        if !event.userIdentity.arn.isEmpty { evidence["userIdentity.arn"] = event.userIdentity.arn }
        f.evidence = evidence
        f.description_p = rule.description
        f.remediation = rule.remediation
        f.references = rule.references
        f.firstSeenMs = event.eventTimeMs
        f.lastSeenMs = event.eventTimeMs
        f.dedupKey = dedupKey
        return f
    }
}

/// Evaluates events against rules indexed by event source and name, so each event meets only the rules that
/// listen to it.
public struct RuleEngine: Sendable {
    private let index: [EventKey: [any EventRule]]
    public let rules: [any EventRule]

    public init(rules: [any EventRule] = RuleCatalog.all) {
        self.rules = rules
        var index: [EventKey: [any EventRule]] = [:]
        for rule in rules {
            for key in rule.triggers { index[key, default: []].append(rule) }
        }
        self.index = index
    }

    public func evaluate(_ event: CLCloudTrailEvent) -> [Detection] {
        guard let candidates = index[EventKey(event.eventSource, event.eventName)] else { return [] }
        let request: JSONValue? = event.requestParametersJson.isEmpty
            ? nil : (try? JSONParser.parse(Array(event.requestParametersJson.utf8)))?.value
        return candidates.compactMap { rule in
            rule.evaluate(event, request: request).map { Detection(rule: rule.metadata, match: $0, event: event) }
        }
    }
}
