/// `type label... { body }`: a block, multi-line or on one line (`a { b = 1 }`).
public struct Block: SyntaxNode {
    /// The block type (`resource`, `ingress`, `dynamic`...).
    public var type: Token
    public var labels: [BlockLabel]
    public var openBrace: Token
    public var body: Body
    /// Missing if the file ended before the block was closed.
    public var closeBrace: Token

    public init(type: Token, labels: [BlockLabel], openBrace: Token, body: Body, closeBrace: Token) {
        self.type = type
        self.labels = labels
        self.openBrace = openBrace
        self.body = body
        self.closeBrace = closeBrace
    }

    /// The block type as text.
    public var typeName: String { type.text }

    /// The labels' values (`["aws_s3_bucket", "logs"]`).
    public var labelValues: [String] { labels.map(\.value) }

    /// Whether the body is written on the block's first line (`a { b = 1 }`).
    public var isSingleLine: Bool {
        if let first = body.firstToken { return !first.hasNewlineBefore }
        return !closeBrace.hasNewlineBefore
    }

    /// The argument named `name` directly in this block's body.
    public func attribute(named name: String) -> Attribute? { body.attribute(named: name) }

    /// The range of the block's first line: type and labels, for findings that point at a block.
    public var headerRange: SourceRange { SourceRange(start: type.range.start, end: openBrace.range.end) }

    public func forEachToken(_ body: (Token) -> Void) {
        body(type)
        labels.visit(body)
        body(openBrace)
        self.body.forEachToken(body)
        body(closeBrace)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        body(&type)
        labels.rewrite(body)
        body(&openBrace)
        self.body.rewriteTokens(body)
        body(&closeBrace)
    }
}
