/// An element of a tuple or an argument of a function call, with the comma after it if there is one.
public struct ExpressionListItem: SyntaxNode {
    public var expression: Expr
    public var comma: Token?

    public init(expression: Expr, comma: Token? = nil) {
        self.expression = expression
        self.comma = comma
    }

    public func forEachToken(_ body: (Token) -> Void) {
        expression.forEachToken(body)
        comma.visit(body)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        expression.rewriteTokens(body)
        comma.rewrite(body)
    }
}
