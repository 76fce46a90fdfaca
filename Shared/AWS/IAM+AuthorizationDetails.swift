import Foundation

extension IAM {
    /// One page (or the merge of all pages) of GetAccountAuthorizationDetails: every principal with its inline and
    /// attached policies, and the managed policies with their versions. Documents are URL-decoded.
    public struct AuthorizationDetails: Sendable, Equatable {
        public var users: [UserDetail] = []
        public var groups: [GroupDetail] = []
        public var roles: [RoleDetail] = []
        public var policies: [ManagedPolicy] = []

        public init() {}

        mutating func merge(_ other: AuthorizationDetails) {
            users += other.users
            groups += other.groups
            roles += other.roles
            policies += other.policies
        }
    }

    public struct InlinePolicy: Sendable, Equatable {
        public var name: String
        public var document: String
    }

    public struct AttachedPolicy: Sendable, Equatable {
        public var name: String
        public var arn: String
    }

    public struct UserDetail: Sendable, Equatable {
        public var user: User
        public var inlinePolicies: [InlinePolicy]
        public var attachedPolicies: [AttachedPolicy]
        public var groups: [String]
        public var permissionsBoundaryArn: String?
    }

    public struct GroupDetail: Sendable, Equatable {
        public var groupName: String
        public var groupId: String
        public var arn: String
        public var inlinePolicies: [InlinePolicy]
        public var attachedPolicies: [AttachedPolicy]
    }

    public struct RoleDetail: Sendable, Equatable {
        public var role: Role
        public var inlinePolicies: [InlinePolicy]
        public var attachedPolicies: [AttachedPolicy]
        public var instanceProfileArns: [String]
        public var permissionsBoundaryArn: String?
    }

    /// Which entity kinds to include (`Filter`).
    public enum EntityFilter: String, Sendable, CaseIterable {
        case user = "User", role = "Role", group = "Group", localManagedPolicy = "LocalManagedPolicy", awsManagedPolicy = "AWSManagedPolicy"
    }

    static func inline(_ e: XMLElement, _ list: String) -> [InlinePolicy] {
        e.list(list).map { InlinePolicy(name: $0.string("PolicyName") ?? "", document: document($0, "PolicyDocument") ?? "") }
    }

    static func attached(_ e: XMLElement) -> [AttachedPolicy] {
        e.list("AttachedManagedPolicies").map { AttachedPolicy(name: $0.string("PolicyName") ?? "", arn: $0.string("PolicyArn") ?? "") }
    }

    static func authorizationDetails(_ r: XMLElement) throws(AWSError) -> AuthorizationDetails {
        var d = AuthorizationDetails()
        for u in r.list("UserDetailList") {
            d.users.append(UserDetail(user: try user(u), inlinePolicies: inline(u, "UserPolicyList"), attachedPolicies: attached(u),
                                      groups: u.list("GroupList").map(\.text),
                                      permissionsBoundaryArn: u.string("PermissionsBoundary", "PermissionsBoundaryArn")))
        }
        for g in r.list("GroupDetailList") {
            d.groups.append(GroupDetail(groupName: try g.required("GroupName", in: "iam.GroupDetail"), groupId: g.string("GroupId") ?? "",
                                        arn: g.string("Arn") ?? "", inlinePolicies: inline(g, "GroupPolicyList"), attachedPolicies: attached(g)))
        }
        for e in r.list("RoleDetailList") {
            d.roles.append(RoleDetail(role: try role(e), inlinePolicies: inline(e, "RolePolicyList"), attachedPolicies: attached(e),
                                      instanceProfileArns: e.list("InstanceProfileList").compactMap { $0.string("Arn") },
                                      permissionsBoundaryArn: e.string("PermissionsBoundary", "PermissionsBoundaryArn")))
        }
        for p in r.list("Policies") { d.policies.append(try managedPolicy(p)) }
        return d
    }

    /// The pages of GetAccountAuthorizationDetails.
    public func accountAuthorizationDetailsPages(filter: [EntityFilter] = [], pageSize: Int? = nil) -> AWSPaginator<AuthorizationDetails> {
        let client = self.client
        return AWSPaginator { (marker: String?) async throws(AWSError) -> AWSPaginator<AuthorizationDetails>.Page in
            var p = QueryParameters()
            p.addMembers("Filter", filter.map(\.rawValue))
            p.add("MaxItems", pageSize)
            p.add("Marker", marker)
            let r = try await client.query(.iam, "GetAccountAuthorizationDetails", p)
            let truncated = r.bool("IsTruncated") ?? false
            return ([try Self.authorizationDetails(r)], truncated ? r.string("Marker") : nil)
        }
    }

    /// Every page of GetAccountAuthorizationDetails merged into one.
    public func getAccountAuthorizationDetails(filter: [EntityFilter] = [], pageSize: Int? = nil) async throws(AWSError) -> AuthorizationDetails {
        var all = AuthorizationDetails()
        var it = accountAuthorizationDetailsPages(filter: filter, pageSize: pageSize).makeAsyncIterator()
        while let page = try await it.next() { all.merge(page) }
        return all
    }
}
