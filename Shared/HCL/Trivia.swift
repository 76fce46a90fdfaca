/// The whitespace, newlines and comments attached to a ``Token``.
///
/// A token's *trailing* trivia is what follows it on the same line (spaces, a comment); its *leading* trivia is
/// everything else between the previous token and it, so a newline always belongs to the leading trivia of the
/// token after it, together with the comment lines above that token. Trivia keeps the exact source text; ``pieces``
/// splits it on demand.
public struct Trivia: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The exact source text.
    public var text: String

    public init(_ text: String = "") {
        self.text = text
    }

    public init(stringLiteral value: String) {
        self.text = value
    }

    public init(pieces: [TriviaPiece]) {
        self.text = pieces.map(\.text).joined()
    }

    public static let none = Trivia("")
    public static let space = Trivia(" ")

    public var isEmpty: Bool { text.isEmpty }

    public var description: String { text }

    /// Whether the trivia holds a newline (a newline inside a `/* */` comment does not count: such a comment is
    /// whitespace).
    public var containsNewline: Bool {
        var sawNewline = false
        var sawStar = false
        for byte in text.utf8 {
            if byte == 10 { sawNewline = true }
            if byte == 42 { sawStar = true }
        }
        if !sawNewline { return false }
        if !sawStar { return true }
        return pieces.contains { $0.isNewline }
    }

    /// The comments, each with its markers (`# note`, `// note`, `/* note */`).
    public var comments: [String] {
        pieces.compactMap { $0.isComment ? $0.text : nil }
    }

    /// The text after the last newline: the indentation of the token the trivia leads, if it starts a line.
    public var indentationAfterLastNewline: String? {
        var result: String?
        for piece in pieces {
            switch piece {
            case .newline: result = ""
            case .whitespace(let s): if result != nil { result! += s }
            default: if result != nil { result = "" }
            }
        }
        return result
    }

    /// Splits the text into pieces.
    public var pieces: [TriviaPiece] {
        let bytes = Array(text.utf8)
        var result: [TriviaPiece] = []
        var i = 0
        func slice(_ a: Int, _ b: Int) -> String { String(decoding: bytes[a..<b], as: UTF8.self) }
        while i < bytes.count {
            let start = i
            let b = bytes[i]
            if b == 32 || b == 9 {
                while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 { i += 1 }
                result.append(.whitespace(slice(start, i)))
            } else if b == 10 {
                i += 1
                result.append(.newline("\n"))
            } else if b == 13, i + 1 < bytes.count, bytes[i + 1] == 10 {
                i += 2
                result.append(.newline("\r\n"))
            } else if b == 35 || (b == 47 && i + 1 < bytes.count && bytes[i + 1] == 47) {
                while i < bytes.count, bytes[i] != 10, !(bytes[i] == 13 && i + 1 < bytes.count && bytes[i + 1] == 10) {
                    i += 1
                }
                let comment = slice(start, i)
                result.append(b == 35 ? .hashComment(comment) : .slashComment(comment))
            } else if b == 47, i + 1 < bytes.count, bytes[i + 1] == 42 {
                i += 2
                while i < bytes.count, !(bytes[i] == 42 && i + 1 < bytes.count && bytes[i + 1] == 47) { i += 1 }
                i = min(bytes.count, i + 2)
                result.append(.blockComment(slice(start, i)))
            } else if b == 0xEF, i + 2 < bytes.count, bytes[i + 1] == 0xBB, bytes[i + 2] == 0xBF {
                i += 3
                result.append(.byteOrderMark)
            } else {
                i += 1
                while i < bytes.count, bytes[i] & 0xC0 == 0x80 { i += 1 }
                if case .unexpectedText(let previous) = result.last {
                    result[result.count - 1] = .unexpectedText(previous + slice(start, i))
                } else {
                    result.append(.unexpectedText(slice(start, i)))
                }
            }
        }
        return result
    }
}
