/// A directive without an expression: `%{ else }`, `%{ endif }`, `%{ endfor }` (with optional strip markers).
public struct TemplateDirectiveTag: SyntaxNode {
    /// `%{` or `%{~`.
    public var open: Token
    public var keyword: Token
    /// `}` or `~}`.
    public var close: Token

    public init(open: Token, keyword: Token, close: Token) {
        self.open = open
        self.keyword = keyword
        self.close = close
    }

    public var stripsBefore: Bool { open.text.hasSuffix("~") }
    public var stripsAfter: Bool { close.text.hasPrefix("~") }

    public func forEachToken(_ body: (Token) -> Void) {
        body(open)
        body(keyword)
        body(close)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        body(&open)
        body(&keyword)
        body(&close)
    }
}
