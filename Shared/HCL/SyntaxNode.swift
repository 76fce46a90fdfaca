/// A node of the concrete syntax tree. Every node can list its tokens in source order; printing them with their
/// trivia gives the node's exact source text.
public protocol SyntaxNode: Sendable, Hashable {
    /// Calls `body` with every token of the node in source order, missing tokens included.
    func forEachToken(_ body: (Token) -> Void)
    /// Calls `body` with every token of the node in source order and keeps the changes it makes.
    mutating func rewriteTokens(_ body: (inout Token) -> Void)
}

extension SyntaxNode {
    /// The node's tokens in source order.
    public var tokens: [Token] {
        var result: [Token] = []
        forEachToken { result.append($0) }
        return result
    }

    /// The first token that is not missing.
    public var firstToken: Token? {
        var result: Token?
        forEachToken { if result == nil, !$0.isMissing { result = $0 } }
        return result
    }

    /// The last token that is not missing.
    public var lastToken: Token? {
        var result: Token?
        forEachToken { if !$0.isMissing { result = $0 } }
        return result
    }

    /// From the start of the first token to the end of the last (trivia excluded). ``SourceRange/zero`` for a node
    /// without tokens.
    public var range: SourceRange {
        var start: SourcePosition?
        var end: SourcePosition?
        forEachToken {
            if !$0.isMissing {
                if start == nil { start = $0.range.start }
                end = $0.range.end
            }
        }
        guard let start, let end else { return .zero }
        return SourceRange(start: start, end: max(start, end))
    }

    /// The exact source text of the node, with the first token's leading and the last token's trailing trivia.
    public var fullText: String {
        var out = ""
        forEachToken {
            out += $0.leadingTrivia.text
            out += $0.text
            out += $0.trailingTrivia.text
        }
        return out
    }

    /// The source text of the node without the trivia before its first and after its last token.
    public var trimmedText: String {
        let all = tokens.filter { !$0.isMissing }
        guard !all.isEmpty else { return "" }
        var out = ""
        for (i, token) in all.enumerated() {
            if i > 0 { out += token.leadingTrivia.text }
            out += token.text
            if i < all.count - 1 { out += token.trailingTrivia.text }
        }
        return out
    }

    /// The leading trivia of the first token (comments above the node and the newline/indentation before it).
    public var leadingTrivia: Trivia {
        get { firstToken?.leadingTrivia ?? .none }
        set { updateFirstToken { $0.leadingTrivia = newValue } }
    }

    /// The trailing trivia of the last token (a comment after the node on its last line).
    public var trailingTrivia: Trivia {
        get { lastToken?.trailingTrivia ?? .none }
        set { updateLastToken { $0.trailingTrivia = newValue } }
    }

    /// Changes the first token that is not missing.
    public mutating func updateFirstToken(_ change: (inout Token) -> Void) {
        var done = false
        rewriteTokens { token in
            if !done, !token.isMissing {
                change(&token)
                done = true
            }
        }
    }

    /// Changes the last token that is not missing.
    public mutating func updateLastToken(_ change: (inout Token) -> Void) {
        var count = 0
        forEachToken { if !$0.isMissing { count += 1 } }
        guard count > 0 else { return }
        var seen = 0
        rewriteTokens { token in
            if !token.isMissing {
                seen += 1
                if seen == count { change(&token) }
            }
        }
    }
}

extension Optional where Wrapped == Token {
    /// Visits the token if present.
    @inline(__always) func visit(_ body: (Token) -> Void) {
        if let token = self { body(token) }
    }

    @inline(__always) mutating func rewrite(_ body: (inout Token) -> Void) {
        if var token = self {
            body(&token)
            self = token
        }
    }
}

extension Optional where Wrapped: SyntaxNode {
    @inline(__always) func visit(_ body: (Token) -> Void) {
        if let node = self { node.forEachToken(body) }
    }

    @inline(__always) mutating func rewrite(_ body: (inout Token) -> Void) {
        if var node = self {
            node.rewriteTokens(body)
            self = node
        }
    }
}

extension Array where Element: SyntaxNode {
    @inline(__always) func visit(_ body: (Token) -> Void) {
        for node in self { node.forEachToken(body) }
    }

    @inline(__always) mutating func rewrite(_ body: (inout Token) -> Void) {
        for i in indices { self[i].rewriteTokens(body) }
    }
}
