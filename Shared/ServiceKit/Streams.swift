import Bus

/// The JetStream streams of the design, one per kind of fact, each owned by the service that produces it.
public enum Streams {
    public static let events = StreamSpec(name: "CL_EVENTS", subjects: ["cl.events.>"])
    public static let changes = StreamSpec(name: "CL_CHANGES", subjects: ["cl.changes.>"])
    public static let findings = StreamSpec(name: "CL_FINDINGS", subjects: ["cl.findings.>"])
    public static let analyses = StreamSpec(name: "CL_ANALYSES", subjects: ["cl.analyses.>"])
    public static let remediations = StreamSpec(name: "CL_REMEDIATIONS", subjects: ["cl.remediations.>"])
    public static let approvals = StreamSpec(name: "CL_APPROVALS", subjects: ["cl.approvals.>"])
    public static let billing = StreamSpec(name: "CL_BILLING", subjects: ["cl.billing.>"])

    /// `cl.events.<tenant>.cloudtrail`
    public static func cloudTrailSubject(tenant: String) -> String { "cl.events.\(tenant).cloudtrail" }
    /// `cl.findings.<tenant>`
    public static func findingsSubject(tenant: String) -> String { "cl.findings.\(tenant)" }
}
