/// `left op right`.
public struct BinaryOpExpr: SyntaxNode {
    public var left: Expr
    public var operatorToken: Token
    public var right: Expr

    public init(left: Expr, operatorToken: Token, right: Expr) {
        self.left = left
        self.operatorToken = operatorToken
        self.right = right
    }

    /// The operator (the parser only builds binary expressions from operator tokens).
    public var op: BinaryOperator { BinaryOperator(operatorToken.kind) ?? .add }

    public func forEachToken(_ body: (Token) -> Void) {
        left.forEachToken(body)
        body(operatorToken)
        right.forEachToken(body)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        left.rewriteTokens(body)
        body(&operatorToken)
        right.rewriteTokens(body)
    }
}
