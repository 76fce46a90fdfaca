/// What a ``Token`` is.
///
/// Keywords (`for`, `in`, `if`, `true`, `null`, ...) are identifiers: HCL reserves them only in some places.
/// Newlines and comments are not tokens but ``Trivia``.
public enum TokenKind: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case identifier
    case number

    case openBrace, closeBrace, openBracket, closeBracket, openParen, closeParen
    case comma, dot, ellipsis, equals, colon, question, fatArrow
    case plus, minus, star, slash, percent, bang
    case and, or, equalEqual, notEqual, less, greater, lessEqual, greaterEqual

    /// `"` opening a quoted template.
    case openQuote
    /// `"` closing a quoted template.
    case closeQuote
    /// Literal text of a template, exactly as written (escapes not decoded). In heredocs one token per line at most,
    /// ending with the line's newline.
    case templateLiteral
    /// `${` or `${~`.
    case interpolationStart
    /// `%{` or `%{~`.
    case directiveStart
    /// `}` or `~}` ending an interpolation or a directive.
    case templateSequenceEnd
    /// `<<EOT` or `<<-EOT` with the newline that follows it.
    case heredocStart
    /// The closing marker line of a heredoc, with its indentation and without the newline.
    case heredocEnd

    /// Characters that cannot start any token (reported by the lexer).
    case invalid
    /// The end of the file; its leading trivia is whatever follows the last token.
    case endOfFile

    /// Whether the token opens a bracketed region (for error recovery and bracket balancing).
    public var isOpener: Bool {
        switch self {
        case .openBrace, .openBracket, .openParen, .openQuote, .interpolationStart, .directiveStart, .heredocStart: true
        default: false
        }
    }

    /// Whether the token closes a bracketed region.
    public var isCloser: Bool {
        switch self {
        case .closeBrace, .closeBracket, .closeParen, .closeQuote, .templateSequenceEnd, .heredocEnd: true
        default: false
        }
    }

    /// The fixed spelling of punctuation and operators, nil for kinds whose text varies.
    public var fixedText: String? {
        switch self {
        case .openBrace: "{"
        case .closeBrace: "}"
        case .openBracket: "["
        case .closeBracket: "]"
        case .openParen: "("
        case .closeParen: ")"
        case .comma: ","
        case .dot: "."
        case .ellipsis: "..."
        case .equals: "="
        case .colon: ":"
        case .question: "?"
        case .fatArrow: "=>"
        case .plus: "+"
        case .minus: "-"
        case .star: "*"
        case .slash: "/"
        case .percent: "%"
        case .bang: "!"
        case .and: "&&"
        case .or: "||"
        case .equalEqual: "=="
        case .notEqual: "!="
        case .less: "<"
        case .greater: ">"
        case .lessEqual: "<="
        case .greaterEqual: ">="
        case .openQuote, .closeQuote: "\""
        default: nil
        }
    }

    /// How messages name the kind: `"="`, `an identifier`, `the end of the file`.
    public var description: String {
        if self == .openQuote || self == .closeQuote { return "\"\\\"\"" }
        if let text = fixedText { return "\"\(text)\"" }
        switch self {
        case .identifier: return "an identifier"
        case .number: return "a number"
        case .templateLiteral: return "template text"
        case .interpolationStart: return "\"${\""
        case .directiveStart: return "\"%{\""
        case .templateSequenceEnd: return "\"}\""
        case .heredocStart: return "a heredoc"
        case .heredocEnd: return "the end of a heredoc"
        case .invalid: return "an invalid character"
        case .endOfFile: return "the end of the file"
        default: return "\(rawValue)"
        }
    }
}
