import CloudTrail
import Wire

/// An S3 bucket ACL that grants access to everyone on the internet (AllUsers) or to every AWS account
/// (AuthenticatedUsers), whether through an explicit grant, a grant header, or a canned ACL.
public struct PublicBucketACLRule: EventRule {
    public let metadata = RuleMetadata(
        id: "CL-CT-001",
        title: "S3 bucket ACL opened to the public",
        severity: .high,
        category: "data-exposure",
        description: "A PutBucketAcl call gave the AllUsers or AuthenticatedUsers group access to a bucket. AllUsers means "
            + "anyone on the internet without credentials; AuthenticatedUsers means anyone holding any AWS account.",
        rationale: "Public bucket ACLs are a leading cause of data leaks from S3. Access granted this way bypasses the "
            + "account's IAM policies, and listing or reading objects needs no trust relationship with your account.",
        remediation: "Remove the AllUsers and AuthenticatedUsers grants (set the ACL back to private), turn on S3 Block "
            + "Public Access for the bucket and the account, and prefer bucket-owner-enforced object ownership so ACLs "
            + "stop applying. Then review the bucket's access logs for reads made while it was public.",
        evidenceFields: ["requestParameters.bucketName", "requestParameters.AccessControlPolicy", "requestParameters.x-amz-acl"],
        references: [("CIS-AWS-3.0", "2.1.4"), ("AWS-SECURITY-HUB", "S3.2"), ("AWS-SECURITY-HUB", "S3.3"),
                     ("MITRE-ATTACK", "T1530")],
        supersedes: ["CL-CT-010"])

    public let triggers = [EventKey("s3.amazonaws.com", "PutBucketAcl")]

    static let publicGroups = [
        "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
        "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
    ]
    static let publicCannedACLs = ["public-read", "public-read-write", "authenticated-read"]
    static let grantHeaders = ["x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp",
                               "x-amz-grant-full-control"]

    public init() {}

    public func evaluate(_ event: CLCloudTrailEvent, request: JSONValue?) -> RuleMatch? {
        guard event.errorCode.isEmpty, let request else { return nil }
        var grants: [String] = []
        // Explicit grants in the ACL document.
        let grantList = request["AccessControlPolicy"]?["AccessControlList"]?["Grant"]?.elements ?? []
        for grant in grantList {
            guard let uri = grant["Grantee"]?["URI"]?.string, let group = Self.publicGroups[uri] else { continue }
            grants.append("\(group):\(grant["Permission"]?.string ?? "?")")
        }
        // Grant headers: x-amz-grant-read: uri="http://acs.amazonaws.com/groups/global/AllUsers"
        for header in Self.grantHeaders {
            for value in request[header]?.elements.compactMap(\.string) ?? [] {
                for (uri, group) in Self.publicGroups where value.contains(uri) {
                    grants.append("\(group):\(header.replacingOccurrences(of: "x-amz-grant-", with: "").uppercased())")
                }
            }
        }
        // Canned ACLs.
        for key in ["x-amz-acl", "acl"] {
            for value in request[key]?.elements.compactMap(\.string) ?? [] where Self.publicCannedACLs.contains(value) {
                grants.append("canned:\(value)")
            }
        }
        guard !grants.isEmpty else { return nil }
        let bucket = request["bucketName"]?.string ?? ""
        return RuleMatch(resourceType: "AWS::S3::Bucket", resourceID: bucket.isEmpty ? "" : "arn:aws:s3:::\(bucket)",
                         evidence: ["requestParameters.bucketName": bucket, "publicGrants": grants.joined(separator: ",")],
                         title: bucket.isEmpty ? nil : "S3 bucket \(bucket) ACL opened to the public")
    }
}
