/// `base.name`
public struct GetAttrExpr: SyntaxNode {
    public var base: Expr
    public var dot: Token
    public var name: Token

    public init(base: Expr, dot: Token, name: Token) {
        self.base = base
        self.dot = dot
        self.name = name
    }

    public var nameText: String { name.text }

    public func forEachToken(_ body: (Token) -> Void) {
        base.forEachToken(body)
        body(dot)
        body(name)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        base.rewriteTokens(body)
        body(&dot)
        body(&name)
    }
}
