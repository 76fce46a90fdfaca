/// `${ expression }`, with optional strip markers (`${~`, `~}`).
public struct TemplateInterpolation: SyntaxNode {
    /// `${` or `${~`.
    public var open: Token
    public var expression: Expr
    /// `}` or `~}`.
    public var close: Token

    public init(open: Token, expression: Expr, close: Token) {
        self.open = open
        self.expression = expression
        self.close = close
    }

    /// `${~`: whitespace at the end of the literal before is removed.
    public var stripsBefore: Bool { open.text.hasSuffix("~") }
    /// `~}`: whitespace at the start of the literal after is removed.
    public var stripsAfter: Bool { close.text.hasPrefix("~") }

    public func forEachToken(_ body: (Token) -> Void) {
        body(open)
        expression.forEachToken(body)
        body(close)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        body(&open)
        expression.rewriteTokens(body)
        body(&close)
    }
}
