import Foundation
import Testing
@testable import IAMPolicy

@Suite("Policy parser")
struct PolicyParserTests {
    /// Parses `json` expecting a failure and returns the error.
    private func parseError(_ json: String, maximumSize: Int = PolicyDocument.defaultMaximumSize,
                            sourceLocation: SourceLocation = #_sourceLocation) -> PolicyParseError? {
        do {
            _ = try PolicyDocument.parse(json, maximumSize: maximumSize)
            Issue.record("expected a parse error", sourceLocation: sourceLocation)
            return nil
        } catch let error as PolicyParseError {
            return error
        } catch {
            Issue.record("unexpected error type \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    @Test func parsesAFullIdentityPolicy() throws {
        let doc = try PolicyDocument.parse("""
        {
          "Version": "2012-10-17",
          "Id": "example",
          "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": "arn:aws:s3:::b/*",
             "Condition": {"NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": true},
                           "StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}}},
            {"Effect": "Deny", "NotAction": "iam:*", "NotResource": ["arn:aws:iam::*:role/x"]}
          ]
        }
        """)
        #expect(doc.version == "2012-10-17")
        #expect(doc.id == "example")
        #expect(doc.statements.count == 2)
        #expect(!doc.statementIsSingleObject)
        let s0 = doc.statements[0]
        #expect(s0.sid == "Read")
        #expect(s0.effect == .allow)
        #expect(s0.action == PatternList(isNegated: false, patterns: ["s3:GetObject", "s3:ListBucket"]))
        #expect(s0.resource?.patterns == ["arn:aws:s3:::b/*"])
        #expect(s0.resource?.wasSingleString == true)
        #expect(s0.conditions == [
            ConditionEntry(operatorName: "NumericLessThan", key: "s3:max-keys", values: ["10"]),
            ConditionEntry(operatorName: "Bool", key: "aws:SecureTransport", values: ["true"]),
            ConditionEntry(operatorName: "StringEquals", key: "aws:PrincipalTag/team", values: ["a", "b"]),
        ])
        let s1 = doc.statements[1]
        #expect(s1.index == 1)
        #expect(s1.action.isNegated)
        #expect(s1.resource?.isNegated == true)
    }

    @Test func parsesSingleStatementObjectAndPrincipals() throws {
        let doc = try PolicyDocument.parse("""
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow",
          "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"], "Service": "ec2.amazonaws.com",
                        "Federated": "cognito-identity.amazonaws.com", "CanonicalUser": "79a59df9"},
          "Action": "sts:AssumeRole"}}
        """)
        #expect(doc.statementIsSingleObject)
        let principal = try #require(doc.statements[0].principal)
        #expect(!principal.isNegated)
        #expect(principal.value == .entries([
            PrincipalEntry(type: .aws, value: "arn:aws:iam::111122223333:root"),
            PrincipalEntry(type: .aws, value: "444455556666"),
            PrincipalEntry(type: .service, value: "ec2.amazonaws.com"),
            PrincipalEntry(type: .federated, value: "cognito-identity.amazonaws.com"),
            PrincipalEntry(type: .canonicalUser, value: "79a59df9"),
        ]))
        #expect(doc.statements[0].resource == nil)
        let star = try PolicyDocument.parse(#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#)
        #expect(star.statements[0].principal?.isEveryone == true)
        #expect(star.version == nil)
    }

    @Test func effectErrorNamesThePath() {
        let error = parseError("""
        {"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
          {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
          {"Effect":"allow","Action":"s3:GetObject","Resource":"*"}]}
        """)
        #expect(error?.description == #"Statement[2].Effect: expected "Allow" or "Deny", found "allow""#)
        #expect(error?.code == .invalidValue)
    }

    @Test func actionMustBeStringOrArray() {
        let error = parseError(#"{"Statement":[{"Effect":"Allow","Action":42,"Resource":"*"}]}"#)
        #expect(error?.path == "Statement[0].Action")
        #expect(error?.message.hasPrefix("expected a string or an array of strings") == true)
        let element = parseError(#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject",true],"Resource":"*"}]}"#)
        #expect(element?.path == "Statement[0].Action[1]")
        #expect(element?.code == .wrongType)
    }

    @Test func structuralErrors() {
        #expect(parseError(#"{"Version":"2012-10-17"}"#)?.code == .missingElement)
        #expect(parseError(#"[1,2]"#)?.path == "$")
        #expect(parseError(#"{"Statement":"x"}"#)?.path == "Statement")
        #expect(parseError(#"{"Statement":[{"Action":"s3:*","Resource":"*"}]}"#)?.message.contains("Effect") == true)
        #expect(parseError(#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#)?.code == .missingElement)
        #expect(parseError(#"{"Statement":[{"Effect":"Allow","Action":"a:b","NotAction":"c:d"}]}"#)?.code == .missingElement)
        #expect(parseError(#"{"Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","NotResource":"*"}]}"#)?.path
            == "Statement[0]")
        let unknown = parseError(#"{"Statement":[{"effect":"Allow","Action":"a:b"}]}"#)
        #expect(unknown?.code == .unknownElement)
        #expect(unknown?.path == "Statement[0].effect")
        #expect(unknown?.message.contains("did you mean \"Effect\"") == true)
        let duplicate = parseError(#"{"Statement":[{"Effect":"Allow","Effect":"Deny","Action":"a:b"}]}"#)
        #expect(duplicate?.code == .duplicateKey)
        #expect(parseError(#"{"Statement":[{"Effect":"Allow","Action":"a:b","Principal":"arn:aws:iam::1:root"}]}"#)?.path
            == "Statement[0].Principal")
        #expect(parseError(#"{"Statement":[{"Effect":"Allow","Action":"a:b","Principal":{"Aws":"*"}}]}"#)?.code
            == .unknownElement)
        let condition = parseError(#"{"Statement":[{"Effect":"Allow","Action":"a:b","Condition":{"StringEquals":{"k":null}}}]}"#)
        #expect(condition?.path == "Statement[0].Condition.StringEquals.k")
        let conditionElement = parseError(#"{"Statement":[{"Effect":"Allow","Action":"a:b","Condition":{"StringEquals":{"k":["x",{}]}}}]}"#)
        #expect(conditionElement?.path == "Statement[0].Condition.StringEquals.k[1]")
        #expect(parseError(#"{"Statement":[{"Effect":"Allow","Action":"a:b","Condition":{"StringEquals":"x"}}]}"#)?.path
            == "Statement[0].Condition.StringEquals")
    }

    @Test func syntaxErrorsHaveLineAndColumn() {
        let error = parseError("{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",, }\n  ]\n}")
        #expect(error?.code == .invalidJSON)
        #expect(error?.message.contains("line 3") == true)
        #expect(parseError("")?.code == .invalidJSON)
        #expect(parseError(#"{"Statement": [] } extra"#)?.code == .invalidJSON)
        #expect(parseError(#"{"Statement": "\ud800"}"#)?.code == .invalidJSON)
        #expect(parseError(#"{"Statement": [01]}"#)?.code == .invalidJSON)
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(parseError(deep)?.message.contains("nested") == true)
    }

    @Test func invalidUTF8IsRejected() {
        var bytes = Array(#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Sid":"x"#.utf8)
        bytes.append(0xFF)
        bytes.append(contentsOf: Array(#""}]}"#.utf8))
        #expect(throws: PolicyParseError.self) { try PolicyDocument.parse(bytes: bytes) }
    }

    @Test func sizeLimitIsEnforced() {
        let big = #"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":""#
            + String(repeating: "a", count: 2_000) + #""}]}"#
        let error = parseError(big, maximumSize: 1_000)
        #expect(error?.code == .tooLarge)
        #expect(error?.message.contains("limit is 1000 bytes") == true)
        #expect((try? PolicyDocument.parse(big)) != nil)
    }

    @Test func unicodeEscapesDecode() throws {
        let doc = try PolicyDocument.parse(#"{"Statement":[{"Sid":"caf\u00e9 \ud83d\ude00","Effect":"Allow","Action":"a:b"}]}"#)
        #expect(doc.statements[0].sid == "café 😀")
    }

    @Test func conditionOperatorsParse() {
        #expect(ConditionOperator("StringEquals") == ConditionOperator(base: .stringEquals))
        #expect(ConditionOperator("ForAnyValue:StringLikeIfExists")
            == ConditionOperator(base: .stringLike, ifExists: true, setQualifier: .forAnyValue))
        #expect(ConditionOperator("forallvalues:arnnotlike")?.setQualifier == .forAllValues)
        #expect(ConditionOperator("NullIfExists") == nil)
        #expect(ConditionOperator("StringEqualz") == nil)
        #expect(ConditionOperator("Maybe:StringEquals") == nil)
        #expect(ConditionOperator("NumericGreaterThanEqualsIfExists")?.description == "NumericGreaterThanEqualsIfExists")
    }

    @Test func everyFixtureParses() throws {
        let names = try Fixtures.allNames()
        #expect(names.count >= 20)
        for name in names {
            do {
                _ = try Fixtures.document(name)
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
    }
}
