/// `(expression)`
public struct ParenthesizedExpr: SyntaxNode {
    public var openParen: Token
    public var expression: Expr
    public var closeParen: Token

    public init(openParen: Token, expression: Expr, closeParen: Token) {
        self.openParen = openParen
        self.expression = expression
        self.closeParen = closeParen
    }

    public func forEachToken(_ body: (Token) -> Void) {
        body(openParen)
        expression.forEachToken(body)
        body(closeParen)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        body(&openParen)
        expression.rewriteTokens(body)
        body(&closeParen)
    }
}
