import Bus
import Foundation
import Logging
import Testing
import TestSupport
import Wire

/// Against a real nats-server with JetStream.
@Suite("Bus against NATS JetStream")
struct BusTests {
    static let logger = Logger(label: "test.bus")

    static func client(_ name: String = "bus-test") async throws -> NATSClient {
        let server = try await SharedServers.shared.natsServer()
        return try await NATSClient.connect(.init(url: server.url, name: name), logger: logger)
    }

    static func unique(_ prefix: String) -> String { prefix + UUID().uuidString.prefix(8).replacingOccurrences(of: "-", with: "") }

    @Test("RPC: replies, status errors, unknown methods, no responders and deadlines")
    func rpc() async throws {
        let nc = try await Self.client()
        let service = Self.unique("svc")
        let server = RPCServer(client: nc, service: service, instance: "i1", version: "t", logger: Self.logger)
        server.register("echo", CLPingRequest.self) { req, ctx in
            var r = CLPingResponse()
            r.service = req.from
            r.instance = ctx.tenant ?? ""
            return r
        }
        server.register("missing", CLPingRequest.self) { _, _ -> CLPingResponse in throw BusError(.notFound, "no such thing") }
        server.register("slow", CLPingRequest.self) { _, _ -> CLPingResponse in
            try await Task.sleep(for: .seconds(2))
            return CLPingResponse()
        }
        server.register("crash", CLPingRequest.self) { _, _ -> CLPingResponse in
            struct Secret: Error { var detail = "password=hunter2" }
            throw Secret()
        }
        let serving = Task { try await server.run() }
        try await nc.flush()
        try await Task.sleep(for: .milliseconds(100))
        let rpc = RPCClient(client: nc, defaultTimeout: .seconds(5))

        var req = CLPingRequest()
        req.from = "hello"
        let reply = try await rpc.call(service, "echo", req, as: CLPingResponse.self, tenant: "t-1")
        #expect(reply.service == "hello")
        #expect(reply.instance == "t-1")
        let ping = try await rpc.call(service, "ping", CLPingRequest(), as: CLPingResponse.self)
        #expect(ping.service == service)

        await #expect { try await rpc.call(service, "missing", req, as: CLPingResponse.self) } throws: { e in
            (e as? BusError)?.code == .notFound && (e as? BusError)?.message == "no such thing"
        }
        await #expect { try await rpc.call(service, "nope", req, as: CLPingResponse.self) } throws: { e in
            (e as? BusError)?.code == .unimplemented
        }
        await #expect { try await rpc.call(service, "crash", req, as: CLPingResponse.self) } throws: { e in
            guard let b = e as? BusError else { return false }
            return b.code == .internal && !b.message.contains("hunter2")
        }
        await #expect { try await rpc.call(service, "slow", req, as: CLPingResponse.self, timeout: .milliseconds(300)) } throws: { e in
            (e as? BusError)?.code == .deadlineExceeded
        }
        await #expect { try await rpc.call(Self.unique("nobody"), "ping", req, as: CLPingResponse.self) } throws: { e in
            (e as? BusError)?.code == .unavailable
        }
        server.stop()
        try await serving.value
        await nc.close()
    }

    @Test("RPC instances in one queue group share the requests")
    func queueGroup() async throws {
        let nc1 = try await Self.client("q1")
        let nc2 = try await Self.client("q2")
        let service = Self.unique("shared")
        var servers: [RPCServer] = []
        var tasks: [Task<Void, any Error>] = []
        for (i, nc) in [nc1, nc2].enumerated() {
            let s = RPCServer(client: nc, service: service, instance: "instance-\(i)", version: "t", logger: Self.logger)
            servers.append(s)
            tasks.append(Task { try await s.run() })
        }
        try await nc1.flush()
        try await nc2.flush()
        try await Task.sleep(for: .milliseconds(200))
        let rpc = RPCClient(client: nc1)
        var instances: [String: Int] = [:]
        for _ in 0..<60 {
            let r = try await rpc.call(service, "ping", CLPingRequest(), as: CLPingResponse.self)
            instances[r.instance, default: 0] += 1
        }
        #expect(instances.values.reduce(0, +) == 60)
        #expect(instances.count == 2, "both instances should answer some requests: \(instances)")
        for s in servers { s.stop() }
        for t in tasks { try await t.value }
        await nc1.close()
        await nc2.close()
    }

    @Test("JetStream: idempotent setup, dedup by message id, a shared durable consumer, redelivery after nak")
    func jetStream() async throws {
        let nc = try await Self.client()
        let js = JetStream(client: nc)
        let name = Self.unique("TEST_")
        let subject = "test.\(name).>"
        let stream = StreamSpec(name: name, subjects: [subject])
        try await js.ensureStream(stream)
        try await js.ensureStream(stream) // second call: no error

        let messages = (0..<50).map { i in
            BusMessage(subject: "test.\(name).a", headers: [WireHeader.messageID: "m-\(i)", WireHeader.tenant: "t"],
                       data: Array("payload-\(i)".utf8))
        }
        let first = try await js.publish(batch: messages)
        #expect(first.allSatisfy { $0.stored && !$0.duplicate })
        #expect(Set(first.map(\.sequence)).count == 50)
        let again = try await js.publish(batch: Array(messages.prefix(10)))
        #expect(again.allSatisfy { $0.stored && $0.duplicate })

        let consumer = ConsumerSpec(stream: name, durable: "workers", filterSubject: subject, ackWait: .seconds(30))
        try await js.ensureConsumer(consumer)
        try await js.ensureConsumer(consumer)
        let w1 = try await js.pullSubscription(consumer)
        let w2 = try await js.pullSubscription(consumer)
        var seen: [String] = []
        var nakked = false
        var redelivered: JetStreamMessage?
        let deadline = ContinuousClock.now + .seconds(20)
        while seen.count < 50 && ContinuousClock.now < deadline {
            for w in [w1, w2] {
                for m in try await w.fetch(batch: 7, wait: .milliseconds(200)) {
                    if !nakked {
                        nakked = true
                        try m.nak(delay: .milliseconds(10))
                        continue
                    }
                    if m.deliveryCount > 1 { redelivered = m }
                    seen.append(String(decoding: m.data, as: UTF8.self))
                    try m.ack()
                }
            }
        }
        #expect(seen.count == 50)
        #expect(Set(seen).count == 50, "no message is delivered to two workers")
        #expect(redelivered != nil, "the nak'd message comes back with a higher delivery count")
        #expect(try await w1.fetch(batch: 10, wait: .milliseconds(300)).isEmpty)
        await nc.close()
    }

    @Test("clients closed and dropped at once do not crash when libnats delivers their last callbacks")
    func closeAndDrop() async throws {
        // Before the fix, libnats' "disconnected" callback for a closed client could run after the client was freed
        // and crash the process (seen in CI as signal 11).
        for i in 0..<40 {
            let nc = try await Self.client("churn-\(i)")
            await nc.close()
        }
        try await Task.sleep(for: .milliseconds(300))
        let survivor = try await Self.client("after-churn")
        #expect(survivor.isConnected)
        await survivor.close()
    }

    @Test("a message over the server's max payload is refused with a clear error")
    func oversized() async throws {
        let nc = try await Self.client()
        #expect(nc.maxPayload == 8 * 1024 * 1024)
        let js = JetStream(client: nc)
        let name = Self.unique("BIG_")
        try await js.ensureStream(StreamSpec(name: name, subjects: ["big.\(name)"]))
        let huge = BusMessage(subject: "big.\(name)", data: [UInt8](repeating: 1, count: 9 * 1024 * 1024))
        await #expect { try await js.publish(huge) } throws: { e in
            guard let b = e as? BusError else { return false }
            return b.code == .resourceExhausted && b.message.contains("Maximum Payload")
        }
        // In a batch the refusal is reported per message, and the others are stored.
        let mixed = try await js.publish(batch: [huge, BusMessage(subject: "big.\(name)", data: [9])])
        #expect(mixed[0].stored == false)
        #expect(mixed[1].stored == true)
        // The connection is still usable afterwards.
        let ok = try await js.publish(BusMessage(subject: "big.\(name)", data: [1, 2, 3]))
        #expect(ok.stored)
        await nc.close()
    }
}
