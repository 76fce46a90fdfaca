@testable import AWS
import Foundation
import Testing
import TestSupport

/// EC2 calls against the shared moto server. Resources the client cannot create (VPCs, instances, volumes, ...)
/// are made with raw `client.query(.ec2, ...)` calls; every name and tag carries a UUID fragment because moto is
/// shared by the whole process and never reset.
@Suite("EC2 against moto")
struct EC2MotoTests {
    /// moto's default AMI (`EXAMPLE_AMI_ID`, a Windows image that moto ships in every region).
    static let imageId = "ami-12c6146b"
    /// moto's account for any access key it does not know.
    static let accountId = "123456789012"

    @Test("DescribeRegions lists us-east-1 with its endpoint")
    func regions() async throws {
        try await Self.withMotoClient { client in
            let regions = try await EC2(client).describeRegions()
            #expect(!regions.isEmpty)
            #expect(Set(regions.map(\.regionName)).count == regions.count)
            let east = regions.first { $0.regionName == "us-east-1" }
            #expect(east != nil)
            #expect(east?.endpoint == "ec2.us-east-1.amazonaws.com")
            #expect(east?.optInStatus == "opt-in-not-required")
            #expect(regions.contains { $0.regionName == "eu-west-1" })
        }
    }

    @Test("a VPC, a subnet and a security group: described by id; ingress authorized and one rule revoked")
    func networkAndSecurityGroups() async throws {
        try await Self.withMotoClient { client in
            let ec2 = EC2(client)
            let octet = Int.random(in: 1...250)
            let vpcCidr = "10.\(octet).0.0/16", subnetCidr = "10.\(octet).1.0/24"
            let vpcId = try await Self.createVpc(client, cidr: vpcCidr)

            var subnetParams = QueryParameters()
            subnetParams.add("VpcId", vpcId)
            subnetParams.add("CidrBlock", subnetCidr)
            subnetParams.add("AvailabilityZone", "us-east-1a")
            let subnetId = try #require(try await client.query(.ec2, "CreateSubnet", subnetParams).string("subnet", "subnetId"))

            let groupName = "cl-sg-\(Self.unique())"
            var groupParams = QueryParameters()
            groupParams.add("GroupName", groupName)
            groupParams.add("GroupDescription", "CloudLoom test group")
            groupParams.add("VpcId", vpcId)
            let groupId = try #require(try await client.query(.ec2, "CreateSecurityGroup", groupParams).string("groupId"))

            let vpcs = try await ec2.describeVpcs(vpcIds: [vpcId]).collect()
            #expect(vpcs.map(\.vpcId) == [vpcId])
            #expect(vpcs.first?.cidrBlock == vpcCidr)
            #expect(vpcs.first?.isDefault == false)
            #expect(vpcs.first?.state == "available")
            #expect(vpcs.first?.ownerId == Self.accountId)

            let subnets = try await ec2.describeSubnets(subnetIds: [subnetId]).collect()
            #expect(subnets.map(\.subnetId) == [subnetId])
            #expect(subnets.first?.vpcId == vpcId)
            #expect(subnets.first?.cidrBlock == subnetCidr)
            #expect(subnets.first?.availabilityZone == "us-east-1a")
            #expect(subnets.first?.state == "available")
            #expect(subnets.first?.mapPublicIpOnLaunch == false)

            let created = try #require(try await ec2.describeSecurityGroups(groupIds: [groupId]).collect().first)
            #expect(created.groupId == groupId)
            #expect(created.groupName == groupName)
            #expect(created.description == "CloudLoom test group")
            #expect(created.vpcId == vpcId)
            #expect(created.ownerId == Self.accountId)
            #expect(created.ingress.isEmpty)
            // A new group in a VPC allows all outbound traffic.
            #expect(created.egress == [EC2.IPPermission(ipProtocol: "-1", ipv4Ranges: ["0.0.0.0/0"])])

            let ssh = EC2.IPPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: ["0.0.0.0/0"], ipv6Ranges: ["::/0"])
            let portRange = EC2.IPPermission(ipProtocol: "tcp", fromPort: 1000, toPort: 2000, ipv4Ranges: ["10.0.0.0/8"])
            try await ec2.authorizeSecurityGroupIngress(groupId: groupId, permissions: [ssh, portRange])
            let authorized = try #require(try await ec2.describeSecurityGroups(groupIds: [groupId]).collect().first)
            #expect(authorized.ingress.count == 2)
            #expect(authorized.ingress.contains(ssh))
            #expect(authorized.ingress.contains(portRange))

            // The same rule again is a service error, not a silent success.
            let duplicate = await #expect(throws: AWSError.self) {
                try await ec2.authorizeSecurityGroupIngress(groupId: groupId, permissions: [portRange])
            }
            #expect(duplicate?.code == "InvalidPermission.Duplicate")

            try await ec2.revokeSecurityGroupIngress(groupId: groupId, permissions: [portRange])
            let revoked = try #require(try await ec2.describeSecurityGroups(groupIds: [groupId]).collect().first)
            #expect(revoked.ingress == [ssh])
            #expect(revoked.egress == created.egress)
        }
    }

    @Test("RunInstances x2: both described with state and reservation; IMDSv2 required on one of them")
    func instancesAndMetadataOptions() async throws {
        try await Self.withMotoClient { client in
            let ec2 = EC2(client)
            let name = "cl-web-\(Self.unique())"
            let (reservationId, ids) = try await Self.runInstances(client, count: 2, name: name)
            try #require(ids.count == 2)
            #expect(reservationId.hasPrefix("r-"))

            let described = try await ec2.describeInstances(instanceIds: ids).collect()
            #expect(Set(described.map(\.instanceId)) == Set(ids))
            #expect(described.count == 2)
            for instance in described {
                #expect(instance.reservationId == reservationId)
                // moto starts instances at once; AWS would say "pending" for a moment.
                #expect(instance.state == "running")
                #expect(instance.imageId == Self.imageId)
                #expect(instance.instanceType == "t2.micro")
                #expect(instance.ownerId == Self.accountId)
                #expect(instance.tags["Name"] == name)
                #expect(instance.launchTime != nil)
                #expect(instance.privateIpAddress != nil)
                #expect(instance.metadataHttpTokens == "optional")
                #expect(instance.metadataHttpEndpoint == "enabled")
                #expect(instance.metadataHopLimit == 1)
            }

            let options = try await ec2.modifyInstanceMetadataOptions(instanceId: ids[0], httpTokens: "required")
            #expect(options.instanceId == ids[0])
            #expect(options.httpTokens == "required")
            // Only what the answer carries: moto leaves HttpEndpoint out when the call did not set it.
            #expect(options.hopLimit == 1)

            let after = try await ec2.describeInstances(instanceIds: ids).collect()
            #expect(after.first { $0.instanceId == ids[0] }?.metadataHttpTokens == "required")
            #expect(after.first { $0.instanceId == ids[1] }?.metadataHttpTokens == "optional")
        }
    }

    @Test("DescribeInstances with a page size of 5 over 7 instances takes 2 pages")
    func instancePagination() async throws {
        try await Self.withMotoClient { client in
            let ec2 = EC2(client)
            let name = "cl-page-\(Self.unique())"
            // One reservation per instance: AWS counts MaxResults in instances, moto 5.2.1 counts reservations
            // (its nextToken is the last reservation id). With 7 single-instance reservations both make 5 + 2.
            var expected: [String] = []
            var reservations: Set<String> = []
            for _ in 0..<7 {
                let (reservationId, ids) = try await Self.runInstances(client, count: 1, name: name)
                expected += ids
                reservations.insert(reservationId)
            }
            #expect(expected.count == 7)
            #expect(reservations.count == 7)

            // AWS refuses MaxResults together with InstanceId.N, so the run is selected by its tag.
            var iterator = ec2.describeInstances(filters: [EC2Filter("tag:Name", [name])], pageSize: 5).makeAsyncIterator()
            var seen: [EC2.Instance] = []
            while let instance = try await iterator.next() { seen.append(instance) }
            #expect(iterator.pages == 2)
            #expect(seen.count == 7)
            #expect(Set(seen.map(\.instanceId)) == Set(expected))
            #expect(Set(seen.map(\.reservationId)) == reservations)
        }
    }

    @Test("flow logs, volumes and snapshots are found after their creation")
    func flowLogsVolumesSnapshots() async throws {
        try await Self.withMotoClient { client in
            let ec2 = EC2(client)
            let suffix = Self.unique()

            let bucket = "cl-flowlogs-\(suffix)"
            try await S3(client).createBucket(bucket: bucket)
            let vpcId = try await Self.createVpc(client, cidr: "10.\(Int.random(in: 1...250)).0.0/16")
            var flowParams = QueryParameters()
            flowParams.addFlat("ResourceId", [vpcId])
            flowParams.add("ResourceType", "VPC")
            flowParams.add("TrafficType", "ALL")
            flowParams.add("LogDestinationType", "s3")
            flowParams.add("LogDestination", "arn:aws:s3:::\(bucket)")
            let createdFlow = try await client.query(.ec2, "CreateFlowLogs", flowParams)
            #expect(createdFlow.list("unsuccessful", item: "item").isEmpty)
            let flowLogId = try #require(createdFlow.list("flowLogIdSet", item: "item").first?.text)

            let flowLogs = try await ec2.describeFlowLogs(flowLogIds: [flowLogId]).collect()
            #expect(flowLogs.count == 1)
            let flowLog = try #require(flowLogs.first)
            #expect(flowLog.flowLogId == flowLogId)
            #expect(flowLog.resourceId == vpcId)
            #expect(flowLog.trafficType == "ALL")
            #expect(flowLog.logDestinationType == "s3")
            #expect(flowLog.logDestination == "arn:aws:s3:::\(bucket)")
            #expect(flowLog.status == "ACTIVE")
            #expect(try await ec2.describeFlowLogs(filters: [EC2Filter("resource-id", [vpcId])]).collect().map(\.flowLogId) == [flowLogId])

            var volumeParams = QueryParameters()
            volumeParams.add("AvailabilityZone", "us-east-1a")
            volumeParams.add("Size", 8)
            volumeParams.add("Encrypted", false)
            let volumeId = try #require(try await client.query(.ec2, "CreateVolume", volumeParams).string("volumeId"))
            let volumes = try await ec2.describeVolumes(volumeIds: [volumeId]).collect()
            #expect(volumes.map(\.volumeId) == [volumeId])
            #expect(volumes.first?.sizeGiB == 8)
            #expect(volumes.first?.encrypted == false)
            #expect(volumes.first?.state == "available")
            #expect(volumes.first?.availabilityZone == "us-east-1a")
            #expect(volumes.first?.attachedInstanceIds == [])

            var snapshotParams = QueryParameters()
            snapshotParams.add("VolumeId", volumeId)
            snapshotParams.add("Description", "CloudLoom test \(suffix)")
            let snapshotId = try #require(try await client.query(.ec2, "CreateSnapshot", snapshotParams).string("snapshotId"))

            // moto 5.2.1 ignores `Owner.1=self` and also answers its ~1,200 public AMI snapshots (about 440 KB), so
            // the list is searched for ours instead of compared whole; AWS would answer only the account's own.
            let own = try await ec2.describeSnapshots(owners: ["self"]).collect()
            let snapshot = try #require(own.first { $0.snapshotId == snapshotId })
            #expect(snapshot.volumeId == volumeId)
            #expect(snapshot.ownerId == Self.accountId)
            #expect(snapshot.volumeSizeGiB == 8)
            #expect(snapshot.encrypted == false)
            #expect(snapshot.state == "completed")
            #expect(snapshot.startTime != nil)
            #expect(try await ec2.describeSnapshots(snapshotIds: [snapshotId]).collect().map(\.snapshotId) == [snapshotId])
        }
    }

    @Test("an unknown security group is InvalidGroup.NotFound with a request id")
    func unknownSecurityGroup() async throws {
        try await Self.withMotoClient { client in
            let bogus = "sg-00000000000000000"
            let error = await #expect(throws: AWSError.self) {
                try await EC2(client).describeSecurityGroups(groupIds: [bogus]).collect()
            }
            #expect(error?.kind == .service)
            #expect(error?.code == "InvalidGroup.NotFound")
            #expect(error?.statusCode == 400)
            #expect(error?.operation == "ec2.DescribeSecurityGroups")
            #expect(error?.message.contains(bogus) == true)
            // moto writes the literal text "request-id" in <RequestID>; AWS writes a UUID. Either way there is one.
            #expect(error?.requestId?.isEmpty == false)
            #expect(error?.attempts == 1)
        }
    }

    // MARK: Helpers

    /// CreateVpc (raw: the client has no call for it) and the new VPC's id.
    static func createVpc(_ client: AWSClient, cidr: String) async throws -> String {
        var params = QueryParameters()
        params.add("CidrBlock", cidr)
        let answer = try await client.query(.ec2, "CreateVpc", params)
        return try #require(answer.string("vpc", "vpcId"))
    }

    /// RunInstances (raw) with `count` instances of the default AMI tagged `Name=name`, in one reservation.
    static func runInstances(_ client: AWSClient, count: Int, name: String) async throws -> (reservationId: String, instanceIds: [String]) {
        var params = QueryParameters()
        params.add("ImageId", imageId)
        params.add("MinCount", count)
        params.add("MaxCount", count)
        params.add("InstanceType", "t2.micro")
        params.add("TagSpecification.1.ResourceType", "instance")
        params.add("TagSpecification.1.Tag.1.Key", "Name")
        params.add("TagSpecification.1.Tag.1.Value", name)
        let answer = try await client.query(.ec2, "RunInstances", params)
        let reservationId = try #require(answer.string("reservationId"))
        let ids = answer.list("instancesSet", item: "item").compactMap { $0.string("instanceId") }
        return (reservationId, ids)
    }

    /// A lower-case fragment that makes names unique in the shared moto server.
    static func unique() -> String { String(UUID().uuidString.prefix(8)).lowercased() }

    /// A client for the shared moto server, shut down when `body` returns or throws.
    static func withMotoClient(_ body: (AWSClient) async throws -> Void) async throws {
        let moto = try await SharedServers.shared.motoServer()
        let client = AWSClient(credentials: StaticCredentialProvider(accessKeyId: "AKIDTEST", secretAccessKey: "secret"),
                               configuration: .init(region: "us-east-1", endpoint: moto.endpoint))
        do {
            try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }
}
