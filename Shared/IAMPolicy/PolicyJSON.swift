/// A JSON value as the policy parser needs it: object members keep their order (so findings come out in document
/// order), numbers keep their exact text (IAM treats condition values as strings), and booleans stay booleans.
enum PolicyJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([PolicyJSON])
    case object([Member])

    struct Member: Sendable, Hashable {
        var key: String
        var value: PolicyJSON
    }

    /// A short name of the JSON type for error messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value quoted for an error message, shortened so that no large input is echoed back.
    var excerpt: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return Self.shorten(n)
        case .string(let s): return "\"" + Self.shorten(s) + "\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    static func shorten(_ s: String) -> String {
        s.count <= 60 ? s : String(s.prefix(57)) + "..."
    }
}

/// A small, strict JSON reader (RFC 8259) over UTF-8 bytes. Recursion is bounded by `maximumDepth`, so hostile input
/// cannot exhaust the stack; every error carries the byte offset, line and column.
struct PolicyJSONReader {
    static let maximumDepth = 64

    private let bytes: [UInt8]
    private var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Reads exactly one JSON value followed only by whitespace.
    static func read(_ bytes: [UInt8]) throws -> PolicyJSON {
        var reader = PolicyJSONReader(bytes: bytes)
        // Skip a UTF-8 byte order mark; some editors write one.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { reader.index = 3 }
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        if reader.index < bytes.count {
            throw reader.syntaxError("unexpected text after the end of the document")
        }
        return value
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func syntaxError(_ message: String) -> PolicyParseError {
        var line = 1
        var column = 1
        var i = 0
        let end = min(index, bytes.count)
        while i < end {
            if bytes[i] == 0x0A {
                line += 1
                column = 1
            } else if bytes[i] & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return PolicyParseError(code: .invalidJSON, path: "$",
                                message: "invalid JSON at line \(line), column \(column): \(message)", offset: index)
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "the end of the document" }
        let b = bytes[index]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + String(b, radix: 16)
    }

    private mutating func readValue(depth: Int) throws -> PolicyJSON {
        guard index < bytes.count else { throw syntaxError("expected a value, found the end of the document") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            return try readObject(depth: depth + 1)
        case UInt8(ascii: "["):
            return try readArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try readNumber())
        default:
            throw syntaxError("expected a value, found \(describeCurrent())")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        guard index + count <= bytes.count else { throw syntaxError("expected \(literal)") }
        for i in 0..<count where bytes[index + i] != start[i] {
            throw syntaxError("expected \(literal)")
        }
        index += count
    }

    private mutating func readObject(depth: Int) throws -> PolicyJSON {
        guard depth <= Self.maximumDepth else {
            throw syntaxError("nested more than \(Self.maximumDepth) levels deep")
        }
        index += 1  // {
        var members: [PolicyJSON.Member] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw syntaxError("expected a quoted key, found \(describeCurrent())")
            }
            let key = try readString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw syntaxError("expected ':' after a key, found \(describeCurrent())")
            }
            index += 1
            skipWhitespace()
            let value = try readValue(depth: depth)
            members.append(PolicyJSON.Member(key: key, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw syntaxError("expected ',' or '}', found the end of the document") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            throw syntaxError("expected ',' or '}', found \(describeCurrent())")
        }
    }

    private mutating func readArray(depth: Int) throws -> PolicyJSON {
        guard depth <= Self.maximumDepth else {
            throw syntaxError("nested more than \(Self.maximumDepth) levels deep")
        }
        index += 1  // [
        var elements: [PolicyJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try readValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw syntaxError("expected ',' or ']', found the end of the document") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            throw syntaxError("expected ',' or ']', found \(describeCurrent())")
        }
    }

    private mutating func readNumber() throws -> String {
        let start = index
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw syntaxError("expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw syntaxError("expected a digit after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw syntaxError("expected a digit in the exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func readHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw syntaxError("expected four hex digits after \\u") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw syntaxError("expected four hex digits after \\u")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func readString() throws -> String {
        index += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw syntaxError("unterminated string") }
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                // The whole document was checked to be valid UTF-8 and escapes produce valid scalars.
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw syntaxError("unterminated escape") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
                              bytes[index + 1] == UInt8(ascii: "u") else {
                            throw syntaxError("unpaired UTF-16 surrogate in \\u escape")
                        }
                        index += 2
                        let low = try readHex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw syntaxError("unpaired UTF-16 surrogate in \\u escape")
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw syntaxError("unpaired UTF-16 surrogate in \\u escape")
                    }
                    guard let s = Unicode.Scalar(scalar) else { throw syntaxError("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(s)).utf8))
                default:
                    index -= 1
                    throw syntaxError("invalid escape \\\(Character(Unicode.Scalar(e)))")
                }
            default:
                if b < 0x20 { throw syntaxError("control character in a string (escape it)") }
                out.append(b)
                index += 1
            }
        }
    }
}
