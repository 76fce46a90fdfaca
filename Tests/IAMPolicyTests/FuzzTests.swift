import Foundation
import Testing
@testable import IAMPolicy

@Suite("Fuzzing")
struct FuzzTests {
    static let seedPolicy = """
    {
      "Version": "2012-10-17",
      "Id": "fuzz-seed",
      "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:ListBucket"],
         "Resource": ["arn:aws:s3:::acme-${aws:username}", "arn:aws:s3:::acme-${aws:username}/*"],
         "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]},
                       "ForAllValues:StringLike": {"aws:TagKeys": ["team-*"]},
                       "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
                       "NumericLessThanEquals": {"s3:max-keys": 100},
                       "Bool": {"aws:SecureTransport": true}}},
        {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"},
        {"Effect": "Deny", "NotAction": ["iam:*"], "NotResource": "arn:aws:iam::123456789012:role/x",
         "Condition": {"StringNotEqualsIfExists": {"aws:RequestedRegion": "eu-west-1"}}},
        {"Effect": "Allow", "Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:root"], "Service": "ec2.amazonaws.com"},
         "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}
      ]
    }
    """

    /// Fragments that tend to produce interesting structure when spliced in.
    static let fragments = ["{", "}", "[", "]", ",", ":", "\"", "\\", "*", "?", "${", "}", "null", "true", "-1e999",
                            "\"Statement\"", "\"NotPrincipal\"", "\"Condition\"", "\"ForAnyValue:\"", "\\u00", "\\ud800",
                            "arn:aws:", "\u{0}", "é", "😀", String(repeating: "*", count: 64)]

    static func mutate(_ input: [UInt8], rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        let rounds = Int.random(in: 1...4, using: &rng)
        for _ in 0..<rounds where !bytes.isEmpty {
            let position = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0:
                bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 1:
                bytes.remove(at: position)
            case 2:
                let fragment = fragments[Int.random(in: 0..<fragments.count, using: &rng)]
                bytes.insert(contentsOf: Array(fragment.utf8), at: position)
            case 3:
                let end = min(bytes.count, position + Int.random(in: 1...40, using: &rng))
                bytes.removeSubrange(position..<end)
            case 4:
                let end = min(bytes.count, position + Int.random(in: 1...60, using: &rng))
                let slice = Array(bytes[position..<end])
                let target = Int.random(in: 0...bytes.count, using: &rng)
                bytes.insert(contentsOf: slice, at: target)
            default:
                // Flip the case of a letter: turns "Allow" into "allow", "Action" into "action", ...
                let b = bytes[position]
                if (b >= 65 && b <= 90) || (b >= 97 && b <= 122) { bytes[position] = b ^ 0x20 }
            }
        }
        return bytes
    }

    @Test func parserAnalyzerAndEvaluatorNeverCrash() throws {
        let analyzer = PolicyAnalyzer()
        let evaluator = PolicyEvaluator()
        let request = AccessRequest(principal: "arn:aws:iam::123456789012:user/alice", action: "s3:GetObject",
                                    resource: "arn:aws:s3:::acme-alice/x",
                                    context: RequestContext(["aws:SourceIp": ["203.0.113.7"], "aws:TagKeys": ["team-a"]]))
        let seed = Array(Self.seedPolicy.utf8)
        // The seed itself is valid.
        _ = try PolicyDocument.parse(bytes: seed)
        var rng = SplitMix64(seed: 0x1A2B_3C4D_5E6F_7081)
        var parsed = 0
        var rejected = 0
        var current = seed
        for iteration in 0..<5_000 {
            // Mostly mutate the seed; sometimes keep mutating the previous result to reach deeper damage.
            let base = iteration % 4 == 0 ? current : seed
            let mutated = Self.mutate(base, rng: &rng)
            current = mutated
            do {
                let document = try PolicyDocument.parse(bytes: mutated)
                parsed += 1
                let report = analyzer.analyze(document)
                #expect((0...100).contains(report.score))
                _ = evaluator.evaluate(request, policies: PolicySet(identityPolicies: [document], resourcePolicies: [document],
                                                                     permissionsBoundary: document,
                                                                     serviceControlPolicies: [[document]]))
            } catch let error as PolicyParseError {
                rejected += 1
                #expect(!error.description.isEmpty)
                #expect(error.description.count < 2_000, "errors quote only short excerpts")
            }
        }
        #expect(parsed + rejected == 5_000)
        #expect(parsed > 100, "the mutator should leave many documents valid")
        #expect(rejected > 100)
    }

    @Test func hugeAndDeepDocumentsFailCleanly() {
        let deep = Array((String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)).utf8)
        #expect(throws: PolicyParseError.self) { try PolicyDocument.parse(bytes: deep, maximumSize: 10_000_000) }
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: PolicyDocument.defaultMaximumSize + 1)
        do {
            _ = try PolicyDocument.parse(bytes: huge)
            Issue.record("expected the size limit")
        } catch let error as PolicyParseError {
            #expect(error.code == .tooLarge)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func randomWildcardsTerminate() {
        var rng = SplitMix64(seed: 42)
        let alphabet: [Character] = ["a", "b", "*", "?", ":", "/"]
        for _ in 0..<2_000 {
            let pattern = String((0..<Int.random(in: 0...30, using: &rng)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
            let text = String((0..<Int.random(in: 0...30, using: &rng)).map { _ in alphabet[Int.random(in: 0..<2, using: &rng)] })
            let fast = WildcardPattern(pattern).matches(text)
            #expect(fast == Self.reference(Array(pattern), Array(text)), "\(pattern) vs \(text)")
        }
    }

    /// A slow but obviously correct matcher (dynamic programming) to check the fast one against.
    static func reference(_ p: [Character], _ t: [Character]) -> Bool {
        var table = [[Bool]](repeating: [Bool](repeating: false, count: t.count + 1), count: p.count + 1)
        table[0][0] = true
        for i in 1...max(1, p.count) where i <= p.count {
            for j in 0...t.count {
                switch p[i - 1] {
                case "*": table[i][j] = table[i - 1][j] || (j > 0 && table[i][j - 1])
                case "?": table[i][j] = j > 0 && table[i - 1][j - 1]
                default: table[i][j] = j > 0 && table[i - 1][j - 1] && p[i - 1] == t[j - 1]
                }
            }
        }
        return table[p.count][t.count]
    }
}
