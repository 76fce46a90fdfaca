/// Splits HCL native-syntax source into tokens, attaching whitespace, newlines and comments to them as trivia.
///
/// The lexer keeps a stack of modes: expressions, quoted templates (`"..."`), heredoc templates and the
/// interpolations/directives inside templates (`${ }`, `%{ }`, counting nested braces). It never fails: characters
/// it cannot use become `.invalid` tokens, an unterminated string or heredoc gets a missing closing token, and every
/// problem is reported as a diagnostic. Concatenating the tokens' trivia and text gives back the input exactly
/// (for input that is valid UTF-8).
public struct HCLLexer {
    /// The lexer's result: the tokens, always ending with one `.endOfFile` token, and the problems found.
    public struct Output: Sendable {
        public var tokens: [Token]
        public var diagnostics: [HCLDiagnostic]
    }

    private enum Mode {
        case normal
        case interpolation(braces: Int)
        case quoted(openedAt: SourcePosition)
        case heredoc(marker: [UInt8], openedAt: SourcePosition, atLineStart: Bool)
    }

    private let bytes: [UInt8]
    private let fileName: String
    private var index = 0
    private var line = 1
    private var column = 1
    private var tokens: [Token] = []
    private var diagnostics: [HCLDiagnostic] = []
    private var modes: [Mode] = [.normal]
    private let maximumDiagnostics: Int

    private init(bytes: [UInt8], fileName: String, maximumDiagnostics: Int) {
        self.bytes = bytes
        self.fileName = fileName
        self.maximumDiagnostics = maximumDiagnostics
    }

    /// Tokenizes `bytes` (UTF-8). Invalid UTF-8 is reported and decoded with replacement characters. At most
    /// `maximumDiagnostics` problems are reported.
    public static func tokenize(_ bytes: [UInt8], fileName: String = "<input>",
                                maximumDiagnostics: Int = 1000) -> Output {
        var lexer = HCLLexer(bytes: bytes, fileName: fileName, maximumDiagnostics: maximumDiagnostics)
        lexer.tokens.reserveCapacity(bytes.count / 4 + 16)
        lexer.run()
        return Output(tokens: lexer.tokens, diagnostics: lexer.diagnostics)
    }

    public static func tokenize(_ source: String, fileName: String = "<input>",
                                maximumDiagnostics: Int = 1000) -> Output {
        tokenize(Array(source.utf8), fileName: fileName, maximumDiagnostics: maximumDiagnostics)
    }

    // MARK: - Driver

    private mutating func run() {
        validateUTF8()
        while true {
            switch modes[modes.count - 1] {
            case .normal, .interpolation:
                if lexExpressionToken() { return }
            case .quoted(let openedAt):
                lexQuoted(openedAt: openedAt)
            case .heredoc(let marker, let openedAt, let atLineStart):
                lexHeredoc(marker: marker, openedAt: openedAt, atLineStart: atLineStart)
            }
        }
    }

    private var position: SourcePosition { SourcePosition(offset: index, line: line, column: column) }

    private func byte(_ i: Int) -> UInt8 { i < bytes.count ? bytes[i] : 0 }

    private mutating func advance(_ n: Int) {
        let end = min(index + n, bytes.count)
        while index < end {
            let b = bytes[index]
            if b == 10 {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        start < end ? String(decoding: bytes[start..<end], as: UTF8.self) : ""
    }

    private mutating func report(_ code: HCLDiagnostic.Code, _ message: String, _ range: SourceRange) {
        // The parser adds the "too many problems" note; one more than the limit tells it that some were dropped.
        guard diagnostics.count <= maximumDiagnostics else { return }
        diagnostics.append(HCLDiagnostic(code: code, message: message, fileName: fileName, range: range))
    }

    /// Whether the innermost mode reads expression tokens (and so tokens there can carry trailing trivia).
    private var inExpressionMode: Bool {
        switch modes[modes.count - 1] {
        case .normal, .interpolation: true
        default: false
        }
    }

    /// Appends a token of `length` bytes starting at the current position. Trailing trivia is read only when the
    /// mode after the token reads expressions, since in templates the following characters are literal text.
    private mutating func emit(_ kind: TokenKind, length: Int, leading: String) {
        let start = position
        let startIndex = index
        advance(length)
        let tokenText = text(startIndex, index)
        let end = position
        let trailing = inExpressionMode ? scanTrivia(newlines: false) : ""
        tokens.append(Token(kind, tokenText, leadingTrivia: Trivia(leading), trailingTrivia: Trivia(trailing),
                            range: SourceRange(start: start, end: end)))
    }

    // MARK: - Trivia

    /// Reads spaces, tabs and comments, and newlines if `newlines` is true.
    private mutating func scanTrivia(newlines: Bool) -> String {
        let start = index
        loop: while index < bytes.count {
            switch bytes[index] {
            case 32, 9:
                advance(1)
            case 10:
                if !newlines { break loop }
                advance(1)
            case 13:
                if !newlines || byte(index + 1) != 10 { break loop }
                advance(2)
            case 35:
                skipLineComment()
            case 47:
                if byte(index + 1) == 47 {
                    skipLineComment()
                } else if byte(index + 1) == 42 {
                    skipBlockComment()
                } else {
                    break loop
                }
            case 0xEF where index == 0 && byte(1) == 0xBB && byte(2) == 0xBF:
                advance(3)
            default:
                break loop
            }
        }
        return text(start, index)
    }

    private mutating func skipLineComment() {
        while index < bytes.count {
            let b = bytes[index]
            if b == 10 || (b == 13 && byte(index + 1) == 10) { return }
            advance(1)
        }
    }

    private mutating func skipBlockComment() {
        let start = position
        advance(2)
        while index < bytes.count {
            if bytes[index] == 42 && byte(index + 1) == 47 {
                advance(2)
                return
            }
            advance(1)
        }
        report(.unterminatedComment, "expected \"*/\" to end the comment that starts at \(start), found the end of the file",
               SourceRange(start: start, end: position))
    }

    // MARK: - Expression mode

    /// Reads one token in expression mode. Returns true after emitting the end-of-file token.
    private mutating func lexExpressionToken() -> Bool {
        let leading = scanTrivia(newlines: true)
        guard index < bytes.count else {
            let here = position
            tokens.append(Token(.endOfFile, "", leadingTrivia: Trivia(leading), range: SourceRange(at: here)))
            return true
        }
        let b = bytes[index]
        let next = byte(index + 1)
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            emit(.identifier, length: identifierLength(from: index + 1) - index, leading: leading)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            emit(.number, length: numberLength(), leading: leading)
        case UInt8(ascii: "\""):
            modes.append(.quoted(openedAt: position))
            emit(.openQuote, length: 1, leading: leading)
        case UInt8(ascii: "{"):
            if case .interpolation(let braces) = modes[modes.count - 1] {
                modes[modes.count - 1] = .interpolation(braces: braces + 1)
            }
            emit(.openBrace, length: 1, leading: leading)
        case UInt8(ascii: "}"):
            if case .interpolation(let braces) = modes[modes.count - 1] {
                if braces == 0 {
                    modes.removeLast()
                    emit(.templateSequenceEnd, length: 1, leading: leading)
                    return false
                }
                modes[modes.count - 1] = .interpolation(braces: braces - 1)
            }
            emit(.closeBrace, length: 1, leading: leading)
        case UInt8(ascii: "~"):
            if next == UInt8(ascii: "}"), case .interpolation(0) = modes[modes.count - 1] {
                modes.removeLast()
                emit(.templateSequenceEnd, length: 2, leading: leading)
            } else {
                emitInvalid(leading: leading)
            }
        case UInt8(ascii: "["): emit(.openBracket, length: 1, leading: leading)
        case UInt8(ascii: "]"): emit(.closeBracket, length: 1, leading: leading)
        case UInt8(ascii: "("): emit(.openParen, length: 1, leading: leading)
        case UInt8(ascii: ")"): emit(.closeParen, length: 1, leading: leading)
        case UInt8(ascii: ","): emit(.comma, length: 1, leading: leading)
        case UInt8(ascii: ":"): emit(.colon, length: 1, leading: leading)
        case UInt8(ascii: "?"): emit(.question, length: 1, leading: leading)
        case UInt8(ascii: "+"): emit(.plus, length: 1, leading: leading)
        case UInt8(ascii: "-"): emit(.minus, length: 1, leading: leading)
        case UInt8(ascii: "*"): emit(.star, length: 1, leading: leading)
        case UInt8(ascii: "/"): emit(.slash, length: 1, leading: leading)
        case UInt8(ascii: "%"): emit(.percent, length: 1, leading: leading)
        case UInt8(ascii: "."):
            if next == UInt8(ascii: "."), byte(index + 2) == UInt8(ascii: ".") {
                emit(.ellipsis, length: 3, leading: leading)
            } else {
                emit(.dot, length: 1, leading: leading)
            }
        case UInt8(ascii: "="):
            if next == UInt8(ascii: "=") {
                emit(.equalEqual, length: 2, leading: leading)
            } else if next == UInt8(ascii: ">") {
                emit(.fatArrow, length: 2, leading: leading)
            } else {
                emit(.equals, length: 1, leading: leading)
            }
        case UInt8(ascii: "!"):
            if next == UInt8(ascii: "=") {
                emit(.notEqual, length: 2, leading: leading)
            } else {
                emit(.bang, length: 1, leading: leading)
            }
        case UInt8(ascii: "<"):
            if next == UInt8(ascii: "<"), lexHeredocStart(leading: leading) {
                break
            } else if next == UInt8(ascii: "=") {
                emit(.lessEqual, length: 2, leading: leading)
            } else {
                emit(.less, length: 1, leading: leading)
            }
        case UInt8(ascii: ">"):
            if next == UInt8(ascii: "=") {
                emit(.greaterEqual, length: 2, leading: leading)
            } else {
                emit(.greater, length: 1, leading: leading)
            }
        case UInt8(ascii: "&"):
            if next == UInt8(ascii: "&") {
                emit(.and, length: 2, leading: leading)
            } else {
                emitInvalid(leading: leading, hint: "; did you mean \"&&\"?")
            }
        case UInt8(ascii: "|"):
            if next == UInt8(ascii: "|") {
                emit(.or, length: 2, leading: leading)
            } else {
                emitInvalid(leading: leading, hint: "; did you mean \"||\"?")
            }
        default:
            if b >= 0x80, let (scalar, length) = decodeScalar(at: index), scalar.properties.isIDStart {
                emit(.identifier, length: identifierLength(from: index + length) - index, leading: leading)
            } else {
                emitInvalid(leading: leading)
            }
        }
        return false
    }

    /// The end of an identifier whose first character ends at `start`: `ID_Continue` characters and `-`.
    private func identifierLength(from start: Int) -> Int {
        var j = start
        while j < bytes.count {
            let c = bytes[j]
            if (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95 || c == 45 {
                j += 1
            } else if c >= 0x80, let (scalar, length) = decodeScalar(at: j), scalar.properties.isIDContinue {
                j += length
            } else {
                break
            }
        }
        return j
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// `decimal+ ("." decimal+)? (("e" | "E") ("+" | "-")? decimal+)?`
    private func numberLength() -> Int {
        var j = index
        while isDigit(byte(j)) { j += 1 }
        if byte(j) == UInt8(ascii: "."), isDigit(byte(j + 1)) {
            j += 1
            while isDigit(byte(j)) { j += 1 }
        }
        if byte(j) == UInt8(ascii: "e") || byte(j) == UInt8(ascii: "E") {
            var k = j + 1
            if byte(k) == UInt8(ascii: "+") || byte(k) == UInt8(ascii: "-") { k += 1 }
            if isDigit(byte(k)) {
                j = k
                while isDigit(byte(j)) { j += 1 }
            }
        }
        return j - index
    }

    /// `<<EOT` or `<<-EOT` followed by a newline. Returns false (emitting nothing) when `<<` does not introduce a
    /// heredoc; reports and emits an invalid token when the marker is not followed by a newline.
    private mutating func lexHeredocStart(leading: String) -> Bool {
        var j = index + 2
        if byte(j) == UInt8(ascii: "-") { j += 1 }
        let markerStart = j
        guard j < bytes.count else { return false }
        let c = bytes[j]
        if (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 {
            j = identifierLength(from: j + 1)
        } else if c >= 0x80, let (scalar, length) = decodeScalar(at: j), scalar.properties.isIDStart {
            j = identifierLength(from: j + length)
        } else {
            return false
        }
        let marker = Array(bytes[markerStart..<j])
        var end = j
        if byte(j) == 10 {
            end = j + 1
        } else if byte(j) == 13, byte(j + 1) == 10 {
            end = j + 2
        } else {
            let start = position
            var probe = self
            probe.advance(j - index)
            report(.invalidHeredoc,
                   "expected a newline right after the heredoc marker \"\(text(index, j))\", found \(describeByte(at: j))",
                   SourceRange(start: start, end: probe.position))
            emit(.invalid, length: j - index, leading: leading)
            return true
        }
        modes.append(.heredoc(marker: marker, openedAt: position, atLineStart: true))
        emit(.heredocStart, length: end - index, leading: leading)
        return true
    }

    private func describeByte(at i: Int) -> String {
        guard i < bytes.count else { return "the end of the file" }
        if bytes[i] == 32 || bytes[i] == 9 { return "a space" }
        if let (scalar, _) = decodeScalar(at: i) { return "\"\(HCLDiagnostic.excerpt(String(Character(scalar))))\"" }
        return "an invalid byte"
    }

    /// Emits a run of characters that cannot start a token as one `.invalid` token.
    private mutating func emitInvalid(leading: String, hint: String = "") {
        let start = index
        var j = index + scalarLength(at: index)
        // Invisible characters (a no-break space, a zero-width space) are reported one by one so that the message
        // can name them; visible ones are reported as a run.
        if !isInvisible(at: start) {
            while j < bytes.count, !canStartToken(at: j), !isInvisible(at: j) { j += scalarLength(at: j) }
        }
        let shown = text(start, j)
        let what: String
        if shown == "\r" {
            what = "a carriage return that is not followed by a newline"
        } else if let s = shown.unicodeScalars.first, s.value < 32 || s.value == 127 {
            what = "the control character U+\(Self.hex(s))"
        } else if let s = shown.unicodeScalars.first, Self.isInvisible(s) {
            what = "the invisible character U+\(Self.hex(s))" + (s.value == 0xA0 ? " (a no-break space)" : "")
        } else {
            what = "\"\(HCLDiagnostic.excerpt(shown))\""
        }
        let startPosition = position
        var probe = self
        probe.advance(j - start)
        report(.invalidCharacter, "invalid character: found \(what)\(hint)",
               SourceRange(start: startPosition, end: probe.position))
        emit(.invalid, length: j - start, leading: leading)
    }

    private static func hex(_ s: Unicode.Scalar) -> String {
        let digits = String(s.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func isInvisible(at i: Int) -> Bool {
        guard let (scalar, _) = decodeScalar(at: i) else { return false }
        return scalar.value >= 0x80 && Self.isInvisible(scalar)
    }

    private static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .control: true
        default: false
        }
    }

    /// Whether an expression-mode token or trivia can start at `i` (used to end a run of invalid characters).
    private func canStartToken(at i: Int) -> Bool {
        let b = bytes[i]
        if b >= 0x80 {
            if let (scalar, _) = decodeScalar(at: i) { return scalar.properties.isIDStart }
            return false
        }
        switch b {
        case 9, 10, 32: return true
        case 13: return byte(i + 1) == 10
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "_\"{}[](),:?+-*/%.=!<>#".utf8.contains(b) || (b == UInt8(ascii: "&") && byte(i + 1) == b)
                || (b == UInt8(ascii: "|") && byte(i + 1) == b) || (b == UInt8(ascii: "~") && byte(i + 1) == 125)
        }
    }

    // MARK: - Templates

    /// Reads template text of a quoted string up to `"`, `${`, `%{`, a newline or the end of the file, then the
    /// token that ends it.
    private mutating func lexQuoted(openedAt: SourcePosition) {
        let startIndex = index
        let start = position
        scan: while index < bytes.count {
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "\""), 10:
                break scan
            case 13 where byte(index + 1) == 10:
                break scan
            case UInt8(ascii: "\\"):
                scanEscape()
            case UInt8(ascii: "$"), UInt8(ascii: "%"):
                let next = byte(index + 1)
                if next == b, byte(index + 2) == UInt8(ascii: "{") {
                    advance(3)
                } else if next == UInt8(ascii: "{") {
                    break scan
                } else {
                    advance(1)
                }
            default:
                advance(1)
            }
        }
        if index > startIndex {
            tokens.append(Token(.templateLiteral, text(startIndex, index), range: SourceRange(start: start, end: position)))
        }
        guard index < bytes.count, bytes[index] != 10, bytes[index] != 13 else {
            let found = index < bytes.count ? "a newline (use a heredoc, <<EOT, for text over several lines)"
                                            : "the end of the file"
            report(.unterminatedString,
                   "expected \"\\\"\" to end the string that starts at \(openedAt), found \(found)",
                   SourceRange(at: position))
            modes.removeLast()
            tokens.append(.missing(.closeQuote, at: position))
            return
        }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            modes.removeLast()
            emit(.closeQuote, length: 1, leading: "")
        default:
            let kind: TokenKind = bytes[index] == UInt8(ascii: "$") ? .interpolationStart : .directiveStart
            let length = byte(index + 2) == UInt8(ascii: "~") ? 3 : 2
            modes.append(.interpolation(braces: 0))
            emit(kind, length: length, leading: "")
        }
    }

    /// Checks one backslash escape of a quoted string and moves past it.
    private mutating func scanEscape() {
        let start = position
        let next = byte(index + 1)
        if index + 1 >= bytes.count || next == 10 || next == 13 {
            advance(1)
            report(.invalidEscape, "expected an escape character after \"\\\", found \(describeByte(at: index))",
                   SourceRange(start: start, end: position))
            return
        }
        switch next {
        case UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"), UInt8(ascii: "\""), UInt8(ascii: "\\"):
            advance(2)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let want = next == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            var count = 0
            while count < want, let digit = hexValue(byte(index + 2 + count)) {
                value = value &* 16 &+ UInt32(digit)
                count += 1
            }
            advance(2 + count)
            if count < want {
                report(.invalidEscape, "expected \(want) hexadecimal digits after \"\\\(Character(Unicode.Scalar(next)))\"",
                       SourceRange(start: start, end: position))
            } else if Unicode.Scalar(value) == nil {
                report(.invalidEscape, "the escape \"\(text(start.offset, index))\" does not name a Unicode character",
                       SourceRange(start: start, end: position))
            }
        default:
            let shown = describeByte(at: index + 1)
            advance(1 + scalarLength(at: index + 1))
            report(.invalidEscape,
                   "invalid escape sequence: found \(shown) after \"\\\"; HCL knows \\n \\r \\t \\\" \\\\ \\uNNNN \\UNNNNNNNN",
                   SourceRange(start: start, end: position))
        }
    }

    private func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: b - 48
        case 97...102: b - 87
        case 65...70: b - 55
        default: nil
        }
    }

    /// Reads one heredoc line (or the part of it before `${`/`%{`), or the closing marker.
    private mutating func lexHeredoc(marker: [UInt8], openedAt: SourcePosition, atLineStart: Bool) {
        if atLineStart {
            var j = index
            while byte(j) == 32 || byte(j) == 9 { j += 1 }
            let after = j + marker.count
            if after <= bytes.count, bytes[j..<after].elementsEqual(marker),
               after == bytes.count || bytes[after] == 10 || (bytes[after] == 13 && byte(after + 1) == 10) {
                modes.removeLast()
                emit(.heredocEnd, length: after - index, leading: "")
                return
            }
        }
        guard index < bytes.count else {
            report(.unterminatedHeredoc,
                   "expected a line holding only \"\(String(decoding: marker, as: UTF8.self))\" to end the heredoc that starts at \(openedAt), found the end of the file",
                   SourceRange(at: position))
            modes.removeLast()
            tokens.append(.missing(.heredocEnd, at: position))
            return
        }
        let startIndex = index
        let start = position
        var endedLine = false
        scan: while index < bytes.count {
            let b = bytes[index]
            switch b {
            case 10:
                advance(1)
                endedLine = true
                break scan
            case UInt8(ascii: "$"), UInt8(ascii: "%"):
                let next = byte(index + 1)
                if next == b, byte(index + 2) == UInt8(ascii: "{") {
                    advance(3)
                } else if next == UInt8(ascii: "{") {
                    break scan
                } else {
                    advance(1)
                }
            default:
                advance(1)
            }
        }
        if index > startIndex {
            tokens.append(Token(.templateLiteral, text(startIndex, index), range: SourceRange(start: start, end: position)))
        }
        modes[modes.count - 1] = .heredoc(marker: marker, openedAt: openedAt, atLineStart: endedLine)
        if !endedLine, index < bytes.count {
            let kind: TokenKind = bytes[index] == UInt8(ascii: "$") ? .interpolationStart : .directiveStart
            let length = byte(index + 2) == UInt8(ascii: "~") ? 3 : 2
            modes.append(.interpolation(braces: 0))
            emit(kind, length: length, leading: "")
        }
    }

    // MARK: - UTF-8

    private func scalarLength(at i: Int) -> Int {
        if let (_, length) = decodeScalar(at: i) { return length }
        return 1
    }

    /// Decodes the UTF-8 scalar at `i`, or nil for an invalid sequence.
    private func decodeScalar(at i: Int) -> (Unicode.Scalar, Int)? {
        guard i < bytes.count else { return nil }
        let b0 = bytes[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        let length: Int
        var value: UInt32
        switch b0 {
        case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(b0 & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(b0 & 0x07)
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        for k in 1..<length {
            let b = bytes[i + k]
            guard b & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(b & 0x3F)
        }
        let minimum: UInt32 = length == 3 ? 0x800 : (length == 4 ? 0x10000 : 0x80)
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }

    /// Reports the first invalid UTF-8 sequence, if any.
    private mutating func validateUTF8() {
        var i = 0
        var lineNumber = 1
        var col = 1
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                if b == 10 {
                    lineNumber += 1
                    col = 1
                } else {
                    col += 1
                }
                i += 1
                continue
            }
            guard let (_, length) = decodeScalar(at: i) else {
                let here = SourcePosition(offset: i, line: lineNumber, column: col)
                report(.invalidUTF8, "the file is not valid UTF-8: found the byte 0x\(String(b, radix: 16, uppercase: true))",
                       SourceRange(start: here, end: SourcePosition(offset: i + 1, line: lineNumber, column: col + 1)))
                return
            }
            i += length
            col += 1
        }
    }
}
