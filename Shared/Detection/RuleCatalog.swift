/// Every built-in rule.
public enum RuleCatalog {
    /// Single-event rules.
    public static let all: [any EventRule] = [PublicBucketACLRule(), CloudTrailLoggingDisabledRule()]
        + CISMonitoringRules.all + ThreatRules.all
    /// Rules over many events (thresholds and sequences).
    public static let stateful: [any StatefulRule] = StatefulCatalog.all
}
