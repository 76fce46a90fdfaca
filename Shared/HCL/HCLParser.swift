/// Parses HCL native syntax (the language of Terraform's `.tf` files) into a concrete syntax tree that keeps every
/// byte of the source.
///
/// The parser never traps and always terminates: nesting is limited by ``Options/maximumDepth``, every loop
/// consumes input, and after a syntax error it reports the problem (file, line, column, what was expected and what
/// was found), keeps the unparsable text as unexpected tokens and resumes at the next line or block, so one run
/// reports the problems of many items.
///
/// ```swift
/// let result = HCLParser().parse(source, fileName: "main.tf")
/// for bucket in result.file.body.blocks(ofType: "resource", labels: ["aws_s3_bucket"]) { ... }
/// HCLPrinter.print(result.file) == source   // when nothing was changed
/// ```
public struct HCLParser: Sendable {
    public struct Options: Sendable, Hashable {
        /// How deep blocks and expressions may nest (brackets, operators, traversal steps) before the parser
        /// reports ``HCLDiagnostic/Code/nestingTooDeep``. Default 256.
        public var maximumDepth: Int
        /// How many diagnostics to report per file before one final ``HCLDiagnostic/Code/tooManyDiagnostics``.
        /// Default 1000.
        public var maximumDiagnostics: Int

        public init(maximumDepth: Int = 256, maximumDiagnostics: Int = 1000) {
            self.maximumDepth = maximumDepth
            self.maximumDiagnostics = maximumDiagnostics
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Parses a whole file.
    public func parse(_ source: String, fileName: String = "<input>") -> HCLParseResult {
        parse(bytes: Array(source.utf8), fileName: fileName)
    }

    /// Parses a whole file given as UTF-8 bytes. Invalid UTF-8 is an error; the tree then prints the text with
    /// replacement characters.
    public func parse(bytes: [UInt8], fileName: String = "<input>") -> HCLParseResult {
        let lexed = HCLLexer.tokenize(bytes, fileName: fileName, maximumDiagnostics: options.maximumDiagnostics)
        var parser = SyntaxParser(tokens: lexed.tokens, fileName: fileName, options: options,
                                  diagnostics: lexed.diagnostics)
        // Ordinary files nest a few levels; parse deep ones where the recursion has room (see LargeStackThread).
        let file = Self.estimatedRecursion(lexed.tokens) > Self.inPlaceRecursionLimit
            ? LargeStackThread.run { parser.parseFile() }
            : parser.parseFile()
        return HCLParseResult(file: file, diagnostics: parser.finishedDiagnostics())
    }

    /// Nesting up to which parsing runs on the caller's thread: a level costs at most about 8 KB of stack (debug
    /// builds), so this stays well inside the 512 KB of a secondary thread on macOS.
    static let inPlaceRecursionLimit = 24

    /// An upper estimate of the parser's recursion for these tokens: the deepest nesting of brackets (blocks,
    /// brackets, strings, interpolations) and template directives, plus the longest run of unary operators, plus
    /// the most `?` in one item.
    static func estimatedRecursion(_ tokens: [Token]) -> Int {
        var level = 0
        var maximum = 0
        var unaryRun = 0
        var questions = 0
        var worst = 0
        var previous = TokenKind.endOfFile
        for token in tokens {
            let kind = token.kind
            if level == 0, token.hasNewlineBefore { questions = 0 }
            if kind.isOpener {
                level += 1
                maximum = max(maximum, level)
            } else if kind.isCloser {
                level = max(0, level - 1)
            } else if previous == .directiveStart, kind == .identifier {
                // `%{ if` and `%{ for` open a level that `%{ endif }` and `%{ endfor }` close.
                if token.text == "if" || token.text == "for" {
                    level += 1
                    maximum = max(maximum, level)
                } else if token.text == "endif" || token.text == "endfor" {
                    level = max(0, level - 1)
                }
            }
            previous = kind
            unaryRun = kind == .minus || kind == .bang ? unaryRun + 1 : 0
            if kind == .question { questions += 1 }
            worst = max(worst, maximum + unaryRun + questions)
        }
        return worst
    }

    /// Parses a single expression (for instance the new value a fixer writes), allowing newlines anywhere a
    /// bracketed expression would. Returns nil and the diagnostics if the text is not exactly one expression.
    public func parseExpression(_ source: String, fileName: String = "<expression>") -> (Expr?, [HCLDiagnostic]) {
        let lexed = HCLLexer.tokenize(Array(source.utf8), fileName: fileName,
                                      maximumDiagnostics: options.maximumDiagnostics)
        var parser = SyntaxParser(tokens: lexed.tokens, fileName: fileName, options: options,
                                  diagnostics: lexed.diagnostics)
        let expression = Self.estimatedRecursion(lexed.tokens) > Self.inPlaceRecursionLimit
            ? LargeStackThread.run { parser.parseStandaloneExpression() }
            : parser.parseStandaloneExpression()
        let diagnostics = parser.finishedDiagnostics()
        return (diagnostics.contains { $0.severity == .error } ? nil : expression, diagnostics)
    }
}

extension Expr {
    /// Parses `source` as one expression, throwing the first syntax error.
    public init(parsing source: String) throws(HCLDiagnostic) {
        let (expression, diagnostics) = HCLParser().parseExpression(source)
        guard let expression else {
            throw diagnostics.first ?? HCLDiagnostic(code: .unexpectedToken, message: "expected an expression",
                                                     fileName: "<expression>", range: .zero)
        }
        self = expression
    }
}
