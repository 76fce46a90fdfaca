import Foundation
import Testing
import Wire

// MARK: - Helpers

/// SplitMix64: a tiny deterministic generator, so every fuzz run sees the same inputs and a failure reproduces.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs `body`, expecting a ``WireError`` with `code`.
private func expectWireError(_ code: WireError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                             _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected WireError(.\(code.rawValue)) but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as WireError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected WireError(.\(code.rawValue)), got \(error)", sourceLocation: sourceLocation)
    }
}

private func ping(_ from: String) -> CLPingRequest {
    var p = CLPingRequest()
    p.from = from
    return p
}

private func sampleEvents() -> [CLCloudTrailEvent] {
    var a = CLCloudTrailEvent()
    a.tenantID = "11111111-1111-1111-1111-111111111111"
    a.eventID = "3c0f6e9a-8d2b-4f1e-a7c5-1b9d2e4f6a80"
    a.eventTime = "2025-03-04T10:11:42Z"
    a.eventTimeMs = 1_741_083_102_000
    a.eventSource = "s3.amazonaws.com"
    a.eventName = "PutBucketAcl"
    a.awsRegion = "us-east-1"
    a.sourceIpAddress = "203.0.113.45"
    var ui = CLUserIdentity()
    ui.type = "IAMUser"
    ui.arn = "arn:aws:iam::123456789012:user/alice"
    ui.accountID = "123456789012"
    ui.accessKeyID = "AKIA4EXAMPLEALICE001"
    ui.mfaAuthenticated = true
    a.userIdentity = ui
    a.requestParametersJson = #"{"bucketName":"demo-invoices","x-amz-acl":["public-read"]}"#
    a.readOnly = false
    a.hasReadOnly_p = true
    a.raw = Data(#"{"eventID":"3c0f6e9a-8d2b-4f1e-a7c5-1b9d2e4f6a80"}"#.utf8)
    a.ingestSource = "webhook"
    a.receivedAtMs = 1_741_083_110_123

    var b = CLCloudTrailEvent()
    b.tenantID = a.tenantID
    b.eventID = "5f8c2a7e-3b1d-4c9a-9e2f-7a6b5c4d3e21"
    b.eventTime = "2025-03-04T10:14:05Z"
    b.eventSource = "cloudtrail.amazonaws.com"
    b.eventName = "StopLogging"
    b.errorCode = "AccessDenied"
    b.raw = Data([0x00, 0xff, 0x7b, 0x7d])
    b.ingestSource = "eventbridge"

    // A default (empty) message encodes to a zero-length frame.
    let c = CLCloudTrailEvent()
    return [a, b, c]
}

// MARK: - Round trips

@Suite struct FrameCodecRoundTripTests {
    let codec = FrameCodec()

    @Test func oneMessage() throws {
        let message = ping("gateway-7f9c")
        let body = try codec.encode(message)
        let frames = try codec.frames(in: body)
        #expect(frames.count == 1)
        #expect(frames.first?.flags == 0)
        #expect(body.count == FrameCodec.headerBytes + (frames.first?.payload.count ?? -1))
        #expect(try codec.decodeOne(CLPingRequest.self, from: body) == message)
        #expect(try codec.decode(CLPingRequest.self, from: body) == [message])
    }

    @Test func oneMessageExactBytes() throws {
        // Field 1 (from), wire type 2: tag 0x0a, length 2, "gw".
        let body = try codec.encode(ping("gw"))
        #expect(body == [0x00, 0x00, 0x00, 0x00, 0x04, 0x0a, 0x02, 0x67, 0x77])
    }

    @Test func emptyMessageIsAnEmptyFrame() throws {
        let body = try codec.encode(CLPingRequest())
        #expect(body == [0, 0, 0, 0, 0])
        #expect(try codec.decodeOne(CLPingRequest.self, from: body) == CLPingRequest())
    }

    @Test func batchOfThreeEvents() throws {
        let events = sampleEvents()
        let body = try codec.encode(events)
        let frames = try codec.frames(in: body)
        #expect(frames.count == 3)
        #expect(frames.allSatisfy { $0.flags == 0 })
        #expect(frames[2].payload.isEmpty)
        #expect(body.count == frames.reduce(0) { $0 + FrameCodec.headerBytes + $1.payload.count })

        let decoded = try codec.decode(CLCloudTrailEvent.self, from: body)
        #expect(decoded == events)
        #expect(decoded[0].userIdentity.mfaAuthenticated)
        #expect(decoded[0].hasUserIdentity)
        #expect(!decoded[1].hasUserIdentity)
        #expect(decoded[1].raw == Data([0x00, 0xff, 0x7b, 0x7d]))

        // Each frame alone is a valid single-message body.
        for (i, frame) in frames.enumerated() {
            var single: [UInt8] = []
            try codec.appendFrame(frame.payload, to: &single)
            #expect(try codec.decodeOne(CLCloudTrailEvent.self, from: single) == events[i])
        }
    }

    @Test func singleEncodeEqualsOneElementBatch() throws {
        let event = sampleEvents()[0]
        let single = try codec.encode(event)
        let batch = try codec.encode([event])
        #expect(single == batch)
    }

    @Test func emptyBatchAndEmptyBody() throws {
        #expect(try codec.encode([CLCloudTrailEvent]()) == [])
        #expect(try codec.frames(in: [UInt8]()).isEmpty)
        #expect(try codec.decode(CLCloudTrailEvent.self, from: [UInt8]()).isEmpty)
        // ... but a body that must hold exactly one message cannot be empty.
        expectWireError(.malformed) { _ = try codec.decodeOne(CLCloudTrailEvent.self, from: [UInt8]()) }
    }

    @Test func acceptsAnyByteCollection() throws {
        let body = try codec.encode([ping("a"), ping("b")])
        let asData = Data(body)
        #expect(try codec.decode(CLPingRequest.self, from: asData) == [ping("a"), ping("b")])
        let padded = [0xEE, 0xEE] + body + [0xEE]
        let slice = padded[2..<(2 + body.count)]
        #expect(try codec.decode(CLPingRequest.self, from: slice) == [ping("a"), ping("b")])
    }
}

// MARK: - Frame layout and malformed input

@Suite struct FrameCodecLayoutTests {
    let codec = FrameCodec()

    @Test func headerLayoutIsFlagThenBigEndianLength() throws {
        var buffer: [UInt8] = [0xAA] // existing content is kept
        try codec.appendFrame([1, 2, 3], to: &buffer)
        #expect(buffer == [0xAA, 0x00, 0x00, 0x00, 0x00, 0x03, 1, 2, 3])

        var big: [UInt8] = []
        let payload = [UInt8](repeating: 0x5A, count: 0x01_0203)
        try codec.appendFrame(payload, to: &big)
        #expect(Array(big.prefix(5)) == [0x00, 0x00, 0x01, 0x02, 0x03])
        #expect(big.count == 5 + 0x01_0203)
        #expect(Array(big.dropFirst(5)) == payload)

        var mid: [UInt8] = []
        try codec.appendFrame([UInt8](repeating: 0, count: 300), to: &mid)
        #expect(Array(mid.prefix(5)) == [0x00, 0x00, 0x00, 0x01, 0x2c])

        var empty: [UInt8] = []
        try codec.appendFrame([], to: &empty)
        #expect(empty == [0, 0, 0, 0, 0])
    }

    @Test func appendFrameWritesGivenFlags() throws {
        var buffer: [UInt8] = []
        try codec.appendFrame([9], flags: Frame.compressedFlag, to: &buffer)
        #expect(buffer == [0x01, 0, 0, 0, 1, 9])
        #expect(try codec.frames(in: buffer) == [Frame(flags: 1, payload: [9])])
    }

    @Test func framesSplitsBodyExactly() throws {
        var body: [UInt8] = []
        try codec.appendFrame([1], to: &body)
        try codec.appendFrame([], to: &body)
        try codec.appendFrame([2, 3], to: &body)
        #expect(try codec.frames(in: body) == [Frame(payload: [1]), Frame(payload: []), Frame(payload: [2, 3])])
    }

    @Test(arguments: [[0x00] as [UInt8], [0x00, 0x00], [0x00, 0x00, 0x00, 0x00]])
    func truncatedHeader(_ body: [UInt8]) {
        expectWireError(.truncated) { _ = try codec.frames(in: body) }
        expectWireError(.truncated) { _ = try codec.decode(CLPingRequest.self, from: body) }
    }

    @Test func truncatedHeaderAfterAGoodFrame() throws {
        var body = try codec.encode(ping("x"))
        body += [0x00, 0x00]
        expectWireError(.truncated) { _ = try codec.decode(CLPingRequest.self, from: body) }
    }

    @Test func truncatedPayload() throws {
        let body = try codec.encode(ping("hello"))
        for cut in 1...(body.count - FrameCodec.headerBytes) {
            let short = Array(body.dropLast(cut))
            if short.count < FrameCodec.headerBytes { continue }
            expectWireError(.truncated) { _ = try codec.frames(in: short) }
        }
        // Header declares 10 bytes; 5 follow.
        expectWireError(.truncated) { _ = try codec.frames(in: [0, 0, 0, 0, 10, 1, 2, 3, 4, 5]) }
        // Second frame truncated.
        var two = try codec.encode(ping("a"))
        two += [0, 0, 0, 0, 3, 0x0a]
        expectWireError(.truncated) { _ = try codec.decode(CLPingRequest.self, from: two) }
    }

    @Test func encodeRefusesOversizedFrame() throws {
        let small = FrameCodec(maxFrameBytes: 8)
        var buffer: [UInt8] = [0x42]
        try small.appendFrame([UInt8](repeating: 1, count: 8), to: &buffer) // exactly at the limit is fine
        #expect(buffer.count == 1 + 5 + 8)
        let before = buffer
        expectWireError(.frameTooLarge) { try small.appendFrame([UInt8](repeating: 1, count: 9), to: &buffer) }
        #expect(buffer == before, "a refused frame must not be partially written")

        let big = ping(String(repeating: "x", count: 100))
        expectWireError(.frameTooLarge) { _ = try small.encode(big) }
        expectWireError(.frameTooLarge) { _ = try small.encode([ping("a"), big]) }
    }

    @Test func decodeRefusesOversizedDeclaredLengthBeforeReadingIt() throws {
        // The header claims 4 GiB - 1 with nothing after it: the limit check must fire before any allocation or
        // the truncation check, so the error is frameTooLarge, not truncated.
        expectWireError(.frameTooLarge) { _ = try codec.frames(in: [0x00, 0xFF, 0xFF, 0xFF, 0xFF]) }
        expectWireError(.frameTooLarge) { _ = try codec.decode(CLPingRequest.self, from: [0x00, 0xFF, 0xFF, 0xFF, 0xFF]) }
        // Just over the default 4 MiB limit.
        expectWireError(.frameTooLarge) { _ = try codec.frames(in: [0x00, 0x00, 0x40, 0x00, 0x01]) }

        let small = FrameCodec(maxFrameBytes: 16)
        let atLimit: [UInt8] = [0, 0, 0, 0, 16] + [UInt8](repeating: 0, count: 16)
        #expect(try small.frames(in: atLimit).count == 1)
        let overLimit: [UInt8] = [0, 0, 0, 0, 17] + [UInt8](repeating: 0, count: 17)
        expectWireError(.frameTooLarge) { _ = try small.frames(in: overLimit) }
        expectWireError(.frameTooLarge) { _ = try small.decode(CLPingRequest.self, from: overLimit) }
        // The default codec accepts the same body framing-wise.
        #expect(try codec.frames(in: overLimit).count == 1)
    }

    @Test(arguments: [0x02, 0x04, 0x80, 0xFE, 0xFF] as [UInt8])
    func unknownFlagBitsAreMalformed(_ flags: UInt8) {
        let body: [UInt8] = [flags, 0, 0, 0, 0]
        expectWireError(.malformed) { _ = try codec.frames(in: body) }
        expectWireError(.malformed) { _ = try codec.decode(CLPingRequest.self, from: body) }
    }

    @Test func compressedFlagIsRefusedOnDecode() throws {
        var body: [UInt8] = []
        let payload = try codec.frames(in: codec.encode(ping("gw")))[0].payload
        try codec.appendFrame(payload, flags: Frame.compressedFlag, to: &body)
        // Framing accepts the known flag...
        #expect(try codec.frames(in: body).first?.flags == Frame.compressedFlag)
        // ...but message decoding refuses it.
        expectWireError(.malformed) { _ = try codec.decode(CLPingRequest.self, from: body) }
        expectWireError(.malformed) { _ = try codec.decodeOne(CLPingRequest.self, from: body) }
    }

    @Test func decodeOneRefusesTwoFrames() throws {
        let body = try codec.encode([ping("a"), ping("b")])
        #expect(try codec.decode(CLPingRequest.self, from: body).count == 2)
        expectWireError(.malformed) { _ = try codec.decodeOne(CLPingRequest.self, from: body) }
    }

    @Test(arguments: [
        [0xFF, 0xFF, 0xFF] as [UInt8], // unterminated varint tag
        [0x0a, 0x05, 0x61], // length-delimited field longer than the payload
        [0x0a, 0x02, 0xc3, 0x28], // invalid UTF-8 in a string field
        [0x0f], // wire type 7 does not exist
        [0x00], // field number 0 is invalid
        [0x0a], // tag with no length
    ])
    func garbagePayloadIsADecodingError(_ payload: [UInt8]) throws {
        var body: [UInt8] = []
        try codec.appendFrame(payload, to: &body)
        #expect(try codec.frames(in: body) == [Frame(payload: payload)])
        expectWireError(.decoding) { _ = try codec.decode(CLPingRequest.self, from: body) }
        expectWireError(.decoding) { _ = try codec.decodeOne(CLPingRequest.self, from: body) }
    }

    @Test func garbageInSecondFrameNamesTheError() throws {
        var body = try codec.encode(ping("ok"))
        try codec.appendFrame([0xFF, 0xFF], to: &body)
        expectWireError(.decoding) { _ = try codec.decode(CLPingRequest.self, from: body) }
    }

    @Test func errorDescriptionNamesTheCode() {
        let e = WireError(.frameTooLarge, "too big")
        #expect(e.code.rawValue == "frame_too_large")
        #expect(e.description.contains("frame_too_large"))
        #expect(e.description.contains("too big"))
    }
}

// MARK: - Fuzzing

@Suite struct FrameCodecFuzzTests {
    /// Decodes `body` every way the codec offers. Typed throws guarantee any error is a WireError; the point is that
    /// nothing traps. When decoding succeeds, the result must survive a re-encode.
    private static func exercise(_ body: [UInt8], codec: FrameCodec, stats: inout [String: Int]) {
        do throws(WireError) {
            let frames = try codec.frames(in: body)
            stats["frames-ok", default: 0] += 1
            #expect(frames.reduce(0) { $0 + FrameCodec.headerBytes + $1.payload.count } == body.count)
        } catch {
            stats["frames-\(error.code.rawValue)", default: 0] += 1
        }
        do throws(WireError) {
            let events = try codec.decode(CLCloudTrailEvent.self, from: body)
            stats["decode-ok", default: 0] += 1
            let again = try codec.decode(CLCloudTrailEvent.self, from: FrameCodec().encode(events))
            #expect(again == events)
        } catch {
            stats["decode-\(error.code.rawValue)", default: 0] += 1
        }
        do throws(WireError) {
            _ = try codec.decodeOne(CLUserIdentity.self, from: body)
        } catch {
            _ = error.code
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 0xC10D_100A)
        let codec = FrameCodec()
        let small = FrameCodec(maxFrameBytes: 32)
        var stats: [String: Int] = [:]
        for i in 0..<20_000 {
            let length = Int.random(in: 0...48, using: &rng)
            var body = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Half the time give it a plausible header so the protobuf decoder sees the random payload.
            if i % 2 == 0 && body.count >= 5 {
                body[0] = i % 16 == 0 ? 1 : 0
                let declared = Int.random(in: 0...(body.count - 5 + 2), using: &rng)
                body[1] = 0
                body[2] = 0
                body[3] = UInt8(truncatingIfNeeded: declared >> 8)
                body[4] = UInt8(truncatingIfNeeded: declared)
            }
            Self.exercise(body, codec: i % 5 == 0 ? small : codec, stats: &stats)
        }
        // The generator is seeded, so these paths are hit on every run.
        #expect(stats["decode-ok", default: 0] > 0)
        #expect(stats["decode-decoding", default: 0] > 0)
        #expect(stats["decode-truncated", default: 0] > 0)
        #expect(stats["decode-malformed", default: 0] > 0)
    }

    @Test func mutatedBatchesNeverCrash() throws {
        let codec = FrameCodec()
        let valid = try codec.encode(sampleEvents())
        #expect(try codec.decode(CLCloudTrailEvent.self, from: valid) == sampleEvents())
        var rng = SplitMix64(seed: 0x5EED_0F_F1CE)
        var stats: [String: Int] = [:]
        for _ in 0..<20_000 {
            var body = valid
            let mutations = Int.random(in: 1...4, using: &rng)
            for _ in 0..<mutations {
                switch Int.random(in: 0..<6, using: &rng) {
                case 0 where !body.isEmpty: // flip a bit
                    let i = Int.random(in: 0..<body.count, using: &rng)
                    body[i] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                case 1 where !body.isEmpty: // truncate
                    body.removeLast(Int.random(in: 1...body.count, using: &rng))
                case 2: // insert random bytes
                    let at = Int.random(in: 0...body.count, using: &rng)
                    let n = Int.random(in: 1...8, using: &rng)
                    body.insert(contentsOf: (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
                case 3 where !body.isEmpty: // delete a range
                    let start = Int.random(in: 0..<body.count, using: &rng)
                    let end = min(body.count, start + Int.random(in: 1...8, using: &rng))
                    body.removeSubrange(start..<end)
                case 4 where !body.isEmpty: // overwrite a byte with an interesting value
                    let i = Int.random(in: 0..<body.count, using: &rng)
                    body[i] = [0x00, 0x01, 0x7F, 0x80, 0xFF][Int.random(in: 0..<5, using: &rng)]
                case 5: // duplicate a chunk (makes extra or overlapping frames)
                    if body.count > 1 {
                        let start = Int.random(in: 0..<body.count, using: &rng)
                        let end = min(body.count, start + Int.random(in: 1...40, using: &rng))
                        let chunk = Array(body[start..<end])
                        body.insert(contentsOf: chunk, at: Int.random(in: 0...body.count, using: &rng))
                    }
                default:
                    break
                }
            }
            Self.exercise(body, codec: codec, stats: &stats)
        }
        #expect(stats["decode-ok", default: 0] > 0)
        #expect(stats.keys.contains { $0.hasPrefix("decode-") && $0 != "decode-ok" })
    }
}

@Suite("JSONString")
struct JSONStringTests {
    @Test("escapes quotes, backslashes and control characters; the result parses back to the same string")
    func roundTrip() throws {
        let samples = ["plain", "quote \" and \\ backslash", "line\nbreak\ttab\r", "\u{01}\u{1f}", "ünïcödé 🚀", ""]
        for s in samples {
            var out = ""
            JSONString.append(s, to: &out)
            let back = try JSONSerialization.jsonObject(with: Data("[\(out)]".utf8), options: []) as? [String]
            #expect(back == [s], "\(out)")
        }
        var ctl = ""
        JSONString.append("\u{1}", to: &ctl)
        #expect(ctl == "\"\\u0001\"")
    }
}
