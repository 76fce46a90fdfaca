/// An AWS-style wildcard pattern: `*` matches any run of characters (including none), `?` matches exactly one.
///
/// Matching is linear in practice and never backtracks exponentially: the pattern is split at `*` into segments, the
/// first and last are anchored, and each middle segment is found leftmost-first (which is optimal for `*`-separated
/// segments). The worst case is O(text × longest segment).
///
/// Actions match case-insensitively (`s3:Get*` matches `S3:GetObject`), ARNs case-sensitively.
public struct WildcardPattern: Sendable, Hashable, CustomStringConvertible {
    /// Token values above the Unicode range stand for the two wildcards; every other token is a literal scalar, so a
    /// literal `*` produced by `${*}` stays literal.
    static let anySequence: UInt32 = 0xFFFF_FFFF
    static let anyOne: UInt32 = 0xFFFF_FFFE

    let tokens: [UInt32]
    public let caseInsensitive: Bool

    /// Compiles a pattern in which `*` and `?` are wildcards and every other character is literal.
    public init(_ pattern: String, caseInsensitive: Bool = false) {
        let source = caseInsensitive ? pattern.lowercased() : pattern
        var tokens: [UInt32] = []
        tokens.reserveCapacity(source.unicodeScalars.count)
        for scalar in source.unicodeScalars {
            switch scalar {
            case "*": tokens.append(Self.anySequence)
            case "?": tokens.append(Self.anyOne)
            default: tokens.append(scalar.value)
            }
        }
        self.init(tokens: tokens, caseInsensitive: caseInsensitive)
    }

    init(tokens: [UInt32], caseInsensitive: Bool) {
        self.tokens = tokens
        self.caseInsensitive = caseInsensitive
    }

    /// Whether the pattern has a `*` or `?` wildcard.
    public var hasWildcards: Bool { tokens.contains { $0 >= Self.anyOne } }

    /// True when the pattern is exactly `*`.
    public var isMatchAll: Bool { tokens == [Self.anySequence] }

    public var description: String {
        var s = ""
        for t in tokens {
            if t == Self.anySequence { s += "*" } else if t == Self.anyOne { s += "?" } else if let u = Unicode.Scalar(t) {
                s.unicodeScalars.append(u)
            }
        }
        return s
    }

    /// Whether `text` matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        let source = caseInsensitive ? text.lowercased() : text
        return Self.match(tokens[...], Self.scalars(source)[...])
    }

    static func scalars(_ s: String) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars { out.append(u.value) }
        return out
    }

    /// Whether `segment` (no `*` inside) matches `text` starting at `start`.
    @inline(__always)
    private static func segmentMatches(_ segment: ArraySlice<UInt32>, _ text: ArraySlice<UInt32>, at start: Int) -> Bool {
        var t = start
        for p in segment {
            if p != anyOne && p != text[t] { return false }
            t += 1
        }
        return true
    }

    /// Matches a token slice against a text slice.
    static func match(_ pattern: ArraySlice<UInt32>, _ text: ArraySlice<UInt32>) -> Bool {
        // Segment boundaries: the positions of `*` in the pattern.
        var stars: [Int] = []
        for i in pattern.indices where pattern[i] == anySequence { stars.append(i) }
        if stars.isEmpty {
            return pattern.count == text.count && segmentMatches(pattern, text, at: text.startIndex)
        }
        let first = pattern[pattern.startIndex..<stars[0]]
        let last = pattern[(stars[stars.count - 1] + 1)..<pattern.endIndex]
        guard text.count >= first.count + last.count else { return false }
        guard segmentMatches(first, text, at: text.startIndex),
              segmentMatches(last, text, at: text.endIndex - last.count) else { return false }
        var position = text.startIndex + first.count
        let end = text.endIndex - last.count
        var s = 0
        while s + 1 < stars.count {
            let segment = pattern[(stars[s] + 1)..<stars[s + 1]]
            s += 1
            if segment.isEmpty { continue }
            var found = false
            var candidate = position
            while candidate + segment.count <= end {
                if segmentMatches(segment, text, at: candidate) {
                    found = true
                    break
                }
                candidate += 1
            }
            guard found else { return false }
            position = candidate + segment.count
        }
        return true
    }
}

/// Matching of IAM action names and ARNs.
public enum Wildcard {
    /// Whether an action pattern such as `s3:Get*` matches an action such as `S3:GetObject` (case-insensitive).
    public static func matchesAction(_ pattern: String, _ action: String) -> Bool {
        // Fast paths: "*", and patterns without wildcards (ASCII case-insensitive comparison, no allocation).
        if pattern == "*" { return true }
        var plain = true
        for c in pattern.utf8 where c == UInt8(ascii: "*") || c == UInt8(ascii: "?") {
            plain = false
            break
        }
        if plain {
            guard pattern.utf8.count == action.utf8.count else { return false }
            for (a, b) in zip(pattern.utf8, action.utf8) {
                let la = (a >= 65 && a <= 90) ? a + 32 : a
                let lb = (b >= 65 && b <= 90) ? b + 32 : b
                if la != lb { return false }
            }
            return true
        }
        return WildcardPattern(pattern, caseInsensitive: true).matches(action)
    }

    /// Whether a resource pattern matches an ARN (case-sensitive). When both are full ARNs (six `:`-separated parts),
    /// they are compared part by part, so a wildcard in the account part cannot swallow the region; otherwise the
    /// whole strings are compared.
    public static func matchesARN(_ pattern: String, _ arn: String) -> Bool {
        matchesARN(WildcardPattern(pattern), arn)
    }

    /// As ``matchesARN(_:_:)-(String,String)`` with a compiled pattern (which may carry substituted policy variables).
    public static func matchesARN(_ pattern: WildcardPattern, _ arn: String) -> Bool {
        if pattern.isMatchAll { return true }
        let text = WildcardPattern.scalars(arn)
        let colon = UInt32(UInt8(ascii: ":"))
        let patternParts = split(pattern.tokens, separator: colon)
        let textParts = split(text, separator: colon)
        if patternParts.count == 6 && textParts.count == 6 {
            for i in 0..<6 where !WildcardPattern.match(patternParts[i], textParts[i]) { return false }
            return true
        }
        return WildcardPattern.match(pattern.tokens[...], text[...])
    }

    /// Splits at the first five separators (the sixth ARN part, the resource, may itself contain colons).
    private static func split(_ tokens: [UInt32], separator: UInt32) -> [ArraySlice<UInt32>] {
        var parts: [ArraySlice<UInt32>] = []
        var start = 0
        var i = 0
        while i < tokens.count && parts.count < 5 {
            if tokens[i] == separator {
                parts.append(tokens[start..<i])
                start = i + 1
            }
            i += 1
        }
        parts.append(tokens[start..<tokens.count])
        return parts
    }
}
