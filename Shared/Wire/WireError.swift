/// A typed error from framing or protobuf coding. `message` is safe to show to a user.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case truncated
        case frameTooLarge = "frame_too_large"
        case malformed
        case decoding
        case encoding
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "wire error (\(code.rawValue)): \(message)" }
}
