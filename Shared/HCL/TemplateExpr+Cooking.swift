extension TemplateExpr {
    /// The template's string when it has no interpolations or directives: escapes decoded and, for `<<-`
    /// heredocs, the common indentation removed. Nil otherwise.
    public var literalString: String? {
        guard isLiteral else { return nil }
        var result = ""
        for segment in segments {
            if case .literal(let s) = segment { result += s }
        }
        return result
    }

    /// The template's meaning: decoded literal text and the expressions and directives between it.
    public var segments: [TemplateSegment] {
        let trims = isIndentedHeredoc ? indentationTrims() : []
        var literalIndex = 0
        return cook(parts, stripStart: false, stripEnd: false, trims: trims, literalIndex: &literalIndex)
    }

    // MARK: - Heredoc indentation

    /// For a `<<-` heredoc: how many leading characters to remove from each literal part, in source order.
    ///
    /// As the specification says, the literal text at the start of each line is examined for its leading spaces
    /// and the smallest count is removed from all of them. Lines holding only whitespace are not counted (and keep
    /// their whitespace); a line that starts with `${` or `%{` has no leading spaces, so nothing is removed.
    private func indentationTrims() -> [Int] {
        var atLineStart = true
        var minimum = Int.max
        var adjustable: [Bool] = []
        func nonLiteral() {
            if atLineStart {
                minimum = 0
                atLineStart = false
            }
        }
        func walk(_ parts: [TemplatePart]) {
            for part in parts {
                switch part {
                case .literal(let token):
                    let text = token.text
                    if atLineStart {
                        atLineStart = false
                        let spaces = text.prefix { $0.isWhitespace && !$0.isNewline }
                        let rest = text.dropFirst(spaces.count)
                        if rest.allSatisfy(\.isWhitespace), rest.last?.isNewline == true {
                            adjustable.append(false)
                        } else {
                            adjustable.append(true)
                            minimum = min(minimum, spaces.count)
                        }
                    } else {
                        adjustable.append(false)
                    }
                    if text.last?.isNewline == true { atLineStart = true }
                case .interpolation:
                    nonLiteral()
                case .ifDirective(let d):
                    nonLiteral()
                    walk(d.thenParts)
                    if d.elseTag != nil { nonLiteral() }
                    walk(d.elseParts)
                    nonLiteral()
                case .forDirective(let d):
                    nonLiteral()
                    walk(d.bodyParts)
                    nonLiteral()
                }
            }
        }
        walk(parts)
        let trim = minimum == Int.max ? 0 : minimum
        return adjustable.map { $0 ? trim : 0 }
    }

    // MARK: - Cooking

    private func cook(_ parts: [TemplatePart], stripStart: Bool, stripEnd: Bool, trims: [Int],
                      literalIndex: inout Int) -> [TemplateSegment] {
        var result: [TemplateSegment] = []
        for (i, part) in parts.enumerated() {
            switch part {
            case .literal(let token):
                var raw = Substring(token.text)
                if literalIndex < trims.count { raw = raw.dropFirst(trims[literalIndex]) }
                literalIndex += 1
                var text = isHeredoc ? Self.decodeTemplateEscapes(String(raw)) : Self.decodeQuotedLiteral(String(raw))
                let stripLeft = i == 0 ? stripStart : Self.stripsAfter(parts[i - 1])
                let stripRight = i == parts.count - 1 ? stripEnd : Self.stripsBefore(parts[i + 1])
                if stripLeft { text = String(text.drop { $0.isWhitespace }) }
                if stripRight {
                    while let last = text.last, last.isWhitespace { text.removeLast() }
                }
                if !text.isEmpty {
                    if case .literal(let previous) = result.last {
                        result[result.count - 1] = .literal(previous + text)
                    } else {
                        result.append(.literal(text))
                    }
                }
            case .interpolation(let interpolation):
                result.append(.interpolation(interpolation.expression))
            case .ifDirective(let d):
                let thenSegments = cook(d.thenParts, stripStart: d.close.text.hasPrefix("~"),
                                        stripEnd: d.elseTag?.stripsBefore ?? d.endTag.stripsBefore, trims: trims,
                                        literalIndex: &literalIndex)
                let elseSegments = cook(d.elseParts, stripStart: d.elseTag?.stripsAfter ?? false,
                                        stripEnd: d.endTag.stripsBefore, trims: trims, literalIndex: &literalIndex)
                result.append(.conditional(condition: d.condition, then: thenSegments, else: elseSegments))
            case .forDirective(let d):
                let body = cook(d.bodyParts, stripStart: d.close.text.hasPrefix("~"), stripEnd: d.endTag.stripsBefore,
                                trims: trims, literalIndex: &literalIndex)
                result.append(.loop(keyVariable: d.keyVariable?.text, valueVariable: d.valueVariable.text,
                                    collection: d.collection, body: body))
            }
        }
        return result
    }

    private static func stripsAfter(_ part: TemplatePart) -> Bool {
        switch part {
        case .literal: false
        case .interpolation(let i): i.stripsAfter
        case .ifDirective(let d): d.endTag.stripsAfter
        case .forDirective(let d): d.endTag.stripsAfter
        }
    }

    private static func stripsBefore(_ part: TemplatePart) -> Bool {
        switch part {
        case .literal: false
        case .interpolation(let i): i.stripsBefore
        case .ifDirective(let d): d.open.text.hasSuffix("~")
        case .forDirective(let d): d.open.text.hasSuffix("~")
        }
    }

    // MARK: - Escapes

    /// Decodes the text of a quoted-string literal: `\n \r \t \" \\ \uNNNN \UNNNNNNNN`, `$${` and `%%{`.
    /// Invalid escapes (already reported by the lexer) are kept as written.
    public static func decodeQuotedLiteral(_ raw: String) -> String {
        guard raw.utf8.contains(where: { $0 == 92 || $0 == 36 || $0 == 37 }) else { return raw }
        let scalars = Array(raw.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\\", i + 1 < scalars.count {
                switch scalars[i + 1] {
                case "n": out.append("\n"); i += 2; continue
                case "r": out.append("\r"); i += 2; continue
                case "t": out.append("\t"); i += 2; continue
                case "\"": out.append("\""); i += 2; continue
                case "\\": out.append("\\"); i += 2; continue
                case "u", "U":
                    let want = scalars[i + 1] == "u" ? 4 : 8
                    if i + 2 + want <= scalars.count {
                        let hex = String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 2 + want)]))
                        if let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) {
                            out.append(scalar)
                            i += 2 + want
                            continue
                        }
                    }
                default: break
                }
            } else if (c == "$" || c == "%"), i + 2 < scalars.count, scalars[i + 1] == c, scalars[i + 2] == "{" {
                out.append(c)
                out.append("{")
                i += 3
                continue
            }
            out.append(c)
            i += 1
        }
        return String(out)
    }

    /// Decodes heredoc text, where only `$${` and `%%{` are escapes.
    public static func decodeTemplateEscapes(_ raw: String) -> String {
        guard raw.utf8.contains(where: { $0 == 36 || $0 == 37 }) else { return raw }
        let scalars = Array(raw.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "$" || c == "%", i + 2 < scalars.count, scalars[i + 1] == c, scalars[i + 2] == "{" {
                out.append(c)
                out.append("{")
                i += 3
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(out)
    }

    /// Escapes `value` for a quoted string: backslashes, quotes, control characters, `${` and `%{`.
    public static func escapeForQuotedString(_ value: String) -> String {
        var out = ""
        let scalars = Array(value.unicodeScalars)
        for (i, s) in scalars.enumerated() {
            switch s {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "$", "%":
                out.unicodeScalars.append(s)
                if i + 1 < scalars.count, scalars[i + 1] == "{" { out.unicodeScalars.append(s) }
            default:
                if s.value < 0x20 || s.value == 0x7F {
                    let hex = String(s.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out
    }
}
