import Foundation

/// Credentials of a role assumed with STS, refreshed before they expire.
///
/// A tenant connects an account by role ARN and external ID; CloudLoom's own credentials (the `base` client) assume
/// it. Concurrent callers share one refresh: the first caller starts it and the others wait for the same task.
public actor AssumeRoleCredentialProvider: AWSCredentialProvider {
    public let roleArn: String
    public let externalId: String?
    public let sessionName: String
    public let durationSeconds: Int
    /// Refresh when less than this remains.
    public let refreshMargin: TimeInterval
    let sts: STS
    var current: AWSCredentials?
    var refreshing: Task<AWSCredentials, any Error>?
    /// How many times STS was called; tests use it to prove caching and refresh.
    public private(set) var assumeCount = 0

    public init(base: AWSClient, roleArn: String, externalId: String? = nil, sessionName: String = "cloudloom",
                durationSeconds: Int = 3600, refreshMargin: TimeInterval = 300) {
        self.sts = STS(base)
        self.roleArn = roleArn
        self.externalId = externalId
        self.sessionName = sessionName
        self.durationSeconds = durationSeconds
        self.refreshMargin = refreshMargin
    }

    public func credentials() async throws(AWSError) -> AWSCredentials {
        if let current, !current.expires(within: refreshMargin) { return current }
        let task: Task<AWSCredentials, any Error>
        if let refreshing {
            task = refreshing
        } else {
            let sts = self.sts, roleArn = self.roleArn, externalId = self.externalId
            let sessionName = self.sessionName, duration = self.durationSeconds
            assumeCount += 1
            task = Task {
                try await sts.assumeRole(roleArn: roleArn, sessionName: sessionName, externalId: externalId,
                                         durationSeconds: duration).credentials
            }
            refreshing = task
        }
        do {
            let creds = try await task.value
            current = creds
            refreshing = nil
            return creds
        } catch {
            refreshing = nil
            var e = (error as? AWSError) ?? AWSError(kind: .credentials, code: "AssumeRoleFailed", message: "\(error)")
            e.message = "cannot assume \(roleArn): \(e.message)"
            throw e
        }
    }
}
