import Bus
import Foundation
import Wire

/// `reserve`, `commit`, `release`, `balance`, `grant`, `ledger` and `listReservations`: the caller's tenant's
/// credits (the tenant comes from `Cl-Tenant`, set by the gateway from the caller's credentials).
///
/// Callers reserve only after they validated the request, commit when the action succeeded and release when it
/// failed; a reservation left alone is released when it expires. Insufficient credits answer RESOURCE_EXHAUSTED
/// with the price and the balance in the message (the gateway answers it 402).
///
/// `grant` is for the platform operator only. Billing cannot tell who sent a request: it trusts that whoever calls
/// `grant` is the gateway acting for the operator (`POST /v1/tenants/{id}/credits`, operator key), with the
/// credited tenant in `Cl-Tenant`. The gateway must never call it on behalf of a tenant's own key.
struct BillingRPC: Sendable {
    let ledger: CreditLedger

    static let maxKeyLength = 200
    static let maxReasonLength = 500
    static let maxGrant: Int64 = 1_000_000_000
    static let statuses = ["held", "committed", "released", "expired"]

    func register(on server: RPCServer) {
        let ledger = self.ledger
        server.register("reserve", CLReserveRequest.self) { req, ctx in
            let tenant = try Self.tenant(ctx)
            guard !req.action.isEmpty else { throw BusError(.invalidArgument, "action is required") }
            guard !req.idempotencyKey.isEmpty else { throw BusError(.invalidArgument, "idempotency_key is required") }
            guard req.idempotencyKey.count <= Self.maxKeyLength else {
                throw BusError(.invalidArgument, "idempotency_key is longer than \(Self.maxKeyLength) characters")
            }
            guard req.ttlSeconds == 0 || (1...Int32(BillingSettings.maxTTLSeconds)).contains(req.ttlSeconds) else {
                throw BusError(.invalidArgument, "ttl_seconds must be 1...\(BillingSettings.maxTTLSeconds) (0: the default)")
            }
            return try await ledger.reserve(action: req.action, idempotencyKey: req.idempotencyKey,
                                            ttlSeconds: Int(req.ttlSeconds), tenant: tenant)
        }
        server.register("commit", CLCommitRequest.self) { req, ctx in
            let tenant = try Self.tenant(ctx)
            guard !req.reservationID.isEmpty else { throw BusError(.invalidArgument, "reservation_id is required") }
            return try await ledger.commit(id: req.reservationID, tenant: tenant)
        }
        server.register("release", CLReleaseRequest.self) { req, ctx in
            let tenant = try Self.tenant(ctx)
            guard !req.reservationID.isEmpty else { throw BusError(.invalidArgument, "reservation_id is required") }
            return try await ledger.release(id: req.reservationID, tenant: tenant)
        }
        server.register("balance", CLBalanceRequest.self) { _, ctx in
            let account = try await ledger.balance(tenant: try Self.tenant(ctx))
            return Self.response(account, prices: ledger.prices)
        }
        server.register("grant", CLGrantRequest.self) { req, ctx in
            let tenant = try Self.tenant(ctx)
            guard (1...Self.maxGrant).contains(req.credits) else {
                throw BusError(.invalidArgument, "credits must be 1...\(Self.maxGrant)")
            }
            let reason = req.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard reason.count <= Self.maxReasonLength else {
                throw BusError(.invalidArgument, "reason is longer than \(Self.maxReasonLength) characters")
            }
            let account = try await ledger.grant(credits: req.credits, reason: reason.isEmpty ? "operator grant" : reason,
                                                 tenant: tenant)
            ctx.logger.info("credits granted", metadata: ["billing.credits": "\(req.credits)"])
            return Self.response(account, prices: ledger.prices)
        }
        server.register("ledger", CLLedgerRequest.self) { req, ctx in
            let tenant = try Self.tenant(ctx)
            let limit = try Self.limit(req.limit)
            guard req.beforeID >= 0 else { throw BusError(.invalidArgument, "before_id must not be negative") }
            return try await ledger.ledger(limit: limit, beforeID: req.beforeID, tenant: tenant)
        }
        server.register("listReservations", CLListReservationsRequest.self) { req, ctx in
            let tenant = try Self.tenant(ctx)
            guard req.status.isEmpty || Self.statuses.contains(req.status) else {
                throw BusError(.invalidArgument, "status must be one of \(Self.statuses.joined(separator: ", ")) (or empty for all)")
            }
            let limit = try Self.limit(req.limit)
            var before: Int64 = 0
            if !req.pageToken.isEmpty {
                guard let seq = Int64(req.pageToken), seq > 0 else {
                    throw BusError(.invalidArgument, "page_token is not one this service issued")
                }
                before = seq
            }
            return try await ledger.reservations(status: req.status, limit: limit, beforeSeq: before, tenant: tenant)
        }
    }

    /// The caller's tenant, which must be a UUID (every tenant id is one).
    static func tenant(_ ctx: RPCContext) throws(BusError) -> String {
        let tenant = try ctx.requireTenant()
        guard let id = UUID(uuidString: tenant) else { throw BusError(.invalidArgument, "the tenant (Cl-Tenant) must be a UUID") }
        return id.uuidString.lowercased()
    }

    /// A page size: 0 means 50; at most 500.
    static func limit(_ requested: Int32) throws(BusError) -> Int {
        if requested == 0 { return 50 }
        guard (1...500).contains(requested) else { throw BusError(.invalidArgument, "limit must be 1...500") }
        return Int(requested)
    }

    static func response(_ account: CreditLedger.Account, prices: PriceTable) -> CLBalanceResponse {
        var resp = CLBalanceResponse()
        resp.balance = account.balance
        resp.held = account.held
        resp.available = account.available
        resp.prices = prices.prices
        return resp
    }
}
