/// A value known without evaluation: what ``Expr/literalValue`` returns for expressions made only of literals.
public indirect enum HCLValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(HCLNumber)
    case bool(Bool)
    case null
    case tuple([HCLValue])
    case object([String: HCLValue])

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var numberValue: HCLNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var tupleValue: [HCLValue]? {
        if case .tuple(let t) = self { return t }
        return nil
    }

    public var objectValue: [String: HCLValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// HCL-like notation: `"text"`, `1`, `true`, `null`, `["a", 1]`, `{a = 1}` (object keys sorted).
    public var description: String {
        switch self {
        case .string(let s): "\"\(TemplateExpr.escapeForQuotedString(s))\""
        case .number(let n): n.text
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        case .tuple(let t): "[" + t.map(\.description).joined(separator: ", ") + "]"
        case .object(let o):
            "{" + o.keys.sorted().map { "\($0) = \(o[$0]!.description)" }.joined(separator: ", ") + "}"
        }
    }
}
