/// An HCL expression, as written.
///
/// The cases follow the HCL native syntax specification (and hclsyntax's node names). Postfix operations nest
/// left to right: `a.b[0]` is `.index(base: .getAttr(base: .variable(a), name: b), key: 0)`. A splat keeps the
/// operations applied to each element in ``SplatExpr/each``, rooted at ``Expr/splatItem``.
public indirect enum Expr: SyntaxNode {
    /// A number, `true`, `false` or `null`.
    case literal(LiteralValueExpr)
    /// A quoted string or heredoc, with interpolations and directives.
    case template(TemplateExpr)
    /// A variable name (`var`, `local`, `aws_s3_bucket`, `each`).
    case variable(VariableExpr)
    case functionCall(FunctionCallExpr)
    /// `[a, b]`
    case tuple(TupleExpr)
    /// `{ k = v }`
    case object(ObjectExpr)
    /// `[for ...]` or `{for ...}`
    case forExpr(ForExpr)
    /// `(expr)`
    case parenthesized(ParenthesizedExpr)
    /// `base.name`
    case getAttr(GetAttrExpr)
    /// `base[key]` or the legacy `base.0`
    case index(IndexExpr)
    /// `base[*]...` or `base.*...`
    case splat(SplatExpr)
    /// `-x`, `!x`
    case unary(UnaryOpExpr)
    /// `a + b`, `a && b`, ...
    case binary(BinaryOpExpr)
    /// `c ? a : b`
    case conditional(ConditionalExpr)
    /// The element a splat is applied to, at the root of ``SplatExpr/each``. Has no tokens.
    case splatItem

    public func forEachToken(_ body: (Token) -> Void) {
        switch self {
        case .literal(let e): e.forEachToken(body)
        case .template(let e): e.forEachToken(body)
        case .variable(let e): e.forEachToken(body)
        case .functionCall(let e): e.forEachToken(body)
        case .tuple(let e): e.forEachToken(body)
        case .object(let e): e.forEachToken(body)
        case .forExpr(let e): e.forEachToken(body)
        case .parenthesized(let e): e.forEachToken(body)
        case .getAttr(let e): e.forEachToken(body)
        case .index(let e): e.forEachToken(body)
        case .splat(let e): e.forEachToken(body)
        case .unary(let e): e.forEachToken(body)
        case .binary(let e): e.forEachToken(body)
        case .conditional(let e): e.forEachToken(body)
        case .splatItem: break
        }
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        switch self {
        case .literal(var e): e.rewriteTokens(body); self = .literal(e)
        case .template(var e): e.rewriteTokens(body); self = .template(e)
        case .variable(var e): e.rewriteTokens(body); self = .variable(e)
        case .functionCall(var e): e.rewriteTokens(body); self = .functionCall(e)
        case .tuple(var e): e.rewriteTokens(body); self = .tuple(e)
        case .object(var e): e.rewriteTokens(body); self = .object(e)
        case .forExpr(var e): e.rewriteTokens(body); self = .forExpr(e)
        case .parenthesized(var e): e.rewriteTokens(body); self = .parenthesized(e)
        case .getAttr(var e): e.rewriteTokens(body); self = .getAttr(e)
        case .index(var e): e.rewriteTokens(body); self = .index(e)
        case .splat(var e): e.rewriteTokens(body); self = .splat(e)
        case .unary(var e): e.rewriteTokens(body); self = .unary(e)
        case .binary(var e): e.rewriteTokens(body); self = .binary(e)
        case .conditional(var e): e.rewriteTokens(body); self = .conditional(e)
        case .splatItem: break
        }
    }

    /// The expression without surrounding parentheses.
    public var unparenthesized: Expr {
        var e = self
        while case .parenthesized(let p) = e { e = p.expression }
        return e
    }
}
