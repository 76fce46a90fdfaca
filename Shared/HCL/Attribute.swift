/// `name = expression`: an argument in a body.
public struct Attribute: SyntaxNode {
    public var name: Token
    public var equals: Token
    public var expression: Expr

    public init(name: Token, equals: Token, expression: Expr) {
        self.name = name
        self.equals = equals
        self.expression = expression
    }

    /// Makes `name = expression` with one space around `=` (as the parser attaches it: after the name and after
    /// the `=`).
    public init(name: String, expression: Expr) {
        var value = expression
        value.leadingTrivia = .none
        self.init(name: .make(.identifier, name, trailing: .space), equals: .make(.equals, trailing: .space),
                  expression: value)
    }

    /// The argument's name.
    public var nameText: String { name.text }

    /// The static value of the expression when it is made of literals only (see ``Expr/literalValue``).
    public var literalValue: HCLValue? { expression.literalValue }

    public func forEachToken(_ body: (Token) -> Void) {
        body(name)
        body(equals)
        expression.forEachToken(body)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        body(&name)
        body(&equals)
        expression.rewriteTokens(body)
    }
}
