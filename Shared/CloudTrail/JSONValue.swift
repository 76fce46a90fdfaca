/// A parsed JSON value. Objects keep their members in source order; numbers keep their source text.
public indirect enum JSONValue: Sendable, Equatable {
    case object([(key: String, node: JSONNode)])
    case array([JSONNode])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.node.value == $1.node.value }
        case (.array(let x), .array(let y)): return x.map(\.value) == y.map(\.value)
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// The member `key` of an object (the first one when repeated).
    public subscript(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.node.value
    }

    public func node(_ key: String) -> JSONNode? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.node
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var bool: Bool? {
        switch self {
        case .bool(let b): return b
        case .string(let s): return s == "true" ? true : (s == "false" ? false : nil)
        default: return nil
        }
    }

    /// A string, or the source text of a number or bool; nil for containers and null.
    public var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    public var isObject: Bool { if case .object = self { return true } else { return false } }

    /// Elements of an array; a single non-array value counts as a one-element list (CloudTrail often collapses
    /// one-element lists into the element itself).
    public var elements: [JSONValue] {
        switch self {
        case .array(let nodes): return nodes.map(\.value)
        case .null: return []
        default: return [self]
        }
    }
}

/// A value with its byte range in the source document.
public struct JSONNode: Sendable {
    public var value: JSONValue
    public var range: Range<Int>

    public init(value: JSONValue, range: Range<Int>) {
        self.value = value
        self.range = range
    }
}

/// A syntax error, with the byte offset, line and column where it was found.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var line: Int
    public var column: Int

    public var description: String { "invalid JSON at line \(line), column \(column): \(message)" }
}
