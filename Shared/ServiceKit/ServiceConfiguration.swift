import Foundation
import Logging

/// What every CloudLoom service reads from its environment.
///
/// | variable | default | meaning |
/// |---|---|---|
/// | `NATS_URL` | `nats://127.0.0.1:4222` | NATS server(s), comma separated |
/// | `DATABASE_URL` | `postgresql://cloudloom@127.0.0.1:5432/cloudloom` | PostgreSQL (a role without BYPASSRLS) |
/// | `CL_DB_POOL_SIZE` | `4` | database connections per instance |
/// | `CL_HEALTH_HOST` | `127.0.0.1` | bind address of `/healthz`, `/readyz`, `/metrics` |
/// | `CL_HEALTH_PORT` | per service (9101...) | their port; `0` picks a free one |
/// | `CL_LOG_LEVEL` | `info` | trace, debug, info, notice, warning, error, critical |
/// | `CL_LOG_FORMAT` | `json` | `json` (one object per line) or `text` |
/// | `CL_RPC_TIMEOUT_MS` | `5000` | deadline of calls to other services |
/// | `CL_INSTANCE_ID` | host name + pid | this instance's name in logs and pings |
public struct ServiceConfiguration: Sendable {
    public var service: String
    public var natsURL: String
    public var databaseURL: String
    public var databasePoolSize: Int
    public var healthHost: String
    public var healthPort: Int
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    public var rpcTimeout: Duration
    public var instanceID: String
    public var environment: Environment

    public enum LogFormat: String, Sendable { case json, text }

    public static func fromEnvironment(service: String, defaultHealthPort: Int,
                                       _ env: Environment = Environment()) throws(ConfigurationError) -> ServiceConfiguration {
        guard let level = Logger.Level(rawValue: env.string("CL_LOG_LEVEL", default: "info").lowercased()) else {
            throw ConfigurationError("CL_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard let format = LogFormat(rawValue: env.string("CL_LOG_FORMAT", default: "json").lowercased()) else {
            throw ConfigurationError("CL_LOG_FORMAT must be json or text")
        }
        let port = try env.int("CL_HEALTH_PORT", default: defaultHealthPort)
        guard (0...65535).contains(port) else { throw ConfigurationError("CL_HEALTH_PORT must be 0...65535") }
        let pool = try env.int("CL_DB_POOL_SIZE", default: 4)
        guard pool >= 1 else { throw ConfigurationError("CL_DB_POOL_SIZE must be at least 1") }
        let timeout = try env.int("CL_RPC_TIMEOUT_MS", default: 5000)
        guard timeout > 0 else { throw ConfigurationError("CL_RPC_TIMEOUT_MS must be positive") }
        return ServiceConfiguration(
            service: service,
            natsURL: env.string("NATS_URL", default: "nats://127.0.0.1:4222"),
            databaseURL: env.string("DATABASE_URL", default: "postgresql://cloudloom@127.0.0.1:5432/cloudloom"),
            databasePoolSize: pool,
            healthHost: env.string("CL_HEALTH_HOST", default: "127.0.0.1"),
            healthPort: port,
            logLevel: level,
            logFormat: format,
            rpcTimeout: .milliseconds(timeout),
            instanceID: env.string("CL_INSTANCE_ID", default: "\(ProcessInfo.processInfo.hostName)-\(getpid())"),
            environment: env)
    }
}
