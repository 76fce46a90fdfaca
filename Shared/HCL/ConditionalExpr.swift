/// `condition ? trueResult : falseResult`.
public struct ConditionalExpr: SyntaxNode {
    public var condition: Expr
    public var question: Token
    public var trueResult: Expr
    public var colon: Token
    public var falseResult: Expr

    public init(condition: Expr, question: Token, trueResult: Expr, colon: Token, falseResult: Expr) {
        self.condition = condition
        self.question = question
        self.trueResult = trueResult
        self.colon = colon
        self.falseResult = falseResult
    }

    public func forEachToken(_ body: (Token) -> Void) {
        condition.forEachToken(body)
        body(question)
        trueResult.forEachToken(body)
        body(colon)
        falseResult.forEachToken(body)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        condition.rewriteTokens(body)
        body(&question)
        trueResult.rewriteTokens(body)
        body(&colon)
        falseResult.rewriteTokens(body)
    }
}
