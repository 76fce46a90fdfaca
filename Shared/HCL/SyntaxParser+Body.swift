extension SyntaxParser {
    mutating func parseFile() -> ConfigFile {
        newlineSensitive = true
        let body = parseBody(nested: false)
        return ConfigFile(fileName: fileName, body: body, endOfFile: tokens[tokens.count - 1])
    }

    /// Parses items until the end of the file, or for a nested body until a `}` at the start of an item.
    mutating func parseBody(nested: Bool) -> Body {
        var items: [BodyItem] = []
        var seen: [String: SourceRange] = [:]
        while true {
            let token = current
            if token.kind == .endOfFile { break }
            if token.kind == .closeBrace {
                if nested { break }
                report(.unexpectedToken, "expected an argument or a block, found \"}\" without a matching \"{\"",
                       token.range)
                items.append(.unexpected(UnexpectedTokens(tokens: [advance()])))
                continue
            }
            let start = index
            let savedDepth = depth
            do {
                let item = try parseBodyItem(singleLine: false)
                var name = ""
                var what = "block"
                if case .attribute(let attribute) = item {
                    name = attribute.nameText
                    what = "argument"
                    if let first = seen[name] {
                        reportDuplicate(attribute, firstAt: first)
                    } else {
                        seen[name] = attribute.name.range
                    }
                } else if case .block(let block) = item {
                    name = block.typeName
                }
                items.append(item)
                if current.kind != .endOfFile, !current.hasNewlineBefore {
                    reportMissingNewline(after: what, named: name)
                    let skipped = skipItem(forceFirst: false)
                    if !skipped.isEmpty { items.append(.unexpected(UnexpectedTokens(tokens: skipped))) }
                }
            } catch {
                index = start
                depth = savedDepth
                newlineSensitive = true
                items.append(.unexpected(UnexpectedTokens(tokens: skipItem(forceFirst: true))))
            }
        }
        return Body(items: items)
    }

    /// An attribute (`name = expr`) or a block (`type labels { body }`).
    mutating func parseBodyItem(singleLine: Bool) throws -> BodyItem {
        guard current.kind == .identifier else { throw failItemStart(singleLine: singleLine) }
        let name = advance()
        if current.kind == .equals, !current.hasNewlineBefore {
            let equals = advance()
            let expression = try parseExpression()
            return .attribute(Attribute(name: name, equals: equals, expression: expression))
        }
        return .block(try parseBlock(name: name, singleLine: singleLine))
    }

    /// The rest of a block after its type.
    @inline(never)
    private mutating func parseBlock(name: Token, singleLine: Bool) throws -> Block {
        var labels: [BlockLabel] = []
        while !current.hasNewlineBefore {
            if current.kind == .identifier {
                labels.append(.identifier(advance()))
            } else if current.kind == .openQuote {
                labels.append(try parseQuotedLabel())
            } else {
                break
            }
        }
        guard current.kind == .openBrace, !current.hasNewlineBefore else {
            throw failBlockHeader(name: name, hasLabels: !labels.isEmpty)
        }
        if singleLine { throw failNestedSingleLineBlock(name: name) }
        let open = advance()
        try enter()
        defer { depth -= 1 }
        let body: Body
        let close: Token
        if current.kind == .endOfFile || current.hasNewlineBefore {
            body = parseBody(nested: true)
            if current.kind == .closeBrace {
                close = advance()
            } else {
                close = reportUnclosedBlock(name: name, open: open)
            }
        } else {
            var items: [BodyItem] = []
            if current.kind != .closeBrace {
                items.append(try parseBodyItem(singleLine: true))
            }
            guard current.kind == .closeBrace, !current.hasNewlineBefore else {
                throw failSingleLineBlockEnd(name: name)
            }
            body = Body(items: items)
            close = advance()
        }
        return Block(type: name, labels: labels, openBrace: open, body: body, closeBrace: close)
    }

    // Messages are built out of line so that the recursive functions keep small stack frames.

    @inline(never)
    private mutating func reportDuplicate(_ attribute: Attribute, firstAt first: SourceRange) {
        report(.duplicateAttribute,
               "the argument \"\(HCLDiagnostic.excerpt(attribute.nameText))\" is already set at \(first.start); an argument can be set only once in a block",
               attribute.name.range)
    }

    @inline(never)
    private mutating func failItemStart(singleLine: Bool) -> Failure {
        if singleLine {
            return fail(expected: "an argument (name = value) or \"}\" in the single-line block")
        }
        // A newline before an item is normal, so name the token itself.
        return respectingNewlines { parser in
            parser.newlineSensitive = false
            return parser.fail(expected: "an argument name or a block type")
        }
    }

    @inline(never)
    private mutating func reportMissingNewline(after what: String, named name: String) {
        if current.kind == .invalid { return }  // the lexer reported it
        report(.missingNewline,
               "expected a newline after the \(what) \"\(HCLDiagnostic.excerpt(name))\", found \(describeFound())",
               current.range)
    }

    @inline(never)
    private mutating func failBlockHeader(name: Token, hasLabels: Bool) -> Failure {
        if current.kind == .openBrace || current.kind == .equals, current.hasNewlineBefore {
            let what = current.kind == .openBrace ? "\"{\"" : "\"=\""
            return fail(expected: "\(what) on the same line as \(hasLabels ? "the block's labels" : quoted(name))")
        }
        return hasLabels ? fail(expected: "\"{\" after the block's labels") : fail(expected: "\"=\" or \"{\" after \(quoted(name))")
    }

    @inline(never)
    private mutating func failNestedSingleLineBlock(name: Token) -> Failure {
        report(.unexpectedToken,
               "a single-line block can contain only one argument (name = value), not the block \(quoted(name)); put the blocks on lines of their own",
               name.range)
        return Failure()
    }

    @inline(never)
    private mutating func failSingleLineBlockEnd(name: Token) -> Failure {
        fail(expected: "\"}\" to end the single-line block \(quoted(name)), which can hold only one argument")
    }

    @inline(never)
    private mutating func reportUnclosedBlock(name: Token, open: Token) -> Token {
        report(.unclosedBlock,
               "expected \"}\" to close the block \(quoted(name)) opened at \(open.range.start), found the end of the file",
               SourceRange(at: current.range.start))
        return .missing(.closeBrace, at: current.range.start)
    }

    /// `"label"`: a quoted string without interpolation or directives.
    @inline(never)
    mutating func parseQuotedLabel() throws -> BlockLabel {
        let template = try parseQuotedTemplate()
        var literal: Token?
        for part in template.parts {
            guard case .literal(let token) = part, literal == nil else {
                report(.invalidBlockLabel,
                       "a block label must be a plain string, without \"${...}\" or \"%{...}\"", template.range)
                throw Failure()
            }
            literal = token
        }
        return .quoted(open: template.open, literal: literal, close: template.close)
    }

    /// Skips to the end of the current item: up to the next line that starts with an identifier (the only way an
    /// item can start), with brackets, strings and heredocs balanced. Stops before a `}` that would close the
    /// enclosing block, and, if brackets never close, before a line that looks like the start of the next item (an
    /// identifier at or left of the item's column followed by `=`, `{` or a label) or a `}` left of the item.
    /// With `forceFirst`, consumes at least one token.
    mutating func skipItem(forceFirst: Bool) -> [Token] {
        var skipped: [Token] = []
        var level = 0
        let startColumn = current.range.start.column
        var first = forceFirst
        while current.kind != .endOfFile {
            let token = current
            if !first {
                // Items start with an identifier, so a new line that starts otherwise continues the broken item.
                if level == 0, token.kind == .closeBrace { break }
                if level == 0, token.hasNewlineBefore, token.kind == .identifier { break }
                if level > 0, token.hasNewlineBefore, token.kind == .identifier,
                   token.range.start.column <= startColumn, looksLikeItemStart(at: index) {
                    break
                }
                // A "}" on a line of its own, left of the item, closes the enclosing block even if a bracket of
                // this item was never closed.
                if level > 0, token.kind == .closeBrace, token.hasNewlineBefore,
                   token.range.start.column < startColumn {
                    break
                }
            }
            first = false
            if token.kind.isOpener {
                level += 1
            } else if token.kind.isCloser, level > 0 {
                level -= 1
            }
            skipped.append(advance())
        }
        return skipped
    }

    private func looksLikeItemStart(at i: Int) -> Bool {
        let next = tokens[min(i + 1, tokens.count - 1)]
        guard !next.hasNewlineBefore else { return false }
        switch next.kind {
        case .equals, .openBrace, .openQuote, .identifier: return true
        default: return false
        }
    }
}
