import CNATS
import Logging
import NIOPosix
import Synchronization
import Wire

/// A connection to NATS (libnats). It reconnects by itself forever after the first connect; blocking libnats calls
/// (requests, fetches, flushes) run on the client's own thread pool, never on Swift's cooperative pool.
///
/// `@unchecked Sendable`: libnats documents `natsConnection` as safe for concurrent use from several threads; the
/// handle is immutable after `init` and freed once in `deinit`.
public final class NATSClient: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// Server URL(s), comma separated. Default `nats://127.0.0.1:4222`.
        public var url: String
        /// Connection name shown by the server (the service name).
        public var name: String
        /// How long the first connect keeps trying before giving up. Default 30 s.
        public var connectTimeout: Duration
        /// Threads for blocking calls. Default 8.
        public var blockingThreads: Int

        public init(url: String = "nats://127.0.0.1:4222", name: String, connectTimeout: Duration = .seconds(30),
                    blockingThreads: Int = 8) {
            self.url = url
            self.name = name
            self.connectTimeout = connectTimeout
            self.blockingThreads = blockingThreads
        }
    }

    let connection: OpaquePointer
    let threadPool: NIOThreadPool
    let logger: Logger
    private let events: ConnectionEvents
    private let closed = Atomic<Bool>(false)

    /// Connects, retrying until `connectTimeout` passes.
    public static func connect(_ configuration: Configuration, logger: Logger) async throws -> NATSClient {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.connectTimeout
        var attempt = 0
        while true {
            attempt += 1
            let failure: BusError
            do {
                return try NATSClient(configuration, logger: logger)
            } catch {
                failure = error
            }
            guard failure.code == .unavailable, clock.now < deadline else { throw failure }
            if attempt == 1 || attempt % 20 == 0 {
                logger.warning("nats not reachable yet, retrying", metadata: ["nats.url": "\(configuration.url)", "error": "\(failure)"])
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    private init(_ configuration: Configuration, logger: Logger) throws(BusError) {
        self.logger = logger
        var opts: OpaquePointer?
        var s = natsOptions_Create(&opts)
        guard s == NATS_OK, let opts else { throw BusError.nats(s, "create NATS options") }
        // The options are copied into the connection; ours are destroyed here.
        defer { natsOptions_Destroy(opts) }
        let events = ConnectionEvents(logger: logger)
        self.events = events
        // libnats calls these callbacks on its own thread, possibly after this object is gone (a "disconnected"
        // queued by close() was seen to run after deinit). So libnats holds its own reference, released by the
        // closed callback, which libnats delivers last.
        let closure = Unmanaged.passRetained(events).toOpaque()
        s = natsOptions_SetServers(opts: opts, urls: configuration.url)
        if s == NATS_OK { s = natsOptions_SetName(opts, configuration.name) }
        if s == NATS_OK { s = natsOptions_SetMaxReconnect(opts, -1) }
        if s == NATS_OK { s = natsOptions_SetReconnectWait(opts, 250) }
        if s == NATS_OK { s = natsOptions_SetReconnectJitter(opts, 100, 1000) }
        if s == NATS_OK { s = natsOptions_SetReconnectBufSize(opts, 64 * 1024 * 1024) }
        if s == NATS_OK { s = natsOptions_SetMaxPendingMsgs(opts, 1_000_000) }
        if s == NATS_OK {
            s = natsOptions_SetDisconnectedCB(opts, { _, closure in
                Unmanaged<ConnectionEvents>.fromOpaque(closure!).takeUnretainedValue().disconnected()
            }, closure)
        }
        if s == NATS_OK {
            s = natsOptions_SetReconnectedCB(opts, { _, closure in
                Unmanaged<ConnectionEvents>.fromOpaque(closure!).takeUnretainedValue().reconnected()
            }, closure)
        }
        if s == NATS_OK {
            s = natsOptions_SetErrorHandler(opts, { _, _, err, closure in
                Unmanaged<ConnectionEvents>.fromOpaque(closure!).takeUnretainedValue().asyncError(err)
            }, closure)
        }
        if s == NATS_OK {
            s = natsOptions_SetClosedCB(opts, { _, closure in
                Unmanaged<ConnectionEvents>.fromOpaque(closure!).release()
            }, closure)
        }
        guard s == NATS_OK else {
            Unmanaged<ConnectionEvents>.fromOpaque(closure).release()
            throw BusError.nats(s, "configure NATS options")
        }
        var conn: OpaquePointer?
        s = natsConnection_Connect(&conn, opts)
        guard s == NATS_OK, let conn else {
            // Whether libnats still delivers a closed callback for a failed connect is not documented; releasing
            // here could then free twice, so the small events object is deliberately left alive instead.
            throw BusError.nats(s, "connect to NATS at \(configuration.url)")
        }
        connection = conn
        threadPool = NIOThreadPool(numberOfThreads: max(2, configuration.blockingThreads))
        threadPool.start()
        logger.info("nats connected", metadata: ["nats.url": "\(configuration.url)"])
    }

    deinit {
        if !closed.load(ordering: .acquiring) { natsConnection_Close(connection) }
        natsConnection_Destroy(connection)
        // libnats keeps `events` alive until its closed callback (see init).
    }

    /// True while connected (not reconnecting or closed).
    public var isConnected: Bool { natsConnection_Status(connection) == NATS_CONN_STATUS_CONNECTED }

    /// The server's max payload in bytes.
    public var maxPayload: Int { Int(natsConnection_GetMaxPayload(connection)) }

    /// Publishes a core NATS message (fire and forget; flushed by libnats' flusher).
    public func publish(_ message: BusMessage) throws(BusError) {
        let msg = try message.makeNATSMessage()
        defer { natsMsg_Destroy(msg) }
        let s = natsConnection_PublishMsg(connection, msg)
        guard s == NATS_OK else { throw BusError.nats(s, "publish on \(message.subject)") }
    }

    /// Sends a request and waits for one reply up to `timeout`.
    public func request(_ message: BusMessage, timeout: Duration) async throws -> BusMessage {
        let msg = try message.makeNATSMessage()
        let ms = Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let conn = OpaqueBox(connection)
        let subject = message.subject
        let box = OpaqueBox(msg)
        return try await threadPool.runIfActive { () throws -> BusMessage in
            let msg = box.pointer
            defer { natsMsg_Destroy(msg) }
            var reply: OpaquePointer?
            let s = natsConnection_RequestMsg(&reply, conn.pointer, msg, max(1, ms))
            guard s == NATS_OK, let reply else { throw BusError.nats(s, "request on \(subject)") }
            defer { natsMsg_Destroy(reply) }
            return BusMessage(copying: reply)
        }
    }

    /// Flushes pending writes and waits for the server's answer.
    public func flush(timeout: Duration = .seconds(5)) async throws {
        let conn = OpaqueBox(connection)
        let ms = Int64(timeout.components.seconds * 1000)
        try await threadPool.runIfActive { () throws -> Void in
            let s = natsConnection_FlushTimeout(conn.pointer, max(1, ms))
            guard s == NATS_OK else { throw BusError.nats(s, "flush") }
        }
    }

    /// Subscribes (in a queue group when `queue` is given); messages arrive on the returned stream until it is
    /// cancelled or the subscription is drained.
    public func subscribe(_ subject: String, queue: String? = nil) throws(BusError) -> Subscription {
        try Subscription(client: self, subject: subject, queue: queue)
    }

    /// Drains subscriptions and closes the connection.
    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let conn = OpaqueBox(connection)
        _ = try? await threadPool.runIfActive { () -> Void in
            _ = natsConnection_DrainTimeout(conn.pointer, 5000)
            natsConnection_Close(conn.pointer)
        }
        try? await threadPool.shutdownGracefully()
    }
}

/// Carries a C pointer into a thread-pool closure. The pointer is used by exactly one thread at a time.
struct OpaqueBox: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}

/// Receives libnats connection callbacks and routes them into swift-log.
final class ConnectionEvents: Sendable {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
    func disconnected() { logger.warning("nats disconnected") }
    func reconnected() { logger.info("nats reconnected") }
    func asyncError(_ status: natsStatus) {
        logger.error("nats async error", metadata: ["nats.status": "\(String(cString: natsStatus_GetText(status)))"])
    }
}

// natsOptions_SetServers takes a C array; a comma-separated URL list is simpler through SetURL, which accepts it.
private func natsOptions_SetServers(opts: OpaquePointer, urls: String) -> natsStatus {
    natsOptions_SetURL(opts, urls)
}
