/// Every built-in rule.
public enum RuleCatalog {
    public static let all: [any EventRule] = [
        PublicBucketACLRule(),
        CloudTrailLoggingDisabledRule(),
    ]
}
