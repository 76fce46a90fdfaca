/// An error from the database layer. `message` is safe to show: it never contains SQL text or parameter values;
/// the server's own message is kept apart in `serverMessage` for logs.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case connection
        case query
        case uniqueViolation = "unique_violation"
        case checkViolation = "check_violation"
        case decoding
        case migration
        case poolClosed = "pool_closed"
    }

    public var code: Code
    public var message: String
    /// SQLSTATE when the server reported one.
    public var sqlState: String?
    /// The server's error text, for logs only.
    public var serverMessage: String?

    public init(_ code: Code, _ message: String, sqlState: String? = nil, serverMessage: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.serverMessage = serverMessage
    }

    public var description: String {
        "store error (\(code.rawValue)\(sqlState.map { ", SQLSTATE \($0)" } ?? "")): \(message)"
    }
}
