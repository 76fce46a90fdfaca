/// A quoted template (`"..."`) or a heredoc (`<<EOT` ... `EOT`, or `<<-EOT` with indentation removed).
///
/// ``parts`` keep the source; ``segments`` give the meaning (escapes decoded, heredoc indentation and strip markers
/// applied), and ``literalString`` the string when there is nothing to evaluate.
public struct TemplateExpr: SyntaxNode {
    /// `"` or the heredoc introducer (`<<EOT` and its newline).
    public var open: Token
    public var parts: [TemplatePart]
    /// `"` or the heredoc's closing line (may be missing if the file ended first).
    public var close: Token

    public init(open: Token, parts: [TemplatePart], close: Token) {
        self.open = open
        self.parts = parts
        self.close = close
    }

    /// Makes a quoted string holding `value` (escaping what must be escaped).
    public static func quoted(_ value: String, leading: Trivia = .none, trailing: Trivia = .none) -> TemplateExpr {
        let escaped = escapeForQuotedString(value)
        var close = Token.make(.closeQuote)
        close.trailingTrivia = trailing
        return TemplateExpr(open: .make(.openQuote, leading: leading),
                            parts: escaped.isEmpty ? [] : [.literal(.make(.templateLiteral, escaped))], close: close)
    }

    public var isHeredoc: Bool { open.kind == .heredocStart }

    /// Whether this is a `<<-` heredoc, whose common leading whitespace is removed.
    public var isIndentedHeredoc: Bool { isHeredoc && open.text.hasPrefix("<<-") }

    /// The heredoc's marker (`EOT`), nil for quoted templates.
    public var heredocMarker: String? {
        guard isHeredoc else { return nil }
        var text = Substring(open.text.dropFirst(isIndentedHeredoc ? 3 : 2))
        while let last = text.last, last.isNewline { text = text.dropLast() }
        return String(text)
    }

    /// Whether the template holds only literal text (no `${...}` or `%{...}`).
    public var isLiteral: Bool {
        parts.allSatisfy { if case .literal = $0 { return true } else { return false } }
    }

    public func forEachToken(_ body: (Token) -> Void) {
        body(open)
        parts.visit(body)
        body(close)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        body(&open)
        parts.rewrite(body)
        body(&close)
    }
}
