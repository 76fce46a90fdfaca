import AWS
import Foundation
import Testing
import TestSupport

/// Every IAM call of the client against the moto emulator. Moto is shared by every test of the process and never
/// reset, so each test works under its own unique names and path prefixes. Fixtures the client has no call for
/// (CreateRole, CreateUser, CreatePolicy, ...) are made with `client.query` directly.
@Suite("IAM against moto")
struct IAMMotoTests {
    static let account = "123456789012"

    static let ec2Trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
    static let lambdaTrust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
    static let readPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}"#
    /// Characters that URL encoding must carry: spaces, `+`, `/`, `*`, `:`, quotes, non-ASCII.
    static let trickyPolicy = #"{"Version":"2012-10-17","Statement":[{"Sid":"Read + list","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::cl-bucket/a b/*","Condition":{"StringLike":{"s3:prefix":["caf\#u{e9}/*","x+y=z"]}}}]}"#

    static func client(_ moto: MotoServer) -> AWSClient {
        AWSClient(credentials: StaticCredentialProvider(accessKeyId: "AKIDTEST", secretAccessKey: "secret"),
                  configuration: .init(region: "us-east-1", endpoint: moto.endpoint,
                                       retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(50))))
    }

    /// A name no other test uses: `prefix` plus 8 hex characters.
    static func unique(_ prefix: String) -> String {
        prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
    }

    /// Two policy documents are the same JSON (whitespace and key order aside).
    static func sameJSON(_ a: String?, _ b: String) -> Bool {
        guard let a, let x = try? JSONSerialization.jsonObject(with: Data(a.utf8)),
              let y = try? JSONSerialization.jsonObject(with: Data(b.utf8)),
              let dx = try? JSONSerialization.data(withJSONObject: x, options: [.sortedKeys]),
              let dy = try? JSONSerialization.data(withJSONObject: y, options: [.sortedKeys]) else { return false }
        return dx == dy
    }

    // MARK: Fixtures through the query API

    /// Creates a role and returns its (ARN, role id).
    @discardableResult
    static func createRole(_ client: AWSClient, name: String, path: String = "/", trust: String = ec2Trust) async throws -> (arn: String, id: String) {
        var p = QueryParameters()
        p.add("RoleName", name)
        p.add("Path", path)
        p.add("AssumeRolePolicyDocument", trust)
        let r = try await client.query(.iam, "CreateRole", p)
        return (try #require(r.string("Role", "Arn")), try #require(r.string("Role", "RoleId")))
    }

    @discardableResult
    static func createUser(_ client: AWSClient, name: String, path: String = "/") async throws -> String {
        var p = QueryParameters()
        p.add("UserName", name)
        p.add("Path", path)
        let r = try await client.query(.iam, "CreateUser", p)
        return try #require(r.string("User", "Arn"))
    }

    /// Creates a customer managed policy and returns its ARN.
    static func createPolicy(_ client: AWSClient, name: String, path: String = "/", document: String = readPolicy) async throws -> String {
        var p = QueryParameters()
        p.add("PolicyName", name)
        p.add("Path", path)
        p.add("PolicyDocument", document)
        p.add("Description", "CloudLoom test policy")
        let r = try await client.query(.iam, "CreatePolicy", p)
        return try #require(r.string("Policy", "Arn"))
    }

    static func createAccessKey(_ client: AWSClient, user: String) async throws -> (id: String, secret: String) {
        var p = QueryParameters()
        p.add("UserName", user)
        let r = try await client.query(.iam, "CreateAccessKey", p)
        return (try #require(r.string("AccessKey", "AccessKeyId")), try #require(r.string("AccessKey", "SecretAccessKey")))
    }

    static func query(_ client: AWSClient, _ action: String, _ pairs: [(String, String)]) async throws {
        var p = QueryParameters()
        for (k, v) in pairs { p.add(k, v) }
        _ = try await client.query(.iam, action, p)
    }

    /// The policy ARNs a ListAttached{Role,User,Group}Policies call answers.
    static func attachedPolicyArns(_ client: AWSClient, _ action: String, _ nameKey: String, _ name: String) async throws -> [String] {
        var p = QueryParameters()
        p.add(nameKey, name)
        let r = try await client.query(.iam, action, p)
        return r.list("AttachedPolicies").compactMap { $0.string("PolicyArn") }
    }

    // MARK: Roles

    @Test("listRoles pages through 250 roles, 100 at a time, in 3 pages")
    func listRolesPagination() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto)
        let tag = Self.unique("pg")
        let path = "/\(tag)/"
        let names = (0..<250).map { "\(tag)-role-\(String(1000 + $0).dropFirst())" }

        // Eight creations in flight at a time: serially this takes long on moto.
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            while next < min(8, names.count) {
                let name = names[next]
                next += 1
                group.addTask { _ = try await Self.createRole(client, name: name, path: path, trust: Self.lambdaTrust) }
            }
            while try await group.next() != nil {
                if next < names.count {
                    let name = names[next]
                    next += 1
                    group.addTask { _ = try await Self.createRole(client, name: name, path: path, trust: Self.lambdaTrust) }
                }
            }
        }

        var it = IAM(client).listRoles(pathPrefix: path, pageSize: 100).makeAsyncIterator()
        var roles: [IAM.Role] = []
        while let role = try await it.next() { roles.append(role) }
        #expect(roles.count == 250)
        #expect(it.pages == 3)
        #expect(Set(roles.map(\.roleName)) == Set(names))
        #expect(roles.allSatisfy { $0.path == path })
        #expect(roles.allSatisfy { $0.arn == "arn:aws:iam::\(Self.account):role\(path)\($0.roleName)" })
        #expect(roles.allSatisfy { $0.roleId.hasPrefix("AROA") })
        #expect(roles.allSatisfy { $0.createDate != nil })
        #expect(roles.allSatisfy { Self.sameJSON($0.assumeRolePolicyDocument, Self.lambdaTrust) })

        // A different page size reaches the same roles; a prefix nobody used lists nothing.
        let collected = try await IAM(client).listRoles(pathPrefix: path, pageSize: 7).collect()
        #expect(collected.count == 250)
        #expect(try await IAM(client).listRoles(pathPrefix: "/\(Self.unique("none"))/").collect().isEmpty)
        await client.shutdown()
    }

    @Test("updateAssumeRolePolicy replaces a role's trust policy")
    func updateTrust() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto)
        let iam = IAM(client)
        let tag = Self.unique("trust")
        let path = "/\(tag)/"
        try await Self.createRole(client, name: tag, path: path)

        let before = try await iam.listRoles(pathPrefix: path).collect()
        #expect(before.count == 1)
        #expect(Self.sameJSON(before.first?.assumeRolePolicyDocument, Self.ec2Trust))

        try await iam.updateAssumeRolePolicy(roleName: tag, document: Self.lambdaTrust)
        let after = try await iam.listRoles(pathPrefix: path).collect()
        #expect(Self.sameJSON(after.first?.assumeRolePolicyDocument, Self.lambdaTrust))

        let caught = await thrownAWSError { try await iam.updateAssumeRolePolicy(roleName: Self.unique("missing"), document: Self.ec2Trust) }
        let error = try #require(caught)
        #expect(error.code == "NoSuchEntity")
        #expect(error.statusCode == 404)
        #expect(error.operation == "iam.UpdateAssumeRolePolicy")
        await client.shutdown()
    }

    // MARK: Inline and attached policies

    @Test("an inline role policy can be put, read back URL-decoded, and deleted")
    func inlineRolePolicy() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto)
        let iam = IAM(client)
        let role = Self.unique("inline")
        try await Self.createRole(client, name: role)

        try await iam.putRolePolicy(roleName: role, policyName: "tricky", document: Self.trickyPolicy)
        let document = try await iam.getRolePolicy(roleName: role, policyName: "tricky")
        #expect(Self.sameJSON(document, Self.trickyPolicy))
        #expect(document.contains("caf\u{e9}/*"))
        #expect(document.contains("x+y=z"))

        try await iam.deleteRolePolicy(roleName: role, policyName: "tricky")
        let caught = await thrownAWSError { try await iam.getRolePolicy(roleName: role, policyName: "tricky") }
        let error = try #require(caught)
        #expect(error.kind == .service)
        #expect(error.code == "NoSuchEntity")
        #expect(error.operation == "iam.GetRolePolicy")
        await client.shutdown()
    }

    @Test("managed policies attach to and detach from roles and users")
    func attachDetach() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto)
        let iam = IAM(client)
        let tag = Self.unique("att")
        let policyArn = try await Self.createPolicy(client, name: tag, path: "/\(tag)/")
        try await Self.createRole(client, name: tag)
        try await Self.createUser(client, name: tag)

        try await iam.attachRolePolicy(roleName: tag, policyArn: policyArn)
        #expect(try await Self.attachedPolicyArns(client, "ListAttachedRolePolicies", "RoleName", tag) == [policyArn])
        try await iam.detachRolePolicy(roleName: tag, policyArn: policyArn)
        #expect(try await Self.attachedPolicyArns(client, "ListAttachedRolePolicies", "RoleName", tag).isEmpty)

        try await iam.attachUserPolicy(userName: tag, policyArn: policyArn)
        #expect(try await Self.attachedPolicyArns(client, "ListAttachedUserPolicies", "UserName", tag) == [policyArn])
        try await iam.detachUserPolicy(userName: tag, policyArn: policyArn)
        #expect(try await Self.attachedPolicyArns(client, "ListAttachedUserPolicies", "UserName", tag).isEmpty)

        // Detaching what is not attached, or attaching to nobody, is NoSuchEntity.
        let notAttached = await thrownAWSError { try await iam.detachRolePolicy(roleName: tag, policyArn: policyArn) }
        #expect(notAttached?.code == "NoSuchEntity")
        let noUser = await thrownAWSError { try await iam.attachUserPolicy(userName: Self.unique("nobody"), policyArn: policyArn) }
        #expect(noUser?.code == "NoSuchEntity")
        #expect(noUser?.statusCode == 404)
        await client.shutdown()
    }

    // MARK: Managed policies

    @Test("listPolicies filters local policies by path, pages, and reports attachment")
    func listPolicies() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto)
        let iam = IAM(client)
        let tag = Self.unique("pol")
        let path = "/\(tag)/"
        var arns: [String] = []
        for i in 0..<5 { arns.append(try await Self.createPolicy(client, name: "\(tag)-\(i)", path: path)) }

        var it = iam.listPolicies(scope: .local, pathPrefix: path, pageSize: 2).makeAsyncIterator()
        var policies: [IAM.ManagedPolicy] = []
        while let p = try await it.next() { policies.append(p) }
        #expect(policies.count == 5)
        #expect(it.pages == 3)
        #expect(Set(policies.map(\.arn)) == Set(arns))
        #expect(Set(policies.map(\.policyName)) == Set((0..<5).map { "\(tag)-\($0)" }))
        #expect(policies.allSatisfy { $0.path == path && $0.defaultVersionId == "v1" && $0.isAttachable == true })
        #expect(policies.allSatisfy { $0.attachmentCount == 0 && !$0.policyId.isEmpty && $0.createDate != nil })
        #expect(policies.allSatisfy { $0.arn == "arn:aws:iam::\(Self.account):policy\(path)\($0.policyName)" })

        // Only attached: attach one to a role.
        let role = Self.unique("polrole")
        try await Self.createRole(client, name: role)
        try await iam.attachRolePolicy(roleName: role, policyArn: arns[2])
        let attached = try await iam.listPolicies(scope: .local, onlyAttached: true, pathPrefix: path).collect()
        #expect(attached.map(\.arn) == [arns[2]])
        #expect(attached.first?.attachmentCount == 1)
        // AWS-managed scope holds none of ours.
        #expect(try await iam.listPolicies(scope: .aws, pathPrefix: path).collect().isEmpty)
        await client.shutdown()
    }

    @Test("getPolicyVersion returns each version's decoded document and which one is default")
    func policyVersions() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto)
        let iam = IAM(client)
        let tag = Self.unique("ver")
        let arn = try await Self.createPolicy(client, name: tag, document: Self.readPolicy)
        try await Self.query(client, "CreatePolicyVersion", [("PolicyArn", arn), ("PolicyDocument", Self.trickyPolicy), ("SetAsDefault", "true")])

        let v1 = try await iam.getPolicyVersion(policyArn: arn, versionId: "v1")
        #expect(v1.versionId == "v1")
        #expect(!v1.isDefaultVersion)
        #expect(Self.sameJSON(v1.document, Self.readPolicy))
        #expect(v1.createDate != nil)

        let v2 = try await iam.getPolicyVersion(policyArn: arn, versionId: "v2")
        #expect(v2.versionId == "v2")
        #expect(v2.isDefaultVersion)
        #expect(Self.sameJSON(v2.document, Self.trickyPolicy))

        let caught = await thrownAWSError { try await iam.getPolicyVersion(policyArn: arn, versionId: "v9") }
        let error = try #require(caught)
        #expect(error.code == "NoSuchEntity")
        #expect(error.statusCode == 404)
        #expect(error.requestId?.isEmpty == false)
        await client.shutdown()
    }

    // MARK: Users and access keys

    @Test("listUsers lists the users under a path prefix")
    func listUsers() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto)
        let tag = Self.unique("usr")
        let path = "/\(tag)/"
        var arns: [String: String] = [:]
        for i in 0..<3 { arns["\(tag)-\(i)"] = try await Self.createUser(client, name: "\(tag)-\(i)", path: path) }

        let users = try await IAM(client).listUsers(pathPrefix: path).collect()
        #expect(users.count == 3)
        for user in users {
            #expect(arns[user.userName] == user.arn)
            #expect(user.arn.hasPrefix("arn:aws:iam::\(Self.account):user"))
            #expect(user.arn.hasSuffix("/\(user.userName)"))
            #expect(user.path == path)
            #expect(!user.userId.isEmpty)
            #expect(user.createDate != nil)
            #expect(user.passwordLastUsed == nil)
        }
        await client.shutdown()
    }

    @Test("access keys are listed per user and can be deactivated")
    func accessKeys() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto)
        let iam = IAM(client)
        let user = Self.unique("key")
        try await Self.createUser(client, name: user)
        let first = try await Self.createAccessKey(client, user: user)
        let second = try await Self.createAccessKey(client, user: user)

        let keys = try await iam.listAccessKeys(userName: user).collect()
        #expect(Set(keys.map(\.accessKeyId)) == [first.id, second.id])
        #expect(keys.allSatisfy { $0.status == "Active" && $0.userName == user && $0.createDate != nil })

        try await iam.updateAccessKey(userName: user, accessKeyId: first.id, status: .inactive)
        let after = try await iam.listAccessKeys(userName: user).collect()
        #expect(after.first { $0.accessKeyId == first.id }?.status == "Inactive")
        #expect(after.first { $0.accessKeyId == second.id }?.status == "Active")

        try await iam.updateAccessKey(userName: user, accessKeyId: first.id, status: .active)
        #expect(try await iam.listAccessKeys(userName: user).collect().allSatisfy { $0.status == "Active" })

        let caught = await thrownAWSError { try await iam.updateAccessKey(userName: user, accessKeyId: "AKIAAAAAAAAAAAAAAAAA", status: .inactive) }
        #expect(caught?.code == "NoSuchEntity")

        // Without a user name the caller's own keys are listed: sign with the second key and see both of the user's.
        let asUser = client.with(credentials: StaticCredentialProvider(accessKeyId: second.id, secretAccessKey: second.secret))
        let own = try await IAM(asUser).listAccessKeys().collect()
        #expect(Set(own.map(\.accessKeyId)) == [first.id, second.id])
        #expect(own.allSatisfy { $0.userName == user })
        await client.shutdown()
    }

    // MARK: Account password policy

    // The password policy is account-wide: this is the only test of the process that touches it, and it leaves the
    // account without one, as it found it.
    @Test("the account password policy reads back as set, and is nil once deleted")
    func passwordPolicy() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto)
        let iam = IAM(client)
        let policy = IAM.PasswordPolicy(minimumPasswordLength: 14, requireSymbols: true, requireNumbers: true,
                                        requireUppercaseCharacters: true, requireLowercaseCharacters: false,
                                        allowUsersToChangePassword: true, maxPasswordAge: 90, passwordReusePrevention: 24,
                                        hardExpiry: false)
        try await iam.updateAccountPasswordPolicy(policy)
        let read = try #require(try await iam.getAccountPasswordPolicy())
        #expect(read.minimumPasswordLength == 14)
        #expect(read.requireSymbols == true)
        #expect(read.requireNumbers == true)
        #expect(read.requireUppercaseCharacters == true)
        #expect(read.requireLowercaseCharacters == false)
        #expect(read.allowUsersToChangePassword == true)
        #expect(read.maxPasswordAge == 90)
        #expect(read.passwordReusePrevention == 24)
        #expect(read.hardExpiry == false)
        // IAM derives ExpirePasswords from MaxPasswordAge.
        #expect(read.expirePasswords == true)

        _ = try await client.query(.iam, "DeleteAccountPasswordPolicy")
        let none = try await iam.getAccountPasswordPolicy()
        #expect(none == nil)
        await client.shutdown()
    }

    // MARK: GetAccountAuthorizationDetails

    @Test("authorization details find a role with its inline policy decoded, attached policy and instance profile")
    func authorizationDetailsRoles() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto)
        let iam = IAM(client)
        let tag = Self.unique("aad")
        let path = "/\(tag)/"
        let role = try await Self.createRole(client, name: tag, path: path)
        try await iam.putRolePolicy(roleName: tag, policyName: "inline-\(tag)", document: Self.trickyPolicy)
        let policyArn = try await Self.createPolicy(client, name: "\(tag)-managed")
        try await iam.attachRolePolicy(roleName: tag, policyArn: policyArn)
        try await Self.query(client, "CreateInstanceProfile", [("InstanceProfileName", "\(tag)-profile")])
        try await Self.query(client, "AddRoleToInstanceProfile", [("InstanceProfileName", "\(tag)-profile"), ("RoleName", tag)])

        let details = try await iam.getAccountAuthorizationDetails(filter: [.role])
        #expect(details.users.isEmpty)
        #expect(details.groups.isEmpty)
        #expect(details.policies.isEmpty)
        let found = try #require(details.roles.first { $0.role.roleName == tag })
        #expect(found.role.arn == role.arn)
        #expect(found.role.roleId == role.id)
        #expect(found.role.path == path)
        #expect(Self.sameJSON(found.role.assumeRolePolicyDocument, Self.ec2Trust))
        #expect(found.inlinePolicies.map(\.name) == ["inline-\(tag)"])
        #expect(Self.sameJSON(found.inlinePolicies.first?.document, Self.trickyPolicy))
        #expect(found.attachedPolicies.map(\.arn) == [policyArn])
        #expect(found.attachedPolicies.map(\.name) == ["\(tag)-managed"])
        #expect(found.instanceProfileArns.count == 1)
        #expect(found.instanceProfileArns.first?.hasSuffix(":instance-profile/\(tag)-profile") == true)
        #expect(found.permissionsBoundaryArn == nil)

        // The paged form gives the same role.
        var pages = 0
        var seen = false
        for try await page in iam.accountAuthorizationDetailsPages(filter: [.role]) {
            pages += 1
            if page.roles.contains(where: { $0.role.arn == role.arn }) { seen = true }
        }
        #expect(pages >= 1)
        #expect(seen)
        await client.shutdown()
    }

    @Test("authorization details list users with their groups and inline policies, and groups with theirs")
    func authorizationDetailsUsersAndGroups() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto)
        let iam = IAM(client)
        let tag = Self.unique("aadu")
        let userArn = try await Self.createUser(client, name: tag)
        try await Self.query(client, "CreateGroup", [("GroupName", "\(tag)-group")])
        try await Self.query(client, "AddUserToGroup", [("GroupName", "\(tag)-group"), ("UserName", tag)])
        try await Self.query(client, "PutUserPolicy", [("UserName", tag), ("PolicyName", "user-inline"), ("PolicyDocument", Self.readPolicy)])
        try await Self.query(client, "PutGroupPolicy", [("GroupName", "\(tag)-group"), ("PolicyName", "group-inline"),
                                                         ("PolicyDocument", Self.trickyPolicy)])
        let policyArn = try await Self.createPolicy(client, name: "\(tag)-managed")
        try await Self.query(client, "AttachGroupPolicy", [("GroupName", "\(tag)-group"), ("PolicyArn", policyArn)])

        let details = try await iam.getAccountAuthorizationDetails(filter: [.user, .group])
        #expect(details.roles.isEmpty)
        #expect(details.policies.isEmpty)
        let user = try #require(details.users.first { $0.user.userName == tag })
        #expect(user.user.arn == userArn)
        #expect(user.groups == ["\(tag)-group"])
        #expect(user.inlinePolicies.map(\.name) == ["user-inline"])
        #expect(Self.sameJSON(user.inlinePolicies.first?.document, Self.readPolicy))
        #expect(user.attachedPolicies.isEmpty)

        let group = try #require(details.groups.first { $0.groupName == "\(tag)-group" })
        #expect(group.arn == "arn:aws:iam::\(Self.account):group/\(tag)-group")
        #expect(!group.groupId.isEmpty)
        #expect(group.inlinePolicies.map(\.name) == ["group-inline"])
        #expect(Self.sameJSON(group.inlinePolicies.first?.document, Self.trickyPolicy))
        #expect(group.attachedPolicies.map(\.arn) == [policyArn])
        await client.shutdown()
    }

    // Moto's GetAccountAuthorizationDetails leaves PolicyName out of each entry of `Policies` (AWS sends it; botocore
    // models it). The client must still read the entry, taking the name from the ARN, or a whole scan of an
    // account fails on one missing field.
    @Test("authorization details list local managed policies with every version's document")
    func authorizationDetailsPolicies() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto)
        let iam = IAM(client)
        let tag = Self.unique("aadp")
        let path = "/\(tag)/"
        let arn = try await Self.createPolicy(client, name: tag, path: path, document: Self.readPolicy)
        try await Self.query(client, "CreatePolicyVersion", [("PolicyArn", arn), ("PolicyDocument", Self.trickyPolicy), ("SetAsDefault", "true")])

        let details = try await iam.getAccountAuthorizationDetails(filter: [.localManagedPolicy])
        #expect(details.users.isEmpty && details.roles.isEmpty && details.groups.isEmpty)
        let policy = try #require(details.policies.first { $0.arn == arn })
        #expect(policy.policyName == tag)
        #expect(policy.path == path)
        #expect(policy.defaultVersionId == "v2")
        #expect(policy.versions.map(\.versionId) == ["v1", "v2"])
        #expect(policy.versions.map(\.isDefaultVersion) == [false, true])
        #expect(Self.sameJSON(policy.versions.first?.document, Self.readPolicy))
        #expect(Self.sameJSON(policy.versions.last?.document, Self.trickyPolicy))
        await client.shutdown()
    }
}
