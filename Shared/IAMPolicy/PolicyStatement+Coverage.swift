/// Whether one statement already grants (or denies) everything another one does.
extension PolicyStatement {
    /// True when this statement provably applies to every request that `other` applies to, with the same Effect, so
    /// `other` adds nothing to the policy:
    ///
    /// - the same `Effect`;
    /// - the same `Principal`/`NotPrincipal` (compared as a set of entries, so `"AWS": "x"` equals `"AWS": ["x"]`;
    ///   no other equivalence is assumed), or neither has one;
    /// - this statement has no `Condition`, or a `Condition` block identical to `other`'s (same operators, keys
    ///   ignoring case, and values ignoring order); conditions are otherwise not compared;
    /// - every action `other` can apply to is matched here: with `Action`, each of its patterns is covered by one of
    ///   ours (``Wildcard/actionPatternCovers(_:_:)``); with `NotAction`, ours must cover everything (`*`) or, if ours
    ///   is a `NotAction` too, each pattern we exclude must be excluded by `other` as well. A `NotAction` of ours
    ///   covers an `Action` pattern when none of our excluded patterns can match what it matches;
    /// - the same for `Resource`/`NotResource` with ARN matching (``Wildcard/arnPatternCovers(_:_:)``); statements
    ///   without either (trust policies) only cover each other.
    ///
    /// False whenever coverage is not proven, and for statements with an empty `Action`, `Resource` or `NotResource`
    /// list.
    public func covers(_ other: PolicyStatement) -> Bool {
        var budget = Self.coverageBudget
        return Coverage(self).covers(Coverage(other), budget: &budget)
    }

    /// The work one ``covers(_:)`` question may do (about one unit per pattern token looked at) before it answers
    /// "not proven".
    static let coverageBudget = 10_000_000

    /// Whether the two statements say the same thing, written the same way up to order, case of actions and
    /// string-or-array forms: Effect, Principal, Action, Resource and Condition. The Sid is not compared.
    public func duplicates(_ other: PolicyStatement) -> Bool {
        Coverage(self).duplicates(Coverage(other))
    }

    /// A statement compiled once for many coverage questions.
    struct Coverage: Sendable {
        let statement: PolicyStatement
        let principal: PrincipalKey?
        let conditions: [ConditionKey]
        let actions: Element
        /// nil when the statement has neither `Resource` nor `NotResource`.
        let resources: Element?
        /// False for an empty `Action`, `Resource` or `NotResource` list: such a statement is left to the other checks.
        let isComparable: Bool

        init(_ statement: PolicyStatement) {
            self.statement = statement
            principal = statement.principal.map(PrincipalKey.init)
            conditions = statement.conditions.map(ConditionKey.init).sorted()
            actions = Element(statement.action, kind: .action)
            resources = statement.resource.map { Element($0, kind: .arn) }
            isComparable = !statement.action.patterns.isEmpty && statement.resource?.patterns.isEmpty != true
        }

        /// Spends from `budget`; false (not proven) once it runs out.
        func covers(_ other: Coverage, budget: inout Int) -> Bool {
            budget -= 16 + conditions.count
            guard budget >= 0, isComparable, other.isComparable, statement.effect == other.statement.effect,
                  conditions.isEmpty || conditions == other.conditions,
                  principal == other.principal else { return false }
            // Actions first: they differ far more often, and mostly without wildcards, which is cheap to check.
            guard actions.covers(other.actions, budget: &budget) else { return false }
            switch (resources, other.resources) {
            case (nil, nil): return true
            case (let ours?, let theirs?): return ours.covers(theirs, budget: &budget)
            default: return false
            }
        }

        func duplicates(_ other: Coverage) -> Bool {
            statement.effect == other.statement.effect && principal == other.principal
                && conditions == other.conditions && actions.sameText(other.actions)
                && resources?.isNegated == other.resources?.isNegated
                && resources?.texts == other.resources?.texts
        }
    }

    /// `Action`/`NotAction` or `Resource`/`NotResource`, compiled.
    struct Element: Sendable {
        let isNegated: Bool
        let patterns: [CoveragePattern]
        /// The distinct pattern texts (lowercased for actions). A pattern without wildcards covers, or meets, another
        /// pattern exactly when their texts are equal, so those are answered by a lookup here.
        let texts: Set<String>
        /// Positions in `patterns` of those with a wildcard (or a policy variable), by literal service prefix for
        /// actions; those without a literal prefix (and all ARNs) are under nil.
        let wildcards: [String?: [Int]]
        let matchesEverything: Bool

        init(_ list: PatternList, kind: CoveragePattern.Kind) {
            isNegated = list.isNegated
            patterns = list.patterns.map { kind == .action ? CoveragePattern(action: $0) : CoveragePattern(arn: $0) }
            texts = Set(patterns.map(\.text))
            var wildcards: [String?: [Int]] = [:]
            for (i, pattern) in patterns.enumerated() where !pattern.isLiteral {
                wildcards[pattern.service, default: []].append(i)
            }
            self.wildcards = wildcards
            matchesEverything = patterns.contains(where: \.matchesEverything)
        }

        func sameText(_ other: Element) -> Bool { isNegated == other.isNegated && texts == other.texts }

        /// Whether one of our patterns with wildcards that could cover or meet `pattern` satisfies `test`: with a
        /// literal service prefix, only those of the same service and those without a literal prefix are tried.
        private func someWildcard(for pattern: CoveragePattern, _ test: (CoveragePattern) -> Bool) -> Bool {
            guard let service = pattern.service else { return wildcards.values.contains { $0.contains { test(patterns[$0]) } } }
            if let same = wildcards[service], same.contains(where: { test(patterns[$0]) }) { return true }
            if let open = wildcards[nil], open.contains(where: { test(patterns[$0]) }) { return true }
            return false
        }

        /// Whether one of our patterns is written `text` (comparing a few strings is cheaper than hashing one).
        private func hasText(_ text: String) -> Bool {
            patterns.count <= 8 ? patterns.contains { $0.text == text } : texts.contains(text)
        }

        /// Whether one of our patterns matches everything `pattern` matches.
        private func someCovers(_ pattern: CoveragePattern, budget: inout Int) -> Bool {
            budget -= 4
            if matchesEverything || hasText(pattern.text) { return true }
            return someWildcard(for: pattern) { $0.covers(pattern, budget: &budget) }
        }

        /// Whether one of our patterns may match something `pattern` matches.
        private func someOverlaps(_ pattern: CoveragePattern, budget: inout Int) -> Bool {
            budget -= 4
            if matchesEverything || hasText(pattern.text) { return true }
            // Two literal patterns meet only when equal, which the lookup answered.
            if pattern.isLiteral { return someWildcard(for: pattern) { $0.overlaps(pattern, budget: &budget) } }
            guard let service = pattern.service else {
                return patterns.contains { $0.overlaps(pattern, budget: &budget) }
            }
            return patterns.contains { ($0.service == nil || $0.service == service) && $0.overlaps(pattern, budget: &budget) }
        }

        /// Whether everything `other` applies to, we apply to. False (not proven) once `budget` runs out.
        func covers(_ other: Element, budget: inout Int) -> Bool {
            let proven: Bool
            switch (isNegated, other.isNegated) {
            case (false, false):
                // Each of their patterns inside one of ours.
                proven = other.patterns.allSatisfy { someCovers($0, budget: &budget) }
            case (true, false):
                // We apply to everything our patterns do not match: none of ours may meet any of theirs.
                proven = !other.patterns.contains { someOverlaps($0, budget: &budget) }
            case (false, true):
                // They apply to an open-ended set: only a pattern that matches everything covers it.
                proven = matchesEverything
            case (true, true):
                // We exclude less than they do: each of our exclusions inside one of theirs.
                proven = patterns.allSatisfy { other.someCovers($0, budget: &budget) }
            }
            return proven && budget >= 0
        }
    }

    /// A principal element as a set: negation, and either everyone or the sorted distinct (type, value) entries.
    struct PrincipalKey: Sendable, Hashable {
        let isNegated: Bool
        let everyone: Bool
        let entries: [String]

        init(_ clause: PrincipalClause) {
            isNegated = clause.isNegated
            switch clause.value {
            case .everyone:
                everyone = true
                entries = []
            case .entries(let list):
                everyone = false
                entries = Set(list.map { "\($0.type.rawValue)\u{0}\($0.value)" }).sorted()
            }
        }
    }

    /// One condition entry with its key lowercased (IAM reads keys case-insensitively) and its values as a set (they
    /// are alternatives).
    struct ConditionKey: Sendable, Hashable, Comparable {
        let operatorName: String
        let key: String
        let values: [String]

        init(_ entry: ConditionEntry) {
            operatorName = entry.operatorName
            key = entry.key.lowercased()
            values = Set(entry.values).sorted()
        }

        static func < (a: ConditionKey, b: ConditionKey) -> Bool {
            if a.operatorName != b.operatorName { return a.operatorName < b.operatorName }
            if a.key != b.key { return a.key < b.key }
            return a.values.lexicographicallyPrecedes(b.values)
        }
    }
}
