/// `base[key]`, or the legacy form `base.0` (``isLegacy``: `open` is the dot, `key` the number, no `close`).
public struct IndexExpr: SyntaxNode {
    public var base: Expr
    /// `[`, or `.` for the legacy form.
    public var open: Token
    public var key: Expr
    /// `]`; nil for the legacy form.
    public var close: Token?

    public init(base: Expr, open: Token, key: Expr, close: Token?) {
        self.base = base
        self.open = open
        self.key = key
        self.close = close
    }

    public var isLegacy: Bool { close == nil }

    public func forEachToken(_ body: (Token) -> Void) {
        base.forEachToken(body)
        body(open)
        key.forEachToken(body)
        close.visit(body)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        base.rewriteTokens(body)
        body(&open)
        key.rewriteTokens(body)
        close.rewrite(body)
    }
}
