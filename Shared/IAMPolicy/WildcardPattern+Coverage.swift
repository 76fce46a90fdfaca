/// Comparing two wildcard patterns as sets of strings: does one match everything the other matches, and can they both
/// match the same string?
///
/// Both questions are answered exactly for `*` and `?` patterns. Only the characters written in either pattern can be
/// told apart by them, so every other character behaves alike and one stand-in symbol represents them all; the search
/// then runs over finitely many states. Patterns with many `?` after a `*` can make that state space large, so the
/// search spends from a budget (roughly one unit per token looked at), and an exhausted budget gives the cautious
/// answer (not covered, may overlap).
extension WildcardPattern {
    /// The budget of one public question: far more than real patterns need, small enough to answer in milliseconds.
    static let coverageBudget = 2_000_000

    /// True when the pattern is one or more `*` and nothing else: it matches every string.
    public var matchesEverything: Bool {
        !tokens.isEmpty && tokens.allSatisfy { $0 == Self.anySequence }
    }

    /// Whether every string that `other` matches is matched by this pattern too: `s3:*` covers `s3:Get*`, `s3:Get*`
    /// covers `s3:GetObject`, `*` covers everything, `s3:Get*Object` covers `s3:GetObject` but not `s3:Get*`.
    ///
    /// Both patterns should use the same case mode (``caseInsensitive``); when they differ, only a pattern that matches
    /// everything counts as covering. False whenever coverage cannot be shown within the search budget.
    public func covers(_ other: WildcardPattern) -> Bool {
        if matchesEverything { return true }
        guard caseInsensitive == other.caseInsensitive else { return false }
        var budget = Self.coverageBudget
        return Self.includes(Self.collapsed(tokens)[...], Self.collapsed(other.tokens)[...], budget: &budget) ?? false
    }

    /// Whether some string is matched by both patterns. True (the cautious answer) whenever the search budget runs
    /// out; patterns in different case modes are compared as compiled.
    public func overlaps(_ other: WildcardPattern) -> Bool {
        var budget = Self.coverageBudget
        return Self.intersect(Self.collapsed(tokens)[...], Self.collapsed(other.tokens)[...], budget: &budget) ?? true
    }

    /// `**` matches what `*` matches; merging runs keeps the search small.
    static func collapsed(_ tokens: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(tokens.count)
        for t in tokens where !(t == anySequence && out.last == anySequence) { out.append(t) }
        return out
    }

    private static func isWildcard(_ t: UInt32) -> Bool { t == anySequence || t == anyOne }

    /// Whether the language of `p` includes the language of `q` (both without runs of `*`); nil when the budget ran
    /// out.
    static func includes(_ p: ArraySlice<UInt32>, _ q: ArraySlice<UInt32>, budget: inout Int) -> Bool? {
        budget -= p.count + q.count + 1
        if budget < 0 { return nil }
        if p.elementsEqual(q) { return true }
        if p.count == 1 && p.first == anySequence { return true }
        let qHasWildcards = q.contains(where: isWildcard)
        // A literal `q` is one string.
        if !qHasWildcards { return match(p, q) }
        // A literal `p` is one string, a `q` with a wildcard matches several.
        if !p.contains(where: isWildcard) { return false }
        // Quick refusals: the literal text before the first wildcard (and after the last) must agree, and `p` cannot
        // demand literal text where `q` already allows anything.
        let pHead = p.prefix { !isWildcard($0) }
        let qHead = q.prefix { !isWildcard($0) }
        if pHead.count > qHead.count || !qHead.starts(with: pHead) { return false }
        let pTail = p.reversed().prefix { !isWildcard($0) }
        let qTail = q.reversed().prefix { !isWildcard($0) }
        if pTail.count > qTail.count || !qTail.starts(with: pTail) { return false }
        return CoverageSearch(p: Array(p), q: Array(q)).run(budget: &budget)
    }

    /// Whether some string matches both `a` and `b` (both without runs of `*`); nil when the budget ran out.
    static func intersect(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>, budget: inout Int) -> Bool? {
        budget -= a.count + b.count + 1
        if budget < 0 { return nil }
        if a.elementsEqual(b) || (a.count == 1 && a.first == anySequence) || (b.count == 1 && b.first == anySequence) {
            return true
        }
        if !a.contains(where: isWildcard) { return match(b, a) }
        if !b.contains(where: isWildcard) { return match(a, b) }
        let a = Array(a), b = Array(b)
        // Walk both patterns together; a state is how far each has got. Reaching both ends means a common string.
        let n = a.count, m = b.count
        var seen = Set<Int>()
        var stack = [0]
        seen.insert(0)
        while let state = stack.popLast() {
            let i = state / (m + 1), j = state % (m + 1)
            if i == n && j == m { return true }
            budget -= 16
            if budget < 0 { return nil }
            var next: [(Int, Int)] = []
            if i < n && a[i] == anySequence { next.append((i + 1, j)) }
            if j < m && b[j] == anySequence { next.append((i, j + 1)) }
            // Both read one character: `*` may stay, `?` and a literal move on; two literals must be the same one.
            if i < n && j < m {
                let aMoves = a[i] == anySequence ? [i] : [i + 1]
                let bMoves = b[j] == anySequence ? [j] : [j + 1]
                let aLiteral = !isWildcard(a[i]), bLiteral = !isWildcard(b[j])
                if !(aLiteral && bLiteral && a[i] != b[j]) {
                    for ni in aMoves {
                        for nj in bMoves where !(ni == i && nj == j) { next.append((ni, nj)) }
                    }
                }
            }
            for (ni, nj) in next {
                let key = ni * (m + 1) + nj
                if seen.insert(key).inserted { stack.append(key) }
            }
        }
        return false
    }
}

/// Looks for a string that `q` matches and `p` does not, tracking `q` one position at a time and `p` as the set of
/// positions it could be at (a subset construction built on the fly).
private struct CoverageSearch {
    let p: [UInt32]
    let q: [UInt32]
    /// The characters either pattern names, plus one stand-in for every other character.
    let alphabet: [UInt32]
    let words: Int

    struct State: Hashable {
        var q: Int
        var p: [UInt64]
    }

    /// Not a Unicode scalar and not a wildcard token: stands for any character neither pattern names.
    static let otherCharacter: UInt32 = 0xFFFF_FF00

    init(p: [UInt32], q: [UInt32]) {
        self.p = p
        self.q = q
        var letters = Set<UInt32>()
        for t in p where t != WildcardPattern.anySequence && t != WildcardPattern.anyOne { letters.insert(t) }
        for t in q where t != WildcardPattern.anySequence && t != WildcardPattern.anyOne { letters.insert(t) }
        letters.insert(Self.otherCharacter)
        alphabet = letters.sorted()
        words = (p.count + 1 + 63) / 64
    }

    private func contains(_ set: [UInt64], _ i: Int) -> Bool { set[i >> 6] & (1 << UInt64(i & 63)) != 0 }
    private func insert(_ set: inout [UInt64], _ i: Int) { set[i >> 6] |= 1 << UInt64(i & 63) }

    /// Adds the positions reachable by letting a `*` match nothing.
    private func closed(_ set: [UInt64]) -> [UInt64] {
        var set = set
        for i in 0..<p.count where p[i] == WildcardPattern.anySequence && contains(set, i) { insert(&set, i + 1) }
        return set
    }

    private func step(_ set: [UInt64], _ c: UInt32) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: words)
        for i in 0..<p.count where contains(set, i) {
            switch p[i] {
            case WildcardPattern.anySequence: insert(&out, i)
            case WildcardPattern.anyOne: insert(&out, i + 1)
            case c: insert(&out, i + 1)
            default: break
            }
        }
        return closed(out)
    }

    /// True when no counterexample exists, false when one does, nil when the budget ran out.
    func run(budget: inout Int) -> Bool? {
        var start = [UInt64](repeating: 0, count: words)
        insert(&start, 0)
        let first = State(q: 0, p: closed(start))
        var seen: Set<State> = [first]
        var stack = [first]
        while let state = stack.popLast() {
            // `p` can no longer match, and `q` can always be completed: a counterexample.
            if state.p.allSatisfy({ $0 == 0 }) { return false }
            if state.q == q.count {
                if !contains(state.p, p.count) { return false }
                continue
            }
            // Each successor costs a pass over `p`'s positions, plus hashing and storing the new state.
            budget -= (q[state.q] == WildcardPattern.anySequence || q[state.q] == WildcardPattern.anyOne
                ? alphabet.count : 1) * (p.count + 64)
            if budget < 0 { return nil }
            var next: [State] = []
            switch q[state.q] {
            case WildcardPattern.anySequence:
                next.append(State(q: state.q + 1, p: state.p))
                for c in alphabet { next.append(State(q: state.q, p: step(state.p, c))) }
            case WildcardPattern.anyOne:
                for c in alphabet { next.append(State(q: state.q + 1, p: step(state.p, c))) }
            case let c:
                next.append(State(q: state.q + 1, p: step(state.p, c)))
            }
            for s in next where seen.insert(s).inserted { stack.append(s) }
        }
        return true
    }
}
