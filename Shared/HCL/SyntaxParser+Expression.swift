extension SyntaxParser {
    /// Parses one expression where the caller is; the caller decides whether newlines are significant.
    mutating func parseStandaloneExpression() -> Expr? {
        newlineSensitive = false
        do {
            let expression = try parseExpression()
            guard current.kind == .endOfFile else { throw fail(expected: "the end of the expression") }
            return expression
        } catch {
            return nil
        }
    }

    /// `Expression = Conditional | Operation | ExprTerm`; the conditional binds loosest and nests to the right.
    mutating func parseExpression() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        let condition = try parseBinary(minimumPrecedence: 1)
        guard isAt(.question) else { return condition }
        return try parseConditional(condition: condition)
    }

    @inline(never)
    private mutating func parseConditional(condition: Expr) throws -> Expr {
        let question = advance()
        let trueResult = try parseExpression()
        let colon = try expect(.colon, "\":\" between the two results of the conditional expression")
        let falseResult = try parseExpression()
        return .conditional(ConditionalExpr(condition: condition, question: question, trueResult: trueResult,
                                            colon: colon, falseResult: falseResult))
    }

    /// Binary operators by precedence climbing; operators of one level associate to the left.
    private mutating func parseBinary(minimumPrecedence: Int) throws -> Expr {
        var left = try parseUnary()
        var chain = 0
        defer { depth -= chain }
        while !atNewline, let op = BinaryOperator(current.kind), op.precedence >= minimumPrecedence {
            try enter()
            chain += 1
            let operatorToken = advance()
            let right = try parseBinary(minimumPrecedence: op.precedence + 1)
            left = .binary(BinaryOpExpr(left: left, operatorToken: operatorToken, right: right))
        }
        return left
    }

    /// `-x`, `!x`: tighter than every binary operator, looser than traversals (`-a.b` is `-(a.b)`).
    private mutating func parseUnary() throws -> Expr {
        if !atNewline, current.kind == .minus || current.kind == .bang {
            try enter()
            defer { depth -= 1 }
            let operatorToken = advance()
            let operand = try parseUnary()
            return .unary(UnaryOpExpr(operatorToken: operatorToken, operand: operand))
        }
        return try parsePostfix()
    }

    /// A term followed by attribute accesses, indexes and splats.
    private mutating func parsePostfix() throws -> Expr {
        var expression = try parseTerm()
        var chain = 0
        defer { depth -= chain }
        while !atNewline, current.kind == .dot || current.kind == .openBracket {
            try enter()
            chain += 1
            expression = try parsePostfixStep(on: expression)
        }
        return expression
    }

    /// One `.name`, `.0`, `[key]`, `.*` or `[*]` step.
    @inline(never)
    private mutating func parsePostfixStep(on expression: Expr) throws -> Expr {
        if current.kind == .dot {
            guard peek(1).kind == .star else { return try parseDotStep(on: expression, allowLegacyIndex: true) }
            let dot = advance()
            let star = advance()
            let each = try parseSplatEach(full: false)
            return .splat(SplatExpr(source: expression, open: dot, star: star, close: nil, each: each))
        }
        guard peek(1).kind == .star, peek(2).kind == .closeBracket else { return try parseIndexStep(on: expression) }
        let open = advance()
        let star = advance()
        let close = advance()
        let each = try parseSplatEach(full: true)
        return .splat(SplatExpr(source: expression, open: open, star: star, close: close, each: each))
    }

    /// `.name` or the legacy index `.0` applied to `base`.
    @inline(never)
    private mutating func parseDotStep(on base: Expr, allowLegacyIndex: Bool) throws -> Expr {
        let dot = advance()
        if current.kind == .identifier, !atNewline {
            return .getAttr(GetAttrExpr(base: base, dot: dot, name: advance()))
        }
        if allowLegacyIndex, current.kind == .number, !atNewline {
            guard current.text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw fail(expected: "an attribute name or a whole-number index after \".\" (write [0][1] to index twice)")
            }
            let number = advance()
            return .index(IndexExpr(base: base, open: dot, key: .literal(LiteralValueExpr(token: number)), close: nil))
        }
        throw fail(expected: allowLegacyIndex ? "an attribute name, an index or \"*\" after \".\""
                                              : "an attribute name after \".\"")
    }

    /// `[key]` applied to `base`.
    @inline(never)
    private mutating func parseIndexStep(on base: Expr) throws -> Expr {
        let open = advance()
        let (key, close) = try ignoringNewlines { parser in
            let key = try parser.parseExpression()
            let close = try parser.expect(.closeBracket, "\"]\" after the index")
            return (key, close)
        }
        return .index(IndexExpr(base: base, open: open, key: key, close: close))
    }

    /// The operations a splat applies to each element. An attribute-only splat (`.*`) takes attribute accesses; a
    /// full splat (`[*]`) also takes indexes and further splats.
    @inline(never)
    private mutating func parseSplatEach(full: Bool) throws -> Expr {
        var each = Expr.splatItem
        var chain = 0
        defer { depth -= chain }
        while !atNewline {
            if current.kind == .dot {
                let next = peek(1)
                if next.kind == .identifier || (full && next.kind == .number) {
                    try enter()
                    chain += 1
                    each = try parseDotStep(on: each, allowLegacyIndex: full)
                } else if full, next.kind == .star {
                    try enter()
                    chain += 1
                    let dot = advance()
                    let star = advance()
                    let inner = try parseSplatEach(full: false)
                    each = .splat(SplatExpr(source: each, open: dot, star: star, close: nil, each: inner))
                } else {
                    return each
                }
            } else if full, current.kind == .openBracket {
                try enter()
                chain += 1
                if peek(1).kind == .star, peek(2).kind == .closeBracket {
                    let open = advance()
                    let star = advance()
                    let close = advance()
                    let inner = try parseSplatEach(full: true)
                    each = .splat(SplatExpr(source: each, open: open, star: star, close: close, each: inner))
                } else {
                    each = try parseIndexStep(on: each)
                }
            } else {
                return each
            }
        }
        return each
    }

    /// Literals, templates, variables, function calls, tuples, objects, `for` expressions and parentheses.
    @inline(never)
    private mutating func parseTerm() throws -> Expr {
        if atNewline { throw failExpectingExpression() }
        let token = current
        switch token.kind {
        case .number:
            return .literal(LiteralValueExpr(token: advance()))
        case .identifier:
            if token.text == "true" || token.text == "false" || token.text == "null" {
                return .literal(LiteralValueExpr(token: advance()))
            }
            if peek(1).kind == .openParen || peek(1).kind == .colon, let call = try parseFunctionCallIfPresent() {
                return call
            }
            return .variable(VariableExpr(name: advance()))
        case .openQuote:
            return .template(try parseQuotedTemplate())
        case .heredocStart:
            return .template(try parseHeredocTemplate())
        case .openBracket:
            return try parseTupleOrFor()
        case .openBrace:
            return try parseObjectOrFor()
        case .openParen:
            return try parseParenthesized()
        default:
            throw failExpectingExpression()
        }
    }

    @inline(never)
    private mutating func failExpectingExpression() -> Failure {
        let after = index > 0 ? " after \(quoted(tokens[index - 1]))" : ""
        return fail(expected: "an expression\(after)")
    }

    @inline(never)
    private mutating func parseParenthesized() throws -> Expr {
        let open = advance()
        let (expression, close) = try ignoringNewlines { parser in
            let expression = try parser.parseExpression()
            let close = try parser.expect(.closeParen, "\")\" to close the \"(\" at \(open.range.start)")
            return (expression, close)
        }
        return .parenthesized(ParenthesizedExpr(openParen: open, expression: expression, closeParen: close))
    }

    private func adjacent(_ a: Token, _ b: Token) -> Bool { a.trailingTrivia.isEmpty && b.leadingTrivia.isEmpty }

    /// `name(args)`, where the name may be namespaced (`provider::aws::arn_parse`, written without spaces). Returns
    /// nil, consuming nothing, when the identifier is not followed by `(`.
    @inline(never)
    private mutating func parseFunctionCallIfPresent() throws -> Expr? {
        let first = current
        var j = index + 1
        var nameText = first.text
        while j + 2 < tokens.count, tokens[j].kind == .colon, tokens[j + 1].kind == .colon,
              tokens[j + 2].kind == .identifier, adjacent(tokens[j - 1], tokens[j]),
              adjacent(tokens[j], tokens[j + 1]), adjacent(tokens[j + 1], tokens[j + 2]) {
            nameText += "::" + tokens[j + 2].text
            j += 3
        }
        let namespaced = j > index + 1
        guard j < tokens.count, tokens[j].kind == .openParen, !(newlineSensitive && tokens[j].hasNewlineBefore) else {
            if namespaced {
                index = j
                throw fail(expected: "\"(\" after the function name \"\(HCLDiagnostic.excerpt(nameText))\"")
            }
            return nil
        }
        let last = tokens[j - 1]
        let name = Token(.identifier, nameText, leadingTrivia: first.leadingTrivia, trailingTrivia: last.trailingTrivia,
                         range: SourceRange(start: first.range.start, end: last.range.end))
        index = j
        let open = advance()
        return try ignoringNewlines { parser in
            var arguments: [ExpressionListItem] = []
            var ellipsis: Token?
            while parser.current.kind != .closeParen {
                let argument = try parser.parseExpression()
                if parser.current.kind == .ellipsis {
                    ellipsis = parser.advance()
                    arguments.append(ExpressionListItem(expression: argument))
                    break
                }
                if parser.current.kind == .comma {
                    arguments.append(ExpressionListItem(expression: argument, comma: parser.advance()))
                    continue
                }
                arguments.append(ExpressionListItem(expression: argument))
                break
            }
            let what = ellipsis != nil ? "\")\" after \"...\", which must follow the last argument"
                : arguments.isEmpty ? "\")\"" : "\",\" or \")\" after the argument"
            let close = try parser.expect(.closeParen, "\(what) in the call to \(nameText)()")
            return .functionCall(FunctionCallExpr(name: name, openParen: open, arguments: arguments,
                                                  ellipsis: ellipsis, closeParen: close))
        }
    }

    /// `[a, b]` or `[for ...]`; newlines inside are whitespace.
    @inline(never)
    private mutating func parseTupleOrFor() throws -> Expr {
        let open = advance()
        return try ignoringNewlines { parser in
            if parser.current.isKeyword("for") { return .forExpr(try parser.parseFor(open: open)) }
            var elements: [ExpressionListItem] = []
            while parser.current.kind != .closeBracket {
                let element = try parser.parseExpression()
                if parser.current.kind == .comma {
                    elements.append(ExpressionListItem(expression: element, comma: parser.advance()))
                    continue
                }
                elements.append(ExpressionListItem(expression: element))
                break
            }
            let close = try parser.expect(.closeBracket, elements.isEmpty ? "\"]\""
                : "\",\" or \"]\" after the tuple element (the \"[\" is at \(open.range.start))")
            return .tuple(TupleExpr(openBracket: open, elements: elements, closeBracket: close))
        }
    }

    /// `{ key = value, ... }` (elements separated by commas or newlines) or `{for ...}`.
    @inline(never)
    private mutating func parseObjectOrFor() throws -> Expr {
        let open = advance()
        if current.isKeyword("for") {
            return try ignoringNewlines { .forExpr(try $0.parseFor(open: open)) }
        }
        return try respectingNewlines { parser in
            var elements: [ObjectElement] = []
            while parser.current.kind != .closeBrace {
                if parser.current.kind == .endOfFile {
                    throw parser.fail(expected: "\"}\" to close the object that starts at \(open.range.start)")
                }
                let key = try parser.ignoringNewlines { try $0.parseExpression() }
                guard parser.current.kind == .equals || parser.current.kind == .colon, !parser.atNewline else {
                    throw parser.fail(expected: "\"=\" or \":\" after the object key")
                }
                let separator = parser.advance()
                let value = try parser.parseExpression()
                if parser.current.kind == .comma {
                    elements.append(ObjectElement(key: key, separator: separator, value: value, comma: parser.advance()))
                    continue
                }
                elements.append(ObjectElement(key: key, separator: separator, value: value))
                if parser.current.kind == .closeBrace || parser.atNewline { continue }
                throw parser.fail(expected: "a newline, \",\" or \"}\" after the object element")
            }
            let close = parser.advance()
            return .object(ObjectExpr(openBrace: open, elements: elements, closeBrace: close))
        }
    }

    /// The rest of a `for` expression after its `[` or `{`.
    @inline(never)
    private mutating func parseFor(open: Token) throws -> ForExpr {
        let forKeyword = advance()
        let first = try expect(.identifier, "a variable name after \"for\"")
        var keyVariable: Token?
        var comma: Token?
        var valueVariable = first
        if current.kind == .comma {
            comma = advance()
            keyVariable = first
            valueVariable = try expect(.identifier, "a second variable name after \",\"")
        }
        guard current.isKeyword("in") else { throw fail(expected: "\"in\" after the variables of the for expression") }
        let inKeyword = advance()
        let collection = try parseExpression()
        let colon = try expect(.colon, "\":\" after the collection of the for expression")
        let producesObject = open.kind == .openBrace
        var keyExpression: Expr?
        var arrow: Token?
        if producesObject {
            keyExpression = try parseExpression()
            arrow = try expect(.fatArrow, "\"=>\" between the key and the value of the object for expression")
        }
        let valueExpression = try parseExpression()
        var grouping: Token?
        if producesObject, current.kind == .ellipsis { grouping = advance() }
        var ifKeyword: Token?
        var condition: Expr?
        if current.isKeyword("if") {
            ifKeyword = advance()
            condition = try parseExpression()
        }
        let closeKind: TokenKind = producesObject ? .closeBrace : .closeBracket
        let expected = condition == nil ? "\"if\" or \"\(closeKind.fixedText ?? "")\"" : "\"\(closeKind.fixedText ?? "")\""
        let close = try expect(closeKind, "\(expected) to end the for expression that starts at \(open.range.start)")
        return ForExpr(open: open, forKeyword: forKeyword, keyVariable: keyVariable, comma: comma,
                       valueVariable: valueVariable, inKeyword: inKeyword, collection: collection, colon: colon,
                       keyExpression: keyExpression, arrow: arrow, valueExpression: valueExpression,
                       grouping: grouping, ifKeyword: ifKeyword, condition: condition, close: close)
    }
}
