/// A SQL statement whose interpolated values become bound parameters (`$1`, `$2`, ...), never text:
/// `SQL("SELECT * FROM findings WHERE id = \(id)")`. There is no way to splice a value into the text itself.
public struct SQL: Sendable, ExpressibleByStringInterpolation {
    public private(set) var text: String
    public private(set) var parameters: [PostgresValue]

    public init(stringLiteral value: String) {
        text = value
        parameters = []
    }

    public init(stringInterpolation: Interpolation) {
        text = stringInterpolation.text
        parameters = stringInterpolation.parameters
    }

    mutating func appendParameters(_ values: [PostgresValue]) { parameters.append(contentsOf: values) }

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""
        var parameters: [PostgresValue] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) { text += literal }

        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            parameters.append(value.postgresValue)
            text += "$\(parameters.count)"
        }

        public mutating func appendInterpolation(_ value: (some PostgresEncodable)?) {
            parameters.append(value?.postgresValue ?? .null)
            text += "$\(parameters.count)"
        }

        /// A piece of SQL text written in the source (a shared column list): spliced as text, never a value.
        public mutating func appendInterpolation(_ fragment: SQLFragment) { text += fragment.text }
    }
}

/// SQL text known at compile time (it can only be made from a `StaticString`), so splicing it is safe.
public struct SQLFragment: Sendable {
    let text: String
    public init(_ text: StaticString) { self.text = "\(text)" }
}

/// A parameter value in PostgreSQL's text format.
public enum PostgresValue: Sendable, Equatable {
    case null
    case text(String)

    public var cString: String? {
        if case .text(let s) = self { return s }
        return nil
    }
}

/// Types that bind as a query parameter.
public protocol PostgresEncodable: Sendable {
    var postgresValue: PostgresValue { get }
}

extension String: PostgresEncodable { public var postgresValue: PostgresValue { .text(self) } }
extension Substring: PostgresEncodable { public var postgresValue: PostgresValue { .text(String(self)) } }
extension Int: PostgresEncodable { public var postgresValue: PostgresValue { .text(String(self)) } }
extension Int64: PostgresEncodable { public var postgresValue: PostgresValue { .text(String(self)) } }
extension Int32: PostgresEncodable { public var postgresValue: PostgresValue { .text(String(self)) } }
extension Double: PostgresEncodable { public var postgresValue: PostgresValue { .text(String(self)) } }
extension Bool: PostgresEncodable { public var postgresValue: PostgresValue { .text(self ? "t" : "f") } }
extension Array: PostgresEncodable where Element == UInt8 {
    /// bytea in hex format.
    public var postgresValue: PostgresValue {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        out.reserveCapacity(2 + count * 2)
        for b in self { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0f)]) }
        return .text(String(decoding: out, as: UTF8.self))
    }
}

/// A text array parameter (`text[]`).
public struct TextArray: PostgresEncodable {
    public var values: [String]
    public init(_ values: [String]) { self.values = values }
    public var postgresValue: PostgresValue {
        // Built on bytes: this runs for every batch of ids the ingestor dedups, so it must be cheap.
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(values.reduce(2) { $0 + $1.utf8.count + 3 })
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            for b in v.utf8 {
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(b)
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return .text(String(decoding: out, as: UTF8.self))
    }
}

