import Logging
import NIOPosix
import Synchronization

/// A pool of libpq connections. Every call runs on the pool's own threads (`NIOThreadPool`), never on Swift's
/// cooperative pool, and holds one connection exclusively for its duration.
public final class Database: Sendable {
    /// Connection settings.
    public struct Configuration: Sendable {
        /// libpq connection string or URI, e.g. `postgresql://cloudloom:pw@127.0.0.1:5432/cloudloom`.
        public var url: String
        /// Maximum connections (and pool threads). Default 4.
        public var poolSize: Int
        /// Seconds libpq waits for a connection. Default 5.
        public var connectTimeoutSeconds: Int

        public init(url: String, poolSize: Int = 4, connectTimeoutSeconds: Int = 5) {
            self.url = url
            self.poolSize = max(1, poolSize)
            self.connectTimeoutSeconds = connectTimeoutSeconds
        }

        var conninfo: String {
            // libpq accepts a URI followed by nothing else, so add the timeout as a URI parameter.
            let sep = url.contains("?") ? "&" : "?"
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                return url.contains("connect_timeout=") ? url : url + sep + "connect_timeout=\(connectTimeoutSeconds)"
            }
            return url + " connect_timeout=\(connectTimeoutSeconds)"
        }
    }

    private struct State {
        var idle: [PostgresConnection] = []
        var open = 0
        var waiters: [CheckedContinuation<PostgresConnection?, Never>] = []
        var closed = false
    }

    public let configuration: Configuration
    private let threadPool: NIOThreadPool
    private let state = Mutex(State())
    private let logger: Logger

    public init(_ configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        threadPool = NIOThreadPool(numberOfThreads: configuration.poolSize)
        threadPool.start()
    }

    /// Closes every connection and stops the threads. Calls after this fail with `.poolClosed`.
    public func shutdown() async {
        let waiters = state.withLock { s -> [CheckedContinuation<PostgresConnection?, Never>] in
            s.closed = true
            s.idle.removeAll()
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for w in waiters { w.resume(returning: nil) }
        try? await threadPool.shutdownGracefully()
    }

    /// Runs `body` with a connection, outside any transaction.
    public func withConnection<T: Sendable>(_ body: @Sendable @escaping (PostgresConnection) throws -> T) async throws -> T {
        let conn = try await checkout()
        do {
            let result = try await threadPool.runIfActive { try body(conn) }
            checkin(conn)
            return result
        } catch {
            checkin(conn)
            throw error
        }
    }

    /// Runs `body` in a transaction; commits when it returns, rolls back when it throws. When `tenant` is given,
    /// the transaction sets `cl.tenant_id` so row-level security limits every statement to that tenant.
    public func withTransaction<T: Sendable>(tenant: String? = nil,
                                             _ body: @Sendable @escaping (PostgresConnection) throws -> T) async throws -> T {
        try await withConnection { conn in
            try conn.query("BEGIN")
            do {
                if let tenant {
                    try conn.query("SELECT set_config('cl.tenant_id', \(tenant), true)")
                }
                let result = try body(conn)
                try conn.query("COMMIT")
                return result
            } catch {
                _ = try? conn.query("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs one statement in its own tenant-scoped transaction.
    @discardableResult
    public func query(_ sql: SQL, tenant: String? = nil) async throws -> [Row] {
        if let tenant { return try await withTransaction(tenant: tenant) { try $0.query(sql) } }
        return try await withConnection { try $0.query(sql) }
    }

    private func checkout() async throws -> PostgresConnection {
        enum Next { case use(PostgresConnection), create, wait, closed }
        let next: Next = state.withLock { s in
            if s.closed { return .closed }
            if let c = s.idle.popLast() { return .use(c) }
            if s.open < configuration.poolSize { s.open += 1; return .create }
            return .wait
        }
        switch next {
        case .closed:
            throw StoreError(.poolClosed, "the database pool is shut down")
        case .use(let conn):
            if conn.isHealthy { return conn }
            let healed = try await threadPool.runIfActive { conn.reset() }
            if healed { return conn }
            state.withLock { $0.open -= 1 }
            return try await checkout()
        case .create:
            let info = configuration.conninfo
            do {
                return try await threadPool.runIfActive { try PostgresConnection(conninfo: info) }
            } catch {
                state.withLock { $0.open -= 1 }
                if let e = error as? StoreError {
                    logger.error("database connection failed", metadata: ["db.error": "\(e.serverMessage ?? e.message)"])
                }
                throw error
            }
        case .wait:
            let conn: PostgresConnection? = await withCheckedContinuation { cont in
                let resumeNow = state.withLock { s -> Bool in
                    if s.closed { return true }
                    s.waiters.append(cont)
                    return false
                }
                if resumeNow { cont.resume(returning: nil) }
            }
            guard let conn else { throw StoreError(.poolClosed, "the database pool is shut down") }
            return conn
        }
    }

    private func checkin(_ conn: PostgresConnection) {
        // A connection left inside a transaction (cancelled body) is dropped rather than reused.
        let healthy = conn.isHealthy
        let waiter: CheckedContinuation<PostgresConnection?, Never>? = state.withLock { s in
            if s.closed || !healthy {
                s.open -= 1
                return nil
            }
            if !s.waiters.isEmpty { return s.waiters.removeFirst() }
            s.idle.append(conn)
            return nil
        }
        if let waiter { waiter.resume(returning: conn) }
        else if !healthy {
            // A slot freed: let a waiter open a new connection.
            let w = state.withLock { s -> CheckedContinuation<PostgresConnection?, Never>? in
                s.waiters.isEmpty ? nil : s.waiters.removeFirst()
            }
            if let w {
                let info = configuration.conninfo
                state.withLock { $0.open += 1 }
                Task {
                    let fresh = try? await threadPool.runIfActive { try PostgresConnection(conninfo: info) }
                    if fresh == nil { state.withLock { $0.open -= 1 } }
                    w.resume(returning: fresh)
                }
            }
        }
    }
}
