import Testing
@testable import HCL

/// Parses `source` and records an issue for every diagnostic.
func parseClean(_ source: String, fileName: String = "test.tf",
                sourceLocation: SourceLocation = #_sourceLocation) -> ConfigFile {
    let result = HCLParser().parse(source, fileName: fileName)
    for diagnostic in result.diagnostics {
        Issue.record("unexpected diagnostic: \(diagnostic)", sourceLocation: sourceLocation)
    }
    return result.file
}

/// Parses `x = <source>` and returns the expression.
func expression(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) -> Expr {
    let file = parseClean("x = \(source)\n", sourceLocation: sourceLocation)
    guard let attribute = file.body.attribute(named: "x") else {
        Issue.record("no attribute parsed from \(source)", sourceLocation: sourceLocation)
        return .splatItem
    }
    return attribute.expression
}

/// The diagnostics of parsing `source`, as `line:column: message` strings.
func errors(_ source: String) -> [String] {
    HCLParser().parse(source, fileName: "main.tf").diagnostics.map { "\($0.line):\($0.column): \($0.message)" }
}

/// A canonical prefix rendering of an expression tree, to check structure and precedence:
/// `a + b * c` is `(+ a (* b c))`.
func sexpr(_ e: Expr) -> String {
    switch e {
    case .literal(let l): return l.token.text
    case .template(let t):
        if let s = t.literalString { return HCLValue.string(s).description }
        return "(template " + t.parts.map(sexpr).joined(separator: " ") + ")"
    case .variable(let v): return v.nameText
    case .functionCall(let f):
        return "(call \(f.functionName)" + f.arguments.map { " " + sexpr($0.expression) }.joined()
            + (f.expandsFinalArgument ? " ..." : "") + ")"
    case .tuple(let t): return "[" + t.elements.map { sexpr($0.expression) }.joined(separator: " ") + "]"
    case .object(let o):
        return "{" + o.elements.map { "\(sexpr($0.key))\($0.separator.text)\(sexpr($0.value))" }.joined(separator: " ") + "}"
    case .forExpr(let f):
        var out = "(for "
        if let k = f.keyVariableName { out += "\(k) " }
        out += "\(f.valueVariableName) in \(sexpr(f.collection)) :"
        if let key = f.keyExpression { out += " \(sexpr(key)) =>" }
        out += " \(sexpr(f.valueExpression))"
        if f.isGrouping { out += " ..." }
        if let c = f.condition { out += " if \(sexpr(c))" }
        return out + (f.producesObject ? " {})" : " [])")
    case .parenthesized(let p): return "(paren \(sexpr(p.expression)))"
    case .getAttr(let g): return "(. \(sexpr(g.base)) \(g.nameText))"
    case .index(let i): return "(\(i.isLegacy ? ".[]" : "[]") \(sexpr(i.base)) \(sexpr(i.key)))"
    case .splat(let s): return "(\(s.kind == .full ? "[*]" : ".*") \(sexpr(s.source)) \(sexpr(s.each)))"
    case .unary(let u): return "(\(u.op.rawValue) \(sexpr(u.operand)))"
    case .binary(let b): return "(\(b.op.rawValue) \(sexpr(b.left)) \(sexpr(b.right)))"
    case .conditional(let c): return "(? \(sexpr(c.condition)) \(sexpr(c.trueResult)) \(sexpr(c.falseResult)))"
    case .splatItem: return "@"
    }
}

func sexpr(_ part: TemplatePart) -> String {
    switch part {
    case .literal(let t): return HCLValue.string(t.text).description
    case .interpolation(let i): return "${\(sexpr(i.expression))}"
    case .ifDirective(let d):
        return "(if \(sexpr(d.condition)) [" + d.thenParts.map(sexpr).joined(separator: " ") + "] ["
            + d.elseParts.map(sexpr).joined(separator: " ") + "])"
    case .forDirective(let d):
        return "(for \(d.keyVariable.map { $0.text + " " } ?? "")\(d.valueVariable.text) in \(sexpr(d.collection)) ["
            + d.bodyParts.map(sexpr).joined(separator: " ") + "])"
    }
}

/// Checks that every token's text is the source between its range's offsets and that line and column match the
/// offsets.
func checkTokenPositions(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let bytes = Array(source.utf8)
    // line and column of each offset
    var lines = [Int](repeating: 0, count: bytes.count + 1)
    var columns = [Int](repeating: 0, count: bytes.count + 1)
    var line = 1
    var column = 1
    for i in 0...bytes.count {
        lines[i] = line
        columns[i] = column
        if i < bytes.count {
            if bytes[i] == 10 {
                line += 1
                column = 1
            } else if bytes[i] & 0xC0 != 0x80 {
                column += 1
            }
        }
    }
    let file = HCLParser().parse(source).file
    var offset = 0
    file.forEachToken { token in
        offset += token.leadingTrivia.text.utf8.count
        let range = token.range
        let slice = String(decoding: bytes[range.start.offset..<range.end.offset], as: UTF8.self)
        #expect(range.start.offset == offset, "token \(token.text.debugDescription) starts at \(range.start.offset), expected \(offset)", sourceLocation: sourceLocation)
        #expect(slice == token.text, "range of \(token.text.debugDescription) holds \(slice.debugDescription)", sourceLocation: sourceLocation)
        #expect(range.start.line == lines[range.start.offset] && range.start.column == columns[range.start.offset],
                "position of \(token.text.debugDescription): \(range.start) vs \(lines[range.start.offset]):\(columns[range.start.offset])",
                sourceLocation: sourceLocation)
        #expect(range.end.line == lines[range.end.offset] && range.end.column == columns[range.end.offset],
                sourceLocation: sourceLocation)
        offset += token.text.utf8.count + token.trailingTrivia.text.utf8.count
    }
    #expect(offset == bytes.count, sourceLocation: sourceLocation)
}

/// A small deterministic PRNG (SplitMix64) so fuzz runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
