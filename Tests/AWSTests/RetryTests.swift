import AWS
import Foundation
import Testing
import TestSupport

/// The client's retries, timeouts and handling of answers that are not what the protocol promises, against a local
/// server that answers from a script and records what it was sent.
@Suite("AWS client retries and malformed answers")
struct RetryTests {
    static let callerIdentity = """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>\
        <UserId>AKIAIOSFODNN7EXAMPLE</UserId><Account>123456789012</Account><Arn>arn:aws:sts::123456789012:user/moto</Arn>\
        </GetCallerIdentityResult><ResponseMetadata><RequestId>req-ok</RequestId></ResponseMetadata></GetCallerIdentityResponse>
        """

    static let throttling = """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>Throttling</Code>\
        <Message>Rate exceeded</Message></Error><RequestId>req-throttled</RequestId></ErrorResponse>
        """

    static let accessDenied = """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>\
        <Message>User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:GetCallerIdentity</Message></Error>\
        <RequestId>req-denied</RequestId></ErrorResponse>
        """

    /// What a proxy in front of AWS (or moto's Werkzeug on a crash) answers instead of an error document.
    static let htmlPage = """
        <!doctype html>
        <html lang=en>
        <title>503 Service Unavailable</title>
        <h1>Service Unavailable</h1>
        <p>The server is temporarily unable to service your request.</p>
        """

    static func listRolesPage(marker: String) -> String {
        """
        <ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRolesResult><Roles><member><Path>/</Path>\
        <RoleName>loop-role</RoleName><RoleId>AROALOOPROLE</RoleId><Arn>arn:aws:iam::123456789012:role/loop-role</Arn>\
        <CreateDate>2024-01-02T03:04:05Z</CreateDate></member></Roles><IsTruncated>true</IsTruncated><Marker>\(marker)</Marker>\
        </ListRolesResult><ResponseMetadata><RequestId>req-page</RequestId></ResponseMetadata></ListRolesResponse>
        """
    }

    static func client(_ server: ScriptedServer, retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(5)),
                       timeout: Duration = .seconds(30)) -> AWSClient {
        AWSClient(credentials: StaticCredentialProvider(accessKeyId: "AKIDTEST", secretAccessKey: "secret"),
                  configuration: .init(region: "us-east-1", endpoint: server.endpoint, retry: retry, timeout: timeout))
    }

    @Test("two Throttling answers and then success: the call succeeds on the third attempt, each one signed")
    func throttlingThenSuccess() async throws {
        let server = try await ScriptedServer.start([.xml(400, Self.throttling), .xml(400, Self.throttling), .xml(200, Self.callerIdentity)])
        let client = Self.client(server)

        let identity = try await STS(client).getCallerIdentity()
        #expect(identity.account == "123456789012")
        #expect(identity.arn == "arn:aws:sts::123456789012:user/moto")
        #expect(identity.userId == "AKIAIOSFODNN7EXAMPLE")

        let requests = try await server.requests()
        #expect(requests.count == 3)
        for r in requests {
            #expect(r.method == "POST")
            #expect(r.path == "/")
            #expect(r.formParameters["Action"] == "GetCallerIdentity")
            #expect(r.formParameters["Version"] == "2011-06-15")
            let auth = r.header("Authorization") ?? ""
            #expect(auth.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDTEST/"))
            #expect(auth.contains("/us-east-1/sts/aws4_request"))
            #expect(r.header("X-Amz-Date")?.count == 16)
            #expect(r.header("User-Agent") == "cloudloom/1.0")
        }
        await client.shutdown()
        await server.stop()
    }

    @Test("a permanent error (AccessDenied, 403) is thrown after one attempt")
    func permanentErrorNotRetried() async throws {
        let server = try await ScriptedServer.start([.xml(403, Self.accessDenied), .xml(200, Self.callerIdentity)])
        let client = Self.client(server)

        let caught = await thrownAWSError { try await STS(client).getCallerIdentity() }
        let error = try #require(caught)
        #expect(error.kind == .service)
        #expect(error.code == "AccessDenied")
        #expect(error.message.contains("is not authorized to perform: sts:GetCallerIdentity"))
        #expect(error.statusCode == 403)
        #expect(error.requestId == "req-denied")
        #expect(error.operation == "sts.GetCallerIdentity")
        #expect(error.attempts == 1)
        #expect(!error.isRetryable)
        let requests = try await server.requests()
        #expect(requests.count == 1)
        await client.shutdown()
        await server.stop()
    }

    @Test("an HTML 503 page on every attempt ends as a malformed response after maxAttempts")
    func htmlPageForever() async throws {
        let page = ScriptedServer.Response(status: 503, headers: ["Content-Type": "text/html; charset=utf-8"], body: Self.htmlPage)
        let server = try await ScriptedServer.start([page])
        let client = Self.client(server, retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10)))

        let caught = await thrownAWSError { try await STS(client).getCallerIdentity() }
        let error = try #require(caught)
        #expect(error.kind == .malformedResponse)
        #expect(error.code == "UnreadableErrorResponse")
        #expect(error.statusCode == 503)
        #expect(error.attempts == 3)
        #expect(error.isRetryable)
        #expect(error.message.contains("text/html"))
        #expect(error.description.contains("after 3 attempts"))
        let requests = try await server.requests()
        #expect(requests.count == 3)
        await client.shutdown()
        await server.stop()
    }

    @Test("a 200 with truncated XML is a malformed response (InvalidXML) and is not retried")
    func truncatedXML() async throws {
        let truncated = String(Self.callerIdentity.prefix(140))
        let server = try await ScriptedServer.start([.xml(200, truncated), .xml(200, Self.callerIdentity)])
        let client = Self.client(server)

        let caught = await thrownAWSError { try await STS(client).getCallerIdentity() }
        let error = try #require(caught)
        #expect(error.kind == .malformedResponse)
        #expect(error.code == "InvalidXML")
        #expect(error.statusCode == 200)
        #expect(error.operation == "sts.GetCallerIdentity")
        #expect(error.attempts == 1)
        #expect(error.underlying is XMLDocumentError)
        let requests = try await server.requests()
        #expect(requests.count == 1)
        await client.shutdown()
        await server.stop()
    }

    /// The part of KMS ListKeys the test reads; `Keys` is required.
    private struct KeyList: Decodable {
        struct Key: Decodable { var KeyId: String }
        var Keys: [Key]
    }

    @Test("a JSON-protocol answer without a required field is a malformed response (InvalidJSON)")
    func unexpectedJSON() async throws {
        let good = #"{"Keys": [{"KeyArn": "arn:aws:kms:us-east-1:123456789012:key/k-1", "KeyId": "k-1"}], "Truncated": false}"#
        let server = try await ScriptedServer.start([.json(200, good)])
        let client = Self.client(server)

        // The well-formed answer decodes, so the failure below is about the answer, not the call.
        let keys = try await client.json(.kms, "ListKeys", [String: String](), as: KeyList.self)
        #expect(keys.Keys.map(\.KeyId) == ["k-1"])

        try await server.setScript([.json(200, #"{"Truncated": false, "NextMarker": null}"#)])
        let caught = await thrownAWSError { try await client.json(.kms, "ListKeys", [String: String](), as: KeyList.self) }
        let error = try #require(caught)
        #expect(error.kind == .malformedResponse)
        #expect(error.code == "InvalidJSON")
        #expect(error.message.contains("Keys"))
        #expect(error.operation == "kms.ListKeys")
        #expect(error.attempts == 1)

        let requests = try await server.requests()
        #expect(requests.count == 2)
        for r in requests {
            #expect(r.header("X-Amz-Target") == "TrentService.ListKeys")
            #expect(r.header("Content-Type") == "application/x-amz-json-1.1")
            #expect(r.body == "{}")
            #expect(r.header("Authorization")?.contains("/us-east-1/kms/aws4_request") == true)
        }
        await client.shutdown()
        await server.stop()
    }

    @Test("an answer slower than the configured timeout is a timeout error, not a hang")
    func timeout() async throws {
        let slow = ScriptedServer.Response(status: 200, headers: ["Content-Type": "text/xml"], body: Self.callerIdentity,
                                           delayMilliseconds: 10_000)
        let server = try await ScriptedServer.start([slow])
        let client = Self.client(server, retry: RetryPolicy(maxAttempts: 1), timeout: .milliseconds(300))

        let started = ContinuousClock.now
        let caught = await thrownAWSError { try await STS(client).getCallerIdentity() }
        let error = try #require(caught)
        let elapsed = ContinuousClock.now - started
        // Had the client waited for the answer, the call would have succeeded; the kind is the real proof. No upper
        // bound on the time: on 2 busy cores the HTTP tests measured several seconds for a 0.5 s timeout.
        #expect(error.kind == .timeout)
        #expect(error.code == "Timeout")
        #expect(error.attempts == 1)
        #expect(error.isRetryable)
        #expect(elapsed >= .milliseconds(250))
        let requests = try await server.requests()
        #expect(requests.count == 1)
        await client.shutdown()
        await server.stop()
    }

    @Test("a timed-out attempt is retried and the next answer is used")
    func timeoutThenSuccess() async throws {
        let slow = ScriptedServer.Response(status: 200, headers: ["Content-Type": "text/xml"], body: Self.callerIdentity,
                                           delayMilliseconds: 10_000)
        let server = try await ScriptedServer.start([slow, .xml(200, Self.callerIdentity)])
        let client = Self.client(server, retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5)), timeout: .milliseconds(500))

        let identity = try await STS(client).getCallerIdentity()
        #expect(identity.account == "123456789012")
        let requests = try await server.requests()
        #expect(requests.count == 2)
        await client.shutdown()
        await server.stop()
    }

    @Test("a page token the service repeats stops the paginator with PaginationLoop")
    func paginationLoop() async throws {
        let server = try await ScriptedServer.start([.xml(200, Self.listRolesPage(marker: "same-token"))])
        let client = Self.client(server)

        var it = IAM(client).listRoles(pageSize: 1).makeAsyncIterator()
        let first = try await it.next()
        #expect(first?.roleName == "loop-role")
        #expect(first?.arn == "arn:aws:iam::123456789012:role/loop-role")
        do {
            let next = try await it.next()
            Issue.record("the second page should have been refused, got \(String(describing: next))")
        } catch {
            #expect(error.code == "PaginationLoop")
            #expect(error.kind == .malformedResponse)
            #expect(error.message.contains("same-token"))
        }
        #expect(it.pages == 2)

        let requests = try await server.requests()
        #expect(requests.count == 2)
        #expect(requests.first?.formParameters["Action"] == "ListRoles")
        #expect(requests.first?.formParameters["MaxItems"] == "1")
        #expect(requests.first?.formParameters["Marker"] == nil)
        #expect(requests.last?.formParameters["Marker"] == "same-token")

        // collect() reports the same loop.
        let caught = await thrownAWSError { try await IAM(client).listRoles().collect() }
        let error = try #require(caught)
        #expect(error.code == "PaginationLoop")
        await client.shutdown()
        await server.stop()
    }

    @Test("missing credentials fail before anything is sent")
    func missingCredentials() async throws {
        let server = try await ScriptedServer.start([.xml(200, Self.callerIdentity)])
        let client = AWSClient(credentials: EnvironmentCredentialProvider(environment: [:]),
                               configuration: .init(region: "us-east-1", endpoint: server.endpoint,
                                                    retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(5))))

        let caught = await thrownAWSError { try await STS(client).getCallerIdentity() }
        let error = try #require(caught)
        #expect(error.kind == .credentials)
        #expect(error.code == "MissingCredentials")
        #expect(error.operation == "sts.GetCallerIdentity")
        #expect(error.attempts == 1)
        let requests = try await server.requests()
        #expect(requests.isEmpty)
        await client.shutdown()
        await server.stop()
    }

    @Test("a refused connection is a transport error, retried up to maxAttempts")
    func connectionRefused() async throws {
        let port = try TestEnvironment.freePort()
        let client = AWSClient(credentials: StaticCredentialProvider(accessKeyId: "AKIDTEST", secretAccessKey: "secret"),
                               configuration: .init(region: "us-east-1", endpoint: "http://127.0.0.1:\(port)",
                                                    retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5)),
                                                    timeout: .seconds(5)))
        let caught = await thrownAWSError { try await STS(client).getCallerIdentity() }
        let error = try #require(caught)
        #expect(error.kind == .transport)
        #expect(error.attempts == 2)
        #expect(error.isRetryable)
        await client.shutdown()
    }
}
