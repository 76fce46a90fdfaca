/// One HTTP request to an AWS service, before the endpoint is resolved and the request signed.
public struct AWSRequest: Sendable {
    public var service: AWSService
    /// The API operation name (`ListRoles`), for errors and metrics.
    public var operation: String
    /// The region to send to; the client's region when nil.
    public var region: String?
    public var method: String
    /// The path, already percent-encoded, starting with `/`.
    public var path: String
    /// Query parameters, not yet encoded; a pair with an empty value and `bare` true is sent as `?name` (S3 subresources).
    public var query: [QueryItem]
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Prepended to the host name: `bucket.` for virtual-hosted S3, `123456789012.` for S3 Control.
    public var hostPrefix: String?
    /// S3 only: send `UNSIGNED-PAYLOAD` instead of the body's hash.
    public var unsignedPayload: Bool
    /// Overrides the client's per-attempt timeout.
    public var timeout: Duration?

    public struct QueryItem: Sendable, Equatable {
        public var name: String
        public var value: String
        public var bare: Bool
        public init(_ name: String, _ value: String, bare: Bool = false) {
            self.name = name
            self.value = value
            self.bare = bare
        }
        /// `?acl`, `?policy`: a subresource without a value.
        public static func subresource(_ name: String) -> QueryItem { QueryItem(name, "", bare: true) }
    }

    public init(service: AWSService, operation: String, region: String? = nil, method: String = "POST", path: String = "/",
                query: [QueryItem] = [], headers: [(String, String)] = [], body: [UInt8] = [], hostPrefix: String? = nil,
                unsignedPayload: Bool = false, timeout: Duration? = nil) {
        self.service = service
        self.operation = operation
        self.region = region
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.hostPrefix = hostPrefix
        self.unsignedPayload = unsignedPayload
        self.timeout = timeout
    }

    /// The encoded query string (without `?`).
    public var encodedQuery: String {
        query.map { $0.bare && $0.value.isEmpty ? AWSURIEncoding.encode($0.name) : AWSURIEncoding.encode($0.name) + "=" + AWSURIEncoding.encode($0.value) }
            .joined(separator: "&")
    }
}

/// A successful answer.
public struct AWSResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.last { $0.0.lowercased() == lower }?.1
    }

    /// The request id from whichever header the service uses.
    public var requestId: String? { header("x-amzn-RequestId") ?? header("x-amz-request-id") ?? header("x-amzn-requestid") }
}
