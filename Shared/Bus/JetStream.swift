import CNATS
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization
import Wire

/// A JetStream stream definition.
public struct StreamSpec: Sendable {
    public var name: String
    public var subjects: [String]
    /// Window in which a repeated `Nats-Msg-Id` is dropped as a duplicate. Default 10 minutes.
    public var duplicateWindow: Duration
    /// How long messages are kept. Default 7 days.
    public var maxAge: Duration
    public var replicas: Int

    public init(name: String, subjects: [String], duplicateWindow: Duration = .seconds(600),
                maxAge: Duration = .seconds(7 * 24 * 3600), replicas: Int = 1) {
        self.name = name
        self.subjects = subjects
        self.duplicateWindow = duplicateWindow
        self.maxAge = maxAge
        self.replicas = replicas
    }
}

/// A durable pull consumer definition.
public struct ConsumerSpec: Sendable {
    public var stream: String
    public var durable: String
    public var filterSubject: String
    /// Redelivery after this long without an ack. Default 30 s.
    public var ackWait: Duration
    /// Deliveries before a message is given up (then it goes to the service's dead letters). Default 10.
    public var maxDeliver: Int
    public var maxAckPending: Int

    public init(stream: String, durable: String, filterSubject: String, ackWait: Duration = .seconds(30),
                maxDeliver: Int = 10, maxAckPending: Int = 20_000) {
        self.stream = stream
        self.durable = durable
        self.filterSubject = filterSubject
        self.ackWait = ackWait
        self.maxDeliver = maxDeliver
        self.maxAckPending = maxAckPending
    }
}

/// The outcome of publishing one message to JetStream.
public struct PublishResult: Sendable, Equatable {
    public var sequence: UInt64
    public var duplicate: Bool
    /// Set when the message was not stored.
    public var error: String?

    public var stored: Bool { error == nil }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}

/// JetStream operations on a connection.
public struct JetStream: Sendable {
    public let client: NATSClient
    /// How long to wait for JetStream API answers and publish acks. Default 10 s.
    public var timeout: Duration

    public init(client: NATSClient, timeout: Duration = .seconds(10)) {
        self.client = client
        self.timeout = timeout
    }

    /// Creates the stream, or updates it to match when it exists. Safe to call from every instance at start.
    public func ensureStream(_ spec: StreamSpec) async throws {
        let client = self.client
        let wait = timeout.milliseconds
        try await client.threadPool.runIfActive { () throws -> Void in
            try withJSContext(client, waitMs: wait) { js in
                var cfg = jsStreamConfig()
                jsStreamConfig_Init(&cfg)
                var errCode = jsErrCode(0)
                let cSubjects = spec.subjects.map { strdup($0) }
                defer { cSubjects.forEach { free($0) } }
                let s: natsStatus = spec.name.withCString { name in
                    cSubjects.map { UnsafePointer($0) }.withUnsafeBufferPointer { subjects in
                        // The config's strings must stay alive for the duration of the call.
                        cfg.Name = name
                        cfg.Subjects = UnsafeMutablePointer(mutating: subjects.baseAddress)
                        cfg.SubjectsLen = Int32(subjects.count)
                        cfg.Storage = js_FileStorage
                        cfg.Retention = js_LimitsPolicy
                        cfg.Duplicates = spec.duplicateWindow.nanoseconds
                        cfg.MaxAge = spec.maxAge.nanoseconds
                        cfg.Replicas = Int64(spec.replicas)
                        var info: UnsafeMutablePointer<jsStreamInfo>?
                        var st = js_AddStream(&info, js, &cfg, nil, &errCode)
                        if st != NATS_OK && errCode == JSStreamNameExistErr {
                            errCode = jsErrCode(0)
                            st = js_UpdateStream(&info, js, &cfg, nil, &errCode)
                        }
                        if let info { jsStreamInfo_Destroy(info) }
                        return st
                    }
                }
                guard s == NATS_OK else {
                    throw BusError(.unavailable, "cannot create stream \(spec.name): \(String(cString: natsStatus_GetText(s))) (JetStream error \(errCode.rawValue))")
                }
            }
        }
    }

    /// Creates the durable consumer if it does not exist yet.
    public func ensureConsumer(_ spec: ConsumerSpec) async throws {
        let client = self.client
        let wait = timeout.milliseconds
        try await client.threadPool.runIfActive { () throws -> Void in
            try withJSContext(client, waitMs: wait) { js in
                var cc = jsConsumerConfig()
                jsConsumerConfig_Init(&cc)
                var errCode = jsErrCode(0)
                let s: natsStatus = spec.durable.withCString { durable in
                    spec.filterSubject.withCString { filter in
                        cc.Durable = durable
                        cc.FilterSubject = filter
                        cc.AckPolicy = js_AckExplicit
                        cc.DeliverPolicy = js_DeliverAll
                        cc.AckWait = spec.ackWait.nanoseconds
                        cc.MaxDeliver = Int64(spec.maxDeliver)
                        cc.MaxAckPending = Int64(spec.maxAckPending)
                        cc.MaxWaiting = 512
                        var info: UnsafeMutablePointer<jsConsumerInfo>?
                        let st = js_AddConsumer(&info, js, spec.stream, &cc, nil, &errCode)
                        if let info { jsConsumerInfo_Destroy(info) }
                        // An existing consumer with the same config answers OK; one that differs answers an error
                        // which we accept: the durable already exists and keeps its position.
                        if st != NATS_OK && errCode == JSConsumerNameExistErr { return NATS_OK }
                        return st
                    }
                }
                guard s == NATS_OK else {
                    throw BusError(.unavailable, "cannot create consumer \(spec.durable) on \(spec.stream): \(String(cString: natsStatus_GetText(s))) (JetStream error \(errCode.rawValue))")
                }
            }
        }
    }

    /// Publishes one message and waits for the stream's ack; throws when the stream did not store it.
    public func publish(_ message: BusMessage) async throws -> PublishResult {
        let result = try await publish(batch: [message])[0]
        if let error = result.error {
            let code: CLStatusCode = error.lowercased().contains("payload") ? .resourceExhausted : .unavailable
            throw BusError(code, "JetStream did not store the message on \(message.subject): \(error)")
        }
        return result
    }

    /// Publishes messages asynchronously and waits for every ack; one result per message, in order. Messages with
    /// a `Nats-Msg-Id` header already seen inside the stream's duplicate window come back as `duplicate`.
    public func publish(batch messages: [BusMessage]) async throws -> [PublishResult] {
        if messages.isEmpty { return [] }
        let client = self.client
        let wait = timeout.milliseconds
        return try await client.threadPool.runIfActive { () throws -> [PublishResult] in
            let collector = AckCollector(count: messages.count)
            let closure = Unmanaged.passRetained(collector).toOpaque()
            defer { Unmanaged<AckCollector>.fromOpaque(closure).release() }
            var opts = jsOptions()
            jsOptions_Init(&opts)
            opts.Wait = wait
            opts.PublishAsync.MaxPending = 4096
            opts.PublishAsync.AckHandler = { _, msg, pa, pae, closure in
                let collector = Unmanaged<AckCollector>.fromOpaque(closure!).takeUnretainedValue()
                if let msg {
                    if let pa {
                        collector.record(msg, PublishResult(sequence: pa.pointee.Sequence, duplicate: pa.pointee.Duplicate, error: nil))
                    } else if let pae {
                        let text = pae.pointee.ErrText.map { String(cString: $0) } ?? String(cString: natsStatus_GetText(pae.pointee.Err))
                        collector.record(msg, PublishResult(sequence: 0, duplicate: false, error: text))
                    }
                }
                // We own the original message here.
                natsMsg_Destroy(msg)
            }
            opts.PublishAsync.AckHandlerClosure = closure
            var js: OpaquePointer?
            let s = natsConnection_JetStream(&js, client.connection, &opts)
            guard s == NATS_OK, let js else { throw BusError.nats(s, "open JetStream context") }
            defer { jsCtx_Destroy(js) }
            for (index, message) in messages.enumerated() {
                var msg: OpaquePointer? = try message.makeNATSMessage()
                collector.register(msg!, index: index)
                let ps = js_PublishMsgAsync(js, &msg, nil)
                if ps != NATS_OK {
                    collector.fail(index: index, error: String(cString: natsStatus_GetText(ps)))
                    natsMsg_Destroy(msg)
                }
            }
            var pubOpts = jsPubOptions()
            jsPubOptions_Init(&pubOpts)
            pubOpts.MaxWait = wait
            let cs = js_PublishAsyncComplete(js, &pubOpts)
            if cs != NATS_OK {
                // Take back whatever is still unacknowledged and report it as not stored.
                var pending = natsMsgList()
                if js_PublishAsyncGetPendingList(&pending, js) == NATS_OK {
                    for i in 0..<Int(pending.Count) {
                        if let m = pending.Msgs[i] { collector.record(m, PublishResult(sequence: 0, duplicate: false, error: "no ack from JetStream")) }
                    }
                    natsMsgList_Destroy(&pending)
                }
            }
            return collector.results()
        }
    }

    /// Binds a pull subscription to a durable consumer (which `ensureConsumer` created).
    public func pullSubscription(_ spec: ConsumerSpec) async throws -> PullSubscription {
        try await PullSubscription(client: client, spec: spec, waitMs: timeout.milliseconds)
    }
}

/// Runs `body` with a temporary JetStream context.
func withJSContext<T>(_ client: NATSClient, waitMs: Int64, _ body: (OpaquePointer) throws -> T) throws -> T {
    var opts = jsOptions()
    jsOptions_Init(&opts)
    opts.Wait = waitMs
    var js: OpaquePointer?
    let s = natsConnection_JetStream(&js, client.connection, &opts)
    guard s == NATS_OK, let js else { throw BusError.nats(s, "open JetStream context") }
    defer { jsCtx_Destroy(js) }
    return try body(js)
}

/// Collects async publish acks, matched to the batch by message pointer.
final class AckCollector: Sendable {
    private struct State {
        var byPointer: [Int: Int] = [:]
        var results: [PublishResult?]
    }
    private let state: Mutex<State>

    init(count: Int) { state = Mutex(State(results: Array(repeating: nil, count: count))) }

    func register(_ msg: OpaquePointer, index: Int) {
        let key = Int(bitPattern: msg)
        state.withLock { $0.byPointer[key] = index }
    }

    func record(_ msg: OpaquePointer, _ result: PublishResult) {
        let key = Int(bitPattern: msg)
        state.withLock { s in
            if let index = s.byPointer.removeValue(forKey: key), s.results[index] == nil {
                s.results[index] = result
            }
        }
    }

    func fail(index: Int, error: String) {
        state.withLock { $0.results[index] = PublishResult(sequence: 0, duplicate: false, error: error) }
    }

    func results() -> [PublishResult] {
        state.withLock { s in s.results.map { $0 ?? PublishResult(sequence: 0, duplicate: false, error: "no ack from JetStream") } }
    }
}
