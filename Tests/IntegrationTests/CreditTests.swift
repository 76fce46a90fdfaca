import Foundation
import Testing
import TestSupport

extension EndToEndTests {
    /// Paid actions through the gateway and the billing service: charged only when validated and successful,
    /// 402 when the balance does not cover the price, idempotent retries, operator grants.
    @Suite("Credits through the gateway", .serialized)
    struct CreditTests {
        typealias H = IngestSourcesTests
        static let lint = #"{"policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}"#

        static func balance(_ stack: ServiceStack, _ key: String) async throws -> (balance: Int, available: Int, ledger: [[String: Any]]) {
            let r = try await stack.get("/v1/credits", key: key)
            guard r.status == 200 else { throw TestEnvironmentError("GET /v1/credits: \(r.status) \(r.text)") }
            return (r.object["balance"] as? Int ?? -1, r.object["available"] as? Int ?? -1, (r.object["ledger"] as? [[String: Any]]) ?? [])
        }

        @Test("an IAM lint costs its price once it succeeded; a refused request costs nothing; a retried Idempotency-Key is charged once")
        func iamLintCharges() async throws {
            let stack = try await StackHolder.shared.stack()
            let t = try await stack.createTenant(H.unique("credits-"))
            let start = try await Self.balance(stack, t.key)
            let prices = try await stack.get("/v1/credits", key: t.key).object["prices"] as? [String: Int]
            let price = try #require(prices?["iam_lint"])
            #expect(price == 5)

            let ok = try await stack.post("/v1/iam/policies/lint", key: t.key, json: Self.lint)
            #expect(ok.status == 200, "\(ok.text)")
            #expect(ok.object["credits_charged"] as? Int == price)
            var now = try await Self.balance(stack, t.key)
            #expect(now.balance == start.balance - price)
            #expect(now.available == now.balance, "nothing may stay held after the commit")
            #expect(now.ledger.contains { $0["kind"] as? String == "charge" && $0["action"] as? String == "iam_lint" && $0["credits"] as? Int == -price })

            // Refused before any work: not charged.
            for body in [#"{}"#, #"{"policy":{"Version":"2012-10-17","Statement":[]},"kind":"weird"}"#,
                         #"{"policy":{"Version":"2012-10-17","Statement":[]},"account_id":"12"}"#, "not json"] {
                let bad = try await stack.post("/v1/iam/policies/lint", key: t.key, json: body)
                #expect(bad.status == 400, "\(body): \(bad.text)")
            }
            #expect(try await Self.balance(stack, t.key).balance == now.balance)
            // A viewer is refused (403) and not charged either.
            let viewer = try await stack.post("/v1/keys", key: t.key, json: #"{"name":"v","role":"viewer"}"#).object["api_key"] as? String
            #expect(try await stack.post("/v1/iam/policies/lint", key: viewer, json: Self.lint).status == 403)
            #expect(try await Self.balance(stack, t.key).balance == now.balance)

            // The same Idempotency-Key twice: one charge.
            let key = UUID().uuidString
            for _ in 0..<2 {
                let r = try await stack.request("POST", "/v1/iam/policies/lint", key: t.key, body: Array(Self.lint.utf8),
                                                headers: [("Idempotency-Key", key)])
                #expect(r.status == 200, "\(r.text)")
            }
            let after = try await Self.balance(stack, t.key)
            #expect(after.balance == now.balance - price)
            now = after
            // The same key for a different request is a different, paid request (a reused key is no free pass).
            let other = Self.lint.replacingOccurrences(of: "s3:GetObject", with: "s3:PutObject")
            let reused = try await stack.request("POST", "/v1/iam/policies/lint", key: t.key, body: Array(other.utf8),
                                                 headers: [("Idempotency-Key", key)])
            #expect(reused.status == 200)
            #expect(try await Self.balance(stack, t.key).balance == now.balance - price)
            now = try await Self.balance(stack, t.key)
            #expect(now.balance >= 0)
        }

        @Test("when the balance does not cover the price the answer is 402 naming both, and nothing is charged")
        func insufficientCredits() async throws {
            let stack = try await StackHolder.shared.stack()
            let t = try await stack.createTenant(H.unique("credits-poor-"))
            var b = try await Self.balance(stack, t.key)
            // Spend down to less than one lint, in parallel batches (the billing service serializes per tenant).
            while b.available >= 5 {
                let n = min(20, b.available / 5)
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<n { group.addTask { try await stack.post("/v1/iam/policies/lint", key: t.key, json: Self.lint).status } }
                    for try await status in group { #expect(status == 200 || status == 402) }
                }
                b = try await Self.balance(stack, t.key)
            }
            #expect(b.balance >= 0 && b.available < 5)
            let refused = try await stack.post("/v1/iam/policies/lint", key: t.key, json: Self.lint)
            #expect(refused.status == 402, "\(refused.text)")
            #expect(H.error(refused).code == "insufficient_credits")
            #expect(H.error(refused).message.contains("iam_lint costs 5"), "\(refused.text)")
            #expect(H.error(refused).message.contains("balance is \(b.balance)"), "\(refused.text)")
            #expect(try await Self.balance(stack, t.key).balance == b.balance)

            // The operator grants more; the lint works again.
            let denied = try await stack.post("/v1/tenants/\(t.id)/credits", key: t.key, json: #"{"credits":100}"#)
            #expect(denied.status == 401, "a tenant key cannot grant itself credits")
            let unknown = try await stack.post("/v1/tenants/\(UUID().uuidString.lowercased())/credits", key: stack.operatorKey,
                                               json: #"{"credits":100}"#)
            #expect(unknown.status == 404)
            let grant = try await stack.post("/v1/tenants/\(t.id)/credits", key: stack.operatorKey,
                                             json: #"{"credits":100,"reason":"test top-up"}"#)
            #expect(grant.status == 201, "\(grant.text)")
            #expect(grant.object["balance"] as? Int == b.balance + 100)
            #expect(try await stack.post("/v1/iam/policies/lint", key: t.key, json: Self.lint).status == 200)
            let ledger = try await Self.balance(stack, t.key).ledger
            #expect(ledger.contains { $0["kind"] as? String == "grant" && $0["reason"] as? String == "test top-up" })
        }
    }
}
