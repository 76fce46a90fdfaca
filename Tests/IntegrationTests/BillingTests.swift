import Bus
import Foundation
import Logging
import Testing
import TestSupport
import Wire

// Nested in `EndToEndTests` on purpose: that suite is `.serialized`, so the 100 concurrent spends below never run
// beside the end-to-end tests that time their findings.
extension EndToEndTests {
    /// The billing service as it runs (the real executable, NATS, PostgreSQL), called over NATS the way other
    /// services call it. Tenants are fresh random UUIDs, so every test starts from the month's grant alone.
    @Suite("Billing: credits reserved, committed, released and expired by the real service", .serialized)
    struct BillingTests {
        static let logger = Logger(label: "test.billing")
        static let timeout: Duration = .seconds(30)

        // MARK: Grants and balances

        @Test("a new tenant gets the month's grant once, even from 20 concurrent first calls; balance answers the prices")
        func monthlyGrant() async throws {
            try await Self.withBilling { billing, stack in
                let t = Self.tenant()
                let balances = try await withThrowingTaskGroup(of: CLBalanceResponse.self) { group in
                    for _ in 0..<20 { group.addTask { try await billing.balance(t) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(balances.count == 20)
                for b in balances {
                    #expect(b.balance == 1000 && b.held == 0 && b.available == 1000, "\(b)")
                }
                let prices = try #require(balances.first?.prices)
                #expect(prices == ["iac_scan": 10, "iam_lint": 5, "account_scan": 20, "ai_analysis": 25,
                                   "remediation_plan": 15, "remediation_apply": 30])

                let entries = try await billing.ledger(t)
                #expect(entries.count == 1, "\(entries)")
                let grant = try #require(entries.first)
                #expect(grant.kind == "grant")
                #expect(grant.credits == 1000)
                #expect(grant.reason == "monthly grant \(Self.month())")
                #expect(grant.reservationID.isEmpty && grant.action.isEmpty)
                #expect(try await stack.postgres.adminSQL("""
                    SELECT count(*) FROM billing.ledger WHERE tenant_id = '\(t)' AND grant_key = 'monthly:\(Self.month())'
                    """).trimmed == "1")

                // An operator grant adds to it with its own reason.
                let granted = try await billing.grant(t, 250, reason: "pilot extension")
                #expect(granted.balance == 1250 && granted.available == 1250)
                let after = try await billing.ledger(t)
                #expect(after.map(\.kind) == ["grant", "grant"])
                #expect(after.first?.reason == "pilot extension" && after.first?.credits == 250)
                #expect(after.map(\.credits).reduce(0, +) == 1250)
            }
        }

        // MARK: Concurrent spends

        @Test("100 concurrent spends against a balance covering 10: exactly 10 succeed, the ledger sums to the balance, nothing negative")
        func concurrentSpends() async throws {
            try await Self.withBilling { billing, stack in
                let t = Self.tenant()
                let price = try #require(try await billing.balance(t).prices["iac_scan"])
                try await billing.setAvailable(t, to: 10 * price)
                let before = try await billing.balance(t)
                #expect(before.balance == 10 * price && before.held == 0, "\(before)")
                let lastEntry = try await billing.ledger(t).first?.id ?? 0

                // Someone watching the balance the whole time never sees it negative or growing.
                let sampler = Task { () -> [CLBalanceResponse] in
                    var seen: [CLBalanceResponse] = []
                    while !Task.isCancelled {
                        if let b = try? await billing.balance(t) { seen.append(b) }
                        try? await Task.sleep(for: .milliseconds(5))
                    }
                    return seen
                }
                let spends = try await withThrowingTaskGroup(of: Spend.self) { group in
                    for i in 0..<100 {
                        group.addTask {
                            let reservation: CLReservation
                            do {
                                reservation = try await billing.reserve(t, "iac_scan", key: "spend-\(i)")
                            } catch let e as BusError where e.code == .resourceExhausted {
                                return .refused(e.message)
                            }
                            return .charged(try await billing.commit(t, reservation.id))
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                sampler.cancel()
                let samples = await sampler.value

                let charged = spends.compactMap { spend -> CLReservation? in
                    if case .charged(let r) = spend { return r }
                    return nil
                }
                let refused = spends.compactMap { spend -> String? in
                    if case .refused(let m) = spend { return m }
                    return nil
                }
                #expect(charged.count == 10)
                #expect(refused.count == 90)
                #expect(charged.allSatisfy { $0.status == "committed" && $0.credits == price })
                #expect(Set(charged.map(\.id)).count == 10)
                for m in Set(refused) {
                    #expect(m.hasPrefix("insufficient credits: iac_scan costs \(price), balance is "), "\(m)")
                }

                let after = try await billing.balance(t)
                #expect(after.balance == 0 && after.held == 0 && after.available == 0, "\(after)")
                #expect(!samples.isEmpty)
                #expect(samples.allSatisfy { $0.balance >= 0 && $0.held >= 0 && $0.available >= 0 }, "\(samples)")
                #expect(zip(samples, samples.dropFirst()).allSatisfy { $1.balance <= $0.balance })

                // The ledger (read in pages of 7) holds one charge per committed reservation, and they sum to the change.
                let entries = try await billing.ledger(t, pageSize: 7)
                #expect(Set(entries.map(\.id)).count == entries.count)
                #expect(entries.map(\.id) == entries.map(\.id).sorted(by: >))
                let new = entries.filter { $0.id > lastEntry }
                #expect(new.count == 10)
                #expect(new.allSatisfy { $0.kind == "charge" && $0.credits == -price && $0.action == "iac_scan" })
                #expect(Set(new.map(\.reservationID)) == Set(charged.map(\.id)))
                #expect(new.map(\.credits).reduce(0, +) == after.balance - before.balance)
                #expect(entries.map(\.credits).reduce(0, +) == after.balance)
                #expect(try await stack.postgres.adminSQL("""
                    SELECT (SELECT sum(credits) FROM billing.ledger WHERE tenant_id = '\(t)')
                         = (SELECT balance FROM billing.balances WHERE tenant_id = '\(t)')
                    """).trimmed == "t")
                #expect(try await stack.postgres.adminSQL(
                    "SELECT count(*) FROM billing.balances WHERE balance < 0 OR held < 0 OR held > balance").trimmed == "0")

                // Only the 10 winners left reservations (refusals hold nothing), all committed; listed in pages of 3.
                let committed = try await billing.reservations(t, status: "committed", pageSize: 3)
                #expect(Set(committed.map(\.id)).isSuperset(of: charged.map(\.id)))
                #expect(try await billing.reservations(t, status: "held").isEmpty)
                let spendKeys = try await billing.reservations(t).filter { $0.idempotencyKey.hasPrefix("spend-") }
                #expect(spendKeys.count == 10)
            }
        }

        // MARK: Idempotency

        @Test("the same idempotency key twice holds and charges once; commit twice charges once")
        func idempotency() async throws {
            try await Self.withBilling { billing, _ in
                let t = Self.tenant()
                let first = try await billing.reserve(t, "iam_lint", key: "lint-request-1")
                #expect(first.status == "held" && first.credits == 5 && first.action == "iam_lint")
                #expect(first.idempotencyKey == "lint-request-1")
                #expect(first.expiresAtMs > first.createdAtMs)
                let again = try await billing.reserve(t, "iam_lint", key: "lint-request-1")
                #expect(again.id == first.id)
                #expect(try await billing.balance(t).held == 5)

                // Ten at once with one key: one hold.
                let racing = try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<10 { group.addTask { try await billing.reserve(t, "iac_scan", key: "scan-request-1").id } }
                    return try await group.reduce(into: Set<String>()) { $0.insert($1) }
                }
                #expect(racing.count == 1)
                let held = try await billing.balance(t)
                #expect(held.held == 15 && held.balance == 1000 && held.available == 985, "\(held)")

                // The same key for another action is refused, not answered with the other reservation.
                let misuse = await Self.busError { try await billing.reserve(t, "iac_scan", key: "lint-request-1") }
                #expect(misuse?.code == .alreadyExists, "\(String(describing: misuse))")
                #expect(misuse?.message.contains("iam_lint") == true)

                let committed = try await billing.commit(t, first.id)
                #expect(committed.status == "committed" && committed.settledAtMs > 0)
                let committedAgain = try await billing.commit(t, first.id)
                #expect(committedAgain.status == "committed" && committedAgain.settledAtMs == committed.settledAtMs)
                // A late retry of the reserve answers the committed reservation and holds nothing.
                let late = try await billing.reserve(t, "iam_lint", key: "lint-request-1")
                #expect(late.id == first.id && late.status == "committed")
                let scan = try #require(racing.first)
                _ = try await withThrowingTaskGroup(of: CLReservation.self) { group in
                    for _ in 0..<5 { group.addTask { try await billing.commit(t, scan) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }

                let after = try await billing.balance(t)
                #expect(after.balance == 1000 - 5 - 10 && after.held == 0, "\(after)")
                let charges = try await billing.ledger(t).filter { $0.kind == "charge" }
                #expect(charges.count == 2, "\(charges)")
                #expect(Set(charges.map(\.reservationID)) == [first.id, scan])

                // A committed charge is not released.
                let undo = await Self.busError { try await billing.release(t, first.id) }
                #expect(undo?.code == .failedPrecondition, "\(String(describing: undo))")
                #expect(try await billing.balance(t).balance == 985)
            }
        }

        // MARK: Release

        @Test("release gives the credits back, twice changes nothing, and a released reservation cannot be committed")
        func release() async throws {
            try await Self.withBilling { billing, _ in
                let t = Self.tenant()
                let r = try await billing.reserve(t, "account_scan", key: "scan-1")
                let holding = try await billing.balance(t)
                #expect(holding.balance == 1000 && holding.held == 20 && holding.available == 980, "\(holding)")

                let released = try await billing.release(t, r.id)
                #expect(released.status == "released" && released.settledAtMs > 0)
                let free = try await billing.balance(t)
                #expect(free.balance == 1000 && free.held == 0 && free.available == 1000, "\(free)")
                let twice = try await billing.release(t, r.id)
                #expect(twice.status == "released")
                #expect(try await billing.balance(t).available == 1000)

                let late = await Self.busError { try await billing.commit(t, r.id) }
                #expect(late?.code == .failedPrecondition, "\(String(describing: late))")
                #expect(late?.message.contains("released") == true)
                #expect(try await billing.balance(t).balance == 1000)
                #expect(try await billing.ledger(t).allSatisfy { $0.kind == "grant" })
                // The key stays bound to the released reservation: reserving with it again holds nothing.
                let again = try await billing.reserve(t, "account_scan", key: "scan-1")
                #expect(again.id == r.id && again.status == "released")
                #expect(try await billing.balance(t).held == 0)
            }
        }

        // MARK: Expiry

        @Test("a reservation nobody commits (its caller died) is released by the reaper within seconds")
        func expiry() async throws {
            try await Self.withBilling { billing, stack in
                let t = Self.tenant()
                let r = try await billing.reserve(t, "ai_analysis", key: "analysis-1", ttl: 1)
                #expect(r.status == "held" && r.credits == 25)
                #expect(r.expiresAtMs - r.createdAtMs == 1000, "\(r)")

                // Nothing calls billing for this tenant now (a call would expire it on the way), so only the reaper can.
                // Watched in the database.
                try await TestEnvironment.wait("the reaper to expire the reservation", timeout: .seconds(15), every: .milliseconds(200)) {
                    try await stack.postgres.adminSQL("SELECT status FROM billing.reservations WHERE id = '\(r.id)'").trimmed == "expired"
                }
                #expect(try await stack.postgres.adminSQL(
                    "SELECT held FROM billing.balances WHERE tenant_id = '\(t)'").trimmed == "0")
                #expect(try await stack.postgres.adminSQL(
                    "SELECT count(*) FROM billing.reservation_expiries WHERE reservation_id = '\(r.id)'").trimmed == "0")

                let after = try await billing.balance(t)
                #expect(after.balance == 1000 && after.held == 0 && after.available == 1000, "\(after)")
                let late = await Self.busError { try await billing.commit(t, r.id) }
                #expect(late?.code == .failedPrecondition, "\(String(describing: late))")
                #expect(late?.message.contains("expired") == true)
                let expired = try await billing.reservations(t, status: "expired")
                #expect(expired.map(\.id) == [r.id])
                #expect((expired.first?.settledAtMs ?? 0) >= r.expiresAtMs)
                #expect(try await billing.release(t, r.id).status == "expired")
                #expect(try await billing.ledger(t).allSatisfy { $0.kind == "grant" })
            }
        }

        @Test("a commit after the expiry, before the reaper passed, is refused and charges nothing")
        func commitAfterExpiry() async throws {
            try await Self.withBilling { billing, _ in
                let t = Self.tenant()
                let r = try await billing.reserve(t, "remediation_plan", key: "plan-1", ttl: 1)
                try await Task.sleep(for: .milliseconds(1100))
                let late = await Self.busError { try await billing.commit(t, r.id) }
                #expect(late?.code == .failedPrecondition, "\(String(describing: late))")
                let after = try await billing.balance(t)
                #expect(after.balance == 1000 && after.held == 0, "\(after)")
                #expect(try await billing.ledger(t).allSatisfy { $0.kind == "grant" })
            }
        }

        // MARK: Isolation

        @Test("another tenant's reservation is not found: it cannot be committed, released, listed or charged")
        func isolation() async throws {
            try await Self.withBilling { billing, _ in
                let a = Self.tenant()
                let b = Self.tenant()
                let theirs = try await billing.reserve(b, "remediation_apply", key: "apply-1")
                _ = try await billing.balance(a)

                for attempt in [await Self.busError { try await billing.commit(a, theirs.id) },
                                await Self.busError { try await billing.release(a, theirs.id) }] {
                    #expect(attempt?.code == .notFound, "\(String(describing: attempt))")
                    #expect(attempt?.message == "reservation \(theirs.id) not found")
                }
                // The same idempotency key in A is A's own reservation, not B's.
                let mine = try await billing.reserve(a, "remediation_apply", key: "apply-1")
                #expect(mine.id != theirs.id)
                #expect(try await billing.reservations(a).map(\.id) == [mine.id])
                #expect(try await billing.ledger(a).allSatisfy { $0.kind == "grant" && $0.reservationID.isEmpty })
                let balanceA = try await billing.balance(a)
                #expect(balanceA.balance == 1000 && balanceA.held == 30)

                // B's reservation is untouched by A's attempts and B can still commit it.
                #expect(try await billing.reservations(b, status: "held").map(\.id) == [theirs.id])
                #expect(try await billing.commit(b, theirs.id).status == "committed")
                #expect(try await billing.balance(b).balance == 970)
                #expect(try await billing.balance(a).balance == 1000)
                #expect(try await billing.ledger(a).count == 1)
            }
        }

        @Test("in the database: tenant A's session sees none of B's rows, the ledger is append-only, balances never go negative")
        func databaseEnforcement() async throws {
            try await Self.withBilling { billing, stack in
                let a = Self.tenant()
                let b = Self.tenant()
                for t in [a, b] {
                    let spent = try await billing.reserve(t, "iac_scan", key: "db-1")
                    _ = try await billing.commit(t, spent.id)
                    _ = try await billing.reserve(t, "iam_lint", key: "db-2")
                }
                let tenantTables = ["ledger", "balances", "reservations"]
                for table in tenantTables {
                    let seen = try await Self.appSQL(stack, tenant: a, "SELECT DISTINCT tenant_id FROM billing.\(table)")
                    #expect(seen.status == 0, "\(table): \(seen.output)")
                    #expect(seen.output.trimmed == a, "\(table) with A's session: \(seen.output)")
                    let count = try await Self.appSQL(stack, tenant: a, "SELECT count(*) FROM billing.\(table) WHERE tenant_id = '\(b)'")
                    #expect(count.output.trimmed == "0", "\(table): \(count.output)")
                    let none = try await Self.appSQL(stack, tenant: nil, "SELECT count(*) FROM billing.\(table)")
                    #expect(none.output.trimmed == "0", "\(table) without a tenant: \(none.output)")
                    let superuser = try await stack.postgres.adminSQL("SELECT count(*) FROM billing.\(table) WHERE tenant_id = '\(b)'")
                    #expect((Int(superuser.trimmed) ?? 0) > 0, "\(table) has B's rows, so the checks above mean something")
                }
                // Writing a row for B from A's session is refused as well.
                let forged = try await Self.appSQL(stack, tenant: a, """
                    INSERT INTO billing.ledger (tenant_id, kind, credits, reason) VALUES ('\(b)', 'grant', 1000000, 'forged')
                    """)
                #expect(forged.status != 0 && forged.output.contains("row-level security"), "\(forged.output)")

                // RLS is on and forced on every tenant table; the expiry pointers are the one table without it, by design,
                // and hold nothing but ids and a time.
                let flags = try await stack.postgres.adminSQL("""
                    SELECT relname || ':' || relrowsecurity || relforcerowsecurity FROM pg_class
                    WHERE relnamespace = 'billing'::regnamespace AND relkind = 'r' ORDER BY relname
                    """)
                #expect(flags.trimmed.split(separator: "\n").map(String.init) == [
                    "balances:truetrue", "ledger:truetrue", "reservation_expiries:falsefalse", "reservations:truetrue",
                    "schema_migrations:falsefalse",
                ], "\(flags)")
                let pointerColumns = try await stack.postgres.adminSQL("""
                    SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns
                    WHERE table_schema = 'billing' AND table_name = 'reservation_expiries'
                    """)
                #expect(pointerColumns.trimmed == "reservation_id,tenant_id,expires_at")

                // Append-only, for the application's role and for a superuser alike.
                for sql in ["UPDATE billing.ledger SET credits = credits + 1000", "DELETE FROM billing.ledger", "TRUNCATE billing.ledger"] {
                    let r = try await Self.appSQL(stack, tenant: a, sql)
                    #expect(r.status != 0 && r.output.contains("append-only"), "\(sql): \(r.output)")
                }
                await #expect(throws: (any Error).self) {
                    try await stack.postgres.adminSQL("UPDATE billing.ledger SET credits = 0 WHERE tenant_id = '\(a)'")
                }
                // The CHECKs: no negative balance, no hold beyond the balance, whatever the code does.
                for sql in ["UPDATE billing.balances SET balance = -1, held = 0",
                            "UPDATE billing.balances SET held = balance + 1",
                            "UPDATE billing.balances SET held = -1"] {
                    let r = try await Self.appSQL(stack, tenant: a, sql)
                    #expect(r.status != 0 && r.output.contains("check constraint"), "\(sql): \(r.output)")
                }
                // A reservation is charged at most once, even by hand.
                let charged = try await billing.reservations(a, status: "committed")
                let reservation = try #require(charged.first)
                let second = try await Self.appSQL(stack, tenant: a, """
                    INSERT INTO billing.ledger (tenant_id, kind, credits, action, reservation_id)
                    VALUES ('\(a)', 'charge', -10, 'iac_scan', '\(reservation.id)')
                    """)
                #expect(second.status != 0 && second.output.contains("ledger_one_charge_per_reservation"), "\(second.output)")

                for t in [a, b] {
                    let balance = try await billing.balance(t)
                    #expect(balance.balance == 990 && balance.held == 5, "\(balance)")
                    #expect(try await billing.ledger(t).map(\.credits).reduce(0, +) == balance.balance)
                }
            }
        }

        // MARK: Bad input

        @Test("bad requests get a clear error and change nothing")
        func badInput() async throws {
            try await Self.withBilling { billing, _ in
                let t = Self.tenant()
                _ = try await billing.balance(t)
                func reserve(_ action: String, key: String, ttl: Int32 = 0) async -> BusError? {
                    await Self.busError { try await billing.reserve(t, action, key: key, ttl: ttl) }
                }
                let cases: [(String, BusError?, CLStatusCode, String)] = [
                    ("an unknown action", await reserve("bitcoin_mining", key: "k1"), .invalidArgument, "unknown action \"bitcoin_mining\""),
                    ("no action", await reserve("", key: "k2"), .invalidArgument, "action is required"),
                    ("no idempotency key", await reserve("iac_scan", key: ""), .invalidArgument, "idempotency_key is required"),
                    ("a key too long", await reserve("iac_scan", key: String(repeating: "k", count: 201)), .invalidArgument, "idempotency_key"),
                    ("a negative ttl", await reserve("iac_scan", key: "k3", ttl: -1), .invalidArgument, "ttl_seconds"),
                    ("a ttl over a day", await reserve("iac_scan", key: "k4", ttl: 86_401), .invalidArgument, "ttl_seconds"),
                    ("a zero grant", await Self.busError { try await billing.grant(t, 0) }, .invalidArgument, "credits must be"),
                    ("a negative grant", await Self.busError { try await billing.grant(t, -500) }, .invalidArgument, "credits must be"),
                    ("a long reason", await Self.busError { try await billing.grant(t, 5, reason: String(repeating: "r", count: 501)) },
                     .invalidArgument, "reason"),
                    ("a commit without id", await Self.busError { try await billing.commit(t, "") }, .invalidArgument, "reservation_id"),
                    ("a commit of a non-UUID", await Self.busError { try await billing.commit(t, "not-a-uuid") }, .notFound, "not found"),
                    ("a release of an unknown id", await Self.busError { try await billing.release(t, UUID().uuidString) }, .notFound,
                     "not found"),
                    ("a ledger page too large", await Self.busError { try await billing.ledgerPage(t, limit: 501, before: 0) },
                     .invalidArgument, "limit"),
                    ("an unknown status", await Self.busError { try await billing.reservations(t, status: "pending") }, .invalidArgument,
                     "status must be one of"),
                    ("a forged page token", await Self.busError { try await billing.reservationsPage(t, token: "'; DROP TABLE x") },
                     .invalidArgument, "page_token"),
                    ("no tenant", await Self.busError { try await billing.balance(nil) }, .invalidArgument, "tenant"),
                    ("a tenant that is not a UUID", await Self.busError { try await billing.balance("acme") }, .invalidArgument, "UUID"),
                ]
                for (what, error, code, needle) in cases {
                    #expect(error?.code == code, "\(what): \(String(describing: error))")
                    #expect(error?.message.contains(needle) == true, "\(what): \(String(describing: error))")
                }
                let unknown = try #require(cases.first?.1)
                #expect(unknown.message.contains("iac_scan") && unknown.message.contains("remediation_apply"), "\(unknown)")

                let after = try await billing.balance(t)
                #expect(after.balance == 1000 && after.held == 0, "\(after)")
                #expect(try await billing.reservations(t).isEmpty)
                #expect(try await billing.ledger(t).count == 1)
            }
        }

        @Test("billing refuses to start with a malformed CL_PRICES and names it")
        func badPrices() async throws {
            let stack = try await StackHolder.shared.stack()
            let binary = "\(TestEnvironment.binDirectory)/billing"
            for (prices, needle) in [("iac_scan=ten", "iac_scan"), ("iac_scan", "action=credits"), ("Bad-Name=3", "Bad-Name"),
                                     ("iam_lint=-5", "iam_lint")] {
                let dir = try TestEnvironment.temporaryDirectory("cl-billing-config")
                let port = try TestEnvironment.freePort()
                let process = try TestProcess(name: "billing", executable: binary, environment: [
                    "NATS_URL": stack.nats.url, "DATABASE_URL": stack.postgres.appURL, "CL_PRICES": prices, "CL_HEALTH_PORT": "\(port)",
                ], logDirectory: dir)
                try await TestEnvironment.wait("billing to refuse CL_PRICES=\(prices)", timeout: .seconds(20)) { !process.isRunning }
                let status = await process.stop()
                #expect(status == 2, "CL_PRICES=\(prices): exit \(status)\n\(process.log())")
                #expect(process.log().contains("CL_PRICES") && process.log().contains(needle), "\(process.log())")
            }
        }

        // MARK: Helpers

        /// A random tenant id: billing knows tenants only by the id the gateway puts in `Cl-Tenant`.
        static func tenant() -> String { UUID().uuidString.lowercased() }

        /// This calendar month in UTC, as the monthly grant names it (`2026-11`).
        static func month() -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let parts = calendar.dateComponents([.year, .month], from: Date())
            return String(format: "%04d-%02d", parts.year!, parts.month!)
        }

        /// Runs `body` with a billing client on the shared stack's NATS, closed afterwards.
        static func withBilling<T>(_ body: (BillingClient, ServiceStack) async throws -> T) async throws -> T {
            let stack = try await StackHolder.shared.stack()
            let nats = try await NATSClient.connect(.init(url: stack.nats.url, name: "billing-tests"), logger: logger)
            do {
                let result = try await body(BillingClient(rpc: RPCClient(client: nats, defaultTimeout: timeout)), stack)
                await nats.close()
                return result
            } catch {
                await nats.close()
                throw error
            }
        }

        /// One concurrent spend's outcome.
        enum Spend: Sendable {
            case charged(CLReservation)
            case refused(String)
        }

        /// The error `body` threw as the bus reports it, or nil when it succeeded.
        static func busError<T>(_ body: () async throws -> T) async -> BusError? {
            do {
                _ = try await body()
                return nil
            } catch let e as BusError {
                return e
            } catch {
                return BusError(.unknown, "not a BusError: \(error)")
            }
        }

        /// SQL as the application's role (no superuser, no BYPASSRLS), with `cl.tenant_id` set to `tenant` for the
        /// session the way the services set it; psql's exit status and output (stdout and stderr).
        static func appSQL(_ stack: ServiceStack, tenant: String?, _ sql: String) async throws -> (status: Int32, output: String) {
            let psql = try TestEnvironment.which("psql", install: "apt-get install -y postgresql-client")
            var arguments = [stack.postgres.appURL, "-v", "ON_ERROR_STOP=1", "-qAt"]
            if let tenant { arguments += ["-c", "SET cl.tenant_id = '\(tenant)'"] }
            arguments += ["-c", sql]
            return try await TestEnvironment.runStatus(psql, arguments)
        }
    }
}

extension EndToEndTests.BillingTests {
    /// The billing RPCs as another service calls them, with the tenant in `Cl-Tenant`.
    struct BillingClient: Sendable {
        let rpc: RPCClient

        func reserve(_ tenant: String, _ action: String, key: String, ttl: Int32 = 0) async throws -> CLReservation {
            var req = CLReserveRequest()
            req.action = action
            req.idempotencyKey = key
            req.ttlSeconds = ttl
            return try await rpc.call("billing", "reserve", req, as: CLReservation.self, tenant: tenant)
        }

        func commit(_ tenant: String, _ id: String) async throws -> CLReservation {
            var req = CLCommitRequest()
            req.reservationID = id
            return try await rpc.call("billing", "commit", req, as: CLReservation.self, tenant: tenant)
        }

        func release(_ tenant: String, _ id: String) async throws -> CLReservation {
            var req = CLReleaseRequest()
            req.reservationID = id
            return try await rpc.call("billing", "release", req, as: CLReservation.self, tenant: tenant)
        }

        func balance(_ tenant: String?) async throws -> CLBalanceResponse {
            try await rpc.call("billing", "balance", CLBalanceRequest(), as: CLBalanceResponse.self, tenant: tenant)
        }

        func grant(_ tenant: String, _ credits: Int64, reason: String = "") async throws -> CLBalanceResponse {
            var req = CLGrantRequest()
            req.credits = credits
            req.reason = reason
            return try await rpc.call("billing", "grant", req, as: CLBalanceResponse.self, tenant: tenant)
        }

        func ledgerPage(_ tenant: String, limit: Int32, before: Int64) async throws -> CLLedgerResponse {
            var req = CLLedgerRequest()
            req.limit = limit
            req.beforeID = before
            return try await rpc.call("billing", "ledger", req, as: CLLedgerResponse.self, tenant: tenant)
        }

        /// Every ledger entry, newest first, read page by page.
        func ledger(_ tenant: String, pageSize: Int32 = 500) async throws -> [CLLedgerEntry] {
            var all: [CLLedgerEntry] = []
            var before: Int64 = 0
            repeat {
                let page = try await ledgerPage(tenant, limit: pageSize, before: before)
                all += page.entries
                before = page.nextBeforeID
            } while before != 0
            return all
        }

        func reservationsPage(_ tenant: String, status: String = "", limit: Int32 = 0, token: String = "") async throws
            -> CLListReservationsResponse {
            var req = CLListReservationsRequest()
            req.status = status
            req.limit = limit
            req.pageToken = token
            return try await rpc.call("billing", "listReservations", req, as: CLListReservationsResponse.self, tenant: tenant)
        }

        /// Every reservation (of one status, when given), newest first, read page by page.
        func reservations(_ tenant: String, status: String = "", pageSize: Int32 = 500) async throws -> [CLReservation] {
            var all: [CLReservation] = []
            var token = ""
            repeat {
                let page = try await reservationsPage(tenant, status: status, limit: pageSize, token: token)
                all += page.reservations
                token = page.nextPageToken
            } while !token.isEmpty
            return all
        }

        /// Brings the tenant's available credits to exactly `target`: tops up with a grant, or spends the excess on
        /// priced actions (reserve + commit), largest price first.
        func setAvailable(_ tenant: String, to target: Int64) async throws {
            let start = try await balance(tenant)
            if start.available <= target {
                if start.available < target { _ = try await grant(tenant, target - start.available, reason: "test setup") }
                return
            }
            let byPrice = start.prices.filter { $0.value > 0 }.sorted { $0.value > $1.value }
            guard let smallest = byPrice.last?.value else { throw TestEnvironmentError("no priced action to spend with") }
            var excess = start.available - target
            var n = 0
            while excess > 0 {
                if let (action, price) = byPrice.first(where: { $0.value <= excess }) {
                    let r = try await reserve(tenant, action, key: "setup-\(n)")
                    _ = try await commit(tenant, r.id)
                    excess -= price
                    n += 1
                } else {
                    // Less than any price is left: top up so that the smallest price spends it exactly.
                    _ = try await grant(tenant, smallest - excess, reason: "test setup")
                    excess = smallest
                }
            }
        }
    }
}

extension String {
    /// Without surrounding whitespace and newlines (psql's output ends with one).
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
