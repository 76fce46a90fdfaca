import SwiftProtobuf

/// gRPC-style length-prefixed frames: `[1 byte flags][4 byte big-endian length][payload]`.
///
/// A NATS message body holds one or more frames (a batch). A frame larger than `maxFrameBytes` is refused, never
/// truncated, and any malformed input yields a ``WireError`` rather than a crash.
public struct FrameCodec: Sendable {
    /// The default limit of one frame's payload: 4 MiB, as gRPC's default receive limit.
    public static let defaultMaxFrameBytes = 4 * 1024 * 1024
    /// Size of the frame header.
    public static let headerBytes = 5

    /// Largest payload accepted in one frame.
    public var maxFrameBytes: Int

    public init(maxFrameBytes: Int = FrameCodec.defaultMaxFrameBytes) {
        precondition(maxFrameBytes > 0 && maxFrameBytes <= Int(UInt32.max), "frame limit out of range")
        self.maxFrameBytes = maxFrameBytes
    }

    /// Appends one frame holding `payload` to `buffer`.
    public func appendFrame(_ payload: [UInt8], flags: UInt8 = 0, to buffer: inout [UInt8]) throws(WireError) {
        guard payload.count <= maxFrameBytes else {
            throw WireError(.frameTooLarge, "frame of \(payload.count) bytes exceeds the limit of \(maxFrameBytes) bytes")
        }
        let length = UInt32(payload.count)
        buffer.reserveCapacity(buffer.count + Self.headerBytes + payload.count)
        buffer.append(flags)
        buffer.append(UInt8(truncatingIfNeeded: length >> 24))
        buffer.append(UInt8(truncatingIfNeeded: length >> 16))
        buffer.append(UInt8(truncatingIfNeeded: length >> 8))
        buffer.append(UInt8(truncatingIfNeeded: length))
        buffer.append(contentsOf: payload)
    }

    /// Encodes messages as a batch body: one frame per message.
    public func encode(_ messages: [some SwiftProtobuf.Message]) throws(WireError) -> [UInt8] {
        var out: [UInt8] = []
        for message in messages {
            let bytes: [UInt8]
            do { bytes = try message.serializedBytes() } catch {
                throw WireError(.encoding, "cannot serialize \(type(of: message).protoMessageName): \(error)")
            }
            try appendFrame(bytes, to: &out)
        }
        return out
    }

    /// Encodes one message as a body with a single frame.
    public func encode(_ message: some SwiftProtobuf.Message) throws(WireError) -> [UInt8] {
        try encode([message])
    }

    /// Splits a body into frame payloads. An empty body is zero frames.
    public func frames(in body: some Collection<UInt8>) throws(WireError) -> [Frame] {
        let bytes = Array(body)
        var frames: [Frame] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= Self.headerBytes else {
                throw WireError(.truncated, "frame header at offset \(offset) is truncated: \(bytes.count - offset) of 5 bytes")
            }
            let flags = bytes[offset]
            guard flags & ~Frame.knownFlags == 0 else {
                throw WireError(.malformed, "frame at offset \(offset) has unknown flags 0x\(String(flags, radix: 16))")
            }
            let length = Int(bytes[offset + 1]) << 24 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 8
                | Int(bytes[offset + 4])
            guard length <= maxFrameBytes else {
                throw WireError(.frameTooLarge, "frame at offset \(offset) declares \(length) bytes, over the limit of \(maxFrameBytes)")
            }
            let start = offset + Self.headerBytes
            guard bytes.count - start >= length else {
                throw WireError(.truncated, "frame at offset \(offset) declares \(length) bytes but only \(bytes.count - start) follow")
            }
            frames.append(Frame(flags: flags, payload: Array(bytes[start..<(start + length)])))
            offset = start + length
        }
        return frames
    }

    /// Decodes every frame of a body as `M`.
    public func decode<M: SwiftProtobuf.Message>(_ type: M.Type, from body: some Collection<UInt8>) throws(WireError) -> [M] {
        var result: [M] = []
        for (index, frame) in try frames(in: body).enumerated() {
            guard frame.flags & Frame.compressedFlag == 0 else {
                throw WireError(.malformed, "frame \(index) is marked compressed; compression is not supported")
            }
            do {
                result.append(try M(serializedBytes: frame.payload))
            } catch {
                throw WireError(.decoding, "frame \(index) is not a valid \(M.protoMessageName): \(error)")
            }
        }
        return result
    }

    /// Decodes a body that must hold exactly one `M`.
    public func decodeOne<M: SwiftProtobuf.Message>(_ type: M.Type, from body: some Collection<UInt8>) throws(WireError) -> M {
        let all = try decode(type, from: body)
        guard all.count == 1 else {
            throw WireError(.malformed, "expected exactly one \(M.protoMessageName) frame, found \(all.count)")
        }
        return all[0]
    }
}

/// One frame of a body.
public struct Frame: Sendable, Equatable {
    /// gRPC's compressed-flag bit; we never set it and refuse it on input.
    public static let compressedFlag: UInt8 = 0x01
    static let knownFlags: UInt8 = 0x01

    public var flags: UInt8
    public var payload: [UInt8]

    public init(flags: UInt8 = 0, payload: [UInt8]) {
        self.flags = flags
        self.payload = payload
    }
}
