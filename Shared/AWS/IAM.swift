import Foundation

/// AWS Identity and Access Management (a global service: one endpoint, signed for us-east-1).
public struct IAM: Sendable {
    public let client: AWSClient
    public init(_ client: AWSClient) { self.client = client }

    /// A list call's pages: `Marker`/`IsTruncated` and `MaxItems`.
    func paginate<T: Sendable>(_ action: String, _ parameters: QueryParameters = QueryParameters(), pageSize: Int?,
                               listPath: [String], parse: @escaping @Sendable (XMLElement) throws(AWSError) -> T) -> AWSPaginator<T> {
        let client = self.client
        return AWSPaginator { (marker: String?) async throws(AWSError) -> AWSPaginator<T>.Page in
            var p = parameters
            p.add("MaxItems", pageSize)
            p.add("Marker", marker)
            let r = try await client.query(.iam, action, p)
            var items: [T] = []
            for member in r.descend(listPath)?.children("member") ?? [] { items.append(try parse(member)) }
            let truncated = r.bool("IsTruncated") ?? false
            return (items, truncated ? r.string("Marker") : nil)
        }
    }

    /// A policy document from an IAM answer. AWS URL-encodes them; some emulators (moto for ListRoles and
    /// GetPolicyVersion) send the JSON as is, and decoding that again would corrupt a literal `%` in it.
    static func document(_ element: XMLElement, _ name: String) -> String? {
        element.string(name).map { raw in
            raw.trimmingASCIIWhitespace().hasPrefix("{") ? raw : AWSURIEncoding.decode(raw)
        }
    }

    // MARK: Users, roles, policies

    public struct User: Sendable, Equatable {
        public var userName: String
        public var userId: String
        public var arn: String
        public var path: String
        public var createDate: Date?
        public var passwordLastUsed: Date?
    }

    static func user(_ e: XMLElement) throws(AWSError) -> User {
        User(userName: try e.required("UserName", in: "iam.User"), userId: e.string("UserId") ?? "", arn: try e.required("Arn", in: "iam.User"),
             path: e.string("Path") ?? "/", createDate: e.date("CreateDate"), passwordLastUsed: e.date("PasswordLastUsed"))
    }

    public func listUsers(pathPrefix: String? = nil, pageSize: Int? = nil) -> AWSPaginator<User> {
        var p = QueryParameters()
        p.add("PathPrefix", pathPrefix)
        return paginate("ListUsers", p, pageSize: pageSize, listPath: ["Users"], parse: Self.user)
    }

    public struct Role: Sendable, Equatable {
        public var roleName: String
        public var roleId: String
        public var arn: String
        public var path: String
        public var createDate: Date?
        /// The trust policy, decoded from the URL encoding IAM answers with.
        public var assumeRolePolicyDocument: String?
        public var description: String?
        public var maxSessionDuration: Int?
    }

    static func role(_ e: XMLElement) throws(AWSError) -> Role {
        Role(roleName: try e.required("RoleName", in: "iam.Role"), roleId: e.string("RoleId") ?? "", arn: try e.required("Arn", in: "iam.Role"),
             path: e.string("Path") ?? "/", createDate: e.date("CreateDate"), assumeRolePolicyDocument: document(e, "AssumeRolePolicyDocument"),
             description: e.string("Description"), maxSessionDuration: e.int("MaxSessionDuration"))
    }

    public func listRoles(pathPrefix: String? = nil, pageSize: Int? = nil) -> AWSPaginator<Role> {
        var p = QueryParameters()
        p.add("PathPrefix", pathPrefix)
        return paginate("ListRoles", p, pageSize: pageSize, listPath: ["Roles"], parse: Self.role)
    }

    public struct ManagedPolicy: Sendable, Equatable {
        public var policyName: String
        public var policyId: String
        public var arn: String
        public var path: String
        public var defaultVersionId: String?
        public var attachmentCount: Int?
        public var isAttachable: Bool?
        public var createDate: Date?
        public var updateDate: Date?
        /// Filled by GetAccountAuthorizationDetails: every version with its document.
        public var versions: [PolicyVersion] = []
    }

    static func managedPolicy(_ e: XMLElement) throws(AWSError) -> ManagedPolicy {
        var versions: [PolicyVersion] = []
        for v in e.list("PolicyVersionList") { versions.append(policyVersion(v)) }
        let arn = try e.required("Arn", in: "iam.Policy")
        // moto leaves PolicyName out of GetAccountAuthorizationDetails; the ARN's last segment is the name.
        let name = e.string("PolicyName") ?? String(arn.split(separator: "/").last ?? "")
        return ManagedPolicy(policyName: name, policyId: e.string("PolicyId") ?? "",
                             arn: arn, path: e.string("Path") ?? "/",
                             defaultVersionId: e.string("DefaultVersionId"), attachmentCount: e.int("AttachmentCount"),
                             isAttachable: e.bool("IsAttachable"), createDate: e.date("CreateDate"), updateDate: e.date("UpdateDate"),
                             versions: versions)
    }

    public enum PolicyScope: String, Sendable { case all = "All", aws = "AWS", local = "Local" }

    public func listPolicies(scope: PolicyScope = .all, onlyAttached: Bool = false, pathPrefix: String? = nil,
                             pageSize: Int? = nil) -> AWSPaginator<ManagedPolicy> {
        var p = QueryParameters()
        p.add("Scope", scope.rawValue)
        if onlyAttached { p.add("OnlyAttached", true) }
        p.add("PathPrefix", pathPrefix)
        return paginate("ListPolicies", p, pageSize: pageSize, listPath: ["Policies"], parse: Self.managedPolicy)
    }

    public struct PolicyVersion: Sendable, Equatable {
        public var versionId: String
        public var isDefaultVersion: Bool
        /// The JSON policy document, URL-decoded.
        public var document: String?
        public var createDate: Date?
    }

    static func policyVersion(_ e: XMLElement) -> PolicyVersion {
        PolicyVersion(versionId: e.string("VersionId") ?? "", isDefaultVersion: e.bool("IsDefaultVersion") ?? false,
                      document: document(e, "Document"), createDate: e.date("CreateDate"))
    }

    public func getPolicyVersion(policyArn: String, versionId: String) async throws(AWSError) -> PolicyVersion {
        var p = QueryParameters()
        p.add("PolicyArn", policyArn)
        p.add("VersionId", versionId)
        let r = try await client.query(.iam, "GetPolicyVersion", p)
        guard let v = r.child("PolicyVersion") else {
            throw AWSError(kind: .malformedResponse, code: "MissingField", message: "the iam.GetPolicyVersion answer lacks PolicyVersion", operation: "iam.GetPolicyVersion")
        }
        return Self.policyVersion(v)
    }

    // MARK: Inline and attached policies

    /// The inline policy document of a role, URL-decoded.
    public func getRolePolicy(roleName: String, policyName: String) async throws(AWSError) -> String {
        var p = QueryParameters()
        p.add("RoleName", roleName)
        p.add("PolicyName", policyName)
        let r = try await client.query(.iam, "GetRolePolicy", p)
        guard let doc = Self.document(r, "PolicyDocument") else {
            throw AWSError(kind: .malformedResponse, code: "MissingField", message: "the iam.GetRolePolicy answer lacks PolicyDocument", operation: "iam.GetRolePolicy")
        }
        return doc
    }

    public func putRolePolicy(roleName: String, policyName: String, document: String) async throws(AWSError) {
        var p = QueryParameters()
        p.add("RoleName", roleName)
        p.add("PolicyName", policyName)
        p.add("PolicyDocument", document)
        _ = try await client.query(.iam, "PutRolePolicy", p)
    }

    public func deleteRolePolicy(roleName: String, policyName: String) async throws(AWSError) {
        var p = QueryParameters()
        p.add("RoleName", roleName)
        p.add("PolicyName", policyName)
        _ = try await client.query(.iam, "DeleteRolePolicy", p)
    }

    public func attachRolePolicy(roleName: String, policyArn: String) async throws(AWSError) {
        try await simple("AttachRolePolicy", [("RoleName", roleName), ("PolicyArn", policyArn)])
    }

    public func detachRolePolicy(roleName: String, policyArn: String) async throws(AWSError) {
        try await simple("DetachRolePolicy", [("RoleName", roleName), ("PolicyArn", policyArn)])
    }

    public func attachUserPolicy(userName: String, policyArn: String) async throws(AWSError) {
        try await simple("AttachUserPolicy", [("UserName", userName), ("PolicyArn", policyArn)])
    }

    public func detachUserPolicy(userName: String, policyArn: String) async throws(AWSError) {
        try await simple("DetachUserPolicy", [("UserName", userName), ("PolicyArn", policyArn)])
    }

    /// Replaces a role's trust policy.
    public func updateAssumeRolePolicy(roleName: String, document: String) async throws(AWSError) {
        try await simple("UpdateAssumeRolePolicy", [("RoleName", roleName), ("PolicyDocument", document)])
    }

    func simple(_ action: String, _ pairs: [(String, String)]) async throws(AWSError) {
        var p = QueryParameters()
        for (k, v) in pairs { p.add(k, v) }
        _ = try await client.query(.iam, action, p)
    }

    // MARK: Access keys

    public struct AccessKey: Sendable, Equatable {
        public var userName: String
        public var accessKeyId: String
        /// `Active` or `Inactive`.
        public var status: String
        public var createDate: Date?
    }

    /// The access keys of a user (of the caller when `userName` is nil).
    public func listAccessKeys(userName: String? = nil, pageSize: Int? = nil) -> AWSPaginator<AccessKey> {
        var p = QueryParameters()
        p.add("UserName", userName)
        return paginate("ListAccessKeys", p, pageSize: pageSize, listPath: ["AccessKeyMetadata"]) { (e: XMLElement) throws(AWSError) -> AccessKey in
            AccessKey(userName: e.string("UserName") ?? userName ?? "", accessKeyId: try e.required("AccessKeyId", in: "iam.AccessKey"),
                      status: e.string("Status") ?? "", createDate: e.date("CreateDate"))
        }
    }

    public enum AccessKeyStatus: String, Sendable { case active = "Active", inactive = "Inactive" }

    public func updateAccessKey(userName: String?, accessKeyId: String, status: AccessKeyStatus) async throws(AWSError) {
        var p = QueryParameters()
        p.add("UserName", userName)
        p.add("AccessKeyId", accessKeyId)
        p.add("Status", status.rawValue)
        _ = try await client.query(.iam, "UpdateAccessKey", p)
    }

    // MARK: Password policy

    public struct PasswordPolicy: Sendable, Equatable {
        public var minimumPasswordLength: Int?
        public var requireSymbols: Bool?
        public var requireNumbers: Bool?
        public var requireUppercaseCharacters: Bool?
        public var requireLowercaseCharacters: Bool?
        public var allowUsersToChangePassword: Bool?
        public var expirePasswords: Bool?
        public var maxPasswordAge: Int?
        public var passwordReusePrevention: Int?
        public var hardExpiry: Bool?

        public init(minimumPasswordLength: Int? = nil, requireSymbols: Bool? = nil, requireNumbers: Bool? = nil,
                    requireUppercaseCharacters: Bool? = nil, requireLowercaseCharacters: Bool? = nil,
                    allowUsersToChangePassword: Bool? = nil, expirePasswords: Bool? = nil, maxPasswordAge: Int? = nil,
                    passwordReusePrevention: Int? = nil, hardExpiry: Bool? = nil) {
            self.minimumPasswordLength = minimumPasswordLength
            self.requireSymbols = requireSymbols
            self.requireNumbers = requireNumbers
            self.requireUppercaseCharacters = requireUppercaseCharacters
            self.requireLowercaseCharacters = requireLowercaseCharacters
            self.allowUsersToChangePassword = allowUsersToChangePassword
            self.expirePasswords = expirePasswords
            self.maxPasswordAge = maxPasswordAge
            self.passwordReusePrevention = passwordReusePrevention
            self.hardExpiry = hardExpiry
        }
    }

    /// The account's password policy, or nil when the account has none (IAM's `NoSuchEntity`).
    public func getAccountPasswordPolicy() async throws(AWSError) -> PasswordPolicy? {
        let r: XMLElement
        do { r = try await client.query(.iam, "GetAccountPasswordPolicy") } catch where error.code == "NoSuchEntity" { return nil }
        guard let e = r.child("PasswordPolicy") else {
            throw AWSError(kind: .malformedResponse, code: "MissingField", message: "the iam.GetAccountPasswordPolicy answer lacks PasswordPolicy",
                           operation: "iam.GetAccountPasswordPolicy")
        }
        return PasswordPolicy(minimumPasswordLength: e.int("MinimumPasswordLength"), requireSymbols: e.bool("RequireSymbols"),
                              requireNumbers: e.bool("RequireNumbers"), requireUppercaseCharacters: e.bool("RequireUppercaseCharacters"),
                              requireLowercaseCharacters: e.bool("RequireLowercaseCharacters"),
                              allowUsersToChangePassword: e.bool("AllowUsersToChangePassword"), expirePasswords: e.bool("ExpirePasswords"),
                              maxPasswordAge: e.int("MaxPasswordAge"), passwordReusePrevention: e.int("PasswordReusePrevention"),
                              hardExpiry: e.bool("HardExpiry"))
    }

    public func updateAccountPasswordPolicy(_ policy: PasswordPolicy) async throws(AWSError) {
        var p = QueryParameters()
        p.add("MinimumPasswordLength", policy.minimumPasswordLength)
        p.add("RequireSymbols", policy.requireSymbols)
        p.add("RequireNumbers", policy.requireNumbers)
        p.add("RequireUppercaseCharacters", policy.requireUppercaseCharacters)
        p.add("RequireLowercaseCharacters", policy.requireLowercaseCharacters)
        p.add("AllowUsersToChangePassword", policy.allowUsersToChangePassword)
        p.add("MaxPasswordAge", policy.maxPasswordAge)
        p.add("PasswordReusePrevention", policy.passwordReusePrevention)
        p.add("HardExpiry", policy.hardExpiry)
        _ = try await client.query(.iam, "UpdateAccountPasswordPolicy", p)
    }
}
