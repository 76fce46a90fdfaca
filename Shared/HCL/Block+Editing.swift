extension Block {
    /// Sets the argument `name`: replaces its value if it exists (keeping comments and spacing), otherwise
    /// inserts `name = expression` after the block's last argument, indented like its siblings.
    public mutating func setAttribute(_ name: String, to expression: Expr) {
        if body.updateAttribute(named: name, { $0.replaceExpression(with: expression) }) { return }
        insertAttribute(name, expression)
    }

    /// ``setAttribute(_:to:)`` with the value given as source text (`"true"`, `"\"aws:kms\""`, `"[\"a\"]"`).
    public mutating func setAttribute(_ name: String, parsing source: String) throws(HCLDiagnostic) {
        setAttribute(name, to: try Expr(parsing: source))
    }

    /// Inserts `name = expression` at `index` of the body's items (default: after the last argument). The `=` is
    /// aligned with the argument before it when that one's `=` is padded and the new name fits, as `terraform fmt`
    /// would do.
    public mutating func insertAttribute(_ name: String, _ expression: Expr, at index: Int? = nil) {
        let position = index ?? body.defaultAttributeInsertionIndex
        var attribute = Attribute(name: name, expression: expression)
        if position > 0, case .attribute(let previous) = body.items[position - 1],
           previous.name.trailingTrivia.text.allSatisfy({ $0 == " " }) {
            let width = previous.name.text.count + previous.name.trailingTrivia.text.count
            if width > name.count + 1 {
                attribute.name.trailingTrivia = Trivia(String(repeating: " ", count: width - name.count))
            }
        }
        insert([.attribute(attribute)], at: position)
    }

    /// Inserts arguments and blocks written as source (`"metadata_options {\n  http_tokens = \"required\"\n}"`) at
    /// `index` (default: the end), re-indented to the block's indentation.
    public mutating func insert(parsing source: String, at index: Int? = nil) throws(HCLDiagnostic) {
        insert(try Body.parseItems(source), at: index ?? body.items.count)
    }

    /// Inserts items at `index`, each on a line of its own with the indentation of the block's items and the
    /// file's line ending. A single-line block (`a { b = 1 }`) is first spread over several lines.
    public mutating func insert(_ newItems: [BodyItem], at index: Int) {
        let newline = fullText.contains("\r\n") ? "\r\n" : "\n"
        let outerIndent = type.leadingTrivia.indentationAfterLastNewline ?? ""
        let unit = outerIndent.contains("\t") ? "\t" : "  "
        var indent = outerIndent + unit
        for item in body.items where item.attribute != nil || item.block != nil {
            if let first = item.firstToken, let found = first.leadingTrivia.indentationAfterLastNewline {
                indent = found
                break
            }
        }
        if isSingleLine {
            spreadOverLines(indent: indent, outerIndent: outerIndent, newline: newline)
        }
        let position = min(max(0, index), body.items.count)
        let prepared = newItems.map { Body.reindented($0, indent: indent, newline: newline) }
        body.items.insert(contentsOf: prepared, at: position)
    }

    /// Turns `a { b = 1 }` into a multi-line block.
    private mutating func spreadOverLines(indent: String, outerIndent: String, newline: String) {
        if openBrace.trailingTrivia.text.allSatisfy({ $0 == " " || $0 == "\t" }) { openBrace.trailingTrivia = .none }
        for i in body.items.indices {
            body.items[i].leadingTrivia = Trivia(newline + indent)
            if body.items[i].trailingTrivia.text.allSatisfy({ $0 == " " || $0 == "\t" }) {
                body.items[i].trailingTrivia = .none
            }
        }
        closeBrace.leadingTrivia = Trivia(newline + outerIndent)
        if closeBrace.isMissing { closeBrace = Token.make(.closeBrace, leading: closeBrace.leadingTrivia) }
    }
}
