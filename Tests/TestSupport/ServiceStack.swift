import Foundation
import HTTP

/// CloudLoom's real service executables running against real NATS and PostgreSQL, each on random loopback ports.
public final class ServiceStack: @unchecked Sendable {
    // `@unchecked Sendable`: `processes` is only mutated by the serialized tests that own the stack.
    public static let all = ["ingestor", "policy-engine", "inventory", "ai-reasoner", "remediation-executor", "approvals",
                             "billing", "gateway"]

    public let nats: NATSServer
    public let postgres: PostgresServer
    public let gatewayURL: String
    public let operatorKey: String
    /// The ingestor's CL_SECRETS_KEY (64 hex characters).
    public let secretsKey: String
    public let logDirectory: URL
    public let http = HTTPClient(.init(threads: 8))
    private var processes: [String: TestProcess] = [:]
    private var healthPorts: [String: Int] = [:]
    private let gatewayPort: Int

    public init(nats: NATSServer, postgres: PostgresServer) throws {
        self.nats = nats
        self.postgres = postgres
        gatewayPort = try TestEnvironment.freePort()
        gatewayURL = "http://127.0.0.1:\(gatewayPort)"
        operatorKey = "op-" + UUID().uuidString
        secretsKey = (0..<32).map { _ in String(format: "%02x", Int.random(in: 0...255)) }.joined()
        logDirectory = try TestEnvironment.temporaryDirectory("cl-services")
    }

    public func environment(for service: String) throws -> [String: String] {
        var env = ["NATS_URL": nats.url, "DATABASE_URL": postgres.appURL, "CL_LOG_FORMAT": "json", "CL_LOG_LEVEL": "info"]
        if service == "gateway" {
            env["GATEWAY_PORT"] = "\(gatewayPort)"
            env["CL_OPERATOR_KEY"] = operatorKey
            env["CL_MAX_BODY_BYTES"] = "1048576"
            // Tests poll; the rate limiter itself is tested with a gateway of its own and a small limit.
            env["CL_RATE_LIMIT_PER_SECOND"] = "1000"
            env["CL_RATE_LIMIT_BURST"] = "2000"
        } else {
            if service == "ingestor" {
                env["CL_SECRETS_KEY"] = secretsKey
                env["CL_SQS_WAIT_SECONDS"] = "1"
                env["CL_SQS_REFRESH_SECONDS"] = "1"
                env["CL_SQS_MAX_RECEIVES"] = "3"
                env["CL_ALLOW_CUSTOM_ENDPOINTS"] = "true"
            }
            let port = try healthPorts[service] ?? TestEnvironment.freePort()
            healthPorts[service] = port
            env["CL_HEALTH_PORT"] = "\(port)"
        }
        return env
    }

    /// Starts `service` and waits until its `/readyz` answers 200.
    public func start(_ service: String) async throws {
        let binary = "\(TestEnvironment.binDirectory)/\(service)"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestEnvironmentError("\(binary) is missing: run `swift build` first (make test does)")
        }
        let process = try TestProcess(name: service, executable: binary, environment: try environment(for: service),
                                      logDirectory: logDirectory)
        processes[service] = process
        let port = service == "gateway" ? gatewayPort : healthPorts[service]!
        do {
            try await TestEnvironment.wait("\(service) to become ready", timeout: .seconds(60), every: .milliseconds(100)) {
                guard process.isRunning else { throw TestEnvironmentError("\(service) exited") }
                let r = try await self.http.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/readyz", timeout: .seconds(2)))
                return r.status == 200
            }
        } catch {
            throw TestEnvironmentError("\(service) did not become ready: \(error)\n--- log ---\n\(process.logTail())")
        }
    }

    public func startAll() async throws {
        for s in Self.all { try await start(s) }
    }

    /// Stops `service` gracefully; returns its exit status.
    @discardableResult
    public func stop(_ service: String) async -> Int32 {
        guard let p = processes.removeValue(forKey: service) else { return -1 }
        return await p.stop()
    }

    /// Kills `service` with SIGKILL (no graceful shutdown); returns its exit status.
    @discardableResult
    public func kill(_ service: String) async -> Int32 {
        guard let p = processes.removeValue(forKey: service) else { return -1 }
        return await p.killNow()
    }

    public func process(_ service: String) -> TestProcess? { processes[service] }

    public func stopAll() async {
        for s in Self.all.reversed() { await stop(s) }
    }

    // MARK: REST helpers

    public struct Reply: Sendable {
        public var status: Int
        public var body: [UInt8]
        public var headers: [(String, String)]
        public var json: Any? { try? JSONSerialization.jsonObject(with: Data(body)) }
        public var object: [String: Any] { (json as? [String: Any]) ?? [:] }
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public func request(_ method: String, _ path: String, key: String?, body: [UInt8] = [],
                        headers: [(String, String)] = []) async throws -> Reply {
        var h = headers
        if let key { h.append(("Authorization", "Bearer \(key)")) }
        if !body.isEmpty && !h.contains(where: { $0.0.lowercased() == "content-type" }) { h.append(("Content-Type", "application/json")) }
        let r = try await http.execute(HTTPRequest(method: method, url: gatewayURL + path, headers: h, body: body,
                                                   timeout: .seconds(60)))
        return Reply(status: r.status, body: r.body, headers: r.headers)
    }

    public func get(_ path: String, key: String?) async throws -> Reply { try await request("GET", path, key: key) }

    public func post(_ path: String, key: String?, json: String) async throws -> Reply {
        try await request("POST", path, key: key, body: Array(json.utf8))
    }

    /// Creates a tenant through the API; returns its id and admin key.
    public func createTenant(_ name: String) async throws -> (id: String, key: String) {
        let r = try await post("/v1/tenants", key: operatorKey, json: #"{"name":"\#(name)"}"#)
        guard r.status == 201, let id = r.object["tenant_id"] as? String, let key = r.object["api_key"] as? String else {
            throw TestEnvironmentError("tenant creation failed: \(r.status) \(r.text)")
        }
        return (id, key)
    }
}
