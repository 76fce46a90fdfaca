import CLCrypto

/// Encrypts account secrets at rest with AES-256-GCM. The associated data binds each ciphertext to its tenant and
/// purpose, so a value copied into another tenant's row (or another column) does not decrypt.
struct SecretBox: Sendable {
    let key: [UInt8]

    func seal(_ plaintext: String, tenant: String, purpose: String) throws -> [UInt8] {
        try AESGCM.seal(Array(plaintext.utf8), key: key, aad: Array("\(tenant)|\(purpose)".utf8)).combined
    }

    func open(_ combined: [UInt8], tenant: String, purpose: String) throws -> String {
        let plain = try AESGCM.open(AESGCM.SealedBox(combined: combined), key: key, aad: Array("\(tenant)|\(purpose)".utf8))
        return String(decoding: plain, as: UTF8.self)
    }
}
