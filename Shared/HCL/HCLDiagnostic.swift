/// A problem found while reading HCL source: where, what kind, and a message that says what was expected.
///
/// `description` is `file:line:column: message`, safe to show a user: it quotes at most a short excerpt of the
/// source.
public struct HCLDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public enum Code: String, Sendable, Hashable {
        /// The bytes are not valid UTF-8.
        case invalidUTF8 = "invalid_utf8"
        /// A character that cannot start any token.
        case invalidCharacter = "invalid_character"
        /// A backslash escape that HCL does not define, or a `\u` escape naming no character.
        case invalidEscape = "invalid_escape"
        case unterminatedString = "unterminated_string"
        case unterminatedHeredoc = "unterminated_heredoc"
        case unterminatedComment = "unterminated_comment"
        /// A heredoc introducer that is not followed by a newline.
        case invalidHeredoc = "invalid_heredoc"
        /// A token where the grammar expects something else.
        case unexpectedToken = "unexpected_token"
        /// An argument or block not followed by a newline.
        case missingNewline = "missing_newline"
        /// A block whose `}` never comes.
        case unclosedBlock = "unclosed_block"
        /// A quoted block label with `${...}` or `%{...}` in it.
        case invalidBlockLabel = "invalid_block_label"
        /// Nesting deeper than ``HCLParser/Options/maximumDepth``.
        case nestingTooDeep = "nesting_too_deep"
        /// The same argument twice in one body.
        case duplicateAttribute = "duplicate_attribute"
        /// The diagnostic limit was reached; later problems are not listed.
        case tooManyDiagnostics = "too_many_diagnostics"
    }

    public var code: Code
    public var severity: Severity
    public var message: String
    public var fileName: String
    public var range: SourceRange

    public init(code: Code, severity: Severity = .error, message: String, fileName: String, range: SourceRange) {
        self.code = code
        self.severity = severity
        self.message = message
        self.fileName = fileName
        self.range = range
    }

    public var line: Int { range.start.line }
    public var column: Int { range.start.column }

    public var description: String { "\(fileName):\(range.start.line):\(range.start.column): \(message)" }

    /// Shortens source text for a message: at most `limit` characters, newlines shown as `\n`.
    static func excerpt(_ text: String, limit: Int = 24) -> String {
        var result = ""
        for character in text {
            if result.count >= limit {
                result += "..."
                break
            }
            switch character {
            case "\n": result += "\\n"
            case "\r\n": result += "\\r\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default: result.append(character)
            }
        }
        return result
    }
}
