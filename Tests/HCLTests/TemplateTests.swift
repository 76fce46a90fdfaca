import Testing
@testable import HCL

@Suite("Templates")
struct TemplateTests {
    private func template(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) -> TemplateExpr? {
        guard case .template(let t) = expression(source, sourceLocation: sourceLocation) else {
            Issue.record("not a template: \(source)", sourceLocation: sourceLocation)
            return nil
        }
        return t
    }

    /// The string of a template without interpolations.
    private func string(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        template(source, sourceLocation: sourceLocation)?.literalString
    }

    @Test func escapes() {
        #expect(string(#""a\nb\rc\td\"e\\f""#) == "a\nb\rc\td\"e\\f")
        #expect(string(#""caf\u00e9 \U0001F600""#) == "café 😀")
        #expect(string(#""$${x} %%{y} $x %z $$""#) == "${x} %{y} $x %z $$")
        #expect(string(#""""#) == "")
        #expect(string("\"${x}\"") == nil)
    }

    @Test func quotedTemplateStructure() {
        let t = template(#""Hello, %{ if var.name != "" }${var.name}%{ else }stranger%{ endif }!""#)
        #expect(t.map { $0.parts.map(sexpr) } == [
            "\"Hello, \"", "(if (!= (. var name) \"\") [${(. var name)}] [\"stranger\"])", "\"!\"",
        ])
        let loop = template(#""%{ for i, v in xs }${i}=${v};%{ endfor }""#)
        #expect(loop.map { $0.parts.map(sexpr) } == ["(for i v in xs [${i} \"=\" ${v} \";\"])"])
        #expect(describe(loop?.segments ?? []) == "(for i v xs [${i} \"=\" ${v} \";\"])")
    }

    /// Segments compared structurally (token positions differ between separately parsed expressions).
    private func describe(_ segments: [TemplateSegment]) -> String {
        segments.map { segment -> String in
            switch segment {
            case .literal(let s): return HCLValue.string(s).description
            case .interpolation(let e): return "${\(sexpr(e))}"
            case .conditional(let c, let t, let e): return "(if \(sexpr(c)) [\(describe(t))] [\(describe(e))])"
            case .loop(let k, let v, let c, let b): return "(for \(k ?? "_") \(v) \(sexpr(c)) [\(describe(b))])"
            }
        }.joined(separator: " ")
    }

    @Test func stripMarkers() {
        #expect(describe(template(#""hello ${~ "world" }""#)?.segments ?? []) == "\"hello\" ${\"world\"}")
        #expect(describe(template(#""%{ if true ~} hello %{~ endif }""#)?.segments ?? []) == "(if true [\"hello\"] [])")
        #expect(describe(template(#""${"hello" ~}${" world"}""#)?.segments ?? []) == "${\"hello\"} ${\" world\"}")
        #expect(describe(template(#""a ${~x~} b""#)?.segments ?? []) == "\"a\" ${x} \"b\"")
        #expect(describe(template(#""%{ if c } x %{~ else ~} y %{ endif }""#)?.segments ?? []) ==
                "(if c [\" x\"] [\"y \"])")
        #expect(describe(template("<<EOT\n%{ for h in hs ~}\nserver ${h}\n%{ endfor ~}\ndone\nEOT")?.segments ?? []) ==
                "(for _ h hs [\"server \" ${h} \"\\n\"]) \"done\\n\"")
    }

    @Test func heredocs() {
        #expect(string("<<EOT\nFoo\nBar\nBaz\nEOT") == "Foo\nBar\nBaz\n")
        #expect(string("<<EOT\n    Foo\n    Bar\n  EOT") == "    Foo\n    Bar\n")
        #expect(string("<<EOT\nEOT") == "")
        #expect(string("<<EOT\n  NOT EOT\nEOT") == "  NOT EOT\n")
        #expect(string("<<EOT\nraw \\n ${\"$\"}{x}\nEOT") == nil)
        #expect(string("<<EOT\nraw \\n $${x} %%{y}\nEOT") == "raw \\n ${x} %{y}\n", "heredocs only unescape $${ and %%{")
        #expect(template("<<-EOT\n  x\n  EOT")?.isIndentedHeredoc == true)
        #expect(template("<<-EOT\n  x\n  EOT")?.heredocMarker == "EOT")
        #expect(template("<<EOF\nx\nEOF")?.heredocMarker == "EOF")
    }

    /// The cases of the HCL specification's heredoc tests, written out here.
    @Test func indentedHeredocsRemoveTheCommonIndentation() {
        #expect(string("<<-EOT\nFoo\nBar\nBaz\nEOT") == "Foo\nBar\nBaz\n")
        #expect(string("<<-EOT\n    Foo\n    Bar\n    Baz\n  EOT") == "Foo\nBar\nBaz\n")
        #expect(string("<<-EOT\n    Foo\n      Bar\n    Baz\n  EOT") == "Foo\n  Bar\nBaz\n")
        #expect(string("<<-EOT\n    Foo\n  Bar\n    Baz\n  EOT") == "  Foo\nBar\n  Baz\n")
        #expect(string("<<-EOT\n\tFoo\n  Bar\n  Baz\n  EOT") == "Foo\n Bar\n Baz\n", "a tab counts as one character")
        #expect(string("<<-EOT\n    Foo\n\n    Bar\n\n    Baz\n  EOT") == "Foo\n\nBar\n\nBaz\n", "blank lines do not count")
        #expect(string("<<-EOT\n\u{2003}\u{2003}Foo\n    Bar\n    Baz\n  EOT") == "Foo\n  Bar\n  Baz\n",
                "Unicode spaces count as spaces")
        let interpolated = template("<<-EOT\n    Foo\n  ${bar}\n    Baz\n  EOT")
        #expect(describe(interpolated?.segments ?? []) == "\"  Foo\\n\" ${bar} \"\\n  Baz\\n\"")
        let startsWithInterpolation = template("<<-EOT\n${bar}\n    Baz\n  EOT")
        #expect(describe(startsWithInterpolation?.segments ?? []) == "${bar} \"\\n    Baz\\n\"",
                "a line starting with ${ has no indentation, so nothing is removed")
        #expect(string("<<-EOT\r\n    Foo\r\n    Bar\r\n    EOT\r\n") == "Foo\r\nBar\r\n")
    }

    @Test func blockLabelsAreDecoded() {
        let file = parseClean("a \"x\\ty\" \"\" z {\n}\n")
        #expect(file.body.blocks.first?.labelValues == ["x\ty", "", "z"])
        #expect(file.body.blocks.first?.labels.map(\.isQuoted) == [true, true, false])
    }

    @Test func escapingForQuotedStrings() {
        let value = "a\"b\\c\nd\te ${x} %{y} \u{1}"
        let escaped = TemplateExpr.escapeForQuotedString(value)
        #expect(escaped == #"a\"b\\c\nd\te $${x} %%{y} \u0001"#)
        #expect(string("\"\(escaped)\"") == value)
        #expect(TemplateExpr.quoted(value).literalString == value)
    }
}
