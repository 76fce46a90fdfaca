import CloudTrail
import Foundation
import Testing

@Suite("gzip")
struct GzipTests {
    @Test("round trip, including empty and large inputs")
    func roundTrip() throws {
        for input in [[UInt8](), Array("hello".utf8), [UInt8](repeating: 7, count: 1_000_000),
                      (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 13) }] {
            let packed = Gzip.compress(input)
            #expect(Gzip.isGzip(packed))
            #expect(try Gzip.decompress(packed) == input)
        }
    }

    @Test("reads a stream written by another gzip implementation, and concatenated members")
    func foreignStream() throws {
        // `printf 'abc\n' | gzip -n` (GNU gzip 1.12).
        let gnu: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b, 0x4c, 0x4a, 0xe6, 0x02, 0x00,
                            0x4e, 0x81, 0x88, 0x47, 0x04, 0x00, 0x00, 0x00]
        #expect(try Gzip.decompress(gnu) == Array("abc\n".utf8))
        #expect(try Gzip.decompress(gnu + gnu) == Array("abc\nabc\n".utf8))
    }

    @Test("corrupt, truncated, non-gzip and over-limit input give clear errors")
    func badInput() throws {
        let packed = Gzip.compress(Array(String(repeating: "cloudtrail ", count: 10_000).utf8))
        #expect(throws: IngestBodyError.self) { try Gzip.decompress(Array("{\"Records\":[]}".utf8)) }
        #expect(throws: IngestBodyError.self) { try Gzip.decompress(Array(packed.prefix(packed.count / 2))) }
        var flipped = packed
        flipped[packed.count / 2] ^= 0xff
        #expect(throws: IngestBodyError.self) { try Gzip.decompress(flipped) }
        do {
            _ = try Gzip.decompress(packed, maxOutputBytes: 1000)
            Issue.record("a body over the limit was accepted")
        } catch {
            #expect(error.message.contains("expands beyond"))
        }
    }
}
