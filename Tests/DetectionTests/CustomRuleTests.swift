import CloudTrail
import Detection
import Foundation
import Testing
import Wire

@Suite("Custom rules")
struct CustomRuleTests {
    static let valid = #"""
        {"id":"CUSTOM-prod-deletes","title":"Bucket deleted from outside the office","severity":"high",
         "description":"A bucket was deleted from an address outside our network.","remediation":"Ask the actor.",
         "match":{"all":[{"field":"eventSource","equals":"s3.amazonaws.com"},
                         {"field":"eventName","in":["DeleteBucket","DeleteBucketPolicy"]},
                         {"not":{"field":"sourceIPAddress","cidr":"10.0.0.0/8"}},
                         {"any":[{"field":"requestParameters.bucketName","glob":"prod-*"},{"field":"userIdentity.type","equals":"Root"}]}]}}
        """#

    func parse(_ text: String) throws -> CustomRuleDefinition { try CustomRuleDefinition.parse(Array(text.utf8)) }

    @Test("a valid rule parses, pins its triggers and matches only what it says")
    func matching() throws {
        let rule = CustomEventRule(try parse(Self.valid))
        #expect(Set(rule.triggers) == [EventKey("s3.amazonaws.com", "DeleteBucket"), EventKey("s3.amazonaws.com", "DeleteBucketPolicy")])
        let engine = RuleEngine(rules: [rule], statefulRules: [])
        func fires(_ json: String) throws -> Bool { !engine.evaluate(try ctEvent(json)).isEmpty }
        #expect(try fires(ctRecord("s3.amazonaws.com", "DeleteBucket", params: #"{"bucketName":"prod-logs"}"#)))
        #expect(try !fires(ctRecord("s3.amazonaws.com", "DeleteBucket", params: #"{"bucketName":"dev-logs"}"#)))
        #expect(try fires(ctRecord("s3.amazonaws.com", "DeleteBucket", params: #"{"bucketName":"dev-logs"}"#, identity: rootIdentity)))
        #expect(try !fires(ctRecord("s3.amazonaws.com", "PutBucketAcl", params: #"{"bucketName":"prod-logs"}"#)))
        // 198.51.100.20 (the fixture's address) is outside 10/8; an inside address does not fire.
        let inside = ctRecord("s3.amazonaws.com", "DeleteBucket", params: #"{"bucketName":"prod-logs"}"#)
            .replacingOccurrences(of: "198.51.100.20", with: "10.1.2.3")
        #expect(try !fires(inside))
    }

    @Test("range, exists and responseElements matchers")
    func otherMatchers() throws {
        let rule = CustomEventRule(try parse(#"""
            {"id":"CUSTOM-long-keys","title":"t","severity":"low","description":"d",
             "match":{"all":[{"field":"requestParameters.pendingWindowInDays","range":{"max":7}},
                             {"field":"errorCode","exists":false},
                             {"field":"responseElements.keyState","equals":"PendingDeletion"}]}}
            """#))
        #expect(rule.triggers == [anyEvent])
        let yes = try ctEvent(ctRecord("kms.amazonaws.com", "ScheduleKeyDeletion", params: #"{"keyId":"k","pendingWindowInDays":7}"#,
                                       response: #"{"keyState":"PendingDeletion"}"#))
        let no = try ctEvent(ctRecord("kms.amazonaws.com", "ScheduleKeyDeletion", params: #"{"keyId":"k","pendingWindowInDays":30}"#,
                                      response: #"{"keyState":"PendingDeletion"}"#))
        #expect(rule.evaluate(yes, request: try JSONParser.parse(Array(yes.requestParametersJson.utf8)).value) != nil)
        #expect(rule.evaluate(no, request: try JSONParser.parse(Array(no.requestParametersJson.utf8)).value) == nil)
    }

    @Test("validation errors point at the offending field", arguments: [
        (#"{"id":"x","title":"t","severity":"high","description":"d","match":{"field":"eventName","equals":"A"}}"#, "id"),
        (#"{"id":"CUSTOM-a","title":"t","severity":"severe","description":"d","match":{"field":"eventName","equals":"A"}}"#, "severity"),
        (#"{"id":"CUSTOM-a","title":"t","severity":"high","description":"d"}"#, "match"),
        (#"{"id":"CUSTOM-a","title":"t","severity":"high","description":"d","match":{"all":[{"field":"eventName","equals":"A"},{"field":"sourceIPAddress","cidr":"10.0.0.0/33"}]}}"#, "match.all[1].cidr"),
        (#"{"id":"CUSTOM-a","title":"t","severity":"high","description":"d","match":{"field":"nope","equals":"A"}}"#, "match.field"),
        (#"{"id":"CUSTOM-a","title":"t","severity":"high","description":"d","match":{"field":"eventName","regex":"A"}}"#, "match.regex"),
        (#"{"id":"CUSTOM-a","title":"t","severity":"high","description":"d","match":{"any":[]}}"#, "match.any"),
        (#"{"id":"CUSTOM-a","title":"t","severity":"high","description":"d","match":{"field":"eventName","in":[]}}"#, "match.in"),
        (#"{"id":"CUSTOM-a","title":"t","severity":"high","description":"d","match":{"field":"eventName","equals":"A"},"threshold":{"count":1,"window_seconds":60}}"#, "threshold.count"),
        (#"{"id":"CUSTOM-a","title":"t","severity":"high","description":"d","match":{"field":"eventName","range":{"min":5,"max":1}}}"#, "match.range"),
        (#"{"id":"CUSTOM-a", "#, ""),
    ])
    func validation(_ text: String, _ path: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted an invalid rule")
        } catch let e as CustomRuleError {
            #expect(e.path == path, "\(e)")
            #expect(!e.message.isEmpty)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("deep nesting is refused, not a crash")
    func nesting() {
        var cond = #"{"field":"eventName","equals":"A"}"#
        for _ in 0..<40 { cond = #"{"not":\#(cond)}"# }
        let text = #"{"id":"CUSTOM-deep","title":"t","severity":"low","description":"d","match":\#(cond)}"#
        #expect(throws: CustomRuleError.self) { _ = try CustomRuleDefinition.parse(Array(text.utf8)) }
    }

    @Test("thresholds parse with their grouping field")
    func threshold() throws {
        let d = try parse(#"{"id":"CUSTOM-t","title":"t","severity":"low","description":"d","match":{"field":"errorCode","exists":true},"threshold":{"count":5,"window_seconds":60,"group_by":"sourceIPAddress"}}"#)
        #expect(d.threshold?.count == 5)
        #expect(d.threshold?.windowSeconds == 60)
        #expect(d.threshold?.groupBy == "sourceIPAddress")
    }
}
