import CCurl
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP request for `HTTPClient`.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Whole-request timeout. Default 30 s.
    public var timeout: Duration

    public init(method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8] = [],
                timeout: Duration = .seconds(30)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// A response: status, headers (as received, in order) and body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0.lowercased() == lower }?.1
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A transport failure (no HTTP response): connection refused, timeout, TLS failure, response too large.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable { case timeout, connect, tls, tooLarge = "too_large", invalidRequest = "invalid_request", transport }
    public var code: Code
    public var message: String
    public var description: String { "http \(code.rawValue): \(message)" }
}

/// An HTTP/1.1 client on libcurl. Each request runs a blocking `curl_easy_perform` on the client's own threads, so
/// Swift's cooperative pool is never blocked. TLS peer and host verification are on unless turned off explicitly.
public final class HTTPClient: Sendable {
    public struct Configuration: Sendable {
        /// Concurrent requests (threads). Default 4.
        public var threads: Int
        /// Connect timeout. Default 10 s.
        public var connectTimeout: Duration
        /// Largest response body accepted. Default 64 MiB.
        public var maxResponseBytes: Int
        /// Verify TLS certificates and host names. Default true; never turn off in production.
        public var verifyTLS: Bool

        public init(threads: Int = 4, connectTimeout: Duration = .seconds(10), maxResponseBytes: Int = 64 << 20,
                    verifyTLS: Bool = true) {
            self.threads = threads
            self.connectTimeout = connectTimeout
            self.maxResponseBytes = maxResponseBytes
            self.verifyTLS = verifyTLS
        }
    }

    private static let globalInit: Bool = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK }()

    public let configuration: Configuration
    private let pool: NIOThreadPool

    public init(_ configuration: Configuration = Configuration()) {
        precondition(Self.globalInit, "curl_global_init failed")
        self.configuration = configuration
        pool = NIOThreadPool(numberOfThreads: max(1, configuration.threads))
        pool.start()
    }

    public func shutdown() async { try? await pool.shutdownGracefully() }

    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let config = configuration
        return try await pool.runIfActive { try Self.perform(request, config) }
    }

    /// Collects the response while curl runs; only touched by the thread running `curl_easy_perform`.
    final class Sink {
        var body: [UInt8] = []
        var headers: [(String, String)] = []
        var limit: Int
        var overflow = false
        init(limit: Int) { self.limit = limit }
    }

    private static func perform(_ request: HTTPRequest, _ config: Configuration) throws -> HTTPResponse {
        guard let curl = curl_easy_init() else { throw HTTPClientError(code: .transport, message: "cannot create a curl handle") }
        defer { curl_easy_cleanup(curl) }
        let sink = Sink(limit: config.maxResponseBytes)
        let sinkPtr = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for (name, value) in request.headers {
            // Compare bytes: "\r\n" is one Character, so String.contains("\n") would miss it.
            let forbidden: Set<UInt8> = [10, 13, 0]
            guard !name.utf8.contains(UInt8(ascii: ":")), !name.utf8.contains(where: forbidden.contains),
                  !value.utf8.contains(where: forbidden.contains) else {
                throw HTTPClientError(code: .invalidRequest, message: "header \(name) contains a forbidden character")
            }
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        // Disable curl's automatic "Expect: 100-continue", which stalls small POSTs against some servers.
        headerList = curl_slist_append(headerList, "Expect:")
        // Without this, curl labels every body `application/x-www-form-urlencoded`, and servers then parse binary
        // uploads as forms (moto drops the bytes). A body without a declared type is sent without one.
        if !request.body.isEmpty, !request.headers.contains(where: { $0.0.lowercased() == "content-type" }) {
            headerList = curl_slist_append(headerList, "Content-Type:")
        }
        let ms = Int(request.timeout.components.seconds * 1000 + request.timeout.components.attoseconds / 1_000_000_000_000_000)
        let connectMs = Int(config.connectTimeout.components.seconds * 1000)
        var ok = cl_curl_setopt_str(curl, CURLOPT_URL, request.url) == CURLE_OK
        ok = ok && cl_curl_setopt_long(curl, CURLOPT_NOSIGNAL, 1) == CURLE_OK
        ok = ok && cl_curl_setopt_long(curl, CURLOPT_TIMEOUT_MS, max(1, ms)) == CURLE_OK
        ok = ok && cl_curl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT_MS, max(1, connectMs)) == CURLE_OK
        ok = ok && cl_curl_setopt_long(curl, CURLOPT_SSL_VERIFYPEER, config.verifyTLS ? 1 : 0) == CURLE_OK
        ok = ok && cl_curl_setopt_long(curl, CURLOPT_SSL_VERIFYHOST, config.verifyTLS ? 2 : 0) == CURLE_OK
        ok = ok && cl_curl_setopt_long(curl, CURLOPT_FOLLOWLOCATION, 0) == CURLE_OK
        // Send the path exactly as given: S3 keys may contain `./` and `../`, and SigV4 signed the path as written.
        ok = ok && cl_curl_setopt_long(curl, CURLOPT_PATH_AS_IS, 1) == CURLE_OK
        ok = ok && cl_curl_setopt_str(curl, CURLOPT_ACCEPT_ENCODING, "") == CURLE_OK
        ok = ok && cl_curl_setopt_ptr(curl, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList)) == CURLE_OK
        ok = ok && cl_curl_setopt_str(curl, CURLOPT_CUSTOMREQUEST, request.method) == CURLE_OK
        if request.method == "HEAD" { ok = ok && cl_curl_setopt_long(curl, CURLOPT_NOBODY, 1) == CURLE_OK }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            ok = ok && cl_curl_setopt_off(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)) == CURLE_OK
            // COPYPOSTFIELDS copies the bytes, so the Swift array need not outlive this call.
            ok = ok && request.body.withUnsafeBufferPointer { buf in
                cl_curl_setopt_ptr(curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buf.baseAddress ?? UnsafePointer(bitPattern: 1)!)) == CURLE_OK
            }
        }
        ok = ok && cl_curl_setopt_datacb(curl, CURLOPT_WRITEFUNCTION, { ptr, size, nmemb, userdata in
            let sink = Unmanaged<Sink>.fromOpaque(userdata!).takeUnretainedValue()
            let n = size * nmemb
            if sink.body.count + n > sink.limit {
                sink.overflow = true
                return 0 // aborts the transfer
            }
            if let ptr, n > 0 {
                ptr.withMemoryRebound(to: UInt8.self, capacity: n) { sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
            }
            return n
        }) == CURLE_OK
        ok = ok && cl_curl_setopt_ptr(curl, CURLOPT_WRITEDATA, sinkPtr) == CURLE_OK
        ok = ok && cl_curl_setopt_datacb(curl, CURLOPT_HEADERFUNCTION, { ptr, size, nmemb, userdata in
            let sink = Unmanaged<Sink>.fromOpaque(userdata!).takeUnretainedValue()
            let n = size * nmemb
            guard let ptr, n > 0 else { return n }
            let line = ptr.withMemoryRebound(to: UInt8.self, capacity: n) { String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self) }
            if line.hasPrefix("HTTP/") {
                sink.headers.removeAll() // a new response (after a 100 Continue) starts over
            } else if let colon = line.firstIndex(of: ":") {
                let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
                let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespacesAndNewlines)
                sink.headers.append((name, value))
            }
            return n
        }) == CURLE_OK
        ok = ok && cl_curl_setopt_ptr(curl, CURLOPT_HEADERDATA, sinkPtr) == CURLE_OK
        guard ok else { throw HTTPClientError(code: .invalidRequest, message: "curl rejected the request options") }
        let code = curl_easy_perform(curl)
        if sink.overflow {
            throw HTTPClientError(code: .tooLarge, message: "response body exceeds \(config.maxResponseBytes) bytes")
        }
        guard code == CURLE_OK else {
            let text = String(cString: curl_easy_strerror(code))
            switch code {
            case CURLE_OPERATION_TIMEDOUT: throw HTTPClientError(code: .timeout, message: "\(request.method) \(request.url): \(text)")
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST:
                throw HTTPClientError(code: .connect, message: "\(request.method) \(request.url): \(text)")
            case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
                throw HTTPClientError(code: .tls, message: "\(request.method) \(request.url): \(text)")
            default: throw HTTPClientError(code: .transport, message: "\(request.method) \(request.url): \(text)")
            }
        }
        var status = 0
        _ = cl_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }
}

private extension String {
    /// Trims by Unicode scalar: "\r\n" is a single Character, so a Character-based trim would keep it.
    func trimmingCharacters(in set: CharSet) -> String {
        var scalars = Substring(self).unicodeScalars
        while let f = scalars.first, set.contains(f) { scalars = scalars.dropFirst() }
        while let l = scalars.last, set.contains(l) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

private enum CharSet {
    case whitespaces, whitespacesAndNewlines
    func contains(_ c: Unicode.Scalar) -> Bool {
        switch self {
        case .whitespaces: c == " " || c == "\t"
        case .whitespacesAndNewlines: c == " " || c == "\t" || c == "\n" || c == "\r"
        }
    }
}
