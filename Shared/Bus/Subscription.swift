import CNATS
import Synchronization

/// A core NATS subscription delivering copies of its messages on an `AsyncStream`.
public final class Subscription: @unchecked Sendable {
    // `@unchecked Sendable`: `handle` is set once in init and only passed to thread-safe libnats calls.
    private let handle: OpaquePointer
    public let messages: AsyncStream<BusMessage>
    private let unsubscribed = Atomic<Bool>(false)

    /// Bridges the C callback into the stream. Retained once for libnats; released by the on-complete callback.
    final class Sink: Sendable {
        let continuation: AsyncStream<BusMessage>.Continuation
        init(_ continuation: AsyncStream<BusMessage>.Continuation) { self.continuation = continuation }
    }

    init(client: NATSClient, subject: String, queue: String?) throws(BusError) {
        let (stream, continuation) = AsyncStream<BusMessage>.makeStream(bufferingPolicy: .bufferingNewest(100_000))
        messages = stream
        let sink = Sink(continuation)
        let closure = Unmanaged.passRetained(sink).toOpaque()
        let handler: natsMsgHandler = { _, _, msg, closure in
            guard let msg else { return }
            // The callback owns `msg`: copy it out, then destroy it.
            let message = BusMessage(copying: msg)
            natsMsg_Destroy(msg)
            Unmanaged<Sink>.fromOpaque(closure!).takeUnretainedValue().continuation.yield(message)
        }
        var sub: OpaquePointer?
        let s: natsStatus
        if let queue {
            s = natsConnection_QueueSubscribe(&sub, client.connection, subject, queue, handler, closure)
        } else {
            s = natsConnection_Subscribe(&sub, client.connection, subject, handler, closure)
        }
        guard s == NATS_OK, let sub else {
            Unmanaged<Sink>.fromOpaque(closure).release()
            continuation.finish()
            throw BusError.nats(s, "subscribe to \(subject)")
        }
        handle = sub
        // Called by libnats once no more callbacks will run: finish the stream and drop libnats' reference.
        natsSubscription_SetOnCompleteCB(sub, { closure in
            let sink = Unmanaged<Sink>.fromOpaque(closure!).takeRetainedValue()
            sink.continuation.finish()
        }, closure)
        natsSubscription_SetPendingLimits(sub, -1, -1)
    }

    /// Stops delivery after the messages already received are handed over.
    public func drain() {
        guard !unsubscribed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        _ = natsSubscription_Drain(handle)
    }

    deinit {
        if !unsubscribed.load(ordering: .acquiring) { _ = natsSubscription_Unsubscribe(handle) }
        natsSubscription_Destroy(handle)
    }
}
