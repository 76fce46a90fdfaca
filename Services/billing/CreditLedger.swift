import Bus
import Foundation
import Store
import Wire

/// Every tenant's credits: reservations, charges, grants and balances, each change made in one transaction inside
/// the tenant's RLS session.
///
/// Every tenant transaction starts by locking that tenant's `balances` row (`SELECT ... FOR UPDATE`, the row is
/// created on first sight). So a tenant's billing changes run one at a time, all in the same lock order (the balance
/// row first, then reservations), which rules out deadlocks and makes "look up the idempotency key, then reserve"
/// race-free even across billing instances. The database still has the last word: the reservation itself is one
/// conditional `UPDATE` whose row count says whether the credits were there, and the CHECKs on `balances` refuse a
/// negative balance or hold whatever the code does.
///
/// Refusals decided inside a transaction (insufficient credits, a released reservation) are returned as outcomes
/// and thrown after the transaction committed, so what the transaction did first (this month's grant, expiring
/// overdue holds) is kept.
struct CreditLedger: Sendable {
    let database: Database
    let prices: PriceTable
    let monthlyCredits: Int64
    let defaultTTLSeconds: Int

    init(database: Database, settings: BillingSettings) {
        self.database = database
        prices = settings.prices
        monthlyCredits = settings.monthlyCredits
        defaultTTLSeconds = settings.defaultTTLSeconds
    }

    /// A tenant's credits.
    struct Account: Sendable, Equatable {
        var balance: Int64
        var held: Int64
        var available: Int64 { balance - held }
    }

    // MARK: Reservations

    private enum ReserveOutcome: Sendable {
        case reserved(CLReservation)
        case insufficient(Account)
        case keyUsedFor(String)
    }

    /// Holds the price of `action` for `ttlSeconds` (0: the default). The same idempotency key again answers the
    /// reservation it made the first time, whatever became of it, and holds nothing more.
    func reserve(action: String, idempotencyKey key: String, ttlSeconds: Int, tenant: String) async throws -> CLReservation {
        guard let price = prices.price(of: action) else {
            throw BusError(.invalidArgument,
                           "unknown action \"\(action.prefix(64))\": the priced actions are \(prices.actions.joined(separator: ", "))")
        }
        let ttl = ttlSeconds == 0 ? defaultTTLSeconds : ttlSeconds
        let id = UUID().uuidString.lowercased()
        let grant = MonthlyGrant(date: Date(), credits: monthlyCredits)
        let outcome: ReserveOutcome = try await database.withTransaction(tenant: tenant) { conn in
            try Self.begin(conn, tenant: tenant, grant: grant)
            if let row = try conn.query("""
                SELECT \(Self.reservationColumns) FROM billing.reservations
                WHERE tenant_id = \(tenant)::uuid AND idempotency_key = \(key)
                """).first {
                let existing = try Self.reservation(row)
                return existing.action == action ? .reserved(existing) : .keyUsedFor(existing.action)
            }
            // The one statement that moves credits from available to held; no row means they were not there.
            let moved = try conn.query("""
                UPDATE billing.balances SET held = held + \(price)::bigint, updated_at = now()
                WHERE tenant_id = \(tenant)::uuid AND balance - held >= \(price)::bigint
                RETURNING balance
                """)
            guard !moved.isEmpty else { return .insufficient(try Self.account(conn, tenant: tenant)) }
            let rows = try conn.query("""
                INSERT INTO billing.reservations (id, tenant_id, action, credits, idempotency_key, expires_at)
                VALUES (\(id)::uuid, \(tenant)::uuid, \(action), \(price)::bigint, \(key),
                        now() + \(ttl)::integer * interval '1 second')
                RETURNING \(Self.reservationColumns)
                """)
            try conn.query("""
                INSERT INTO billing.reservation_expiries (reservation_id, tenant_id, expires_at)
                SELECT id, tenant_id, expires_at FROM billing.reservations WHERE id = \(id)::uuid
                """)
            guard let row = rows.first else { throw BusError(.internal, "the reservation was not stored") }
            return .reserved(try Self.reservation(row))
        }
        switch outcome {
        case .reserved(let r): return r
        case .keyUsedFor(let other):
            throw BusError(.alreadyExists, "idempotency key \"\(key)\" was already used to reserve \(other), not \(action)")
        case .insufficient(let account):
            throw BusError(.resourceExhausted, Self.insufficientMessage(action: action, price: price, account: account))
        }
    }

    /// "insufficient credits: iac_scan costs 10, balance is 5", naming the held part when there is one.
    static func insufficientMessage(action: String, price: Int64, account: Account) -> String {
        var m = "insufficient credits: \(action) costs \(price), balance is \(account.balance)"
        if account.held > 0 { m += " of which \(account.held) is held by actions in progress" }
        return m
    }

    private enum SettleOutcome: Sendable {
        case settled(CLReservation)
        case notFound
        case refused(String)
    }

    /// Charges a held reservation: its credits leave the balance and the hold, and one `charge` entry records it.
    /// Committing a committed reservation answers it again and charges nothing more.
    func commit(id: String, tenant: String) async throws -> CLReservation {
        guard UUID(uuidString: id) != nil else { throw BusError(.notFound, "reservation \(id) not found") }
        let grant = MonthlyGrant(date: Date(), credits: monthlyCredits)
        let outcome: SettleOutcome = try await database.withTransaction(tenant: tenant) { conn in
            try Self.begin(conn, tenant: tenant, grant: grant)
            guard let row = try Self.lockReservation(conn, id: id, tenant: tenant) else { return .notFound }
            let r = try Self.reservation(row)
            switch r.status {
            case "committed": return .settled(r)
            case "released": return .refused("reservation \(id) was released, so it cannot be committed: reserve again")
            case "expired": return .refused("reservation \(id) expired before it was committed: reserve again")
            default: break
            }
            try conn.query("""
                UPDATE billing.balances SET balance = balance - \(r.credits)::bigint, held = held - \(r.credits)::bigint,
                    updated_at = now()
                WHERE tenant_id = \(tenant)::uuid
                """)
            try conn.query("""
                INSERT INTO billing.ledger (tenant_id, kind, credits, action, reservation_id)
                VALUES (\(tenant)::uuid, 'charge', \(-r.credits)::bigint, \(r.action), \(id)::uuid)
                """)
            return .settled(try Self.settle(conn, id: id, tenant: tenant, status: "committed"))
        }
        return try Self.result(outcome, id: id)
    }

    /// Gives a held reservation's credits back to what is available. Releasing a released or expired reservation
    /// answers it unchanged; a committed one cannot be released.
    func release(id: String, tenant: String) async throws -> CLReservation {
        guard UUID(uuidString: id) != nil else { throw BusError(.notFound, "reservation \(id) not found") }
        let grant = MonthlyGrant(date: Date(), credits: monthlyCredits)
        let outcome: SettleOutcome = try await database.withTransaction(tenant: tenant) { conn in
            try Self.begin(conn, tenant: tenant, grant: grant)
            guard let row = try Self.lockReservation(conn, id: id, tenant: tenant) else { return .notFound }
            let r = try Self.reservation(row)
            switch r.status {
            case "released", "expired": return .settled(r)
            case "committed": return .refused("reservation \(id) was committed; a charge is not released")
            default: break
            }
            try conn.query("""
                UPDATE billing.balances SET held = held - \(r.credits)::bigint, updated_at = now() WHERE tenant_id = \(tenant)::uuid
                """)
            return .settled(try Self.settle(conn, id: id, tenant: tenant, status: "released"))
        }
        return try Self.result(outcome, id: id)
    }

    private static func result(_ outcome: SettleOutcome, id: String) throws -> CLReservation {
        switch outcome {
        case .settled(let r): return r
        case .notFound: throw BusError(.notFound, "reservation \(id) not found")
        case .refused(let message): throw BusError(.failedPrecondition, message)
        }
    }

    private static func lockReservation(_ conn: PostgresConnection, id: String, tenant: String) throws -> Row? {
        try conn.query("""
            SELECT \(reservationColumns) FROM billing.reservations WHERE tenant_id = \(tenant)::uuid AND id = \(id)::uuid FOR UPDATE
            """).first
    }

    /// Marks a held reservation settled and drops its expiry pointer.
    private static func settle(_ conn: PostgresConnection, id: String, tenant: String, status: String) throws -> CLReservation {
        let rows = try conn.query("""
            UPDATE billing.reservations SET status = \(status), settled_at = now()
            WHERE tenant_id = \(tenant)::uuid AND id = \(id)::uuid AND status = 'held'
            RETURNING \(reservationColumns)
            """)
        try conn.query("DELETE FROM billing.reservation_expiries WHERE reservation_id = \(id)::uuid AND tenant_id = \(tenant)::uuid")
        guard let row = rows.first else { throw BusError(.internal, "reservation \(id) changed while locked") }
        return try reservation(row)
    }

    // MARK: Balance, grants, ledger, listings

    func balance(tenant: String) async throws -> Account {
        let grant = MonthlyGrant(date: Date(), credits: monthlyCredits)
        return try await database.withTransaction(tenant: tenant) { conn in
            try Self.begin(conn, tenant: tenant, grant: grant)
            return try Self.account(conn, tenant: tenant)
        }
    }

    /// Adds `credits` with a `grant` entry (the operator's grants; the monthly grant is given by `begin`).
    func grant(credits: Int64, reason: String, tenant: String) async throws -> Account {
        let grant = MonthlyGrant(date: Date(), credits: monthlyCredits)
        return try await database.withTransaction(tenant: tenant) { conn in
            try Self.begin(conn, tenant: tenant, grant: grant)
            try Self.addGrant(conn, tenant: tenant, credits: credits, reason: reason, key: nil)
            return try Self.account(conn, tenant: tenant)
        }
    }

    /// The tenant's ledger entries, newest first: at most `limit`, with ids below `beforeID` when it is not 0.
    func ledger(limit: Int, beforeID: Int64, tenant: String) async throws -> CLLedgerResponse {
        let grant = MonthlyGrant(date: Date(), credits: monthlyCredits)
        let rows: [Row] = try await database.withTransaction(tenant: tenant) { conn in
            try Self.begin(conn, tenant: tenant, grant: grant)
            return try conn.query("""
                SELECT id, kind, credits, action, COALESCE(reservation_id::text, '') AS reservation_id, reason,
                       (extract(epoch FROM created_at) * 1000)::bigint AS created_ms
                FROM billing.ledger
                WHERE tenant_id = \(tenant)::uuid AND (\(beforeID)::bigint = 0 OR id < \(beforeID)::bigint)
                ORDER BY id DESC LIMIT \(limit + 1)::integer
                """)
        }
        var resp = CLLedgerResponse()
        for row in rows.prefix(limit) {
            var e = CLLedgerEntry()
            e.id = try row.int64("id")
            e.kind = try row.string("kind")
            e.credits = try row.int64("credits")
            e.action = try row.string("action")
            e.reservationID = try row.string("reservation_id")
            e.reason = try row.string("reason")
            e.createdAtMs = try row.int64("created_ms")
            resp.entries.append(e)
        }
        if rows.count > limit, let last = resp.entries.last { resp.nextBeforeID = last.id }
        return resp
    }

    /// The tenant's reservations, newest first, optionally of one status; `beforeSeq` pages (0: from the newest).
    func reservations(status: String, limit: Int, beforeSeq: Int64, tenant: String) async throws -> CLListReservationsResponse {
        let grant = MonthlyGrant(date: Date(), credits: monthlyCredits)
        let rows: [Row] = try await database.withTransaction(tenant: tenant) { conn in
            try Self.begin(conn, tenant: tenant, grant: grant)
            return try conn.query("""
                SELECT \(Self.reservationColumns) FROM billing.reservations
                WHERE tenant_id = \(tenant)::uuid AND (\(status)::text = '' OR status = \(status)::text)
                  AND (\(beforeSeq)::bigint = 0 OR seq < \(beforeSeq)::bigint)
                ORDER BY seq DESC LIMIT \(limit + 1)::integer
                """)
        }
        var resp = CLListReservationsResponse()
        resp.reservations = try rows.prefix(limit).map(Self.reservation)
        if rows.count > limit, let last = rows.prefix(limit).last { resp.nextPageToken = try last.string("seq") }
        return resp
    }

    // MARK: Expiry

    /// Expires every tenant's held reservations past their expiry (the reaper's sweep); answers how many, per tenant.
    func expireDue(maxTenants: Int = 200) async throws -> [(tenant: String, expired: Int)] {
        let tenants = try await database.query("""
            SELECT DISTINCT tenant_id::text AS t FROM billing.reservation_expiries WHERE expires_at <= now() LIMIT \(maxTenants)::integer
            """).map { try $0.string("t") }
        var done: [(tenant: String, expired: Int)] = []
        for tenant in tenants {
            let n: Int = try await database.withTransaction(tenant: tenant) { conn in
                guard try Self.lockAccount(conn, tenant: tenant) != nil else {
                    // Pointers without an account cannot hold anything: drop them.
                    try conn.query("DELETE FROM billing.reservation_expiries WHERE tenant_id = \(tenant)::uuid AND expires_at <= now()")
                    return 0
                }
                let n = try Self.expireOverdue(conn, tenant: tenant)
                // Pointers whose reservation is no longer held (none are expected: they are dropped with the status change).
                try conn.query("""
                    DELETE FROM billing.reservation_expiries e
                    WHERE e.tenant_id = \(tenant)::uuid AND e.expires_at <= now()
                      AND NOT EXISTS (SELECT 1 FROM billing.reservations r WHERE r.id = e.reservation_id AND r.status = 'held')
                    """)
                return n
            }
            done.append((tenant, n))
        }
        return done
    }

    /// Expires the tenant's held reservations past their expiry and gives their credits back. The caller holds the
    /// tenant's balance row lock.
    private static func expireOverdue(_ conn: PostgresConnection, tenant: String) throws -> Int {
        let rows = try conn.query("""
            WITH expired AS (
                UPDATE billing.reservations SET status = 'expired', settled_at = now()
                WHERE tenant_id = \(tenant)::uuid AND status = 'held' AND expires_at <= now()
                RETURNING id, credits
            ), pointers AS (
                DELETE FROM billing.reservation_expiries WHERE reservation_id IN (SELECT id FROM expired)
            )
            SELECT count(*) AS n, COALESCE(sum(credits), 0)::bigint AS credits FROM expired
            """)
        let n = try rows.first?.int("n") ?? 0
        let credits = try rows.first?.int64("credits") ?? 0
        if n > 0 {
            try conn.query("""
                UPDATE billing.balances SET held = held - \(credits)::bigint, updated_at = now() WHERE tenant_id = \(tenant)::uuid
                """)
        }
        return n
    }

    // MARK: Transaction prologue

    /// The start of every tenant transaction: lock the tenant's balance row (creating it the first time), give this
    /// month's grant if it was not given yet, and expire the tenant's overdue holds, so what follows sees exact
    /// numbers whether or not the reaper has passed.
    private static func begin(_ conn: PostgresConnection, tenant: String, grant: MonthlyGrant) throws {
        if try lockAccount(conn, tenant: tenant) == nil {
            try conn.query("INSERT INTO billing.balances (tenant_id) VALUES (\(tenant)::uuid) ON CONFLICT (tenant_id) DO NOTHING")
            guard try lockAccount(conn, tenant: tenant) != nil else { throw BusError(.internal, "the tenant's balance was not stored") }
        }
        if grant.credits > 0 {
            // Under the lock, so this read is exact; the unique (tenant_id, grant_key) is the backstop.
            let given = try conn.query("""
                SELECT 1 FROM billing.ledger WHERE tenant_id = \(tenant)::uuid AND grant_key = \(grant.key)
                """)
            if given.isEmpty {
                try addGrant(conn, tenant: tenant, credits: grant.credits, reason: grant.reason, key: grant.key)
            }
        }
        _ = try expireOverdue(conn, tenant: tenant)
    }

    @discardableResult
    private static func lockAccount(_ conn: PostgresConnection, tenant: String) throws -> Account? {
        guard let row = try conn.query("""
            SELECT balance, held FROM billing.balances WHERE tenant_id = \(tenant)::uuid FOR UPDATE
            """).first else { return nil }
        return Account(balance: try row.int64("balance"), held: try row.int64("held"))
    }

    private static func account(_ conn: PostgresConnection, tenant: String) throws -> Account {
        guard let row = try conn.query("SELECT balance, held FROM billing.balances WHERE tenant_id = \(tenant)::uuid").first else {
            throw BusError(.internal, "the tenant's balance is missing")
        }
        return Account(balance: try row.int64("balance"), held: try row.int64("held"))
    }

    private static func addGrant(_ conn: PostgresConnection, tenant: String, credits: Int64, reason: String, key: String?) throws {
        try conn.query("""
            INSERT INTO billing.ledger (tenant_id, kind, credits, reason, grant_key)
            VALUES (\(tenant)::uuid, 'grant', \(credits)::bigint, \(reason), \(key))
            """)
        try conn.query("""
            UPDATE billing.balances SET balance = balance + \(credits)::bigint, updated_at = now() WHERE tenant_id = \(tenant)::uuid
            """)
    }

    // MARK: Rows

    static let reservationColumns = SQLFragment("""
        id::text AS id, seq, action, credits, status, idempotency_key,
        (extract(epoch FROM expires_at) * 1000)::bigint AS expires_ms,
        (extract(epoch FROM created_at) * 1000)::bigint AS created_ms,
        COALESCE((extract(epoch FROM settled_at) * 1000)::bigint, 0) AS settled_ms
        """)

    static func reservation(_ row: Row) throws -> CLReservation {
        var r = CLReservation()
        r.id = try row.string("id")
        r.action = try row.string("action")
        r.credits = try row.int64("credits")
        r.status = try row.string("status")
        r.idempotencyKey = try row.string("idempotency_key")
        r.expiresAtMs = try row.int64("expires_ms")
        r.createdAtMs = try row.int64("created_ms")
        r.settledAtMs = try row.int64("settled_ms")
        return r
    }
}
