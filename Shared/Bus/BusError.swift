import CNATS
import Wire

/// An error from the bus, shaped like a gRPC status: a code, a message safe to show, and metadata.
public struct BusError: Error, Sendable, CustomStringConvertible {
    public var code: CLStatusCode
    public var message: String
    public var metadata: [String: String]

    public init(_ code: CLStatusCode, _ message: String, metadata: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.metadata = metadata
    }

    public var description: String { "\(code.name) : \(message)" }

    static func nats(_ status: natsStatus, _ what: String) -> BusError {
        let text = String(cString: natsStatus_GetText(status))
        switch status {
        case NATS_TIMEOUT: return BusError(.deadlineExceeded, "\(what): timed out")
        case NATS_NO_RESPONDERS: return BusError(.unavailable, "\(what): no service is listening")
        case NATS_CONNECTION_CLOSED, NATS_NO_SERVER, NATS_NOT_YET_CONNECTED, NATS_CONNECTION_DISCONNECTED:
            return BusError(.unavailable, "\(what): NATS is not connected (\(text))")
        case NATS_MAX_PAYLOAD: return BusError(.resourceExhausted, "\(what): message exceeds the server's max payload")
        default: return BusError(.internal, "\(what): \(text)")
        }
    }
}

extension CLStatusCode {
    /// The gRPC-style name, e.g. `INVALID_ARGUMENT`.
    public var name: String {
        switch self {
        case .ok: "OK"
        case .cancelled: "CANCELLED"
        case .unknown: "UNKNOWN"
        case .invalidArgument: "INVALID_ARGUMENT"
        case .deadlineExceeded: "DEADLINE_EXCEEDED"
        case .notFound: "NOT_FOUND"
        case .alreadyExists: "ALREADY_EXISTS"
        case .permissionDenied: "PERMISSION_DENIED"
        case .resourceExhausted: "RESOURCE_EXHAUSTED"
        case .failedPrecondition: "FAILED_PRECONDITION"
        case .aborted: "ABORTED"
        case .outOfRange: "OUT_OF_RANGE"
        case .unimplemented: "UNIMPLEMENTED"
        case .internal: "INTERNAL"
        case .unavailable: "UNAVAILABLE"
        case .dataLoss: "DATA_LOSS"
        case .unauthenticated: "UNAUTHENTICATED"
        case .UNRECOGNIZED(let n): "CODE_\(n)"
        }
    }
}
