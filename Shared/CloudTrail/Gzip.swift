import CZlib

/// gzip decompression (zlib) with an output limit, so a small compressed body cannot expand without bound.
public enum Gzip {
    public static let defaultMaxOutputBytes = 64 << 20

    /// True when `data` starts with the gzip magic bytes.
    public static func isGzip(_ data: [UInt8]) -> Bool { data.count >= 2 && data[0] == 0x1f && data[1] == 0x8b }

    /// Inflates a gzip stream (several concatenated members are read, as `gunzip` does).
    public static func decompress(_ input: [UInt8], maxOutputBytes: Int = defaultMaxOutputBytes) throws(IngestBodyError) -> [UInt8] {
        guard isGzip(input) else { throw IngestBodyError("Content-Encoding is gzip but the body is not gzip data") }
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer.
        guard cl_inflate_init2(&stream, 16 + MAX_WBITS) == Z_OK else { throw IngestBodyError("cannot initialise gzip decoding") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        var status: Int32 = Z_OK
        try input.withUnsafeMutableBufferPointer { (inBuf: inout UnsafeMutableBufferPointer<UInt8>) throws(IngestBodyError) in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return out.count - Int(stream.avail_out)
                }
                guard status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && produced > 0) else {
                    throw IngestBodyError("the gzip body is corrupt (zlib status \(status))")
                }
                guard output.count + produced <= maxOutputBytes else {
                    throw IngestBodyError("the gzip body expands beyond \(maxOutputBytes) bytes")
                }
                output.append(contentsOf: chunk[0..<produced])
                if status == Z_STREAM_END && stream.avail_in > 0 {
                    // Another gzip member follows.
                    guard inflateReset(&stream) == Z_OK else { throw IngestBodyError("cannot read the next gzip member") }
                    status = Z_OK
                }
            } while status != Z_STREAM_END && !(stream.avail_in == 0 && stream.avail_out != 0)
        }
        guard status == Z_STREAM_END else { throw IngestBodyError("the gzip body is truncated") }
        return output
    }

    /// Compresses `input` as one gzip member (used by tests and by tools that write delivery files).
    public static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        // zlib only fails here on bad parameters or allocation failure.
        precondition(cl_deflate_init2(&stream, level, 16 + MAX_WBITS) == Z_OK, "deflateInit2 failed")
        defer { deflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            var status: Int32 = Z_OK
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    status = deflate(&stream, Z_FINISH)
                    return out.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
            } while status == Z_OK || status == Z_BUF_ERROR
        }
        return output
    }
}
