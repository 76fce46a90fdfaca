import Foundation

/// The default plan's grant for one calendar month (UTC): given once per tenant and month, on the tenant's first
/// billing call of that month. `key` is what makes it once: the ledger's `(tenant_id, grant_key)` is unique.
struct MonthlyGrant: Sendable, Equatable {
    /// `2026-11`
    var period: String
    var credits: Int64

    init(date: Date, credits: Int64) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month], from: date)
        period = String(format: "%04d-%02d", parts.year ?? 1970, parts.month ?? 1)
        self.credits = credits
    }

    /// The ledger's `grant_key`: `monthly:2026-11`.
    var key: String { "monthly:\(period)" }
    /// The ledger entry's reason: `monthly grant 2026-11`.
    var reason: String { "monthly grant \(period)" }
}
