import CLCrypto
import Testing

/// Decodes a hex literal used as a test vector, failing the test (rather than crashing) if it is not hex.
private func hex(_ s: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
    try #require(Hex.decode(s), "not a hex literal: \(s)", sourceLocation: sourceLocation)
}

private func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }

// MARK: - SHA-256

@Suite struct SHA256Tests {
    @Test func emptyString() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(SHA256.hash([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func abc() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(SHA256.hash(ascii("abc"))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func twoBlockMessage() {
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func digestLength() {
        #expect(SHA256.byteCount == 32)
        #expect(SHA256.hash(ascii("anything")).count == 32)
        #expect(SHA256.hash([UInt8](repeating: 0x61, count: 10_000)).count == 32)
    }

    @Test func acceptsAnyByteCollection() {
        let bytes = ascii("xxabcxx")
        #expect(SHA256.hash(bytes[2..<5]) == SHA256.hash(ascii("abc")))
    }
}

// MARK: - HMAC-SHA256 (RFC 4231)

@Suite struct HMACSHA256Tests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var key: [UInt8]
        var data: [UInt8]
        var mac: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(name: "RFC 4231 case 1", key: [UInt8](repeating: 0x0b, count: 20), data: ascii("Hi There"),
               mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Vector(name: "RFC 4231 case 2", key: ascii("Jefe"), data: ascii("what do ya want for nothing?"),
               mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Vector(name: "RFC 4231 case 3", key: [UInt8](repeating: 0xaa, count: 20), data: [UInt8](repeating: 0xdd, count: 50),
               mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        Vector(name: "RFC 4231 case 4", key: Array(UInt8(0x01)...UInt8(0x19)), data: [UInt8](repeating: 0xcd, count: 50),
               mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        Vector(name: "RFC 4231 case 6", key: [UInt8](repeating: 0xaa, count: 131),
               data: ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
               mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        Vector(name: "RFC 4231 case 7", key: [UInt8](repeating: 0xaa, count: 131),
               data: ascii("This is a test using a larger than block-size key and a larger than block-size data. "
                   + "The key needs to be hashed before being used by the HMAC algorithm."),
               mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test(arguments: HMACSHA256Tests.vectors)
    func rfc4231(_ v: Vector) throws {
        #expect(Hex.encode(HMACSHA256.authenticate(v.data, key: v.key)) == v.mac)
        let expected = try hex(v.mac)
        #expect(HMACSHA256.authenticate(v.data, key: v.key) == expected)
        #expect(HMACSHA256.verify(expected, for: v.data, key: v.key))
    }

    @Test func case4KeyIsTwentyFiveBytes() {
        let key = Array(UInt8(0x01)...UInt8(0x19))
        #expect(key.count == 25)
        #expect(key.first == 0x01 && key.last == 0x19)
    }

    @Test func verifyRejectsWrongMacKeyOrData() throws {
        let key = ascii("Jefe")
        let data = ascii("what do ya want for nothing?")
        let mac = HMACSHA256.authenticate(data, key: key)
        #expect(HMACSHA256.verify(mac, for: data, key: key))

        var flipped = mac
        flipped[31] ^= 0x01
        #expect(!HMACSHA256.verify(flipped, for: data, key: key))
        #expect(!HMACSHA256.verify(Array(mac.prefix(16)), for: data, key: key))
        #expect(!HMACSHA256.verify([UInt8](), for: data, key: key))
        #expect(!HMACSHA256.verify(mac, for: data, key: ascii("Jeff")))
        #expect(!HMACSHA256.verify(mac, for: ascii("what do ya want for nothing!"), key: key))
    }
}

// MARK: - AES-256-GCM (NIST GCM spec test cases)

@Suite struct AESGCMTests {
    @Test func nistTestCase13EmptyPlaintext() throws {
        let key = [UInt8](repeating: 0, count: 32)
        let iv = [UInt8](repeating: 0, count: 12)
        let box = try AESGCM.seal([], key: key, nonce: iv)
        #expect(box.nonce == iv)
        #expect(box.ciphertext.isEmpty)
        #expect(Hex.encode(box.tag) == "530f8afbc74536b9a963b4f1c4cb738b")
        #expect(try AESGCM.open(box, key: key) == [])
    }

    @Test func nistTestCase14() throws {
        let key = [UInt8](repeating: 0, count: 32)
        let iv = [UInt8](repeating: 0, count: 12)
        let plaintext = [UInt8](repeating: 0, count: 16)
        let box = try AESGCM.seal(plaintext, key: key, nonce: iv)
        #expect(Hex.encode(box.ciphertext) == "cea7403d4d606b6e074ec5d3baf39d18")
        #expect(Hex.encode(box.tag) == "d0d1c8a799996bf0265b98b5d48ab919")
        #expect(try AESGCM.open(box, key: key) == plaintext)
    }

    static let tc16Key = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
    static let tc16IV = "cafebabefacedbaddecaf888"
    static let tc16AAD = "feedfacedeadbeeffeedfacedeadbeefabaddad2"
    static let tc16Plaintext = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
    static let tc16Ciphertext = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
    static let tc16Tag = "76fc6ece0f4e1768cddf8853bb2d551b"

    @Test func nistTestCase16WithAAD() throws {
        let key = try hex(Self.tc16Key)
        let iv = try hex(Self.tc16IV)
        let aad = try hex(Self.tc16AAD)
        let plaintext = try hex(Self.tc16Plaintext)
        #expect(plaintext.count == 60)

        let box = try AESGCM.seal(plaintext, key: key, nonce: iv, aad: aad)
        #expect(box.nonce == iv)
        #expect(Hex.encode(box.ciphertext) == Self.tc16Ciphertext)
        #expect(Hex.encode(box.tag) == Self.tc16Tag)
        #expect(try AESGCM.open(box, key: key, aad: aad) == plaintext)

        // The published ciphertext and tag (not just our own output) open to the published plaintext.
        let publishedCiphertext = try hex(Self.tc16Ciphertext)
        let publishedTag = try hex(Self.tc16Tag)
        let published = AESGCM.SealedBox(nonce: iv, ciphertext: publishedCiphertext, tag: publishedTag)
        #expect(published == box)
        #expect(try AESGCM.open(published, key: key, aad: aad) == plaintext)
    }

    @Test func tamperingIsDetected() throws {
        let key = try hex(Self.tc16Key)
        let iv = try hex(Self.tc16IV)
        let aad = try hex(Self.tc16AAD)
        let plaintext = try hex(Self.tc16Plaintext)
        let box = try AESGCM.seal(plaintext, key: key, nonce: iv, aad: aad)

        // A flipped ciphertext bit.
        for position in [0, 17, box.ciphertext.count - 1] {
            var tampered = box
            tampered.ciphertext[position] ^= 0x01
            #expect(throws: CryptoError.self) { try AESGCM.open(tampered, key: key, aad: aad) }
        }
        // A flipped tag bit.
        var badTag = box
        badTag.tag[0] ^= 0x80
        #expect(throws: CryptoError.self) { try AESGCM.open(badTag, key: key, aad: aad) }
        // A different nonce.
        var badNonce = box
        badNonce.nonce[11] ^= 0x01
        #expect(throws: CryptoError.self) { try AESGCM.open(badNonce, key: key, aad: aad) }
        // A wrong key.
        var wrongKey = key
        wrongKey[5] ^= 0x01
        #expect(throws: CryptoError.self) { try AESGCM.open(box, key: wrongKey, aad: aad) }
        // Wrong AAD, and missing AAD.
        var wrongAAD = aad
        wrongAAD[0] ^= 0x01
        #expect(throws: CryptoError.self) { try AESGCM.open(box, key: key, aad: wrongAAD) }
        #expect(throws: CryptoError.self) { try AESGCM.open(box, key: key) }
        // A ciphertext that lost its last byte.
        var shortened = box
        shortened.ciphertext.removeLast()
        #expect(throws: CryptoError.self) { try AESGCM.open(shortened, key: key, aad: aad) }
    }

    @Test func truncatedCombinedBoxThrows() throws {
        let key = SecureRandom.bytes(AESGCM.keyBytes)
        let box = try AESGCM.seal(ascii("secret"), key: key)
        let combined = box.combined
        #expect(combined.count == AESGCM.nonceBytes + 6 + AESGCM.tagBytes)

        // Shorter than nonce + tag: refused when the box is parsed.
        for length in [0, 1, AESGCM.nonceBytes, AESGCM.nonceBytes + AESGCM.tagBytes - 1] {
            #expect(throws: CryptoError.self) { try AESGCM.SealedBox(combined: Array(combined.prefix(length))) }
        }
        // Long enough to parse but missing bytes: refused when opened.
        let cut = try AESGCM.SealedBox(combined: Array(combined.dropLast()))
        #expect(throws: CryptoError.self) { try AESGCM.open(cut, key: key) }
        let cutFront = try AESGCM.SealedBox(combined: Array(combined.dropFirst()))
        #expect(throws: CryptoError.self) { try AESGCM.open(cutFront, key: key) }
    }

    @Test func badKeyOrBoxShapeThrows() throws {
        #expect(throws: CryptoError.self) { try AESGCM.seal(ascii("x"), key: [UInt8](repeating: 1, count: 16)) }
        #expect(throws: CryptoError.self) { try AESGCM.seal(ascii("x"), key: [UInt8](repeating: 1, count: 33)) }
        #expect(throws: CryptoError.self) { try AESGCM.seal(ascii("x"), key: [UInt8](repeating: 1, count: 32), nonce: []) }
        let key = [UInt8](repeating: 7, count: 32)
        let box = try AESGCM.seal(ascii("x"), key: key)
        #expect(throws: CryptoError.self) { try AESGCM.open(box, key: Array(key.prefix(31))) }
        var shortTag = box
        shortTag.tag.removeLast()
        #expect(throws: CryptoError.self) { try AESGCM.open(shortTag, key: key) }
        var noNonce = box
        noNonce.nonce = []
        #expect(throws: CryptoError.self) { try AESGCM.open(noNonce, key: key) }
    }

    @Test func randomRoundTripThroughCombinedForm() throws {
        for size in [0, 1, 15, 16, 17, 1000, 65_537] {
            let key = SecureRandom.bytes(AESGCM.keyBytes)
            let plaintext = SecureRandom.bytes(size)
            let aad = SecureRandom.bytes(size % 40)
            let box = try AESGCM.seal(plaintext, key: key, aad: aad)
            #expect(box.nonce.count == AESGCM.nonceBytes)
            #expect(box.tag.count == AESGCM.tagBytes)
            #expect(box.ciphertext.count == size)

            let combined = box.combined
            #expect(combined.count == AESGCM.nonceBytes + size + AESGCM.tagBytes)
            #expect(Array(combined.prefix(AESGCM.nonceBytes)) == box.nonce)
            #expect(Array(combined.suffix(AESGCM.tagBytes)) == box.tag)

            let parsed = try AESGCM.SealedBox(combined: combined)
            #expect(parsed == box)
            #expect(try AESGCM.open(parsed, key: key, aad: aad) == plaintext)
        }
    }

    @Test func randomNoncesDiffer() throws {
        let key = SecureRandom.bytes(AESGCM.keyBytes)
        let a = try AESGCM.seal(ascii("same message"), key: key)
        let b = try AESGCM.seal(ascii("same message"), key: key)
        #expect(a.nonce != b.nonce)
        #expect(a.ciphertext != b.ciphertext)
        #expect(try AESGCM.open(a, key: key) == ascii("same message"))
        #expect(try AESGCM.open(b, key: key) == ascii("same message"))
    }

    @Test func errorDescriptionDoesNotLeakKey() throws {
        let key = [UInt8](repeating: 0xab, count: 32)
        let box = try AESGCM.seal(ascii("hello"), key: key)
        var wrong = key
        wrong[0] = 0xcd
        let error = #expect(throws: CryptoError.self) { try AESGCM.open(box, key: wrong) }
        let text = error?.description ?? ""
        #expect(text.hasPrefix("crypto error: "))
        #expect(!text.contains(Hex.encode(key)))
        #expect(!text.contains(Hex.encode(wrong)))
    }
}

// MARK: - SecureRandom, Hex, ConstantTime, ContentID

@Suite struct UtilityTests {
    @Test func secureRandomGivesDistinctValues() {
        var seen = Set<[UInt8]>()
        for _ in 0..<64 {
            let value = SecureRandom.bytes(32)
            #expect(value.count == 32)
            seen.insert(value)
        }
        #expect(seen.count == 64)
        #expect(SecureRandom.bytes(0).isEmpty)
        #expect(SecureRandom.bytes(1).count == 1)
        // 32 random bytes are vanishingly unlikely to be all zero (the buffer's initial state).
        #expect(SecureRandom.bytes(32) != [UInt8](repeating: 0, count: 32))
    }

    @Test func hexEncode() {
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode([0x00, 0x01, 0x0f, 0x10, 0xab, 0xff]) == "00010f10abff")
    }

    @Test func hexDecode() {
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("00010f10abff") == [0x00, 0x01, 0x0f, 0x10, 0xab, 0xff])
        #expect(Hex.decode("DEADbeef") == [0xde, 0xad, 0xbe, 0xef])
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(all)) == all)
    }

    @Test(arguments: ["0", "abc", "fffff", "0g", "zz", "  ", "0x00", "12 4", "é0", "+1"])
    func hexDecodeRejects(_ input: String) {
        #expect(Hex.decode(input) == nil)
    }

    @Test func constantTimeEquals() {
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([0, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
        #expect(!ConstantTime.equals([UInt8](), [0]))
        #expect(!ConstantTime.equals([0], [UInt8]()))
        let big = SecureRandom.bytes(4096)
        var other = big
        #expect(ConstantTime.equals(big, other))
        other[4095] ^= 0x01
        #expect(!ConstantTime.equals(big, other))

        #expect(ConstantTime.equals("", ""))
        #expect(ConstantTime.equals("sig=abc", "sig=abc"))
        #expect(!ConstantTime.equals("sig=abc", "sig=abd"))
        #expect(!ConstantTime.equals("sig=abc", "sig=ab"))
        #expect(!ConstantTime.equals("é", "e"))
    }

    @Test func contentIDIsDeterministicAndDistinct() {
        let a = ContentID.uuid("tenant/1/finding/CL-CT-001|abc")
        #expect(ContentID.uuid("tenant/1/finding/CL-CT-001|abc") == a)
        #expect(ContentID.uuid("tenant/1/finding/CL-CT-001|abd") != a)
        #expect(ContentID.uuid("") != a)

        var seen = Set<String>()
        for i in 0..<500 { seen.insert(ContentID.uuid("name-\(i)")) }
        #expect(seen.count == 500)
    }

    @Test(arguments: ["", "a", "abc", "CL-CT-001|3c0f6e9a-8d2b-4f1e-a7c5-1b9d2e4f6a80", "ünïcödé ✓"])
    func contentIDHasUUIDShape(_ name: String) {
        let id = ContentID.uuid(name)
        let chars = Array(id)
        #expect(chars.count == 36)
        for (i, c) in chars.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                #expect(c == "-", "position \(i) of \(id)")
            } else {
                #expect("0123456789abcdef".contains(c), "position \(i) of \(id)")
            }
        }
        #expect(chars[14] == "8", "version nibble of \(id)")
        #expect("89ab".contains(chars[19]), "variant nibble of \(id)")
    }

    @Test func contentIDIsDerivedFromSHA256() {
        // The UUID is SHA-256's first 16 bytes with the version and variant bits overwritten.
        let digest = Hex.encode(SHA256.hash(ascii("abc")).prefix(16))
        let id = ContentID.uuid("abc").replacingDashes()
        #expect(id.count == 32)
        let differing = zip(digest, id).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(differing.allSatisfy { $0 == 12 || $0 == 16 })
        // "abc" hashes to ba7816bf 8f01 cfea 4141 40de5dae2223 -> version nibble c→8, variant 4→8 (01xx → 10xx).
        #expect(ContentID.uuid("abc") == "ba7816bf-8f01-8fea-8141-40de5dae2223")
    }
}

private extension String {
    func replacingDashes() -> String { String(filter { $0 != "-" }) }
}

@Suite("MD5 (for S3 Content-MD5)")
struct MD5Tests {
    @Test("RFC 1321 test suite values")
    func rfc1321() {
        let cases: [(String, String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (input, expected) in cases { #expect(Hex.encode(MD5.hash(Array(input.utf8))) == expected, "MD5(\(input))") }
    }
}
