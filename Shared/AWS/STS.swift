import Foundation

/// AWS Security Token Service.
public struct STS: Sendable {
    public let client: AWSClient
    public init(_ client: AWSClient) { self.client = client }

    public struct CallerIdentity: Sendable, Equatable {
        public var account: String
        public var arn: String
        public var userId: String
    }

    /// Who the credentials belong to.
    public func getCallerIdentity() async throws(AWSError) -> CallerIdentity {
        let r = try await client.query(.sts, "GetCallerIdentity")
        let op = "sts.GetCallerIdentity"
        return CallerIdentity(account: try r.required("Account", in: op), arn: try r.required("Arn", in: op),
                              userId: r.string("UserId") ?? "")
    }

    public struct AssumedRole: Sendable {
        public var credentials: AWSCredentials
        public var assumedRoleArn: String
        public var assumedRoleId: String
    }

    /// Temporary credentials for a role. `externalId` is what the tenant put in the role's trust policy.
    public func assumeRole(roleArn: String, sessionName: String, externalId: String? = nil,
                           durationSeconds: Int? = nil) async throws(AWSError) -> AssumedRole {
        var p = QueryParameters()
        p.add("RoleArn", roleArn)
        p.add("RoleSessionName", sessionName)
        p.add("ExternalId", externalId)
        p.add("DurationSeconds", durationSeconds)
        let r = try await client.query(.sts, "AssumeRole", p)
        let op = "sts.AssumeRole"
        let expiration = try r.required("Credentials", "Expiration", in: op)
        guard let expires = AWSDate.parse(expiration) else {
            throw AWSError(kind: .malformedResponse, code: "InvalidField", message: "AssumeRole answered an unreadable expiration \(expiration)", operation: op)
        }
        let creds = AWSCredentials(accessKeyId: try r.required("Credentials", "AccessKeyId", in: op),
                                   secretAccessKey: try r.required("Credentials", "SecretAccessKey", in: op),
                                   sessionToken: try r.required("Credentials", "SessionToken", in: op), expiration: expires)
        return AssumedRole(credentials: creds, assumedRoleArn: r.string("AssumedRoleUser", "Arn") ?? "",
                           assumedRoleId: r.string("AssumedRoleUser", "AssumedRoleId") ?? "")
    }
}
