/// Substitution of policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${s3:prefix, 'default'}`) in
/// resource patterns and condition values, and the escapes `${*}`, `${?}` and `${$}` for a literal `*`, `?` and `$`.
///
/// Substituted text is literal: a user name containing `*` does not widen the pattern. A variable whose key is absent
/// (or has several values) and has no default makes the pattern unusable, and IAM then treats the element as not
/// matching; ``compile(_:context:caseInsensitive:)`` returns nil for that case.
public enum PolicyVariables {
    /// Whether `text` contains a `${...}` policy variable or escape.
    public static func containsVariables(_ text: String) -> Bool {
        text.contains("${")
    }

    /// The variable names (`aws:username`, ...) used in `text`, without escapes.
    public static func variableNames(in text: String) -> [String] {
        var names: [String] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i + 1 < scalars.count {
            if scalars[i] == "$", scalars[i + 1] == "{", let close = scalars[(i + 2)...].firstIndex(of: "}") {
                let (name, _) = splitDefault(String(String.UnicodeScalarView(scalars[(i + 2)..<close])))
                if !["*", "?", "$"].contains(name) { names.append(name) }
                i = close + 1
            } else {
                i += 1
            }
        }
        return names
    }

    /// Compiles `text` into a wildcard pattern, substituting variables from `context`.
    public static func compile(_ text: String, context: RequestContext, caseInsensitive: Bool = false) -> WildcardPattern? {
        let scalars = Array(text.unicodeScalars)
        var tokens: [UInt32] = []
        tokens.reserveCapacity(scalars.count)
        func appendLiteral(_ s: String) {
            let source = caseInsensitive ? s.lowercased() : s
            for u in source.unicodeScalars { tokens.append(u.value) }
        }
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "$", i + 1 < scalars.count, scalars[i + 1] == "{",
               let close = scalars[(i + 2)...].firstIndex(of: "}") {
                let inner = String(String.UnicodeScalarView(scalars[(i + 2)..<close]))
                let (name, fallback) = splitDefault(inner)
                switch name {
                case "*": tokens.append(UInt32(UInt8(ascii: "*")))
                case "?": tokens.append(UInt32(UInt8(ascii: "?")))
                case "$": tokens.append(UInt32(UInt8(ascii: "$")))
                default:
                    if let value = context.single(name) {
                        appendLiteral(value)
                    } else if let fallback {
                        appendLiteral(fallback)
                    } else {
                        return nil
                    }
                }
                i = close + 1
                continue
            }
            switch c {
            case "*": tokens.append(WildcardPattern.anySequence)
            case "?": tokens.append(WildcardPattern.anyOne)
            default: appendLiteral(String(c))
            }
            i += 1
        }
        return WildcardPattern(tokens: tokens, caseInsensitive: caseInsensitive)
    }

    /// Substitutes variables and returns plain text (for exact comparisons); nil when a variable cannot be resolved.
    public static func substitute(_ text: String, context: RequestContext) -> String? {
        guard text.contains("${") else { return text }
        guard let pattern = compile(text, context: context) else { return nil }
        var out = String.UnicodeScalarView()
        for t in pattern.tokens {
            if t == WildcardPattern.anySequence { out.append("*") } else if t == WildcardPattern.anyOne {
                out.append("?")
            } else if let u = Unicode.Scalar(t) {
                out.append(u)
            }
        }
        return String(out)
    }

    /// Splits `aws:username, 'default'` into the key and the default value.
    static func splitDefault(_ inner: String) -> (String, String?) {
        guard let comma = inner.firstIndex(of: ",") else {
            return (inner.trimmingSpaces(), nil)
        }
        let name = String(inner[..<comma]).trimmingSpaces()
        var rest = String(inner[inner.index(after: comma)...]).trimmingSpaces()
        if rest.count >= 2, rest.hasPrefix("'"), rest.hasSuffix("'") {
            rest = String(rest.dropFirst().dropLast())
        }
        return (name, rest)
    }
}

extension String {
    /// Without leading and trailing spaces (no Foundation needed).
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " { s.removeFirst() }
        while let l = s.last, l == " " { s.removeLast() }
        return String(s)
    }
}
