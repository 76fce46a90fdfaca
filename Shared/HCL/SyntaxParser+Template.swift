extension SyntaxParser {
    /// `"..."`: the lexer guarantees a closing quote token (a missing one if the string was unterminated).
    @inline(never)
    mutating func parseQuotedTemplate() throws -> TemplateExpr {
        let open = advance()
        let parts = try ignoringNewlines { try $0.parseTemplateParts(stoppingAt: []) }
        guard current.kind == .closeQuote else { throw fail(expected: "\"\\\"\" to end the string") }
        return TemplateExpr(open: open, parts: parts, close: advance())
    }

    /// `<<EOT ... EOT`: the lexer guarantees a closing marker token (a missing one at the end of the file).
    @inline(never)
    mutating func parseHeredocTemplate() throws -> TemplateExpr {
        let open = advance()
        let parts = try ignoringNewlines { try $0.parseTemplateParts(stoppingAt: []) }
        guard current.kind == .heredocEnd else { throw fail(expected: "the end of the heredoc") }
        return TemplateExpr(open: open, parts: parts, close: advance())
    }

    /// Template parts up to the template's end, or up to a directive whose keyword is in `stoppingAt` (which is
    /// left for the caller).
    private mutating func parseTemplateParts(stoppingAt keywords: Set<String>) throws -> [TemplatePart] {
        var parts: [TemplatePart] = []
        while true {
            switch current.kind {
            case .templateLiteral:
                parts.append(.literal(advance()))
            case .interpolationStart:
                parts.append(.interpolation(try parseInterpolation()))
            case .directiveStart:
                let keyword = peek(1)
                if keyword.kind == .identifier, keywords.contains(keyword.text) { return parts }
                switch keyword.kind == .identifier ? keyword.text : "" {
                case "if":
                    parts.append(.ifDirective(try parseIfDirective()))
                case "for":
                    parts.append(.forDirective(try parseForDirective()))
                default:
                    throw failDirective(keyword: keyword)
                }
            default:
                return parts
            }
        }
    }

    @inline(never)
    private mutating func failDirective(keyword: Token) -> Failure {
        if keyword.kind == .identifier, ["else", "endif", "endfor"].contains(keyword.text) {
            let opener = keyword.text == "endfor" ? "for" : "if"
            report(.unexpectedToken, "found \"%{ \(keyword.text) }\" without a matching \"%{ \(opener) ... }\"",
                   keyword.range)
            return Failure()
        }
        advance()
        return fail(expected: "\"if\", \"for\", \"else\", \"endif\" or \"endfor\" after \"%{\"")
    }

    @inline(never)
    private mutating func parseInterpolation() throws -> TemplateInterpolation {
        let open = advance()
        let expression = try parseExpression()
        let close = try expect(.templateSequenceEnd, "\"}\" to end the interpolation that starts at \(open.range.start)")
        return TemplateInterpolation(open: open, expression: expression, close: close)
    }

    /// `%{ if cond } ... [%{ else } ...] %{ endif }`
    @inline(never)
    private mutating func parseIfDirective() throws -> TemplateIfDirective {
        try enter()
        defer { depth -= 1 }
        let open = advance()
        let ifKeyword = advance()
        let condition = try parseExpression()
        let close = try expect(.templateSequenceEnd, "\"}\" to end the \"%{ if }\" directive")
        let thenParts = try parseTemplateParts(stoppingAt: ["else", "endif"])
        var elseTag: TemplateDirectiveTag?
        var elseParts: [TemplatePart] = []
        if current.kind == .directiveStart, peek(1).isKeyword("else") {
            elseTag = try parseDirectiveTag()
            elseParts = try parseTemplateParts(stoppingAt: ["endif"])
        }
        guard current.kind == .directiveStart, peek(1).isKeyword("endif") else {
            throw fail(expected: "\"%{ endif }\" for the \"%{ if }\" at \(open.range.start)")
        }
        let endTag = try parseDirectiveTag()
        return TemplateIfDirective(open: open, ifKeyword: ifKeyword, condition: condition, close: close,
                                   thenParts: thenParts, elseTag: elseTag, elseParts: elseParts, endTag: endTag)
    }

    /// `%{ for [k,] v in coll } ... %{ endfor }`
    @inline(never)
    private mutating func parseForDirective() throws -> TemplateForDirective {
        try enter()
        defer { depth -= 1 }
        let open = advance()
        let forKeyword = advance()
        let first = try expect(.identifier, "a variable name after \"%{ for\"")
        var keyVariable: Token?
        var comma: Token?
        var valueVariable = first
        if current.kind == .comma {
            comma = advance()
            keyVariable = first
            valueVariable = try expect(.identifier, "a second variable name after \",\"")
        }
        guard current.isKeyword("in") else { throw fail(expected: "\"in\" after the variables of \"%{ for\"") }
        let inKeyword = advance()
        let collection = try parseExpression()
        let close = try expect(.templateSequenceEnd, "\"}\" to end the \"%{ for }\" directive")
        let bodyParts = try parseTemplateParts(stoppingAt: ["endfor"])
        guard current.kind == .directiveStart, peek(1).isKeyword("endfor") else {
            throw fail(expected: "\"%{ endfor }\" for the \"%{ for }\" at \(open.range.start)")
        }
        let endTag = try parseDirectiveTag()
        return TemplateForDirective(open: open, forKeyword: forKeyword, keyVariable: keyVariable, comma: comma,
                                    valueVariable: valueVariable, inKeyword: inKeyword, collection: collection,
                                    close: close, bodyParts: bodyParts, endTag: endTag)
    }

    /// `%{ else }`, `%{ endif }`, `%{ endfor }`.
    @inline(never)
    private mutating func parseDirectiveTag() throws -> TemplateDirectiveTag {
        let open = advance()
        let keyword = advance()
        let close = try expect(.templateSequenceEnd, "\"}\" after \"%{ \(keyword.text)\"")
        return TemplateDirectiveTag(open: open, keyword: keyword, close: close)
    }
}
