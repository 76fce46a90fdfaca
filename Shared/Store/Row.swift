/// One result row, values in PostgreSQL's text format.
public struct Row: Sendable {
    public let columns: [String]
    public let values: [String?]

    /// The value of the named column; nil for NULL or an unknown column.
    public subscript(_ column: String) -> String? {
        guard let index = columns.firstIndex(of: column) else { return nil }
        return values[index]
    }

    public func string(_ column: String) throws(StoreError) -> String {
        guard let index = columns.firstIndex(of: column) else { throw StoreError(.decoding, "no column \(column)") }
        guard let v = values[index] else { throw StoreError(.decoding, "column \(column) is NULL") }
        return v
    }

    public func int(_ column: String) throws(StoreError) -> Int {
        let s = try string(column)
        guard let v = Int(s) else { throw StoreError(.decoding, "column \(column) is not an integer") }
        return v
    }

    public func int64(_ column: String) throws(StoreError) -> Int64 {
        let s = try string(column)
        guard let v = Int64(s) else { throw StoreError(.decoding, "column \(column) is not an integer") }
        return v
    }

    public func bool(_ column: String) throws(StoreError) -> Bool { try string(column) == "t" }

    /// A bytea column (hex output format).
    public func bytes(_ column: String) throws(StoreError) -> [UInt8] {
        let s = try string(column)
        guard s.hasPrefix("\\x") else { throw StoreError(.decoding, "column \(column) is not bytea in hex format") }
        let hex = Array(s.utf8.dropFirst(2))
        guard hex.count % 2 == 0 else { throw StoreError(.decoding, "column \(column) has odd hex length") }
        var out = [UInt8]()
        out.reserveCapacity(hex.count / 2)
        var i = 0
        func nib(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        while i < hex.count {
            guard let hi = nib(hex[i]), let lo = nib(hex[i + 1]) else { throw StoreError(.decoding, "column \(column) has bad hex") }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// A `text[]` column.
    public func textArray(_ column: String) throws(StoreError) -> [String] {
        try PostgresArrayParser.parse(try string(column))
    }
}

enum PostgresArrayParser {
    /// Parses PostgreSQL's text output of a one-dimensional text array, for example `{a,"b c",NULL}`.
    static func parse(_ text: String) throws(StoreError) -> [String] {
        let chars = Array(text.unicodeScalars)
        guard chars.first == "{", chars.last == "}" else { throw StoreError(.decoding, "not an array literal") }
        var out: [String] = []
        var i = 1
        let end = chars.count - 1
        if end == 1 { return [] }
        while i < end {
            var value = ""
            if chars[i] == "\"" {
                i += 1
                while i < end, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < end { i += 1 }
                    value.unicodeScalars.append(chars[i])
                    i += 1
                }
                i += 1 // closing quote
            } else {
                while i < end, chars[i] != "," {
                    value.unicodeScalars.append(chars[i])
                    i += 1
                }
            }
            out.append(value)
            if i < end, chars[i] == "," { i += 1 }
        }
        return out
    }
}
