import Testing
@testable import HCL

@Suite("Round trip")
struct RoundTripTests {
    @Test(arguments: TerraformCorpus.files.map(\.name))
    func corpusFileParsesCleanlyAndPrintsIdentically(name: String) throws {
        let source = try #require(TerraformCorpus.files.first { $0.name == name }).source
        let result = HCLParser().parse(source, fileName: name)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(HCLPrinter.print(result.file) == source)
        #expect(HCLPrinter.bytes(result.file) == Array(source.utf8))
        #expect(result.file.description == source)
        // Nothing was skipped as unexpected.
        #expect(result.file.body.descendantBlocks().allSatisfy { block in
            block.body.items.allSatisfy { if case .unexpected = $0 { false } else { true } }
        })
    }

    @Test func corpusVariantsRoundTrip() {
        for (name, source) in TerraformCorpus.variants {
            let result = HCLParser().parse(source, fileName: name)
            #expect(result.diagnostics.isEmpty, "\(name): \(result.diagnostics.prefix(3))")
            #expect(HCLPrinter.print(result.file) == source, "\(name) did not print back identically")
        }
    }

    @Test func variantsParseToTheSameStructure() {
        for (name, source) in TerraformCorpus.files {
            let plain = HCLParser().parse(source).file
            let crlf = HCLParser().parse(source.replacingNewlines(with: "\r\n")).file
            let tabs = HCLParser().parse(source.indentedWithTabs).file
            #expect(plain.body.descendantBlocks().map(\.labelValues) == crlf.body.descendantBlocks().map(\.labelValues), "\(name)")
            #expect(plain.body.descendantBlocks().map(\.typeName) == tabs.body.descendantBlocks().map(\.typeName), "\(name)")
            let trimmed: (ConfigFile) -> [String] = { file in
                file.body.descendantBlocks().flatMap { $0.body.attributes.map { $0.expression.trimmedText } }
            }
            // Heredoc bodies keep their CRLFs, everything else is identical.
            #expect(trimmed(plain).filter { !$0.contains("\n") } == trimmed(crlf).filter { !$0.contains("\r\n") }, "\(name)")
        }
    }

    @Test func tokenPositionsMatchTheSource() {
        for (_, source) in TerraformCorpus.files {
            checkTokenPositions(source)
        }
        checkTokenPositions("a = \"caf\u{e9} \u{1F600} ${x}\"\r\n\tb = 1 # tab\r\nc = <<-EOT\r\n  x\r\n  EOT\r\n")
    }

    @Test func edgeCasesRoundTrip() {
        let sources = [
            "", "\n", "   ", "# only a comment", "// only a comment\n", "/* only */", "\r\n\r\n",
            "a = 1", "a = 1\n\n\n", "a = 1   \n", "a = 1\t\t# c\t\n", "\u{FEFF}a = 1\n",
            "a {}", "a { }\n", "a \"b\" {\n}\n", "a = <<EOT\nEOT", "a = <<EOT\nx\nEOT", "a = <<-EOT\n  x\n  EOT\n",
            "a = \"\"\n", "a = \"${\"${\"x\"}\"}\"\n", "a = [\n]\n", "a = {\n}\n", "a = {}\n", "a = f()\n",
            "a = \"$${x} %%{y} $ % $$ %%\"\n", "a = x[*]\n", "a = x.*\n",
        ]
        for source in sources {
            let result = HCLParser().parse(source)
            #expect(result.diagnostics.isEmpty, "\(source.debugDescription): \(result.diagnostics)")
            #expect(HCLPrinter.print(result.file) == source, "\(source.debugDescription)")
        }
    }

    @Test func invalidFilesStillPrintIdentically() {
        let sources = [
            "a = = 1\nb = 2\n", "resource \"x\" {\n  a = [1, 2\n  b = 3\n}\n", "}\n}\n", "a = \"unterminated\nb = 1\n",
            "a = <<EOF\nnever closed\n", "a = (1 + \n", "x { y = 1 z = 2 }\n", "a = 1 b = 2\n", "@@@ ;;; ~~~\n",
            "a = \"\\q \\u12\"\n", "a = \"%{ if x }\"\n", "/* open comment\n", "a.b = 1\n", "a = {\n b\n}\n",
        ]
        for source in sources {
            let result = HCLParser().parse(source)
            #expect(result.hasErrors, "\(source.debugDescription) should not parse cleanly")
            #expect(HCLPrinter.print(result.file) == source, "\(source.debugDescription)")
        }
    }

    @Test func largeGeneratedFileRoundTrips() {
        var source = ""
        for i in 0..<200 {
            source += TerraformCorpus.network.replacingOccurrences("\"main\"", with: "\"main\(i)\"")
        }
        let result = HCLParser().parse(source)
        #expect(result.diagnostics.isEmpty)
        #expect(HCLPrinter.print(result.file) == source)
        #expect(result.file.blocks(ofType: "resource", labels: ["aws_vpc"]).count == 200)
    }
}

extension String {
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
