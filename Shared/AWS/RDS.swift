import Foundation

/// Amazon RDS (regional, query protocol with `<DBInstance>` list items and `Marker` pagination).
public struct RDS: Sendable {
    public let client: AWSClient
    public let region: String?
    public init(_ client: AWSClient, region: String? = nil) {
        self.client = client
        self.region = region
    }

    public struct DBInstance: Sendable, Equatable {
        public var identifier: String
        public var arn: String?
        public var instanceClass: String?
        public var engine: String?
        public var engineVersion: String?
        public var status: String?
        public var publiclyAccessible: Bool
        public var storageEncrypted: Bool
        public var kmsKeyId: String?
        public var multiAZ: Bool
        public var backupRetentionPeriod: Int?
        public var autoMinorVersionUpgrade: Bool?
        public var deletionProtection: Bool
        public var iamDatabaseAuthenticationEnabled: Bool
        public var vpcId: String?
        public var endpointAddress: String?
        public var endpointPort: Int?
        public var enabledLogExports: [String]
        public var vpcSecurityGroupIds: [String]

        static func parse(_ e: XMLElement, operation: String) throws(AWSError) -> DBInstance {
            DBInstance(identifier: try e.required("DBInstanceIdentifier", in: operation), arn: e.string("DBInstanceArn"),
                       instanceClass: e.string("DBInstanceClass"), engine: e.string("Engine"), engineVersion: e.string("EngineVersion"),
                       status: e.string("DBInstanceStatus"), publiclyAccessible: e.bool("PubliclyAccessible") ?? false,
                       storageEncrypted: e.bool("StorageEncrypted") ?? false, kmsKeyId: e.string("KmsKeyId"),
                       multiAZ: e.bool("MultiAZ") ?? false, backupRetentionPeriod: e.int("BackupRetentionPeriod"),
                       autoMinorVersionUpgrade: e.bool("AutoMinorVersionUpgrade"), deletionProtection: e.bool("DeletionProtection") ?? false,
                       iamDatabaseAuthenticationEnabled: e.bool("IAMDatabaseAuthenticationEnabled") ?? false,
                       vpcId: e.string("DBSubnetGroup", "VpcId"), endpointAddress: e.string("Endpoint", "Address"),
                       endpointPort: e.int("Endpoint", "Port"), enabledLogExports: e.list("EnabledCloudwatchLogsExports").map(\.text),
                       vpcSecurityGroupIds: e.list("VpcSecurityGroups", item: "VpcSecurityGroupMembership").compactMap { $0.string("VpcSecurityGroupId") })
        }
    }

    /// DB instances (one when `identifier` is given), `pageSize` between 20 and 100.
    public func describeDBInstances(identifier: String? = nil, pageSize: Int? = nil) -> AWSPaginator<DBInstance> {
        let client = self.client, region = self.region
        return AWSPaginator { (marker: String?) async throws(AWSError) -> AWSPaginator<DBInstance>.Page in
            var p = QueryParameters()
            p.add("DBInstanceIdentifier", identifier)
            p.add("MaxRecords", pageSize)
            p.add("Marker", marker)
            let r = try await client.query(.rds, "DescribeDBInstances", p, region: region)
            var items: [DBInstance] = []
            for e in r.list("DBInstances", item: "DBInstance") { items.append(try DBInstance.parse(e, operation: "rds.DescribeDBInstances")) }
            return (items, r.string("Marker"))
        }
    }

    /// The changes remediation makes to an instance; nil fields are left as they are.
    public struct Modification: Sendable, Equatable {
        public var publiclyAccessible: Bool?
        public var backupRetentionPeriod: Int?
        public var deletionProtection: Bool?
        public var autoMinorVersionUpgrade: Bool?
        public var multiAZ: Bool?
        public var enableIAMDatabaseAuthentication: Bool?
        public var applyImmediately: Bool

        public init(publiclyAccessible: Bool? = nil, backupRetentionPeriod: Int? = nil, deletionProtection: Bool? = nil,
                    autoMinorVersionUpgrade: Bool? = nil, multiAZ: Bool? = nil, enableIAMDatabaseAuthentication: Bool? = nil,
                    applyImmediately: Bool = true) {
            self.publiclyAccessible = publiclyAccessible
            self.backupRetentionPeriod = backupRetentionPeriod
            self.deletionProtection = deletionProtection
            self.autoMinorVersionUpgrade = autoMinorVersionUpgrade
            self.multiAZ = multiAZ
            self.enableIAMDatabaseAuthentication = enableIAMDatabaseAuthentication
            self.applyImmediately = applyImmediately
        }
    }

    @discardableResult
    public func modifyDBInstance(identifier: String, _ change: Modification) async throws(AWSError) -> DBInstance {
        var p = QueryParameters()
        p.add("DBInstanceIdentifier", identifier)
        p.add("PubliclyAccessible", change.publiclyAccessible)
        p.add("BackupRetentionPeriod", change.backupRetentionPeriod)
        p.add("DeletionProtection", change.deletionProtection)
        p.add("AutoMinorVersionUpgrade", change.autoMinorVersionUpgrade)
        p.add("MultiAZ", change.multiAZ)
        p.add("EnableIAMDatabaseAuthentication", change.enableIAMDatabaseAuthentication)
        p.add("ApplyImmediately", change.applyImmediately)
        let r = try await client.query(.rds, "ModifyDBInstance", p, region: region)
        guard let e = r.child("DBInstance") else {
            throw AWSError(kind: .malformedResponse, code: "MissingField", message: "the rds.ModifyDBInstance answer lacks DBInstance",
                           operation: "rds.ModifyDBInstance")
        }
        return try DBInstance.parse(e, operation: "rds.ModifyDBInstance")
    }
}
