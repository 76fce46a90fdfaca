import AWS
import Bus
import Foundation
import Store
import Wire

/// Connected AWS accounts: validation, encrypted storage, and the AWS client to read each one.
struct AccountStore: Sendable {
    let database: Database
    let secrets: SecretBox
    /// Development only: accounts may name their own AWS-compatible endpoint (moto).
    let allowCustomEndpoints: Bool

    /// An account with its secrets decrypted, for the ingestor's own use only.
    struct Connection: Sendable {
        var account: CLAccount
        var tenant: String
        var externalID: String?
        var secretAccessKey: String?
    }

    static let columns = SQLFragment("""
        id::text AS id, name, account_id, regions, role_arn, external_id_enc IS NOT NULL AS has_external_id, access_key_id,
        endpoint_url, sqs_queue_url, cloudtrail_bucket, cloudtrail_prefix, created_by,
        (extract(epoch FROM created_at) * 1000)::bigint AS created_ms
        """)

    static func account(_ row: Row) throws -> CLAccount {
        var a = CLAccount()
        a.id = try row.string("id")
        a.name = try row.string("name")
        a.accountID = try row.string("account_id")
        a.regions = try row.textArray("regions")
        a.roleArn = try row.string("role_arn")
        a.hasExternalID_p = try row.bool("has_external_id")
        a.accessKeyID = try row.string("access_key_id")
        a.endpointURL = try row.string("endpoint_url")
        a.sqsQueueURL = try row.string("sqs_queue_url")
        a.cloudtrailBucket = try row.string("cloudtrail_bucket")
        a.cloudtrailPrefix = try row.string("cloudtrail_prefix")
        a.createdBy = try row.string("created_by")
        a.createdAtMs = try row.int64("created_ms")
        return a
    }

    /// Checks a new account and names the first thing wrong with it.
    static func validate(_ req: CLCreateAccountRequest, allowCustomEndpoints: Bool) throws(BusError) {
        let a = req.account
        func bad(_ m: String) -> BusError { BusError(.invalidArgument, m) }
        guard !a.name.trimmingCharacters(in: .whitespaces).isEmpty, a.name.count <= 200 else { throw bad("\"name\" is required (1 to 200 characters)") }
        guard a.accountID.count == 12, a.accountID.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw bad("\"account_id\" must be the 12-digit AWS account id")
        }
        guard !a.regions.isEmpty, a.regions.count <= 40 else { throw bad("\"regions\" must list 1 to 40 AWS regions") }
        for r in a.regions where !Self.isRegion(r) { throw bad("\"\(r)\" is not an AWS region name (for example us-east-1)") }
        let usesRole = !a.roleArn.isEmpty
        let usesKeys = !a.accessKeyID.isEmpty || !req.secretAccessKey.isEmpty
        guard usesRole != usesKeys else {
            throw bad("give either \"role_arn\" (with \"external_id\") or \"access_key_id\" + \"secret_access_key\" (development)")
        }
        if !a.endpointURL.isEmpty, !allowCustomEndpoints {
            throw bad("\"endpoint_url\" is disabled on this installation (CL_ALLOW_CUSTOM_ENDPOINTS): accounts are read at AWS's own endpoints")
        }
        if usesRole {
            guard a.endpointURL.isEmpty else { throw bad("\"endpoint_url\" is only for development access keys, not with \"role_arn\"") }
            let parts = a.roleArn.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[4] == Substring(a.accountID), parts[5].hasPrefix("role/") else {
                throw bad("\"role_arn\" must be arn:aws:iam::<account_id>:role/<name> in the same account")
            }
            guard (2...1224).contains(req.externalID.count) else { throw bad("\"external_id\" is required with a role (2 to 1224 characters)") }
        } else {
            guard !a.accessKeyID.isEmpty, !req.secretAccessKey.isEmpty else {
                throw bad("\"access_key_id\" and \"secret_access_key\" go together")
            }
            guard a.endpointURL.hasPrefix("http://") || a.endpointURL.hasPrefix("https://") else {
                throw bad("access keys are for development against an AWS-compatible endpoint: set \"endpoint_url\" (http:// or https://)")
            }
        }
        if !a.endpointURL.isEmpty, !(a.endpointURL.hasPrefix("http://") || a.endpointURL.hasPrefix("https://")) {
            throw bad("\"endpoint_url\" must start with http:// or https://")
        }
        if !a.sqsQueueURL.isEmpty, !(a.sqsQueueURL.hasPrefix("https://") || a.sqsQueueURL.hasPrefix("http://")) {
            throw bad("\"sqs_queue_url\" must be the queue's URL (https://sqs.<region>.amazonaws.com/<account>/<name>)")
        }
        if !a.cloudtrailBucket.isEmpty, !S3.isValidBucketName(a.cloudtrailBucket) {
            throw bad("\"cloudtrail_bucket\" is not a valid S3 bucket name")
        }
        if !a.cloudtrailPrefix.isEmpty, a.cloudtrailBucket.isEmpty { throw bad("\"cloudtrail_prefix\" needs \"cloudtrail_bucket\"") }
    }

    static func isRegion(_ r: String) -> Bool {
        let parts = r.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, !parts.contains(where: \.isEmpty), let last = parts.last, last.allSatisfy(\.isNumber) else { return false }
        return r.allSatisfy { ($0.isLetter && $0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" } && r.count <= 25
    }

    func create(_ req: CLCreateAccountRequest, tenant: String, actor: String) async throws -> CLAccount {
        try Self.validate(req, allowCustomEndpoints: allowCustomEndpoints)
        let id = UUID().uuidString.lowercased()
        let a = req.account
        let externalEnc = req.externalID.isEmpty ? nil : try secrets.seal(req.externalID, tenant: tenant, purpose: "external_id:\(id)")
        let secretEnc = req.secretAccessKey.isEmpty ? nil : try secrets.seal(req.secretAccessKey, tenant: tenant, purpose: "secret:\(id)")
        let rows: [Row]
        do { rows = try await database.withTransaction(tenant: tenant) { conn in
            let existing = try conn.query("SELECT 1 FROM ingestor.accounts WHERE name = \(a.name)")
            guard existing.isEmpty else { throw BusError(.alreadyExists, "an account named \(a.name) is already connected") }
            let rows = try conn.query("""
                INSERT INTO ingestor.accounts (id, tenant_id, name, account_id, regions, role_arn, external_id_enc, access_key_id,
                    secret_enc, endpoint_url, sqs_queue_url, cloudtrail_bucket, cloudtrail_prefix, created_by)
                VALUES (\(id)::uuid, \(tenant)::uuid, \(a.name), \(a.accountID), \(TextArray(a.regions))::text[], \(a.roleArn),
                    \(externalEnc), \(a.accessKeyID), \(secretEnc), \(a.endpointURL), \(a.sqsQueueURL), \(a.cloudtrailBucket),
                    \(a.cloudtrailPrefix), \(actor))
                RETURNING \(Self.columns)
                """)
            if !a.sqsQueueURL.isEmpty {
                try conn.query("INSERT INTO ingestor.queue_sources (account_uuid, tenant_id) VALUES (\(id)::uuid, \(tenant)::uuid)")
            }
            return rows
        } } catch let e as StoreError where e.code == .uniqueViolation {
            // Two creations with the same name raced past the check above.
            throw BusError(.alreadyExists, "an account named \(a.name) is already connected")
        }
        guard let row = rows.first else { throw BusError(.internal, "the account was not stored") }
        return try Self.account(row)
    }

    func list(tenant: String) async throws -> [CLAccount] {
        try await database.query("SELECT \(Self.columns) FROM ingestor.accounts ORDER BY created_at, id", tenant: tenant)
            .map(Self.account)
    }

    func get(id: String, tenant: String) async throws -> CLAccount? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try await database.query("SELECT \(Self.columns) FROM ingestor.accounts WHERE id = \(id)::uuid", tenant: tenant)
            .first.map(Self.account)
    }

    func delete(id: String, tenant: String) async throws -> Bool {
        guard UUID(uuidString: id) != nil else { return false }
        return try await database.withTransaction(tenant: tenant) { conn in
            let rows = try conn.query("DELETE FROM ingestor.accounts WHERE id = \(id)::uuid RETURNING id")
            guard !rows.isEmpty else { return false }
            try conn.query("DELETE FROM ingestor.queue_sources WHERE account_uuid = \(id)::uuid AND tenant_id = \(tenant)::uuid")
            return true
        }
    }

    /// The account with its secrets, for building an AWS client.
    func connection(id: String, tenant: String) async throws -> Connection? {
        guard UUID(uuidString: id) != nil else { return nil }
        let rows = try await database.query("""
            SELECT \(Self.columns), external_id_enc, secret_enc FROM ingestor.accounts WHERE id = \(id)::uuid
            """, tenant: tenant)
        guard let row = rows.first else { return nil }
        var c = Connection(account: try Self.account(row), tenant: tenant)
        if row["external_id_enc"] != nil {
            c.externalID = try secrets.open(try row.bytes("external_id_enc"), tenant: tenant, purpose: "external_id:\(id)")
        }
        if row["secret_enc"] != nil {
            c.secretAccessKey = try secrets.open(try row.bytes("secret_enc"), tenant: tenant, purpose: "secret:\(id)")
        }
        return c
    }

    /// Every (account, tenant) with a queue to poll, across tenants (pointers only).
    func queueSources() async throws -> [(account: String, tenant: String)] {
        try await database.query("SELECT account_uuid::text AS a, tenant_id::text AS t FROM ingestor.queue_sources ORDER BY account_uuid")
            .map { (try $0.string("a"), try $0.string("t")) }
    }

    /// An AWS client for the account: its keys against its endpoint (development), or CloudLoom's own
    /// credentials assuming the tenant's role with its external ID (production).
    static func client(for c: Connection, base: AWSClient, region: String? = nil) -> AWSClient {
        let region = region ?? c.account.regions.first ?? "us-east-1"
        if let secret = c.secretAccessKey {
            return AWSClient(credentials: StaticCredentialProvider(accessKeyId: c.account.accessKeyID, secretAccessKey: secret),
                             configuration: .init(region: region, endpoint: c.account.endpointURL.isEmpty ? nil : c.account.endpointURL),
                             http: base.http)
        }
        let provider = AssumeRoleCredentialProvider(base: base, roleArn: c.account.roleArn, externalId: c.externalID,
                                                    sessionName: "cloudloom-ingestor")
        return base.with(credentials: provider, region: region)
    }
}
