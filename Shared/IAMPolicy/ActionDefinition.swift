/// IAM's access levels, as the service authorization reference assigns them to actions.
public enum AccessLevel: String, Sendable, Hashable, CaseIterable, Comparable {
    case list = "List"
    case read = "Read"
    case tagging = "Tagging"
    case write = "Write"
    case permissionsManagement = "Permissions management"

    private var rank: Int {
        switch self {
        case .list: 0
        case .read: 1
        case .tagging: 2
        case .write: 3
        case .permissionsManagement: 4
        }
    }

    public static func < (lhs: AccessLevel, rhs: AccessLevel) -> Bool { lhs.rank < rhs.rank }

    /// Write, permissions management and tagging change something.
    public var isMutating: Bool { self == .write || self == .permissionsManagement || self == .tagging }
}

/// One action of the catalog.
public struct ActionDefinition: Sendable, Hashable {
    public var service: String
    public var name: String
    public var accessLevel: AccessLevel
    /// The resource types the action can be scoped to; empty means the action only supports `Resource: "*"`.
    public var resourceTypes: [String]
    /// Resource types marked required in the reference.
    public var requiredResourceTypes: [String]
    public var conditionKeys: [String]
    /// `service:action` lowercased, computed once (analysis compares names many times per document).
    public let key: String

    public init(service: String, name: String, accessLevel: AccessLevel, resourceTypes: [String],
                requiredResourceTypes: [String] = [], conditionKeys: [String] = []) {
        self.service = service
        self.name = name
        key = "\(service):\(name)".lowercased()
        self.accessLevel = accessLevel
        self.resourceTypes = resourceTypes
        self.requiredResourceTypes = requiredResourceTypes
        self.conditionKeys = conditionKeys
    }

    /// `service:Action` with the catalog's spelling, e.g. `s3:GetObject`.
    public var fullName: String { "\(service):\(name)" }
}

/// A resource type of a service and the ARN format of its resources.
public struct ResourceTypeDefinition: Sendable, Hashable {
    public var service: String
    public var name: String
    /// E.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    public var arnFormat: String
    public var conditionKeys: [String]

    public init(service: String, name: String, arnFormat: String, conditionKeys: [String] = []) {
        self.service = service
        self.name = name
        self.arnFormat = arnFormat
        self.conditionKeys = conditionKeys
    }

    /// Whether some ARN could match both `pattern` (a Resource element, with `*`/`?` wildcards and policy variables)
    /// and this type's ARN format.
    public func admits(_ pattern: String) -> Bool {
        ARNFormatMatcher.intersects(pattern: pattern, format: arnFormat)
    }
}

/// Decides whether a resource pattern and an ARN format can describe the same ARN, by searching the product of the
/// two automata. Both sides are short; the pattern is cut off at 2,048 scalars (longer patterns are accepted).
///
/// Format placeholders (`${BucketName}`) match any run of characters, except that placeholders before the resource
/// part do not cross `:` and `${BucketName}` does not contain `/` (S3 bucket names cannot), which is what tells a
/// bucket ARN from an object ARN. Policy variables in the pattern count as `*`.
enum ARNFormatMatcher {
    private enum PatternToken: Equatable {
        case literal(UInt32)
        case anyOne
        case anySequence
    }

    private enum FormatToken: Equatable {
        case literal(UInt32)
        /// A placeholder; `forbidden` lists the characters it cannot contain.
        case placeholder(forbidden: [UInt32])
    }

    static let colon = UInt32(UInt8(ascii: ":"))
    static let slash = UInt32(UInt8(ascii: "/"))

    static func intersects(pattern: String, format: String) -> Bool {
        let p = patternTokens(pattern)
        if p.count > 2048 { return true }
        let f = formatTokens(format)
        // States (i, j, inPlaceholder): i tokens of the pattern and j of the format consumed.
        let n = p.count
        let m = f.count
        var seen = [Bool](repeating: false, count: (n + 1) * (m + 1) * 2)
        var stack: [(Int, Int, Bool)] = [(0, 0, false)]
        func push(_ i: Int, _ j: Int, _ inside: Bool) {
            let key = ((i * (m + 1)) + j) * 2 + (inside ? 1 : 0)
            if !seen[key] {
                seen[key] = true
                stack.append((i, j, inside))
            }
        }
        seen[0] = true
        while let state = stack.popLast() {
            let (i, j, inside) = state
            if i == n && j == m { return true }
            // Epsilon moves: a `*` may match nothing; a placeholder may match nothing (or end after some text).
            if i < n, p[i] == .anySequence { push(i + 1, j, inside) }
            if j < m, case .placeholder = f[j] { push(i, j + 1, false) }
            // Consuming moves: one character read by both sides.
            guard j < m else {
                // Only a trailing `*` can still be consumed; handled by the epsilon move above.
                continue
            }
            guard i < n else { continue }
            let patternMoves: [(next: Int, char: UInt32?)]
            switch p[i] {
            case .literal(let c): patternMoves = [(i + 1, c)]
            case .anyOne: patternMoves = [(i + 1, nil)]
            case .anySequence: patternMoves = [(i, nil)]
            }
            for move in patternMoves {
                switch f[j] {
                case .literal(let d):
                    if move.char == nil || move.char == d { push(move.next, j + 1, false) }
                case .placeholder(let forbidden):
                    if let c = move.char, forbidden.contains(c) { continue }
                    // Stay inside the placeholder; the epsilon move above leaves it.
                    push(move.next, j, true)
                }
            }
        }
        return false
    }

    private static func patternTokens(_ pattern: String) -> [PatternToken] {
        var out: [PatternToken] = []
        let scalars = Array(pattern.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "$", i + 1 < scalars.count, scalars[i + 1] == "{",
               let close = scalars[(i + 2)...].firstIndex(of: "}") {
                out.append(.anySequence)
                i = close + 1
                continue
            }
            switch c {
            case "*": out.append(.anySequence)
            case "?": out.append(.anyOne)
            default: out.append(.literal(c.value))
            }
            i += 1
        }
        return out
    }

    private static func formatTokens(_ format: String) -> [FormatToken] {
        var out: [FormatToken] = []
        let scalars = Array(format.unicodeScalars)
        var colons = 0
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "$", i + 1 < scalars.count, scalars[i + 1] == "{",
               let close = scalars[(i + 2)...].firstIndex(of: "}") {
                let name = String(String.UnicodeScalarView(scalars[(i + 2)..<close]))
                var forbidden: [UInt32] = []
                if colons < 5 { forbidden.append(colon) }
                if name == "BucketName" { forbidden.append(slash) }
                out.append(.placeholder(forbidden: forbidden))
                i = close + 1
                continue
            }
            if c == ":" { colons += 1 }
            out.append(.literal(c.value))
            i += 1
        }
        return out
    }
}
