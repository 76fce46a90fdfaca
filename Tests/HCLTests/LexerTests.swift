import Testing
@testable import HCL

@Suite("Lexer")
struct LexerTests {
    private func kinds(_ source: String) -> [TokenKind] {
        HCLLexer.tokenize(source).tokens.map(\.kind)
    }

    private func texts(_ source: String) -> [String] {
        HCLLexer.tokenize(source).tokens.map(\.text)
    }

    @Test func identifiersNumbersAndOperators() {
        #expect(texts("for_each my-name café _x x1") == ["for_each", "my-name", "café", "_x", "x1", ""])
        #expect(kinds("1 1.5 1e3 1E+3 2.5e-10 007") == [.number, .number, .number, .number, .number, .number, .endOfFile])
        #expect(texts("1.5e-10 1e 1.") == ["1.5e-10", "1", "e", "1", ".", ""])
        #expect(kinds("+ - * / % ! && || == != < > <= >= = => ? : . ... , ( ) [ ] { }") == [
            .plus, .minus, .star, .slash, .percent, .bang, .and, .or, .equalEqual, .notEqual, .less, .greater,
            .lessEqual, .greaterEqual, .equals, .fatArrow, .question, .colon, .dot, .ellipsis, .comma,
            .openParen, .closeParen, .openBracket, .closeBracket, .openBrace, .closeBrace, .endOfFile,
        ])
        // `a-b` is one identifier; `a - b` is a subtraction.
        #expect(texts("a-b a - b") == ["a-b", "a", "-", "b", ""])
    }

    @Test func triviaAttachment() {
        let tokens = HCLLexer.tokenize("# head\na = 1 # tail\n\n  // next\n  b = 2 /* x */\n").tokens
        #expect(tokens[0].text == "a")
        #expect(tokens[0].leadingTrivia.text == "# head\n")
        #expect(tokens[0].leadingTrivia.pieces == [.hashComment("# head"), .newline("\n")])
        #expect(tokens[2].text == "1")
        #expect(tokens[2].trailingTrivia.text == " # tail")
        #expect(tokens[3].text == "b")
        #expect(tokens[3].leadingTrivia.pieces == [.newline("\n"), .newline("\n"), .whitespace("  "),
                                                   .slashComment("// next"), .newline("\n"), .whitespace("  ")])
        #expect(tokens[3].hasNewlineBefore)
        #expect(tokens[5].trailingTrivia.pieces == [.whitespace(" "), .blockComment("/* x */")])
        #expect(tokens[6].kind == .endOfFile)
        #expect(tokens[6].leadingTrivia.text == "\n")
        #expect(tokens[3].leadingTrivia.comments == ["// next"])
    }

    @Test func crlfAndInlineCommentsAreNotNewlines() {
        let tokens = HCLLexer.tokenize("a = 1 # c\r\nb = /* multi\nline */ 2\r\n").tokens
        #expect(tokens[2].trailingTrivia.text == " # c")
        #expect(tokens[3].leadingTrivia.pieces == [.newline("\r\n")])
        #expect(tokens[5].text == "2")
        #expect(!tokens[5].hasNewlineBefore, "a /* */ comment counts as whitespace even over several lines")
        #expect(tokens[4].trailingTrivia.text == " /* multi\nline */ ")
    }

    @Test func quotedTemplates() {
        #expect(kinds("\"a ${b} %{ if c }d%{ endif }\"") == [
            .openQuote, .templateLiteral, .interpolationStart, .identifier, .templateSequenceEnd, .templateLiteral,
            .directiveStart, .identifier, .identifier, .templateSequenceEnd, .templateLiteral,
            .directiveStart, .identifier, .templateSequenceEnd, .closeQuote, .endOfFile,
        ])
        #expect(texts("\"x ${~ y ~} z\"") == ["\"", "x ", "${~", "y", "~}", " z", "\"", ""])
        // Escaped sequence introducers stay literal text.
        #expect(kinds("\"$${a} %%{b} \\\" $ %\"") == [.openQuote, .templateLiteral, .closeQuote, .endOfFile])
        // Braces inside an interpolation are counted, so the object's `}` does not end it.
        #expect(kinds("\"${ {a = 1}.a }\"") == [
            .openQuote, .interpolationStart, .openBrace, .identifier, .equals, .number, .closeBrace, .dot,
            .identifier, .templateSequenceEnd, .closeQuote, .endOfFile,
        ])
        // Nested strings inside interpolations.
        #expect(kinds("\"${\"${x}\"}\"") == [
            .openQuote, .interpolationStart, .openQuote, .interpolationStart, .identifier, .templateSequenceEnd,
            .closeQuote, .templateSequenceEnd, .closeQuote, .endOfFile,
        ])
    }

    @Test func heredocs() {
        let tokens = HCLLexer.tokenize("a = <<-EOT\n  one ${x}\n  two\n  EOT\nb = 1\n").tokens
        #expect(tokens.map(\.kind) == [
            .identifier, .equals, .heredocStart, .templateLiteral, .interpolationStart, .identifier,
            .templateSequenceEnd, .templateLiteral, .templateLiteral, .heredocEnd, .identifier, .equals, .number,
            .endOfFile,
        ])
        #expect(tokens[2].text == "<<-EOT\n")
        #expect(tokens[3].text == "  one ")
        #expect(tokens[7].text == "\n")
        #expect(tokens[8].text == "  two\n")
        #expect(tokens[9].text == "  EOT")
        #expect(tokens[10].hasNewlineBefore)
        // The marker must be alone on its line: "EOT x" and "xEOT" do not end the heredoc.
        let inner = HCLLexer.tokenize("a = <<EOT\nEOT x\nxEOT\n EOT\n").tokens
        #expect(inner.map(\.kind) == [.identifier, .equals, .heredocStart, .templateLiteral, .templateLiteral,
                                      .heredocEnd, .endOfFile])
        // CRLF after the introducer and at the end marker.
        let crlf = HCLLexer.tokenize("a = <<EOT\r\nx\r\nEOT\r\n").tokens
        #expect(crlf.map(\.text) == ["a", "=", "<<EOT\r\n", "x\r\n", "EOT", ""])
    }

    @Test func problemsAreReportedWithPositions() {
        let unterminated = HCLLexer.tokenize("a = \"abc\nb = 1\n", fileName: "x.tf")
        #expect(unterminated.diagnostics.map(\.description) == [
            "x.tf:1:9: expected \"\\\"\" to end the string that starts at 1:5, found a newline (use a heredoc, <<EOT, for text over several lines)",
        ])
        #expect(unterminated.tokens.contains { $0.kind == .closeQuote && $0.isMissing })
        let escape = HCLLexer.tokenize("a = \"x\\qy \\u00 \\uD800\"")
        #expect(escape.diagnostics.map(\.code) == [.invalidEscape, .invalidEscape, .invalidEscape])
        #expect(escape.diagnostics.map(\.column) == [7, 11, 16])
        let heredoc = HCLLexer.tokenize("a = <<EOF\nx\n")
        #expect(heredoc.diagnostics.map(\.code) == [.unterminatedHeredoc])
        let comment = HCLLexer.tokenize("a = 1 /* x")
        #expect(comment.diagnostics.map(\.code) == [.unterminatedComment])
        let invalid = HCLLexer.tokenize("a = 1;\nb = @@\u{A0}")
        #expect(invalid.diagnostics.map(\.description) == [
            "<input>:1:6: invalid character: found \";\"",
            "<input>:2:5: invalid character: found \"@@\"",
            "<input>:2:7: invalid character: found the invisible character U+00A0 (a no-break space)",
        ])
        let utf8 = HCLLexer.tokenize([0x61, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0x22])
        #expect(utf8.diagnostics.map(\.code) == [.invalidUTF8])
        #expect(utf8.diagnostics.first?.column == 6)
    }

    @Test func aByteOrderMarkIsLeadingTrivia() {
        let tokens = HCLLexer.tokenize("\u{FEFF}a = 1").tokens
        #expect(tokens[0].text == "a")
        #expect(tokens[0].leadingTrivia.pieces == [.byteOrderMark])
        #expect(tokens[0].range.start.offset == 3)
    }

    @Test func everyByteIsInExactlyOneTokenOrTrivia() {
        let source = TerraformCorpus.modules + TerraformCorpus.comments
        let tokens = HCLLexer.tokenize(source).tokens
        #expect(tokens.map(\.fullText).joined() == source)
        #expect(tokens.last?.kind == .endOfFile)
        #expect(tokens.filter { $0.kind == .endOfFile }.count == 1)
    }
}
