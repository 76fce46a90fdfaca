import CloudTrail
import Wire

/// What a rule is and why it matters, in our own words, with its framework references.
public struct RuleMetadata: Sendable {
    public var id: String
    public var title: String
    public var severity: CLSeverity
    public var category: String
    public var description: String
    public var rationale: String
    public var remediation: String
    /// The CloudTrail fields a finding of this rule cites as evidence.
    public var evidenceFields: [String]
    public var references: [CLReference]
    /// Broader rules this one makes redundant: when both fire on the same event, only this one is reported
    /// (a public bucket ACL is not also reported as a mere "bucket policy changed").
    public var supersedes: [String]

    public init(id: String, title: String, severity: CLSeverity, category: String, description: String,
                rationale: String, remediation: String, evidenceFields: [String], references: [(String, String)],
                supersedes: [String] = []) {
        self.supersedes = supersedes
        self.id = id
        self.title = title
        self.severity = severity
        self.category = category
        self.description = description
        self.rationale = rationale
        self.remediation = remediation
        self.evidenceFields = evidenceFields
        self.references = references.map { framework, id in
            var r = CLReference()
            r.framework = framework
            r.id = id
            return r
        }
    }
}

/// The event a rule listens to.
public struct EventKey: Hashable, Sendable {
    public var source: String
    public var name: String
    public init(_ source: String, _ name: String) {
        self.source = source
        self.name = name
    }
}

/// What a rule found in one event.
public struct RuleMatch: Sendable {
    public var resourceType: String
    public var resourceID: String
    public var evidence: [String: String]
    /// A more specific title than the rule's, if the event says more.
    public var title: String?

    public init(resourceType: String, resourceID: String, evidence: [String: String] = [:], title: String? = nil) {
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.evidence = evidence
        self.title = title
    }
}

/// A single-event detection rule.
public protocol EventRule: Sendable {
    var metadata: RuleMetadata { get }
    /// The events this rule judges; the engine calls it for no other event.
    var triggers: [EventKey] { get }
    /// `request` is the parsed `requestParameters` (nil when absent).
    func evaluate(_ event: CLCloudTrailEvent, request: JSONValue?) -> RuleMatch?
}
