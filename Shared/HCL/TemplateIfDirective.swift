/// `%{ if condition } then %{ else } otherwise %{ endif }`.
public struct TemplateIfDirective: SyntaxNode {
    /// `%{` or `%{~`.
    public var open: Token
    public var ifKeyword: Token
    public var condition: Expr
    /// `}` or `~}`.
    public var close: Token
    public var thenParts: [TemplatePart]
    public var elseTag: TemplateDirectiveTag?
    public var elseParts: [TemplatePart]
    public var endTag: TemplateDirectiveTag

    public init(open: Token, ifKeyword: Token, condition: Expr, close: Token, thenParts: [TemplatePart],
                elseTag: TemplateDirectiveTag?, elseParts: [TemplatePart], endTag: TemplateDirectiveTag) {
        self.open = open
        self.ifKeyword = ifKeyword
        self.condition = condition
        self.close = close
        self.thenParts = thenParts
        self.elseTag = elseTag
        self.elseParts = elseParts
        self.endTag = endTag
    }

    public func forEachToken(_ body: (Token) -> Void) {
        body(open)
        body(ifKeyword)
        condition.forEachToken(body)
        body(close)
        thenParts.visit(body)
        elseTag.visit(body)
        elseParts.visit(body)
        endTag.forEachToken(body)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        body(&open)
        body(&ifKeyword)
        condition.rewriteTokens(body)
        body(&close)
        thenParts.rewrite(body)
        elseTag.rewrite(body)
        elseParts.rewrite(body)
        endTag.rewriteTokens(body)
    }
}
