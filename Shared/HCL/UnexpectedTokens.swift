/// Tokens the parser skipped while recovering from a syntax error, kept so that the tree still prints the file
/// exactly.
public struct UnexpectedTokens: SyntaxNode {
    public var tokens: [Token]

    public init(tokens: [Token]) {
        self.tokens = tokens
    }

    public func forEachToken(_ body: (Token) -> Void) {
        for token in tokens { body(token) }
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        for i in tokens.indices { body(&tokens[i]) }
    }
}
