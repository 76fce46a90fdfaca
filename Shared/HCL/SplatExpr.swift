/// A splat: `source[*].a[0]` (full splat: attribute and index operations after it apply to each element) or
/// `source.*.a.b` (attribute-only splat: only attribute accesses apply to each element).
///
/// ``each`` holds the per-element operations on top of ``Expr/splatItem``; a bare `x[*]` has `each == .splatItem`.
public struct SplatExpr: SyntaxNode {
    public enum Kind: Sendable, Hashable {
        /// `[*]`
        case full
        /// `.*`
        case attributeOnly
    }

    public var source: Expr
    /// `[` or `.`.
    public var open: Token
    public var star: Token
    /// `]` for a full splat.
    public var close: Token?
    public var each: Expr

    public init(source: Expr, open: Token, star: Token, close: Token?, each: Expr) {
        self.source = source
        self.open = open
        self.star = star
        self.close = close
        self.each = each
    }

    public var kind: Kind { open.kind == .openBracket ? .full : .attributeOnly }

    public func forEachToken(_ body: (Token) -> Void) {
        source.forEachToken(body)
        body(open)
        body(star)
        close.visit(body)
        each.forEachToken(body)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        source.rewriteTokens(body)
        body(&open)
        body(&star)
        close.rewrite(body)
        each.rewriteTokens(body)
    }
}
