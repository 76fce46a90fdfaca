/// A request to evaluate: who asks to do what to which resource, with the request's condition keys.
public struct AccessRequest: Sendable, Hashable {
    /// The caller's ARN (`arn:aws:iam::123456789012:user/alice`, an assumed-role session ARN), or a service principal
    /// such as `lambda.amazonaws.com`.
    public var principal: String
    /// `service:Action`, e.g. `s3:GetObject`.
    public var action: String
    /// The resource ARN (use `*` for actions without a resource).
    public var resource: String
    public var context: RequestContext
    /// The account that owns the resource. When nil it is read from the resource ARN; ARNs without an account (S3
    /// buckets and objects) are treated as belonging to the caller's account.
    public var resourceAccount: String?

    public init(principal: String, action: String, resource: String, context: RequestContext = RequestContext(),
                resourceAccount: String? = nil) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.context = context
        self.resourceAccount = resourceAccount
    }

    /// The caller's account from its ARN, or nil for service principals.
    public var principalAccount: String? { Self.account(ofARN: principal) }

    /// The account of the resource: `resourceAccount`, or the account part of the ARN.
    public var effectiveResourceAccount: String? { resourceAccount ?? Self.account(ofARN: resource) }

    static func account(ofARN arn: String) -> String? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[4].isEmpty else { return nil }
        return String(parts[4])
    }

    /// The context with the keys IAM derives from the caller filled in where the caller did not supply them:
    /// `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:username` (IAM users) and `aws:PrincipalType`.
    public var derivedContext: RequestContext {
        var context = self.context
        let parts = principal.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn" else { return context }
        let partition = parts[1]
        let account = String(parts[4])
        let resource = parts[5]
        var principalArn = principal
        if parts[2] == "sts", resource.hasPrefix("assumed-role/") {
            // Sessions are evaluated with the role's ARN in aws:PrincipalArn.
            let pieces = resource.split(separator: "/")
            if pieces.count >= 2 { principalArn = "arn:\(partition):iam::\(account):role/\(pieces[1])" }
            if context["aws:PrincipalType"] == nil { context["aws:PrincipalType"] = ["AssumedRole"] }
        } else if parts[2] == "iam", resource.hasPrefix("user/") {
            if context["aws:username"] == nil, let name = resource.split(separator: "/").last {
                context["aws:username"] = [String(name)]
            }
            if context["aws:PrincipalType"] == nil { context["aws:PrincipalType"] = ["User"] }
        } else if parts[2] == "iam", resource == "root" {
            if context["aws:PrincipalType"] == nil { context["aws:PrincipalType"] = ["Account"] }
        }
        if context["aws:PrincipalArn"] == nil { context["aws:PrincipalArn"] = [principalArn] }
        if context["aws:PrincipalAccount"] == nil, !account.isEmpty { context["aws:PrincipalAccount"] = [account] }
        return context
    }
}
