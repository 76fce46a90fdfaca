/// `%{ for k, v in collection } body %{ endfor }`.
public struct TemplateForDirective: SyntaxNode {
    /// `%{` or `%{~`.
    public var open: Token
    public var forKeyword: Token
    public var keyVariable: Token?
    public var comma: Token?
    public var valueVariable: Token
    public var inKeyword: Token
    public var collection: Expr
    /// `}` or `~}`.
    public var close: Token
    public var bodyParts: [TemplatePart]
    public var endTag: TemplateDirectiveTag

    public init(open: Token, forKeyword: Token, keyVariable: Token?, comma: Token?, valueVariable: Token,
                inKeyword: Token, collection: Expr, close: Token, bodyParts: [TemplatePart],
                endTag: TemplateDirectiveTag) {
        self.open = open
        self.forKeyword = forKeyword
        self.keyVariable = keyVariable
        self.comma = comma
        self.valueVariable = valueVariable
        self.inKeyword = inKeyword
        self.collection = collection
        self.close = close
        self.bodyParts = bodyParts
        self.endTag = endTag
    }

    public func forEachToken(_ body: (Token) -> Void) {
        body(open)
        body(forKeyword)
        keyVariable.visit(body)
        comma.visit(body)
        body(valueVariable)
        body(inKeyword)
        collection.forEachToken(body)
        body(close)
        bodyParts.visit(body)
        endTag.forEachToken(body)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        body(&open)
        body(&forKeyword)
        keyVariable.rewrite(body)
        comma.rewrite(body)
        body(&valueVariable)
        body(&inKeyword)
        collection.rewriteTokens(body)
        body(&close)
        bodyParts.rewrite(body)
        endTag.rewriteTokens(body)
    }
}
