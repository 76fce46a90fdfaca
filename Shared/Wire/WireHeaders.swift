/// Names of the NATS headers every CloudLoom message carries.
public enum WireHeader {
    public static let tenant = "Cl-Tenant"
    public static let type = "Cl-Type"
    public static let schema = "Cl-Schema"
    public static let traceparent = "traceparent"
    public static let messageID = "Nats-Msg-Id"
    public static let status = "Cl-Status"
    public static let statusMessage = "Cl-Message"
    /// The schema version of `proto/cloudloom/v1`.
    public static let schemaVersion = "cloudloom.v1"
}
