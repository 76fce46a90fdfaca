import ServiceKit

/// | variable | default | meaning |
/// |---|---|---|
/// | `GATEWAY_HOST` | `127.0.0.1` | bind address |
/// | `GATEWAY_PORT` | `8080` | REST, `/healthz`, `/readyz`, `/metrics` |
/// | `CL_OPERATOR_KEY` | unset | platform operator key for `POST /v1/tenants`; unset disables tenant creation |
/// | `CL_MAX_BODY_BYTES` | `1048576` | largest request body; larger ones get 413 |
/// | `CL_RATE_LIMIT_PER_SECOND` | `50` | requests per second per API key (token bucket refill) |
/// | `CL_RATE_LIMIT_BURST` | `200` | the bucket's size: requests a key may make at once |
struct GatewaySettings: Sendable {
    var host: String
    var port: Int
    var operatorKey: String?
    var maxBodyBytes: Int
    var rateLimitPerSecond: Int
    var rateLimitBurst: Int

    init(_ env: Environment) throws(ConfigurationError) {
        host = env.string("GATEWAY_HOST", default: "127.0.0.1")
        port = try env.int("GATEWAY_PORT", default: 8080)
        guard (0...65535).contains(port) else { throw ConfigurationError("GATEWAY_PORT must be 0...65535") }
        operatorKey = env.optional("CL_OPERATOR_KEY")
        if let key = operatorKey, key.count < 16 {
            throw ConfigurationError("CL_OPERATOR_KEY must be at least 16 characters")
        }
        maxBodyBytes = try env.int("CL_MAX_BODY_BYTES", default: 1_048_576)
        guard maxBodyBytes > 0 else { throw ConfigurationError("CL_MAX_BODY_BYTES must be positive") }
        rateLimitPerSecond = try env.int("CL_RATE_LIMIT_PER_SECOND", default: 50)
        rateLimitBurst = try env.int("CL_RATE_LIMIT_BURST", default: 200)
        guard rateLimitPerSecond > 0, rateLimitBurst > 0 else {
            throw ConfigurationError("CL_RATE_LIMIT_PER_SECOND and CL_RATE_LIMIT_BURST must be positive")
        }
    }
}
