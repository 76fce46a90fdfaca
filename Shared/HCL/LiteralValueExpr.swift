/// A number, `true`, `false` or `null`.
public struct LiteralValueExpr: SyntaxNode {
    public var token: Token

    public init(token: Token) {
        self.token = token
    }

    /// The value: a number, a bool or null.
    public var value: HCLValue {
        switch token.text {
        case "true": .bool(true)
        case "false": .bool(false)
        case "null": .null
        default: .number(HCLNumber(token.text))
        }
    }

    public func forEachToken(_ body: (Token) -> Void) { body(token) }
    public mutating func rewriteTokens(_ body: (inout Token) -> Void) { body(&token) }
}
