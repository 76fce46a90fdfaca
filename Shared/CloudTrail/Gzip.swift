import CDeflate
import CZlib

/// gzip decompression (zlib) with an output limit, so a small compressed body cannot expand without bound.
public enum Gzip {
    public static let defaultMaxOutputBytes = 64 << 20

    /// True when `data` starts with the gzip magic bytes.
    public static func isGzip(_ data: [UInt8]) -> Bool { data.count >= 2 && data[0] == 0x1f && data[1] == 0x8b }

    /// Inflates a gzip stream (several concatenated members are read, as `gunzip` does) with libdeflate, whose
    /// whole-buffer decoder is about twice as fast as zlib's streaming one. Output goes into one buffer sized from
    /// the gzip trailer's length hint and grown (up to `maxOutputBytes`) when a member needs more.
    public static func decompress(_ input: [UInt8], maxOutputBytes: Int = defaultMaxOutputBytes) throws(IngestBodyError) -> [UInt8] {
        guard isGzip(input) else { throw IngestBodyError("Content-Encoding is gzip but the body is not gzip data") }
        guard let d = libdeflate_alloc_decompressor() else { throw IngestBodyError("cannot initialise gzip decoding") }
        defer { libdeflate_free_decompressor(d) }
        let n = input.count
        // ISIZE (last four bytes, little endian) is the last member's length mod 2^32: only a hint.
        let hint = n >= 18 ? Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24 : 0
        var capacity = max(64 * 1024, min(hint + 64, maxOutputBytes))
        var out = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { out.deallocate() }
        var produced = 0
        var consumed = 0
        let failure: IngestBodyError? = input.withUnsafeBytes { (inBuf: UnsafeRawBufferPointer) -> IngestBodyError? in
            while consumed < n {
                // Trailing zero padding after the last member is tolerated, as gunzip does.
                if consumed > 0 && inBuf[consumed...].allSatisfy({ $0 == 0 }) { break }
                var actualIn = 0
                var actualOut = 0
                let r = libdeflate_gzip_decompress_ex(d, inBuf.baseAddress! + consumed, n - consumed, out + produced,
                                                      capacity - produced, &actualIn, &actualOut)
                switch r {
                case LIBDEFLATE_SUCCESS:
                    produced += actualOut
                    consumed += actualIn
                case LIBDEFLATE_INSUFFICIENT_SPACE:
                    guard capacity < maxOutputBytes else {
                        return IngestBodyError("the gzip body expands beyond \(maxOutputBytes) bytes")
                    }
                    let bigger = min(capacity * 2, maxOutputBytes)
                    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
                    grown.update(from: out, count: produced)
                    out.deallocate()
                    out = grown
                    capacity = bigger
                default:
                    return IngestBodyError("the gzip body is corrupt or truncated")
                }
            }
            return nil
        }
        if let failure { throw failure }
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
