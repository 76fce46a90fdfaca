import CDeflate
import CZlib

/// gzip decompression (zlib) with an output limit, so a small compressed body cannot expand without bound.
public enum Gzip {
    public static let defaultMaxOutputBytes = 64 << 20

    /// True when `data` starts with the gzip magic bytes.
    public static func isGzip(_ data: [UInt8]) -> Bool { data.count >= 2 && data[0] == 0x1f && data[1] == 0x8b }

    /// Inflates a gzip stream (several concatenated members are read, as `gunzip` does) with libdeflate, whose
    /// whole-buffer decoder is about twice as fast as zlib's streaming one.
    public static func decompress(_ input: [UInt8], maxOutputBytes: Int = defaultMaxOutputBytes) throws(IngestBodyError) -> [UInt8] {
        var output: [UInt8] = []
        let result: Result<Int, IngestBodyError> = input.withUnsafeBytes { raw in
            do throws(IngestBodyError) {
                return .success(try decompress(raw, into: &output, maxOutputBytes: maxOutputBytes))
            } catch {
                return .failure(error)
            }
        }
        let n = try result.get()
        output.removeSubrange(n...)
        return output
    }

    /// Inflates into `output`, reusing its storage (callers that decode many files keep one buffer and avoid
    /// touching fresh memory for each); returns the number of bytes produced at the start of `output`.
    public static func decompress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8],
                                  maxOutputBytes: Int = defaultMaxOutputBytes) throws(IngestBodyError) -> Int {
        let n = input.count
        guard n >= 2, input[0] == 0x1f, input[1] == 0x8b else {
            throw IngestBodyError("Content-Encoding is gzip but the body is not gzip data")
        }
        guard let d = libdeflate_alloc_decompressor() else { throw IngestBodyError("cannot initialise gzip decoding") }
        defer { libdeflate_free_decompressor(d) }
        // ISIZE (last four bytes, little endian) is the last member's length mod 2^32: only a hint.
        let hint = n >= 18 ? Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24 : 0
        let wanted = max(64 * 1024, min(hint + 64, maxOutputBytes))
        if output.count < wanted { output.append(contentsOf: repeatElement(0, count: wanted - output.count)) }
        var produced = 0
        var consumed = 0
        while consumed < n {
            // Trailing zero padding after the last member is tolerated, as gunzip does.
            if consumed > 0 && input[consumed...].allSatisfy({ $0 == 0 }) { break }
            var actualIn = 0
            var actualOut = 0
            let capacity = output.count
            let r = output.withUnsafeMutableBytes { out in
                libdeflate_gzip_decompress_ex(d, input.baseAddress! + consumed, n - consumed, out.baseAddress! + produced,
                                              capacity - produced, &actualIn, &actualOut)
            }
            switch r {
            case LIBDEFLATE_SUCCESS:
                produced += actualOut
                consumed += actualIn
            case LIBDEFLATE_INSUFFICIENT_SPACE:
                guard capacity < maxOutputBytes else { throw IngestBodyError("the gzip body expands beyond \(maxOutputBytes) bytes") }
                output.append(contentsOf: repeatElement(0, count: min(capacity * 2, maxOutputBytes) - capacity))
            default:
                throw IngestBodyError("the gzip body is corrupt or truncated")
            }
        }
        return produced
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
