/// A reference to a variable by name: the root of traversals such as `var.region` or `aws_s3_bucket.logs.id`.
public struct VariableExpr: SyntaxNode {
    public var name: Token

    public init(name: Token) {
        self.name = name
    }

    public var nameText: String { name.text }

    public func forEachToken(_ body: (Token) -> Void) { body(name) }
    public mutating func rewriteTokens(_ body: (inout Token) -> Void) { body(&name) }
}
