import Foundation

extension PolicyDocument {
    /// Parses a policy from JSON text. Throws ``PolicyParseError`` with the JSON path of the first problem.
    public static func parse(_ text: String, maximumSize: Int = PolicyDocument.defaultMaximumSize) throws -> PolicyDocument {
        try parse(bytes: Array(text.utf8), maximumSize: maximumSize)
    }

    /// Parses a policy from UTF-8 JSON bytes. Throws ``PolicyParseError`` with the JSON path of the first problem.
    public static func parse(data: Data, maximumSize: Int = PolicyDocument.defaultMaximumSize) throws -> PolicyDocument {
        try parse(bytes: [UInt8](data), maximumSize: maximumSize)
    }

    /// Parses a policy from UTF-8 JSON bytes. Throws ``PolicyParseError`` with the JSON path of the first problem.
    public static func parse(bytes: [UInt8], maximumSize: Int = PolicyDocument.defaultMaximumSize) throws -> PolicyDocument {
        guard bytes.count <= maximumSize else {
            throw PolicyParseError(code: .tooLarge, path: "$",
                                   message: "the document is \(bytes.count) bytes; the limit is \(maximumSize) bytes "
                                       + "(AWS accepts at most 6,144 characters for a managed policy)")
        }
        guard isWellFormedUTF8(bytes) else {
            throw PolicyParseError(code: .invalidJSON, path: "$", message: "the document is not valid UTF-8")
        }
        let json = try PolicyJSONReader.read(bytes)
        return try PolicyDocumentDecoder.document(json)
    }
}

/// Whether the bytes are well-formed UTF-8 (no overlong forms, surrogates or truncated sequences).
func isWellFormedUTF8(_ bytes: [UInt8]) -> Bool {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue: continue
        case .emptyInput: return true
        case .error: return false
        }
    }
}

/// Turns the JSON tree into the policy model, checking types and element names as IAM does.
enum PolicyDocumentDecoder {
    static let topLevelKeys: Set<String> = ["Version", "Id", "Statement"]
    static let statementKeys: Set<String> = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                                             "Resource", "NotResource", "Condition"]

    static func document(_ json: PolicyJSON) throws -> PolicyDocument {
        guard case .object(let members) = json else {
            throw PolicyParseError(code: .wrongType, path: "$", message: "expected an object, found \(json.typeName)")
        }
        try checkKeys(members, allowed: topLevelKeys, path: nil)
        var version: String?
        var id: String?
        var statements: [PolicyStatement] = []
        var single = false
        var sawStatement = false
        for member in members {
            switch member.key {
            case "Version":
                version = try string(member.value, path: "Version")
            case "Id":
                id = try string(member.value, path: "Id")
            case "Statement":
                sawStatement = true
                switch member.value {
                case .object:
                    single = true
                    statements = [try statement(member.value, index: 0, path: "Statement")]
                case .array(let elements):
                    statements.reserveCapacity(elements.count)
                    for (i, element) in elements.enumerated() {
                        statements.append(try statement(element, index: i, path: "Statement[\(i)]"))
                    }
                default:
                    throw PolicyParseError(code: .wrongType, path: "Statement",
                                           message: "expected an object or an array of objects, found \(member.value.excerpt)")
                }
            default:
                break
            }
        }
        guard sawStatement else {
            throw PolicyParseError(code: .missingElement, path: "$", message: "the required element \"Statement\" is missing")
        }
        return PolicyDocument(version: version, id: id, statements: statements, statementIsSingleObject: single)
    }

    /// Rejects duplicate keys and element names IAM does not know, suggesting the right case for near misses.
    static func checkKeys(_ members: [PolicyJSON.Member], allowed: Set<String>, path: String?) throws {
        var seen = Set<String>()
        for member in members {
            let here = path.map { "\($0).\(member.key)" } ?? member.key
            guard seen.insert(member.key).inserted else {
                throw PolicyParseError(code: .duplicateKey, path: path ?? "$",
                                       message: "the key \"\(PolicyJSON.shorten(member.key))\" appears more than once")
            }
            if !allowed.contains(member.key) {
                let hint = allowed.first { $0.lowercased() == member.key.lowercased() }
                    .map { " (element names are case-sensitive: did you mean \"\($0)\"?)" } ?? ""
                throw PolicyParseError(code: .unknownElement, path: PolicyJSON.shorten(here),
                                       message: "unknown element; expected one of \(allowed.sorted().joined(separator: ", "))\(hint)")
            }
        }
    }

    static func string(_ json: PolicyJSON, path: String) throws -> String {
        guard case .string(let s) = json else {
            throw PolicyParseError(code: .wrongType, path: path, message: "expected a string, found \(json.excerpt)")
        }
        return s
    }

    /// A string or an array of strings.
    static func stringList(_ json: PolicyJSON, path: String) throws -> (values: [String], single: Bool) {
        switch json {
        case .string(let s):
            return ([s], true)
        case .array(let elements):
            var values: [String] = []
            values.reserveCapacity(elements.count)
            for (i, element) in elements.enumerated() {
                guard case .string(let s) = element else {
                    throw PolicyParseError(code: .wrongType, path: "\(path)[\(i)]",
                                           message: "expected a string, found \(element.excerpt)")
                }
                values.append(s)
            }
            return (values, false)
        default:
            throw PolicyParseError(code: .wrongType, path: path,
                                   message: "expected a string or an array of strings, found \(json.excerpt)")
        }
    }

    static func statement(_ json: PolicyJSON, index: Int, path: String) throws -> PolicyStatement {
        guard case .object(let members) = json else {
            throw PolicyParseError(code: .wrongType, path: path, message: "expected an object, found \(json.excerpt)")
        }
        try checkKeys(members, allowed: statementKeys, path: path)
        var byKey: [String: PolicyJSON] = [:]
        for member in members { byKey[member.key] = member.value }

        let sid = try byKey["Sid"].map { try string($0, path: "\(path).Sid") }

        guard let effectJSON = byKey["Effect"] else {
            throw PolicyParseError(code: .missingElement, path: path, message: "the required element \"Effect\" is missing")
        }
        guard case .string(let effectText) = effectJSON, let effect = Effect(rawValue: effectText) else {
            let isString = if case .string = effectJSON { true } else { false }
            throw PolicyParseError(code: isString ? .invalidValue : .wrongType,
                                   path: "\(path).Effect",
                                   message: "expected \"Allow\" or \"Deny\", found \(effectJSON.excerpt)")
        }

        guard let action = try patternList(byKey, positive: "Action", negative: "NotAction", path: path,
                                           required: true) else {
            throw PolicyParseError(code: .missingElement, path: path, message: "the statement needs \"Action\" or \"NotAction\"")
        }
        let resource = try patternList(byKey, positive: "Resource", negative: "NotResource", path: path, required: false)

        var principal: PrincipalClause?
        if byKey["Principal"] != nil && byKey["NotPrincipal"] != nil {
            throw PolicyParseError(code: .missingElement, path: path,
                                   message: "a statement may have \"Principal\" or \"NotPrincipal\", not both")
        }
        if let p = byKey["Principal"] {
            principal = PrincipalClause(isNegated: false, value: try principalValue(p, path: "\(path).Principal"))
        } else if let p = byKey["NotPrincipal"] {
            principal = PrincipalClause(isNegated: true, value: try principalValue(p, path: "\(path).NotPrincipal"))
        }

        var conditions: [ConditionEntry] = []
        if let c = byKey["Condition"] {
            conditions = try conditionBlock(c, path: "\(path).Condition")
        }
        return PolicyStatement(index: index, sid: sid, effect: effect, principal: principal, action: action,
                               resource: resource, conditions: conditions)
    }

    static func patternList(_ byKey: [String: PolicyJSON], positive: String, negative: String, path: String,
                            required: Bool) throws -> PatternList? {
        let p = byKey[positive]
        let n = byKey[negative]
        if p != nil && n != nil {
            throw PolicyParseError(code: .missingElement, path: path,
                                   message: "a statement may have \"\(positive)\" or \"\(negative)\", not both")
        }
        if let p {
            let list = try stringList(p, path: "\(path).\(positive)")
            return PatternList(isNegated: false, patterns: list.values, wasSingleString: list.single)
        }
        if let n {
            let list = try stringList(n, path: "\(path).\(negative)")
            return PatternList(isNegated: true, patterns: list.values, wasSingleString: list.single)
        }
        if required {
            throw PolicyParseError(code: .missingElement, path: path,
                                   message: "the statement needs \"\(positive)\" or \"\(negative)\"")
        }
        return nil
    }

    static func principalValue(_ json: PolicyJSON, path: String) throws -> PrincipalValue {
        switch json {
        case .string(let s):
            guard s == "*" else {
                throw PolicyParseError(code: .invalidValue, path: path,
                                       message: "expected \"*\" or an object such as {\"AWS\": \"arn:...\"}, found \(json.excerpt)")
            }
            return .everyone
        case .object(let members):
            try checkKeys(members, allowed: Set(PrincipalType.allCases.map(\.rawValue)), path: path)
            var entries: [PrincipalEntry] = []
            for member in members {
                guard let type = PrincipalType(rawValue: member.key) else { continue }
                let list = try stringList(member.value, path: "\(path).\(member.key)")
                for value in list.values { entries.append(PrincipalEntry(type: type, value: value)) }
            }
            return .entries(entries)
        default:
            throw PolicyParseError(code: .wrongType, path: path,
                                   message: "expected \"*\" or an object such as {\"AWS\": \"arn:...\"}, found \(json.excerpt)")
        }
    }

    static func conditionBlock(_ json: PolicyJSON, path: String) throws -> [ConditionEntry] {
        guard case .object(let operators) = json else {
            throw PolicyParseError(code: .wrongType, path: path,
                                   message: "expected an object of operators, found \(json.excerpt)")
        }
        var seenOperators = Set<String>()
        var entries: [ConditionEntry] = []
        for op in operators {
            let opPath = "\(path).\(PolicyJSON.shorten(op.key))"
            guard seenOperators.insert(op.key).inserted else {
                throw PolicyParseError(code: .duplicateKey, path: path,
                                       message: "the operator \"\(PolicyJSON.shorten(op.key))\" appears more than once")
            }
            guard case .object(let keys) = op.value else {
                throw PolicyParseError(code: .wrongType, path: opPath,
                                       message: "expected an object of condition keys, found \(op.value.excerpt)")
            }
            var seenKeys = Set<String>()
            for key in keys {
                let keyPath = "\(opPath).\(PolicyJSON.shorten(key.key))"
                guard seenKeys.insert(key.key).inserted else {
                    throw PolicyParseError(code: .duplicateKey, path: opPath,
                                           message: "the condition key \"\(PolicyJSON.shorten(key.key))\" appears more than once")
                }
                var values: [String] = []
                switch key.value {
                case .array(let elements):
                    for (i, element) in elements.enumerated() {
                        values.append(try conditionValue(element, path: "\(keyPath)[\(i)]"))
                    }
                default:
                    values.append(try conditionValue(key.value, path: keyPath))
                }
                entries.append(ConditionEntry(operatorName: op.key, key: key.key, values: values))
            }
        }
        return entries
    }

    /// Condition values may be strings, numbers or booleans in JSON; IAM compares them as text.
    static func conditionValue(_ json: PolicyJSON, path: String) throws -> String {
        switch json {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default:
            throw PolicyParseError(code: .wrongType, path: path,
                                   message: "expected a string, number or boolean (or an array of them), found \(json.excerpt)")
        }
    }
}
