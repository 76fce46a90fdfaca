import Testing
@testable import HCL

@Suite("Editing")
struct EditingTests {
    /// The lines of `after` that differ from `before` (same line count assumed by callers that check both).
    private func changedLines(_ before: String, _ after: String) -> [String] {
        let a = before.split(separator: "\n", omittingEmptySubsequences: false)
        let b = after.split(separator: "\n", omittingEmptySubsequences: false)
        var result: [String] = []
        var i = 0
        var j = 0
        // Lines only in `after`, assuming insertions and in-place changes (enough for these tests).
        while j < b.count {
            if i < a.count, a[i] == b[j] {
                i += 1
                j += 1
            } else if i < a.count, i + 1 < a.count, a[i + 1] == b[j] {
                result.append("-" + a[i])
                i += 1
            } else if i < a.count, j + 1 < b.count, a[i] == b[j + 1] {
                result.append("+" + b[j])
                j += 1
            } else {
                if i < a.count { result.append("-" + a[i]) }
                result.append("+" + b[j])
                i += 1
                j += 1
            }
        }
        while i < a.count {
            result.append("-" + a[i])
            i += 1
        }
        return result
    }

    @Test func replacingAnExpressionKeepsCommentsAndSpacing() throws {
        let source = """
        resource "aws_s3_bucket_public_access_block" "b" {
          bucket                  = aws_s3_bucket.b.id
          block_public_acls       = false # TODO tighten
          block_public_policy     = false
        }

        """
        var file = parseClean(source)
        let yes = try Expr(parsing: "true")
        file.body.updateBlocks(ofType: "resource", labels: ["aws_s3_bucket_public_access_block"]) { block in
            block.body.updateAttribute(named: "block_public_acls") { $0.replaceExpression(with: yes) }
            block.setAttribute("block_public_policy", to: yes)
        }
        let printed = HCLPrinter.print(file)
        #expect(changedLines(source, printed) == [
            "-  block_public_acls       = false # TODO tighten", "+  block_public_acls       = true # TODO tighten",
            "-  block_public_policy     = false", "+  block_public_policy     = true",
        ])
        #expect(HCLParser().parse(printed).diagnostics.isEmpty)
    }

    @Test func insertingAnAttributeUsesTheSiblingsIndentationAndAlignment() throws {
        let source = """
        resource "aws_kms_key" "k" {
          description             = "data"
          deletion_window_in_days = 30

          tags = {
            a = 1
          }
          lifecycle {
            prevent_destroy = true
          }
        }

        """
        var file = parseClean(source)
        let key = try #require(file.block(ofType: "resource"))
        file.body.updateBlock(startingAt: key.type.range.start) { block in
            block.setAttribute("enable_key_rotation", to: .literal(LiteralValueExpr(token: .make(.identifier, "true"))))
        }
        let printed = HCLPrinter.print(file)
        #expect(changedLines(source, printed) == ["+  enable_key_rotation = true"])
        #expect(printed.contains("  tags = {\n    a = 1\n  }\n  enable_key_rotation = true\n  lifecycle {"))

        // After an aligned group, the new `=` lines up.
        var aligned = parseClean("b {\n  name        = \"x\"\n  description = \"y\"\n}\n")
        let port = try Expr(parsing: "443")
        aligned.body.updateBlocks(ofType: "b") { $0.setAttribute("port", to: port) }
        #expect(HCLPrinter.print(aligned) == "b {\n  name        = \"x\"\n  description = \"y\"\n  port        = 443\n}\n")
    }

    @Test func insertingIntoEmptyAndSingleLineBlocks() throws {
        var file = parseClean("a {\n}\nb {}\nc { x = 1 }\n  d {\n  }\n")
        let two = try Expr(parsing: "2")
        for type in ["a", "b", "c", "d"] {
            file.body.updateBlocks(ofType: type) { $0.setAttribute("y", to: two) }
        }
        let printed = HCLPrinter.print(file)
        #expect(printed == "a {\n  y = 2\n}\nb {\n  y = 2\n}\nc {\n  x = 1\n  y = 2\n}\n  d {\n    y = 2\n  }\n")
        #expect(HCLParser().parse(printed).diagnostics.isEmpty)
    }

    @Test func insertingABlockFromSourceReindentsItAndKeepsCRLF() throws {
        let source = "resource \"aws_instance\" \"web\" {\r\n\tami = \"ami-1\"\r\n}\r\n"
        var file = parseClean(source)
        var failure: HCLDiagnostic?
        file.body.updateBlocks(ofType: "resource") { block in
            do {
                try block.insert(parsing: "metadata_options {\n  http_tokens = \"required\" # IMDSv2\n}")
            } catch {
                failure = error as? HCLDiagnostic ?? HCLDiagnostic(code: .unexpectedToken, message: "\(error)", fileName: "", range: .zero)
            }
        }
        #expect(failure == nil)
        let printed = HCLPrinter.print(file)
        #expect(printed == "resource \"aws_instance\" \"web\" {\r\n\tami = \"ami-1\"\r\n\tmetadata_options {\r\n\t  http_tokens = \"required\" # IMDSv2\r\n\t}\r\n}\r\n")
        let reparsed = HCLParser().parse(printed)
        #expect(reparsed.diagnostics.isEmpty)
        #expect(reparsed.file.block(ofType: "resource", labels: ["aws_instance", "web"])?.body.block(ofType: "metadata_options")?
            .attribute(named: "http_tokens")?.literalValue == .string("required"))
    }

    @Test func removingAnAttributeTakesItsCommentsWithIt() {
        var file = parseClean("b {\n  x = 1\n  # about y\n  y = 2 # inline\n  z = 3\n}\n")
        file.body.updateBlocks(ofType: "b") { #expect($0.body.removeAttribute(named: "y") != nil) }
        #expect(HCLPrinter.print(file) == "b {\n  x = 1\n  z = 3\n}\n")
    }

    @Test func appendingToAFile() throws {
        var file = parseClean("a = 1\n")
        try file.append(parsing: "resource \"x\" \"y\" {\n  z = 1\n}")
        #expect(HCLPrinter.print(file) == "a = 1\n\nresource \"x\" \"y\" {\n  z = 1\n}\n")

        var noNewline = parseClean("a = 1")
        try noNewline.append(parsing: "b = 2")
        #expect(HCLPrinter.print(noNewline) == "a = 1\n\nb = 2")

        var onlyComments = parseClean("# header\n")
        try onlyComments.append(parsing: "b = 2")
        #expect(HCLPrinter.print(onlyComments) == "# header\nb = 2\n")

        var crlf = parseClean("a = 1\r\n")
        try crlf.append(parsing: "b {\n  c = 1\n}")
        #expect(HCLPrinter.print(crlf) == "a = 1\r\n\r\nb {\r\n  c = 1\r\n}\r\n")

        #expect(throws: HCLDiagnostic.self) { try file.append(parsing: "broken {") }
    }

    @Test func editsDoNotTouchOtherCopies() throws {
        let original = parseClean("a = 1 # keep\n")
        var copy = original
        let two = try Expr(parsing: "2")
        copy.body.updateAttribute(named: "a") { $0.replaceExpression(with: two) }
        #expect(HCLPrinter.print(original) == "a = 1 # keep\n")
        #expect(HCLPrinter.print(copy) == "a = 2 # keep\n")
        var token = Token.make(.identifier, "x")
        let before = token
        token.trailingTrivia = " "
        #expect(before.trailingTrivia.isEmpty && token.trailingTrivia.text == " ")
        #expect(before != token)
    }

    @Test func newNodesPrintSensibly() {
        let attribute = Attribute(name: "sse_algorithm", expression: .template(.quoted("aws:kms")))
        #expect(HCLPrinter.print(attribute) == "sse_algorithm = \"aws:kms\"")
        let label = BlockLabel.quoted("a\"b")
        #expect(HCLPrinter.print(label) == " \"a\\\"b\"")
        #expect(label.value == "a\"b")
    }
}
