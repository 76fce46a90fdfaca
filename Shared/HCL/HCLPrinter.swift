/// Prints syntax trees back to text: every token's leading trivia, text and trailing trivia, in order.
///
/// For a tree the parser produced, printing gives the parsed bytes back exactly (CRLF line endings, tabs, trailing
/// whitespace, comments and a missing final newline included). After an edit, only the edited tokens print
/// differently, so a diff against the original shows just the change.
public enum HCLPrinter {
    /// The text of a file or of any node.
    public static func print(_ node: some SyntaxNode) -> String {
        String(decoding: bytes(node), as: UTF8.self)
    }

    /// The UTF-8 bytes of a file or of any node.
    public static func bytes(_ node: some SyntaxNode) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        node.forEachToken { token in
            out.append(contentsOf: token.leadingTrivia.text.utf8)
            out.append(contentsOf: token.text.utf8)
            out.append(contentsOf: token.trailingTrivia.text.utf8)
        }
        return out
    }
}
