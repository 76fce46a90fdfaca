import CLCrypto
import Foundation

/// Amazon S3 (rest-xml). Buckets are addressed virtual-hosted (`bucket.s3.region.amazonaws.com`) when the name allows
/// it, path-style otherwise and always against a custom endpoint such as moto.
///
/// Requests are signed for `region`: a bucket in another region answers `PermanentRedirect`/`AuthorizationHeaderMalformed`,
/// so callers read ``getBucketLocation(bucket:)`` first and make an `S3` for that region.
public struct S3: Sendable {
    public let client: AWSClient
    public let region: String?
    public init(_ client: AWSClient, region: String? = nil) {
        self.client = client
        self.region = region
    }

    /// Builds the request for a bucket (and optionally an object key) with the addressing style the client uses.
    func request(_ operation: String, method: String = "GET", bucket: String?, key: String? = nil, query: [AWSRequest.QueryItem] = [],
                 headers: [(String, String)] = [], body: [UInt8] = [], unsignedPayload: Bool = false) throws(AWSError) -> AWSRequest {
        var path = "/"
        var hostPrefix: String?
        if let bucket {
            guard Self.isValidBucketName(bucket) else {
                throw AWSError(kind: .invalidRequest, code: "InvalidBucketName", message: "\(bucket) is not a valid S3 bucket name", operation: "s3.\(operation)")
            }
            let encodedKey = key.map { AWSURIEncoding.encode($0, keepSlash: true) }
            if !client.usesPathStyle && Self.isVirtualHostable(bucket) {
                hostPrefix = bucket + "."
                path = "/" + (encodedKey ?? "")
            } else {
                path = "/" + bucket + (encodedKey.map { "/" + $0 } ?? "")
            }
        }
        var headers = headers
        if !body.isEmpty || method == "PUT" {
            // S3 demands an integrity header on ACL, policy and public-access-block uploads; Content-MD5 works for all.
            headers.append(("Content-MD5", Data(MD5.hash(body)).base64EncodedString()))
        }
        return AWSRequest(service: .s3, operation: operation, region: region, method: method, path: path, query: query, headers: headers,
                          body: body, hostPrefix: hostPrefix, unsignedPayload: unsignedPayload)
    }

    /// 3–63 characters of lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.
    public static func isValidBucketName(_ name: String) -> Bool {
        let b = Array(name.utf8)
        guard (3...63).contains(b.count) else { return false }
        func alnum(_ c: UInt8) -> Bool { (97...122).contains(c) || (48...57).contains(c) }
        guard alnum(b.first!), alnum(b.last!) else { return false }
        return b.allSatisfy { alnum($0) || $0 == 46 || $0 == 45 }
    }

    /// Names with dots break TLS certificate matching in virtual-hosted style.
    static func isVirtualHostable(_ name: String) -> Bool { isValidBucketName(name) && !name.contains(".") }

    func xml(_ request: AWSRequest) async throws(AWSError) -> XMLElement {
        let response = try await client.send(request)
        return try AWSClient.readXML(response, operation: "s3.\(request.operation)")
    }

    /// Sends a request whose answer is not read beyond success, mapping "not configured" codes to nil.
    func send(_ request: AWSRequest) async throws(AWSError) {
        _ = try await client.send(request)
    }

    // MARK: Buckets

    public struct Bucket: Sendable, Equatable {
        public var name: String
        public var creationDate: Date?
    }

    public func listBuckets() async throws(AWSError) -> [Bucket] {
        // ListBuckets is paginated with continuation-token when max-buckets is given; without it every bucket comes back.
        var out: [Bucket] = []
        var token: String?
        repeat {
            var query: [AWSRequest.QueryItem] = []
            if let token { query = [.init("max-buckets", "1000"), .init("continuation-token", token)] }
            let r = try await xml(try request("ListBuckets", bucket: nil, query: query))
            for b in r.list("Buckets", item: "Bucket") {
                out.append(Bucket(name: try b.required("Name", in: "s3.ListBuckets"), creationDate: b.date("CreationDate")))
            }
            let next = r.string("ContinuationToken")
            token = (next?.isEmpty ?? true) || next == token ? nil : next
        } while token != nil
        return out
    }

    /// The bucket's region; S3 answers an empty constraint for us-east-1 and `EU` for the oldest eu-west-1 buckets.
    public func getBucketLocation(bucket: String) async throws(AWSError) -> String {
        let r = try await xml(try request("GetBucketLocation", bucket: bucket, query: [.subresource("location")]))
        let constraint = r.text
        if constraint.isEmpty { return "us-east-1" }
        if constraint == "EU" { return "eu-west-1" }
        return constraint
    }

    // MARK: ACL

    public struct Grant: Sendable, Equatable {
        /// `CanonicalUser`, `Group` or `AmazonCustomerByEmail`.
        public var granteeType: String
        public var granteeId: String?
        public var granteeURI: String?
        public var granteeEmail: String?
        public var displayName: String?
        /// `FULL_CONTROL`, `READ`, `WRITE`, `READ_ACP` or `WRITE_ACP`.
        public var permission: String

        public init(granteeType: String, granteeId: String? = nil, granteeURI: String? = nil, granteeEmail: String? = nil,
                    displayName: String? = nil, permission: String) {
            self.granteeType = granteeType
            self.granteeId = granteeId
            self.granteeURI = granteeURI
            self.granteeEmail = granteeEmail
            self.displayName = displayName
            self.permission = permission
        }

        /// Everyone (`AllUsers`) or any AWS account (`AuthenticatedUsers`): the grants that make a bucket public.
        public var isPublic: Bool {
            guard let uri = granteeURI else { return false }
            return uri.hasSuffix("/global/AllUsers") || uri.hasSuffix("/global/AuthenticatedUsers")
        }
    }

    public struct AccessControlList: Sendable, Equatable {
        public var ownerId: String?
        public var ownerDisplayName: String?
        public var grants: [Grant]

        public init(ownerId: String?, ownerDisplayName: String? = nil, grants: [Grant]) {
            self.ownerId = ownerId
            self.ownerDisplayName = ownerDisplayName
            self.grants = grants
        }

        var xml: XMLElement {
            var owner = XMLElement(name: "Owner")
            if let ownerId { owner.children.append(XMLElement(name: "ID", text: ownerId)) }
            if let ownerDisplayName { owner.children.append(XMLElement(name: "DisplayName", text: ownerDisplayName)) }
            var list = XMLElement(name: "AccessControlList")
            for g in grants {
                var grantee = XMLElement(name: "Grantee", attributes: ["xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance", "xsi:type": g.granteeType])
                if let id = g.granteeId { grantee.children.append(XMLElement(name: "ID", text: id)) }
                if let uri = g.granteeURI { grantee.children.append(XMLElement(name: "URI", text: uri)) }
                if let email = g.granteeEmail { grantee.children.append(XMLElement(name: "EmailAddress", text: email)) }
                list.children.append(XMLElement(name: "Grant", children: [grantee, XMLElement(name: "Permission", text: g.permission)]))
            }
            return XMLElement(name: "AccessControlPolicy", attributes: ["xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"], children: [owner, list])
        }
    }

    public func getBucketAcl(bucket: String) async throws(AWSError) -> AccessControlList {
        let r = try await xml(try request("GetBucketAcl", bucket: bucket, query: [.subresource("acl")]))
        var grants: [Grant] = []
        for g in r.list("AccessControlList", item: "Grant") {
            let grantee = g.child("Grantee")
            grants.append(Grant(granteeType: grantee?.attributes["xsi:type"] ?? grantee?.attributes["type"] ?? "",
                                granteeId: grantee?.string("ID"), granteeURI: grantee?.string("URI"), granteeEmail: grantee?.string("EmailAddress"),
                                displayName: grantee?.string("DisplayName"), permission: g.string("Permission") ?? ""))
        }
        return AccessControlList(ownerId: r.string("Owner", "ID"), ownerDisplayName: r.string("Owner", "DisplayName"), grants: grants)
    }

    /// Sets a canned ACL (`private`, `public-read`, ...) or a full grant list.
    public enum ACLChange: Sendable {
        case canned(String)
        case grants(AccessControlList)
    }

    public func putBucketAcl(bucket: String, _ change: ACLChange) async throws(AWSError) {
        switch change {
        case .canned(let acl):
            try await send(try request("PutBucketAcl", method: "PUT", bucket: bucket, query: [.subresource("acl")], headers: [("x-amz-acl", acl)]))
        case .grants(let list):
            let body = Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + list.xml.xmlString).utf8)
            try await send(try request("PutBucketAcl", method: "PUT", bucket: bucket, query: [.subresource("acl")],
                                       headers: [("Content-Type", "application/xml")], body: body))
        }
    }

    // MARK: Policy

    /// The bucket policy JSON, or nil when the bucket has none.
    public func getBucketPolicy(bucket: String) async throws(AWSError) -> String? {
        do {
            let response = try await client.send(try request("GetBucketPolicy", bucket: bucket, query: [.subresource("policy")]))
            return String(decoding: response.body, as: UTF8.self)
        } catch where error.code == "NoSuchBucketPolicy" {
            return nil
        }
    }

    /// Whether S3 considers the bucket public because of its policy; nil when the bucket has no policy.
    public func getBucketPolicyStatus(bucket: String) async throws(AWSError) -> Bool? {
        do throws(AWSError) {
            let r = try await xml(try request("GetBucketPolicyStatus", bucket: bucket, query: [.subresource("policyStatus")]))
            guard r.name == "PolicyStatus", let isPublic = r.bool("IsPublic") else {
                throw AWSError(kind: .malformedResponse, code: "UnexpectedDocument",
                               message: "s3.GetBucketPolicyStatus answered <\(r.name)> instead of <PolicyStatus><IsPublic>",
                               operation: "s3.GetBucketPolicyStatus")
            }
            return isPublic
        } catch where error.code == "NoSuchBucketPolicy" {
            return nil
        }
    }

    public func putBucketPolicy(bucket: String, policy: String) async throws(AWSError) {
        try await send(try request("PutBucketPolicy", method: "PUT", bucket: bucket, query: [.subresource("policy")],
                                   headers: [("Content-Type", "application/json")], body: Array(policy.utf8)))
    }

    public func deleteBucketPolicy(bucket: String) async throws(AWSError) {
        try await send(try request("DeleteBucketPolicy", method: "DELETE", bucket: bucket, query: [.subresource("policy")]))
    }

    // MARK: Public access block

    /// The four switches of an S3 public access block (bucket or account level).
    public struct PublicAccessBlock: Sendable, Equatable {
        public var blockPublicAcls: Bool
        public var ignorePublicAcls: Bool
        public var blockPublicPolicy: Bool
        public var restrictPublicBuckets: Bool

        public init(blockPublicAcls: Bool, ignorePublicAcls: Bool, blockPublicPolicy: Bool, restrictPublicBuckets: Bool) {
            self.blockPublicAcls = blockPublicAcls
            self.ignorePublicAcls = ignorePublicAcls
            self.blockPublicPolicy = blockPublicPolicy
            self.restrictPublicBuckets = restrictPublicBuckets
        }

        public static let all = PublicAccessBlock(blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true)

        public var blocksEverything: Bool { blockPublicAcls && ignorePublicAcls && blockPublicPolicy && restrictPublicBuckets }

        static func parse(_ e: XMLElement) -> PublicAccessBlock {
            PublicAccessBlock(blockPublicAcls: e.bool("BlockPublicAcls") ?? false, ignorePublicAcls: e.bool("IgnorePublicAcls") ?? false,
                              blockPublicPolicy: e.bool("BlockPublicPolicy") ?? false, restrictPublicBuckets: e.bool("RestrictPublicBuckets") ?? false)
        }

        var body: [UInt8] {
            let x = XMLElement(name: "PublicAccessBlockConfiguration", attributes: ["xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"], children: [
                XMLElement(name: "BlockPublicAcls", text: "\(blockPublicAcls)"),
                XMLElement(name: "IgnorePublicAcls", text: "\(ignorePublicAcls)"),
                XMLElement(name: "BlockPublicPolicy", text: "\(blockPublicPolicy)"),
                XMLElement(name: "RestrictPublicBuckets", text: "\(restrictPublicBuckets)"),
            ])
            return Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + x.xmlString).utf8)
        }
    }

    static let noPublicAccessBlock: Set<String> = ["NoSuchPublicAccessBlockConfiguration"]

    /// The bucket's public access block, or nil when none is set.
    public func getPublicAccessBlock(bucket: String) async throws(AWSError) -> PublicAccessBlock? {
        do {
            let r = try await xml(try request("GetPublicAccessBlock", bucket: bucket, query: [.subresource("publicAccessBlock")]))
            return PublicAccessBlock.parse(r)
        } catch where Self.noPublicAccessBlock.contains(error.code) {
            return nil
        }
    }

    public func putPublicAccessBlock(bucket: String, _ block: PublicAccessBlock) async throws(AWSError) {
        try await send(try request("PutPublicAccessBlock", method: "PUT", bucket: bucket, query: [.subresource("publicAccessBlock")],
                                   headers: [("Content-Type", "application/xml")], body: block.body))
    }

    public func deletePublicAccessBlock(bucket: String) async throws(AWSError) {
        try await send(try request("DeletePublicAccessBlock", method: "DELETE", bucket: bucket, query: [.subresource("publicAccessBlock")]))
    }

    // MARK: Encryption, versioning, logging

    public struct EncryptionRule: Sendable, Equatable {
        /// `AES256`, `aws:kms` or `aws:kms:dsse`.
        public var algorithm: String
        public var kmsKeyId: String?
        public var bucketKeyEnabled: Bool
    }

    /// The default encryption rules, or nil when the bucket has no configuration.
    public func getBucketEncryption(bucket: String) async throws(AWSError) -> [EncryptionRule]? {
        do {
            let r = try await xml(try request("GetBucketEncryption", bucket: bucket, query: [.subresource("encryption")]))
            return r.children("Rule").map { rule in
                EncryptionRule(algorithm: rule.string("ApplyServerSideEncryptionByDefault", "SSEAlgorithm") ?? "",
                               kmsKeyId: rule.string("ApplyServerSideEncryptionByDefault", "KMSMasterKeyID"),
                               bucketKeyEnabled: rule.bool("BucketKeyEnabled") ?? false)
            }
        } catch where error.code == "ServerSideEncryptionConfigurationNotFoundError" {
            return nil
        }
    }

    public struct Versioning: Sendable, Equatable {
        /// `Enabled`, `Suspended`, or nil when versioning was never turned on.
        public var status: String?
        /// `Enabled` or `Disabled`, nil when never configured.
        public var mfaDelete: String?
    }

    public func getBucketVersioning(bucket: String) async throws(AWSError) -> Versioning {
        let r = try await xml(try request("GetBucketVersioning", bucket: bucket, query: [.subresource("versioning")]))
        return Versioning(status: r.string("Status"), mfaDelete: r.string("MfaDelete") ?? r.string("MFADelete"))
    }

    public struct Logging: Sendable, Equatable {
        public var targetBucket: String
        public var targetPrefix: String
    }

    /// Server access logging, or nil when it is off.
    public func getBucketLogging(bucket: String) async throws(AWSError) -> Logging? {
        let r = try await xml(try request("GetBucketLogging", bucket: bucket, query: [.subresource("logging")]))
        guard let enabled = r.child("LoggingEnabled") else { return nil }
        return Logging(targetBucket: enabled.string("TargetBucket") ?? "", targetPrefix: enabled.string("TargetPrefix") ?? "")
    }

    // MARK: Objects

    public struct Object: Sendable, Equatable {
        public var key: String
        public var size: Int
        /// The ETag without its quotes.
        public var etag: String
        public var lastModified: Date?
        public var storageClass: String?
    }

    /// Objects under a prefix, `pageSize` keys per request (S3's maximum is 1000).
    public func listObjectsV2(bucket: String, prefix: String? = nil, startAfter: String? = nil, pageSize: Int? = nil) -> AWSPaginator<Object> {
        let s3 = self
        return AWSPaginator { (token: String?) async throws(AWSError) -> AWSPaginator<Object>.Page in
            var query: [AWSRequest.QueryItem] = [.init("list-type", "2")]
            if let prefix { query.append(.init("prefix", prefix)) }
            if let startAfter { query.append(.init("start-after", startAfter)) }
            if let pageSize { query.append(.init("max-keys", "\(pageSize)")) }
            if let token { query.append(.init("continuation-token", token)) }
            let r = try await s3.xml(try s3.request("ListObjectsV2", bucket: bucket, query: query))
            var items: [Object] = []
            for c in r.children("Contents") {
                items.append(Object(key: try c.required("Key", in: "s3.ListObjectsV2"), size: c.int("Size") ?? 0,
                                    etag: (c.string("ETag") ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\"")),
                                    lastModified: c.date("LastModified"), storageClass: c.string("StorageClass")))
            }
            let truncated = r.bool("IsTruncated") ?? false
            return (items, truncated ? r.string("NextContinuationToken") : nil)
        }
    }

    public struct ObjectData: Sendable {
        public var body: [UInt8]
        public var etag: String
        public var contentType: String?
        public var contentEncoding: String?
        public var lastModified: Date?
    }

    public func getObject(bucket: String, key: String, timeout: Duration? = nil) async throws(AWSError) -> ObjectData {
        var r = try request("GetObject", bucket: bucket, key: key)
        r.timeout = timeout
        let response = try await client.send(r)
        return ObjectData(body: response.body, etag: (response.header("ETag") ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\"")),
                          contentType: response.header("Content-Type"), contentEncoding: response.header("Content-Encoding"),
                          lastModified: response.header("Last-Modified").flatMap(AWSDate.parse))
    }

    /// Uploads an object and answers its ETag.
    @discardableResult
    public func putObject(bucket: String, key: String, body: [UInt8], contentType: String? = nil, contentEncoding: String? = nil,
                          unsignedPayload: Bool = false) async throws(AWSError) -> String {
        var headers: [(String, String)] = []
        if let contentType { headers.append(("Content-Type", contentType)) }
        if let contentEncoding { headers.append(("Content-Encoding", contentEncoding)) }
        let response = try await client.send(try request("PutObject", method: "PUT", bucket: bucket, key: key, headers: headers, body: body,
                                                         unsignedPayload: unsignedPayload))
        return (response.header("ETag") ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    /// Creates a bucket (used by development setup and tests); outside us-east-1 the region goes in the body.
    public func createBucket(bucket: String) async throws(AWSError) {
        let region = self.region ?? client.configuration.region
        var body: [UInt8] = []
        if region != "us-east-1" {
            let x = XMLElement(name: "CreateBucketConfiguration", attributes: ["xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"],
                               children: [XMLElement(name: "LocationConstraint", text: region)])
            body = Array(x.xmlString.utf8)
        }
        try await send(try request("CreateBucket", method: "PUT", bucket: bucket, body: body))
    }
}
