/// One statement of a policy document.
public struct PolicyStatement: Sendable, Hashable {
    /// Position in the document's `Statement` list (0 when `Statement` was a single object).
    public var index: Int
    public var sid: String?
    public var effect: Effect
    /// `Principal` or `NotPrincipal`; nil in identity policies, SCPs and permissions boundaries.
    public var principal: PrincipalClause?
    /// `Action` or `NotAction` (exactly one of them is required).
    public var action: PatternList
    /// `Resource` or `NotResource`; nil when neither is present (trust policies).
    public var resource: PatternList?
    /// The condition block flattened to (operator, key, values) in document order. All entries must hold (AND);
    /// the values of one entry are alternatives (OR).
    public var conditions: [ConditionEntry]

    public init(index: Int = 0, sid: String? = nil, effect: Effect, principal: PrincipalClause? = nil,
                action: PatternList, resource: PatternList? = nil, conditions: [ConditionEntry] = []) {
        self.index = index
        self.sid = sid
        self.effect = effect
        self.principal = principal
        self.action = action
        self.resource = resource
        self.conditions = conditions
    }

    /// How findings name this statement: `Statement[2] (Sid "ReadLogs")` or `Statement[2]`.
    public var label: String {
        if let sid, !sid.isEmpty { return "Statement[\(index)] (Sid \"\(sid)\")" }
        return "Statement[\(index)]"
    }
}

/// One operator/key pair of a `Condition` block with its values, kept as strings.
public struct ConditionEntry: Sendable, Hashable {
    /// The operator as written, e.g. `ForAnyValue:StringLikeIfExists`.
    public var operatorName: String
    /// The condition key as written, e.g. `aws:SourceVpce` (keys are case-insensitive when evaluated).
    public var key: String
    public var values: [String]

    public init(operatorName: String, key: String, values: [String]) {
        self.operatorName = operatorName
        self.key = key
        self.values = values
    }

    /// The parsed operator, or nil when IAM does not know it.
    public var conditionOperator: ConditionOperator? { ConditionOperator(operatorName) }
}
