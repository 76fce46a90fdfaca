import CloudTrail
import Foundation
import Testing
import Wire

// MARK: - Helpers

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

private func parse(_ s: String) throws(JSONSyntaxError) -> JSONNode { try JSONParser.parse(bytes(s)) }

/// Parses `input`, expecting a syntax error, and returns it.
private func syntaxError(_ input: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth,
                         sourceLocation: SourceLocation = #_sourceLocation) -> JSONSyntaxError? {
    do throws(JSONSyntaxError) {
        let node = try JSONParser.parse(input, maxDepth: maxDepth)
        Issue.record("expected a syntax error, but parsed \(node.value)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

private func syntaxError(_ input: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONSyntaxError? {
    syntaxError(bytes(input), sourceLocation: sourceLocation)
}

/// The source text of a node.
private func text(_ node: JSONNode?, in source: [UInt8]) -> String? {
    guard let node else { return nil }
    return String(decoding: source[node.range], as: UTF8.self)
}

// MARK: - Values

@Suite struct JSONParserValueTests {
    @Test func scalars() throws {
        #expect(try parse("true").value == JSONValue.bool(true))
        #expect(try parse("false").value == JSONValue.bool(false))
        #expect(try parse("null").value == JSONValue.null)
        #expect(try parse("\"hi\"").value == JSONValue.string("hi"))
        #expect(try parse("42").value == JSONValue.number("42"))
        #expect(try parse(" \t\r\n 7 \n").value == JSONValue.number("7"))
    }

    @Test func objectsKeepMemberOrderAndDuplicates() throws {
        let root = try parse(#"{"z": 1, "a": "x", "m": [true, null], "a": "second", "e": {}, "l": []}"#)
        guard case .object(let members) = root.value else {
            Issue.record("expected an object, got \(root.value)")
            return
        }
        #expect(members.map { $0.key } == ["z", "a", "m", "a", "e", "l"])
        #expect(root.value["a"] == JSONValue.string("x"), "the first of repeated members wins")
        #expect(root.value["z"] == JSONValue.number("1"))
        #expect(root.value["m"] == JSONValue.array([JSONNode(value: .bool(true), range: 0..<0),
                                                    JSONNode(value: .null, range: 0..<0)]))
        #expect(root.value["e"] == JSONValue.object([]))
        #expect(root.value["l"] == JSONValue.array([]))
        #expect(root.value["missing"] == nil)
        #expect(root.value["e"]?.isObject == true)
        #expect(root.value["l"]?.isObject == false)
        #expect(JSONValue.string("x")["a"] == nil)
    }

    @Test func nestedContainers() throws {
        let root = try parse(#"[[], [[{"a": [1, {"b": [null]}]}]], {"": ""}]"#)
        guard case .array(let items) = root.value else {
            Issue.record("expected an array")
            return
        }
        #expect(items.count == 3)
        #expect(items[0].value == JSONValue.array([]))
        #expect(items[2].value[""] == JSONValue.string(""))
        guard case .array(let inner) = items[1].value, case .array(let inner2) = inner.first?.value else {
            Issue.record("expected nested arrays")
            return
        }
        let b = inner2.first?.value["a"]?.elements.last?["b"]
        #expect(b?.elements == [JSONValue.null])
    }

    @Test func escapes() throws {
        let root = try parse(#""\"\\\/\b\f\n\r\t""#)
        #expect(root.value == JSONValue.string("\"\\/\u{08}\u{0C}\n\r\t"))
        #expect(try parse(#""\u0041\u00e9\u00E9\u20AC""#).value == JSONValue.string("Aéé€"))
        #expect(try parse(#""a\u0000b""#).value == JSONValue.string("a\u{0}b"))
        #expect(try parse(#""\u001f""#).value == JSONValue.string("\u{1F}"))
    }

    @Test func surrogatePairs() throws {
        #expect(try parse(#""\uD83D\uDE00""#).value == JSONValue.string("😀"))
        #expect(try parse(#""\ud83d\ude00""#).value == JSONValue.string("😀"))
        #expect(try parse(#""x\uD834\uDD1Ey""#).value == JSONValue.string("x𝄞y"))
        // The same characters written as raw UTF-8.
        #expect(try parse("\"😀 𝄞 é\"").value == JSONValue.string("😀 𝄞 é"))
    }

    @Test(arguments: [
        #""\uD83D""#, // high surrogate at the end
        #""\uD83Dx""#, // high surrogate followed by text
        #""\uD83D\u0041""#, // high surrogate followed by a non-surrogate escape
        #""\uD83D\uD83D""#, // two high surrogates
        #""\uDE00""#, // lone low surrogate
        #""\uDE00\uD83D""#, // pair in the wrong order
    ])
    func unpairedSurrogatesAreRejected(_ input: String) {
        #expect(syntaxError(input) != nil)
    }

    @Test(arguments: [#""\x""#, #""\a""#, #""\U0041""#, #""\u12""#, #""\u12G4""#, #""\u""#, #""\"#, #""abc\""#,
                      #""\'""#, #""\0""#])
    func invalidEscapesAreRejected(_ input: String) {
        #expect(syntaxError(input) != nil)
    }

    @Test func numbersKeepTheirSourceText() throws {
        let source = "[0, -0, 1.50, -12.5e+10, 1E3, 2e-3, 123456789012345678901234567890, 0.000, 1e007]"
        let root = try parse(source)
        #expect(root.value.elements == ["0", "-0", "1.50", "-12.5e+10", "1E3", "2e-3", "123456789012345678901234567890",
                                        "0.000", "1e007"].map { JSONValue.number($0) })
        #expect(root.value.elements.map(\.scalarText) == ["0", "-0", "1.50", "-12.5e+10", "1E3", "2e-3",
                                                          "123456789012345678901234567890", "0.000", "1e007"])
    }

    @Test(arguments: ["01", "-", "1.", "1e", "1e+", ".5", "+1", "1.e5", "-a", "0x10", "NaN", "Infinity", "-Infinity",
                      "[01]", "1..2", "--1", "1e5.5"])
    func invalidNumbersAreRejected(_ input: String) {
        #expect(syntaxError(input) != nil)
    }

    @Test(arguments: ["tru", "True", "nul", "NULL", "falsey", "t", "[true false]", "nulll"])
    func invalidLiteralsAreRejected(_ input: String) {
        #expect(syntaxError(input) != nil)
    }

    @Test(arguments: ["", "   ", "[", "{", "[1,]", #"{"a":1,}"#, "[,1]", #"{"a" 1}"#, "{a:1}", "{1:2}", #"{"a":}"#,
                      #"{,"a":1}"#, "]", "}", "[1 2]", #"{"a":1 "b":2}"#, "'a'", #"{"a":1]"#, "[1}"])
    func structuralErrorsAreRejected(_ input: String) {
        #expect(syntaxError(input) != nil)
    }

    @Test func helperAccessors() {
        #expect(JSONValue.string("true").bool == true)
        #expect(JSONValue.string("false").bool == false)
        #expect(JSONValue.string("yes").bool == nil)
        #expect(JSONValue.bool(true).bool == true)
        #expect(JSONValue.number("1").bool == nil)
        #expect(JSONValue.string("s").string == "s")
        #expect(JSONValue.number("1").string == nil)
        #expect(JSONValue.number("1.50").scalarText == "1.50")
        #expect(JSONValue.bool(false).scalarText == "false")
        #expect(JSONValue.null.scalarText == nil)
        #expect(JSONValue.array([]).scalarText == nil)
        #expect(JSONValue.null.elements.isEmpty)
        #expect(JSONValue.string("one").elements == [JSONValue.string("one")])
    }
}

// MARK: - Byte ranges

@Suite struct JSONParserRangeTests {
    @Test func rangesOfNestedValuesAreExact() throws {
        let source = bytes(#"{"name": "café", "list": [1, {"k": "vü"}, [ ]], "t": true}"#)
        #expect(source.count == 60)
        let root = try JSONParser.parse(source)
        #expect(root.range == 0..<60)

        let name = try #require(root.value.node("name"))
        #expect(name.range == 9..<16)
        #expect(text(name, in: source) == "\"café\"")

        let list = try #require(root.value.node("list"))
        #expect(list.range == 26..<48)
        #expect(text(list, in: source) == #"[1, {"k": "vü"}, [ ]]"#)
        guard case .array(let items) = list.value else {
            Issue.record("expected an array")
            return
        }
        #expect(items.map(\.range) == [27..<28, 30..<42, 44..<47])
        #expect(text(items[1], in: source) == #"{"k": "vü"}"#)
        #expect(items[1].value.node("k")?.range == 36..<41)
        #expect(text(items[1].value.node("k"), in: source) == "\"vü\"")
        #expect(text(items[2], in: source) == "[ ]")

        #expect(root.value.node("t")?.range == 55..<59)
        #expect(root.value.node("nope")?.range == nil)
    }

    @Test func surroundingWhitespaceIsOutsideTheRange() throws {
        let source = bytes("  \n\t{\"a\" :  [ 1 ,2 ]  }\r\n ")
        let root = try JSONParser.parse(source)
        #expect(text(root, in: source) == "{\"a\" :  [ 1 ,2 ]  }")
        #expect(text(root.value.node("a"), in: source) == "[ 1 ,2 ]")
    }

    @Test func stringRangesIncludeQuotesAndEscapes() throws {
        let source = bytes(#"["a\"b", "\u00e9"]"#)
        let root = try JSONParser.parse(source)
        guard case .array(let items) = root.value else {
            Issue.record("expected an array")
            return
        }
        #expect(text(items[0], in: source) == #""a\"b""#)
        #expect(items[0].value == JSONValue.string("a\"b"))
        #expect(text(items[1], in: source) == #""\u00e9""#)
        #expect(items[1].value == JSONValue.string("é"))
    }

    @Test func sequenceRanges() throws {
        let source = bytes("{\"a\":1}\n[2]\n  \"s\" 3\n")
        let docs = try JSONParser.parseSequence(source)
        #expect(docs.count == 4)
        #expect(docs.map { text($0, in: source) } == ["{\"a\":1}", "[2]", "\"s\"", "3"])
        #expect(try JSONParser.parseSequence(bytes("")).isEmpty)
        #expect(try JSONParser.parseSequence(bytes(" \n\t ")).isEmpty)
        #expect(try JSONParser.parseSequence(bytes("{}{}[]")).count == 3)
    }
}

// MARK: - Errors

@Suite struct JSONParserErrorTests {
    @Test func errorOnSecondLineHasLineAndColumn() throws {
        let e = try #require(syntaxError("{\"a\":1,\n \"b\": }"))
        #expect(e.line == 2)
        #expect(e.column == 7)
        #expect(e.offset == 14)
        #expect(e.description.contains("line 2"))
        #expect(e.description.contains("column 7"))
    }

    @Test func errorOnThirdLine() throws {
        let e = try #require(syntaxError("[1,\n2,\n]"))
        #expect(e.line == 3)
        #expect(e.column == 1)
        #expect(e.offset == 7)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        // "é" is two bytes but one column.
        let e = try #require(syntaxError("[\"é\", x]"))
        #expect(e.offset == 7)
        #expect(e.line == 1)
        #expect(e.column == 7)
    }

    @Test func unterminatedStringPointsAtItsOpeningQuote() throws {
        let e = try #require(syntaxError("{\"a\": \"abc"))
        #expect(e.offset == 6)
        #expect(e.column == 7)
        #expect(e.message.contains("unterminated"))
    }

    @Test func unexpectedEndOfInput() throws {
        let e = try #require(syntaxError("{\"a\": [1, 2"))
        #expect(e.offset == 11)
        #expect(e.line == 1)
    }

    @Test func trailingDataIsAnError() throws {
        let e = try #require(syntaxError("{\"a\":1} {\"b\":2}"))
        #expect(e.offset == 8)
        #expect(e.column == 9)
        #expect(e.message.contains("after the end"))
        #expect(syntaxError("[1] x") != nil)
        #expect(syntaxError("1 2") != nil)
        #expect(syntaxError("nullnull") != nil)
        // The same input is fine as a sequence.
        #expect(try JSONParser.parseSequence(bytes("{\"a\":1} {\"b\":2}")).count == 2)
    }

    @Test func deepNestingThrowsInsteadOfCrashing() throws {
        let arrays = syntaxError(String(repeating: "[", count: 10_000))
        #expect(arrays?.message.contains("nesting") == true)
        let closed = syntaxError(String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000))
        #expect(closed?.message.contains("nesting") == true)
        let objects = syntaxError(String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000))
        #expect(objects?.message.contains("nesting") == true)
        #expect(throws: JSONSyntaxError.self) {
            try JSONParser.parseSequence(bytes(String(repeating: "[", count: 10_000)))
        }
    }

    @Test func depthLimitIsExact() throws {
        let limit = JSONParser.defaultMaxDepth
        let ok = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try parse(ok) }
        let over = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(syntaxError(over) != nil)
        // Scalars count as a level too.
        #expect(throws: Never.self) { try JSONParser.parse(bytes("[[1]]"), maxDepth: 3) }
        #expect(syntaxError(bytes("[[1]]"), maxDepth: 2) != nil)
        #expect(syntaxError(bytes("1"), maxDepth: 0) != nil)
    }

    @Test(arguments: [
        [0x22, 0xFF, 0x22] as [UInt8], // 0xFF never appears in UTF-8
        [0x22, 0x80, 0x22], // lone continuation byte
        [0x22, 0xC3, 0x22], // truncated two-byte sequence
        [0x22, 0xC0, 0xAF, 0x22], // overlong encoding of "/"
        [0x22, 0xED, 0xA0, 0x80, 0x22], // UTF-8-encoded surrogate
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], // beyond U+10FFFF
        [0x22, 0x61, 0xE2, 0x82, 0x22], // truncated three-byte sequence
        [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], // invalid UTF-8 in a member name
    ])
    func invalidUTF8InStringsIsRejected(_ input: [UInt8]) {
        let e = syntaxError(input)
        #expect(e != nil)
        #expect(e?.message.contains("UTF-8") == true)
    }

    @Test func invalidBytesOutsideStringsAreRejected() {
        #expect(syntaxError([0xFF]) != nil)
        #expect(syntaxError([0xEF, 0xBB, 0xBF, 0x31]) != nil) // a byte-order mark is not JSON whitespace
        #expect(syntaxError([0x5B, 0x31, 0x00, 0x5D]) != nil)
    }

    @Test(arguments: [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1B, 0x1F] as [UInt8])
    func controlCharactersInStringsAreRejected(_ c: UInt8) {
        let e = syntaxError([0x22, 0x61, c, 0x62, 0x22])
        #expect(e != nil)
        #expect(e?.message.contains("control character") == true)
        #expect(e?.offset == 2)
    }

    @Test func deleteCharacterIsAllowedInStrings() throws {
        #expect(try JSONParser.parse([0x22, 0x7F, 0x22]).value == JSONValue.string("\u{7F}"))
    }
}

// MARK: - Fuzzing

/// SplitMix64: deterministic, so every run sees the same inputs.
struct JSONFuzzRNG: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct JSONParserFuzzTests {
    static let record = #"""
    {"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROA4EXAMPLEOPSROLE1:ci-deploy",
    "arn":"arn:aws:sts::123456789012:assumed-role/ops/ci-deploy","accountId":"123456789012",
    "sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::123456789012:role/ops"},
    "attributes":{"creationDate":"2025-03-04T10:02:11Z","mfaAuthenticated":"false"}}},
    "eventTime":"2025-03-04T10:11:42Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketAcl",
    "awsRegion":"us-east-1","sourceIPAddress":"203.0.113.45","userAgent":"[aws-cli/2.15.30 \"quoted\" caf\u00e9]",
    "requestParameters":{"bucketName":"demo-invoices","AccessControlPolicy":{"AccessControlList":{"Grant":[
    {"Grantee":{"xsi:type":"Group","URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"READ"}]}}},
    "responseElements":null,"additionalEventData":{"bytesTransferredIn":0,"ratio":-1.5e-3},
    "eventID":"3c0f6e9a-8d2b-4f1e-a7c5-1b9d2e4f6a80","readOnly":false,"managementEvent":true,"tags":["é",[],{}]}
    """#

    /// Every child's range lies inside its parent's and starts with the byte its kind requires.
    private static func rangesAreConsistent(_ node: JSONNode, within outer: Range<Int>, source: [UInt8]) -> Bool {
        guard node.range.lowerBound >= outer.lowerBound, node.range.upperBound <= outer.upperBound,
              !node.range.isEmpty else { return false }
        let first = source[node.range.lowerBound]
        let last = source[node.range.upperBound - 1]
        switch node.value {
        case .object(let members):
            guard first == UInt8(ascii: "{"), last == UInt8(ascii: "}") else { return false }
            return members.allSatisfy { rangesAreConsistent($0.node, within: node.range, source: source) }
        case .array(let items):
            guard first == UInt8(ascii: "["), last == UInt8(ascii: "]") else { return false }
            return items.allSatisfy { rangesAreConsistent($0, within: node.range, source: source) }
        case .string:
            return first == UInt8(ascii: "\"") && last == UInt8(ascii: "\"") && node.range.count >= 2
        case .number(let t):
            return Array(t.utf8) == Array(source[node.range])
        case .bool(let b):
            return String(decoding: source[node.range], as: UTF8.self) == (b ? "true" : "false")
        case .null:
            return String(decoding: source[node.range], as: UTF8.self) == "null"
        }
    }

    @Test func theSeedDocumentParses() throws {
        let source = bytes(Self.record)
        let root = try JSONParser.parse(source)
        #expect(root.value["eventName"] == JSONValue.string("PutBucketAcl"))
        #expect(root.value["userAgent"]?.string == "[aws-cli/2.15.30 \"quoted\" café]")
        #expect(Self.rangesAreConsistent(root, within: 0..<source.count, source: source))
    }

    @Test func mutationsEitherParseOrThrowASyntaxError() {
        let seed = bytes(Self.record)
        let interesting = Array("{}[],:\"\\0123456789-+.eEtfnu \n\t".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xED, 0xFF]
        var rng = JSONFuzzRNG(seed: 0xCAFE_F00D_2024)
        var parsed = 0
        var failed = 0
        for iteration in 0..<20_000 {
            var doc = seed
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                switch Int.random(in: 0..<6, using: &rng) {
                case 0 where !doc.isEmpty: // flip a bit
                    let i = Int.random(in: 0..<doc.count, using: &rng)
                    doc[i] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                case 1 where !doc.isEmpty: // replace a byte with a structural or otherwise interesting one
                    doc[Int.random(in: 0..<doc.count, using: &rng)] = interesting.randomElement(using: &rng)!
                case 2: // insert
                    doc.insert(interesting.randomElement(using: &rng)!, at: Int.random(in: 0...doc.count, using: &rng))
                case 3 where !doc.isEmpty: // delete a range
                    let start = Int.random(in: 0..<doc.count, using: &rng)
                    doc.removeSubrange(start..<min(doc.count, start + Int.random(in: 1...16, using: &rng)))
                case 4 where !doc.isEmpty: // truncate
                    doc.removeLast(Int.random(in: 1...doc.count, using: &rng))
                case 5 where doc.count > 1: // duplicate a chunk somewhere else
                    let start = Int.random(in: 0..<doc.count, using: &rng)
                    let chunk = Array(doc[start..<min(doc.count, start + Int.random(in: 1...32, using: &rng))])
                    doc.insert(contentsOf: chunk, at: Int.random(in: 0...doc.count, using: &rng))
                default:
                    break
                }
            }
            do throws(JSONSyntaxError) {
                let root = try JSONParser.parse(doc)
                parsed += 1
                #expect(Self.rangesAreConsistent(root, within: 0..<doc.count, source: doc))
            } catch {
                failed += 1
                #expect(error.offset >= 0 && error.offset <= doc.count, "\(error)")
                #expect(error.line >= 1 && error.column >= 1, "\(error)")
                #expect(!error.message.isEmpty)
            }
            if iteration % 4 == 0 {
                do throws(JSONSyntaxError) {
                    for node in try JSONParser.parseSequence(doc) {
                        #expect(node.range.upperBound <= doc.count)
                    }
                } catch {
                    #expect(error.offset <= doc.count, "\(error)")
                }
            }
        }
        #expect(parsed > 0)
        #expect(failed > 0)
        #expect(parsed + failed == 20_000)
    }
}
