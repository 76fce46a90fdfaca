import Bus
import CLCrypto
import Foundation
import HTTPTypes
import Hummingbird
import Wire

/// Credits: paid actions go through the billing service (reserve after validation, commit on success, release on
/// failure, so nobody pays for a refused or failed action); `GET /v1/credits`; the operator's grants.
extension GatewayAPI {
    func addCreditRoutes(to v1: RouterGroup<GatewayRequestContext>) {
        v1.get("credits") { request, _ in try await credits(request) }
        v1.post("tenants/:id/credits") { request, context in try await grantCredits(request, tenant: context.parameters.get("id") ?? "") }
    }

    /// Runs `work` as a paid `action`: reserves its price (402 when the balance does not cover it), commits when
    /// `work` succeeds and releases when it throws. Call only after the request was validated.
    func charged<T: Sendable>(_ p: Principal, action: String, request: Request, fingerprint: [UInt8],
                              _ work: () async throws -> T) async throws -> (T, CLReservation) {
        var reserve = CLReserveRequest()
        reserve.action = action
        // A client retry with the same Idempotency-Key and the same request is charged once. The key is bound to the
        // request's content, so reusing a key for a different request is a different (paid) reservation.
        if let key = request.headers[HTTPField.Name("Idempotency-Key")!] {
            guard (1...200).contains(key.count) else { throw APIError.badRequest("Idempotency-Key must be 1 to 200 characters") }
            let digest = Hex.encode(SHA256.hash(Array("\(p.tenantID)\u{0}\(key)\u{0}".utf8) + fingerprint))
            reserve.idempotencyKey = "\(action):\(digest)"
        } else {
            reserve.idempotencyKey = "\(action):\(UUID().uuidString.lowercased())"
        }
        var reservation: CLReservation
        do {
            reservation = try await runtime.rpc.call("billing", "reserve", reserve, as: CLReservation.self, tenant: p.tenantID,
                                                     traceparent: traceparent(request))
            if reservation.status == "released" || reservation.status == "expired" {
                // An earlier attempt with this key failed and gave its credits back: this retry holds them again.
                reserve.idempotencyKey += ":" + reservation.id
                reservation = try await runtime.rpc.call("billing", "reserve", reserve, as: CLReservation.self, tenant: p.tenantID,
                                                         traceparent: traceparent(request))
            }
        } catch let e as BusError where e.code == .resourceExhausted {
            throw APIError(HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), "insufficient_credits", e.message)
        }
        let result: T
        do {
            result = try await work()
        } catch {
            var release = CLReleaseRequest()
            release.reservationID = reservation.id
            _ = try? await runtime.rpc.call("billing", "release", release, as: CLReservation.self, tenant: p.tenantID)
            throw error
        }
        var commit = CLCommitRequest()
        commit.reservationID = reservation.id
        let committed = try await runtime.rpc.call("billing", "commit", commit, as: CLReservation.self, tenant: p.tenantID,
                                                   traceparent: traceparent(request))
        return (result, committed)
    }

    /// `GET /v1/credits?limit&page_token`: balance, prices, held reservations and the ledger, newest first.
    func credits(_ request: Request) async throws -> Response {
        let p = try await authenticate(request, .read)
        let q = request.uri.queryParameters
        var ledgerReq = CLLedgerRequest()
        if let l = q["limit"] {
            guard let n = Int32(l), (1...500).contains(n) else { throw APIError.badRequest("limit must be 1 to 500") }
            ledgerReq.limit = n
        }
        if let t = q["page_token"] {
            guard let n = Int64(t), n > 0 else { throw APIError.badRequest("page_token is not one this API gave") }
            ledgerReq.beforeID = n
        }
        let balance = try await runtime.rpc.call("billing", "balance", CLBalanceRequest(), as: CLBalanceResponse.self, tenant: p.tenantID,
                                                 traceparent: traceparent(request))
        let ledger = try await runtime.rpc.call("billing", "ledger", ledgerReq, as: CLLedgerResponse.self, tenant: p.tenantID,
                                                traceparent: traceparent(request))
        var held = CLListReservationsRequest()
        held.status = "held"
        let reservations = try await runtime.rpc.call("billing", "listReservations", held, as: CLListReservationsResponse.self,
                                                      tenant: p.tenantID, traceparent: traceparent(request))
        var out: [String: Any] = [
            "balance": Int(balance.balance), "held": Int(balance.held), "available": Int(balance.available),
            "prices": balance.prices.mapValues { Int($0) },
            "reservations": reservations.reservations.map(Self.reservationJSON),
            "ledger": ledger.entries.map { e -> [String: Any] in
                ["id": String(e.id), "kind": e.kind, "credits": Int(e.credits), "action": e.action, "reservation_id": e.reservationID,
                 "reason": e.reason, "created_at": Self.iso(e.createdAtMs)]
            },
        ]
        if ledger.nextBeforeID > 0 { out["next_page_token"] = String(ledger.nextBeforeID) }
        return try json(out)
    }

    /// `POST /v1/tenants/{id}/credits {"credits","reason"}` with the operator key.
    func grantCredits(_ request: Request, tenant: String) async throws -> Response {
        guard let expected = settings.operatorKey else {
            throw APIError(.forbidden, "permission_denied", "granting credits is disabled: CL_OPERATOR_KEY is not set")
        }
        guard let key = bearer(request), ConstantTime.equals(key, expected) else {
            throw APIError.unauthenticated("POST /v1/tenants/{id}/credits needs the operator key")
        }
        guard UUID(uuidString: tenant) != nil, try await tenants.exists(tenant.lowercased()) else { throw APIError.notFound("tenant \(tenant) not found") }
        var request = request
        let o = try parseObject(try await request.collectBody(upTo: 16 * 1024))
        guard let credits = o["credits"] as? Int, (1...1_000_000_000).contains(credits) else {
            throw APIError.badRequest("\"credits\" is required: a whole number from 1 to 1000000000")
        }
        var grant = CLGrantRequest()
        grant.credits = Int64(credits)
        grant.reason = (o["reason"] as? String) ?? ""
        let balance = try await runtime.rpc.call("billing", "grant", grant, as: CLBalanceResponse.self, tenant: tenant.lowercased(),
                                                 traceparent: traceparent(request))
        return try json(["balance": Int(balance.balance), "held": Int(balance.held), "available": Int(balance.available)], status: .created)
    }

    static func reservationJSON(_ r: CLReservation) -> [String: Any] {
        ["id": r.id, "action": r.action, "credits": Int(r.credits), "status": r.status, "expires_at": iso(r.expiresAtMs)]
    }
}
