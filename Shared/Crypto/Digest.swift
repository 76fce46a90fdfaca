import COpenSSL

/// SHA-256 through OpenSSL's EVP interface.
public enum SHA256 {
    public static let byteCount = 32

    /// The SHA-256 digest of `data`.
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        var outLength: UInt32 = 0
        let input = Array(data)
        let ok = input.withUnsafeBytes { raw in
            out.withUnsafeMutableBytes { outRaw in
                EVP_Digest(raw.baseAddress, raw.count, outRaw.bindMemory(to: UInt8.self).baseAddress, &outLength,
                           EVP_sha256(), nil)
            }
        }
        // EVP_Digest with SHA-256 only fails on allocation failure inside OpenSSL.
        precondition(ok == 1 && outLength == 32, "EVP_Digest(SHA-256) failed")
        return out
    }

    /// Lower-case hex of the SHA-256 digest of a UTF-8 string.
    public static func hex(_ string: String) -> String { Hex.encode(hash(Array(string.utf8))) }
}

/// MD5, only for protocols that demand it (S3's `Content-MD5` integrity header); never for security decisions.
public enum MD5 {
    public static let byteCount = 16

    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        var outLength: UInt32 = 0
        let input = Array(data)
        let ok = input.withUnsafeBytes { raw in
            out.withUnsafeMutableBytes { outRaw in
                EVP_Digest(raw.baseAddress, raw.count, outRaw.bindMemory(to: UInt8.self).baseAddress, &outLength, EVP_md5(), nil)
            }
        }
        precondition(ok == 1 && outLength == 16, "EVP_Digest(MD5) failed")
        return out
    }
}

/// HMAC-SHA256 (RFC 2104) through OpenSSL.
public enum HMACSHA256 {
    public static func authenticate(_ data: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var outLength: UInt32 = 0
        let input = Array(data)
        let keyBytes = Array(key)
        let result = keyBytes.withUnsafeBytes { keyRaw in
            input.withUnsafeBytes { raw in
                out.withUnsafeMutableBytes { outRaw in
                    HMAC(EVP_sha256(), keyRaw.baseAddress, Int32(keyRaw.count),
                         raw.bindMemory(to: UInt8.self).baseAddress, raw.count,
                         outRaw.bindMemory(to: UInt8.self).baseAddress, &outLength)
                }
            }
        }
        precondition(result != nil && outLength == 32, "HMAC-SHA256 failed")
        return out
    }

    /// Checks a MAC in constant time.
    public static func verify(_ mac: some Collection<UInt8>, for data: some Collection<UInt8>, key: some Collection<UInt8>) -> Bool {
        ConstantTime.equals(authenticate(data, key: key), Array(mac))
    }
}

/// Comparison whose running time does not depend on where two inputs differ.
public enum ConstantTime {
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { ra in b.withUnsafeBytes { rb in CRYPTO_memcmp(ra.baseAddress, rb.baseAddress, ra.count) == 0 } }
    }

    public static func equals(_ a: String, _ b: String) -> Bool { equals(Array(a.utf8), Array(b.utf8)) }
}

/// Cryptographically secure random bytes from OpenSSL's DRBG.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if count == 0 { return out }
        let ok = out.withUnsafeMutableBytes { RAND_bytes($0.bindMemory(to: UInt8.self).baseAddress, Int32(count)) }
        // RAND_bytes fails only when the DRBG cannot be seeded; continuing would hand out predictable keys.
        precondition(ok == 1, "RAND_bytes failed: the random generator is not seeded")
        return out
    }
}

/// Lower-case hexadecimal.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0f)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex (either case); nil when the input is not hex of even length.
    public static func decode(_ string: String) -> [UInt8]? {
        let chars = Array(string.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Identifiers derived from content, so the same input always names the same row.
public enum ContentID {
    /// A UUID (version 8, RFC 9562 "custom") built from the first 16 bytes of SHA-256 of `name`.
    public static func uuid(_ name: String) -> String {
        var b = SHA256.hash(Array(name.utf8)).prefix(16).map { $0 }
        b[6] = (b[6] & 0x0f) | 0x80
        b[8] = (b[8] & 0x3f) | 0x80
        let h = Hex.encode(b)
        let c = Array(h)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}
