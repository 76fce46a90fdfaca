import Wire

/// A tenant's decision to mute some findings: every field that is set must match the finding; `resource` is a
/// glob (`*` any run of characters, `?` one character). An expired suppression no longer applies.
public struct SuppressionRule: Sendable, Equatable {
    public var id: String
    public var ruleID: String
    public var accountID: String
    public var region: String
    public var resource: String
    /// Milliseconds since the epoch; 0 means it never expires.
    public var expiresAtMs: Int64

    public init(id: String, ruleID: String = "", accountID: String = "", region: String = "", resource: String = "",
                expiresAtMs: Int64 = 0) {
        self.id = id
        self.ruleID = ruleID
        self.accountID = accountID
        self.region = region
        self.resource = resource
        self.expiresAtMs = expiresAtMs
    }

    /// A suppression must say what it mutes: at least one matcher.
    public var isEmpty: Bool { ruleID.isEmpty && accountID.isEmpty && region.isEmpty && resource.isEmpty }

    public func isActive(nowMs: Int64) -> Bool { expiresAtMs == 0 || expiresAtMs > nowMs }

    public func matches(_ f: CLFinding, nowMs: Int64) -> Bool {
        guard isActive(nowMs: nowMs), !isEmpty else { return false }
        if !ruleID.isEmpty && ruleID != f.ruleID { return false }
        if !accountID.isEmpty && accountID != f.accountID { return false }
        if !region.isEmpty && region != f.region { return false }
        if !resource.isEmpty && !Self.glob(resource, f.resourceID) { return false }
        return true
    }

    /// Iterative glob match (no backtracking blow-up).
    public static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8)
        let t = Array(text.utf8)
        var pi = 0, ti = 0
        var star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) {
                pi += 1
                ti += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
