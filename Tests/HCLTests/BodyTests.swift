import Testing
@testable import HCL

@Suite("Bodies and queries")
struct BodyTests {
    @Test func blocksAndAttributes() throws {
        let file = parseClean("""
        terraform {
          required_version = ">= 1.5"
        }
        resource "aws_s3_bucket" "a" {
          bucket = "a"
          versioning {
            enabled = true
            deeper {
              deepest { x = 1 }
            }
          }
        }
        resource aws_s3_bucket b {
          bucket = "b"
        }
        resource "aws_instance" "web" {}
        empty {}
        """)
        #expect(file.body.blocks.map(\.typeName) == ["terraform", "resource", "resource", "resource", "empty"])
        #expect(file.blocks(ofType: "resource").map(\.labelValues) ==
                [["aws_s3_bucket", "a"], ["aws_s3_bucket", "b"], ["aws_instance", "web"]])
        #expect(file.blocks(ofType: "resource", labels: ["aws_s3_bucket"]).count == 2)
        #expect(file.block(ofType: "resource", labels: ["aws_s3_bucket", "b"])?.attribute(named: "bucket")?
            .literalValue == .string("b"))
        #expect(file.block(ofType: "resource", labels: ["aws_s3_bucket"])?.labelValues == ["aws_s3_bucket", "a"])
        #expect(file.block(ofType: "resource")?.labelValues == ["aws_s3_bucket", "a"])
        #expect(file.block(ofType: "resource", labels: ["aws_s3_bucket", "c"]) == nil)
        let a = try #require(file.block(ofType: "resource", labels: ["aws_s3_bucket", "a"]))
        #expect(a.body.blocks(ofType: "versioning").first?.attribute(named: "enabled")?.literalValue == .bool(true))
        #expect(a.body.descendantBlocks().map(\.typeName) == ["versioning", "deeper", "deepest"])
        #expect(a.body.descendantBlocks { $0.typeName == "deepest" }.first?.isSingleLine == true)
        #expect(a.isSingleLine == false)
        #expect(a.headerRange.description == "4:1-4:31")
        #expect(a.range.start.line == 4 && a.range.end.line == 12)
        #expect(file.body.contains("terraform") && !file.body.contains("provider"))
        #expect(file.block(ofType: "empty")?.body.items.isEmpty == true)
    }

    @Test func attributeQueries() throws {
        let file = parseClean("""
        locals {
          name    = "x-${var.env}"
          port    = 443
          enabled = true
          cidrs   = ["10.0.0.0/8", "192.168.0.0/16"]
          tags    = { Team = "data", "cost-center" = 42 }
          nothing = null
        }
        """)
        let locals = try #require(file.block(ofType: "locals"))
        #expect(locals.body.attributes.map(\.nameText) == ["name", "port", "enabled", "cidrs", "tags", "nothing"])
        #expect(locals.attribute(named: "name")?.literalValue == nil)
        #expect(locals.attribute(named: "name")?.expression.references.map(\.description) == ["var.env"])
        #expect(locals.attribute(named: "port")?.literalValue?.numberValue?.intValue == 443)
        #expect(locals.attribute(named: "enabled")?.literalValue?.boolValue == true)
        #expect(locals.attribute(named: "cidrs")?.literalValue?.tupleValue?.compactMap(\.stringValue) ==
                ["10.0.0.0/8", "192.168.0.0/16"])
        #expect(locals.attribute(named: "tags")?.literalValue?.objectValue?["cost-center"] == .number(42))
        #expect(locals.attribute(named: "nothing")?.literalValue?.isNull == true)
        #expect(locals.body.expression(of: "port")?.stringLiteral == nil)
        let name = try #require(locals.attribute(named: "name"))
        #expect(name.range.description == "2:3-2:27")
        #expect(name.expression.range.description == "2:13-2:27")
        #expect(name.name.range.start.line == 2)
    }

    @Test func commentsAboveABlockAreItsLeadingTrivia() throws {
        let file = parseClean("""
        # cloudloom:skip=CL_S3_001 logs bucket is public by design
        resource "aws_s3_bucket" "logs" { # inline note
          acl = "public-read" # cloudloom:skip=CL_S3_002 static site
        }
        """)
        let block = try #require(file.blocks(ofType: "resource").first)
        #expect(block.leadingTrivia.comments == ["# cloudloom:skip=CL_S3_001 logs bucket is public by design"])
        #expect(block.openBrace.trailingTrivia.comments == ["# inline note"])
        #expect(block.attribute(named: "acl")?.trailingTrivia.comments == ["# cloudloom:skip=CL_S3_002 static site"])
    }

    @Test func corpusQueries() throws {
        let s3 = parseClean(TerraformCorpus.s3)
        #expect(s3.blocks(ofType: "resource").count == 10)
        let logsPolicy = try #require(s3.block(ofType: "resource", labels: ["aws_s3_bucket_policy", "logs"]))
        guard case .template(let heredoc) = try #require(logsPolicy.attribute(named: "policy")).expression else {
            Issue.record("the policy should be a heredoc")
            return
        }
        #expect(heredoc.isHeredoc && heredoc.heredocMarker == "POLICY")
        #expect(heredoc.literalString == nil)
        #expect(logsPolicy.attribute(named: "policy")?.expression.references.map(\.description) ==
                Array(repeating: "aws_s3_bucket.logs.arn", count: 3))
        let kms = try #require(s3.block(ofType: "resource", labels: ["aws_kms_key", "data"]))
        #expect(kms.attribute(named: "enable_key_rotation")?.literalValue == .bool(true))
        let encryption = try #require(s3.block(ofType: "resource",
                                               labels: ["aws_s3_bucket_server_side_encryption_configuration", "per_team"]))
        let sse = encryption.body.descendantBlocks { $0.typeName == "apply_server_side_encryption_by_default" }
        #expect(sse.first?.attribute(named: "sse_algorithm")?.literalValue == .string("aws:kms"))

        let network = parseClean(TerraformCorpus.network)
        let web = try #require(network.block(ofType: "resource", labels: ["aws_security_group", "web"]))
        let dynamics = web.body.blocks(ofType: "dynamic", labels: ["ingress"])
        #expect(dynamics.count == 2)
        #expect(dynamics.first?.body.block(ofType: "content")?.attribute(named: "protocol")?.literalValue == .string("tcp"))
        #expect(web.body.block(ofType: "egress")?.attribute(named: "cidr_blocks")?.literalValue ==
                .tuple([.string("0.0.0.0/0")]))

        let modules = parseClean(TerraformCorpus.modules)
        let environment = try #require(modules.block(ofType: "variable", labels: ["environment"]))
        #expect(environment.body.block(ofType: "validation")?.attribute(named: "error_message")?.literalValue ==
                .string("The environment must be one of dev, staging or prod."))
        let locals = try #require(modules.block(ofType: "locals"))
        #expect(locals.attribute(named: "motd")?.literalValue == nil, "it interpolates var.environment")
        #expect(locals.attribute(named: "escaped")?.literalValue ==
                .string("literal ${not_interpolated} and %{not_a_directive}"))
        #expect(locals.attribute(named: "unicode")?.literalValue == .string("café 😀"))
        guard case .template(let script) = try #require(locals.attribute(named: "script")).expression else {
            Issue.record("script should be a heredoc")
            return
        }
        #expect(script.segments.first == .literal("#!/bin/bash\nset -euo pipefail\n  echo \"indented more\"\necho \"environment: "))
        #expect(modules.block(ofType: "module", labels: ["vpc"])?.attribute(named: "source")?.literalValue ==
                .string("./modules/vpc"))

        let iam = parseClean(TerraformCorpus.iam)
        let admin = try #require(iam.block(ofType: "resource", labels: ["aws_iam_policy", "admin"]))
        let policy = try #require(admin.attribute(named: "policy")?.literalValue?.stringValue)
        #expect(policy.hasPrefix("{\n  \"Version\": \"2012-10-17\",\n"))
        #expect(policy.contains("\"Action\": \"*\""))
        let web2 = try #require(iam.block(ofType: "resource", labels: ["aws_instance", "web"]))
        #expect(web2.body.block(ofType: "metadata_options")?.attribute(named: "http_tokens")?.literalValue == .string("required"))
        let lambda = try #require(iam.block(ofType: "resource", labels: ["aws_lambda_function", "worker"]))
        let variables = lambda.body.block(ofType: "environment")?.attribute(named: "variables")
        guard case .object(let env) = variables?.expression else {
            Issue.record("variables should be an object")
            return
        }
        #expect(env.value(forKey: "API_TOKEN")?.literalValue == .string("tok_live_5f2b9c1e8d7a"))
    }

    @Test func duplicateArgumentsAreReported() {
        #expect(errors("a = 1\nb { a = 1 }\na = 2\n") ==
                ["3:1: the argument \"a\" is already set at 1:1; an argument can be set only once in a block"])
        #expect(errors("b {\n  x = 1\n}\nb {\n  x = 2\n}\n").isEmpty, "repeated blocks are fine")
    }
}
