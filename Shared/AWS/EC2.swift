import Foundation

/// Amazon EC2 (regional; the EC2 flavour of the query protocol: `Name.N` lists, `<item>` elements, `nextToken`).
public struct EC2: Sendable {
    public let client: AWSClient
    /// The region calls go to; the client's region when nil.
    public let region: String?
    public init(_ client: AWSClient, region: String? = nil) {
        self.client = client
        self.region = region
    }

    /// A describe call's pages: `NextToken`/`MaxResults` in, `nextToken` out.
    func paginate<T: Sendable>(_ action: String, _ parameters: QueryParameters, pageSize: Int?, listPath: [String],
                               parse: @escaping @Sendable (XMLElement) throws(AWSError) -> [T]) -> AWSPaginator<T> {
        let client = self.client, region = self.region
        return AWSPaginator { (token: String?) async throws(AWSError) -> AWSPaginator<T>.Page in
            var p = parameters
            p.add("MaxResults", pageSize)
            p.add("NextToken", token)
            let r = try await client.query(.ec2, action, p, region: region)
            var items: [T] = []
            for item in r.descend(listPath)?.children("item") ?? [] { items += try parse(item) }
            return (items, r.string("nextToken"))
        }
    }

    static func tags(_ e: XMLElement) -> [String: String] {
        var tags: [String: String] = [:]
        for t in e.list("tagSet", item: "item") { if let k = t.string("key") { tags[k] = t.string("value") ?? "" } }
        return tags
    }

    /// The instance's security groups; some answers (moto) list them only on the network interfaces.
    static func instanceGroupIds(_ e: XMLElement) -> [String] {
        var ids = e.list("groupSet", item: "item").compactMap { $0.string("groupId") }
        for eni in e.list("networkInterfaceSet", item: "item") {
            for g in eni.list("groupSet", item: "item") { if let id = g.string("groupId"), !ids.contains(id) { ids.append(id) } }
        }
        return ids
    }

    static func base(_ filters: [EC2Filter], ids: [String] = [], idName: String = "") -> QueryParameters {
        var p = QueryParameters()
        p.addFlat(idName, ids)
        p.addFilters(filters)
        return p
    }

    // MARK: Regions

    public struct Region: Sendable, Equatable {
        public var regionName: String
        public var endpoint: String?
        /// `opt-in-not-required`, `opted-in` or `not-opted-in`.
        public var optInStatus: String?
    }

    /// The regions enabled for the account (every region with `allRegions`).
    public func describeRegions(allRegions: Bool = false) async throws(AWSError) -> [Region] {
        var p = QueryParameters()
        if allRegions { p.add("AllRegions", true) }
        let r = try await client.query(.ec2, "DescribeRegions", p, region: region)
        var out: [Region] = []
        for e in r.list("regionInfo", item: "item") {
            out.append(Region(regionName: try e.required("regionName", in: "ec2.DescribeRegions"), endpoint: e.string("regionEndpoint"),
                              optInStatus: e.string("optInStatus")))
        }
        return out
    }

    // MARK: Instances

    public struct Instance: Sendable, Equatable {
        public var instanceId: String
        public var reservationId: String
        public var ownerId: String?
        public var imageId: String?
        public var instanceType: String?
        /// `pending`, `running`, `stopped`, ...
        public var state: String?
        public var vpcId: String?
        public var subnetId: String?
        public var privateIpAddress: String?
        public var publicIpAddress: String?
        public var iamInstanceProfileArn: String?
        public var securityGroupIds: [String]
        /// `required` means IMDSv2 only; `optional` allows IMDSv1.
        public var metadataHttpTokens: String?
        public var metadataHttpEndpoint: String?
        public var metadataHopLimit: Int?
        public var launchTime: Date?
        public var tags: [String: String]
    }

    public func describeInstances(instanceIds: [String] = [], filters: [EC2Filter] = [], pageSize: Int? = nil) -> AWSPaginator<Instance> {
        paginate("DescribeInstances", Self.base(filters, ids: instanceIds, idName: "InstanceId"), pageSize: pageSize,
                 listPath: ["reservationSet"]) { (reservation: XMLElement) throws(AWSError) -> [Instance] in
            var out: [Instance] = []
            for e in reservation.list("instancesSet", item: "item") {
                out.append(Instance(
                    instanceId: try e.required("instanceId", in: "ec2.DescribeInstances"), reservationId: reservation.string("reservationId") ?? "",
                    ownerId: reservation.string("ownerId"), imageId: e.string("imageId"), instanceType: e.string("instanceType"),
                    state: e.string("instanceState", "name"), vpcId: e.string("vpcId"), subnetId: e.string("subnetId"),
                    privateIpAddress: e.string("privateIpAddress"), publicIpAddress: e.string("ipAddress"),
                    iamInstanceProfileArn: e.string("iamInstanceProfile", "arn"),
                    securityGroupIds: Self.instanceGroupIds(e),
                    metadataHttpTokens: e.string("metadataOptions", "httpTokens"), metadataHttpEndpoint: e.string("metadataOptions", "httpEndpoint"),
                    metadataHopLimit: e.int("metadataOptions", "httpPutResponseHopLimit"), launchTime: e.date("launchTime"), tags: Self.tags(e)))
            }
            return out
        }
    }

    public struct MetadataOptions: Sendable, Equatable {
        public var instanceId: String
        public var httpTokens: String?
        public var httpEndpoint: String?
        public var hopLimit: Int?
        public var state: String?
    }

    /// Requires IMDSv2 (`httpTokens: "required"`) or changes the endpoint and hop limit.
    public func modifyInstanceMetadataOptions(instanceId: String, httpTokens: String? = nil, httpEndpoint: String? = nil,
                                              hopLimit: Int? = nil) async throws(AWSError) -> MetadataOptions {
        var p = QueryParameters()
        p.add("InstanceId", instanceId)
        p.add("HttpTokens", httpTokens)
        p.add("HttpEndpoint", httpEndpoint)
        p.add("HttpPutResponseHopLimit", hopLimit)
        let r = try await client.query(.ec2, "ModifyInstanceMetadataOptions", p, region: region)
        return MetadataOptions(instanceId: r.string("instanceId") ?? instanceId,
                               httpTokens: r.string("instanceMetadataOptions", "httpTokens"),
                               httpEndpoint: r.string("instanceMetadataOptions", "httpEndpoint"),
                               hopLimit: r.int("instanceMetadataOptions", "httpPutResponseHopLimit"),
                               state: r.string("instanceMetadataOptions", "state"))
    }

    // MARK: Security groups

    /// One rule of a security group, as EC2 describes and accepts it.
    public struct IPPermission: Sendable, Equatable {
        /// `tcp`, `udp`, `icmp`, `icmpv6` or `-1` for every protocol.
        public var ipProtocol: String
        public var fromPort: Int?
        public var toPort: Int?
        public var ipv4Ranges: [String]
        public var ipv6Ranges: [String]
        public var sourceGroupIds: [String]
        public var prefixListIds: [String]

        public init(ipProtocol: String, fromPort: Int? = nil, toPort: Int? = nil, ipv4Ranges: [String] = [], ipv6Ranges: [String] = [],
                    sourceGroupIds: [String] = [], prefixListIds: [String] = []) {
            self.ipProtocol = ipProtocol
            self.fromPort = fromPort
            self.toPort = toPort
            self.ipv4Ranges = ipv4Ranges
            self.ipv6Ranges = ipv6Ranges
            self.sourceGroupIds = sourceGroupIds
            self.prefixListIds = prefixListIds
        }

        static func parse(_ e: XMLElement) -> IPPermission {
            IPPermission(ipProtocol: e.string("ipProtocol") ?? "-1", fromPort: e.int("fromPort"), toPort: e.int("toPort"),
                         ipv4Ranges: e.list("ipRanges", item: "item").compactMap { $0.string("cidrIp") },
                         ipv6Ranges: e.list("ipv6Ranges", item: "item").compactMap { $0.string("cidrIpv6") },
                         sourceGroupIds: e.list("groups", item: "item").compactMap { $0.string("groupId") },
                         prefixListIds: e.list("prefixListIds", item: "item").compactMap { $0.string("prefixListId") })
        }

        func add(to p: inout QueryParameters, index n: Int) {
            let k = "IpPermissions.\(n)"
            p.add("\(k).IpProtocol", ipProtocol)
            p.add("\(k).FromPort", fromPort)
            p.add("\(k).ToPort", toPort)
            for (i, c) in ipv4Ranges.enumerated() { p.add("\(k).IpRanges.\(i + 1).CidrIp", c) }
            for (i, c) in ipv6Ranges.enumerated() { p.add("\(k).Ipv6Ranges.\(i + 1).CidrIpv6", c) }
            for (i, g) in sourceGroupIds.enumerated() { p.add("\(k).Groups.\(i + 1).GroupId", g) }
            for (i, l) in prefixListIds.enumerated() { p.add("\(k).PrefixListIds.\(i + 1).PrefixListId", l) }
        }
    }

    public struct SecurityGroup: Sendable, Equatable {
        public var groupId: String
        public var groupName: String
        public var description: String?
        public var vpcId: String?
        public var ownerId: String?
        public var ingress: [IPPermission]
        public var egress: [IPPermission]
        public var tags: [String: String]
    }

    public func describeSecurityGroups(groupIds: [String] = [], filters: [EC2Filter] = [], pageSize: Int? = nil) -> AWSPaginator<SecurityGroup> {
        paginate("DescribeSecurityGroups", Self.base(filters, ids: groupIds, idName: "GroupId"), pageSize: pageSize,
                 listPath: ["securityGroupInfo"]) { (e: XMLElement) throws(AWSError) -> [SecurityGroup] in
            [SecurityGroup(groupId: try e.required("groupId", in: "ec2.DescribeSecurityGroups"), groupName: e.string("groupName") ?? "",
                           description: e.string("groupDescription"), vpcId: e.string("vpcId"), ownerId: e.string("ownerId"),
                           ingress: e.list("ipPermissions", item: "item").map(IPPermission.parse),
                           egress: e.list("ipPermissionsEgress", item: "item").map(IPPermission.parse), tags: Self.tags(e))]
        }
    }

    public func authorizeSecurityGroupIngress(groupId: String, permissions: [IPPermission]) async throws(AWSError) {
        try await changeIngress("AuthorizeSecurityGroupIngress", groupId: groupId, permissions: permissions)
    }

    public func revokeSecurityGroupIngress(groupId: String, permissions: [IPPermission]) async throws(AWSError) {
        try await changeIngress("RevokeSecurityGroupIngress", groupId: groupId, permissions: permissions)
    }

    func changeIngress(_ action: String, groupId: String, permissions: [IPPermission]) async throws(AWSError) {
        var p = QueryParameters()
        p.add("GroupId", groupId)
        for (i, perm) in permissions.enumerated() { perm.add(to: &p, index: i + 1) }
        let r = try await client.query(.ec2, action, p, region: region)
        // EC2 answers `<return>false</return>` when nothing changed in some cases instead of an error.
        if r.bool("return") == false {
            throw AWSError(kind: .service, code: "NotApplied", message: "\(action) on \(groupId) answered return=false",
                           requestId: r.string("requestId"), operation: "ec2.\(action)")
        }
    }

    // MARK: Network

    public struct VPC: Sendable, Equatable {
        public var vpcId: String
        public var cidrBlock: String?
        public var isDefault: Bool
        public var state: String?
        public var ownerId: String?
        public var tags: [String: String]
    }

    public func describeVpcs(vpcIds: [String] = [], filters: [EC2Filter] = [], pageSize: Int? = nil) -> AWSPaginator<VPC> {
        paginate("DescribeVpcs", Self.base(filters, ids: vpcIds, idName: "VpcId"), pageSize: pageSize, listPath: ["vpcSet"]) { (e: XMLElement) throws(AWSError) -> [VPC] in
            [VPC(vpcId: try e.required("vpcId", in: "ec2.DescribeVpcs"), cidrBlock: e.string("cidrBlock"), isDefault: e.bool("isDefault") ?? false,
                 state: e.string("state"), ownerId: e.string("ownerId"), tags: Self.tags(e))]
        }
    }

    public struct Subnet: Sendable, Equatable {
        public var subnetId: String
        public var vpcId: String?
        public var cidrBlock: String?
        public var availabilityZone: String?
        public var mapPublicIpOnLaunch: Bool
        public var state: String?
        public var tags: [String: String]
    }

    public func describeSubnets(subnetIds: [String] = [], filters: [EC2Filter] = [], pageSize: Int? = nil) -> AWSPaginator<Subnet> {
        paginate("DescribeSubnets", Self.base(filters, ids: subnetIds, idName: "SubnetId"), pageSize: pageSize, listPath: ["subnetSet"]) { (e: XMLElement) throws(AWSError) -> [Subnet] in
            [Subnet(subnetId: try e.required("subnetId", in: "ec2.DescribeSubnets"), vpcId: e.string("vpcId"), cidrBlock: e.string("cidrBlock"),
                    availabilityZone: e.string("availabilityZone"), mapPublicIpOnLaunch: e.bool("mapPublicIpOnLaunch") ?? false,
                    state: e.string("state"), tags: Self.tags(e))]
        }
    }

    public struct FlowLog: Sendable, Equatable {
        public var flowLogId: String
        public var resourceId: String?
        /// `ACCEPT`, `REJECT` or `ALL`.
        public var trafficType: String?
        public var logDestinationType: String?
        public var logDestination: String?
        public var logGroupName: String?
        public var status: String?
    }

    public func describeFlowLogs(flowLogIds: [String] = [], filters: [EC2Filter] = [], pageSize: Int? = nil) -> AWSPaginator<FlowLog> {
        paginate("DescribeFlowLogs", Self.base(filters, ids: flowLogIds, idName: "FlowLogId"), pageSize: pageSize, listPath: ["flowLogSet"]) { (e: XMLElement) throws(AWSError) -> [FlowLog] in
            [FlowLog(flowLogId: try e.required("flowLogId", in: "ec2.DescribeFlowLogs"), resourceId: e.string("resourceId"),
                     trafficType: e.string("trafficType"), logDestinationType: e.string("logDestinationType"),
                     logDestination: e.string("logDestination"), logGroupName: e.string("logGroupName"), status: e.string("flowLogStatus"))]
        }
    }

    // MARK: Storage

    public struct Volume: Sendable, Equatable {
        public var volumeId: String
        public var sizeGiB: Int?
        public var encrypted: Bool
        public var kmsKeyId: String?
        public var state: String?
        public var availabilityZone: String?
        public var attachedInstanceIds: [String]
        public var tags: [String: String]
    }

    public func describeVolumes(volumeIds: [String] = [], filters: [EC2Filter] = [], pageSize: Int? = nil) -> AWSPaginator<Volume> {
        paginate("DescribeVolumes", Self.base(filters, ids: volumeIds, idName: "VolumeId"), pageSize: pageSize, listPath: ["volumeSet"]) { (e: XMLElement) throws(AWSError) -> [Volume] in
            [Volume(volumeId: try e.required("volumeId", in: "ec2.DescribeVolumes"), sizeGiB: e.int("size"), encrypted: e.bool("encrypted") ?? false,
                    kmsKeyId: e.string("kmsKeyId"), state: e.string("status") ?? e.string("state"), availabilityZone: e.string("availabilityZone"),
                    attachedInstanceIds: e.list("attachmentSet", item: "item").compactMap { $0.string("instanceId") }, tags: Self.tags(e))]
        }
    }

    public struct Snapshot: Sendable, Equatable {
        public var snapshotId: String
        public var volumeId: String?
        public var ownerId: String?
        public var encrypted: Bool
        public var kmsKeyId: String?
        public var state: String?
        public var volumeSizeGiB: Int?
        public var startTime: Date?
        public var tags: [String: String]
    }

    /// Snapshots; `owners: ["self"]` limits to the account's own (without it EC2 also lists every public snapshot).
    public func describeSnapshots(owners: [String] = ["self"], snapshotIds: [String] = [], filters: [EC2Filter] = [],
                                  pageSize: Int? = nil) -> AWSPaginator<Snapshot> {
        var p = Self.base(filters, ids: snapshotIds, idName: "SnapshotId")
        p.addFlat("Owner", owners)
        return paginate("DescribeSnapshots", p, pageSize: pageSize, listPath: ["snapshotSet"]) { (e: XMLElement) throws(AWSError) -> [Snapshot] in
            [Snapshot(snapshotId: try e.required("snapshotId", in: "ec2.DescribeSnapshots"), volumeId: e.string("volumeId"),
                      ownerId: e.string("ownerId"), encrypted: e.bool("encrypted") ?? false, kmsKeyId: e.string("kmsKeyId"),
                      state: e.string("status"), volumeSizeGiB: e.int("volumeSize"), startTime: e.date("startTime"), tags: Self.tags(e))]
        }
    }
}
