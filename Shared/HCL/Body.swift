/// The attributes and blocks of a file or of a block, in source order.
public struct Body: SyntaxNode {
    public var items: [BodyItem]

    public init(items: [BodyItem] = []) {
        self.items = items
    }

    public func forEachToken(_ body: (Token) -> Void) {
        for item in items { item.forEachToken(body) }
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        for i in items.indices { items[i].rewriteTokens(body) }
    }
}
