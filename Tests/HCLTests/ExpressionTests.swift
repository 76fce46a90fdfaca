import Testing
@testable import HCL

@Suite("Expressions")
struct ExpressionTests {
    @Test func operatorPrecedence() {
        #expect(sexpr(expression("a || b && c")) == "(|| a (&& b c))")
        #expect(sexpr(expression("a && b == c")) == "(&& a (== b c))")
        #expect(sexpr(expression("a == b < c")) == "(== a (< b c))")
        #expect(sexpr(expression("a < b + c")) == "(< a (+ b c))")
        #expect(sexpr(expression("a + b * c")) == "(+ a (* b c))")
        #expect(sexpr(expression("a * b % c / d")) == "(/ (% (* a b) c) d)")
        #expect(sexpr(expression("a - b - c")) == "(- (- a b) c)")
        #expect(sexpr(expression("!a == b")) == "(== (! a) b)")
        #expect(sexpr(expression("-a.b * c")) == "(* (- (. a b)) c)")
        #expect(sexpr(expression("- - 1")) == "(- (- 1))")
        #expect(sexpr(expression("(a + b) * c")) == "(* (paren (+ a b)) c)")
        #expect(sexpr(expression("1 + 2 * 3 - 4 / 2 % 3 >= 1 != true || !false && x")) ==
                "(|| (!= (>= (- (+ 1 (* 2 3)) (% (/ 4 2) 3)) 1) true) (&& (! false) x))")
        #expect(sexpr(expression("a <= b >= c > d")) == "(> (>= (<= a b) c) d)")
    }

    @Test func conditionalsAreLowestAndNestToTheRight() {
        #expect(sexpr(expression("a || b ? c + 1 : d")) == "(? (|| a b) (+ c 1) d)")
        #expect(sexpr(expression("a ? b : c ? d : e")) == "(? a b (? c d e))")
        #expect(sexpr(expression("a ? b ? c : d : e")) == "(? a (? b c d) e)")
        #expect(sexpr(expression("(\n  a\n  ? b\n  : c\n)")) == "(paren (? a b c))")
    }

    @Test func literals() {
        #expect(sexpr(expression("true")) == "true")
        #expect(expression("null").literalValue == .null)
        #expect(expression("-1.5e3").literalValue == .number(HCLNumber("-1.5e3")))
        #expect(expression("42").literalValue?.numberValue?.intValue == 42)
        #expect(expression("1e3").literalValue?.numberValue?.intValue == 1000)
        #expect(expression("0.5").literalValue?.numberValue?.intValue == nil)
        #expect(expression("!true").literalValue == .bool(false))
        #expect(expression("(\"a\")").literalValue == .string("a"))
    }

    @Test func traversals() {
        #expect(sexpr(expression("a.b[0].c")) == "(. ([] (. a b) 0) c)")
        #expect(sexpr(expression("a[\"k\"][var.i]")) == "([] ([] a \"k\") (. var i))")
        #expect(sexpr(expression("a.0.b")) == "(. (.[] a 0) b)")
        #expect(expression("aws_s3_bucket.b.id").traversal?.description == "aws_s3_bucket.b.id")
        #expect(expression("var.list.0").traversal?.description == "var.list[0]")
        #expect(expression("local.m[\"k\"].x").traversal?.steps == [.attribute("m"), .index(.string("k")), .attribute("x")])
        #expect(expression("local.m[var.k]").traversal == nil)
        #expect(expression("aws_s3_bucket.b.id").traversal?.names == ["aws_s3_bucket", "b", "id"])
        let range = expression("aws_s3_bucket.b.id").traversal?.range
        #expect(range?.start.column == 5 && range?.end.column == 23)
    }

    @Test func splats() {
        #expect(sexpr(expression("a[*].b[0]")) == "([*] a ([] (. @ b) 0))")
        #expect(sexpr(expression("a.*.b[0]")) == "([] (.* a (. @ b)) 0)")
        #expect(sexpr(expression("a.*.b.c")) == "(.* a (. (. @ b) c))")
        #expect(sexpr(expression("a[*]")) == "([*] a @)")
        #expect(sexpr(expression("a[*].b[*].c")) == "([*] a ([*] (. @ b) (. @ c)))")
        #expect(sexpr(expression("values(x)[*].id")) == "([*] (call values x) (. @ id))")
        #expect(expression("aws_instance.web[*].id").references.map(\.description) == ["aws_instance.web"])
    }

    @Test func functionCalls() {
        #expect(sexpr(expression("f()")) == "(call f)")
        #expect(sexpr(expression("f(a, b,)")) == "(call f a b)")
        #expect(sexpr(expression("concat(a, b...)")) == "(call concat a b ...)")
        #expect(sexpr(expression("f(\n  a,\n  g(b)\n)")) == "(call f a (call g b))")
        #expect(sexpr(expression("provider::aws::arn_parse(x)")) == "(call provider::aws::arn_parse x)")
        // A space makes `::` two colons, which is not a call.
        #expect(!errors("x = provider :: aws(x)\n").isEmpty)
    }

    @Test func collections() {
        #expect(sexpr(expression("[1, \"a\", [true],]")) == "[1 \"a\" [true]]")
        #expect(sexpr(expression("[\n  1,\n  2\n]")) == "[1 2]")
        #expect(sexpr(expression("{ a = 1, \"b\": 2, (c) = 3 }")) == "{a=1 \"b\":2 (paren c)=3}")
        #expect(sexpr(expression("{\n  a = 1\n  b = 2,\n  c = 3\n}")) == "{a=1 b=2 c=3}")
        #expect(sexpr(expression("{ \"${p}-x\" = 1 }")) == "{(template ${p} \"-x\")=1}")
        let object = expression("{ a = 1, \"b c\" = [2, 3], d = { e = null } }")
        #expect(object.literalValue == .object(["a": .number(1), "b c": .tuple([.number(2), .number(3)]),
                                                "d": .object(["e": .null])]))
        #expect(expression("{ (k) = 1 }").literalValue == nil)
        #expect(expression("[1, x]").literalValue == nil)
        #expect(expression("{ a = 1, a = 2 }").literalValue == nil, "duplicate keys have no single value")
        guard case .object(let o) = expression("{ a = 1, b = x }") else { Issue.record("not an object"); return }
        #expect(o.value(forKey: "b").flatMap { sexpr($0) } == "x")
    }

    @Test func forExpressions() {
        #expect(sexpr(expression("[for v in x : v]")) == "(for v in x : v [])")
        #expect(sexpr(expression("[for k, v in x : v if v != null]")) == "(for k v in x : v if (!= v null) [])")
        #expect(sexpr(expression("{for k, v in x : k => v...}")) == "(for k v in x : k => v ... {})")
        #expect(sexpr(expression("{\n  for k, v in x :\n  k => upper(v)\n  if v != \"\"\n}")) ==
                "(for k v in x : k => (call upper v) if (!= v \"\") {})")
        #expect(sexpr(expression("[for x in [for y in z : y] : x]")) == "(for x in (for y in z : y []) : x [])")
        // Iteration variables are not references.
        #expect(expression("[for k, v in var.m : \"${k}=${v}\" if v != local.skip]").references.map(\.description)
                == ["var.m", "local.skip"])
        #expect(!errors("x = [for, a]\n").isEmpty, "`for` as a first tuple element is a syntax error")
        #expect(!errors("x = {for = 1}\n").isEmpty)
        #expect(sexpr(expression("[(for), a]")) == "[(paren for) a]")
    }

    @Test func newlinesEndExpressionsOnlyOutsideBrackets() {
        #expect(errors("a = 1\n+ 2\n") == ["2:1: expected an argument name or a block type, found \"+\""])
        #expect(errors("a = b\n.c\n") == ["2:1: expected an argument name or a block type, found \".\""])
        #expect(errors("a =\n1\n") == ["1:4: expected an expression after \"=\", found a newline"])
        #expect(errors("a = (1\n+ 2)\n").isEmpty)
        #expect(errors("a = [b\n.c]\n").isEmpty)
        #expect(errors("a = f(1,\n2)\n").isEmpty)
        #expect(errors("a = {\n  b = 1\n  + 2\n}\n").count == 1, "inside an object, a newline ends the element")
    }

    @Test func standaloneExpressions() throws {
        let parsed = try Expr(parsing: "merge(var.a,\n  { b = 1 })")
        #expect(sexpr(parsed) == "(call merge (. var a) {b=1})")
        #expect(throws: HCLDiagnostic.self) { try Expr(parsing: "1 +") }
        #expect(throws: HCLDiagnostic.self) { try Expr(parsing: "1 2") }
        let (value, diagnostics) = HCLParser().parseExpression("\"unterminated")
        #expect(value == nil)
        #expect(diagnostics.first?.code == .unterminatedString)
    }

    @Test func references() {
        let e = expression("\"${aws_s3_bucket.b.arn}/*\" == local.x ? f(var.y[0], data.z.w[*].id) : each.value")
        #expect(e.references.map(\.description) == ["aws_s3_bucket.b.arn", "local.x", "var.y[0]", "data.z.w", "each.value"])
        #expect(expression("{ a = var.b, (local.k) = 1 }").references.map(\.description) == ["var.b", "local.k"])
        #expect(expression("var.m[local.k]").references.map(\.description) == ["var.m", "local.k"])
    }

    @Test func rangesAndText() throws {
        let file = parseClean("resource \"x\" \"y\" {\n  count = var.n > 0 ? 1 : 0 # one or none\n}\n")
        let count = try #require(file.blocks(ofType: "resource").first?.attribute(named: "count"))
        #expect(count.expression.trimmedText == "var.n > 0 ? 1 : 0")
        #expect(count.expression.range.description == "2:11-2:28")
        #expect(count.range.description == "2:3-2:28")
        #expect(count.expression.trailingTrivia.text == " # one or none")
        // The space after `=` is the `=`'s trailing trivia.
        #expect(count.equals.trailingTrivia == .space)
        #expect(count.expression.fullText == "var.n > 0 ? 1 : 0 # one or none")
    }
}
