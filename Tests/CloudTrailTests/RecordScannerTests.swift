import CloudTrail
import Foundation
import Testing

@Suite("RecordScanner")
struct RecordScannerTests {
    static func record(_ i: Int, error: Bool = false, root: Bool = false) -> String {
        let who = root ? #"{"type":"Root","arn":"arn:aws:iam::1:root","nested":{"type":"IAMUser"}}"#
                       : #"{"type":"IAMUser","sessionContext":{"attributes":{"type":"Root"}},"arn":"arn:aws:iam::1:user/a"}"#
        let err = error ? #","errorCode":"AccessDenied""# : ""
        return #"{"eventVersion":"1.09","userIdentity":\#(who),"eventTime":"2026-01-01T00:00:0\#(i % 10)Z","eventSource":"s\#(i).amazonaws.com","eventName":"Op\#(i)","requestParameters":{"a":[1,2,{"b":"x\"y}]"}],"eventName":"nested"},"eventID":"id-\#(i)"\#(err)}"#
    }

    @Test("finds every record with its cheap fields, agreeing with the strict parser")
    func agreesWithStrictParser() throws {
        let records = (0..<50).map { Self.record($0, error: $0 % 7 == 0, root: $0 % 11 == 0) }
        let body = Array(("{\"Records\":[\n" + records.joined(separator: ",\n") + "\n]}").utf8)
        let summaries = try #require(RecordScanner.scanDeliveryFile(body))
        let strict = try CloudTrailNormalizer.normalize(body, tenant: "t", source: "cli", receivedAtMs: 0)
        #expect(summaries.count == 50)
        #expect(summaries.map(\.eventSource) == strict.events.map(\.eventSource))
        #expect(summaries.map(\.eventName) == strict.events.map(\.eventName))
        #expect(summaries.map(\.hasError) == strict.events.map { !$0.errorCode.isEmpty })
        #expect(summaries.map(\.isRoot) == strict.events.map { $0.userIdentity.type == "Root" })
        #expect(summaries.allSatisfy { $0.complete })
        for (s, e) in zip(summaries, strict.events) {
            #expect(Array(body[s.range]) == Array(e.raw))
            #expect(s.keyHash == RecordScanner.keyHash(source: e.eventSource, name: e.eventName))
        }
    }

    @Test("other shapes and broken input give nil (the strict parser decides), never a crash")
    func otherShapes() {
        #expect(RecordScanner.scanDeliveryFile(Array("[]".utf8)) == nil)
        #expect(RecordScanner.scanDeliveryFile(Array(Self.record(1).utf8)) == nil)
        #expect(RecordScanner.scanDeliveryFile(Array(#"{"Records":[{"a":1}"#.utf8)) == nil)
        #expect(RecordScanner.scanDeliveryFile(Array(#"{"Records":[]} trailing"#.utf8)) == nil)
        #expect(RecordScanner.scanDeliveryFile(Array(#"{"Records":[]}"#.utf8))?.isEmpty == true)
        let missing = RecordScanner.scanDeliveryFile(Array(#"{"Records":[{"eventSource":"s3.amazonaws.com"}]}"#.utf8))
        #expect(missing?.first?.complete == false)
        let deep = "{\"Records\":[{\"x\":" + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "}]}"
        #expect(RecordScanner.scanDeliveryFile(Array(deep.utf8)) == nil)
    }

    @Test("fuzz: 20,000 mutations of a delivery file never crash, and ranges stay in bounds")
    func fuzz() {
        var rng = UInt64(0x5eed)
        func next() -> UInt64 { rng &+= 0x9E3779B97F4A7C15; var z = rng; z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) &* 0x94D049BB133111EB; return z ^ (z >> 31) }
        let base = Array(("{\"Records\":[" + (0..<5).map { Self.record($0) }.joined(separator: ",") + "]}").utf8)
        let alphabet = Array("{}[]\",:\\ 0a".utf8)
        for _ in 0..<20_000 {
            var doc = base
            for _ in 0..<(1 + Int(next() % 4)) {
                let pos = Int(next() % UInt64(doc.count))
                switch next() % 3 {
                case 0: doc[pos] = alphabet[Int(next() % UInt64(alphabet.count))]
                case 1: doc.remove(at: pos)
                default: doc.insert(alphabet[Int(next() % UInt64(alphabet.count))], at: pos)
                }
            }
            if let s = RecordScanner.scanDeliveryFile(doc) {
                for r in s { #expect(r.range.lowerBound >= 0 && r.range.upperBound <= doc.count) }
            }
        }
    }
}
