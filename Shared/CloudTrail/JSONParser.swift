/// A strict RFC 8259 JSON parser over bytes that records each value's byte range (so records can be kept exactly as
/// received), with a nesting limit so hostile input cannot exhaust the stack.
public struct JSONParser {
    public static let defaultMaxDepth = 256

    private let bytes: [UInt8]
    private var pos = 0
    private let maxDepth: Int

    private init(_ bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses exactly one JSON document (surrounding whitespace allowed).
    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONSyntaxError) -> JSONNode {
        var p = JSONParser(bytes, maxDepth: maxDepth)
        p.skipWhitespace()
        let node = try p.parseValue(depth: 0)
        p.skipWhitespace()
        guard p.pos == bytes.count else { throw p.error("unexpected data after the end of the document") }
        return node
    }

    /// Parses a sequence of JSON documents separated by whitespace (NDJSON and concatenated JSON).
    public static func parseSequence(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONSyntaxError) -> [JSONNode] {
        var p = JSONParser(bytes, maxDepth: maxDepth)
        var out: [JSONNode] = []
        p.skipWhitespace()
        while p.pos < bytes.count {
            out.append(try p.parseValue(depth: 0))
            p.skipWhitespace()
        }
        return out
    }

    private func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        let at = min(offset ?? pos, bytes.count)
        var line = 1
        var column = 1
        var i = 0
        while i < at {
            if bytes[i] == UInt8(ascii: "\n") { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return JSONSyntaxError(message: message, offset: at, line: line, column: column)
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private func describeCurrent() -> String {
        guard pos < bytes.count else { return "end of input" }
        let b = bytes[pos]
        if b >= 0x21 && b < 0x7f { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        guard depth < maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
        guard pos < bytes.count else { throw error("expected a value but the input ended") }
        let start = pos
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var members: [(key: String, node: JSONNode)] = []
            skipWhitespace()
            if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                return JSONNode(value: .object(members), range: start..<pos)
            }
            while true {
                skipWhitespace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                    throw error("expected a member name in double quotes, found \(describeCurrent())")
                }
                let key = try parseString()
                skipWhitespace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                    throw error("expected ':' after member name \"\(key)\", found \(describeCurrent())")
                }
                pos += 1
                skipWhitespace()
                let value = try parseValue(depth: depth + 1)
                members.append((key, value))
                skipWhitespace()
                guard pos < bytes.count else { throw error("unterminated object: expected ',' or '}'") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "}") { pos += 1; break }
                throw error("expected ',' or '}' in object, found \(describeCurrent())")
            }
            return JSONNode(value: .object(members), range: start..<pos)
        case UInt8(ascii: "["):
            pos += 1
            var items: [JSONNode] = []
            skipWhitespace()
            if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") {
                pos += 1
                return JSONNode(value: .array(items), range: start..<pos)
            }
            while true {
                skipWhitespace()
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard pos < bytes.count else { throw error("unterminated array: expected ',' or ']'") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; break }
                throw error("expected ',' or ']' in array, found \(describeCurrent())")
            }
            return JSONNode(value: .array(items), range: start..<pos)
        case UInt8(ascii: "\""):
            let s = try parseString()
            return JSONNode(value: .string(s), range: start..<pos)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return JSONNode(value: .bool(true), range: start..<pos)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return JSONNode(value: .bool(false), range: start..<pos)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return JSONNode(value: .null, range: start..<pos)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let text = try parseNumber()
            return JSONNode(value: .number(text), range: start..<pos)
        default:
            throw error("expected a value, found \(describeCurrent())")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let lit = literal.withUTF8Buffer { Array($0) }
        guard bytes.count - pos >= lit.count, Array(bytes[pos..<(pos + lit.count)]) == lit else {
            throw error("expected '\(literal)'")
        }
        pos += lit.count
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count, isDigit(bytes[pos]) else { throw error("expected a digit in number") }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw error("expected a digit after the decimal point") }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw error("expected a digit in the exponent") }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let open = pos
        pos += 1 // opening quote
        // Fast path: most strings have no escapes; they become a String straight from the source bytes (one
        // validation, no intermediate buffer). Anything else takes the byte-by-byte path below from the start.
        let fast: String? = bytes.withUnsafeBufferPointer { buf in
            var i = pos
            while i < buf.count {
                let b = buf[i]
                if b == UInt8(ascii: "\"") {
                    guard let s = String(validating: UnsafeBufferPointer(rebasing: buf[pos..<i]), as: UTF8.self) else { return nil }
                    pos = i + 1
                    return s
                }
                if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
                i += 1
            }
            return nil
        }
        if let fast { return fast }
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw error("unterminated string", at: open) }
            let b = bytes[pos]
            switch b {
            case UInt8(ascii: "\""):
                pos += 1
                // Validate UTF-8: String(validating:) rejects malformed sequences.
                guard let s = String(validating: out, as: UTF8.self) else { throw error("string is not valid UTF-8", at: open) }
                return s
            case UInt8(ascii: "\\"):
                pos += 1
                guard pos < bytes.count else { throw error("unterminated escape sequence") }
                let e = bytes[pos]
                pos += 1
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
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard bytes.count - pos >= 6, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate in \\u escape")
                        }
                        pos += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("unpaired surrogate in \\u escape")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'", at: pos - 2)
                }
            default:
                guard b >= 0x20 else { throw error("control character in string; it must be escaped") }
                out.append(b)
                pos += 1
            }
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - pos >= 4 else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }
}
