import CNATS
import Synchronization

/// A message delivered by a JetStream pull consumer. Ack it only after its effects are committed.
public struct JetStreamMessage: Sendable {
    public let message: BusMessage
    /// How many times this message was delivered (1 on first delivery).
    public let deliveryCount: UInt64
    /// The stream sequence.
    public let streamSequence: UInt64
    let handle: AckHandle

    public var data: [UInt8] { message.data }
    public var headers: [String: String] { message.headers }
    public var subject: String { message.subject }

    /// Acknowledges processing; the message is not delivered again.
    public func ack() throws(BusError) { try handle.ack() }
    /// Asks for redelivery after `delay`.
    public func nak(delay: Duration = .seconds(1)) throws(BusError) { try handle.nak(delay: delay) }
    /// Gives the message up for good (poison): it is never redelivered.
    public func terminate() throws(BusError) { try handle.term() }
}

/// Owns the libnats message of a JetStream delivery until it is acked and released.
/// `@unchecked Sendable`: the pointer is only used through libnats' thread-safe ack calls, guarded by `done`.
final class AckHandle: @unchecked Sendable {
    private let msg: OpaquePointer
    private let done = Mutex(false)

    init(_ msg: OpaquePointer) { self.msg = msg }
    deinit { natsMsg_Destroy(msg) }

    private func once(_ what: String, _ call: (OpaquePointer) -> natsStatus) throws(BusError) {
        let s: natsStatus = done.withLock { done in
            if done { return NATS_OK }
            let s = call(msg)
            if s == NATS_OK { done = true }
            return s
        }
        guard s == NATS_OK else { throw BusError.nats(s, what) }
    }

    func ack() throws(BusError) { try once("ack") { natsMsg_Ack($0, nil) } }
    func nak(delay: Duration) throws(BusError) { try once("nak") { natsMsg_NakWithDelay($0, delay.milliseconds, nil) } }
    func term() throws(BusError) { try once("term") { natsMsg_Term($0, nil) } }
}

/// A pull subscription bound to a durable consumer. Any number of instances may fetch from the same consumer:
/// JetStream hands each message to one of them.
/// `@unchecked Sendable`: the subscription handle is only used by `fetch` calls, which libnats serializes.
public final class PullSubscription: @unchecked Sendable {
    private let client: NATSClient
    private let handle: OpaquePointer
    private let js: OpaquePointer
    public let spec: ConsumerSpec

    init(client: NATSClient, spec: ConsumerSpec, waitMs: Int64) async throws {
        self.client = client
        self.spec = spec
        let box: (OpaqueBox, OpaqueBox) = try await client.threadPool.runIfActive { () throws -> (OpaqueBox, OpaqueBox) in
            var opts = jsOptions()
            jsOptions_Init(&opts)
            opts.Wait = waitMs
            var js: OpaquePointer?
            var s = natsConnection_JetStream(&js, client.connection, &opts)
            guard s == NATS_OK, let js else { throw BusError.nats(s, "open JetStream context") }
            var subOpts = jsSubOptions()
            jsSubOptions_Init(&subOpts)
            var errCode = jsErrCode(0)
            var sub: OpaquePointer?
            s = spec.stream.withCString { stream in
                spec.durable.withCString { durable in
                    subOpts.Stream = stream
                    subOpts.Consumer = durable
                    subOpts.ManualAck = true
                    return js_PullSubscribe(&sub, js, spec.filterSubject, durable, nil, &subOpts, &errCode)
                }
            }
            guard s == NATS_OK, let sub else {
                jsCtx_Destroy(js)
                throw BusError(.unavailable, "cannot bind to consumer \(spec.durable): \(String(cString: natsStatus_GetText(s))) (JetStream error \(errCode.rawValue))")
            }
            return (OpaqueBox(sub), OpaqueBox(js))
        }
        handle = box.0.pointer
        js = box.1.pointer
    }

    deinit {
        _ = natsSubscription_Unsubscribe(handle)
        natsSubscription_Destroy(handle)
        jsCtx_Destroy(js)
    }

    /// Fetches up to `batch` messages: whatever is already waiting comes back at once; when nothing is, it waits
    /// at most `wait` for the first message (and returns as soon as one arrives, rather than waiting for a full
    /// batch, which would add up to `wait` of latency to every message). An empty array means none arrived.
    public func fetch(batch: Int, wait: Duration) async throws -> [JetStreamMessage] {
        let handle = OpaqueBox(self.handle)
        let ms = max(1, wait.milliseconds)
        return try await client.threadPool.runIfActive { () throws -> [JetStreamMessage] in
            var list = natsMsgList()
            var errCode = jsErrCode(0)
            // First take what is already waiting: a no-wait request, which the server answers at once with what it has
            // and a status message after it, so nothing of it arrives late ...
            var request = jsFetchRequest()
            jsFetchRequest_Init(&request)
            request.Batch = Int32(batch)
            request.NoWait = true
            request.Expires = Int64(max(ms, 50)) * 1_000_000
            var requested = batch
            var s = natsSubscription_FetchRequest(&list, handle.pointer, &request)
            if s == NATS_TIMEOUT || s == NATS_NOT_FOUND || (s == NATS_OK && list.Count == 0) {
                // ... and only when nothing is, long-poll for the next single message.
                natsMsgList_Destroy(&list)
                list = natsMsgList()
                requested = 1
                s = natsSubscription_Fetch(&list, handle.pointer, 1, ms, &errCode)
            }
            if s == NATS_TIMEOUT || s == NATS_NOT_FOUND { return [] }
            guard s == NATS_OK else { throw BusError.nats(s, "fetch") }
            // libnats 3.4 keeps collecting past the batch when many messages of an earlier, expired request are still
            // pending (it compares the count with the batch minus the pending ones), writing past the list it
            // allocated: that corrupted the policy-engine's heap under a large backlog. Expired short requests were the
            // source of those pending messages, hence the no-wait request above; reading stays within the batch too.
            let count = min(Int(list.Count), requested)
            var out: [JetStreamMessage] = []
            out.reserveCapacity(count)
            for i in 0..<count {
                guard let m = list.Msgs[i] else { continue }
                // Take the message out of the list so natsMsgList_Destroy leaves it to the AckHandle.
                list.Msgs[i] = nil
                var delivered: UInt64 = 1
                var seq: UInt64 = 0
                var meta: UnsafeMutablePointer<jsMsgMetaData>?
                if natsMsg_GetMetaData(&meta, m) == NATS_OK, let meta {
                    delivered = meta.pointee.NumDelivered
                    seq = meta.pointee.Sequence.Stream
                    jsMsgMetaData_Destroy(meta)
                }
                out.append(JetStreamMessage(message: BusMessage(copying: m), deliveryCount: delivered,
                                            streamSequence: seq, handle: AckHandle(m)))
            }
            natsMsgList_Destroy(&list)
            return out
        }
    }
}
