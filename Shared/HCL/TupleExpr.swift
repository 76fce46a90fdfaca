/// `[a, b, c]`
public struct TupleExpr: SyntaxNode {
    public var openBracket: Token
    public var elements: [ExpressionListItem]
    public var closeBracket: Token

    public init(openBracket: Token, elements: [ExpressionListItem], closeBracket: Token) {
        self.openBracket = openBracket
        self.elements = elements
        self.closeBracket = closeBracket
    }

    public var elementExpressions: [Expr] { elements.map(\.expression) }

    public func forEachToken(_ body: (Token) -> Void) {
        body(openBracket)
        elements.visit(body)
        body(closeBracket)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        body(&openBracket)
        elements.rewrite(body)
        body(&closeBracket)
    }
}
