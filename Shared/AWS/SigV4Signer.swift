import CLCrypto
import Synchronization

/// AWS Signature Version 4 for request headers, matching botocore's `SigV4Auth` and `S3SigV4Auth` byte for byte.
///
/// The rules, as botocore applies them:
/// - The canonical URI of every service except S3 is the path with dot segments and empty segments removed, then
///   percent-encoded again (so `%20` in the URL becomes `%2520`). S3 signs the path exactly as sent.
/// - The canonical query is the URL's query split on `&` and `=` and sorted by (name, value) as sent; the request
///   builders encode names and values with ``AWSURIEncoding`` so the server's view agrees.
/// - Every header is signed except hop-by-hop ones and `user-agent`/`x-amzn-trace-id`; `host` is added
///   from the URL (with the port unless it is the scheme's default). Values are trimmed and inner whitespace runs
///   collapse to one space; repeated names join with `,`.
/// - `X-Amz-Date` (and `X-Amz-Security-Token` with temporary credentials) are set before signing, so they are signed.
///   S3 also sends `X-Amz-Content-SHA256` with the payload hash or `UNSIGNED-PAYLOAD`.
public struct SigV4Signer: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// Hop-by-hop and proxy-rewritten headers botocore never signs.
    static let unsignedHeaders: Set<String> = ["connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                                               "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id"]

    /// The signing name of the service (`s3`, `iam`, `sqs`, ...), which may differ from the endpoint prefix.
    public var service: String
    public var region: String
    /// S3 rules: the path is not normalized or re-encoded, and `X-Amz-Content-SHA256` is sent.
    public var s3Rules: Bool

    public init(service: String, region: String, s3Rules: Bool? = nil) {
        self.service = service
        self.region = region
        self.s3Rules = s3Rules ?? (service == "s3")
    }

    /// What a signature was computed from; tests compare these with botocore's.
    public struct Signature: Sendable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signedHeaders: String
        public var authorization: String
        /// The request's headers after signing, in order (the input headers plus the ones the signer set).
        public var headers: [(String, String)]
    }

    /// Signs a request. `url` is the full URL as it will be sent (path and query already percent-encoded).
    public func sign(method: String, url: String, headers: [(String, String)], body: [UInt8],
                     credentials: AWSCredentials, date: AWSTimestamp, unsignedPayload: Bool = false) throws(AWSError) -> Signature {
        guard let parts = URLParts(url) else {
            throw AWSError(kind: .invalidRequest, code: "InvalidURL", message: "cannot sign \(url): not an http(s) URL")
        }
        var headers = headers
        func set(_ name: String, _ value: String) {
            headers.removeAll { $0.0.lowercased() == name.lowercased() }
            headers.append((name, value))
        }
        // A retried request is signed afresh: the old signature is not part of what is signed.
        headers.removeAll { $0.0.lowercased() == "authorization" }
        // botocore keeps a caller's `Date` header (rewritten to the signing time) instead of adding X-Amz-Date.
        if headers.contains(where: { $0.0.lowercased() == "date" }) {
            set("Date", date.httpDate)
            headers.removeAll { $0.0.lowercased() == "x-amz-date" }
        } else {
            set("X-Amz-Date", date.amzDate)
        }
        if let token = credentials.sessionToken { set("X-Amz-Security-Token", token) }
        let payloadHash: String
        if s3Rules {
            payloadHash = unsignedPayload ? Self.unsignedPayload : Hex.encode(SHA256.hash(body))
            set("X-Amz-Content-SHA256", payloadHash)
        } else if let given = headers.first(where: { $0.0.lowercased() == "x-amz-content-sha256" }) {
            payloadHash = given.1
        } else if unsignedPayload {
            payloadHash = Self.unsignedPayload
            set("X-Amz-Content-SHA256", payloadHash)
        } else {
            payloadHash = Hex.encode(SHA256.hash(body))
        }

        // Canonical headers: lower-cased names, sorted, values joined with ",".
        var byName: [String: [String]] = [:]
        var order: [String] = []
        for (name, value) in headers {
            let lower = name.lowercased().trimmingASCIIWhitespace()
            if Self.unsignedHeaders.contains(lower) { continue }
            if byName[lower] == nil { order.append(lower) }
            byName[lower, default: []].append(value.collapsingWhitespace())
        }
        if byName["host"] == nil {
            byName["host"] = [parts.hostHeader]
            order.append("host")
        }
        let names = order.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var canonicalHeaders = ""
        for name in names { canonicalHeaders += name + ":" + byName[name]!.joined(separator: ",") + "\n" }
        let signedHeaders = names.joined(separator: ";")

        let canonicalURI = s3Rules ? (parts.path.isEmpty ? "/" : parts.path) : Self.normalizedURI(parts.path)
        let canonicalRequest = [method.uppercased(), canonicalURI, Self.canonicalQuery(parts.query), canonicalHeaders,
                                signedHeaders, payloadHash].joined(separator: "\n")
        let scope = "\(date.dateStamp)/\(region)/\(service)/aws4_request"
        let stringToSign = [Self.algorithm, date.amzDate, scope, Hex.encode(SHA256.hash(Array(canonicalRequest.utf8)))]
            .joined(separator: "\n")
        let key = Self.cachedSigningKey(secret: credentials.secretAccessKey, dateStamp: date.dateStamp, region: region, service: service)
        let signature = Hex.encode(HMACSHA256.authenticate(Array(stringToSign.utf8), key: key))
        let authorization = "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        set("Authorization", authorization)
        return Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signedHeaders: signedHeaders,
                         authorization: authorization, headers: headers)
    }

    /// Derived keys change once a day per region and service; caching them saves four HMACs per request.
    static let keyCache = Mutex<[String: [UInt8]]>([:])

    static func cachedSigningKey(secret: String, dateStamp: String, region: String, service: String) -> [UInt8] {
        let cacheKey = "\(dateStamp)/\(region)/\(service)/\(secret)"
        if let key = keyCache.withLock({ $0[cacheKey] }) { return key }
        let key = signingKey(secret: secret, dateStamp: dateStamp, region: region, service: service)
        keyCache.withLock { cache in
            if cache.count >= 256 { cache.removeAll() } // bounded: old dates and rotated secrets fall out
            cache[cacheKey] = key
        }
        return key
    }

    /// The derived key: HMAC chain over date, region, service and "aws4_request".
    public static func signingKey(secret: String, dateStamp: String, region: String, service: String) -> [UInt8] {
        var key = HMACSHA256.authenticate(Array(dateStamp.utf8), key: Array(("AWS4" + secret).utf8))
        key = HMACSHA256.authenticate(Array(region.utf8), key: key)
        key = HMACSHA256.authenticate(Array(service.utf8), key: key)
        return HMACSHA256.authenticate(Array("aws4_request".utf8), key: key)
    }

    /// Removes `.`/`..` and empty segments, then percent-encodes the result once more (non-S3 services).
    static func normalizedURI(_ path: String) -> String {
        if path.isEmpty { return "/" }
        var out: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { _ = out.popLast(); continue }
            out.append(segment)
        }
        var normalized = path.hasPrefix("/") ? "/" : ""
        normalized += out.joined(separator: "/")
        if path.hasSuffix("/") && !out.isEmpty { normalized += "/" }
        return AWSURIEncoding.encode(normalized, keepSlash: true)
    }

    /// Sorted `name=value` pairs of the query as sent.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: false) {
            if let eq = item.firstIndex(of: "=") {
                pairs.append((String(item[..<eq]), String(item[item.index(after: eq)...])))
            } else {
                pairs.append((String(item), ""))
            }
        }
        pairs.sort { a, b in
            if a.0 != b.0 { return a.0.utf8.lexicographicallyPrecedes(b.0.utf8) }
            return a.1.utf8.lexicographicallyPrecedes(b.1.utf8)
        }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }
}

/// The parts of a URL the signer needs, split without Foundation so that percent-encoding is kept exactly as sent.
struct URLParts {
    var scheme: String
    var host: String
    var port: Int?
    var path: String
    var query: String

    init?(_ url: String) {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = url[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        // IPv6 literals keep their brackets; the port follows the closing bracket.
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            port = after.hasPrefix(":") ? Int(after.dropFirst()) : nil
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = Int(authority[authority.index(after: colon)...])
            guard port != nil else { return nil }
        } else {
            host = String(authority)
            port = nil
        }
        guard !host.isEmpty else { return nil }
        let pathAndQuery = rest[authorityEnd...]
        if let q = pathAndQuery.firstIndex(of: "?") {
            path = String(pathAndQuery[..<q])
            query = String(pathAndQuery[pathAndQuery.index(after: q)...])
        } else {
            path = String(pathAndQuery)
            query = ""
        }
    }

    /// The `host` header value: the port is included unless it is the scheme's default.
    var hostHeader: String {
        let lower = host.lowercased()
        guard let port else { return lower }
        if (scheme == "http" && port == 80) || (scheme == "https" && port == 443) { return lower }
        return "\(lower):\(port)"
    }
}

/// Percent-encoding as AWS defines it: every byte except `A-Z a-z 0-9 - _ . ~` (and `/` in paths) becomes `%XX`.
public enum AWSURIEncoding {
    public static func encode(_ s: String, keepSlash: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity(s.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: "/") where keepSlash:
                out.append(b)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `name=value&...` with both sides encoded, in the given order.
    public static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }

    /// Decodes `%XX` escapes (and, for form bodies, `+` as space); invalid escapes are kept as written.
    public static func decode(_ s: some StringProtocol, plusIsSpace: Bool = false) -> String {
        var out = [UInt8]()
        let bytes = Array(s.utf8)
        var i = 0
        func hexValue(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(plusIsSpace && b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        var s = Substring(self)
        while let f = s.utf8.first, f == 32 || f == 9 || f == 10 || f == 13 { s = s.dropFirst() }
        while let l = s.utf8.last, l == 32 || l == 9 || l == 10 || l == 13 { s = s.dropLast() }
        return String(s)
    }

    /// Python's `' '.join(value.split())`: trims and collapses runs of whitespace to one space.
    func collapsingWhitespace() -> String {
        var out = [UInt8]()
        var pendingSpace = false
        for b in utf8 {
            if b == 32 || (9...13).contains(b) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(32); pendingSpace = false }
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
