import COpenSSL

/// AES-256-GCM authenticated encryption (NIST SP 800-38D) through OpenSSL's EVP interface.
public enum AESGCM {
    public static let keyBytes = 32
    public static let nonceBytes = 12
    public static let tagBytes = 16

    /// A sealed message: nonce, ciphertext and tag.
    public struct SealedBox: Sendable, Equatable {
        public var nonce: [UInt8]
        public var ciphertext: [UInt8]
        public var tag: [UInt8]

        public init(nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
            self.nonce = nonce
            self.ciphertext = ciphertext
            self.tag = tag
        }

        /// `nonce || ciphertext || tag`, the form we store.
        public var combined: [UInt8] { nonce + ciphertext + tag }

        public init(combined: [UInt8]) throws(CryptoError) {
            guard combined.count >= AESGCM.nonceBytes + AESGCM.tagBytes else {
                throw CryptoError("sealed box of \(combined.count) bytes is shorter than nonce and tag")
            }
            nonce = Array(combined.prefix(AESGCM.nonceBytes))
            tag = Array(combined.suffix(AESGCM.tagBytes))
            ciphertext = Array(combined[AESGCM.nonceBytes..<(combined.count - AESGCM.tagBytes)])
        }
    }

    /// Encrypts and authenticates `plaintext` (and authenticates `aad`). A random 96-bit nonce is drawn unless given.
    public static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8]? = nil, aad: [UInt8] = []) throws(CryptoError) -> SealedBox {
        guard key.count == keyBytes else { throw CryptoError("AES-256-GCM needs a 32-byte key, got \(key.count)") }
        let iv = nonce ?? SecureRandom.bytes(nonceBytes)
        guard !iv.isEmpty else { throw CryptoError("empty nonce") }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError("cannot allocate a cipher context") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        var tag = [UInt8](repeating: 0, count: tagBytes)
        var len: Int32 = 0
        var total = 0
        guard EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1,
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(iv.count), nil) == 1,
              EVP_EncryptInit_ex(ctx, nil, nil, key, iv) == 1 else { throw CryptoError("cannot initialise AES-256-GCM") }
        if !aad.isEmpty {
            guard EVP_EncryptUpdate(ctx, nil, &len, aad, Int32(aad.count)) == 1 else { throw CryptoError("AAD update failed") }
        }
        if !plaintext.isEmpty {
            let ok = out.withUnsafeMutableBufferPointer { EVP_EncryptUpdate(ctx, $0.baseAddress, &len, plaintext, Int32(plaintext.count)) }
            guard ok == 1 else { throw CryptoError("encryption failed") }
            total = Int(len)
        }
        let ok = out.withUnsafeMutableBufferPointer { EVP_EncryptFinal_ex(ctx, $0.baseAddress! + total, &len) }
        guard ok == 1 else { throw CryptoError("encryption failed") }
        total += Int(len)
        guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(tagBytes), &tag) == 1 else { throw CryptoError("cannot read the tag") }
        return SealedBox(nonce: iv, ciphertext: Array(out.prefix(total)), tag: tag)
    }

    /// Checks the tag and decrypts. A wrong key, a changed byte or wrong AAD all give the same error.
    public static func open(_ box: SealedBox, key: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        guard key.count == keyBytes else { throw CryptoError("AES-256-GCM needs a 32-byte key, got \(key.count)") }
        guard box.tag.count == tagBytes, !box.nonce.isEmpty else { throw CryptoError("malformed sealed box") }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError("cannot allocate a cipher context") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: box.ciphertext.count + 16)
        var len: Int32 = 0
        var total = 0
        var tag = box.tag
        guard EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1,
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(box.nonce.count), nil) == 1,
              EVP_DecryptInit_ex(ctx, nil, nil, key, box.nonce) == 1 else { throw CryptoError("cannot initialise AES-256-GCM") }
        if !aad.isEmpty {
            guard EVP_DecryptUpdate(ctx, nil, &len, aad, Int32(aad.count)) == 1 else { throw CryptoError("AAD update failed") }
        }
        if !box.ciphertext.isEmpty {
            let ok = out.withUnsafeMutableBufferPointer {
                EVP_DecryptUpdate(ctx, $0.baseAddress, &len, box.ciphertext, Int32(box.ciphertext.count))
            }
            guard ok == 1 else { throw CryptoError("decryption failed") }
            total = Int(len)
        }
        guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(tagBytes), &tag) == 1 else { throw CryptoError("cannot set the tag") }
        let ok = out.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(ctx, $0.baseAddress! + total, &len) }
        guard ok == 1 else { throw CryptoError("authentication failed: wrong key or tampered data") }
        total += Int(len)
        return Array(out.prefix(total))
    }
}

/// An error from the crypto library; the message never contains key material.
public struct CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "crypto error: \(message)" }
}
