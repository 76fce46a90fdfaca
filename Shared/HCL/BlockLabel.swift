/// A block label: a bare identifier (`resource aws_s3_bucket logs {`) or a quoted string without interpolation
/// (`resource "aws_s3_bucket" "logs" {`).
public enum BlockLabel: SyntaxNode {
    case identifier(Token)
    /// `"`, the literal text (nil for `""`), `"`.
    case quoted(open: Token, literal: Token?, close: Token)

    /// Makes a quoted label.
    public static func quoted(_ value: String, leading: Trivia = .space) -> BlockLabel {
        let escaped = TemplateExpr.escapeForQuotedString(value)
        return .quoted(open: .make(.openQuote, leading: leading),
                       literal: escaped.isEmpty ? nil : .make(.templateLiteral, escaped), close: .make(.closeQuote))
    }

    /// The label's value, escapes decoded.
    public var value: String {
        switch self {
        case .identifier(let token): token.text
        case .quoted(_, let literal, _): literal.map { TemplateExpr.decodeQuotedLiteral($0.text) } ?? ""
        }
    }

    public var isQuoted: Bool {
        if case .quoted = self { return true }
        return false
    }

    public func forEachToken(_ body: (Token) -> Void) {
        switch self {
        case .identifier(let token):
            body(token)
        case .quoted(let open, let literal, let close):
            body(open)
            literal.visit(body)
            body(close)
        }
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        switch self {
        case .identifier(var token):
            body(&token)
            self = .identifier(token)
        case .quoted(var open, var literal, var close):
            body(&open)
            literal.rewrite(body)
            body(&close)
            self = .quoted(open: open, literal: literal, close: close)
        }
    }
}
