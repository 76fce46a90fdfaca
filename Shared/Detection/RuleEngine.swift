import CloudTrail
import Wire

/// One rule firing on one event.
public struct Detection: Sendable {
    public var rule: RuleMetadata
    public var match: RuleMatch
    /// The event that completed the detection.
    public var event: CLCloudTrailEvent
    /// Every event the detection rests on (one for single-event rules).
    public var eventIDs: [String]
    /// Event time of the earliest of them.
    public var firstSeenMs: Int64

    public init(rule: RuleMetadata, match: RuleMatch, event: CLCloudTrailEvent) {
        self.rule = rule
        self.match = match
        self.event = event
        eventIDs = [event.eventID]
        firstSeenMs = event.eventTimeMs
    }

    /// What the finding is about: the resource, else the actor, else the event itself.
    public var subject: String {
        if !match.resourceID.isEmpty { return match.resourceID }
        if !event.userIdentity.arn.isEmpty { return event.userIdentity.arn }
        return event.eventID
    }

    /// Findings of one rule about one subject in one account and region are one finding: repeats update its count.
    public var dedupKey: String {
        "\(rule.id)|\(Fields.ownAccount(event))|\(event.awsRegion)|\(subject)"
    }

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
        f.eventIds = eventIDs
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
        f.firstSeenMs = firstSeenMs
        f.lastSeenMs = event.eventTimeMs
        f.dedupKey = dedupKey
        return f
    }
}

/// Evaluates events against rules indexed by event source and name, so each event meets only the rules that
/// listen to it.
public struct RuleEngine: Sendable {
    private let index: [EventKey: [any EventRule]]
    private let statefulIndex: [EventKey: [any StatefulRule]]
    public let rules: [any EventRule]
    public let statefulRules: [any StatefulRule]

    public init(rules: [any EventRule] = RuleCatalog.all, statefulRules: [any StatefulRule] = RuleCatalog.stateful) {
        self.rules = rules
        self.statefulRules = statefulRules
        var index: [EventKey: [any EventRule]] = [:]
        for rule in rules {
            for key in Set(rule.triggers) { index[key, default: []].append(rule) }
        }
        self.index = index
        var stateful: [EventKey: [any StatefulRule]] = [:]
        for rule in statefulRules {
            for key in Set(rule.triggers) { stateful[key, default: []].append(rule) }
        }
        statefulIndex = stateful
        hasFailedCallRules = index[anyFailedCall] != nil || stateful[anyFailedCall] != nil
        hasRootCallRules = index[anyRootCall] != nil || stateful[anyRootCall] != nil
        hasAnyEventRules = index[anyEvent] != nil || stateful[anyEvent] != nil
        interestingHashes = Set((Array(index.keys) + Array(stateful.keys)).map { RecordScanner.keyHash(source: $0.source, name: $0.name) })
    }

    private let interestingHashes: Set<UInt64>

    private let hasFailedCallRules: Bool
    private let hasRootCallRules: Bool
    private let hasAnyEventRules: Bool

    /// The index keys an event falls under: its own, plus the "any failed call" and "any root call" buckets.
    @inline(__always)
    static func keys(source: String, name: String, hasError: Bool, isRoot: Bool) -> [EventKey] {
        var keys = [EventKey(source, name), anyEvent]
        if hasError { keys.append(anyFailedCall) }
        if isRoot { keys.append(anyRootCall) }
        return keys
    }

    static func keys(for e: CLCloudTrailEvent) -> [EventKey] {
        keys(source: e.eventSource, name: e.eventName, hasError: !e.errorCode.isEmpty, isRoot: e.userIdentity.type == "Root")
    }

    /// True when some rule, single-event or stateful, could care about an event with these cheap fields.
    /// The same from `RecordScanner.Summary.keyHash` (hash collisions only cost a full parse).
    public func mightMatch(keyHash: UInt64, hasError: Bool, isRoot: Bool) -> Bool {
        if (hasError && hasFailedCallRules) || (isRoot && hasRootCallRules) || hasAnyEventRules { return true }
        return interestingHashes.contains(keyHash)
    }

    public func mightMatch(source: String, name: String, hasError: Bool, isRoot: Bool) -> Bool {
        if (hasError && hasFailedCallRules) || (isRoot && hasRootCallRules) || hasAnyEventRules { return true }
        let key = EventKey(source, name)
        return index[key] != nil || statefulIndex[key] != nil
    }

    /// True when some stateful rule listens to this event (callers that shard events can set these aside and
    /// replay them in time order).
    public func hasStatefulRules(for event: CLCloudTrailEvent) -> Bool {
        Self.keys(for: event).contains { statefulIndex[$0] != nil }
    }

    /// Runs only the stateful rules.
    public func evaluateStateful(_ event: CLCloudTrailEvent, state: inout DetectionState) -> [Detection] {
        let candidates = Self.keys(for: event).flatMap { statefulIndex[$0] ?? [] }
        if candidates.isEmpty { return [] }
        let request: JSONValue? = event.requestParametersJson.isEmpty
            ? nil : (try? JSONParser.parse(Array(event.requestParametersJson.utf8)))?.value
        return candidates.compactMap { $0.observe(event, request: request, state: &state) }
    }

    /// Every rule's metadata, single-event and stateful.
    public var catalog: [RuleMetadata] { rules.map(\.metadata) + statefulRules.map(\.metadata) }

    /// Single-event rules, then stateful rules (which update `state`).
    public func evaluate(_ event: CLCloudTrailEvent, state: inout DetectionState) -> [Detection] {
        var out = evaluate(event)
        let candidates = Self.keys(for: event).flatMap { statefulIndex[$0] ?? [] }
        if candidates.isEmpty { return out }
        let request: JSONValue? = event.requestParametersJson.isEmpty
            ? nil : (try? JSONParser.parse(Array(event.requestParametersJson.utf8)))?.value
        for rule in candidates {
            if let d = rule.observe(event, request: request, state: &state) { out.append(d) }
        }
        return out
    }

    public func evaluate(_ event: CLCloudTrailEvent) -> [Detection] {
        let candidates = Self.keys(for: event).flatMap { index[$0] ?? [] }
        if candidates.isEmpty { return [] }
        let request: JSONValue? = event.requestParametersJson.isEmpty
            ? nil : (try? JSONParser.parse(Array(event.requestParametersJson.utf8)))?.value
        let found = candidates.compactMap { rule in
            rule.evaluate(event, request: request).map { Detection(rule: rule.metadata, match: $0, event: event) }
        }
        if found.count < 2 { return found }
        let superseded = Set(found.flatMap(\.rule.supersedes))
        return superseded.isEmpty ? found : found.filter { !superseded.contains($0.rule.id) }
    }
}
