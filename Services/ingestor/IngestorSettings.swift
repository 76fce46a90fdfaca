import CLCrypto
import ServiceKit

/// | variable | default | meaning |
/// |---|---|---|
/// | `CL_SECRETS_KEY` | required | 64 hex characters: the AES-256-GCM key that encrypts account secrets at rest |
/// | `CL_SQS_WAIT_SECONDS` | `20` | long-poll wait of each SQS receive (1...20) |
/// | `CL_SQS_MAX_RECEIVES` | `5` | a message received this many times without success goes to the dead letters |
/// | `CL_SQS_REFRESH_SECONDS` | `30` | how often the list of connected queues is re-read |
/// | `CL_DEDUP_DAYS` | `8` | how long (tenant, eventID) pairs are remembered across restarts |
/// | `CL_MAX_OBJECT_BYTES` | `104857600` | largest delivery file (compressed) read from S3 |
/// | `CL_ALLOW_CUSTOM_ENDPOINTS` | `false` | accept accounts with `endpoint_url` (development against moto); off in production, since the ingestor would send signed requests wherever a tenant admin points it |
struct IngestorSettings: Sendable {
    var secretsKey: [UInt8]
    var sqsWaitSeconds: Int
    var sqsMaxReceives: Int
    var sqsRefresh: Duration
    var dedupDays: Int
    var maxObjectBytes: Int
    var allowCustomEndpoints: Bool

    init(_ env: Environment) throws(ConfigurationError) {
        guard let hex = env.optional("CL_SECRETS_KEY") else {
            throw ConfigurationError("CL_SECRETS_KEY is required: 64 hex characters (openssl rand -hex 32) that encrypt account secrets")
        }
        guard let key = IngestorSettings.decodeHex(hex), key.count == 32 else {
            throw ConfigurationError("CL_SECRETS_KEY must be 64 hex characters (32 bytes)")
        }
        secretsKey = key
        sqsWaitSeconds = try env.int("CL_SQS_WAIT_SECONDS", default: 20)
        guard (1...20).contains(sqsWaitSeconds) else { throw ConfigurationError("CL_SQS_WAIT_SECONDS must be 1...20") }
        sqsMaxReceives = try env.int("CL_SQS_MAX_RECEIVES", default: 5)
        guard sqsMaxReceives >= 1 else { throw ConfigurationError("CL_SQS_MAX_RECEIVES must be at least 1") }
        let refresh = try env.int("CL_SQS_REFRESH_SECONDS", default: 30)
        guard refresh >= 1 else { throw ConfigurationError("CL_SQS_REFRESH_SECONDS must be at least 1") }
        sqsRefresh = .seconds(refresh)
        dedupDays = try env.int("CL_DEDUP_DAYS", default: 8)
        guard dedupDays >= 7 else { throw ConfigurationError("CL_DEDUP_DAYS must be at least 7") }
        maxObjectBytes = try env.int("CL_MAX_OBJECT_BYTES", default: 100 << 20)
        guard maxObjectBytes > 0 else { throw ConfigurationError("CL_MAX_OBJECT_BYTES must be positive") }
        switch env.string("CL_ALLOW_CUSTOM_ENDPOINTS", default: "false").lowercased() {
        case "true", "1", "yes": allowCustomEndpoints = true
        case "false", "0", "no", "": allowCustomEndpoints = false
        default: throw ConfigurationError("CL_ALLOW_CUSTOM_ENDPOINTS must be true or false")
        }
    }

    static func decodeHex(_ s: String) -> [UInt8]? {
        let b = Array(s.utf8)
        guard b.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(b.count / 2)
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var i = 0
        while i < b.count {
            guard let h = v(b[i]), let l = v(b[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }
}
