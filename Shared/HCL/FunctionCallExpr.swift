/// `name(arg, arg...)`. The name may be namespaced (`provider::aws::arn_parse`).
public struct FunctionCallExpr: SyntaxNode {
    public var name: Token
    public var openParen: Token
    public var arguments: [ExpressionListItem]
    /// `...` after the last argument: its elements are passed as separate arguments.
    public var ellipsis: Token?
    public var closeParen: Token

    public init(name: Token, openParen: Token, arguments: [ExpressionListItem], ellipsis: Token?, closeParen: Token) {
        self.name = name
        self.openParen = openParen
        self.arguments = arguments
        self.ellipsis = ellipsis
        self.closeParen = closeParen
    }

    public var functionName: String { name.text }
    public var argumentExpressions: [Expr] { arguments.map(\.expression) }
    public var expandsFinalArgument: Bool { ellipsis != nil }

    public func forEachToken(_ body: (Token) -> Void) {
        body(name)
        body(openParen)
        arguments.visit(body)
        ellipsis.visit(body)
        body(closeParen)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        body(&name)
        body(&openParen)
        arguments.rewrite(body)
        ellipsis.rewrite(body)
        body(&closeParen)
    }
}
