/// One item of a ``Body``.
public indirect enum BodyItem: SyntaxNode {
    case attribute(Attribute)
    case block(Block)
    /// Source that could not be parsed (see the diagnostics), kept verbatim.
    case unexpected(UnexpectedTokens)

    public var attribute: Attribute? {
        if case .attribute(let a) = self { return a }
        return nil
    }

    public var block: Block? {
        if case .block(let b) = self { return b }
        return nil
    }

    public func forEachToken(_ body: (Token) -> Void) {
        switch self {
        case .attribute(let a): a.forEachToken(body)
        case .block(let b): b.forEachToken(body)
        case .unexpected(let u): u.forEachToken(body)
        }
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        switch self {
        case .attribute(var a):
            a.rewriteTokens(body)
            self = .attribute(a)
        case .block(var b):
            b.rewriteTokens(body)
            self = .block(b)
        case .unexpected(var u):
            u.rewriteTokens(body)
            self = .unexpected(u)
        }
    }
}
