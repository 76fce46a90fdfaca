/// A piece of a template as written.
public enum TemplatePart: SyntaxNode {
    /// Literal text, exactly as in the source (escapes not decoded).
    case literal(Token)
    /// `${ expression }`
    case interpolation(TemplateInterpolation)
    /// `%{ if } ... %{ else } ... %{ endif }`
    case ifDirective(TemplateIfDirective)
    /// `%{ for x in y } ... %{ endfor }`
    case forDirective(TemplateForDirective)

    public func forEachToken(_ body: (Token) -> Void) {
        switch self {
        case .literal(let t): body(t)
        case .interpolation(let i): i.forEachToken(body)
        case .ifDirective(let d): d.forEachToken(body)
        case .forDirective(let d): d.forEachToken(body)
        }
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        switch self {
        case .literal(var t):
            body(&t)
            self = .literal(t)
        case .interpolation(var i):
            i.rewriteTokens(body)
            self = .interpolation(i)
        case .ifDirective(var d):
            d.rewriteTokens(body)
            self = .ifDirective(d)
        case .forDirective(var d):
            d.rewriteTokens(body)
            self = .forDirective(d)
        }
    }
}
