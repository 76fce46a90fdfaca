import CZlib

/// gzip decompression (zlib) with an output limit, so a small compressed body cannot expand without bound.
public enum Gzip {
    public static let defaultMaxOutputBytes = 64 << 20

    /// True when `data` starts with the gzip magic bytes.
    public static func isGzip(_ data: [UInt8]) -> Bool { data.count >= 2 && data[0] == 0x1f && data[1] == 0x8b }

    /// Inflates a gzip stream (several concatenated members are read, as `gunzip` does). Output goes straight into
    /// one growing buffer sized from the gzip trailer's length hint.
    public static func decompress(_ input: [UInt8], maxOutputBytes: Int = defaultMaxOutputBytes) throws(IngestBodyError) -> [UInt8] {
        guard isGzip(input) else { throw IngestBodyError("Content-Encoding is gzip but the body is not gzip data") }
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer.
        guard cl_inflate_init2(&stream, 16 + MAX_WBITS) == Z_OK else { throw IngestBodyError("cannot initialise gzip decoding") }
        defer { inflateEnd(&stream) }
        // ISIZE (last four bytes, little endian) is the last member's length mod 2^32: only a hint.
        let n = input.count
        let hint = n >= 18 ? Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24 : 0
        var capacity = max(64 * 1024, min(hint + 64, maxOutputBytes + 1))
        var out = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { out.deallocate() }
        var produced = 0
        var status: Int32 = Z_OK
        var input = input
        try input.withUnsafeMutableBufferPointer { (inBuf: inout UnsafeMutableBufferPointer<UInt8>) throws(IngestBodyError) in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            while true {
                if produced == capacity {
                    guard capacity <= maxOutputBytes else { throw IngestBodyError("the gzip body expands beyond \(maxOutputBytes) bytes") }
                    let bigger = min(capacity * 2, maxOutputBytes + 1)
                    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
                    grown.update(from: out, count: produced)
                    out.deallocate()
                    out = grown
                    capacity = bigger
                }
                stream.next_out = out + produced
                stream.avail_out = uInt(capacity - produced)
                status = inflate(&stream, Z_NO_FLUSH)
                produced = capacity - Int(stream.avail_out)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw IngestBodyError("the gzip body is corrupt (zlib status \(status))")
                }
                guard produced <= maxOutputBytes else { throw IngestBodyError("the gzip body expands beyond \(maxOutputBytes) bytes") }
                if status == Z_STREAM_END {
                    if stream.avail_in == 0 { break }
                    // Another gzip member follows.
                    guard inflateReset(&stream) == Z_OK else { throw IngestBodyError("cannot read the next gzip member") }
                    status = Z_OK
                } else if status == Z_BUF_ERROR && stream.avail_in == 0 && produced < capacity {
                    break // input ended before the stream did
                }
            }
        }
        guard status == Z_STREAM_END else { throw IngestBodyError("the gzip body is truncated") }
        return Array(UnsafeBufferPointer(start: out, count: produced))
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
