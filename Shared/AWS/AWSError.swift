/// Everything that can go wrong in an AWS call, as one typed error.
///
/// `kind` says where it failed; `code` is AWS's error code for `.service` (for example `NoSuchEntity`,
/// `AccessDenied`, `Throttling`) or our own code otherwise; `requestId` is AWS's request id when the answer had one.
public struct AWSError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// AWS answered with an error document.
        case service
        /// The request never got an answer: connection refused, TLS, reset.
        case transport
        /// No answer within the call's timeout.
        case timeout
        /// The answer was not the document the protocol promises (truncated XML, HTML error page, wrong JSON).
        case malformedResponse = "malformed_response"
        /// No usable credentials.
        case credentials
        /// The request could not be built (bad bucket name, bad URL).
        case invalidRequest = "invalid_request"
    }

    public var kind: Kind
    public var code: String
    public var message: String
    public var requestId: String?
    public var statusCode: Int?
    /// `service.Operation`, filled in by the client.
    public var operation: String?
    /// How many attempts were made before giving up.
    public var attempts: Int = 1
    public var underlying: (any Error & Sendable)?

    public init(kind: Kind, code: String, message: String, requestId: String? = nil, statusCode: Int? = nil,
                operation: String? = nil, underlying: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.requestId = requestId
        self.statusCode = statusCode
        self.operation = operation
        self.underlying = underlying
    }

    public var description: String {
        var s = "aws \(kind.rawValue) error"
        if let operation { s += " in \(operation)" }
        s += ": \(code)"
        if !message.isEmpty { s += ": \(message)" }
        if let statusCode { s += " (HTTP \(statusCode))" }
        if let requestId { s += " [request id \(requestId)]" }
        if attempts > 1 { s += " after \(attempts) attempts" }
        return s
    }

    /// Error codes AWS services use for throttling.
    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    ]

    /// Codes that mean a transient server-side problem even when the status is not 5xx.
    static let transientCodes: Set<String> = ["RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
                                              "ServiceUnavailable", "IDPCommunicationError"]

    public var isThrottling: Bool { kind == .service && (Self.throttlingCodes.contains(code) || statusCode == 429) }

    /// Whether trying again may succeed: throttling, 5xx, transient codes, timeouts and transport failures.
    public var isRetryable: Bool {
        switch kind {
        case .transport, .timeout: return true
        case .service:
            if isThrottling || Self.transientCodes.contains(code) { return true }
            if let statusCode, (500...599).contains(statusCode), statusCode != 501 { return true }
            return false
        case .malformedResponse:
            // A proxy's HTML page on 502/503/504 is transient; a 200 we cannot read is not.
            if let statusCode, [500, 502, 503, 504].contains(statusCode) { return true }
            return false
        case .credentials, .invalidRequest: return false
        }
    }
}
