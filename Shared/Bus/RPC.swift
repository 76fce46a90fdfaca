import Logging
import SwiftProtobuf
import Synchronization
import Wire

/// What a handler knows about the request besides its body.
public struct RPCContext: Sendable {
    public var service: String
    public var method: String
    /// The tenant the caller acts for (`Cl-Tenant`); set by the gateway from the caller's credentials.
    public var tenant: String?
    public var traceparent: String?
    public var headers: [String: String]
    public var logger: Logger

    /// The tenant, or an error when the call must be tenant-scoped and is not.
    public func requireTenant() throws(BusError) -> String {
        guard let tenant, !tenant.isEmpty else { throw BusError(.invalidArgument, "this call needs a tenant (Cl-Tenant header)") }
        return tenant
    }
}

/// Domain errors opt in to a precise status; anything else becomes INTERNAL with a generic message.
public protocol RPCStatusConvertible: Error {
    var rpcStatus: BusError { get }
}

extension BusError: RPCStatusConvertible {
    public var rpcStatus: BusError { self }
}

/// Subject naming of the RPC surface: `cl.rpc.<service>.<method>`.
public enum RPCSubject {
    public static func of(service: String, method: String) -> String { "cl.rpc.\(service).\(method)" }
}

/// Serves `cl.rpc.<service>.<method>` in the queue group `<service>`, so instances share requests.
public final class RPCServer: Sendable {
    typealias Handler = @Sendable ([UInt8], RPCContext) async throws -> (bytes: [UInt8], type: String)

    public let service: String
    private let client: NATSClient
    private let logger: Logger
    private let codec: FrameCodec
    private let handlers = Mutex<[String: Handler]>([:])
    private let subscription = Mutex<Subscription?>(nil)
    private let startedAt = ContinuousClock.now
    private let instance: String
    private let version: String

    public init(client: NATSClient, service: String, instance: String, version: String, logger: Logger,
                codec: FrameCodec = FrameCodec()) {
        self.client = client
        self.service = service
        self.instance = instance
        self.version = version
        self.logger = logger
        self.codec = codec
        register("ping", CLPingRequest.self) { [service, instance, version, startedAt] _, _ in
            var r = CLPingResponse()
            r.service = service
            r.instance = instance
            r.version = version
            r.uptimeMs = (ContinuousClock.now - startedAt).milliseconds
            return r
        }
    }

    /// Adds a method. Call before `run()`.
    public func register<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ method: String, _ request: Request.Type,
        _ handler: @escaping @Sendable (Request, RPCContext) async throws -> Response
    ) {
        let codec = self.codec
        handlers.withLock {
            $0[method] = { bytes, ctx in
                let req: Request
                do { req = try codec.decodeOne(Request.self, from: bytes) } catch {
                    throw BusError(.invalidArgument, "bad \(Request.protoMessageName) request: \(error)")
                }
                let resp = try await handler(req, ctx)
                return (try codec.encode(resp), Response.protoMessageName)
            }
        }
    }

    /// Serves until `stop()`; in-flight requests finish before it returns.
    public func run() async throws {
        let sub = try client.subscribe("cl.rpc.\(service).>", queue: service)
        subscription.withLock { $0 = sub }
        logger.info("rpc serving", metadata: ["rpc.subject": "cl.rpc.\(service).>"])
        await withDiscardingTaskGroup { group in
            for await message in sub.messages {
                group.addTask { await self.handle(message) }
            }
        }
        logger.info("rpc stopped", metadata: ["rpc.service": "\(service)"])
    }

    /// Stops taking requests; those already received are still answered.
    public func stop() {
        subscription.withLock { $0 }?.drain()
    }

    private func handle(_ message: BusMessage) async {
        guard let reply = message.reply else { return }
        let prefix = "cl.rpc.\(service)."
        let method = message.subject.hasPrefix(prefix) ? String(message.subject.dropFirst(prefix.count)) : message.subject
        var log = logger
        log[metadataKey: "rpc.method"] = "\(method)"
        if let t = message.tenant { log[metadataKey: "tenant.id"] = "\(t)" }
        if let tp = message.headers[WireHeader.traceparent] { log[metadataKey: "trace.parent"] = "\(tp)" }
        let ctx = RPCContext(service: service, method: method, tenant: message.tenant,
                             traceparent: message.headers[WireHeader.traceparent], headers: message.headers, logger: log)
        var headers: [String: String] = [WireHeader.schema: WireHeader.schemaVersion]
        var body: [UInt8] = []
        if let handler = handlers.withLock({ $0[method] }) {
            do {
                let (bytes, type) = try await handler(message.data, ctx)
                body = bytes
                headers[WireHeader.type] = type
                headers[WireHeader.status] = "0"
            } catch let e as any RPCStatusConvertible {
                let status = e.rpcStatus
                headers[WireHeader.status] = String(status.code.rawValue)
                headers[WireHeader.statusMessage] = Self.headerSafe(status.message)
                if status.code == .internal { log.error("rpc failed", metadata: ["error": "\(e)"]) }
            } catch {
                log.error("rpc failed", metadata: ["error": "\(error)"])
                headers[WireHeader.status] = String(CLStatusCode.internal.rawValue)
                headers[WireHeader.statusMessage] = "internal error"
            }
        } else {
            headers[WireHeader.status] = String(CLStatusCode.unimplemented.rawValue)
            headers[WireHeader.statusMessage] = "unknown method \(service).\(method)"
        }
        do {
            try client.publish(BusMessage(subject: reply, headers: headers, data: body))
        } catch {
            log.error("rpc reply failed", metadata: ["error": "\(error)"])
        }
    }

    /// Header values are single-line ASCII.
    static func headerSafe(_ s: String) -> String {
        String(s.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7f ? Character($0) : " " }.prefix(1000))
    }
}

/// Calls other services' RPCs with a deadline, turning a non-OK `Cl-Status` into a `BusError`.
public struct RPCClient: Sendable {
    public let client: NATSClient
    public var defaultTimeout: Duration
    private let codec: FrameCodec

    public init(client: NATSClient, defaultTimeout: Duration = .seconds(5), codec: FrameCodec = FrameCodec()) {
        self.client = client
        self.defaultTimeout = defaultTimeout
        self.codec = codec
    }

    public func call<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ service: String, _ method: String, _ request: Request, as: Response.Type,
        tenant: String? = nil, traceparent: String? = nil, timeout: Duration? = nil
    ) async throws -> Response {
        var headers: [String: String] = [WireHeader.type: Request.protoMessageName, WireHeader.schema: WireHeader.schemaVersion]
        if let tenant { headers[WireHeader.tenant] = tenant }
        if let traceparent { headers[WireHeader.traceparent] = traceparent }
        let body = try codec.encode(request)
        let reply = try await client.request(BusMessage(subject: RPCSubject.of(service: service, method: method),
                                                        headers: headers, data: body),
                                             timeout: timeout ?? defaultTimeout)
        let code = reply.headers[WireHeader.status].flatMap(Int.init).map { CLStatusCode(rawValue: $0) ?? .unknown } ?? .unknown
        guard code == .ok else {
            throw BusError(code, reply.headers[WireHeader.statusMessage] ?? "\(service).\(method) failed")
        }
        do { return try codec.decodeOne(Response.self, from: reply.data) } catch {
            throw BusError(.internal, "bad \(Response.protoMessageName) reply from \(service).\(method): \(error.message)")
        }
    }
}
