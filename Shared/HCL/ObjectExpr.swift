/// `{ key = value, ... }`; elements are separated by commas or newlines.
public struct ObjectExpr: SyntaxNode {
    public var openBrace: Token
    public var elements: [ObjectElement]
    public var closeBrace: Token

    public init(openBrace: Token, elements: [ObjectElement], closeBrace: Token) {
        self.openBrace = openBrace
        self.elements = elements
        self.closeBrace = closeBrace
    }

    /// The value of the first element whose static key is `name`.
    public func value(forKey name: String) -> Expr? {
        elements.first { $0.keyName == name }?.value
    }

    public func forEachToken(_ body: (Token) -> Void) {
        body(openBrace)
        elements.visit(body)
        body(closeBrace)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        body(&openBrace)
        elements.rewrite(body)
        body(&closeBrace)
    }
}
