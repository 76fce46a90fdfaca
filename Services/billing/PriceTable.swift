import Foundation
import ServiceKit

/// What each paid action costs, in credits. The defaults are the published price list; `CL_PRICES`
/// (`"iac_scan=10,iam_lint=5"`) overrides some of them or prices new actions, and leaves the others as they are.
struct PriceTable: Sendable, Equatable {
    static let defaults: [String: Int64] = [
        "iac_scan": 10,
        "iam_lint": 5,
        "account_scan": 20,
        "ai_analysis": 25,
        "remediation_plan": 15,
        "remediation_apply": 30,
    ]
    /// The largest price accepted, so sums of prices cannot overflow a bigint.
    static let maxPrice: Int64 = 1_000_000_000

    let prices: [String: Int64]

    init(_ prices: [String: Int64] = PriceTable.defaults) { self.prices = prices }

    /// The defaults with `overrides` applied: comma-separated `action=credits`, spaces allowed around the parts.
    init(overrides text: String) throws(ConfigurationError) {
        var prices = Self.defaults
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            let entry = item.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw ConfigurationError("CL_PRICES: \"\(entry)\" is not action=credits") }
            let action = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            guard Self.isActionName(action) else {
                throw ConfigurationError("CL_PRICES: \"\(action)\" is not an action name (lowercase letters, digits and _, at most 64)")
            }
            guard let credits = Int64(value), (0...Self.maxPrice).contains(credits) else {
                throw ConfigurationError(
                    "CL_PRICES: the price of \(action) must be a whole number of credits from 0 to \(Self.maxPrice), got \"\(value)\"")
            }
            prices[action] = credits
        }
        self.prices = prices
    }

    static func isActionName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 64 && s.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }

    /// The price of `action`, or nil when it is not a paid action.
    func price(of action: String) -> Int64? { prices[action] }

    /// The priced actions, sorted, for error messages.
    var actions: [String] { prices.keys.sorted() }
}
