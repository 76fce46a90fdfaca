import AWS
import Foundation
import Testing
import TestSupport

/// STS against the moto emulator: who the caller is, assuming a role, calls made with the assumed credentials, and
/// the caching and refresh of ``AssumeRoleCredentialProvider``. Moto accepts any keys and is shared by the process,
/// so every role here has a unique name.
@Suite("STS against moto")
struct STSMotoTests {
    static let account = "123456789012"

    static func client(_ endpoint: String) -> AWSClient {
        AWSClient(credentials: StaticCredentialProvider(accessKeyId: "AKIDTEST", secretAccessKey: "secret"),
                  configuration: .init(region: "us-east-1", endpoint: endpoint,
                                       retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(50))))
    }

    /// A role whose trust policy asks for `externalId`, the way a tenant connects an account, under a path of its own
    /// (so listing that path finds exactly it, whatever other tests create meanwhile).
    static func createTenantRole(_ client: AWSClient, externalId: String) async throws -> (name: String, arn: String, id: String, path: String) {
        let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let name = "tenant-\(tag)"
        let path = "/sts-\(tag)/"
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(account):root"},"#
            + #""Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"\#(externalId)"}}}]}"#
        var p = QueryParameters()
        p.add("RoleName", name)
        p.add("Path", path)
        p.add("AssumeRolePolicyDocument", trust)
        let r = try await client.query(.iam, "CreateRole", p)
        return (name, try #require(r.string("Role", "Arn")), try #require(r.string("Role", "RoleId")), path)
    }

    @Test("GetCallerIdentity names moto's account and an ARN in it")
    func callerIdentity() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto.endpoint)
        let identity = try await STS(client).getCallerIdentity()
        #expect(identity.account == Self.account)
        #expect(identity.arn.hasPrefix("arn:aws:sts::\(Self.account):") || identity.arn.hasPrefix("arn:aws:iam::\(Self.account):"))
        #expect(!identity.userId.isEmpty)
        await client.shutdown()
    }

    @Test("AssumeRole with an external ID and duration gives temporary credentials that the next calls use")
    func assumeRole() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto.endpoint)
        let externalId = "ext-\(UUID().uuidString.prefix(8))"
        let role = try await Self.createTenantRole(client, externalId: externalId)
        #expect(role.arn == "arn:aws:iam::\(Self.account):role\(role.path)\(role.name)")
        let session = "cloudloom-audit"

        let before = Date()
        let assumed = try await STS(client).assumeRole(roleArn: role.arn, sessionName: session, externalId: externalId, durationSeconds: 900)
        #expect(assumed.assumedRoleArn == "arn:aws:sts::\(Self.account):assumed-role/\(role.name)/\(session)")
        #expect(assumed.assumedRoleId == "\(role.id):\(session)")
        let creds = assumed.credentials
        #expect(creds.accessKeyId.hasPrefix("ASIA"))
        #expect(!creds.secretAccessKey.isEmpty)
        #expect(creds.sessionToken?.isEmpty == false)
        let expiration = try #require(creds.expiration)
        // 900 s from now, give or take the clock and the call itself.
        #expect(expiration.timeIntervalSince(before) > 840)
        #expect(expiration.timeIntervalSince(before) < 960)
        #expect(!creds.expires(within: 600))
        #expect(creds.expires(within: 1200))

        // Calls with the returned credentials are made as the assumed role (moto tells by the access key).
        let asRole = client.with(credentials: StaticCredentialProvider(creds))
        let identity = try await STS(asRole).getCallerIdentity()
        #expect(identity.arn == assumed.assumedRoleArn)
        #expect(identity.userId == assumed.assumedRoleId)
        #expect(identity.account == Self.account)
        // The session token rides along on other services too.
        let roles = try await IAM(asRole).listRoles(pathPrefix: role.path).collect()
        #expect(roles.map(\.arn) == [role.arn])
        await client.shutdown()
    }

    @Test("the credentials provider assumes once and serves the cached credentials until they near expiry")
    func providerCaches() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto.endpoint)
        let role = try await Self.createTenantRole(client, externalId: "ext-cache")
        let provider = AssumeRoleCredentialProvider(base: client, roleArn: role.arn, externalId: "ext-cache", sessionName: "cache-test",
                                                    durationSeconds: 900, refreshMargin: 60)
        let tenant = client.with(credentials: provider)

        let first = try await STS(tenant).getCallerIdentity()
        let second = try await STS(tenant).getCallerIdentity()
        #expect(first.arn == "arn:aws:sts::\(Self.account):assumed-role/\(role.name)/cache-test")
        #expect(second.arn == first.arn)
        #expect(await provider.assumeCount == 1)
        let a = try await provider.credentials()
        let b = try await provider.credentials()
        #expect(a == b)
        #expect(await provider.assumeCount == 1)
        await client.shutdown()
    }

    @Test("concurrent first callers share one AssumeRole")
    func providerSharesRefresh() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto.endpoint)
        let role = try await Self.createTenantRole(client, externalId: "ext-shared")
        let provider = AssumeRoleCredentialProvider(base: client, roleArn: role.arn, externalId: "ext-shared", durationSeconds: 900)

        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await provider.credentials().accessKeyId } }
            var keys: [String] = []
            for try await key in group { keys.append(key) }
            return keys
        }
        #expect(keys.count == 8)
        #expect(Set(keys).count == 1)
        #expect(await provider.assumeCount == 1)
        await client.shutdown()
    }

    @Test("with a refresh margin longer than the session, every call assumes the role again")
    func providerRefreshes() async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = Self.client(moto.endpoint)
        let role = try await Self.createTenantRole(client, externalId: "ext-refresh")
        // 900 s credentials are always within 3600 s of expiry: each use refreshes them.
        let provider = AssumeRoleCredentialProvider(base: client, roleArn: role.arn, externalId: "ext-refresh", sessionName: "refresh-test",
                                                    durationSeconds: 900, refreshMargin: 3600)
        let tenant = client.with(credentials: provider)

        var keys: Set<String> = []
        for _ in 0..<3 {
            let identity = try await STS(tenant).getCallerIdentity()
            #expect(identity.arn == "arn:aws:sts::\(Self.account):assumed-role/\(role.name)/refresh-test")
            keys.insert(try await provider.credentials().accessKeyId)
        }
        // Three calls plus three direct reads: six assumptions, each with new keys.
        #expect(await provider.assumeCount == 6)
        #expect(keys.count == 3)
        await client.shutdown()
    }

    // A scripted server, not moto: moto ignores ExternalId and DurationSeconds, so only the request shows they are sent.
    @Test("AssumeRole sends RoleArn, RoleSessionName, ExternalId and DurationSeconds")
    func assumeRoleRequest() async throws {
        let answer = """
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>\
            <AccessKeyId>ASIASCRIPTED</AccessKeyId><SecretAccessKey>scripted-secret</SecretAccessKey>\
            <SessionToken>scripted-token</SessionToken><Expiration>2030-01-02T03:04:05.123456Z</Expiration></Credentials>\
            <AssumedRoleUser><AssumedRoleId>AROASCRIPTED:s</AssumedRoleId><Arn>arn:aws:sts::111122223333:assumed-role/r/s</Arn>\
            </AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></AssumeRoleResponse>
            """
        let server = try await ScriptedServer.start([.xml(200, answer)])
        let client = Self.client(server.endpoint)

        let assumed = try await STS(client).assumeRole(roleArn: "arn:aws:iam::111122223333:role/r", sessionName: "s",
                                                       externalId: "tenant secret/+=", durationSeconds: 1800)
        #expect(assumed.credentials.accessKeyId == "ASIASCRIPTED")
        #expect(assumed.credentials.secretAccessKey == "scripted-secret")
        #expect(assumed.credentials.sessionToken == "scripted-token")
        let expiration = try #require(assumed.credentials.expiration)
        #expect(abs(expiration.timeIntervalSince1970 - 1_893_553_445.123) < 0.01)
        #expect(assumed.assumedRoleArn == "arn:aws:sts::111122223333:assumed-role/r/s")
        #expect(assumed.assumedRoleId == "AROASCRIPTED:s")

        let requests = try await server.requests()
        #expect(requests.count == 1)
        let form = try #require(requests.first?.formParameters)
        #expect(form["Action"] == "AssumeRole")
        #expect(form["Version"] == "2011-06-15")
        #expect(form["RoleArn"] == "arn:aws:iam::111122223333:role/r")
        #expect(form["RoleSessionName"] == "s")
        #expect(form["ExternalId"] == "tenant secret/+=")
        #expect(form["DurationSeconds"] == "1800")
        #expect(requests.first?.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
        await client.shutdown()
        await server.stop()
    }

    @Test("a refused AssumeRole fails the provider with the role in the message, and is retried on the next call")
    func providerFailure() async throws {
        let denied = """
            <ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message>\
            </Error><RequestId>req-denied</RequestId></ErrorResponse>
            """
        let server = try await ScriptedServer.start([.xml(403, denied)])
        let client = Self.client(server.endpoint)
        let arn = "arn:aws:iam::111122223333:role/locked"
        let provider = AssumeRoleCredentialProvider(base: client, roleArn: arn, externalId: "x")

        let caught = await thrownAWSError { try await provider.credentials() }
        let error = try #require(caught)
        #expect(error.code == "AccessDenied")
        #expect(error.message.hasPrefix("cannot assume \(arn): "))
        #expect(error.message.contains("not authorized to perform sts:AssumeRole"))

        // A call through a client using the provider fails with the same error, and nothing is cached.
        let tenant = client.with(credentials: provider)
        let viaClient = await thrownAWSError { try await STS(tenant).getCallerIdentity() }
        #expect(viaClient?.code == "AccessDenied")
        #expect(await provider.assumeCount == 2)
        let requests = try await server.requests()
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.formParameters["Action"] == "AssumeRole" })
        await client.shutdown()
        await server.stop()
    }
}
