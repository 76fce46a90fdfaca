import Foundation

/// AWS Key Management Service (regional; JSON 1.1 with `X-Amz-Target: TrentService.<Operation>`).
public struct KMS: Sendable {
    public let client: AWSClient
    /// The region calls go to; the client's region when nil.
    public let region: String?
    public init(_ client: AWSClient, region: String? = nil) {
        self.client = client
        self.region = region
    }

    // MARK: Keys

    /// A key as ListKeys names it.
    public struct KeyListEntry: Sendable, Equatable {
        public var keyId: String
        public var keyArn: String
    }

    /// Every key of the region, customer and AWS managed alike (`Limit`/`Marker`/`Truncated`, `pageSize` 1 to 1000).
    public func listKeys(pageSize: Int? = nil) -> AWSPaginator<KeyListEntry> {
        let client = self.client, region = self.region
        return AWSPaginator { (marker: String?) async throws(AWSError) -> AWSPaginator<KeyListEntry>.Page in
            let o = try await client.json(.kms, "ListKeys", ListKeysInput(limit: pageSize, marker: marker), as: ListKeysOutput.self,
                                          region: region)
            let items = (o.keys ?? []).map { KeyListEntry(keyId: $0.keyId, keyArn: $0.keyArn) }
            guard o.truncated == true else { return (items, nil) }
            guard let next = o.nextMarker, !next.isEmpty else {
                // Stopping here would silently drop the remaining keys.
                throw AWSError(kind: .malformedResponse, code: "MissingField", message: "the kms.ListKeys answer is truncated without a NextMarker",
                               operation: "kms.ListKeys")
            }
            return (items, next)
        }
    }

    /// What DescribeKey tells about a key.
    public struct KeyMetadata: Sendable, Equatable {
        public var keyId: String
        public var arn: String
        /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `PendingReplicaDeletion`, `Unavailable`, `Creating`, ...
        public var keyState: String?
        /// `CUSTOMER` or `AWS` (AWS managed keys, `alias/aws/...`, whose rotation AWS controls).
        public var keyManager: String?
        /// `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `GENERATE_VERIFY_MAC`, `KEY_AGREEMENT`.
        public var keyUsage: String?
        /// `SYMMETRIC_DEFAULT`, `RSA_2048`, `ECC_NIST_P256`, `HMAC_256`, ... (the older `CustomerMasterKeySpec` when
        /// `KeySpec` is absent). Only symmetric encryption keys support automatic rotation.
        public var keySpec: String?
        public var enabled: Bool
        public var creationDate: Date?
        /// When a key pending deletion will be deleted.
        public var deletionDate: Date?
        /// `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
        public var origin: String?
        public var description: String?
    }

    /// A key's metadata, by key id, key ARN, alias name (`alias/...`) or alias ARN.
    public func describeKey(keyId: String) async throws(AWSError) -> KeyMetadata {
        try await client.json(.kms, "DescribeKey", KeyIdInput(keyId: keyId), as: KeyMetadataOutput.self, region: region).keyMetadata.metadata
    }

    /// Creates a symmetric encryption key. Used by tests and development setups.
    public func createKey(description: String? = nil) async throws(AWSError) -> KeyMetadata {
        try await client.json(.kms, "CreateKey", CreateKeyInput(description: description), as: KeyMetadataOutput.self, region: region)
            .keyMetadata.metadata
    }

    // MARK: Rotation

    /// Whether automatic rotation is on. KMS answers `UnsupportedOperationException` for keys that cannot rotate
    /// (asymmetric, HMAC, imported, custom key store) and `KMSInvalidStateException` for keys pending deletion.
    public func getKeyRotationStatus(keyId: String) async throws(AWSError) -> Bool {
        try await client.json(.kms, "GetKeyRotationStatus", KeyIdInput(keyId: keyId), as: RotationStatusOutput.self, region: region)
            .keyRotationEnabled
    }

    /// Turns automatic rotation on, every `rotationPeriodInDays` (90 to 2560; KMS's default, 365, when nil).
    public func enableKeyRotation(keyId: String, rotationPeriodInDays: Int? = nil) async throws(AWSError) {
        // The answer has no members (moto even answers a bare `null`), so it is not decoded.
        try await client.jsonCall(.kms, "EnableKeyRotation", EnableKeyRotationInput(keyId: keyId, rotationPeriodInDays: rotationPeriodInDays),
                                  region: region)
    }

    // MARK: Wire

    struct KeyIdInput: Encodable, Sendable {
        var keyId: String
        enum CodingKeys: String, CodingKey { case keyId = "KeyId" }
    }

    struct EnableKeyRotationInput: Encodable, Sendable {
        var keyId: String
        var rotationPeriodInDays: Int?
        enum CodingKeys: String, CodingKey {
            case keyId = "KeyId"
            case rotationPeriodInDays = "RotationPeriodInDays"
        }
    }

    struct CreateKeyInput: Encodable, Sendable {
        var description: String?
        enum CodingKeys: String, CodingKey { case description = "Description" }
    }

    struct ListKeysInput: Encodable, Sendable {
        var limit: Int?
        var marker: String?
        enum CodingKeys: String, CodingKey {
            case limit = "Limit"
            case marker = "Marker"
        }
    }

    struct ListKeysOutput: Decodable {
        var keys: [WireKey]?
        var nextMarker: String?
        var truncated: Bool?
        enum CodingKeys: String, CodingKey {
            case keys = "Keys"
            case nextMarker = "NextMarker"
            case truncated = "Truncated"
        }
    }

    struct WireKey: Decodable {
        var keyId: String
        var keyArn: String
        enum CodingKeys: String, CodingKey {
            case keyId = "KeyId"
            case keyArn = "KeyArn"
        }
    }

    struct KeyMetadataOutput: Decodable {
        var keyMetadata: WireKeyMetadata
        enum CodingKeys: String, CodingKey { case keyMetadata = "KeyMetadata" }
    }

    struct WireKeyMetadata: Decodable {
        var keyId: String
        var arn: String
        var keyState: String?
        var keyManager: String?
        var keyUsage: String?
        var keySpec: String?
        var customerMasterKeySpec: String?
        var enabled: Bool?
        var creationDate: Date?
        var deletionDate: Date?
        var origin: String?
        var description: String?
        enum CodingKeys: String, CodingKey {
            case keyId = "KeyId"
            case arn = "Arn"
            case keyState = "KeyState"
            case keyManager = "KeyManager"
            case keyUsage = "KeyUsage"
            case keySpec = "KeySpec"
            case customerMasterKeySpec = "CustomerMasterKeySpec"
            case enabled = "Enabled"
            case creationDate = "CreationDate"
            case deletionDate = "DeletionDate"
            case origin = "Origin"
            case description = "Description"
        }

        var metadata: KeyMetadata {
            KeyMetadata(keyId: keyId, arn: arn, keyState: keyState, keyManager: keyManager, keyUsage: keyUsage,
                        keySpec: keySpec ?? customerMasterKeySpec, enabled: enabled ?? false, creationDate: creationDate,
                        deletionDate: deletionDate, origin: origin, description: description)
        }
    }

    struct RotationStatusOutput: Decodable {
        var keyRotationEnabled: Bool
        enum CodingKeys: String, CodingKey { case keyRotationEnabled = "KeyRotationEnabled" }
    }
}
