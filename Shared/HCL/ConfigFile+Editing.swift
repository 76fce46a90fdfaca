extension ConfigFile {
    /// Appends arguments and blocks written as source at the end of the file, separated from what is there by a
    /// blank line, in the file's line-ending style. Whatever ends the file (its final newline, or none) stays at the
    /// end; in a file with no items, comments stay above the new items.
    public mutating func append(parsing source: String) throws(HCLDiagnostic) {
        let newItems = try Body.parseItems(source)
        guard !newItems.isEmpty else { return }
        let newline = fullText.contains("\r\n") ? "\r\n" : "\n"
        var prepared: [BodyItem] = []
        for item in newItems {
            var separator: String
            if body.items.isEmpty && prepared.isEmpty {
                // Only trivia so far: it moves in front of the first new item.
                let existing = endOfFile.leadingTrivia
                separator = existing.text
                if !existing.isEmpty, !existing.text.hasSuffix("\n") { separator += newline }
                endOfFile.leadingTrivia = existing.containsNewline ? Trivia(newline) : .none
            } else {
                separator = item.block != nil || prepared.isEmpty ? newline + newline : newline
            }
            prepared.append(Body.reindented(item, indent: "", newline: newline, separator: separator))
        }
        body.items.append(contentsOf: prepared)
    }
}
