/// `[for k, v in coll : value if cond]` or `{for k, v in coll : key => value... if cond}`.
public struct ForExpr: SyntaxNode {
    /// `[` or `{`.
    public var open: Token
    public var forKeyword: Token
    /// The first variable when two are given (`for k, v in`).
    public var keyVariable: Token?
    public var comma: Token?
    public var valueVariable: Token
    public var inKeyword: Token
    public var collection: Expr
    public var colon: Token
    /// For object results: the key expression before `=>`.
    public var keyExpression: Expr?
    public var arrow: Token?
    public var valueExpression: Expr
    /// `...` after the value of an object `for`: group values with the same key into tuples.
    public var grouping: Token?
    public var ifKeyword: Token?
    public var condition: Expr?
    /// `]` or `}`.
    public var close: Token

    public init(open: Token, forKeyword: Token, keyVariable: Token?, comma: Token?, valueVariable: Token,
                inKeyword: Token, collection: Expr, colon: Token, keyExpression: Expr?, arrow: Token?,
                valueExpression: Expr, grouping: Token?, ifKeyword: Token?, condition: Expr?, close: Token) {
        self.open = open
        self.forKeyword = forKeyword
        self.keyVariable = keyVariable
        self.comma = comma
        self.valueVariable = valueVariable
        self.inKeyword = inKeyword
        self.collection = collection
        self.colon = colon
        self.keyExpression = keyExpression
        self.arrow = arrow
        self.valueExpression = valueExpression
        self.grouping = grouping
        self.ifKeyword = ifKeyword
        self.condition = condition
        self.close = close
    }

    /// Whether the result is an object (`{for ...}`) rather than a tuple.
    public var producesObject: Bool { open.kind == .openBrace }
    public var isGrouping: Bool { grouping != nil }
    public var keyVariableName: String? { keyVariable?.text }
    public var valueVariableName: String { valueVariable.text }

    public func forEachToken(_ body: (Token) -> Void) {
        body(open)
        body(forKeyword)
        keyVariable.visit(body)
        comma.visit(body)
        body(valueVariable)
        body(inKeyword)
        collection.forEachToken(body)
        body(colon)
        keyExpression.visit(body)
        arrow.visit(body)
        valueExpression.forEachToken(body)
        grouping.visit(body)
        ifKeyword.visit(body)
        condition.visit(body)
        body(close)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        body(&open)
        body(&forKeyword)
        keyVariable.rewrite(body)
        comma.rewrite(body)
        body(&valueVariable)
        body(&inKeyword)
        collection.rewriteTokens(body)
        body(&colon)
        keyExpression.rewrite(body)
        arrow.rewrite(body)
        valueExpression.rewriteTokens(body)
        grouping.rewrite(body)
        ifKeyword.rewrite(body)
        condition.rewrite(body)
        body(&close)
    }
}
