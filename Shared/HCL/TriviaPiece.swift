/// One piece of ``Trivia``: a run of spaces and tabs, a newline, a comment or a byte order mark.
///
/// Line comments hold their text without the newline that ends them; that newline is a `.newline` piece of its own.
public enum TriviaPiece: Sendable, Hashable {
    /// Spaces and tabs.
    case whitespace(String)
    /// `\n` or `\r\n`.
    case newline(String)
    /// `# ...` up to the end of the line.
    case hashComment(String)
    /// `// ...` up to the end of the line.
    case slashComment(String)
    /// `/* ... */`, possibly over several lines (an inline comment counts as whitespace, never as a newline).
    case blockComment(String)
    /// A UTF-8 byte order mark at the very start of a file.
    case byteOrderMark
    /// Text that is not trivia, present only if an edit put it into a trivia value.
    case unexpectedText(String)

    /// The exact source text of the piece.
    public var text: String {
        switch self {
        case .whitespace(let s), .newline(let s), .hashComment(let s), .slashComment(let s), .blockComment(let s),
             .unexpectedText(let s):
            s
        case .byteOrderMark: "\u{FEFF}"
        }
    }

    /// Whether the piece is a comment of any of the three kinds.
    public var isComment: Bool {
        switch self {
        case .hashComment, .slashComment, .blockComment: true
        default: false
        }
    }

    public var isNewline: Bool {
        if case .newline = self { return true }
        return false
    }
}
