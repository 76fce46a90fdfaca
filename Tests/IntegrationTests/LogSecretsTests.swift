import Foundation
import Testing
import TestSupport

extension EndToEndTests {
    /// No secret reaches a log line: the services' logs of this test run hold none of the keys and secrets the tests
    /// used (operator key, encryption key, API keys, EventBridge secrets, AWS secret keys, database password).
    @Suite("No secrets in logs", .serialized)
    struct LogSecretsTests {
        @Test("the service logs hold no operator key, encryption key, API key, EventBridge secret, AWS secret or database password")
        func noSecretsInLogs() async throws {
            let stack = try await StackHolder.shared.stack()
            // Make sure the secrets exist in this run: a key, an EventBridge secret, an account with a secret key,
            // and a failing request that carries a key.
            let t = try await stack.createTenant(IngestSourcesTests.unique("secrets-"))
            let created = try await stack.post("/v1/keys", key: t.key, json: #"{"name":"s","role":"operator"}"#)
            let apiKey = try #require(created.object["api_key"] as? String)
            let eb = try await stack.post("/v1/ingest/eventbridge/secret", key: t.key, json: "")
            let ebSecret = try #require(eb.object["secret"] as? String, "\(eb.text)")
            let awsSecret = "moto-secret-" + UUID().uuidString
            let account = try await stack.post("/v1/accounts", key: t.key, json: try IngestSourcesTests.json([
                "name": IngestSourcesTests.unique("secrets-"), "account_id": IngestSourcesTests.awsAccountID(), "regions": ["us-east-1"],
                "access_key_id": "AKIDTEST", "secret_access_key": awsSecret, "endpoint_url": "http://127.0.0.1:9",
                "sqs_queue_url": "http://127.0.0.1:9/123456789012/q",
            ]))
            #expect(account.status == 201, "\(account.text)")
            _ = try await stack.request("POST", "/v1/events/cloudtrail", key: apiKey, body: Array("not json".utf8))
            _ = try await stack.get("/v1/findings", key: apiKey + "x")
            // Give the SQS poller time to fail against the dead endpoint (its errors are logged).
            try await Task.sleep(for: .seconds(3))

            let dbPassword = URLComponents(string: stack.postgres.appURL)?.password ?? ""
            let secrets: [(String, String)] = [
                ("operator key", stack.operatorKey), ("CL_SECRETS_KEY", stack.secretsKey), ("admin API key", t.key),
                ("operator API key", apiKey), ("EventBridge secret", ebSecret), ("AWS secret access key", awsSecret),
                ("database password", dbPassword),
            ]
            let files = try FileManager.default.contentsOfDirectory(at: stack.logDirectory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "log" }
            #expect(files.count >= 8, "\(files.map(\.lastPathComponent))")
            var bytes = 0
            for file in files {
                let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
                bytes += text.utf8.count
                // The test database's password is the word "cloudloom", which every log line names as the product; only
                // secrets long enough to be unique are searched for.
                for (what, secret) in secrets where secret.count >= 12 {
                    #expect(!text.contains(secret), "\(file.lastPathComponent) contains the \(what)")
                }
                // No API key of any tenant, whatever test created it.
                #expect(text.range(of: "clk_[0-9a-f]{64}", options: .regularExpression) == nil, "\(file.lastPathComponent) contains an API key")
                #expect(text.range(of: "clebs_[0-9a-f]{64}", options: .regularExpression) == nil,
                        "\(file.lastPathComponent) contains an EventBridge secret")
            }
            #expect(bytes > 10_000, "the logs are nearly empty (\(bytes) bytes): the check would prove nothing")
        }
    }
}
