import Testing
@testable import HCL

@Suite("Syntax errors")
struct ErrorTests {
    @Test func messagesNameFileLineColumnAndWhatWasExpected() {
        let result = HCLParser().parse("resource \"aws_s3_bucket\" \"b\" = {\n}\n", fileName: "modules/s3/main.tf")
        #expect(result.diagnostics.map(\.description) ==
                ["modules/s3/main.tf:1:30: expected \"{\" after the block's labels, found \"=\""])
        #expect(result.diagnostics.first?.code == .unexpectedToken)
        #expect(result.diagnostics.first?.severity == .error)
    }

    @Test(arguments: [
        ("a = \n", "1:4: expected an expression after \"=\", found a newline"),
        ("a = 1 b = 2\n", "1:7: expected a newline after the argument \"a\", found \"b\""),
        ("a {} b {}\n", "1:6: expected a newline after the block \"a\", found \"b\""),
        ("a = [1, 2 3]\n", "1:11: expected \",\" or \"]\" after the tuple element (the \"[\" is at 1:5), found the number 3"),
        ("a = f(1 2)\n", "1:9: expected \",\" or \")\" after the argument in the call to f(), found the number 2"),
        ("a = {\n  x = 1\n  y\n}\n", "3:4: expected \"=\" or \":\" after the object key, found a newline"),
        ("a = { x = 1 y = 2 }\n", "1:13: expected a newline, \",\" or \"}\" after the object element, found \"y\""),
        ("a = x ? 1\n", "1:10: expected \":\" between the two results of the conditional expression, found a newline"),
        ("a = (1 + 2\n", "2:1: expected \")\" to close the \"(\" at 1:5, found the end of the file"),
        ("a = x.\n", "1:7: expected an attribute name, an index or \"*\" after \".\", found a newline"),
        ("a = x.0.1\n", "1:7: expected an attribute name or a whole-number index after \".\" (write [0][1] to index twice), found the number 0.1"),
        ("a = [for x y]\n", "1:12: expected \"in\" after the variables of the for expression, found \"y\""),
        ("a = {for k, v in x : k}\n", "1:23: expected \"=>\" between the key and the value of the object for expression, found \"}\""),
        ("a = [for v in x : v v]\n", "1:21: expected \"if\" or \"]\" to end the for expression that starts at 1:5, found \"v\""),
        ("b \"x\"\n{\n}\n", "1:6: expected \"{\" on the same line as the block's labels, found a newline"),
        ("b\n{\n}\n", "1:2: expected \"{\" on the same line as \"b\", found a newline"),
        ("b = \n1\n", "1:4: expected an expression after \"=\", found a newline"),
        ("b { c {} }\n", "1:5: a single-line block can contain only one argument (name = value), not the block \"c\"; put the blocks on lines of their own"),
        ("b { c = 1 d = 2 }\n", "1:11: expected \"}\" to end the single-line block \"b\", which can hold only one argument, found \"d\""),
        ("b \"${x}\" {\n}\n", "1:3: a block label must be a plain string, without \"${...}\" or \"%{...}\""),
        ("a = \"%{ if x }y\"\n", "1:16: expected \"%{ endif }\" for the \"%{ if }\" at 1:6, found \"\\\"\""),
        ("a = \"%{ endfor }\"\n", "1:9: found \"%{ endfor }\" without a matching \"%{ for ... }\""),
        ("a = \"%{ while x }\"\n", "1:9: expected \"if\", \"for\", \"else\", \"endif\" or \"endfor\" after \"%{\", found \"while\""),
        ("a = \"${x\"\n", "1:9: expected \"}\" to end the interpolation that starts at 1:6, found a string"),
        ("a = \"abc\n", "1:9: expected \"\\\"\" to end the string that starts at 1:5, found a newline (use a heredoc, <<EOT, for text over several lines)"),
        ("a = <<EOT\nabc\n", "3:1: expected a line holding only \"EOT\" to end the heredoc that starts at 1:5, found the end of the file"),
        ("a = <<EOT x\nEOT\n", "1:5: expected a newline right after the heredoc marker \"<<EOT\", found a space"),
        ("a = \"\\x\"\n", "1:6: invalid escape sequence: found \"x\" after \"\\\"; HCL knows \\n \\r \\t \\\" \\\\ \\uNNNN \\UNNNNNNNN"),
        ("a = 1 /* x\n", "1:7: expected \"*/\" to end the comment that starts at 1:7, found the end of the file"),
        ("b {\n  x = 1\n", "3:1: expected \"}\" to close the block \"b\" opened at 1:3, found the end of the file"),
        ("}\n", "1:1: expected an argument or a block, found \"}\" without a matching \"{\""),
        ("a.b = 1\n", "1:2: expected \"=\" or \"{\" after \"a\", found \".\""),
        ("a = provider::x\n", "1:16: expected \"(\" after the function name \"provider::x\", found a newline"),
        ("a = 1 & 2\n", "1:7: invalid character: found \"&\"; did you mean \"&&\"?"),
    ] as [(String, String)])
    func errorPosition(source: String, expected: String) {
        #expect(errors(source).first == expected, "\(source.debugDescription)")
    }

    @Test func recoveryReportsEveryBrokenItemAndKeepsTheGoodOnes() throws {
        let source = """
        resource "aws_s3_bucket" "a" {
          bucket = "a"
          acl = = "private"
          tags = {
            Name = "a"
          }
          versioning { enabled = }
          force_destroy = true
        }

        resource "aws_s3_bucket" "b" {
          bucket = [1, 2
        }

        variable "ok" {
          default = 1
        }
        """
        let result = HCLParser().parse(source, fileName: "main.tf")
        #expect(result.diagnostics.map(\.description) == [
            "main.tf:3:9: expected an expression after \"=\", found \"=\"",
            "main.tf:7:26: expected an expression after \"=\", found \"}\"",
            "main.tf:13:1: expected \",\" or \"]\" after the tuple element (the \"[\" is at 12:12), found \"}\"",
        ])
        #expect(HCLPrinter.print(result.file) == source)
        let a = try #require(result.file.block(ofType: "resource", labels: ["aws_s3_bucket", "a"]))
        #expect(a.body.attributes.map(\.nameText) == ["bucket", "tags", "force_destroy"])
        #expect(a.body.items.filter { if case .unexpected = $0 { true } else { false } }.count == 2)
        let b = try #require(result.file.block(ofType: "resource", labels: ["aws_s3_bucket", "b"]))
        #expect(!b.closeBrace.isMissing, "the unclosed bracket did not swallow the block's closing brace")
        #expect(result.file.block(ofType: "variable", labels: ["ok"])?.attribute(named: "default")?.literalValue == .number(1))
    }

    @Test func anUnclosedBlockKeepsItsContent() throws {
        let result = HCLParser().parse("a {\n  b = 1\n  c {\n    d = 2\n")
        #expect(result.diagnostics.map(\.code) == [.unclosedBlock, .unclosedBlock])
        let a = try #require(result.file.block(ofType: "a"))
        #expect(a.closeBrace.isMissing)
        #expect(a.body.block(ofType: "c")?.attribute(named: "d")?.literalValue == .number(2))
        #expect(HCLPrinter.print(result.file) == "a {\n  b = 1\n  c {\n    d = 2\n")
    }

    @Test func nestingDepthIsBounded() {
        let limit = HCLParser.Options().maximumDepth
        #expect(limit == 256)
        let sources = [
            "a = " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000) + "\n",
            "a = " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n",
            "a = " + String(repeating: "-", count: 10_000) + "1\n",
            "a = 1" + String(repeating: " + 1", count: 10_000) + "\n",
            "a = x" + String(repeating: ".y", count: 10_000) + "\n",
            "a = x" + String(repeating: "[0]", count: 10_000) + "\n",
            "a = " + String(repeating: "c ? 1 : ", count: 10_000) + "2\n",
            "a = " + String(repeating: "\"${", count: 5_000) + "1" + String(repeating: "}\"", count: 5_000) + "\n",
            "a = \"" + String(repeating: "%{ if x }", count: 5_000) + String(repeating: "%{ endif }", count: 5_000) + "\"\n",
            String(repeating: "b {\n", count: 5_000) + String(repeating: "}\n", count: 5_000),
        ]
        for source in sources {
            let result = HCLParser().parse(source)
            #expect(result.diagnostics.contains { $0.code == .nestingTooDeep }, "\(source.prefix(20))")
            #expect(HCLPrinter.print(result.file) == source)
        }
        // Just under the limit is fine; the deep tree is walked on a large stack, as an evaluator would.
        let deep = "a = " + String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200) + "\n"
        let ok = HCLParser().parse(deep)
        #expect(ok.diagnostics.isEmpty)
        LargeStackThread.run {
            #expect(HCLPrinter.print(ok.file) == deep)
            #expect(ok.file.body.attributes.first?.literalValue == .number(1))
        }
        // A lower limit is honoured.
        let shallow = HCLParser(options: .init(maximumDepth: 8)).parse("a = [[[[[[[[[1]]]]]]]]]\n")
        #expect(shallow.diagnostics.map(\.code) == [.nestingTooDeep])
    }

    @Test func diagnosticsAreCapped() {
        let source = String(repeating: "a = = 1\n", count: 5_000)
        let result = HCLParser(options: .init(maximumDiagnostics: 100)).parse(source)
        #expect(result.diagnostics.count == 101)
        #expect(result.diagnostics.last?.code == .tooManyDiagnostics)
        #expect(HCLPrinter.print(result.file) == source)
    }

    @Test func invalidUTF8IsAnError() {
        let bytes: [UInt8] = Array("a = \"".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)
        let result = HCLParser().parse(bytes: bytes, fileName: "bad.tf")
        #expect(result.diagnostics.first?.code == .invalidUTF8)
        #expect(result.diagnostics.first?.description == "bad.tf:1:6: the file is not valid UTF-8: found the byte 0xC3")
    }

    @Test func descriptionsStayShort() {
        let long = String(repeating: "x", count: 10_000)
        let result = HCLParser().parse("a = 1 \(long)\n")
        #expect(result.diagnostics.allSatisfy { $0.description.count < 200 })
    }
}
