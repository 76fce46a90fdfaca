/// `key = value` or `key: value` in an object, with a comma after it if there is one.
public struct ObjectElement: SyntaxNode {
    /// A bare identifier key is a literal name (`{ foo = 1 }`); use ``keyName`` to read it.
    public var key: Expr
    /// `=` or `:`.
    public var separator: Token
    public var value: Expr
    public var comma: Token?

    public init(key: Expr, separator: Token, value: Expr, comma: Token? = nil) {
        self.key = key
        self.separator = separator
        self.value = value
        self.comma = comma
    }

    /// The key as a name when it is static: a bare identifier, a string without interpolation, a number or a bool.
    /// Nil for computed keys such as `(var.name)` or `"${x}"`.
    public var keyName: String? {
        switch key {
        case .variable(let v): return v.nameText
        case .literal(let l):
            switch l.value {
            case .number(let n): return n.text
            case .bool(let b): return b ? "true" : "false"
            default: return nil
            }
        case .template(let t): return t.literalString
        default: return nil
        }
    }

    public func forEachToken(_ body: (Token) -> Void) {
        key.forEachToken(body)
        body(separator)
        value.forEachToken(body)
        comma.visit(body)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        key.rewriteTokens(body)
        body(&separator)
        value.rewriteTokens(body)
        comma.rewrite(body)
    }
}
