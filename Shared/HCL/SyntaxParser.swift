/// The recursive-descent parser behind ``HCLParser``: a cursor over the lexer's tokens plus the state for newline
/// handling, nesting depth and diagnostics.
///
/// Error handling: the first error inside a body item is reported and thrown as ``Failure``; the body loop then
/// rewinds to the start of the item and keeps the tokens up to the end of its line (brackets balanced) as
/// unexpected tokens, so nothing is lost and parsing resumes at the next item.
struct SyntaxParser {
    struct Failure: Error {}

    let tokens: [Token]
    let fileName: String
    let options: HCLParser.Options
    var index = 0
    var depth = 0
    /// Whether a newline ends the current construct (bodies, object elements) or is mere whitespace (inside
    /// parentheses, brackets, `for` expressions, template sequences).
    var newlineSensitive = true
    private var diagnostics: [HCLDiagnostic]
    private var droppedDiagnostics = 0

    init(tokens: [Token], fileName: String, options: HCLParser.Options, diagnostics: [HCLDiagnostic]) {
        self.tokens = tokens
        self.fileName = fileName
        self.options = options
        self.diagnostics = []
        for diagnostic in diagnostics { record(diagnostic) }
    }

    // MARK: - Cursor

    var current: Token { tokens[index] }

    func peek(_ offset: Int) -> Token { tokens[min(index + offset, tokens.count - 1)] }

    /// Whether a significant newline comes before the current token.
    var atNewline: Bool { newlineSensitive && tokens[index].hasNewlineBefore }

    /// Whether the current token is `kind` and not separated from what precedes it by a significant newline.
    func isAt(_ kind: TokenKind) -> Bool { tokens[index].kind == kind && !atNewline }

    /// Consumes the current token (the end-of-file token is never consumed).
    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// Runs `body` with newlines treated as whitespace.
    mutating func ignoringNewlines<T>(_ body: (inout SyntaxParser) throws -> T) rethrows -> T {
        let saved = newlineSensitive
        newlineSensitive = false
        defer { newlineSensitive = saved }
        return try body(&self)
    }

    /// Runs `body` with newlines significant.
    mutating func respectingNewlines<T>(_ body: (inout SyntaxParser) throws -> T) rethrows -> T {
        let saved = newlineSensitive
        newlineSensitive = true
        defer { newlineSensitive = saved }
        return try body(&self)
    }

    /// Goes one level deeper, or fails when that would pass the depth limit. Pair with `defer { depth -= 1 }`.
    mutating func enter() throws {
        guard depth < options.maximumDepth else { throw failNestingTooDeep() }
        depth += 1
    }

    @inline(never)
    private mutating func failNestingTooDeep() -> Failure {
        report(.nestingTooDeep,
               "the configuration is nested too deeply here (more than \(options.maximumDepth) levels of blocks, brackets, operators or traversal steps)",
               current.range)
        return Failure()
    }

    // MARK: - Diagnostics

    mutating func report(_ code: HCLDiagnostic.Code, _ message: String, _ range: SourceRange) {
        record(HCLDiagnostic(code: code, message: message, fileName: fileName, range: range))
    }

    private mutating func record(_ diagnostic: HCLDiagnostic) {
        if diagnostics.count < options.maximumDiagnostics {
            diagnostics.append(diagnostic)
        } else {
            droppedDiagnostics += 1
        }
    }

    /// The diagnostics in source order, with a final note if some were dropped.
    func finishedDiagnostics() -> [HCLDiagnostic] {
        var result = diagnostics.enumerated().sorted {
            ($0.element.range.start.offset, $0.offset) < ($1.element.range.start.offset, $1.offset)
        }.map(\.element)
        if droppedDiagnostics > 0, let last = result.last {
            result.append(HCLDiagnostic(code: .tooManyDiagnostics,
                                        message: "too many problems; the rest are not listed",
                                        fileName: fileName, range: last.range))
        }
        return result
    }

    /// How messages name the current token.
    func describeFound() -> String {
        if atNewline { return "a newline" }
        let token = current
        switch token.kind {
        case .endOfFile: return "the end of the file"
        case .identifier, .invalid: return "\"\(HCLDiagnostic.excerpt(token.text))\""
        case .number: return "the number \(HCLDiagnostic.excerpt(token.text))"
        case .openQuote: return "a string"
        case .heredocStart: return "a heredoc"
        case .templateLiteral: return "template text"
        case .closeQuote where token.isMissing: return "the end of an unterminated string"
        default: return token.kind.description
        }
    }

    /// Where the current token is, or where the newline before it is.
    var foundRange: SourceRange {
        if atNewline, index > 0 { return SourceRange(at: tokens[index - 1].range.end) }
        return current.range
    }

    /// Reports "expected `expected`, found ..." at the current token and returns the error to throw. An invalid
    /// token was already reported by the lexer, so it is not reported twice.
    @inline(never)
    mutating func fail(expected: String) -> Failure {
        if current.kind == .invalid, !atNewline { return Failure() }
        report(.unexpectedToken, "expected \(expected), found \(describeFound())", foundRange)
        return Failure()
    }

    /// Consumes a token of `kind` or fails with "expected `description`, found ...".
    mutating func expect(_ kind: TokenKind, _ description: @autoclosure () -> String) throws -> Token {
        guard isAt(kind) else { throw failExpecting(description) }
        return advance()
    }

    @inline(never)
    private mutating func failExpecting(_ description: () -> String) -> Failure {
        fail(expected: description())
    }

    /// `"text"` quoted and shortened for a message.
    func quoted(_ token: Token) -> String { "\"\(HCLDiagnostic.excerpt(token.text))\"" }
}
