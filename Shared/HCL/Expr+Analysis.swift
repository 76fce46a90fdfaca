extension Expr {
    /// The value of an expression made only of literals: a string without interpolation (quoted or heredoc), a
    /// number (including a negated one), a bool, null, or a tuple/object of such values with static keys. Nil for
    /// anything that needs evaluation.
    public var literalValue: HCLValue? {
        switch self {
        case .literal(let l):
            return l.value
        case .template(let t):
            return t.literalString.map(HCLValue.string)
        case .parenthesized(let p):
            return p.expression.literalValue
        case .unary(let u):
            guard let operand = u.operand.literalValue else { return nil }
            switch (u.op, operand) {
            case (.negate, .number(let n)):
                return .number(HCLNumber(n.text.hasPrefix("-") ? String(n.text.dropFirst()) : "-" + n.text))
            case (.not, .bool(let b)):
                return .bool(!b)
            default:
                return nil
            }
        case .tuple(let t):
            var values: [HCLValue] = []
            for element in t.elements {
                guard let v = element.expression.literalValue else { return nil }
                values.append(v)
            }
            return .tuple(values)
        case .object(let o):
            var values: [String: HCLValue] = [:]
            for element in o.elements {
                guard let key = element.keyName, values[key] == nil, let v = element.value.literalValue else {
                    return nil
                }
                values[key] = v
            }
            return .object(values)
        default:
            return nil
        }
    }

    /// The string value if the expression is a string literal without interpolation.
    public var stringLiteral: String? { literalValue?.stringValue }

    /// The expression as a static traversal (`var.x`, `aws_s3_bucket.b.id`, `local.m["k"]`, `x.0`), or nil.
    public var traversal: Traversal? {
        switch self {
        case .variable(let v):
            return Traversal(root: v.nameText, range: v.range)
        case .getAttr(let g):
            guard var t = g.base.traversal else { return nil }
            t.steps.append(.attribute(g.nameText))
            t.range = t.range.union(g.name.range)
            return t
        case .index(let i):
            guard var t = i.base.traversal, let key = i.key.literalValue else { return nil }
            switch key {
            case .string, .number: break
            default: return nil
            }
            t.steps.append(.index(key))
            t.range = t.range.union(i.close?.range ?? i.key.range)
            return t
        default:
            return nil
        }
    }

    /// Every static reference the expression makes, in source order, each as long as it can be read statically
    /// (`aws_instance.web[*].id` gives `aws_instance.web`; `var.m[local.k]` gives `var.m` and `local.k`). The
    /// variables that `for` expressions and `%{ for }` directives declare are not references and are left out.
    public var references: [Traversal] {
        var result: [Traversal] = []
        collectReferences(into: &result, bound: [])
        return result
    }

    private func collectReferences(into result: inout [Traversal], bound: Set<String>) {
        switch self {
        case .variable, .getAttr, .index:
            if let t = traversal {
                if !bound.contains(t.root) { result.append(t) }
                return
            }
            switch self {
            case .getAttr(let g):
                g.base.collectReferences(into: &result, bound: bound)
            case .index(let i):
                i.base.collectReferences(into: &result, bound: bound)
                i.key.collectReferences(into: &result, bound: bound)
            default:
                break
            }
        case .literal, .splatItem:
            break
        case .template(let t):
            Self.collectReferences(in: t.parts, into: &result, bound: bound)
        case .functionCall(let f):
            for a in f.arguments { a.expression.collectReferences(into: &result, bound: bound) }
        case .tuple(let t):
            for e in t.elements { e.expression.collectReferences(into: &result, bound: bound) }
        case .object(let o):
            for e in o.elements {
                if e.keyName == nil { e.key.collectReferences(into: &result, bound: bound) }
                e.value.collectReferences(into: &result, bound: bound)
            }
        case .forExpr(let f):
            f.collection.collectReferences(into: &result, bound: bound)
            var inner = bound
            inner.insert(f.valueVariableName)
            if let k = f.keyVariableName { inner.insert(k) }
            f.keyExpression?.collectReferences(into: &result, bound: inner)
            f.valueExpression.collectReferences(into: &result, bound: inner)
            f.condition?.collectReferences(into: &result, bound: inner)
        case .parenthesized(let p):
            p.expression.collectReferences(into: &result, bound: bound)
        case .splat(let s):
            s.source.collectReferences(into: &result, bound: bound)
            s.each.collectReferences(into: &result, bound: bound)
        case .unary(let u):
            u.operand.collectReferences(into: &result, bound: bound)
        case .binary(let b):
            b.left.collectReferences(into: &result, bound: bound)
            b.right.collectReferences(into: &result, bound: bound)
        case .conditional(let c):
            c.condition.collectReferences(into: &result, bound: bound)
            c.trueResult.collectReferences(into: &result, bound: bound)
            c.falseResult.collectReferences(into: &result, bound: bound)
        }
    }

    private static func collectReferences(in parts: [TemplatePart], into result: inout [Traversal],
                                          bound: Set<String>) {
        for part in parts {
            switch part {
            case .literal:
                break
            case .interpolation(let i):
                i.expression.collectReferences(into: &result, bound: bound)
            case .ifDirective(let d):
                d.condition.collectReferences(into: &result, bound: bound)
                collectReferences(in: d.thenParts, into: &result, bound: bound)
                collectReferences(in: d.elseParts, into: &result, bound: bound)
            case .forDirective(let d):
                d.collection.collectReferences(into: &result, bound: bound)
                var inner = bound
                inner.insert(d.valueVariable.text)
                if let k = d.keyVariable { inner.insert(k.text) }
                collectReferences(in: d.bodyParts, into: &result, bound: inner)
            }
        }
    }
}
