import ServiceKit

/// | variable | default | meaning |
/// |---|---|---|
/// | `CL_PRICES` | the defaults below | `action=credits` pairs, comma separated, overriding or adding to the defaults `iac_scan=10,iam_lint=5,account_scan=20,ai_analysis=25,remediation_plan=15,remediation_apply=30` |
/// | `CL_DEFAULT_MONTHLY_CREDITS` | `1000` | credits granted to a tenant the first time billing sees it in a calendar month (UTC); `0` grants nothing |
/// | `CL_RESERVATION_TTL_SECONDS` | `300` | how long a reservation is held when the caller does not say (1...86400) |
/// | `CL_RESERVATION_SWEEP_SECONDS` | `2` | how often the reaper releases reservations past their expiry (1...3600) |
///
/// The plan is one default plan for every tenant: its monthly credits are granted lazily, on the tenant's first
/// billing call of the month, once (a unique key per tenant and month makes a second grant impossible, even from
/// concurrent calls or several billing instances). Unused credits carry over; a month in which the tenant never
/// calls billing grants nothing, and no missed month is granted later.
struct BillingSettings: Sendable {
    var prices: PriceTable
    var monthlyCredits: Int64
    var defaultTTLSeconds: Int
    var sweepInterval: Duration

    static let maxTTLSeconds = 86_400

    init(_ env: Environment) throws(ConfigurationError) {
        prices = try PriceTable(overrides: env.string("CL_PRICES", default: ""))
        let monthly = try env.int("CL_DEFAULT_MONTHLY_CREDITS", default: 1000)
        guard (0...Int(PriceTable.maxPrice)).contains(monthly) else {
            throw ConfigurationError("CL_DEFAULT_MONTHLY_CREDITS must be 0...\(PriceTable.maxPrice)")
        }
        monthlyCredits = Int64(monthly)
        defaultTTLSeconds = try env.int("CL_RESERVATION_TTL_SECONDS", default: 300)
        guard (1...Self.maxTTLSeconds).contains(defaultTTLSeconds) else {
            throw ConfigurationError("CL_RESERVATION_TTL_SECONDS must be 1...\(Self.maxTTLSeconds)")
        }
        let sweep = try env.int("CL_RESERVATION_SWEEP_SECONDS", default: 2)
        guard (1...3600).contains(sweep) else { throw ConfigurationError("CL_RESERVATION_SWEEP_SECONDS must be 1...3600") }
        sweepInterval = .seconds(sweep)
    }
}
