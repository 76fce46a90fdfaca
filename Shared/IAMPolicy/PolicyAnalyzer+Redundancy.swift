/// Validation finding: statements that add nothing because another statement already covers them.
extension PolicyAnalyzer {
    /// The work one document's redundancy check may do (about one unit per statement pair tried and per pattern token
    /// compared). Real policies stay far below it: AWS caps an identity policy at 6,144 characters and a bucket policy
    /// at 20 KiB, and no AWS managed policy (the largest has about 160 statements) needs 3% of it. A 1 MiB document of
    /// tiny statements would otherwise cost hundreds of millions of comparisons. Past the budget the check stops, and
    /// what it has reported so far stays proven.
    static let redundancyBudget = 10_000_000

    /// Reports each statement that another statement of the same Effect covers (``PolicyStatement/covers(_:)``).
    ///
    /// When two statements cover each other (duplicates, or the same grant written two ways), only the later one is
    /// reported. Statements are decided from the last to the first, and a statement already reported never serves as
    /// the reason for another, so removing every reported statement at once leaves the policy's meaning unchanged.
    func checkRedundantStatements(_ document: PolicyDocument, budget: Int = Self.redundancyBudget,
                                  into collector: inout FindingCollector) {
        let statements = document.statements
        guard statements.count > 1 else { return }
        let compiled = statements.map(PolicyStatement.Coverage.init)
        let index = CovererIndex(compiled)
        var redundant = [Bool](repeating: false, count: statements.count)
        var reason = [Int?](repeating: nil, count: statements.count)
        var budget = budget
        search: for t in compiled.indices.reversed() where compiled[t].isComparable {
            // The first statement still standing that covers this one is the reason.
            let candidates = index.candidates(for: compiled[t])
            budget -= candidates.count
            for s in candidates where s != t && !redundant[s] {
                if budget < 0 { break search }
                if compiled[s].covers(compiled[t], budget: &budget) {
                    redundant[t] = true
                    reason[t] = s
                    break
                }
            }
        }
        for t in statements.indices {
            guard redundant[t], var s = reason[t] else { continue }
            // Name a statement that stays when one does (the reason itself may have been reported afterwards).
            if redundant[s] {
                let candidates = index.candidates(for: compiled[t])
                budget -= candidates.count
                for k in candidates where !redundant[k] {
                    if budget < 0 { break }
                    if compiled[k].covers(compiled[t], budget: &budget) {
                        s = k
                        break
                    }
                }
            }
            collector.add(redundantStatementFinding(statements[t], coveredBy: statements[s],
                                                    duplicate: compiled[s].duplicates(compiled[t])))
        }
    }

    /// Which statements can possibly cover a given one, so large documents do not compare every pair: a coverer must
    /// cover the statement's first action, so it names that action, has a wildcard action of the same service (or
    /// one whose service part has a wildcard), or uses NotAction. A first action whose service part has a wildcard
    /// gets every statement.
    private struct CovererIndex {
        let all: [Int]
        var byAction: [String: [Int]] = [:]
        var wildcardsByService: [String?: [Int]] = [:]
        var negated: [Int] = []

        init(_ compiled: [PolicyStatement.Coverage]) {
            all = Array(compiled.indices)
            for (i, statement) in compiled.enumerated() {
                let actions = statement.actions
                if actions.isNegated {
                    negated.append(i)
                    continue
                }
                for text in actions.texts { byAction[text, default: []].append(i) }
                for service in actions.wildcards.keys { wildcardsByService[service, default: []].append(i) }
            }
        }

        /// Possible coverers of `statement`, in document order.
        func candidates(for statement: PolicyStatement.Coverage) -> [Int] {
            guard !statement.actions.isNegated, let first = statement.actions.patterns.first,
                  let service = first.service else { return all }
            return Self.merged([negated, byAction[first.text] ?? [], wildcardsByService[service] ?? [],
                                wildcardsByService[nil] ?? []])
        }

        /// The union of ascending lists, ascending and without repeats.
        static func merged(_ lists: [[Int]]) -> [Int] {
            var positions = [Int](repeating: 0, count: lists.count)
            var out: [Int] = []
            while true {
                var smallest: Int?
                for (l, list) in lists.enumerated() where positions[l] < list.count {
                    let value = list[positions[l]]
                    if smallest.map({ value < $0 }) ?? true { smallest = value }
                }
                guard let next = smallest else { return out }
                out.append(next)
                for (l, list) in lists.enumerated() where positions[l] < list.count && list[positions[l]] == next {
                    positions[l] += 1
                }
            }
        }
    }

    private func redundantStatementFinding(_ statement: PolicyStatement, coveredBy other: PolicyStatement,
                                           duplicate: Bool) -> Finding {
        let verb = statement.effect == .allow ? "allows" : "denies"
        var explanation: String
        if duplicate {
            explanation = "it repeats \(other.label), which \(verb) exactly the same."
        } else {
            explanation = "\(other.label) already \(verb) every action on every resource that it does"
            if statement.principal != nil { explanation += ", for the same principal" }
            if !other.conditions.isEmpty {
                explanation += ", under the same conditions"
            } else if !statement.conditions.isEmpty {
                explanation += ", and without its conditions"
            }
            explanation += "."
        }
        return Finding(
            id: "IAM-REDUNDANT-STATEMENT", category: .redundantStatement, severity: .low,
            statementIndex: statement.index, sid: statement.sid,
            message: "\(statement.label) is redundant: \(explanation) Removing it changes nothing; if one of the two "
                + "was meant to be narrower or wider, it is not written that way.",
            actions: statement.action.isNegated ? [] : statement.action.patterns,
            references: FindingReferences.redundantStatement)
    }
}
