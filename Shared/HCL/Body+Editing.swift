extension Body {
    /// Changes, in place, the block (at any depth) whose type token starts at `position`, for instance a block a
    /// rule pointed at. Returns false if there is no such block.
    @discardableResult
    public mutating func updateBlock(startingAt position: SourcePosition, _ change: (inout Block) -> Void) -> Bool {
        for i in items.indices {
            guard case .block(var block) = items[i] else { continue }
            if block.type.range.start == position {
                change(&block)
                items[i] = .block(block)
                return true
            }
            if block.range.contains(position), block.body.updateBlock(startingAt: position, change) {
                items[i] = .block(block)
                return true
            }
        }
        return false
    }

    /// Changes, in place, every block directly in this body of type `type` whose labels start with `labels`.
    public mutating func updateBlocks(ofType type: String, labels: [String] = [], _ change: (inout Block) -> Void) {
        for i in items.indices {
            guard case .block(var block) = items[i], block.type.text == type,
                  block.labels.count >= labels.count,
                  zip(block.labels, labels).allSatisfy({ $0.value == $1 }) else { continue }
            change(&block)
            items[i] = .block(block)
        }
    }

    /// Changes the argument named `name` in place. Returns false if there is none.
    @discardableResult
    public mutating func updateAttribute(named name: String, _ change: (inout Attribute) -> Void) -> Bool {
        for i in items.indices {
            guard case .attribute(var attribute) = items[i], attribute.name.text == name else { continue }
            change(&attribute)
            items[i] = .attribute(attribute)
            return true
        }
        return false
    }

    /// Removes the argument named `name` with the comment lines directly above it and the comment after it.
    @discardableResult
    public mutating func removeAttribute(named name: String) -> Attribute? {
        for i in items.indices {
            guard case .attribute(let attribute) = items[i], attribute.name.text == name else { continue }
            items.remove(at: i)
            return attribute
        }
        return nil
    }

    /// Where a new argument goes by default: after the last argument, or before the first block.
    var defaultAttributeInsertionIndex: Int {
        if let last = items.lastIndex(where: { $0.attribute != nil }) { return last + 1 }
        return 0
    }

    /// Parses `source` as body content (arguments and blocks) for insertion.
    static func parseItems(_ source: String) throws(HCLDiagnostic) -> [BodyItem] {
        let result = HCLParser().parse(source, fileName: "<inserted>")
        if let error = result.errors.first { throw error }
        return result.file.body.items
    }

    /// Copies `item` with its first token's leading trivia replaced by `newline + indent`, and every other newline
    /// in its trivia followed by `indent` and written as `newline`. Text inside heredocs is not touched.
    static func reindented(_ item: BodyItem, indent: String, newline: String, separator: String? = nil) -> BodyItem {
        var copy = item
        var first = true
        copy.rewriteTokens { token in
            if first {
                token.leadingTrivia = Trivia(separator ?? (newline + indent))
                first = false
            } else {
                token.leadingTrivia = indented(token.leadingTrivia, indent: indent, newline: newline)
            }
        }
        return copy
    }

    private static func indented(_ trivia: Trivia, indent: String, newline: String) -> Trivia {
        guard trivia.containsNewline else { return trivia }
        let pieces = trivia.pieces
        var out = ""
        for (i, piece) in pieces.enumerated() {
            if case .newline = piece {
                out += newline
                let next = i + 1 < pieces.count ? pieces[i + 1] : nil
                if next?.isNewline != true { out += indent }
            } else {
                out += piece.text
            }
        }
        return Trivia(out)
    }
}
