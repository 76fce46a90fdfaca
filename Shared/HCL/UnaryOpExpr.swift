/// `-operand` or `!operand`.
public struct UnaryOpExpr: SyntaxNode {
    public enum Operator: String, Sendable, Hashable {
        case negate = "-"
        case not = "!"
    }

    public var operatorToken: Token
    public var operand: Expr

    public init(operatorToken: Token, operand: Expr) {
        self.operatorToken = operatorToken
        self.operand = operand
    }

    public var op: Operator { operatorToken.kind == .minus ? .negate : .not }

    public func forEachToken(_ body: (Token) -> Void) {
        body(operatorToken)
        operand.forEachToken(body)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        body(&operatorToken)
        operand.rewriteTokens(body)
    }
}
