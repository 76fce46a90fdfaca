import Bus
import CLCrypto
import Foundation
import Store
import Wire

/// EventBridge API destinations: a per-tenant secret (shown once, stored encrypted) authenticates
/// `POST /v1/ingest/eventbridge/{tenant}` either as `Authorization: Bearer <secret>` or as
/// `X-CloudLoom-Signature: sha256=<hex HMAC-SHA256 of the body>`; both are compared in constant time.
struct EventBridgeRPC: Sendable {
    let database: Database
    let secrets: SecretBox
    let pipeline: EventPipeline

    func register(on server: RPCServer) {
        let database = self.database, secrets = self.secrets, pipeline = self.pipeline
        server.register("rotateEventBridgeSecret", CLRotateEventBridgeSecretRequest.self) { _, ctx in
            let tenant = try ctx.requireTenant()
            let secret = "clebs_" + Hex.encode(SecureRandom.bytes(32))
            let sealed = try secrets.seal(secret, tenant: tenant, purpose: "eventbridge")
            _ = try await database.withTransaction(tenant: tenant) { conn in
                try conn.query("""
                    INSERT INTO ingestor.eventbridge_secrets (tenant_id, secret_enc) VALUES (\(tenant)::uuid, \(sealed))
                    ON CONFLICT (tenant_id) DO UPDATE SET secret_enc = EXCLUDED.secret_enc, created_at = now()
                    """)
            }
            var resp = CLRotateEventBridgeSecretResponse()
            resp.secret = secret
            return resp
        }
        server.register("ingestEventBridge", CLEventBridgeIngestRequest.self) { req, ctx in
            let tenant = try ctx.requireTenant()
            let rows = try await database.query("SELECT secret_enc FROM ingestor.eventbridge_secrets", tenant: tenant)
            // One answer whether or not the tenant has a secret, so outsiders learn nothing about it.
            guard let row = rows.first else { throw BusError(.unauthenticated, Self.refused) }
            let secret = try secrets.open(try row.bytes("secret_enc"), tenant: tenant, purpose: "eventbridge")
            guard Self.verify(secret: secret, authorization: req.authorization, signature: req.signature, body: Array(req.ingest.body)) else {
                throw BusError(.unauthenticated, Self.refused)
            }
            return try await pipeline.ingest(body: Array(req.ingest.body), contentEncoding: req.ingest.contentEncoding, tenant: tenant,
                                             source: "eventbridge", requestID: req.ingest.requestID)
        }
    }

    static let refused = "the EventBridge secret or signature does not match"

    /// True when the bearer token equals the secret or the signature is the body's HMAC under it.
    static func verify(secret: String, authorization: String, signature: String, body: [UInt8]) -> Bool {
        var ok = false
        if authorization.lowercased().hasPrefix("bearer ") {
            let token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            ok = ConstantTime.equals(SHA256.hash(Array(token.utf8)), SHA256.hash(Array(secret.utf8)))
        }
        if !ok, signature.lowercased().hasPrefix("sha256=") {
            let given = String(signature.dropFirst(7)).lowercased()
            let expected = Hex.encode(HMACSHA256.authenticate(body, key: Array(secret.utf8)))
            ok = ConstantTime.equals(Array(given.utf8), Array(expected.utf8))
        }
        return ok
    }
}
