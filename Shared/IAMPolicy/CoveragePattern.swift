/// An action or resource pattern of a statement, prepared to answer "does this pattern match everything that one
/// matches?" and "can both match the same action or ARN?" the way IAM matches them (``Wildcard``): actions
/// case-insensitively, ARNs case-sensitively and part by part when both sides have all six ARN parts.
///
/// Policy variables in ARNs (`${aws:username}`) are only known at request time. When asked what a pattern may match,
/// each variable is read as `*`, which can only widen it; a covering pattern that contains a variable covers only the
/// very same text (the same substitution applies to both).
struct CoveragePattern: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case action, arn
    }

    let kind: Kind
    /// The pattern as written; lowercased for actions.
    let text: String
    /// The pattern as matched, with every policy variable widened to `*` (ARNs only).
    let pattern: WildcardPattern
    /// Where the six ARN parts lie in `pattern`'s tokens when it has them (split at the first five colons), as
    /// ``Wildcard/matchesARN(_:_:)`` compares them; nil otherwise and for actions.
    let parts: [Range<Int>]?
    let hasVariables: Bool
    /// True when the pattern matches exactly one string: no wildcard and no policy variable.
    let isLiteral: Bool
    /// For actions: the lowercased service prefix when it is written without wildcards (`s3` for `s3:Get*`).
    let service: String?

    init(action: String) {
        kind = .action
        text = action.lowercased()
        // One pass: tokens (runs of `*` merged) and the service prefix when it has no wildcard.
        var tokens: [UInt32] = []
        tokens.reserveCapacity(text.utf8.count)
        var serviceEnd: String.Index?
        var wildcardBeforeColon = false
        var hasWildcards = false
        for i in text.unicodeScalars.indices {
            switch text.unicodeScalars[i] {
            case "*":
                if tokens.last != WildcardPattern.anySequence { tokens.append(WildcardPattern.anySequence) }
                hasWildcards = true
                if serviceEnd == nil { wildcardBeforeColon = true }
            case "?":
                tokens.append(WildcardPattern.anyOne)
                hasWildcards = true
                if serviceEnd == nil { wildcardBeforeColon = true }
            case let scalar:
                if scalar == ":" && serviceEnd == nil { serviceEnd = i }
                tokens.append(scalar.value)
            }
        }
        pattern = WildcardPattern(tokens: tokens, caseInsensitive: true)
        parts = nil
        hasVariables = false
        isLiteral = !hasWildcards
        if let serviceEnd, !wildcardBeforeColon {
            service = String(text[..<serviceEnd])
        } else {
            service = nil
        }
    }

    init(arn: String) {
        kind = .arn
        text = arn
        hasVariables = PolicyVariables.containsVariables(arn)
        pattern = Self.widened(arn)
        isLiteral = !pattern.hasWildcards
        let split = Self.split(pattern.tokens)
        // A substituted value may hold colons. In the resource part (after the fifth colon) that changes nothing;
        // earlier it would move the part boundaries, so such a pattern is only compared as a whole string.
        if split.count == 6 && (!hasVariables || Self.variablesOnlyInResourcePart(arn)) {
            parts = split
        } else {
            parts = nil
        }
        service = nil
    }

    var matchesEverything: Bool { !hasVariables && pattern.matchesEverything }

    /// Whether every action or ARN that `other` can match, this pattern matches too. False when not proven, or when
    /// `budget` runs out.
    func covers(_ other: CoveragePattern, budget: inout Int) -> Bool {
        budget -= 1
        guard kind == other.kind, budget >= 0 else { return false }
        if text == other.text { return true }
        // Which strings a pattern with variables matches depends on the request; only identical text is safe.
        guard !hasVariables else { return false }
        if pattern.matchesEverything { return true }
        switch kind {
        case .action:
            if let service, let theirs = other.service, service != theirs { return false }
            return Self.includes(pattern.tokens[...], other.pattern.tokens[...], &budget)
        case .arn:
            // Six parts against six parts: IAM compares part by part.
            if let parts, let theirs = other.parts {
                return zip(parts, theirs).allSatisfy {
                    Self.includes(pattern.tokens[$0], other.pattern.tokens[$1], &budget)
                }
            }
            // A six-part pattern never matches an ARN with fewer parts, which `other` can match.
            if parts != nil { return false }
            // Whole-string matching matches at least what part-by-part matching does, so this is safe.
            return Self.includes(pattern.tokens[...], other.pattern.tokens[...], &budget)
        }
    }

    /// Whether some action or ARN may be matched by both. True when disjointness is not proven, or when `budget` runs
    /// out.
    func overlaps(_ other: CoveragePattern, budget: inout Int) -> Bool {
        budget -= 1
        guard kind == other.kind, budget >= 0 else { return true }
        if pattern.matchesEverything || other.pattern.matchesEverything { return true }
        switch kind {
        case .action:
            if let service, let theirs = other.service, service != theirs { return false }
            return Self.intersect(pattern.tokens[...], other.pattern.tokens[...], &budget)
        case .arn:
            if let parts, let theirs = other.parts {
                return zip(parts, theirs).allSatisfy {
                    Self.intersect(pattern.tokens[$0], other.pattern.tokens[$1], &budget)
                }
            }
            return Self.intersect(pattern.tokens[...], other.pattern.tokens[...], &budget)
        }
    }

    // The stored tokens are already collapsed, so these skip the public entry points' copying. An exhausted search
    // budget gives the cautious answer.
    private static func includes(_ p: ArraySlice<UInt32>, _ q: ArraySlice<UInt32>, _ budget: inout Int) -> Bool {
        WildcardPattern.includes(p, q, budget: &budget) ?? false
    }

    private static func intersect(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>, _ budget: inout Int) -> Bool {
        WildcardPattern.intersect(a, b, budget: &budget) ?? true
    }

    /// The case-sensitive pattern with each `${...}` (variable or escape) read as `*`, and runs of `*` merged.
    static func widened(_ text: String) -> WildcardPattern {
        let scalars = text.unicodeScalars
        var tokens: [UInt32] = []
        tokens.reserveCapacity(text.utf8.count)
        func star() {
            if tokens.last != WildcardPattern.anySequence { tokens.append(WildcardPattern.anySequence) }
        }
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let c = scalars[i]
            let next = scalars.index(after: i)
            if c == "$", next < scalars.endIndex, scalars[next] == "{",
               let close = scalars[next...].firstIndex(of: "}") {
                star()
                i = scalars.index(after: close)
                continue
            }
            switch c {
            case "*": star()
            case "?": tokens.append(WildcardPattern.anyOne)
            default: tokens.append(c.value)
            }
            i = next
        }
        return WildcardPattern(tokens: tokens, caseInsensitive: false)
    }

    /// Whether every `${` comes after the fifth colon of `text`.
    static func variablesOnlyInResourcePart(_ text: String) -> Bool {
        var colons = 0
        var previous: Character?
        for c in text {
            if colons == 5 { return true }
            if c == ":" { colons += 1 }
            if previous == "$" && c == "{" { return false }
            previous = c
        }
        return true
    }

    /// Splits at the first five colons, like ``Wildcard/matchesARN(_:_:)``.
    static func split(_ tokens: [UInt32]) -> [Range<Int>] {
        let colon = UInt32(UInt8(ascii: ":"))
        var parts: [Range<Int>] = []
        var start = 0
        var i = 0
        while i < tokens.count && parts.count < 5 {
            if tokens[i] == colon {
                parts.append(start..<i)
                start = i + 1
            }
            i += 1
        }
        parts.append(start..<tokens.count)
        return parts
    }
}

extension Wildcard {
    /// Whether action pattern `pattern` matches every action that `other` matches (case-insensitive):
    /// `s3:*` covers `s3:Get*`, `s3:Get*` covers `S3:GetObject`, `*` covers everything.
    public static func actionPatternCovers(_ pattern: String, _ other: String) -> Bool {
        var budget = WildcardPattern.coverageBudget
        return CoveragePattern(action: pattern).covers(CoveragePattern(action: other), budget: &budget)
    }

    /// Whether resource pattern `pattern` matches every ARN that `other` matches (case-sensitive, part by part as
    /// ``matchesARN(_:_:)-(String,String)`` does): `arn:aws:s3:::bucket/*` covers `arn:aws:s3:::bucket/a/b` but not
    /// `arn:aws:s3:::bucket`.
    public static func arnPatternCovers(_ pattern: String, _ other: String) -> Bool {
        var budget = WildcardPattern.coverageBudget
        return CoveragePattern(arn: pattern).covers(CoveragePattern(arn: other), budget: &budget)
    }

    /// Whether some action may match both patterns (true unless proven otherwise).
    public static func actionPatternsOverlap(_ a: String, _ b: String) -> Bool {
        var budget = WildcardPattern.coverageBudget
        return CoveragePattern(action: a).overlaps(CoveragePattern(action: b), budget: &budget)
    }

    /// Whether some ARN may match both patterns (true unless proven otherwise).
    public static func arnPatternsOverlap(_ a: String, _ b: String) -> Bool {
        var budget = WildcardPattern.coverageBudget
        return CoveragePattern(arn: a).overlaps(CoveragePattern(arn: b), budget: &budget)
    }
}
